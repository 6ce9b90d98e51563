//! 预约 as forms: book from 我要预约, cancel, and check in on the phone with the entrance code.

use super::form::{SignedIn, WebForm, button, values};
use crate::http::AppState;
use app::forms::FormName;
use app::paths::{self, action};
use axum::Router;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::post;
use domain::appointment::BookingRequest;
use domain::queue::CheckInRequest;
use service::{appointments, queue};
use std::collections::BTreeMap;

/// This area's form routes, merged into the page router beside the pages they post from.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(action::BOOK, post(book))
        .route(&action::CANCEL_APPOINTMENT.route(), post(cancel))
        .route(&action::CHECK_IN.route(), post(check_in))
}

/// The chosen slot, and the choices that led to it (shown again if the booking is refused).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct BookForm {
    csrf_token: String,
    slot_id: String,
    item_code: String,
    hall: String,
    zone: String,
    date: String,
}

impl WebForm for BookForm {
    const NAME: FormName = FormName::Book;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    fn kept(&self) -> BTreeMap<String, String> {
        values([
            ("slot_id", &self.slot_id),
            ("item_code", &self.item_code),
            ("hall", &self.hall),
            ("zone", &self.zone),
            ("date", &self.date),
        ])
    }
}

/// `POST /appointments`: books, then shows the booking with its code and QR code.
async fn book(post: SignedIn<BookForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    if form.slot_id.trim().is_empty() {
        return reply
            .refuse(service::Error::invalid("slot_id", "请选择一个时段"))
            .await;
    }
    let request = BookingRequest {
        slot_id: form.slot_id,
        item_code: Some(form.item_code).filter(|c| !c.trim().is_empty()),
    };
    match appointments::book(reply.portal(), &session, request).await {
        Ok(booking) => reply.redirect(&paths::APPOINTMENT.at(&booking.id)),
        Err(error) => reply.refuse(error).await,
    }
}

button!(
    /// 取消预约.
    CancelForm,
    FormName::CancelAppointment
);

/// `POST /appointments/{id}/cancel`.
async fn cancel(Path(id): Path<String>, post: SignedIn<CancelForm>) -> Response {
    let SignedIn { session, reply, .. } = post;
    match appointments::cancel(reply.portal(), &session, &id).await {
        Ok(_) => reply.confirm("预约已取消，时段已释放给其他群众。").await,
        Err(error) => reply.refuse(error).await,
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct CheckInForm {
    csrf_token: String,
    code: String,
}

impl WebForm for CheckInForm {
    const NAME: FormName = FormName::CheckIn;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    fn kept(&self) -> BTreeMap<String, String> {
        values([("code", &self.code)])
    }
}

/// `POST /appointments/{id}/check-in`: the ticket page follows.
async fn check_in(Path(id): Path<String>, post: SignedIn<CheckInForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    let request = CheckInRequest { code: form.code };
    match queue::check_in(reply.portal(), &session, &id, request).await {
        Ok(ticket) => reply.redirect(&paths::TICKET.at(&ticket.id)),
        Err(error) => reply.refuse(error).await,
    }
}

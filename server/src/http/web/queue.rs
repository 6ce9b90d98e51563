//! 取号叫号 as forms: the kiosk's 取号 and 预约签到 (a provisioned kiosk, no login), and the
//! clerk's 叫下一位 and the steps of the ticket at the window.

use super::form::{Posted, SignedIn, WebForm, values};
use crate::http::AppState;
use app::forms::FormName;
use app::paths::{self, action};
use axum::Router;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::post;
use domain::catalog::Zone;
use domain::queue::{CallNextRequest, KioskCheckIn, ServeRequest, WalkInRequest};
use service::queue::{self, TicketStep};
use std::collections::BTreeMap;

/// This area's form routes, merged into the page router beside the pages they post from.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(&action::KIOSK_TICKET.route(), post(walk_in))
        .route(&action::KIOSK_CHECK_IN.route(), post(kiosk_check_in))
        .route(action::CALL_NEXT, post(call_next))
        .route(&action::TICKET_STEP.route(), post(ticket_step))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct WalkInForm {
    zone: String,
}

impl WebForm for WalkInForm {
    const NAME: FormName = FormName::KioskTicket;
}

/// `POST /kiosk/{hall_id}/ticket`: the printable ticket follows.
async fn walk_in(Path(hall_id): Path<String>, post: Posted<WalkInForm>) -> Response {
    let Posted {
        caller,
        form,
        reply,
    } = post;
    let Some(device) = caller.device else {
        return reply.refuse(service::devices::NOT_A_DEVICE).await;
    };
    let request = WalkInRequest {
        zone: Zone::parse(&form.zone),
    };
    match queue::walk_in(reply.portal(), &device, &hall_id, request).await {
        Ok(ticket) => reply.redirect(&paths::kiosk_ticket(&hall_id, &ticket.id)),
        Err(error) => reply.refuse(error).await,
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct KioskCheckInForm {
    booking_code: String,
    id_number: String,
}

impl WebForm for KioskCheckInForm {
    const NAME: FormName = FormName::KioskCheckIn;

    // The ID number is not kept: the next person at the kiosk must not see it.
    fn kept(&self) -> BTreeMap<String, String> {
        values([("booking_code", &self.booking_code)])
    }
}

/// `POST /kiosk/{hall_id}/check-in`.
async fn kiosk_check_in(Path(hall_id): Path<String>, post: Posted<KioskCheckInForm>) -> Response {
    let Posted {
        caller,
        form,
        reply,
    } = post;
    let Some(device) = caller.device else {
        return reply.refuse(service::devices::NOT_A_DEVICE).await;
    };
    let request = KioskCheckIn {
        booking_code: Some(form.booking_code),
        id_number: Some(form.id_number),
    };
    match queue::kiosk_check_in(reply.portal(), &device, &hall_id, request).await {
        Ok(ticket) => reply.redirect(&paths::kiosk_ticket(&hall_id, &ticket.id)),
        Err(error) => reply.refuse(error).await,
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct CallNextForm {
    csrf_token: String,
    window: String,
}

impl WebForm for CallNextForm {
    const NAME: FormName = FormName::CallNext;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    fn kept(&self) -> BTreeMap<String, String> {
        values([("window", &self.window)])
    }
}

/// `POST /staff/queue/call-next`.
async fn call_next(post: SignedIn<CallNextForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    let request = CallNextRequest {
        window: form.window.trim().parse().unwrap_or(0),
    };
    match queue::call_next(reply.portal(), &session, request).await {
        Ok(ticket) => {
            reply
                .confirm(format!(
                    "已叫 {} 号到 {} 号窗口。",
                    ticket.number,
                    ticket.window.unwrap_or_default()
                ))
                .await
        }
        Err(error) => reply.refuse(error).await,
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct TicketStepForm {
    csrf_token: String,
    step: String,
    case_no: String,
}

impl WebForm for TicketStepForm {
    const NAME: FormName = FormName::TicketStep;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    fn kept(&self) -> BTreeMap<String, String> {
        values([("case_no", &self.case_no)])
    }
}

/// `POST /staff/queue/tickets/{id}/step`: 重呼, 过号, 开始办理 or 办结.
async fn ticket_step(Path(id): Path<String>, post: SignedIn<TicketStepForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    let step = match form.step.as_str() {
        "recall" => TicketStep::Recall,
        "no_show" => TicketStep::NoShow,
        "start" => TicketStep::Start,
        "serve" => TicketStep::Serve(ServeRequest {
            case_no: Some(form.case_no).filter(|c| !c.trim().is_empty()),
        }),
        _ => {
            return reply
                .refuse(service::Error::invalid("step", "请选择操作"))
                .await;
        }
    };
    match queue::act(reply.portal(), &session, &id, step).await {
        Ok(ticket) => {
            reply
                .confirm(format!("{} 号：{}", ticket.number, ticket.state_label))
                .await
        }
        Err(error) => reply.refuse(error).await,
    }
}

//! 窗口收件 on the workbench: the clerk's start (item and applicant), then the same
//! application form as the applicant's own, posted to the window draft's address; a sent case
//! opens on the workbench for 受理.

use super::applications::{ApplicationForm, answer, intent_of};
use super::form::{SignedIn, WebForm, values};
use crate::http::AppState;
use app::forms::{FormFeedback, FormName, STARTED_DRAFT};
use app::paths::{self, action};
use axum::Router;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::post;
use domain::intake::WindowStart;
use serde::Deserialize;
use service::applications::{self, Change, Intent};
use std::collections::BTreeMap;

/// This area's form routes, merged into the page router beside the pages they post from.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(action::STAFF_WINDOW, post(start))
        .route(
            &action::STAFF_WINDOW_DRAFT.route(),
            // Scanned materials arrive with the form: the upload-sized ceiling applies.
            post(save).layer(axum::extract::DefaultBodyLimit::disable()),
        )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WindowStartForm {
    csrf_token: String,
    item_code: String,
    id_number: String,
    credit_code: String,
    name: String,
    contact_phone: String,
}

impl WebForm for WindowStartForm {
    const NAME: FormName = FormName::WindowStart;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    fn kept(&self) -> BTreeMap<String, String> {
        values([
            ("item_code", &self.item_code),
            ("id_number", &self.id_number),
            ("credit_code", &self.credit_code),
            ("name", &self.name),
            ("contact_phone", &self.contact_phone),
        ])
    }
}

/// `POST /staff/window`: the lookup (or the offline record), then the draft opens — at once
/// for a registered applicant, after the activation code for someone without an account.
async fn start(post: SignedIn<WindowStartForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    let given = |text: String| Some(text).filter(|text| !text.trim().is_empty());
    let request = WindowStart {
        item_code: form.item_code,
        id_number: given(form.id_number),
        credit_code: given(form.credit_code),
        name: given(form.name),
        contact_phone: given(form.contact_phone),
    };
    match applications::start_window(reply.portal(), &session, request).await {
        Ok(started) => match started.activation_code {
            None => reply.redirect(&paths::STAFF_WINDOW_DRAFT.at(&started.application.id)),
            // The code is shown this once, before the form: the clerk hands it over on paper.
            Some(code) => {
                reply
                    .show(FormFeedback {
                        message: Some(format!(
                            "已为申请人建立线下档案。网上激活码：{code}。请抄写或打印交给申请人：本人用同一身份号码和姓名注册时填写激活码，即可在网上查看和办理办件。激活码只显示这一次。"
                        )),
                        success: true,
                        values: BTreeMap::from([(STARTED_DRAFT.to_owned(), started.application.id)]),
                        ..FormFeedback::default()
                    })
                    .await
            }
        },
        Err(error) => reply.refuse(error).await,
    }
}

/// `POST /staff/window/{id}`: save, review, add a group entry, or submit the window draft.
async fn save(Path(id): Path<String>, post: SignedIn<ApplicationForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    let operation = format!("POST /staff/window-applications/{id}/submit");
    let intent = match intent_of(&form, &session, &operation) {
        Ok(intent) => intent,
        Err(error) => return reply.refuse(error).await,
    };
    let reviewing = matches!(intent, Intent::Prereview);
    let change = Change::Posted(form.fields);
    let saved = applications::save_window(reply.portal(), &session, &id, change, intent).await;
    answer(reply, saved, reviewing, |saved| {
        paths::STAFF_CASE.at(saved.view.case_no.as_deref().unwrap_or_default())
    })
    .await
}

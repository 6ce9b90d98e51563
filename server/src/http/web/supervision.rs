//! 电子监察 on the workbench: a supervisor's 催办, answered by the supervision page again.

use super::form::{SignedIn, WebForm, values};
use crate::http::AppState;
use app::forms::FormName;
use app::paths::action;
use axum::Router;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::post;
use domain::supervision::RemindRequest;
use serde::Deserialize;
use service::applications;
use std::collections::BTreeMap;

/// This area's form routes, merged into the page router beside the pages they post from.
pub fn routes() -> Router<AppState> {
    Router::new().route(&action::REMIND.route(), post(remind))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RemindForm {
    csrf_token: String,
    message: String,
}

impl WebForm for RemindForm {
    const NAME: FormName = FormName::Remind;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    fn kept(&self) -> BTreeMap<String, String> {
        values([("message", &self.message)])
    }
}

/// `POST /staff/supervision/{case_no}/remind`.
async fn remind(Path(case_no): Path<String>, post: SignedIn<RemindForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    let request = RemindRequest {
        message: form.message,
    };
    match applications::remind(reply.portal(), &session, &case_no, request).await {
        Ok(_) => {
            reply
                .confirm(format!("已催办办件 {case_no}，责任部门会在工作台看到。"))
                .await
        }
        Err(error) => reply.refuse(error).await,
    }
}

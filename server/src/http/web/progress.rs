//! The public progress lookup (办件查询) as a form.

use super::form::{Posted, WebForm, values};
use crate::http::AppState;
use app::forms::{FormFeedback, FormName};
use app::paths::action;
use axum::Router;
use axum::response::Response;
use axum::routing::post;
use domain::application::ProgressQuery;
use std::collections::BTreeMap;

/// This area's form routes, merged into the page router beside the pages they post from.
pub fn routes() -> Router<AppState> {
    Router::new().route(action::PROGRESS, post(progress))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ProgressForm {
    case_no: String,
    applicant_name: String,
}

impl WebForm for ProgressForm {
    const NAME: FormName = FormName::Progress;

    fn kept(&self) -> BTreeMap<String, String> {
        values([
            ("case_no", &self.case_no),
            ("applicant_name", &self.applicant_name),
        ])
    }
}

/// `POST /progress`: the public lookup. The name travels in the body, never in the address.
async fn progress(post: Posted<ProgressForm>) -> Response {
    let Posted {
        caller,
        form,
        reply,
    } = post;
    let query = ProgressQuery {
        case_no: form.case_no,
        applicant_name: form.applicant_name,
    };
    match service::applications::progress(reply.portal(), &caller.address, &query).await {
        Ok(progress) => {
            let feedback = FormFeedback {
                success: true,
                progress: Some(progress),
                ..FormFeedback::default()
            };
            reply.show(feedback).await
        }
        Err(error) => reply.refuse(error).await,
    }
}

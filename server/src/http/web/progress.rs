//! The public progress lookup (办件查询) as a form.

use super::form::{Submission, read, refuse, render};
use crate::http::AppState;
use app::forms::{FormFeedback, FormName};
use axum::Router;
use axum::extract::{Request, State};
use axum::response::Response;
use axum::routing::post;
use std::collections::BTreeMap;

/// This area's form routes, merged into the page router beside the pages they post from.
pub fn routes() -> Router<AppState> {
    Router::new().route("/progress", post(progress))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ProgressForm {
    case_no: String,
    applicant_name: String,
}

/// `POST /progress`: the public lookup. The name travels in the body, never in the address.
async fn progress(State(state): State<AppState>, request: Request) -> Response {
    let Submission {
        parts,
        caller,
        form,
    } = match read::<ProgressForm>(&state, request).await {
        Ok(submission) => submission,
        Err(response) => return response,
    };
    let query = domain::application::ProgressQuery {
        case_no: form.case_no.clone(),
        applicant_name: form.applicant_name.clone(),
    };
    let values: BTreeMap<String, String> = [
        ("case_no".to_owned(), form.case_no),
        ("applicant_name".to_owned(), form.applicant_name),
    ]
    .into();
    match service::applications::progress(&state.portal, &caller.address, &query).await {
        Ok(progress) => {
            let feedback = FormFeedback {
                form: Some(FormName::Progress),
                success: true,
                values,
                progress: Some(progress),
                ..FormFeedback::default()
            };
            render(&state, parts, "/progress", feedback).await
        }
        Err(error) => {
            refuse(
                &state,
                parts,
                "/progress",
                FormName::Progress,
                error,
                values,
            )
            .await
        }
    }
}

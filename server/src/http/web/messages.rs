//! 我的消息: marking a message read.

use super::form::{CsrfOnly, Submission, read, refuse};
use crate::http::AppState;
use app::forms::FormName;
use axum::Router;
use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use std::collections::BTreeMap;

/// This area's form routes, merged into the page router beside the pages they post from.
pub fn routes() -> Router<AppState> {
    Router::new().route("/messages/{id}/read", post(mark_read))
}

/// `POST /messages/{id}/read`.
async fn mark_read(
    State(state): State<AppState>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let Submission {
        parts,
        caller,
        form,
    } = match read::<CsrfOnly>(&state, request).await {
        Ok(submission) => submission,
        Err(response) => return response,
    };
    let result = match caller.session_for_write(Some(&form.csrf_token)) {
        Ok(session) => service::messages::mark_read(&state.portal, session, &id).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => Redirect::to("/messages").into_response(),
        Err(error) => {
            refuse(
                &state,
                parts,
                "/messages",
                FormName::Messages,
                error,
                BTreeMap::new(),
            )
            .await
        }
    }
}

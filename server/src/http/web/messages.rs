//! 我的消息: marking a message read.

use super::form::{SignedIn, button};
use crate::http::AppState;
use app::forms::FormName;
use app::paths::{self, action};
use axum::Router;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::post;

/// This area's form routes, merged into the page router beside the pages they post from.
pub fn routes() -> Router<AppState> {
    Router::new().route(&action::MARK_READ.route(), post(mark_read))
}

button!(
    /// 标为已读.
    MarkReadButton,
    FormName::Messages
);

/// `POST /messages/{id}/read`.
async fn mark_read(Path(id): Path<String>, post: SignedIn<MarkReadButton>) -> Response {
    let SignedIn { session, reply, .. } = post;
    match service::messages::mark_read(reply.portal(), &session, &id).await {
        Ok(()) => reply.redirect(paths::MESSAGES),
        Err(error) => reply.refuse(error).await,
    }
}

//! The message centre (站内信).

use super::error::{ApiError, ErrorEnvelope};
use super::extract::{ApiQuery, Paging};
use crate::http::AppState;
use crate::http::caller::{Authenticated, AuthenticatedWrite};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::message::Inbox;

#[utoipa::path(
    get, path = "/messages", tag = "messages", summary = "我的消息（站内信）",
    params(Paging),
    responses(
        (status = 200, description = "最新的在前，附未读条数", body = Inbox),
        (status = 401, description = "未登录", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn inbox(
    State(state): State<AppState>,
    Authenticated(session): Authenticated,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Json<Inbox>, ApiError> {
    Ok(Json(
        service::messages::inbox(&state.portal, &session, paging.request()?).await?,
    ))
}

#[utoipa::path(
    post, path = "/messages/{id}/read", tag = "messages", summary = "标记为已读",
    params(("id" = String, Path, description = "消息编号")),
    responses(
        (status = 204, description = "已读（重复标记无影响）"),
        (status = 404, description = "没有该消息", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn mark_read(
    State(state): State<AppState>,
    AuthenticatedWrite(session): AuthenticatedWrite,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    service::messages::mark_read(&state.portal, &session, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

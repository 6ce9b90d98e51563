//! The message centre (站内信) and the public progress lookup.

use super::error::{ApiError, ErrorEnvelope};
use super::extract::{ApiJson, ApiQuery, Paging};
use crate::http::AppState;
use crate::http::caller::{Authenticated, AuthenticatedWrite, CallerOf};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::application::{ProgressQuery, PublicProgress};
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

/// Public: no sign-in. A wrong name and an unknown number answer alike; attempts are limited per
/// address.
#[utoipa::path(
    post, path = "/progress-queries", tag = "applications", summary = "办件进度查询（公开）",
    request_body = ProgressQuery,
    responses(
        (status = 200, description = "办件状态；申请人已脱敏", body = PublicProgress),
        (status = 404, description = "编号与姓名不符或没有该办件", body = ErrorEnvelope),
        (status = 422, description = "未填写办件编号或姓名", body = ErrorEnvelope),
        (status = 429, description = "查询过于频繁，见 Retry-After", body = ErrorEnvelope),
    )
)]
pub async fn progress_query(
    State(state): State<AppState>,
    CallerOf(caller): CallerOf,
    ApiJson(query): ApiJson<ProgressQuery>,
) -> Result<Json<PublicProgress>, ApiError> {
    Ok(Json(
        service::applications::progress(&state.portal, &caller.address, &query).await?,
    ))
}

//! 一企一档 as its 经办人 keep it: the business profile and its 经办人, granted and revoked by the
//! administrating 经办人.

use super::error::{ApiError, ErrorEnvelope};
use super::extract::{ApiJson, IdempotencyKey, canonical};
use crate::http::AppState;
use crate::http::caller::{
    AgentAdminWrite, AgentWrite, Authenticated, AuthenticatedWrite, CallerOf,
};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::account::{BusinessAccount, BusinessProfile};
use serde::{Deserialize, Serialize};
use service::accounts;
use utoipa::ToSchema;

#[utoipa::path(
    get, path = "/me/business", tag = "me", summary = "代办单位的档案（一企一档）与经办人",
    responses(
        (status = 200, description = "单位档案", body = BusinessAccount),
        (status = 403, description = "当前未以单位经办人身份办事", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn business(
    State(state): State<AppState>,
    Authenticated(session): Authenticated,
) -> Result<Json<BusinessAccount>, ApiError> {
    Ok(Json(
        accounts::business_account(&state.portal, &session).await?,
    ))
}

#[utoipa::path(
    put, path = "/me/business/profile", tag = "me", summary = "保存单位档案",
    request_body = BusinessProfile,
    responses(
        (status = 200, description = "已保存", body = BusinessProfile),
        (status = 422, description = "输入有误", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn update_business_profile(
    State(state): State<AppState>,
    AgentWrite(session): AgentWrite,
    ApiJson(profile): ApiJson<BusinessProfile>,
) -> Result<Json<BusinessProfile>, ApiError> {
    Ok(Json(
        accounts::update_business_profile(&state.portal, &session, &profile).await?,
    ))
}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct AgentGrant {
    /// The registered citizen's ID number and name; both must match their account.
    pub id_number: String,
    pub name: String,
}

#[utoipa::path(
    post, path = "/me/business/agents", tag = "me", summary = "授权经办人（管理经办人）",
    request_body = AgentGrant,
    params(IdempotencyKey),
    responses(
        (status = 204, description = "已授权（同一请求标识的重试同样回答，带 Idempotent-Replayed）"),
        (status = 403, description = "不是管理经办人", body = ErrorEnvelope),
        (status = 409, description = "已是经办人", body = ErrorEnvelope),
        (status = 422, description = "证件号码或姓名有误", body = ErrorEnvelope),
        (status = 429, description = "授权尝试过于频繁（rate_limited），见 Retry-After", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn grant_agent(
    State(state): State<AppState>,
    CallerOf(caller): CallerOf,
    AgentAdminWrite(session): AgentAdminWrite,
    key: IdempotencyKey,
    ApiJson(grant): ApiJson<AgentGrant>,
) -> Result<Response, ApiError> {
    let key = key.bind(
        &caller.idempotency_scope(),
        "POST /me/business/agents",
        &[&canonical(&grant)?],
    )?;
    let portal = state.portal.clone();
    let work = async move {
        accounts::grant_agent(&portal, &session, &grant.id_number, &grant.name).await
    };
    let outcome = service::idempotency::once(&state.portal, key.as_ref(), work).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    if outcome.replayed {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
}

#[utoipa::path(
    post, path = "/me/business/agents/{citizen_id}/revoke", tag = "me", summary = "撤销经办人授权",
    params(("citizen_id" = String, Path, description = "经办人的账号编号")),
    responses(
        (status = 204, description = "已撤销"),
        (status = 403, description = "不是管理经办人", body = ErrorEnvelope),
        (status = 404, description = "没有该经办人", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn revoke_agent(
    State(state): State<AppState>,
    AuthenticatedWrite(session): AuthenticatedWrite,
    Path(citizen_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    accounts::revoke_agent(&state.portal, &session, &citizen_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

//! The caller's own account: 一人一档, the audited reveal, password, sessions, who viewed my
//! data, and which identity (oneself or a business) the caller acts as.

use super::error::{ApiError, ErrorEnvelope};
use super::extract::{ApiJson, ApiQuery, Paging};
use crate::http::AppState;
use crate::http::caller::{Authenticated, AuthenticatedWrite, CitizenWrite};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::account::{AccessLogEntry, CitizenAccount, CitizenProfile, PrincipalView, SessionView};
use domain::paging::Page;
use serde::{Deserialize, Serialize};
use service::{accounts, auth};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub principal: PrincipalView,
    /// Present for citizens (and 经办人); absent for staff.
    pub account: Option<CitizenAccount>,
}

#[utoipa::path(
    get, path = "/me", tag = "me", summary = "当前用户与个人档案",
    responses(
        (status = 200, description = "当前用户；证件号码和手机号码已脱敏", body = Me),
        (status = 401, description = "未登录、令牌过期（session_expired）或已撤销（session_revoked）", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn me(
    State(state): State<AppState>,
    Authenticated(session): Authenticated,
) -> Result<Json<Me>, ApiError> {
    let account = match session.principal {
        auth::Principal::Citizen(_) => {
            Some(accounts::citizen_account(&state.portal, &session).await?)
        }
        auth::Principal::Staff(_) => None,
    };
    Ok(Json(Me {
        principal: session.view(),
        account,
    }))
}

#[utoipa::path(
    put, path = "/me/profile", tag = "me", summary = "保存个人档案（一人一档）",
    request_body = CitizenProfile,
    responses(
        (status = 200, description = "已保存", body = CitizenProfile),
        (status = 401, description = "未登录", body = ErrorEnvelope),
        (status = 422, description = "输入有误", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn update_profile(
    State(state): State<AppState>,
    CitizenWrite(session): CitizenWrite,
    ApiJson(profile): ApiJson<CitizenProfile>,
) -> Result<Json<CitizenProfile>, ApiError> {
    Ok(Json(
        accounts::update_citizen_profile(&state.portal, &session, &profile).await?,
    ))
}

#[derive(Serialize, ToSchema)]
pub struct RevealedIdNumber {
    pub id_number: String,
}

/// Every reveal is written to the audit log and shows in the access log.
#[utoipa::path(
    post, path = "/me/id-number/reveal", tag = "me", summary = "查看本人完整证件号码（留痕）",
    responses(
        (status = 200, description = "完整号码", body = RevealedIdNumber),
        (status = 401, description = "未登录", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn reveal_id_number(
    State(state): State<AppState>,
    AuthenticatedWrite(session): AuthenticatedWrite,
) -> Result<Json<RevealedIdNumber>, ApiError> {
    Ok(Json(RevealedIdNumber {
        id_number: accounts::reveal_id_number(&state.portal, &session).await?,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Serialize, ToSchema)]
pub struct PasswordChanged {
    /// How many other sessions were signed out.
    pub other_sessions_ended: u64,
}

#[utoipa::path(
    put, path = "/me/password", tag = "me", summary = "修改密码（其他设备随之退出）",
    request_body = PasswordChange,
    responses(
        (status = 200, description = "已修改", body = PasswordChanged),
        (status = 422, description = "当前密码不对或新密码不合规则", body = ErrorEnvelope),
        (status = 429, description = "当前密码连续输错，账号已临时锁定（account_locked），见 Retry-After", body = ErrorEnvelope),
        (status = 503, description = "同时登录、改密的人过多（busy），见 Retry-After", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn change_password(
    State(state): State<AppState>,
    AuthenticatedWrite(session): AuthenticatedWrite,
    ApiJson(change): ApiJson<PasswordChange>,
) -> Result<Json<PasswordChanged>, ApiError> {
    let ended = accounts::change_password(
        &state.portal,
        &session,
        &change.current_password,
        &change.new_password,
    )
    .await?;
    Ok(Json(PasswordChanged {
        other_sessions_ended: ended,
    }))
}

#[utoipa::path(
    get, path = "/me/sessions", tag = "me", summary = "当前登录的设备",
    params(Paging),
    responses((status = 200, description = "登录会话，最近使用的在前", body = Page<SessionView>)),
    security(("bearer" = []))
)]
pub async fn sessions(
    State(state): State<AppState>,
    Authenticated(session): Authenticated,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Json<Page<SessionView>>, ApiError> {
    let paging = paging.request()?;
    let all: Vec<SessionView> = auth::list_sessions(&state.portal, &session)
        .await?
        .iter()
        .map(|summary| summary.view())
        .collect();
    Ok(Json(Page::of(&all, paging)))
}

#[utoipa::path(
    post, path = "/me/sessions/{session_id}/revoke", tag = "me", summary = "退出某一设备",
    params(("session_id" = String, Path, description = "会话编号")),
    responses(
        (status = 204, description = "已退出"),
        (status = 404, description = "没有该会话", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn revoke_session(
    State(state): State<AppState>,
    AuthenticatedWrite(session): AuthenticatedWrite,
    Path(session_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    auth::revoke_by_id(&state.portal, &session, &session_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post, path = "/me/sessions/revoke-others", tag = "me", summary = "退出其他所有设备",
    responses((status = 204, description = "其他设备已退出")),
    security(("bearer" = []))
)]
pub async fn revoke_other_sessions(
    State(state): State<AppState>,
    AuthenticatedWrite(session): AuthenticatedWrite,
) -> Result<StatusCode, ApiError> {
    auth::revoke_all_except(&state.portal, &session.principal, Some(&session)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Staff views of the caller's data (with the purpose they gave) and the caller's own sign-ins.
#[utoipa::path(
    get, path = "/me/access-log", tag = "me", summary = "谁查看了我的信息",
    params(Paging),
    responses((status = 200, description = "新的在前", body = Page<AccessLogEntry>)),
    security(("bearer" = []))
)]
pub async fn access_log(
    State(state): State<AppState>,
    Authenticated(session): Authenticated,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Json<Page<AccessLogEntry>>, ApiError> {
    Ok(Json(
        accounts::access_log(&state.portal, &session, paging.request()?).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct ActingForChoice {
    /// The business to act for as 经办人; `null` to act for oneself again.
    pub business_id: Option<String>,
}

#[utoipa::path(
    put, path = "/me/acting-for", tag = "me", summary = "切换办事身份（本人 / 代办单位）",
    request_body = ActingForChoice,
    responses(
        (status = 200, description = "已切换", body = PrincipalView),
        (status = 403, description = "不是该单位的经办人", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn switch_acting_for(
    State(state): State<AppState>,
    CitizenWrite(session): CitizenWrite,
    ApiJson(choice): ApiJson<ActingForChoice>,
) -> Result<Json<PrincipalView>, ApiError> {
    auth::switch_acting_for(&state.portal, &session, choice.business_id.as_deref()).await?;
    let mut updated = session.clone();
    if let auth::Principal::Citizen(citizen) = &mut updated.principal {
        citizen.acting_for = match &choice.business_id {
            Some(id) => {
                service::auth::acting_for_business(&state.portal, &citizen.citizen_id, id).await?
            }
            None => None,
        };
    }
    Ok(Json(updated.view()))
}

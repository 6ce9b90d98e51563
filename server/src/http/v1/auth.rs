//! Identity endpoints: registration, login for API clients (Bearer tokens), a staff member's
//! first password change, logout.

use super::error::{ApiError, ErrorEnvelope};
use super::extract::{ApiJson, IdempotencyKey, canonical, created};
use crate::http::AppState;
use crate::http::caller::{AuthenticatedWrite, CallerOf};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::account::{BusinessSignup, CitizenSignup, PrincipalView};
use domain::instant::Instant;
use http::HeaderValue;
use http::header::CACHE_CONTROL;
use serde::{Deserialize, Serialize};
use service::auth::{self, Caller, Channel, LoginAttempt};
use utoipa::ToSchema;

/// `kind` says which registration this is.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Registration {
    /// 个人注册.
    Citizen(CitizenSignup),
    /// 法人注册, sent with the registering citizen's Bearer token: they become its first,
    /// administrating 经办人.
    Business(BusinessSignup),
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct Registered {
    /// `citizen` or `business`.
    pub kind: String,
    pub message: String,
    /// The new business, for `PUT /me/acting-for`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_id: Option<String>,
}

impl Registration {
    /// What makes two registrations the same request, for `Idempotency-Key`: every field but
    /// the password, which is never stored in any form but its argon2 hash. (A retry that only
    /// changes the password gets the first answer; the first password stands.)
    fn fingerprint(&self) -> serde_json::Value {
        let person = |p: &CitizenSignup| serde_json::json!({ "id_number": p.id_number, "name": p.name, "phone": p.phone });
        match self {
            Self::Citizen(signup) => {
                serde_json::json!({ "kind": "citizen", "person": person(signup) })
            }
            Self::Business(signup) => serde_json::json!({
                "kind": "business",
                "credit_code": signup.credit_code,
                "org_name": signup.org_name,
                "legal_rep_name": signup.legal_rep_name,
            }),
        }
    }
}

/// Duplicate ID numbers, phones and credit codes answer 409 with a code saying which. A retry
/// with the same `Idempotency-Key` (scoped to the caller) answers the first result. A business
/// is registered by a signed-in citizen (Bearer token, or the cookie with its CSRF token).
#[utoipa::path(
    post,
    path = "/auth/register",
    tag = "identity",
    summary = "注册（个人 / 法人）",
    request_body = Registration,
    params(IdempotencyKey),
    responses(
        (status = 201, description = "已注册，可以登录（同一请求标识的重试：第一次的结果，带 Idempotent-Replayed）", body = Registered),
        (status = 401, description = "法人注册须先以个人账号登录", body = ErrorEnvelope),
        (status = 403, description = "工作人员不能注册法人，或网页会话缺少 CSRF 令牌", body = ErrorEnvelope),
        (status = 409, description = "证件号码、手机号码或统一社会信用代码已注册，或同一请求标识的请求仍在处理（idempotency_in_progress）", body = ErrorEnvelope),
        (status = 422, description = "输入有误，fields 指明每个字段的问题；或请求标识已用于另一请求（idempotency_mismatch）", body = ErrorEnvelope),
        (status = 429, description = "尝试过于频繁，见 Retry-After", body = ErrorEnvelope),
    )
)]
pub async fn register(
    State(state): State<AppState>,
    CallerOf(caller): CallerOf,
    headers: http::HeaderMap,
    key: IdempotencyKey,
    ApiJson(registration): ApiJson<Registration>,
) -> Result<Response, ApiError> {
    let key = key.bind(
        &caller.idempotency_scope(),
        "POST /auth/register",
        &[&canonical(&registration.fingerprint())?],
    )?;
    // A business needs its registrant signed in; asked before any work is done.
    let registrant = match &registration {
        Registration::Citizen(_) => None,
        Registration::Business(_) => {
            let presented = headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
            Some(caller.session_for_write(presented)?.clone())
        }
    };
    let portal = state.portal.clone();
    let work = async move {
        Ok(match (&registration, registrant) {
            (Registration::Citizen(signup), _) => {
                service::accounts::register_citizen(&portal, signup, &caller.address).await?;
                Registered {
                    kind: "citizen".into(),
                    message: "注册成功，请登录".into(),
                    business_id: None,
                }
            }
            (Registration::Business(signup), Some(session)) => {
                let id = service::accounts::register_business(
                    &portal,
                    &session,
                    signup,
                    &caller.address,
                )
                .await?;
                Registered {
                    kind: "business".into(),
                    message: "法人注册成功，您已成为该单位的管理经办人".into(),
                    business_id: Some(id),
                }
            }
            (Registration::Business(_), None) => unreachable!("asked for above"),
        })
    };
    let outcome = service::idempotency::once(&state.portal, key.as_ref(), work).await?;
    Ok(created(outcome))
}

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    /// 公民身份号码、手机号码、统一社会信用代码或工作人员用户名.
    pub account: String,
    pub password: String,
    /// With a credit code: the 经办人's ID number or phone.
    #[serde(default)]
    pub agent: Option<String>,
    /// Staff: the six-digit code from the authenticator.
    #[serde(default)]
    pub totp: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// RFC 3339; log in again after this.
    pub expires_at: Instant,
    pub principal: PrincipalView,
}

/// For API clients; the web portal logs in through its form and gets a cookie instead.
#[utoipa::path(
    post,
    path = "/auth/login",
    tag = "identity",
    summary = "登录，取得访问令牌",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "登录成功", body = LoginResponse),
        (status = 401, description = "账号或密码错误（invalid_credentials）；工作人员缺少或输错动态口令、法人登录的经办人不是该单位经办人，也是这一回答", body = ErrorEnvelope),
        (status = 403, description = "工作人员首次登录须先修改初始密码（password_change_required，回答中的 change_ticket 用于 POST /auth/password-change，10 分钟内有效）；或尚未绑定动态口令（totp_not_enrolled），须在工作人员登录页完成", body = ErrorEnvelope),
        (status = 422, description = "账号格式有误", body = ErrorEnvelope),
        (status = 429, description = "账号已临时锁定（account_locked）或本地址尝试过多（rate_limited），见 Retry-After", body = ErrorEnvelope),
        (status = 503, description = "同时登录的人过多（busy），见 Retry-After", body = ErrorEnvelope),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    CallerOf(caller): CallerOf,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Response {
    let answer = log_in(&state, &caller, &request).await;
    // A token (or a change ticket) is for this client only, never for a cache on the way.
    let mut response = answer.into_response();
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn log_in(
    state: &AppState,
    caller: &Caller,
    request: &LoginRequest,
) -> Result<Json<LoginResponse>, ApiError> {
    let new = auth::login(
        &state.portal,
        LoginAttempt {
            account: &request.account,
            password: &request.password,
            agent: request.agent.as_deref(),
            totp: request.totp.as_deref(),
            channel: Channel::Api,
            address: &caller.address,
            user_agent: &caller.user_agent,
            door: service::auth::LoginDoor::Api,
        },
    )
    .await?;
    // A first login with a one-time password gets only the ticket to replace it.
    if new.session.stage == auth::Stage::TotpEnrolment {
        return Err(
            ApiError::from(service::staff::PASSWORD_CHANGE_REQUIRED).with_change_ticket(new.token)
        );
    }
    Ok(Json(LoginResponse {
        token: new.token,
        expires_at: Instant::new(new.expires_at),
        principal: new.session.view(),
    }))
}

/// Both fields default to empty, so that a missing ticket is told 401 before a missing
/// password is told 422 (the caller before the body).
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct PasswordChangeRequest {
    /// `change_ticket` from the login's 403 `password_change_required`.
    pub change_ticket: String,
    pub new_password: String,
}

/// A staff member's first login through the API: the one-time password an admin or the command
/// line set is replaced with the ticket the login answered with. Every session ends; log in
/// again with the new password (the authenticator is bound on the staff login page).
#[utoipa::path(
    post,
    path = "/auth/password-change",
    tag = "identity",
    summary = "工作人员首次登录修改初始密码",
    request_body = PasswordChangeRequest,
    responses(
        (status = 204, description = "密码已修改，请用新密码重新登录"),
        (status = 401, description = "凭证无效、已用过或已过期（invalid_change_ticket），请重新登录", body = ErrorEnvelope),
        (status = 422, description = "新密码不符合要求或与初始密码相同", body = ErrorEnvelope),
        (status = 503, description = "同时登录的人过多（busy），见 Retry-After", body = ErrorEnvelope),
    )
)]
pub async fn change_initial_password(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<PasswordChangeRequest>,
) -> Result<StatusCode, ApiError> {
    service::accounts::change_initial_password(
        &state.portal,
        &request.change_ticket,
        &request.new_password,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends the presented session or token on the server.
#[utoipa::path(
    post,
    path = "/auth/logout",
    tag = "identity",
    summary = "退出登录",
    responses(
        (status = 204, description = "已退出"),
        (status = 401, description = "未登录或登录已失效", body = ErrorEnvelope),
        (status = 403, description = "网页会话缺少 CSRF 令牌", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn logout(
    State(state): State<AppState>,
    AuthenticatedWrite(session): AuthenticatedWrite,
) -> Result<StatusCode, ApiError> {
    auth::revoke(&state.portal, &session).await?;
    Ok(StatusCode::NO_CONTENT)
}

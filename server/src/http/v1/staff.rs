//! Staff endpoints under `/staff`: every one checks role (and the second factor) in `service`;
//! those with a body check the capability's roles first (`StaffWrite`), so a refusal never
//! reveals what the body should look like.

use super::error::{ApiError, ErrorEnvelope};
use super::extract::{ApiJson, ApiQuery, IdempotencyKey, Paging, canonical, created};
use crate::http::AppState;
use crate::http::caller::{Authenticated, CallerOf, StaffWrite};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::account::{CitizenRecord, NewStaff, PrincipalView, StaffRole, StaffView};
use domain::instant::Instant;
use domain::paging::Page;
use serde::{Deserialize, Serialize};
use service::staff::{self, Creator, LookUpCitizen, ManageStaff};
use utoipa::ToSchema;

#[utoipa::path(
    get, path = "/staff/me", tag = "staff", summary = "当前工作人员",
    responses(
        (status = 200, description = "角色与范围", body = PrincipalView),
        (status = 401, description = "未登录", body = ErrorEnvelope),
        (status = 403, description = "不是工作人员，或未完成动态口令", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn staff_me(
    Authenticated(session): Authenticated,
) -> Result<Json<PrincipalView>, ApiError> {
    session.require_staff(&StaffRole::ALL)?;
    Ok(Json(session.view()))
}

#[derive(Deserialize, ToSchema)]
pub struct CitizenLookup {
    pub id_number: String,
    /// Why: shown to the citizen in 谁查看了我的信息.
    pub purpose: String,
}

/// Every successful lookup is audited with its purpose and shown to the citizen.
#[utoipa::path(
    post, path = "/staff/citizens/lookup", tag = "staff", summary = "按证件号码查询申请人（留痕）",
    request_body = CitizenLookup,
    responses(
        (status = 200, description = "申请人信息（证件号码脱敏）", body = CitizenRecord),
        (status = 403, description = "角色无权查询", body = ErrorEnvelope),
        (status = 404, description = "未注册", body = ErrorEnvelope),
        (status = 422, description = "证件号码或事由有误", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn look_up_citizen(
    State(state): State<AppState>,
    StaffWrite(session, _): StaffWrite<LookUpCitizen>,
    ApiJson(lookup): ApiJson<CitizenLookup>,
) -> Result<Json<CitizenRecord>, ApiError> {
    Ok(Json(
        staff::look_up_citizen(&state.portal, &session, &lookup.id_number, &lookup.purpose).await?,
    ))
}

#[utoipa::path(
    get, path = "/staff/users", tag = "staff", summary = "工作人员账号列表（管理员、督查）",
    params(Paging),
    responses(
        (status = 200, description = "账号", body = Page<StaffView>),
        (status = 403, description = "角色无权查看", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn list_users(
    State(state): State<AppState>,
    Authenticated(session): Authenticated,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Json<Page<StaffView>>, ApiError> {
    let paging = paging.request()?;
    let all = staff::list_staff(&state.portal, &session).await?;
    Ok(Json(Page::of(&all, paging)))
}

#[utoipa::path(
    post, path = "/staff/users", tag = "staff", summary = "创建工作人员账号（管理员）",
    request_body = NewStaff,
    params(IdempotencyKey),
    responses(
        (status = 201, description = "已创建；首次登录须先修改初始密码，再绑定动态口令", body = StaffView),
        (status = 403, description = "不是管理员", body = ErrorEnvelope),
        (status = 409, description = "用户名已被使用，或同一请求标识的请求仍在处理", body = ErrorEnvelope),
        (status = 422, description = "输入有误", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn create_user(
    State(state): State<AppState>,
    CallerOf(caller): CallerOf,
    StaffWrite(session, _): StaffWrite<ManageStaff>,
    key: IdempotencyKey,
    ApiJson(new): ApiJson<NewStaff>,
) -> Result<Response, ApiError> {
    // The initial password stays out of the fingerprint, like every password.
    let request = serde_json::json!({
        "username": new.username, "name": new.name, "role": new.role,
        "hall_id": new.hall_id, "zone": new.zone, "department": new.department,
    });
    let key = key.bind(
        &caller.idempotency_scope(),
        "POST /staff/users",
        &[&canonical(&request)?],
    )?;
    let portal = state.portal.clone();
    let work = async move { staff::create_staff(&portal, Creator::Admin(&session), &new).await };
    let outcome = service::idempotency::once(&state.portal, key.as_ref(), work).await?;
    Ok(created(outcome))
}

#[derive(Deserialize, ToSchema)]
pub struct RoleChange {
    pub role: String,
    #[serde(default)]
    pub hall_id: Option<String>,
    #[serde(default)]
    pub zone: Option<String>,
    #[serde(default)]
    pub department: Option<String>,
}

#[utoipa::path(
    put, path = "/staff/users/{staff_id}/role", tag = "staff", summary = "调整角色与范围（管理员）",
    params(("staff_id" = String, Path, description = "工作人员账号编号")),
    request_body = RoleChange,
    responses(
        (status = 200, description = "已调整；其登录会话随之退出", body = StaffView),
        (status = 403, description = "不是管理员", body = ErrorEnvelope),
        (status = 404, description = "没有该工作人员", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn change_role(
    State(state): State<AppState>,
    StaffWrite(session, _): StaffWrite<ManageStaff>,
    Path(staff_id): Path<String>,
    ApiJson(change): ApiJson<RoleChange>,
) -> Result<Json<StaffView>, ApiError> {
    Ok(Json(
        staff::change_role(
            &state.portal,
            &session,
            &staff_id,
            &change.role,
            change.hall_id.as_deref(),
            change.zone.as_deref(),
            change.department.as_deref(),
        )
        .await?,
    ))
}

#[derive(Serialize, ToSchema)]
pub struct AuditRowView {
    pub seq: i64,
    pub at: Instant,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

#[utoipa::path(
    get, path = "/staff/audit-log", tag = "staff", summary = "审计日志（督查、管理员）",
    params(Paging),
    responses(
        (status = 200, description = "最新的审计记录", body = Page<AuditRowView>),
        (status = 403, description = "角色无权查看", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn audit_log(
    State(state): State<AppState>,
    Authenticated(session): Authenticated,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Json<Page<AuditRowView>>, ApiError> {
    let page = staff::audit_log(&state.portal, &session, paging.request()?).await?;
    Ok(Json(page.map(|row| AuditRowView {
        seq: row.seq,
        at: row.at,
        actor: row.actor,
        action: row.action,
        subject: row.subject,
        detail: row.detail,
    })))
}

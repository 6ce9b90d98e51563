//! Hall devices (kiosks, displays) an admin provisions; the token is in the answer once.

use super::error::{ApiError, ErrorEnvelope};
use super::extract::{ApiJson, ApiQuery, IdempotencyKey, Paging, canonical, created};
use crate::http::AppState;
use crate::http::caller::{CallerOf, StaffRead, StaffWrite};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use domain::device::{DeviceView, NewDevice};
use domain::paging::Page;
use service::devices;
use service::staff::ManageStaff;

#[utoipa::path(
    post, path = "/staff/devices", tag = "devices", summary = "登记大厅设备（自助终端、叫号屏）",
    request_body = NewDevice,
    params(IdempotencyKey),
    responses(
        (status = 201, description = "设备及其令牌（只显示这一次）", body = DeviceView),
        (status = 403, description = "不是管理员", body = ErrorEnvelope),
        (status = 422, description = "大厅、类型或位置有误（fields 指明）", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn provision(
    State(state): State<AppState>,
    CallerOf(caller): CallerOf,
    StaffWrite(session, _): StaffWrite<ManageStaff>,
    key: IdempotencyKey,
    ApiJson(new): ApiJson<NewDevice>,
) -> Result<Response, ApiError> {
    let key = key.bind(
        &caller.idempotency_scope(),
        "POST /staff/devices",
        &[&canonical(&new)?],
    )?;
    let portal = state.portal.clone();
    let work = async move { devices::provision(&portal, &session, new).await };
    let outcome = service::idempotency::once(&state.portal, key.as_ref(), work).await?;
    Ok(created(outcome))
}

#[utoipa::path(
    get, path = "/staff/devices", tag = "devices", summary = "大厅设备",
    params(Paging),
    responses(
        (status = 200, description = "在用的设备（不含令牌）", body = Page<DeviceView>),
        (status = 403, description = "不是管理员", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    StaffRead(session, _): StaffRead<ManageStaff>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Json<Page<DeviceView>>, ApiError> {
    Ok(Json(
        devices::list(&state.portal, &session, paging.request()?).await?,
    ))
}

//! Hall devices (kiosks, displays) an admin provisions; the token is in the answer once.

use super::error::{ApiError, ErrorEnvelope};
use super::extract::{ApiJson, ApiQuery, Paging};
use crate::http::AppState;
use crate::http::caller::{StaffRead, StaffWrite};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::device::{DeviceView, NewDevice};
use domain::paging::Page;
use service::devices;
use service::staff::ManageStaff;

#[utoipa::path(
    post, path = "/staff/devices", tag = "devices", summary = "登记大厅设备（自助终端、叫号屏）",
    request_body = NewDevice,
    responses(
        (status = 201, description = "设备及其令牌（只显示这一次）", body = DeviceView),
        (status = 403, description = "不是管理员", body = ErrorEnvelope),
        (status = 422, description = "大厅、类型或位置有误（fields 指明）", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn provision(
    State(state): State<AppState>,
    StaffWrite(session, _): StaffWrite<ManageStaff>,
    ApiJson(new): ApiJson<NewDevice>,
) -> Result<(StatusCode, Json<DeviceView>), ApiError> {
    let device = devices::provision(&state.portal, &session, new).await?;
    Ok((StatusCode::CREATED, Json(device)))
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

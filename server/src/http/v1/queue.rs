//! 取号叫号: a ticket's standing (public by its unguessable id), the kiosk's walk-in tickets and
//! check-ins (device token), the hall display's board (device token), and the clerk's calls.

use super::error::{ApiError, ErrorEnvelope};
use super::extract::{ApiJson, IdempotencyKey, canonical, created};
use crate::http::AppState;
use crate::http::caller::{CallerOf, DeviceOf, StaffRead, StaffWrite};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::device::DeviceKind;
use domain::queue::{
    CallNextRequest, HallBoard, KioskCheckIn, QueueDesk, ServeRequest, TicketView, WalkInRequest,
};
use service::queue::{self, TicketStep};
use service::staff::Intake;

#[utoipa::path(
    get, path = "/queue/tickets/{ticket_id}", tag = "queue", summary = "排队号：前面还有几人、预计等待",
    params(("ticket_id" = String, Path, description = "排队号编号（票面二维码中）")),
    responses(
        (status = 200, description = "排队号及位置；叫到时说明去几号窗口", body = TicketView),
        (status = 404, description = "没有该排队号", body = ErrorEnvelope),
    )
)]
pub async fn ticket(
    State(state): State<AppState>,
    Path(ticket_id): Path<String>,
) -> Result<Json<TicketView>, ApiError> {
    Ok(Json(queue::ticket(&state.portal, &ticket_id).await?))
}

/// A walk-in ticket at the kiosk, for a zone; never refused (严禁限号).
#[utoipa::path(
    post, path = "/halls/{hall_id}/tickets", tag = "queue", summary = "现场取号（自助终端）",
    params(("hall_id" = String, Path, description = "大厅编号"), IdempotencyKey),
    request_body = WalkInRequest,
    responses(
        (status = 201, description = "排队号", body = TicketView),
        (status = 401, description = "不是已登记的自助终端（device_required）", body = ErrorEnvelope),
        (status = 403, description = "终端不属于该大厅（device_forbidden）", body = ErrorEnvelope),
        (status = 422, description = "缺少或写错分区", body = ErrorEnvelope),
    ),
    security(("device" = []))
)]
pub async fn walk_in(
    State(state): State<AppState>,
    CallerOf(caller): CallerOf,
    DeviceOf(device): DeviceOf,
    key: IdempotencyKey,
    Path(hall_id): Path<String>,
    body: Result<ApiJson<WalkInRequest>, ApiError>,
) -> Result<Response, ApiError> {
    service::devices::require(&device, DeviceKind::Kiosk, &hall_id)?;
    let ApiJson(request) = body?;
    let key = key.bind(
        &caller.idempotency_scope(),
        &format!("POST /halls/{hall_id}/tickets"),
        &[&canonical(&request)?],
    )?;
    let portal = state.portal.clone();
    let work = async move { queue::walk_in(&portal, &device, &hall_id, request).await };
    let outcome = service::idempotency::once(&state.portal, key.as_ref(), work).await?;
    Ok(created(outcome))
}

/// Check-in at the kiosk with the booking code (typed or scanned) or the ID number.
#[utoipa::path(
    post, path = "/halls/{hall_id}/check-ins", tag = "queue", summary = "预约签到（自助终端）",
    params(("hall_id" = String, Path, description = "大厅编号"), IdempotencyKey),
    request_body = KioskCheckIn,
    responses(
        (status = 201, description = "排队号，排在现场取号之前", body = TicketView),
        (status = 401, description = "不是已登记的自助终端（device_required）", body = ErrorEnvelope),
        (status = 403, description = "终端不属于该大厅（device_forbidden）", body = ErrorEnvelope),
        (status = 409, description = "不在签到时间内（check_in_closed）、已签到（already_checked_in）或预约已取消（state_conflict）", body = ErrorEnvelope),
        (status = 422, description = "没有找到预约，或身份证号有误（fields 指明）", body = ErrorEnvelope),
    ),
    security(("device" = []))
)]
pub async fn kiosk_check_in(
    State(state): State<AppState>,
    CallerOf(caller): CallerOf,
    DeviceOf(device): DeviceOf,
    key: IdempotencyKey,
    Path(hall_id): Path<String>,
    body: Result<ApiJson<KioskCheckIn>, ApiError>,
) -> Result<Response, ApiError> {
    service::devices::require(&device, DeviceKind::Kiosk, &hall_id)?;
    let ApiJson(request) = body?;
    let key = key.bind(
        &caller.idempotency_scope(),
        &format!("POST /halls/{hall_id}/check-ins"),
        &[&canonical(&request)?],
    )?;
    let portal = state.portal.clone();
    let work = async move { queue::kiosk_check_in(&portal, &device, &hall_id, request).await };
    let outcome = service::idempotency::once(&state.portal, key.as_ref(), work).await?;
    Ok(created(outcome))
}

/// What the hall display shows: each window's latest call, the waiting counts, the entrance code.
#[utoipa::path(
    get, path = "/halls/{hall_id}/board", tag = "queue", summary = "大厅叫号屏内容（叫号屏设备）",
    params(("hall_id" = String, Path, description = "大厅编号")),
    responses(
        (status = 200, description = "叫号、等候人数和入口签到码", body = HallBoard),
        (status = 401, description = "不是已登记的叫号屏（device_required）", body = ErrorEnvelope),
        (status = 403, description = "叫号屏不属于该大厅（device_forbidden）", body = ErrorEnvelope),
    ),
    security(("device" = []))
)]
pub async fn board(
    State(state): State<AppState>,
    DeviceOf(device): DeviceOf,
    Path(hall_id): Path<String>,
) -> Result<Json<HallBoard>, ApiError> {
    Ok(Json(queue::board(&state.portal, &hall_id, &device).await?))
}

/// The clerk's panel: the zone's line and the ticket at the clerk's window.
#[utoipa::path(
    get, path = "/staff/queue", tag = "queue", summary = "叫号面板",
    responses(
        (status = 200, description = "本分区等候人数和本窗口当前的号", body = QueueDesk),
        (status = 403, description = "不是综合窗口人员", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn desk(
    State(state): State<AppState>,
    StaffRead(session, _): StaffRead<Intake>,
) -> Result<Json<QueueDesk>, ApiError> {
    Ok(Json(queue::desk(&state.portal, &session).await?))
}

/// Calls the next ticket to the clerk's window: booked tickets within their slot first, but
/// never more than the configured number in a row while a walk-in waits.
#[utoipa::path(
    post, path = "/staff/queue/call-next", tag = "queue", summary = "叫下一位",
    request_body = CallNextRequest,
    responses(
        (status = 200, description = "叫到的号", body = TicketView),
        (status = 403, description = "不是综合窗口人员", body = ErrorEnvelope),
        (status = 409, description = "没有等候的群众（queue_empty），或本窗口的号还没办结（ticket_open）", body = ErrorEnvelope),
        (status = 422, description = "窗口号有误", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn call_next(
    State(state): State<AppState>,
    StaffWrite(session, _): StaffWrite<Intake>,
    ApiJson(request): ApiJson<CallNextRequest>,
) -> Result<Json<TicketView>, ApiError> {
    Ok(Json(
        queue::call_next(&state.portal, &session, request).await?,
    ))
}

macro_rules! ticket_step {
    ($name:ident, $path:literal, $summary:literal, $described:literal, $step:expr) => {
        #[utoipa::path(
            post, path = $path, tag = "queue", summary = $summary,
            params(("ticket_id" = String, Path, description = "排队号编号")),
            responses(
                (status = 200, description = $described, body = TicketView),
                (status = 403, description = "不是综合窗口人员", body = ErrorEnvelope),
                (status = 404, description = "没有该号，或不是叫到本窗口的号", body = ErrorEnvelope),
                (status = 409, description = "该号的状态不能这样操作（state_conflict）", body = ErrorEnvelope),
            ),
            security(("bearer" = []))
        )]
        pub async fn $name(
            State(state): State<AppState>,
            StaffWrite(session, _): StaffWrite<Intake>,
            Path(ticket_id): Path<String>,
        ) -> Result<Json<TicketView>, ApiError> {
            Ok(Json(queue::act(&state.portal, &session, &ticket_id, $step).await?))
        }
    };
}

ticket_step!(
    recall,
    "/staff/queue/tickets/{ticket_id}/recall",
    "重新叫号",
    "重新叫到本窗口的号",
    TicketStep::Recall
);
ticket_step!(
    no_show,
    "/staff/queue/tickets/{ticket_id}/no-show",
    "过号",
    "标记为过号未到的号",
    TicketStep::NoShow
);
ticket_step!(
    start,
    "/staff/queue/tickets/{ticket_id}/start",
    "开始办理",
    "办理中的号",
    TicketStep::Start
);

/// 办结, linked to the case the visit filed or accepted (optional).
#[utoipa::path(
    post, path = "/staff/queue/tickets/{ticket_id}/serve", tag = "queue", summary = "办结",
    params(("ticket_id" = String, Path, description = "排队号编号")),
    request_body = ServeRequest,
    responses(
        (status = 200, description = "已办结的号", body = TicketView),
        (status = 403, description = "不是综合窗口人员", body = ErrorEnvelope),
        (status = 404, description = "没有该号，或不是叫到本窗口的号", body = ErrorEnvelope),
        (status = 409, description = "该号的状态不能办结（state_conflict）", body = ErrorEnvelope),
        (status = 422, description = "办件编号不存在", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn serve(
    State(state): State<AppState>,
    StaffWrite(session, _): StaffWrite<Intake>,
    Path(ticket_id): Path<String>,
    ApiJson(request): ApiJson<ServeRequest>,
) -> Result<Json<TicketView>, ApiError> {
    Ok(Json(
        queue::act(
            &state.portal,
            &session,
            &ticket_id,
            TicketStep::Serve(request),
        )
        .await?,
    ))
}

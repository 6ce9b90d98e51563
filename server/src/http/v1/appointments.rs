//! 预约 for the mini-program and any client: a hall's slots, booking, 我的预约, cancelling, the
//! phone check-in with the hall's entrance code, and an admin's closure of a period.

use super::error::{ApiError, ErrorEnvelope};
use super::extract::{ApiJson, ApiQuery, IdempotencyKey, Paging, canonical, created};
use crate::http::AppState;
use crate::http::caller::{Authenticated, CallerOf, CitizenWrite, StaffWrite};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::appointment::{
    AppointmentList, AppointmentView, BookingRequest, ClosureRequest, ClosureView, DaySlots,
};
use domain::queue::{CheckInRequest, TicketView};
use serde::Deserialize;
use service::staff::ManageStaff;
use service::{appointments, queue};
use utoipa::IntoParams;

/// `?date=&zone=&page=&page_size=`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SlotQuery {
    /// 日期 YYYY-MM-DD
    pub date: Option<String>,
    /// 分区：economic、construction、social、real_estate
    pub zone: Option<String>,
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<u32>,
}

/// The day's bookable slots of one zone, with capacity and what remains.
#[utoipa::path(
    get, path = "/halls/{hall_id}/slots", tag = "appointments", summary = "可预约时段",
    params(("hall_id" = String, Path, description = "大厅编号"), SlotQuery),
    responses(
        (status = 200, description = "时段及余量；不可预约的日期 open=false 并说明原因", body = DaySlots),
        (status = 404, description = "没有该大厅", body = ErrorEnvelope),
        (status = 422, description = "缺少或写错日期、分区（fields 指明）", body = ErrorEnvelope),
    )
)]
pub async fn slots(
    State(state): State<AppState>,
    Path(hall_id): Path<String>,
    ApiQuery(query): ApiQuery<SlotQuery>,
) -> Result<Json<DaySlots>, ApiError> {
    let paging = Paging {
        page: query.page,
        page_size: query.page_size,
    }
    .request()?;
    Ok(Json(
        appointments::slots(
            &state.portal,
            &hall_id,
            query.zone.as_deref(),
            query.date.as_deref(),
            paging,
        )
        .await?,
    ))
}

/// Takes one seat of a slot. Never beyond capacity, under any concurrency.
#[utoipa::path(
    post, path = "/appointments", tag = "appointments", summary = "预约",
    params(IdempotencyKey),
    request_body = BookingRequest,
    responses(
        (status = 201, description = "预约，含预约码", body = AppointmentView),
        (status = 403, description = "不是个人或法人用户", body = ErrorEnvelope),
        (status = 409, description = "时段已约满（slot_full）或暂停服务（slot_closed）", body = ErrorEnvelope),
        (status = 422, description = "时段或事项有误（fields 指明）；或违反预约规则：booking_limit_per_item、booking_limit_active、booking_blocked（说明到哪天）", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn book(
    State(state): State<AppState>,
    CallerOf(caller): CallerOf,
    CitizenWrite(session): CitizenWrite,
    key: IdempotencyKey,
    ApiJson(request): ApiJson<BookingRequest>,
) -> Result<Response, ApiError> {
    let key = key.bind(
        &caller.idempotency_scope(),
        "POST /appointments",
        &[&canonical(&request)?],
    )?;
    let portal = state.portal.clone();
    let work = async move { appointments::book(&portal, &session, request).await };
    let outcome = service::idempotency::once(&state.portal, key.as_ref(), work).await?;
    Ok(created(outcome))
}

/// 我的预约, latest slot first, with how many are active and any block.
#[utoipa::path(
    get, path = "/appointments", tag = "appointments", summary = "我的预约",
    params(Paging),
    responses(
        (status = 200, description = "预约列表及预约资格", body = AppointmentList),
        (status = 403, description = "不是个人或法人用户", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(session): Authenticated,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Json<AppointmentList>, ApiError> {
    let paging = paging.request()?;
    let page = appointments::mine(&state.portal, &session, paging).await?;
    let standing = appointments::standing(&state.portal, &session).await?;
    Ok(Json(AppointmentList {
        items: page.items,
        total: page.total,
        page: page.page,
        page_size: page.page_size,
        standing,
    }))
}

#[utoipa::path(
    get, path = "/appointments/{id}", tag = "appointments", summary = "一个预约",
    params(("id" = String, Path, description = "预约编号")),
    responses(
        (status = 200, description = "预约", body = AppointmentView),
        (status = 404, description = "没有该预约（或不是您的）", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn read(
    State(state): State<AppState>,
    Authenticated(session): Authenticated,
    Path(id): Path<String>,
) -> Result<Json<AppointmentView>, ApiError> {
    Ok(Json(
        appointments::read(&state.portal, &session, &id).await?,
    ))
}

/// Cancels until the configured time before the slot; the seat is offered again.
#[utoipa::path(
    post, path = "/appointments/{id}/cancel", tag = "appointments", summary = "取消预约",
    params(("id" = String, Path, description = "预约编号")),
    responses(
        (status = 200, description = "已取消的预约", body = AppointmentView),
        (status = 404, description = "没有该预约（或不是您的）", body = ErrorEnvelope),
        (status = 409, description = "已签到、已取消或已过期（state_conflict），或离开始不足规定时间（too_late_to_cancel）", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn cancel(
    State(state): State<AppState>,
    CitizenWrite(session): CitizenWrite,
    Path(id): Path<String>,
) -> Result<Json<AppointmentView>, ApiError> {
    Ok(Json(
        appointments::cancel(&state.portal, &session, &id).await?,
    ))
}

/// Check-in on the holder's phone with the code the hall's entrance screen shows.
#[utoipa::path(
    post, path = "/appointments/{id}/check-in", tag = "appointments", summary = "签到（扫描大厅入口签到码）",
    params(("id" = String, Path, description = "预约编号"), IdempotencyKey),
    request_body = CheckInRequest,
    responses(
        (status = 201, description = "排队号", body = TicketView),
        (status = 404, description = "没有该预约（或不是您的）", body = ErrorEnvelope),
        (status = 409, description = "不在签到时间内（check_in_closed）、已签到（already_checked_in）或预约已取消（state_conflict）", body = ErrorEnvelope),
        (status = 422, description = "签到码不正确或已过期", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn check_in(
    State(state): State<AppState>,
    CallerOf(caller): CallerOf,
    CitizenWrite(session): CitizenWrite,
    key: IdempotencyKey,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<CheckInRequest>,
) -> Result<Response, ApiError> {
    let key = key.bind(
        &caller.idempotency_scope(),
        &format!("POST /appointments/{id}/check-in"),
        &[&canonical(&request)?],
    )?;
    let portal = state.portal.clone();
    let work = async move { queue::check_in(&portal, &session, &id, request).await };
    let outcome = service::idempotency::once(&state.portal, key.as_ref(), work).await?;
    Ok(created(outcome))
}

/// 停止服务 for a period (a power cut): its slots close and their bookings are cancelled with a
/// message to each holder.
#[utoipa::path(
    post, path = "/staff/halls/{hall_id}/closures", tag = "appointments", summary = "大厅暂停服务（取消该时段的预约）",
    params(("hall_id" = String, Path, description = "大厅编号"), IdempotencyKey),
    request_body = ClosureRequest,
    responses(
        (status = 201, description = "已暂停的时段数和已取消的预约数", body = ClosureView),
        (status = 403, description = "不是管理员", body = ErrorEnvelope),
        (status = 404, description = "没有该大厅", body = ErrorEnvelope),
        (status = 422, description = "日期、时段、分区或原因有误（fields 指明）", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn close_period(
    State(state): State<AppState>,
    CallerOf(caller): CallerOf,
    StaffWrite(session, _): StaffWrite<ManageStaff>,
    key: IdempotencyKey,
    Path(hall_id): Path<String>,
    ApiJson(request): ApiJson<ClosureRequest>,
) -> Result<Response, ApiError> {
    let key = key.bind(
        &caller.idempotency_scope(),
        &format!("POST /staff/halls/{hall_id}/closures"),
        &[&canonical(&request)?],
    )?;
    let portal = state.portal.clone();
    let work =
        async move { appointments::close_period(&portal, &session, &hall_id, request).await };
    let outcome = service::idempotency::once(&state.portal, key.as_ref(), work).await?;
    Ok(created(outcome))
}

//! The portal's public reference tables: the working-day calculator (`GET /calendar/due-date`)
//! and the timeline's event codes (`GET /event-codes`).

use super::error::{ApiError, ErrorEnvelope};
use super::extract::{ApiQuery, Paging};
use crate::http::AppState;
use axum::Json;
use axum::extract::State;
use domain::calendar::DueDateEstimate;
use domain::event_codes::{EVENT_CODES, EventCode};
use domain::paging::Page;
use serde::Deserialize;
use utoipa::IntoParams;

/// Both parameters arrive as text so that every bad value is reported at once, per field (422);
/// the document gives their types.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DueDateQuery {
    /// 起算日期（受理日，即第 0 天）
    #[param(value_type = String, format = Date, example = "2026-09-29")]
    from: Option<String>,
    /// 工作日天数，0 表示当日办结
    #[param(value_type = u32, minimum = 0, maximum = 2500, example = 3)]
    working_days: Option<String>,
}

/// Working days are counted after `from` (day 0), skipping weekends and public holidays and
/// counting 调休 make-up days; `calendar_complete` is false when a year in the span has no holiday
/// data yet and only weekends were skipped.
#[utoipa::path(
    get,
    path = "/calendar/due-date",
    tag = "calendar",
    summary = "按工作日计算办结期限",
    params(DueDateQuery),
    responses(
        (status = 200, description = "预计办结日期", body = DueDateEstimate),
        (status = 422, description = "参数有误，fields 指明哪个参数", body = ErrorEnvelope),
    )
)]
pub async fn due_date(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<DueDateQuery>,
) -> Result<Json<DueDateEstimate>, ApiError> {
    let estimate = service::calendar::estimate_due_date(
        state.portal.db(),
        query.from.as_deref(),
        query.working_days.as_deref(),
    )
    .await?;
    Ok(Json(estimate))
}

/// The codes a case's timeline events carry, with their names and whether the applicant is
/// told (a fixed table, paged like every list).
#[utoipa::path(
    get,
    path = "/event-codes",
    tag = "calendar",
    summary = "办件过程事件代码表",
    params(Paging),
    responses(
        (status = 200, description = "事件代码", body = Page<EventCode>),
        (status = 422, description = "分页参数有误", body = ErrorEnvelope),
    )
)]
pub async fn event_codes(
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Json<Page<EventCode>>, ApiError> {
    Ok(Json(Page::of(EVENT_CODES, paging.request()?)))
}

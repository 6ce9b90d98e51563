//! `GET /api/v1/calendar/due-date`: the working-day calculator.

use super::error::{ApiError, ErrorEnvelope};
use super::extract::ApiQuery;
use crate::http::AppState;
use axum::Json;
use axum::extract::State;
use domain::calendar::DueDateEstimate;
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

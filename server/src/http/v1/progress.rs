//! The public progress lookup (办件查询): no sign-in, the case number and the applicant's name.

use super::error::{ApiError, ErrorEnvelope};
use super::extract::ApiJson;
use crate::http::AppState;
use crate::http::caller::CallerOf;
use axum::Json;
use axum::extract::State;
use domain::application::{ProgressQuery, PublicProgress};

/// Public: no sign-in. A wrong name and an unknown number answer alike; attempts are limited per
/// address.
#[utoipa::path(
    post, path = "/progress-queries", tag = "applications", summary = "办件进度查询（公开）",
    request_body = ProgressQuery,
    responses(
        (status = 200, description = "办件状态；申请人已脱敏", body = PublicProgress),
        (status = 404, description = "编号与姓名不符或没有该办件", body = ErrorEnvelope),
        (status = 422, description = "未填写办件编号或姓名", body = ErrorEnvelope),
        (status = 429, description = "查询过于频繁，见 Retry-After", body = ErrorEnvelope),
    )
)]
pub async fn progress_query(
    State(state): State<AppState>,
    CallerOf(caller): CallerOf,
    ApiJson(query): ApiJson<ProgressQuery>,
) -> Result<Json<PublicProgress>, ApiError> {
    Ok(Json(
        service::applications::progress(&state.portal, &caller.address, &query).await?,
    ))
}

//! 电子监察 under `/staff/supervision`: the warning and overdue lists across every scope with who
//! is responsible, and 催办 (the responsible staff find theirs with
//! `GET /staff/applications?queue=review&reminded=true`).

use super::error::{ApiError, ErrorEnvelope};
use super::extract::{ApiJson, ApiQuery};
use crate::http::AppState;
use crate::http::caller::{StaffRead, StaffWrite};
use axum::Json;
use axum::extract::{Path, State};
use domain::case_clock::Urgency;
use domain::paging::{Page, PageRequest};
use domain::supervision::{RemindRequest, SupervisionEntry};
use serde::Deserialize;
use service::applications;
use service::staff::Supervise;
use utoipa::IntoParams;

/// `?urgency=&page=&page_size=`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SupervisionQuery {
    /// warning 只列预警、overdue 只列逾期；不填两者都列
    pub urgency: Option<Urgency>,
    /// 页码，从 1 开始（默认 1）
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// 每页条数，1 到 100（默认 20）
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<u32>,
}

/// Cases in warning or overdue across every hall and department, most urgent first.
#[utoipa::path(
    get, path = "/staff/supervision", tag = "supervision", summary = "电子监察：预警和逾期办件",
    params(SupervisionQuery),
    responses(
        (status = 200, description = "预警、逾期办件及责任部门", body = Page<SupervisionEntry>),
        (status = 403, description = "不是督查考核人员", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    StaffRead(session, _): StaffRead<Supervise>,
    ApiQuery(query): ApiQuery<SupervisionQuery>,
) -> Result<Json<Page<SupervisionEntry>>, ApiError> {
    if query.urgency == Some(Urgency::OnTime) {
        return Err(ApiError::invalid(domain::errors::FieldErrors::single(
            "urgency",
            "只能选择预警（warning）或逾期（overdue）",
        )));
    }
    let paging = PageRequest::new(query.page, query.page_size).map_err(ApiError::invalid)?;
    Ok(Json(
        applications::supervision(&state.portal, &session, query.urgency, paging).await?,
    ))
}

/// 催办: recorded on the case; the responsible staff see it until the case moves on.
#[utoipa::path(
    post, path = "/staff/supervision/{case_no}/remind", tag = "supervision", summary = "催办",
    params(("case_no" = String, Path, description = "办件编号")),
    request_body = RemindRequest,
    responses(
        (status = 200, description = "已催办", body = SupervisionEntry),
        (status = 403, description = "不是督查考核人员", body = ErrorEnvelope),
        (status = 404, description = "没有该办件", body = ErrorEnvelope),
        (status = 409, description = "办件不在办理时限内（state_conflict）", body = ErrorEnvelope),
        (status = 422, description = "缺少催办要求", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn remind(
    State(state): State<AppState>,
    StaffWrite(session, _): StaffWrite<Supervise>,
    Path(case_no): Path<String>,
    ApiJson(request): ApiJson<RemindRequest>,
) -> Result<Json<SupervisionEntry>, ApiError> {
    Ok(Json(
        applications::remind(&state.portal, &session, &case_no, request).await?,
    ))
}

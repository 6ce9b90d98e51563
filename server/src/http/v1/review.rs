//! 后台分类审批 under `/staff/applications/{case_no}/…` and `/staff/inspections`: the approver
//! starts the review, stops and restarts the clock (特别程序), schedules a 一车勘验 and records
//! its result, decides and revokes. Scope, role and state are checked in `service`: a case
//! outside the caller's department is 404, a step its state does not allow 409 `state_conflict`.

use super::error::{ApiError, ErrorEnvelope};
use super::extract::{ApiJson, IdempotencyKey, canonical, created};
use crate::http::AppState;
use crate::http::caller::{Authenticated, CallerOf, StaffWrite};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::intake::StaffCaseView;
use domain::review::{
    DecideRequest, InspectionRequest, InspectionResult, InspectionView, RevokeRequest,
    SuspendRequest,
};
use service::applications;
use service::staff::Review;

/// 审查开始. For a 一件事, each member department starts its own child case.
#[utoipa::path(
    post, path = "/staff/applications/{case_no}/start-review", tag = "review", summary = "开始审查",
    params(("case_no" = String, Path, description = "办件编号")),
    responses(
        (status = 200, description = "审查中的办件", body = StaffCaseView),
        (status = 403, description = "不是审批人员", body = ErrorEnvelope),
        (status = 404, description = "没有该办件，或不在本部门办理范围内", body = ErrorEnvelope),
        (status = 409, description = "办件不在“已受理”状态（state_conflict），或是一件事的总办件（package_case）", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn start_review(
    State(state): State<AppState>,
    StaffWrite(session, _): StaffWrite<Review>,
    Path(case_no): Path<String>,
) -> Result<Json<StaffCaseView>, ApiError> {
    Ok(Json(
        applications::start_review(&state.portal, &session, &case_no).await?,
    ))
}

/// 特别程序开始 (现场勘验、专家评审、听证、审查中补正): the clock stops from today.
#[utoipa::path(
    post, path = "/staff/applications/{case_no}/suspend", tag = "review", summary = "进入特别程序（暂停计时）",
    params(("case_no" = String, Path, description = "办件编号")),
    request_body = SuspendRequest,
    responses(
        (status = 200, description = "特别程序中的办件", body = StaffCaseView),
        (status = 403, description = "不是审批人员", body = ErrorEnvelope),
        (status = 404, description = "没有该办件，或不在本部门办理范围内", body = ErrorEnvelope),
        (status = 409, description = "办件不在“审查中”（state_conflict）", body = ErrorEnvelope),
        (status = 422, description = "程序种类、原因或预计结束日期有误（fields 指明）", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn suspend(
    State(state): State<AppState>,
    StaffWrite(session, _): StaffWrite<Review>,
    Path(case_no): Path<String>,
    ApiJson(request): ApiJson<SuspendRequest>,
) -> Result<Json<StaffCaseView>, ApiError> {
    Ok(Json(
        applications::suspend(&state.portal, &session, &case_no, request).await?,
    ))
}

/// 特别程序结束: the clock runs again from today.
#[utoipa::path(
    post, path = "/staff/applications/{case_no}/resume", tag = "review", summary = "结束特别程序（恢复计时）",
    params(("case_no" = String, Path, description = "办件编号")),
    responses(
        (status = 200, description = "恢复审查的办件", body = StaffCaseView),
        (status = 403, description = "不是审批人员", body = ErrorEnvelope),
        (status = 404, description = "没有该办件，或不在本部门办理范围内", body = ErrorEnvelope),
        (status = 409, description = "办件不在特别程序中（state_conflict），或特别程序由联合勘验引起（inspection_pending）", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn resume(
    State(state): State<AppState>,
    StaffWrite(session, _): StaffWrite<Review>,
    Path(case_no): Path<String>,
) -> Result<Json<StaffCaseView>, ApiError> {
    Ok(Json(
        applications::resume(&state.portal, &session, &case_no).await?,
    ))
}

/// 一车勘验: one joint inspection for this case, or for every child case of its 一件事 under
/// review; inspectors drawn at random from each department's pool (双随机), the seed kept.
#[utoipa::path(
    post, path = "/staff/applications/{case_no}/inspections", tag = "review", summary = "安排联合勘验（一车勘验、双随机）",
    params(("case_no" = String, Path, description = "办件编号"), IdempotencyKey),
    request_body = InspectionRequest,
    responses(
        (status = 201, description = "已安排的勘验，含抽取种子、人员名录和抽取结果；所涉办件进入特别程序", body = InspectionView),
        (status = 403, description = "不是审批人员", body = ErrorEnvelope),
        (status = 404, description = "没有该办件，或不在本部门办理范围内", body = ErrorEnvelope),
        (status = 409, description = "没有处于审查中的办件（state_conflict）", body = ErrorEnvelope),
        (status = 422, description = "日期、地点或抽取人数有误，或某部门人员不足（fields 指明）", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn schedule_inspection(
    State(state): State<AppState>,
    CallerOf(caller): CallerOf,
    StaffWrite(session, _): StaffWrite<Review>,
    key: IdempotencyKey,
    Path(case_no): Path<String>,
    ApiJson(request): ApiJson<InspectionRequest>,
) -> Result<Response, ApiError> {
    let operation = format!("POST /staff/applications/{case_no}/inspections");
    let key = key.bind(
        &caller.idempotency_scope(),
        &operation,
        &[&canonical(&request)?],
    )?;
    let portal = state.portal.clone();
    let work = async move {
        applications::schedule_inspection(&portal, &session, &case_no, request).await
    };
    let outcome = service::idempotency::once(&state.portal, key.as_ref(), work).await?;
    Ok(created(outcome))
}

/// One joint inspection: the cases it covers, and the draw with its seed and pools, re-run to
/// show it reproduces.
#[utoipa::path(
    get, path = "/staff/inspections/{id}", tag = "review", summary = "联合勘验",
    params(("id" = String, Path, description = "勘验编号")),
    responses(
        (status = 200, description = "勘验", body = InspectionView),
        (status = 403, description = "不是工作人员", body = ErrorEnvelope),
        (status = 404, description = "没有该勘验，或不涉及本人办理范围内的办件", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn inspection(
    State(state): State<AppState>,
    Authenticated(session): Authenticated,
    Path(id): Path<String>,
) -> Result<Json<InspectionView>, ApiError> {
    Ok(Json(
        applications::inspection(&state.portal, &session, &id).await?,
    ))
}

/// The inspection's result, recorded on every case it covers; their 特别程序 end with it.
#[utoipa::path(
    post, path = "/staff/inspections/{id}/result", tag = "review", summary = "登记勘验结果",
    params(("id" = String, Path, description = "勘验编号")),
    request_body = InspectionResult,
    responses(
        (status = 200, description = "本部门的办件，已恢复审查", body = StaffCaseView),
        (status = 403, description = "不是审批人员", body = ErrorEnvelope),
        (status = 404, description = "没有该勘验，或不涉及本部门的办件", body = ErrorEnvelope),
        (status = 409, description = "结果已经登记（state_conflict）", body = ErrorEnvelope),
        (status = 422, description = "缺少勘验结果", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn record_inspection(
    State(state): State<AppState>,
    StaffWrite(session, _): StaffWrite<Review>,
    Path(id): Path<String>,
    ApiJson(result): ApiJson<InspectionResult>,
) -> Result<Json<StaffCaseView>, ApiError> {
    Ok(Json(
        applications::record_inspection(&state.portal, &session, &id, result).await?,
    ))
}

/// 准予 or 不予许可, with reasons and legal basis; the 决定书 is issued with it.
#[utoipa::path(
    post, path = "/staff/applications/{case_no}/decide", tag = "review", summary = "作出决定（准予 / 不予许可）",
    params(("case_no" = String, Path, description = "办件编号")),
    request_body = DecideRequest,
    responses(
        (status = 200, description = "已决定的办件", body = StaffCaseView),
        (status = 403, description = "不是审批人员", body = ErrorEnvelope),
        (status = 404, description = "没有该办件，或不在本部门办理范围内", body = ErrorEnvelope),
        (status = 409, description = "办件不在“审查中”（state_conflict），或是一件事的总办件（package_case）", body = ErrorEnvelope),
        (status = 422, description = "缺少理由或法律依据（fields 指明）", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn decide(
    State(state): State<AppState>,
    StaffWrite(session, _): StaffWrite<Review>,
    Path(case_no): Path<String>,
    ApiJson(request): ApiJson<DecideRequest>,
) -> Result<Json<StaffCaseView>, ApiError> {
    Ok(Json(
        applications::decide(&state.portal, &session, &case_no, request).await?,
    ))
}

/// 撤销: a 告知承诺 found untrue or a commitment broken; the 撤销决定书 is issued with it.
#[utoipa::path(
    post, path = "/staff/applications/{case_no}/revoke", tag = "review", summary = "撤销办件",
    params(("case_no" = String, Path, description = "办件编号")),
    request_body = RevokeRequest,
    responses(
        (status = 200, description = "已撤销的办件", body = StaffCaseView),
        (status = 403, description = "不是审批人员", body = ErrorEnvelope),
        (status = 404, description = "没有该办件，或不在本部门办理范围内", body = ErrorEnvelope),
        (status = 409, description = "办件状态不能撤销（state_conflict）", body = ErrorEnvelope),
        (status = 422, description = "缺少撤销理由", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn revoke(
    State(state): State<AppState>,
    StaffWrite(session, _): StaffWrite<Review>,
    Path(case_no): Path<String>,
    ApiJson(request): ApiJson<RevokeRequest>,
) -> Result<Json<StaffCaseView>, ApiError> {
    Ok(Json(
        applications::revoke(&state.portal, &session, &case_no, request).await?,
    ))
}

//! 一窗受理 under `/staff/applications`: the work queues of the caller's scope, the audited read
//! of one case, and the clerk's decisions (受理, 不予受理, 补正). Scope, role and state are checked
//! in `service`; a case outside the caller's hall and zone is 404, a decision the state does not
//! allow (or that another clerk made first) 409 `state_conflict`.

use super::error::{ApiError, ErrorEnvelope};
use super::extract::{ApiJson, ApiQuery};
use crate::http::AppState;
use crate::http::caller::{Authenticated, StaffWrite};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::application::CaseState;
use domain::application::{ApplicationView, SupplementRequest};
use domain::commitment::ConfirmSupplement;
use domain::intake::{AcceptRequest, Queue, QueueEntry, QueueFilter, RefuseRequest, StaffCaseView};
use domain::paging::{Page, PageRequest};
use serde::Deserialize;
use service::applications;
use service::staff::Intake;
use utoipa::IntoParams;

/// `?queue=&page=&page_size=`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// 队列：intake 待受理（默认）、review 审查中、issuing 待出件、all 全部
    pub queue: Option<Queue>,
    /// 只列出该状态的办件（如 submitted、accepted）
    pub state: Option<CaseState>,
    /// true：只列出预警和逾期的办件
    pub warning: Option<bool>,
    /// true：只列出被督查催办、尚未处理的办件
    pub reminded: Option<bool>,
    /// 页码，从 1 开始（默认 1）
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// 每页条数，1 到 100（默认 20）
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<u32>,
}

/// Most urgent first: overdue, then warning, then the oldest; applicants masked.
#[utoipa::path(
    get, path = "/staff/applications", tag = "intake", summary = "工作队列",
    params(QueueQuery),
    responses(
        (status = 200, description = "本人办理范围内的办件", body = Page<QueueEntry>),
        (status = 401, description = "未登录", body = ErrorEnvelope),
        (status = 403, description = "不是工作人员，或未完成动态口令", body = ErrorEnvelope),
        (status = 422, description = "队列或分页参数有误（fields 指明参数）", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn queue(
    State(state): State<AppState>,
    Authenticated(session): Authenticated,
    ApiQuery(query): ApiQuery<QueueQuery>,
) -> Result<Json<Page<QueueEntry>>, ApiError> {
    let paging = PageRequest::new(query.page, query.page_size).map_err(ApiError::invalid)?;
    let queue = query.queue.unwrap_or(Queue::Intake);
    let filter = QueueFilter {
        state: query.state,
        warning: query.warning.unwrap_or(false),
        reminded: query.reminded.unwrap_or(false),
    };
    Ok(Json(
        applications::queue(&state.portal, &session, queue, filter, paging).await?,
    ))
}

/// The frozen form, the materials, the pre-review, the manual points, the timeline and what the
/// caller may do. Audited: the applicant sees the read in 谁查看了我的信息.
#[utoipa::path(
    get, path = "/staff/applications/{case_no}", tag = "intake", summary = "查看办件（留痕）",
    params(("case_no" = String, Path, description = "办件编号")),
    responses(
        (status = 200, description = "办件", body = StaffCaseView),
        (status = 403, description = "不是工作人员", body = ErrorEnvelope),
        (status = 404, description = "没有该办件，或不在本人办理范围内", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn read(
    State(state): State<AppState>,
    Authenticated(session): Authenticated,
    Path(case_no): Path<String>,
) -> Result<Json<StaffCaseView>, ApiError> {
    Ok(Json(
        applications::case_for_staff(&state.portal, &session, &case_no).await?,
    ))
}

/// A material's file, as the staff member opens it to check it. Audited: the applicant sees
/// which material was opened in 谁查看了我的信息.
#[utoipa::path(
    get, path = "/staff/applications/{case_no}/materials/{code}", tag = "intake", summary = "查看申请材料（留痕）",
    params(
        ("case_no" = String, Path, description = "办件编号"),
        ("code" = String, Path, description = "材料代码"),
    ),
    responses(
        (status = 200, description = "文件本身（作为下载）"),
        (status = 403, description = "不是工作人员", body = ErrorEnvelope),
        (status = 404, description = "没有该办件或该材料的文件，或不在本人办理范围内", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn material(
    State(state): State<AppState>,
    Authenticated(session): Authenticated,
    Path((case_no, code)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (view, bytes) =
        applications::material_for_staff(&state.portal, &session, &case_no, &code).await?;
    super::applications::attachment(&view, bytes)
}

/// 受理 (容缺受理 when materials are deferred): every manual review point checked; the clock
/// starts today and the applicant hears the promised date.
#[utoipa::path(
    post, path = "/staff/applications/{case_no}/accept", tag = "intake", summary = "受理",
    params(("case_no" = String, Path, description = "办件编号")),
    request_body = AcceptRequest,
    responses(
        (status = 200, description = "已受理的办件", body = StaffCaseView),
        (status = 403, description = "不是综合窗口人员", body = ErrorEnvelope),
        (status = 404, description = "没有该办件，或不在本人办理范围内", body = ErrorEnvelope),
        (status = 409, description = "办件不在待受理状态，或刚被他人处理（state_conflict）", body = ErrorEnvelope),
        (status = 422, description = "有未核对的审查要点（fields 逐项列出）", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn accept(
    State(state): State<AppState>,
    StaffWrite(session, _): StaffWrite<Intake>,
    Path(case_no): Path<String>,
    ApiJson(request): ApiJson<AcceptRequest>,
) -> Result<Json<StaffCaseView>, ApiError> {
    Ok(Json(
        applications::accept(&state.portal, &session, &case_no, request).await?,
    ))
}

/// 不予受理, with the reason and its legal basis.
#[utoipa::path(
    post, path = "/staff/applications/{case_no}/refuse", tag = "intake", summary = "不予受理",
    params(("case_no" = String, Path, description = "办件编号")),
    request_body = RefuseRequest,
    responses(
        (status = 200, description = "不予受理的办件", body = StaffCaseView),
        (status = 403, description = "不是综合窗口人员", body = ErrorEnvelope),
        (status = 404, description = "没有该办件，或不在本人办理范围内", body = ErrorEnvelope),
        (status = 409, description = "办件不在待受理状态，或刚被他人处理（state_conflict）", body = ErrorEnvelope),
        (status = 422, description = "缺少理由或法律依据", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn refuse(
    State(state): State<AppState>,
    StaffWrite(session, _): StaffWrite<Intake>,
    Path(case_no): Path<String>,
    ApiJson(request): ApiJson<RefuseRequest>,
) -> Result<Json<StaffCaseView>, ApiError> {
    Ok(Json(
        applications::refuse(&state.portal, &session, &case_no, request).await?,
    ))
}

/// 一次性告知: everything to fix at once; the applicant's form reopens with the notice.
#[utoipa::path(
    post, path = "/staff/applications/{case_no}/request-supplement", tag = "intake",
    summary = "要求补正（一次性告知）",
    params(("case_no" = String, Path, description = "办件编号")),
    request_body = SupplementRequest,
    responses(
        (status = 200, description = "办件，状态为待补正", body = ApplicationView),
        (status = 403, description = "不是综合窗口人员", body = ErrorEnvelope),
        (status = 404, description = "没有该办件，或不在本人办理范围内", body = ErrorEnvelope),
        (status = 409, description = "办件不在待受理状态", body = ErrorEnvelope),
        (status = 422, description = "补正项为空或不属于本办件", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn request_supplement(
    State(state): State<AppState>,
    StaffWrite(session, _): StaffWrite<Intake>,
    Path(case_no): Path<String>,
    ApiJson(request): ApiJson<SupplementRequest>,
) -> Result<Json<ApplicationView>, ApiError> {
    Ok(Json(
        applications::request_supplement(&state.portal, &session, &case_no, request).await?,
    ))
}

/// A clerk of the case confirms a 容缺 material handed in after acceptance, or the paper original
/// received at the window (`received_at_window`): the commitment is kept.
#[utoipa::path(
    post, path = "/staff/applications/{case_no}/supplements/{material}/confirm", tag = "intake",
    summary = "确认容缺材料",
    params(
        ("case_no" = String, Path, description = "办件编号"),
        ("material" = String, Path, description = "材料代码"),
    ),
    request_body = ConfirmSupplement,
    responses(
        (status = 200, description = "办件，该承诺已兑现", body = StaffCaseView),
        (status = 403, description = "不是综合窗口人员", body = ErrorEnvelope),
        (status = 404, description = "没有该办件或该容缺材料，或不在本人办理范围内", body = ErrorEnvelope),
        (status = 409, description = "尚未补交（nothing_handed_in）、已确认（already_confirmed）或办件状态不允许（state_conflict）", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn confirm_supplement(
    State(state): State<AppState>,
    StaffWrite(session, _): StaffWrite<Intake>,
    Path((case_no, material)): Path<(String, String)>,
    ApiJson(request): ApiJson<ConfirmSupplement>,
) -> Result<Json<StaffCaseView>, ApiError> {
    Ok(Json(
        applications::confirm_supplement(&state.portal, &session, &case_no, &material, request)
            .await?,
    ))
}

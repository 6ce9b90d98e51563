//! 好差评 for the mini-program, the window's rating tablet and any client: rating a case or a
//! served ticket once, 我的评价 and the re-rating of an answer, the published figures (JSON or
//! CSV), and the staff's rectification loop (queue, 回访, 答复, 申诉, 复核, the audited phone).

use super::error::{ApiError, ErrorEnvelope};
use super::extract::{ApiJson, ApiQuery, IdempotencyKey, Paging, canonical, created};
use crate::http::AppState;
use crate::http::caller::{Authenticated, CitizenWrite, RaterOf, StaffRead, StaffWrite};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use domain::rating::{
    AnswerRequest, AppealRequest, CallbackRequest, RatingList, RatingRequest, RatingStats,
    RatingView, ReRateRequest, RectificationQueue, RectificationView, RevealedPhone, ReviewRequest,
    stats_csv,
};
use serde::Deserialize;
use service::ratings::{self, HandleRectifications, ReviewAppeals, StatsQuery};
use utoipa::IntoParams;

/// Rates a decided case (`case_no`, 一事一评) or a served ticket (`ticket_id`, 一次一评), once.
#[utoipa::path(
    post, path = "/ratings", tag = "ratings", summary = "评价（好差评）",
    description = "个人或法人用户评价本人的办件或预约取得的排队号；窗口评价器（设备令牌）评价本窗口刚办结的排队号。\
                   1–2 级为差评，须至少选择一项原因，并自动转办整改。",
    params(IdempotencyKey),
    request_body = RatingRequest,
    responses(
        (status = 201, description = "评价", body = RatingView),
        (status = 403, description = "工作人员不能评价（citizen_only），或评价器不属于该窗口（device_forbidden）", body = ErrorEnvelope),
        (status = 404, description = "没有找到本人的这件办件或这张排队号", body = ErrorEnvelope),
        (status = 409, description = "已经评价过（already_rated）、尚未办结（not_rateable_yet）或评价期已过（rating_window_closed）", body = ErrorEnvelope),
        (status = 422, description = "满意程度、指标评分、差评原因或意见有误（fields 指明）", body = ErrorEnvelope),
    ),
    security(("bearer" = []), ("device" = []))
)]
pub async fn rate(
    State(state): State<AppState>,
    rater: RaterOf,
    key: IdempotencyKey,
    ApiJson(request): ApiJson<RatingRequest>,
) -> Result<Response, ApiError> {
    let scope = match &rater {
        RaterOf::Citizen(session) => session.idempotency_scope(),
        RaterOf::Window(device) => device.actor(),
    };
    let key = key.bind(&scope, "POST /ratings", &[&canonical(&request)?])?;
    let portal = state.portal.clone();
    let work = async move { ratings::rate(&portal, rater.as_rater(), request).await };
    let outcome = service::idempotency::once(&state.portal, key.as_ref(), work).await?;
    Ok(created(outcome))
}

/// 我的评价, newest first, each with its rectification's progress.
#[utoipa::path(
    get, path = "/ratings/mine", tag = "ratings", summary = "我的评价",
    params(Paging),
    responses(
        (status = 200, description = "本人的评价及差评整改进度", body = RatingList),
        (status = 403, description = "不是个人或法人用户", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn mine(
    State(state): State<AppState>,
    Authenticated(session): Authenticated,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Json<RatingList>, ApiError> {
    let paging = paging.request()?;
    Ok(Json(ratings::mine(&state.portal, &session, paging).await?))
}

/// The rater judges the answer to their 差评: 不满意 reopens it once to the supervision office.
#[utoipa::path(
    post, path = "/ratings/{rating_id}/re-rate", tag = "ratings", summary = "对整改答复再评价",
    params(("rating_id" = String, Path, description = "评价编号")),
    request_body = ReRateRequest,
    responses(
        (status = 200, description = "评价及整改进度", body = RatingView),
        (status = 404, description = "没有本人的该评价", body = ErrorEnvelope),
        (status = 409, description = "还没有整改答复，或已经再评价过（state_conflict）", body = ErrorEnvelope),
        (status = 422, description = "评价结果有误", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn re_rate(
    State(state): State<AppState>,
    CitizenWrite(session): CitizenWrite,
    Path(rating_id): Path<String>,
    ApiJson(request): ApiJson<ReRateRequest>,
) -> Result<Json<RatingView>, ApiError> {
    Ok(Json(
        ratings::re_rate(&state.portal, &session, &rating_id, request).await?,
    ))
}

/// `?group=&period=&department=&hall=&item_code=&format=&page=&page_size=`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// 分组：department（默认）、hall、item、month（截至 period 的 12 个月）
    pub group: Option<String>,
    /// 月份 YYYY-MM（默认本月）
    pub period: Option<String>,
    /// 部门编码
    pub department: Option<String>,
    /// 大厅编号
    pub hall: Option<String>,
    /// 分区（与 hall 同用）：economic、construction、social、real_estate
    pub zone: Option<String>,
    /// 事项实施编码
    pub item_code: Option<String>,
    /// json（默认）或 csv（全部行，不分页）
    pub format: Option<String>,
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<u32>,
}

/// The published figures: ratings, satisfaction, 差评, callback and rectification rates.
#[utoipa::path(
    get, path = "/ratings/stats", tag = "ratings", summary = "好差评统计（公开）",
    description = "满意率 = 3–5 级评价数 ÷ 计入统计的评价数；回访率 = 按时回访的差评 ÷ 差评数；\
                   整改率 = 按时整改答复的差评 ÷ 差评数。经复核剔除的不实或恶意评价不计入。",
    params(StatsParams),
    responses(
        (status = 200, description = "统计（format=csv 时为 CSV 文件，全部行）",
         content((RatingStats = "application/json"), (String = "text/csv"))),
        (status = 422, description = "分组、月份或格式有误", body = ErrorEnvelope),
    )
)]
pub async fn stats(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<StatsParams>,
) -> Result<Response, ApiError> {
    let csv = match params.format.as_deref().map(str::trim) {
        None | Some("") | Some("json") => false,
        Some("csv") => true,
        Some(_) => {
            return Err(service::Error::invalid("format", "格式应为 json 或 csv").into());
        }
    };
    let paging = if csv {
        domain::paging::PageRequest {
            page: 1,
            page_size: u32::MAX,
        }
    } else {
        Paging {
            page: params.page,
            page_size: params.page_size,
        }
        .request()?
    };
    let query = StatsQuery {
        group: params.group,
        period: params.period,
        department: params.department,
        hall: params.hall,
        zone: params.zone,
        item_code: params.item_code,
    };
    let stats = ratings::stats(&state.portal, query, paging).await?;
    if !csv {
        return Ok(Json(stats).into_response());
    }
    let name = format!("haochaping-{}-{}.csv", stats.period, stats.group.as_str());
    Ok((
        [
            (
                http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_owned(),
            ),
            (
                http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        stats_csv(&stats),
    )
        .into_response())
}

/// `?state=&page=&page_size=` of the rectification queue.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RectificationParams {
    /// open（默认：未办结的）、all，或一个状态：callback_pending、rectifying、answered、reopened、closed、excluded
    pub state: Option<String>,
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<u32>,
}

/// The rectifications of the caller's department or hall zone (supervisors: all), most urgent
/// first, with the step's due date on the working-day clock.
#[utoipa::path(
    get, path = "/staff/rectifications", tag = "ratings", summary = "差评整改队列",
    params(RectificationParams),
    responses(
        (status = 200, description = "差评整改，最紧急的在前", body = RectificationQueue),
        (status = 403, description = "无权处理差评整改", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn queue(
    State(state): State<AppState>,
    StaffRead(session, _): StaffRead<HandleRectifications>,
    ApiQuery(params): ApiQuery<RectificationParams>,
) -> Result<Json<RectificationQueue>, ApiError> {
    let paging = Paging {
        page: params.page,
        page_size: params.page_size,
    }
    .request()?;
    let states = ratings::parse_state_filter(params.state.as_deref())?;
    Ok(Json(
        ratings::queue(&state.portal, &session, states, paging).await?,
    ))
}

/// One rectification with its rating (the rater masked), deadlines and timeline: an audited read.
#[utoipa::path(
    get, path = "/staff/rectifications/{rectification_id}", tag = "ratings", summary = "差评整改详情",
    params(("rectification_id" = String, Path, description = "整改编号")),
    responses(
        (status = 200, description = "整改详情；actions 列出当前可做的步骤", body = RectificationView),
        (status = 403, description = "无权处理差评整改", body = ErrorEnvelope),
        (status = 404, description = "没有该整改，或不在本人负责范围", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn read(
    State(state): State<AppState>,
    StaffRead(session, _): StaffRead<HandleRectifications>,
    Path(rectification_id): Path<String>,
) -> Result<Json<RectificationView>, ApiError> {
    Ok(Json(
        ratings::rectification(&state.portal, &session, &rectification_id).await?,
    ))
}

macro_rules! rectification_step {
    ($name:ident, $path:literal, $summary:literal, $request:ty, $call:path, $conflict:literal) => {
        #[utoipa::path(
            post, path = $path, tag = "ratings", summary = $summary,
            params(("rectification_id" = String, Path, description = "整改编号")),
            request_body = $request,
            responses(
                (status = 200, description = "整改详情", body = RectificationView),
                (status = 403, description = "不是负责处理的工作人员", body = ErrorEnvelope),
                (status = 404, description = "没有该整改，或不在本人负责范围", body = ErrorEnvelope),
                (status = 409, description = $conflict, body = ErrorEnvelope),
                (status = 422, description = "内容有误（fields 指明）", body = ErrorEnvelope),
            ),
            security(("bearer" = []))
        )]
        pub async fn $name(
            State(state): State<AppState>,
            StaffWrite(session, _): StaffWrite<HandleRectifications>,
            Path(rectification_id): Path<String>,
            ApiJson(request): ApiJson<$request>,
        ) -> Result<Json<RectificationView>, ApiError> {
            Ok(Json(
                $call(&state.portal, &session, &rectification_id, request).await?,
            ))
        }
    };
}

rectification_step!(
    callback,
    "/staff/rectifications/{rectification_id}/callback",
    "回访核实",
    CallbackRequest,
    ratings::callback,
    "不在待回访状态（state_conflict）"
);
rectification_step!(
    answer,
    "/staff/rectifications/{rectification_id}/answer",
    "整改答复",
    AnswerRequest,
    ratings::answer,
    "还没有回访，或已经答复（state_conflict）"
);
rectification_step!(
    appeal,
    "/staff/rectifications/{rectification_id}/appeal",
    "申诉",
    AppealRequest,
    ratings::appeal,
    "已经申诉过，或整改已办结（state_conflict）"
);

/// 复核 of an appeal (supervisors): the rating stays, or is excluded from the figures.
#[utoipa::path(
    post, path = "/staff/rectifications/{rectification_id}/review", tag = "ratings", summary = "复核申诉",
    params(("rectification_id" = String, Path, description = "整改编号")),
    request_body = ReviewRequest,
    responses(
        (status = 200, description = "整改详情", body = RectificationView),
        (status = 403, description = "不是督查考核人员", body = ErrorEnvelope),
        (status = 404, description = "没有该整改", body = ErrorEnvelope),
        (status = 409, description = "没有待复核的申诉（state_conflict）", body = ErrorEnvelope),
        (status = 422, description = "结论或理由有误", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn review(
    State(state): State<AppState>,
    StaffWrite(session, _): StaffWrite<ReviewAppeals>,
    Path(rectification_id): Path<String>,
    ApiJson(request): ApiJson<ReviewRequest>,
) -> Result<Json<RectificationView>, ApiError> {
    Ok(Json(
        ratings::review(&state.portal, &session, &rectification_id, request).await?,
    ))
}

/// The rater's phone for the call-back: the handler only, written to the audit log.
#[utoipa::path(
    post, path = "/staff/rectifications/{rectification_id}/reveal-phone", tag = "ratings", summary = "查看评价人电话（回访用，留痕）",
    params(("rectification_id" = String, Path, description = "整改编号")),
    responses(
        (status = 200, description = "评价人的联系电话", body = RevealedPhone),
        (status = 403, description = "不是负责处理的工作人员", body = ErrorEnvelope),
        (status = 404, description = "没有该整改，或评价人未登记", body = ErrorEnvelope),
        (status = 409, description = "整改已办结（state_conflict）", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn reveal_phone(
    State(state): State<AppState>,
    StaffWrite(session, _): StaffWrite<HandleRectifications>,
    Path(rectification_id): Path<String>,
) -> Result<Json<RevealedPhone>, ApiError> {
    Ok(Json(
        ratings::reveal_phone(&state.portal, &session, &rectification_id).await?,
    ))
}

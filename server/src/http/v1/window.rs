//! 窗口收件 under `/staff/window-applications`: a clerk starts a case for someone at the window
//! (found by ID number or credit code, or recorded offline), fills its form with the same
//! `PUT` body the applicant's own form takes, scans its materials, and submits it with channel
//! `window`. Everything is scoped in `service` to window applications of the clerk's hall.

use super::applications::{Document, UploadForm, multipart_error};
use super::error::{ApiError, ErrorEnvelope};
use super::extract::{ApiJson, IdempotencyKey, canonical, created};
use crate::http::AppState;
use crate::http::caller::{Authenticated, CallerOf, StaffWrite};
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use domain::application::{ApplicationPatch, ApplicationView};
use domain::intake::{WindowStart, WindowStarted};
use service::applications::{self, Change, Intent};
use service::staff::Intake;

/// Starts a window application. For a person without an account, give their name and a contact
/// phone: an offline record is made, and the answer carries a one-time 网上激活码 to hand them,
/// with which their later registration takes the record over. Looking up an existing person is
/// audited.
#[utoipa::path(
    post, path = "/staff/window-applications", tag = "window", summary = "窗口收件：开始办理",
    request_body = WindowStart,
    params(IdempotencyKey),
    responses(
        (status = 201, description = "窗口草稿，按申请人档案预填；线下登记的另有一次性网上激活码（同一请求标识的重试：第一次的结果）", body = WindowStarted),
        (status = 403, description = "不是服务大厅的综合窗口人员", body = ErrorEnvelope),
        (status = 422, description = "事项、身份号码、信用代码、姓名或联系电话有误（fields 指明）", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn start(
    State(state): State<AppState>,
    CallerOf(caller): CallerOf,
    StaffWrite(session, _): StaffWrite<Intake>,
    key: IdempotencyKey,
    ApiJson(request): ApiJson<WindowStart>,
) -> Result<Response, ApiError> {
    let key = key.bind(
        &caller.idempotency_scope(),
        "POST /staff/window-applications",
        &[&canonical(&request)?],
    )?;
    let portal = state.portal.clone();
    let work = async move { applications::start_window(&portal, &session, request).await };
    let outcome = service::idempotency::once(&state.portal, key.as_ref(), work).await?;
    Ok(created(outcome))
}

#[utoipa::path(
    get, path = "/staff/window-applications/{id}", tag = "window", summary = "窗口草稿",
    params(("id" = String, Path, description = "草稿编号")),
    responses(
        (status = 200, description = "窗口草稿", body = ApplicationView),
        (status = 403, description = "不是服务大厅的综合窗口人员", body = ErrorEnvelope),
        (status = 404, description = "没有该草稿，或不是本大厅的窗口收件，或已提交", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn read(
    State(state): State<AppState>,
    Authenticated(session): Authenticated,
    Path(id): Path<String>,
) -> Result<Json<ApplicationView>, ApiError> {
    Ok(Json(
        applications::window_application(&state.portal, &session, &id).await?,
    ))
}

/// The same body as the applicant's `PUT /applications/{case_no}`: answers merged in, material
/// choices set.
#[utoipa::path(
    put, path = "/staff/window-applications/{id}", tag = "window", summary = "窗口草稿：保存表单和材料",
    params(("id" = String, Path, description = "草稿编号")),
    request_body = ApplicationPatch,
    responses(
        (status = 200, description = "已保存", body = ApplicationView),
        (status = 404, description = "没有该草稿，或不是本大厅的窗口收件", body = ErrorEnvelope),
        (status = 409, description = "已提交，不能修改（state_conflict）", body = ErrorEnvelope),
        (status = 422, description = "表单中没有的字段或不存在的材料", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn update(
    State(state): State<AppState>,
    StaffWrite(session, _): StaffWrite<Intake>,
    Path(id): Path<String>,
    ApiJson(change): ApiJson<ApplicationPatch>,
) -> Result<Json<ApplicationView>, ApiError> {
    let saved = applications::save_window(
        &state.portal,
        &session,
        &id,
        Change::Patch(change),
        Intent::Save,
    )
    .await?;
    Ok(Json(saved.view))
}

/// A scanned material, into the applicant's vault: `multipart/form-data` with the file in
/// `file`, as `POST /documents` takes it.
#[utoipa::path(
    post, path = "/staff/window-applications/{id}/documents", tag = "window", summary = "窗口草稿：扫描上传材料",
    params(("id" = String, Path, description = "草稿编号"), IdempotencyKey),
    request_body(content = UploadForm, content_type = "multipart/form-data", description = "字段 file：PDF、JPG、PNG 或 OFD"),
    responses(
        (status = 201, description = "已存入申请人的材料库", body = Document),
        (status = 404, description = "没有该草稿，或不是本大厅的窗口收件", body = ErrorEnvelope),
        (status = 409, description = "已提交，不能再补充材料（state_conflict）", body = ErrorEnvelope),
        (status = 413, description = "超过大小上限", body = ErrorEnvelope),
        (status = 415, description = "不是 PDF、JPG、PNG 或 OFD（按内容识别）", body = ErrorEnvelope),
        (status = 422, description = "缺少文件或文件为空", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn scan(
    State(state): State<AppState>,
    CallerOf(caller): CallerOf,
    StaffWrite(session, _): StaffWrite<Intake>,
    Path(id): Path<String>,
    key: IdempotencyKey,
    mut multipart: Multipart,
) -> Result<Response, ApiError> {
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or_default().to_owned();
        let bytes = field.bytes().await.map_err(multipart_error)?;
        let operation = format!("POST /staff/window-applications/{id}/documents");
        let key = key.bind(
            &caller.idempotency_scope(),
            &operation,
            &[name.as_bytes(), &bytes],
        )?;
        let (portal, session) = (state.portal.clone(), session.clone());
        let work = async move {
            applications::scan_material(&portal, &session, &id, &name, bytes)
                .await
                .map(Document::from)
        };
        let outcome = service::idempotency::once(&state.portal, key.as_ref(), work).await?;
        return Ok(created(outcome));
    }
    Err(ApiError::invalid(domain::errors::FieldErrors::single(
        "file",
        "请选择要上传的文件",
    )))
}

/// Runs the pre-review and sends the case with channel `window`; the clerk then accepts it on
/// the workbench like any other. `Idempotency-Key` makes a retry meet the first answer.
#[utoipa::path(
    post, path = "/staff/window-applications/{id}/submit", tag = "window", summary = "窗口草稿：提交收件",
    params(("id" = String, Path, description = "草稿编号"), IdempotencyKey),
    responses(
        (status = 201, description = "已收件，得到办件编号", body = ApplicationView),
        (status = 404, description = "没有该草稿，或不是本大厅的窗口收件", body = ErrorEnvelope),
        (status = 409, description = "已提交过（state_conflict）", body = ErrorEnvelope),
        (status = 422, description = "预审未通过（fields 列出每个阻断问题）", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn submit(
    State(state): State<AppState>,
    CallerOf(caller): CallerOf,
    StaffWrite(session, _): StaffWrite<Intake>,
    Path(id): Path<String>,
    key: IdempotencyKey,
) -> Result<Response, ApiError> {
    let operation = format!("POST /staff/window-applications/{id}/submit");
    let key = key.bind(&caller.idempotency_scope(), &operation, &[])?;
    let outcome = applications::submit_window(&state.portal, &session, &id, key.as_ref()).await?;
    Ok(created(outcome))
}

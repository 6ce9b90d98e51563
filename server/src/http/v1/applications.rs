//! Applications (办件) and the document vault, for the mini-program and any other client.

use super::error::{ApiError, ErrorEnvelope};
use super::extract::{ApiJson, ApiQuery, IdempotencyKey, Paging, canonical, created};
use crate::http::AppState;
use crate::http::caller::{Authenticated, AuthenticatedWrite, CallerOf, CitizenWrite};
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::application::{
    ApplicationPatch, ApplicationSummary, ApplicationView, PrereviewResult, TimelineEvent,
};
use domain::catalog::FileType;
use domain::commitment::SupplementSubmission;
use domain::instant::Instant;
use domain::notice::CaseNotice;
use domain::paging::Page;
use serde::{Deserialize, Serialize};
use service::applications;
use service::documents::{self, DocumentView};
use utoipa::ToSchema;

/// What to apply for: one item, or a 一件事 package (exactly one of the two).
#[derive(Deserialize, Serialize, ToSchema)]
pub struct NewApplication {
    /// 实施编码 of the item to apply for.
    #[serde(default)]
    pub item_code: Option<String>,
    /// The 一件事 package to apply for with one merged form.
    #[serde(default)]
    pub package_id: Option<String>,
}

#[utoipa::path(
    post, path = "/applications", tag = "applications", summary = "开始申请（草稿，按档案预填）",
    request_body = NewApplication,
    params(IdempotencyKey),
    responses(
        (status = 201, description = "草稿（同一请求标识的重试：第一次的结果，带 Idempotent-Replayed）", body = ApplicationView),
        (status = 403, description = "事项的申请人类型与当前身份不符，或不是个人/法人用户", body = ErrorEnvelope),
        (status = 404, description = "没有该事项或一件事", body = ErrorEnvelope),
        (status = 409, description = "同一请求标识的请求仍在处理（idempotency_in_progress）", body = ErrorEnvelope),
        (status = 422, description = "item_code 与 package_id 须且只须给出一个；未提交的草稿已达上限（draft_limit）；或请求标识已用于另一请求（idempotency_mismatch）", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    CallerOf(caller): CallerOf,
    CitizenWrite(session): CitizenWrite,
    key: IdempotencyKey,
    ApiJson(new): ApiJson<NewApplication>,
) -> Result<Response, ApiError> {
    let start = match (&new.item_code, &new.package_id) {
        (Some(code), None) => applications::Start::Item(code.clone()),
        (None, Some(id)) => applications::Start::Package(id.clone()),
        _ => {
            return Err(service::Error::invalid(
                "item_code",
                "请选择要申请的事项，或要办理的“一件事”（二者选一）",
            )
            .into());
        }
    };
    let key = key.bind(
        &caller.idempotency_scope(),
        "POST /applications",
        &[&canonical(&new)?],
    )?;
    let portal = state.portal.clone();
    let work = async move { applications::create_draft(&portal, &session, &start).await };
    let outcome = service::idempotency::once(&state.portal, key.as_ref(), work).await?;
    Ok(created(outcome))
}

#[utoipa::path(
    get, path = "/applications", tag = "applications", summary = "我的办件（草稿与办件）",
    params(Paging),
    responses((status = 200, description = "最近修改的在前", body = Page<ApplicationSummary>)),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(session): Authenticated,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Json<Page<ApplicationSummary>>, ApiError> {
    let paging = paging.request()?;
    let all = applications::list_mine(&state.portal, &session).await?;
    Ok(Json(Page::of(&all, paging)))
}

#[utoipa::path(
    get, path = "/applications/{case_no}", tag = "applications", summary = "一件申请",
    params(("case_no" = String, Path, description = "办件编号，或草稿编号")),
    responses(
        (status = 200, description = "申请；证件号码已脱敏", body = ApplicationView),
        (status = 404, description = "没有该办件（或不是您的）", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn read(
    State(state): State<AppState>,
    Authenticated(session): Authenticated,
    Path(case_no): Path<String>,
) -> Result<Json<ApplicationView>, ApiError> {
    Ok(Json(
        applications::get(&state.portal, &session, &case_no).await?,
    ))
}

/// Answers are merged in (a field not sent keeps its answer); each answer in its JSON type.
/// Repeating the same change changes nothing more, so retries are safe.
#[utoipa::path(
    put, path = "/applications/{case_no}", tag = "applications", summary = "保存草稿（或补正）的表单和材料",
    params(("case_no" = String, Path, description = "草稿编号，或待补正办件的办件编号")),
    request_body = ApplicationPatch,
    responses(
        (status = 200, description = "已保存", body = ApplicationView),
        (status = 404, description = "没有该申请（或不是您的）", body = ErrorEnvelope),
        (status = 409, description = "已提交，不能修改", body = ErrorEnvelope),
        (status = 422, description = "表单中没有的字段或不存在的材料", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn update(
    State(state): State<AppState>,
    CitizenWrite(session): CitizenWrite,
    Path(case_no): Path<String>,
    ApiJson(change): ApiJson<ApplicationPatch>,
) -> Result<Json<ApplicationView>, ApiError> {
    let change = applications::Change::Patch(change);
    let saved = applications::save_form(
        &state.portal,
        &session,
        &case_no,
        change,
        applications::Intent::Save,
    )
    .await?;
    Ok(Json(saved.view))
}

/// The same as `PUT`, for clients that have PATCH (a mini-program does not).
#[utoipa::path(
    patch, path = "/applications/{case_no}", tag = "applications", summary = "保存草稿（PUT 的别名）",
    params(("case_no" = String, Path, description = "草稿编号，或待补正办件的办件编号")),
    request_body = ApplicationPatch,
    responses(
        (status = 200, description = "已保存", body = ApplicationView),
        (status = 404, description = "没有该申请（或不是您的）", body = ErrorEnvelope),
        (status = 409, description = "已提交，不能修改", body = ErrorEnvelope),
        (status = 422, description = "表单中没有的字段或不存在的材料", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn patch(
    state: State<AppState>,
    session: CitizenWrite,
    case_no: Path<String>,
    change: ApiJson<ApplicationPatch>,
) -> Result<Json<ApplicationView>, ApiError> {
    update(state, session, case_no, change).await
}

#[utoipa::path(
    post, path = "/applications/{case_no}/prereview", tag = "applications", summary = "预审：一次告知全部问题",
    params(("case_no" = String, Path, description = "草稿编号")),
    responses((status = 200, description = "预审结果", body = PrereviewResult)),
    security(("bearer" = []))
)]
pub async fn prereview(
    State(state): State<AppState>,
    AuthenticatedWrite(session): AuthenticatedWrite,
    Path(case_no): Path<String>,
) -> Result<Json<PrereviewResult>, ApiError> {
    let findings = applications::prereview(&state.portal, &session, &case_no).await?;
    Ok(Json(PrereviewResult {
        passed: domain::prereview::passed(&findings),
        findings,
    }))
}

/// `Idempotency-Key` makes retries safe: the same key answers with the first result.
#[utoipa::path(
    post, path = "/applications/{case_no}/submit", tag = "applications", summary = "提交申请",
    params(
        ("case_no" = String, Path, description = "草稿编号"),
        IdempotencyKey,
    ),
    responses(
        (status = 201, description = "已提交，得到办件编号（同一请求标识的重试：第一次的结果，带 Idempotent-Replayed）", body = ApplicationView),
        (status = 404, description = "没有该申请（或不是您的）", body = ErrorEnvelope),
        (status = 409, description = "已提交过，或同一个键的请求仍在处理（idempotency_in_progress）", body = ErrorEnvelope),
        (status = 422, description = "预审未通过（fields 列出每个阻断问题），或键已用于其他请求（idempotency_mismatch）", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn submit(
    State(state): State<AppState>,
    CallerOf(caller): CallerOf,
    CitizenWrite(session): CitizenWrite,
    Path(case_no): Path<String>,
    key: IdempotencyKey,
) -> Result<Response, ApiError> {
    let operation = format!("POST /applications/{case_no}/submit");
    let key = key.bind(&caller.idempotency_scope(), &operation, &[])?;
    let outcome = applications::submit(&state.portal, &session, &case_no, key.as_ref()).await?;
    Ok(created(outcome))
}

#[utoipa::path(
    post, path = "/applications/{case_no}/withdraw", tag = "applications", summary = "撤回（受理前）",
    params(("case_no" = String, Path, description = "办件编号")),
    responses(
        (status = 200, description = "已撤回", body = ApplicationView),
        (status = 409, description = "不能撤回", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn withdraw(
    State(state): State<AppState>,
    AuthenticatedWrite(session): AuthenticatedWrite,
    Path(case_no): Path<String>,
) -> Result<Json<ApplicationView>, ApiError> {
    Ok(Json(
        applications::withdraw(&state.portal, &session, &case_no).await?,
    ))
}

#[utoipa::path(
    get, path = "/applications/{case_no}/timeline", tag = "applications", summary = "办理进度",
    params(("case_no" = String, Path, description = "办件编号"), Paging),
    responses(
        (status = 200, description = "时间线，早的在前", body = Page<TimelineEvent>),
        (status = 404, description = "没有该办件（或不是您的）", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn timeline(
    State(state): State<AppState>,
    Authenticated(session): Authenticated,
    Path(case_no): Path<String>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Json<Page<TimelineEvent>>, ApiError> {
    let paging = paging.request()?;
    let all = applications::timeline(&state.portal, &session, &case_no).await?;
    Ok(Json(Page::of(&all, paging)))
}

/// The notices the case's decisions produced (受理通知书, 不予受理通知书), addressed to the
/// applicant in full, as issued.
#[utoipa::path(
    get, path = "/applications/{case_no}/notices", tag = "applications", summary = "办件文书",
    params(("case_no" = String, Path, description = "办件编号"), Paging),
    responses(
        (status = 200, description = "文书，先出具的在前", body = Page<CaseNotice>),
        (status = 404, description = "没有该办件（或不是您的）", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn notices(
    State(state): State<AppState>,
    Authenticated(session): Authenticated,
    Path(case_no): Path<String>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Json<Page<CaseNotice>>, ApiError> {
    let paging = paging.request()?;
    let all = applications::notices(&state.portal, &session, &case_no).await?;
    Ok(Json(Page::of(&all, paging)))
}

/// A document in the vault.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Document {
    pub id: String,
    pub file_name: String,
    /// pdf, jpeg, png or ofd, recognised by content.
    pub file_type: String,
    pub size_bytes: i64,
    pub licence_type: Option<String>,
    pub created_at: Instant,
}

impl From<DocumentView> for Document {
    fn from(view: DocumentView) -> Self {
        Self {
            id: view.id,
            file_name: view.file_name,
            file_type: view.file_type,
            size_bytes: view.size_bytes,
            licence_type: view.licence_type,
            created_at: view.created_at,
        }
    }
}

/// `multipart/form-data` with the file in the field `file`, as `wx.uploadFile` sends it (other
/// text fields, which `wx.uploadFile` may add as `formData`, are ignored).
#[utoipa::path(
    post, path = "/documents", tag = "documents", summary = "上传材料",
    request_body(content = UploadForm, content_type = "multipart/form-data", description = "字段 file：PDF、JPG、PNG 或 OFD"),
    params(IdempotencyKey),
    responses(
        (status = 201, description = "已保存到材料库（同一请求标识的重试：第一次的结果，带 Idempotent-Replayed）", body = Document),
        (status = 409, description = "同一请求标识的请求仍在处理（idempotency_in_progress）", body = ErrorEnvelope),
        (status = 413, description = "超过大小上限", body = ErrorEnvelope),
        (status = 415, description = "不是 PDF、JPG、PNG 或 OFD（按内容识别）", body = ErrorEnvelope),
        (status = 422, description = "缺少文件或文件为空；上传材料总量已达上限（upload_quota_exceeded）；或请求标识已用于另一请求（idempotency_mismatch）", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn upload(
    State(state): State<AppState>,
    CallerOf(caller): CallerOf,
    CitizenWrite(session): CitizenWrite,
    key: IdempotencyKey,
    mut multipart: Multipart,
) -> Result<Response, ApiError> {
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or_default().to_owned();
        let bytes = field.bytes().await.map_err(multipart_error)?;
        let key = key.bind(
            &caller.idempotency_scope(),
            "POST /documents",
            &[name.as_bytes(), &bytes],
        )?;
        let (portal, session) = (state.portal.clone(), session.clone());
        let work = async move {
            documents::upload(&portal, &session, &name, bytes)
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

/// What `POST /documents` takes, for the OpenAPI document only.
#[derive(ToSchema)]
#[allow(dead_code)] // never built: it describes the multipart body that `Multipart` reads
pub struct UploadForm {
    /// The file itself (PDF, JPG, PNG or OFD).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

pub(super) fn multipart_error(error: axum::extract::multipart::MultipartError) -> ApiError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "文件超过大小上限",
        )
    } else {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_multipart",
            "上传的内容无法识别，请重新选择文件上传",
        )
    }
}

#[utoipa::path(
    get, path = "/documents", tag = "documents", summary = "我的材料库",
    params(Paging),
    responses((status = 200, description = "电子证照在前，其余新的在前", body = Page<Document>)),
    security(("bearer" = []))
)]
pub async fn list_documents(
    State(state): State<AppState>,
    Authenticated(session): Authenticated,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Json<Page<Document>>, ApiError> {
    let paging = paging.request()?;
    let all = documents::list(&state.portal, &session).await?;
    Ok(Json(Page::of(&all, paging).map(Document::from)))
}

#[utoipa::path(
    get, path = "/documents/{id}/content", tag = "documents", summary = "材料文件内容",
    params(("id" = String, Path, description = "材料编号")),
    responses(
        (status = 200, description = "文件本身"),
        (status = 404, description = "没有该材料（或不是您的）", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn document_content(
    State(state): State<AppState>,
    Authenticated(session): Authenticated,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (view, bytes) = documents::content(&state.portal, &session, &id).await?;
    attachment(&view, bytes)
}

/// A stored file as a download: an uploaded file never runs as a page of the portal.
pub(super) fn attachment(
    view: &DocumentView,
    bytes: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let content_type = FileType::parse(&view.file_type)
        .ok_or_else(|| anyhow::anyhow!("stored file type {}", view.file_type))
        .map_err(service::Error::from)?
        .mime();
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static(content_type),
    );
    headers.insert(
        http::header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment"),
    );
    Ok(response)
}

/// The largest JSON body of a supplement (its route takes uploads, so the default limit is off).
const SUPPLEMENT_JSON_LIMIT: usize = 16 * 1024;

/// A 容缺 material handed in after acceptance: JSON naming a document of the vault
/// (`{ "material_code", "document_id" }`), or `multipart/form-data` as `wx.uploadFile` sends it
/// (the file in `file`, the material's code in the text field `material_code`), which stores the
/// file in the vault first. A clerk then confirms it.
#[utoipa::path(
    post, path = "/applications/{case_no}/supplements", tag = "applications", summary = "补交容缺材料",
    params(("case_no" = String, Path, description = "办件编号"), IdempotencyKey),
    request_body(
        content(
            (SupplementSubmission = "application/json"),
            (SupplementUpload = "multipart/form-data"),
        ),
        description = "JSON：材料代码和材料库中的文件编号；或 multipart：字段 file 和 material_code"
    ),
    responses(
        (status = 201, description = "已补交，待窗口确认（同一请求标识的重试：第一次的结果）", body = ApplicationView),
        (status = 404, description = "没有该办件（或不是您的）", body = ErrorEnvelope),
        (status = 409, description = "办件状态不能补交（state_conflict），或已确认收到（already_confirmed）", body = ErrorEnvelope),
        (status = 413, description = "文件超过大小上限", body = ErrorEnvelope),
        (status = 415, description = "文件类型不支持，或请求既不是 JSON 也不是 multipart", body = ErrorEnvelope),
        (status = 422, description = "不是本办件的容缺材料，或文件不存在、类型或大小不符（fields 指明）", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn hand_in_supplement(
    State(state): State<AppState>,
    CallerOf(caller): CallerOf,
    CitizenWrite(session): CitizenWrite,
    key: IdempotencyKey,
    Path(case_no): Path<String>,
    request: axum::extract::Request,
) -> Result<Response, ApiError> {
    use axum::extract::FromRequest;
    let multipart = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("multipart/form-data"));
    let operation = format!("POST /applications/{case_no}/supplements");
    let scope = caller.idempotency_scope();
    let portal = state.portal.clone();
    let outcome = if multipart {
        let mut multipart = Multipart::from_request(request, &state)
            .await
            .map_err(|_| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "malformed_multipart",
                    "上传内容无法读取，请重新选择文件",
                )
            })?;
        let (mut material_code, mut file) = (String::new(), None);
        while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
            match field.name() {
                Some("material_code") => {
                    material_code = field.text().await.map_err(multipart_error)?;
                }
                Some("file") => {
                    let name = field.file_name().unwrap_or_default().to_owned();
                    file = Some((name, field.bytes().await.map_err(multipart_error)?));
                }
                _ => {}
            }
        }
        let Some((name, bytes)) = file else {
            return Err(ApiError::invalid(domain::errors::FieldErrors::single(
                "file",
                "请选择要补交的文件",
            )));
        };
        let key = key.bind(
            &scope,
            &operation,
            &[material_code.as_bytes(), name.as_bytes(), &bytes],
        )?;
        let work = async move {
            applications::may_hand_in(&portal, &session, &case_no, &material_code).await?;
            let document = documents::upload(&portal, &session, &name, bytes).await?;
            let submission = SupplementSubmission {
                material_code,
                document_id: document.id,
            };
            applications::hand_in_supplement(&portal, &session, &case_no, submission).await
        };
        service::idempotency::once(&state.portal, key.as_ref(), work).await?
    } else {
        let (parts, body) = request.into_parts();
        let bytes = axum::body::to_bytes(body, SUPPLEMENT_JSON_LIMIT)
            .await
            .map_err(|_| {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    "请求内容过大",
                )
            })?;
        let request = axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes));
        let ApiJson(submission) =
            ApiJson::<SupplementSubmission>::from_request(request, &state).await?;
        let key = key.bind(&scope, &operation, &[&canonical(&submission)?])?;
        let work = async move {
            applications::hand_in_supplement(&portal, &session, &case_no, submission).await
        };
        service::idempotency::once(&state.portal, key.as_ref(), work).await?
    };
    Ok(created(outcome))
}

/// The multipart body of `POST /applications/{case_no}/supplements`, for the OpenAPI document.
#[derive(ToSchema)]
#[allow(dead_code)] // never built: it describes the multipart body that `Multipart` reads
pub struct SupplementUpload {
    /// The file itself (PDF, JPG, PNG or OFD).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// The 容缺 material's code.
    material_code: String,
}

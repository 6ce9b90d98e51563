//! Applications (办件) and the document vault, for the mini-program and any other client.

use super::error::{ApiError, ErrorEnvelope};
use super::extract::ApiJson;
use super::me::whole_list;
use crate::http::AppState;
use crate::http::caller::{Authenticated, AuthenticatedWrite};
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::application::{
    ApplicationPatch, ApplicationSummary, ApplicationView, PrereviewResult, TimelineEvent,
};
use domain::paging::Page;
use serde::{Deserialize, Serialize};
use service::applications;
use service::documents::{self, DocumentView};
use utoipa::ToSchema;

/// What to apply for: one item, or a 一件事 package (exactly one of the two).
#[derive(Deserialize, ToSchema)]
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
    responses(
        (status = 201, description = "草稿", body = ApplicationView),
        (status = 403, description = "事项的申请人类型与当前身份不符", body = ErrorEnvelope),
        (status = 404, description = "没有该事项或一件事", body = ErrorEnvelope),
        (status = 422, description = "item_code 与 package_id 须且只须给出一个", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    AuthenticatedWrite(session): AuthenticatedWrite,
    ApiJson(new): ApiJson<NewApplication>,
) -> Result<(StatusCode, Json<ApplicationView>), ApiError> {
    let start = match (&new.item_code, &new.package_id) {
        (Some(code), None) => applications::Start::Item(code),
        (None, Some(id)) => applications::Start::Package(id),
        _ => {
            return Err(service::Error::invalid(
                "item_code",
                "请给出要申请的事项编码 item_code，或“一件事”编号 package_id（二者选一）",
            )
            .into());
        }
    };
    let draft = applications::create_draft(&state.portal, &session, start).await?;
    Ok((StatusCode::CREATED, Json(draft)))
}

#[utoipa::path(
    get, path = "/applications", tag = "applications", summary = "我的办件（草稿与办件）",
    responses((status = 200, description = "最近修改的在前", body = Page<ApplicationSummary>)),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(session): Authenticated,
) -> Result<Json<Page<ApplicationSummary>>, ApiError> {
    Ok(Json(whole_list(
        applications::list_mine(&state.portal, &session).await?,
    )))
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

#[utoipa::path(
    patch, path = "/applications/{case_no}", tag = "applications", summary = "修改草稿的表单和材料",
    params(("case_no" = String, Path, description = "草稿编号")),
    request_body = ApplicationPatch,
    responses(
        (status = 200, description = "已保存", body = ApplicationView),
        (status = 409, description = "已提交，不能修改", body = ErrorEnvelope),
        (status = 422, description = "表单中没有的字段或不存在的材料", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn patch(
    State(state): State<AppState>,
    AuthenticatedWrite(session): AuthenticatedWrite,
    Path(case_no): Path<String>,
    ApiJson(change): ApiJson<ApplicationPatch>,
) -> Result<Json<ApplicationView>, ApiError> {
    Ok(Json(
        applications::patch(&state.portal, &session, &case_no, change).await?,
    ))
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
        ("Idempotency-Key" = Option<String>, Header, description = "重试时使用同一个键"),
    ),
    responses(
        (status = 201, description = "已提交，得到办件编号", body = ApplicationView),
        (status = 200, description = "同一个键的重复请求：第一次的结果", body = ApplicationView),
        (status = 409, description = "已提交过，或同一个键的请求仍在处理（idempotency_in_progress）", body = ErrorEnvelope),
        (status = 422, description = "预审未通过（fields 列出每个阻断问题），或键已用于其他请求（idempotency_mismatch）", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn submit(
    State(state): State<AppState>,
    AuthenticatedWrite(session): AuthenticatedWrite,
    Path(case_no): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let key = headers
        .get("idempotency-key")
        .map(|v| {
            v.to_str().map_err(|_| {
                ApiError::invalid(domain::errors::FieldErrors::single(
                    "Idempotency-Key",
                    "只能包含可见的 ASCII 字符",
                ))
            })
        })
        .transpose()?;
    let submitted = applications::submit(&state.portal, &session, &case_no, key).await?;
    let status = if submitted.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let mut response = (status, Json(submitted.case)).into_response();
    if submitted.replayed {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
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
    params(("case_no" = String, Path, description = "办件编号")),
    responses((status = 200, description = "时间线，早的在前", body = Page<TimelineEvent>)),
    security(("bearer" = []))
)]
pub async fn timeline(
    State(state): State<AppState>,
    Authenticated(session): Authenticated,
    Path(case_no): Path<String>,
) -> Result<Json<Page<TimelineEvent>>, ApiError> {
    Ok(Json(whole_list(
        applications::timeline(&state.portal, &session, &case_no).await?,
    )))
}

/// A document in the vault.
#[derive(Serialize, ToSchema)]
pub struct Document {
    pub id: String,
    pub file_name: String,
    /// pdf, jpeg, png or ofd, recognised by content.
    pub file_type: String,
    pub size_bytes: i64,
    pub licence_type: Option<String>,
    pub created_at: String,
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

/// `multipart/form-data` with the file in the field `file`, as `wx.uploadFile` sends it.
#[utoipa::path(
    post, path = "/documents", tag = "documents", summary = "上传材料",
    request_body(content_type = "multipart/form-data", description = "字段 file：PDF、JPG、PNG 或 OFD"),
    responses(
        (status = 201, description = "已保存到材料库", body = Document),
        (status = 413, description = "超过大小上限", body = ErrorEnvelope),
        (status = 415, description = "不是 PDF、JPG、PNG 或 OFD（按内容识别）", body = ErrorEnvelope),
        (status = 422, description = "缺少 file 字段或文件为空", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn upload(
    State(state): State<AppState>,
    AuthenticatedWrite(session): AuthenticatedWrite,
    mut multipart: Multipart,
) -> Result<(StatusCode, Json<Document>), ApiError> {
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or_default().to_owned();
        let bytes = field.bytes().await.map_err(multipart_error)?;
        let document = documents::upload(&state.portal, &session, &name, bytes).await?;
        return Ok((StatusCode::CREATED, Json(document.into())));
    }
    Err(ApiError::invalid(domain::errors::FieldErrors::single(
        "file",
        "请在 file 字段中上传文件",
    )))
}

fn multipart_error(error: axum::extract::multipart::MultipartError) -> ApiError {
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
            "上传内容格式有误，请使用 multipart/form-data",
        )
    }
}

#[utoipa::path(
    get, path = "/documents", tag = "documents", summary = "我的材料库",
    responses((status = 200, description = "新的在前", body = Page<Document>)),
    security(("bearer" = []))
)]
pub async fn list_documents(
    State(state): State<AppState>,
    Authenticated(session): Authenticated,
) -> Result<Json<Page<Document>>, ApiError> {
    let items = documents::list(&state.portal, &session)
        .await?
        .into_iter()
        .map(Document::from)
        .collect();
    Ok(Json(whole_list(items)))
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
    let content_type = match view.file_type.as_str() {
        "pdf" => "application/pdf",
        "jpeg" => "image/jpeg",
        "png" => "image/png",
        _ => "application/ofd",
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static(content_type),
    );
    // Served as a download: an uploaded file never runs as a page of the portal.
    headers.insert(
        http::header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment"),
    );
    Ok(response)
}

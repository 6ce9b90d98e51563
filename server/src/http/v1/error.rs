//! The one error envelope of `/api/v1` (API.md):
//! `{ "error": { "code", "message", "fields"?, "request_id" } }` with a real HTTP status.
//!
//! Handlers return [`ApiError`]; it travels as a response extension and [`finish_api_error`]
//! renders it with the request id. Errors produced outside any handler (unknown method, body
//! limit, timeout, panic) arrive as plain responses and get the same envelope from their status.

use crate::http::request_id::RequestId;
use axum::body::Body;
use axum::extract::Request;
use axum::extract::rejection::JsonRejection;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::errors::FieldErrors;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use http::{HeaderValue, StatusCode};
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorEnvelope {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, snake_case, for programs: `validation_failed`, `not_found`, …
    pub code: String,
    /// Plain Chinese, for people.
    pub message: String,
    /// Only on 422: messages per field name.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<std::collections::BTreeMap<String, Vec<String>>>)]
    pub fields: Option<FieldErrors>,
    /// Quote this when asking for help; it finds the request in the logs.
    pub request_id: String,
    /// Only with a staff login's 403 `password_change_required`: the ticket for
    /// `POST /api/v1/auth/password-change`, good for ten minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_ticket: Option<String>,
}

/// An error answer of the API, before the request id is attached.
#[derive(Clone, Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    fields: Option<FieldErrors>,
    retry_after_secs: Option<u64>,
    change_ticket: Option<ChangeTicket>,
}

/// A credential inside an error answer: kept out of every `Debug` print (and so out of logs).
#[derive(Clone)]
struct ChangeTicket(String);

impl std::fmt::Debug for ChangeTicket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChangeTicket(…)")
    }
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            fields: None,
            retry_after_secs: None,
            change_ticket: None,
        }
    }

    /// The answer carries the ticket of a password change that must come first.
    pub fn with_change_ticket(self, ticket: String) -> Self {
        Self {
            change_ticket: Some(ChangeTicket(ticket)),
            ..self
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn invalid(fields: FieldErrors) -> Self {
        Self {
            fields: Some(fields),
            ..Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                "提交的内容有误，请按提示修改后重新提交",
            )
        }
    }

    /// The answer for a bare error status that no handler described (see module docs).
    fn from_status(status: StatusCode) -> Self {
        let (code, message) = match status {
            StatusCode::BAD_REQUEST => ("bad_request", "请求格式有误"),
            StatusCode::UNAUTHORIZED => ("unauthorized", "请先登录"),
            StatusCode::FORBIDDEN => ("forbidden", "您没有权限执行此操作"),
            StatusCode::NOT_FOUND => ("not_found", "没有找到您要访问的内容"),
            StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "暂不支持此操作"),
            StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "请求内容超过大小上限"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                ("unsupported_media_type", "提交的内容无法识别，请返回重试")
            }
            StatusCode::UNPROCESSABLE_ENTITY => (
                "validation_failed",
                "提交的内容有误，请按提示修改后重新提交",
            ),
            StatusCode::TOO_MANY_REQUESTS => ("rate_limited", "操作过于频繁，请稍后再试"),
            StatusCode::SERVICE_UNAVAILABLE => ("service_unavailable", "服务暂时繁忙，请稍后再试"),
            status if status.is_client_error() => ("bad_request", "请求有误"),
            _ => ("internal_error", "系统繁忙，请稍后再试"),
        };
        Self::new(status, code, message)
    }
}

impl From<service::Error> for ApiError {
    fn from(error: service::Error) -> Self {
        let status = crate::http::status::of(&error);
        let retry_after_secs = error.retry_after_secs();
        match error {
            service::Error::Invalid(fields) => Self::invalid(fields),
            service::Error::NotFound(what) => Self::new(status, "not_found", what),
            service::Error::Unauthenticated { code, message }
            | service::Error::Forbidden { code, message } => Self::new(status, code, message),
            service::Error::Conflict { code, message }
            | service::Error::Unprocessable { code, message } => Self::new(status, code, message),
            service::Error::RateLimited { code, message, .. } => Self {
                retry_after_secs,
                ..Self::new(status, code, message)
            },
            service::Error::Busy { code, message, .. } => Self {
                retry_after_secs,
                ..Self::new(status, code, message)
            },
            service::Error::TooLarge(message) => Self::new(status, "payload_too_large", message),
            service::Error::UnsupportedType(message) => {
                Self::new(status, "unsupported_media_type", message)
            }
            service::Error::Unexpected(cause) => {
                // Logged once, here, with the whole cause chain; the span carries the request id.
                tracing::error!(error = format!("{cause:#}"), "unexpected error");
                Self::from_status(status)
            }
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => Self::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "提交的内容无法识别，请返回重试",
            ),
            JsonRejection::JsonSyntaxError(_) => Self::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                "提交的内容无法识别，请返回重试",
            ),
            JsonRejection::JsonDataError(error) => Self::invalid(data_error_fields(&error)),
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Self::from_status(StatusCode::PAYLOAD_TOO_LARGE)
            }
            other => Self::from_status(other.status()),
        }
    }
}

/// serde's path (`items[0].target`) in the one spelling `fields` keys use: `items.0.target`.
fn dotted(path: &str) -> String {
    path.replace('[', ".").replace(']', "")
}

/// Names the field a JSON body got wrong, from the deserializer's path.
fn data_error_fields(error: &(dyn std::error::Error + 'static)) -> FieldErrors {
    type PathError = serde_path_to_error::Error<serde_json::Error>;
    let mut source = error.source();
    while let Some(cause) = source {
        if let Some(error) = cause.downcast_ref::<PathError>() {
            let inner = error.inner().to_string();
            // serde reports a missing field on its parent object; the name is in the message.
            if let Some(name) = inner
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next())
            {
                let parent = dotted(&error.path().to_string());
                let field = if parent == "." {
                    name.to_owned()
                } else {
                    format!("{parent}.{name}")
                };
                return FieldErrors::single(field, "必填项，请填写");
            }
            let field = dotted(&error.path().to_string());
            let field = if field == "." {
                "body".to_owned()
            } else {
                field
            };
            return FieldErrors::single(field, "格式或类型不正确");
        }
        source = cause.source();
    }
    FieldErrors::single("body", "内容与接口要求不符")
}

impl ApiError {
    /// The error for a route outside `/api/v1` that serves no JSON (an image): the status and
    /// the Chinese message as plain text.
    pub fn into_plain_text(self) -> Response {
        (
            self.status,
            [(CONTENT_TYPE, "text/plain; charset=utf-8")],
            self.message,
        )
            .into_response()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        if let Some(seconds) = self.retry_after_secs {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(seconds));
        }
        response.extensions_mut().insert(self);
        response
    }
}

/// Middleware: renders every `/api/v1` error response as the envelope (see module docs).
pub async fn finish_api_error(request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with(super::PREFIX) {
        return next.run(request).await;
    }
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone())
        .unwrap_or_default();
    let mut response = next.run(request).await;
    let status = response.status();
    let error = match response.extensions_mut().remove::<ApiError>() {
        Some(error) => error,
        None if status.is_client_error() || status.is_server_error() => {
            ApiError::from_status(status)
        }
        None => return response,
    };
    let envelope = ErrorEnvelope {
        error: ErrorDetail {
            code: error.code.to_owned(),
            message: error.message,
            fields: error.fields,
            request_id,
            change_ticket: error.change_ticket.map(|ticket| ticket.0),
        },
    };
    let body = serde_json::to_vec(&envelope).unwrap_or_default();
    let headers = response.headers_mut();
    headers.remove(CONTENT_LENGTH);
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    *response.body_mut() = Body::from(body);
    *response.status_mut() = error.status;
    response
}

//! Extractors that answer bad input with the API's error envelope instead of axum's plain text.

use super::error::ApiError;
use axum::Json;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::errors::FieldErrors;
use domain::paging::PageRequest;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use service::idempotency::{Key, Outcome};
use utoipa::IntoParams;

/// A JSON body. Wrong content type → 415, unparseable → 400, wrong shape → 422 naming the field,
/// too large → 413; each with the envelope.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        Json::<T>::from_request(request, state)
            .await
            .map(|Json(value)| Self(value))
            .map_err(ApiError::from)
    }
}

/// The optional `Idempotency-Key` header of a request that creates something.
pub struct IdempotencyKey(Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match parts.headers.get("idempotency-key") {
            None => Ok(Self(None)),
            Some(value) => match value.to_str() {
                Ok(text) => Ok(Self(Some(text.to_owned()))),
                Err(_) => Err(ApiError::invalid(FieldErrors::single(
                    "idempotency_key",
                    "请求标识只能包含英文字母、数字和符号",
                ))),
            },
        }
    }
}

/// Documents the header wherever a handler takes the key (`params(IdempotencyKey)`).
impl utoipa::IntoParams for IdempotencyKey {
    fn into_params(
        _: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        use utoipa::openapi::Required;
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        vec![
            ParameterBuilder::new()
                .name("Idempotency-Key")
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .description(Some(
                    "重试时带上同一个值：同一请求返回第一次的结果；用于其他请求返回 422 \
                     idempotency_mismatch；第一次仍在处理时返回 409 idempotency_in_progress",
                ))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .min_length(Some(1))
                        .max_length(Some(200))
                        .pattern(Some("^[!-~]+$")),
                ))
                .build(),
        ]
    }
}

impl IdempotencyKey {
    /// The key bound to who sent it (`Caller::idempotency_scope`), the operation and what makes
    /// two requests the same; `None` without the header.
    pub fn bind(
        &self,
        scope: &str,
        operation: &str,
        request: &[&[u8]],
    ) -> Result<Option<Key>, ApiError> {
        self.0
            .as_deref()
            .map(|key| Key::new(scope, key, operation, request))
            .transpose()
            .map_err(ApiError::from)
    }
}

/// What a request's JSON body means, independent of spacing and key order: two retries of one
/// request have the same canonical form (`serde_json`'s maps are sorted by key).
pub fn canonical<T: Serialize>(value: &T) -> Result<Vec<u8>, ApiError> {
    serde_json::to_value(value)
        .and_then(|value| serde_json::to_vec(&value))
        .map_err(|e| service::Error::from(anyhow::anyhow!("canonical request: {e}")).into())
}

/// 201 with the created thing; a replay of the first answer says so in `Idempotent-Replayed`.
pub fn created<T: Serialize>(outcome: Outcome<T>) -> Response {
    let mut response = (StatusCode::CREATED, Json(outcome.value)).into_response();
    if outcome.replayed {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    response
}

/// Query parameters in their types. A value of the wrong type is a 422 naming the parameter
/// (axum's own `Query` answers 400 in plain text).
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer)
            .map(Self)
            .map_err(|error| {
                let field = error.path().to_string();
                let field = if field == "." { "query".into() } else { field };
                ApiError::invalid(FieldErrors::single(field, "取值的类型不对"))
            })
    }
}

/// `?page=&page_size=` of every list (API.md): pages from 1, at most 100 rows each.
#[derive(Clone, Copy, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// 页码，从 1 开始（默认 1）
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// 每页条数，1 到 100（默认 20）
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<u32>,
}

impl Paging {
    pub fn request(self) -> Result<PageRequest, ApiError> {
        PageRequest::new(self.page, self.page_size).map_err(ApiError::invalid)
    }
}

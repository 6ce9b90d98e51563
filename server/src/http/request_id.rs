//! The id every request carries: in the logs' span, in the `X-Request-Id` response header, in the
//! API's error envelope and in the 系统繁忙 a page shows, so a person can quote it and staff find
//! the request.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::header::{HeaderName, HeaderValue};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the request being served, as set by [`request_id`].
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// Gives every request an id: the caller's `X-Request-Id` when it is a sane token (a proxy in
/// front may have set it), a fresh UUID otherwise. Echoed in the response.
pub async fn assign(mut request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .filter(|value| {
            !value.is_empty()
                && value.len() <= 64
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    request.extensions_mut().insert(RequestId(id.clone()));
    // Also as the request's header: pages (the `app` crate) read it from there to quote it.
    if let Ok(value) = HeaderValue::from_str(&id) {
        request.headers_mut().insert(&REQUEST_ID, value);
    }
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

//! What every web form post needs, in this order: the origin check, the body read within the
//! size limit, then (in the handler, through [`session_for`]) the session and its CSRF token; and
//! the answers: render the page again with a [`FormFeedback`], or redirect.
//!
//! Each form reads an `application/x-www-form-urlencoded` body (the application form reads
//! `multipart/form-data` itself), calls one `service` function with the caller resolved by
//! [`crate::http::caller`], and then either redirects (post/redirect/get) or renders the form's
//! page again with the feedback in context, so every form works without JavaScript and keeps what
//! the reader typed.

use crate::http::AppState;
use crate::http::caller::session_cookie;
use crate::http::request_id::RequestId;
use app::forms::{FormFeedback, FormName};
use axum::body::Body;
use axum::extract::Request;
use axum::response::{IntoResponse, Redirect, Response};
use http::header::{HOST, ORIGIN, SET_COOKIE};
use http::request::Parts;
use http::{Method, StatusCode};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use service::auth::{self, Caller, NewSession};
use std::collections::BTreeMap;

/// One submitted form: the request's parts (to render the page again), the caller and the body.
pub(super) struct Submission<T> {
    pub(super) parts: Parts,
    pub(super) caller: Caller,
    pub(super) form: T,
}

/// Reads the form. Missing fields become empty strings (every form struct defaults them), so the
/// domain rules name them; a cross-site post is refused before anything else.
pub(super) async fn read<T: DeserializeOwned>(
    state: &AppState,
    request: Request,
) -> Result<Submission<T>, Response> {
    let limit = state.config.http.body_limit_bytes;
    let (parts, body) = request.into_parts();
    if !same_origin(&parts) {
        return Err((StatusCode::FORBIDDEN, "请求来源不明，已拒绝").into_response());
    }
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| StatusCode::PAYLOAD_TOO_LARGE.into_response())?;
    let form = serde_urlencoded::from_bytes::<T>(&bytes)
        .map_err(|_| (StatusCode::BAD_REQUEST, "表单内容无法识别").into_response())?;
    let caller = parts
        .extensions
        .get::<Caller>()
        .cloned()
        .unwrap_or_default();
    Ok(Submission {
        parts,
        caller,
        form,
    })
}

/// Browsers name the page a form was posted from; one from another site is refused, which also
/// covers the login form (no session yet, so no CSRF token to check).
pub(super) fn same_origin(parts: &Parts) -> bool {
    let Some(origin) = parts.headers.get(ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = parts
        .headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    origin
        .split_once("://")
        .is_some_and(|(_, rest)| rest == host)
}

/// Renders the page at `path` again with the submission's outcome.
pub(super) async fn render(
    state: &AppState,
    mut parts: Parts,
    path: &str,
    feedback: FormFeedback,
) -> Response {
    let status = if feedback.success || feedback.form.is_none() {
        StatusCode::OK
    } else if !feedback.findings.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else if feedback.errors.is_empty() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with_status(state, &mut parts, path, feedback, status).await
}

pub(super) async fn render_with_status(
    state: &AppState,
    parts: &mut Parts,
    path: &str,
    feedback: FormFeedback,
    status: StatusCode,
) -> Response {
    parts.method = Method::GET;
    parts.uri = path.parse().expect("form pages have static paths");
    let request = Request::from_parts(parts.clone(), Body::empty());
    let portal = state.portal.clone();
    let options = state.leptos.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            leptos::prelude::provide_context(portal.clone());
            leptos::prelude::provide_context(feedback.clone());
        },
        move || app::shell(options.clone()),
    );
    let mut response = handler(request).await.into_response();
    *response.status_mut() = status;
    response
}

/// Feedback for a refused submission: field messages, or one message for the whole form. An
/// unexpected failure says 系统繁忙 with the request id, as the API does.
pub(super) fn refusal(
    form: FormName,
    error: service::Error,
    values: BTreeMap<String, String>,
    request_id: &str,
) -> (FormFeedback, StatusCode) {
    let status = crate::http::status::of(&error);
    let mut feedback = FormFeedback {
        form: Some(form),
        values,
        ..FormFeedback::default()
    };
    match error {
        service::Error::Invalid(fields) => feedback.errors = fields,
        service::Error::Unexpected(cause) => {
            tracing::error!(error = format!("{cause:#}"), "form submission failed");
            feedback.message = Some(format!("系统繁忙，请稍后再试（请求编号 {request_id}）"));
        }
        other => feedback.message = Some(other.to_string()),
    }
    (feedback, status)
}

pub(super) async fn refuse(
    state: &AppState,
    mut parts: Parts,
    path: &str,
    form: FormName,
    error: service::Error,
    values: BTreeMap<String, String>,
) -> Response {
    let retry_after = match &error {
        service::Error::RateLimited {
            retry_after_secs, ..
        } => Some(*retry_after_secs),
        _ => None,
    };
    let request_id = parts
        .extensions
        .get::<RequestId>()
        .map(|id| id.0.clone())
        .unwrap_or_default();
    let (feedback, status) = refusal(form, error, values, &request_id);
    let mut response = render_with_status(state, &mut parts, path, feedback, status).await;
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(http::header::RETRY_AFTER, seconds.into());
    }
    response
}

pub(super) fn confirmed(form: FormName, message: &str) -> FormFeedback {
    FormFeedback {
        form: Some(form),
        message: Some(message.into()),
        success: true,
        ..FormFeedback::default()
    }
}

pub(super) fn values<const N: usize>(pairs: [(&str, &str); N]) -> BTreeMap<String, String> {
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// A local path to continue to after login; anything else (another site, `//host`) is ignored.
pub(super) fn local_next(next: &str, fallback: &'static str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next.to_owned()
    } else {
        fallback.to_owned()
    }
}

pub(super) fn signed_in_redirect(state: &AppState, new: &NewSession, to: &str) -> Response {
    let max_age = (new.expires_at - state.portal.now()).whole_seconds();
    let mut response = Redirect::to(to).into_response();
    response.headers_mut().insert(
        SET_COOKIE,
        session_cookie(&new.token, max_age, state.config.http.https),
    );
    response
}

/// The session for a form write, with its CSRF token checked.
pub(super) fn session_for<'a>(
    caller: &'a Caller,
    csrf: &str,
) -> service::Result<&'a auth::Session> {
    caller.session_for_write(Some(csrf))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct CsrfOnly {
    pub(super) csrf_token: String,
}

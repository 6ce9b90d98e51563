//! What every web form post needs, done once: the readers [`Posted`] (anonymous forms) and
//! [`SignedIn`] (everything else), and the [`Reply`] a handler answers with.
//!
//! A reader works in this order: the origin check; for [`SignedIn`] the session, before any of
//! the body is read; the body, url-encoded within the form limit or multipart as it streams in
//! ([`Source`]); then the CSRF token the body carried. A multipart body carries it as its first
//! part (our forms render it first, and browsers send parts in document order), so a file form
//! is refused before any file is read; a url-encoded body is at most the small form limit. The handler gets typed input plus the
//! caller and calls one `service` function. It then redirects (post/redirect/get) or renders the
//! form's page again with a [`FormFeedback`], so every form works without JavaScript and keeps
//! what the reader typed.

use crate::http::AppState;
use crate::http::cookies;
use crate::http::request_id::RequestId;
use app::forms::{FormFeedback, FormName};
use axum::body::{Body as RequestBody, Bytes};
use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Redirect, Response};
use http::header::{CONTENT_TYPE, HOST, ORIGIN, RETRY_AFTER, SET_COOKIE};
use http::request::Parts;
use http::{Method, StatusCode};
use serde::de::DeserializeOwned;
use service::Portal;
use service::auth::{Caller, NewSession, Session};
use std::collections::BTreeMap;

/// One form of a page: its name (which names the page it sits on, [`FormName::page`]), the CSRF
/// token it carried and what to show again when it is refused.
pub(super) trait WebForm: Body {
    const NAME: FormName;

    /// The token a signed-in reader's form carries; anonymous forms have none.
    fn csrf_token(&self) -> &str {
        ""
    }

    /// What the reader typed, to fill the fields again on a refusal (never passwords).
    fn kept(&self) -> BTreeMap<String, String> {
        BTreeMap::new()
    }
}

/// How a form's body reads. Every url-encoded form is a `Deserialize` struct whose fields default
/// to empty, so the domain rules name a missing field; the forms with files read multipart.
pub(super) trait Body: Sized + Send + 'static {
    fn read(source: Source) -> impl Future<Output = service::Result<Self>> + Send;
}

impl<T: DeserializeOwned + Send + 'static> Body for T {
    async fn read(source: Source) -> service::Result<Self> {
        let bytes = source.url_encoded().await?;
        serde_urlencoded::from_bytes(&bytes).map_err(|_| unreadable())
    }
}

fn unreadable() -> service::Error {
    service::Error::invalid("form", "表单内容无法识别")
}

fn too_large() -> service::Error {
    service::Error::TooLarge("提交的内容过大，请减少内容或分次上传".into())
}

/// A form's body as it arrives, with the limits it is read under.
pub(super) struct Source {
    content_type: String,
    body: RequestBody,
    form_limit: usize,
    file_limit: u64,
    /// The session's CSRF token, for a signed-in reader's form.
    expected_csrf: Option<String>,
    /// The request's extensions: the route's body limit (`DefaultBodyLimit`) travels in them.
    extensions: http::Extensions,
}

impl Source {
    /// The whole body, at most the form limit (`http.body_limit_bytes`).
    pub(super) async fn url_encoded(self) -> service::Result<Bytes> {
        axum::body::to_bytes(self.body, self.form_limit)
            .await
            .map_err(|_| too_large())
    }

    /// The body as multipart parts, read one at a time. The first part must be `csrf_token`
    /// (only signed-in readers' forms carry files) and match the session's: anything else is
    /// refused before another byte is read.
    pub(super) async fn multipart(self, not_multipart: &'static str) -> service::Result<FileParts> {
        let mut request = Request::builder()
            .header(CONTENT_TYPE, self.content_type)
            .body(self.body)
            .map_err(anyhow::Error::from)?;
        *request.extensions_mut() = self.extensions;
        let multipart = axum::extract::Multipart::from_request(request, &())
            .await
            .map_err(|_| service::Error::invalid("form", not_multipart))?;
        let mut parts = FileParts {
            multipart,
            file_limit: self.file_limit,
            text_left: self.form_limit,
            csrf_token: String::new(),
        };
        // Judged by its name before a byte of it is read, and read only as far as a token goes.
        let first = parts.multipart.next_field().await.map_err(part_error)?;
        let Some(mut first) =
            first.filter(|f| f.name() == Some("csrf_token") && f.file_name().is_none())
        else {
            return Err(service::auth::CSRF_FAILED);
        };
        let mut token = Vec::new();
        while let Some(chunk) = first.chunk().await.map_err(part_error)? {
            token.extend_from_slice(&chunk);
            if token.len() > CSRF_TOKEN_MAX {
                return Err(service::auth::CSRF_FAILED);
            }
        }
        drop(first);
        parts.csrf_token = String::from_utf8(token).map_err(|_| service::auth::CSRF_FAILED)?;
        if let Some(expected) = &self.expected_csrf
            && !service::auth::constant_time_eq(&parts.csrf_token, expected)
        {
            return Err(service::auth::CSRF_FAILED);
        }
        Ok(parts)
    }
}

/// Longer than any CSRF token the portal issues.
const CSRF_TOKEN_MAX: usize = 256;

/// A multipart body's parts after its CSRF token: text within the form limit in all, each file
/// within the upload limit, cut off the moment either is passed.
pub(super) struct FileParts {
    multipart: axum::extract::Multipart,
    file_limit: u64,
    text_left: usize,
    /// The token the first part carried.
    pub(super) csrf_token: String,
}

pub(super) enum Part {
    Text {
        name: String,
        value: String,
    },
    File {
        name: String,
        file_name: String,
        bytes: Bytes,
    },
}

impl FileParts {
    pub(super) async fn next(&mut self) -> service::Result<Option<Part>> {
        let Some(mut field) = self.multipart.next_field().await.map_err(part_error)? else {
            return Ok(None);
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(part_error)? {
            bytes.extend_from_slice(&chunk);
            let within = match file_name {
                Some(_) => bytes.len() as u64 <= self.file_limit,
                None => bytes.len() <= self.text_left,
            };
            if !within {
                return Err(too_large());
            }
        }
        Ok(Some(match file_name {
            Some(file_name) => Part::File {
                name,
                file_name,
                bytes: Bytes::from(bytes),
            },
            None => {
                self.text_left -= bytes.len();
                let value = String::from_utf8(bytes).map_err(|_| unreadable())?;
                Part::Text { name, value }
            }
        }))
    }
}

/// The request layers cut a body off at their ceiling (413); anything else is a broken body.
fn part_error(error: axum::extract::multipart::MultipartError) -> service::Error {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        unreadable()
    }
}

/// An anonymous form post (登录, 注册, 办件查询).
pub(super) struct Posted<T> {
    pub(super) caller: Caller,
    pub(super) form: T,
    pub(super) reply: Reply,
}

/// A signed-in reader's form post, its CSRF token checked.
pub(super) struct SignedIn<T> {
    pub(super) session: Session,
    pub(super) form: T,
    pub(super) reply: Reply,
}

impl<T: WebForm> FromRequest<AppState> for Posted<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (parts, body) = request.into_parts();
        let (caller, reply) = open::<T>(state, parts).map_err(|refusal| *refusal)?;
        let form = read_body::<T>(&reply, body, None).await;
        let form = reply.refused_unless(form).await?;
        Ok(Self {
            caller,
            reply: reply.keeping(form.kept()),
            form,
        })
    }
}

impl<T: WebForm> FromRequest<AppState> for SignedIn<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (parts, body) = request.into_parts();
        let (caller, reply) = open::<T>(state, parts).map_err(|refusal| *refusal)?;
        // No session, no reading of the body.
        let expected_csrf = reply
            .refused_unless(caller.session().map(|s| s.csrf_token.clone()))
            .await?;
        let form = read_body::<T>(&reply, body, Some(expected_csrf)).await;
        let form = reply.refused_unless(form).await?;
        let reply = reply.keeping(form.kept());
        let session = caller.session_for_write(Some(form.csrf_token())).cloned();
        let session = reply.refused_unless(session).await?;
        Ok(Self {
            session,
            form,
            reply,
        })
    }
}

/// The origin check, then the caller and the reply for the form's page.
fn open<T: WebForm>(state: &AppState, parts: Parts) -> Result<(Caller, Reply), Box<Response>> {
    if !same_origin(&parts) {
        let refusal = (StatusCode::FORBIDDEN, "请求来源不明，已拒绝").into_response();
        return Err(Box::new(refusal));
    }
    let caller = parts
        .extensions
        .get::<Caller>()
        .cloned()
        .unwrap_or_default();
    let page = T::NAME.page(parts.uri.path());
    let reply = Reply {
        state: state.clone(),
        parts,
        form: T::NAME,
        page,
        kept: BTreeMap::new(),
    };
    Ok((caller, reply))
}

async fn read_body<T: WebForm>(
    reply: &Reply,
    body: RequestBody,
    expected_csrf: Option<String>,
) -> service::Result<T> {
    let content_type = reply
        .parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    T::read(Source {
        content_type,
        body,
        form_limit: reply.state.config.http.body_limit_bytes,
        file_limit: reply.portal().application_settings().upload_max_bytes(),
        expected_csrf,
        extensions: reply.parts.extensions.clone(),
    })
    .await
}

/// Browsers name the page a form was posted from; one from another site is refused, which also
/// covers the login form (no session yet, so no CSRF token to check).
fn same_origin(parts: &Parts) -> bool {
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

/// How a handler answers its form: the page again with feedback, or a redirect.
pub(super) struct Reply {
    state: AppState,
    parts: Parts,
    form: FormName,
    page: String,
    kept: BTreeMap<String, String>,
}

impl Reply {
    /// Who posted (their network address, for the per-address limits).
    pub(super) fn caller(&self) -> Caller {
        self.parts
            .extensions
            .get::<Caller>()
            .cloned()
            .unwrap_or_default()
    }

    pub(super) fn portal(&self) -> &Portal {
        &self.state.portal
    }

    /// Renders another page than the form's own (the business tab of 登录).
    pub(super) fn on(self, page: &str) -> Self {
        Self {
            page: page.to_owned(),
            ..self
        }
    }

    fn keeping(self, kept: BTreeMap<String, String>) -> Self {
        Self { kept, ..self }
    }

    /// The form's page with a confirmation.
    pub(super) async fn confirm(self, message: impl Into<String>) -> Response {
        let feedback = FormFeedback {
            form: Some(self.form),
            message: Some(message.into()),
            success: true,
            ..FormFeedback::default()
        };
        self.render(feedback, StatusCode::OK).await
    }

    /// The form's page with a result to show (a lookup, the pre-review's findings); the form's
    /// name and the reader's input are filled in where the feedback leaves them out.
    pub(super) async fn show(self, mut feedback: FormFeedback) -> Response {
        feedback.form.get_or_insert(self.form);
        if feedback.values.is_empty() {
            feedback.values = self.kept.clone();
        }
        let status = if feedback.findings.is_empty() || feedback.success {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        self.render(feedback, status).await
    }

    /// The form's page with the refusal: field messages, or one message for the whole form, and
    /// the status the API would answer. An unexpected failure says 系统繁忙 with the request id,
    /// as the API does.
    pub(super) async fn refuse(self, error: service::Error) -> Response {
        let status = crate::http::status::of(&error);
        let retry_after = error.retry_after_secs();
        let mut feedback = FormFeedback {
            form: Some(self.form),
            values: self.kept.clone(),
            ..FormFeedback::default()
        };
        match error {
            service::Error::Invalid(fields) => feedback.errors = fields,
            service::Error::Unexpected(cause) => {
                tracing::error!(error = format!("{cause:#}"), "form submission failed");
                let request_id = self
                    .parts
                    .extensions
                    .get::<RequestId>()
                    .map(|id| id.0.clone())
                    .unwrap_or_default();
                feedback.message = Some(format!("系统繁忙，请稍后再试（请求编号 {request_id}）"));
            }
            other => feedback.message = Some(other.to_string()),
        }
        let mut response = self.render(feedback, status).await;
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(RETRY_AFTER, seconds.into());
        }
        response
    }

    /// `Ok` goes on; a refusal becomes the rendered page.
    async fn refused_unless<T>(&self, result: service::Result<T>) -> Result<T, Response> {
        match result {
            Ok(value) => Ok(value),
            Err(error) => Err(self.clone_for_refusal().refuse(error).await),
        }
    }

    fn clone_for_refusal(&self) -> Self {
        Self {
            state: self.state.clone(),
            parts: self.parts.clone(),
            form: self.form,
            page: self.page.clone(),
            kept: self.kept.clone(),
        }
    }

    /// Post/redirect/get.
    pub(super) fn redirect(self, to: &str) -> Response {
        Redirect::to(to).into_response()
    }

    /// Signs the reader in and continues to `to`.
    pub(super) fn signed_in(self, new: &NewSession, to: &str) -> Response {
        let max_age = (new.expires_at - self.state.portal.now()).whole_seconds();
        let mut response = Redirect::to(to).into_response();
        response.headers_mut().insert(
            SET_COOKIE,
            cookies::session(&new.token, max_age, self.state.config.http.https),
        );
        response
    }

    /// Binds this browser to a hall device (its token in the device cookie) and continues to `to`.
    pub(super) fn bound_to_device(self, token: &str, to: &str) -> Response {
        let mut response = Redirect::to(to).into_response();
        response.headers_mut().insert(
            SET_COOKIE,
            cookies::device(token, self.state.config.http.https),
        );
        response
    }

    /// Signs the reader out (the cookie goes) and continues to `to`.
    pub(super) fn signed_out(self, to: &str) -> Response {
        let mut response = Redirect::to(to).into_response();
        response.headers_mut().insert(
            SET_COOKIE,
            cookies::clearing_session(self.state.config.http.https),
        );
        response
    }

    async fn render(self, feedback: FormFeedback, status: StatusCode) -> Response {
        let Self {
            state,
            mut parts,
            page,
            ..
        } = self;
        parts.method = Method::GET;
        parts.uri = page.parse().expect("form pages have local paths");
        let request = Request::from_parts(parts, RequestBody::empty());
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
}

pub(super) fn values<const N: usize>(pairs: [(&str, &str); N]) -> BTreeMap<String, String> {
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// Declares a form that carries nothing but its CSRF token (a button such as 撤回 or 退出此设备)
/// under its [`FormName`]; each button is its own type, so its feedback finds its place.
macro_rules! button {
    ($(#[$doc:meta])* $type:ident, $name:expr) => {
        $(#[$doc])*
        #[derive(serde::Deserialize, Default)]
        #[serde(default)]
        struct $type {
            csrf_token: String,
        }

        impl $crate::http::web::form::WebForm for $type {
            const NAME: app::forms::FormName = $name;

            fn csrf_token(&self) -> &str {
                &self.csrf_token
            }
        }
    };
}
pub(super) use button;

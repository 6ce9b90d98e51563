//! The layers every response passes through, outermost first:
//! request id → trace span → metrics → security headers → compression → API error envelope →
//! timeout → panic catcher → body size limit.
//!
//! The envelope layer sits inside compression so it can rewrite bodies before they are encoded,
//! and outside the timeout and panic layers so their answers under `/api/v1` get the envelope too.

use crate::config::Config;
use crate::http::request_id::{self, RequestId};
use crate::http::v1::error::finish_api_error;
use crate::telemetry::{REQUEST_DURATION, REQUESTS_TOTAL};
use app::CspNonce;
use axum::Router;
use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::header::{self, HeaderName, HeaderValue};
use leptos::config::LeptosOptions;
use std::any::Any;
use std::time::{Duration, Instant};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeader;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

pub fn wrap(router: Router, config: &Config) -> Router {
    let https = config.http.https;
    let timeout = Duration::from_secs(config.http.request_timeout_secs);
    router.layer(
        ServiceBuilder::new()
            .layer(middleware::from_fn(request_id::assign))
            .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
                let id = request
                    .extensions()
                    .get::<RequestId>()
                    .map(|id| id.0.as_str())
                    .unwrap_or_default();
                tracing::info_span!("request", request_id = %id, method = %request.method(), path = %request.uri().path())
            }).on_response(DefaultOnResponse::new().level(Level::INFO)))
            .layer(middleware::from_fn(record_metrics))
            .layer(middleware::from_fn(move |request, next| {
                security_headers(https, request, next)
            }))
            .layer(CompressionLayer::new())
            .layer(middleware::from_fn(finish_api_error))
            .layer(TimeoutLayer::with_status_code(
                StatusCode::SERVICE_UNAVAILABLE,
                timeout,
            ))
            .layer(CatchPanicLayer::custom(answer_panic))
            // The hard ceiling fits an upload; every extractor but the upload's keeps the small
            // JSON and form limit (DefaultBodyLimit), so a large body is refused with 413 there.
            .layer(RequestBodyLimitLayer::new(
                config
                    .http
                    .body_limit_bytes
                    .max(config.applications.upload_max_bytes() as usize + 1024 * 1024),
            ))
            .layer(axum::extract::DefaultBodyLimit::max(config.http.body_limit_bytes)),
    )
}

/// Static files of the WASM bundle. Their names carry a content hash, so browsers may keep them
/// for a year; the br and gzip variants written at build time are served when accepted.
/// Without hashed names (a debug build) they must be revalidated instead.
pub fn hashed_assets(options: &LeptosOptions) -> SetResponseHeader<ServeDir, HeaderValue> {
    let dir = std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    let cache = if options.hash_files {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    SetResponseHeader::overriding(
        ServeDir::new(dir).precompressed_br().precompressed_gzip(),
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache),
    )
}

async fn record_metrics(request: Request, next: Next) -> Response {
    // The matched route template, never the raw path: raw paths would carry case numbers and
    // explode the number of series.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = request.method().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let labels = [
        ("method", method),
        ("route", route),
        ("status", response.status().as_u16().to_string()),
    ];
    metrics::counter!(REQUESTS_TOTAL, &labels).increment(1);
    metrics::histogram!(REQUEST_DURATION, &labels).record(started.elapsed().as_secs_f64());
    response
}

/// CSP with a per-response nonce for the inline hydration script, and the other headers a
/// government site is audited for. Handlers may set stricter values; these fill the gaps.
async fn security_headers(https: bool, mut request: Request, next: Next) -> Response {
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut response = next.run(request).await;
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    );
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &str| {
        if !headers.contains_key(&name)
            && let Ok(value) = HeaderValue::from_str(value)
        {
            headers.insert(name, value);
        }
    };
    set(header::CONTENT_SECURITY_POLICY, &csp);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "strict-origin-when-cross-origin");
    set(
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=()",
    );
    set(
        header::STRICT_TRANSPORT_SECURITY,
        if https {
            "max-age=31536000; includeSubDomains"
        } else {
            "max-age=31536000"
        },
    );
    response
}

/// A panicking handler answers an opaque 500; the panic message goes to the log only.
fn answer_panic(panic: Box<dyn Any + Send + 'static>) -> Response<Body> {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("non-string panic payload");
    tracing::error!(panic = message, "handler panicked");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "系统繁忙，请稍后再试",
    )
        .into_response()
}

//! Operations endpoints for load balancers and monitoring (outside the versioned API).

use crate::http::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{HeaderMap, StatusCode};

/// Liveness: the process answers.
pub async fn healthz() -> impl IntoResponse {
    (StatusCode::OK, "ok")
}

/// Readiness: the database answers too; a load balancer stops sending traffic otherwise.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.portal.check_ready().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(error) => {
            tracing::warn!(error = %error, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// Prometheus text exposition format, for the scraper holding `http.metrics_token` only: route
/// names, counts and timings tell an attacker where the portal is busy and what it runs.
pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let expected = &state.config.http.metrics_token;
    if expected.is_empty() {
        return StatusCode::NOT_FOUND.into_response();
    }
    let presented = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token)
        .unwrap_or_default();
    if !service::auth::constant_time_eq(presented.trim(), expected) {
        return (
            StatusCode::UNAUTHORIZED,
            [(WWW_AUTHENTICATE, "Bearer")],
            "metrics need the scraper's token",
        )
            .into_response();
    }
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        crate::telemetry::metrics().render(),
    )
        .into_response()
}

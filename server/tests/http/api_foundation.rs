//! The API skeleton through the real router: operations endpoints, the OpenAPI document, and the
//! error envelope for every error status the foundation produces.
//!
//! Until the first write endpoints land, body errors (400/413/415/422), panics and unexpected
//! errors are exercised through probe routes mounted under `/api/v1` with the production layers.

use crate::common::{TestApp, body_json, body_text, error_envelope};
use axum::body::Body;
use http::Request;
use serde::Deserialize;
use server::config::Config;
use server::http::v1::{self, error::ApiError, extract::ApiJson};
use service::Backend;
use std::time::Duration;
use utoipa_axum::router::OpenApiRouter;

#[derive(Deserialize)]
#[allow(dead_code)] // fields exist to be deserialised
struct ProbeBody {
    name: String,
    count: u32,
}

async fn probe_json(ApiJson(_body): ApiJson<ProbeBody>) -> &'static str {
    "ok"
}

async fn probe_panic() -> &'static str {
    panic!("secret detail that must not leak")
}

async fn probe_unexpected() -> Result<&'static str, ApiError> {
    Err(service::Error::Unexpected(anyhow::anyhow!("secret database detail")).into())
}

async fn probe_slow() -> &'static str {
    tokio::time::sleep(Duration::from_secs(5)).await;
    "too late"
}

async fn probe_app(backend: Backend) -> Option<TestApp> {
    use axum::routing::{get, post};
    let mut config = Config::default();
    config.http.body_limit_bytes = 1024;
    config.http.request_timeout_secs = 1;
    let api = v1::routes().merge(OpenApiRouter::from(
        axum::Router::new()
            .route("/probe/json", post(probe_json))
            .route("/probe/panic", get(probe_panic))
            .route("/probe/unexpected", get(probe_unexpected))
            .route("/probe/slow", get(probe_slow)),
    ));
    TestApp::with(backend, config, api).await
}

fn post_json(uri: &str, content_type: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(uri)
        .header("content-type", content_type)
        .body(body.into())
        .unwrap()
}

async fn health_and_readiness(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-request-id"));

    assert_eq!(app.get("/readyz").await.status(), 200);
    app.test_db.db.close().await;
    assert_eq!(
        app.get("/readyz").await.status(),
        503,
        "database gone → not ready"
    );
    assert_eq!(
        app.get("/healthz").await.status(),
        200,
        "but the process is alive"
    );
}

async fn request_id_is_kept_when_sane_and_replaced_otherwise(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let request = Request::get("/healthz")
        .header("x-request-id", "lb-1234_abcd")
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        app.send(request).await.headers()["x-request-id"],
        "lb-1234_abcd"
    );

    let request = Request::get("/healthz")
        .header("x-request-id", "bad id\twith spaces")
        .body(Body::empty())
        .unwrap();
    let id = app.send(request).await.headers()["x-request-id"].clone();
    assert_ne!(id, "bad id\twith spaces");
    assert_eq!(id.len(), 36, "a fresh UUID");
}

async fn openapi_document_describes_the_api(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let response = app.get("/api/v1/openapi.json").await;
    assert_eq!(response.status(), 200);
    let document = body_json(response).await;
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(document["info"]["title"], "政务服务门户 API");
    assert!(document["paths"]["/api/v1/openapi.json"]["get"].is_object());
    assert!(document["components"]["schemas"]["ErrorEnvelope"].is_object());
}

async fn unknown_route_is_404_with_envelope(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    for uri in ["/api/v1/no-such-thing", "/api/v1", "/api/v1/items/x/y/z"] {
        error_envelope(app.get(uri).await, 404, "not_found").await;
    }
}

async fn wrong_method_is_405_with_envelope(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let response = app
        .send(
            Request::delete("/api/v1/openapi.json")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(
        response.headers()["allow"]
            .to_str()
            .unwrap()
            .contains("GET")
    );
    error_envelope(response, 405, "method_not_allowed").await;
}

async fn body_errors_get_the_envelope(backend: Backend) {
    let Some(app) = probe_app(backend).await else {
        return;
    };
    let ok = app
        .send(post_json(
            "/api/v1/probe/json",
            "application/json",
            r#"{"name":"张三","count":2}"#,
        ))
        .await;
    assert_eq!(ok.status(), 200);

    let wrong_type = app
        .send(post_json(
            "/api/v1/probe/json",
            "text/plain",
            r#"{"name":"a","count":1}"#,
        ))
        .await;
    error_envelope(wrong_type, 415, "unsupported_media_type").await;

    let malformed = app
        .send(post_json(
            "/api/v1/probe/json",
            "application/json",
            r#"{"name": "#,
        ))
        .await;
    error_envelope(malformed, 400, "malformed_json").await;

    let missing = app
        .send(post_json(
            "/api/v1/probe/json",
            "application/json",
            r#"{"count":1}"#,
        ))
        .await;
    let error = error_envelope(missing, 422, "validation_failed").await;
    assert!(
        error["fields"]["name"][0]
            .as_str()
            .unwrap()
            .contains("必填")
    );

    let wrong_shape = app
        .send(post_json(
            "/api/v1/probe/json",
            "application/json",
            r#"{"name":"a","count":-1}"#,
        ))
        .await;
    let error = error_envelope(wrong_shape, 422, "validation_failed").await;
    assert!(error["fields"]["count"].is_array(), "{error}");

    let padding = "x".repeat(1024);
    let too_large = app
        .send(post_json(
            "/api/v1/probe/json",
            "application/json",
            format!(r#"{{"name":"{padding}","count":1}}"#),
        ))
        .await;
    error_envelope(too_large, 413, "payload_too_large").await;
}

async fn panics_and_unexpected_errors_are_opaque_500s(backend: Backend) {
    let Some(app) = probe_app(backend).await else {
        return;
    };
    for uri in ["/api/v1/probe/panic", "/api/v1/probe/unexpected"] {
        let response = app.get(uri).await;
        let id = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        let text = body_text(response).await;
        assert!(!text.contains("secret"), "no internals leak: {text}");
        assert!(text.contains(&id), "the request id is quoted: {text}");
        assert!(text.contains("internal_error"), "{text}");
    }
}

async fn slow_requests_time_out_with_503(backend: Backend) {
    let Some(app) = probe_app(backend).await else {
        return;
    };
    error_envelope(
        app.get("/api/v1/probe/slow").await,
        503,
        "service_unavailable",
    )
    .await;
}

async fn security_headers_on_every_response(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    for uri in [
        "/",
        "/api/v1/openapi.json",
        "/api/v1/missing",
        "/healthz",
        "/no-such-page",
    ] {
        let response = app.get(uri).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{uri}: {csp}");
        assert!(csp.contains("script-src 'self' 'nonce-"), "{uri}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{uri}: {csp}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{uri}");
        assert!(headers.contains_key("strict-transport-security"), "{uri}");
        assert!(headers.contains_key("referrer-policy"), "{uri}");
    }
}

async fn metrics_count_requests_by_route(backend: Backend) {
    // Without a token configured, nobody gets the metrics.
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    assert_eq!(app.get("/metrics").await.status(), 404);
    let mut config = server::config::Config::default();
    config.http.metrics_token = "scraper-secret-2026".into();
    let Some(app) = TestApp::with(backend, config, server::http::v1::routes()).await else {
        return;
    };
    app.get("/healthz").await;
    assert_eq!(app.get("/metrics").await.status(), 401);
    let wrong = Request::get("/metrics")
        .header("authorization", "Bearer scraper-secret-2025")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(wrong).await.status(), 401);
    let scraper = Request::get("/metrics")
        .header("authorization", "Bearer scraper-secret-2026")
        .body(Body::empty())
        .unwrap();
    let response = app.send(scraper).await;
    assert_eq!(response.status(), 200);
    let text = body_text(response).await;
    assert!(
        text.lines()
            .any(|line| line.starts_with("http_requests_total{")
                && line.contains(r#"route="/healthz""#)),
        "{text}"
    );
    assert!(text.contains("http_request_duration_seconds_bucket"));
}

async fn responses_are_compressed_when_accepted(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let request = Request::get("/api/v1/openapi.json")
        .header("accept-encoding", "br")
        .body(Body::empty())
        .unwrap();
    let response = app.send(request).await;
    assert_eq!(response.headers()["content-encoding"], "br");
}

on_both_databases!(
    health_and_readiness,
    request_id_is_kept_when_sane_and_replaced_otherwise,
    openapi_document_describes_the_api,
    unknown_route_is_404_with_envelope,
    wrong_method_is_405_with_envelope,
    body_errors_get_the_envelope,
    panics_and_unexpected_errors_are_opaque_500s,
    slow_requests_time_out_with_503,
    security_headers_on_every_response,
    metrics_count_requests_by_route,
    responses_are_compressed_when_accepted,
);

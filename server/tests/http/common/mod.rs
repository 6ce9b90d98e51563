//! The real router, in process, over a throw-away database of either engine.

use axum::Router;
use axum::body::Body;
use http::{Request, Response};
use http_body_util::BodyExt;
use server::config::Config;
use server::http::{AppState, app_with_api, v1};
use service::testing::TestDb;
use service::{Backend, Portal};
use std::sync::Arc;
use tower::ServiceExt;
use utoipa_axum::router::OpenApiRouter;

pub struct TestApp {
    pub router: Router,
    pub test_db: TestDb,
}

/// Runs each named `async fn name(backend: Backend)` once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread")]
            async fn $name() { super::$name(service::Backend::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread")]
            async fn $name() { super::$name(service::Backend::Postgres).await })*
        }
    };
}

impl TestApp {
    /// The application exactly as served; `None` when PostgreSQL was knowingly skipped.
    pub async fn new(backend: Backend) -> Option<Self> {
        Self::with(backend, Config::default(), v1::routes()).await
    }

    /// The application over a database loaded with the demo data (`server seed`).
    pub async fn seeded(backend: Backend) -> Option<Self> {
        let app = Self::new(backend).await?;
        service::seed::run(&app.test_db.db).await.expect("seed");
        Some(app)
    }

    pub async fn with(
        backend: Backend,
        config: Config,
        api: OpenApiRouter<AppState>,
    ) -> Option<Self> {
        let test_db = TestDb::new(backend).await?;
        let config = Arc::new(config);
        let state = AppState {
            portal: Portal::new(test_db.db.clone(), config.site.clone()),
            leptos: leptos::config::LeptosOptions::builder()
                .output_name("portal")
                .build(),
            config,
        };
        Some(Self {
            router: app_with_api(state, api),
            test_db,
        })
    }

    pub async fn send(&self, request: Request<Body>) -> Response<Body> {
        self.router
            .clone()
            .oneshot(request)
            .await
            .expect("the router is infallible")
    }

    pub async fn get(&self, uri: &str) -> Response<Body> {
        self.send(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }
}

pub async fn body_text(response: Response<Body>) -> String {
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(bytes.to_vec()).expect("UTF-8 body")
}

pub async fn body_json(response: Response<Body>) -> serde_json::Value {
    serde_json::from_str(&body_text(response).await).expect("JSON body")
}

/// Asserts the API error envelope and returns its `error` object.
pub async fn error_envelope(
    response: Response<Body>,
    status: u16,
    code: &str,
) -> serde_json::Value {
    assert_eq!(response.status().as_u16(), status);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body = body_json(response).await;
    let error = body["error"].clone();
    assert_eq!(error["code"], code, "{body}");
    assert!(
        !error["message"].as_str().unwrap_or_default().is_empty(),
        "a message for people: {body}"
    );
    assert_eq!(error["request_id"], request_id.as_str(), "{body}");
    error
}

//! The real router, in process, over a throw-away database of either engine.

pub mod cases;

use axum::Router;
use axum::body::Body;
use http::{Request, Response};
use http_body_util::BodyExt;
use server::config::Config;
use server::http::{AppState, app_with_api, v1};
use service::clock::ManualClock;
use service::files::Files;
use service::testing::TestDb;
use service::{Backend, Portal};
use std::sync::Arc;
use tower::ServiceExt;
use utoipa_axum::router::OpenApiRouter;

pub struct TestApp {
    pub router: Router,
    pub test_db: TestDb,
    pub portal: Portal,
    /// The portal's clock: tests move it to cross lockouts and timeouts.
    pub clock: Arc<ManualClock>,
    // Keeps the uploaded files' directory alive for the test's duration.
    _files_dir: tempfile::TempDir,
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
    /// A request from a hall device.
    /// A JSON request from a hall device.
    pub async fn device_call(
        &self,
        method: &str,
        uri: &str,
        token: &str,
        body: Option<serde_json::Value>,
    ) -> Response<Body> {
        self.call(method, uri, Auth::Device(token), body).await
    }

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
        let clock = Arc::new(ManualClock::starting_at(time::OffsetDateTime::now_utc()));
        let files_dir = tempfile::tempdir().expect("temporary directory for files");
        let portal = Portal::with_clock(
            test_db.db.clone(),
            Files::local(files_dir.path()).expect("file store"),
            config.site.clone(),
            config.settings(),
            clock.clone(),
        );
        let state = AppState {
            portal: portal.clone(),
            leptos: leptos::config::LeptosOptions::builder()
                .output_name("portal")
                .build(),
            config,
        };
        Some(Self {
            router: app_with_api(state, api),
            test_db,
            portal,
            clock,
            _files_dir: files_dir,
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

/// How a test request authenticates.
#[derive(Clone, Copy)]
pub enum Auth<'a> {
    Anonymous,
    Bearer(&'a str),
    /// A web session cookie, with the CSRF header when given.
    Cookie {
        token: &'a str,
        csrf: Option<&'a str>,
    },
    /// A hall device's token (`X-Device-Token`).
    Device(&'a str),
}

impl TestApp {
    /// A JSON request (`body` = `None` sends no body) under the given authentication.
    pub async fn call(
        &self,
        method: &str,
        uri: &str,
        auth: Auth<'_>,
        body: Option<serde_json::Value>,
    ) -> Response<Body> {
        let request = self.request(method, uri, auth);
        let request = match body {
            Some(body) => request
                .header("content-type", "application/json")
                .body(Body::from(body.to_string())),
            None => request.body(Body::empty()),
        };
        self.send(request.unwrap()).await
    }

    /// A request under the given authentication, for headers of its own before the body.
    pub fn request(&self, method: &str, uri: &str, auth: Auth<'_>) -> http::request::Builder {
        let mut request = Request::builder().method(method).uri(uri);
        match auth {
            Auth::Anonymous => {}
            Auth::Bearer(token) => {
                request = request.header("authorization", format!("Bearer {token}"));
            }
            Auth::Cookie { token, csrf } => {
                request = request.header("cookie", format!("portal_session={token}"));
                if let Some(csrf) = csrf {
                    request = request.header("x-csrf-token", csrf);
                }
            }
            Auth::Device(token) => request = request.header("x-device-token", token),
        }
        request
    }

    /// Registers the standard test citizen (phone [`CITIZEN_PHONE`]) and logs in through the API.
    pub async fn citizen_token(&self) -> String {
        self.register_citizen(CITIZEN_ID, CITIZEN_PHONE).await;
        self.api_login(CITIZEN_PHONE, CITIZEN_PASSWORD).await
    }

    /// Uploads `bytes` to the vault as `wx.uploadFile` sends it (multipart, field `file`).
    pub async fn upload(&self, token: &str, name: &str, bytes: &[u8]) -> Response<Body> {
        self.upload_to("/api/v1/documents", token, name, bytes)
            .await
    }

    /// Posts `bytes` as `wx.uploadFile` sends a file (multipart, field `file`) to `uri`.
    pub async fn upload_to(
        &self,
        uri: &str,
        token: &str,
        name: &str,
        bytes: &[u8],
    ) -> Response<Body> {
        self.upload_with(uri, token, name, bytes, &[], None).await
    }

    /// As [`Self::upload_to`], with `wx.uploadFile`'s `formData` text fields before the file and
    /// an optional `Idempotency-Key`.
    pub async fn upload_with(
        &self,
        uri: &str,
        token: &str,
        name: &str,
        bytes: &[u8],
        form_data: &[(&str, &str)],
        idempotency_key: Option<&str>,
    ) -> Response<Body> {
        let boundary = "portal-test-boundary";
        let mut body = Vec::new();
        for (field, value) in form_data {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let mut request = Request::post(uri)
            .header("authorization", format!("Bearer {token}"))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            );
        if let Some(key) = idempotency_key {
            request = request.header("idempotency-key", key);
        }
        self.send(request.body(Body::from(body)).unwrap()).await
    }

    /// Registers the standard test citizen and returns its ID number.
    pub async fn register_citizen(&self, id_number: &str, phone: &str) {
        let response = self
            .call(
                "POST",
                "/api/v1/auth/register",
                Auth::Anonymous,
                Some(serde_json::json!({
                    "kind": "citizen",
                    "id_number": id_number,
                    "name": "张三",
                    "phone": phone,
                    "password": CITIZEN_PASSWORD,
                })),
            )
            .await;
        assert_eq!(response.status(), 201, "{}", body_text(response).await);
    }

    /// Logs in through the API and returns the Bearer token.
    pub async fn api_login(&self, account: &str, password: &str) -> String {
        let response = self
            .call(
                "POST",
                "/api/v1/auth/login",
                Auth::Anonymous,
                Some(serde_json::json!({ "account": account, "password": password })),
            )
            .await;
        assert_eq!(response.status(), 200, "{}", body_text(response).await);
        body_json(response).await["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A staff account with the given role, its authenticator enrolled; returns the user name
    /// and the TOTP secret so the test can compute codes.
    pub async fn enrolled_staff(&self, role: &str) -> (String, Vec<u8>) {
        self.enrolled_staff_at(role, &format!("{role}01"), "city", "economic")
            .await
    }

    /// A staff member of `role` in a hall's zone (a clerk's or an issuer's scope).
    pub async fn enrolled_staff_at(
        &self,
        role: &str,
        username: &str,
        hall: &str,
        zone: &str,
    ) -> (String, Vec<u8>) {
        self.enrolled(role, username, Some((hall, zone)), "scjg")
            .await
    }

    /// An approver of `department` (its code), enrolled.
    pub async fn enrolled_approver(&self, username: &str, department: &str) -> (String, Vec<u8>) {
        self.enrolled("approver", username, None, department).await
    }

    async fn enrolled(
        &self,
        role: &str,
        username: &str,
        hall_zone: Option<(&str, &str)>,
        department: &str,
    ) -> (String, Vec<u8>) {
        let username = username.to_owned();
        let new = domain::account::NewStaff {
            username: username.clone(),
            name: "陈晓燕".into(),
            role: role.into(),
            hall_id: hall_zone.map(|(hall, _)| hall.into()),
            zone: hall_zone.map(|(_, zone)| zone.into()),
            department: Some(department.into()),
            password: INITIAL_STAFF_PASSWORD.into(),
        };
        service::staff::create_staff(&self.portal, service::staff::Creator::CommandLine, &new)
            .await
            .expect("create staff");
        let enrolment = service::auth::login(
            &self.portal,
            service::auth::LoginAttempt {
                account: &username,
                password: INITIAL_STAFF_PASSWORD,
                agent: None,
                totp: None,
                channel: service::auth::Channel::Web,
                address: "test",
                user_agent: "test",
                door: service::auth::LoginDoor::Api,
            },
        )
        .await
        .expect("password login starts enrolment");
        // The initial password is one-time: replaced before the authenticator is bound.
        service::accounts::change_password(
            &self.portal,
            &enrolment.session,
            INITIAL_STAFF_PASSWORD,
            STAFF_PASSWORD,
        )
        .await
        .expect("change the initial password");
        let shown = service::staff::begin_totp_enrolment(&self.portal, &enrolment.session)
            .await
            .expect("enrolment");
        let secret = domain::totp::decode_secret(&shown.secret).unwrap();
        service::staff::confirm_totp(&self.portal, &enrolment.session, &self.totp_now(&secret))
            .await
            .expect("confirm enrolment");
        // The code just used may not be used again: move to the next time step.
        self.clock.advance(time::Duration::seconds(30));
        (username, secret)
    }

    /// The authenticator's code at the portal's current time.
    pub fn totp_now(&self, secret: &[u8]) -> String {
        use service::clock::Clock;
        let step = domain::totp::step_at(self.clock.now().unix_timestamp() as u64);
        format!("{:06}", domain::totp::hotp(secret, step))
    }

    /// Logs a staff member in through the API with password and TOTP.
    pub async fn staff_token(&self, username: &str, secret: &[u8]) -> String {
        let response = self
            .call(
                "POST",
                "/api/v1/auth/login",
                Auth::Anonymous,
                Some(serde_json::json!({
                    "account": username,
                    "password": STAFF_PASSWORD,
                    "totp": self.totp_now(secret),
                })),
            )
            .await;
        assert_eq!(response.status(), 200, "{}", body_text(response).await);
        self.clock.advance(time::Duration::seconds(30));
        body_json(response).await["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

pub const CITIZEN_PASSWORD: &str = "mountain42";
pub const STAFF_PASSWORD: &str = "Window-Clerk-7";
/// What an admin or the command line gives a new staff member, to be replaced at first login.
pub const INITIAL_STAFF_PASSWORD: &str = "Initial-Given-2026";
/// GB 11643's published example: valid, and nobody's.
pub const CITIZEN_ID: &str = "11010519491231002X";
pub const CITIZEN_PHONE: &str = "13800138000";

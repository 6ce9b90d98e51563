//! The workbench page as staff reload it all day: every response finishes. (Resources created
//! inside a `<Suspense>` child used to leave one response in a few dozen hanging until the
//! 30 s request timeout; the desk now creates them at the page.)

use crate::common::{STAFF_PASSWORD, TestApp, body_text};
use axum::body::Body;
use http::Request;
use service::Backend;

async fn the_desk_answers_every_reload(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let (username, secret) = app.enrolled_approver("approver-gaj", "gaj").await;
    let body = serde_urlencoded::to_string([
        ("account", username.as_str()),
        ("password", STAFF_PASSWORD),
        ("totp", &app.totp_now(&secret)),
    ])
    .unwrap();
    let response = app
        .send(
            Request::post("/staff/login")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("host", "portal.test")
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    for n in 0..200 {
        let request = Request::get(if n % 2 == 0 {
            "/staff"
        } else {
            "/staff?queue=all"
        })
        .header("cookie", &cookie)
        .body(Body::empty())
        .unwrap();
        // Far beyond any render of this page; the old hang lasted until the request timeout.
        let response = tokio::time::timeout(std::time::Duration::from_secs(10), app.send(request))
            .await
            .unwrap_or_else(|_| panic!("reload {n} of the desk never finished"));
        let text = body_text(response).await;
        assert!(
            text.contains("办件队列") && text.contains("</html>"),
            "reload {n}: {text}"
        );
    }
}

on_both_databases!(the_desk_answers_every_reload);

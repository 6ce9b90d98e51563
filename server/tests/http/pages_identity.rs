//! The identity forms as a browser without JavaScript uses them: plain posts, redirects with a
//! session cookie, pages rendered again with every problem named, CSRF on every write.

use crate::common::{CITIZEN_ID, CITIZEN_PASSWORD, TestApp, body_text};
use axum::body::Body;
use http::Request;
use service::Backend;

const PHONE: &str = "13800138000";

/// Posts a form body; `cookie` is the session cookie's value, if any.
async fn post_form(
    app: &TestApp,
    uri: &str,
    fields: &[(&str, &str)],
    cookie: Option<&str>,
) -> (u16, http::HeaderMap, String) {
    let body = serde_urlencoded::to_string(fields).unwrap();
    let mut request = Request::post(uri)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("host", "portal.test");
    if let Some(token) = cookie {
        request = request.header("cookie", format!("portal_session={token}"));
    }
    let response = app.send(request.body(Body::from(body)).unwrap()).await;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, body_text(response).await)
}

async fn get_page(app: &TestApp, uri: &str, cookie: Option<&str>) -> (u16, String) {
    let mut request = Request::get(uri);
    if let Some(token) = cookie {
        request = request.header("cookie", format!("portal_session={token}"));
    }
    let response = app.send(request.body(Body::empty()).unwrap()).await;
    let status = response.status().as_u16();
    (status, body_text(response).await)
}

/// The session token from a login's `Set-Cookie`.
fn session_token(headers: &http::HeaderMap) -> String {
    let cookie = headers["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    cookie
        .strip_prefix("portal_session=")
        .and_then(|rest| rest.split(';').next())
        .unwrap()
        .to_owned()
}

/// The CSRF token the page's forms carry.
fn csrf_in(html: &str) -> String {
    let marker = r#"name="csrf_token" value=""#;
    let start = html.find(marker).expect("a form with a CSRF token") + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

async fn register_log_in_see_masked_id_reveal_and_log_out(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    // Every problem at once, the typed values kept, the password not.
    let (status, _, html) = post_form(
        &app,
        "/register",
        &[
            ("id_number", "110105194912310021"),
            ("name", "张三"),
            ("phone", "1380013800"),
            ("password", "short"),
        ],
        None,
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("请修改以下问题后重新提交"));
    assert!(html.contains("校验位错误，请核对号码是否输入正确"));
    assert!(html.contains("手机号码应为11位"));
    assert!(html.contains("密码至少8位"));
    assert!(html.contains(r##"href="#register-id_number""##));
    assert!(html.contains(r#"value="张三""#));
    assert!(!html.contains(r#"value="short""#));

    let (status, headers, _) = post_form(
        &app,
        "/register",
        &[
            ("id_number", CITIZEN_ID),
            ("name", "张三"),
            ("phone", PHONE),
            ("password", CITIZEN_PASSWORD),
        ],
        None,
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(headers["location"], "/login?registered=citizen");

    let (status, _, html) = post_form(
        &app,
        "/login",
        &[("account", PHONE), ("password", "wrong-pass1")],
        None,
    )
    .await;
    assert_eq!(status, 401);
    assert!(html.contains("账号或密码错误"));

    let (status, headers, _) = post_form(
        &app,
        "/login",
        &[
            ("account", PHONE),
            ("password", CITIZEN_PASSWORD),
            ("next", "/me"),
        ],
        None,
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(headers["location"], "/me");
    let token = session_token(&headers);

    let (status, html) = get_page(&app, "/me", Some(&token)).await;
    assert_eq!(status, 200);
    assert!(html.contains("110105********002X"), "masked ID on 我的");
    assert!(!html.contains(CITIZEN_ID), "no full ID before the reveal");
    assert!(html.contains("138****8000"));
    assert!(html.contains("张*"), "masked name in the header");
    let csrf = csrf_in(&html);

    // A write without the page's CSRF token is refused and changes nothing.
    let (status, _, html) = post_form(
        &app,
        "/me/profile",
        &[("address", "示范市人民大道1号"), ("csrf_token", "forged")],
        Some(&token),
    )
    .await;
    assert_eq!(status, 403);
    assert!(html.contains("请刷新页面后重试"));
    let (status, _, html) = post_form(
        &app,
        "/me/profile",
        &[
            ("address", "示范市人民大道1号"),
            ("postal_code", "350001"),
            ("csrf_token", &csrf),
        ],
        Some(&token),
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("个人档案已保存"));
    assert!(html.contains(r#"value="示范市人民大道1号""#));

    let (status, _, html) =
        post_form(&app, "/me/reveal", &[("csrf_token", &csrf)], Some(&token)).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(CITIZEN_ID),
        "the reveal shows the whole number"
    );
    assert!(
        html.contains("查看完整证件号码"),
        "and lists itself in the access log"
    );

    let (status, headers, _) =
        post_form(&app, "/logout", &[("csrf_token", &csrf)], Some(&token)).await;
    assert_eq!(status, 303);
    assert!(
        headers["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let (_, html) = get_page(&app, "/me", Some(&token)).await;
    assert!(html.contains("请先登录后查看个人档案"));
}

async fn a_form_posted_from_another_site_is_refused(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let request = Request::post("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("host", "portal.test")
        .header("origin", "https://evil.example")
        .body(Body::from("account=13800138000&password=x"))
        .unwrap();
    assert_eq!(app.send(request).await.status(), 403);
}

async fn staff_enrol_the_authenticator_at_first_login(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let new = domain::account::NewStaff {
        username: "clerk09".into(),
        name: "陈晓燕".into(),
        role: "clerk".into(),
        hall_id: Some("city".into()),
        zone: Some("economic".into()),
        password: crate::common::STAFF_PASSWORD.into(),
        ..Default::default()
    };
    service::staff::create_staff(&app.portal, service::staff::Creator::CommandLine, &new)
        .await
        .unwrap();
    let (status, headers, _) = post_form(
        &app,
        "/staff/login",
        &[
            ("account", "clerk09"),
            ("password", crate::common::STAFF_PASSWORD),
        ],
        None,
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(headers["location"], "/staff/totp");
    let token = session_token(&headers);
    // Until enrolment is done, the desk stays closed.
    let (_, html) = get_page(&app, "/staff", Some(&token)).await;
    assert!(html.contains("请先以工作人员身份登录"));
    let (status, html) = get_page(&app, "/staff/totp", Some(&token)).await;
    assert_eq!(status, 200);
    let marker = r#"<code class="secret">"#;
    let secret_start = html.find(marker).unwrap() + marker.len();
    let secret = html[secret_start..].split('<').next().unwrap().to_owned();
    let secret = domain::totp::decode_secret(&secret).expect("a base32 secret on the page");
    let csrf = csrf_in(&html);
    let (status, _, html) = post_form(
        &app,
        "/staff/totp",
        &[("code", "000000"), ("csrf_token", &csrf)],
        Some(&token),
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("动态口令不正确"));
    let code = app.totp_now(&secret);
    let (status, headers, _) = post_form(
        &app,
        "/staff/totp",
        &[("code", &code), ("csrf_token", &csrf)],
        Some(&token),
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(headers["location"], "/staff");
    let (_, html) = get_page(&app, "/staff", Some(&token)).await;
    assert!(html.contains("查询申请人"), "the clerk's desk");
}

on_both_databases!(
    register_log_in_see_masked_id_reveal_and_log_out,
    a_form_posted_from_another_site_is_refused,
    staff_enrol_the_authenticator_at_first_login,
);

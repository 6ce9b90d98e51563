//! Server-rendered pages as a reader without JavaScript receives them.

use crate::common::{TestApp, body_text};
use axum::body::Body;
use http::Request;
use service::Backend;

async fn page(app: &TestApp, uri: &str, cookie: Option<&str>) -> (u16, http::HeaderMap, String) {
    let mut request = Request::get(uri);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = app.send(request.body(Body::empty()).unwrap()).await;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, body_text(response).await)
}

async fn home_page_is_complete_without_javascript(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let (status, headers, html) = page(&app, "/", None).await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"<html lang="zh-CN" class="mode-standard">"#));
    assert!(
        html.contains("<title>首页 - 示范市政务服务网</title>"),
        "{html}"
    );
    for text in ["跳到主要内容", "办事服务", "办件查询", "我的"] {
        assert!(html.contains(text), "navigation: {text}");
    }
    assert!(
        html.contains(r#"action="/items""#),
        "the search works as a plain form"
    );
    assert!(html.contains("个人办事") && html.contains("法人办事"));
    for text in [
        "主办单位",
        "网站标识码：0000000000",
        "示ICP备00000000号",
        "无障碍说明",
    ] {
        assert!(html.contains(text), "footer: {text}");
    }
    // The inline hydration script carries this response's CSP nonce.
    let csp = headers["content-security-policy"].to_str().unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap();
    assert!(html.contains(&format!(r#"<script type="module" nonce="{nonce}">"#)));
}

async fn elder_mode_is_rendered_by_the_server(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let (_, _, html) = page(&app, "/", Some("session=x; display_mode=elder")).await;
    assert!(html.contains(r#"class="mode-elder""#));
    assert!(html.contains("退出适老化"));
    let (_, _, html) = page(&app, "/", None).await;
    assert!(html.contains("适老化模式"));
}

async fn display_mode_switch_sets_cookie_and_returns(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let response = app
        .get("/display-mode?mode=elder&return=/accessibility%3Fa%3D1")
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/accessibility?a=1");
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("display_mode=elder;"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"));

    let response = app
        .get("/display-mode?mode=standard&return=https://evil.example/")
        .await;
    assert_eq!(response.headers()["location"], "/", "no open redirect");
}

async fn unknown_page_is_a_chinese_404(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let (status, _, html) = page(&app, "/no/such/page", None).await;
    assert_eq!(status, 404);
    assert!(html.contains("页面不存在"));
    assert!(html.contains("返回首页"));
}

async fn accessibility_statement_is_served(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let (status, _, html) = page(&app, "/accessibility", None).await;
    assert_eq!(status, 200);
    assert!(html.contains("<title>无障碍说明 - 示范市政务服务网</title>"));
}

async fn server_functions_live_outside_the_public_api(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let response = app
        .send(
            Request::post("/_sf/site_info")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert!(body_text(response).await.contains("示范市政务服务网"));
}

async fn guide_page_has_a_real_title_and_description(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let (status, _, html) = page(&app, "/items/11330100002500030X4000200000014", None).await;
    assert_eq!(status, 200);
    assert!(html.contains("<title>建筑工程施工许可办事指南 - 示范市政务服务网</title>"));
    assert!(html.contains(r#"<meta name="description" content="建筑工程施工许可办事指南："#));
    assert!(html.contains("《中华人民共和国建筑法》第八条"));
    assert!(html.contains("今天申请，承诺 3 个工作日，预计"));
    assert!(html.contains("免提交：已办理的可从电子证照库自动获取（建设工程规划许可证）"));

    let (status, _, html) = page(&app, "/items/00000000000000000000000000000000", None).await;
    assert_eq!(status, 404);
    assert!(html.contains("页面不存在"));
    let (status, _, _) = page(&app, "/packages/nope", None).await;
    assert_eq!(status, 404);
}

async fn home_page_offers_the_packages(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let (_, _, html) = page(&app, "/", None).await;
    assert!(html.contains(r#"<a href="/packages/kaiban-qiye">开办企业一件事</a>"#));
    assert!(html.contains(r#"<a href="/packages/chusheng">出生一件事</a>"#));
}

async fn catalog_page_searches_and_filters_on_the_server(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let (status, _, html) = page(&app, "/items?q=%E6%96%BD%E5%B7%A5", None).await;
    assert_eq!(status, 200);
    let first = html.find("建筑工程施工许可").expect("found");
    assert!(html.contains("“施工”的搜索结果"));
    assert!(html[first..].contains("查看指南"));
    let (status, _, html) = page(&app, "/items?zone=moon", None).await;
    assert_eq!(status, 400);
    assert!(html.contains("筛选条件有误"));
    assert!(html.contains("分区："));
}

/// A page whose data cannot be loaded (here: its table is gone) says 系统繁忙 and quotes the
/// request id, which the response carries too, so the person can quote it and staff find it.
async fn a_page_that_fails_says_busy_with_the_request_id(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    sqlx::query("DROP TABLE item_versions")
        .execute(app.portal.db().pool())
        .await
        .unwrap();
    let (status, headers, html) = page(&app, "/items/1133010000250005004000400000031", None).await;
    let request_id = headers["x-request-id"].to_str().unwrap();
    assert!(html.contains("系统繁忙"), "{status}: {html}");
    assert!(html.contains(&format!("请求编号 {request_id}")), "{html}");
}

on_both_databases!(
    a_page_that_fails_says_busy_with_the_request_id,
    home_page_offers_the_packages,
    guide_page_has_a_real_title_and_description,
    catalog_page_searches_and_filters_on_the_server,
    home_page_is_complete_without_javascript,
    elder_mode_is_rendered_by_the_server,
    display_mode_switch_sets_cookie_and_returns,
    unknown_page_is_a_chinese_404,
    accessibility_statement_is_served,
    server_functions_live_outside_the_public_api,
);

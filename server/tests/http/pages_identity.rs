//! The identity forms as a browser without JavaScript uses them: plain posts, redirects with a
//! session cookie, pages rendered again with every problem named, CSRF on every write.

use crate::common::cases::{fill_in, start, submit};
use crate::common::{Auth, CITIZEN_ID, CITIZEN_PASSWORD, STAFF_PASSWORD, TestApp, body_text};
use axum::body::Body;
use http::Request;
use serde_json::json;
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
    // Registration signs the person in.
    assert_eq!(status, 303);
    assert_eq!(headers["location"], "/me?registered=citizen");
    let (_, html) = get_page(&app, "/me", Some(&session_token(&headers))).await;
    assert!(
        html.contains("一人一档") || html.contains("个人档案"),
        "{html}"
    );

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
    assert!(
        html.contains(r#"<p class="account-area__name">张三</p>"#),
        "one's own name, in full, in one's own header"
    );
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
    // The initial password is one-time: no authenticator is shown before it is replaced.
    let (status, html) = get_page(&app, "/staff/totp", Some(&token)).await;
    assert_eq!(status, 200);
    assert!(html.contains("修改初始密码"), "{html}");
    assert!(!html.contains(r#"<code class="secret">"#));
    let (status, _) = get_page(&app, "/staff/totp/qr.svg", Some(&token)).await;
    assert_eq!(status, 403, "nor its QR code");
    let csrf = csrf_in(&html);
    let (status, _, html) = post_form(
        &app,
        "/staff/password",
        &[
            ("current_password", crate::common::STAFF_PASSWORD),
            ("new_password", crate::common::STAFF_PASSWORD),
            ("csrf_token", &csrf),
        ],
        Some(&token),
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("新密码不能与当前密码相同"), "{html}");
    let (status, headers, _) = post_form(
        &app,
        "/staff/password",
        &[
            ("current_password", crate::common::STAFF_PASSWORD),
            ("new_password", "Own-Choice-2026!"),
            ("csrf_token", &csrf),
        ],
        Some(&token),
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(headers["location"], "/staff/totp");
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

/// A staff member of `hall`/`zone`, enrolled and logged in on the web with the authenticator:
/// their session token.
async fn staff_session(
    app: &TestApp,
    role: &str,
    username: &str,
    hall: &str,
    zone: &str,
) -> String {
    let (username, secret) = app.enrolled_staff_at(role, username, hall, zone).await;
    let (status, headers, _) = post_form(
        app,
        "/staff/login",
        &[
            ("account", username.as_str()),
            ("password", STAFF_PASSWORD),
            ("totp", &app.totp_now(&secret)),
        ],
        None,
    )
    .await;
    assert_eq!(status, 303, "{username} logs in");
    session_token(&headers)
}

/// A multipart body of text fields and one optional file.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "apply-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((name, file_name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
                 Content-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post_multipart(
    app: &TestApp,
    uri: &str,
    token: &str,
    (content_type, body): (String, Vec<u8>),
) -> (u16, http::HeaderMap, String) {
    let request = Request::post(uri)
        .header("content-type", content_type)
        .header("host", "portal.test")
        .header("cookie", format!("portal_session={token}"))
        .body(Body::from(body))
        .unwrap();
    let response = app.send(request).await;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, body_text(response).await)
}

async fn a_citizen_applies_without_javascript(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    app.register_citizen(CITIZEN_ID, PHONE).await;
    let (_, headers, _) = post_form(
        &app,
        "/login",
        &[("account", PHONE), ("password", CITIZEN_PASSWORD)],
        None,
    )
    .await;
    let token = session_token(&headers);
    let code = "1133010000250005004000400000031";
    let (status, html) = get_page(&app, &format!("/apply/{code}"), Some(&token)).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("在线办理：出生医学证明"));
    let csrf = csrf_in(&html);
    let (status, headers, _) = post_form(
        &app,
        &format!("/apply/{code}"),
        &[("csrf_token", &csrf)],
        Some(&token),
    )
    .await;
    assert_eq!(status, 303);
    let draft_path = headers["location"].to_str().unwrap().to_owned();
    let (_, html) = get_page(&app, &draft_path, Some(&token)).await;
    assert!(html.contains("申请：出生医学证明"));
    assert!(
        html.contains(r#"value="张三""#),
        "prefilled from the profile"
    );
    assert!(
        !html.contains(CITIZEN_ID),
        "the ID number is masked in the form"
    );
    let submit_key = {
        let marker = r#"name="submit_key" value=""#;
        let start = html.find(marker).unwrap() + marker.len();
        html[start..].split('"').next().unwrap().to_owned()
    };

    // Submitting with a material missing and fields empty lists every problem at once.
    let (status, _, html) = post_multipart(
        &app,
        &draft_path,
        &token,
        multipart(
            &[
                ("csrf_token", &csrf),
                ("submit_key", &submit_key),
                ("action", "submit"),
                ("answer.newborn_sex", "女"),
            ],
            None,
        ),
    )
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("预审发现 5 个问题"), "{html}");
    assert!(html.contains("请填写出生日期"));
    assert!(html.contains("缺少“父母双方身份证件”"));
    assert!(
        html.contains(r#"<option value="女" selected"#),
        "the answer is kept"
    );

    // A file of the wrong kind is one more finding; every other finding stays listed.
    let (status, _, html) = post_multipart(
        &app,
        &draft_path,
        &token,
        multipart(
            &[
                ("csrf_token", &csrf),
                ("submit_key", &submit_key),
                ("action", "submit"),
                ("answer.newborn_sex", "女"),
            ],
            Some(("material.parents_id.file", "说明.txt", b"just some text")),
        ),
    )
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("“父母双方身份证件”的文件“说明.txt”未能上传"),
        "{html}"
    );
    assert!(
        html.contains("预审发现 6 个问题"),
        "the other five stay listed: {html}"
    );
    assert!(html.contains("请填写出生日期"));
    assert!(html.contains("<title>错误："), "the title says so first");

    let (status, headers, _) = post_multipart(
        &app,
        &draft_path,
        &token,
        multipart(
            &[
                ("csrf_token", &csrf),
                ("submit_key", &submit_key),
                ("action", "submit"),
                ("answer.applicant_name", "张三"),
                ("answer.applicant_id_number", "110105********002X"),
                ("answer.applicant_phone", PHONE),
                ("answer.contact_address", "示范市人民大道1号3幢201室"),
                ("answer.newborn_name", "张小满"),
                ("answer.newborn_sex", "女"),
                ("answer.birth_date", "2026-11-01"),
                ("answer.birth_hospital", "示范市妇幼保健院"),
            ],
            Some((
                "material.parents_id.file",
                "身份证.pdf",
                b"%PDF-1.7 parents\n%%EOF\n",
            )),
        ),
    )
    .await;
    assert_eq!(status, 303, "submitted");
    assert_eq!(headers["location"], draft_path.as_str());
    // The browser sends the post again (a flaky network): the receipt again, not a refusal.
    let again = |key: &str| {
        multipart(
            &[
                ("csrf_token", &csrf),
                ("submit_key", key),
                ("action", "submit"),
            ],
            None,
        )
    };
    let (status, headers, _) = post_multipart(&app, &draft_path, &token, again(&submit_key)).await;
    assert_eq!(status, 303, "a repeated submission meets its first answer");
    assert_eq!(headers["location"], draft_path.as_str());
    let (status, _, html) = post_multipart(&app, &draft_path, &token, again("web-another")).await;
    assert_eq!(status, 409, "another submission of a sent case is refused");
    assert!(html.contains("该申请已经提交过了"), "{html}");
    let (_, html) = get_page(&app, &draft_path, Some(&token)).await;
    assert!(html.contains("申请已提交"));
    assert!(
        html.contains(&format!("{code}2026")) || html.contains(code),
        "the case number"
    );
    assert!(html.contains("预计办结") && html.contains("受理回执"));
    assert!(
        html.contains("您已在线提交申请"),
        "the timeline's first event"
    );
    let (_, html) = get_page(&app, "/applications", Some(&token)).await;
    assert!(html.contains("出生医学证明") && html.contains("已提交，待受理"));

    // The receipt's QR code leads to the public lookup with the case number filled in.
    let (_, receipt) = get_page(&app, &draft_path, Some(&token)).await;
    let case_no = {
        let marker = "/progress?case_no=";
        let start = receipt.find(marker).expect("progress link") + marker.len();
        receipt[start..].split('"').next().unwrap().to_owned()
    };
    assert!(case_no.starts_with(code), "{case_no}");
    let qr = app
        .send(
            Request::get(format!("{draft_path}/qr.svg"))
                .header("cookie", format!("portal_session={token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(qr.status(), 200);
    assert_eq!(qr.headers()["content-type"], "image/svg+xml");
    assert!(body_text(qr).await.contains("<svg"));
    let anonymous_qr = app
        .send(
            Request::get(format!("{draft_path}/qr.svg"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(anonymous_qr.status(), 401);
    let (status, html) = get_page(&app, &format!("/progress?case_no={case_no}"), None).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!(r#"value="{case_no}""#)));
    let (status, _, html) = post_form(
        &app,
        "/progress",
        &[("case_no", &case_no), ("applicant_name", "张三")],
        None,
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("张*") && html.contains("已提交，待受理"));
    let (status, _, html) = post_form(
        &app,
        "/progress",
        &[("case_no", &case_no), ("applicant_name", "李四")],
        None,
    )
    .await;
    assert_eq!(status, 404);
    assert!(html.contains("没有找到与该办件编号和申请人姓名相符的办件"));
    let (status, _, html) = post_form(&app, "/progress", &[("case_no", &case_no)], None).await;
    assert_eq!(status, 422);
    assert!(
        html.contains("请填写申请人姓名或单位名称"),
        "the empty field is named"
    );
    assert!(
        html.contains(&format!(r#"value="{case_no}""#)),
        "the input is kept"
    );
    let (_, html) = get_page(&app, "/messages", Some(&token)).await;
    assert!(
        html.contains("申请已提交") && html.contains("未读"),
        "{html}"
    );

    // Marking a message read: the CSRF token is required, someone else's message is not found.
    let read_action = {
        let marker = r#"action="/messages/"#;
        let start = html.find(marker).unwrap() + r#"action=""#.len();
        html[start..].split('"').next().unwrap().to_owned()
    };
    let (status, _, _) = post_form(
        &app,
        &read_action,
        &[("csrf_token", "forged")],
        Some(&token),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _, html) = post_form(
        &app,
        "/messages/m_nope/read",
        &[("csrf_token", &csrf)],
        Some(&token),
    )
    .await;
    assert_eq!(status, 404);
    assert!(html.contains("没有找到该消息"));
    let (status, headers, _) =
        post_form(&app, &read_action, &[("csrf_token", &csrf)], Some(&token)).await;
    assert_eq!(status, 303);
    assert_eq!(headers["location"], "/messages");
    let (_, html) = get_page(&app, "/messages", Some(&token)).await;
    assert!(html.contains("未读 0 条"), "{html}");

    // A second application reuses the file from the vault instead of uploading it again.
    let (_, headers, _) = post_form(
        &app,
        &format!("/apply/{code}"),
        &[("csrf_token", &csrf)],
        Some(&token),
    )
    .await;
    let second = headers["location"].to_str().unwrap().to_owned();
    let (_, html) = get_page(&app, &second, Some(&token)).await;
    assert!(html.contains("或从我的材料库中选择") && html.contains("身份证.pdf"));
    let document_id = {
        let start = html.find(r#"<option value="d_"#).unwrap() + r#"<option value=""#.len();
        html[start..].split('"').next().unwrap().to_owned()
    };
    let (status, _, html) = post_multipart(
        &app,
        &second,
        &token,
        multipart(
            &[
                ("csrf_token", &csrf),
                ("action", "review"),
                ("answer.applicant_name", "张三"),
                ("answer.applicant_id_number", "110105********002X"),
                ("answer.applicant_phone", PHONE),
                ("answer.contact_address", "示范市人民大道1号3幢201室"),
                ("answer.newborn_name", "张小满"),
                ("answer.newborn_sex", "女"),
                ("answer.birth_date", "2026-11-01"),
                ("answer.birth_hospital", "示范市妇幼保健院"),
                ("material.parents_id.document", &document_id),
            ],
            None,
        ),
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("预审通过，可以提交。"));

    // 一件事: one merged form for all of the package's items.
    let (status, html) = get_page(&app, "/apply/package/chusheng", Some(&token)).await;
    assert_eq!(status, 200);
    assert!(html.contains("在线办理：出生一件事"));
    let (status, headers, _) = post_form(
        &app,
        "/apply/package/chusheng",
        &[("csrf_token", &csrf)],
        Some(&token),
    )
    .await;
    assert_eq!(status, 303);
    let package_draft = headers["location"].to_str().unwrap().to_owned();
    let (_, html) = get_page(&app, &package_draft, Some(&token)).await;
    assert!(html.contains("申请：出生一件事") && html.contains("本申请同时办理"));
    assert_eq!(
        html.matches(r#"name="answer.newborn_name""#).count(),
        1,
        "asked once"
    );
}

/// A case sent back for 补正 reopens as a form that still offers 撤回, and the button works
/// without JavaScript.
async fn a_case_sent_back_for_supplement_can_be_withdrawn_on_its_page(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let bearer = app.citizen_token().await;
    let draft = start(
        &app,
        &bearer,
        json!({ "item_code": "1133010000250005004000400000031" }),
    )
    .await;
    let filled = fill_in(&app, &bearer, &draft).await;
    let id = filled["id"].as_str().unwrap().to_owned();
    let case = submit(&app, &bearer, &id).await;
    let (clerk, secret) = app
        .enrolled_staff_at("clerk", "clerk01", "qingshan", "social")
        .await;
    let clerk = app.staff_token(&clerk, &secret).await;
    let sent_back = app
        .call(
            "POST",
            &format!(
                "/api/v1/staff/applications/{}/request-supplement",
                case["case_no"].as_str().unwrap()
            ),
            Auth::Bearer(&clerk),
            Some(json!({ "items": [{ "target": "field:birth_hospital", "message": "请写全称" }] })),
        )
        .await;
    assert_eq!(sent_back.status(), 200);

    let (_, headers, _) = post_form(
        &app,
        "/login",
        &[("account", PHONE), ("password", CITIZEN_PASSWORD)],
        None,
    )
    .await;
    let token = session_token(&headers);
    let page = format!("/applications/{id}");
    let (status, html) = get_page(&app, &page, Some(&token)).await;
    assert_eq!(status, 200);
    assert!(html.contains("补正："), "the 补正 form: {html}");
    let withdraw = format!("/applications/{id}/withdraw");
    assert!(html.contains(&format!(r#"href="{withdraw}""#)), "{html}");
    // 撤回 asks first, on a page of its own.
    let (status, confirm) = get_page(&app, &withdraw, Some(&token)).await;
    assert_eq!(status, 200);
    assert!(confirm.contains("确认撤回") && confirm.contains(&format!(r#"action="{withdraw}""#)));
    let (status, headers, _) = post_form(
        &app,
        &withdraw,
        &[("csrf_token", &csrf_in(&confirm))],
        Some(&token),
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(headers["location"], page.as_str());
    let (_, html) = get_page(&app, &page, Some(&token)).await;
    assert!(html.contains("已撤回"), "{html}");
    assert!(
        !html.contains(&format!(r#"href="{withdraw}""#)),
        "no second 撤回"
    );
    let (_, confirm) = get_page(&app, &withdraw, Some(&token)).await;
    assert!(confirm.contains("不能撤回"), "{confirm}");
}

/// Every form of 我的 shows its own outcome on the page, without JavaScript: 退出其他设备,
/// 查看完整证件号码, 切换代办单位 and 撤销经办人 included (their feedback used to be lost).
async fn every_form_on_me_shows_its_own_feedback(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    app.register_citizen(CITIZEN_ID, PHONE).await;
    let login = || {
        post_form(
            &app,
            "/login",
            &[("account", PHONE), ("password", CITIZEN_PASSWORD)],
            None,
        )
    };
    let (_, headers, _) = login().await;
    let token = session_token(&headers);
    login().await;
    let (_, html) = get_page(&app, "/me", Some(&token)).await;
    let csrf = csrf_in(&html);
    // (form action, its fields beside the CSRF token, the status, what the page then shows)
    let cases = [
        (
            "/me/sessions/revoke-others",
            None,
            200,
            "已退出其他 1 个设备",
        ),
        ("/me/reveal", None, 200, CITIZEN_ID),
        (
            "/me/acting-for",
            Some(("business_id", "b_not_mine")),
            403,
            "您不是该单位的经办人",
        ),
        (
            "/me/business/agents/revoke",
            Some(("citizen_id", "c_someone")),
            403,
            "请先在“我的”页面选择要代办的单位",
        ),
    ];
    for (path, field, status, shown) in cases {
        let mut fields = vec![("csrf_token", csrf.as_str())];
        fields.extend(field);
        let (got, _, html) = post_form(&app, path, &fields, Some(&token)).await;
        assert_eq!(got, status, "{path}: {html}");
        assert!(html.contains(shown), "{path} shows {shown:?}: {html}");
    }
}

/// Each login page opens for its own accounts only: staff on the public page, and citizens on
/// the staff page, are turned away before the password is checked — no session, no
/// `login.succeeded` in the audit log.
async fn each_login_page_opens_for_its_own_accounts(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let (clerk, _) = app.enrolled_staff("clerk").await;
    app.register_citizen(CITIZEN_ID, PHONE).await;
    let succeeded = || async {
        sqlx::query("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'login.succeeded'")
            .fetch_one(app.portal.db().pool())
            .await
            .map(|row| sqlx::Row::get::<i64, _>(&row, "n"))
            .unwrap()
    };
    let before = succeeded().await;
    for (page, account, password, shown) in [
        (
            "/login",
            clerk.as_str(),
            STAFF_PASSWORD,
            "工作人员请从工作人员登录页登录",
        ),
        (
            "/staff/login",
            PHONE,
            CITIZEN_PASSWORD,
            "个人和法人用户请从门户首页",
        ),
    ] {
        let (status, headers, html) = post_form(
            &app,
            page,
            &[("account", account), ("password", password)],
            None,
        )
        .await;
        assert_eq!(status, 422, "{page}: {html}");
        assert!(html.contains(shown), "{page}: {html}");
        assert!(
            !headers.contains_key("set-cookie"),
            "{page} opened a session"
        );
    }
    assert_eq!(
        succeeded().await,
        before,
        "no login was recorded as succeeded"
    );
}

/// A signed-in form refuses a post without a session (before reading it) and one without the
/// page's token, each on the form's own page with its reason, and keeps what was typed.
async fn a_form_needs_its_session_and_its_token(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let fields = [("address", "示范市人民大道9号"), ("csrf_token", "whatever")];
    let (status, _, html) = post_form(&app, "/me/profile", &fields, None).await;
    assert_eq!(status, 401, "{html}");
    assert!(html.contains("请先登录"), "{html}");
    assert!(
        html.contains("<title>错误：我的"),
        "the form's own page: {html}"
    );

    app.register_citizen(CITIZEN_ID, PHONE).await;
    let (_, headers, _) = post_form(
        &app,
        "/login",
        &[("account", PHONE), ("password", CITIZEN_PASSWORD)],
        None,
    )
    .await;
    let token = session_token(&headers);
    let (status, _, html) = post_form(&app, "/me/profile", &fields, Some(&token)).await;
    assert_eq!(status, 403, "{html}");
    assert!(html.contains("页面已过期"), "{html}");
    assert!(
        html.contains(r#"value="示范市人民大道9号""#),
        "the typed address is kept: {html}"
    );
}

/// The workbench without JavaScript: the clerk finds the case in the queue, opens it (the
/// applicant sees the read), is told which review point is not ticked, accepts, and the
/// applicant's page shows 已受理 with the working days left.
async fn a_clerk_accepts_on_the_workbench_without_javascript(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let token = app.citizen_token().await;
    let draft = start(
        &app,
        &token,
        json!({ "item_code": "1133010000250002364000400000033" }),
    )
    .await;
    let filled = fill_in(&app, &token, &draft).await;
    let case = submit(&app, &token, filled["id"].as_str().unwrap()).await;
    let case_no = case["case_no"].as_str().unwrap().to_owned();
    let staff = staff_session(&app, "clerk", "clerk01", "city", "social").await;
    let (_, desk) = get_page(&app, "/staff", Some(&staff)).await;
    let page = format!("/staff/cases/{case_no}");
    assert!(
        desk.contains(&format!(r#"href="{page}""#)),
        "queued: {desk}"
    );
    assert!(desk.contains("张*"), "the applicant masked");
    let (status, html) = get_page(&app, &page, Some(&staff)).await;
    assert_eq!(status, 200);
    assert!(html.contains("户口簿户主页与本人页齐全") && html.contains("受理后开始计时"));
    let csrf = csrf_in(&html);
    let accept = format!("{page}/accept");
    let (status, _, html) = post_form(&app, &accept, &[("csrf_token", &csrf)], Some(&staff)).await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("请核对“落户方户口簿”：户口簿户主页与本人页齐全"),
        "{html}"
    );
    let point = {
        let marker = r#"name="checked" value=""#;
        let start = html.find(marker).unwrap() + marker.len();
        html[start..].split('"').next().unwrap().to_owned()
    };
    let (status, headers, _) = post_form(
        &app,
        &accept,
        &[("csrf_token", &csrf), ("checked", &point)],
        Some(&staff),
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(headers["location"], page.as_str());
    let (_, html) = get_page(&app, &page, Some(&staff)).await;
    assert!(
        html.contains("已受理") && html.contains("承诺剩余 1 个工作日"),
        "{html}"
    );
    assert!(
        !html.contains(&format!(r#"action="{accept}""#)),
        "no second 受理"
    );

    let (_, headers, _) = post_form(
        &app,
        "/login",
        &[("account", PHONE), ("password", CITIZEN_PASSWORD)],
        None,
    )
    .await;
    let citizen = session_token(&headers);
    let (_, mine) = get_page(
        &app,
        &format!("/applications/{}", filled["id"].as_str().unwrap()),
        Some(&citizen),
    )
    .await;
    assert!(
        mine.contains("已受理") && mine.contains("承诺剩余 1 个工作日"),
        "{mine}"
    );
    let (_, me) = get_page(&app, "/me", Some(&citizen)).await;
    assert!(me.contains("查看办件"), "the read is in 谁查看了我的信息");
}

/// 容缺 at the window without JavaScript: the clerk gives the date the applicant commits to for a
/// material still to come; a date that is no date is refused and kept, a good one accepts the
/// case with the material deferred.
async fn a_clerk_defers_a_material_on_the_workbench(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let token = app.citizen_token().await;
    let retirement = json!({ "item_code": "1133010000250007024000400000038" });
    let draft = start(&app, &token, retirement).await;
    let filled = fill_in(&app, &token, &draft).await;
    let case = submit(&app, &token, filled["id"].as_str().unwrap()).await;
    let case_no = case["case_no"].as_str().unwrap().to_owned();
    let staff = staff_session(&app, "clerk", "clerk01", "city", "social").await;
    let page = format!("/staff/cases/{case_no}");
    let (_, html) = get_page(&app, &page, Some(&staff)).await;
    assert!(
        html.contains("“参加工作时间证明（招工、招干登记表等）”承诺补交日期"),
        "{html}"
    );
    let csrf = csrf_in(&html);
    let accept = format!("{page}/accept");
    let (status, _, html) = post_form(
        &app,
        &accept,
        &[
            ("csrf_token", &csrf),
            ("deferrals.work_history", "2026-02-30"),
        ],
        Some(&staff),
    )
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("请按“年-月-日”填写承诺补交日期"), "{html}");
    assert!(
        html.contains(r#"value="2026-02-30""#),
        "the typed date is kept"
    );
    let today = &case["submitted_at"].as_str().unwrap()[..10];
    let until = (time::Date::parse(
        today,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .unwrap()
        + time::Duration::days(7))
    .to_string();
    let (status, _, html) = post_form(
        &app,
        &accept,
        &[("csrf_token", &csrf), ("deferrals.work_history", &until)],
        Some(&staff),
    )
    .await;
    assert_eq!(status, 303, "{html}");
    let (_, html) = get_page(&app, &page, Some(&staff)).await;
    assert!(
        html.contains("已受理") && html.contains(&format!("容缺，承诺 {until} 前补交")),
        "{html}"
    );
    let notices = format!("{page}/notices");
    assert!(html.contains(&format!(r#"href="{notices}""#)), "{html}");
    let (_, printed) = get_page(&app, &notices, Some(&staff)).await;
    assert!(
        printed.contains("受理通知书") && printed.contains("张*：") && printed.contains(&until),
        "the workbench's copy, the person masked: {printed}"
    );

    // The applicant: the progress bar at 审查, and their notice addressed to them in full.
    let (_, headers, _) = post_form(
        &app,
        "/login",
        &[("account", PHONE), ("password", CITIZEN_PASSWORD)],
        None,
    )
    .await;
    let citizen = session_token(&headers);
    let id = filled["id"].as_str().unwrap();
    let (_, mine) = get_page(&app, &format!("/applications/{id}"), Some(&citizen)).await;
    assert!(
        mine.contains("受理<span class=\"visually-hidden\">（已完成）</span>")
            && mine.contains("审查<span class=\"visually-hidden\">（进行中）</span>"),
        "{mine}"
    );
    let (status, notice) =
        get_page(&app, &format!("/applications/{id}/notices"), Some(&citizen)).await;
    assert_eq!(status, 200);
    assert!(
        notice.contains("张三：") && notice.contains("其余材料容缺受理"),
        "{notice}"
    );
}

/// 窗口收件 without JavaScript: the clerk records an elderly person without an account, fills
/// the form for her with one scanned material and one 容缺, submits, and lands on the case's
/// workbench page, where it waits for 受理 as a window case.
async fn a_clerk_registers_a_walk_in_without_javascript(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let staff = staff_session(&app, "clerk", "clerk01", "qingshan", "social").await;
    let (status, html) = get_page(&app, "/staff/window", Some(&staff)).await;
    assert_eq!(status, 200);
    assert!(html.contains("退休审批（"), "every item is offered: {html}");
    let csrf = csrf_in(&html);
    let retirement = "1133010000250007024000400000038";
    let (status, _, html) = post_form(
        &app,
        "/staff/window",
        &[
            ("csrf_token", &csrf),
            ("item_code", retirement),
            ("id_number", "330106194807210016"),
        ],
        Some(&staff),
    )
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("该身份号码尚未注册"), "{html}");
    assert!(
        html.contains(r#"value="330106194807210016""#),
        "the number is kept"
    );
    let (status, _, html) = post_form(
        &app,
        "/staff/window",
        &[
            ("csrf_token", &csrf),
            ("item_code", retirement),
            ("id_number", "330106194807210016"),
            ("name", "赵桂兰"),
            ("contact_phone", "13705710003"),
        ],
        Some(&staff),
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("网上激活码："),
        "the code, shown once: {html}"
    );
    let draft_path = {
        let marker = r#"href="/staff/window/"#;
        let start = html.find(marker).unwrap() + r#"href=""#.len();
        html[start..].split('"').next().unwrap().to_owned()
    };
    assert!(draft_path.starts_with("/staff/window/a_"), "{draft_path}");
    let (_, html) = get_page(&app, &draft_path, Some(&staff)).await;
    assert!(html.contains("窗口收件：退休审批"), "{html}");
    assert!(
        html.contains(r#"value="赵桂兰""#),
        "prefilled from the record"
    );
    assert!(
        !html.contains("撤回申请"),
        "a clerk does not withdraw for the applicant"
    );
    let submit_key = {
        let marker = r#"name="submit_key" value=""#;
        let start = html.find(marker).unwrap() + marker.len();
        html[start..].split('"').next().unwrap().to_owned()
    };
    let until = "2026-12-31";
    let (status, headers, html) = post_multipart(
        &app,
        &draft_path,
        &staff,
        multipart(
            &[
                ("csrf_token", &csrf),
                ("submit_key", &submit_key),
                ("action", "submit"),
                ("answer.contact_address", "示范市青山街道幸福里3号"),
                ("answer.retirement_type", "正常退休"),
                ("answer.work_unit", "示范市第一纺织厂"),
                ("answer.first_contribution_date", "1968-09-01"),
                ("material.work_history.mode", "deferred"),
                ("material.work_history.until", until),
            ],
            Some((
                "material.id_document.file",
                "身份证.pdf",
                b"%PDF-1.7\n% scanned\n%%EOF\n",
            )),
        ),
    )
    .await;
    assert_eq!(status, 303, "{html}");
    let case_page = headers["location"].to_str().unwrap().to_owned();
    assert!(case_page.starts_with("/staff/cases/"), "{case_page}");
    let (_, html) = get_page(&app, &case_page, Some(&staff)).await;
    assert!(
        html.contains("窗口收件") && html.contains("赵**") && html.contains("容缺受理"),
        "{html}"
    );
    // Sent, the draft's address no longer opens it for editing.
    let (_, html) = get_page(&app, &draft_path, Some(&staff)).await;
    assert!(html.contains("没有找到该窗口草稿"), "{html}");

    // Staff who work no window are told so, not offered a form they may not send.
    let supervisor = staff_session(&app, "supervisor", "supervisor01", "city", "social").await;
    let (_, html) = get_page(&app, "/staff/window", Some(&supervisor)).await;
    assert!(
        html.contains("只有服务大厅的综合窗口人员可以窗口收件") && !html.contains("开始收件"),
        "{html}"
    );
}

/// 一次性告知 on the workbench without JavaScript: nothing asked is refused, one item sends the
/// case back, and the applicant's form reopens with it.
async fn a_clerk_sends_a_case_back_for_supplement_without_javascript(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let token = app.citizen_token().await;
    let draft = start(
        &app,
        &token,
        json!({ "item_code": "1133010000250002364000400000033" }),
    )
    .await;
    let filled = fill_in(&app, &token, &draft).await;
    let case = submit(&app, &token, filled["id"].as_str().unwrap()).await;
    let case_no = case["case_no"].as_str().unwrap().to_owned();
    let staff = staff_session(&app, "clerk", "clerk01", "city", "social").await;
    let page = format!("/staff/cases/{case_no}");
    let (_, html) = get_page(&app, &page, Some(&staff)).await;
    assert!(html.contains("退回补正（一次性告知）"), "{html}");
    let csrf = csrf_in(&html);
    let action = format!("{page}/request-supplement");
    let (status, _, html) = post_form(
        &app,
        &action,
        &[
            ("csrf_token", &csrf),
            ("item.material:household_register", ""),
        ],
        Some(&staff),
    )
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("请逐项列明需要补正的内容"), "{html}");
    let (status, _, _) = post_form(
        &app,
        &action,
        &[
            ("csrf_token", &csrf),
            (
                "item.material:household_register",
                "户主页不清晰，请重新扫描",
            ),
            ("remark", "其余材料齐全"),
        ],
        Some(&staff),
    )
    .await;
    assert_eq!(status, 303);
    let (_, html) = get_page(&app, &page, Some(&staff)).await;
    assert!(html.contains("待补正"), "{html}");
    let (_, headers, _) = post_form(
        &app,
        "/login",
        &[("account", PHONE), ("password", CITIZEN_PASSWORD)],
        None,
    )
    .await;
    let citizen = session_token(&headers);
    let (_, mine) = get_page(
        &app,
        &format!("/applications/{}", filled["id"].as_str().unwrap()),
        Some(&citizen),
    )
    .await;
    assert!(mine.contains("户主页不清晰，请重新扫描"), "{mine}");
}

/// 你承诺我审批 without JavaScript: the 容缺 material deferred at acceptance is handed in on the
/// applicant's case page (a file is required, and its absence is named), and the clerk confirms
/// it on the workbench.
async fn a_deferred_material_is_handed_in_on_the_case_page_and_confirmed(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let token = app.citizen_token().await;
    let retirement = json!({ "item_code": "1133010000250007024000400000038" });
    let draft = start(&app, &token, retirement).await;
    let filled = fill_in(&app, &token, &draft).await;
    let case = submit(&app, &token, filled["id"].as_str().unwrap()).await;
    let case_no = case["case_no"].as_str().unwrap().to_owned();
    let staff = staff_session(&app, "clerk", "clerk01", "city", "social").await;
    let page = format!("/staff/cases/{case_no}");
    let (_, html) = get_page(&app, &page, Some(&staff)).await;
    let csrf = csrf_in(&html);
    let until = (time::Date::parse(
        &case["submitted_at"].as_str().unwrap()[..10],
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .unwrap()
        + time::Duration::days(7))
    .to_string();
    let (status, _, html) = post_form(
        &app,
        &format!("{page}/accept"),
        &[("csrf_token", &csrf), ("deferrals.work_history", &until)],
        Some(&staff),
    )
    .await;
    assert_eq!(status, 303, "{html}");

    let (_, headers, _) = post_form(
        &app,
        "/login",
        &[("account", PHONE), ("password", CITIZEN_PASSWORD)],
        None,
    )
    .await;
    let citizen = session_token(&headers);
    let id = filled["id"].as_str().unwrap();
    let mine = format!("/applications/{id}");
    let (_, html) = get_page(&app, &mine, Some(&citizen)).await;
    assert!(
        html.contains("容缺材料（承诺补交）")
            && html.contains(&format!("承诺 {until} 前补交 · 待补交")),
        "{html}"
    );
    let csrf = csrf_in(&html);
    let action = format!("{mine}/supplements");
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("material_code", "work_history"),
    ];
    let (status, _, html) = post_multipart(&app, &action, &citizen, multipart(&fields, None)).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("请选择要补交的文件"), "{html}");
    let file = Some((
        "file",
        "工作证明.pdf",
        b"%PDF-1.7\n% work history\n%%EOF\n".as_slice(),
    ));
    let (status, headers, html) =
        post_multipart(&app, &action, &citizen, multipart(&fields, file)).await;
    assert_eq!(status, 303, "{html}");
    assert_eq!(headers["location"], mine.as_str());
    let (_, html) = get_page(&app, &mine, Some(&citizen)).await;
    assert!(html.contains("已补交，待确认"), "{html}");

    let (_, html) = get_page(&app, &page, Some(&staff)).await;
    assert!(
        html.contains("查看补交的“参加工作时间证明（招工、招干登记表等）”（留痕）"),
        "{html}"
    );
    let csrf = csrf_in(&html);
    let (status, _, html) = post_form(
        &app,
        &format!("{page}/confirm-supplement"),
        &[
            ("csrf_token", &csrf),
            ("material_code", "work_history"),
            ("how", "file"),
        ],
        Some(&staff),
    )
    .await;
    assert_eq!(status, 303, "{html}");
    let (_, html) = get_page(&app, &mine, Some(&citizen)).await;
    assert!(
        html.contains("承诺 ") && html.contains(" · 已确认"),
        "{html}"
    );
}

/// 一车勘验 on the workbench without JavaScript: the approver of 公安局 starts the review,
/// schedules an inspection (a missing place is named), sees the draw with its seed, and records
/// the result, which ends the 特别程序.
async fn an_approver_schedules_and_records_an_inspection_without_javascript(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let token = app.citizen_token().await;
    let household = json!({ "item_code": "1133010000250002364000400000033" });
    let draft = start(&app, &token, household).await;
    let filled = fill_in(&app, &token, &draft).await;
    let case = submit(&app, &token, filled["id"].as_str().unwrap()).await;
    let case_no = case["case_no"].as_str().unwrap().to_owned();
    let clerk = staff_session(&app, "clerk", "clerk01", "city", "social").await;
    let page = format!("/staff/cases/{case_no}");
    let (_, html) = get_page(&app, &page, Some(&clerk)).await;
    let point = html
        .split(r#"name="checked" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a manual point to tick")
        .to_owned();
    let (status, _, html) = post_form(
        &app,
        &format!("{page}/accept"),
        &[("csrf_token", &csrf_in(&html)), ("checked", &point)],
        Some(&clerk),
    )
    .await;
    assert_eq!(status, 303, "{html}");

    let (username, secret) = app.enrolled_approver("approver-gaj", "gaj").await;
    let (status, headers, _) = post_form(
        &app,
        "/staff/login",
        &[
            ("account", username.as_str()),
            ("password", STAFF_PASSWORD),
            ("totp", &app.totp_now(&secret)),
        ],
        None,
    )
    .await;
    assert_eq!(status, 303);
    let approver = session_token(&headers);
    let (_, html) = get_page(&app, &page, Some(&approver)).await;
    let csrf = csrf_in(&html);
    let (status, _, _) = post_form(
        &app,
        &format!("{page}/start-review"),
        &[("csrf_token", &csrf)],
        Some(&approver),
    )
    .await;
    assert_eq!(status, 303);
    let today = &case["submitted_at"].as_str().unwrap()[..10];
    let inspect = format!("{page}/inspections");
    let mut fields = vec![
        ("csrf_token", csrf.as_str()),
        ("scheduled_on", today),
        ("expected_end", today),
        ("place", ""),
        ("inspectors_per_department", "1"),
    ];
    let (status, _, html) = post_form(&app, &inspect, &fields, Some(&approver)).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("请填写勘验地点"), "{html}");
    fields[3] = ("place", "示范市人民大道1号");
    let (status, _, html) = post_form(&app, &inspect, &fields, Some(&approver)).await;
    assert_eq!(status, 303, "{html}");
    let (_, html) = get_page(&app, &page, Some(&approver)).await;
    assert!(
        html.contains("抽取种子")
            && html.contains("按种子复算结果一致")
            && html.contains("特别程序中"),
        "{html}"
    );
    let inspection_id = html
        .split(r#"name="inspection_id" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the result form names its inspection")
        .to_owned();
    let (status, _, html) = post_form(
        &app,
        &format!("{page}/inspection-result"),
        &[
            ("csrf_token", &csrf),
            ("inspection_id", &inspection_id),
            ("result", "实际居住地址与申请一致"),
        ],
        Some(&approver),
    )
    .await;
    assert_eq!(status, 303, "{html}");
    let (_, html) = get_page(&app, &page, Some(&approver)).await;
    assert!(
        html.contains("勘验结果：实际居住地址与申请一致") && html.contains("审查中"),
        "{html}"
    );
}

/// Signs the standard test citizen in through the login form: the session cookie's value.
async fn web_login(app: &TestApp, next: &str) -> (u16, http::HeaderMap) {
    let (status, headers, _) = post_form(
        app,
        "/login",
        &[
            ("account", PHONE),
            ("password", CITIZEN_PASSWORD),
            ("next", next),
        ],
        None,
    )
    .await;
    (status, headers)
}

async fn after_login_only_paths_on_this_site(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    app.register_citizen(CITIZEN_ID, PHONE).await;
    // Every one of these is another site to a browser, or no header value at all.
    let hostile = [
        "//evil.example/",
        "/\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        " //evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/apply/\n",
        "/\u{3000}/evil.example",
    ];
    for next in hostile {
        let (status, headers) = web_login(&app, next).await;
        assert_eq!(status, 303, "{next:?}");
        assert_eq!(headers["location"], "/me", "{next:?}");
    }
    let (status, headers) = web_login(&app, "/appointments?hall=city").await;
    assert_eq!(status, 303);
    assert_eq!(headers["location"], "/appointments?hall=city");
    for hostile in ["//evil.example", "/%09/evil.example", "/%0A"] {
        let response = app
            .get(&format!("/display-mode?mode=elder&return={hostile}"))
            .await;
        assert_eq!(response.status(), 303);
        let location = response.headers()["location"].to_str().unwrap();
        assert!(
            location == "/" || location == hostile,
            "{hostile}: {location}"
        );
        assert!(!location.starts_with("//") && !location.contains(['\t', '\n']));
    }

    // A path segment that is a line break is a path like any other: not found, never a 500.
    let token = session_token(&web_login(&app, "").await.1);
    let (_, html) = get_page(&app, "/me", Some(&token)).await;
    let csrf = csrf_in(&html);
    let (status, _, _) =
        post_form(&app, "/apply/%0A", &[("csrf_token", &csrf)], Some(&token)).await;
    assert!((400..500).contains(&status), "{status}");
}

async fn logging_out_without_the_token_leaves_nothing_half_done(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    app.register_citizen(CITIZEN_ID, PHONE).await;
    let token = session_token(&web_login(&app, "").await.1);
    // A page elsewhere posting to /logout: refused, and the cookie stays with its live session.
    let (status, headers, html) = post_form(&app, "/logout", &[], Some(&token)).await;
    assert_eq!(status, 403);
    assert!(!headers.contains_key("set-cookie"), "{headers:?}");
    assert!(html.contains("请刷新页面后重试"), "{html}");
    let (_, html) = get_page(&app, "/me", Some(&token)).await;
    assert!(!html.contains("请先登录后查看个人档案"), "still signed in");
    let csrf = csrf_in(&html);
    let (status, headers, _) =
        post_form(&app, "/logout", &[("csrf_token", &csrf)], Some(&token)).await;
    assert_eq!(status, 303);
    assert!(
        headers["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let me = app
        .call(
            "GET",
            "/api/v1/me",
            Auth::Cookie {
                token: &token,
                csrf: None,
            },
            None,
        )
        .await;
    assert_eq!(me.status(), 401, "the session ended on the server");
}

async fn a_signed_in_citizen_registers_a_business_and_acts_for_it(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let (_, html) = get_page(&app, "/register?as=business", None).await;
    assert!(html.contains("登录个人账号后注册"), "{html}");
    assert!(!html.contains(r#"name="credit_code""#));
    let business = [
        ("credit_code", "91350100M000100Y43"),
        ("org_name", "示范市星火科技有限公司"),
        ("legal_rep_name", "李四"),
    ];
    let (status, _, _) = post_form(&app, "/register/business", &business, None).await;
    assert_eq!(status, 401, "nobody signed in, nothing registered");

    app.register_citizen(CITIZEN_ID, PHONE).await;
    let token = session_token(&web_login(&app, "").await.1);
    let (_, html) = get_page(&app, "/register?as=business", Some(&token)).await;
    assert!(html.contains(r#"name="credit_code""#), "{html}");
    assert!(
        !html.contains("agent.password"),
        "no second password asked for"
    );
    let csrf = csrf_in(&html);
    let (status, _, html) = post_form(&app, "/register/business", &business, Some(&token)).await;
    assert_eq!(status, 403, "{html}");
    let mut with_token = business.to_vec();
    with_token.push(("csrf_token", &csrf));
    let (status, headers, _) =
        post_form(&app, "/register/business", &with_token, Some(&token)).await;
    assert_eq!(status, 303);
    assert_eq!(headers["location"], "/me?registered=business");
    let me = app
        .call(
            "GET",
            "/api/v1/me",
            Auth::Cookie {
                token: &token,
                csrf: None,
            },
            None,
        )
        .await;
    let me = crate::common::body_json(me).await;
    assert_eq!(
        me["principal"]["acting_for"]["org_name"], "示范市星火科技有限公司",
        "{me}"
    );
}

/// Posts a multipart body that starts with `first` and `then`, and never ends: an answer can only
/// come from a reader that stopped reading.
async fn post_endless(
    app: &TestApp,
    uri: &str,
    token: &str,
    first: String,
    then: Vec<u8>,
) -> (u16, String) {
    use futures::StreamExt;
    let chunks = [
        Ok::<_, std::io::Error>(axum::body::Bytes::from(first)),
        Ok(then.into()),
    ];
    let endless = futures::stream::iter(chunks).chain(futures::stream::pending());
    let request = Request::post(uri)
        .header(
            "content-type",
            "multipart/form-data; boundary=apply-test-boundary",
        )
        .header("host", "portal.test")
        .header("cookie", format!("portal_session={token}"))
        .body(Body::from_stream(endless))
        .unwrap();
    let answered = tokio::time::timeout(std::time::Duration::from_secs(30), app.send(request))
        .await
        .expect("an answer before the body ends");
    let status = answered.status().as_u16();
    (status, body_text(answered).await)
}

async fn a_file_form_is_refused_before_its_files_are_read(backend: Backend) {
    let mut config = server::config::Config::default();
    // Above axum's default 2 MiB, so the route's own limit is the one that counts.
    config.applications.upload_max_mb = 3;
    config.applications.upload_quota_mb = 4;
    let Some(app) = TestApp::with(backend, config, server::http::v1::routes()).await else {
        return;
    };
    service::seed::run(&app.test_db.db).await.expect("seed");
    app.register_citizen(CITIZEN_ID, PHONE).await;
    let token = session_token(&web_login(&app, "").await.1);
    let code = "1133010000250005004000400000031";
    let (_, html) = get_page(&app, &format!("/apply/{code}"), Some(&token)).await;
    let csrf = csrf_in(&html);
    let (_, headers, _) = post_form(
        &app,
        &format!("/apply/{code}"),
        &[("csrf_token", &csrf)],
        Some(&token),
    )
    .await;
    let draft_path = headers["location"].to_str().unwrap().to_owned();
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.resize(2500 * 1024, b' ');
    pdf.extend_from_slice(b"\n%%EOF\n");
    // A file before the token (or with a wrong one) is refused at its first part.
    let file_first = multipart(&[], Some(("material.parents_id.file", "a.pdf", &pdf)));
    let (content_type, mut body) = file_first;
    let tail = format!(
        "--apply-test-boundary\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{csrf}\r\n--apply-test-boundary--\r\n"
    );
    body.truncate(body.len() - "--apply-test-boundary--\r\n".len());
    body.extend_from_slice(tail.as_bytes());
    let (status, _, _) = post_multipart(&app, &draft_path, &token, (content_type, body)).await;
    assert_eq!(status, 403);
    let wrong = multipart(&[("csrf_token", "not-the-token"), ("action", "save")], None);
    let (status, _, _) = post_multipart(&app, &draft_path, &token, wrong).await;
    assert_eq!(status, 403);
    // Refused at the first part: the rest of the body is never waited for (it never comes).
    let first =
        "--apply-test-boundary\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n\
         not-the-token\r\n--apply-test-boundary\r\nContent-Disposition: form-data; \
         name=\"material.parents_id.file\"; filename=\"a.pdf\"\r\n\r\n"
            .to_owned();
    let (status, _) = post_endless(&app, &draft_path, &token, first, Vec::new()).await;
    assert_eq!(status, 403);
    // A file first is refused by its name, not read.
    let (status, _) = post_endless(
        &app,
        &draft_path,
        &token,
        "--apply-test-boundary\r\nContent-Disposition: form-data; \
         name=\"material.parents_id.file\"; filename=\"a.pdf\"\r\n\r\n%PDF-1.7\n"
            .to_owned(),
        vec![b' '; 64 * 1024],
    )
    .await;
    assert_eq!(status, 403);
    // Nor is a file waited for past the upload limit.
    let first = format!(
        "--apply-test-boundary\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n\
         {csrf}\r\n--apply-test-boundary\r\nContent-Disposition: form-data; \
         name=\"material.parents_id.file\"; filename=\"a.pdf\"\r\n\r\n"
    );
    let (status, html) = post_endless(&app, &draft_path, &token, first, vec![0; 3200 * 1024]).await;
    assert_eq!(status, 413);
    assert!(html.contains("提交的内容过大"), "{html}");
    // Each file is cut off at the upload limit as it streams in.
    let mut big = pdf.clone();
    big.resize(3 * 1024 * 1024 + 1, b' ');
    let too_big = multipart(
        &[("csrf_token", &csrf), ("action", "save")],
        Some(("material.parents_id.file", "big.pdf", &big)),
    );
    let (status, _, html) = post_multipart(&app, &draft_path, &token, too_big).await;
    assert_eq!(status, 413);
    assert!(html.contains("提交的内容过大"), "{html}");
    let fits = multipart(
        &[("csrf_token", &csrf), ("action", "save")],
        Some(("material.parents_id.file", "ids.pdf", &pdf)),
    );
    let (status, _, html) = post_multipart(&app, &draft_path, &token, fits).await;
    assert_eq!(status, 200, "saved: {html}");
    assert!(html.contains("ids.pdf"), "the file is on the draft");
    // A file beyond the person's quota is one finding; what was typed with it is saved.
    let over_quota = multipart(
        &[
            ("csrf_token", &csrf),
            ("action", "save"),
            ("answer.newborn_sex", "女"),
        ],
        Some(("material.parents_id.file", "again.pdf", &pdf)),
    );
    let (_, _, html) = post_multipart(&app, &draft_path, &token, over_quota).await;
    assert!(
        html.contains("“父母双方身份证件”的文件“again.pdf”未能上传"),
        "{html}"
    );
    assert!(html.contains("4 MB 的存储上限"), "{html}");
    let (_, html) = get_page(&app, &draft_path, Some(&token)).await;
    assert!(html.contains(r#"<option value="女" selected"#), "{html}");
    assert!(html.contains("ids.pdf"), "the earlier file stays chosen");
}

on_both_databases!(
    a_file_form_is_refused_before_its_files_are_read,
    after_login_only_paths_on_this_site,
    logging_out_without_the_token_leaves_nothing_half_done,
    a_signed_in_citizen_registers_a_business_and_acts_for_it,
    an_approver_schedules_and_records_an_inspection_without_javascript,
    a_deferred_material_is_handed_in_on_the_case_page_and_confirmed,
    a_clerk_accepts_on_the_workbench_without_javascript,
    a_clerk_sends_a_case_back_for_supplement_without_javascript,
    a_clerk_registers_a_walk_in_without_javascript,
    a_clerk_defers_a_material_on_the_workbench,
    a_form_needs_its_session_and_its_token,
    each_login_page_opens_for_its_own_accounts,
    every_form_on_me_shows_its_own_feedback,
    a_case_sent_back_for_supplement_can_be_withdrawn_on_its_page,
    register_log_in_see_masked_id_reveal_and_log_out,
    a_form_posted_from_another_site_is_refused,
    staff_enrol_the_authenticator_at_first_login,
    a_citizen_applies_without_javascript,
);

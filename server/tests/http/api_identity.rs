//! Identity through the real router: registration, login, lockout, per-address limits, tokens
//! and sessions, CSRF, staff TOTP, profiles, the audited reveal and 谁查看了我的信息.

use crate::common::{
    Auth, CITIZEN_ID, CITIZEN_PASSWORD, STAFF_PASSWORD, TestApp, body_json, body_text,
    error_envelope,
};
use serde_json::json;
use server::config::Config;
use server::http::v1;
use service::Backend;
use time::Duration;

const PHONE: &str = "13800138000";

async fn registration_validates_every_field_and_refuses_duplicates(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let bad = app
        .call(
            "POST",
            "/api/v1/auth/register",
            Auth::Anonymous,
            Some(json!({
                "kind": "citizen",
                "id_number": "110105194912310021",
                "name": "",
                "phone": "12345",
                "password": "password1",
            })),
        )
        .await;
    let error = error_envelope(bad, 422, "validation_failed").await;
    assert_eq!(
        error["fields"]["id_number"][0],
        "校验位错误，请核对号码是否输入正确"
    );
    assert_eq!(error["fields"]["name"][0], "请填写姓名");
    assert!(
        error["fields"]["phone"][0]
            .as_str()
            .unwrap()
            .contains("11位")
    );
    assert!(
        error["fields"]["password"][0]
            .as_str()
            .unwrap()
            .contains("常见")
    );

    for (id_number, expected) in [
        // 1949-02-30 does not exist; the check digit is right for the digits given.
        (
            "110105194902300020",
            "出生日期不是真实存在的日期，请核对第7至14位",
        ),
        // Born in 2099.
        ("110105209901010012", "出生日期不能晚于今天"),
    ] {
        let response = app
            .call(
                "POST",
                "/api/v1/auth/register",
                Auth::Anonymous,
                Some(
                    json!({ "kind": "citizen", "id_number": id_number, "name": "张三",
                             "phone": PHONE, "password": CITIZEN_PASSWORD }),
                ),
            )
            .await;
        let error = error_envelope(response, 422, "validation_failed").await;
        assert_eq!(error["fields"]["id_number"][0], expected, "{id_number}");
    }

    app.register_citizen(&CITIZEN_ID.to_lowercase(), PHONE)
        .await;
    let again = app
        .call(
            "POST",
            "/api/v1/auth/register",
            Auth::Anonymous,
            Some(
                json!({ "kind": "citizen", "id_number": CITIZEN_ID, "name": "张三",
                         "phone": "13900139000", "password": CITIZEN_PASSWORD }),
            ),
        )
        .await;
    let error = error_envelope(again, 409, "id_number_taken").await;
    assert!(!error["message"].as_str().unwrap().contains(CITIZEN_ID));
    let same_phone = app
        .call(
            "POST",
            "/api/v1/auth/register",
            Auth::Anonymous,
            Some(
                json!({ "kind": "citizen", "id_number": "440304198503150028", "name": "王五",
                         "phone": PHONE, "password": CITIZEN_PASSWORD }),
            ),
        )
        .await;
    error_envelope(same_phone, 409, "phone_taken").await;
}

async fn login_by_id_number_or_phone_shows_only_masked_numbers(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    app.register_citizen(CITIZEN_ID, PHONE).await;
    let by_phone = app.api_login(PHONE, CITIZEN_PASSWORD).await;
    let token = app
        .api_login(&CITIZEN_ID.to_lowercase(), CITIZEN_PASSWORD)
        .await;
    assert_ne!(by_phone, token);
    let me = app
        .call("GET", "/api/v1/me", Auth::Bearer(&token), None)
        .await;
    assert_eq!(me.status(), 200);
    let text = body_text(me).await;
    assert!(!text.contains(CITIZEN_ID), "no full ID number in {text}");
    assert!(!text.contains(PHONE), "no full phone in {text}");
    let me: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(me["account"]["id_number_masked"], "110105********002X");
    assert_eq!(me["account"]["phone_masked"], "138****8000");
    assert_eq!(me["principal"]["name_masked"], "张*");

    // The reveal gives the whole number and leaves a trace the citizen can read.
    let revealed = app
        .call(
            "POST",
            "/api/v1/me/id-number/reveal",
            Auth::Bearer(&token),
            None,
        )
        .await;
    assert_eq!(body_json(revealed).await["id_number"], CITIZEN_ID);
    let log = body_json(
        app.call("GET", "/api/v1/me/access-log", Auth::Bearer(&token), None)
            .await,
    )
    .await;
    assert_eq!(log["items"][0]["action"], "查看完整证件号码");
    assert_eq!(log["items"][0]["who"], "本人");
}

async fn wrong_passwords_lock_the_account_for_the_configured_time(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    app.register_citizen(CITIZEN_ID, PHONE).await;
    let attempt = |password: &'static str| {
        app.call(
            "POST",
            "/api/v1/auth/login",
            Auth::Anonymous,
            Some(json!({ "account": PHONE, "password": password })),
        )
    };
    for _ in 0..4 {
        error_envelope(attempt("wrong-pass1").await, 401, "invalid_credentials").await;
    }
    let fifth = attempt("wrong-pass1").await;
    assert_eq!(fifth.headers()["retry-after"], "900");
    let error = error_envelope(fifth, 429, "account_locked").await;
    assert!(error["message"].as_str().unwrap().contains("15分钟"));
    // Locked means locked, even with the right password.
    error_envelope(attempt(CITIZEN_PASSWORD).await, 429, "account_locked").await;
    app.clock.advance(Duration::minutes(15));
    assert_eq!(attempt(CITIZEN_PASSWORD).await.status(), 200);

    // Lockouts and failures are in the audit log, and the chain still verifies.
    let verdict = service::audit::verify(&app.test_db.db).await.unwrap();
    assert!(
        matches!(verdict, service::audit::Verdict::Intact(n) if n >= 8),
        "{verdict}"
    );
}

async fn one_address_is_limited_with_retry_after(backend: Backend) {
    let mut config = Config::default();
    config.auth.attempts_per_address = 3;
    let Some(app) = TestApp::with(backend, config, v1::routes()).await else {
        return;
    };
    for _ in 0..3 {
        let response = app
            .call(
                "POST",
                "/api/v1/auth/login",
                Auth::Anonymous,
                Some(json!({ "account": PHONE, "password": "whatever1" })),
            )
            .await;
        assert_eq!(response.status(), 401);
    }
    let limited = app
        .call(
            "POST",
            "/api/v1/auth/login",
            Auth::Anonymous,
            Some(json!({ "account": PHONE, "password": "whatever1" })),
        )
        .await;
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=300).contains(&retry_after), "{retry_after}");
    error_envelope(limited, 429, "rate_limited").await;
}

async fn tokens_expire_and_logout_revokes_them(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    app.register_citizen(CITIZEN_ID, PHONE).await;
    let token = app.api_login(PHONE, CITIZEN_PASSWORD).await;
    let logout = app
        .call("POST", "/api/v1/auth/logout", Auth::Bearer(&token), None)
        .await;
    assert_eq!(logout.status(), 204);
    let after = app
        .call("GET", "/api/v1/me", Auth::Bearer(&token), None)
        .await;
    error_envelope(after, 401, "session_revoked").await;

    let token = app.api_login(PHONE, CITIZEN_PASSWORD).await;
    app.clock.advance(Duration::hours(24));
    let expired = app
        .call("GET", "/api/v1/me", Auth::Bearer(&token), None)
        .await;
    error_envelope(expired, 401, "session_expired").await;
    let none = app.call("GET", "/api/v1/me", Auth::Anonymous, None).await;
    error_envelope(none, 401, "unauthorized").await;
    let forged = app
        .call("GET", "/api/v1/me", Auth::Bearer("not-a-token"), None)
        .await;
    error_envelope(forged, 401, "unauthorized").await;
}

/// A web session: cookie-borne writes need the CSRF token; the session idles out after 30
/// minutes; "sign out other devices" ends the others.
async fn web_sessions_need_csrf_and_idle_out(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    app.register_citizen(CITIZEN_ID, PHONE).await;
    let web = service::auth::login(
        &app.portal,
        service::auth::LoginAttempt {
            account: PHONE,
            password: CITIZEN_PASSWORD,
            agent: None,
            totp: None,
            channel: service::auth::Channel::Web,
            address: "test",
            user_agent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0",
            door: service::auth::LoginDoor::Public,
        },
    )
    .await
    .unwrap();
    let profile = json!({ "address": "示范市人民大道1号", "postal_code": "350001", "email": "" });
    let without = app
        .call(
            "PUT",
            "/api/v1/me/profile",
            Auth::Cookie {
                token: &web.token,
                csrf: None,
            },
            Some(profile.clone()),
        )
        .await;
    error_envelope(without, 403, "csrf_failed").await;
    let wrong = app
        .call(
            "PUT",
            "/api/v1/me/profile",
            Auth::Cookie {
                token: &web.token,
                csrf: Some("forged"),
            },
            Some(profile.clone()),
        )
        .await;
    error_envelope(wrong, 403, "csrf_failed").await;
    let with = app
        .call(
            "PUT",
            "/api/v1/me/profile",
            Auth::Cookie {
                token: &web.token,
                csrf: Some(&web.csrf_token),
            },
            Some(profile),
        )
        .await;
    assert_eq!(with.status(), 200, "{}", body_text(with).await);

    // Two more devices; ending the others from the web keeps only the web session.
    let phone_token = app.api_login(PHONE, CITIZEN_PASSWORD).await;
    let listed = body_json(
        app.call(
            "GET",
            "/api/v1/me/sessions",
            Auth::Bearer(&phone_token),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(listed["total"], 2);
    let ended = app
        .call(
            "POST",
            "/api/v1/me/sessions/revoke-others",
            Auth::Cookie {
                token: &web.token,
                csrf: Some(&web.csrf_token),
            },
            None,
        )
        .await;
    assert_eq!(ended.status(), 204);
    let gone = app
        .call("GET", "/api/v1/me", Auth::Bearer(&phone_token), None)
        .await;
    error_envelope(gone, 401, "session_revoked").await;

    app.clock.advance(Duration::minutes(31));
    let idle = app
        .call(
            "GET",
            "/api/v1/me",
            Auth::Cookie {
                token: &web.token,
                csrf: None,
            },
            None,
        )
        .await;
    assert!(
        idle.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0"),
        "an expired cookie is cleared"
    );
    error_envelope(idle, 401, "session_expired").await;
}

async fn staff_cannot_skip_the_second_factor(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let new = domain::account::NewStaff {
        username: "fresh01".into(),
        name: "刘建国".into(),
        role: "approver".into(),
        department: Some("scjg".into()),
        password: STAFF_PASSWORD.into(),
        ..Default::default()
    };
    service::staff::create_staff(&app.portal, service::staff::Creator::CommandLine, &new)
        .await
        .unwrap();
    let not_enrolled = app
        .call(
            "POST",
            "/api/v1/auth/login",
            Auth::Anonymous,
            Some(json!({ "account": "fresh01", "password": STAFF_PASSWORD })),
        )
        .await;
    // Created by the command line: the password is one-time. The answer carries a ticket that
    // opens nothing but the change.
    let error = error_envelope(not_enrolled, 403, "password_change_required").await;
    let ticket = error["change_ticket"]
        .as_str()
        .expect("a change ticket")
        .to_owned();
    for (method, path, body) in [
        ("GET", "/api/v1/staff/me", None),
        ("GET", "/api/v1/me", None),
        (
            "PUT",
            "/api/v1/me/password",
            Some(json!({ "current_password": STAFF_PASSWORD, "new_password": "Fresh-Own-2026" })),
        ),
    ] {
        let as_token = app.call(method, path, Auth::Bearer(&ticket), body).await;
        assert_eq!(as_token.status(), 401, "the ticket is no token: {path}");
    }
    let change = |ticket: &str, new_password: &str| {
        app.call(
            "POST",
            "/api/v1/auth/password-change",
            Auth::Anonymous,
            Some(json!({ "change_ticket": ticket, "new_password": new_password })),
        )
    };
    let same = error_envelope(
        change(&ticket, STAFF_PASSWORD).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(
        same["fields"]["new_password"][0],
        "新密码不能与初始密码相同"
    );
    let weak = error_envelope(change(&ticket, "short").await, 422, "validation_failed").await;
    assert!(weak["fields"]["new_password"].is_array(), "{weak}");
    error_envelope(
        change("not-a-ticket", "Fresh-Own-2026").await,
        401,
        "invalid_change_ticket",
    )
    .await;
    // The caller before the body: no ticket is told so before a missing password.
    let nothing = app
        .call(
            "POST",
            "/api/v1/auth/password-change",
            Auth::Anonymous,
            Some(json!({})),
        )
        .await;
    error_envelope(nothing, 401, "invalid_change_ticket").await;
    // Two presses at once: one change, and the ticket is spent.
    let (first, second) = tokio::join!(
        change(&ticket, "Fresh-Own-2026"),
        change(&ticket, "Fresh-Own-2027")
    );
    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [204, 401]);
    error_envelope(
        change(&ticket, "Fresh-Own-2028").await,
        401,
        "invalid_change_ticket",
    )
    .await;
    let winner = if first.status() == 204 {
        "Fresh-Own-2026"
    } else {
        "Fresh-Own-2027"
    };
    // The old password is gone; the new one leads on to the authenticator (bound on the web).
    let old = app
        .call(
            "POST",
            "/api/v1/auth/login",
            Auth::Anonymous,
            Some(json!({ "account": "fresh01", "password": STAFF_PASSWORD })),
        )
        .await;
    error_envelope(old, 401, "invalid_credentials").await;
    let changed = app
        .call(
            "POST",
            "/api/v1/auth/login",
            Auth::Anonymous,
            Some(json!({ "account": "fresh01", "password": winner })),
        )
        .await;
    assert_eq!(changed.headers()["cache-control"], "no-store");
    let error = error_envelope(changed, 403, "totp_not_enrolled").await;
    assert!(error.get("change_ticket").is_none(), "{error}");
    // A right password is no failed try, however often the authenticator is still missing.
    for _ in 0..app.portal.auth_settings().lockout_threshold {
        let again = app
            .call(
                "POST",
                "/api/v1/auth/login",
                Auth::Anonymous,
                Some(json!({ "account": "fresh01", "password": winner })),
            )
            .await;
        error_envelope(again, 403, "totp_not_enrolled").await;
    }
    // A ticket lasts ten minutes.
    let expired = {
        let new = domain::account::NewStaff {
            username: "fresh02".into(),
            name: "刘建华".into(),
            role: "approver".into(),
            department: Some("scjg".into()),
            password: STAFF_PASSWORD.into(),
            ..Default::default()
        };
        service::staff::create_staff(&app.portal, service::staff::Creator::CommandLine, &new)
            .await
            .unwrap();
        let login = app
            .call(
                "POST",
                "/api/v1/auth/login",
                Auth::Anonymous,
                Some(json!({ "account": "fresh02", "password": STAFF_PASSWORD })),
            )
            .await;
        let error = error_envelope(login, 403, "password_change_required").await;
        app.clock.advance(Duration::minutes(11));
        change(error["change_ticket"].as_str().unwrap(), "Fresh-Own-2026").await
    };
    error_envelope(expired, 401, "invalid_change_ticket").await;

    let (username, secret) = app.enrolled_staff("clerk").await;
    let no_code = app
        .call(
            "POST",
            "/api/v1/auth/login",
            Auth::Anonymous,
            Some(json!({ "account": username, "password": STAFF_PASSWORD })),
        )
        .await;
    // Once enrolled, a right password without the code answers like a wrong password.
    error_envelope(no_code, 401, "invalid_credentials").await;
    let wrong_code = app
        .call(
            "POST",
            "/api/v1/auth/login",
            Auth::Anonymous,
            Some(json!({ "account": username, "password": STAFF_PASSWORD, "totp": "000000" })),
        )
        .await;
    error_envelope(wrong_code, 401, "invalid_credentials").await;
    let code = app.totp_now(&secret);
    let first = app
        .call(
            "POST",
            "/api/v1/auth/login",
            Auth::Anonymous,
            Some(json!({ "account": username, "password": STAFF_PASSWORD, "totp": code })),
        )
        .await;
    assert_eq!(first.status(), 200);
    // The same code again is a replay.
    let replay = app
        .call(
            "POST",
            "/api/v1/auth/login",
            Auth::Anonymous,
            Some(json!({ "account": username, "password": STAFF_PASSWORD, "totp": code })),
        )
        .await;
    error_envelope(replay, 401, "invalid_credentials").await;
}

/// Every staff route against every role, a citizen and nobody: who gets in, who gets 403/401.
async fn every_staff_route_checks_the_role(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    app.register_citizen(CITIZEN_ID, PHONE).await;
    let citizen = app.api_login(PHONE, CITIZEN_PASSWORD).await;
    let mut tokens = Vec::new();
    for role in ["clerk", "approver", "issuer", "supervisor", "admin"] {
        let (username, secret) = app.enrolled_staff(role).await;
        tokens.push((role, app.staff_token(&username, &secret).await));
    }
    let lookup = json!({ "id_number": CITIZEN_ID, "purpose": "窗口核验申请人身份" });
    // (method, path, body, roles allowed)
    let routes: Vec<(&str, &str, Option<serde_json::Value>, &[&str])> = vec![
        (
            "GET",
            "/api/v1/staff/me",
            None,
            &["clerk", "approver", "issuer", "supervisor", "admin"],
        ),
        (
            "POST",
            "/api/v1/staff/citizens/lookup",
            Some(lookup),
            &["clerk", "approver", "issuer", "supervisor"],
        ),
        ("GET", "/api/v1/staff/users", None, &["supervisor", "admin"]),
        ("POST", "/api/v1/staff/users", None, &["admin"]),
        (
            "GET",
            "/api/v1/staff/audit-log",
            None,
            &["supervisor", "admin"],
        ),
        ("PUT", "/api/v1/staff/users/{clerk}/role", None, &["admin"]),
    ];
    let users = body_json(
        app.call(
            "GET",
            "/api/v1/staff/users",
            Auth::Bearer(&tokens[4].1),
            None,
        )
        .await,
    )
    .await;
    let clerk_id = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "clerk01")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (index, (method, path, body, allowed)) in routes.iter().enumerate() {
        let path = path.replace("{clerk}", &clerk_id);
        // Each caller sends a body the route would accept, so only the role decides.
        let body_for = |who: &str| match (*method, path.as_str()) {
            ("POST", "/api/v1/staff/users") => Some(json!({
                "username": format!("by{who}{index}"), "name": "赵敏", "role": "supervisor",
                "password": STAFF_PASSWORD })),
            ("PUT", _) => Some(json!({ "role": "clerk", "hall_id": "city", "zone": "social" })),
            _ => body.clone(),
        };
        for (role, token) in &tokens {
            let response = app
                .call(method, &path, Auth::Bearer(token), body_for(role))
                .await;
            let status = response.status().as_u16();
            if allowed.contains(role) {
                assert!(
                    (200..300).contains(&status),
                    "{role} {method} {path}: {status}"
                );
            } else {
                error_envelope(response, 403, "forbidden").await;
            }
        }
        let as_citizen = app
            .call(method, &path, Auth::Bearer(&citizen), body_for("citizen"))
            .await;
        error_envelope(as_citizen, 403, "staff_only").await;
        let anonymous = app
            .call(method, &path, Auth::Anonymous, body_for("anonymous"))
            .await;
        error_envelope(anonymous, 401, "unauthorized").await;
    }

    // The lookups above are what the citizen now sees, with the purpose and a masked name.
    let log = body_json(
        app.call("GET", "/api/v1/me/access-log", Auth::Bearer(&citizen), None)
            .await,
    )
    .await;
    let views: Vec<&serde_json::Value> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["action"] == "查看个人信息")
        .collect();
    assert_eq!(views.len(), 4, "{log}");
    assert!(
        views
            .iter()
            .all(|v| v["who"] == "陈**" && v["purpose"] == "窗口核验申请人身份")
    );
    assert!(
        views.iter().any(|v| v["unit"] == "示范市市场监督管理局"),
        "{log}"
    );
}

async fn a_business_is_run_by_its_agents(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let business = json!({
        "kind": "business",
        "credit_code": "91350100M000100Y43",
        "org_name": "示范市星火科技有限公司",
        "legal_rep_name": "李四",
    });
    // A business is registered by a signed-in citizen, who becomes its first 经办人.
    let anonymous = app
        .call(
            "POST",
            "/api/v1/auth/register",
            Auth::Anonymous,
            Some(business.clone()),
        )
        .await;
    error_envelope(anonymous, 401, "unauthorized").await;
    app.register_citizen(CITIZEN_ID, PHONE).await;
    let citizen = app.api_login(PHONE, CITIZEN_PASSWORD).await;
    let created = app
        .call(
            "POST",
            "/api/v1/auth/register",
            Auth::Bearer(&citizen),
            Some(business.clone()),
        )
        .await;
    assert_eq!(created.status(), 201, "{}", body_text(created).await);
    let created = body_json(created).await;
    assert_eq!(created["kind"], "business");
    assert!(created["business_id"].is_string(), "{created}");
    let again = app
        .call(
            "POST",
            "/api/v1/auth/register",
            Auth::Bearer(&citizen),
            Some(business),
        )
        .await;
    error_envelope(again, 409, "credit_code_taken").await;

    // Credit-code login needs the 经办人.
    let no_agent = app
        .call(
            "POST",
            "/api/v1/auth/login",
            Auth::Anonymous,
            Some(json!({ "account": "91350100M000100Y43", "password": CITIZEN_PASSWORD })),
        )
        .await;
    let error = error_envelope(no_agent, 422, "validation_failed").await;
    assert!(error["fields"]["agent"].is_array());
    let login = app
        .call(
            "POST",
            "/api/v1/auth/login",
            Auth::Anonymous,
            Some(json!({ "account": "91350100M000100Y43", "agent": PHONE,
                         "password": CITIZEN_PASSWORD })),
        )
        .await;
    assert_eq!(login.status(), 200);
    let login = body_json(login).await;
    assert_eq!(
        login["principal"]["acting_for"]["org_name"],
        "示范市星火科技有限公司"
    );
    let admin = login["token"].as_str().unwrap().to_owned();

    // A second citizen, authorised and then revoked by the administrating 经办人.
    let other_id = "440304198503150028";
    let response = app
        .call(
            "POST",
            "/api/v1/auth/register",
            Auth::Anonymous,
            Some(
                json!({ "kind": "citizen", "id_number": other_id, "name": "王五",
                         "phone": "13900139000", "password": CITIZEN_PASSWORD }),
            ),
        )
        .await;
    assert_eq!(response.status(), 201);
    let wrong_name = app
        .call(
            "POST",
            "/api/v1/me/business/agents",
            Auth::Bearer(&admin),
            Some(json!({ "id_number": other_id, "name": "王六" })),
        )
        .await;
    error_envelope(wrong_name, 422, "validation_failed").await;
    let granted = app
        .call(
            "POST",
            "/api/v1/me/business/agents",
            Auth::Bearer(&admin),
            Some(json!({ "id_number": other_id, "name": "王五" })),
        )
        .await;
    assert_eq!(granted.status(), 204);
    let agent = app
        .call(
            "POST",
            "/api/v1/auth/login",
            Auth::Anonymous,
            Some(json!({ "account": "91350100M000100Y43", "agent": other_id,
                         "password": CITIZEN_PASSWORD })),
        )
        .await;
    let agent = body_json(agent).await["token"].as_str().unwrap().to_owned();
    let account = body_json(
        app.call("GET", "/api/v1/me/business", Auth::Bearer(&agent), None)
            .await,
    )
    .await;
    assert_eq!(account["agents"].as_array().unwrap().len(), 2);
    let text = account.to_string();
    assert!(!text.contains(other_id) && !text.contains(CITIZEN_ID));
    // An ordinary 经办人 cannot add others.
    let refused = app
        .call(
            "POST",
            "/api/v1/me/business/agents",
            Auth::Bearer(&agent),
            Some(json!({ "id_number": CITIZEN_ID, "name": "张三" })),
        )
        .await;
    error_envelope(refused, 403, "agent_admin_only").await;
    let other_citizen_id = account["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["is_admin"] == false)
        .unwrap()["citizen_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let revoked = app
        .call(
            "POST",
            &format!("/api/v1/me/business/agents/{other_citizen_id}/revoke"),
            Auth::Bearer(&admin),
            None,
        )
        .await;
    assert_eq!(revoked.status(), 204);
    let after = app
        .call("GET", "/api/v1/me/business", Auth::Bearer(&agent), None)
        .await;
    error_envelope(after, 403, "not_acting_for_business").await;
}

async fn password_change_checks_the_current_one_and_ends_other_sessions(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    app.register_citizen(CITIZEN_ID, PHONE).await;
    let first = app.api_login(PHONE, CITIZEN_PASSWORD).await;
    let second = app.api_login(PHONE, CITIZEN_PASSWORD).await;
    let wrong = app
        .call(
            "PUT",
            "/api/v1/me/password",
            Auth::Bearer(&first),
            Some(json!({ "current_password": "nope12345", "new_password": "river2026x" })),
        )
        .await;
    let error = error_envelope(wrong, 422, "validation_failed").await;
    assert_eq!(error["fields"]["current_password"][0], "当前密码不正确");
    let changed = app
        .call(
            "PUT",
            "/api/v1/me/password",
            Auth::Bearer(&first),
            Some(json!({ "current_password": CITIZEN_PASSWORD, "new_password": "river2026x" })),
        )
        .await;
    assert_eq!(body_json(changed).await["other_sessions_ended"], 1);
    let ended = app
        .call("GET", "/api/v1/me", Auth::Bearer(&second), None)
        .await;
    error_envelope(ended, 401, "session_revoked").await;
    assert_eq!(
        app.call("GET", "/api/v1/me", Auth::Bearer(&first), None)
            .await
            .status(),
        200
    );
    app.api_login(PHONE, "river2026x").await;
}

async fn every_identity_route_of_the_contract_is_documented(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let document = body_json(app.get("/api/v1/openapi.json").await).await;
    for (method, path) in [
        ("post", "/api/v1/auth/register"),
        ("post", "/api/v1/auth/login"),
        ("post", "/api/v1/auth/logout"),
        ("get", "/api/v1/me"),
        ("put", "/api/v1/me/profile"),
        ("get", "/api/v1/me/access-log"),
        ("get", "/api/v1/staff/users"),
        ("post", "/api/v1/staff/users"),
    ] {
        assert!(
            document["paths"][path][method].is_object(),
            "{method} {path} is documented"
        );
    }
    assert_eq!(
        document["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
}

on_both_databases!(
    every_identity_route_of_the_contract_is_documented,
    registration_validates_every_field_and_refuses_duplicates,
    login_by_id_number_or_phone_shows_only_masked_numbers,
    wrong_passwords_lock_the_account_for_the_configured_time,
    one_address_is_limited_with_retry_after,
    tokens_expire_and_logout_revokes_them,
    web_sessions_need_csrf_and_idle_out,
    staff_cannot_skip_the_second_factor,
    every_staff_route_checks_the_role,
    a_business_is_run_by_its_agents,
    password_change_checks_the_current_one_and_ends_other_sessions,
);

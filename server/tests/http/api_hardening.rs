//! What an attacker tries against the API, and what they must not learn or reach: no password
//! check outside the lockout, no account oracle in a lockout or a staff code, the client address
//! our proxy saw (not the one a client writes), limits that hold under a flood.

use crate::common::{
    Auth, CITIZEN_ID, CITIZEN_PASSWORD, CITIZEN_PHONE, STAFF_PASSWORD, TestApp, body_json,
    body_text, error_envelope,
};
use axum::body::Body;
use axum::extract::ConnectInfo;
use http::{Request, Response};
use serde_json::{Value, json};
use server::config::Config;
use server::http::v1;
use service::Backend;
use std::net::SocketAddr;

const OTHER_ID: &str = "440304198503150028";
const OTHER_PHONE: &str = "13900139000";

async fn login(app: &TestApp, account: &str, password: &str) -> Response<Body> {
    app.call(
        "POST",
        "/api/v1/auth/login",
        Auth::Anonymous,
        Some(json!({ "account": account, "password": password })),
    )
    .await
}

/// Status, code and message: everything a client can tell two answers apart by.
async fn answer(response: Response<Body>) -> (u16, Value, Value) {
    let status = response.status().as_u16();
    let body = body_json(response).await;
    (
        status,
        body["error"]["code"].clone(),
        body["error"]["message"].clone(),
    )
}

async fn a_wrong_password_anywhere_counts_toward_the_lockout(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let token = app.citizen_token().await;
    app.register_citizen(OTHER_ID, OTHER_PHONE).await;
    let threshold = app.portal.auth_settings().lockout_threshold;
    // The same number of wrong tries: a password change for one account, logins for the other.
    for attempt in 1..=threshold {
        let change = app
            .call(
                "PUT",
                "/api/v1/me/password",
                Auth::Bearer(&token),
                Some(json!({ "current_password": "guess-1234", "new_password": "Another-2026" })),
            )
            .await;
        let wrong_login = login(&app, OTHER_PHONE, "guess-1234").await;
        if attempt < threshold {
            let error = error_envelope(change, 422, "validation_failed").await;
            assert!(error["fields"]["current_password"].is_array(), "{error}");
            error_envelope(wrong_login, 401, "invalid_credentials").await;
        } else {
            let locked = error_envelope(change, 429, "account_locked").await;
            let also_locked = error_envelope(wrong_login, 429, "account_locked").await;
            assert_eq!(locked["message"], also_locked["message"]);
        }
    }
    // Locked like a login lockout: the right password does not open it either.
    error_envelope(
        login(&app, CITIZEN_PHONE, CITIZEN_PASSWORD).await,
        429,
        "account_locked",
    )
    .await;
    let change = app
        .call(
            "PUT",
            "/api/v1/me/password",
            Auth::Bearer(&token),
            Some(json!({ "current_password": CITIZEN_PASSWORD, "new_password": "Another-2026" })),
        )
        .await;
    error_envelope(change, 429, "account_locked").await;
    app.clock.advance(time::Duration::minutes(
        app.portal.auth_settings().lockout_minutes.into(),
    ));
    assert_eq!(
        login(&app, CITIZEN_PHONE, CITIZEN_PASSWORD).await.status(),
        200
    );

    // A business names nobody's password: the old shape with an agent's password is refused
    // anonymously, and nothing checks the password it carries.
    let business = json!({
        "kind": "business",
        "credit_code": "91350100M000100Y43",
        "org_name": "示范市星火科技有限公司",
        "legal_rep_name": "李四",
        "agent": { "id_number": OTHER_ID, "name": "张三", "phone": OTHER_PHONE, "password": "guess-1234" },
    });
    let anonymous = app
        .call(
            "POST",
            "/api/v1/auth/register",
            Auth::Anonymous,
            Some(business),
        )
        .await;
    error_envelope(anonymous, 401, "unauthorized").await;
}

async fn an_unknown_account_locks_like_a_known_one(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    app.register_citizen(CITIZEN_ID, CITIZEN_PHONE).await;
    let threshold = app.portal.auth_settings().lockout_threshold;
    for _ in 0..=threshold {
        let known = answer(login(&app, CITIZEN_PHONE, "guess-1234").await).await;
        let unknown = answer(login(&app, "13700137000", "guess-1234").await).await;
        assert_eq!(known, unknown, "the same answer, try after try");
    }
    let (status, code, _) = answer(login(&app, "13700137000", "guess-1234").await).await;
    assert_eq!((status, code), (429, json!("account_locked")));
    // Tries on a phone say nothing about which ID number goes with it.
    app.register_citizen(OTHER_ID, OTHER_PHONE).await;
    for _ in 1..threshold {
        answer(login(&app, OTHER_PHONE, "guess-1234").await).await;
    }
    let same_person = answer(login(&app, OTHER_ID, "guess-1234").await).await;
    let nobody = answer(login(&app, "110101199003070011", "guess-1234").await).await;
    assert_eq!(same_person, nobody);
    assert_eq!(same_person.0, 401);
    // Nor does a credit code say whether a company uses the portal.
    let business = app.api_login(OTHER_PHONE, CITIZEN_PASSWORD).await;
    let registered = app
        .call(
            "POST",
            "/api/v1/auth/register",
            Auth::Bearer(&business),
            Some(
                json!({ "kind": "business", "credit_code": "91350100M000100Y43",
                         "org_name": "示范市星火科技有限公司", "legal_rep_name": "李四" }),
            ),
        )
        .await;
    assert_eq!(registered.status(), 201);
    let company_login = |code: &'static str| {
        app.call(
            "POST",
            "/api/v1/auth/login",
            Auth::Anonymous,
            Some(json!({ "account": code, "agent": OTHER_PHONE, "password": "guess-1234" })),
        )
    };
    let known = answer(company_login("91350100M000100Y43").await).await;
    let unknown = answer(company_login("91350100MA0000000L").await).await;
    assert_eq!(known, unknown);
    assert_eq!(known.0, 401);
    // A company login is its 经办人's login, counted on the 经办人's own name: another spelling
    // of the phone or another company's code gives no fresh tries. Two company tries are
    // counted already; two more spellings make four, and the fifth try, direct, locks.
    assert_eq!(threshold, 5);
    for spelling in ["139 0013 9000", "+8613900139000"] {
        let response = app
            .call(
                "POST",
                "/api/v1/auth/login",
                Auth::Anonymous,
                Some(json!({ "account": "91350100MA0000000L", "agent": spelling, "password": "guess-1234" })),
            )
            .await;
        error_envelope(response, 401, "invalid_credentials").await;
    }
    let direct = answer(login(&app, OTHER_PHONE, "guess-1234").await).await;
    assert_eq!(
        (direct.0, direct.1),
        (429, json!("account_locked")),
        "the same count"
    );
    // Both open again after the lockout; housekeeping then forgets the unknown name.
    app.clock.advance(time::Duration::minutes(
        i64::from(app.portal.auth_settings().lockout_minutes) + 1,
    ));
    let known = answer(login(&app, CITIZEN_PHONE, "guess-1234").await).await;
    let unknown = answer(login(&app, "13700137000", "guess-1234").await).await;
    assert_eq!(known, unknown);
    assert_eq!(known.0, 401);
    app.clock.advance(time::Duration::hours(1));
    assert!(service::auth::purge_throttles(&app.portal).await.unwrap() > 0);
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_name_failures")
        .fetch_one(app.portal.db().pool())
        .await
        .unwrap();
    assert_eq!(left, 0);
    let stored: Vec<String> = sqlx::query_scalar("SELECT name_hash FROM login_name_failures")
        .fetch_all(app.portal.db().pool())
        .await
        .unwrap();
    assert!(stored.iter().all(|hash| !hash.contains("13700137000")));
}

async fn a_staff_code_tells_nothing_and_counts(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let (username, secret) = app.enrolled_staff("clerk").await;
    let staff_login = |totp: Option<String>, password: &'static str| {
        let mut body = json!({ "account": username, "password": password });
        if let Some(code) = totp {
            body["totp"] = json!(code);
        }
        app.call("POST", "/api/v1/auth/login", Auth::Anonymous, Some(body))
    };
    let wrong_password =
        answer(staff_login(Some(app.totp_now(&secret)), "Wrong-Pass-2026").await).await;
    let no_code = answer(staff_login(None, STAFF_PASSWORD).await).await;
    let wrong_code = answer(staff_login(Some("123456".into()), STAFF_PASSWORD).await).await;
    assert_eq!(wrong_password.0, 401);
    assert_eq!(
        no_code, wrong_password,
        "a missing code reads like a wrong password"
    );
    assert_eq!(wrong_code, wrong_password, "so does a wrong one");
    // Each counted: the threshold's failure locks, whatever part was wrong.
    let threshold = app.portal.auth_settings().lockout_threshold;
    for _ in 3..threshold {
        answer(staff_login(None, STAFF_PASSWORD).await).await;
    }
    let locked = answer(staff_login(Some(app.totp_now(&secret)), STAFF_PASSWORD).await).await;
    assert_eq!((locked.0, locked.1), (429, json!("account_locked")));
    app.clock.advance(time::Duration::minutes(
        i64::from(app.portal.auth_settings().lockout_minutes) + 1,
    ));

    // One code, five logins at once: one session.
    let code = app.totp_now(&secret);
    let attempts = (0..5).map(|_| staff_login(Some(code.clone()), STAFF_PASSWORD));
    let statuses: Vec<u16> = futures::future::join_all(attempts)
        .await
        .iter()
        .map(|response| response.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [200, 401].contains(s)),
        "{statuses:?}"
    );
}

/// A login attempt through our proxy, which appends the address it saw.
async fn login_via_proxy(app: &TestApp, forwarded_for: &str) -> u16 {
    let mut request = Request::post("/api/v1/auth/login")
        .header("content-type", "application/json")
        .header("x-forwarded-for", forwarded_for)
        .body(Body::from(
            json!({ "account": "13700137000", "password": "guess-1234" }).to_string(),
        ))
        .unwrap();
    let proxy: SocketAddr = "10.0.0.2:41000".parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(proxy));
    app.send(request).await.status().as_u16()
}

async fn limits_count_the_address_our_proxy_saw(backend: Backend) {
    let mut config = Config::default();
    config.http.trust_forwarded_for = true;
    config.http.trusted_proxy_hops = 1;
    config.auth.attempts_per_address = 3;
    config.auth.lockout_threshold = 1000;
    let Some(app) = TestApp::with(backend, config, v1::routes()).await else {
        return;
    };
    // A client writing a fresh address of its own each time is still one client.
    for n in 0..3 {
        let spoofed = format!("198.51.100.{n}, 203.0.113.7");
        assert_eq!(login_via_proxy(&app, &spoofed).await, 401);
    }
    assert_eq!(
        login_via_proxy(&app, "198.51.100.99, 203.0.113.7").await,
        429
    );
    assert_eq!(
        login_via_proxy(&app, "203.0.113.8").await,
        401,
        "someone else"
    );
    // IPv6 counts per /64: a line's addresses are all one client.
    for n in 1..=3 {
        let address = format!("2001:db8:1:2::{n:x}");
        assert_eq!(login_via_proxy(&app, &address).await, 401);
    }
    assert_eq!(
        login_via_proxy(&app, "2001:db8:1:2:ffff:ffff:ffff:ffff").await,
        429
    );
    assert_eq!(login_via_proxy(&app, "2001:db8:1:3::1").await, 401);
    // Housekeeping forgets finished windows.
    app.clock.advance(time::Duration::minutes(10));
    assert!(service::auth::purge_throttles(&app.portal).await.unwrap() >= 3);
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_throttle")
        .fetch_one(app.portal.db().pool())
        .await
        .unwrap();
    assert_eq!(left, 0);
    assert_eq!(
        login_via_proxy(&app, "198.51.100.99, 203.0.113.7").await,
        401
    );

    // Without trust, the header is only what the client wrote: the TCP peer counts.
    let mut config = Config::default();
    config.auth.attempts_per_address = 3;
    config.auth.lockout_threshold = 1000;
    let Some(app) = TestApp::with(backend, config, v1::routes()).await else {
        return;
    };
    for n in 0..3 {
        assert_eq!(login_via_proxy(&app, &format!("198.51.100.{n}")).await, 401);
    }
    assert_eq!(login_via_proxy(&app, "198.51.100.200").await, 429);
}

async fn an_agent_grant_is_throttled_and_every_try_audited(backend: Backend) {
    let mut config = Config::default();
    config.auth.attempts_per_address = 4;
    let Some(app) = TestApp::with(backend, config, v1::routes()).await else {
        return;
    };
    let admin = app.citizen_token().await;
    app.register_citizen(OTHER_ID, OTHER_PHONE).await;
    let registered = app
        .call(
            "POST",
            "/api/v1/auth/register",
            Auth::Bearer(&admin),
            Some(
                json!({ "kind": "business", "credit_code": "91350100M000100Y43",
                         "org_name": "示范市星火科技有限公司", "legal_rep_name": "李四" }),
            ),
        )
        .await;
    assert_eq!(registered.status(), 201);
    let business_id = body_json(registered).await["business_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let acting = app
        .call(
            "PUT",
            "/api/v1/me/acting-for",
            Auth::Bearer(&admin),
            Some(json!({ "business_id": business_id })),
        )
        .await;
    assert_eq!(acting.status(), 200, "{}", body_text(acting).await);
    let grant = |name: &'static str| {
        app.call(
            "POST",
            "/api/v1/me/business/agents",
            Auth::Bearer(&admin),
            Some(json!({ "id_number": OTHER_ID, "name": name })),
        )
    };
    // Guessing which name goes with a number: each miss is audited, and the guesses run out.
    for _ in 0..3 {
        error_envelope(grant("李四").await, 422, "validation_failed").await;
    }
    assert_eq!(grant("张三").await.status(), 204, "the fourth try, right");
    error_envelope(grant("王五").await, 429, "rate_limited").await;
    let misses: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'agent.lookup_failed'")
            .fetch_one(app.portal.db().pool())
            .await
            .unwrap();
    assert_eq!(misses, 3);

    // The other 经办人 sees the administrator's phone masked.
    let agent = app.api_login(OTHER_PHONE, CITIZEN_PASSWORD).await;
    let acting = app
        .call(
            "PUT",
            "/api/v1/me/acting-for",
            Auth::Bearer(&agent),
            Some(json!({ "business_id": business_id })),
        )
        .await;
    assert_eq!(acting.status(), 200);
    let business = app
        .call("GET", "/api/v1/me/business", Auth::Bearer(&agent), None)
        .await;
    let text = body_text(business).await;
    assert!(
        !text.contains(CITIZEN_PHONE) && !text.contains(CITIZEN_ID),
        "{text}"
    );
    assert!(text.contains("138****8000"), "{text}");
}

async fn a_staff_lookup_that_finds_nobody_is_audited(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let (username, secret) = app.enrolled_staff("clerk").await;
    let clerk = app.staff_token(&username, &secret).await;
    let lookup = app
        .call(
            "POST",
            "/api/v1/staff/citizens/lookup",
            Auth::Bearer(&clerk),
            Some(json!({ "id_number": OTHER_ID, "purpose": "窗口核验申请人身份" })),
        )
        .await;
    error_envelope(lookup, 404, "not_found").await;
    let details: Vec<String> =
        sqlx::query_scalar("SELECT detail FROM audit_log WHERE action = 'staff.lookup_not_found'")
            .fetch_all(app.portal.db().pool())
            .await
            .unwrap();
    assert_eq!(details.len(), 1);
    assert!(details[0].contains("窗口核验申请人身份"), "{details:?}");
    assert!(
        !details[0].contains(OTHER_ID),
        "the number masked: {details:?}"
    );
}

async fn a_burst_of_guesses_gets_no_more_tries_than_one_by_one(backend: Backend) {
    let mut config = Config::default();
    config.auth.attempts_per_address = 1000;
    config.auth.hashing_queue = 100;
    let Some(app) = TestApp::with(backend, config, v1::routes()).await else {
        return;
    };
    app.register_citizen(CITIZEN_ID, CITIZEN_PHONE).await;
    let threshold = app.portal.auth_settings().lockout_threshold as usize;
    let burst = (0..4 * threshold).map(|n| {
        login(
            &app,
            CITIZEN_PHONE,
            if n % 2 == 0 {
                "guess-1234"
            } else {
                "guess-5678"
            },
        )
    });
    let mut wrong = 0;
    let mut locked = 0;
    for response in futures::future::join_all(burst).await {
        match answer(response).await {
            (401, code, _) if code == "invalid_credentials" => wrong += 1,
            (429, code, _) if code == "account_locked" => locked += 1,
            other => panic!("{other:?}"),
        }
    }
    // As one by one: the tries before the threshold are told "wrong", the threshold's own try
    // and every later one "locked", and only the threshold's tries had their password checked.
    assert_eq!((wrong, locked), (threshold - 1, 3 * threshold + 1));
    let checked: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'login.failed' AND subject LIKE 'citizen:%'",
    )
    .fetch_one(app.portal.db().pool())
    .await
    .unwrap();
    assert_eq!(checked, threshold as i64);
    error_envelope(
        login(&app, CITIZEN_PHONE, CITIZEN_PASSWORD).await,
        429,
        "account_locked",
    )
    .await;
}

async fn a_login_flood_is_answered_busy_not_queued(backend: Backend) {
    let mut config = Config::default();
    config.auth.hashing_concurrency = 1;
    config.auth.hashing_queue = 0;
    config.auth.attempts_per_address = 1000;
    let Some(app) = TestApp::with(backend, config, v1::routes()).await else {
        return;
    };
    let flood = (0..12).map(|n| {
        app.call(
            "POST",
            "/api/v1/auth/login",
            Auth::Anonymous,
            Some(json!({ "account": format!("1370013{n:04}"), "password": "guess-1234" })),
        )
    });
    let answers = futures::future::join_all(flood).await;
    let mut busy = 0;
    for response in answers {
        match response.status().as_u16() {
            401 => {}
            503 => {
                assert_eq!(response.headers()["retry-after"], "5");
                error_envelope(response, 503, "busy").await;
                busy += 1;
            }
            other => panic!("{other}: {}", body_text(response).await),
        }
    }
    assert!(
        busy > 0,
        "one core, no queue: twelve at once cannot all be heard"
    );
}

async fn one_person_cannot_fill_the_store(backend: Backend) {
    let mut config = Config::default();
    config.applications.upload_quota_mb = 1;
    config.applications.max_open_drafts = 2;
    let Some(app) = TestApp::with(backend, config, v1::routes()).await else {
        return;
    };
    service::seed::run(&app.test_db.db).await.expect("seed");
    let token = app.citizen_token().await;
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.resize(600 * 1024, b' ');
    pdf.extend_from_slice(b"\n%%EOF\n");
    assert_eq!(app.upload(&token, "一.pdf", &pdf).await.status(), 201);
    let full = app.upload(&token, "二.pdf", &pdf).await;
    let error = error_envelope(full, 422, "upload_quota_exceeded").await;
    assert!(
        error["message"].as_str().unwrap().contains("1 MB"),
        "{error}"
    );
    // A file cut off (no end marker) is no PDF, whatever its name.
    let cut = &pdf[..pdf.len() - 8];
    error_envelope(
        app.upload(&token, "三.pdf", cut).await,
        415,
        "unsupported_media_type",
    )
    .await;

    let item = json!({ "item_code": "1133010000250005004000400000031" });
    for _ in 0..2 {
        let draft = app
            .call(
                "POST",
                "/api/v1/applications",
                Auth::Bearer(&token),
                Some(item.clone()),
            )
            .await;
        assert_eq!(draft.status(), 201, "{}", body_text(draft).await);
    }
    let third = app
        .call(
            "POST",
            "/api/v1/applications",
            Auth::Bearer(&token),
            Some(item),
        )
        .await;
    error_envelope(third, 422, "draft_limit").await;
}

on_both_databases!(
    a_wrong_password_anywhere_counts_toward_the_lockout,
    an_unknown_account_locks_like_a_known_one,
    a_staff_code_tells_nothing_and_counts,
    a_burst_of_guesses_gets_no_more_tries_than_one_by_one,
    limits_count_the_address_our_proxy_saw,
    an_agent_grant_is_throttled_and_every_try_audited,
    a_staff_lookup_that_finds_nobody_is_audited,
    a_login_flood_is_answered_busy_not_queued,
    one_person_cannot_fill_the_store,
);

//! 预约 and 取号叫号 through the API, as the mini-program, a hall's kiosk and display, and a clerk
//! use it: slots from the hall's own hours, the booking rules, zero overbooking under a crowd,
//! a closure, check-in at the kiosk and on the phone, calling with walk-ins never starved, and
//! the display. Each on SQLite and on PostgreSQL, the portal's clock on a Monday morning.

use crate::common::{
    Auth, CITIZEN_ID, CITIZEN_PASSWORD, CITIZEN_PHONE, TestApp, body_json, body_text,
    error_envelope,
};
use axum::body::Body;
use http::Request;
use serde_json::{Value, json};
use service::Backend;
use service::clock::Clock;
use time::macros::datetime;

/// 户口登记（出生登记）: handled in the city hall's social zone.
const HOUSEHOLD_REGISTRATION: &str = "1133010000250002364000400000033";

/// Monday 2026-12-07, 08:00 in China.
fn monday_morning(app: &TestApp) {
    let at = datetime!(2026-12-07 08:00 +8);
    app.clock.advance(at - app.clock.now());
}

async fn slots(app: &TestApp, query: &str) -> Value {
    let response = app.get(&format!("/api/v1/halls/city/slots?{query}")).await;
    assert_eq!(response.status(), 200, "{}", body_text(response).await);
    body_json(response).await
}

async fn book(app: &TestApp, token: &str, slot: &str, item: Option<&str>) -> http::Response<Body> {
    app.call(
        "POST",
        "/api/v1/appointments",
        Auth::Bearer(token),
        Some(json!({ "slot_id": slot, "item_code": item })),
    )
    .await
}

async fn booked(app: &TestApp, token: &str, slot: &str) -> Value {
    let response = book(app, token, slot, None).await;
    assert_eq!(response.status(), 201, "{}", body_text(response).await);
    body_json(response).await
}

/// A device of `kind` in the city hall, provisioned by an admin; returns its token.
async fn device(app: &TestApp, admin: &str, kind: &str) -> String {
    let response = app
        .call(
            "POST",
            "/api/v1/staff/devices",
            Auth::Bearer(admin),
            Some(json!({ "hall_id": "city", "kind": kind, "label": "一楼东门 1 号机" })),
        )
        .await;
    assert_eq!(response.status(), 201, "{}", body_text(response).await);
    body_json(response).await["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn slots_come_from_the_halls_hours(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    monday_morning(&app);
    let monday = slots(&app, "date=2026-12-07&zone=social&page_size=100").await;
    assert_eq!(monday["open"], true);
    // 09:00-12:00 six slots, 午间延时 12:00-13:30 three, 13:30-17:30 eight.
    assert_eq!(monday["total"], 17);
    let items = monday["items"].as_array().unwrap();
    assert_eq!(items[0]["slot_id"], "city.social.2026-12-07.0900");
    assert_eq!(items[0]["starts_at"], "2026-12-07T09:00:00+08:00");
    // 16 windows × 30 min ÷ 15 min × 50 %.
    assert_eq!(items[0]["capacity"], 16);
    assert_eq!(items[0]["remaining"], 16);
    let noon: Vec<&Value> = items
        .iter()
        .filter(|s| s["period"] == "noon_extension")
        .collect();
    assert_eq!(noon.len(), 3);
    assert_eq!(noon[0]["capacity"], 2, "two windows at noon");

    // 5+X: Saturday mornings for the social and real-estate zones only.
    let saturday = slots(&app, "date=2026-12-12&zone=social").await;
    assert_eq!(saturday["total"], 6);
    assert_eq!(saturday["items"][0]["period"], "weekend");
    assert_eq!(saturday["items"][0]["capacity"], 4);
    let economic = slots(&app, "date=2026-12-12&zone=economic").await;
    assert_eq!(economic["open"], false);
    assert!(economic["reason"].as_str().unwrap().contains("周末"));

    // Fourteen days ahead, today included.
    let beyond = slots(&app, "date=2026-12-21&zone=social").await;
    assert_eq!(beyond["open"], false);
    assert!(beyond["reason"].as_str().unwrap().contains("14 天"));
    let refused = book(
        &app,
        &app.citizen_token().await,
        "city.social.2026-12-21.0900",
        None,
    )
    .await;
    let error = error_envelope(refused, 422, "validation_failed").await;
    assert!(
        error["fields"]["slot_id"][0]
            .as_str()
            .unwrap()
            .contains("14 天")
    );

    // A year without published holidays is not offered; loading it opens the days.
    let at = datetime!(2026-12-28 08:00 +8);
    app.clock.advance(at - app.clock.now());
    let next_year = slots(&app, "date=2027-01-04&zone=social").await;
    assert_eq!(next_year["open"], false);
    assert!(
        next_year["reason"]
            .as_str()
            .unwrap()
            .contains("2027 年的节假日安排尚未公布")
    );
    let schedule = service::calendar::YearSchedule::from_toml(
        "year = 2027\nsource = \"测试\"\n[[holiday]]\nname = \"元旦\"\noff = [\"2027-01-01\", \"2027-01-03\"]\n",
    )
    .unwrap();
    service::calendar::import_year(&app.test_db.db, &schedule)
        .await
        .unwrap();
    assert_eq!(
        slots(&app, "date=2027-01-04&zone=social").await["open"],
        true
    );
    let holiday = slots(&app, "date=2027-01-01&zone=social").await;
    assert!(holiday["reason"].as_str().unwrap().contains("法定节假日"));

    // Bad questions name the parameter.
    let error = error_envelope(
        app.get("/api/v1/halls/city/slots?date=2026-13-01").await,
        422,
        "validation_failed",
    )
    .await;
    assert!(error["fields"]["date"].is_array() && error["fields"]["zone"].is_array());
    error_envelope(
        app.get("/api/v1/halls/nowhere/slots?date=2026-12-07&zone=social")
            .await,
        404,
        "not_found",
    )
    .await;
}

async fn booking_rules_hold(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    monday_morning(&app);
    let token = app.citizen_token().await;

    // Anonymous and staff callers are refused before the body is read.
    error_envelope(
        app.call(
            "POST",
            "/api/v1/appointments",
            Auth::Anonymous,
            Some(json!({})),
        )
        .await,
        401,
        "unauthorized",
    )
    .await;

    // A retry with the same key books once.
    let request = |key: &str| {
        Request::post("/api/v1/appointments")
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .header("idempotency-key", key)
            .body(Body::from(
                json!({ "slot_id": "city.social.2026-12-07.1000", "item_code": HOUSEHOLD_REGISTRATION })
                    .to_string(),
            ))
            .unwrap()
    };
    let first = app.send(request("book-1")).await;
    assert_eq!(first.status(), 201);
    let first = body_json(first).await;
    let again = app.send(request("book-1")).await;
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(body_json(again).await["id"], first["id"]);
    assert_eq!(first["state"], "booked");
    assert_eq!(first["booking_code"].as_str().unwrap().len(), 8);
    assert_eq!(first["item_name"], "户口登记（出生登记）");
    assert_eq!(first["check_in_from"], "2026-12-07T09:30:00+08:00");
    assert_eq!(first["check_in_until"], "2026-12-07T10:15:00+08:00");
    let listed = slots(&app, "date=2026-12-07&zone=social").await;
    assert_eq!(listed["items"][2]["remaining"], 15, "one seat taken, once");

    // One per item per day.
    let twice = book(
        &app,
        &token,
        "city.social.2026-12-07.1400",
        Some(HOUSEHOLD_REGISTRATION),
    )
    .await;
    let error = error_envelope(twice, 422, "booking_limit_per_item").await;
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("每天只能预约 1 次")
    );
    // The item's zone must be the slot's.
    let wrong = book(
        &app,
        &token,
        "city.economic.2026-12-08.0900",
        Some(HOUSEHOLD_REGISTRATION),
    )
    .await;
    let error = error_envelope(wrong, 422, "validation_failed").await;
    assert!(
        error["fields"]["item_code"][0]
            .as_str()
            .unwrap()
            .contains("社会类")
    );

    // …and a booking without an item counts as the same errand in that zone.
    let same_zone = book(&app, &token, "city.social.2026-12-07.1400", None).await;
    error_envelope(same_zone, 422, "booking_limit_per_item").await;

    // At most three active.
    booked(&app, &token, "city.social.2026-12-08.0900").await;
    booked(&app, &token, "city.social.2026-12-09.0900").await;
    let fourth = book(&app, &token, "city.social.2026-12-10.0900", None).await;
    let error = error_envelope(fourth, 422, "booking_limit_active").await;
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("最多只能同时预约 3 个")
    );

    // Cancelling gives the seat back; within the hour before, it is too late.
    let id = first["id"].as_str().unwrap();
    let cancelled = app
        .call(
            "POST",
            &format!("/api/v1/appointments/{id}/cancel"),
            Auth::Bearer(&token),
            None,
        )
        .await;
    assert_eq!(cancelled.status(), 200);
    assert_eq!(body_json(cancelled).await["state"], "cancelled");
    assert_eq!(
        slots(&app, "date=2026-12-07&zone=social").await["items"][2]["remaining"],
        16
    );
    let late = booked(&app, &token, "city.social.2026-12-07.0900").await;
    app.clock.advance(time::Duration::minutes(31));
    let too_late = app
        .call(
            "POST",
            &format!(
                "/api/v1/appointments/{}/cancel",
                late["id"].as_str().unwrap()
            ),
            Auth::Bearer(&token),
            None,
        )
        .await;
    error_envelope(too_late, 409, "too_late_to_cancel").await;
    // A slot that has begun cannot be booked.
    app.clock.advance(time::Duration::minutes(30));
    let begun = book(&app, &token, "city.social.2026-12-07.0900", None).await;
    error_envelope(begun, 422, "validation_failed").await;

    // A full slot: the noon slot has two seats.
    let noon = "city.social.2026-12-08.1200";
    app.register_citizen("440304198503150028", "13900139000")
        .await;
    let other = app.api_login("13900139000", CITIZEN_PASSWORD).await;
    booked(&app, &other, noon).await;
    let crowd = service::testing::crowd(&app.portal, 2).await;
    booked(&app, &crowd[0], noon).await;
    let full = book(&app, &crowd[1], noon, None).await;
    let error = error_envelope(full, 409, "slot_full").await;
    assert_eq!(error["message"], "该时段已约满，请选择其他时段");

    // 我的预约 lists them with the standing beside.
    let mine = body_json(
        app.call("GET", "/api/v1/appointments", Auth::Bearer(&token), None)
            .await,
    )
    .await;
    assert_eq!(mine["total"], 4);
    assert_eq!(mine["max_active"], 3);
    assert!(mine["blocked_until"].is_null());

    // Three no-shows in 90 days block booking for 30 days after the last: the bookings of the
    // 7th (the 09:00 one), 8th and 9th are missed.
    let at = datetime!(2026-12-10 08:00 +8);
    app.clock.advance(at - app.clock.now());
    let token = app.api_login(CITIZEN_PHONE, CITIZEN_PASSWORD).await;
    let blocked = book(&app, &token, "city.social.2026-12-11.0900", None).await;
    let error = error_envelope(blocked, 422, "booking_blocked").await;
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("2027-01-08 前不能网上预约"),
        "{error}"
    );
    let mine = body_json(
        app.call("GET", "/api/v1/appointments", Auth::Bearer(&token), None)
            .await,
    )
    .await;
    assert_eq!(mine["blocked_until"], "2027-01-08");
    assert_eq!(mine["items"][1]["state"], "no_show");
    // The sweep records them (and reminds nobody: nothing is booked for tomorrow).
    // Theirs, and the two noon bookings of the 8th.
    let swept = service::appointments::sweep(&app.portal).await.unwrap();
    assert_eq!(swept.no_shows, 5);
    assert_eq!(
        service::appointments::sweep(&app.portal)
            .await
            .unwrap()
            .no_shows,
        0
    );
}

async fn a_crowd_never_overbooks(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    monday_morning(&app);
    // One slot with 50 seats (the row is written before anyone books, so its capacity holds),
    // 200 people pressing 预约 at the same moment, each twice.
    sqlx::query(
        "INSERT INTO booking_slots (id, hall_id, zone, day, starts_at, ends_at, capacity, booked) \
         VALUES ('city.social.2026-12-08.0900', 'city', 'social', '2026-12-08', \
         '2026-12-08T01:00:00Z', '2026-12-08T01:30:00Z', 50, 0)",
    )
    .execute(app.test_db.db.pool())
    .await
    .unwrap();
    let tokens = service::testing::crowd(&app.portal, 200).await;
    let mut tasks = Vec::new();
    for token in tokens.iter().chain(tokens.iter()) {
        let (router, token) = (app.router.clone(), token.clone());
        tasks.push(tokio::spawn(async move {
            use tower::ServiceExt;
            let request = Request::post("/api/v1/appointments")
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .body(Body::from(r#"{"slot_id":"city.social.2026-12-08.0900"}"#))
                .unwrap();
            router.oneshot(request).await.unwrap().status().as_u16()
        }));
    }
    let mut statuses = std::collections::BTreeMap::<u16, u32>::new();
    for task in tasks {
        *statuses.entry(task.await.unwrap()).or_default() += 1;
    }
    assert_eq!(statuses.get(&201), Some(&50), "{statuses:?}");
    assert!(
        statuses.keys().all(|s| [201, 409, 422].contains(s)),
        "only booked, full or already booked: {statuses:?}"
    );
    let pool = app.test_db.db.pool();
    let count = |sql: &'static str| async move {
        use sqlx::Row;
        sqlx::query(sql)
            .fetch_one(pool)
            .await
            .unwrap()
            .get::<i64, _>(0)
    };
    assert_eq!(
        count("SELECT COUNT(*) FROM appointments WHERE state = 'booked'").await,
        50
    );
    assert_eq!(
        count("SELECT booked FROM booking_slots WHERE id = 'city.social.2026-12-08.0900'").await,
        50
    );
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM (SELECT citizen_id FROM appointments GROUP BY citizen_id \
             HAVING COUNT(*) > 1) AS doubles"
        )
        .await,
        0,
        "nobody holds two"
    );
}

async fn a_closure_cancels_its_bookings(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    monday_morning(&app);
    let token = app.citizen_token().await;
    let booking = booked(&app, &token, "city.social.2026-12-08.1000").await;
    let kept = booked(&app, &token, "city.social.2026-12-09.1000").await;
    let (admin, secret) = app.enrolled_staff("admin").await;
    let admin = app.staff_token(&admin, &secret).await;
    let citizen_refused = app
        .call(
            "POST",
            "/api/v1/staff/halls/city/closures",
            Auth::Bearer(&token),
            Some(json!({})),
        )
        .await;
    error_envelope(citizen_refused, 403, "staff_only").await;
    let past = app
        .call(
            "POST",
            "/api/v1/staff/halls/city/closures",
            Auth::Bearer(&admin),
            Some(json!({ "date": "2026-12-04", "period": "10:00-11:00", "reason": "补记停电" })),
        )
        .await;
    let error = error_envelope(past, 422, "validation_failed").await;
    assert!(
        error["fields"]["period"][0]
            .as_str()
            .unwrap()
            .contains("尚未结束")
    );
    let bad = app
        .call(
            "POST",
            "/api/v1/staff/halls/city/closures",
            Auth::Bearer(&admin),
            Some(json!({})),
        )
        .await;
    let error = error_envelope(bad, 422, "validation_failed").await;
    assert!(error["fields"]["period"].is_array() && error["fields"]["reason"].is_array());
    let closed = app
        .call(
            "POST",
            "/api/v1/staff/halls/city/closures",
            Auth::Bearer(&admin),
            Some(json!({ "date": "2026-12-08", "period": "10:00-11:00", "reason": "电力检修" })),
        )
        .await;
    assert_eq!(closed.status(), 201, "{}", body_text(closed).await);
    let closed = body_json(closed).await;
    assert_eq!(closed["bookings_cancelled"], 1);
    // Two slots of each of the hall's four zones.
    assert_eq!(closed["slots_closed"], 8);
    let id = booking["id"].as_str().unwrap();
    let read = body_json(
        app.call(
            "GET",
            &format!("/api/v1/appointments/{id}"),
            Auth::Bearer(&token),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(read["state"], "closed_by_hall");
    assert_eq!(read["closure_reason"], "电力检修");
    let other = kept["id"].as_str().unwrap();
    let untouched = body_json(
        app.call(
            "GET",
            &format!("/api/v1/appointments/{other}"),
            Auth::Bearer(&token),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(untouched["state"], "booked");
    let inbox = body_json(
        app.call("GET", "/api/v1/messages", Auth::Bearer(&token), None)
            .await,
    )
    .await;
    assert!(
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["title"] == "预约已取消：大厅暂停服务"
                && m["body"].as_str().unwrap().contains("电力检修")),
        "{inbox}"
    );
    let day = slots(&app, "date=2026-12-08&zone=social").await;
    assert_eq!(day["items"][2]["bookable"], false);
    assert_eq!(day["items"][2]["unavailable"], "暂停服务（电力检修）");
    let refused = book(&app, &token, "city.social.2026-12-08.1030", None).await;
    error_envelope(refused, 409, "slot_closed").await;
}

async fn check_in_calling_and_the_display(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    monday_morning(&app);
    let token = app.citizen_token().await;
    let by_code = booked(&app, &token, "city.social.2026-12-07.0900").await;
    app.register_citizen("440304198503150028", "13900139000")
        .await;
    let other = app.api_login("13900139000", CITIZEN_PASSWORD).await;
    let by_phone = booked(&app, &other, "city.social.2026-12-07.0900").await;
    let (admin, secret) = app.enrolled_staff("admin").await;
    let admin = app.staff_token(&admin, &secret).await;
    let kiosk = device(&app, &admin, "kiosk").await;
    let display = device(&app, &admin, "display").await;

    // Kiosk endpoints are for provisioned devices only, of the right kind.
    let anonymous = app
        .call(
            "POST",
            "/api/v1/halls/city/tickets",
            Auth::Anonymous,
            Some(json!({ "zone": "social" })),
        )
        .await;
    error_envelope(anonymous, 401, "device_required").await;
    let wrong_kind = app
        .device_call(
            "POST",
            "/api/v1/halls/city/tickets",
            &display,
            Some(json!({ "zone": "social" })),
        )
        .await;
    error_envelope(wrong_kind, 403, "device_forbidden").await;
    let elsewhere = app
        .device_call(
            "POST",
            "/api/v1/halls/donghu/tickets",
            &kiosk,
            Some(json!({ "zone": "social" })),
        )
        .await;
    error_envelope(elsewhere, 403, "device_forbidden").await;
    error_envelope(
        app.get("/api/v1/halls/city/board").await,
        401,
        "device_required",
    )
    .await;

    // Walk-ins are never refused: three of them before the booked people arrive.
    let mut walk_ins = Vec::new();
    for _ in 0..3 {
        let response = app
            .device_call(
                "POST",
                "/api/v1/halls/city/tickets",
                &kiosk,
                Some(json!({ "zone": "social" })),
            )
            .await;
        assert_eq!(response.status(), 201);
        walk_ins.push(body_json(response).await);
    }
    assert_eq!(walk_ins[0]["number"], "SA001");
    assert_eq!(walk_ins[2]["number"], "SA003");
    let error = error_envelope(
        app.device_call(
            "POST",
            "/api/v1/halls/city/tickets",
            &kiosk,
            Some(json!({})),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert!(error["fields"]["zone"].is_array());

    // Check-in opens 30 minutes before the slot.
    let code = by_code["booking_code"].as_str().unwrap();
    let early = app
        .device_call(
            "POST",
            "/api/v1/halls/city/check-ins",
            &kiosk,
            Some(json!({ "booking_code": code })),
        )
        .await;
    let error = error_envelope(early, 409, "check_in_closed").await;
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("2026-12-07 08:30")
    );
    app.clock.advance(time::Duration::minutes(35));
    let checked = app
        .device_call(
            "POST",
            "/api/v1/halls/city/check-ins",
            &kiosk,
            Some(json!({ "booking_code": code.to_lowercase() })),
        )
        .await;
    assert_eq!(checked.status(), 201, "{}", body_text(checked).await);
    let booked_ticket = body_json(checked).await;
    assert_eq!(booked_ticket["number"], "SB001");
    assert_eq!(booked_ticket["kind"], "booked");
    let twice = app
        .device_call(
            "POST",
            "/api/v1/halls/city/check-ins",
            &kiosk,
            Some(json!({ "booking_code": code })),
        )
        .await;
    error_envelope(twice, 409, "already_checked_in").await;
    let unknown = app
        .device_call(
            "POST",
            "/api/v1/halls/city/check-ins",
            &kiosk,
            Some(json!({ "id_number": CITIZEN_ID })),
        )
        .await;
    error_envelope(unknown, 422, "validation_failed").await;

    // On the phone: the code shown at the entrance, read from the display's board.
    let phone_id = by_phone["id"].as_str().unwrap();
    let wrong = app
        .call(
            "POST",
            &format!("/api/v1/appointments/{phone_id}/check-in"),
            Auth::Bearer(&other),
            Some(json!({ "code": "000000x" })),
        )
        .await;
    let error = error_envelope(wrong, 422, "validation_failed").await;
    assert!(
        error["fields"]["code"][0]
            .as_str()
            .unwrap()
            .contains("签到码")
    );
    let board = body_json(
        app.device_call("GET", "/api/v1/halls/city/board", &display, None)
            .await,
    )
    .await;
    let entrance = board["entrance_code"].as_str().unwrap();
    // Guessing from home runs into the attempt limit long before it could hit.
    let guesses = app.portal.auth_settings().attempts_per_address;
    for _ in 0..guesses {
        app.call(
            "POST",
            &format!("/api/v1/appointments/{phone_id}/check-in"),
            Auth::Bearer(&other),
            Some(json!({ "code": "999999" })),
        )
        .await;
    }
    let limited = app
        .call(
            "POST",
            &format!("/api/v1/appointments/{phone_id}/check-in"),
            Auth::Bearer(&other),
            Some(json!({ "code": entrance })),
        )
        .await;
    error_envelope(limited, 429, "rate_limited").await;
    app.clock.advance(time::Duration::seconds(i64::from(
        app.portal.auth_settings().attempt_window_secs,
    )));
    let entrance = body_json(
        app.device_call("GET", "/api/v1/halls/city/board", &display, None)
            .await,
    )
    .await["entrance_code"]
        .as_str()
        .unwrap()
        .to_owned();
    let entrance = entrance.as_str();
    let phone = app
        .call(
            "POST",
            &format!("/api/v1/appointments/{phone_id}/check-in"),
            Auth::Bearer(&other),
            Some(json!({ "code": entrance })),
        )
        .await;
    assert_eq!(phone.status(), 201, "{}", body_text(phone).await);
    let phone_ticket = body_json(phone).await;
    assert_eq!(phone_ticket["number"], "SB002");
    // Before the slot begins, booked people wait behind walk-ins.
    assert_eq!(phone_ticket["position"], 4);

    // The slot has begun: booked tickets go first, but never more than three in a row while a
    // walk-in waits (N = 3). Two more booked tickets join from a third booking.
    app.clock.advance(time::Duration::minutes(30));
    let ticket_id = booked_ticket["id"].as_str().unwrap();
    let standing = body_json(app.get(&format!("/api/v1/queue/tickets/{ticket_id}")).await).await;
    assert_eq!(standing["position"], 0);
    assert_eq!(standing["message"], "下一位就是您，请留意叫号");

    let (clerk, secret) = app
        .enrolled_staff_at("clerk", "clerk01", "city", "social")
        .await;
    let clerk = app.staff_token(&clerk, &secret).await;
    let (clerk2, secret2) = app
        .enrolled_staff_at("clerk", "clerk02", "city", "social")
        .await;
    let clerk2 = app.staff_token(&clerk2, &secret2).await;
    let bad_window = app
        .call(
            "POST",
            "/api/v1/staff/queue/call-next",
            Auth::Bearer(&clerk),
            Some(json!({ "window": 99 })),
        )
        .await;
    let error = error_envelope(bad_window, 422, "validation_failed").await;
    assert!(
        error["fields"]["window"][0]
            .as_str()
            .unwrap()
            .contains("1 至 16")
    );
    let citizen_calls = app
        .call(
            "POST",
            "/api/v1/staff/queue/call-next",
            Auth::Bearer(&token),
            Some(json!({ "window": 5 })),
        )
        .await;
    error_envelope(citizen_calls, 403, "staff_only").await;

    // Two clerks call at the same moment: two different tickets, both booked.
    let (first, second) = tokio::join!(
        app.call(
            "POST",
            "/api/v1/staff/queue/call-next",
            Auth::Bearer(&clerk),
            Some(json!({ "window": 5 }))
        ),
        app.call(
            "POST",
            "/api/v1/staff/queue/call-next",
            Auth::Bearer(&clerk2),
            Some(json!({ "window": 6 }))
        ),
    );
    assert_eq!(first.status(), 200);
    assert_eq!(second.status(), 200);
    let (first, second) = (body_json(first).await, body_json(second).await);
    let mut numbers = [first["number"].clone(), second["number"].clone()];
    numbers.sort_by_key(|n| n.as_str().unwrap().to_owned());
    assert_eq!(numbers, [json!("SB001"), json!("SB002")]);
    // From here on, `clerk` is the one whose window SB001 was called to.
    let (clerk, clerk2, window, first, second) = if first["number"] == "SB001" {
        (clerk, clerk2, 5, first, second)
    } else {
        (clerk2, clerk, 6, second, first)
    };
    let go_to = format!("请到 {window} 号窗口办理");
    assert_eq!(first["message"], go_to.as_str());
    let shown = body_json(app.get(&format!("/api/v1/queue/tickets/{ticket_id}")).await).await;
    assert_eq!(shown["state"], "called");
    assert_eq!(shown["message"], go_to.as_str());

    // A clerk finishes one ticket before calling the next.
    let busy = app
        .call(
            "POST",
            "/api/v1/staff/queue/call-next",
            Auth::Bearer(&clerk),
            Some(json!({ "window": window })),
        )
        .await;
    error_envelope(busy, 409, "ticket_open").await;
    let recall = app
        .call(
            "POST",
            &format!("/api/v1/staff/queue/tickets/{ticket_id}/recall"),
            Auth::Bearer(&clerk),
            None,
        )
        .await;
    assert_eq!(recall.status(), 200);
    let started = app
        .call(
            "POST",
            &format!("/api/v1/staff/queue/tickets/{ticket_id}/start"),
            Auth::Bearer(&clerk),
            None,
        )
        .await;
    assert_eq!(body_json(started).await["state"], "serving");
    let other_clerk = app
        .call(
            "POST",
            &format!("/api/v1/staff/queue/tickets/{ticket_id}/serve"),
            Auth::Bearer(&clerk2),
            Some(json!({})),
        )
        .await;
    error_envelope(other_clerk, 404, "not_found").await;
    let no_case = app
        .call(
            "POST",
            &format!("/api/v1/staff/queue/tickets/{ticket_id}/serve"),
            Auth::Bearer(&clerk),
            Some(json!({ "case_no": "NOPE" })),
        )
        .await;
    error_envelope(no_case, 422, "validation_failed").await;
    let served = app
        .call(
            "POST",
            &format!("/api/v1/staff/queue/tickets/{ticket_id}/serve"),
            Auth::Bearer(&clerk),
            Some(json!({})),
        )
        .await;
    assert_eq!(body_json(served).await["state"], "served");
    let again = app
        .call(
            "POST",
            &format!("/api/v1/staff/queue/tickets/{ticket_id}/no-show"),
            Auth::Bearer(&clerk),
            None,
        )
        .await;
    error_envelope(again, 409, "state_conflict").await;

    let second_id = second["id"].as_str().unwrap();
    let missed = app
        .call(
            "POST",
            &format!("/api/v1/staff/queue/tickets/{second_id}/no-show"),
            Auth::Bearer(&clerk2),
            None,
        )
        .await;
    assert_eq!(body_json(missed).await["state"], "no_show");
    // Only walk-ins wait now.
    app.clock.advance(time::Duration::minutes(2));
    let next = body_json(
        app.call(
            "POST",
            "/api/v1/staff/queue/call-next",
            Auth::Bearer(&clerk),
            Some(json!({ "window": window })),
        )
        .await,
    )
    .await;
    assert_eq!(next["number"], "SA001");

    // The display: each window's latest call and the waiting counts.
    let board = body_json(
        app.device_call("GET", "/api/v1/halls/city/board", &display, None)
            .await,
    )
    .await;
    let calls = board["calls"].as_array().unwrap();
    assert_eq!(calls[0]["window"], window);
    assert_eq!(calls[0]["number"], "SA001");
    assert!(calls.iter().any(|c| c["window"] == 11 - window));
    let social = board["waiting"]
        .as_array()
        .unwrap()
        .iter()
        .find(|z| z["zone"] == "social")
        .unwrap()
        .clone();
    assert_eq!(social["waiting"], 2);

    // One clerk pressing 叫下一位 twice at once calls one person only.
    let (clerk3, secret3) = app
        .enrolled_staff_at("clerk", "clerk03", "city", "social")
        .await;
    let clerk3 = app.staff_token(&clerk3, &secret3).await;
    let (a, b) = tokio::join!(
        app.call(
            "POST",
            "/api/v1/staff/queue/call-next",
            Auth::Bearer(&clerk3),
            Some(json!({ "window": 9 }))
        ),
        app.call(
            "POST",
            "/api/v1/staff/queue/call-next",
            Auth::Bearer(&clerk3),
            Some(json!({ "window": 9 }))
        ),
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    let open = body_json(
        app.call("GET", "/api/v1/staff/queue", Auth::Bearer(&clerk3), None)
            .await,
    )
    .await;
    let walk_in_id = open["current"]["id"].as_str().unwrap().to_owned();
    let back = app
        .call(
            "POST",
            &format!("/api/v1/staff/queue/tickets/{walk_in_id}/no-show"),
            Auth::Bearer(&clerk3),
            None,
        )
        .await;
    assert_eq!(body_json(back).await["state"], "no_show");
}

async fn walk_ins_never_starve_behind_bookings(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    monday_morning(&app);
    let (admin, secret) = app.enrolled_staff("admin").await;
    let admin = app.staff_token(&admin, &secret).await;
    let kiosk = device(&app, &admin, "kiosk").await;
    // A walk-in first, then eight booked people who check in for the 09:00 slot.
    let crowd = service::testing::crowd(&app.portal, 8).await;
    let mut codes = Vec::new();
    for person in &crowd {
        codes.push(
            booked(&app, person, "city.social.2026-12-07.0900").await["booking_code"].clone(),
        );
    }
    app.clock.advance(time::Duration::minutes(40));
    let walk_in = app
        .device_call(
            "POST",
            "/api/v1/halls/city/tickets",
            &kiosk,
            Some(json!({ "zone": "social" })),
        )
        .await;
    assert_eq!(body_json(walk_in).await["number"], "SA001");
    for code in &codes {
        let response = app
            .device_call(
                "POST",
                "/api/v1/halls/city/check-ins",
                &kiosk,
                Some(json!({ "booking_code": code })),
            )
            .await;
        assert_eq!(response.status(), 201);
    }
    app.clock.advance(time::Duration::minutes(25));
    let (clerk, secret) = app
        .enrolled_staff_at("clerk", "clerk01", "city", "social")
        .await;
    let clerk = app.staff_token(&clerk, &secret).await;
    let mut called = Vec::new();
    for _ in 0..9 {
        let ticket = body_json(
            app.call(
                "POST",
                "/api/v1/staff/queue/call-next",
                Auth::Bearer(&clerk),
                Some(json!({ "window": 2 })),
            )
            .await,
        )
        .await;
        let id = ticket["id"].as_str().unwrap().to_owned();
        called.push(ticket["number"].as_str().unwrap().to_owned());
        app.call(
            "POST",
            &format!("/api/v1/staff/queue/tickets/{id}/serve"),
            Auth::Bearer(&clerk),
            Some(json!({})),
        )
        .await;
    }
    assert_eq!(
        called,
        [
            "SB001", "SB002", "SB003", "SA001", "SB004", "SB005", "SB006", "SB007", "SB008"
        ]
    );
    let empty = app
        .call(
            "POST",
            "/api/v1/staff/queue/call-next",
            Auth::Bearer(&clerk),
            Some(json!({ "window": 2 })),
        )
        .await;
    error_envelope(empty, 409, "queue_empty").await;
}

on_both_databases!(
    slots_come_from_the_halls_hours,
    booking_rules_hold,
    a_crowd_never_overbooks,
    a_closure_cancels_its_bookings,
    check_in_calling_and_the_display,
    walk_ins_never_starve_behind_bookings,
);

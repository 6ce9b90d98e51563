//! 好差评 through the API, as the mini-program, a window's rating tablet, the department and the
//! supervision office use it: a 差评 of a decided case called back, answered late across the
//! 国庆 holiday, re-rated 不满意, reopened to the supervisor and closed; a window rating of a
//! walk-in ticket, rated twice at once, appealed and excluded from the published figures. Each
//! on SQLite and on PostgreSQL, with the portal's clock on the days that matter.

use crate::common::cases::{accepted_case, call};
use crate::common::{
    Auth, CITIZEN_PASSWORD, CITIZEN_PHONE, TestApp, body_json, body_text, error_envelope,
};
use serde_json::{Value, json};
use service::Backend;
use service::clock::Clock;
use time::macros::datetime;

/// 户口登记（出生登记）: 公安局 (gaj), city hall social zone.
const HOUSEHOLD_REGISTRATION: &str = "1133010000250002364000400000033";

fn set_clock(app: &TestApp, at: time::OffsetDateTime) {
    app.clock.advance(at - app.clock.now());
}

fn online_rating(case_no: &str, level: u8, reasons: &[&str]) -> Value {
    json!({
        "case_no": case_no,
        "level": level,
        "indicators": { "efficiency": level, "guide_accuracy": 4, "convenience": 3, "usability": 4 },
        "reasons": reasons,
        "comment": "等了很久",
    })
}

fn hall_rating(ticket: &str, level: u8, reasons: &[&str]) -> Value {
    json!({
        "ticket_id": ticket,
        "level": level,
        "indicators": { "efficiency": level, "competence": level, "attitude": level },
        "reasons": reasons,
    })
}

async fn post_rating(app: &TestApp, auth: Auth<'_>, key: &str, body: &Value) -> (u16, Value) {
    let request = app
        .request("POST", "/api/v1/ratings", auth)
        .header("idempotency-key", key)
        .header("content-type", "application/json");
    let response = app
        .send(request.body(body.to_string().into()).unwrap())
        .await;
    let status = response.status().as_u16();
    (status, body_json(response).await)
}

async fn stats(app: &TestApp, query: &str) -> Value {
    let response = app.get(&format!("/api/v1/ratings/stats?{query}")).await;
    assert_eq!(response.status(), 200, "{}", body_text(response).await);
    body_json(response).await
}

async fn a_bad_rating_is_called_back_answered_re_rated_and_reopened_once(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    // Wed 2026-09-30, the last working day before 国庆 (10-01 … 10-07; Sat 10-10 is worked).
    set_clock(&app, datetime!(2026-09-30 01:00 UTC));
    let citizen = app.citizen_token().await;
    let (clerk, secret) = app
        .enrolled_staff_at("clerk", "clerk-city", "city", "social")
        .await;
    let clerk = app.staff_token(&clerk, &secret).await;
    let (gaj_name, gaj_secret) = app.enrolled_approver("approver-gaj", "gaj").await;
    let gaj = app.staff_token(&gaj_name, &gaj_secret).await;
    let (scjg, secret) = app.enrolled_approver("approver-scjg", "scjg").await;
    let scjg = app.staff_token(&scjg, &secret).await;
    let (supervisor_name, supervisor_secret) = app.enrolled_staff("supervisor").await;
    let case_no = accepted_case(
        &app,
        &citizen,
        &clerk,
        json!({ "item_code": HOUSEHOLD_REGISTRATION }),
        json!({}),
    )
    .await;

    // Not before the decision.
    let bad = online_rating(&case_no, 2, &["efficiency.too_slow"]);
    let (status, refused) = post_rating(&app, Auth::Bearer(&citizen), "early", &bad).await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (409, Some("not_rateable_yet")),
        "{refused}"
    );
    let url = format!("/api/v1/staff/applications/{case_no}");
    let (status, _) = call(&app, "POST", &format!("{url}/start-review"), &gaj, None).await;
    assert_eq!(status, 200);
    let decision = json!({ "outcome": "deny", "reasons": "出生医学证明信息不一致", "legal_basis": "《中华人民共和国户口登记条例》第七条" });
    let (status, _) = call(&app, "POST", &format!("{url}/decide"), &gaj, Some(decision)).await;
    assert_eq!(status, 200);
    let (_, inbox) = call(&app, "GET", "/api/v1/messages", &citizen, None).await;
    assert!(
        inbox["items"][0]["body"].as_str().unwrap().contains("评价"),
        "the decision's message offers the rating: {inbox}"
    );

    // Every problem of a bad form at once; staff cannot rate; nobody rates another's case.
    let mut wrong = online_rating(&case_no, 2, &[]);
    wrong["indicators"]["usability"] = json!(9);
    let (status, error) = post_rating(&app, Auth::Bearer(&citizen), "bad-form", &wrong).await;
    assert_eq!(status, 422, "{error}");
    let fields = &error["error"]["fields"];
    assert!(
        fields["reasons"].is_array() && fields["indicators.usability"].is_array(),
        "{error}"
    );
    assert!(!error["error"]["message"].as_str().unwrap().is_empty());
    let (status, _) = post_rating(&app, Auth::Bearer(&clerk), "staff", &bad).await;
    assert_eq!(status, 403, "staff cannot rate");
    app.register_citizen("440304198503150028", "13900139000")
        .await;
    let stranger = app.api_login("13900139000", CITIZEN_PASSWORD).await;
    let (status, _) = post_rating(&app, Auth::Bearer(&stranger), "other", &bad).await;
    assert_eq!(status, 404, "someone else's case does not exist for them");

    // Pressed twice at once with two keys: one rating; the same key again gives the first answer.
    let (first, second) = tokio::join!(
        post_rating(&app, Auth::Bearer(&citizen), "press-1", &bad),
        post_rating(&app, Auth::Bearer(&citizen), "press-2", &bad),
    );
    let mut statuses = [first.0, second.0];
    statuses.sort();
    assert_eq!(statuses, [201, 409], "{first:?} {second:?}");
    let (won, lost) = if first.0 == 201 {
        ((first.1, "press-1"), second.1)
    } else {
        ((second.1, "press-2"), first.1)
    };
    let (created, key) = won;
    let loser = &lost;
    assert_eq!(loser["error"]["code"], "already_rated");
    let (status, replay) = post_rating(&app, Auth::Bearer(&citizen), key, &bad).await;
    assert_eq!((status, &replay["id"]), (201, &created["id"]));
    assert_eq!(created["level_label"], "不满意");
    assert_eq!(created["reasons"], json!(["办事效率：办理时间过长"]));
    assert_eq!(created["rectification"]["state"], "callback_pending");
    let rating_id = created["id"].as_str().unwrap().to_owned();

    // 公安局 has it, due the first working day after the holiday; nobody else in scope does.
    let (status, queue) = call(&app, "GET", "/api/v1/staff/rectifications", &gaj, None).await;
    assert_eq!(status, 200, "{queue}");
    assert_eq!(queue["total"], 1);
    assert_eq!(queue["items"][0]["due"], "2026-10-08");
    assert_eq!(queue["items"][0]["urgency"], "on_time");
    let id = queue["items"][0]["id"].as_str().unwrap().to_owned();
    for other in [&scjg, &clerk] {
        let (_, queue) = call(&app, "GET", "/api/v1/staff/rectifications", other, None).await;
        assert_eq!(queue["total"], 0, "{queue}");
    }
    let rectification = format!("/api/v1/staff/rectifications/{id}");
    let (status, _) = call(&app, "GET", &rectification, &scjg, None).await;
    assert_eq!(status, 404);
    let (status, view) = call(&app, "GET", &rectification, &gaj, None).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["rater"], "张*", "the rater is masked");
    assert_eq!(
        view["answer_due"], "2026-10-13",
        "5 working days: 10-08, 09, 10 (调休), 12, 13"
    );
    assert_eq!(
        view["actions"],
        json!(["callback", "reveal_phone", "appeal"])
    );

    // The handler may see the phone, and the rater sees who looked.
    let (status, phone) = call(
        &app,
        "POST",
        &format!("{rectification}/reveal-phone"),
        &gaj,
        None,
    )
    .await;
    assert_eq!(
        (status, phone["phone"].as_str()),
        (200, Some(CITIZEN_PHONE))
    );
    let (_, access) = call(&app, "GET", "/api/v1/me/access-log", &citizen, None).await;
    assert!(access.to_string().contains("差评回访核实"), "{access}");

    // Called back on 10-08 (in warning that day), answered on 10-14, a day late.
    set_clock(&app, datetime!(2026-10-08 01:00 UTC));
    let gaj = app.staff_token(&gaj_name, &gaj_secret).await;
    let (_, view) = call(&app, "GET", &rectification, &gaj, None).await;
    assert_eq!(view["urgency"], "warning");
    let (status, early) = call(
        &app,
        "POST",
        &format!("{rectification}/answer"),
        &gaj,
        Some(json!({ "answer": "已整改" })),
    )
    .await;
    assert_eq!(
        (status, early["error"]["code"].as_str()),
        (409, Some("state_conflict"))
    );
    let (status, error) = call(
        &app,
        "POST",
        &format!("{rectification}/callback"),
        &gaj,
        Some(json!({ "result": " " })),
    )
    .await;
    assert!(
        status == 422 && error["error"]["fields"]["result"].is_array(),
        "{error}"
    );
    let (status, view) = call(
        &app,
        "POST",
        &format!("{rectification}/callback"),
        &gaj,
        Some(json!({ "result": "已电话联系，反映属实" })),
    )
    .await;
    assert_eq!(
        (status, view["state"].as_str()),
        (200, Some("rectifying")),
        "{view}"
    );
    set_clock(&app, datetime!(2026-10-14 01:00 UTC));
    let gaj = app.staff_token(&gaj_name, &gaj_secret).await;
    let (_, view) = call(&app, "GET", &rectification, &gaj, None).await;
    assert_eq!(view["urgency"], "overdue");
    let answer = json!({ "answer": "已核实出生医学证明信息，窗口增加一次性告知" });
    let (status, view) = call(
        &app,
        "POST",
        &format!("{rectification}/answer"),
        &gaj,
        Some(answer),
    )
    .await;
    assert_eq!(
        (status, view["state"].as_str()),
        (200, Some("answered")),
        "{view}"
    );
    let texts: Vec<&str> = view["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        ["opened", "phone_revealed", "called_back", "answered"]
    );

    // The rater reads the answer and is not satisfied: reopened once, to the supervision office.
    let citizen = app.api_login(CITIZEN_PHONE, CITIZEN_PASSWORD).await;
    let (_, mine) = call(&app, "GET", "/api/v1/ratings/mine", &citizen, None).await;
    assert_eq!(
        mine["items"][0]["rectification"]["can_re_rate"], true,
        "{mine}"
    );
    assert!(
        mine["items"][0]["rectification"]["answer"]
            .as_str()
            .unwrap()
            .contains("一次性告知")
    );
    let re_rate = format!("/api/v1/ratings/{rating_id}/re-rate");
    let (status, error) = call(
        &app,
        "POST",
        &re_rate,
        &citizen,
        Some(json!({ "result": "so-so" })),
    )
    .await;
    assert!(
        status == 422 && error["error"]["fields"]["result"].is_array(),
        "{error}"
    );
    let stranger = app.api_login("13900139000", CITIZEN_PASSWORD).await;
    let (status, _) = call(
        &app,
        "POST",
        &re_rate,
        &stranger,
        Some(json!({ "result": "satisfied" })),
    )
    .await;
    assert_eq!(status, 404);
    let (status, rerated) = call(
        &app,
        "POST",
        &re_rate,
        &citizen,
        Some(json!({ "result": "unsatisfied" })),
    )
    .await;
    assert_eq!(
        (status, rerated["rectification"]["state"].as_str()),
        (200, Some("reopened")),
        "{rerated}"
    );
    let (status, _) = call(
        &app,
        "POST",
        &format!("{rectification}/answer"),
        &gaj,
        Some(json!({ "answer": "再答复" })),
    )
    .await;
    assert_eq!(status, 409, "the department no longer holds it");
    let supervisor = app.staff_token(&supervisor_name, &supervisor_secret).await;
    let (_, queue) = call(
        &app,
        "GET",
        "/api/v1/staff/rectifications",
        &supervisor,
        None,
    )
    .await;
    assert_eq!(queue["items"][0]["state"], "reopened", "{queue}");
    let (status, _) = call(
        &app,
        "POST",
        &format!("{rectification}/answer"),
        &supervisor,
        Some(json!({ "answer": "督查复核后已约谈窗口负责人" })),
    )
    .await;
    assert_eq!(status, 200);
    let (status, closed) = call(
        &app,
        "POST",
        &re_rate,
        &citizen,
        Some(json!({ "result": "unsatisfied" })),
    )
    .await;
    assert_eq!(
        (status, closed["rectification"]["state"].as_str()),
        (200, Some("closed")),
        "reopened only once"
    );
    let (status, _) = call(
        &app,
        "POST",
        &re_rate,
        &citizen,
        Some(json!({ "result": "satisfied" })),
    )
    .await;
    assert_eq!(status, 409);

    // Published for September: one 差评, called back in time, answered late.
    let figures = stats(&app, "period=2026-09&department=gaj").await;
    let row = &figures["items"][0];
    assert_eq!(
        (row["key"].as_str(), row["name"].as_str()),
        (Some("gaj"), Some("示范市公安局")),
        "{figures}"
    );
    assert_eq!(
        (row["ratings"].as_u64(), row["bad"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(row["satisfaction_rate"], 0.0);
    assert_eq!(row["callback_rate"], 1.0);
    assert_eq!(row["rectification_rate"], 0.0);
    assert_eq!(stats(&app, "period=2026-10").await["summary"]["ratings"], 0);
}

async fn a_window_rating_counts_until_a_review_excludes_it(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    set_clock(&app, datetime!(2026-12-07 09:00 +8));
    let (admin, secret) = app.enrolled_staff("admin").await;
    let admin = app.staff_token(&admin, &secret).await;
    let provision = |kind: &'static str, window: Option<u32>| {
        let admin = admin.clone();
        let app = &app;
        async move {
            let (status, device) = call(
                app,
                "POST",
                "/api/v1/staff/devices",
                &admin,
                Some(json!({ "hall_id": "city", "kind": kind, "label": "社会事务区窗口", "window": window })),
            )
            .await;
            assert_eq!(status, 201, "{device}");
            device["token"].as_str().unwrap().to_owned()
        }
    };
    let (status, error) = call(
        &app,
        "POST",
        "/api/v1/staff/devices",
        &admin,
        Some(json!({ "hall_id": "city", "kind": "rater", "label": "5 号窗口" })),
    )
    .await;
    assert!(
        status == 422 && error["error"]["fields"]["window"].is_array(),
        "{error}"
    );
    let kiosk = provision("kiosk", None).await;
    let tablet = provision("rater", Some(5)).await;
    let other_tablet = provision("rater", Some(6)).await;
    let (clerk, secret) = app
        .enrolled_staff_at("clerk", "clerk01", "city", "social")
        .await;
    let clerk = app.staff_token(&clerk, &secret).await;
    let serve_one = async |app: &TestApp| {
        app.clock.advance(time::Duration::minutes(5));
        let ticket = body_json(
            app.device_call(
                "POST",
                "/api/v1/halls/city/tickets",
                &kiosk,
                Some(json!({ "zone": "social" })),
            )
            .await,
        )
        .await;
        let id = ticket["id"].as_str().unwrap().to_owned();
        let (status, _) = call(
            app,
            "POST",
            "/api/v1/staff/queue/call-next",
            &clerk,
            Some(json!({ "window": 5 })),
        )
        .await;
        assert_eq!(status, 200);
        let (status, refused) = post_rating(
            app,
            Auth::Device(&tablet),
            "too-early",
            &hall_rating(&id, 5, &[]),
        )
        .await;
        assert_eq!(
            (status, refused["error"]["code"].as_str()),
            (409, Some("not_rateable_yet"))
        );
        let (status, _) = call(
            app,
            "POST",
            &format!("/api/v1/staff/queue/tickets/{id}/serve"),
            &clerk,
            Some(json!({})),
        )
        .await;
        assert_eq!(status, 200);
        id
    };
    let first = serve_one(&app).await;

    // Only the window's own tablet, and no kiosk; a walk-in's ticket is nobody's to rate on a
    // phone. Whose it is comes before the form.
    let bad = hall_rating(&first, 1, &["attitude.rude", "efficiency.long_wait"]);
    let (status, _) = post_rating(&app, Auth::Device(&other_tablet), "w6", &bad).await;
    assert_eq!(status, 403);
    let (status, refused) = post_rating(
        &app,
        Auth::Device(&kiosk),
        "kiosk",
        &json!({ "level": "x" }),
    )
    .await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (403, Some("device_forbidden"))
    );
    let citizen = app.citizen_token().await;
    let (status, _) = post_rating(&app, Auth::Bearer(&citizen), "phone", &bad).await;
    assert_eq!(status, 404);
    let (status, error) = post_rating(
        &app,
        Auth::Device(&tablet),
        "online-form",
        &online_rating("X", 4, &[]),
    )
    .await;
    assert_eq!(status, 422, "{error}");

    // Two presses on the tablet at once: one rating.
    let (a, b) = tokio::join!(
        post_rating(&app, Auth::Device(&tablet), "t-1", &bad),
        post_rating(&app, Auth::Device(&tablet), "t-2", &bad),
    );
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [201, 409], "{a:?} {b:?}");

    // Once the window served the next person, the tablet rates only that visit.
    let second = serve_one(&app).await;
    let late = hall_rating(&first, 5, &[]);
    let (status, refused) = post_rating(&app, Auth::Device(&tablet), "late", &late).await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (409, Some("not_current_ticket"))
    );
    let (status, good) = post_rating(
        &app,
        Auth::Device(&tablet),
        "t-3",
        &hall_rating(&second, 5, &[]),
    )
    .await;
    assert_eq!(status, 201, "{good}");
    assert!(
        good["rectification"].is_null(),
        "a good rating opens nothing"
    );
    let figures = stats(&app, "period=2026-12&group=hall").await;
    let row = &figures["items"][0];
    assert_eq!(
        (
            row["key"].as_str(),
            row["ratings"].as_u64(),
            row["bad"].as_u64()
        ),
        (Some("city"), Some(2), Some(1)),
        "{figures}"
    );
    assert_eq!(row["satisfaction_rate"], 0.5);
    let by_department = stats(&app, "period=2026-12").await;
    assert_eq!(
        (
            by_department["total"].as_u64(),
            by_department["summary"]["ratings"].as_u64()
        ),
        (Some(0), Some(2)),
        "walk-ins have no department, but the total counts them: {by_department}"
    );

    // The rated clerk does not handle their own 差评; a colleague of the zone does.
    let (_, own) = call(&app, "GET", "/api/v1/staff/rectifications", &clerk, None).await;
    assert_eq!(own["total"], 0, "{own}");
    let (colleague, secret) = app
        .enrolled_staff_at("clerk", "clerk02", "city", "social")
        .await;
    let clerk = app.staff_token(&colleague, &secret).await;
    // Nobody to call; the zone appeals, the supervisor excludes.
    let (_, queue) = call(&app, "GET", "/api/v1/staff/rectifications", &clerk, None).await;
    assert_eq!(queue["total"], 1, "{queue}");
    let rectification = format!(
        "/api/v1/staff/rectifications/{}",
        queue["items"][0]["id"].as_str().unwrap()
    );
    let (_, view) = call(&app, "GET", &rectification, &clerk, None).await;
    assert!(
        view["rater"].is_null() && view["staff"].is_string(),
        "{view}"
    );
    assert_eq!(view["actions"], json!(["callback", "appeal"]));
    let (status, error) = call(
        &app,
        "POST",
        &format!("{rectification}/appeal"),
        &clerk,
        Some(json!({ "reason": "", "evidence": "" })),
    )
    .await;
    assert!(
        status == 422 && error["error"]["fields"]["evidence"].is_array(),
        "{error}"
    );
    let appeal = json!({ "reason": "办结后评价人未离开窗口，系误触", "evidence": "窗口录像 2026-12-07 09:05" });
    let (status, view) = call(
        &app,
        "POST",
        &format!("{rectification}/appeal"),
        &clerk,
        Some(appeal.clone()),
    )
    .await;
    assert_eq!(
        (status, view["appeal"].as_str()),
        (200, Some("pending")),
        "{view}"
    );
    let (status, _) = call(
        &app,
        "POST",
        &format!("{rectification}/appeal"),
        &clerk,
        Some(appeal),
    )
    .await;
    assert_eq!(status, 409, "one appeal");
    let (status, _) = call(
        &app,
        "POST",
        &format!("{rectification}/review"),
        &clerk,
        Some(json!({ "decision": "excluded", "reason": "x" })),
    )
    .await;
    assert_eq!(status, 403, "the zone does not decide its own appeal");
    let (name, secret) = app.enrolled_staff("supervisor").await;
    let supervisor = app.staff_token(&name, &secret).await;
    let (status, view) = call(
        &app,
        "POST",
        &format!("{rectification}/review"),
        &supervisor,
        Some(json!({ "decision": "excluded", "reason": "录像显示系误触" })),
    )
    .await;
    assert_eq!(
        (status, view["state"].as_str()),
        (200, Some("excluded")),
        "{view}"
    );

    // Out of the figures, still in the supervision office's view with the decision.
    let figures = stats(&app, "period=2026-12&group=hall").await;
    let row = &figures["items"][0];
    assert_eq!(
        (row["ratings"].as_u64(), row["bad"].as_u64()),
        (Some(1), Some(0)),
        "{figures}"
    );
    assert_eq!(row["satisfaction_rate"], 1.0);
    let (_, excluded) = call(
        &app,
        "GET",
        "/api/v1/staff/rectifications?state=excluded",
        &supervisor,
        None,
    )
    .await;
    assert_eq!(excluded["total"], 1);
    let (_, view) = call(&app, "GET", &rectification, &supervisor, None).await;
    assert_eq!(view["review_reason"], "录像显示系误触");

    // The CSV for machines; bad filters named.
    let response = app
        .get("/api/v1/ratings/stats?period=2026-12&group=hall&format=csv")
        .await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = body_text(response).await;
    assert!(
        csv.contains("city,市民中心") || csv.contains("city,"),
        "{csv}"
    );
    let error = error_envelope(
        app.get("/api/v1/ratings/stats?period=2026-13&group=team")
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert!(
        error["fields"]["period"].is_array() && error["fields"]["group"].is_array(),
        "{error}"
    );
}

async fn an_answer_never_judged_closes_after_the_re_rating_period(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    set_clock(&app, datetime!(2026-12-07 09:00 +8));
    let citizen = app.citizen_token().await;
    let (clerk, secret) = app
        .enrolled_staff_at("clerk", "clerk-city", "city", "social")
        .await;
    let clerk = app.staff_token(&clerk, &secret).await;
    let (gaj_name, gaj_secret) = app.enrolled_approver("approver-gaj", "gaj").await;
    let gaj = app.staff_token(&gaj_name, &gaj_secret).await;
    let case_no = accepted_case(
        &app,
        &citizen,
        &clerk,
        json!({ "item_code": HOUSEHOLD_REGISTRATION }),
        json!({}),
    )
    .await;
    let url = format!("/api/v1/staff/applications/{case_no}");
    call(&app, "POST", &format!("{url}/start-review"), &gaj, None).await;
    let decision = json!({ "outcome": "approve", "reasons": "材料齐全", "legal_basis": "《中华人民共和国户口登记条例》第七条" });
    let (status, _) = call(&app, "POST", &format!("{url}/decide"), &gaj, Some(decision)).await;
    assert_eq!(status, 200);
    let bad = online_rating(&case_no, 1, &["convenience.extra_trips"]);
    let (status, rating) = post_rating(&app, Auth::Bearer(&citizen), "r", &bad).await;
    assert_eq!(status, 201, "{rating}");
    let (_, queue) = call(&app, "GET", "/api/v1/staff/rectifications", &gaj, None).await;
    let rectification = format!(
        "/api/v1/staff/rectifications/{}",
        queue["items"][0]["id"].as_str().unwrap()
    );
    for (step, body) in [
        ("callback", json!({ "result": "已联系" })),
        ("answer", json!({ "answer": "已增加预约提醒" })),
    ] {
        let (status, view) = call(
            &app,
            "POST",
            &format!("{rectification}/{step}"),
            &gaj,
            Some(body),
        )
        .await;
        assert_eq!(status, 200, "{view}");
    }
    // Nine days on nothing closes; past the ten-day period the sweep closes it, once.
    set_clock(&app, datetime!(2026-12-16 10:00 +8));
    assert_eq!(service::ratings::sweep(&app.portal).await.unwrap(), 0);
    set_clock(&app, datetime!(2026-12-17 10:00 +8));
    assert_eq!(service::ratings::sweep(&app.portal).await.unwrap(), 1);
    assert_eq!(service::ratings::sweep(&app.portal).await.unwrap(), 0);
    let gaj = app.staff_token(&gaj_name, &gaj_secret).await;
    let (_, view) = call(&app, "GET", &rectification, &gaj, None).await;
    assert_eq!(view["state"], "closed", "{view}");
    assert!(
        view["events"].as_array().unwrap().last().unwrap()["text"]
            .as_str()
            .unwrap()
            .contains("未对整改答复作出评价")
    );
    let citizen = app.api_login(CITIZEN_PHONE, CITIZEN_PASSWORD).await;
    let re_rate = format!("/api/v1/ratings/{}/re-rate", rating["id"].as_str().unwrap());
    let (status, _) = call(
        &app,
        "POST",
        &re_rate,
        &citizen,
        Some(json!({ "result": "satisfied" })),
    )
    .await;
    assert_eq!(status, 409);
}

/// What a mini-program may get wrong, answered with the envelope and a message people can read:
/// who first, then the body's type, syntax, size and content.
async fn bad_rating_requests_are_answered_in_order(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let raw = |auth: Auth<'_>, content_type: &str, body: Vec<u8>| {
        let request = app
            .request("POST", "/api/v1/ratings", auth)
            .header("content-type", content_type);
        app.send(request.body(body.into()).unwrap())
    };
    error_envelope(
        raw(
            Auth::Anonymous,
            "application/json",
            b"{\"level\": 9}".to_vec(),
        )
        .await,
        401,
        "unauthorized",
    )
    .await;
    let citizen = app.citizen_token().await;
    error_envelope(
        raw(Auth::Bearer(&citizen), "text/plain", b"x".to_vec()).await,
        415,
        "unsupported_media_type",
    )
    .await;
    error_envelope(
        raw(
            Auth::Bearer(&citizen),
            "application/json",
            b"{\"level\":".to_vec(),
        )
        .await,
        400,
        "malformed_json",
    )
    .await;
    let huge = format!("{{\"comment\": \"{}\"}}", "评".repeat(2_000_000));
    let response = raw(
        Auth::Bearer(&citizen),
        "application/json",
        huge.into_bytes(),
    )
    .await;
    assert_eq!(response.status(), 413);
    let error = error_envelope(
        raw(
            Auth::Bearer(&citizen),
            "application/json",
            b"{\"level\": 3}".to_vec(),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert!(error["fields"]["case_no"].is_array(), "{error}");
    assert!(
        !error["message"].as_str().unwrap().contains("case_no"),
        "no field names in what people read"
    );
    let (status, _) = call(
        &app,
        "POST",
        "/api/v1/ratings/nope/re-rate",
        &citizen,
        Some(json!({ "result": "satisfied" })),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = call(&app, "GET", "/api/v1/staff/rectifications", &citizen, None).await;
    assert_eq!(status, 403, "citizens have no rectification queue");
    let error = error_envelope(
        app.get("/api/v1/ratings/stats?page_size=500&format=xml")
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert!(
        error["fields"]["page_size"].is_array() || error["fields"]["format"].is_array(),
        "{error}"
    );
}

on_both_databases!(
    bad_rating_requests_are_answered_in_order,
    a_bad_rating_is_called_back_answered_re_rated_and_reopened_once,
    a_window_rating_counts_until_a_review_excludes_it,
    an_answer_never_judged_closes_after_the_re_rating_period,
);

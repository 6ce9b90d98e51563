//! 一窗受理 through the API: the work queue of a clerk's hall and zone, the audited read, 受理 with
//! every manual review point, 不予受理, the clock the applicant then sees, and who may do what.

use crate::common::cases::{fill_in, start, submit};
use crate::common::{Auth, CITIZEN_PASSWORD, TestApp, body_json, body_text, error_envelope};
use serde_json::{Value, json};
use service::Backend;

/// 户口登记（出生登记）: handled at the city hall's social zone; one manual review point.
const HOUSEHOLD_REGISTRATION: &str = "1133010000250002364000400000033";

async fn submitted_case(app: &TestApp, token: &str) -> String {
    let draft = start(app, token, json!({ "item_code": HOUSEHOLD_REGISTRATION })).await;
    let filled = fill_in(app, token, &draft).await;
    let case = submit(app, token, filled["id"].as_str().unwrap()).await;
    case["case_no"].as_str().unwrap().to_owned()
}

async fn staff(app: &TestApp, role: &str, username: &str, hall: &str, zone: &str) -> String {
    let (username, secret) = app.enrolled_staff_at(role, username, hall, zone).await;
    app.staff_token(&username, &secret).await
}

async fn get_json(app: &TestApp, url: &str, token: &str) -> (u16, Value) {
    let response = app.call("GET", url, Auth::Bearer(token), None).await;
    let status = response.status().as_u16();
    (status, body_json(response).await)
}

async fn a_clerk_accepts_a_case_of_their_zone_and_the_applicant_sees_the_clock(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let citizen = app.citizen_token().await;
    let case_no = submitted_case(&app, &citizen).await;
    let clerk = staff(&app, "clerk", "clerk01", "city", "social").await;
    let other_zone = staff(&app, "clerk", "clerk02", "city", "economic").await;

    // The queue of the city hall's social zone holds the case, masked; another zone's does not.
    let (status, queue) = get_json(&app, "/api/v1/staff/applications?queue=intake", &clerk).await;
    assert_eq!(status, 200, "{queue}");
    let entry = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["case_no"] == case_no.as_str())
        .unwrap_or_else(|| panic!("the case is queued: {queue}"))
        .clone();
    assert_eq!(entry["applicant"], "张*");
    assert_eq!(entry["channel"], "online");
    assert_eq!(entry["state"], "submitted");
    assert!(entry["clock"].is_null(), "no clock before acceptance");
    let (_, elsewhere) = get_json(&app, "/api/v1/staff/applications", &other_zone).await;
    assert_eq!(elsewhere["total"], 0, "{elsewhere}");
    let url = format!("/api/v1/staff/applications/{case_no}");
    let (status, _) = get_json(&app, &url, &other_zone).await;
    assert_eq!(
        status, 404,
        "outside the clerk's zone the case does not exist"
    );

    // The read is audited: the applicant sees it.
    let (status, case) = get_json(&app, &url, &clerk).await;
    assert_eq!(status, 200, "{case}");
    assert_eq!(
        case["actions"],
        json!(["accept", "request_supplement", "refuse"])
    );
    let point = case["manual_points"][0].clone();
    assert_eq!(point["text"], "户口簿户主页与本人页齐全", "{case}");
    let (_, log) = get_json(&app, "/api/v1/me/access-log", &citizen).await;
    assert!(
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "查看办件"
                && e["purpose"] == format!("办理办件 {case_no}").as_str()),
        "{log}"
    );

    // Opening a material is audited too, naming the material; outside the zone it is not found.
    let material = format!("{url}/materials/household_register");
    let opened = app.call("GET", &material, Auth::Bearer(&clerk), None).await;
    assert_eq!(opened.status(), 200);
    assert_eq!(opened.headers()["content-disposition"], "attachment");
    assert!(body_text(opened).await.starts_with("%PDF"));
    let (_, log) = get_json(&app, "/api/v1/me/access-log", &citizen).await;
    assert!(
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "查看申请材料"
                && e["purpose"] == format!("办理办件 {case_no}：落户方户口簿").as_str()),
        "{log}"
    );
    let (status, _) = get_json(&app, &material, &other_zone).await;
    assert_eq!(status, 404);
    let (status, _) = get_json(&app, &format!("{url}/materials/nothing"), &clerk).await;
    assert_eq!(status, 404, "a material without a file");

    // 受理 needs every manual point checked; each missing one is named.
    let accept = format!("{url}/accept");
    let unchecked = app
        .call(
            "POST",
            &accept,
            Auth::Bearer(&clerk),
            Some(json!({ "checked": [] })),
        )
        .await;
    let error = error_envelope(unchecked, 422, "validation_failed").await;
    let field = format!("checked.{}", point["id"].as_str().unwrap());
    assert!(
        error["fields"][field.as_str()][0]
            .as_str()
            .unwrap()
            .contains("户口簿户主页"),
        "{error}"
    );
    let accepted = app
        .call(
            "POST",
            &accept,
            Auth::Bearer(&clerk),
            Some(json!({ "checked": [point["id"]] })),
        )
        .await;
    assert_eq!(accepted.status(), 200, "{}", body_text(accepted).await);
    let accepted = body_json(accepted).await;
    assert_eq!(accepted["case"]["state"], "accepted");
    // Promised one working day: the next working day after today (day 0), as the calendar says.
    let today = accepted["case"]["submitted_at"].as_str().unwrap()[..10].to_owned();
    let (_, due) = get_json(
        &app,
        &format!("/api/v1/calendar/due-date?from={today}&working_days=1"),
        &citizen,
    )
    .await;
    let promised_due = due["due_date"].as_str().unwrap().to_owned();
    assert_eq!(
        accepted["case"]["clock"]["promised_due"],
        promised_due.as_str()
    );
    assert_eq!(accepted["case"]["clock"]["promised_left"], 1);
    assert_eq!(accepted["case"]["clock"]["legal_left"], 5);
    assert_eq!(accepted["case"]["clock"]["urgency"], "warning");

    // The applicant sees the state, the clock, the event (its actor masked) and a message.
    let (_, mine) = get_json(&app, &format!("/api/v1/applications/{case_no}"), &citizen).await;
    assert_eq!(mine["state_label"], "已受理");
    assert_eq!(mine["clock"]["promised_due"], promised_due.as_str());
    let (_, timeline) = get_json(
        &app,
        &format!("/api/v1/applications/{case_no}/timeline"),
        &citizen,
    )
    .await;
    let last = timeline["items"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["kind"], "accepted", "{timeline}");
    assert!(
        last["text"]
            .as_str()
            .unwrap()
            .contains(&format!("承诺于 {promised_due} 前办结"))
    );
    assert_eq!(last["actor"], "窗口工作人员 陈**", "the clerk masked");
    let (_, inbox) = get_json(&app, "/api/v1/messages", &citizen).await;
    assert!(
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["title"] == "申请已受理"),
        "{inbox}"
    );

    // Accepted once: a second decision is a state conflict, whatever its body says.
    for body in [
        json!({ "checked": [point["id"]] }),
        json!({ "checked": [] }),
    ] {
        let again = app
            .call("POST", &accept, Auth::Bearer(&clerk), Some(body))
            .await;
        error_envelope(again, 409, "state_conflict").await;
    }
    let (_, review) = get_json(&app, "/api/v1/staff/applications?queue=review", &clerk).await;
    assert_eq!(review["items"][0]["case_no"], case_no.as_str(), "{review}");
    assert_eq!(review["items"][0]["clock"]["promised_left"], 1);

    // Filters: one state, or only what is in warning or overdue (one working day left is 预警).
    let (_, accepted) = get_json(
        &app,
        "/api/v1/staff/applications?queue=all&state=accepted",
        &clerk,
    )
    .await;
    assert_eq!(accepted["total"], 1, "{accepted}");
    let (_, submitted) = get_json(
        &app,
        "/api/v1/staff/applications?queue=all&state=submitted",
        &clerk,
    )
    .await;
    assert_eq!(submitted["total"], 0, "{submitted}");
    let (_, warned) = get_json(
        &app,
        "/api/v1/staff/applications?queue=all&warning=true",
        &clerk,
    )
    .await;
    assert_eq!(warned["items"][0]["urgency"], "warning", "{warned}");
    let bogus = app
        .call(
            "GET",
            "/api/v1/staff/applications?state=later",
            Auth::Bearer(&clerk),
            None,
        )
        .await;
    let error = error_envelope(bogus, 422, "validation_failed").await;
    assert!(error["fields"]["state"].is_array(), "{error}");
}

async fn a_refusal_names_its_reason_and_basis(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let citizen = app.citizen_token().await;
    let case_no = submitted_case(&app, &citizen).await;
    let clerk = staff(&app, "clerk", "clerk01", "city", "social").await;
    let refuse = format!("/api/v1/staff/applications/{case_no}/refuse");
    let empty = app
        .call("POST", &refuse, Auth::Bearer(&clerk), Some(json!({})))
        .await;
    let error = error_envelope(empty, 422, "validation_failed").await;
    assert!(error["fields"]["reason"].is_array() && error["fields"]["legal_basis"].is_array());
    let refused = app
        .call(
            "POST",
            &refuse,
            Auth::Bearer(&clerk),
            Some(json!({
                "reason": "申请人户籍不在本辖区",
                "legal_basis": "《中华人民共和国户口登记条例》第七条",
            })),
        )
        .await;
    assert_eq!(refused.status(), 200, "{}", body_text(refused).await);
    let (_, mine) = get_json(&app, &format!("/api/v1/applications/{case_no}"), &citizen).await;
    assert_eq!(mine["state_label"], "不予受理");
    let (_, inbox) = get_json(&app, "/api/v1/messages", &citizen).await;
    let message = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["title"] == "申请不予受理")
        .unwrap()
        .clone();
    assert!(
        message["body"]
            .as_str()
            .unwrap()
            .contains("户口登记条例》第七条")
    );

    // The 不予受理通知书: the reason, the basis and how to challenge it, addressed in full to
    // the applicant and masked to staff.
    let (status, notices) = get_json(
        &app,
        &format!("/api/v1/applications/{case_no}/notices"),
        &citizen,
    )
    .await;
    assert_eq!(status, 200, "{notices}");
    let notice = &notices["items"][0];
    assert_eq!(notice["title"], "不予受理通知书");
    assert_eq!(notice["addressee"], "张三");
    assert_eq!(
        notice["issuer"], "示范市公安局 · 受理地点：示范市民中心（市政务服务中心）",
        "{notice}"
    );
    assert!(
        notice["paragraphs"][0]
            .as_str()
            .unwrap()
            .contains("经审查，申请人户籍不在本辖区"),
        "{notice}"
    );
    assert!(notice["remedy"].as_str().unwrap().contains("行政复议"));
    let (_, case) = get_json(
        &app,
        &format!("/api/v1/staff/applications/{case_no}"),
        &clerk,
    )
    .await;
    assert_eq!(case["notices"][0]["addressee"], "张*");
    app.register_citizen("440304198503150028", "13900139000")
        .await;
    let stranger = app.api_login("13900139000", CITIZEN_PASSWORD).await;
    let (status, _) = get_json(
        &app,
        &format!("/api/v1/applications/{case_no}/notices"),
        &stranger,
    )
    .await;
    assert_eq!(status, 404, "another citizen's notices do not exist");
}

/// Every intake route × role × in or out of scope: only a clerk of the case's hall and zone
/// decides; supervisors and admins read; nobody else sees the case.
async fn who_may_see_and_decide_a_case(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let citizen = app.citizen_token().await;
    let case_no = submitted_case(&app, &citizen).await;
    let read = format!("/api/v1/staff/applications/{case_no}");
    let tokens = [
        (
            "clerk in scope",
            staff(&app, "clerk", "clerk01", "city", "social").await,
        ),
        (
            "clerk of another hall",
            staff(&app, "clerk", "clerk02", "qingshan", "social").await,
        ),
        (
            "approver",
            staff(&app, "approver", "approver01", "city", "social").await,
        ),
        (
            "issuer of the zone",
            staff(&app, "issuer", "issuer01", "city", "social").await,
        ),
        (
            "supervisor",
            staff(&app, "supervisor", "supervisor01", "city", "social").await,
        ),
        ("citizen", citizen.clone()),
    ];
    // (who, read status, decide status)
    let expected = [
        ("clerk in scope", 200, 422),
        ("clerk of another hall", 404, 404),
        ("approver", 404, 403),
        ("issuer of the zone", 404, 403),
        ("supervisor", 200, 403),
        ("citizen", 403, 403),
    ];
    for ((who, token), (_, read_status, decide_status)) in tokens.iter().zip(expected) {
        let (status, body) = get_json(&app, &read, token).await;
        assert_eq!(status, read_status, "{who} reads: {body}");
        let material = app
            .call(
                "GET",
                &format!("{read}/materials/household_register"),
                Auth::Bearer(token),
                None,
            )
            .await;
        assert_eq!(material.status(), read_status, "{who} opens a material");
        // Bodies that parse but are refused in scope, so nothing changes the case.
        let bodies = [
            ("accept", json!({ "checked": [] })),
            ("refuse", json!({})),
            ("request-supplement", json!({ "items": [] })),
        ];
        for (action, body) in bodies {
            let response = app
                .call(
                    "POST",
                    &format!("{read}/{action}"),
                    Auth::Bearer(token),
                    Some(body),
                )
                .await;
            assert_eq!(
                response.status(),
                decide_status,
                "{who} {action}: {}",
                body_text(response).await
            );
        }
        let queue = app
            .call(
                "GET",
                "/api/v1/staff/applications?queue=all",
                Auth::Bearer(token),
                None,
            )
            .await;
        let expected_queue = if *who == "citizen" { 403 } else { 200 };
        assert_eq!(queue.status(), expected_queue, "{who} queue");
        if *who != "citizen" {
            let listed = body_json(queue).await["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["case_no"] == case_no.as_str());
            assert_eq!(
                listed,
                read_status == 200,
                "{who}'s queues list exactly what they may open"
            );
        }
    }

    // 窗口收件: only a clerk starts one, and only the window that started it works on it.
    let (_, draft) = {
        let response = app
            .call(
                "POST",
                "/api/v1/staff/window-applications",
                Auth::Bearer(&tokens[0].1),
                Some(json!({ "item_code": HOUSEHOLD_REGISTRATION,
                             "id_number": crate::common::CITIZEN_ID })),
            )
            .await;
        assert_eq!(response.status(), 201, "{}", body_text(response).await);
        ((), body_json(response).await)
    };
    let window = format!(
        "/api/v1/staff/window-applications/{}",
        draft["application"]["id"].as_str().unwrap()
    );
    // (who, start status, draft status)
    let window_expected = [
        ("clerk in scope", 422, 200),
        ("clerk of another hall", 422, 404),
        ("approver", 403, 403),
        ("issuer of the zone", 403, 403),
        ("supervisor", 403, 403),
        ("citizen", 403, 403),
    ];
    for ((who, token), (_, start_status, draft_status)) in tokens.iter().zip(window_expected) {
        let start = app
            .call(
                "POST",
                "/api/v1/staff/window-applications",
                Auth::Bearer(token),
                Some(json!({})),
            )
            .await;
        assert_eq!(start.status(), start_status, "{who} starts");
        let (status, body) = get_json(&app, &window, token).await;
        assert_eq!(status, draft_status, "{who} reads the draft: {body}");
        let saved = app
            .call("PUT", &window, Auth::Bearer(token), Some(json!({})))
            .await;
        assert_eq!(saved.status(), draft_status, "{who} saves the draft");
        let scan = app
            .upload_to(
                &format!("{window}/documents"),
                token,
                "扫描件.pdf",
                b"%PDF-1.7\n%%EOF\n",
            )
            .await;
        let scan_status = if draft_status == 200 {
            201
        } else {
            draft_status
        };
        assert_eq!(scan.status(), scan_status, "{who} scans");
        let submit = app
            .call(
                "POST",
                &format!("{window}/submit"),
                Auth::Bearer(token),
                None,
            )
            .await;
        let submit_status = if draft_status == 200 {
            422
        } else {
            draft_status
        };
        assert_eq!(
            submit.status(),
            submit_status,
            "{who} submits the unfinished draft"
        );
    }

    let anonymous = app.call("GET", &read, Auth::Anonymous, None).await;
    error_envelope(anonymous, 401, "unauthorized").await;
    let bad_queue = app
        .call(
            "GET",
            "/api/v1/staff/applications?queue=later",
            Auth::Bearer(&tokens[0].1),
            None,
        )
        .await;
    let error = error_envelope(bad_queue, 422, "validation_failed").await;
    assert!(error["fields"]["queue"].is_array(), "{error}");
}

/// Two clerks accept one case at the same moment: one succeeds, the other hears 409.
async fn two_clerks_accepting_at_once_give_one_acceptance(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let citizen = app.citizen_token().await;
    let first = staff(&app, "clerk", "clerk01", "city", "social").await;
    let second = staff(&app, "clerk", "clerk02", "city", "social").await;
    let app = std::sync::Arc::new(app);
    for _ in 0..3 {
        let case_no = submitted_case(&app, &citizen).await;
        let (_, case) = get_json(
            &app,
            &format!("/api/v1/staff/applications/{case_no}"),
            &first,
        )
        .await;
        let checked = json!({ "checked": [case["manual_points"][0]["id"]] });
        let mut tasks = tokio::task::JoinSet::new();
        for token in [first.clone(), second.clone()] {
            let (app, case_no, checked) = (app.clone(), case_no.clone(), checked.clone());
            tasks.spawn(async move {
                let url = format!("/api/v1/staff/applications/{case_no}/accept");
                app.call("POST", &url, Auth::Bearer(&token), Some(checked))
                    .await
                    .status()
                    .as_u16()
            });
        }
        let mut statuses = Vec::new();
        while let Some(done) = tasks.join_next().await {
            statuses.push(done.unwrap());
        }
        statuses.sort();
        assert_eq!(statuses, [200, 409]);
        let (_, timeline) = get_json(
            &app,
            &format!("/api/v1/applications/{case_no}/timeline"),
            &citizen,
        )
        .await;
        let accepted = timeline["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "accepted")
            .count();
        assert_eq!(accepted, 1, "one acceptance on the timeline");
    }
}

/// 食品经营许可: filed by a business at the city hall's economic zone; its layout drawing may be
/// handed in later (容缺).
const FOOD_LICENCE: &str = "11330100002500010U4000100000002";

async fn a_clerk_defers_a_material_at_acceptance_and_the_applicant_hears_the_date(
    backend: Backend,
) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    service::seed::demo_accounts(&app.portal)
        .await
        .expect("demo accounts");
    let company = app
        .call(
            "POST",
            "/api/v1/auth/login",
            Auth::Anonymous,
            Some(
                json!({ "account": "91350100M000100Y43", "agent": "13800138000",
                         "password": "Demo2026pass" }),
            ),
        )
        .await;
    let company = body_json(company).await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let draft = start(&app, &company, json!({ "item_code": FOOD_LICENCE })).await;
    let filled = fill_in(&app, &company, &draft).await;
    let case = submit(&app, &company, filled["id"].as_str().unwrap()).await;
    let case_no = case["case_no"].as_str().unwrap().to_owned();
    let clerk = staff(&app, "clerk", "clerk09", "city", "economic").await;
    let url = format!("/api/v1/staff/applications/{case_no}");
    let (_, view) = get_json(&app, &url, &clerk).await;
    assert_eq!(
        view["deferrable_materials"],
        json!([{ "code": "layout", "name": "经营场所平面布局图和设备布局、操作流程图" }])
    );
    let today = time::Date::parse(
        &case["submitted_at"].as_str().unwrap()[..10],
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .unwrap();
    let in_days = |days: i64| (today + time::Duration::days(days)).to_string();
    let accept = format!("{url}/accept");
    let attempt = |body: Value| {
        let (app, clerk, accept) = (&app, &clerk, &accept);
        async move {
            app.call("POST", accept, Auth::Bearer(clerk), Some(body))
                .await
        }
    };

    // Only a deferrable material, with a date after today and within the limit; a material
    // in hand keeps its review point, a deferred one needs none.
    let wrong = attempt(json!({
        "checked": ["application.1"],
        "deferrals": { "application": in_days(5), "layout": in_days(0) },
    }))
    .await;
    let error = error_envelope(wrong, 422, "validation_failed").await;
    assert!(
        error["fields"]["deferrals.application"].is_array(),
        "{error}"
    );
    assert!(
        error["fields"]["deferrals.layout"][0]
            .as_str()
            .unwrap()
            .contains("承诺补交日期须在今天之后"),
        "{error}"
    );
    let until = in_days(5);
    let accepted = attempt(json!({
        "checked": ["application.1"],
        "deferrals": { "layout": until },
    }))
    .await;
    assert_eq!(accepted.status(), 200, "{}", body_text(accepted).await);
    let accepted = body_json(accepted).await;
    assert_eq!(accepted["case"]["state"], "accepted");
    assert_eq!(
        accepted["case"]["choices"]["layout"],
        json!({ "kind": "deferred", "until": until })
    );
    assert_eq!(accepted["deferrable_materials"], json!([]));

    let (_, timeline) = get_json(
        &app,
        &format!("/api/v1/applications/{case_no}/timeline"),
        &company,
    )
    .await;
    let last = timeline["items"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["kind"], "accepted_with_deferrals", "{timeline}");
    assert!(
        last["text"].as_str().unwrap().contains(&format!(
            "“经营场所平面布局图和设备布局、操作流程图”于 {until} 前补交"
        )),
        "{last}"
    );
    let (_, notices) = get_json(
        &app,
        &format!("/api/v1/applications/{case_no}/notices"),
        &company,
    )
    .await;
    let notice = &notices["items"][0];
    assert_eq!(notice["title"], "受理通知书", "{notices}");
    assert_eq!(notice["addressee"], "示范市星火科技有限公司");
    assert_eq!(
        notice["commitments"],
        json!([{ "material_name": "经营场所平面布局图和设备布局、操作流程图", "until": until }])
    );
    assert_eq!(
        notice["promised_due"],
        accepted["case"]["clock"]["promised_due"]
    );
    assert_eq!(notice["legal_due"], accepted["case"]["clock"]["legal_due"]);
    assert!(
        notice["legal_basis"]
            .as_array()
            .unwrap()
            .contains(&json!("《食品经营许可和备案管理办法》第二十五条")),
        "{notice}"
    );
    let (_, inbox) = get_json(&app, "/api/v1/messages", &company).await;
    assert!(
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["title"] == "申请已容缺受理"
                && m["body"].as_str().unwrap().contains(&until)),
        "{inbox}"
    );
}

on_both_databases!(
    a_clerk_accepts_a_case_of_their_zone_and_the_applicant_sees_the_clock,
    a_clerk_defers_a_material_at_acceptance_and_the_applicant_hears_the_date,
    a_refusal_names_its_reason_and_basis,
    who_may_see_and_decide_a_case,
    two_clerks_accepting_at_once_give_one_acceptance,
);

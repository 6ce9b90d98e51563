//! 后台分类审批 through the API: the department's queue, 审查开始, a 特别程序 over a 调休
//! weekend that stops the clock, the decision and its 决定书; a 一件事 split to its member
//! departments, decided in parallel (a mixed outcome kept as 部分准予) with one 一车勘验 drawn
//! 双随机; 容缺 commitments kept, or flagged and revoked after the grace period; 电子监察 and
//! 催办. Each on SQLite and on PostgreSQL, with the portal's clock moved to the days that matter.

use crate::common::cases::{accepted_case, call};
use crate::common::{
    Auth, CITIZEN_PASSWORD, CITIZEN_PHONE, TestApp, body_json, body_text, error_envelope,
};
use serde_json::{Value, json};
use service::Backend;
use service::clock::Clock;
use time::macros::datetime;

/// 户口登记（出生登记）: 公安局 (gaj), city hall social zone; promised 1, legal 5 working days.
const HOUSEHOLD_REGISTRATION: &str = "1133010000250002364000400000033";
/// 退休审批: 人社局 (rsj), social zone; 参加工作时间证明 may be deferred (容缺).
const RETIREMENT: &str = "1133010000250007024000400000038";

/// Moves the portal's clock to `at`. Sessions do not survive a jump of days: log in again.
fn set_clock(app: &TestApp, at: time::OffsetDateTime) {
    app.clock.advance(at - app.clock.now());
}

/// An enrolled staff member, who logs in again after the clock jumps.
struct Staff {
    username: String,
    secret: Vec<u8>,
}

impl Staff {
    async fn token(&self, app: &TestApp) -> String {
        app.staff_token(&self.username, &self.secret).await
    }
}

async fn citizen_again(app: &TestApp) -> String {
    app.api_login(CITIZEN_PHONE, CITIZEN_PASSWORD).await
}

async fn clerk_at(app: &TestApp, hall: &str) -> Staff {
    let (username, secret) = app
        .enrolled_staff_at("clerk", &format!("clerk-{hall}"), hall, "social")
        .await;
    Staff { username, secret }
}

async fn approver(app: &TestApp, department: &str) -> Staff {
    let (username, secret) = app
        .enrolled_approver(&format!("approver-{department}"), department)
        .await;
    Staff { username, secret }
}

fn kinds(timeline: &Value) -> Vec<String> {
    timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

async fn an_approver_stops_the_clock_over_a_make_up_weekend_and_decides(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    // Tue 2026-09-15: accepted (day 0).
    set_clock(&app, datetime!(2026-09-15 02:00 UTC));
    let mut citizen = app.citizen_token().await;
    let clerk = clerk_at(&app, "city").await.token(&app).await;
    let gaj_member = approver(&app, "gaj").await;
    let mut gaj = gaj_member.token(&app).await;
    let scjg = approver(&app, "scjg").await.token(&app).await;
    let case_no = accepted_case(
        &app,
        &citizen,
        &clerk,
        json!({ "item_code": HOUSEHOLD_REGISTRATION }),
        json!({}),
    )
    .await;
    let url = format!("/api/v1/staff/applications/{case_no}");

    // The case sits in 公安局's review queue, not in another department's.
    let (status, queue) = call(
        &app,
        "GET",
        "/api/v1/staff/applications?queue=review",
        &gaj,
        None,
    )
    .await;
    assert_eq!(status, 200, "{queue}");
    assert_eq!(queue["items"][0]["case_no"], case_no.as_str(), "{queue}");
    assert_eq!(queue["items"][0]["applicant"], "张*");
    let (_, elsewhere) = call(
        &app,
        "GET",
        "/api/v1/staff/applications?queue=review",
        &scjg,
        None,
    )
    .await;
    assert_eq!(elsewhere["total"], 0, "{elsewhere}");
    let (status, _) = call(&app, "POST", &format!("{url}/start-review"), &scjg, None).await;
    assert_eq!(
        status, 404,
        "another department's case does not exist for it"
    );
    let (status, _) = call(&app, "POST", &format!("{url}/start-review"), &clerk, None).await;
    assert_eq!(status, 403, "the front desk does not review");

    let (status, view) = call(&app, "GET", &url, &gaj, None).await;
    assert_eq!(status, 200);
    assert_eq!(view["actions"], json!(["start_review", "revoke"]), "{view}");
    let (status, view) = call(&app, "POST", &format!("{url}/start-review"), &gaj, None).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["case"]["state"], "in_review");
    let (status, again) = call(&app, "POST", &format!("{url}/start-review"), &gaj, None).await;
    assert_eq!(
        (status, again["error"]["code"].as_str()),
        (409, Some("state_conflict"))
    );

    // Fri 9-18: 现场勘验 until Tue 9-22; a bad request names each field.
    set_clock(&app, datetime!(2026-09-18 02:00 UTC));
    (gaj, citizen) = (gaj_member.token(&app).await, citizen_again(&app).await);
    let response = app
        .call(
            "POST",
            &format!("{url}/suspend"),
            Auth::Bearer(&gaj),
            Some(json!({ "kind": "inspection", "reason": "", "expected_end": "2026-09-01" })),
        )
        .await;
    let error = error_envelope(response, 422, "validation_failed").await;
    assert!(
        error["fields"]["reason"].is_array() && error["fields"]["expected_end"].is_array(),
        "{error}"
    );
    let response = app
        .call(
            "POST",
            &format!("{url}/suspend"),
            Auth::Bearer(&gaj),
            Some(
                json!({ "kind": "picnic", "reason": "现场核实住所", "expected_end": "2026-09-22" }),
            ),
        )
        .await;
    let error = error_envelope(response, 422, "validation_failed").await;
    assert!(error["fields"]["kind"].is_array(), "{error}");
    let (status, view) = call(
        &app,
        "POST",
        &format!("{url}/suspend"),
        &gaj,
        Some(json!({ "kind": "inspection", "reason": "现场核实实际居住地址", "expected_end": "2026-09-22" })),
    )
    .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["case"]["state"], "suspended");
    assert_eq!(view["case"]["clock"]["suspended"], true);

    // The applicant sees the procedure, and hears of it.
    let (_, mine) = call(
        &app,
        "GET",
        &format!("/api/v1/applications/{case_no}"),
        &citizen,
        None,
    )
    .await;
    assert_eq!(mine["state_label"], "特别程序");
    assert_eq!(mine["suspensions"][0]["kind_label"], "现场勘验");
    assert_eq!(mine["suspensions"][0]["expected_end"], "2026-09-22");
    assert!(
        mine["responsible"]
            .as_str()
            .unwrap()
            .contains("示范市公安局"),
        "{mine}"
    );
    let (_, messages) = call(&app, "GET", "/api/v1/messages", &citizen, None).await;
    assert!(
        messages["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["title"] == "办件进入特别程序（现场勘验）"),
        "{messages}"
    );

    // Tue 9-22: resumed. Counted: 9-16, 9-17 and 9-22; 9-18 to 9-21, with the 调休 Sunday 9-20,
    // stood still (without the procedure six days would have counted).
    set_clock(&app, datetime!(2026-09-22 02:00 UTC));
    (gaj, citizen) = (gaj_member.token(&app).await, citizen_again(&app).await);
    let (status, view) = call(&app, "POST", &format!("{url}/resume"), &gaj, None).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["case"]["state"], "in_review");
    assert_eq!(view["case"]["clock"]["legal_left"], 2, "{view}");
    assert_eq!(view["case"]["clock"]["promised_left"], -2);
    assert_eq!(view["case"]["clock"]["legal_due"], "2026-09-24");
    assert_eq!(view["case"]["suspensions"][0]["ended_on"], "2026-09-22");

    // 不予 needs reasons and a basis; 准予 is issued with its 决定书.
    let response = app
        .call(
            "POST",
            &format!("{url}/decide"),
            Auth::Bearer(&gaj),
            Some(json!({ "outcome": "deny" })),
        )
        .await;
    let error = error_envelope(response, 422, "validation_failed").await;
    assert!(
        error["fields"]["reasons"].is_array() && error["fields"]["legal_basis"].is_array(),
        "{error}"
    );
    // Two approvers deciding at once: one decision stands, the other is told it came too late.
    let second = gaj_member.token(&app).await;
    let decide = format!("{url}/decide");
    let approve = json!({ "outcome": "approve", "reasons": "申请材料齐全，符合出生登记条件", "legal_basis": "《中华人民共和国户口登记条例》第七条" });
    let deny = json!({ "outcome": "deny", "reasons": "出生医学证明信息不一致", "legal_basis": "《中华人民共和国户口登记条例》第七条" });
    let (first, other) = tokio::join!(
        call(&app, "POST", &decide, &gaj, Some(approve)),
        call(&app, "POST", &decide, &second, Some(deny))
    );
    let mut statuses = [first.0, other.0];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{} {}", first.1, other.1);
    let (winner, loser) = if first.0 == 200 {
        (&first.1, &other.1)
    } else {
        (&other.1, &first.1)
    };
    assert_eq!(loser["error"]["code"], "state_conflict");
    let decided = winner["case"]["state"].as_str().unwrap().to_owned();
    let (status, again) = call(
        &app,
        "POST",
        &format!("{url}/decide"),
        &gaj,
        Some(json!({ "outcome": "deny", "reasons": "改变主意了吗", "legal_basis": "无依据" })),
    )
    .await;
    assert_eq!(
        (status, again["error"]["code"].as_str()),
        (409, Some("state_conflict"))
    );
    let (_, notices) = call(
        &app,
        "GET",
        &format!("/api/v1/applications/{case_no}/notices"),
        &citizen,
        None,
    )
    .await;
    let titles: Vec<&str> = notices["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["title"].as_str().unwrap())
        .collect();
    let decision = match decided.as_str() {
        "approved" => "准予行政许可决定书",
        _ => "不予行政许可决定书",
    };
    assert_eq!(
        titles,
        ["受理通知书", decision],
        "one decision issued: {notices}"
    );
    let (_, timeline) = call(
        &app,
        "GET",
        &format!("/api/v1/applications/{case_no}/timeline"),
        &citizen,
        None,
    )
    .await;
    assert_eq!(
        kinds(&timeline),
        [
            "submitted",
            "accepted",
            "review_started",
            "suspended",
            "resumed",
            decided.as_str()
        ]
    );
}

/// 出生一件事 (lead 卫健委): five items across 卫健委, 公安局, 医保局 and 人社局.
async fn a_package_is_reviewed_in_parallel_with_one_joint_inspection_and_a_mixed_outcome(
    backend: Backend,
) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    set_clock(&app, datetime!(2026-12-07 02:00 UTC));
    let citizen = app.citizen_token().await;
    // The package is handled where its lead item is: the 青山 hall's social zone.
    let clerk = clerk_at(&app, "qingshan").await.token(&app).await;
    let mut approvers = std::collections::BTreeMap::new();
    for department in ["wjw", "gaj", "ybj", "rsj"] {
        let member = approver(&app, department).await;
        approvers.insert(department, member.token(&app).await);
    }
    let package_no = accepted_case(
        &app,
        &citizen,
        &clerk,
        json!({ "package_id": "chusheng" }),
        json!({}),
    )
    .await;

    // Every child case went to its department at once, each with its own clock.
    let (_, package) = call(
        &app,
        "GET",
        &format!("/api/v1/applications/{package_no}"),
        &citizen,
        None,
    )
    .await;
    let children = package["package"]["children"].as_array().unwrap().clone();
    assert_eq!(children.len(), 5);
    for child in &children {
        assert_eq!(child["state"], "accepted", "{child}");
        assert!(child["clock"]["promised_left"].is_i64(), "{child}");
        assert!(child["department"].is_string(), "{child}");
    }
    let department_of = |child: &Value| -> &'static str {
        match child["department"].as_str().unwrap() {
            "示范市卫生健康委员会" => "wjw",
            "示范市公安局" => "gaj",
            "示范市医疗保障局" => "ybj",
            "示范市人力资源和社会保障局" => "rsj",
            other => panic!("unexpected department {other}"),
        }
    };
    // The lead department sees the package case and its own children; 公安局 only its child.
    let (_, lead_queue) = call(
        &app,
        "GET",
        "/api/v1/staff/applications?queue=review",
        &approvers["wjw"],
        None,
    )
    .await;
    let lead_cases: Vec<&str> = lead_queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["case_no"].as_str().unwrap())
        .collect();
    assert!(lead_cases.contains(&package_no.as_str()), "{lead_queue}");
    let (_, gaj_queue) = call(
        &app,
        "GET",
        "/api/v1/staff/applications?queue=review",
        &approvers["gaj"],
        None,
    )
    .await;
    assert_eq!(gaj_queue["total"], 1, "{gaj_queue}");
    let package_url = format!("/api/v1/staff/applications/{package_no}");
    let (status, error) = call(
        &app,
        "POST",
        &format!("{package_url}/start-review"),
        &approvers["wjw"],
        None,
    )
    .await;
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (409, Some("package_case"))
    );

    for child in &children {
        let url = format!(
            "/api/v1/staff/applications/{}/start-review",
            child["case_no"].as_str().unwrap()
        );
        let (status, view) = call(&app, "POST", &url, &approvers[department_of(child)], None).await;
        assert_eq!(status, 200, "{view}");
    }
    let (_, package) = call(
        &app,
        "GET",
        &format!("/api/v1/applications/{package_no}"),
        &citizen,
        None,
    )
    .await;
    assert_eq!(
        package["state"], "in_review",
        "the package follows its first child"
    );

    // 一车勘验 from the package: one inspection for all five cases, one inspector drawn from each
    // of the four departments' pools, reproducible from its seed.
    let (status, inspection) = call(
        &app,
        "POST",
        &format!("{package_url}/inspections"),
        &approvers["wjw"],
        Some(json!({ "scheduled_on": "2026-12-09", "expected_end": "2026-12-10", "place": "示范市人民医院产科", "inspectors_per_department": 1 })),
    )
    .await;
    assert_eq!(status, 201, "{inspection}");
    assert_eq!(
        inspection["cases"].as_array().unwrap().len(),
        6,
        "the five child cases and the package case, whose clock stops with theirs"
    );
    assert_eq!(inspection["reproduced"], true);
    let draw: domain::review::Draw = serde_json::from_value(inspection["draw"].clone()).unwrap();
    assert_eq!(draw.departments.len(), 4);
    let pools = draw
        .departments
        .iter()
        .map(|d| {
            (
                d.department.clone(),
                d.department_name.clone(),
                d.pool.clone(),
            )
        })
        .collect();
    let again =
        domain::review::draw(u64::from_str_radix(&draw.seed, 16).unwrap(), pools, 1).unwrap();
    assert_eq!(again, draw, "the draw re-runs from its seed and pools");
    for child in &children {
        let (_, mine) = call(
            &app,
            "GET",
            &format!(
                "/api/v1/applications/{}",
                child["case_no"].as_str().unwrap()
            ),
            &citizen,
            None,
        )
        .await;
        assert_eq!(mine["state"], "suspended", "{mine}");
        assert_eq!(mine["suspensions"][0]["inspection_id"], inspection["id"]);
    }
    let id = inspection["id"].as_str().unwrap();
    let outsider = approver(&app, "scjg").await.token(&app).await;
    let (status, _) = call(
        &app,
        "GET",
        &format!("/api/v1/staff/inspections/{id}"),
        &outsider,
        None,
    )
    .await;
    assert_eq!(status, 404, "no case of 市场监管局 is covered");
    let (status, shown) = call(
        &app,
        "GET",
        &format!("/api/v1/staff/inspections/{id}"),
        &approvers["ybj"],
        None,
    )
    .await;
    assert_eq!((status, &shown["draw"]), (200, &inspection["draw"]));
    // Its procedure ends only with the result; the result stands on every case.
    let child_url = format!(
        "/api/v1/staff/applications/{}",
        children[0]["case_no"].as_str().unwrap()
    );
    let (status, error) = call(
        &app,
        "POST",
        &format!("{child_url}/resume"),
        &approvers[department_of(&children[0])],
        None,
    )
    .await;
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (409, Some("inspection_pending"))
    );
    let (_, package) = call(
        &app,
        "GET",
        &format!("/api/v1/applications/{package_no}"),
        &citizen,
        None,
    )
    .await;
    assert_eq!(package["clock"]["suspended"], true, "{package}");
    // The department that scheduled it records the result for all of them.
    app.clock.advance(time::Duration::hours(6));
    let result = format!("/api/v1/staff/inspections/{id}/result");
    let body = json!({ "result": "新生儿及监护人信息与申请一致" });
    let (status, error) = call(&app, "POST", &result, &approvers["gaj"], Some(body.clone())).await;
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (403, Some("not_the_scheduler"))
    );
    let (status, view) = call(&app, "POST", &result, &approvers["wjw"], Some(body)).await;
    assert_eq!(status, 200, "{view}");
    let (status, _) = call(
        &app,
        "POST",
        &result,
        &approvers["wjw"],
        Some(json!({ "result": "再登记一次" })),
    )
    .await;
    assert_eq!(status, 409);
    let (_, package) = call(
        &app,
        "GET",
        &format!("/api/v1/applications/{package_no}"),
        &citizen,
        None,
    )
    .await;
    assert_eq!(package["clock"]["suspended"], false, "{package}");
    for child in &children {
        let (_, timeline) = call(
            &app,
            "GET",
            &format!(
                "/api/v1/applications/{}/timeline",
                child["case_no"].as_str().unwrap()
            ),
            &citizen,
            None,
        )
        .await;
        let last = timeline["items"].as_array().unwrap().last().unwrap();
        assert_eq!(last["kind"], "resumed");
        assert!(
            last["text"]
                .as_str()
                .unwrap()
                .contains("新生儿及监护人信息与申请一致"),
            "{last}"
        );
    }

    // 公安局 denies its part; 人社局 approves while 医保局 revokes at the same moment; the others
    // approve first.
    let decide = |outcome: &str| json!({ "outcome": outcome, "reasons": if outcome == "deny" { "监护人户籍信息核验不一致" } else { "符合条件" }, "legal_basis": "《中华人民共和国户口登记条例》第七条" });
    let (mut last_two, mut first) = (Vec::new(), Vec::new());
    for child in &children {
        let department = department_of(child);
        let url = format!(
            "/api/v1/staff/applications/{}/decide",
            child["case_no"].as_str().unwrap()
        );
        let outcome = if department == "gaj" {
            "deny"
        } else {
            "approve"
        };
        if department == "ybj" {
            let revoke = url.replace("/decide", "/revoke");
            let reason = json!({ "reason": "核查发现参保信息的告知承诺不实" });
            last_two.push((revoke, approvers[department].clone(), reason));
        } else if department == "rsj" {
            last_two.push((url, approvers[department].clone(), decide(outcome)));
        } else {
            first.push((url, approvers[department].clone(), decide(outcome)));
        }
    }
    for (url, token, body) in &first {
        let (status, view) = call(&app, "POST", url, token, Some(body.clone())).await;
        assert_eq!(status, 200, "{view}");
    }
    let (a, b) = (&last_two[0], &last_two[1]);
    let (one, two) = tokio::join!(
        call(&app, "POST", &a.0, &a.1, Some(a.2.clone())),
        call(&app, "POST", &b.0, &b.1, Some(b.2.clone()))
    );
    assert_eq!((one.0, two.0), (200, 200), "{} {}", one.1, two.1);
    let (_, package) = call(
        &app,
        "GET",
        &format!("/api/v1/applications/{package_no}"),
        &citizen,
        None,
    )
    .await;
    assert_eq!(package["state"], "approved", "{package}");
    assert_eq!(
        package["package"]["outcome"]["label"],
        "部分准予（3 项准予，1 项不予，1 项撤销）"
    );
    let (_, timeline) = call(
        &app,
        "GET",
        &format!("/api/v1/applications/{package_no}/timeline"),
        &citizen,
        None,
    )
    .await;
    let closings = kinds(&timeline).iter().filter(|k| *k == "approved").count();
    assert_eq!(
        closings, 1,
        "exactly one sibling closed the package: {timeline}"
    );
    let denied = children.iter().find(|c| department_of(c) == "gaj").unwrap();
    let (_, notices) = call(
        &app,
        "GET",
        &format!(
            "/api/v1/applications/{}/notices",
            denied["case_no"].as_str().unwrap()
        ),
        &citizen,
        None,
    )
    .await;
    let denial = notices["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "denial")
        .unwrap_or_else(|| panic!("{notices}"));
    assert_eq!(denial["title"], "不予行政许可决定书");
    assert!(denial["remedy"].as_str().unwrap().contains("行政复议"));
    assert!(
        denial["paragraphs"][0]
            .as_str()
            .unwrap()
            .contains("监护人户籍信息核验不一致")
    );
}

async fn a_commitment_kept_is_confirmed_and_one_unkept_is_revoked_after_the_grace_period(
    backend: Backend,
) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    // Mon 12-07: both cases accepted with 参加工作时间证明 promised for Wed 12-09.
    set_clock(&app, datetime!(2026-12-07 02:00 UTC));
    let citizen = app.citizen_token().await;
    let clerk_member = clerk_at(&app, "city").await;
    let clerk = clerk_member.token(&app).await;
    let rsj_member = approver(&app, "rsj").await;
    let deferral = json!({ "work_history": "2026-12-09" });
    let kept = accepted_case(
        &app,
        &citizen,
        &clerk,
        json!({ "item_code": RETIREMENT }),
        deferral.clone(),
    )
    .await;
    let unkept = accepted_case(
        &app,
        &citizen,
        &clerk,
        json!({ "item_code": RETIREMENT }),
        deferral,
    )
    .await;

    // Tue 12-08, the working day before: a reminder for each, once.
    set_clock(&app, datetime!(2026-12-08 01:00 UTC));
    let (citizen, clerk, rsj) = (
        citizen_again(&app).await,
        clerk_member.token(&app).await,
        rsj_member.token(&app).await,
    );
    let swept = service::applications::sweep(&app.portal).await.unwrap();
    assert_eq!(swept.commitments.reminded, 2);
    let swept = service::applications::sweep(&app.portal).await.unwrap();
    assert_eq!(swept.commitments.reminded, 0, "one reminder per commitment");

    // Handed in as wx.uploadFile sends it, retried with the same key: one supplement.
    let url = format!("/api/v1/applications/{kept}/supplements");
    let upload = || {
        app.upload_with(
            &url,
            &citizen,
            "工作证明.pdf",
            b"%PDF-1.7\n% work history\n%%EOF\n",
            &[("material_code", "work_history")],
            Some("supplement-1"),
        )
    };
    let first = upload().await;
    assert_eq!(first.status(), 201, "{}", body_text(first).await);
    let retry = upload().await;
    assert_eq!(retry.status(), 201);
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    let view = body_json(retry).await;
    assert_eq!(view["commitments"][0]["state"], "handed_in", "{view}");
    // Not a 容缺 material, or not the applicant's file: the field is named.
    let (status, error) = call(
        &app,
        "POST",
        &url,
        &citizen,
        Some(json!({ "material_code": "id_document", "document_id": "d_x" })),
    )
    .await;
    assert_eq!(status, 422, "{error}");
    assert!(error["error"]["fields"]["material_code"].is_array());
    // Only a clerk of the case confirms it.
    let confirm = format!("/api/v1/staff/applications/{kept}/supplements/work_history/confirm");
    let (status, _) = call(&app, "POST", &confirm, &rsj, Some(json!({}))).await;
    assert_eq!(status, 403);
    let (status, _) = call(
        &app,
        "POST",
        &format!("/api/v1/staff/applications/{unkept}/supplements/work_history/confirm"),
        &clerk,
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 409, "nothing handed in yet");
    let (status, view) = call(&app, "POST", &confirm, &clerk, Some(json!({}))).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["case"]["commitments"][0]["state"], "confirmed");
    let (status, error) = call(&app, "POST", &confirm, &clerk, Some(json!({}))).await;
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (409, Some("already_confirmed"))
    );

    // Thu 12-10: the unkept one is flagged, once.
    set_clock(&app, datetime!(2026-12-10 01:00 UTC));
    let swept = service::applications::sweep(&app.portal).await.unwrap();
    assert_eq!(
        (swept.commitments.flagged, swept.commitments.revoked),
        (1, 0)
    );
    let citizen = citizen_again(&app).await;
    let (_, mine) = call(
        &app,
        "GET",
        &format!("/api/v1/applications/{unkept}"),
        &citizen,
        None,
    )
    .await;
    assert_eq!(mine["commitments"][0]["state"], "overdue");
    // Mon 12-14 is the third working day past (12-10, 12-11, 12-14): still in grace.
    set_clock(&app, datetime!(2026-12-14 01:00 UTC));
    let swept = service::applications::sweep(&app.portal).await.unwrap();
    assert_eq!(
        (swept.commitments.flagged, swept.commitments.revoked),
        (0, 0)
    );
    // Tue 12-15: four working days past, beyond a grace of three — revoked, with its 撤销决定书.
    set_clock(&app, datetime!(2026-12-15 01:00 UTC));
    let swept = service::applications::sweep(&app.portal).await.unwrap();
    assert_eq!(swept.commitments.revoked, 1);
    let swept = service::applications::sweep(&app.portal).await.unwrap();
    assert_eq!(swept.commitments.revoked, 0);
    let (citizen, rsj) = (citizen_again(&app).await, rsj_member.token(&app).await);
    let (_, mine) = call(
        &app,
        "GET",
        &format!("/api/v1/applications/{unkept}"),
        &citizen,
        None,
    )
    .await;
    assert_eq!(mine["state"], "revoked", "{mine}");
    let (_, timeline) = call(
        &app,
        "GET",
        &format!("/api/v1/applications/{unkept}/timeline"),
        &citizen,
        None,
    )
    .await;
    let kinds = kinds(&timeline);
    assert!(
        kinds.ends_with(&["commitment_overdue".to_owned(), "revoked".to_owned()]),
        "{kinds:?}"
    );
    let (_, notices) = call(
        &app,
        "GET",
        &format!("/api/v1/applications/{unkept}/notices"),
        &citizen,
        None,
    )
    .await;
    assert!(
        notices["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["title"] == "撤销决定书"),
        "{notices}"
    );
    let (_, kept_view) = call(
        &app,
        "GET",
        &format!("/api/v1/applications/{kept}"),
        &citizen,
        None,
    )
    .await;
    assert_eq!(
        kept_view["state"], "accepted",
        "a kept commitment revokes nothing"
    );

    // An approver who finds a 告知承诺 untrue revokes with the reason.
    let (status, error) = call(
        &app,
        "POST",
        &format!("/api/v1/staff/applications/{kept}/revoke"),
        &rsj,
        Some(json!({ "reason": "" })),
    )
    .await;
    assert_eq!(status, 422, "{error}");
    let (status, view) = call(
        &app,
        "POST",
        &format!("/api/v1/staff/applications/{kept}/revoke"),
        &rsj,
        Some(json!({ "reason": "核查发现承诺的参加工作时间与档案记载不符" })),
    )
    .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["case"]["state"], "revoked");
}

async fn supervision_lists_an_overdue_case_and_its_reminder_reaches_the_department(
    backend: Backend,
) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    set_clock(&app, datetime!(2026-12-07 02:00 UTC));
    let citizen = app.citizen_token().await;
    let clerk_member = clerk_at(&app, "city").await;
    let clerk = clerk_member.token(&app).await;
    let gaj_member = approver(&app, "gaj").await;
    let (username, secret) = app.enrolled_staff("supervisor").await;
    let supervisor_member = Staff { username, secret };
    let case_no = accepted_case(
        &app,
        &citizen,
        &clerk,
        json!({ "item_code": HOUSEHOLD_REGISTRATION }),
        json!({}),
    )
    .await;

    // Promised one working day: Wed 12-09 is past it.
    set_clock(&app, datetime!(2026-12-09 02:00 UTC));
    let (citizen, clerk, gaj, supervisor) = (
        citizen_again(&app).await,
        clerk_member.token(&app).await,
        gaj_member.token(&app).await,
        supervisor_member.token(&app).await,
    );
    let (status, _) = call(&app, "GET", "/api/v1/staff/supervision", &clerk, None).await;
    assert_eq!(status, 403, "supervisors only");
    let (status, list) = call(
        &app,
        "GET",
        "/api/v1/staff/supervision?urgency=overdue",
        &supervisor,
        None,
    )
    .await;
    assert_eq!(status, 200, "{list}");
    let entry = &list["items"][0];
    assert_eq!(entry["case"]["case_no"], case_no.as_str(), "{list}");
    assert_eq!(entry["case"]["urgency"], "overdue");
    assert_eq!(entry["case"]["applicant"], "张*");
    assert!(
        entry["responsible"]
            .as_str()
            .unwrap()
            .starts_with("示范市公安局"),
        "{entry}"
    );
    // The applicant's page says so too, and who answers for it.
    let (_, mine) = call(
        &app,
        "GET",
        &format!("/api/v1/applications/{case_no}"),
        &citizen,
        None,
    )
    .await;
    assert_eq!(mine["clock"]["urgency"], "overdue");
    assert!(
        mine["responsible"].as_str().unwrap().contains("0571-110"),
        "{mine}"
    );

    let remind = format!("/api/v1/staff/supervision/{case_no}/remind");
    let (status, error) = call(
        &app,
        "POST",
        &remind,
        &supervisor,
        Some(json!({ "message": "" })),
    )
    .await;
    assert_eq!(status, 422, "{error}");
    let (status, _) = call(
        &app,
        "POST",
        &remind,
        &gaj,
        Some(json!({ "message": "请尽快办理" })),
    )
    .await;
    assert_eq!(status, 403);
    let (status, reminded) = call(
        &app,
        "POST",
        &remind,
        &supervisor,
        Some(json!({ "message": "已逾期，请今日内办结" })),
    )
    .await;
    assert_eq!(status, 200, "{reminded}");
    assert!(reminded["reminded_at"].is_string());

    // The responsible approver sees it, until they act.
    let (_, queue) = call(
        &app,
        "GET",
        "/api/v1/staff/applications?queue=review&reminded=true",
        &gaj,
        None,
    )
    .await;
    assert_eq!(queue["total"], 1, "{queue}");
    let url = format!("/api/v1/staff/applications/{case_no}");
    let (_, view) = call(&app, "GET", &url, &gaj, None).await;
    assert!(
        view["reminder"]["text"]
            .as_str()
            .unwrap()
            .contains("已逾期，请今日内办结"),
        "{view}"
    );
    // The applicant reads that the case was urged on, not what staff were told.
    let (_, timeline) = call(
        &app,
        "GET",
        &format!("/api/v1/applications/{case_no}/timeline"),
        &citizen,
        None,
    )
    .await;
    let urged = timeline["items"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(urged["kind"], "reminded");
    assert!(
        !urged["text"].as_str().unwrap().contains("今日内办结"),
        "{urged}"
    );
    app.clock.advance(time::Duration::seconds(5));
    let (status, _) = call(&app, "POST", &format!("{url}/start-review"), &gaj, None).await;
    assert_eq!(status, 200);
    let (_, queue) = call(
        &app,
        "GET",
        "/api/v1/staff/applications?queue=review&reminded=true",
        &gaj,
        None,
    )
    .await;
    assert_eq!(queue["total"], 0, "{queue}");
}

/// The authorisation matrix of the department's steps, 容缺 confirmation and 电子监察: every role
/// in and out of scope, with bodies that parse but change nothing.
async fn who_may_review_confirm_and_supervise(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let citizen = app.citizen_token().await;
    let clerk = clerk_at(&app, "city").await.token(&app).await;
    let case_no = accepted_case(
        &app,
        &citizen,
        &clerk,
        json!({ "item_code": HOUSEHOLD_REGISTRATION }),
        json!({}),
    )
    .await;
    let other_clerk = clerk_at(&app, "qingshan").await.token(&app).await;
    let (username, secret) = app
        .enrolled_staff_at("issuer", "issuer-city", "city", "social")
        .await;
    let issuer = app.staff_token(&username, &secret).await;
    let (username, secret) = app.enrolled_staff("supervisor").await;
    let supervisor = app.staff_token(&username, &secret).await;
    let tokens = [
        (
            "approver of the department",
            approver(&app, "gaj").await.token(&app).await,
        ),
        (
            "approver of another department",
            approver(&app, "scjg").await.token(&app).await,
        ),
        ("clerk in scope", clerk),
        ("clerk of another hall", other_clerk),
        ("issuer", issuer),
        ("supervisor", supervisor),
        ("citizen", citizen),
    ];
    let url = format!("/api/v1/staff/applications/{case_no}");
    let steps = [
        (
            "suspend",
            json!({ "kind": "hearing", "reason": "", "expected_end": "2026-01-01" }),
        ),
        ("resume", json!({})),
        (
            "inspections",
            json!({ "scheduled_on": "2026-01-01", "expected_end": "2026-01-01", "place": "" }),
        ),
        ("decide", json!({ "outcome": "deny" })),
        ("revoke", json!({ "reason": "" })),
        ("supplements/household_register/confirm", json!({})),
    ];
    // Per role: each step above in order, then the supervision list, 催办, and a supplement.
    let expected: [(&str, [u16; 9]); 7] = [
        // An accepted case: only 撤销 applies, and its empty reason is named.
        (
            "approver of the department",
            [409, 409, 409, 409, 422, 403, 403, 403, 403],
        ),
        (
            "approver of another department",
            [404, 404, 404, 404, 404, 403, 403, 403, 403],
        ),
        // The clerk confirms, but this case defers nothing.
        (
            "clerk in scope",
            [403, 403, 403, 403, 403, 404, 403, 403, 403],
        ),
        (
            "clerk of another hall",
            [403, 403, 403, 403, 403, 404, 403, 403, 403],
        ),
        ("issuer", [403, 403, 403, 403, 403, 403, 403, 403, 403]),
        ("supervisor", [403, 403, 403, 403, 403, 403, 200, 422, 403]),
        // The applicant hands in only what was deferred.
        ("citizen", [403, 403, 403, 403, 403, 403, 403, 403, 422]),
    ];
    for ((who, token), (_, statuses)) in tokens.iter().zip(expected) {
        let mut seen = Vec::new();
        for (step, body) in &steps {
            let (status, _) = call(
                &app,
                "POST",
                &format!("{url}/{step}"),
                token,
                Some(body.clone()),
            )
            .await;
            seen.push(status);
        }
        seen.push(
            call(&app, "GET", "/api/v1/staff/supervision", token, None)
                .await
                .0,
        );
        let remind = format!("/api/v1/staff/supervision/{case_no}/remind");
        seen.push(
            call(&app, "POST", &remind, token, Some(json!({ "message": "" })))
                .await
                .0,
        );
        let supplement = format!("/api/v1/applications/{case_no}/supplements");
        let body = json!({ "material_code": "household_register", "document_id": "d_none" });
        seen.push(call(&app, "POST", &supplement, token, Some(body)).await.0);
        assert_eq!(seen, statuses, "{who}");
        let (status, _) = call(
            &app,
            "GET",
            "/api/v1/staff/inspections/in_none",
            token,
            None,
        )
        .await;
        assert_eq!(
            status,
            if *who == "citizen" { 403 } else { 404 },
            "{who} reads an inspection"
        );
    }
    let (_, mine) = call(
        &app,
        "GET",
        &format!("/api/v1/applications/{case_no}"),
        &tokens[6].1,
        None,
    )
    .await;
    assert_eq!(mine["state"], "accepted", "nothing moved the case");
}

on_both_databases!(
    who_may_review_confirm_and_supervise,
    an_approver_stops_the_clock_over_a_make_up_weekend_and_decides,
    a_package_is_reviewed_in_parallel_with_one_joint_inspection_and_a_mixed_outcome,
    a_commitment_kept_is_confirmed_and_one_unkept_is_revoked_after_the_grace_period,
    supervision_lists_an_overdue_case_and_its_reminder_reaches_the_department,
);

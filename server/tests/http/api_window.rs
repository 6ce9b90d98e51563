//! 窗口收件 through the API: a clerk registers a case for an elderly person without an account
//! (an offline record), fills the form, scans the materials and submits with channel `window`;
//! the case stays with the hall that took it in (全域办); the person's later registration takes
//! the record over, cases and all. A registered person's lookup is audited.

use crate::common::cases::answers_for;
use crate::common::{Auth, CITIZEN_PASSWORD, TestApp, body_json, body_text, error_envelope};
use serde_json::{Value, json};
use service::Backend;

/// 退休审批: a city item (市民中心, 社会类分区), taken in here at a 街道 便民服务中心.
const RETIREMENT: &str = "1133010000250007024000400000038";
const ELDER_ID: &str = "330106195003120028";
const ELDER_PHONE: &str = "13705710001";

async fn staff(app: &TestApp, username: &str, hall: &str, zone: &str) -> String {
    let (username, secret) = app.enrolled_staff_at("clerk", username, hall, zone).await;
    app.staff_token(&username, &secret).await
}

async fn post(app: &TestApp, token: &str, uri: &str, body: Value) -> (u16, Value) {
    let response = app.call("POST", uri, Auth::Bearer(token), Some(body)).await;
    let status = response.status().as_u16();
    (status, body_json(response).await)
}

async fn get(app: &TestApp, token: &str, uri: &str) -> (u16, Value) {
    let response = app.call("GET", uri, Auth::Bearer(token), None).await;
    let status = response.status().as_u16();
    (status, body_json(response).await)
}

/// Fills a window draft in through the staff endpoints: answers for every required question,
/// a scanned file for every required material.
async fn fill_and_submit(app: &TestApp, clerk: &str, draft: &Value) -> Value {
    let id = draft["id"].as_str().unwrap();
    let base = format!("/api/v1/staff/window-applications/{id}");
    let mut materials = serde_json::Map::new();
    for material in draft["materials"].as_array().unwrap() {
        if !material["required"].as_bool().unwrap() {
            continue;
        }
        let scanned = app
            .upload_to(
                &format!("{base}/documents"),
                clerk,
                "扫描件.pdf",
                b"%PDF-1.7\n% scanned at the window\n%%EOF\n",
            )
            .await;
        assert_eq!(scanned.status(), 201, "{}", body_text(scanned).await);
        let scanned = body_json(scanned).await;
        materials.insert(
            material["code"].as_str().unwrap().to_owned(),
            json!({ "kind": "document", "document_id": scanned["id"] }),
        );
    }
    let saved = app
        .call(
            "PUT",
            &base,
            Auth::Bearer(clerk),
            Some(json!({
                "answers": answers_for(&draft["form"], &draft["answers"]),
                "materials": materials,
            })),
        )
        .await;
    assert_eq!(saved.status(), 200, "{}", body_text(saved).await);
    let (status, case) = post(app, clerk, &format!("{base}/submit"), json!({})).await;
    assert_eq!(status, 201, "{case}");
    case
}

async fn an_elder_without_an_account_is_served_at_the_window_and_takes_the_case_over(
    backend: Backend,
) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let street = staff(&app, "clerk31", "qingshan", "social").await;
    let city = staff(&app, "clerk32", "city", "social").await;
    let start = "/api/v1/staff/window-applications";

    // Unknown ID number: the clerk is told to record the person, naming the fields.
    let (status, error) = post(
        &app,
        &street,
        start,
        json!({ "item_code": RETIREMENT, "id_number": ELDER_ID }),
    )
    .await;
    assert_eq!(status, 422, "{error}");
    assert!(
        error["error"]["fields"]["name"][0]
            .as_str()
            .unwrap()
            .contains("尚未注册"),
        "{error}"
    );
    let (status, error) = post(
        &app,
        &street,
        start,
        json!({ "item_code": RETIREMENT, "id_number": ELDER_ID, "name": "李秀英" }),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        error["error"]["fields"]["contact_phone"].is_array(),
        "{error}"
    );

    let (status, started) = post(
        &app,
        &street,
        start,
        json!({ "item_code": RETIREMENT, "id_number": ELDER_ID, "name": "李秀英",
                "contact_phone": ELDER_PHONE }),
    )
    .await;
    assert_eq!(status, 201, "{started}");
    let activation_code = started["activation_code"].as_str().unwrap().to_owned();
    assert_eq!(activation_code.len(), 9, "ABCD-EFGH: {activation_code}");
    let draft = started["application"].clone();
    let id = draft["id"].as_str().unwrap().to_owned();
    assert!(
        draft["answers"].to_string().contains("李秀英"),
        "prefilled from the offline record: {draft}"
    );
    // Only the window that took it in works on the draft.
    let (status, _) = get(&app, &city, &format!("{start}/{id}")).await;
    assert_eq!(status, 404);

    let case = fill_and_submit(&app, &street, &draft).await;
    let case_no = case["case_no"].as_str().unwrap().to_owned();

    // 全域办: the street hall's clerk has it (channel window) though the item is the city's;
    // the city hall's clerk of the same zone does not.
    let (_, queue) = get(&app, &street, "/api/v1/staff/applications?queue=intake").await;
    let entry = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["case_no"] == case_no.as_str())
        .unwrap_or_else(|| panic!("queued at the window's hall: {queue}"))
        .clone();
    assert_eq!(entry["channel"], "window");
    assert_eq!(entry["applicant"], "李**");
    let (_, elsewhere) = get(&app, &city, "/api/v1/staff/applications?queue=intake").await;
    assert!(
        !elsewhere.to_string().contains(&case_no),
        "not the city hall's: {elsewhere}"
    );

    // Accepted at the same window, with the 受理通知书 naming the hall that took it in.
    let (_, view) = get(
        &app,
        &street,
        &format!("/api/v1/staff/applications/{case_no}"),
    )
    .await;
    assert_eq!(view["channel"], "window");
    let checked: Vec<Value> = view["manual_points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].clone())
        .collect();
    let (status, accepted) = post(
        &app,
        &street,
        &format!("/api/v1/staff/applications/{case_no}/accept"),
        json!({ "checked": checked }),
    )
    .await;
    assert_eq!(status, 200, "{accepted}");
    assert!(
        accepted["notices"][0]["issuer"]
            .as_str()
            .unwrap()
            .contains("青山街道便民服务中心"),
        "{accepted}"
    );

    // Knowing the ID number, name and phone is not enough: only the code handed over at the
    // window takes the record over.
    let register = |name: &str, phone: &str, code: &str| {
        json!({ "kind": "citizen", "id_number": ELDER_ID, "name": name, "phone": phone,
                "password": CITIZEN_PASSWORD, "activation_code": code })
    };
    for attempt in [
        register("李秀英", ELDER_PHONE, ""),
        register("李秀英", ELDER_PHONE, "2345-6789"),
        register("李秀", ELDER_PHONE, &activation_code),
    ] {
        let refused = app
            .call(
                "POST",
                "/api/v1/auth/register",
                Auth::Anonymous,
                Some(attempt),
            )
            .await;
        error_envelope(refused, 409, "id_number_taken").await;
    }

    // The person's own registration with it (any phone of theirs, the code typed loosely) takes
    // the record over: the case is theirs, accepted, with its message.
    let own = app
        .call(
            "POST",
            "/api/v1/auth/register",
            Auth::Anonymous,
            Some(register(
                "李秀英",
                ELDER_PHONE,
                &activation_code.to_lowercase().replace('-', " "),
            )),
        )
        .await;
    assert_eq!(own.status(), 201, "{}", body_text(own).await);
    let elder = app.api_login(ELDER_PHONE, CITIZEN_PASSWORD).await;
    let (_, mine) = get(&app, &elder, &format!("/api/v1/applications/{case_no}")).await;
    assert_eq!(mine["state"], "accepted", "{mine}");
    let (_, inbox) = get(&app, &elder, "/api/v1/messages").await;
    assert!(
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["title"] == "申请已受理"),
        "{inbox}"
    );
    let again = app
        .call(
            "POST",
            "/api/v1/auth/register",
            Auth::Anonymous,
            Some(register("李秀英", "13705710009", &activation_code)),
        )
        .await;
    error_envelope(again, 409, "id_number_taken").await;

    // Once sent, the window draft is the applicant's: changing it there is a state conflict.
    let (status, body) = post(&app, &street, &format!("{start}/{id}/submit"), json!({})).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "state_conflict");
}

async fn a_registered_person_is_found_by_id_number_and_the_lookup_is_audited(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let citizen = app.citizen_token().await;
    let clerk = staff(&app, "clerk33", "city", "social").await;
    let (status, started) = post(
        &app,
        &clerk,
        "/api/v1/staff/window-applications",
        json!({ "item_code": RETIREMENT, "id_number": crate::common::CITIZEN_ID }),
    )
    .await;
    assert_eq!(status, 201, "{started}");
    assert!(
        started["activation_code"].is_null(),
        "a registered person needs none"
    );
    let draft = started["application"].clone();
    let (_, log) = get(&app, &citizen, "/api/v1/me/access-log").await;
    assert!(
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "查看个人信息" && e["purpose"] == "窗口收件：退休审批"),
        "{log}"
    );
    // The wrong name for a registered person is refused; a business item needs a credit code.
    let (status, error) = post(
        &app,
        &clerk,
        "/api/v1/staff/window-applications",
        json!({ "item_code": RETIREMENT, "id_number": crate::common::CITIZEN_ID,
                "name": "王五", "contact_phone": "13900139000" }),
    )
    .await;
    assert_eq!(status, 422);
    assert!(error["error"]["fields"]["name"].is_array(), "{error}");
    let (status, error) = post(
        &app,
        &clerk,
        "/api/v1/staff/window-applications",
        json!({ "item_code": "11330100002500010U4000100000002",
                "id_number": crate::common::CITIZEN_ID }),
    )
    .await;
    assert_eq!(status, 422);
    assert!(error["error"]["fields"]["id_number"].is_array(), "{error}");

    // The case, once sent, is the citizen's own: they see it, taken in at the window.
    let case = fill_and_submit(&app, &clerk, &draft).await;
    let case_no = case["case_no"].as_str().unwrap();
    let (_, timeline) = get(
        &app,
        &citizen,
        &format!("/api/v1/applications/{case_no}/timeline"),
    )
    .await;
    assert!(
        timeline["items"][0]["text"]
            .as_str()
            .unwrap()
            .contains("服务大厅窗口已为您收件"),
        "{timeline}"
    );
    // A citizen cannot use the window.
    let (status, _) = post(
        &app,
        &citizen,
        "/api/v1/staff/window-applications",
        json!({ "item_code": RETIREMENT, "id_number": crate::common::CITIZEN_ID }),
    )
    .await;
    assert_eq!(status, 403);
}

on_both_databases!(
    an_elder_without_an_account_is_served_at_the_window_and_takes_the_case_over,
    a_registered_person_is_found_by_id_number_and_the_lookup_is_audited,
);

//! What happens around a case after the form: 一件事 packages split into child cases, the
//! clerk's 补正 notice that reopens the form, e-licences that make materials 免提交, the
//! message centre, and the public progress lookup.

use crate::common::cases::{fill_in, start, submit};
use crate::common::{Auth, CITIZEN_ID, TestApp, body_json, body_text, error_envelope};
use axum::body::Body;
use http::Request;
use serde_json::{Value, json};
use service::Backend;

const PHONE: &str = "13800138000";
const BIRTH_CERTIFICATE: &str = "1133010000250005004000400000031";
const FOOD_LICENCE: &str = "11330100002500010U4000100000002";

async fn a_package_is_one_form_and_splits_into_child_cases(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let token = app.citizen_token().await;
    let draft = start(&app, &token, json!({ "package_id": "chusheng" })).await;
    assert_eq!(draft["item_name"], "出生一件事");
    assert_eq!(draft["package"]["items"].as_array().unwrap().len(), 5);

    // 一表申请: every question once, however many items ask it.
    let keys: Vec<&str> = draft["form"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["key"].as_str().unwrap())
        .collect();
    let mut unique = keys.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(keys.len(), unique.len(), "{keys:?}");
    assert!(keys.contains(&"newborn_name"));
    // 一套材料: the birth certificate several items need is asked for once.
    let certificates = draft["materials"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["shared_licence"] == "出生医学证明")
        .count();
    assert_eq!(certificates, 1);

    let filled = fill_in(&app, &token, &draft).await;
    let case = submit(&app, &token, filled["id"].as_str().unwrap()).await;
    let case_no = case["case_no"].as_str().unwrap().to_owned();
    let children = case["package"]["children"].as_array().unwrap();
    assert_eq!(children.len(), 5);
    for (n, child) in children.iter().enumerate() {
        assert_eq!(child["case_no"], format!("{case_no}-{:02}", n + 1));
        assert_eq!(child["state"], "submitted");
    }

    // A child case carries its own item's questions, answered once in the package form.
    let first = body_json(
        app.call(
            "GET",
            &format!("/api/v1/applications/{case_no}-01"),
            Auth::Bearer(&token),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(first["item_name"], draft["package"]["items"][0]);
    assert_eq!(first["answers"]["newborn_name"], "测试填写内容");
    assert!(first["package"].is_null());
    assert_eq!(first["part_of"]["case_no"], case_no.as_str());
    assert_eq!(first["part_of"]["item_name"], "出生一件事");

    // 我的办件 lists the package once; its items are on its page.
    let mine = body_json(
        app.call("GET", "/api/v1/applications", Auth::Bearer(&token), None)
            .await,
    )
    .await;
    assert_eq!(mine["total"], 1);
    assert_eq!(mine["items"][0]["item_name"], "出生一件事");

    // The package is withdrawn as a whole.
    let alone = app
        .call(
            "POST",
            &format!("/api/v1/applications/{case_no}-02/withdraw"),
            Auth::Bearer(&token),
            None,
        )
        .await;
    error_envelope(alone, 409, "part_of_package").await;
    let withdrawn = body_json(
        app.call(
            "POST",
            &format!("/api/v1/applications/{case_no}/withdraw"),
            Auth::Bearer(&token),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(withdrawn["state"], "withdrawn");
    assert!(
        withdrawn["package"]["children"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["state"] == "withdrawn")
    );

    // Exactly one of item_code and package_id.
    let both = app
        .call(
            "POST",
            "/api/v1/applications",
            Auth::Bearer(&token),
            Some(json!({ "item_code": BIRTH_CERTIFICATE, "package_id": "chusheng" })),
        )
        .await;
    let error = error_envelope(both, 422, "validation_failed").await;
    assert!(error["fields"]["item_code"].is_array());
    let unknown = app
        .call(
            "POST",
            "/api/v1/applications",
            Auth::Bearer(&token),
            Some(json!({ "package_id": "no-such-package" })),
        )
        .await;
    error_envelope(unknown, 404, "not_found").await;
}

async fn a_supplement_notice_reopens_the_same_form(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let token = app.citizen_token().await;
    let draft = start(&app, &token, json!({ "item_code": BIRTH_CERTIFICATE })).await;
    let filled = fill_in(&app, &token, &draft).await;
    let id = filled["id"].as_str().unwrap().to_owned();
    let case = submit(&app, &token, &id).await;
    let case_no = case["case_no"].as_str().unwrap().to_owned();
    let url = format!("/api/v1/staff/applications/{case_no}/request-supplement");
    let notice = json!({
        "remark": "请按以下各项一次补齐",
        "items": [
            { "target": "field:birth_hospital", "message": "出生医院应填写全称" },
            { "target": "material:parents_id", "message": "身份证复印件不清晰，请重新上传" },
        ],
    });

    // Only a clerk asks for 补正, and only with items that belong to the case.
    let by_citizen = app
        .call("POST", &url, Auth::Bearer(&token), Some(notice.clone()))
        .await;
    error_envelope(by_citizen, 403, "staff_only").await;
    let (clerk, secret) = app
        .enrolled_staff_at("clerk", "clerk01", "qingshan", "social")
        .await;
    let clerk = app.staff_token(&clerk, &secret).await;
    let stray = app
        .call(
            "POST",
            &url,
            Auth::Bearer(&clerk),
            Some(json!({ "items": [{ "target": "material:nonsense", "message": "x" }] })),
        )
        .await;
    let error = error_envelope(stray, 422, "validation_failed").await;
    assert!(error["fields"]["items.0.target"].is_array(), "{error}");

    let sent_back = app
        .call("POST", &url, Auth::Bearer(&clerk), Some(notice.clone()))
        .await;
    assert_eq!(sent_back.status(), 200, "{}", body_text(sent_back).await);
    let twice = app
        .call("POST", &url, Auth::Bearer(&clerk), Some(notice))
        .await;
    error_envelope(twice, 409, "state_conflict").await;

    // The applicant sees the notice on the same case and form, and hears of it.
    let reopened = body_json(
        app.call(
            "GET",
            &format!("/api/v1/applications/{case_no}"),
            Auth::Bearer(&token),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(reopened["state"], "needs_supplement");
    assert_eq!(reopened["id"], id);
    assert_eq!(
        reopened["supplement_notice"]["items"][0]["target"],
        "field:birth_hospital"
    );
    let inbox = body_json(
        app.call("GET", "/api/v1/messages", Auth::Bearer(&token), None)
            .await,
    )
    .await;
    let kinds: Vec<&str> = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["needs_supplement", "case_submitted"]);
    assert_eq!(inbox["unread"], 2);
    let message_id = inbox["items"][0]["id"].as_str().unwrap();
    let read = app
        .call(
            "POST",
            &format!("/api/v1/messages/{message_id}/read"),
            Auth::Bearer(&token),
            None,
        )
        .await;
    assert_eq!(read.status(), 204);
    let inbox = body_json(
        app.call("GET", "/api/v1/messages", Auth::Bearer(&token), None)
            .await,
    )
    .await;
    assert_eq!(inbox["unread"], 1);
    assert!(!inbox.to_string().contains(CITIZEN_ID));

    // Fixed and sent again: the same case number, back with the clerk.
    let fixed = app
        .call(
            "PATCH",
            &format!("/api/v1/applications/{case_no}"),
            Auth::Bearer(&token),
            Some(json!({ "answers": { "birth_hospital": "示范市妇幼保健院" } })),
        )
        .await;
    assert_eq!(fixed.status(), 200, "{}", body_text(fixed).await);
    let again = submit(&app, &token, &case_no).await;
    assert_eq!(again["case_no"], case_no.as_str());
    assert_eq!(again["state"], "submitted");
    assert!(again["supplement_notice"].is_null());
    let timeline = body_json(
        app.call(
            "GET",
            &format!("/api/v1/applications/{case_no}/timeline"),
            Auth::Bearer(&token),
            None,
        )
        .await,
    )
    .await;
    let kinds: Vec<&str> = timeline["items"]
        .as_array()
        .unwrap_or_else(|| timeline.as_array().unwrap())
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["submitted", "needs_supplement", "supplemented"]);

    // Once submitted again it cannot be changed until the clerk asks once more.
    let locked = app
        .call(
            "PATCH",
            &format!("/api/v1/applications/{case_no}"),
            Auth::Bearer(&token),
            Some(json!({ "answers": { "birth_hospital": "别的医院" } })),
        )
        .await;
    error_envelope(locked, 409, "not_editable").await;
}

async fn e_licences_make_materials_free_for_their_holder_only(backend: Backend) {
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
            Some(json!({ "account": "91350100M000100Y43", "agent": PHONE,
                         "password": "Demo2026pass" })),
        )
        .await;
    assert_eq!(company.status(), 200, "{}", body_text(company).await);
    let company = body_json(company).await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let draft = start(&app, &company, json!({ "item_code": FOOD_LICENCE })).await;
    assert_eq!(draft["vault_licences"], json!(["营业执照"]));
    let id = draft["id"].as_str().unwrap();
    let review = body_json(
        app.call(
            "POST",
            &format!("/api/v1/applications/{id}/prereview"),
            Auth::Bearer(&company),
            None,
        )
        .await,
    )
    .await;
    let findings = review["findings"].as_array().unwrap();
    assert!(
        !findings
            .iter()
            .any(|f| f["target"] == "material:business_licence" && f["level"] == "blocking"),
        "营业执照 comes from the licence library: {review}"
    );
    let vault = body_json(
        app.call("GET", "/api/v1/documents", Auth::Bearer(&company), None)
            .await,
    )
    .await;
    assert_eq!(vault["items"][0]["licence_type"], "营业执照", "{vault}");

    // The same person on their own has their own vault: the company's licence is not theirs.
    let person = app.api_login(PHONE, "Demo2026pass").await;
    let own = body_json(
        app.call("GET", "/api/v1/documents", Auth::Bearer(&person), None)
            .await,
    )
    .await;
    let types: Vec<&Value> = own["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["licence_type"])
        .collect();
    assert_eq!(types, [&json!("不动产权证书")]);

    // Seeding again adds nothing.
    service::seed::demo_accounts(&app.portal).await.unwrap();
    let again = body_json(
        app.call("GET", "/api/v1/documents", Auth::Bearer(&person), None)
            .await,
    )
    .await;
    assert_eq!(again["total"], 1);
}

async fn progress_is_public_by_number_and_name(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let token = app.citizen_token().await;
    let draft = start(&app, &token, json!({ "item_code": BIRTH_CERTIFICATE })).await;
    let filled = fill_in(&app, &token, &draft).await;
    let case = submit(&app, &token, filled["id"].as_str().unwrap()).await;
    let case_no = case["case_no"].as_str().unwrap();
    let ask = |number: &str, name: &str| {
        app.call(
            "POST",
            "/api/v1/progress-queries",
            Auth::Anonymous,
            Some(json!({ "case_no": number, "applicant_name": name })),
        )
    };
    let found = ask(case_no, "张三").await;
    assert_eq!(found.status(), 200);
    let found = body_json(found).await;
    assert_eq!(found["applicant"], "张*");
    assert_eq!(found["state_label"], "已提交，待受理");
    assert_eq!(found["latest"]["kind"], "submitted");
    assert!(!found.to_string().contains(CITIZEN_ID));
    assert!(!found.to_string().contains("张三"));

    // A wrong name and an unknown number are told apart by nobody.
    let wrong_name = error_envelope(ask(case_no, "李四").await, 404, "not_found").await;
    let unknown = error_envelope(ask("0000", "张三").await, 404, "not_found").await;
    assert_eq!(wrong_name["message"], unknown["message"]);
    let empty = error_envelope(ask(case_no, " ").await, 422, "validation_failed").await;
    assert!(empty["fields"]["applicant_name"].is_array());
}

/// Raw JSON text, for bodies a well-behaved client would never send.
async fn post_raw(
    app: &TestApp,
    uri: &str,
    token: Option<&str>,
    body: String,
) -> http::Response<Body> {
    let mut request = Request::post(uri).header("content-type", "application/json");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    app.send(request.body(Body::from(body)).unwrap()).await
}

async fn bad_input_to_supplement_messages_and_lookup_is_named(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let token = app.citizen_token().await;

    // Messages: sign-in required; someone else's or an unknown message is not found.
    let anonymous = app
        .call("GET", "/api/v1/messages", Auth::Anonymous, None)
        .await;
    error_envelope(anonymous, 401, "unauthorized").await;
    let unknown = app
        .call(
            "POST",
            "/api/v1/messages/m_nope/read",
            Auth::Bearer(&token),
            None,
        )
        .await;
    let error = error_envelope(unknown, 404, "not_found").await;
    assert_eq!(error["message"], "没有找到该消息");

    // The public lookup: malformed, missing and oversized bodies.
    let malformed = post_raw(
        &app,
        "/api/v1/progress-queries",
        None,
        r#"{"case_no": "#.into(),
    )
    .await;
    error_envelope(malformed, 400, "malformed_json").await;
    let missing = post_raw(
        &app,
        "/api/v1/progress-queries",
        None,
        r#"{"case_no": "1"}"#.into(),
    )
    .await;
    let error = error_envelope(missing, 422, "validation_failed").await;
    assert!(error["fields"]["applicant_name"].is_array(), "{error}");
    let blank = app
        .call(
            "POST",
            "/api/v1/progress-queries",
            Auth::Anonymous,
            Some(json!({ "case_no": " ", "applicant_name": "张三" })),
        )
        .await;
    let error = error_envelope(blank, 422, "validation_failed").await;
    assert_eq!(error["fields"]["case_no"][0], "请填写办件编号");
    let huge = format!(
        r#"{{"case_no": "1", "applicant_name": "{}"}}"#,
        "张".repeat(400_000)
    );
    let oversized = post_raw(&app, "/api/v1/progress-queries", None, huge).await;
    error_envelope(oversized, 413, "payload_too_large").await;

    // 补正: sign-in, the clerk's role, a known case, well-formed items.
    let draft = start(&app, &token, json!({ "item_code": BIRTH_CERTIFICATE })).await;
    let filled = fill_in(&app, &token, &draft).await;
    let case = submit(&app, &token, filled["id"].as_str().unwrap()).await;
    let url = format!(
        "/api/v1/staff/applications/{}/request-supplement",
        case["case_no"].as_str().unwrap()
    );
    let notice = json!({ "items": [{ "target": "field:birth_hospital", "message": "请写全称" }] });
    let anonymous = app
        .call("POST", &url, Auth::Anonymous, Some(notice.clone()))
        .await;
    error_envelope(anonymous, 401, "unauthorized").await;
    let (approver, secret) = app.enrolled_staff("approver").await;
    let approver = app.staff_token(&approver, &secret).await;
    let wrong_role = app
        .call("POST", &url, Auth::Bearer(&approver), Some(notice.clone()))
        .await;
    error_envelope(wrong_role, 403, "forbidden").await;
    let (clerk, secret) = app
        .enrolled_staff_at("clerk", "clerk01", "qingshan", "social")
        .await;
    let clerk = app.staff_token(&clerk, &secret).await;
    let unknown_case = app
        .call(
            "POST",
            "/api/v1/staff/applications/X000/request-supplement",
            Auth::Bearer(&clerk),
            Some(notice.clone()),
        )
        .await;
    error_envelope(unknown_case, 404, "not_found").await;
    let malformed = post_raw(&app, &url, Some(&clerk), r#"{"items": ["#.into()).await;
    error_envelope(malformed, 400, "malformed_json").await;
    let no_items = app
        .call(
            "POST",
            &url,
            Auth::Bearer(&clerk),
            Some(json!({ "items": [] })),
        )
        .await;
    let error = error_envelope(no_items, 422, "validation_failed").await;
    assert_eq!(error["fields"]["items"][0], "请逐项列明需要补正的内容");
    let empty_message = app
        .call(
            "POST",
            &url,
            Auth::Bearer(&clerk),
            Some(json!({ "items": [{ "target": "field:birth_hospital", "message": " " }] })),
        )
        .await;
    let error = error_envelope(empty_message, 422, "validation_failed").await;
    assert!(error["fields"]["items.0.message"].is_array(), "{error}");

    // A draft has no QR code: it has no case number yet. The image route refuses in plain text.
    let draft = start(&app, &token, json!({ "item_code": BIRTH_CERTIFICATE })).await;
    let qr_of_draft = format!("/applications/{}/qr.svg", draft["id"].as_str().unwrap());
    let qr = app
        .call("GET", &qr_of_draft, Auth::Bearer(&token), None)
        .await;
    assert_eq!(qr.status(), 404);
    assert_eq!(body_text(qr).await, "草稿还没有办件编号");
    let qr = app.call("GET", &qr_of_draft, Auth::Anonymous, None).await;
    assert_eq!(qr.status(), 401);
    assert!(body_text(qr).await.contains("登录"));
}

/// Two clerks act on one case at the same moment (and the applicant withdraws it meanwhile):
/// the state machine lets exactly one move happen; the others hear 409 `state_conflict`.
async fn concurrent_actions_on_one_case_give_one_success(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let token = app.citizen_token().await;
    let (clerk, secret) = app
        .enrolled_staff_at("clerk", "clerk01", "qingshan", "social")
        .await;
    let first_clerk = app.staff_token(&clerk, &secret).await;
    let second_clerk = app.staff_token(&clerk, &secret).await;
    let app = std::sync::Arc::new(app);
    for _ in 0..4 {
        let draft = start(&app, &token, json!({ "item_code": BIRTH_CERTIFICATE })).await;
        let filled = fill_in(&app, &token, &draft).await;
        let case = submit(&app, &token, filled["id"].as_str().unwrap()).await;
        let case_no = case["case_no"].as_str().unwrap().to_owned();
        let notice =
            json!({ "items": [{ "target": "field:birth_hospital", "message": "请写全称" }] });
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(3));
        let mut tasks = tokio::task::JoinSet::new();
        for (bearer, uri, body) in [
            (
                first_clerk.clone(),
                format!("/api/v1/staff/applications/{case_no}/request-supplement"),
                Some(notice.clone()),
            ),
            (
                second_clerk.clone(),
                format!("/api/v1/staff/applications/{case_no}/request-supplement"),
                Some(notice.clone()),
            ),
            (
                token.clone(),
                format!("/api/v1/applications/{case_no}/withdraw"),
                None,
            ),
        ] {
            let (app, barrier) = (app.clone(), barrier.clone());
            tasks.spawn(async move {
                barrier.wait().await;
                let by_clerk = body.is_some();
                let response = app.call("POST", &uri, Auth::Bearer(&bearer), body).await;
                let status = response.status().as_u16();
                (by_clerk, status, body_json(response).await)
            });
        }
        let (mut moved, mut refused, mut sent_back) = (0, 0, 0);
        while let Some(done) = tasks.join_next().await {
            let (by_clerk, status, body) = done.unwrap();
            match status {
                200 => {
                    moved += 1;
                    sent_back += usize::from(by_clerk);
                }
                409 => {
                    assert_eq!(body["error"]["code"], "state_conflict", "{body}");
                    refused += 1;
                }
                other => panic!("unexpected {other}: {body}"),
            }
        }
        // Withdrawing a 待补正 case is allowed too: after a notice, the withdrawal may follow.
        assert!(sent_back <= 1, "both clerks sent the case back");
        assert!(moved == 1 || moved == 2, "{moved} moves");
        assert_eq!(moved + refused, 3);
        let notices = body_json(
            app.call(
                "GET",
                &format!("/api/v1/applications/{case_no}/timeline"),
                Auth::Bearer(&token),
                None,
            )
            .await,
        )
        .await["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|event| event["kind"] == "needs_supplement")
            .count();
        assert!(notices <= 1, "the case was sent back {notices} times");
    }
}

on_both_databases!(
    concurrent_actions_on_one_case_give_one_success,
    bad_input_to_supplement_messages_and_lookup_is_named,
    a_package_is_one_form_and_splits_into_child_cases,
    a_supplement_notice_reopens_the_same_form,
    e_licences_make_materials_free_for_their_holder_only,
    progress_is_public_by_number_and_name,
);

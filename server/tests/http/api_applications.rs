//! Applications and uploads through the real router: prefilled drafts, all findings at once,
//! uploads checked by content and size, idempotent submission, unique case numbers under
//! concurrency, privacy of other people's cases.

use crate::common::{
    Auth, CITIZEN_ID, CITIZEN_PASSWORD, TestApp, body_json, body_text, error_envelope,
};
use axum::body::Body;
use http::Request;
use serde_json::{Value, json};
use server::config::Config;
use server::http::v1;
use service::Backend;

const BIRTH_CERTIFICATE: &str = "1133010000250005004000400000031";
const PHONE: &str = "13800138000";

async fn draft(app: &TestApp, token: &str) -> Value {
    let response = app
        .call(
            "POST",
            "/api/v1/applications",
            Auth::Bearer(token),
            Some(json!({ "item_code": BIRTH_CERTIFICATE })),
        )
        .await;
    assert_eq!(response.status(), 201, "{}", body_text(response).await);
    body_json(response).await
}

/// A PDF of exactly `size` bytes (at least its header and end marker).
fn pdf(size: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.resize(size.saturating_sub(6).max(bytes.len()), b' ');
    bytes.extend_from_slice(b"\n%%EOF");
    bytes
}

/// Fills the birth-certificate draft completely and attaches the parents' IDs.
async fn complete(app: &TestApp, token: &str, id: &str) {
    let document = body_json(app.upload(token, "父母身份证.pdf", &pdf(2048)).await).await;
    let patched = app
        .call(
            "PATCH",
            &format!("/api/v1/applications/{id}"),
            Auth::Bearer(token),
            Some(json!({
                "answers": {
                    "contact_address": "示范市人民大道1号3幢201室",
                    "newborn_name": "张小满",
                    "newborn_sex": "女",
                    "birth_date": "2026-11-01",
                    "birth_hospital": "示范市妇幼保健院",
                },
                "materials": {
                    "parents_id": { "kind": "document", "document_id": document["id"],
                                    "file_type": "pdf", "size_bytes": 1 },
                },
            })),
        )
        .await;
    assert_eq!(patched.status(), 200, "{}", body_text(patched).await);
}

async fn a_draft_is_prefilled_and_reviewed_all_at_once(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let token = app.citizen_token().await;
    let draft = draft(&app, &token).await;
    assert_eq!(draft["state"], "draft");
    assert_eq!(draft["answers"]["applicant_name"], "张三");
    assert_eq!(
        draft["answers"]["applicant_id_number"],
        "110105********002X"
    );
    assert!(
        !draft.to_string().contains(CITIZEN_ID),
        "masked in the view"
    );
    let id = draft["id"].as_str().unwrap();

    let review = body_json(
        app.call(
            "POST",
            &format!("/api/v1/applications/{id}/prereview"),
            Auth::Bearer(&token),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(review["passed"], false);
    let targets: Vec<&str> = review["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["target"].as_str().unwrap())
        .collect();
    assert_eq!(
        targets,
        [
            "field:birth_date",
            "field:birth_hospital",
            "field:contact_address",
            "field:newborn_name",
            "field:newborn_sex",
            "material:parents_id",
        ]
    );
    let refused = app
        .call(
            "POST",
            &format!("/api/v1/applications/{id}/submit"),
            Auth::Bearer(&token),
            None,
        )
        .await;
    let error = error_envelope(refused, 422, "validation_failed").await;
    assert!(
        error["fields"]["materials.parents_id"][0]
            .as_str()
            .unwrap()
            .contains("缺少")
    );

    // The masked ID sent back unchanged keeps the stored number.
    let kept = app
        .call(
            "PATCH",
            &format!("/api/v1/applications/{id}"),
            Auth::Bearer(&token),
            Some(json!({ "answers": { "applicant_id_number": "110105********002X" } })),
        )
        .await;
    assert_eq!(
        body_json(kept).await["answers"]["applicant_id_number"],
        "110105********002X"
    );
    complete(&app, &token, id).await;
    let review = body_json(
        app.call(
            "POST",
            &format!("/api/v1/applications/{id}/prereview"),
            Auth::Bearer(&token),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(review["passed"], true, "{review}");

    let submitted = app
        .call(
            "POST",
            &format!("/api/v1/applications/{id}/submit"),
            Auth::Bearer(&token),
            None,
        )
        .await;
    assert_eq!(submitted.status(), 201);
    let case = body_json(submitted).await;
    let case_no = case["case_no"].as_str().unwrap();
    assert!(
        case_no.starts_with(BIRTH_CERTIFICATE) && case_no.ends_with("0001"),
        "{case_no}"
    );
    assert_eq!(case_no.len(), 31 + 8 + 4);
    assert_eq!(case["state"], "submitted");
    assert!(case["due_estimate"]["due_date"].is_string());
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
    assert!(
        timeline["items"][0]["text"]
            .as_str()
            .unwrap()
            .contains(case_no)
    );

    // Someone else cannot see it, nor learn that it exists.
    app.register_citizen("440304198503150028", "13900139000")
        .await;
    let other = app.api_login("13900139000", CITIZEN_PASSWORD).await;
    let hidden = app
        .call(
            "GET",
            &format!("/api/v1/applications/{case_no}"),
            Auth::Bearer(&other),
            None,
        )
        .await;
    error_envelope(hidden, 404, "not_found").await;

    let withdrawn = app
        .call(
            "POST",
            &format!("/api/v1/applications/{case_no}/withdraw"),
            Auth::Bearer(&token),
            None,
        )
        .await;
    assert_eq!(body_json(withdrawn).await["state"], "withdrawn");
    let again = app
        .call(
            "POST",
            &format!("/api/v1/applications/{case_no}/withdraw"),
            Auth::Bearer(&token),
            None,
        )
        .await;
    error_envelope(again, 409, "state_conflict").await;
}

async fn uploads_are_checked_by_content_and_size(backend: Backend) {
    let mut config = Config::default();
    config.applications.upload_max_mb = 1;
    let Some(app) = TestApp::with(backend, config, v1::routes()).await else {
        return;
    };
    let token = app.citizen_token().await;
    let limit = 1024 * 1024;
    error_envelope(
        app.upload(&token, "big.pdf", &pdf(limit + 1)).await,
        413,
        "payload_too_large",
    )
    .await;
    assert_eq!(
        app.upload(&token, "exact.pdf", &pdf(limit)).await.status(),
        201
    );
    let renamed = app
        .upload(&token, "invoice.pdf", b"MZ\x90\x00\x03 this is a program")
        .await;
    error_envelope(renamed, 415, "unsupported_media_type").await;
    let traversal = app.upload(&token, "../../etc/passwd.pdf", &pdf(100)).await;
    assert_eq!(traversal.status(), 201);
    let stored = body_json(traversal).await;
    assert_eq!(stored["file_name"], "passwd.pdf");
    let content = app
        .call(
            "GET",
            &format!(
                "/api/v1/documents/{}/content",
                stored["id"].as_str().unwrap()
            ),
            Auth::Bearer(&token),
            None,
        )
        .await;
    assert_eq!(content.status(), 200);
    assert_eq!(content.headers()["content-type"], "application/pdf");
    assert_eq!(body_text(content).await.len(), 100);
    let listed = body_json(
        app.call("GET", "/api/v1/documents", Auth::Bearer(&token), None)
            .await,
    )
    .await;
    assert_eq!(listed["total"], 2);

    // No session, no file field, no multipart at all.
    let anonymous = app
        .send(
            Request::post("/api/v1/documents")
                .header("content-type", "multipart/form-data; boundary=x")
                .body(Body::from("--x--\r\n"))
                .unwrap(),
        )
        .await;
    error_envelope(anonymous, 401, "unauthorized").await;
    let no_file = app
        .send(
            Request::post("/api/v1/documents")
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "multipart/form-data; boundary=x")
                .body(Body::from(
                    "--x\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--x--\r\n",
                ))
                .unwrap(),
        )
        .await;
    let error = error_envelope(no_file, 422, "validation_failed").await;
    assert_eq!(error["fields"]["file"][0], "请选择要上传的文件");
    let not_multipart = app
        .call(
            "POST",
            "/api/v1/documents",
            Auth::Bearer(&token),
            Some(json!({ "file": "x" })),
        )
        .await;
    assert_eq!(not_multipart.status(), 400);
}

async fn bad_application_input_is_named(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let token = app.citizen_token().await;
    let unknown_item = app
        .call(
            "POST",
            "/api/v1/applications",
            Auth::Bearer(&token),
            Some(json!({ "item_code": "nope" })),
        )
        .await;
    error_envelope(unknown_item, 404, "not_found").await;
    let missing = app
        .call(
            "POST",
            "/api/v1/applications",
            Auth::Bearer(&token),
            Some(json!({})),
        )
        .await;
    let error = error_envelope(missing, 422, "validation_failed").await;
    assert!(error["fields"]["item_code"].is_array());
    let id = draft_for(&app, &token).await;
    let unknown_field = app
        .call(
            "PATCH",
            &format!("/api/v1/applications/{id}"),
            Auth::Bearer(&token),
            Some(json!({ "answers": { "favourite_colour": "红" } })),
        )
        .await;
    let error = error_envelope(unknown_field, 422, "validation_failed").await;
    assert_eq!(
        error["fields"]["answers.favourite_colour"][0],
        "申请表中没有这一项"
    );
    let foreign_document = app
        .call(
            "PATCH",
            &format!("/api/v1/applications/{id}"),
            Auth::Bearer(&token),
            Some(json!({ "materials": { "parents_id": { "kind": "document",
                "document_id": "d_someone_else", "file_type": "pdf", "size_bytes": 1 } } })),
        )
        .await;
    error_envelope(foreign_document, 422, "validation_failed").await;
    let anonymous = app
        .call(
            "POST",
            &format!("/api/v1/applications/{id}/submit"),
            Auth::Anonymous,
            None,
        )
        .await;
    error_envelope(anonymous, 401, "unauthorized").await;
}

async fn one_key_makes_one_case_even_under_concurrent_retries(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let token = app.citizen_token().await;
    let draft = draft(&app, &token).await;
    let id = draft["id"].as_str().unwrap().to_owned();
    complete(&app, &token, &id).await;
    let app = std::sync::Arc::new(app);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (app, token, id) = (app.clone(), token.clone(), id.clone());
        tasks.spawn(async move {
            let request = Request::post(format!("/api/v1/applications/{id}/submit"))
                .header("authorization", format!("Bearer {token}"))
                .header("idempotency-key", "submit-once-7f3a")
                .body(Body::empty())
                .unwrap();
            let response = app.send(request).await;
            let status = response.status().as_u16();
            let replayed = response.headers().contains_key("idempotent-replayed");
            (status, replayed, body_json(response).await)
        });
    }
    let mut case_numbers = std::collections::BTreeSet::new();
    let mut created = 0;
    while let Some(done) = tasks.join_next().await {
        let (status, replayed, body) = done.unwrap();
        match status {
            // The first answer, or the first answer again.
            201 => {
                created += usize::from(!replayed);
                case_numbers.insert(body["case_no"].as_str().unwrap().to_owned());
            }
            409 => assert_eq!(body["error"]["code"], "idempotency_in_progress"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(created, 1, "exactly one submission ran");
    assert!(case_numbers.len() <= 1, "{case_numbers:?}");
    let replay = app
        .send(
            Request::post(format!("/api/v1/applications/{id}/submit"))
                .header("authorization", format!("Bearer {token}"))
                .header("idempotency-key", "submit-once-7f3a")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(replay.status(), 201, "the first answer again");
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    let list = body_json(
        app.call("GET", "/api/v1/applications", Auth::Bearer(&token), None)
            .await,
    )
    .await;
    assert_eq!(list["total"], 1, "one case, no duplicates");

    // The same key for another request is refused.
    let other = draft_for(&app, &token).await;
    let mismatch = app
        .send(
            Request::post(format!("/api/v1/applications/{other}/submit"))
                .header("authorization", format!("Bearer {token}"))
                .header("idempotency-key", "submit-once-7f3a")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    error_envelope(mismatch, 422, "idempotency_mismatch").await;
}

async fn drafts_are_reminded_of_then_swept_and_cases_kept(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let token = app.citizen_token().await;
    let kept = draft_for(&app, &token).await;
    complete(&app, &token, &kept).await;
    let submitted = app
        .call(
            "POST",
            &format!("/api/v1/applications/{kept}/submit"),
            Auth::Bearer(&token),
            None,
        )
        .await;
    assert_eq!(submitted.status(), 201);
    let stale = draft_for(&app, &token).await;

    // Two days before expiry the owner hears about it, once however often the sweeper runs.
    app.clock.advance(time::Duration::days(28));
    let swept = service::applications::sweep(&app.portal).await.unwrap();
    assert_eq!((swept.reminded, swept.deleted), (1, 0));
    let swept = service::applications::sweep(&app.portal).await.unwrap();
    assert_eq!((swept.reminded, swept.deleted), (0, 0));
    let token = app.api_login(PHONE, CITIZEN_PASSWORD).await;
    let inbox = body_json(
        app.call("GET", "/api/v1/messages", Auth::Bearer(&token), None)
            .await,
    )
    .await;
    let reminders: Vec<_> = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "draft_expiring")
        .collect();
    assert_eq!(reminders.len(), 1, "{inbox}");
    assert_eq!(reminders[0]["link"], format!("/applications/{stale}"));
    assert_eq!(reminders[0]["application_id"], stale.as_str());
    assert!(reminders[0]["body"].as_str().unwrap().contains("过期删除"));

    app.clock.advance(time::Duration::days(3));
    let swept = service::applications::sweep(&app.portal).await.unwrap();
    assert_eq!(swept.deleted, 1);
    let gone = app
        .call(
            "GET",
            &format!("/api/v1/applications/{stale}"),
            Auth::Bearer(&app.api_login(PHONE, CITIZEN_PASSWORD).await),
            None,
        )
        .await;
    error_envelope(gone, 404, "not_found").await;
}

async fn draft_for(app: &TestApp, token: &str) -> String {
    draft(app, token).await["id"].as_str().unwrap().to_owned()
}

async fn case_numbers_stay_unique_under_concurrent_submits(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let token = app.citizen_token().await;
    let mut ids = Vec::new();
    for _ in 0..8 {
        let id = draft_for(&app, &token).await;
        complete(&app, &token, &id).await;
        ids.push(id);
    }
    let app = std::sync::Arc::new(app);
    let mut tasks = tokio::task::JoinSet::new();
    for id in ids {
        let (app, token) = (app.clone(), token.clone());
        tasks.spawn(async move {
            let response = app
                .call(
                    "POST",
                    &format!("/api/v1/applications/{id}/submit"),
                    Auth::Bearer(&token),
                    None,
                )
                .await;
            assert_eq!(response.status(), 201);
            body_json(response).await["case_no"]
                .as_str()
                .unwrap()
                .to_owned()
        });
    }
    let mut sequences = Vec::new();
    while let Some(done) = tasks.join_next().await {
        let case_no = done.unwrap();
        sequences.push(case_no[case_no.len() - 4..].to_owned());
    }
    sequences.sort();
    let expected: Vec<String> = (1..=8).map(|n| format!("{n:04}")).collect();
    assert_eq!(sequences, expected);
}

/// Saves of one draft that overlap — an autosave of each answer, an upload's save of the
/// material — each change only their own keys: afterwards every answer and the material are
/// there, whatever order they landed in.
async fn overlapping_saves_of_one_draft_lose_nothing(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let token = app.citizen_token().await;
    let id = draft_for(&app, &token).await;
    let document = body_json(app.upload(&token, "父母身份证.pdf", &pdf(2048)).await).await;
    let answers = [
        ("contact_address", json!("示范市人民大道1号3幢201室")),
        ("newborn_name", json!("张小满")),
        ("newborn_sex", json!("女")),
        ("birth_date", json!("2026-11-01")),
        ("birth_hospital", json!("示范市妇幼保健院")),
    ];
    let mut changes: Vec<Value> = answers
        .iter()
        .map(|(key, value)| json!({ "answers": { *key: value } }))
        .collect();
    changes.push(json!({
        "materials": { "parents_id": { "kind": "document", "document_id": document["id"] } }
    }));
    let app = std::sync::Arc::new(app);
    let mut tasks = tokio::task::JoinSet::new();
    for change in changes {
        let (app, token, id) = (app.clone(), token.clone(), id.clone());
        tasks.spawn(async move {
            let response = app
                .call(
                    "PUT",
                    &format!("/api/v1/applications/{id}"),
                    Auth::Bearer(&token),
                    Some(change),
                )
                .await;
            assert_eq!(response.status(), 200, "{}", body_text(response).await);
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    let view = body_json(
        app.call(
            "GET",
            &format!("/api/v1/applications/{id}"),
            Auth::Bearer(&token),
            None,
        )
        .await,
    )
    .await;
    for (key, value) in answers {
        assert_eq!(view["answers"][key], value, "{key} survived: {view}");
    }
    assert_eq!(
        view["choices"]["parents_id"]["document_id"], document["id"],
        "the material survived: {view}"
    );
}

async fn every_application_route_of_the_contract_is_documented(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let document = body_json(app.get("/api/v1/openapi.json").await).await;
    for (method, path) in [
        ("post", "/api/v1/applications"),
        ("get", "/api/v1/applications"),
        ("get", "/api/v1/applications/{case_no}"),
        ("patch", "/api/v1/applications/{case_no}"),
        ("post", "/api/v1/applications/{case_no}/prereview"),
        ("post", "/api/v1/applications/{case_no}/submit"),
        ("post", "/api/v1/applications/{case_no}/withdraw"),
        ("get", "/api/v1/applications/{case_no}/timeline"),
        ("post", "/api/v1/documents"),
        ("get", "/api/v1/documents"),
        ("get", "/api/v1/documents/{id}/content"),
    ] {
        assert!(
            document["paths"][path][method].is_object(),
            "{method} {path} is documented"
        );
    }
}

on_both_databases!(
    bad_application_input_is_named,
    every_application_route_of_the_contract_is_documented,
    drafts_are_reminded_of_then_swept_and_cases_kept,
    a_draft_is_prefilled_and_reviewed_all_at_once,
    uploads_are_checked_by_content_and_size,
    one_key_makes_one_case_even_under_concurrent_retries,
    case_numbers_stay_unique_under_concurrent_submits,
    overlapping_saves_of_one_draft_lose_nothing,
);

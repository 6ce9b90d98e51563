//! Cases as a client builds them through the API: start a draft, answer every required
//! question off the form schema, attach a file to every required material, submit.

use super::{Auth, CITIZEN_PHONE as PHONE, TestApp, body_json, body_text};
use serde_json::{Value, json};

pub async fn start(app: &TestApp, token: &str, what: Value) -> Value {
    let response = app
        .call(
            "POST",
            "/api/v1/applications",
            Auth::Bearer(token),
            Some(what),
        )
        .await;
    assert_eq!(response.status(), 201, "{}", body_text(response).await);
    body_json(response).await
}

pub async fn upload(app: &TestApp, token: &str, bytes: &[u8]) -> Value {
    let response = app.upload(token, "材料", bytes).await;
    assert_eq!(response.status(), 201, "{}", body_text(response).await);
    body_json(response).await
}

/// A plausible answer for every required field the draft does not answer yet, read off the
/// form schema the API returns — what a mini-program filling the form in would send.
pub fn answers_for(form: &Value, prefilled: &Value) -> Value {
    let mut answers = serde_json::Map::new();
    for field in form["fields"].as_array().unwrap() {
        let key = field["key"].as_str().unwrap();
        if !field["required"].as_bool().unwrap_or(true) || !prefilled[key].is_null() {
            continue;
        }
        let answer = match field["type"].as_str().unwrap() {
            "number" => json!(field["min"].as_i64().unwrap_or(1).max(1).to_string()),
            "date" => json!("2026-09-01"),
            "select" => json!(field["options"][0]),
            "checkboxes" => json!([field["options"][0]]),
            "address" => json!("示范市人民大道1号3幢201室"),
            "phone" => json!(PHONE),
            "id_number" => json!("440304198503150028"),
            "credit_code" => json!("91350100M000100Y43"),
            "group" => {
                let entry = answers_for(&json!({ "fields": field["fields"] }), &json!({}));
                json!(vec![
                    entry;
                    field["min"].as_u64().unwrap_or(1).max(1) as usize
                ])
            }
            _ => json!("测试填写内容"),
        };
        answers.insert(key.to_owned(), answer);
    }
    Value::Object(answers)
}

/// Answers every required question and attaches a file to every required material that the
/// vault does not already satisfy.
pub async fn fill_in(app: &TestApp, token: &str, draft: &Value) -> Value {
    let mut materials = serde_json::Map::new();
    let licences = draft["vault_licences"].as_array().unwrap();
    for material in draft["materials"].as_array().unwrap() {
        let shared = licences.contains(&material["shared_licence"]);
        if !material["required"].as_bool().unwrap() || shared {
            continue;
        }
        let types = material["file_types"].as_array().unwrap();
        let bytes: &[u8] = if types.contains(&json!("pdf")) {
            b"%PDF-1.7\n% test material\n%%EOF\n"
        } else {
            // A 640 × 480 PNG's signature and header: enough to read its size.
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x02\x80\0\0\x01\xe0\x08\x02\0\0\0"
        };
        let document = upload(app, token, bytes).await;
        materials.insert(
            material["code"].as_str().unwrap().to_owned(),
            json!({ "kind": "document", "document_id": document["id"] }),
        );
    }
    let id = draft["id"].as_str().unwrap();
    let patched = app
        .call(
            "PUT",
            &format!("/api/v1/applications/{id}"),
            Auth::Bearer(token),
            Some(json!({
                "answers": answers_for(&draft["form"], &draft["answers"]),
                "materials": materials,
            })),
        )
        .await;
    assert_eq!(patched.status(), 200, "{}", body_text(patched).await);
    body_json(patched).await
}

pub async fn submit(app: &TestApp, token: &str, id: &str) -> Value {
    let response = app
        .call(
            "POST",
            &format!("/api/v1/applications/{id}/submit"),
            Auth::Bearer(token),
            None,
        )
        .await;
    assert_eq!(response.status(), 201, "{}", body_text(response).await);
    body_json(response).await
}

/// A JSON call with a Bearer token: the status and the body (JSON, or the text as a string).
pub async fn call(
    app: &TestApp,
    method: &str,
    url: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let response = app.call(method, url, Auth::Bearer(token), body).await;
    let status = response.status().as_u16();
    let text = body_text(response).await;
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// A submitted case of `item_code` (or package), accepted by the clerk with every manual point
/// checked and the given 容缺 deferrals.
pub async fn accepted_case(
    app: &TestApp,
    citizen: &str,
    clerk: &str,
    what: Value,
    deferrals: Value,
) -> String {
    let draft = start(app, citizen, what).await;
    let filled = fill_in(app, citizen, &draft).await;
    let case = submit(app, citizen, filled["id"].as_str().unwrap()).await;
    let case_no = case["case_no"].as_str().unwrap().to_owned();
    let url = format!("/api/v1/staff/applications/{case_no}");
    let (status, view) = call(app, "GET", &url, clerk, None).await;
    assert_eq!(status, 200, "{view}");
    let deferred: Vec<&str> = deferrals
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let checked: Vec<Value> = view["manual_points"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| !deferred.contains(&p["material_code"].as_str().unwrap()))
        .map(|p| p["id"].clone())
        .collect();
    let (status, accepted) = call(
        app,
        "POST",
        &format!("{url}/accept"),
        clerk,
        Some(json!({ "checked": checked, "deferrals": deferrals })),
    )
    .await;
    assert_eq!(status, 200, "{accepted}");
    case_no
}

//! The API contract as a mini-program meets it (API.md "Conventions"): only GET, POST, PUT and
//! DELETE; uploads as `wx.uploadFile` sends them; answers in their JSON types; every create safe
//! to retry with one `Idempotency-Key`; the caller checked before the body; one paging shape;
//! RFC 3339 instants; an OpenAPI document that lists every status.

use crate::common::{CITIZEN_ID, TestApp, body_json, body_text, error_envelope};
use axum::body::Body;
use http::{Request, Response};
use serde_json::{Value, json};
use service::Backend;
use service::idempotency::{self, Begun, Key};

const COMPANY_FORMATION: &str = "11330100002500010U4000100000001";
const BIRTH_CERTIFICATE: &str = "1133010000250005004000400000031";
const DEMO_PASSWORD: &str = "Demo2026pass";

/// A request as `wx.request` makes it: a method it has, JSON, the Bearer token.
async fn wx_request(
    app: &TestApp,
    method: &str,
    uri: &str,
    token: Option<&str>,
    key: Option<&str>,
    body: Option<Value>,
) -> Response<Body> {
    assert!(
        ["GET", "POST", "PUT", "DELETE"].contains(&method),
        "wx.request has no {method}"
    );
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    let request = match body {
        Some(body) => request
            .header("content-type", "application/json")
            .body(Body::from(body.to_string())),
        None => request.body(Body::empty()),
    };
    app.send(request.unwrap()).await
}

/// A file as `wx.uploadFile({ name: 'file', formData })` sends it: multipart with the file part
/// named `file` after the extra text fields, its content type guessed from the name.
async fn wx_upload_file(
    app: &TestApp,
    token: &str,
    key: Option<&str>,
    name: &str,
    bytes: &[u8],
) -> Response<Body> {
    let boundary = "----WxFormBoundary7MA4YWxkTrZu0gW";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nmaterial\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut request = Request::post("/api/v1/documents")
        .header("authorization", format!("Bearer {token}"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        );
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    app.send(request.body(Body::from(body)).unwrap()).await
}

fn pdf(tag: &str) -> Vec<u8> {
    format!("%PDF-1.7\n% {tag}\n%%EOF\n").into_bytes()
}

async fn ok_json(response: Response<Body>, status: u16) -> Value {
    let actual = response.status().as_u16();
    let body = body_text(response).await;
    assert_eq!(actual, status, "{body}");
    serde_json::from_str(&body).unwrap()
}

fn is_rfc3339(value: &Value) -> bool {
    value.as_str().is_some_and(|text| {
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).is_ok()
            && text.ends_with("+08:00")
    })
}

/// The demo company's 经办人 applies for 企业设立登记 from a phone: login, a draft, answers in
/// their JSON types (a number, checkboxes, a repeatable group), four uploads, a commitment,
/// pre-review, submit — and a retried submit gets the same case.
async fn a_mini_program_files_a_case_from_login_to_submission(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    service::seed::demo_accounts(&app.portal).await.unwrap();
    let login = ok_json(
        wx_request(
            &app,
            "POST",
            "/api/v1/auth/login",
            None,
            None,
            Some(
                json!({ "account": "91350100M000100Y43", "agent": "13800138000",
                         "password": DEMO_PASSWORD }),
            ),
        )
        .await,
        200,
    )
    .await;
    assert!(is_rfc3339(&login["expires_at"]), "{login}");
    let bearer = login["token"].as_str().unwrap().to_owned();
    let token = Some(bearer.as_str());

    let draft = ok_json(
        wx_request(
            &app,
            "POST",
            "/api/v1/applications",
            token,
            Some("wx-draft-1"),
            Some(json!({ "item_code": COMPANY_FORMATION })),
        )
        .await,
        201,
    )
    .await;
    let id = draft["id"].as_str().unwrap().to_owned();
    assert!(is_rfc3339(&draft["created_at"]), "{}", draft["created_at"]);
    assert!(is_rfc3339(&draft["draft_expires_at"]));
    // The agent's own phone is prefilled, and masked like the ID number.
    let phone = draft["answers"]["applicant_phone"]
        .as_str()
        .unwrap_or_default();
    assert!(
        phone.contains('*') && !phone.contains("13800138000"),
        "{phone}"
    );

    let mut materials = serde_json::Map::new();
    for (n, code) in ["application", "articles", "shareholder_id", "legal_rep_id"]
        .into_iter()
        .enumerate()
    {
        let key = format!("wx-upload-{n}");
        let document = ok_json(
            wx_upload_file(
                &app,
                &bearer,
                Some(&key),
                &format!("{code}.pdf"),
                &pdf(code),
            )
            .await,
            201,
        )
        .await;
        assert_eq!(document["file_type"], "pdf");
        assert!(is_rfc3339(&document["created_at"]));
        // The client names the document only; type and size come from the stored file.
        materials.insert(
            code.into(),
            json!({ "kind": "document", "document_id": document["id"] }),
        );
    }
    materials.insert("premises".into(), json!({ "kind": "committed" }));
    let saved = ok_json(
        wx_request(
            &app,
            "PUT",
            &format!("/api/v1/applications/{id}"),
            token,
            None,
            Some(json!({
                "answers": {
                    "business_address": "示范市人民大道100号2幢301室",
                    "company_name": "示范市星辰软件有限公司",
                    "company_type": "有限责任公司（自然人投资或控股）",
                    "registered_capital_wan": 100,
                    "premises_address": "示范市人民大道100号2幢301室",
                    "legal_rep_id_number": "11010519491231002X",
                    "business_modes": ["实体门店", "网络经营"],
                    "shareholders": [
                        { "name": "张三", "id_number": "11010519491231002X", "subscribed_wan": 60 },
                        { "name": "王五", "id_number": "440304198503150028", "subscribed_wan": 40 },
                    ],
                },
                "materials": materials,
            })),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(saved["answers"]["registered_capital_wan"], "100");
    assert_eq!(saved["choices"]["articles"]["file_type"], "pdf");
    assert_eq!(
        saved["choices"]["articles"]["size_bytes"],
        pdf("articles").len()
    );

    let review = ok_json(
        wx_request(
            &app,
            "POST",
            &format!("/api/v1/applications/{id}/prereview"),
            token,
            None,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(review["passed"], true, "{review}");

    let submit_uri = format!("/api/v1/applications/{id}/submit");
    let submit = |key: &'static str| wx_request(&app, "POST", &submit_uri, token, Some(key), None);
    let case = ok_json(submit("wx-submit-1").await, 201).await;
    assert_eq!(case["state"], "submitted");
    assert!(is_rfc3339(&case["submitted_at"]));
    let case_no = case["case_no"].as_str().unwrap().to_owned();
    // The mobile network dropped the answer: the retry gets the same case.
    let retried = submit("wx-submit-1").await;
    assert_eq!(retried.headers()["idempotent-replayed"], "true");
    assert_eq!(ok_json(retried, 201).await["case_no"], case_no.as_str());

    let mine = ok_json(
        wx_request(
            &app,
            "GET",
            "/api/v1/applications?page=1&page_size=5",
            token,
            None,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (mine["page"].clone(), mine["page_size"].clone()),
        (json!(1), json!(5))
    );
    assert_eq!(mine["items"][0]["case_no"], case_no.as_str());
    let inbox = ok_json(
        wx_request(&app, "GET", "/api/v1/messages", token, None, None).await,
        200,
    )
    .await;
    let submitted = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["kind"] == "case_submitted")
        .expect("a message about the submission");
    assert_eq!(
        submitted["case_no"],
        case_no.as_str(),
        "routable by case number"
    );
    let timeline = ok_json(
        wx_request(
            &app,
            "GET",
            &format!("/api/v1/applications/{case_no}/timeline"),
            token,
            None,
            None,
        )
        .await,
        200,
    )
    .await;
    assert!(is_rfc3339(&timeline["items"][0]["at"]));
}

/// Ten retries at once with one key make one draft, one document, one account; a second
/// retry later gets the first answer; the key with another body is refused.
async fn creates_are_idempotent_under_concurrent_retries(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let token = app.citizen_token().await;
    let app = std::sync::Arc::new(app);
    let drafts = at_once(10, || {
        let (app, token) = (app.clone(), token.clone());
        async move {
            wx_request(
                &app,
                "POST",
                "/api/v1/applications",
                Some(&token),
                Some("draft-key-1"),
                Some(json!({ "item_code": BIRTH_CERTIFICATE })),
            )
            .await
        }
    })
    .await;
    let mut ids = std::collections::BTreeSet::new();
    for response in drafts {
        match response.status().as_u16() {
            201 => {
                ids.insert(body_json(response).await["id"].as_str().unwrap().to_owned());
            }
            409 => {
                error_envelope(response, 409, "idempotency_in_progress").await;
            }
            other => panic!("unexpected {other}: {}", body_text(response).await),
        }
    }
    assert_eq!(ids.len(), 1, "one draft, however many retries answered");
    let list = ok_json(
        wx_request(
            &app,
            "GET",
            "/api/v1/applications",
            Some(&token),
            None,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(list["total"], 1);
    let again = ok_json(
        wx_request(
            &app,
            "POST",
            "/api/v1/applications",
            Some(&token),
            Some("draft-key-1"),
            Some(json!({ "item_code": BIRTH_CERTIFICATE })),
        )
        .await,
        201,
    )
    .await;
    assert!(ids.contains(again["id"].as_str().unwrap()));
    error_envelope(
        wx_request(
            &app,
            "POST",
            "/api/v1/applications",
            Some(&token),
            Some("draft-key-1"),
            Some(json!({ "item_code": COMPANY_FORMATION })),
        )
        .await,
        422,
        "idempotency_mismatch",
    )
    .await;

    let uploads = at_once(10, || {
        let (app, token) = (app.clone(), token.clone());
        async move {
            wx_upload_file(
                &app,
                &token,
                Some("upload-key-1"),
                "证件.pdf",
                b"%PDF-1.7\nsame\n%%EOF",
            )
            .await
        }
    })
    .await;
    let mut documents = std::collections::BTreeSet::new();
    for response in uploads {
        if response.status() == 201 {
            documents.insert(body_json(response).await["id"].as_str().unwrap().to_owned());
        } else {
            error_envelope(response, 409, "idempotency_in_progress").await;
        }
    }
    assert_eq!(documents.len(), 1);
    let vault = ok_json(
        wx_request(&app, "GET", "/api/v1/documents", Some(&token), None, None).await,
        200,
    )
    .await;
    assert_eq!(vault["total"], 1, "{vault}");

    let registration = json!({ "kind": "citizen", "id_number": "440304198503150028",
                               "name": "王小五", "phone": "13900000001",
                               "password": "Retry2026pass" });
    let registrations = at_once(10, || {
        let (app, registration) = (app.clone(), registration.clone());
        async move {
            wx_request(
                &app,
                "POST",
                "/api/v1/auth/register",
                None,
                Some("register-key-1"),
                Some(registration),
            )
            .await
        }
    })
    .await;
    let mut registered = 0;
    for response in registrations {
        match response.status().as_u16() {
            201 => registered += 1,
            // Never "already registered": a retry is not a second registration.
            _ => {
                error_envelope(response, 409, "idempotency_in_progress").await;
            }
        }
    }
    assert!(registered >= 1);
    let retry = wx_request(
        &app,
        "POST",
        "/api/v1/auth/register",
        None,
        Some("register-key-1"),
        Some(registration.clone()),
    )
    .await;
    assert_eq!(
        retry.status(),
        201,
        "a retry is not a duplicate registration"
    );
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    // Without the key, the same registration is the duplicate it is.
    let duplicate = wx_request(
        &app,
        "POST",
        "/api/v1/auth/register",
        None,
        None,
        Some(registration),
    )
    .await;
    assert_eq!(duplicate.status(), 409);
}

/// `n` copies of one request, each on its own task, all at once.
async fn at_once<F, Fut>(n: usize, make: F) -> Vec<Response<Body>>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Response<Body>> + Send + 'static,
{
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..n {
        tasks.spawn(make());
    }
    tasks.join_all().await
}

/// A claim whose work never finished (the instance died after claiming) blocks its key with
/// 409 only until the lease runs out; then the retry does the work once.
async fn an_abandoned_claim_is_retryable_after_its_lease(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let token = app.citizen_token().await;
    let session = service::auth::resolve(&app.portal, &token, service::auth::Channel::Api)
        .await
        .unwrap();
    let body = json!({ "item_code": BIRTH_CERTIFICATE, "package_id": null });
    let key = Key::new(
        &session.idempotency_scope(),
        "crashed-key",
        "POST /applications",
        &[&serde_json::to_vec(&body).unwrap()],
    )
    .unwrap();
    let Begun::Claimed(_abandoned) = idempotency::begin(&app.portal, &key).await.unwrap() else {
        panic!("a fresh key is claimed");
    };
    let retry = || {
        wx_request(
            &app,
            "POST",
            "/api/v1/applications",
            Some(&token),
            Some("crashed-key"),
            Some(json!({ "item_code": BIRTH_CERTIFICATE })),
        )
    };
    error_envelope(retry().await, 409, "idempotency_in_progress").await;
    let lease = app.portal.idempotency_settings().lease_secs as i64;
    app.clock.advance(time::Duration::seconds(lease + 1));
    let done = ok_json(retry().await, 201).await;
    // The crashed request wakes up and finishes late: its claim was taken over, so the answer
    // stored for the key stays the one the retry gave.
    _abandoned
        .finish(&app.portal, &json!({ "id": "a-late-answer" }))
        .await
        .unwrap();
    let replay = retry().await;
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert_eq!(ok_json(replay, 201).await["id"], done["id"]);
    // A refused request gives its key back: the corrected request may use it.
    error_envelope(
        wx_request(
            &app,
            "POST",
            "/api/v1/applications",
            Some(&token),
            Some("fresh-key"),
            Some(json!({ "item_code": "no-such-item" })),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    let corrected = wx_request(
        &app,
        "POST",
        "/api/v1/applications",
        Some(&token),
        Some("fresh-key"),
        Some(json!({ "item_code": BIRTH_CERTIFICATE })),
    )
    .await;
    assert_eq!(
        corrected.status(),
        201,
        "the released key serves the corrected request"
    );
}

/// Who is calling is checked before the body: a citizen posting nonsense to a staff endpoint
/// is refused as a citizen (403), an anonymous caller as anonymous (401), never 422.
async fn the_caller_is_checked_before_the_body(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let token = app.citizen_token().await;
    for uri in [
        "/api/v1/staff/users",
        "/api/v1/staff/citizens/lookup",
        "/api/v1/staff/applications/X/request-supplement",
    ] {
        let refused = wx_request(
            &app,
            "POST",
            uri,
            Some(&token),
            None,
            Some(json!({ "x": 1 })),
        )
        .await;
        error_envelope(refused, 403, "staff_only").await;
        let anonymous = wx_request(&app, "POST", uri, None, None, Some(json!({ "x": 1 }))).await;
        assert_eq!(anonymous.status(), 401, "{uri}");
    }
    // A citizen acting for no business, posting bodies of every wrong shape to a 经办人's
    // endpoints: the refusal names the caller, whatever the body.
    for (uri, method) in [
        ("/api/v1/me/business/agents", "POST"),
        ("/api/v1/me/business/profile", "PUT"),
    ] {
        for (content_type, body) in [
            ("application/json", "{\"id_number\": 1}"),
            ("application/json", "{\"id_number\":"),
            ("text/plain", "hello"),
        ] {
            let refused = app
                .send(
                    Request::builder()
                        .method(method)
                        .uri(uri)
                        .header("authorization", format!("Bearer {token}"))
                        .header("content-type", content_type)
                        .body(Body::from(body))
                        .unwrap(),
                )
                .await;
            error_envelope(refused, 403, "not_acting_for_business").await;
        }
    }
    let (clerk, secret) = app.enrolled_staff("clerk").await;
    let staff = app.staff_token(&clerk, &secret).await;
    let refused = wx_request(
        &app,
        "POST",
        "/api/v1/applications",
        Some(&staff),
        None,
        Some(json!({ "nonsense": true })),
    )
    .await;
    error_envelope(refused, 403, "citizen_only").await;
    let refused = wx_request(
        &app,
        "POST",
        "/api/v1/staff/users",
        Some(&staff),
        None,
        Some(json!({})),
    )
    .await;
    error_envelope(refused, 403, "forbidden").await;
}

/// Bad JSON types and paging are named in `fields`, and `message` speaks to people.
async fn messages_are_for_people_and_fields_name_the_input(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let token = app.citizen_token().await;
    let not_json = app
        .send(
            Request::post("/api/v1/applications")
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "text/plain")
                .body(Body::from("item_code=1"))
                .unwrap(),
        )
        .await;
    let unsupported = error_envelope(not_json, 415, "unsupported_media_type").await;
    let broken = app
        .send(
            Request::post("/api/v1/applications")
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .body(Body::from("{\"item_code\":"))
                .unwrap(),
        )
        .await;
    let malformed = error_envelope(broken, 400, "malformed_json").await;
    let paging = error_envelope(
        wx_request(
            &app,
            "GET",
            "/api/v1/messages?page=0&page_size=500",
            Some(&token),
            None,
            None,
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert!(paging["fields"]["page"].is_array() && paging["fields"]["page_size"].is_array());
    let bad_key = error_envelope(
        wx_request(
            &app,
            "POST",
            "/api/v1/applications",
            Some(&token),
            Some(&"k".repeat(201)),
            Some(json!({ "item_code": BIRTH_CERTIFICATE })),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert!(bad_key["fields"]["idempotency_key"].is_array(), "{bad_key}");
    let draft = ok_json(
        wx_request(
            &app,
            "POST",
            "/api/v1/applications",
            Some(&token),
            None,
            Some(json!({ "item_code": BIRTH_CERTIFICATE })),
        )
        .await,
        201,
    )
    .await;
    let wrong_type = error_envelope(
        wx_request(
            &app,
            "PUT",
            &format!("/api/v1/applications/{}", draft["id"].as_str().unwrap()),
            Some(&token),
            None,
            Some(
                json!({ "materials": { "parents_id": { "kind": "document", "document_id": 7 } } }),
            ),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert!(
        wrong_type["fields"]
            .as_object()
            .unwrap()
            .keys()
            .any(|k| k.starts_with("materials.parents_id")),
        "{wrong_type}"
    );
    let forbidden = [
        "Content-Type",
        "JSON",
        "json",
        "multipart",
        "Idempotency",
        "page_size",
        "_",
    ];
    for error in [&unsupported, &malformed, &paging, &bad_key, &wrong_type] {
        let message = error["message"].as_str().unwrap();
        assert!(!message.contains("1 到"), "a range in {message:?}");
        let field_texts = error["fields"]
            .as_object()
            .into_iter()
            .flat_map(|fields| fields.values())
            .flat_map(|texts| texts.as_array().unwrap())
            .map(|text| text.as_str().unwrap());
        for text in std::iter::once(message).chain(field_texts) {
            for word in forbidden {
                assert!(!text.contains(word), "{word:?} in {text:?}");
            }
        }
    }
    assert!(!wrong_type.to_string().contains(CITIZEN_ID));
}

/// The OpenAPI document: no operation only PATCH reaches; every operation documents the
/// statuses its shape implies, with the envelope; instants are date-times, paging typed.
async fn the_openapi_document_is_exact(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let document = body_json(app.get("/api/v1/openapi.json").await).await;
    let envelope = "#/components/schemas/ErrorEnvelope";
    let mut operations = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        let methods: Vec<&str> = item
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .filter(|m| ["get", "put", "post", "delete", "patch"].contains(m))
            .collect();
        // A PATCH changes something; wx.request has no PATCH, so the same change must be a PUT.
        if methods.contains(&"patch") {
            assert!(
                methods.contains(&"put"),
                "{path}: only PATCH changes it, and wx.request has no PATCH"
            );
        }
        for method in methods {
            operations += 1;
            let operation = &item[method];
            let responses = operation["responses"].as_object().unwrap();
            let mut expected = vec!["405", "503"];
            if operation.get("security").is_some() {
                expected.extend(["401", "403"]);
            }
            if operation.get("requestBody").is_some() {
                expected.extend(["400", "413", "415", "422"]);
            }
            if path.contains('{') {
                expected.push("404");
            }
            let parameters = operation["parameters"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for parameter in &parameters {
                if parameter["in"] == "path" {
                    let name = parameter["name"].as_str().unwrap();
                    assert!(
                        path.contains(&format!("{{{name}}}")),
                        "{method} {path}: {name} is not in the path"
                    );
                }
            }
            if parameters.iter().any(|p| p["in"] == "query") {
                expected.push("422");
            }
            let keyed = parameters.iter().any(|p| p["name"] == "Idempotency-Key");
            if keyed {
                expected.push("409");
            }
            // Whatever a POST creates, a retry must be safe: it takes an Idempotency-Key.
            if method == "post" && responses.contains_key("201") {
                assert!(
                    keyed,
                    "POST {path} creates something but takes no Idempotency-Key"
                );
            }
            for status in expected {
                let response = responses
                    .get(status)
                    .unwrap_or_else(|| panic!("{method} {path} does not document {status}"));
                assert_eq!(
                    response["content"]["application/json"]["schema"]["$ref"], envelope,
                    "{method} {path} {status}"
                );
            }
        }
    }
    assert!(operations > 40, "{operations}");
    let schemas = &document["components"]["schemas"];
    let format = |property: &Value| {
        let schema = match property["$ref"].as_str() {
            Some(reference) => &schemas[reference.trim_start_matches("#/components/schemas/")],
            None => property,
        };
        schema["format"].clone()
    };
    // Every instant of every schema, wherever it is: `at`, `…_at`.
    let mut instants = 0;
    for (name, schema) in schemas.as_object().unwrap() {
        for (property, definition) in schema["properties"].as_object().into_iter().flatten() {
            if property == "at" || property.ends_with("_at") {
                let definition = match definition.get("oneOf") {
                    // Optional instants are `oneOf: [null, Instant]`.
                    Some(choices) => choices
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|c| c["type"] != "null")
                        .unwrap(),
                    None => definition,
                };
                assert_eq!(format(definition), "date-time", "{name}.{property}");
                instants += 1;
            }
        }
    }
    assert!(instants >= 10, "{instants}");
    let upload = &document["paths"]["/api/v1/documents"]["post"]["requestBody"]["content"]["multipart/form-data"]
        ["schema"];
    assert_eq!(upload["$ref"], "#/components/schemas/UploadForm");
    assert_eq!(
        format(&schemas["UploadForm"]["properties"]["file"]),
        "binary",
        "{upload}"
    );
}

/// Wire formats under review: a change to the envelope or the application view shows up as a
/// snapshot diff.
async fn wire_formats_are_snapshotted(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    // A fixed instant, so that the snapshot shows instants as they are written.
    let fixed = time::macros::datetime!(2026-12-07 02:00:00 UTC);
    app.clock
        .advance(fixed - service::clock::Clock::now(app.clock.as_ref()));
    let token = app.citizen_token().await;
    let envelope = error_envelope(
        wx_request(
            &app,
            "GET",
            "/api/v1/messages?page=0",
            Some(&token),
            None,
            None,
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    insta::assert_json_snapshot!("error_envelope", envelope, { ".request_id" => "[request_id]" });
    let draft = ok_json(
        wx_request(
            &app,
            "POST",
            "/api/v1/applications",
            Some(&token),
            None,
            Some(json!({ "item_code": BIRTH_CERTIFICATE })),
        )
        .await,
        201,
    )
    .await;
    insta::assert_json_snapshot!("application_view", draft, { ".id" => "[id]" });

    // One main view per area: the catalog's guide, the person's account, the message centre.
    let guide = ok_json(
        wx_request(
            &app,
            "GET",
            &format!("/api/v1/items/{BIRTH_CERTIFICATE}"),
            None,
            None,
            None,
        )
        .await,
        200,
    )
    .await;
    insta::assert_json_snapshot!("catalog_guide", guide);
    let me = ok_json(
        wx_request(&app, "GET", "/api/v1/me", Some(&token), None, None).await,
        200,
    )
    .await;
    insta::assert_json_snapshot!("me", me);
    let filled = crate::common::cases::fill_in(&app, &token, &draft).await;
    crate::common::cases::submit(&app, &token, filled["id"].as_str().unwrap()).await;
    let inbox = ok_json(
        wx_request(&app, "GET", "/api/v1/messages", Some(&token), None, None).await,
        200,
    )
    .await;
    insta::assert_json_snapshot!("message_inbox", inbox, {
        ".items[].id" => "[id]",
        ".items[].application_id" => "[id]",
        ".items[].link" => "[link]",
    });
}

on_both_databases!(
    a_mini_program_files_a_case_from_login_to_submission,
    creates_are_idempotent_under_concurrent_retries,
    an_abandoned_claim_is_retryable_after_its_lease,
    the_caller_is_checked_before_the_body,
    messages_are_for_people_and_fields_name_the_input,
    the_openapi_document_is_exact,
    wire_formats_are_snapshotted,
);

//! The working-day calculator through the real router.

use crate::common::{TestApp, body_json, error_envelope};
use service::Backend;

async fn due_date_skips_national_day(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let response = app
        .get("/api/v1/calendar/due-date?from=2026-09-29&working_days=3")
        .await;
    assert_eq!(response.status(), 200);
    let body = body_json(response).await;
    assert_eq!(
        body,
        serde_json::json!({
            "from": "2026-09-29",
            "working_days": 3,
            "due_date": "2026-10-09",
            "calendar_complete": true
        })
    );
}

async fn a_year_without_data_is_flagged(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let body = body_json(
        app.get("/api/v1/calendar/due-date?from=2027-03-01&working_days=5")
            .await,
    )
    .await;
    assert_eq!(body["due_date"], "2027-03-08");
    assert_eq!(body["calendar_complete"], false);
}

async fn bad_parameters_are_422_naming_each(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let response = app
        .get("/api/v1/calendar/due-date?from=2026-02-30&working_days=abc")
        .await;
    let error = error_envelope(response, 422, "validation_failed").await;
    assert!(
        error["fields"]["from"][0]
            .as_str()
            .unwrap()
            .contains("年-月-日")
    );
    assert!(
        error["fields"]["working_days"][0]
            .as_str()
            .unwrap()
            .contains("整数")
    );

    let error = error_envelope(
        app.get("/api/v1/calendar/due-date").await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(error["fields"]["from"][0], "请填写起算日期");
}

async fn the_calculator_is_documented(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let document = body_json(app.get("/api/v1/openapi.json").await).await;
    let operation = &document["paths"]["/api/v1/calendar/due-date"]["get"];
    assert_eq!(operation["summary"], "按工作日计算办结期限");
    let names: Vec<&str> = operation["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["from", "working_days"]);
    assert!(document["components"]["schemas"]["DueDateEstimate"].is_object());
}

/// The timeline's event codes, as a mini-program reads them to label events.
async fn the_event_codes_are_published(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let response = app.get("/api/v1/event-codes?page_size=100").await;
    assert_eq!(response.status(), 200);
    let table = body_json(response).await;
    let items = table["items"].as_array().unwrap();
    assert_eq!(table["total"], items.len(), "one page holds the table");
    let accepted = items.iter().find(|c| c["code"] == "accepted").unwrap();
    assert_eq!(accepted["name"], "受理");
    assert_eq!(accepted["inform"], true);
    for code in [
        "submitted",
        "needs_supplement",
        "refused",
        "withdrawn",
        "overdue",
    ] {
        assert!(items.iter().any(|c| c["code"] == code), "{code}");
    }
    let bad = app.get("/api/v1/event-codes?page=0").await;
    let error = error_envelope(bad, 422, "validation_failed").await;
    assert!(error["fields"]["page"].is_array(), "{error}");
}

on_both_databases!(
    the_event_codes_are_published,
    due_date_skips_national_day,
    a_year_without_data_is_flagged,
    bad_parameters_are_422_naming_each,
    the_calculator_is_documented,
);

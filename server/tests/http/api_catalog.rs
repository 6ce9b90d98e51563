//! Catalog endpoints through the real router, on both engines.

use crate::common::{TestApp, body_json, error_envelope};
use service::Backend;

const COMPANY_REGISTRATION: &str = "11330100002500010U4000100000001";

fn names(body: &serde_json::Value) -> Vec<&str> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect()
}

async fn search_finds_items_by_everyday_words(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    // 营业执照 (what people call it) finds 企业设立登记 (what the catalog calls it) first.
    let body = body_json(
        app.get("/api/v1/items?q=%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7")
            .await,
    )
    .await;
    assert_eq!(names(&body)[0], "企业设立登记");
    // 施工 finds the construction permit.
    let body = body_json(app.get("/api/v1/items?q=%E6%96%BD%E5%B7%A5").await).await;
    assert_eq!(names(&body)[0], "建筑工程施工许可");
    let item = &body["items"][0];
    assert_eq!(item["department_name"], "示范市住房和城乡建设局");
    assert_eq!(item["zone"], "construction");
}

async fn filters_and_paging(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let body = body_json(
        app.get("/api/v1/items?applicant_type=person&zone=social&page_size=100")
            .await,
    )
    .await;
    assert!(names(&body).contains(&"结婚登记"));
    assert!(!names(&body).contains(&"企业设立登记"));
    assert_eq!(body["page"], 1);
    assert_eq!(body["page_size"], 100);

    let body = body_json(app.get("/api/v1/items?department=bdc").await).await;
    assert!(names(&body).iter().all(|n| n.contains("登记")));

    let first = body_json(app.get("/api/v1/items?page=1&page_size=10").await).await;
    let second = body_json(app.get("/api/v1/items?page=2&page_size=10").await).await;
    assert_eq!(first["total"], second["total"]);
    assert!(first["total"].as_u64().unwrap() >= 30);
    assert_eq!(names(&second).len(), 10);
    assert!(names(&first).iter().all(|n| !names(&second).contains(n)));
}

async fn bad_paging_and_filters_are_422(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    for (uri, field) in [
        ("/api/v1/items?page=0", "page"),
        ("/api/v1/items?page_size=101", "page_size"),
        ("/api/v1/items?page=abc", "page"),
        ("/api/v1/items?zone=moon", "zone"),
        ("/api/v1/items?applicant_type=alien", "applicant_type"),
        ("/api/v1/items?tag=fast", "tag"),
    ] {
        let error = error_envelope(app.get(uri).await, 422, "validation_failed").await;
        assert!(error["fields"][field].is_array(), "{uri}: {error}");
    }
}

async fn guide_is_complete_and_unknown_codes_are_404(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let response = app
        .get(&format!("/api/v1/items/{COMPANY_REGISTRATION}"))
        .await;
    assert_eq!(response.status(), 200);
    let body = body_json(response).await;
    let guide = &body["guide"];
    assert_eq!(guide["name"], "企业设立登记");
    assert_eq!(guide["promised_days"], 1);
    assert_eq!(guide["version"], 1);
    assert!(guide["legal_basis"][0]["text"].as_str().unwrap().len() > 20);
    let premises = guide["materials"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["code"] == "premises")
        .unwrap();
    assert!(premises["commitment"].as_str().unwrap().contains("承诺"));
    assert_eq!(body["department"]["code"], "scjg");
    assert_eq!(body["hall"]["id"], "city");

    error_envelope(
        app.get("/api/v1/items/00000000000000000000000000000000")
            .await,
        404,
        "not_found",
    )
    .await;
}

async fn packages_departments_and_halls(backend: Backend) {
    let Some(app) = TestApp::seeded(backend).await else {
        return;
    };
    let packages = body_json(app.get("/api/v1/packages").await).await;
    assert_eq!(packages["page"], 1);
    assert_eq!(
        packages["total"].as_u64(),
        Some(packages["items"].as_array().unwrap().len() as u64)
    );
    let ids: Vec<&str> = packages["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert!(ids.len() >= 5);
    assert!(ids.contains(&"kaiban-qiye") && ids.contains(&"gongcheng-jianshe"));

    let project = body_json(app.get("/api/v1/packages/gongcheng-jianshe").await).await;
    let stages: Vec<&str> = project["package"]["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["stage"].as_str())
        .collect();
    for stage in ["立项", "用地规划", "施工许可", "竣工验收"] {
        assert!(stages.contains(&stage), "{stage}");
    }
    assert!(!project["materials"].as_array().unwrap().is_empty());
    error_envelope(app.get("/api/v1/packages/nope").await, 404, "not_found").await;

    let departments = body_json(app.get("/api/v1/departments").await).await;
    assert!(departments["total"].as_u64().unwrap() >= 10);
    let second = body_json(app.get("/api/v1/departments?page=2&page_size=5").await).await;
    assert_eq!(second["items"].as_array().unwrap().len(), 5);
    assert_eq!(second["items"][0], departments["items"][5]);
    error_envelope(
        app.get("/api/v1/departments?page_size=101").await,
        422,
        "validation_failed",
    )
    .await;
    error_envelope(
        app.get("/api/v1/halls?page=abc").await,
        422,
        "validation_failed",
    )
    .await;

    let halls = body_json(app.get("/api/v1/halls").await).await;
    let levels: Vec<&str> = halls["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["city", "district", "town"]);
    let city = body_json(app.get("/api/v1/halls/city").await).await;
    assert_eq!(city["hours"]["noon_extension"]["period"], "12:00-13:30");
    assert_eq!(city["hours"]["noon_extension"]["windows"], 2);
    let saturday = &city["hours"]["weekend"][0];
    assert_eq!(saturday["day"], "saturday");
    assert_eq!(saturday["period"], "09:00-12:00");
    assert_eq!(
        saturday["zones"],
        serde_json::json!(["real_estate", "social"])
    );
    assert!(saturday["note"].as_str().unwrap().contains("5+X"));
    assert_eq!(city["booking"]["slot_minutes"], 30);
    error_envelope(app.get("/api/v1/halls/nope").await, 404, "not_found").await;
}

async fn every_catalog_route_of_the_contract_is_documented(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let document = body_json(app.get("/api/v1/openapi.json").await).await;
    for path in [
        "/api/v1/items",
        "/api/v1/items/{item_code}",
        "/api/v1/packages",
        "/api/v1/packages/{package_id}",
        "/api/v1/departments",
        "/api/v1/halls",
        "/api/v1/halls/{hall_id}",
        "/api/v1/calendar/due-date",
    ] {
        assert!(
            document["paths"][path]["get"].is_object(),
            "{path} is documented"
        );
    }
}

on_both_databases!(
    search_finds_items_by_everyday_words,
    filters_and_paging,
    bad_paging_and_filters_are_422,
    guide_is_complete_and_unknown_codes_are_404,
    packages_departments_and_halls,
    every_catalog_route_of_the_contract_is_documented,
);

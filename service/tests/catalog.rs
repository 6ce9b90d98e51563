//! The demo catalog: consistent, imported identically on both engines, and searchable.

use domain::catalog::{RawItemFilter, Zone};
use domain::paging::PageRequest;
use service::catalog::{self, CatalogData};
use service::testing::TestDb;
use service::{Backend, Error, seed};

fn demo() -> CatalogData {
    CatalogData::from_toml_files(seed::CATALOG_FILES).expect("seed files parse")
}

#[test]
fn the_demo_catalog_is_complete_and_consistent() {
    let data = demo();
    assert_eq!(data.problems(), Vec::<String>::new());
    assert!(data.items.len() >= 30, "{} items", data.items.len());
    for zone in Zone::ALL {
        assert!(
            data.items.iter().any(|i| i.zone == zone),
            "{zone:?} has items"
        );
    }
    assert!(data.packages.len() >= 5);
    assert_eq!(data.halls.len(), 3);
    let promised = |name: &str| {
        data.items
            .iter()
            .find(|i| i.name == name)
            .unwrap()
            .promised_days
    };
    assert_eq!(promised("新购商品房转移登记"), 2);
    assert_eq!(promised("实体经济企业不动产登记"), 3);
    let start_up = data
        .packages
        .iter()
        .find(|p| p.name == "开办企业一件事")
        .unwrap();
    assert!(start_up.promised_days <= 3);
}

#[test]
fn every_item_asks_its_own_questions_and_packages_ask_shared_ones_once() {
    use std::collections::BTreeMap;
    let data = demo();
    for item in &data.items {
        assert!(
            !item.form.fields.is_empty(),
            "{} has a form of its own",
            item.name
        );
        for field in &item.form.fields {
            assert!(
                !field.label.is_empty(),
                "{}: {} has a label",
                item.name,
                field.key
            );
        }
    }
    // A key several members of a package ask must mean the same thing everywhere: same kind
    // and label, or merging by key would ask one question in place of two different ones.
    for package in &data.packages {
        let mut seen: BTreeMap<&str, (&str, &domain::form::FieldKind, &str)> = BTreeMap::new();
        for member in &package.members {
            let item = data
                .items
                .iter()
                .find(|i| i.code == member.item_code)
                .unwrap();
            for field in &item.form.fields {
                match seen.get(field.key.as_str()) {
                    Some((label, kind, first)) => assert!(
                        *label == field.label && **kind == field.kind,
                        "{}: “{}” of {} and {first} differ",
                        package.name,
                        field.key,
                        item.name
                    ),
                    None => {
                        seen.insert(&field.key, (&field.label, &field.kind, &item.name));
                    }
                }
            }
        }
    }
    let birth = data.packages.iter().find(|p| p.id == "chusheng").unwrap();
    let asking_newborn_name = birth
        .members
        .iter()
        .filter(|m| {
            data.items.iter().any(|i| {
                i.code == m.item_code && i.form.fields.iter().any(|f| f.key == "newborn_name")
            })
        })
        .count();
    assert_eq!(
        asking_newborn_name, 3,
        "asked by three items, answered once"
    );
}

#[test]
fn item_forms_come_from_the_catalog_after_the_applicant_questions() {
    use domain::form::FieldKind;
    let data = demo();
    let company = data
        .items
        .iter()
        .find(|i| i.name == "企业设立登记")
        .unwrap();
    let form = company.application_form();
    let keys: Vec<&str> = form.fields.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(
        keys[..6],
        [
            "business_name",
            "business_credit_code",
            "applicant_name",
            "applicant_phone",
            "business_address",
            "company_name"
        ]
    );
    let shareholders = form
        .fields
        .iter()
        .find(|f| f.key == "shareholders")
        .unwrap();
    let FieldKind::Group { fields, min, .. } = &shareholders.kind else {
        panic!("shareholders is a repeatable group");
    };
    assert_eq!((fields.len(), *min), (3, 1));
    let birth = data
        .items
        .iter()
        .find(|i| i.name == "出生医学证明")
        .unwrap();
    assert_eq!(birth.application_form().fields[0].key, "applicant_name");
    assert!(birth.form.fields.iter().any(|f| f.key == "birth_date"));
}

fn search(q: &str) -> RawItemFilter {
    RawItemFilter {
        q: Some(q.into()),
        ..RawItemFilter::default()
    }
}

async fn names(db: &service::Db, filter: RawItemFilter) -> Vec<String> {
    catalog::search_items(db, &filter, PageRequest::new(None, Some(100)))
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|i| i.name)
        .collect()
}

async fn seeded(backend: Backend) -> Option<TestDb> {
    let test = TestDb::new(backend).await?;
    seed::run(&test.db).await.unwrap();
    seed::run(&test.db)
        .await
        .expect("seeding twice is harmless");
    Some(test)
}

async fn search_and_filters(backend: Backend) -> Vec<Vec<String>> {
    let Some(test) = seeded(backend).await else {
        return Vec::new();
    };
    let db = &test.db;
    let licence = names(db, search("营业执照")).await;
    assert_eq!(licence[0], "企业设立登记");
    let construction = names(db, search("施工")).await;
    assert_eq!(construction[0], "建筑工程施工许可");
    let business = names(
        db,
        RawItemFilter {
            applicant_type: Some("business".into()),
            ..RawItemFilter::default()
        },
    )
    .await;
    assert!(business.contains(&"企业设立登记".to_string()));
    assert!(!business.contains(&"结婚登记".to_string()));
    assert!(
        business.contains(&"不动产抵押登记".to_string()),
        "both-type items serve businesses"
    );
    let birth = names(
        db,
        RawItemFilter {
            topic: Some("出生".into()),
            ..RawItemFilter::default()
        },
    )
    .await;
    assert!(birth.contains(&"出生医学证明".to_string()));
    let online = names(
        db,
        RawItemFilter {
            tag: Some("immediate".into()),
            ..RawItemFilter::default()
        },
    )
    .await;
    assert!(online.contains(&"公章刻制备案".to_string()));

    let page = catalog::search_items(
        db,
        &RawItemFilter::default(),
        PageRequest::new(Some(2), Some(10)),
    )
    .await
    .unwrap();
    assert_eq!(page.items.len(), 10);
    assert!(page.total >= 30);

    match catalog::search_items(
        db,
        &RawItemFilter {
            zone: Some("moon".into()),
            ..RawItemFilter::default()
        },
        PageRequest::parse(Some("0"), None),
    )
    .await
    {
        Err(Error::Invalid(fields)) => {
            assert!(fields.get("zone").is_some() && fields.get("page").is_some());
        }
        other => panic!("expected field errors, got {other:?}"),
    }

    let start_up = catalog::package(db, "kaiban-qiye").await.unwrap();
    assert_eq!(start_up.members.len(), 5);
    let licence_rows: Vec<_> = start_up
        .materials
        .iter()
        .filter(|m| m.name == "营业执照")
        .collect();
    assert_eq!(licence_rows.len(), 1, "asked once for the whole package");
    assert!(licence_rows[0].needed_by.len() >= 3);
    assert!(matches!(
        catalog::package(db, "nope").await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        catalog::guide(db, "nope").await,
        Err(Error::NotFound(_))
    ));
    let guide = catalog::guide(db, "11330100002500010U4000100000001")
        .await
        .unwrap();
    assert_eq!(guide.department.name, "示范市市场监督管理局");
    assert_eq!(
        guide.guide.version, 1,
        "re-seeding unchanged data keeps the version"
    );

    vec![
        licence,
        construction,
        names(db, search("登记")).await,
        names(db, search("证明")).await,
    ]
}

#[tokio::test]
async fn search_gives_the_same_results_on_both_engines() {
    let on_sqlite = search_and_filters(Backend::Sqlite).await;
    let on_postgres = search_and_filters(Backend::Postgres).await;
    if !on_postgres.is_empty() {
        assert_eq!(on_sqlite, on_postgres);
    }
}

#[tokio::test]
async fn a_changed_guide_becomes_a_new_version() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(test) = seeded(backend).await else {
            continue;
        };
        let mut data = demo();
        data.items[0].conditions.push("新增的申请条件".into());
        catalog::import(&test.db, &data, "2026-11-22T00:00:00Z")
            .await
            .unwrap();
        let guide = catalog::guide(&test.db, &data.items[0].code).await.unwrap();
        assert_eq!(guide.guide.version, 2);
        assert!(
            guide
                .guide
                .conditions
                .contains(&"新增的申请条件".to_string())
        );
    }
}

#[test]
fn every_template_and_sample_the_guides_link_to_is_a_pdf_the_portal_serves() {
    let public = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../public");
    for item in demo().items {
        for material in item.materials {
            for link in [&material.template, &material.sample].into_iter().flatten() {
                let file = public.join(link.trim_start_matches('/'));
                let bytes = std::fs::read(&file).unwrap_or_else(|_| {
                    panic!("{}：{} 链接的 {link} 不存在", item.name, material.name)
                });
                assert!(bytes.starts_with(b"%PDF-"), "{link} is a PDF");
            }
        }
    }
}

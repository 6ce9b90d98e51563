//! The catalog: departments, halls, items with their versioned guides, and 一件事 packages.
//! Reading for lists, guides and search; importing from the seed files.
//!
//! Lists are filtered and ranked in Rust over the current guides (see `domain::search` for why
//! ranking is not left to either database). A city catalog holds a few thousand items; if that
//! ever shows in response times, the next step is an in-process cache keyed by a catalog revision.

use crate::{Db, Error, Result};
use domain::catalog::{
    Department, GuideDetail, Hall, ItemFilter, ItemGuide, ItemSummary, Package, PackageDetail,
    RawItemFilter, merge_materials,
};
use domain::errors::FieldErrors;
use domain::paging::{Page, PageRequest};
use domain::search::{self, SearchDoc};
use serde::Deserialize;
use sqlx::Row;
use std::collections::{BTreeSet, HashMap};

pub async fn departments(db: &Db) -> Result<Vec<Department>> {
    let rows =
        sqlx::query("SELECT code, name, credit_code, phone FROM departments ORDER BY position")
            .fetch_all(db.pool())
            .await?;
    rows.iter()
        .map(|row| {
            Ok(Department {
                code: row.try_get("code")?,
                name: row.try_get("name")?,
                credit_code: row.try_get("credit_code")?,
                phone: row.try_get("phone")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Error::from)
}

pub async fn halls(db: &Db) -> Result<Vec<Hall>> {
    documents(db, "SELECT document FROM halls ORDER BY position").await
}

pub async fn hall(db: &Db, id: &str) -> Result<Hall> {
    let row = sqlx::query("SELECT document FROM halls WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(Error::NotFound("没有找到该服务大厅"))?;
    decode(row.try_get("document")?)
}

/// The current guides of every item, in catalog order.
async fn current_guides(db: &Db) -> Result<Vec<ItemGuide>> {
    documents(
        db,
        "SELECT v.document FROM items i \
         JOIN item_versions v ON v.item_code = i.code AND v.version = i.current_version \
         ORDER BY i.position",
    )
    .await
}

/// The current guide of one item.
pub async fn guide(db: &Db, code: &str) -> Result<GuideDetail> {
    let row = sqlx::query(
        "SELECT v.document FROM items i \
         JOIN item_versions v ON v.item_code = i.code AND v.version = i.current_version \
         WHERE i.code = $1",
    )
    .bind(code)
    .fetch_optional(db.pool())
    .await?
    .ok_or(Error::NotFound("没有找到该事项，请核对实施编码"))?;
    let guide: ItemGuide = decode(row.try_get("document")?)?;
    let department = departments(db)
        .await?
        .into_iter()
        .find(|d| d.code == guide.department)
        .ok_or_else(|| anyhow::anyhow!("item {code} names a missing department"))?;
    let hall = hall(db, &guide.hall).await?;
    Ok(GuideDetail {
        guide,
        department,
        hall,
    })
}

/// Every item in catalog order, as the window's item list offers them (全域办: any hall takes
/// any item in).
pub async fn items(db: &Db) -> Result<Vec<ItemSummary>> {
    let department_names = department_names(db).await?;
    Ok(current_guides(db)
        .await?
        .iter()
        .map(|guide| summary(guide, &department_names))
        .collect())
}

/// 搜索即服务 and the catalog lists: filter, rank by relevance when there are search words,
/// then page.
pub async fn search_items(
    db: &Db,
    raw: &RawItemFilter,
    paging: std::result::Result<PageRequest, FieldErrors>,
) -> Result<Page<ItemSummary>> {
    // Filter and paging problems are reported together.
    let (filter, paging) = match (raw.parse(), paging) {
        (Ok(filter), Ok(paging)) => (filter, paging),
        (filter, paging) => {
            let mut errors = filter.err().unwrap_or_default();
            errors.merge(paging.err().unwrap_or_default());
            return Err(Error::Invalid(errors));
        }
    };
    let department_names = department_names(db).await?;
    let guides = current_guides(db).await?;
    let matching = rank(&filter, &guides, &department_names);
    let summaries: Vec<ItemSummary> = matching
        .into_iter()
        .map(|guide| summary(guide, &department_names))
        .collect();
    Ok(Page::of(&summaries, paging))
}

fn rank<'a>(
    filter: &ItemFilter,
    guides: &'a [ItemGuide],
    department_names: &HashMap<String, String>,
) -> Vec<&'a ItemGuide> {
    let admitted = guides.iter().filter(|g| filter.admits(g));
    let Some(query) = &filter.query else {
        return admitted.collect();
    };
    let terms = search::terms(query);
    let mut scored: Vec<(u32, usize, &ItemGuide)> = admitted
        .enumerate()
        .filter_map(|(position, guide)| {
            let doc = SearchDoc {
                name: guide.name.clone(),
                aliases: guide.aliases.clone(),
                materials: guide.materials.iter().map(|m| m.name.clone()).collect(),
                department: department_names
                    .get(&guide.department)
                    .cloned()
                    .unwrap_or_default(),
            };
            search::score(&terms, &doc).map(|score| (score, position, guide))
        })
        .collect();
    // Best first; equal scores keep catalog order, so results are stable on every engine.
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, _, guide)| guide).collect()
}

fn summary(guide: &ItemGuide, department_names: &HashMap<String, String>) -> ItemSummary {
    ItemSummary {
        code: guide.code.clone(),
        name: guide.name.clone(),
        department: guide.department.clone(),
        department_name: department_names
            .get(&guide.department)
            .cloned()
            .unwrap_or_default(),
        zone: guide.zone,
        applicant_type: guide.applicant_type,
        kind: guide.kind,
        promised_days: guide.promised_days,
        visits: guide.visits,
        tags: guide.tags.clone(),
    }
}

/// Every life-event topic that has items, in first-seen order.
pub async fn topics(db: &Db) -> Result<Vec<String>> {
    let mut seen = BTreeSet::new();
    let mut topics = Vec::new();
    for guide in current_guides(db).await? {
        for topic in guide.topics {
            if seen.insert(topic.clone()) {
                topics.push(topic);
            }
        }
    }
    Ok(topics)
}

pub async fn packages(db: &Db) -> Result<Vec<Package>> {
    documents(db, "SELECT document FROM packages ORDER BY position").await
}

/// One package as the catalog defines it.
pub async fn package_definition(db: &Db, id: &str) -> Result<Package> {
    let row = sqlx::query("SELECT document FROM packages WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(Error::NotFound("没有找到该“一件事”"))?;
    decode(row.try_get("document")?)
}

pub async fn package(db: &Db, id: &str) -> Result<PackageDetail> {
    let package = package_definition(db, id).await?;
    let department_names = department_names(db).await?;
    let guides = current_guides(db).await?;
    let members: Vec<&ItemGuide> = package
        .members
        .iter()
        .filter_map(|m| guides.iter().find(|g| g.code == m.item_code))
        .collect();
    let member_guides: Vec<ItemGuide> = members.iter().map(|g| (*g).clone()).collect();
    Ok(PackageDetail {
        lead_department_name: department_names
            .get(&package.lead_department)
            .cloned()
            .unwrap_or_default(),
        members: members
            .iter()
            .map(|g| summary(g, &department_names))
            .collect(),
        materials: merge_materials(&member_guides),
        package,
    })
}

/// Every stored JSON document a query returns, decoded.
async fn documents<T: serde::de::DeserializeOwned>(db: &Db, sql: &'static str) -> Result<Vec<T>> {
    let rows = sqlx::query(sql).fetch_all(db.pool()).await?;
    rows.iter()
        .map(|row| decode(row.try_get("document")?))
        .collect()
}

/// Department names by code, for list lines.
async fn department_names(db: &Db) -> Result<HashMap<String, String>> {
    Ok(departments(db)
        .await?
        .into_iter()
        .map(|d| (d.code, d.name))
        .collect())
}

fn decode<T: serde::de::DeserializeOwned>(json: String) -> Result<T> {
    serde_json::from_str(&json)
        .map_err(|e| Error::Unexpected(anyhow::Error::new(e).context("stored catalog document")))
}

/// The catalog as the seed files declare it.
#[derive(Debug, Default, Deserialize)]
pub struct CatalogData {
    #[serde(default, rename = "department")]
    pub departments: Vec<Department>,
    #[serde(default, rename = "hall")]
    pub halls: Vec<Hall>,
    #[serde(default, rename = "item")]
    pub items: Vec<ItemGuide>,
    #[serde(default, rename = "package")]
    pub packages: Vec<Package>,
}

impl CatalogData {
    /// Reads and merges several TOML files (departments, halls, items by zone, packages).
    pub fn from_toml_files(files: &[(&str, &str)]) -> anyhow::Result<Self> {
        let mut all = Self::default();
        for (name, text) in files {
            let part: Self = toml::from_str(text).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
            all.departments.extend(part.departments);
            all.halls.extend(part.halls);
            all.items.extend(part.items);
            all.packages.extend(part.packages);
        }
        Ok(all)
    }

    /// Every inconsistency, in plain Chinese; empty when the catalog can be imported.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let departments: HashMap<&str, &Department> = self
            .departments
            .iter()
            .map(|d| (d.code.as_str(), d))
            .collect();
        let halls: BTreeSet<&str> = self.halls.iter().map(|h| h.id.as_str()).collect();
        let mut codes = BTreeSet::new();
        for item in &self.items {
            problems.extend(item.problems());
            if !codes.insert(item.code.as_str()) {
                problems.push(format!("{}：实施编码重复", item.name));
            }
            match departments.get(item.department.as_str()) {
                None => problems.push(format!(
                    "{}：实施部门 {} 不存在",
                    item.name, item.department
                )),
                Some(d) if !item.code.starts_with(&d.credit_code) || item.code.len() != 31 => {
                    problems.push(format!(
                        "{}：实施编码应为部门统一社会信用代码加 13 位数字",
                        item.name
                    ))
                }
                Some(_) => {}
            }
            if !halls.contains(item.hall.as_str()) {
                problems.push(format!("{}：办理大厅 {} 不存在", item.name, item.hall));
            }
        }
        for package in &self.packages {
            if !departments.contains_key(package.lead_department.as_str()) {
                problems.push(format!("{}：牵头部门不存在", package.name));
            }
            for member in &package.members {
                if !codes.contains(member.item_code.as_str()) {
                    problems.push(format!(
                        "{}：事项 {} 不存在",
                        package.name, member.item_code
                    ));
                }
            }
        }
        problems
    }
}

/// Imports the catalog in one transaction. A guide whose content changed becomes a new version;
/// an unchanged one is left alone, so importing twice changes nothing.
pub async fn import(db: &Db, data: &CatalogData, now_rfc3339: &str) -> anyhow::Result<()> {
    let problems = data.problems();
    anyhow::ensure!(
        problems.is_empty(),
        "目录数据有误：\n{}",
        problems.join("\n")
    );
    let mut tx = db.begin_write().await?;
    for (position, d) in data.departments.iter().enumerate() {
        sqlx::query(
            "INSERT INTO departments (code, name, credit_code, phone, position) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, credit_code = excluded.credit_code, \
             phone = excluded.phone, position = excluded.position",
        )
        .bind(&d.code)
        .bind(&d.name)
        .bind(&d.credit_code)
        .bind(&d.phone)
        .bind(position as i64)
        .execute(&mut *tx)
        .await?;
    }
    for (position, h) in data.halls.iter().enumerate() {
        sqlx::query(
            "INSERT INTO halls (id, name, level, position, document) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, level = excluded.level, \
             position = excluded.position, document = excluded.document",
        )
        .bind(&h.id)
        .bind(&h.name)
        .bind(h.level.as_str())
        .bind(position as i64)
        .bind(serde_json::to_string(h)?)
        .execute(&mut *tx)
        .await?;
    }
    for (position, item) in data.items.iter().enumerate() {
        let document = serde_json::to_string(item)?;
        let current: Option<(i64, String)> = sqlx::query(
            "SELECT v.version, v.document FROM items i \
             JOIN item_versions v ON v.item_code = i.code AND v.version = i.current_version \
             WHERE i.code = $1",
        )
        .bind(&item.code)
        .fetch_optional(&mut *tx)
        .await?
        .map(|row| Ok::<_, sqlx::Error>((row.try_get("version")?, row.try_get("document")?)))
        .transpose()?;
        let version = match &current {
            Some((_, stored)) if *stored == document => None,
            Some((version, _)) => Some(version + 1),
            None => Some(i64::from(item.version)),
        };
        sqlx::query(
            "INSERT INTO items (code, name, department_code, zone, applicant_type, current_version, position) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, department_code = excluded.department_code, \
             zone = excluded.zone, applicant_type = excluded.applicant_type, position = excluded.position",
        )
        .bind(&item.code)
        .bind(&item.name)
        .bind(&item.department)
        .bind(item.zone.as_str())
        .bind(item.applicant_type.as_str())
        .bind(version.unwrap_or_default())
        .bind(position as i64)
        .execute(&mut *tx)
        .await?;
        if let Some(version) = version {
            let mut versioned = item.clone();
            versioned.version = u32::try_from(version)?;
            sqlx::query(
                "INSERT INTO item_versions (item_code, version, document, published_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(&item.code)
            .bind(version)
            .bind(serde_json::to_string(&versioned)?)
            .bind(now_rfc3339)
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE items SET current_version = $1 WHERE code = $2")
                .bind(version)
                .bind(&item.code)
                .execute(&mut *tx)
                .await?;
        }
    }
    for (position, p) in data.packages.iter().enumerate() {
        sqlx::query(
            "INSERT INTO packages (id, name, topic, lead_department, position, document) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, topic = excluded.topic, \
             lead_department = excluded.lead_department, position = excluded.position, document = excluded.document",
        )
        .bind(&p.id)
        .bind(&p.name)
        .bind(&p.topic)
        .bind(&p.lead_department)
        .bind(position as i64)
        .bind(serde_json::to_string(p)?)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM package_items WHERE package_id = $1")
            .bind(&p.id)
            .execute(&mut *tx)
            .await?;
        for (position, member) in p.members.iter().enumerate() {
            sqlx::query(
                "INSERT INTO package_items (package_id, item_code, position) VALUES ($1, $2, $3)",
            )
            .bind(&p.id)
            .bind(&member.item_code)
            .bind(position as i64)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

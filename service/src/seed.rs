//! Demo data for a fresh installation, loaded by `server seed`: the data files under `seed/` at
//! the repository root, compiled into the binary so a deployed server needs nothing beside it.
//! Idempotent: running it again leaves the same data.

use crate::{Db, calendar, catalog};

/// Holiday schedules, one file per year.
const CALENDAR_YEARS: &[&str] = &[include_str!("../../seed/calendar/2026.toml")];

/// The demo catalog: departments, halls, items by zone, 一件事 packages.
pub const CATALOG_FILES: &[(&str, &str)] = &[
    (
        "departments.toml",
        include_str!("../../seed/catalog/departments.toml"),
    ),
    ("halls.toml", include_str!("../../seed/catalog/halls.toml")),
    (
        "items/economic.toml",
        include_str!("../../seed/catalog/items/economic.toml"),
    ),
    (
        "items/construction.toml",
        include_str!("../../seed/catalog/items/construction.toml"),
    ),
    (
        "items/real_estate.toml",
        include_str!("../../seed/catalog/items/real_estate.toml"),
    ),
    (
        "items/social.toml",
        include_str!("../../seed/catalog/items/social.toml"),
    ),
    (
        "packages.toml",
        include_str!("../../seed/catalog/packages.toml"),
    ),
];

pub async fn run(db: &Db) -> anyhow::Result<()> {
    for text in CALENDAR_YEARS {
        let schedule = calendar::YearSchedule::from_toml(text)?;
        calendar::import_year(db, &schedule).await?;
        tracing::info!(year = schedule.year, "working-day calendar loaded");
    }
    let data = catalog::CatalogData::from_toml_files(CATALOG_FILES)?;
    let now =
        time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339)?;
    catalog::import(db, &data, &now).await?;
    tracing::info!(
        items = data.items.len(),
        packages = data.packages.len(),
        "demo catalog loaded"
    );
    Ok(())
}

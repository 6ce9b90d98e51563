//! Demo data for a fresh installation, loaded by `server seed`: the data files under `seed/` at
//! the repository root, compiled into the binary so a deployed server needs nothing beside it.
//! Idempotent: running it again leaves the same data.

use crate::{Db, calendar};

/// Holiday schedules, one file per year.
const CALENDAR_YEARS: &[&str] = &[include_str!("../../seed/calendar/2026.toml")];

pub async fn run(db: &Db) -> anyhow::Result<()> {
    for text in CALENDAR_YEARS {
        let schedule = calendar::YearSchedule::from_toml(text)?;
        calendar::import_year(db, &schedule).await?;
        tracing::info!(year = schedule.year, "working-day calendar loaded");
    }
    Ok(())
}

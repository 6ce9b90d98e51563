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

#[derive(serde::Deserialize)]
struct DemoAccounts {
    citizen: Vec<DemoCitizen>,
    business: Vec<DemoBusiness>,
    staff: Vec<domain::account::NewStaff>,
}

#[derive(serde::Deserialize)]
struct DemoCitizen {
    id_number: String,
    name: String,
    phone: String,
    password: String,
}

#[derive(serde::Deserialize)]
struct DemoBusiness {
    credit_code: String,
    org_name: String,
    legal_rep_name: String,
    agent_id_number: String,
}

/// The demo citizens, business and staff of the README; accounts that exist are left alone.
/// Seeding is an operator action, not a client, so per-address limits do not apply.
pub async fn demo_accounts(portal: &crate::Portal) -> anyhow::Result<()> {
    use crate::{Error, accounts, staff};
    use domain::account::{BusinessSignup, CitizenSignup};
    let demo: DemoAccounts = toml::from_str(include_str!("../../seed/accounts.toml"))?;
    let signup = |c: &DemoCitizen| CitizenSignup {
        id_number: c.id_number.clone(),
        name: c.name.clone(),
        phone: c.phone.clone(),
        password: c.password.clone(),
    };
    let tolerate_existing = |result: crate::Result<String>| match result {
        Ok(_) | Err(Error::Conflict { .. }) => Ok(()),
        Err(error) => Err(anyhow::anyhow!("{error}: {error:?}")),
    };
    for citizen in &demo.citizen {
        tolerate_existing(accounts::register_citizen_unthrottled(portal, &signup(citizen)).await)?;
    }
    for business in &demo.business {
        let agent = demo
            .citizen
            .iter()
            .find(|c| c.id_number == business.agent_id_number)
            .ok_or_else(|| {
                anyhow::anyhow!("demo agent of {} is not a demo citizen", business.org_name)
            })?;
        let signup = BusinessSignup {
            credit_code: business.credit_code.clone(),
            org_name: business.org_name.clone(),
            legal_rep_name: business.legal_rep_name.clone(),
            agent: signup(agent),
        };
        tolerate_existing(accounts::register_business_unthrottled(portal, &signup).await)?;
    }
    for member in &demo.staff {
        match staff::create_staff(portal, staff::Creator::CommandLine, member).await {
            Ok(_) | Err(Error::Conflict { .. }) => {}
            Err(error) => anyhow::bail!("demo staff {}: {error} {error:?}", member.username),
        }
    }
    Ok(())
}

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
    // Seeding runs before any portal (and its clock) exists: the demo catalog is published now.
    let now = crate::clock::stamp(time::OffsetDateTime::now_utc());
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
    #[serde(default)]
    licence: Vec<DemoLicence>,
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
    use sqlx::Row;
    let demo: DemoAccounts = toml::from_str(include_str!("../../seed/accounts.toml"))?;
    let signup = |c: &DemoCitizen| CitizenSignup {
        id_number: c.id_number.clone(),
        name: c.name.clone(),
        phone: c.phone.clone(),
        password: c.password.clone(),
        ..CitizenSignup::default()
    };
    let tolerate_existing = |result: crate::Result<String>| match result {
        Ok(_) | Err(Error::Conflict { .. }) => Ok(()),
        Err(error) => Err(anyhow::anyhow!("{error}: {error:?}")),
    };
    for citizen in &demo.citizen {
        tolerate_existing(accounts::register_citizen_unthrottled(portal, &signup(citizen)).await)?;
    }
    for business in &demo.business {
        let agent: String = sqlx::query("SELECT id FROM citizens WHERE id_number = $1")
            .bind(&business.agent_id_number)
            .fetch_optional(portal.db().pool())
            .await?
            .ok_or_else(|| {
                anyhow::anyhow!("demo agent of {} is not a demo citizen", business.org_name)
            })?
            .try_get("id")?;
        let signup = BusinessSignup {
            credit_code: business.credit_code.clone(),
            org_name: business.org_name.clone(),
            legal_rep_name: business.legal_rep_name.clone(),
        };
        tolerate_existing(accounts::register_business_unthrottled(portal, &agent, &signup).await)?;
    }
    for member in &demo.staff {
        match staff::create_staff(portal, staff::Creator::DemoData, member).await {
            Ok(_) | Err(Error::Conflict { .. }) => {}
            Err(error) => anyhow::bail!("demo staff {}: {error} {error:?}", member.username),
        }
    }
    for licence in &demo.licence {
        demo_licence(portal, licence).await?;
    }
    Ok(())
}

#[derive(serde::Deserialize)]
struct DemoLicence {
    holder: String,
    licence_type: String,
    file_name: String,
}

/// Puts a demo e-licence into its holder's vault unless the holder already has one of its type.
async fn demo_licence(portal: &crate::Portal, licence: &DemoLicence) -> anyhow::Result<()> {
    use crate::documents::{self, Holder, IssuedLicence};
    use sqlx::Row;
    let business = sqlx::query(
        "SELECT b.id, a.citizen_id FROM businesses b JOIN business_agents a \
         ON a.business_id = b.id AND a.agent_role = 'admin' WHERE b.credit_code = $1",
    )
    .bind(&licence.holder)
    .fetch_optional(portal.db().pool())
    .await?;
    let (holder, recipient) = match business {
        Some(row) => (
            Holder::Business(row.try_get("id")?),
            row.try_get::<String, _>("citizen_id")?,
        ),
        None => {
            let row = sqlx::query("SELECT id FROM citizens WHERE id_number = $1")
                .bind(&licence.holder)
                .fetch_one(portal.db().pool())
                .await?;
            let id: String = row.try_get("id")?;
            (Holder::Citizen(id.clone()), id)
        }
    };
    if documents::licence_types(portal, &holder)
        .await?
        .contains(&licence.licence_type)
    {
        return Ok(());
    }
    documents::issue_licence(
        portal,
        IssuedLicence {
            holder: &holder,
            recipient_citizen_id: &recipient,
            licence_type: &licence.licence_type,
            file_name: &format!("{}.pdf", licence.file_name),
            bytes: demo_pdf().into(),
        },
    )
    .await?;
    Ok(())
}

/// A one-page PDF marked as a demo licence: a real, well-formed file (with a correct cross-
/// reference table) that any viewer opens.
fn demo_pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        {
            let text = "BT /F1 24 Tf 72 760 Td (DEMO E-LICENCE - NOT VALID) Tj ET";
            format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len())
        },
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", index + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

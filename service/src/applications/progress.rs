//! 办件进度查询: the public lookup by case number and applicant name (the receipt's QR code leads
//! here). Guessing is limited per address, and a wrong name and an unknown number get the same
//! answer, so neither case numbers nor names can be probed.

use super::{COLUMNS, due_estimate, event, filing, read_clock, stored};
use crate::auth::throttle;
use crate::clock::stored_instant;
use crate::{Error, Portal, Result};
use domain::application::{ProgressQuery, PublicProgress, TimelineEvent};
use domain::identity::PersonName;
use sqlx::Row;

const NO_MATCH: Error = Error::NotFound("没有找到与该办件编号和申请人姓名相符的办件，请核对后重试");

/// Looks a case up for anyone who knows its number and the applicant's name.
pub async fn progress(
    portal: &Portal,
    address: &str,
    query: &ProgressQuery,
) -> Result<PublicProgress> {
    let case_no = query.case_no.trim();
    let name = without_spaces(&query.applicant_name);
    if case_no.is_empty() {
        return Err(Error::invalid("case_no", "请填写办件编号"));
    }
    if name.is_empty() {
        return Err(Error::invalid(
            "applicant_name",
            "请填写申请人姓名或单位名称",
        ));
    }
    throttle(portal, "progress", address).await?;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM applications WHERE case_no = $1"
    )))
    .bind(case_no)
    .fetch_optional(portal.db().pool())
    .await?
    .ok_or(NO_MATCH)?;
    let application = stored(&row)?;
    let applicant = match &application.business_id {
        Some(business) => {
            let org: String = sqlx::query("SELECT org_name FROM businesses WHERE id = $1")
                .bind(business)
                .fetch_one(portal.db().pool())
                .await?
                .try_get("org_name")?;
            // A business's name is public; it is shown as registered.
            (without_spaces(&org) == name).then_some(org)
        }
        None => {
            let person: String = sqlx::query("SELECT name FROM citizens WHERE id = $1")
                .bind(&application.owner)
                .fetch_one(portal.db().pool())
                .await?
                .try_get("name")?;
            (without_spaces(&person) == name)
                .then(|| PersonName::parse(&person).map(|p| p.masked()).ok())
                .flatten()
        }
    }
    .ok_or(NO_MATCH)?;
    let filing = filing(portal, &application).await?;
    let latest = sqlx::query(
        "SELECT at, kind, text, actor FROM case_events WHERE application_id = $1 \
         ORDER BY seq DESC LIMIT 1",
    )
    .bind(&application.id)
    .fetch_optional(portal.db().pool())
    .await?
    .map(|row| event(&row))
    .transpose()?
    // Whoever holds the number sees what happened, not who did it.
    .map(|latest| TimelineEvent {
        actor: None,
        ..latest
    });
    let clock = match &application.accepted_at {
        Some(accepted_at) => {
            let calendar = crate::calendar::load(portal.db()).await?;
            read_clock(
                portal,
                &calendar,
                accepted_at,
                &filing,
                &super::records::suspensions_of(portal, &application.id).await?,
            )
        }
        None => None,
    };
    Ok(PublicProgress {
        case_no: case_no.to_owned(),
        item_name: filing.name.clone(),
        applicant,
        state: application.state,
        state_label: application.state.label().into(),
        submitted_at: application
            .submitted_at
            .as_deref()
            .map(stored_instant)
            .transpose()?,
        latest,
        due_estimate: due_estimate(portal, &application, filing.promised_days).await?,
        clock,
    })
}

fn without_spaces(text: &str) -> String {
    text.split_whitespace().collect()
}

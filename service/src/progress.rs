//! 办件进度查询: the public lookup by case number and applicant name (the receipt's QR code leads
//! here). Guessing is limited per address, and a wrong name and an unknown number get the same
//! answer, so neither case numbers nor names can be probed.

use crate::auth::throttle;
use crate::clock::{china_minute, parse_stamp, today_at};
use crate::{Error, Portal, Result, calendar, catalog};
use domain::application::{CaseState, ProgressQuery, PublicProgress, TimelineEvent};
use domain::identity::PersonName;
use sqlx::Row;

const NO_MATCH: Error = Error::NotFound("没有找到与该办件编号和申请人姓名相符的办件，请核对后重试");

/// Looks a case up for anyone who knows its number and the applicant's name.
pub async fn query(
    portal: &Portal,
    address: &str,
    query: &ProgressQuery,
) -> Result<PublicProgress> {
    let case_no = query.case_no.trim();
    let name = query.applicant_name.split_whitespace().collect::<String>();
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
    let row = sqlx::query(
        "SELECT a.id, a.item_code, a.package_id, a.state, a.submitted_at, c.name AS person, \
         b.org_name, i.name AS item_name FROM applications a \
         JOIN citizens c ON c.id = a.owner_citizen_id \
         LEFT JOIN businesses b ON b.id = a.business_id \
         JOIN items i ON i.code = a.item_code WHERE a.case_no = $1",
    )
    .bind(case_no)
    .fetch_optional(portal.db().pool())
    .await?
    .ok_or(NO_MATCH)?;
    let org_name: Option<String> = row.try_get("org_name")?;
    let person: String = row.try_get("person")?;
    let applicant = match &org_name {
        Some(org) if name == org.split_whitespace().collect::<String>() => org.clone(),
        None if name == person.split_whitespace().collect::<String>() => {
            PersonName::parse(&person).map_err(|_| NO_MATCH)?.masked()
        }
        _ => return Err(NO_MATCH),
    };
    let state: String = row.try_get("state")?;
    let state = CaseState::parse(&state).ok_or_else(|| anyhow::anyhow!("state {state}"))?;
    let (item_name, promised_days) = match row.try_get::<Option<String>, _>("package_id")? {
        Some(package_id) => {
            let package = catalog::package_definition(portal.db(), &package_id).await?;
            (package.name, package.promised_days)
        }
        None => {
            let guide =
                catalog::guide(portal.db(), &row.try_get::<String, _>("item_code")?).await?;
            (guide.guide.name, guide.guide.promised_days)
        }
    };
    let latest = sqlx::query(
        "SELECT at, kind, text FROM case_events WHERE application_id = $1 ORDER BY seq DESC LIMIT 1",
    )
    .bind(row.try_get::<String, _>("id")?)
    .fetch_optional(portal.db().pool())
    .await?
    .map(|event| -> Result<TimelineEvent> {
        let at: String = event.try_get("at")?;
        Ok(TimelineEvent {
            at: parse_stamp(&at).map(china_minute).unwrap_or(at),
            kind: event.try_get("kind")?,
            text: event.try_get("text")?,
        })
    })
    .transpose()?;
    let submitted = row
        .try_get::<Option<String>, _>("submitted_at")?
        .and_then(|s| parse_stamp(&s));
    let due_estimate = match submitted {
        Some(at) if state == CaseState::Submitted => Some(
            calendar::load(portal.db())
                .await?
                .estimate(today_at(at), promised_days),
        ),
        _ => None,
    };
    Ok(PublicProgress {
        case_no: case_no.to_owned(),
        item_name,
        applicant,
        state,
        state_label: state.label().into(),
        submitted_at: submitted.map(china_minute),
        latest,
        due_estimate,
    })
}

//! The notices a case's decisions produce (受理通知书, 不予受理通知书): composed by `domain::notice`
//! inside the decision's transaction, stored as issued, read back by the applicant in full and
//! by staff in scope with the person masked.

use super::{Filing, Stored, from_json, load_owned, to_json};
use crate::clock::today_at;
use crate::{Portal, Result, catalog};
use domain::notice::{CaseNotice, NoticeCase};
use sqlx::Row;

/// Who a notice is addressed to, and whether that is a person (masked for staff).
pub(super) struct Addressee {
    pub name: String,
    pub is_person: bool,
}

pub(super) async fn addressee_of(portal: &Portal, application: &Stored) -> Result<Addressee> {
    let row = sqlx::query(
        "SELECT c.name, b.org_name FROM applications a JOIN citizens c ON c.id = a.owner_citizen_id \
         LEFT JOIN businesses b ON b.id = a.business_id WHERE a.id = $1",
    )
    .bind(&application.id)
    .fetch_one(portal.db().pool())
    .await?;
    Ok(match row.try_get::<Option<String>, _>("org_name")? {
        Some(org_name) => Addressee {
            name: org_name,
            is_person: false,
        },
        None => Addressee {
            name: row.try_get("name")?,
            is_person: true,
        },
    })
}

/// What every notice of this case names: the case, the item, the addressee, and the issuing
/// body (the hall that decided, and the department responsible for the item).
pub(super) fn notice_case<'a>(
    portal: &Portal,
    application: &'a Stored,
    filing: &'a Filing,
    addressee: &'a Addressee,
    issuer: &'a str,
) -> NoticeCase<'a> {
    let submitted_on = application
        .submitted_at
        .as_deref()
        .and_then(crate::clock::parse_stamp)
        .map_or_else(|| today_at(portal.now()), today_at);
    NoticeCase {
        case_no: application.case_no.as_deref().unwrap_or_default(),
        item_name: &filing.name,
        addressee: &addressee.name,
        issuer,
        issued_at: domain::instant::Instant::new(portal.now()),
        submitted_on,
    }
}

/// `示范市公安局 · 受理地点：示范市民中心（市政务服务中心）`: the department responsible, and
/// the hall that took the case in.
pub(super) async fn issuer_of(
    portal: &Portal,
    application: &Stored,
    filing: &Filing,
) -> Result<String> {
    let hall = match &application.hall_id {
        Some(hall_id) => Some(catalog::hall(portal.db(), hall_id).await?.name),
        None => None,
    };
    let lead = filing.guides.first().map(|guide| guide.department.as_str());
    let department = catalog::departments(portal.db())
        .await?
        .into_iter()
        .find(|department| Some(department.code.as_str()) == lead)
        .map(|department| department.name);
    Ok(match (hall, department) {
        (Some(hall), Some(department)) => format!("{department} · 受理地点：{hall}"),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => "政务服务中心".into(),
    })
}

/// Keeps a notice as issued, inside the decision's transaction.
pub(super) async fn store(
    tx: &mut sqlx::AnyConnection,
    application_id: &str,
    notice: &CaseNotice,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO case_notices (id, application_id, kind, issued_at, document) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(crate::accounts::new_id("n"))
    .bind(application_id)
    .bind(notice.kind.as_str())
    .bind(notice.issued_at.rfc3339())
    .bind(to_json(notice)?)
    .execute(tx)
    .await?;
    Ok(())
}

/// A case's notices, in the order they were issued.
pub(super) async fn notices_of(portal: &Portal, application_id: &str) -> Result<Vec<CaseNotice>> {
    let rows = sqlx::query(
        "SELECT document FROM case_notices WHERE application_id = $1 ORDER BY issued_at, kind",
    )
    .bind(application_id)
    .fetch_all(portal.db().pool())
    .await?;
    rows.iter()
        .map(|row| from_json(&row.try_get::<String, _>("document")?))
        .collect()
}

/// The applicant's own notices, addressed to them in full.
pub async fn notices(
    portal: &Portal,
    session: &crate::auth::Session,
    id_or_case_no: &str,
) -> Result<Vec<CaseNotice>> {
    let application = load_owned(portal, session, id_or_case_no).await?;
    notices_of(portal, &application.id).await
}

//! 电子监察: the supervisor's lists of cases in warning (预警) and overdue (逾期) across every
//! scope, each with who is responsible, and 催办 — a reminder recorded on the case (an event)
//! that the responsible staff see on their workbench (a queue filter) until the case moves on. The applicant's
//! page names the responsible department too, so an overdue case is never silent.

use super::desk::{QUEUE_SELECT, actor_of, queue_entry};
use super::fetch;
use super::records::responsible_for;
use super::submit::add_event;
use crate::auth::Session;
use crate::clock::{stamp, stored_instant};
use crate::staff::{Capability, Supervise};
use crate::{Error, Portal, Result, calendar};
use domain::application::{CaseRef, CaseState};
use domain::case_clock::Urgency;
use domain::intake::QueueEntry;
use domain::paging::{Page, PageRequest};
use domain::supervision::{RemindRequest, SupervisionEntry};
use sqlx::Row;
use sqlx::any::AnyRow;

/// The states in which a case's clock runs or stands still: the ones supervision watches.
const WATCHED: [CaseState; 3] = [
    CaseState::Accepted,
    CaseState::InReview,
    CaseState::Suspended,
];

fn watched() -> String {
    WATCHED
        .iter()
        .map(|state| format!("'{}'", state.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every case in warning or overdue (or only one of the two), most urgent first, with who is
/// responsible. Supervisors only; applicants masked.
pub async fn supervision(
    portal: &Portal,
    session: &Session,
    only: Option<Urgency>,
    paging: PageRequest,
) -> Result<Page<SupervisionEntry>> {
    session.require_staff(Supervise::ROLES)?;
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{QUEUE_SELECT} WHERE a.accepted_at IS NOT NULL AND a.state IN ({}) \
         ORDER BY a.accepted_at, a.case_no",
        watched()
    )))
    .fetch_all(portal.db().pool())
    .await?;
    let calendar = calendar::load(portal.db()).await?;
    let mut entries = Vec::new();
    for row in &rows {
        let case = queue_entry(portal, &calendar, row).await?;
        let listed = match only {
            Some(urgency) => case.urgency == urgency,
            None => case.urgency != Urgency::OnTime,
        };
        if listed {
            entries.push(entry(portal, row, case).await?);
        }
    }
    entries.sort_by(|a, b| {
        a.case
            .urgency
            .cmp(&b.case.urgency)
            .then_with(|| {
                let left = |e: &SupervisionEntry| e.case.clock.as_ref().map(|c| c.promised_left);
                left(a).cmp(&left(b))
            })
            .then_with(|| a.case.case_no.cmp(&b.case.case_no))
    });
    Ok(Page::of(&entries, paging))
}

async fn entry(portal: &Portal, row: &AnyRow, case: QueueEntry) -> Result<SupervisionEntry> {
    let department: Option<String> = row.try_get("department_code")?;
    let hall_id: Option<String> = row.try_get("hall_id")?;
    let responsible = responsible_for(portal, department.as_deref(), hall_id.as_deref())
        .await?
        .unwrap_or_default();
    let reminded_at = row
        .try_get::<Option<String>, _>("reminded_at")?
        .as_deref()
        .map(stored_instant)
        .transpose()?;
    Ok(SupervisionEntry {
        case,
        responsible,
        reminded_at,
    })
}

/// 催办: the supervisor's reminder goes on the case's timeline (the applicant reads that it was
/// urged on) and, with what it asks, onto the workbench of the staff responsible until the case
/// moves on.
pub async fn remind(
    portal: &Portal,
    session: &Session,
    case_no: &str,
    request: RemindRequest,
) -> Result<SupervisionEntry> {
    let staff = session.require_staff(Supervise::ROLES)?;
    let application = fetch(portal, CaseRef::CaseNo(case_no))
        .await?
        .ok_or(Error::NotFound("没有找到该办件"))?;
    if !WATCHED.contains(&application.state) {
        return Err(Error::Conflict {
            code: "state_conflict",
            message: format!(
                "办件当前为“{}”，不在办理时限内，无需催办",
                application.state.label()
            ),
        });
    }
    request.check().map_err(Error::Invalid)?;
    let now = portal.now();
    let mut tx = portal.db().begin_write().await?;
    let reminded = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE applications SET reminded_at = $1, reminder_text = $2 WHERE id = $3 \
         AND state IN ({}) RETURNING id",
        watched()
    )))
    .bind(stamp(now))
    .bind(request.message.trim())
    .bind(&application.id)
    .fetch_optional(&mut *tx)
    .await?;
    if reminded.is_none() {
        return Err(Error::Conflict {
            code: "state_conflict",
            message: "办件状态刚刚发生了变化，请刷新后再操作".into(),
        });
    }
    // The applicant reads that the case was urged on; what was asked stays with the staff.
    add_event(
        &mut tx,
        &application.id,
        "reminded",
        "电子监察已督促承办部门加快办理。",
        now,
        Some(&actor_of(staff)),
    )
    .await?;
    tx.commit().await?;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{QUEUE_SELECT} WHERE a.id = $1"
    )))
    .bind(&application.id)
    .fetch_one(portal.db().pool())
    .await?;
    let calendar = calendar::load(portal.db()).await?;
    let case = queue_entry(portal, &calendar, &row).await?;
    entry(portal, &row, case).await
}

//! 一车勘验: one joint site inspection for a case, or for every child case of a 一件事 under
//! review, instead of one visit per department. The inspectors are drawn at random from each
//! department's pool of approvers (双随机); the draw keeps its seed and pools, so anyone can run it
//! again and see the same inspectors. Scheduling puts every covered case into 特别程序 (现场勘验)
//! with the inspection named; recording the result ends each of those procedures, and the result
//! stands on every case's timeline.

use super::desk::{in_scope, staff_view};
use super::records;
use super::review::{Stop, start_clock, stop_clock};
use super::submit::add_event;
use super::{Stored, fetch, filing, to_json};
use crate::auth::Session;
use crate::clock::{stamp, today_at};
use crate::staff::{Capability, Review};
use crate::{Error, Portal, Result};
use domain::account::StaffRole;
use domain::application::{CaseAction, CaseRef, CaseState};
use domain::case_clock::SuspensionKind;
use domain::identity::PersonName;
use domain::intake::StaffCaseView;
use domain::review::{InspectionRequest, InspectionResult, InspectionView, Inspector, draw};
use sqlx::Row;

const NOT_FOUND: Error = Error::NotFound("没有找到该勘验，或不在您的办理范围内");

/// The cases one inspection covers when scheduled from `application`: from a 一件事's package
/// case (its lead department) every child case, each at its own department; from any other
/// case that case alone — a member department acts for its own part only.
async fn covered_cases(portal: &Portal, application: &Stored) -> Result<Vec<Stored>> {
    if application.package_id.is_none() {
        return Ok(vec![application.clone()]);
    }
    let rows = sqlx::query("SELECT id FROM applications WHERE parent_id = $1 ORDER BY case_no")
        .bind(&application.id)
        .fetch_all(portal.db().pool())
        .await?;
    let mut cases = Vec::new();
    for row in rows {
        let id: String = row.try_get("id")?;
        if let Some(child) = fetch(portal, CaseRef::Id(&id)).await? {
            cases.push(child);
        }
    }
    Ok(cases)
}

/// Schedules a joint inspection from a case in the caller's department: draws the inspectors of
/// every department involved and stops the clock of every case it covers (and of the package
/// case, which the lead department follows, when it was scheduled from there).
pub async fn schedule_inspection(
    portal: &Portal,
    session: &Session,
    case_no: &str,
    request: InspectionRequest,
) -> Result<InspectionView> {
    let staff = session.require_staff(Review::ROLES)?;
    let application = fetch(portal, CaseRef::CaseNo(case_no))
        .await?
        .filter(|application| in_scope(staff, application))
        .ok_or(Error::NotFound("没有找到该办件，或不在您的办理范围内"))?;
    let covered: Vec<Stored> = covered_cases(portal, &application)
        .await?
        .into_iter()
        .filter(|case| case.state.allows(CaseAction::Suspend))
        .collect();
    if covered.is_empty() {
        return Err(Error::Conflict {
            code: "state_conflict",
            message: "没有处于“审查中”的办件可以安排联合勘验".into(),
        });
    }
    let today = today_at(portal.now());
    request.check(today).map_err(Error::Invalid)?;
    let mut departments: Vec<String> = covered
        .iter()
        .filter_map(|case| case.department_code.clone())
        .collect();
    departments.sort();
    departments.dedup();
    let mut pools = Vec::with_capacity(departments.len());
    for department in departments {
        pools.push(pool(portal, &department).await?);
    }
    let mut seed = [0u8; 8];
    getrandom::fill(&mut seed).expect("the operating system's random source");
    let drawn = draw(
        u64::from_le_bytes(seed),
        pools,
        request.inspectors_per_department,
    )
    .map_err(|department| {
        Error::invalid(
            "inspectors_per_department",
            format!(
                "“{department}”可抽取的检查人员不足 {} 人",
                request.inspectors_per_department
            ),
        )
    })?;
    let mut names = Vec::with_capacity(covered.len());
    for case in &covered {
        names.push(filing(portal, case).await?.name);
    }
    let id = crate::accounts::new_id("in");
    let now = portal.now();
    let place = request.place.trim();
    let reason = format!("一车勘验：{} 在{place}联合现场勘验", request.scheduled_on);
    let mut tx = portal.db().begin_write().await?;
    sqlx::query(
        "INSERT INTO inspections (id, scheduled_on, expected_end, place, seed, draw, created_by, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(request.scheduled_on.to_string())
    .bind(request.expected_end.to_string())
    .bind(place)
    .bind(&drawn.seed)
    .bind(to_json(&drawn)?)
    .bind(&staff.staff_id)
    .bind(stamp(now))
    .execute(&mut *tx)
    .await?;
    for (case, name) in covered.iter().zip(&names) {
        sqlx::query("INSERT INTO inspection_cases (inspection_id, application_id) VALUES ($1, $2)")
            .bind(&id)
            .bind(&case.id)
            .execute(&mut *tx)
            .await?;
        let stop = Stop {
            kind: SuspensionKind::Inspection,
            reason: &reason,
            expected_end: request.expected_end,
            inspection_id: Some(&id),
        };
        stop_clock(&mut tx, portal, staff, case, name, stop).await?;
    }
    if application.package_id.is_some() {
        // The package case stays 审查中 (its children are in 特别程序), but its clock stops with
        // theirs, and the inspection is on its record for the lead department.
        sqlx::query("INSERT INTO inspection_cases (inspection_id, application_id) VALUES ($1, $2)")
            .bind(&id)
            .bind(&application.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO case_suspensions (id, application_id, kind, reason, started_on, \
             expected_end, inspection_id, started_by, started_at) \
             VALUES ($1, $2, 'inspection', $3, $4, $5, $6, $7, $8)",
        )
        .bind(crate::accounts::new_id("sp"))
        .bind(&application.id)
        .bind(&reason)
        .bind(today.to_string())
        .bind(request.expected_end.to_string())
        .bind(&id)
        .bind(&staff.staff_id)
        .bind(stamp(now))
        .execute(&mut *tx)
        .await?;
        add_event(&mut tx, &application.id, "suspended", &reason, now, None).await?;
    }
    tx.commit().await?;
    records::inspection(portal, &id).await?.ok_or(NOT_FOUND)
}

/// A department's active approvers, in staff-id order, names masked: the pool a draw picks from.
async fn pool(portal: &Portal, department: &str) -> Result<(String, String, Vec<Inspector>)> {
    let name: String = sqlx::query("SELECT name FROM departments WHERE code = $1")
        .bind(department)
        .fetch_one(portal.db().pool())
        .await?
        .try_get("name")?;
    let rows = sqlx::query(
        "SELECT id, name FROM staff WHERE role = $1 AND department_code = $2 \
         AND status = 'active' ORDER BY id",
    )
    .bind(StaffRole::Approver.as_str())
    .bind(department)
    .fetch_all(portal.db().pool())
    .await?;
    let inspectors = rows
        .iter()
        .map(|row| {
            let name: String = row.try_get("name")?;
            Ok(Inspector {
                staff_id: row.try_get("id")?,
                name: PersonName::parse(&name)
                    .map(|n| n.masked())
                    .unwrap_or_else(|_| "*".into()),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((department.to_owned(), name, inspectors))
}

/// Records the inspection's result: every covered case still in its 现场勘验 leaves it, with
/// the result on its timeline and the clock running again.
pub async fn record_inspection(
    portal: &Portal,
    session: &Session,
    inspection_id: &str,
    result: InspectionResult,
) -> Result<StaffCaseView> {
    let staff = session.require_staff(Review::ROLES)?;
    let cases = cases_of(portal, inspection_id).await?;
    let Some(own) = cases.iter().find(|case| in_scope(staff, case)).cloned() else {
        return Err(NOT_FOUND);
    };
    // The department that scheduled it records the result for every department involved.
    let scheduler: Option<String> = sqlx::query(
        "SELECT s.department_code FROM inspections i JOIN staff s ON s.id = i.created_by \
         WHERE i.id = $1",
    )
    .bind(inspection_id)
    .fetch_one(portal.db().pool())
    .await?
    .try_get("department_code")?;
    if staff.scope.department() != scheduler.as_deref() {
        return Err(Error::Forbidden {
            code: "not_the_scheduler",
            message: "勘验结果由安排勘验的部门登记",
        });
    }
    result.check().map_err(Error::Invalid)?;
    let text = result.result.trim().trim_end_matches('。');
    let now = portal.now();
    let mut names = Vec::with_capacity(cases.len());
    for case in &cases {
        names.push(filing(portal, case).await?.name);
    }
    let mut tx = portal.db().begin_write().await?;
    let recorded = sqlx::query(
        "UPDATE inspections SET result = $1, recorded_by = $2, recorded_at = $3 \
         WHERE id = $4 AND result IS NULL RETURNING id",
    )
    .bind(text)
    .bind(&staff.staff_id)
    .bind(stamp(now))
    .bind(inspection_id)
    .fetch_optional(&mut *tx)
    .await?;
    if recorded.is_none() {
        return Err(Error::Conflict {
            code: "state_conflict",
            message: "该勘验的结果已经登记".into(),
        });
    }
    let mut own_state = own.state;
    for (case, name) in cases.iter().zip(&names) {
        let running = sqlx::query(
            "SELECT id FROM case_suspensions WHERE application_id = $1 AND inspection_id = $2 \
             AND ended_on IS NULL",
        )
        .bind(&case.id)
        .bind(inspection_id)
        .fetch_optional(&mut *tx)
        .await?;
        if running.is_none() || case.state != CaseState::Suspended {
            continue;
        }
        let line = format!("联合现场勘验完成：{text}。特别程序结束，恢复计时。");
        let state = start_clock(&mut tx, portal, staff, case, name, &line).await?;
        if case.id == own.id {
            own_state = state;
        }
    }
    // The package case's clock, stopped with its children's, runs again with theirs.
    let package = sqlx::query(
        "UPDATE case_suspensions SET ended_on = $1 WHERE inspection_id = $2 AND ended_on IS NULL \
         RETURNING application_id",
    )
    .bind(today_at(now).to_string())
    .bind(inspection_id)
    .fetch_all(&mut *tx)
    .await?;
    for row in package {
        let id: String = row.try_get("application_id")?;
        let line = format!("联合现场勘验完成：{text}。");
        add_event(&mut tx, &id, "resumed", &line, now, None).await?;
    }
    tx.commit().await?;
    staff_view(
        portal,
        session,
        Stored {
            state: own_state,
            ..own
        },
    )
    .await
}

/// One inspection, for staff who may see a case it covers.
pub async fn inspection(
    portal: &Portal,
    session: &Session,
    inspection_id: &str,
) -> Result<InspectionView> {
    let staff = session.require_staff(&StaffRole::ALL)?;
    let cases = cases_of(portal, inspection_id).await?;
    if !cases.iter().any(|case| in_scope(staff, case)) {
        return Err(NOT_FOUND);
    }
    records::inspection(portal, inspection_id)
        .await?
        .ok_or(NOT_FOUND)
}

async fn cases_of(portal: &Portal, inspection_id: &str) -> Result<Vec<Stored>> {
    let rows = sqlx::query(
        "SELECT application_id FROM inspection_cases WHERE inspection_id = $1 \
         ORDER BY application_id",
    )
    .bind(inspection_id)
    .fetch_all(portal.db().pool())
    .await?;
    let mut cases = Vec::with_capacity(rows.len());
    for row in rows {
        let id: String = row.try_get("application_id")?;
        if let Some(case) = fetch(portal, CaseRef::Id(&id)).await? {
            cases.push(case);
        }
    }
    Ok(cases)
}

//! 后台分类审批: what the department does with an accepted case — starts its review, stops the
//! clock for a 特别程序 and starts it again, decides (准予 / 不予许可, with a 决定书), or revokes
//! the case (a 告知承诺 found untrue, a commitment not kept). A 一件事's child cases are reviewed
//! in parallel by their own departments; the package case, which the lead department follows,
//! moves to 审查中 with the first of them and is decided when the last one is, keeping each
//! child's outcome. Every step is one conditional state change (`transition`), so two approvers
//! acting on one case at once get one success and one 409 `state_conflict`.

use super::desk::{Told, in_scope, record_decision, staff_view};
use super::records::suspensions_of;
use super::submit::add_event;
use super::{Stored, fetch, filing, notices, state_conflict, transition};
use crate::auth::{Session, StaffPrincipal};
use crate::clock::{stamp, today_at};
use crate::staff::{Capability, Review};
use crate::{Error, Portal, Result};
use domain::application::package_outcome;
use domain::application::{CaseAction, CaseRef, CaseState};
use domain::case_clock::SuspensionKind;
use domain::intake::StaffCaseView;
use domain::review::{DecideRequest, Outcome, RevokeRequest, SuspendRequest};
use sqlx::Row;

const NOT_FOUND: Error = Error::NotFound("没有找到该办件，或不在您的办理范围内");

/// The approver, and a case routed to their department; 404 for any other case.
async fn approver_and_case<'a>(
    portal: &Portal,
    session: &'a Session,
    case_no: &str,
) -> Result<(&'a StaffPrincipal, Stored)> {
    let staff = session.require_staff(Review::ROLES)?;
    let application = fetch(portal, CaseRef::CaseNo(case_no))
        .await?
        .filter(|application| in_scope(staff, application))
        .ok_or(NOT_FOUND)?;
    Ok((staff, application))
}

/// 409 for a step on a package case that belongs to its child cases.
fn decided_per_item() -> Error {
    Error::Conflict {
        code: "package_case",
        message: "“一件事”由各承办部门分别审查和决定，请在各事项的办件中办理".into(),
    }
}

/// Locks a child case's package row inside `tx` before the child's own row: every step that
/// touches both takes them in this order (package first), so two of them never wait on each
/// other, and siblings decided at the same moment queue up here, one seeing the package complete.
async fn lock_package(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    parent_id: &str,
) -> Result<()> {
    sqlx::query("UPDATE applications SET updated_at = updated_at WHERE id = $1")
        .bind(parent_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// 审查开始: the department takes the case up. The package case follows its first child.
pub async fn start_review(
    portal: &Portal,
    session: &Session,
    case_no: &str,
) -> Result<StaffCaseView> {
    let (staff, application) = approver_and_case(portal, session, case_no).await?;
    if application.package_id.is_some() {
        return Err(decided_per_item());
    }
    application
        .state
        .next(CaseAction::StartReview)
        .map_err(state_conflict)?;
    let now = portal.now();
    let mut tx = portal.db().begin_write().await?;
    if let Some(parent) = &application.parent_id {
        lock_package(&mut tx, parent).await?;
    }
    let state = transition(&mut tx, &application, CaseAction::StartReview, now).await?;
    record_decision(
        &mut tx,
        portal,
        Some(staff),
        &application,
        "review_started",
        "承办部门已开始审查。",
        None,
    )
    .await?;
    if let Some(parent) = &application.parent_id {
        let moved = sqlx::query(
            "UPDATE applications SET state = 'in_review', updated_at = $1 \
             WHERE id = $2 AND state = 'accepted' RETURNING id",
        )
        .bind(stamp(now))
        .bind(parent)
        .fetch_optional(&mut *tx)
        .await?;
        if moved.is_some() {
            add_event(
                &mut tx,
                parent,
                "review_started",
                "各承办部门已开始并联审查。",
                now,
                None,
            )
            .await?;
        }
    }
    tx.commit().await?;
    staff_view(
        portal,
        session,
        Stored {
            state,
            ..application
        },
    )
    .await
}

/// 特别程序开始: the clock stops from today until the procedure ends; the applicant hears which
/// procedure, why, and until when it is expected to last.
pub async fn suspend(
    portal: &Portal,
    session: &Session,
    case_no: &str,
    request: SuspendRequest,
) -> Result<StaffCaseView> {
    let (staff, application) = approver_and_case(portal, session, case_no).await?;
    if application.package_id.is_some() {
        return Err(decided_per_item());
    }
    application
        .state
        .next(CaseAction::Suspend)
        .map_err(state_conflict)?;
    let today = today_at(portal.now());
    request.check(today).map_err(Error::Invalid)?;
    let filing = filing(portal, &application).await?;
    let mut tx = portal.db().begin_write().await?;
    let state = stop_clock(
        &mut tx,
        portal,
        staff,
        &application,
        &filing.name,
        Stop {
            kind: request.kind,
            reason: request.reason.trim(),
            expected_end: request.expected_end,
            inspection_id: None,
        },
    )
    .await?;
    tx.commit().await?;
    staff_view(
        portal,
        session,
        Stored {
            state,
            ..application
        },
    )
    .await
}

/// A 特别程序 about to start.
pub(super) struct Stop<'a> {
    pub kind: SuspensionKind,
    pub reason: &'a str,
    pub expected_end: time::Date,
    pub inspection_id: Option<&'a str>,
}

/// Moves a case into 特别程序 inside `tx`: the state, the suspension row, the event and the
/// applicant's message.
pub(super) async fn stop_clock(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    portal: &Portal,
    staff: &StaffPrincipal,
    application: &Stored,
    item_name: &str,
    stop: Stop<'_>,
) -> Result<CaseState> {
    let now = portal.now();
    let state = transition(tx, application, CaseAction::Suspend, now).await?;
    sqlx::query(
        "INSERT INTO case_suspensions (id, application_id, kind, reason, started_on, \
         expected_end, inspection_id, started_by, started_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(crate::accounts::new_id("sp"))
    .bind(&application.id)
    .bind(stop.kind.as_str())
    .bind(stop.reason)
    .bind(today_at(now).to_string())
    .bind(stop.expected_end.to_string())
    .bind(stop.inspection_id)
    .bind(&staff.staff_id)
    .bind(stamp(now))
    .execute(&mut **tx)
    .await?;
    let case_no = application.case_no.as_deref().unwrap_or_default();
    let text = format!(
        "进入特别程序（{}）：{}。预计 {} 结束，期间不计入办理时限。",
        stop.kind.label(),
        stop.reason.trim_end_matches('。'),
        stop.expected_end
    );
    let told = Told {
        title: format!("办件进入特别程序（{}）", stop.kind.label()),
        body: format!(
            "您的“{item_name}”办件（办件编号 {case_no}）进入特别程序（{}），预计 {} 结束，期间不计入办理时限。",
            stop.kind.label(),
            stop.expected_end
        ),
        dedup_key: format!("suspended:{}:{}", application.id, stamp(now)),
    };
    record_decision(
        tx,
        portal,
        Some(staff),
        application,
        "suspended",
        &text,
        Some(told),
    )
    .await?;
    Ok(state)
}

/// 特别程序结束: the clock runs again from today. A procedure caused by a joint inspection ends
/// with the inspection's result instead.
pub async fn resume(portal: &Portal, session: &Session, case_no: &str) -> Result<StaffCaseView> {
    let (staff, application) = approver_and_case(portal, session, case_no).await?;
    application
        .state
        .next(CaseAction::Resume)
        .map_err(state_conflict)?;
    let running = suspensions_of(portal, &application.id)
        .await?
        .into_iter()
        .find(|s| s.ended_on.is_none());
    if running.is_some_and(|s| s.inspection_id.is_some()) {
        return Err(Error::Conflict {
            code: "inspection_pending",
            message: "该特别程序由联合勘验引起，登记勘验结果后自动结束".into(),
        });
    }
    let filing = filing(portal, &application).await?;
    let mut tx = portal.db().begin_write().await?;
    let state = start_clock(
        &mut tx,
        portal,
        staff,
        &application,
        &filing.name,
        "特别程序结束，恢复计时。",
    )
    .await?;
    tx.commit().await?;
    staff_view(
        portal,
        session,
        Stored {
            state,
            ..application
        },
    )
    .await
}

/// Ends a case's running 特别程序 inside `tx`: the clock counts again from today.
pub(super) async fn start_clock(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    portal: &Portal,
    staff: &StaffPrincipal,
    application: &Stored,
    item_name: &str,
    text: &str,
) -> Result<CaseState> {
    let now = portal.now();
    let state = transition(tx, application, CaseAction::Resume, now).await?;
    end_running(tx, &application.id, now).await?;
    let case_no = application.case_no.as_deref().unwrap_or_default();
    let told = Told {
        title: "办件恢复办理".into(),
        body: format!(
            "您的“{item_name}”办件（办件编号 {case_no}）特别程序已结束，恢复计算办理时限。"
        ),
        dedup_key: format!("resumed:{}:{}", application.id, stamp(now)),
    };
    record_decision(
        tx,
        portal,
        Some(staff),
        application,
        "resumed",
        text,
        Some(told),
    )
    .await?;
    Ok(state)
}

/// Closes the running suspension of a case, if there is one.
async fn end_running(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    application_id: &str,
    now: time::OffsetDateTime,
) -> Result<()> {
    sqlx::query(
        "UPDATE case_suspensions SET ended_on = $1 WHERE application_id = $2 AND ended_on IS NULL",
    )
    .bind(today_at(now).to_string())
    .bind(application_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// 准予 or 不予许可, with the reasons and the legal basis, and its 决定书. A child case's
/// decision decides its package once no other child waits.
pub async fn decide(
    portal: &Portal,
    session: &Session,
    case_no: &str,
    request: DecideRequest,
) -> Result<StaffCaseView> {
    let (staff, application) = approver_and_case(portal, session, case_no).await?;
    if application.package_id.is_some() {
        return Err(decided_per_item());
    }
    let action = match request.outcome {
        Outcome::Approve => CaseAction::Approve,
        Outcome::Deny => CaseAction::Deny,
    };
    application.state.next(action).map_err(state_conflict)?;
    request.check().map_err(Error::Invalid)?;
    let filing = filing(portal, &application).await?;
    let (reasons, basis) = (request.reasons.trim(), request.legal_basis.trim());
    let addressee = notices::addressee_of(portal, &application).await?;
    let issuer = notices::issuer_of(portal, &application, &filing).await?;
    let approved = request.outcome == Outcome::Approve;
    let notice = domain::notice::decision(
        notices::notice_case(portal, &application, &filing, &addressee, &issuer),
        approved,
        reasons,
        basis,
    );
    let parent = match &application.parent_id {
        Some(parent) => fetch(portal, CaseRef::Id(parent)).await?,
        None => None,
    };
    let now = portal.now();
    let mut tx = portal.db().begin_write().await?;
    if let Some(parent) = &parent {
        lock_package(&mut tx, &parent.id).await?;
    }
    let state = transition(&mut tx, &application, action, now).await?;
    let (kind, word) = match request.outcome {
        Outcome::Approve => ("approved", "准予许可"),
        Outcome::Deny => ("denied", "不予许可"),
    };
    let text = format!(
        "审查完毕，决定{word}。理由：{}。依据：{basis}。",
        reasons.trim_end_matches('。')
    );
    let told = Told {
        title: format!("办件已作出决定：{word}"),
        body: format!(
            "您的“{}”办件（办件编号 {case_no}）决定{word}。可在办件页查看并打印{}。",
            filing.name, notice.title
        ),
        dedup_key: format!("{kind}:{}", application.id),
    };
    record_decision(
        &mut tx,
        portal,
        Some(staff),
        &application,
        kind,
        &text,
        Some(told),
    )
    .await?;
    notices::store(&mut tx, &application.id, &notice).await?;
    if let Some(parent) = &parent {
        close_package(&mut tx, portal, parent).await?;
    }
    tx.commit().await?;
    staff_view(
        portal,
        session,
        Stored {
            state,
            ..application
        },
    )
    .await
}

/// Decides the package case once none of its child cases waits for a decision: 准予 when any
/// child was approved (部分准予 said so), 不予 when none was.
async fn close_package(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    portal: &Portal,
    parent: &Stored,
) -> Result<()> {
    let rows = sqlx::query("SELECT state FROM applications WHERE parent_id = $1")
        .bind(&parent.id)
        .fetch_all(&mut **tx)
        .await?;
    let states = rows
        .iter()
        .map(|row| {
            let state: String = row.try_get("state")?;
            CaseState::parse(&state).ok_or_else(|| anyhow::anyhow!("state {state}").into())
        })
        .collect::<Result<Vec<_>>>()?;
    let Some(outcome) = package_outcome(&states) else {
        return Ok(());
    };
    let now = portal.now();
    let moved = sqlx::query(
        "UPDATE applications SET state = $1, updated_at = $2 \
         WHERE id = $3 AND state IN ('accepted', 'in_review') RETURNING id",
    )
    .bind(outcome.state.as_str())
    .bind(stamp(now))
    .bind(&parent.id)
    .fetch_optional(&mut **tx)
    .await?;
    if moved.is_none() {
        return Ok(());
    }
    let filing = filing(portal, parent).await?;
    let case_no = parent.case_no.as_deref().unwrap_or_default();
    let kind = match outcome.state {
        CaseState::Approved => "approved",
        CaseState::Denied => "denied",
        _ => "revoked",
    };
    let text = format!(
        "各事项均已作出决定：{}。各事项的决定书可在对应办件中查看。",
        outcome.label
    );
    let told = Told {
        title: format!("“{}”已办结审批：{}", filing.name, outcome.label),
        body: format!(
            "您的“{}”（办件编号 {case_no}）各事项均已作出决定：{}。",
            filing.name, outcome.label
        ),
        dedup_key: format!("package_decided:{}", parent.id),
    };
    record_decision(tx, portal, None, parent, kind, &text, Some(told)).await
}

/// 撤销 by the department: a 告知承诺 found untrue, or another commitment broken.
pub async fn revoke(
    portal: &Portal,
    session: &Session,
    case_no: &str,
    request: RevokeRequest,
) -> Result<StaffCaseView> {
    let (staff, application) = approver_and_case(portal, session, case_no).await?;
    application
        .state
        .next(CaseAction::Revoke)
        .map_err(state_conflict)?;
    request.check().map_err(Error::Invalid)?;
    let state = revoke_case(portal, Some(staff), &application, request.reason.trim()).await?;
    staff_view(
        portal,
        session,
        Stored {
            state,
            ..application
        },
    )
    .await
}

/// Revokes a case (and a package's child cases with it), ends any running 特别程序, and issues
/// the 撤销决定书; `actor` is none when the portal revokes an unkept commitment by itself.
pub(super) async fn revoke_case(
    portal: &Portal,
    actor: Option<&StaffPrincipal>,
    application: &Stored,
    reason: &str,
) -> Result<CaseState> {
    let filing = filing(portal, application).await?;
    let addressee = notices::addressee_of(portal, application).await?;
    let issuer = notices::issuer_of(portal, application, &filing).await?;
    let notice = domain::notice::revocation(
        notices::notice_case(portal, application, &filing, &addressee, &issuer),
        reason,
    );
    let parent = match &application.parent_id {
        Some(parent) => fetch(portal, CaseRef::Id(parent)).await?,
        None => None,
    };
    let now = portal.now();
    let mut tx = portal.db().begin_write().await?;
    if let Some(parent) = &parent {
        lock_package(&mut tx, &parent.id).await?;
    }
    let state = transition(&mut tx, application, CaseAction::Revoke, now).await?;
    end_running(&mut tx, &application.id, now).await?;
    let revocable = CaseState::before(CaseAction::Revoke)
        .map(|state| format!("'{}'", state.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let children = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE applications SET state = 'revoked', updated_at = $1 \
         WHERE parent_id = $2 AND state IN ({revocable}) RETURNING id"
    )))
    .bind(stamp(now))
    .bind(&application.id)
    .fetch_all(&mut *tx)
    .await?;
    let reason = reason.trim_end_matches('。');
    for row in &children {
        let id: String = row.try_get("id")?;
        end_running(&mut tx, &id, now).await?;
        let text = format!("随“{}”一并撤销：{reason}。", filing.name);
        add_event(&mut tx, &id, "revoked", &text, now, None).await?;
    }
    let case_no = application.case_no.as_deref().unwrap_or_default();
    let told = Told {
        title: "办件已撤销".into(),
        body: format!(
            "您的“{}”办件（办件编号 {case_no}）已撤销：{reason}。可在办件页查看撤销决定书。",
            filing.name
        ),
        dedup_key: format!("revoked:{}", application.id),
    };
    let text = format!("办件已撤销：{reason}。");
    record_decision(
        &mut tx,
        portal,
        actor,
        application,
        "revoked",
        &text,
        Some(told),
    )
    .await?;
    notices::store(&mut tx, &application.id, &notice).await?;
    // A revoked child case may be the last one its package waited for.
    if let Some(parent) = &parent {
        close_package(&mut tx, portal, parent).await?;
    }
    tx.commit().await?;
    Ok(state)
}

//! 你承诺我审批，不兑现就撤销: the 容缺 materials of an accepted case. The applicant hands one in
//! after acceptance (a document of their vault, from the case page or the API), or brings the
//! paper original to the window; a clerk of the case confirms it, and the commitment is kept.
//! Housekeeping reminds the applicant the working day before the date, flags a commitment whose
//! date passed, and revokes the case once it is the grace period (working days) past.

use super::desk::{Told, in_scope, record_decision, staff_view};
use super::records::{commitments_of, supplement};
use super::submit::add_event;
use super::{Filing, Stored, fetch, filing, load_owned, view};
use crate::auth::Session;
use crate::clock::{stamp, today_at};
use crate::messages::{self, NewMessage};
use crate::staff::{Capability, Intake};
use crate::{Error, Portal, Result, calendar, documents};
use domain::application::{ApplicationView, CaseRef, CaseState};
use domain::commitment::{
    CommitmentState, CommitmentStatus, ConfirmSupplement, SupplementSubmission,
};
use domain::intake::StaffCaseView;
use domain::prereview::MaterialChoice;
use sqlx::Row;

/// The states in which a 容缺 commitment is still open: accepted, not yet completed or ended.
const OPEN: [CaseState; 5] = [
    CaseState::Accepted,
    CaseState::InReview,
    CaseState::Suspended,
    CaseState::Approved,
    CaseState::Issuing,
];

/// The 容缺 material of an open case that `code` names, or why nothing may be handed in for it.
fn deferred_material<'a>(
    application: &Stored,
    filing: &'a Filing,
    code: &str,
) -> Result<&'a domain::catalog::Material> {
    if !OPEN.contains(&application.state) || application.parent_id.is_some() {
        return Err(Error::Conflict {
            code: "state_conflict",
            message: format!(
                "办件当前为“{}”，不能补交容缺材料",
                application.state.label()
            ),
        });
    }
    let code = code.trim();
    filing
        .materials
        .iter()
        .find(|m| m.code == code)
        .filter(|m| {
            matches!(
                application.choices.get(&m.code),
                Some(MaterialChoice::Deferred { .. })
            )
        })
        .ok_or_else(|| Error::invalid("material_code", "该材料不是本办件的容缺材料"))
}

/// Whether the caller may hand in `material_code` for the case now: asked before an uploaded
/// file is stored, so that a refused hand-in leaves nothing behind in the vault.
pub async fn may_hand_in(
    portal: &Portal,
    session: &Session,
    case_no: &str,
    material_code: &str,
) -> Result<()> {
    let application = load_owned(portal, session, case_no).await?;
    let filing = filing(portal, &application).await?;
    deferred_material(&application, &filing, material_code).map(|_| ())
}

/// The applicant hands in a 容缺 material: a document of their vault for a material deferred at
/// acceptance. Handing in again replaces the file until a clerk confirms it.
pub async fn hand_in_supplement(
    portal: &Portal,
    session: &Session,
    case_no: &str,
    submission: SupplementSubmission,
) -> Result<ApplicationView> {
    let application = load_owned(portal, session, case_no).await?;
    let filing = filing(portal, &application).await?;
    let material = deferred_material(&application, &filing, &submission.material_code)?;
    let document_id = submission.document_id.trim();
    let (file_type, size) = documents::owned_file(portal, &application.holder(), document_id)
        .await?
        .ok_or_else(|| Error::invalid("document_id", "没有找到该文件，请先上传到“我的材料”"))?;
    if !material.file_types.contains(&file_type) {
        return Err(Error::invalid(
            "document_id",
            format!("“{}”不接受这种文件类型", material.name),
        ));
    }
    if size > u64::from(material.max_size_mb) * 1024 * 1024 {
        return Err(Error::invalid(
            "document_id",
            format!(
                "“{}”的文件不能超过 {} MB",
                material.name, material.max_size_mb
            ),
        ));
    }
    let now = portal.now();
    let mut tx = portal.db().begin_write().await?;
    let stored = sqlx::query(
        "INSERT INTO case_supplements (application_id, material_code, document_id, handed_in_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (application_id, material_code) \
         DO UPDATE SET document_id = excluded.document_id, handed_in_at = excluded.handed_in_at \
         WHERE case_supplements.confirmed_at IS NULL RETURNING application_id",
    )
    .bind(&application.id)
    .bind(&material.code)
    .bind(document_id)
    .bind(stamp(now))
    .fetch_optional(&mut *tx)
    .await?;
    if stored.is_none() {
        return Err(already_confirmed(&material.name));
    }
    touch(&mut tx, &application.id).await?;
    let text = format!("您已补交容缺材料“{}”，待窗口工作人员确认。", material.name);
    add_event(
        &mut tx,
        &application.id,
        "supplement_received",
        &text,
        now,
        None,
    )
    .await?;
    tx.commit().await?;
    view(portal, application, filing).await
}

/// A supplement changes what the case holds: its revision moves, so a step decided on the case
/// as it was read before (the sweep's revocation, a staff decision) is refused with 409 rather
/// than taken over a material that has just arrived.
async fn touch(tx: &mut sqlx::Transaction<'static, sqlx::Any>, application_id: &str) -> Result<()> {
    sqlx::query("UPDATE applications SET revision = revision + 1 WHERE id = $1")
        .bind(application_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

fn already_confirmed(material_name: &str) -> Error {
    Error::Conflict {
        code: "already_confirmed",
        message: format!("“{material_name}”已经确认收到，无需再次补交"),
    }
}

/// A clerk of the case confirms a handed-in 容缺 material, or the paper original the applicant
/// brought to the window: the commitment is kept.
pub async fn confirm_supplement(
    portal: &Portal,
    session: &Session,
    case_no: &str,
    material_code: &str,
    request: ConfirmSupplement,
) -> Result<StaffCaseView> {
    let staff = session.require_staff(Intake::ROLES)?;
    let application = fetch(portal, CaseRef::CaseNo(case_no))
        .await?
        .filter(|application| in_scope(staff, application))
        .ok_or(Error::NotFound("没有找到该办件，或不在您的办理范围内"))?;
    let filing = filing(portal, &application).await?;
    let material = filing
        .materials
        .iter()
        .find(|m| {
            m.code == material_code
                && matches!(
                    application.choices.get(&m.code),
                    Some(MaterialChoice::Deferred { .. })
                )
        })
        .ok_or(Error::NotFound("该办件没有这项容缺材料"))?;
    if !OPEN.contains(&application.state) {
        return Err(Error::Conflict {
            code: "state_conflict",
            message: format!(
                "办件当前为“{}”，不能确认容缺材料",
                application.state.label()
            ),
        });
    }
    let now = portal.now();
    let mut tx = portal.db().begin_write().await?;
    if request.received_at_window {
        // The paper original at the window: recorded as handed in now, unless a file is.
        sqlx::query(
            "INSERT INTO case_supplements (application_id, material_code, document_id, \
             handed_in_at) VALUES ($1, $2, NULL, $3) \
             ON CONFLICT (application_id, material_code) DO NOTHING",
        )
        .bind(&application.id)
        .bind(&material.code)
        .bind(stamp(now))
        .execute(&mut *tx)
        .await?;
    }
    // What the clerk confirms is the file they saw: a newer upload in between is not confirmed.
    let seen = request
        .document_id
        .as_deref()
        .filter(|_| !request.received_at_window);
    let same_file = if seen.is_some() {
        "AND document_id = $5"
    } else {
        ""
    };
    let mut confirm = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE case_supplements SET confirmed_at = $1, confirmed_by = $2 \
         WHERE application_id = $3 AND material_code = $4 AND confirmed_at IS NULL {same_file} \
         RETURNING application_id"
    )))
    .bind(stamp(now))
    .bind(&staff.staff_id)
    .bind(&application.id)
    .bind(&material.code);
    if let Some(document_id) = seen {
        confirm = confirm.bind(document_id);
    }
    let confirmed = confirm.fetch_optional(&mut *tx).await?;
    if confirmed.is_none() {
        return Err(
            match supplement(portal, &application.id, &material.code).await? {
                Some(row) if row.confirmed_at.is_some() => already_confirmed(&material.name),
                Some(_) => Error::Conflict {
                    code: "supplement_replaced",
                    message: format!(
                        "申请人刚刚重新上传了“{}”，请查看新文件后再确认",
                        material.name
                    ),
                },
                None => Error::Conflict {
                    code: "nothing_handed_in",
                    message: format!(
                        "申请人尚未补交“{}”；如已在窗口收到原件，请选择“窗口收取原件”",
                        material.name
                    ),
                },
            },
        );
    }
    touch(&mut tx, &application.id).await?;
    let case_no = application.case_no.as_deref().unwrap_or_default();
    let text = format!("容缺材料“{}”已确认收到，承诺已兑现。", material.name);
    let told = Told {
        title: "容缺材料已确认".into(),
        body: format!(
            "您的“{}”办件（办件编号 {case_no}）补交的“{}”已确认收到。",
            filing.name, material.name
        ),
        dedup_key: format!("supplement_confirmed:{}:{}", application.id, material.code),
    };
    record_decision(
        &mut tx,
        portal,
        Some(staff),
        &application,
        "supplement_confirmed",
        &text,
        Some(told),
    )
    .await?;
    tx.commit().await?;
    staff_view(portal, session, application).await
}

/// What one housekeeping round did to 容缺 commitments.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub reminded: u64,
    pub flagged: u64,
    pub revoked: u64,
}

/// Keeps every open commitment: reminds the working day before its date, flags it (an event and a
/// message, once) the day after, and revokes the case once the grace period is past. Safe on
/// every instance at once: reminders and flags are deduplicated by their message, and a
/// revocation is a conditional state change.
pub(super) async fn sweep(portal: &Portal) -> Result<Swept> {
    let open = OPEN
        .iter()
        .map(|state| format!("'{}'", state.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT id FROM applications WHERE parent_id IS NULL AND accepted_at IS NOT NULL \
         AND state IN ({open}) ORDER BY id"
    )))
    .fetch_all(portal.db().pool())
    .await?;
    let calendar = calendar::load(portal.db()).await?;
    let today = today_at(portal.now());
    let grace = portal.application_settings().commitment_grace_days;
    let mut swept = Swept::default();
    for row in rows {
        let id: String = row.try_get("id")?;
        let Some(application) = fetch(portal, CaseRef::Id(&id)).await? else {
            continue;
        };
        let filing = filing(portal, &application).await?;
        let commitments = commitments_of(portal, &application, &filing).await?;
        let case_no = application.case_no.clone().unwrap_or_default();
        let mut unkept = Vec::new();
        for commitment in &commitments {
            match commitment.state {
                CommitmentState::Pending
                    if calendar.is_last_working_day_before(today, commitment.until) =>
                {
                    let mut conn = portal.db().pool().acquire().await?;
                    let sent = messages::send(
                        &mut conn,
                        portal,
                        NewMessage {
                            link: None,
                            citizen_id: &application.owner,
                            kind: "commitment_reminder",
                            title: "容缺材料明天到期".into(),
                            body: format!(
                                "您的“{}”办件（办件编号 {case_no}）承诺于 {} 前补交“{}”，请及时在办件页上传或到窗口提交，逾期将撤销办件。",
                                filing.name, commitment.until, commitment.material_name
                            ),
                            application_id: Some(application.id.clone()),
                            dedup_key: format!(
                                "commitment_reminder:{}:{}:{}",
                                application.id, commitment.material_code, commitment.until
                            ),
                        },
                    )
                    .await?;
                    swept.reminded += u64::from(sent);
                }
                CommitmentState::Overdue => {
                    swept.flagged +=
                        u64::from(flag(portal, &application, &filing, commitment).await?);
                    if calendar.working_days_between(commitment.until, today) > i64::from(grace) {
                        unkept.push(commitment.material_name.clone());
                    }
                }
                _ => {}
            }
        }
        if !unkept.is_empty() {
            let reason = format!(
                "承诺补交的{}逾期 {grace} 个工作日以上仍未补交",
                unkept
                    .iter()
                    .map(|name| format!("“{name}”"))
                    .collect::<Vec<_>>()
                    .join("、")
            );
            match super::review::revoke_case(portal, None, &application, &reason).await {
                Ok(_) => swept.revoked += 1,
                // Another instance, or a staff member, moved the case first.
                Err(Error::Conflict { .. }) => {}
                Err(other) => return Err(other),
            }
        }
    }
    Ok(swept)
}

/// Flags a commitment past its date, once: an event on the timeline and a message, written
/// together when the message is new.
async fn flag(
    portal: &Portal,
    application: &Stored,
    filing: &Filing,
    commitment: &CommitmentStatus,
) -> Result<bool> {
    let now = portal.now();
    let case_no = application.case_no.as_deref().unwrap_or_default();
    let grace = portal.application_settings().commitment_grace_days;
    let mut tx = portal.db().begin_write().await?;
    let sent = messages::send(
        &mut tx,
        portal,
        NewMessage {
            link: None,
            citizen_id: &application.owner,
            kind: "commitment_overdue",
            title: "容缺材料已逾期".into(),
            body: format!(
                "您的“{}”办件（办件编号 {case_no}）承诺于 {} 前补交的“{}”尚未补交。请在 {grace} 个工作日内补交，否则办件将被撤销。",
                filing.name, commitment.until, commitment.material_name
            ),
            application_id: Some(application.id.clone()),
            dedup_key: format!(
                "commitment_overdue:{}:{}:{}",
                application.id, commitment.material_code, commitment.until
            ),
        },
    )
    .await?;
    if sent {
        let text = format!(
            "承诺于 {} 前补交的“{}”逾期未补交；{grace} 个工作日内仍未补交的，办件将被撤销。",
            commitment.until, commitment.material_name
        );
        add_event(
            &mut tx,
            &application.id,
            "commitment_overdue",
            &text,
            now,
            None,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(sent)
}

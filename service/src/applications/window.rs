//! 窗口收件 (window intake): a clerk registers a case for someone who came to the hall in person —
//! a registered person found by ID number, a business by credit code (both audited lookups), or
//! someone without an account, for whom an offline record is made with a one-time 网上激活码 that
//! their later registration brings to take it over. The clerk fills the same form (`save_loaded`), scans the materials into the
//! applicant's vault, and submits with channel `window`: the case stays with the hall that took
//! it in (就近办, 全域办), in the item's zone, and goes to the item's department from there.

use super::save::save_loaded;
use super::submit::review_and_send;
use super::{
    Applicant, Arrival, Change, Filing, Intent, NOT_FOUND, Saved, Stored, check_applicant,
    current_version, fetch, filing, guide_version, insert_draft, view,
};
use crate::accounts::new_id;
use crate::audit::{self, NewEntry};
use crate::auth::{Session, StaffPrincipal};
use crate::clock::{stamp, today_at};
use crate::documents::{self, DocumentView};
use crate::idempotency::{self, Key, Outcome};
use crate::staff::{Capability, Intake};
use crate::{Error, Portal, Result};
use bytes::Bytes;
use domain::account::StaffScope;
use domain::application::{ApplicationView, CaseRef, CaseState};
use domain::identity::{IdNumber, PersonName, Phone};
use domain::intake::{Channel, WindowApplicant, WindowStart, WindowStarted};
use sqlx::Row;

/// The hall a clerk works at; a clerk without one has no window.
fn hall_of(staff: &StaffPrincipal) -> Result<&str> {
    match &staff.scope {
        StaffScope::Zone { hall_id, .. } => Ok(hall_id),
        _ => Err(Error::Forbidden {
            code: "no_window",
            message: "只有服务大厅窗口的工作人员可以窗口收件",
        }),
    }
}

/// Starts a window draft for the applicant the request names, after the audited lookup (or
/// the offline record). Answers the draft, prefilled from the person's or business's record.
pub async fn start_window(
    portal: &Portal,
    session: &Session,
    request: WindowStart,
) -> Result<WindowStarted> {
    let staff = session.require_staff(Intake::ROLES)?;
    let hall_id = hall_of(staff)?;
    let applicant = request
        .check(today_at(portal.now()))
        .map_err(Error::Invalid)?;
    let item_code = request.item_code.trim();
    let version = current_version(portal, item_code)
        .await
        .map_err(|error| match error {
            Error::NotFound(_) => Error::invalid("item_code", "没有找到该事项，请重新选择"),
            other => other,
        })?;
    let guide = guide_version(portal, item_code, version).await?;
    let for_business = matches!(applicant, WindowApplicant::Business(_));
    check_applicant(guide.applicant_type, for_business).map_err(|_| match for_business {
        true => Error::invalid(
            "credit_code",
            "此事项由个人办理，请填写申请人的公民身份号码",
        ),
        false => Error::invalid(
            "id_number",
            "此事项由法人办理，请填写单位的统一社会信用代码",
        ),
    })?;
    let purpose = format!("窗口收件：{}", guide.name);
    let found = match applicant {
        WindowApplicant::Person { id_number, offline } => {
            person(portal, staff, &id_number, offline).await?
        }
        WindowApplicant::Business(code) => business(portal, code.as_str()).await?,
    };
    if found.looked_up {
        crate::staff::record_citizen_view(
            portal,
            session,
            staff,
            &found.applicant.citizen_id,
            &purpose,
        )
        .await?;
    }
    let filing = Filing::single(guide, for_business);
    let arrival = Arrival::Window {
        hall_id,
        staff_id: &staff.staff_id,
    };
    let id = insert_draft(portal, &found.applicant, &filing, &[], arrival).await?;
    let activation_code = match found.offline {
        true => Some(issue_activation_code(portal, &found.applicant.citizen_id).await?),
        false => None,
    };
    let draft = fetch(portal, CaseRef::Id(&id)).await?.ok_or(NOT_FOUND)?;
    Ok(WindowStarted {
        application: view(portal, draft, filing).await?,
        activation_code,
    })
}

/// A fresh 网上激活码 for an offline record (any earlier one stops working): eight characters
/// without look-alikes (no 0/O, 1/I/L), about 40 bits, tried only through the throttled
/// registration.
async fn issue_activation_code(portal: &Portal, citizen_id: &str) -> Result<String> {
    // 31 symbols; a byte's remainder is uneven by under 1 in 8, harmless at this length.
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("random source: {e}"))?;
    let code: String = bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect();
    sqlx::query("UPDATE citizens SET activation_code_hash = $1 WHERE id = $2 AND phone IS NULL")
        .bind(crate::accounts::activation_code_hash(&code))
        .bind(citizen_id)
        .execute(portal.db().pool())
        .await?;
    Ok(format!("{}-{}", &code[..4], &code[4..]))
}

/// The applicant a window lookup found: whether it was a read of an existing record (an offline
/// record just made is the clerk's own entry), and whether it is an offline record (which gets an
/// activation code).
struct Found {
    applicant: Applicant,
    looked_up: bool,
    offline: bool,
}

/// A person by ID number: their account or offline record, or a new offline record when the
/// clerk gave name and phone. The name, when given, must be the one on record.
async fn person(
    portal: &Portal,
    staff: &StaffPrincipal,
    id_number: &IdNumber,
    offline: Option<(PersonName, Phone)>,
) -> Result<Found> {
    if let Some(found) = existing_person(portal, id_number, offline.as_ref()).await? {
        return Ok(found);
    }
    let Some((name, phone)) = offline else {
        return Err(Error::invalid(
            "name",
            "该身份号码尚未注册。为没有账号的群众办理，请填写姓名和联系电话，系统将建立线下档案",
        ));
    };
    let id = new_id("c");
    let now = stamp(portal.now());
    let mut tx = portal.db().begin_write().await?;
    // Two windows recording the same person at once: one row, and both use it.
    sqlx::query(
        "INSERT INTO citizens (id, id_number, name, contact_phone, recorded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
    )
    .bind(&id)
    .bind(id_number.expose())
    .bind(name.expose())
    .bind(phone.expose())
    .bind(&staff.staff_id)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    let inserted = sqlx::query("SELECT id FROM citizens WHERE id = $1")
        .bind(&id)
        .fetch_optional(&mut *tx)
        .await?
        .is_some();
    if inserted {
        let subject = format!("citizen:{id}");
        audit::append(
            &mut tx,
            NewEntry {
                actor: &format!("staff:{}", staff.staff_id),
                action: "account.offline_recorded",
                subject: &subject,
                detail: "窗口线下登记",
            },
            &now,
        )
        .await?;
    }
    tx.commit().await?;
    if !inserted {
        // Another window (or a registration) recorded this person a moment ago: that row, read
        // and checked like any other.
        return existing_person(portal, id_number, Some(&(name, phone)))
            .await?
            .ok_or_else(|| anyhow::anyhow!("a citizen row vanished").into());
    }
    Ok(Found {
        applicant: Applicant {
            citizen_id: id,
            business_id: None,
        },
        looked_up: false,
        offline: true,
    })
}

/// The person with this ID number, when there is one: the name, when the clerk typed it, must
/// be the one on record.
async fn existing_person(
    portal: &Portal,
    id_number: &IdNumber,
    offline: Option<&(PersonName, Phone)>,
) -> Result<Option<Found>> {
    let Some(row) = sqlx::query("SELECT id, name, phone FROM citizens WHERE id_number = $1")
        .bind(id_number.expose())
        .fetch_optional(portal.db().pool())
        .await?
    else {
        return Ok(None);
    };
    if let Some((name, _)) = offline
        && row.try_get::<String, _>("name")? != name.expose()
    {
        return Err(Error::invalid(
            "name",
            "姓名与该身份号码登记的姓名不一致，请核对身份证",
        ));
    }
    Ok(Some(Found {
        applicant: Applicant {
            citizen_id: row.try_get("id")?,
            business_id: None,
        },
        looked_up: true,
        offline: row.try_get::<Option<String>, _>("phone")?.is_none(),
    }))
}

/// A business by credit code, filed through its administrating 经办人.
async fn business(portal: &Portal, credit_code: &str) -> Result<Found> {
    let row = sqlx::query(
        "SELECT b.id, a.citizen_id FROM businesses b JOIN business_agents a \
         ON a.business_id = b.id AND a.agent_role = 'admin' AND a.revoked_at IS NULL \
         WHERE b.credit_code = $1 ORDER BY a.granted_at LIMIT 1",
    )
    .bind(credit_code)
    .fetch_optional(portal.db().pool())
    .await?
    .ok_or_else(|| {
        Error::invalid(
            "credit_code",
            "该统一社会信用代码尚未注册。请单位先完成法人注册，或由经办人以个人身份办理",
        )
    })?;
    Ok(Found {
        applicant: Applicant {
            citizen_id: row.try_get("citizen_id")?,
            business_id: Some(row.try_get("id")?),
        },
        looked_up: true,
        offline: false,
    })
}

/// A window draft of the clerk's hall, still being filled in; anyone else's — and any online
/// application — is "not found". Once sent, the case is the applicant's (a 补正 is theirs to make
/// online, or the window's to take in again), and a change through here is a state conflict.
async fn window_draft(portal: &Portal, session: &Session, id: &str) -> Result<Stored> {
    let staff = session.require_staff(Intake::ROLES)?;
    let hall_id = hall_of(staff)?;
    let draft = fetch(portal, CaseRef::Id(id))
        .await?
        .filter(|draft| {
            draft.channel == Channel::Window && draft.hall_id.as_deref() == Some(hall_id)
        })
        .ok_or(NOT_FOUND)?;
    if draft.state != CaseState::Draft {
        return Err(Error::Conflict {
            code: "state_conflict",
            message: "该窗口收件已经提交，请在工作台的办件页继续办理".into(),
        });
    }
    Ok(draft)
}

/// The window draft as the clerk fills it in. Once sent, the case is read through the
/// workbench's audited case page instead.
pub async fn window_application(
    portal: &Portal,
    session: &Session,
    id: &str,
) -> Result<ApplicationView> {
    let draft = window_draft(portal, session, id)
        .await
        .map_err(|error| match error {
            Error::Conflict { .. } => NOT_FOUND,
            other => other,
        })?;
    let filing = filing(portal, &draft).await?;
    view(portal, draft, filing).await
}

/// Saves the clerk's entries on a window draft and does what `intent` says, as the applicant's
/// own form does; submission sends it with channel `window` (a retried submission meets its
/// first answer).
pub async fn save_window(
    portal: &Portal,
    session: &Session,
    id: &str,
    change: Change,
    intent: Intent,
) -> Result<Saved> {
    let draft = window_draft(portal, session, id).await?;
    let owner = draft.owner.clone();
    save_loaded(portal, draft, &owner, change, intent).await
}

/// Sends a window draft as the applicant's `submit` sends theirs: the pre-review names every
/// blocking finding, and a retry with the same key meets the first answer.
pub async fn submit_window(
    portal: &Portal,
    session: &Session,
    id: &str,
    key: Option<&Key>,
) -> Result<Outcome<ApplicationView>> {
    let (owned_portal, session, id) = (portal.clone(), session.clone(), id.to_owned());
    let work = async move {
        let draft = window_draft(&owned_portal, &session, &id).await?;
        review_and_send(&owned_portal, draft).await
    };
    idempotency::once(portal, key, work).await
}

/// A material scanned at the window, stored in the applicant's vault (the business's for a
/// business's case).
pub async fn scan_material(
    portal: &Portal,
    session: &Session,
    id: &str,
    file_name: &str,
    bytes: Bytes,
) -> Result<DocumentView> {
    let draft = window_draft(portal, session, id).await?;
    documents::upload_to(portal, &draft.holder(), &draft.owner, file_name, bytes).await
}

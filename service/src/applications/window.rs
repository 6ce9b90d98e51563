//! 窗口收件 (window intake): a clerk registers a case for someone who came to the hall in person —
//! a registered person found by ID number, a business by credit code (both audited lookups), or
//! someone without an account, for whom an offline record is made that a later registration
//! takes over. The clerk fills the same form (`save_loaded`), scans the materials into the
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
use domain::application::{ApplicationView, CaseRef};
use domain::identity::{IdNumber, PersonName, Phone};
use domain::intake::{Channel, WindowApplicant, WindowStart};
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
) -> Result<ApplicationView> {
    let staff = session.require_staff(Intake::ROLES)?;
    let hall_id = hall_of(staff)?;
    let applicant = request
        .check(today_at(portal.now()))
        .map_err(Error::Invalid)?;
    let item_code = request.item_code.trim();
    let version = current_version(portal, item_code)
        .await
        .map_err(|_| Error::invalid("item_code", "没有找到该事项，请重新选择"))?;
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
    let draft = fetch(portal, CaseRef::Id(&id)).await?.ok_or(NOT_FOUND)?;
    view(portal, draft, filing).await
}

/// The applicant a window lookup found, and whether it was a read of an existing record (an
/// offline record just made is the clerk's own entry).
struct Found {
    applicant: Applicant,
    looked_up: bool,
}

/// A person by ID number: their account or offline record, or a new offline record when the
/// clerk gave name and phone. The name, when given, must be the one on record.
async fn person(
    portal: &Portal,
    staff: &StaffPrincipal,
    id_number: &IdNumber,
    offline: Option<(PersonName, Phone)>,
) -> Result<Found> {
    let existing = sqlx::query("SELECT id, name FROM citizens WHERE id_number = $1")
        .bind(id_number.expose())
        .fetch_optional(portal.db().pool())
        .await?;
    if let Some(row) = existing {
        if let Some((name, _)) = &offline
            && row.try_get::<String, _>("name")? != name.expose()
        {
            return Err(Error::invalid(
                "name",
                "姓名与该身份号码登记的姓名不一致，请核对身份证",
            ));
        }
        return Ok(Found {
            applicant: Applicant {
                citizen_id: row.try_get("id")?,
                business_id: None,
            },
            looked_up: true,
        });
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
    let citizen_id: String = sqlx::query("SELECT id FROM citizens WHERE id_number = $1")
        .bind(id_number.expose())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
    if citizen_id == id {
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
    Ok(Found {
        applicant: Applicant {
            citizen_id,
            business_id: None,
        },
        looked_up: false,
    })
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
    })
}

/// A window application of the clerk's hall; anyone else's — and any online application — is
/// "not found".
async fn window_draft(portal: &Portal, session: &Session, id: &str) -> Result<Stored> {
    let staff = session.require_staff(Intake::ROLES)?;
    let hall_id = hall_of(staff)?;
    fetch(portal, CaseRef::Id(id))
        .await?
        .filter(|draft| {
            draft.channel == Channel::Window && draft.hall_id.as_deref() == Some(hall_id)
        })
        .ok_or(NOT_FOUND)
}

/// The window draft as the clerk fills it in. Once sent, the case is read through the
/// workbench's audited case page instead.
pub async fn window_application(
    portal: &Portal,
    session: &Session,
    id: &str,
) -> Result<ApplicationView> {
    let draft = window_draft(portal, session, id).await?;
    if !draft.state.editable() {
        return Err(NOT_FOUND);
    }
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
    if !draft.state.editable() {
        return Err(super::save::not_editable("已提交的申请不能再补充材料"));
    }
    documents::upload_to(portal, &draft.holder(), &draft.owner, file_name, bytes).await
}

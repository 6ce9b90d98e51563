//! The staff side of a case, shared by every area of the workbench: who may see it (the scope of
//! each role), how a queue line reads, what a staff member in scope sees of one case and may do
//! with it, and how a staff decision goes on the timeline and to the applicant.

use super::submit::add_event;
use super::{
    NOT_FOUND, Stored, fetch, filing, notices, read_clock, records, review, timeline_of, view,
};
use crate::auth::{Session, StaffPrincipal};
use crate::clock::stored_instant;
use crate::messages::{self, NewMessage};
use crate::{Portal, Result};
use domain::account::{StaffRole, StaffScope};
use domain::application::{CaseAction, CaseRef, CaseState, TimelineEvent};
use domain::case_clock::Urgency;
use domain::identity::PersonName;
use domain::instant::Instant;
use domain::intake::{
    AcceptRequest, Channel, Queue, QueueEntry, StaffCaseView, deferrable_materials, manual_points,
};
use domain::prereview::MaterialChoice;
use sqlx::Row;

/// Whether `staff` may see the case: a clerk the cases of their hall and zone and every case
/// their hall took in at a window (全域办: any item, any zone), an issuer those of their hall
/// zone ready to issue, an approver those routed to their department at acceptance (a
/// 一件事's lead department its package case, each member department its child case),
/// supervisors and admins everything.
pub(super) fn in_scope(staff: &StaffPrincipal, application: &Stored) -> bool {
    let same_zone = |hall_id: &str, zone: &str| {
        application.hall_id.as_deref() == Some(hall_id) && application.zone.as_deref() == Some(zone)
    };
    match (&staff.scope, staff.role) {
        (StaffScope::Platform, _) => true,
        (StaffScope::Zone { hall_id, zone }, StaffRole::Clerk) => {
            same_zone(hall_id, zone.as_str())
                || (application.channel == Channel::Window
                    && application.hall_id.as_deref() == Some(hall_id))
        }
        (StaffScope::Zone { hall_id, zone }, StaffRole::Issuer) => {
            same_zone(hall_id, zone.as_str())
                && Queue::Issuing.states().contains(&application.state)
        }
        (StaffScope::Department { department }, StaffRole::Approver) => {
            application.department_code.as_deref() == Some(department)
        }
        _ => false,
    }
}

/// What a line of a work queue (or of 电子监察) reads.
pub(super) const QUEUE_SELECT: &str = "SELECT a.id, a.case_no, a.state, a.channel, \
     a.submitted_at, a.accepted_at, a.updated_at, a.reminded_at, a.department_code, a.hall_id, \
     a.zone, COALESCE(p.name, i.name) AS item_name, c.name AS owner_name, b.org_name \
     FROM applications a JOIN items i ON i.code = a.item_code \
     JOIN citizens c ON c.id = a.owner_citizen_id \
     LEFT JOIN businesses b ON b.id = a.business_id \
     LEFT JOIN packages p ON p.id = a.package_id";

/// One line of a queue from a [`QUEUE_SELECT`] row: the applicant masked, the clock read today.
pub(super) async fn queue_entry(
    portal: &Portal,
    calendar: &domain::calendar::WorkCalendar,
    row: &sqlx::any::AnyRow,
) -> Result<QueueEntry> {
    let state: String = row.try_get("state")?;
    let state = CaseState::parse(&state).ok_or_else(|| anyhow::anyhow!("state {state}"))?;
    let channel: String = row.try_get("channel")?;
    let accepted_at: Option<String> = row.try_get("accepted_at")?;
    let clock = match accepted_at {
        Some(accepted_at) => {
            let id: String = row.try_get("id")?;
            let stored = fetch(portal, CaseRef::Id(&id)).await?.ok_or(NOT_FOUND)?;
            let filing = filing(portal, &stored).await?;
            let suspensions = records::suspensions_of(portal, &id).await?;
            read_clock(portal, calendar, &accepted_at, &filing, &suspensions)
        }
        None => None,
    };
    let reminded_at = pending_reminder(
        row.try_get("reminded_at")?,
        &row.try_get::<String, _>("updated_at")?,
    )?;
    let applicant = applicant_shown(
        row.try_get("org_name")?,
        &row.try_get::<String, _>("owner_name")?,
    );
    Ok(QueueEntry {
        case_no: row.try_get("case_no")?,
        item_name: row.try_get("item_name")?,
        applicant,
        state,
        state_label: state.label().into(),
        channel: Channel::parse(&channel).unwrap_or(Channel::Online),
        submitted_at: stored_instant(&row.try_get::<String, _>("submitted_at")?)?,
        urgency: clock.as_ref().map_or(Urgency::OnTime, |c| c.urgency),
        clock,
        reminded_at,
    })
}

/// A 催办 the case has not moved since (a state change stamps `updated_at`; a reminder does
/// not), or none.
pub(super) fn pending_reminder(
    reminded_at: Option<String>,
    updated_at: &str,
) -> Result<Option<Instant>> {
    match reminded_at {
        Some(at) if at.as_str() > updated_at => Ok(Some(stored_instant(&at)?)),
        _ => Ok(None),
    }
}

/// The case as the staff member in scope sees it. Every such view is an audited read, whatever
/// asked for it (opening the case, or the answer to a step taken on it): the applicant finds it
/// in 谁查看了我的信息.
pub(super) async fn staff_view(
    portal: &Portal,
    session: &Session,
    application: Stored,
) -> Result<StaffCaseView> {
    let staff = session.require_staff(&StaffRole::ALL)?;
    let case_no = application.case_no.clone().unwrap_or_default();
    crate::staff::record_case_view(portal, session, staff, &application.owner, &case_no).await?;
    let filing = filing(portal, &application).await?;
    let findings = review(portal, &application, &filing).await?;
    let timeline = timeline_of(portal, &application.id).await?;
    let points = manual_points(&filing.materials, &application.choices);
    let deferrable = deferrable_materials(&filing.materials, &application.choices);
    let addressee = notices::addressee_of(portal, &application).await?;
    let applicant = match addressee.is_person {
        true => applicant_shown(None, &addressee.name),
        false => addressee.name.clone(),
    };
    let notices = notices::notices_of(portal, &application.id)
        .await?
        .into_iter()
        .map(|notice| notice.masked_for_staff(addressee.is_person))
        .collect();
    let channel = application.channel;
    let offered: Vec<CaseAction> = match staff.role {
        StaffRole::Clerk => vec![
            acceptance_of(&application, &AcceptRequest::default()),
            CaseAction::RequestSupplement,
            CaseAction::Refuse,
        ],
        StaffRole::Approver => domain::review::approver_actions(application.package_id.is_some()),
        _ => Vec::new(),
    };
    let actions = offered
        .into_iter()
        .filter(|action| application.state.allows(*action))
        .collect();
    let inspections = records::inspections_of(portal, &application.id).await?;
    let reminder =
        pending_reminder(application.reminded_at.clone(), &application.updated_at)?.map(|at| {
            TimelineEvent {
                at,
                kind: "reminded".into(),
                text: application.reminder_text.clone().unwrap_or_default(),
                actor: None,
            }
        });
    let confirms_supplements = staff.role == StaffRole::Clerk;
    let case = view(portal, application, filing).await?;
    Ok(StaffCaseView {
        case,
        applicant,
        channel,
        findings,
        manual_points: points,
        deferrable_materials: deferrable,
        actions,
        notices,
        timeline,
        inspections,
        reminder,
        confirms_supplements,
    })
}

/// 容缺受理 when any material is deferred, online or by this acceptance; plain 受理 otherwise.
pub(super) fn acceptance_of(application: &Stored, request: &AcceptRequest) -> CaseAction {
    let deferred = application
        .choices
        .values()
        .any(|choice| matches!(choice, MaterialChoice::Deferred { .. }));
    if deferred || !request.deferrals.is_empty() {
        CaseAction::AcceptWithDeferrals
    } else {
        CaseAction::Accept
    }
}

/// How staff see the applicant: the business's name, or the person's name masked.
pub(super) fn applicant_shown(org_name: Option<String>, person: &str) -> String {
    org_name.unwrap_or_else(|| {
        PersonName::parse(person)
            .map(|name| name.masked())
            .unwrap_or_else(|_| "*".into())
    })
}

/// How the applicant sees who acted: the staff member masked, with their role.
pub(super) fn actor_of(staff: &StaffPrincipal) -> String {
    let role = match staff.role {
        StaffRole::Clerk => "窗口工作人员",
        other => other.label(),
    };
    format!("{role} {}", staff.name.masked())
}

/// What the applicant is told of a decision in the message centre.
pub(super) struct Told {
    pub title: String,
    pub body: String,
    pub dedup_key: String,
}

/// A step on the case's timeline — a staff member's (masked, with their role) or the portal's
/// own (`actor` none) — and, when its event code is one the applicant hears of (`inform` in the
/// published table), what they are `told` in their message centre.
pub(super) async fn record_decision(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    portal: &Portal,
    actor: Option<&StaffPrincipal>,
    application: &Stored,
    kind: &'static str,
    text: &str,
    told: Option<Told>,
) -> Result<()> {
    let now = portal.now();
    let actor = actor.map(actor_of);
    add_event(tx, &application.id, kind, text, now, actor.as_deref()).await?;
    let informs = domain::event_codes::find(kind).is_some_and(|code| code.inform);
    debug_assert!(!informs || told.is_some(), "{kind} informs: say what");
    if let Some(mut told) = told.filter(|_| informs) {
        if domain::rating::invites_rating(kind) {
            // Offered once, with the decision; never asked again (严禁强制或干扰评价).
            told.body
                .push_str("欢迎在办件页对本次服务作出评价（好差评），评价与否不影响办理结果。");
        }
        messages::send(
            tx,
            portal,
            NewMessage {
                link: None,
                citizen_id: &application.owner,
                kind,
                title: told.title,
                body: told.body,
                application_id: Some(application.id.clone()),
                dedup_key: told.dedup_key,
            },
        )
        .await?;
    }
    Ok(())
}

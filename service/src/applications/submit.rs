//! Sending an application: submission (first time, or again after 补正) with an idempotency key
//! and a unique 办件编号, a package's split into child cases, the clerk's 补正 notice, and
//! withdrawal. Every state change is one conditional UPDATE, so two racing requests cannot both
//! move the same case.

use super::{Filing, Stored, filing, load_owned, review, to_json, transition, view};
use crate::auth::Session;
use crate::clock::{stamp, today_at};
use crate::idempotency::{self, Key, Outcome};
use crate::messages::{self, NewMessage};
use crate::{Error, Portal, Result};
use domain::application::{ApplicationView, CaseAction, CaseState, case_day, case_number};
use domain::intake::Channel;
use domain::package::{answers_for, child_case_number};
use domain::prereview;
use sqlx::{Any, Row, Transaction};

/// Submits a draft once nothing blocks it. With an idempotency key, a repeat of the same
/// request answers with the first result, a different request under the same key is refused,
/// and a repeat while the first is still running is told so (`crate::idempotency`).
pub async fn submit(
    portal: &Portal,
    session: &Session,
    id_or_case_no: &str,
    key: Option<&Key>,
) -> Result<Outcome<ApplicationView>> {
    let (owned_portal, session, id) = (portal.clone(), session.clone(), id_or_case_no.to_owned());
    let work = async move {
        let application = load_owned(&owned_portal, &session, &id).await?;
        review_and_send(&owned_portal, application).await
    };
    idempotency::once(portal, key, work).await
}

/// Runs the pre-review on an application the caller may send and sends it, or names every
/// blocking finding.
pub(super) async fn review_and_send(
    portal: &Portal,
    application: Stored,
) -> Result<ApplicationView> {
    if !application.state.editable() {
        return Err(already_submitted());
    }
    let filing = filing(portal, &application).await?;
    let findings = review(portal, &application, &filing).await?;
    if !prereview::passed(&findings) {
        let mut fields = domain::errors::FieldErrors::new();
        for finding in findings
            .iter()
            .filter(|f| f.level == prereview::Level::Blocking)
        {
            fields.add(
                wire_field(&finding.target),
                format!("{}（{}）", finding.message, finding.hint),
            );
        }
        return Err(Error::Invalid(fields));
    }
    send_reviewed(portal, application, filing).await
}

/// Sends an application the caller has just reviewed (`save_form`), at most once per key.
pub(super) async fn send(
    portal: &Portal,
    application: Stored,
    filing: Filing,
    key: Option<&Key>,
) -> Result<Outcome<ApplicationView>> {
    let owned_portal = portal.clone();
    let work = async move { send_reviewed(&owned_portal, application, filing).await };
    idempotency::once(portal, key, work).await
}

/// The submission itself, once the pre-review passed: the state moves by one conditional
/// statement, so a concurrent submission or withdrawal makes this one a 409.
async fn send_reviewed(
    portal: &Portal,
    application: Stored,
    filing: Filing,
) -> Result<ApplicationView> {
    let mut tx = portal.db().begin_write().await?;
    let (submitted, code) = match application.state {
        CaseState::NeedsSupplement => (
            resubmit(portal, &mut tx, application).await?,
            "supplemented",
        ),
        _ => (
            first_submission(portal, &mut tx, application, &filing).await?,
            "submitted",
        ),
    };
    // The applicant hears of it when the published code says so (收件 does; a resubmission
    // after 补正, which they made themselves, does not).
    if domain::event_codes::find(code).is_some_and(|code| code.inform) {
        let case_no = submitted.case_no.clone().unwrap_or_default();
        messages::send(
            &mut tx,
            portal,
            NewMessage {
                link: None,
                citizen_id: &submitted.owner,
                kind: "case_submitted",
                title: "申请已提交".into(),
                body: format!(
                    "您的“{}”申请已提交，办件编号 {case_no}，请留意受理结果。",
                    filing.name
                ),
                application_id: Some(submitted.id.clone()),
                dedup_key: format!("case_submitted:{}:{}", submitted.id, stamp(portal.now())),
            },
        )
        .await?;
    }
    tx.commit().await?;
    view(portal, submitted, filing).await
}

/// A finding's target (`field:<key>`, `material:<code>`) as the API names the same thing in
/// `fields` everywhere else: `answers.<key>`, `materials.<code>`.
fn wire_field(target: &str) -> String {
    match target.split_once(':') {
        Some(("field", key)) => format!("answers.{key}"),
        Some(("material", code)) => format!("materials.{code}"),
        _ => target.to_owned(),
    }
}

pub(super) fn already_submitted() -> Error {
    Error::Conflict {
        code: "not_a_draft",
        message: "该申请已经提交过了".into(),
    }
}

/// A draft's first submission: the 办件编号, the first timeline event and, for a package, one
/// child case per item carrying that item's answers and materials.
async fn first_submission(
    portal: &Portal,
    tx: &mut Transaction<'static, Any>,
    application: Stored,
    filing: &Filing,
) -> Result<Stored> {
    let now = portal.now();
    let today = today_at(now);
    let state = transition(tx, &application, CaseAction::Submit, now).await?;
    // Online, the lead item's place of handling and zone: its clerks see the case. At a window,
    // the hall that took it in (就近办, 全域办), in the item's zone.
    let lead = &filing.guides[0];
    let hall_id = match (application.channel, &application.hall_id) {
        (Channel::Window, Some(hall_id)) => hall_id.clone(),
        _ => lead.hall.clone(),
    };
    sqlx::query("UPDATE applications SET submitted_at = $1, hall_id = $2, zone = $3 WHERE id = $4")
        .bind(stamp(now))
        .bind(&hall_id)
        .bind(lead.zone.as_str())
        .bind(&application.id)
        .execute(&mut **tx)
        .await?;
    // The item's sequence of the day, from the one counter mechanism: its upsert serialises
    // concurrent submissions of the same item and day.
    let scope = format!("case:{}:{}", application.item_code, case_day(today));
    let sequence = crate::counters::next_value(tx, &scope).await?;
    let case_no = case_number(&application.item_code, today, sequence as u32);
    sqlx::query("UPDATE applications SET case_no = $1 WHERE id = $2")
        .bind(&case_no)
        .bind(&application.id)
        .execute(&mut **tx)
        .await?;
    let text = match &filing.package {
        Some(_) => format!(
            "您已在线提交“{}”，办件编号 {case_no}。各事项已同步分送办理，结果会通过站内信告知。",
            filing.name
        ),
        None if application.channel == Channel::Window => format!(
            "服务大厅窗口已为您收件，办件编号 {case_no}。窗口工作人员将进行受理审查，结果会通过站内信告知。"
        ),
        None => format!(
            "您已在线提交申请，办件编号 {case_no}。窗口工作人员将进行受理审查，结果会通过站内信告知。"
        ),
    };
    add_event(tx, &application.id, "submitted", &text, now, None).await?;
    if let Some((_, materials)) = &filing.package {
        for (position, guide) in filing.guides.iter().enumerate() {
            let child_no = child_case_number(&case_no, position);
            let child_id = super::new_application_id();
            let child_form = super::merged_form(
                std::slice::from_ref(guide),
                application.business_id.is_some(),
            );
            sqlx::query(
                "INSERT INTO applications (id, case_no, owner_citizen_id, business_id, item_code, \
                 item_version, parent_id, state, answers, materials, created_at, updated_at, \
                 submitted_at, draft_expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'submitted', $8, $9, $10, $10, $10, $10)",
            )
            .bind(&child_id)
            .bind(&child_no)
            .bind(&application.owner)
            .bind(&application.business_id)
            .bind(&guide.code)
            .bind(i64::from(guide.version))
            .bind(&application.id)
            .bind(to_json(&answers_for(&child_form, &application.answers))?)
            .bind(to_json(&materials.choices_for(
                &guide.code,
                &guide.materials,
                &application.choices,
            ))?)
            .bind(stamp(now))
            .execute(&mut **tx)
            .await?;
            let text = format!(
                "“{}”作为“{}”的一部分在线提交，办件编号 {child_no}。",
                guide.name, filing.name
            );
            add_event(tx, &child_id, "submitted", &text, now, None).await?;
        }
    }
    Ok(Stored {
        case_no: Some(case_no),
        state,
        submitted_at: Some(stamp(now)),
        hall_id: Some(hall_id),
        zone: Some(lead.zone.as_str().to_owned()),
        ..application
    })
}

/// A case sent back for 补正 goes back to the clerk with the same 办件编号.
async fn resubmit(
    portal: &Portal,
    tx: &mut Transaction<'static, Any>,
    application: Stored,
) -> Result<Stored> {
    let now = portal.now();
    let state = transition(tx, &application, CaseAction::Resubmit, now).await?;
    add_event(
        tx,
        &application.id,
        "supplemented",
        "您已按补正告知修改并重新提交，窗口工作人员将再次审查。",
        now,
        None,
    )
    .await?;
    Ok(Stored {
        state,
        ..application
    })
}

/// Appends an event to a case's timeline; `actor` names a staff member as the applicant may see
/// them (masked), none for the applicant's own steps.
pub(super) async fn add_event(
    tx: &mut Transaction<'static, Any>,
    application_id: &str,
    kind: &str,
    text: &str,
    at: time::OffsetDateTime,
    actor: Option<&str>,
) -> Result<()> {
    debug_assert!(
        domain::event_codes::find(kind).is_some(),
        "{kind} is not a published event code"
    );
    sqlx::query(
        "INSERT INTO case_events (application_id, seq, at, kind, text, actor) \
         SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5 FROM case_events \
         WHERE application_id = $1",
    )
    .bind(application_id)
    .bind(stamp(at))
    .bind(kind)
    .bind(text)
    .bind(actor)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// 撤回: the applicant takes a submitted case back before it is accepted; a package case takes
/// its child cases with it.
pub async fn withdraw(
    portal: &Portal,
    session: &Session,
    id_or_case_no: &str,
) -> Result<ApplicationView> {
    let application = load_owned(portal, session, id_or_case_no).await?;
    if application.parent_id.is_some() {
        return Err(Error::Conflict {
            code: "part_of_package",
            message: "此办件属于“一件事”，请在一件事的办件页面整体撤回".into(),
        });
    }
    let now = portal.now();
    let mut tx = portal.db().begin_write().await?;
    let state = transition(&mut tx, &application, CaseAction::Withdraw, now).await?;
    // A package's child cases go with it, each from whatever state allows withdrawing.
    let withdrawable = CaseState::before(CaseAction::Withdraw)
        .map(|state| format!("'{}'", state.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let children = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE applications SET state = '{}', updated_at = $1 \
         WHERE parent_id = $2 AND state IN ({withdrawable}) RETURNING id",
        state.as_str()
    )))
    .bind(stamp(now))
    .bind(&application.id)
    .fetch_all(&mut *tx)
    .await?;
    let mut moved = vec![application.id.clone()];
    for row in &children {
        moved.push(row.try_get("id")?);
    }
    for id in &moved {
        add_event(
            &mut tx,
            id,
            "withdrawn",
            "您已撤回申请，如需办理请重新提交。",
            now,
            None,
        )
        .await?;
    }
    tx.commit().await?;
    let filing = filing(portal, &application).await?;
    view(
        portal,
        Stored {
            state,
            ..application
        },
        filing,
    )
    .await
}

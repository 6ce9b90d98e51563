//! 一窗受理: the work queues of a staff member's scope, the audited read of one case, and the
//! clerk's decisions — 受理 (the clock starts and the case goes to its department; a 一件事's
//! child cases go to each member department at once; 容缺受理 when materials are deferred) and
//! 不予受理.
//! Each decision is one conditional state change (`transition`), so of two clerks acting on one
//! case at once one succeeds and the other gets 409 `state_conflict`; each is an event on the
//! case's timeline and a message to the applicant.

use super::desk::{
    QUEUE_SELECT, Told, acceptance_of, actor_of, in_scope, queue_entry, record_decision, staff_view,
};
use super::submit::add_event;
use super::{Stored, fetch, filing, notices, records, state_conflict, to_json, transition, view};
use crate::auth::{Session, StaffPrincipal};
use crate::clock::{stamp, today_at};
use crate::documents::{self, DocumentView};
use crate::staff::{Capability, Intake};
use crate::{Error, Portal, Result, calendar};
use bytes::Bytes;
use domain::account::{StaffRole, StaffScope};
use domain::application::{
    ApplicationView, CaseAction, CaseRef, SupplementNotice, SupplementRequest,
};
use domain::case_clock::CaseClock;
use domain::form::FormSchema;
use domain::instant::Instant;
use domain::intake::{
    AcceptRequest, AcceptanceCase, Queue, QueueEntry, QueueFilter, RefuseRequest, StaffCaseView,
};
use domain::notice::{Commitment, Promise};
use domain::paging::{Page, PageRequest};
use domain::prereview::MaterialChoice;
use sqlx::Row;

const NOT_FOUND: Error = Error::NotFound("没有找到该办件，或不在您的办理范围内");

/// A work queue in the caller's scope, most urgent first: overdue, then warning, then the
/// oldest. Every line shows the applicant masked.
pub async fn queue(
    portal: &Portal,
    session: &Session,
    queue: Queue,
    filter: QueueFilter,
    paging: PageRequest,
) -> Result<Page<QueueEntry>> {
    let staff = session.require_staff(&StaffRole::ALL)?;
    // An issuer's queues hold only what is ready to issue, whichever queue is asked for.
    let states = queue
        .states()
        .iter()
        .filter(|state| staff.role != StaffRole::Issuer || Queue::Issuing.states().contains(state))
        .map(|state| format!("'{}'", state.as_str()))
        .collect::<Vec<_>>();
    if states.is_empty() {
        return Ok(Page::of(&[], paging));
    }
    let states = states.join(", ");
    // The front desk works on whole cases (a 一件事 once); a department on what was routed to
    // it: a member department its child case, the lead department the package case too.
    let scope = match (&staff.scope, staff.role) {
        (StaffScope::Platform, _) => "AND a.parent_id IS NULL",
        (StaffScope::Zone { .. }, StaffRole::Clerk) => {
            "AND a.parent_id IS NULL AND a.hall_id = $1 AND (a.zone = $2 OR a.channel = 'window')"
        }
        (StaffScope::Zone { .. }, StaffRole::Issuer) => {
            "AND a.parent_id IS NULL AND a.hall_id = $1 AND a.zone = $2"
        }
        (StaffScope::Department { .. }, StaffRole::Approver) => "AND a.department_code = $1",
        _ => return Ok(Page::of(&[], paging)),
    };
    let sql = format!(
        "{QUEUE_SELECT} WHERE a.case_no IS NOT NULL AND a.state IN ({states}) \
         {scope} ORDER BY a.submitted_at, a.case_no"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    match &staff.scope {
        StaffScope::Zone { hall_id, zone } => {
            query = query.bind(hall_id.clone()).bind(zone.as_str());
        }
        StaffScope::Department { department } => query = query.bind(department.clone()),
        StaffScope::Platform => {}
    }
    let rows = query.fetch_all(portal.db().pool()).await?;
    let calendar = calendar::load(portal.db()).await?;
    let mut entries = Vec::with_capacity(rows.len());
    for row in &rows {
        entries.push(queue_entry(portal, &calendar, row).await?);
    }
    entries.retain(|entry| filter.admits(entry));
    entries.sort_by(|a, b| {
        a.urgency
            .cmp(&b.urgency)
            .then_with(|| a.submitted_at.cmp(&b.submitted_at))
    });
    Ok(Page::of(&entries, paging))
}

/// One case as a staff member in scope sees it. The read is audited: the applicant finds it in
/// 谁查看了我的信息.
pub async fn case_for_staff(
    portal: &Portal,
    session: &Session,
    case_no: &str,
) -> Result<StaffCaseView> {
    let staff = session.require_staff(&StaffRole::ALL)?;
    let application = fetch(portal, CaseRef::CaseNo(case_no))
        .await?
        .filter(|application| in_scope(staff, application))
        .ok_or(NOT_FOUND)?;
    staff_view(portal, session, application).await
}

/// A material of a case in scope, as the staff member opens it to check it (an audited read:
/// the applicant sees which material was opened, by whom, for which case).
pub async fn material_for_staff(
    portal: &Portal,
    session: &Session,
    case_no: &str,
    material_code: &str,
) -> Result<(DocumentView, Bytes)> {
    let staff = session.require_staff(&StaffRole::ALL)?;
    let application = fetch(portal, CaseRef::CaseNo(case_no))
        .await?
        .filter(|application| in_scope(staff, application))
        .ok_or(NOT_FOUND)?;
    let handed_in = records::handed_in_document(portal, &application.id, material_code).await?;
    let document_id = match (application.choices.get(material_code), handed_in) {
        (Some(MaterialChoice::Document { document_id, .. }), _) => document_id.clone(),
        (_, Some(document_id)) => document_id,
        _ => return Err(Error::NotFound("该材料没有上传的文件")),
    };
    let filing = filing(portal, &application).await?;
    let name = filing
        .materials
        .iter()
        .find(|material| material.code == material_code)
        .map_or(material_code, |material| material.name.as_str());
    let file = documents::content_of(portal, &application.holder(), &document_id).await?;
    let purpose = format!("办理办件 {case_no}：{name}");
    crate::staff::record_material_view(portal, session, staff, &application.owner, &purpose)
        .await?;
    Ok(file)
}

/// The clerk in scope, and the case; 404 for a case outside the clerk's hall and zone.
async fn clerk_and_case<'a>(
    portal: &Portal,
    session: &'a Session,
    case_no: &str,
) -> Result<(&'a StaffPrincipal, Stored)> {
    let staff = session.require_staff(Intake::ROLES)?;
    let application = fetch(portal, CaseRef::CaseNo(case_no))
        .await?
        .filter(|application| in_scope(staff, application))
        .ok_or(NOT_FOUND)?;
    Ok((staff, application))
}

/// 受理 (or 容缺受理): every manual review point of the materials in hand checked, the case moves
/// on and its clock starts today; materials the clerk accepts without become 容缺 with the
/// applicant's committed dates. The applicant hears the promised date and every date they
/// committed to.
pub async fn accept(
    portal: &Portal,
    session: &Session,
    case_no: &str,
    request: AcceptRequest,
) -> Result<StaffCaseView> {
    let (staff, application) = clerk_and_case(portal, session, case_no).await?;
    let action = acceptance_of(&application, &request);
    // A case already decided is a conflict, whatever the request says.
    application.state.next(action).map_err(state_conflict)?;
    let filing = filing(portal, &application).await?;
    let now = portal.now();
    request
        .check(&AcceptanceCase {
            materials: &filing.materials,
            choices: &application.choices,
            today: today_at(now),
            max_deferral_days: portal.application_settings().max_deferral_days,
        })
        .map_err(Error::Invalid)?;
    let calendar = calendar::load(portal.db()).await?;
    let clock = CaseClock::new(&calendar, today_at(now), &[]);
    let promised_due = clock.due(filing.promised_days, today_at(now));
    let legal_due = clock.due(filing.legal_days, today_at(now));
    let mut choices = application.choices.clone();
    for (code, until) in &request.deferrals {
        choices.insert(code.clone(), MaterialChoice::Deferred { until: *until });
    }
    let commitments: Vec<Commitment> = filing
        .materials
        .iter()
        .filter_map(|material| match choices.get(&material.code) {
            Some(MaterialChoice::Deferred { until }) => Some(Commitment {
                material_name: material.name.clone(),
                until: *until,
            }),
            _ => None,
        })
        .collect();
    let deferred: Vec<String> = commitments
        .iter()
        .map(|c| format!("“{}”于 {} 前补交", c.material_name, c.until))
        .collect();
    let addressee = notices::addressee_of(portal, &application).await?;
    let issuer = notices::issuer_of(portal, &application, &filing).await?;
    let item_basis = filing
        .guides
        .iter()
        .flat_map(|guide| &guide.legal_basis)
        .map(|basis| format!("{}{}", basis.title, basis.article))
        .collect();
    let notice = domain::notice::acceptance(
        notices::notice_case(portal, &application, &filing, &addressee, &issuer),
        Promise {
            promised_days: filing.promised_days,
            promised_due,
            legal_days: filing.legal_days,
            legal_due,
        },
        commitments,
        item_basis,
    );
    let mut tx = portal.db().begin_write().await?;
    let state = transition(&mut tx, &application, action, now).await?;
    // To the department that reviews it: the item's, or a 一件事's lead department.
    let department = match &filing.package {
        Some((package, _)) => package.lead_department.clone(),
        None => filing.guides[0].department.clone(),
    };
    sqlx::query(
        "UPDATE applications SET accepted_at = $1, accepted_by = $2, materials = $3, \
         department_code = $4 WHERE id = $5",
    )
    .bind(stamp(now))
    .bind(&staff.staff_id)
    .bind(to_json(&choices)?)
    .bind(&department)
    .bind(&application.id)
    .execute(&mut *tx)
    .await?;
    if filing.package.is_some() {
        route_children(&mut tx, &application, &filing, staff, now).await?;
    }
    let (kind, how) = match action {
        CaseAction::AcceptWithDeferrals => ("accepted_with_deferrals", "容缺受理"),
        _ => ("accepted", "受理"),
    };
    let commitments = if deferred.is_empty() {
        String::new()
    } else {
        format!("；请按承诺将{}", deferred.join("，"))
    };
    let text = format!("您的申请已{how}，承诺于 {promised_due} 前办结{commitments}。");
    let body = format!(
        "您的“{}”申请（办件编号 {case_no}）已{how}，承诺于 {promised_due} 前办结{commitments}。可在办件页查看并打印受理通知书。",
        filing.name
    );
    let told = Told {
        title: format!("申请已{how}"),
        body,
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
    tx.commit().await?;
    let accepted = Stored {
        state,
        accepted_at: Some(stamp(now)),
        department_code: Some(department),
        choices,
        ..application
    };
    staff_view(portal, session, accepted).await
}

/// 一家牵头、并联审批: a 一件事 accepted once moves every child case to 已受理 at the same
/// moment, each routed to its item's department with its own clock; the lead department keeps
/// the package case.
async fn route_children(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    application: &Stored,
    filing: &super::Filing,
    staff: &StaffPrincipal,
    now: time::OffsetDateTime,
) -> Result<()> {
    let routed = sqlx::query(
        "UPDATE applications SET state = 'accepted', updated_at = $1, accepted_at = $1, \
         accepted_by = $2, hall_id = $3, zone = $4, \
         department_code = (SELECT i.department_code FROM items i WHERE i.code = applications.item_code) \
         WHERE parent_id = $5 AND state = 'submitted' RETURNING id",
    )
    .bind(stamp(now))
    .bind(&staff.staff_id)
    .bind(&application.hall_id)
    .bind(&application.zone)
    .bind(&application.id)
    .fetch_all(&mut **tx)
    .await?;
    for row in routed {
        let id: String = row.try_get("id")?;
        let text = format!(
            "随“{}”一并受理，已分送本事项的承办部门并联审批。",
            filing.name
        );
        add_event(tx, &id, "accepted", &text, now, Some(&actor_of(staff))).await?;
    }
    Ok(())
}

/// 不予受理, with the reason and its legal basis; the applicant hears both.
pub async fn refuse(
    portal: &Portal,
    session: &Session,
    case_no: &str,
    request: RefuseRequest,
) -> Result<StaffCaseView> {
    let (staff, application) = clerk_and_case(portal, session, case_no).await?;
    application
        .state
        .next(CaseAction::Refuse)
        .map_err(state_conflict)?;
    request.check().map_err(Error::Invalid)?;
    let filing = filing(portal, &application).await?;
    let now = portal.now();
    let (reason, basis) = (request.reason.trim(), request.legal_basis.trim());
    let addressee = notices::addressee_of(portal, &application).await?;
    let issuer = notices::issuer_of(portal, &application, &filing).await?;
    let notice = domain::notice::refusal(
        notices::notice_case(portal, &application, &filing, &addressee, &issuer),
        reason,
        basis,
    );
    let mut tx = portal.db().begin_write().await?;
    let state = transition(&mut tx, &application, CaseAction::Refuse, now).await?;
    let text = format!("不予受理。理由：{reason}。依据：{basis}。");
    let told = Told {
        title: "申请不予受理".into(),
        body: format!(
            "您的“{}”申请（办件编号 {case_no}）不予受理。理由：{reason}。依据：{basis}。",
            filing.name
        ),
        dedup_key: format!("refused:{}", application.id),
    };
    record_decision(
        &mut tx,
        portal,
        Some(staff),
        &application,
        "refused",
        &text,
        Some(told),
    )
    .await?;
    notices::store(&mut tx, &application.id, &notice).await?;
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

/// 一次性告知: a clerk in scope sends a submitted case back for 补正 with everything to fix at
/// once. The applicant's form reopens with the notice; the items must name the case's fields or
/// materials.
pub async fn request_supplement(
    portal: &Portal,
    session: &Session,
    case_no: &str,
    request: SupplementRequest,
) -> Result<ApplicationView> {
    let (staff, application) = clerk_and_case(portal, session, case_no).await?;
    let filing = filing(portal, &application).await?;
    if request.items.is_empty() {
        return Err(Error::invalid("items", "请逐项列明需要补正的内容"));
    }
    for (index, item) in request.items.iter().enumerate() {
        let known = match item.target.split_once(':') {
            Some(("field", key)) => has_field(&filing.form, key),
            Some(("material", code)) => filing.materials.iter().any(|m| m.code == code),
            _ => false,
        };
        if !known {
            return Err(Error::invalid(
                &format!("items.{index}.target"),
                "所选补正项不属于本办件，请重新选择",
            ));
        }
        if item.message.trim().is_empty() {
            return Err(Error::invalid(
                &format!("items.{index}.message"),
                "请写明需要补正的具体内容",
            ));
        }
    }
    let now = portal.now();
    let notice = SupplementNotice {
        at: Instant::new(now),
        remark: request.remark.trim().to_owned(),
        items: request.items,
    };
    let mut tx = portal.db().begin_write().await?;
    let state = transition(&mut tx, &application, CaseAction::RequestSupplement, now).await?;
    sqlx::query("UPDATE applications SET supplement_notice = $1 WHERE id = $2")
        .bind(to_json(&notice)?)
        .bind(&application.id)
        .execute(&mut *tx)
        .await?;
    let text = format!(
        "窗口工作人员一次性告知需补正 {} 项内容，请按告知修改后重新提交。",
        notice.items.len()
    );
    let told = Told {
        title: "申请需要补正".into(),
        body: format!(
            "您的“{}”申请（办件编号 {case_no}）需要补正 {} 项内容，请查看补正告知并重新提交。",
            filing.name,
            notice.items.len()
        ),
        dedup_key: format!("needs_supplement:{}:{}", application.id, stamp(now)),
    };
    record_decision(
        &mut tx,
        portal,
        Some(staff),
        &application,
        "needs_supplement",
        &text,
        Some(told),
    )
    .await?;
    tx.commit().await?;
    let application = Stored {
        state,
        supplement_notice: Some(notice),
        ..application
    };
    view(portal, application, filing).await
}

/// Whether `key` names a field of the form, inside a group as `group.n.field`.
fn has_field(form: &FormSchema, key: &str) -> bool {
    let top = key.split('.').next().unwrap_or(key);
    form.fields.iter().any(|f| f.key == top)
}

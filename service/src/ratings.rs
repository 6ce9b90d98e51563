//! 好差评: rating a decided case (一事一评) or a served ticket (一次一评) once, from the portal,
//! the mini-program or the window's rating tablet; the rater's own ratings and their re-rating
//! of an answer; the rectification loop a 差评 opens (回访核实, 整改答复, 申诉, 复核), each step
//! on the rectification's timeline and in the audit log; and the published figures.
//!
//! One rating per case or ticket is the database's promise (unique columns), so two raters
//! racing each other, or one rater pressing twice, leave exactly one. A rectification's row is
//! updated first by every step, conditionally on the state the step starts from; that update
//! orders concurrent steps and the events they write.

use crate::accounts::new_id;
use crate::audit::{self, NewEntry};
use crate::auth::session::person_name;
use crate::auth::{Session, StaffPrincipal};
use crate::clock::{parse_stamp, stamp, stored_instant, today_at};
use crate::devices::{self, Device};
use crate::messages::{self, NewMessage};
use crate::staff::Capability;
use crate::{Error, Portal, Result, calendar};
use domain::account::{StaffRole, StaffScope};
use domain::case_clock::Urgency;
use domain::catalog::Zone;
use domain::device::DeviceKind;
use domain::paging::{Page, PageRequest};
use domain::rating::{
    AnswerRequest, AppealRequest, AppealState, CallbackRequest, Channel, Deadline, IndicatorScore,
    RaterRectification, RatingList, RatingOffer, RatingRequest, RatingRules, RatingStats,
    RatingView, ReRateRequest, ReRating, RectificationEntry, RectificationEvent,
    RectificationQueue, RectificationState, RectificationView, RevealedPhone, ReviewRequest,
    Source, StatsGroup, StatsRow, Step, Subject, Tally, case_rateable, due_dates, months_up_to,
    parse_period, urgency, window_open,
};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::{BTreeMap, HashMap};
use time::Date;

/// Handling rectifications of the caller's own scope: the department's approvers, the hall
/// zone's clerks, and the supervision office (which answers reopened ones).
pub struct HandleRectifications;
impl Capability for HandleRectifications {
    const ROLES: &'static [StaffRole] =
        &[StaffRole::Approver, StaffRole::Clerk, StaffRole::Supervisor];
}

/// 复核 of an appeal: the supervision office only.
pub struct ReviewAppeals;
impl Capability for ReviewAppeals {
    const ROLES: &'static [StaffRole] = &[StaffRole::Supervisor];
}

/// Who gives a rating: a signed-in citizen (portal or mini-program), or the window's tablet on
/// behalf of whoever was just served there.
pub enum Rater<'a> {
    Citizen(&'a Session),
    Window(&'a Device),
}

/// Where the rated service was given, resolved from a case number or a ticket id.
struct Target {
    channel: Channel,
    application_id: Option<String>,
    ticket_id: Option<String>,
    /// The person who may rate it (the case's applicant, a booked ticket's holder).
    rater: Option<String>,
    subject: String,
    /// The day the service was decided or given; none while it is not finished.
    finished: Option<Date>,
    department_code: Option<String>,
    hall_id: Option<String>,
    zone: Option<String>,
    window: Option<i64>,
    staff_id: Option<String>,
    item_code: Option<String>,
    /// Whom a 差评 is assigned to.
    office: Office,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Office {
    Department(String),
    HallZone(String, String),
}

const NOT_FOUND_CASE: Error = Error::NotFound("没有找到您的这件办件");
const NOT_FOUND_TICKET: Error = Error::NotFound("没有找到您的这张排队号");
const NOT_FOUND: Error = Error::NotFound("没有找到该评价");

fn rules(portal: &Portal) -> &RatingRules {
    portal.rating_rules()
}

/// The case `case_no` as `citizen` may rate it; someone else's case is not found.
async fn case_target(portal: &Portal, session: &Session, case_no: &str) -> Result<Target> {
    let citizen = session.require_citizen()?;
    let row = sqlx::query(
        "SELECT a.id, a.owner_citizen_id, a.business_id, a.state, a.item_code, \
         a.department_code, a.hall_id, a.zone, i.department_code AS item_department, \
         COALESCE(p.name, i.name) AS name \
         FROM applications a JOIN items i ON i.code = a.item_code \
         LEFT JOIN packages p ON p.id = a.package_id WHERE a.case_no = $1",
    )
    .bind(case_no.trim())
    .fetch_optional(portal.db().pool())
    .await?
    .ok_or(NOT_FOUND_CASE)?;
    let owner: String = row.try_get("owner_citizen_id")?;
    let business: Option<String> = row.try_get("business_id")?;
    let acting = citizen.acting_for.as_ref().map(|a| a.business_id.clone());
    let mine = match (&business, &acting) {
        (Some(business), Some(acting)) => business == acting,
        (None, None) => owner == citizen.citizen_id,
        _ => false,
    };
    if !mine {
        return Err(NOT_FOUND_CASE);
    }
    let id: String = row.try_get("id")?;
    let state: String = row.try_get("state")?;
    let rateable = domain::application::CaseState::parse(&state).is_some_and(case_rateable);
    let finished = if rateable {
        let decided = sqlx::query(
            "SELECT MAX(at) AS at FROM case_events WHERE application_id = $1 \
             AND kind IN ('approved', 'denied', 'refused', 'completed')",
        )
        .bind(&id)
        .fetch_one(portal.db().pool())
        .await?
        .try_get::<Option<String>, _>("at")?;
        decided.map(|at| day_of(&at)).transpose()?
    } else {
        None
    };
    let department: Option<String> = row.try_get("department_code")?;
    let item_department: String = row.try_get("item_department")?;
    let hall: Option<String> = row.try_get("hall_id")?;
    let zone: Option<String> = row.try_get("zone")?;
    // A case refused at the window was handled by the hall zone; from acceptance on, by the
    // department reviewing it.
    let office = match (&department, &hall, &zone) {
        (Some(department), _, _) => Office::Department(department.clone()),
        (None, Some(hall), Some(zone)) => Office::HallZone(hall.clone(), zone.clone()),
        _ => Office::Department(item_department.clone()),
    };
    Ok(Target {
        channel: Channel::Online,
        application_id: Some(id),
        ticket_id: None,
        // The person rating: the applicant, or the 经办人 acting for the business that filed.
        rater: Some(citizen.citizen_id.clone()),
        subject: format!(
            "{}（办件编号 {}）",
            row.try_get::<String, _>("name")?,
            case_no.trim()
        ),
        finished,
        department_code: Some(department.unwrap_or(item_department)),
        hall_id: None,
        zone: None,
        window: None,
        staff_id: None,
        item_code: Some(row.try_get("item_code")?),
        office,
    })
}

/// The ticket `ticket_id` with its holder (none for a walk-in ticket).
async fn ticket_target(portal: &Portal, ticket_id: &str) -> Result<Target> {
    let row = sqlx::query(
        "SELECT t.id, t.hall_id, t.zone, t.number, t.state, t.window_no, t.clerk_id, \
         t.finished_at, ap.citizen_id, COALESCE(ap.item_code, a.item_code) AS item_code, \
         i.department_code, h.name AS hall_name \
         FROM queue_tickets t JOIN halls h ON h.id = t.hall_id \
         LEFT JOIN appointments ap ON ap.id = t.appointment_id \
         LEFT JOIN applications a ON a.id = t.application_id \
         LEFT JOIN items i ON i.code = COALESCE(ap.item_code, a.item_code) WHERE t.id = $1",
    )
    .bind(ticket_id.trim())
    .fetch_optional(portal.db().pool())
    .await?
    .ok_or(NOT_FOUND_TICKET)?;
    let state: String = row.try_get("state")?;
    let finished = match (
        state.as_str(),
        row.try_get::<Option<String>, _>("finished_at")?,
    ) {
        ("served", Some(at)) => Some(day_of(&at)?),
        _ => None,
    };
    let hall: String = row.try_get("hall_id")?;
    let zone: String = row.try_get("zone")?;
    let window: Option<i64> = row.try_get("window_no")?;
    let zone_label = Zone::parse(&zone).map(Zone::label).unwrap_or_default();
    let number: String = row.try_get("number")?;
    let hall_name: String = row.try_get("hall_name")?;
    Ok(Target {
        channel: Channel::Hall,
        application_id: None,
        ticket_id: Some(row.try_get("id")?),
        rater: row.try_get("citizen_id")?,
        subject: match window {
            Some(window) => format!("{hall_name}{zone_label} {window} 号窗口（排队号 {number}）"),
            None => format!("{hall_name}{zone_label}（排队号 {number}）"),
        },
        finished,
        department_code: row.try_get("department_code")?,
        hall_id: Some(hall.clone()),
        zone: Some(zone.clone()),
        window,
        staff_id: row.try_get("clerk_id")?,
        item_code: row.try_get("item_code")?,
        office: Office::HallZone(hall, zone),
    })
}

/// The target `rater` names, checked to be theirs (or, for the tablet, its window's).
async fn target_for(portal: &Portal, rater: &Rater<'_>, subject: &Subject) -> Result<Target> {
    match (rater, subject) {
        (Rater::Citizen(session), Subject::Case(case_no)) => {
            case_target(portal, session, case_no).await
        }
        (Rater::Citizen(session), Subject::Ticket(ticket)) => {
            let citizen = session.require_citizen()?;
            let target = ticket_target(portal, ticket).await?;
            if target.rater.as_deref() != Some(citizen.citizen_id.as_str()) {
                return Err(NOT_FOUND_TICKET);
            }
            Ok(target)
        }
        (Rater::Window(device), Subject::Ticket(ticket)) => {
            let target = ticket_target(portal, ticket).await?;
            let hall = target.hall_id.clone().unwrap_or_default();
            devices::require(device, DeviceKind::Rater, &hall)?;
            if target.window != device.window.map(i64::from) {
                return Err(Error::Forbidden {
                    code: "device_forbidden",
                    message: "本评价器只能评价本窗口办理的业务",
                });
            }
            // The tablet rates only the visit it shows; earlier ones belong to their holders.
            if target.finished.is_some() && last_served(portal, device).await? != target.ticket_id {
                return Err(Error::Conflict {
                    code: "not_current_ticket",
                    message:
                        "评价器只能评价本窗口刚办结的业务；预约取号的群众可在手机上的排队号页面评价"
                            .into(),
                });
            }
            Ok(target)
        }
        (Rater::Window(_), Subject::Case(_)) => Err(Error::invalid(
            "case_no",
            "窗口评价器只评价窗口服务，请写排队号",
        )),
    }
}

/// Whether `target` may be rated now; the refusal says why.
async fn check_open(portal: &Portal, target: &Target) -> Result<Date> {
    let Some(finished) = target.finished else {
        return Err(Error::Conflict {
            code: "not_rateable_yet",
            message: match target.channel {
                Channel::Online => "办件作出决定后才能评价".into(),
                Channel::Hall => "窗口办结后才能评价本次服务".into(),
            },
        });
    };
    if existing(portal, target).await?.is_some() {
        return Err(already_rated());
    }
    let rules = rules(portal);
    if !window_open(rules, finished, today_at(portal.now())) {
        return Err(Error::Conflict {
            code: "rating_window_closed",
            message: format!(
                "评价期已过：办结后 {} 日内可以评价（至 {}）",
                rules.window_days,
                finished + time::Duration::days(i64::from(rules.window_days))
            ),
        });
    }
    Ok(finished)
}

/// The day in China of a stored instant.
fn day_of(stored: &str) -> Result<Date> {
    parse_stamp(stored)
        .map(today_at)
        .ok_or_else(|| anyhow::anyhow!("stored instant {stored}").into())
}

fn already_rated() -> Error {
    Error::Conflict {
        code: "already_rated",
        message: "这项服务已经评价过了，每项服务只能评价一次".into(),
    }
}

async fn existing(portal: &Portal, target: &Target) -> Result<Option<String>> {
    let row = sqlx::query("SELECT id FROM ratings WHERE application_id = $1 OR ticket_id = $2")
        .bind(&target.application_id)
        .bind(&target.ticket_id)
        .fetch_optional(portal.db().pool())
        .await?;
    Ok(row.map(|r| r.try_get("id")).transpose()?)
}

/// What the rating form of a case or ticket offers `session` now (the case page, the form).
pub async fn offer(portal: &Portal, session: &Session, subject: &Subject) -> Result<RatingOffer> {
    let target = target_for(portal, &Rater::Citizen(session), subject).await?;
    offer_for(portal, &target).await
}

async fn offer_for(portal: &Portal, target: &Target) -> Result<RatingOffer> {
    let rules = rules(portal);
    let rated = match existing(portal, target).await? {
        Some(id) => {
            let level: i64 = sqlx::query("SELECT level FROM ratings WHERE id = $1")
                .bind(&id)
                .fetch_one(portal.db().pool())
                .await?
                .try_get("level")?;
            Some(rules.level_label(level as u8))
        }
        None => None,
    };
    let (open, reason) = match check_open(portal, target).await {
        Ok(_) => (true, None),
        Err(Error::Conflict { message, .. }) => (false, Some(message)),
        Err(other) => return Err(other),
    };
    Ok(RatingOffer {
        channel: target.channel,
        subject: target.subject.clone(),
        rated,
        open,
        reason,
        last_day: target
            .finished
            .map(|f| (f + time::Duration::days(i64::from(rules.window_days))).to_string()),
        levels: rules.levels.clone(),
        indicators: rules.indicators(target.channel).to_vec(),
    })
}

/// `POST /ratings`: rates once. A 差评 opens its rectification, due on the working-day clock.
pub async fn rate(portal: &Portal, rater: Rater<'_>, request: RatingRequest) -> Result<RatingView> {
    if let Rater::Citizen(session) = rater {
        session.require_citizen()?;
    }
    let subject = request.subject().map_err(Error::Invalid)?;
    let channel = match subject {
        Subject::Case(_) => Channel::Online,
        Subject::Ticket(_) => Channel::Hall,
    };
    // Whose it is comes before what the form says: a device or a person it is not theirs to rate
    // learns nothing about the form.
    let target = target_for(portal, &rater, &subject).await?;
    let checked = request
        .check(rules(portal), channel)
        .map_err(Error::Invalid)?;
    check_open(portal, &target).await?;
    let source = match rater {
        Rater::Citizen(_) => Source::Citizen,
        Rater::Window(_) => Source::WindowDevice,
    };
    let calendar = calendar::load(portal.db()).await?;
    let now = portal.now();
    let today = today_at(now);
    let id = new_id("rt");
    let mut tx = portal.db().begin_write().await?;
    sqlx::query(
        "INSERT INTO ratings (id, channel, application_id, ticket_id, citizen_id, source, level, \
         indicators, reasons, comment, department_code, hall_id, zone, window_no, staff_id, \
         item_code, rated_at, rated_month) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
    )
    .bind(&id)
    .bind(channel.as_str())
    .bind(&target.application_id)
    .bind(&target.ticket_id)
    .bind(&target.rater)
    .bind(source.as_str())
    .bind(i64::from(checked.level))
    .bind(to_json(&checked.indicators)?)
    .bind(to_json(&checked.reasons)?)
    .bind(&checked.comment)
    .bind(&target.department_code)
    .bind(&target.hall_id)
    .bind(&target.zone)
    .bind(target.window)
    .bind(&target.staff_id)
    .bind(&target.item_code)
    .bind(stamp(now))
    .bind(format!(
        "{:04}-{:02}",
        today.year(),
        u8::from(today.month())
    ))
    .execute(&mut *tx)
    .await
    .map_err(|error| match error.as_database_error().map(|e| e.kind()) {
        // The same case or ticket rated at the same moment by a second request.
        Some(sqlx::error::ErrorKind::UniqueViolation) => already_rated(),
        _ => Error::from(error),
    })?;
    if checked.is_bad() {
        let (callback_due, answer_due) = due_dates(rules(portal), &calendar, today);
        let rectification = new_id("rc");
        let (department, hall, zone) = match &target.office {
            Office::Department(code) => (Some(code.clone()), None, None),
            Office::HallZone(hall, zone) => (None, Some(hall.clone()), Some(zone.clone())),
        };
        sqlx::query(
            "INSERT INTO rectifications (id, rating_id, state, department_code, hall_id, zone, \
             callback_due, answer_due, created_at, updated_at) \
             VALUES ($1, $2, 'callback_pending', $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(&rectification)
        .bind(&id)
        .bind(department)
        .bind(hall)
        .bind(zone)
        .bind(callback_due.to_string())
        .bind(answer_due.to_string())
        .bind(stamp(now))
        .execute(&mut *tx)
        .await?;
        let text = format!(
            "收到差评（{}），转办整改：{callback_due} 前回访核实，{answer_due} 前整改并答复评价人。",
            rules(portal).level_label(checked.level)
        );
        record(
            &mut tx,
            portal,
            &rectification,
            "opened",
            "系统",
            &format!("rating:{id}"),
            &text,
        )
        .await?;
    }
    tx.commit().await?;
    rating_view(portal, &id).await
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| anyhow::anyhow!("JSON: {e}").into())
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| anyhow::anyhow!("stored JSON: {e}").into())
}

/// Appends a step to the rectification's timeline and the audit log, in the step's transaction.
async fn record(
    tx: &mut Transaction<'static, Any>,
    portal: &Portal,
    rectification: &str,
    kind: &str,
    actor: &str,
    audit_actor: &str,
    text: &str,
) -> Result<()> {
    let at = stamp(portal.now());
    let seq: i64 = sqlx::query(
        "SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM rectification_events \
         WHERE rectification_id = $1",
    )
    .bind(rectification)
    .fetch_one(&mut **tx)
    .await?
    .try_get("seq")?;
    sqlx::query(
        "INSERT INTO rectification_events (rectification_id, seq, at, kind, actor, text) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(rectification)
    .bind(seq)
    .bind(&at)
    .bind(kind)
    .bind(actor)
    .bind(text)
    .execute(&mut **tx)
    .await?;
    audit::append(
        tx,
        NewEntry {
            actor: audit_actor,
            action: &format!("rectification.{kind}"),
            subject: &format!("rectification:{rectification}"),
            detail: text,
        },
        &at,
    )
    .await?;
    Ok(())
}

const RATING_COLUMNS: &str = "r.id, r.channel, r.level, r.indicators, r.reasons, r.comment, \
    r.rated_at, r.citizen_id, r.excluded, a.case_no, r.ticket_id, r.application_id";

/// One rating as its rater sees it.
async fn rating_view(portal: &Portal, id: &str) -> Result<RatingView> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {RATING_COLUMNS} FROM ratings r \
         LEFT JOIN applications a ON a.id = r.application_id WHERE r.id = $1"
    )))
    .bind(id)
    .fetch_optional(portal.db().pool())
    .await?
    .ok_or(NOT_FOUND)?;
    view_of(portal, &row).await
}

async fn subject_of(portal: &Portal, row: &AnyRow) -> Result<String> {
    let ticket: Option<String> = row.try_get("ticket_id")?;
    let case_no: Option<String> = row.try_get("case_no")?;
    let application: Option<String> = row.try_get("application_id")?;
    if let Some(ticket) = ticket {
        return Ok(ticket_target(portal, &ticket).await?.subject);
    }
    let name: String = sqlx::query(
        "SELECT COALESCE(p.name, i.name) AS name FROM applications a \
         JOIN items i ON i.code = a.item_code LEFT JOIN packages p ON p.id = a.package_id \
         WHERE a.id = $1",
    )
    .bind(application)
    .fetch_one(portal.db().pool())
    .await?
    .try_get("name")?;
    Ok(format!(
        "{name}（办件编号 {}）",
        case_no.unwrap_or_default()
    ))
}

async fn view_of(portal: &Portal, row: &AnyRow) -> Result<RatingView> {
    let rules = rules(portal);
    let id: String = row.try_get("id")?;
    let channel = channel_of(row)?;
    let level = row.try_get::<i64, _>("level")? as u8;
    let scores: BTreeMap<String, u8> = from_json(&row.try_get::<String, _>("indicators")?)?;
    let reasons: Vec<String> = from_json(&row.try_get::<String, _>("reasons")?)?;
    let indicators = rules
        .indicators(channel)
        .iter()
        .filter_map(|indicator| {
            scores.get(&indicator.code).map(|score| IndicatorScore {
                code: indicator.code.clone(),
                label: indicator.label.clone(),
                score: *score,
            })
        })
        .collect();
    let rectification = sqlx::query(
        "SELECT state, answer, answered_at, re_rating FROM rectifications WHERE rating_id = $1",
    )
    .bind(&id)
    .fetch_optional(portal.db().pool())
    .await?
    .map(|row| -> Result<RaterRectification> {
        let state = state_of(&row)?;
        // An excluded rating's loop is the supervision office's business, not the rater's.
        let shown = if state == RectificationState::Excluded {
            RectificationState::Closed
        } else {
            state
        };
        Ok(RaterRectification {
            state: shown,
            state_label: shown.label().into(),
            answer: row.try_get("answer")?,
            answered_at: row
                .try_get::<Option<String>, _>("answered_at")?
                .map(|at| stored_instant(&at))
                .transpose()?,
            can_re_rate: state == RectificationState::Answered,
            re_rating: row
                .try_get::<Option<String>, _>("re_rating")?
                .and_then(|r| ReRating::parse(&r)),
        })
    })
    .transpose()?;
    Ok(RatingView {
        id,
        channel,
        case_no: row.try_get("case_no")?,
        ticket_id: row.try_get("ticket_id")?,
        subject: subject_of(portal, row).await?,
        level,
        level_label: rules.level_label(level),
        indicators,
        reasons: reasons
            .iter()
            .map(|code| {
                rules
                    .reason_label(channel, code)
                    .unwrap_or_else(|| code.clone())
            })
            .collect(),
        comment: row.try_get("comment")?,
        rated_at: stored_instant(&row.try_get::<String, _>("rated_at")?)?,
        rectification,
    })
}

fn channel_of(row: &AnyRow) -> Result<Channel> {
    let channel: String = row.try_get("channel")?;
    Channel::parse(&channel).ok_or_else(|| anyhow::anyhow!("channel {channel}").into())
}

fn state_of(row: &AnyRow) -> Result<RectificationState> {
    let state: String = row.try_get("state")?;
    RectificationState::parse(&state).ok_or_else(|| anyhow::anyhow!("state {state}").into())
}

/// `GET /ratings/mine`: the caller's ratings, newest first.
pub async fn mine(portal: &Portal, session: &Session, paging: PageRequest) -> Result<RatingList> {
    let citizen = session.require_citizen()?;
    let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM ratings WHERE citizen_id = $1")
        .bind(&citizen.citizen_id)
        .fetch_one(portal.db().pool())
        .await?
        .try_get("n")?;
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {RATING_COLUMNS} FROM ratings r \
         LEFT JOIN applications a ON a.id = r.application_id WHERE r.citizen_id = $1 \
         ORDER BY r.rated_at DESC, r.id LIMIT $2 OFFSET $3"
    )))
    .bind(&citizen.citizen_id)
    .bind(paging.limit())
    .bind(paging.offset())
    .fetch_all(portal.db().pool())
    .await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in &rows {
        items.push(view_of(portal, row).await?);
    }
    Ok(Page::from_rows(items, total as u64, paging))
}

/// `POST /ratings/{id}/re-rate`: the rater judges the answer; 不满意 reopens it once to the
/// supervision office, after which the loop closes whatever the judgement.
pub async fn re_rate(
    portal: &Portal,
    session: &Session,
    id: &str,
    request: ReRateRequest,
) -> Result<RatingView> {
    let citizen = session.require_citizen()?;
    let row = sqlx::query(
        "SELECT x.id, x.state, x.reopened FROM ratings r \
         JOIN rectifications x ON x.rating_id = r.id WHERE r.id = $1 AND r.citizen_id = $2",
    )
    .bind(id)
    .bind(&citizen.citizen_id)
    .fetch_optional(portal.db().pool())
    .await?;
    let Some(row) = row else {
        // Someone else's rating, or a good one that has nothing to re-rate.
        let own = sqlx::query("SELECT id FROM ratings WHERE id = $1 AND citizen_id = $2")
            .bind(id)
            .bind(&citizen.citizen_id)
            .fetch_optional(portal.db().pool())
            .await?;
        return Err(match own {
            Some(_) => not_now("这条评价没有需要再评价的整改答复"),
            None => NOT_FOUND,
        });
    };
    let (result, comment) = request.check().map_err(Error::Invalid)?;
    let rectification: String = row.try_get("id")?;
    let reopened_before = row.try_get::<i64, _>("reopened")? == 1;
    let next = state_of(&row)?
        .next(Step::ReRate {
            unsatisfied: result == ReRating::Unsatisfied,
            reopened_before,
        })
        .ok_or_else(|| not_now("整改答复之后才能再评价，且只能评价一次"))?;
    let calendar = calendar::load(portal.db()).await?;
    let now = portal.now();
    let reopen_due = (next == RectificationState::Reopened).then(|| {
        calendar
            .add_working_days(today_at(now), rules(portal).answer.working_days)
            .to_string()
    });
    let mut tx = portal.db().begin_write().await?;
    let moved = sqlx::query(
        "UPDATE rectifications SET state = $1, re_rating = $2, updated_at = $3, \
         reopened = CASE WHEN $1 = 'reopened' THEN 1 ELSE reopened END, \
         reopen_due = COALESCE($4, reopen_due) WHERE id = $5 AND state = 'answered' RETURNING id",
    )
    .bind(next.as_str())
    .bind(result.as_str())
    .bind(stamp(now))
    .bind(&reopen_due)
    .bind(&rectification)
    .fetch_optional(&mut *tx)
    .await?;
    if moved.is_none() {
        return Err(not_now("整改答复之后才能再评价，且只能评价一次"));
    }
    let mut text = format!("评价人对整改答复的评价：{}。", result.label());
    if let Some(comment) = &comment {
        text.push_str(&format!("意见：{comment}"));
    }
    let actor = format!("citizen:{}", citizen.citizen_id);
    record(
        &mut tx,
        portal,
        &rectification,
        "re_rated",
        "评价人",
        &actor,
        &text,
    )
    .await?;
    if next == RectificationState::Closed {
        let text = "评价人已对整改答复作出评价，整改办结。";
        record(
            &mut tx,
            portal,
            &rectification,
            "closed",
            "系统",
            &actor,
            text,
        )
        .await?;
    }
    if let Some(due) = &reopen_due {
        let text = format!("评价人不满意，转督查考核部门复办，{due} 前再次答复。");
        record(
            &mut tx,
            portal,
            &rectification,
            "reopened",
            "系统",
            &actor,
            &text,
        )
        .await?;
    }
    tx.commit().await?;
    rating_view(portal, id).await
}

fn not_now(message: &str) -> Error {
    Error::Conflict {
        code: "state_conflict",
        message: message.into(),
    }
}

/// A stored rectification with the rating it belongs to.
struct Stored {
    id: String,
    rating_id: String,
    state: RectificationState,
    department_code: Option<String>,
    hall_id: Option<String>,
    zone: Option<String>,
    callback_due: Date,
    answer_due: Date,
    reopen_due: Option<Date>,
    appeal: Option<AppealState>,
    rater: Option<String>,
    /// The clerk a hall rating names: never the handler of their own 差评.
    rated_staff: Option<String>,
}

const RECTIFICATION_COLUMNS: &str = "x.id, x.rating_id, x.state, x.department_code, x.hall_id, \
    x.zone, x.callback_due, x.answer_due, x.reopen_due, x.appeal, r.citizen_id, \
    r.staff_id AS rated_staff";

fn date_of(text: &str) -> Result<Date> {
    domain::form::parse_date(text).ok_or_else(|| anyhow::anyhow!("stored date {text}").into())
}

fn stored(row: &AnyRow) -> Result<Stored> {
    Ok(Stored {
        id: row.try_get("id")?,
        rating_id: row.try_get("rating_id")?,
        state: state_of(row)?,
        department_code: row.try_get("department_code")?,
        hall_id: row.try_get("hall_id")?,
        zone: row.try_get("zone")?,
        callback_due: date_of(&row.try_get::<String, _>("callback_due")?)?,
        answer_due: date_of(&row.try_get::<String, _>("answer_due")?)?,
        reopen_due: row
            .try_get::<Option<String>, _>("reopen_due")?
            .map(|d| date_of(&d))
            .transpose()?,
        appeal: row
            .try_get::<Option<String>, _>("appeal")?
            .and_then(|a| AppealState::parse(&a)),
        rater: row.try_get("citizen_id")?,
        rated_staff: row.try_get("rated_staff")?,
    })
}

impl Stored {
    /// Whether `staff`'s department or hall zone is the office responsible, and `staff` is not
    /// the clerk the rating is about (who must not call the rater back or appeal their own 差评).
    fn is_office_of(&self, staff: &StaffPrincipal) -> bool {
        if self.rated_staff.as_deref() == Some(staff.staff_id.as_str()) {
            return false;
        }
        match (&staff.scope, staff.role) {
            (StaffScope::Department { department }, StaffRole::Approver) => {
                self.department_code.as_deref() == Some(department)
            }
            (StaffScope::Zone { hall_id, zone }, StaffRole::Clerk) => {
                self.department_code.is_none()
                    && self.hall_id.as_deref() == Some(hall_id)
                    && self.zone.as_deref() == Some(zone.as_str())
            }
            _ => false,
        }
    }

    fn is_supervisor(staff: &StaffPrincipal) -> bool {
        staff.role == StaffRole::Supervisor
    }

    /// Who handles the step in hand: the office, or the supervision office once reopened.
    fn is_handler(&self, staff: &StaffPrincipal) -> bool {
        match self.state {
            RectificationState::Reopened => Self::is_supervisor(staff),
            _ => self.is_office_of(staff),
        }
    }

    fn may_see(&self, staff: &StaffPrincipal) -> bool {
        Self::is_supervisor(staff) || self.is_office_of(staff)
    }

    /// The step in hand's due date and its deadline rule.
    fn due(&self, rules: &RatingRules) -> Option<(Date, Deadline)> {
        match self.state {
            RectificationState::CallbackPending => Some((self.callback_due, rules.callback)),
            RectificationState::Rectifying => Some((self.answer_due, rules.answer)),
            RectificationState::Reopened => self.reopen_due.map(|d| (d, rules.answer)),
            _ => None,
        }
    }

    fn actions(&self, staff: &StaffPrincipal) -> Vec<String> {
        let mut actions = Vec::new();
        let handler = self.is_handler(staff);
        if handler && self.state == RectificationState::CallbackPending {
            actions.push("callback");
        }
        if handler
            && matches!(
                self.state,
                RectificationState::Rectifying | RectificationState::Reopened
            )
        {
            actions.push("answer");
        }
        if handler && self.state.is_open() && self.rater.is_some() {
            actions.push("reveal_phone");
        }
        if self.is_office_of(staff) && self.state.is_open() && self.appeal.is_none() {
            actions.push("appeal");
        }
        if Self::is_supervisor(staff) && self.appeal == Some(AppealState::Pending) {
            actions.push("review");
        }
        actions.into_iter().map(String::from).collect()
    }
}

/// A staff member's step on the rectification's timeline (masked, with the role) and in the
/// audit log (by account).
async fn staff_step(
    tx: &mut Transaction<'static, Any>,
    portal: &Portal,
    session: &Session,
    staff: &StaffPrincipal,
    rectification: &str,
    kind: &str,
    text: &str,
) -> Result<()> {
    let actor = staff_actor(staff);
    let audited = session.principal.audit_actor();
    record(tx, portal, rectification, kind, &actor, &audited, text).await
}

fn staff_actor(staff: &StaffPrincipal) -> String {
    format!("{} {}", staff.role.label(), staff.name.masked())
}

/// The rectification `id` if `staff` may see it; otherwise not found.
async fn fetch(portal: &Portal, staff: &StaffPrincipal, id: &str) -> Result<Stored> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {RECTIFICATION_COLUMNS} FROM rectifications x \
         JOIN ratings r ON r.id = x.rating_id WHERE x.id = $1"
    )))
    .bind(id)
    .fetch_optional(portal.db().pool())
    .await?
    .ok_or(Error::NotFound("没有找到该差评整改"))?;
    let stored = stored(&row)?;
    if !stored.may_see(staff) {
        return Err(Error::NotFound("没有找到该差评整改"));
    }
    Ok(stored)
}

/// The responsible office's name: a department, or a hall and zone.
async fn office_name(portal: &Portal, stored: &Stored) -> Result<String> {
    if let Some(code) = &stored.department_code {
        let row = sqlx::query("SELECT name FROM departments WHERE code = $1")
            .bind(code)
            .fetch_optional(portal.db().pool())
            .await?;
        return Ok(row
            .map(|r| r.try_get::<String, _>("name"))
            .transpose()?
            .unwrap_or_else(|| code.clone()));
    }
    let hall = match &stored.hall_id {
        Some(hall) => crate::catalog::hall(portal.db(), hall).await?.name,
        None => String::new(),
    };
    let zone = stored
        .zone
        .as_deref()
        .and_then(Zone::parse)
        .map(Zone::label)
        .unwrap_or_default();
    Ok(format!("{hall}{zone}"))
}

/// `GET /staff/rectifications/{id}`: the whole case, an audited read of the rater's data (it
/// shows their rating and masked name; they see it in 谁查看了我的信息).
pub async fn rectification(
    portal: &Portal,
    session: &Session,
    id: &str,
) -> Result<RectificationView> {
    let staff = session.require_staff(HandleRectifications::ROLES)?;
    let stored = fetch(portal, staff, id).await?;
    if let Some(rater) = &stored.rater {
        let purpose = "处理差评整改，查看评价内容";
        crate::staff::record_staff_view(portal, session, staff, rater, "staff.view", purpose)
            .await?;
    }
    view_for(portal, staff, stored).await
}

async fn view_for(
    portal: &Portal,
    staff: &StaffPrincipal,
    stored: Stored,
) -> Result<RectificationView> {
    let rules = rules(portal);
    let row = sqlx::query(
        "SELECT r.channel, r.level, r.reasons, r.comment, r.rated_at, r.ticket_id, \
         r.application_id, r.staff_id, a.case_no, c.name AS rater_name, s.name AS staff_name, \
         t.number, x.callback_result, x.answer, x.re_rating, x.appeal_reason, \
         x.appeal_evidence, x.review_reason \
         FROM rectifications x JOIN ratings r ON r.id = x.rating_id \
         LEFT JOIN applications a ON a.id = r.application_id \
         LEFT JOIN citizens c ON c.id = r.citizen_id \
         LEFT JOIN staff s ON s.id = r.staff_id \
         LEFT JOIN queue_tickets t ON t.id = r.ticket_id WHERE x.id = $1",
    )
    .bind(&stored.id)
    .fetch_one(portal.db().pool())
    .await?;
    let channel = channel_of(&row)?;
    let level = row.try_get::<i64, _>("level")? as u8;
    let reasons: Vec<String> = from_json(&row.try_get::<String, _>("reasons")?)?;
    let masked = |column: &str| -> Result<Option<String>> {
        row.try_get::<Option<String>, _>(column)?
            .map(|name| person_name(name).map(|n| n.masked()))
            .transpose()
    };
    let events = sqlx::query(
        "SELECT at, kind, actor, text FROM rectification_events WHERE rectification_id = $1 \
         ORDER BY seq",
    )
    .bind(&stored.id)
    .fetch_all(portal.db().pool())
    .await?
    .iter()
    .map(|row| {
        Ok(RectificationEvent {
            at: stored_instant(&row.try_get::<String, _>("at")?)?,
            kind: row.try_get("kind")?,
            actor: row.try_get("actor")?,
            text: row.try_get("text")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let calendar = calendar::load(portal.db()).await?;
    let today = today_at(portal.now());
    let due = stored.due(rules);
    Ok(RectificationView {
        id: stored.id.clone(),
        rating_id: stored.rating_id.clone(),
        state: stored.state,
        state_label: stored.state.label().into(),
        channel,
        subject: subject_of(portal, &row).await?,
        case_no: row.try_get("case_no")?,
        ticket_number: row.try_get("number")?,
        responsible: office_name(portal, &stored).await?,
        staff: masked("staff_name")?,
        rater: masked("rater_name")?,
        level,
        level_label: rules.level_label(level),
        reasons: reasons
            .iter()
            .map(|code| {
                rules
                    .reason_label(channel, code)
                    .unwrap_or_else(|| code.clone())
            })
            .collect(),
        comment: row.try_get("comment")?,
        rated_at: stored_instant(&row.try_get::<String, _>("rated_at")?)?,
        callback_due: stored.callback_due,
        answer_due: stored.answer_due,
        due: due.map(|(date, _)| date),
        urgency: due.map(|(date, deadline)| urgency(&calendar, deadline, date, today)),
        callback_result: row.try_get("callback_result")?,
        answer: row.try_get("answer")?,
        re_rating: row
            .try_get::<Option<String>, _>("re_rating")?
            .and_then(|r| ReRating::parse(&r)),
        appeal: stored.appeal,
        appeal_reason: row.try_get("appeal_reason")?,
        appeal_evidence: row.try_get("appeal_evidence")?,
        review_reason: row.try_get("review_reason")?,
        actions: stored.actions(staff),
        events,
    })
}

/// `?state=` of the rectification queue: the open ones (default), one state, or all.
pub fn parse_state_filter(text: Option<&str>) -> Result<Option<Vec<RectificationState>>> {
    use RectificationState::*;
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None | Some("open") => Ok(Some(vec![CallbackPending, Rectifying, Answered, Reopened])),
        Some("all") => Ok(None),
        Some(text) => RectificationState::parse(text)
            .map(|state| Some(vec![state]))
            .ok_or_else(|| {
                Error::invalid(
                    "state",
                    "状态应为 open、all、callback_pending、rectifying、answered、reopened、closed 或 excluded",
                )
            }),
    }
}

/// `GET /staff/rectifications`: the rectifications of the caller's scope (supervisors: all),
/// most urgent first.
pub async fn queue(
    portal: &Portal,
    session: &Session,
    states: Option<Vec<RectificationState>>,
    paging: PageRequest,
) -> Result<RectificationQueue> {
    let staff = session.require_staff(HandleRectifications::ROLES)?;
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {RECTIFICATION_COLUMNS}, r.level, r.rated_at FROM rectifications x \
         JOIN ratings r ON r.id = x.rating_id ORDER BY x.created_at, x.id"
    )))
    .fetch_all(portal.db().pool())
    .await?;
    let rules = rules(portal);
    let calendar = calendar::load(portal.db()).await?;
    let today = today_at(portal.now());
    let mut entries = Vec::new();
    for row in &rows {
        let stored = stored(row)?;
        if !stored.may_see(staff) || states.as_ref().is_some_and(|s| !s.contains(&stored.state)) {
            continue;
        }
        entries.push((stored, row));
    }
    let mut items = Vec::new();
    for (stored, row) in &entries {
        let due = stored.due(rules);
        let level = row.try_get::<i64, _>("level")? as u8;
        let entry = RectificationEntry {
            id: stored.id.clone(),
            state: stored.state,
            state_label: stored.state.label().into(),
            subject: String::new(),
            responsible: String::new(),
            level_label: rules.level_label(level),
            rated_at: stored_instant(&row.try_get::<String, _>("rated_at")?)?,
            due: due.map(|(date, _)| date),
            urgency: due.map(|(date, deadline)| urgency(&calendar, deadline, date, today)),
            appeal: stored.appeal,
        };
        items.push((entry, stored));
    }
    // Most urgent first; those waiting on nobody in the office (the rater, or closed) last.
    items.sort_by_key(|(entry, _)| {
        (
            entry.urgency.unwrap_or(Urgency::OnTime),
            entry.due.is_none(),
            entry.due,
        )
    });
    let page = Page::of(&items, paging);
    let mut shown = Vec::with_capacity(page.items.len());
    for (mut entry, stored) in page.items {
        let row = sqlx::query(
            "SELECT r.ticket_id, r.application_id, a.case_no FROM ratings r \
             LEFT JOIN applications a ON a.id = r.application_id WHERE r.id = $1",
        )
        .bind(&stored.rating_id)
        .fetch_one(portal.db().pool())
        .await?;
        entry.subject = subject_of(portal, &row).await?;
        entry.responsible = office_name(portal, stored).await?;
        shown.push(entry);
    }
    Ok(Page {
        items: shown,
        total: page.total,
        page: page.page,
        page_size: page.page_size,
    })
}

/// Moves rectification `stored` from `from` to `to` with `sets` (already bound from `$3` on),
/// or answers 409 when another step came first.
async fn step(
    tx: &mut Transaction<'static, Any>,
    stored: &Stored,
    from: &[RectificationState],
    to: RectificationState,
    sets: &str,
    values: &[String],
) -> Result<()> {
    let from = from
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "UPDATE rectifications SET state = $1, {sets} WHERE id = $2 AND state IN ({from}) \
         RETURNING id"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(to.as_str())
        .bind(&stored.id);
    for value in values {
        query = query.bind(value.clone());
    }
    if query.fetch_optional(&mut **tx).await?.is_none() {
        return Err(not_now("刚刚有其他工作人员处理了这件差评，请刷新后查看"));
    }
    Ok(())
}

fn refuse_step(stored: &Stored, staff: &StaffPrincipal, action: &str) -> Result<()> {
    if stored.actions(staff).iter().any(|a| a == action) {
        Ok(())
    } else if stored.is_handler(staff) || stored.is_office_of(staff) {
        Err(not_now(&format!(
            "这件差评现在是“{}”，不能进行这一步",
            stored.state.label()
        )))
    } else {
        Err(Error::FORBIDDEN)
    }
}

/// `POST /staff/rectifications/{id}/callback`: 回访核实 done, with its result; on time when done
/// by its due day.
pub async fn callback(
    portal: &Portal,
    session: &Session,
    id: &str,
    request: CallbackRequest,
) -> Result<RectificationView> {
    let staff = session.require_staff(HandleRectifications::ROLES)?;
    let stored = fetch(portal, staff, id).await?;
    refuse_step(&stored, staff, "callback")?;
    let result = request.check().map_err(Error::Invalid)?;
    let now = portal.now();
    let today = today_at(now);
    let on_time = today <= stored.callback_due;
    let mut tx = portal.db().begin_write().await?;
    step(
        &mut tx,
        &stored,
        &[RectificationState::CallbackPending],
        RectificationState::Rectifying,
        &format!(
            "callback_result = $3, called_back_on = $4, updated_at = $5, \
             callback_on_time = {}",
            i64::from(on_time)
        ),
        &[result.clone(), today.to_string(), stamp(now)],
    )
    .await?;
    let late = if on_time {
        ""
    } else {
        "（已超过回访时限）"
    };
    let text = format!("已回访核实{late}：{result}");
    staff_step(
        &mut tx,
        portal,
        session,
        staff,
        &stored.id,
        "called_back",
        &text,
    )
    .await?;
    tx.commit().await?;
    rectification(portal, session, id).await
}

/// `POST /staff/rectifications/{id}/answer`: 整改 done and answered; the rater is told and asked
/// to judge the answer.
pub async fn answer(
    portal: &Portal,
    session: &Session,
    id: &str,
    request: AnswerRequest,
) -> Result<RectificationView> {
    let staff = session.require_staff(HandleRectifications::ROLES)?;
    let stored = fetch(portal, staff, id).await?;
    refuse_step(&stored, staff, "answer")?;
    let answer = request.check().map_err(Error::Invalid)?;
    let now = portal.now();
    let today = today_at(now);
    let first = stored.state == RectificationState::Rectifying;
    let on_time = today <= stored.answer_due;
    let next = stored
        .state
        .next(Step::Answer)
        .ok_or_else(|| not_now("现在不能答复"))?;
    let mut tx = portal.db().begin_write().await?;
    step(
        &mut tx,
        &stored,
        &[stored.state],
        next,
        &format!(
            "answer = $3, answered_at = $4, updated_at = $4, answered_on = COALESCE(answered_on, $5), \
             answer_on_time = CASE WHEN answered_on IS NULL THEN {} ELSE answer_on_time END",
            i64::from(on_time)
        ),
        &[answer.clone(), stamp(now), today.to_string()],
    )
    .await?;
    let late = if first && !on_time {
        "（已超过整改时限）"
    } else {
        ""
    };
    let text = format!("整改答复{late}：{answer}");
    staff_step(
        &mut tx, portal, session, staff, &stored.id, "answered", &text,
    )
    .await?;
    match &stored.rater {
        Some(rater) => {
            messages::send(
                &mut tx,
                portal,
                NewMessage {
                    citizen_id: rater,
                    kind: "rating_answered",
                    title: "您的差评已有整改答复".into(),
                    body: "有关部门已对您反映的问题作出整改答复，请查看并评价整改结果。".into(),
                    application_id: None,
                    link: Some("/me/ratings".into()),
                    dedup_key: format!("rating_answered:{}:{}", stored.id, stamp(now)),
                },
            )
            .await?;
        }
        None => {
            // Nobody to re-rate (a walk-in rated at the window): the answer closes the loop.
            sqlx::query("UPDATE rectifications SET state = 'closed' WHERE id = $1")
                .bind(&stored.id)
                .execute(&mut *tx)
                .await?;
            let text = "评价人未登记，无法再评价；整改答复后办结。";
            record(
                &mut tx,
                portal,
                &stored.id,
                "closed",
                "系统",
                &session.principal.audit_actor(),
                text,
            )
            .await?;
        }
    }
    tx.commit().await?;
    rectification(portal, session, id).await
}

/// `POST /staff/rectifications/{id}/appeal`: the office contests the rating as false or
/// malicious, once, with its evidence; the loop goes on while the supervision office decides.
pub async fn appeal(
    portal: &Portal,
    session: &Session,
    id: &str,
    request: AppealRequest,
) -> Result<RectificationView> {
    let staff = session.require_staff(HandleRectifications::ROLES)?;
    let stored = fetch(portal, staff, id).await?;
    refuse_step(&stored, staff, "appeal")?;
    let (reason, evidence) = request.check().map_err(Error::Invalid)?;
    let now = portal.now();
    let mut tx = portal.db().begin_write().await?;
    let moved = sqlx::query(
        "UPDATE rectifications SET appeal = 'pending', appeal_reason = $1, appeal_evidence = $2, \
         updated_at = $3 WHERE id = $4 AND appeal IS NULL \
         AND state NOT IN ('closed', 'excluded') RETURNING id",
    )
    .bind(&reason)
    .bind(&evidence)
    .bind(stamp(now))
    .bind(&stored.id)
    .fetch_optional(&mut *tx)
    .await?;
    if moved.is_none() {
        return Err(not_now("这件差评已经申诉过，或已办结"));
    }
    let text = format!("申诉：{reason}。佐证材料：{evidence}");
    staff_step(
        &mut tx, portal, session, staff, &stored.id, "appealed", &text,
    )
    .await?;
    tx.commit().await?;
    rectification(portal, session, id).await
}

/// `POST /staff/rectifications/{id}/review` (复核): the rating stays, or is excluded from the
/// published figures as false or malicious (it stays visible to supervisors, with the decision).
pub async fn review(
    portal: &Portal,
    session: &Session,
    id: &str,
    request: ReviewRequest,
) -> Result<RectificationView> {
    let staff = session.require_staff(ReviewAppeals::ROLES)?;
    let stored = fetch(portal, staff, id).await?;
    refuse_step(&stored, staff, "review")?;
    let (decision, reason) = request.check().map_err(Error::Invalid)?;
    let now = portal.now();
    let mut tx = portal.db().begin_write().await?;
    let moved = sqlx::query(
        "UPDATE rectifications SET appeal = $1, review_reason = $2, updated_at = $3, \
         state = CASE WHEN $1 = 'excluded' THEN 'excluded' ELSE state END \
         WHERE id = $4 AND appeal = 'pending' RETURNING id",
    )
    .bind(decision.as_str())
    .bind(&reason)
    .bind(stamp(now))
    .bind(&stored.id)
    .fetch_optional(&mut *tx)
    .await?;
    if moved.is_none() {
        return Err(not_now("这项申诉已经复核过了"));
    }
    if decision == AppealState::Excluded {
        sqlx::query("UPDATE ratings SET excluded = 1 WHERE id = $1")
            .bind(&stored.rating_id)
            .execute(&mut *tx)
            .await?;
    }
    let text = match decision {
        AppealState::Excluded => format!("复核认定为不实或恶意评价，剔除出统计：{reason}"),
        _ => format!("复核维持评价：{reason}"),
    };
    staff_step(
        &mut tx, portal, session, staff, &stored.id, "reviewed", &text,
    )
    .await?;
    tx.commit().await?;
    rectification(portal, session, id).await
}

/// `POST /staff/rectifications/{id}/reveal-phone`: the rater's phone for the call-back, shown to
/// the handler only and written to the audit log (the rater can read it in 谁查看了我的信息).
pub async fn reveal_phone(portal: &Portal, session: &Session, id: &str) -> Result<RevealedPhone> {
    let staff = session.require_staff(HandleRectifications::ROLES)?;
    let stored = fetch(portal, staff, id).await?;
    refuse_step(&stored, staff, "reveal_phone")?;
    let rater = stored
        .rater
        .clone()
        .ok_or(Error::NotFound("评价人未登记联系方式"))?;
    let phone: String = sqlx::query("SELECT phone FROM citizens WHERE id = $1")
        .bind(&rater)
        .fetch_one(portal.db().pool())
        .await?
        .try_get("phone")?;
    let purpose = "差评回访核实，查看联系电话";
    crate::staff::record_staff_view(portal, session, staff, &rater, "staff.view", purpose).await?;
    let mut tx = portal.db().begin_write().await?;
    // Touching the row first orders this event after any step taken at the same moment.
    let open = sqlx::query(
        "UPDATE rectifications SET updated_at = $1 WHERE id = $2 \
         AND state NOT IN ('closed', 'excluded') RETURNING id",
    )
    .bind(stamp(portal.now()))
    .bind(&stored.id)
    .fetch_optional(&mut *tx)
    .await?;
    if open.is_none() {
        return Err(not_now("这件差评已办结"));
    }
    staff_step(
        &mut tx,
        portal,
        session,
        staff,
        &stored.id,
        "phone_revealed",
        purpose,
    )
    .await?;
    tx.commit().await?;
    Ok(RevealedPhone { phone })
}

/// The filter of the published figures (`GET /ratings/stats`).
#[derive(Clone, Debug, Default)]
pub struct StatsQuery {
    pub group: Option<String>,
    pub period: Option<String>,
    pub department: Option<String>,
    pub hall: Option<String>,
    /// A hall zone (with `hall`): a zone's own figures.
    pub zone: Option<String>,
    pub item_code: Option<String>,
}

/// `GET /ratings/stats`: the month's published figures by department, hall, item or month;
/// excluded ratings are left out.
pub async fn stats(portal: &Portal, query: StatsQuery, paging: PageRequest) -> Result<RatingStats> {
    let mut errors = domain::errors::FieldErrors::new();
    let present = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(String::from)
    };
    let group = match present(&query.group) {
        None => StatsGroup::Department,
        Some(text) => StatsGroup::parse(&text).unwrap_or_else(|| {
            errors.add("group", "分组应为 department、hall、item 或 month");
            StatsGroup::Department
        }),
    };
    let today = today_at(portal.now());
    let period = match present(&query.period) {
        None => format!("{:04}-{:02}", today.year(), u8::from(today.month())),
        Some(text) => {
            if parse_period(&text).is_none() {
                errors.add("period", "月份应写作 2026-12");
            }
            text
        }
    };
    errors.into_result().map_err(Error::Invalid)?;
    let (year, month) = parse_period(&period).expect("checked");
    let months = months_up_to(year, month, 12);
    let (department, hall, zone, item) = (
        present(&query.department),
        present(&query.hall),
        present(&query.zone),
        present(&query.item_code),
    );
    let mut filter = String::from("r.excluded = 0");
    let mut binds: Vec<String> = Vec::new();
    let mut bind = |filter: &mut String, clause: &str, value: String| {
        binds.push(value);
        filter.push_str(&format!(" AND {clause} = ${}", binds.len()));
    };
    for (clause, value) in [
        ("r.department_code", &department),
        ("r.hall_id", &hall),
        ("r.zone", &zone),
        ("r.item_code", &item),
    ] {
        if let Some(value) = value {
            bind(&mut filter, clause, value.clone());
        }
    }
    let month_filter = match group {
        StatsGroup::Month => {
            binds.push(months[0].clone());
            binds.push(months[11].clone());
            format!(
                " AND r.rated_month >= ${} AND r.rated_month <= ${}",
                binds.len() - 1,
                binds.len()
            )
        }
        _ => {
            binds.push(period.clone());
            format!(" AND r.rated_month = ${}", binds.len())
        }
    };
    filter.push_str(&month_filter);
    let key = match group {
        StatsGroup::Department => "r.department_code",
        StatsGroup::Hall => "r.hall_id",
        StatsGroup::Item => "r.item_code",
        StatsGroup::Month => "r.rated_month",
    };
    const COUNTS: &str = "COUNT(*) AS ratings, \
         SUM(CASE WHEN r.level >= 3 THEN 1 ELSE 0 END) AS satisfied, \
         SUM(CASE WHEN r.level <= 2 THEN 1 ELSE 0 END) AS bad, \
         SUM(COALESCE(x.callback_on_time, 0)) AS called_back, \
         SUM(COALESCE(x.answer_on_time, 0)) AS answered \
         FROM ratings r LEFT JOIN rectifications x ON x.rating_id = r.id";
    let run = |sql: String| {
        let mut statement = sqlx::query(sqlx::AssertSqlSafe(sql));
        for value in &binds {
            statement = statement.bind(value.clone());
        }
        statement.fetch_all(portal.db().pool())
    };
    let mut tallies: HashMap<String, Tally> = HashMap::new();
    let grouped = format!(
        "SELECT {key} AS key, {COUNTS} WHERE {filter} AND {key} IS NOT NULL GROUP BY {key}"
    );
    for row in run(grouped).await? {
        tallies.insert(row.try_get("key")?, tally_of(&row)?);
    }
    // The total counts every rating under the filter, also those the grouping has no row for
    // (online ratings have no hall, walk-in tickets no department).
    let summary = match run(format!("SELECT {COUNTS} WHERE {filter}"))
        .await?
        .first()
    {
        Some(row) => tally_of(row)?,
        None => Tally::default(),
    };
    let names = names(portal, group).await?;
    let rows: Vec<StatsRow> = match group {
        StatsGroup::Month => months
            .iter()
            .map(|m| {
                StatsRow::new(
                    m.clone(),
                    m.clone(),
                    tallies.get(m).copied().unwrap_or_default(),
                )
            })
            .collect(),
        _ => {
            let mut rows: Vec<StatsRow> = tallies
                .iter()
                .map(|(key, tally)| {
                    let name = names.get(key).cloned().unwrap_or_else(|| key.clone());
                    StatsRow::new(key.clone(), name, *tally)
                })
                .collect();
            rows.sort_by(|a, b| b.ratings.cmp(&a.ratings).then(a.key.cmp(&b.key)));
            rows
        }
    };
    let page = Page::of(&rows, paging);
    Ok(RatingStats {
        items: page.items,
        total: page.total,
        page: page.page,
        page_size: page.page_size,
        group,
        period,
        department,
        hall,
        item_code: item,
        summary: StatsRow::new("total".into(), "合计".into(), summary),
    })
}

fn tally_of(row: &AnyRow) -> Result<Tally> {
    let count = |column: &str| -> Result<u64> {
        Ok(row.try_get::<Option<i64>, _>(column)?.unwrap_or(0).max(0) as u64)
    };
    Ok(Tally {
        ratings: count("ratings")?,
        satisfied: count("satisfied")?,
        bad: count("bad")?,
        called_back_on_time: count("called_back")?,
        answered_on_time: count("answered")?,
    })
}

async fn names(portal: &Portal, group: StatsGroup) -> Result<HashMap<String, String>> {
    let sql = match group {
        StatsGroup::Department => "SELECT code AS key, name FROM departments",
        StatsGroup::Hall => "SELECT id AS key, name FROM halls",
        StatsGroup::Item => "SELECT code AS key, name FROM items",
        StatsGroup::Month => return Ok(HashMap::new()),
    };
    sqlx::query(sql)
        .fetch_all(portal.db().pool())
        .await?
        .iter()
        .map(|row| Ok((row.try_get("key")?, row.try_get("name")?)))
        .collect()
}

/// The ticket the tablet's window served last today, if any.
async fn last_served(portal: &Portal, device: &Device) -> Result<Option<String>> {
    let today = today_at(portal.now()).to_string();
    let row = sqlx::query(
        "SELECT id FROM queue_tickets WHERE hall_id = $1 AND window_no = $2 AND day = $3 \
         AND state = 'served' ORDER BY finished_at DESC, number DESC LIMIT 1",
    )
    .bind(&device.hall_id)
    .bind(device.window.map(i64::from))
    .bind(&today)
    .fetch_optional(portal.db().pool())
    .await?;
    Ok(row.map(|r| r.try_get("id")).transpose()?)
}

/// The ticket a window's rating tablet offers now: the one the window served last today, if it
/// is not rated yet.
pub async fn window_ticket(
    portal: &Portal,
    device: &Device,
) -> Result<Option<(String, RatingOffer)>> {
    devices::require(device, DeviceKind::Rater, &device.hall_id)?;
    let Some(ticket) = last_served(portal, device).await? else {
        return Ok(None);
    };
    let target = ticket_target(portal, &ticket).await?;
    let offer = offer_for(portal, &target).await?;
    Ok(offer.open.then_some((ticket, offer)))
}

/// This month's figures of the reader's own scope: a department's by item, a hall zone's hall
/// month by month, the supervision office's by department.
pub async fn scope_stats(portal: &Portal, session: &Session) -> Result<RatingStats> {
    let staff = session.require_staff(HandleRectifications::ROLES)?;
    let query = match &staff.scope {
        StaffScope::Department { department } => StatsQuery {
            group: Some("item".into()),
            department: Some(department.clone()),
            ..StatsQuery::default()
        },
        StaffScope::Zone { hall_id, zone } => StatsQuery {
            group: Some("month".into()),
            hall: Some(hall_id.clone()),
            zone: Some(zone.as_str().to_owned()),
            ..StatsQuery::default()
        },
        StaffScope::Platform => StatsQuery::default(),
    };
    let paging = PageRequest {
        page: 1,
        page_size: domain::paging::MAX_PAGE_SIZE,
    };
    stats(portal, query, paging).await
}

/// The hourly sweep: an answer its rater has not judged within `ratings.re_rate_days` closes
/// the rectification. Safe on several instances: each close is conditional on the state.
pub async fn sweep(portal: &Portal) -> Result<u64> {
    let days = i64::from(rules(portal).re_rate_days);
    let cutoff = stamp(portal.now() - time::Duration::days(days));
    let due =
        sqlx::query("SELECT id FROM rectifications WHERE state = 'answered' AND answered_at < $1")
            .bind(&cutoff)
            .fetch_all(portal.db().pool())
            .await?;
    let mut closed = 0;
    for row in due {
        let id: String = row.try_get("id")?;
        let mut tx = portal.db().begin_write().await?;
        let moved = sqlx::query(
            "UPDATE rectifications SET state = 'closed', updated_at = $1 \
             WHERE id = $2 AND state = 'answered' AND answered_at < $3 RETURNING id",
        )
        .bind(stamp(portal.now()))
        .bind(&id)
        .bind(&cutoff)
        .fetch_optional(&mut *tx)
        .await?;
        if moved.is_some() {
            let text = format!("评价人 {days} 日内未对整改答复作出评价，整改办结。");
            record(&mut tx, portal, &id, "closed", "系统", "system", &text).await?;
            closed += 1;
        }
        tx.commit().await?;
    }
    Ok(closed)
}

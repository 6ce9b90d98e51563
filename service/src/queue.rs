//! 取号叫号: check-in turns a booking into a queue ticket (at the kiosk, or on the holder's phone
//! with the hall's rotating entrance code), a walk-in takes a ticket at the kiosk and is never
//! refused, clerks call tickets to their window, and the hall display shows the calls.
//!
//! Ticket numbers come from `counters` inside the issuing transaction, so they are gap-free and
//! unique per hall, day, zone and kind under any concurrency. Calling a ticket is one conditional
//! update (`… WHERE state = 'waiting'`): two clerks calling at the same moment get two tickets.

use crate::accounts::new_id;
use crate::appointments::hold;
use crate::auth::{Session, StaffPrincipal, random_token};
use crate::clock::{parse_stamp, stamp, stored_instant, today_at};
use crate::devices::{self, Device};
use crate::staff::{Capability, Intake};
use crate::{Error, Portal, Result, catalog, counters};
use domain::account::StaffScope;
use domain::appointment::{
    check_in_window, entrance_code, entrance_code_matches, normalise_booking_code,
};
use domain::catalog::{Hall, Zone};
use domain::device::DeviceKind;
use domain::identity::IdNumber;
use domain::instant::Instant;
use domain::queue::{
    BoardCall, CallNextRequest, CheckInRequest, HallBoard, KioskCheckIn, QueueDesk, ServeRequest,
    TicketKind, TicketState, TicketView, Waiting, WalkInRequest, ZoneWaiting, calling_order,
    estimated_wait_minutes, ticket_number,
};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// A clerk's step on a called ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TicketStep {
    /// 重呼: call the same ticket again.
    Recall,
    /// 过号: the person did not come.
    NoShow,
    /// 开始办理.
    Start,
    /// 办结, linked to the case the visit filed or accepted.
    Serve(ServeRequest),
}

/// `POST /halls/{hall_id}/tickets` from a kiosk: a walk-in ticket; never refused for lack of a
/// booking or of capacity (严禁限号).
pub async fn walk_in(
    portal: &Portal,
    device: &Device,
    hall_id: &str,
    request: WalkInRequest,
) -> Result<TicketView> {
    devices::require(device, DeviceKind::Kiosk, hall_id)?;
    let hall = catalog::hall(portal.db(), hall_id).await?;
    let zone = request
        .zone
        .filter(|z| hall.zone(*z).is_some())
        .ok_or_else(|| Error::invalid("zone", "请选择要办理的业务分区"))?;
    let now = portal.now();
    let mut tx = portal.db().begin_write().await?;
    let id = issue(
        &mut tx,
        &hall,
        zone,
        TicketKind::WalkIn,
        None,
        &device.actor(),
        now,
    )
    .await?;
    tx.commit().await?;
    ticket(portal, &id).await
}

/// `POST /halls/{hall_id}/check-ins` from a kiosk: the booking found by its code (typed, or read
/// from its QR code) or by the holder's ID number becomes a ticket.
pub async fn kiosk_check_in(
    portal: &Portal,
    device: &Device,
    hall_id: &str,
    request: KioskCheckIn,
) -> Result<TicketView> {
    devices::require(device, DeviceKind::Kiosk, hall_id)?;
    let now = portal.now();
    let code = request
        .booking_code
        .as_deref()
        .map(normalise_booking_code)
        .filter(|c| !c.is_empty());
    let id_number = request
        .id_number
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let appointment_id = match (code, id_number) {
        (Some(code), _) => {
            sqlx::query("SELECT id FROM appointments WHERE booking_code = $1 AND hall_id = $2")
                .bind(&code)
                .bind(hall_id)
                .fetch_optional(portal.db().pool())
                .await?
                .map(|r| r.try_get::<String, _>("id"))
                .transpose()?
                .ok_or_else(|| {
                    Error::invalid("booking_code", "没有找到本大厅的这个预约码，请核对")
                })?
        }
        (None, Some(text)) => {
            let number = IdNumber::parse(text, today_at(now))
                .map_err(|e| Error::invalid("id_number", e.to_string()))?;
            // Today's booking at this hall whose check-in window is open now, earliest first.
            let rows = sqlx::query(
                "SELECT a.id, a.starts_at FROM appointments a JOIN citizens c ON c.id = a.citizen_id \
                 WHERE c.id_number = $1 AND a.hall_id = $2 AND a.day = $3 AND a.state = 'booked' \
                 ORDER BY a.starts_at",
            )
            .bind(number.expose())
            .bind(hall_id)
            .bind(today_at(now).to_string())
            .fetch_all(portal.db().pool())
            .await?;
            let rules = portal.booking_rules();
            rows.iter()
                .find(|row| {
                    row.try_get::<String, _>("starts_at")
                        .ok()
                        .and_then(|s| parse_stamp(&s))
                        .is_some_and(|start| {
                            let (from, until) = check_in_window(start, rules);
                            from <= now && now <= until
                        })
                })
                .map(|row| row.try_get::<String, _>("id"))
                .transpose()?
                .ok_or_else(|| {
                    Error::invalid(
                        "id_number",
                        "没有找到您现在可以签到的本大厅预约；没有预约也可以直接取号",
                    )
                })?
        }
        (None, None) => {
            return Err(Error::invalid(
                "booking_code",
                "请输入预约码，或扫描预约二维码，或输入身份证号",
            ));
        }
    };
    let holder: String = sqlx::query("SELECT citizen_id FROM appointments WHERE id = $1")
        .bind(&appointment_id)
        .fetch_one(portal.db().pool())
        .await?
        .try_get("citizen_id")?;
    check_in_booking(portal, &appointment_id, &holder, &device.actor(), now).await
}

/// `POST /appointments/{id}/check-in` from the holder's phone, with the code the hall's
/// entrance display shows (presence: only someone in front of it can read it).
pub async fn check_in(
    portal: &Portal,
    session: &Session,
    appointment_id: &str,
    request: CheckInRequest,
) -> Result<TicketView> {
    let citizen = session.require_citizen()?;
    let row = sqlx::query("SELECT hall_id FROM appointments WHERE id = $1 AND citizen_id = $2")
        .bind(appointment_id)
        .bind(&citizen.citizen_id)
        .fetch_optional(portal.db().pool())
        .await?
        .ok_or(Error::NotFound("没有找到该预约"))?;
    let hall_id: String = row.try_get("hall_id")?;
    // A six-digit code proves presence only if it cannot be guessed: a few tries per booking.
    crate::auth::throttle(portal, "check_in", appointment_id).await?;
    let now = portal.now();
    let secret = hall_secret(portal, &hall_id).await?;
    if !entrance_code_matches(
        secret.as_bytes(),
        &hall_id,
        now,
        portal.booking_rules().entrance_code_secs,
        &request.code,
    ) {
        return Err(Error::invalid(
            "code",
            "签到码不正确或已过期，请扫描大厅入口屏幕上最新的签到码",
        ));
    }
    check_in_booking(
        portal,
        appointment_id,
        &citizen.citizen_id,
        &format!("citizen:{}", citizen.citizen_id),
        now,
    )
    .await
}

/// The booking becomes a booked ticket, inside its check-in window, once.
async fn check_in_booking(
    portal: &Portal,
    appointment_id: &str,
    holder: &str,
    issued_by: &str,
    now: OffsetDateTime,
) -> Result<TicketView> {
    let rules = portal.booking_rules();
    // The hall is read before the transaction: a transaction that waits for a second pooled
    // connection can starve the pool when many check in at once.
    let hall_id: String = sqlx::query("SELECT hall_id FROM appointments WHERE id = $1")
        .bind(appointment_id)
        .fetch_one(portal.db().pool())
        .await?
        .try_get("hall_id")?;
    let hall = catalog::hall(portal.db(), &hall_id).await?;
    let mut tx = portal.db().begin_write().await?;
    hold(&mut tx, holder, now).await?;
    let row = sqlx::query("SELECT zone, state, starts_at FROM appointments WHERE id = $1")
        .bind(appointment_id)
        .fetch_one(&mut *tx)
        .await?;
    let starts_at = parse_stamp(&row.try_get::<String, _>("starts_at")?)
        .ok_or_else(|| anyhow::anyhow!("bad starts_at"))?;
    let state: String = row.try_get("state")?;
    if state == "checked_in" {
        return Err(Error::Conflict {
            code: "already_checked_in",
            message: "该预约已经签到，请留意叫号".into(),
        });
    }
    if state != "booked" {
        return Err(Error::Conflict {
            code: "state_conflict",
            message: "该预约已取消或已过期，不能签到；可以现场取号办理".into(),
        });
    }
    let (from, until) = check_in_window(starts_at, rules);
    if now < from || now > until {
        return Err(Error::Conflict {
            code: "check_in_closed",
            message: format!(
                "签到时间为 {} 至 {}；已过签到时间的，可以现场取号办理",
                Instant::new(from).china_minute(),
                Instant::new(until).china_minute()
            ),
        });
    }
    let zone_text: String = row.try_get("zone")?;
    let zone = Zone::parse(&zone_text).ok_or_else(|| anyhow::anyhow!("zone {zone_text:?}"))?;
    let checked = sqlx::query(
        "UPDATE appointments SET state = 'checked_in', updated_at = $1 \
         WHERE id = $2 AND state = 'booked' RETURNING id",
    )
    .bind(stamp(now))
    .bind(appointment_id)
    .fetch_optional(&mut *tx)
    .await?;
    if checked.is_none() {
        return Err(Error::Conflict {
            code: "state_conflict",
            message: "该预约刚刚发生了变化（已签到或大厅暂停服务），请刷新后查看".into(),
        });
    }
    let id = issue(
        &mut tx,
        &hall,
        zone,
        TicketKind::Booked,
        Some((appointment_id, starts_at)),
        issued_by,
        now,
    )
    .await?;
    tx.commit().await?;
    ticket(portal, &id).await
}

/// Writes a new ticket with the day's next number of its zone and kind.
async fn issue(
    tx: &mut Transaction<'static, Any>,
    hall: &Hall,
    zone: Zone,
    kind: TicketKind,
    booking: Option<(&str, OffsetDateTime)>,
    issued_by: &str,
    now: OffsetDateTime,
) -> Result<String> {
    let day = today_at(now).to_string();
    let sequence = counters::next_value(
        tx,
        &format!(
            "ticket:{}:{day}:{}:{}",
            hall.id,
            zone.as_str(),
            kind.as_str()
        ),
    )
    .await?;
    let id = new_id("tk");
    sqlx::query(
        "INSERT INTO queue_tickets (id, hall_id, day, zone, kind, number, appointment_id, \
         slot_starts_at, state, issued_at, issued_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'waiting', $9, $10)",
    )
    .bind(&id)
    .bind(&hall.id)
    .bind(&day)
    .bind(zone.as_str())
    .bind(kind.as_str())
    .bind(ticket_number(zone, kind, sequence))
    .bind(booking.map(|(appointment, _)| appointment))
    .bind(booking.map(|(_, start)| stamp(start)))
    .bind(stamp(now))
    .bind(issued_by)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

const TICKET_SELECT: &str = "SELECT t.id, t.hall_id, t.day, t.zone, t.kind, t.number, t.state, \
     t.issued_at, t.slot_starts_at, t.window_no, t.called_at, a.case_no \
     FROM queue_tickets t LEFT JOIN applications a ON a.id = t.application_id";

/// `GET /queue/tickets/{id}`: where a ticket stands. The id is unguessable and the answer holds
/// no personal data, so the printed ticket's QR code opens it without an account.
pub async fn ticket(portal: &Portal, id: &str) -> Result<TicketView> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{TICKET_SELECT} WHERE t.id = $1"
    )))
    .bind(id)
    .fetch_optional(portal.db().pool())
    .await?
    .ok_or(Error::NotFound("没有找到该排队号"))?;
    ticket_view(portal, &row).await
}

async fn ticket_view(portal: &Portal, row: &AnyRow) -> Result<TicketView> {
    let hall = catalog::hall(portal.db(), &row.try_get::<String, _>("hall_id")?).await?;
    let zone_text: String = row.try_get("zone")?;
    let zone = Zone::parse(&zone_text).ok_or_else(|| anyhow::anyhow!("zone {zone_text:?}"))?;
    let kind_text: String = row.try_get("kind")?;
    let kind =
        TicketKind::parse(&kind_text).ok_or_else(|| anyhow::anyhow!("kind {kind_text:?}"))?;
    let state_text: String = row.try_get("state")?;
    let state =
        TicketState::parse(&state_text).ok_or_else(|| anyhow::anyhow!("state {state_text:?}"))?;
    let id: String = row.try_get("id")?;
    let day: String = row.try_get("day")?;
    let (position, wait) = if state == TicketState::Waiting {
        let (position, wait) = standing_in_line(portal, &hall, zone, &day, &id).await?;
        (Some(position), Some(wait))
    } else {
        (None, None)
    };
    let window = row
        .try_get::<Option<i64>, _>("window_no")?
        .map(|w| w as u32);
    let optional_instant = |name: &str| -> Result<Option<Instant>> {
        row.try_get::<Option<String>, _>(name)?
            .as_deref()
            .map(stored_instant)
            .transpose()
    };
    Ok(TicketView {
        number: row.try_get("number")?,
        hall_id: hall.id.clone(),
        hall_name: hall.name.clone(),
        zone,
        zone_label: zone.label().into(),
        kind,
        state,
        state_label: state.label().into(),
        issued_at: stored_instant(&row.try_get::<String, _>("issued_at")?)?,
        slot_starts_at: optional_instant("slot_starts_at")?,
        position,
        estimated_wait_minutes: wait,
        window,
        called_at: optional_instant("called_at")?,
        case_no: row.try_get("case_no")?,
        message: TicketView::message_for(state, window, position, wait),
        id,
    })
}

/// The waiting tickets of a zone's day in the order they will be called.
async fn line(
    portal: &Portal,
    conn: &mut sqlx::AnyConnection,
    hall_id: &str,
    zone: Zone,
    day: &str,
) -> Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT id, kind, issued_at, slot_starts_at FROM queue_tickets \
         WHERE hall_id = $1 AND day = $2 AND zone = $3 AND state = 'waiting'",
    )
    .bind(hall_id)
    .bind(day)
    .bind(zone.as_str())
    .fetch_all(&mut *conn)
    .await?;
    let mut ids = Vec::with_capacity(rows.len());
    let mut waiting = Vec::with_capacity(rows.len());
    for row in &rows {
        ids.push(row.try_get::<String, _>("id")?);
        let kind: String = row.try_get("kind")?;
        waiting.push(Waiting {
            kind: TicketKind::parse(&kind).unwrap_or(TicketKind::WalkIn),
            issued_at: parse_stamp(&row.try_get::<String, _>("issued_at")?)
                .ok_or_else(|| anyhow::anyhow!("bad issued_at"))?,
            slot_starts_at: row
                .try_get::<Option<String>, _>("slot_starts_at")?
                .as_deref()
                .and_then(parse_stamp),
        });
    }
    let limit = portal.booking_rules().booked_in_a_row;
    let recent = sqlx::query(
        "SELECT kind FROM queue_tickets WHERE hall_id = $1 AND day = $2 AND zone = $3 \
         AND first_called_at IS NOT NULL ORDER BY first_called_at DESC, id DESC LIMIT $4",
    )
    .bind(hall_id)
    .bind(day)
    .bind(zone.as_str())
    .bind(i64::from(limit.max(1)))
    .fetch_all(&mut *conn)
    .await?;
    let booked_in_row = recent
        .iter()
        .take_while(|r| r.try_get::<String, _>("kind").is_ok_and(|k| k == "booked"))
        .count() as u32;
    Ok(calling_order(&waiting, portal.now(), booked_in_row, limit)
        .into_iter()
        .map(|i| ids[i].clone())
        .collect())
}

/// How many are ahead of ticket `id`, and the estimated wait from today's average service time
/// of the zone (the hall's setting until someone has been served today).
async fn standing_in_line(
    portal: &Portal,
    hall: &Hall,
    zone: Zone,
    day: &str,
    id: &str,
) -> Result<(u32, u32)> {
    let mut conn = portal.db().pool().acquire().await?;
    let order = line(portal, &mut conn, &hall.id, zone, day).await?;
    let ahead = order.iter().position(|t| t == id).unwrap_or(order.len());
    let served = sqlx::query(
        "SELECT started_at, finished_at, window_no FROM queue_tickets WHERE hall_id = $1 \
         AND day = $2 AND zone = $3 AND state = 'served' AND started_at IS NOT NULL",
    )
    .bind(&hall.id)
    .bind(day)
    .bind(zone.as_str())
    .fetch_all(&mut *conn)
    .await?;
    let minutes: Vec<f64> = served
        .iter()
        .filter_map(|r| {
            let start = parse_stamp(&r.try_get::<String, _>("started_at").ok()?)?;
            let end = parse_stamp(&r.try_get::<Option<String>, _>("finished_at").ok()??)?;
            Some((end - start).as_seconds_f64() / 60.0)
        })
        .collect();
    let configured = hall.zone(zone).map_or(15, |z| z.service_minutes);
    let average = if minutes.is_empty() {
        f64::from(configured)
    } else {
        minutes.iter().sum::<f64>() / minutes.len() as f64
    };
    let windows: i64 = sqlx::query(
        "SELECT COUNT(DISTINCT window_no) AS n FROM queue_tickets WHERE hall_id = $1 \
         AND day = $2 AND zone = $3 AND window_no IS NOT NULL",
    )
    .bind(&hall.id)
    .bind(day)
    .bind(zone.as_str())
    .fetch_one(&mut *conn)
    .await?
    .try_get("n")?;
    Ok((
        ahead as u32,
        estimated_wait_minutes(ahead, average, windows.max(1) as u32),
    ))
}

/// The clerk's hall and zone.
fn counter_of(staff: &StaffPrincipal) -> Result<(String, Zone)> {
    match &staff.scope {
        StaffScope::Zone { hall_id, zone } => Ok((hall_id.clone(), *zone)),
        _ => Err(Error::FORBIDDEN),
    }
}

/// The clerk's queue panel: their zone's waiting count and the ticket at their window.
pub async fn desk(portal: &Portal, session: &Session) -> Result<QueueDesk> {
    let staff = session.require_staff(Intake::ROLES)?;
    let (hall_id, zone) = counter_of(staff)?;
    let hall = catalog::hall(portal.db(), &hall_id).await?;
    let day = today_at(portal.now()).to_string();
    let mut conn = portal.db().pool().acquire().await?;
    let waiting = line(portal, &mut conn, &hall_id, zone, &day).await?;
    let current = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{TICKET_SELECT} WHERE t.clerk_id = $1 AND t.day = $2 AND t.state IN ('called', 'serving') \
         ORDER BY t.called_at DESC LIMIT 1"
    )))
    .bind(&staff.staff_id)
    .bind(&day)
    .fetch_optional(&mut *conn)
    .await?;
    let last_window = sqlx::query(
        "SELECT window_no FROM queue_tickets WHERE clerk_id = $1 AND day = $2 \
         AND window_no IS NOT NULL ORDER BY called_at DESC LIMIT 1",
    )
    .bind(&staff.staff_id)
    .bind(&day)
    .fetch_optional(&mut *conn)
    .await?
    .map(|r| r.try_get::<i64, _>("window_no"))
    .transpose()?
    .map(|w| w as u32);
    drop(conn);
    let current = match current {
        Some(row) => Some(ticket_view(portal, &row).await?),
        None => None,
    };
    Ok(QueueDesk {
        hall_id: hall.id.clone(),
        hall_name: hall.name.clone(),
        zone,
        zone_label: zone.label().into(),
        windows: hall.zone(zone).map_or(0, |z| z.windows),
        window: last_window,
        waiting: waiting.len() as u32,
        current,
    })
}

/// `POST /staff/queue/call-next`: the next ticket of the clerk's zone to the clerk's window.
pub async fn call_next(
    portal: &Portal,
    session: &Session,
    request: CallNextRequest,
) -> Result<TicketView> {
    let staff = session.require_staff(Intake::ROLES)?;
    let (hall_id, zone) = counter_of(staff)?;
    let hall = catalog::hall(portal.db(), &hall_id).await?;
    let windows = hall.zone(zone).map_or(0, |z| z.windows);
    if !(1..=windows).contains(&request.window) {
        return Err(Error::invalid(
            "window",
            format!("请填写您的窗口号（1 至 {windows}）"),
        ));
    }
    let now = portal.now();
    let day = today_at(now).to_string();
    let mut tx = portal.db().begin_write().await?;
    let open = sqlx::query(
        "SELECT number FROM queue_tickets WHERE clerk_id = $1 AND day = $2 \
         AND state IN ('called', 'serving')",
    )
    .bind(&staff.staff_id)
    .bind(&day)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(open) = open {
        let number: String = open.try_get("number")?;
        return Err(Error::Conflict {
            code: "ticket_open",
            message: format!("{number} 号还没有办结，请先办结或标记过号"),
        });
    }
    // Another clerk may take the first ticket between our read and our update; then the update
    // finds it no longer waiting and we take the next.
    for _ in 0..8 {
        let order = line(portal, &mut tx, &hall_id, zone, &day).await?;
        let Some(first) = order.first() else {
            return Err(Error::Conflict {
                code: "queue_empty",
                message: "现在没有等候的群众".into(),
            });
        };
        let called = sqlx::query(
            "UPDATE queue_tickets SET state = 'called', window_no = $1, clerk_id = $2, \
             first_called_at = $3, called_at = $3, call_count = call_count + 1 \
             WHERE id = $4 AND state = 'waiting' RETURNING id",
        )
        .bind(i64::from(request.window))
        .bind(&staff.staff_id)
        .bind(stamp(now))
        .bind(first)
        .fetch_optional(&mut *tx)
        .await
        .map_err(|error| match error.as_database_error().map(|e| e.kind()) {
            // Two 叫下一位 of one clerk at once: the index allows one open ticket per clerk.
            Some(sqlx::error::ErrorKind::UniqueViolation) => Error::Conflict {
                code: "ticket_open",
                message: "本窗口已叫到一个号，请先办结或标记过号".into(),
            },
            _ => Error::from(error),
        })?;
        if called.is_some() {
            tx.commit().await?;
            return ticket(portal, first).await;
        }
    }
    Err(Error::Conflict {
        code: "state_conflict",
        message: "叫号的人太多，请稍后再试".into(),
    })
}

/// `POST /staff/queue/tickets/{id}/recall|no-show|start|serve`, by the clerk at whose window the
/// ticket was called.
pub async fn act(
    portal: &Portal,
    session: &Session,
    id: &str,
    step: TicketStep,
) -> Result<TicketView> {
    let staff = session.require_staff(Intake::ROLES)?;
    counter_of(staff)?;
    let now = portal.now();
    let case = match &step {
        TicketStep::Serve(ServeRequest {
            case_no: Some(case_no),
        }) if !case_no.trim().is_empty() => Some(
            sqlx::query("SELECT id FROM applications WHERE case_no = $1")
                .bind(case_no.trim())
                .fetch_optional(portal.db().pool())
                .await?
                .map(|r| r.try_get::<String, _>("id"))
                .transpose()?
                .ok_or_else(|| Error::invalid("case_no", "没有这个办件编号，请核对"))?,
        ),
        _ => None,
    };
    let mut tx = portal.db().begin_write().await?;
    let row = sqlx::query("SELECT state, clerk_id FROM queue_tickets WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(Error::NotFound("没有找到该排队号"))?;
    if row.try_get::<Option<String>, _>("clerk_id")?.as_deref() != Some(staff.staff_id.as_str()) {
        return Err(Error::NotFound("没有找到该排队号"));
    }
    let state: String = row.try_get("state")?;
    let (allowed, update): (&[&str], &str) = match step {
        TicketStep::Recall => (
            &["called"],
            "UPDATE queue_tickets SET called_at = $1, call_count = call_count + 1 WHERE id = $2",
        ),
        TicketStep::NoShow => (
            &["called"],
            "UPDATE queue_tickets SET state = 'no_show', finished_at = $1 WHERE id = $2",
        ),
        TicketStep::Start => (
            &["called"],
            "UPDATE queue_tickets SET state = 'serving', started_at = $1 WHERE id = $2",
        ),
        TicketStep::Serve(_) => (
            &["called", "serving"],
            "UPDATE queue_tickets SET state = 'served', started_at = COALESCE(started_at, $1), \
             finished_at = $1 WHERE id = $2",
        ),
    };
    if !allowed.contains(&state.as_str()) {
        let label = TicketState::parse(&state).map_or("", |s| s.label());
        return Err(Error::Conflict {
            code: "state_conflict",
            message: format!("该号当前为“{label}”，不能这样操作"),
        });
    }
    let applied = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{update} AND state = $3 RETURNING id"
    )))
    .bind(stamp(now))
    .bind(id)
    .bind(&state)
    .fetch_optional(&mut *tx)
    .await?;
    if applied.is_none() {
        return Err(Error::Conflict {
            code: "state_conflict",
            message: "该号刚刚被其他操作改变，请刷新后再试".into(),
        });
    }
    if let Some(application_id) = case {
        sqlx::query("UPDATE queue_tickets SET application_id = $1 WHERE id = $2")
            .bind(&application_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    ticket(portal, id).await
}

/// 大厅叫号屏: each window's latest call today and the waiting counts per zone; the entrance
/// check-in code only for a display provisioned in this hall.
pub async fn board(portal: &Portal, hall_id: &str, device: &Device) -> Result<HallBoard> {
    devices::require(device, DeviceKind::Display, hall_id)?;
    let hall = catalog::hall(portal.db(), hall_id).await?;
    let now = portal.now();
    let day = today_at(now).to_string();
    let rows = sqlx::query(
        "SELECT window_no, number, zone, called_at FROM queue_tickets WHERE hall_id = $1 \
         AND day = $2 AND called_at IS NOT NULL AND window_no IS NOT NULL \
         ORDER BY called_at DESC, id DESC LIMIT 200",
    )
    .bind(&hall.id)
    .bind(&day)
    .fetch_all(portal.db().pool())
    .await?;
    let mut latest: BTreeMap<(String, i64), BoardCall> = BTreeMap::new();
    for row in rows {
        let zone_text: String = row.try_get("zone")?;
        let window: i64 = row.try_get("window_no")?;
        let zone = Zone::parse(&zone_text).ok_or_else(|| anyhow::anyhow!("zone"))?;
        latest.entry((zone_text, window)).or_insert(BoardCall {
            window: window as u32,
            number: row.try_get("number")?,
            zone_label: zone.label().into(),
            called_at: stored_instant(&row.try_get::<String, _>("called_at")?)?,
        });
    }
    let mut calls: Vec<BoardCall> = latest.into_values().collect();
    calls.sort_by_key(|call| std::cmp::Reverse(call.called_at));
    calls.truncate(12);
    let counts = sqlx::query(
        "SELECT zone, COUNT(*) AS n FROM queue_tickets WHERE hall_id = $1 AND day = $2 \
         AND state = 'waiting' GROUP BY zone",
    )
    .bind(&hall.id)
    .bind(&day)
    .fetch_all(portal.db().pool())
    .await?;
    let waiting = hall
        .zones
        .iter()
        .map(|z| ZoneWaiting {
            zone: z.zone,
            zone_label: z.zone.label().into(),
            waiting: counts
                .iter()
                .find(|r| {
                    r.try_get::<String, _>("zone")
                        .is_ok_and(|t| t == z.zone.as_str())
                })
                .and_then(|r| r.try_get::<i64, _>("n").ok())
                .unwrap_or(0) as u32,
        })
        .collect();
    let secret = hall_secret(portal, &hall.id).await?;
    let step = now.unix_timestamp().max(0) as u64
        / u64::from(portal.booking_rules().entrance_code_secs.max(10));
    Ok(HallBoard {
        hall_id: hall.id.clone(),
        hall_name: hall.name.clone(),
        calls,
        waiting,
        entrance_code: Some(entrance_code(secret.as_bytes(), &hall.id, step)),
    })
}

/// The hall's entrance-code key, made on first use (every instance agrees: the insert is
/// conditional and everyone reads back the row that won).
async fn hall_secret(portal: &Portal, hall_id: &str) -> Result<String> {
    sqlx::query(
        "INSERT INTO hall_secrets (hall_id, secret) VALUES ($1, $2) ON CONFLICT (hall_id) DO NOTHING",
    )
    .bind(hall_id)
    .bind(random_token(32))
    .execute(portal.db().pool())
    .await?;
    Ok(
        sqlx::query("SELECT secret FROM hall_secrets WHERE hall_id = $1")
            .bind(hall_id)
            .fetch_one(portal.db().pool())
            .await?
            .try_get("secret")?,
    )
}

//! 预约: a hall's bookable slots, booking and cancelling under the operator's rules, a holder's
//! bookings, an admin's closure of a period (停止服务) and the hourly sweep (the reminder the day
//! before, no-shows after the slot).
//!
//! Zero overbooking without an application lock: a booking takes a seat with one conditional
//! statement (`booked = booked + 1 … WHERE booked < capacity`), and the table's CHECK refuses
//! anything else. One person's concurrent bookings queue behind their `booking_holders` row,
//! which every booking, cancellation and check-in touches first, so the per-person limits hold
//! under any concurrency. Locks are always taken holder → slot → booking, on both engines.

use crate::accounts::new_id;
use crate::auth::Session;
use crate::clock::{china_minute, parse_stamp, stamp, stored_instant, today_at};
use crate::messages::{self, NewMessage};
use crate::staff::{Capability, ManageStaff};
use crate::{Error, Portal, Result, audit, calendar, catalog};
use domain::appointment::{
    AppointmentState, AppointmentView, BookingRequest, BookingStanding, ClosedDay, ClosureRequest,
    ClosureView, DayChoice, DaySlots, SlotId, SlotSpec, SlotView, blocked_until, booking_code,
    check_in_window, day_slots, weekday_label,
};
use domain::catalog::{Hall, Zone};
use domain::form::parse_date;
use domain::instant::Instant;
use domain::paging::{Page, PageRequest};
use domain::queue::TicketRef;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;
use time::{Date, Duration, OffsetDateTime};

/// `GET /halls/{hall_id}/slots?date=&zone=`: the day's slots of one zone with what remains.
pub async fn slots(
    portal: &Portal,
    hall_id: &str,
    zone: Option<&str>,
    date: Option<&str>,
    paging: PageRequest,
) -> Result<DaySlots> {
    let hall = catalog::hall(portal.db(), hall_id).await?;
    let mut errors = domain::errors::FieldErrors::new();
    let zone = match zone.map(str::trim).filter(|z| !z.is_empty()) {
        None => {
            errors.add("zone", "请选择办理分区");
            None
        }
        Some(text) => match Zone::parse(text).filter(|z| hall.zone(*z).is_some()) {
            Some(zone) => Some(zone),
            None => {
                errors.add("zone", "本大厅没有这个分区");
                None
            }
        },
    };
    let date = match date.map(str::trim).filter(|d| !d.is_empty()) {
        None => {
            errors.add("date", "请选择预约日期");
            None
        }
        Some(text) => {
            let parsed = parse_date(text);
            if parsed.is_none() {
                errors.add("date", "日期应写作 2026-12-07");
            }
            parsed
        }
    };
    errors.into_result().map_err(Error::Invalid)?;
    let (zone, date) = (zone.expect("checked"), date.expect("checked"));
    let now = portal.now();
    let (open, reason, views) = match offered(portal, &hall, zone, date, now).await? {
        Err(reason) => (false, Some(reason), Vec::new()),
        Ok(specs) => {
            let taken = taken_seats(portal, &hall.id, zone, date).await?;
            let views = specs
                .iter()
                .map(|spec| slot_view(spec, taken.get(&spec.id.to_string()), now))
                .collect();
            (true, None, views)
        }
    };
    let page = Page::of(&views, paging);
    Ok(DaySlots {
        items: page.items,
        total: page.total,
        page: page.page,
        page_size: page.page_size,
        hall_id: hall.id.clone(),
        hall_name: hall.name.clone(),
        zone,
        date: date.to_string(),
        open,
        reason,
    })
}

/// The days of the booking horizon for `zone` at `hall`, each open or closed with the reason
/// (a holiday, a weekend without 5+X hours for the zone, a year without calendar data).
pub async fn days(portal: &Portal, hall: &Hall, zone: Zone) -> Result<Vec<DayChoice>> {
    let calendar = calendar::load(portal.db()).await?;
    let today = today_at(portal.now());
    Ok((0..portal.booking_rules().horizon_days.max(1))
        .map(|offset| {
            let date = today + Duration::days(i64::from(offset));
            let closed = day_slots(hall, zone, date, &calendar).err();
            DayChoice {
                date: date.to_string(),
                weekday: weekday_label(date).into(),
                open: closed.is_none(),
                reason: closed.map(|c| c.message(date)),
            }
        })
        .collect())
}

/// The slots `hall` offers `zone` on `date`, or why it offers none (closed, or outside the
/// booking horizon, which runs from today).
async fn offered(
    portal: &Portal,
    hall: &Hall,
    zone: Zone,
    date: Date,
    now: OffsetDateTime,
) -> Result<std::result::Result<Vec<SlotSpec>, String>> {
    let rules = portal.booking_rules();
    let today = today_at(now);
    let last = today + Duration::days(i64::from(rules.horizon_days.max(1)) - 1);
    if date < today {
        return Ok(Err(format!("{date} 已经过去")));
    }
    if date > last {
        return Ok(Err(format!(
            "只能预约今天起 {} 天内（至 {last}）的时段",
            rules.horizon_days
        )));
    }
    let calendar = calendar::load(portal.db()).await?;
    Ok(day_slots(hall, zone, date, &calendar).map_err(|closed: ClosedDay| closed.message(date)))
}

/// What a slot row says: seats booked and capacity, and the closure's reason if it closed.
struct Taken {
    capacity: u32,
    booked: u32,
    closure_reason: Option<String>,
}

async fn taken_seats(
    portal: &Portal,
    hall_id: &str,
    zone: Zone,
    date: Date,
) -> Result<HashMap<String, Taken>> {
    let rows = sqlx::query(
        "SELECT s.id, s.capacity, s.booked, c.reason FROM booking_slots s \
         LEFT JOIN hall_closures c ON c.id = s.closure_id \
         WHERE s.hall_id = $1 AND s.zone = $2 AND s.day = $3",
    )
    .bind(hall_id)
    .bind(zone.as_str())
    .bind(date.to_string())
    .fetch_all(portal.db().pool())
    .await?;
    let mut taken = HashMap::new();
    for row in rows {
        taken.insert(
            row.try_get::<String, _>("id")?,
            Taken {
                capacity: row.try_get::<i64, _>("capacity")? as u32,
                booked: row.try_get::<i64, _>("booked")? as u32,
                closure_reason: row.try_get("reason")?,
            },
        );
    }
    Ok(taken)
}

fn slot_view(spec: &SlotSpec, taken: Option<&Taken>, now: OffsetDateTime) -> SlotView {
    let capacity = taken.map_or(spec.capacity, |t| t.capacity);
    let remaining = capacity.saturating_sub(taken.map_or(0, |t| t.booked));
    let unavailable = if let Some(reason) = taken.and_then(|t| t.closure_reason.as_ref()) {
        Some(format!("暂停服务（{reason}）"))
    } else if spec.starts_at <= now {
        Some("已过预约时间".to_owned())
    } else if remaining == 0 {
        Some("已约满".to_owned())
    } else {
        None
    };
    SlotView {
        slot_id: spec.id.to_string(),
        starts_at: Instant::new(spec.starts_at),
        ends_at: Instant::new(spec.ends_at),
        period: spec.kind,
        capacity,
        remaining,
        bookable: unavailable.is_none(),
        unavailable,
    }
}

/// The booking rules as they stand for the caller: how many active, blocked until when.
pub async fn standing(portal: &Portal, session: &Session) -> Result<BookingStanding> {
    let citizen = session.require_citizen()?;
    let now = portal.now();
    let mut conn = portal.db().pool().acquire().await?;
    let active = count_active(&mut conn, &citizen.citizen_id, None).await?;
    let blocked = blocked(&mut conn, &citizen.citizen_id, now, portal).await?;
    Ok(BookingStanding {
        active,
        max_active: portal.booking_rules().max_active,
        blocked_until: blocked.map(|d| d.to_string()),
    })
}

async fn count_active(
    conn: &mut sqlx::AnyConnection,
    citizen_id: &str,
    same_day: Option<(&str, Zone, Option<&str>)>,
) -> Result<u32> {
    let row =
        match same_day {
            None => sqlx::query(
                "SELECT COUNT(*) AS n FROM appointments WHERE citizen_id = $1 AND state = 'booked'",
            )
            .bind(citizen_id)
            .fetch_one(&mut *conn)
            .await?,
            // An item's booking counts the same zone's bookings without an item, and a booking
            // without an item counts every booking of its zone: one errand, one seat a day.
            Some((day, zone, item)) => {
                sqlx::query(
                    "SELECT COUNT(*) AS n FROM appointments WHERE citizen_id = $1 \
                 AND state IN ('booked', 'checked_in') AND day = $2 AND zone = $3 \
                 AND ($4 = '' OR limit_key = $4 OR limit_key = $5)",
                )
                .bind(citizen_id)
                .bind(day)
                .bind(zone.as_str())
                .bind(item.unwrap_or(""))
                .bind(format!("zone:{}", zone.as_str()))
                .fetch_one(&mut *conn)
                .await?
            }
        };
    Ok(row.try_get::<i64, _>("n")? as u32)
}

async fn blocked(
    conn: &mut sqlx::AnyConnection,
    citizen_id: &str,
    now: OffsetDateTime,
    portal: &Portal,
) -> Result<Option<Date>> {
    let rules = portal.booking_rules();
    let since = now - Duration::days(i64::from(rules.no_show_window_days));
    // A booking whose slot ended without a check-in is a no-show, whether or not the sweep
    // has marked it yet.
    let rows = sqlx::query(
        "SELECT starts_at FROM appointments WHERE citizen_id = $1 AND starts_at >= $2 \
         AND (state = 'no_show' OR (state = 'booked' AND ends_at < $3))",
    )
    .bind(citizen_id)
    .bind(stamp(since))
    .bind(stamp(now))
    .fetch_all(&mut *conn)
    .await?;
    let no_shows: Vec<OffsetDateTime> = rows
        .iter()
        .filter_map(|r| r.try_get::<String, _>("starts_at").ok())
        .filter_map(|s| parse_stamp(&s))
        .collect();
    Ok(blocked_until(&no_shows, now, rules))
}

/// `POST /appointments`: takes one seat of the slot for the caller, or says which rule refuses.
pub async fn book(
    portal: &Portal,
    session: &Session,
    request: BookingRequest,
) -> Result<AppointmentView> {
    let citizen = session.require_citizen()?;
    let rules = portal.booking_rules().clone();
    let unknown = || Error::invalid("slot_id", "没有这个预约时段，请重新选择");
    let id = SlotId::parse(&request.slot_id).ok_or_else(unknown)?;
    let hall = match catalog::hall(portal.db(), &id.hall_id).await {
        Ok(hall) => hall,
        Err(Error::NotFound(_)) => return Err(unknown()),
        Err(other) => return Err(other),
    };
    let now = portal.now();
    let spec = match offered(portal, &hall, id.zone, id.date, now).await? {
        Err(reason) => return Err(Error::invalid("slot_id", reason)),
        Ok(specs) => specs.into_iter().find(|s| s.id == id).ok_or_else(unknown)?,
    };
    if spec.starts_at <= now {
        return Err(Error::invalid(
            "slot_id",
            "该时段已经开始，请选择之后的时段",
        ));
    }
    let item_code = request
        .item_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned);
    let item_name = match &item_code {
        None => None,
        Some(code) => {
            let guide = match catalog::guide(portal.db(), code).await {
                Ok(detail) => detail.guide,
                Err(Error::NotFound(_)) => {
                    return Err(Error::invalid("item_code", "没有这个事项，请核对实施编码"));
                }
                Err(other) => return Err(other),
            };
            if guide.zone != id.zone {
                return Err(Error::invalid(
                    "item_code",
                    format!(
                        "该事项在{}窗口办理，请预约{}的时段",
                        guide.zone.label(),
                        guide.zone.label()
                    ),
                ));
            }
            Some(guide.name)
        }
    };
    let limit_key = item_code
        .clone()
        .unwrap_or_else(|| format!("zone:{}", id.zone.as_str()));
    let day = id.date.to_string();

    let mut tx = portal.db().begin_write().await?;
    hold(&mut tx, &citizen.citizen_id, now).await?;
    if let Some(until) = blocked(&mut tx, &citizen.citizen_id, now, portal).await? {
        return Err(Error::Unprocessable {
            code: "booking_blocked",
            message: format!(
                "您在 {} 天内有 {} 次预约未按时到场，{until} 前不能网上预约；可以直接到大厅现场取号办理",
                rules.no_show_window_days, rules.no_show_limit
            ),
        });
    }
    if count_active(&mut tx, &citizen.citizen_id, None).await? >= rules.max_active {
        return Err(Error::Unprocessable {
            code: "booking_limit_active",
            message: format!(
                "您已有 {} 个未到期的预约，最多只能同时预约 {} 个；可以取消不需要的预约后再约",
                rules.max_active, rules.max_active
            ),
        });
    }
    if count_active(
        &mut tx,
        &citizen.citizen_id,
        Some((&day, id.zone, item_code.as_deref())),
    )
    .await?
        >= rules.per_item_per_day
    {
        let what = if item_code.is_some() {
            "同一事项"
        } else {
            "同一分区"
        };
        return Err(Error::Unprocessable {
            code: "booking_limit_per_item",
            message: format!(
                "{what}每天只能预约 {} 次，您在 {day} 已有预约",
                rules.per_item_per_day
            ),
        });
    }
    let slot_id = id.to_string();
    ensure_slot_row(&mut tx, &spec).await?;
    let taken = sqlx::query(
        "UPDATE booking_slots SET booked = booked + 1 \
         WHERE id = $1 AND booked < capacity AND closure_id IS NULL RETURNING booked",
    )
    .bind(&slot_id)
    .fetch_optional(&mut *tx)
    .await?;
    if taken.is_none() {
        let closed: Option<String> = sqlx::query(
            "SELECT c.reason FROM booking_slots s JOIN hall_closures c ON c.id = s.closure_id \
             WHERE s.id = $1",
        )
        .bind(&slot_id)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.try_get("reason"))
        .transpose()?;
        return Err(match closed {
            Some(reason) => Error::Conflict {
                code: "slot_closed",
                message: format!("该时段暂停服务（{reason}），请选择其他时段"),
            },
            None => Error::Conflict {
                code: "slot_full",
                message: "该时段已约满，请选择其他时段".into(),
            },
        });
    }
    let appointment_id = new_id("ap");
    let mut random = [0u8; 8];
    getrandom::fill(&mut random).map_err(|e| anyhow::anyhow!("random source: {e}"))?;
    let code = booking_code(&random);
    let business_id = citizen.acting_for.as_ref().map(|a| a.business_id.clone());
    sqlx::query(
        "INSERT INTO appointments (id, booking_code, citizen_id, business_id, slot_id, hall_id, \
         zone, day, starts_at, ends_at, item_code, limit_key, state, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'booked', $13, $13)",
    )
    .bind(&appointment_id)
    .bind(&code)
    .bind(&citizen.citizen_id)
    .bind(&business_id)
    .bind(&slot_id)
    .bind(&hall.id)
    .bind(id.zone.as_str())
    .bind(&day)
    .bind(stamp(spec.starts_at))
    .bind(stamp(spec.ends_at))
    .bind(&item_code)
    .bind(&limit_key)
    .bind(stamp(now))
    .execute(&mut *tx)
    .await?;
    let what = item_name
        .clone()
        .unwrap_or_else(|| format!("{}业务", id.zone.label()));
    messages::send(
        &mut tx,
        portal,
        NewMessage {
            citizen_id: &citizen.citizen_id,
            kind: "appointment",
            title: "预约成功".into(),
            body: format!(
                "您已预约 {} {}，{}。预约码 {code}。请在开始前 {} 分钟至开始后 {} 分钟内到大厅签到；不能前往请提前 {} 分钟取消。",
                hall.name,
                china_minute(spec.starts_at),
                what,
                rules.check_in_before_minutes,
                rules.check_in_after_minutes,
                rules.cancel_before_minutes
            ),
            application_id: None,
            link: Some(format!("/appointments/{appointment_id}")),
            dedup_key: format!("appointment:{appointment_id}:booked"),
        },
    )
    .await?;
    tx.commit().await?;
    read(portal, session, &appointment_id).await
}

/// Takes the caller's row lock: their concurrent booking requests run one after another.
pub(crate) async fn hold(
    tx: &mut Transaction<'static, Any>,
    citizen_id: &str,
    now: OffsetDateTime,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO booking_holders (citizen_id, touched_at) VALUES ($1, $2) \
         ON CONFLICT (citizen_id) DO UPDATE SET touched_at = excluded.touched_at",
    )
    .bind(citizen_id)
    .bind(stamp(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Writes the slot's row the first time it is booked or closed, with the capacity the hall's
/// hours give it now.
async fn ensure_slot_row(tx: &mut Transaction<'static, Any>, spec: &SlotSpec) -> Result<()> {
    sqlx::query(
        "INSERT INTO booking_slots (id, hall_id, zone, day, starts_at, ends_at, capacity, booked) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0) ON CONFLICT (id) DO NOTHING",
    )
    .bind(spec.id.to_string())
    .bind(&spec.id.hall_id)
    .bind(spec.id.zone.as_str())
    .bind(spec.id.date.to_string())
    .bind(stamp(spec.starts_at))
    .bind(stamp(spec.ends_at))
    .bind(i64::from(spec.capacity))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

const APPOINTMENT_SELECT: &str = "SELECT a.id, a.booking_code, a.citizen_id, a.hall_id, a.zone, \
     a.day, a.starts_at, a.ends_at, a.item_code, a.state, a.created_at, c.reason AS closure_reason, \
     t.id AS ticket_id, t.number AS ticket_number \
     FROM appointments a LEFT JOIN hall_closures c ON c.id = a.closure_id \
     LEFT JOIN queue_tickets t ON t.appointment_id = a.id";

/// One of the caller's bookings.
pub async fn read(portal: &Portal, session: &Session, id: &str) -> Result<AppointmentView> {
    let citizen = session.require_citizen()?;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{APPOINTMENT_SELECT} WHERE a.id = $1 AND a.citizen_id = $2"
    )))
    .bind(id)
    .bind(&citizen.citizen_id)
    .fetch_optional(portal.db().pool())
    .await?
    .ok_or(Error::NotFound("没有找到该预约"))?;
    view(portal, &row).await
}

/// 我的预约: the caller's bookings, latest slot first.
pub async fn mine(
    portal: &Portal,
    session: &Session,
    paging: PageRequest,
) -> Result<Page<AppointmentView>> {
    let citizen = session.require_citizen()?;
    let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM appointments WHERE citizen_id = $1")
        .bind(&citizen.citizen_id)
        .fetch_one(portal.db().pool())
        .await?
        .try_get("n")?;
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{APPOINTMENT_SELECT} WHERE a.citizen_id = $1 ORDER BY a.starts_at DESC, a.id \
         LIMIT $2 OFFSET $3"
    )))
    .bind(&citizen.citizen_id)
    .bind(paging.limit())
    .bind(paging.offset())
    .fetch_all(portal.db().pool())
    .await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in &rows {
        items.push(view(portal, row).await?);
    }
    Ok(Page::from_rows(items, total as u64, paging))
}

pub(crate) async fn view(portal: &Portal, row: &AnyRow) -> Result<AppointmentView> {
    let rules = portal.booking_rules();
    let now = portal.now();
    let hall = catalog::hall(portal.db(), &row.try_get::<String, _>("hall_id")?).await?;
    let zone_text: String = row.try_get("zone")?;
    let zone = Zone::parse(&zone_text)
        .ok_or_else(|| anyhow::anyhow!("appointment in unknown zone {zone_text:?}"))?;
    let starts: String = row.try_get("starts_at")?;
    let starts_at = parse_stamp(&starts).ok_or_else(|| anyhow::anyhow!("bad starts_at"))?;
    let ends: String = row.try_get("ends_at")?;
    let state_text: String = row.try_get("state")?;
    let mut state = AppointmentState::parse(&state_text)
        .ok_or_else(|| anyhow::anyhow!("unknown appointment state {state_text:?}"))?;
    let ends_at = parse_stamp(&ends).ok_or_else(|| anyhow::anyhow!("bad ends_at"))?;
    // Not yet swept: a booking whose slot ended without a check-in reads as the no-show it is.
    if state == AppointmentState::Booked && ends_at < now {
        state = AppointmentState::NoShow;
    }
    let item_code: Option<String> = row.try_get("item_code")?;
    let item_name = match &item_code {
        Some(code) => catalog::guide(portal.db(), code)
            .await
            .ok()
            .map(|d| d.guide.name),
        None => None,
    };
    let cancel_until = starts_at - Duration::minutes(i64::from(rules.cancel_before_minutes));
    let (check_in_from, check_in_until) = check_in_window(starts_at, rules);
    let ticket = match (
        row.try_get::<Option<String>, _>("ticket_id")?,
        row.try_get::<Option<String>, _>("ticket_number")?,
    ) {
        (Some(id), Some(number)) => Some(TicketRef { id, number }),
        _ => None,
    };
    Ok(AppointmentView {
        id: row.try_get("id")?,
        booking_code: row.try_get("booking_code")?,
        hall_id: hall.id.clone(),
        hall_name: hall.name.clone(),
        hall_address: hall.address.clone(),
        zone,
        zone_label: zone.label().into(),
        item_code,
        item_name,
        date: row.try_get("day")?,
        starts_at: Instant::new(starts_at),
        ends_at: stored_instant(&ends)?,
        state,
        state_label: state.label().into(),
        created_at: stored_instant(&row.try_get::<String, _>("created_at")?)?,
        cancel_until: Instant::new(cancel_until),
        cancellable: state == AppointmentState::Booked && now < cancel_until,
        check_in_from: Instant::new(check_in_from),
        check_in_until: Instant::new(check_in_until),
        closure_reason: row.try_get("closure_reason")?,
        ticket,
    })
}

/// `POST /appointments/{id}/cancel`: until the configured time before the slot; the seat goes
/// back to the slot.
pub async fn cancel(portal: &Portal, session: &Session, id: &str) -> Result<AppointmentView> {
    let citizen = session.require_citizen()?;
    let rules = portal.booking_rules().clone();
    let now = portal.now();
    let mut tx = portal.db().begin_write().await?;
    hold(&mut tx, &citizen.citizen_id, now).await?;
    let row = sqlx::query(
        "SELECT slot_id, state, starts_at FROM appointments WHERE id = $1 AND citizen_id = $2",
    )
    .bind(id)
    .bind(&citizen.citizen_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(Error::NotFound("没有找到该预约"))?;
    let state: String = row.try_get("state")?;
    if state != AppointmentState::Booked.as_str() {
        let label = AppointmentState::parse(&state).map_or("", |s| s.label());
        return Err(Error::Conflict {
            code: "state_conflict",
            message: format!("该预约{label}，不能取消"),
        });
    }
    let starts_at = parse_stamp(&row.try_get::<String, _>("starts_at")?)
        .ok_or_else(|| anyhow::anyhow!("bad starts_at"))?;
    if now >= starts_at - Duration::minutes(i64::from(rules.cancel_before_minutes)) {
        return Err(Error::Conflict {
            code: "too_late_to_cancel",
            message: format!(
                "预约开始前 {} 分钟内不能取消；不能前往的，未签到的预约会记为未到",
                rules.cancel_before_minutes
            ),
        });
    }
    let slot_id: String = row.try_get("slot_id")?;
    // The slot's row is locked first (holder → slot → booking, as a closure takes them); the seat
    // goes back only if this cancellation, not a closure that just committed, ended the booking.
    sqlx::query("UPDATE booking_slots SET booked = booked WHERE id = $1")
        .bind(&slot_id)
        .execute(&mut *tx)
        .await?;
    let cancelled = sqlx::query(
        "UPDATE appointments SET state = 'cancelled', updated_at = $1 WHERE id = $2 \
         AND state = 'booked' RETURNING id",
    )
    .bind(stamp(now))
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    if cancelled.is_none() {
        return Err(Error::Conflict {
            code: "state_conflict",
            message: "该预约刚刚发生了变化，请刷新后查看".into(),
        });
    }
    sqlx::query("UPDATE booking_slots SET booked = booked - 1 WHERE id = $1 AND booked > 0")
        .bind(&slot_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    read(portal, session, id).await
}

/// `POST /staff/halls/{hall_id}/closures` (admins): the slots overlapping the period close, and
/// every booking in them is cancelled with a message saying why.
pub async fn close_period(
    portal: &Portal,
    session: &Session,
    hall_id: &str,
    request: ClosureRequest,
) -> Result<ClosureView> {
    let staff = session.require_staff(ManageStaff::ROLES)?;
    let hall = catalog::hall(portal.db(), hall_id).await?;
    let closure = request.check().map_err(Error::Invalid)?;
    if let Some(zone) = closure.zone
        && hall.zone(zone).is_none()
    {
        return Err(Error::invalid("zone", "本大厅没有这个分区"));
    }
    let calendar = calendar::load(portal.db()).await?;
    let covered: Vec<SlotSpec> = hall
        .zones
        .iter()
        .filter(|z| closure.zone.is_none_or(|only| only == z.zone))
        .filter_map(|z| day_slots(&hall, z.zone, closure.date, &calendar).ok())
        .flatten()
        .filter(|slot| closure.covers(slot))
        .collect();
    let now = portal.now();
    if covered.iter().any(|slot| slot.ends_at <= now) {
        return Err(Error::invalid("period", "只能暂停尚未结束的时段"));
    }
    if covered.is_empty() {
        return Err(Error::invalid(
            "period",
            "该时段大厅本就不对外服务，无需停止",
        ));
    }
    let closure_id = new_id("cl");
    let mut tx = portal.db().begin_write().await?;
    sqlx::query(
        "INSERT INTO hall_closures (id, hall_id, zone, day, period, reason, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&closure_id)
    .bind(&hall.id)
    .bind(closure.zone.map(|z| z.as_str()))
    .bind(closure.date.to_string())
    .bind(closure.period.to_string())
    .bind(&closure.reason)
    .bind(&staff.staff_id)
    .bind(stamp(now))
    .execute(&mut *tx)
    .await?;
    let mut cancelled = 0u32;
    for spec in &covered {
        ensure_slot_row(&mut tx, spec).await?;
        let slot_id = spec.id.to_string();
        sqlx::query("UPDATE booking_slots SET closure_id = $1 WHERE id = $2")
            .bind(&closure_id)
            .bind(&slot_id)
            .execute(&mut *tx)
            .await?;
        let holders = sqlx::query(
            "UPDATE appointments SET state = 'closed_by_hall', closure_id = $1, updated_at = $2 \
             WHERE slot_id = $3 AND state = 'booked' RETURNING id, citizen_id",
        )
        .bind(&closure_id)
        .bind(stamp(now))
        .bind(&slot_id)
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query("UPDATE booking_slots SET booked = booked - $1 WHERE id = $2")
            .bind(holders.len() as i64)
            .bind(&slot_id)
            .execute(&mut *tx)
            .await?;
        for holder in holders {
            let appointment_id: String = holder.try_get("id")?;
            let citizen_id: String = holder.try_get("citizen_id")?;
            messages::send(
                &mut tx,
                portal,
                NewMessage {
                    citizen_id: &citizen_id,
                    kind: "appointment",
                    title: "预约已取消：大厅暂停服务".into(),
                    body: format!(
                        "因{}，{} {} 暂停服务，您的预约已取消，不计为未到。请重新预约其他时段，或到大厅现场取号。",
                        closure.reason,
                        hall.name,
                        china_minute(spec.starts_at)
                    ),
                    application_id: None,
                    link: Some(format!("/appointments/{appointment_id}")),
                    dedup_key: format!("appointment:{appointment_id}:closed"),
                },
            )
            .await?;
            cancelled += 1;
        }
    }
    audit::append(
        &mut tx,
        audit::NewEntry {
            actor: &session.principal.audit_actor(),
            action: "hall.close_period",
            subject: &format!("hall:{}", hall.id),
            detail: &format!(
                "{} {} {}：{}（取消预约 {cancelled} 个）",
                closure.date,
                closure.period,
                closure.zone.map_or("全部分区", |z| z.label()),
                closure.reason
            ),
        },
        &stamp(now),
    )
    .await?;
    tx.commit().await?;
    Ok(ClosureView {
        id: closure_id,
        hall_id: hall.id,
        date: closure.date.to_string(),
        period: closure.period.to_string(),
        zone: closure.zone,
        reason: closure.reason,
        slots_closed: covered.len() as u32,
        bookings_cancelled: cancelled,
    })
}

/// What one sweep did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub reminded: u64,
    pub no_shows: u64,
}

/// Hourly: the reminder the day before a booking, and no-shows for bookings whose slot ended
/// without a check-in. Idempotent (messages carry a dedup key; states move once).
pub async fn sweep(portal: &Portal) -> Result<Swept> {
    let now = portal.now();
    let tomorrow = today_at(now) + Duration::days(1);
    // Halls are read before the transaction, which must not wait for a second connection.
    let halls: HashMap<String, Hall> = catalog::halls(portal.db())
        .await?
        .into_iter()
        .map(|hall| (hall.id.clone(), hall))
        .collect();
    let mut tx = portal.db().begin_write().await?;
    let no_shows = sqlx::query(
        "UPDATE appointments SET state = 'no_show', updated_at = $1 \
         WHERE state = 'booked' AND ends_at < $1",
    )
    .bind(stamp(now))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let due = sqlx::query(
        "SELECT id, citizen_id, hall_id, starts_at, booking_code FROM appointments \
         WHERE state = 'booked' AND day = $1 AND reminded_at IS NULL ORDER BY starts_at, id",
    )
    .bind(tomorrow.to_string())
    .fetch_all(&mut *tx)
    .await?;
    let mut reminded = 0;
    for row in due {
        let id: String = row.try_get("id")?;
        let citizen_id: String = row.try_get("citizen_id")?;
        let hall_id: String = row.try_get("hall_id")?;
        let hall = halls
            .get(&hall_id)
            .ok_or_else(|| anyhow::anyhow!("booking at unknown hall {hall_id:?}"))?;
        let starts_at = parse_stamp(&row.try_get::<String, _>("starts_at")?)
            .ok_or_else(|| anyhow::anyhow!("bad starts_at"))?;
        let code: String = row.try_get("booking_code")?;
        let still_booked = sqlx::query(
            "UPDATE appointments SET reminded_at = $1 WHERE id = $2 AND state = 'booked' \
             AND reminded_at IS NULL RETURNING id",
        )
        .bind(stamp(now))
        .bind(&id)
        .fetch_optional(&mut *tx)
        .await?;
        if still_booked.is_none() {
            continue;
        }
        messages::send(
            &mut tx,
            portal,
            NewMessage {
                citizen_id: &citizen_id,
                kind: "appointment",
                title: "明天有预约".into(),
                body: format!(
                    "您预约了 {} {}，预约码 {code}。地址：{}。不能前往请提前取消。",
                    hall.name,
                    china_minute(starts_at),
                    hall.address
                ),
                application_id: None,
                link: Some(format!("/appointments/{id}")),
                dedup_key: format!("appointment:{id}:reminder"),
            },
        )
        .await?;
        reminded += 1;
    }
    tx.commit().await?;
    Ok(Swept { reminded, no_shows })
}

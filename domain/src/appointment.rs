//! 预约 (DESIGN §6): the bookable slots a hall's own hours give each zone on each day, the booking
//! rules, the booking and entrance codes, and what a booking looks like to its holder.
//!
//! A slot's capacity is the zone's open windows × slot length ÷ the zone's average service
//! minutes × the share bookable online; weekday periods, 午间延时 and weekend "5+X" periods are
//! all ordinary capacity. Holidays close the hall, 调休 working days open it on weekday hours, and
//! a day the working-day calendar has no data for is not offered at all.

use crate::calendar::WorkCalendar;
use crate::catalog::{Hall, Period, ServicePeriod, Zone};
use crate::instant::{CHINA, Instant};
use crate::queue::TicketRef;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use time::{Date, Duration, OffsetDateTime, Time};

/// The operator's booking rules *(settings)*; config section `appointments`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BookingRules {
    /// How many days ahead, today included, can be booked.
    pub horizon_days: u32,
    /// Active bookings one person may hold for one item (or, without an item, one zone) on one day.
    pub per_item_per_day: u32,
    /// Active bookings one person may hold at once.
    pub max_active: u32,
    /// A booking can be cancelled until this many minutes before its slot.
    pub cancel_before_minutes: u32,
    /// This many no-shows …
    pub no_show_limit: u32,
    /// … within this many days …
    pub no_show_window_days: u32,
    /// … block booking for this many days after the last one.
    pub block_days: u32,
    /// Check-in opens this many minutes before the slot starts …
    pub check_in_before_minutes: u32,
    /// … and closes this many minutes after it started.
    pub check_in_after_minutes: u32,
    /// After at most this many booked tickets called in a row, the oldest walk-in is called.
    pub booked_in_a_row: u32,
    /// The entrance check-in code changes this often, seconds.
    pub entrance_code_secs: u32,
}

impl Default for BookingRules {
    fn default() -> Self {
        Self {
            horizon_days: 14,
            per_item_per_day: 1,
            max_active: 3,
            cancel_before_minutes: 60,
            no_show_limit: 3,
            no_show_window_days: 90,
            block_days: 30,
            check_in_before_minutes: 30,
            check_in_after_minutes: 15,
            booked_in_a_row: 3,
            entrance_code_secs: 60,
        }
    }
}

/// Which kind of hours a slot belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    /// 工作日
    Regular,
    /// 午间延时
    NoonExtension,
    /// 周末“5+X”延时服务
    Weekend,
}

impl PeriodKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Regular => "工作日",
            Self::NoonExtension => "午间延时",
            Self::Weekend => "周末延时",
        }
    }
}

/// A slot's address: hall, zone, day and start, written `city.social.2026-12-07.0900`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SlotId {
    pub hall_id: String,
    pub zone: Zone,
    pub date: Date,
    pub start: Time,
}

impl SlotId {
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().split('.');
        let hall_id = parts.next().filter(|h| {
            !h.is_empty()
                && h.len() <= 40
                && h.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        })?;
        let zone = Zone::parse(parts.next()?)?;
        let date = crate::form::parse_date(parts.next()?)?;
        let hhmm = parts.next()?;
        if parts.next().is_some() || hhmm.len() != 4 || !hhmm.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let start = Time::from_hms(hhmm[..2].parse().ok()?, hhmm[2..].parse().ok()?, 0).ok()?;
        Some(Self {
            hall_id: hall_id.to_owned(),
            zone,
            date,
            start,
        })
    }

    /// When the slot starts, as an instant.
    pub fn starts_at(&self) -> OffsetDateTime {
        self.date.with_time(self.start).assume_offset(CHINA)
    }
}

impl std::fmt::Display for SlotId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}.{}.{}.{:02}{:02}",
            self.hall_id,
            self.zone.as_str(),
            self.date,
            self.start.hour(),
            self.start.minute()
        )
    }
}

/// One bookable slot as a hall's hours give it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotSpec {
    pub id: SlotId,
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub kind: PeriodKind,
    pub capacity: u32,
}

/// Why a day offers no slots.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClosedDay {
    /// The working-day calendar has no data for the year yet.
    CalendarMissing,
    /// 法定节假日.
    Holiday,
    /// A weekend without "5+X" hours for this zone.
    Weekend,
    /// The hall has no such zone.
    NoSuchZone,
}

impl ClosedDay {
    pub fn message(&self, date: Date) -> String {
        match self {
            Self::CalendarMissing => {
                format!("{} 年的节假日安排尚未公布，暂不能预约该日期", date.year())
            }
            Self::Holiday => format!("{date} 是法定节假日，大厅休息"),
            Self::Weekend => format!("{date} 是周末，本分区不提供延时服务"),
            Self::NoSuchZone => "本大厅没有这个分区".into(),
        }
    }
}

/// Capacity of one slot: open windows × slot length ÷ average service minutes × online share,
/// rounded down (a fraction of a visitor cannot be booked).
pub fn slot_capacity(windows: u32, slot_minutes: u32, service_minutes: u32, percent: u32) -> u32 {
    let numerator = u64::from(windows) * u64::from(slot_minutes) * u64::from(percent.min(100));
    let denominator = u64::from(service_minutes.max(1)) * 100;
    (numerator / denominator) as u32
}

/// The slots of `zone` at `hall` on `date`, in time order, or why there are none. Slots that
/// would be empty (capacity 0) are left out; a period shorter than a slot offers none.
pub fn day_slots(
    hall: &Hall,
    zone: Zone,
    date: Date,
    calendar: &WorkCalendar,
) -> Result<Vec<SlotSpec>, ClosedDay> {
    let hall_zone = hall.zone(zone).ok_or(ClosedDay::NoSuchZone)?;
    if !calendar.covers(date.year()) {
        return Err(ClosedDay::CalendarMissing);
    }
    let mut periods: Vec<(PeriodKind, ServicePeriod)> = Vec::new();
    if calendar.is_working_day(date) {
        for period in &hall.hours.weekdays {
            periods.push((
                PeriodKind::Regular,
                ServicePeriod {
                    period: *period,
                    zones: Vec::new(),
                    windows: None,
                },
            ));
        }
        if let Some(noon) = &hall.hours.noon_extension {
            periods.push((PeriodKind::NoonExtension, noon.clone()));
        }
    } else if calendar.is_holiday(date) {
        return Err(ClosedDay::Holiday);
    } else {
        for weekend in &hall.hours.weekend {
            if weekend.day.weekday() == date.weekday() {
                periods.push((PeriodKind::Weekend, weekend.service.clone()));
            }
        }
    }
    periods.retain(|(_, p)| p.serves(zone));
    if periods.is_empty() {
        return Err(if calendar.is_working_day(date) {
            ClosedDay::NoSuchZone
        } else {
            ClosedDay::Weekend
        });
    }
    let slot = hall.booking.slot_minutes.max(5);
    let mut slots = Vec::new();
    for (kind, service) in periods {
        let windows = service
            .windows
            .map_or(hall_zone.windows, |w| w.min(hall_zone.windows));
        let capacity = slot_capacity(
            windows,
            slot,
            hall_zone.service_minutes,
            hall.booking.online_percent,
        );
        if capacity == 0 {
            continue;
        }
        let (from, to) = service.period.minutes();
        let mut start = from;
        while start + slot <= to {
            let at = |minutes: u32| {
                Time::from_hms((minutes / 60) as u8, (minutes % 60) as u8, 0)
                    .expect("within one day")
            };
            let id = SlotId {
                hall_id: hall.id.clone(),
                zone,
                date,
                start: at(start),
            };
            let starts_at = id.starts_at();
            slots.push(SlotSpec {
                id,
                starts_at,
                ends_at: starts_at + Duration::minutes(i64::from(slot)),
                kind,
                capacity,
            });
            start += slot;
        }
    }
    slots.sort_by_key(|s| s.starts_at);
    Ok(slots)
}

/// The period a closure stops (停电检修): a day, optionally one zone, from and to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClosureRequest {
    /// `YYYY-MM-DD`
    #[serde(default)]
    pub date: String,
    /// `HH:MM-HH:MM`; the slots overlapping it close.
    #[serde(default)]
    pub period: String,
    /// One zone only; none closes every zone.
    #[serde(default)]
    pub zone: Option<Zone>,
    /// What people are told, e.g. 电力检修.
    #[serde(default)]
    pub reason: String,
}

/// A closure read and checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closure {
    pub date: Date,
    pub period: Period,
    pub zone: Option<Zone>,
    pub reason: String,
}

impl ClosureRequest {
    pub fn check(&self) -> Result<Closure, crate::errors::FieldErrors> {
        let mut errors = crate::errors::FieldErrors::new();
        let date = crate::form::parse_date(&self.date);
        if date.is_none() {
            errors.add("date", "请填写停止服务的日期（如 2026-12-08）");
        }
        let period = Period::parse(&self.period);
        if period.is_none() {
            errors.add("period", "请填写停止服务的时段（如 13:30-15:00）");
        }
        let reason = self.reason.trim();
        if !(2..=100).contains(&reason.chars().count()) {
            errors.add("reason", "请写明停止服务的原因（2至100字），预约群众会收到");
        }
        errors.into_result()?;
        Ok(Closure {
            date: date.expect("checked"),
            period: period.expect("checked"),
            zone: self.zone,
            reason: reason.to_owned(),
        })
    }
}

impl Closure {
    /// Whether the slot overlaps the closed period.
    pub fn covers(&self, slot: &SlotSpec) -> bool {
        let from = self.date.with_time(self.period.from).assume_offset(CHINA);
        let to = self.date.with_time(self.period.to).assume_offset(CHINA);
        slot.id.date == self.date
            && self.zone.is_none_or(|z| z == slot.id.zone)
            && slot.starts_at < to
            && from < slot.ends_at
    }
}

/// A closure as recorded: how many slots closed and how many bookings were cancelled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClosureView {
    pub id: String,
    pub hall_id: String,
    pub date: String,
    pub period: String,
    pub zone: Option<Zone>,
    pub reason: String,
    pub slots_closed: u32,
    pub bookings_cancelled: u32,
}

/// One slot as the booking page and `GET /halls/{hall_id}/slots` show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlotView {
    /// Send this to `POST /appointments`.
    pub slot_id: String,
    pub starts_at: Instant,
    pub ends_at: Instant,
    pub period: PeriodKind,
    pub capacity: u32,
    pub remaining: u32,
    /// Whether it can be booked now.
    pub bookable: bool,
    /// Why not, for people: 已约满, 已过预约时间, 暂停服务（原因）.
    pub unavailable: Option<String>,
}

/// `GET /halls/{hall_id}/slots?date=&zone=`: the day's slots of one zone, paged like every list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DaySlots {
    pub items: Vec<SlotView>,
    pub total: u64,
    pub page: u32,
    pub page_size: u32,
    pub hall_id: String,
    pub hall_name: String,
    pub zone: Zone,
    /// `YYYY-MM-DD`
    pub date: String,
    /// Whether the day can be booked at all.
    pub open: bool,
    /// Why not (a holiday, beyond the booking horizon, no calendar data yet).
    pub reason: Option<String>,
}

/// One day of the booking horizon on the 我要预约 page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayChoice {
    /// `YYYY-MM-DD`
    pub date: String,
    /// 周一 … 周日
    pub weekday: String,
    pub open: bool,
    /// Why it is closed.
    pub reason: Option<String>,
}

/// 周一 … 周日.
pub fn weekday_label(date: Date) -> &'static str {
    match date.weekday() {
        time::Weekday::Monday => "周一",
        time::Weekday::Tuesday => "周二",
        time::Weekday::Wednesday => "周三",
        time::Weekday::Thursday => "周四",
        time::Weekday::Friday => "周五",
        time::Weekday::Saturday => "周六",
        time::Weekday::Sunday => "周日",
    }
}

/// `POST /appointments`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingRequest {
    /// From the slot list, e.g. `city.social.2026-12-07.0900`.
    #[serde(default)]
    pub slot_id: String,
    /// The item the visit is for; its zone must be the slot's.
    #[serde(default)]
    pub item_code: Option<String>,
}

/// Where a booking stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AppointmentState {
    /// 已预约
    Booked,
    /// 已签到 (a queue ticket was issued)
    CheckedIn,
    /// 已取消 by the holder
    Cancelled,
    /// 大厅停止服务，预约已取消
    ClosedByHall,
    /// 未到 (爽约)
    NoShow,
}

impl AppointmentState {
    pub const ALL: [Self; 5] = [
        Self::Booked,
        Self::CheckedIn,
        Self::Cancelled,
        Self::ClosedByHall,
        Self::NoShow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Booked => "booked",
            Self::CheckedIn => "checked_in",
            Self::Cancelled => "cancelled",
            Self::ClosedByHall => "closed_by_hall",
            Self::NoShow => "no_show",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Booked => "已预约",
            Self::CheckedIn => "已签到",
            Self::Cancelled => "已取消",
            Self::ClosedByHall => "大厅停止服务，已取消",
            Self::NoShow => "未按时到场",
        }
    }

    /// Counts toward the holder's limits.
    pub fn is_active(self) -> bool {
        matches!(self, Self::Booked)
    }
}

/// A booking as its holder sees it (我的预约, the confirmation).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppointmentView {
    pub id: String,
    /// 预约码: shown at the kiosk (or its QR code scanned) to check in.
    pub booking_code: String,
    pub hall_id: String,
    pub hall_name: String,
    pub hall_address: String,
    pub zone: Zone,
    pub zone_label: String,
    pub item_code: Option<String>,
    pub item_name: Option<String>,
    /// `YYYY-MM-DD`
    pub date: String,
    pub starts_at: Instant,
    pub ends_at: Instant,
    pub state: AppointmentState,
    pub state_label: String,
    pub created_at: Instant,
    /// Cancelling is possible until then.
    pub cancel_until: Instant,
    pub cancellable: bool,
    /// Check-in is possible from … until ….
    pub check_in_from: Instant,
    pub check_in_until: Instant,
    /// Why the hall cancelled it.
    pub closure_reason: Option<String>,
    /// The queue ticket check-in gave.
    pub ticket: Option<TicketRef>,
}

/// The holder's standing with the booking rules, shown before they choose.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingStanding {
    pub active: u32,
    pub max_active: u32,
    /// `YYYY-MM-DD`: booking is blocked until this day (inclusive) after repeated no-shows.
    pub blocked_until: Option<String>,
}

/// `GET /appointments`: the holder's bookings, paged, with their standing beside.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppointmentList {
    pub items: Vec<AppointmentView>,
    pub total: u64,
    pub page: u32,
    pub page_size: u32,
    #[serde(flatten)]
    pub standing: BookingStanding,
}

/// When `no_shows` (their slot starts, newest first or in any order) block booking at `now`:
/// `limit` of them within `window_days` block it for `block_days` after the latest one.
/// Returns the last blocked day.
pub fn blocked_until(
    no_shows: &[OffsetDateTime],
    now: OffsetDateTime,
    rules: &BookingRules,
) -> Option<Date> {
    if rules.no_show_limit == 0 {
        return None;
    }
    let window_start = now - Duration::days(i64::from(rules.no_show_window_days));
    let recent: Vec<&OffsetDateTime> = no_shows
        .iter()
        .filter(|at| **at >= window_start && **at <= now)
        .collect();
    if (recent.len() as u32) < rules.no_show_limit {
        return None;
    }
    let latest = recent.into_iter().max()?;
    let until = latest.to_offset(CHINA).date() + Duration::days(i64::from(rules.block_days));
    (now.to_offset(CHINA).date() <= until).then_some(until)
}

/// The check-in window of a slot starting at `starts_at`.
pub fn check_in_window(
    starts_at: OffsetDateTime,
    rules: &BookingRules,
) -> (OffsetDateTime, OffsetDateTime) {
    (
        starts_at - Duration::minutes(i64::from(rules.check_in_before_minutes)),
        starts_at + Duration::minutes(i64::from(rules.check_in_after_minutes)),
    )
}

/// The alphabet of booking codes: no 0/O, 1/I/L, so a code read aloud or typed is not mistaken.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// A booking code of 8 characters from `random` bytes (one character per byte).
pub fn booking_code(random: &[u8; 8]) -> String {
    random
        .iter()
        .map(|b| CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()] as char)
        .collect()
}

/// A booking code as people type it: trimmed, upper case, spaces and dashes dropped.
pub fn normalise_booking_code(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

/// The rotating code the hall shows at its entrance for time step `step`: six digits from an
/// HMAC of the hall's secret, so only someone standing in front of the screen can know it.
pub fn entrance_code(secret: &[u8], hall_id: &str, step: u64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(hall_id.as_bytes());
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let number = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]) % 1_000_000;
    format!("{number:06}")
}

/// Whether `code` is the entrance code of the current step or the one before (a person who
/// read it just before it changed is not turned away).
pub fn entrance_code_matches(
    secret: &[u8],
    hall_id: &str,
    now: OffsetDateTime,
    step_secs: u32,
    code: &str,
) -> bool {
    let step = now.unix_timestamp().max(0) as u64 / u64::from(step_secs.max(10));
    let code = code.trim();
    [step, step.saturating_sub(1)]
        .iter()
        .any(|s| entrance_code(secret, hall_id, *s) == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{CalendarDay, DayKind};
    use time::macros::{date, datetime, time};

    fn hall() -> Hall {
        toml::from_str(
            r#"
            id = "city"
            name = "示范市民中心"
            level = "city"
            address = "人民大道1号"
            phone = "0571-12345"
            booking = { slot_minutes = 30, online_percent = 50 }
            zones = [
              { zone = "social", windows = 16, service_minutes = 15 },
              { zone = "economic", windows = 12, service_minutes = 20 },
            ]
            [hours]
            weekdays = ["09:00-12:00", "13:30-17:30"]
            noon_extension = { period = "12:00-13:30", windows = 2 }
            weekend = [{ day = "saturday", period = "09:00-12:00", zones = ["social"], windows = 4, note = "5+X" }]
            "#,
        )
        .unwrap()
    }

    fn calendar() -> WorkCalendar {
        WorkCalendar::new(
            [2026],
            [
                CalendarDay {
                    date: date!(2026 - 10 - 01),
                    kind: DayKind::Holiday,
                    name: "国庆节".into(),
                },
                CalendarDay {
                    date: date!(2026 - 10 - 03),
                    kind: DayKind::Holiday,
                    name: "国庆节".into(),
                },
                CalendarDay {
                    date: date!(2026 - 09 - 20),
                    kind: DayKind::Workday,
                    name: "国庆节".into(),
                },
            ],
        )
        .unwrap()
    }

    #[test]
    fn capacity_is_windows_times_slot_over_service_minutes_times_share() {
        assert_eq!(slot_capacity(16, 30, 15, 50), 16);
        assert_eq!(slot_capacity(2, 30, 15, 50), 2);
        assert_eq!(slot_capacity(12, 30, 20, 50), 9);
        assert_eq!(slot_capacity(1, 30, 40, 50), 0);
        assert_eq!(
            slot_capacity(4, 30, 15, 150),
            8,
            "the share is capped at 100 %"
        );
    }

    #[test]
    fn a_working_day_offers_weekday_hours_and_the_noon_extension() {
        let slots = day_slots(&hall(), Zone::Social, date!(2026 - 12 - 07), &calendar()).unwrap();
        // 09:00-12:00 six slots, 12:00-13:30 three, 13:30-17:30 eight.
        assert_eq!(slots.len(), 17);
        assert_eq!(slots[0].id.to_string(), "city.social.2026-12-07.0900");
        assert_eq!(slots[0].capacity, 16);
        let noon: Vec<_> = slots
            .iter()
            .filter(|s| s.kind == PeriodKind::NoonExtension)
            .collect();
        assert_eq!(noon.len(), 3);
        assert_eq!(noon[0].capacity, 2, "two windows stay open at noon");
        assert!(slots.windows(2).all(|w| w[0].starts_at < w[1].starts_at));
    }

    #[test]
    fn weekends_holidays_and_make_up_days() {
        let (hall, calendar) = (hall(), calendar());
        let saturday = day_slots(&hall, Zone::Social, date!(2026 - 12 - 05), &calendar).unwrap();
        assert_eq!(saturday.len(), 6);
        assert!(saturday.iter().all(|s| s.kind == PeriodKind::Weekend));
        assert_eq!(saturday[0].capacity, 4);
        assert_eq!(
            day_slots(&hall, Zone::Economic, date!(2026 - 12 - 05), &calendar),
            Err(ClosedDay::Weekend),
            "5+X serves the social zone only"
        );
        assert_eq!(
            day_slots(&hall, Zone::Social, date!(2026 - 12 - 06), &calendar),
            Err(ClosedDay::Weekend)
        );
        assert_eq!(
            day_slots(&hall, Zone::Social, date!(2026 - 10 - 01), &calendar),
            Err(ClosedDay::Holiday)
        );
        assert_eq!(
            day_slots(&hall, Zone::Social, date!(2026 - 10 - 03), &calendar),
            Err(ClosedDay::Holiday),
            "a Saturday inside a holiday has no 5+X hours"
        );
        let make_up = day_slots(&hall, Zone::Economic, date!(2026 - 09 - 20), &calendar).unwrap();
        assert_eq!(make_up.len(), 17, "a 调休 Sunday works weekday hours");
        assert_eq!(
            day_slots(&hall, Zone::Social, date!(2027 - 01 - 04), &calendar),
            Err(ClosedDay::CalendarMissing)
        );
        assert_eq!(
            day_slots(&hall, Zone::RealEstate, date!(2026 - 12 - 07), &calendar),
            Err(ClosedDay::NoSuchZone)
        );
    }

    #[test]
    fn slot_ids_read_back() {
        let id = SlotId::parse("city.social.2026-12-07.1330").unwrap();
        assert_eq!(id.start, time!(13:30));
        assert_eq!(id.to_string(), "city.social.2026-12-07.1330");
        assert_eq!(id.starts_at(), datetime!(2026-12-07 13:30 +8));
        for bad in [
            "",
            "city",
            "city.social.2026-12-07",
            "city.nowhere.2026-12-07.0900",
            "city.social.2026-13-07.0900",
            "city.social.2026-12-07.2500",
            "city.social.2026-12-07.0900.x",
            "CITY.social.2026-12-07.0900",
            "../x.social.2026-12-07.0900",
        ] {
            assert_eq!(SlotId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn closures_cover_overlapping_slots() {
        let closure = ClosureRequest {
            date: "2026-12-07".into(),
            period: "10:15-11:00".into(),
            zone: Some(Zone::Social),
            reason: "电力检修".into(),
        }
        .check()
        .unwrap();
        let slots = day_slots(&hall(), Zone::Social, date!(2026 - 12 - 07), &calendar()).unwrap();
        let covered: Vec<String> = slots
            .iter()
            .filter(|s| closure.covers(s))
            .map(|s| s.id.to_string())
            .collect();
        assert_eq!(
            covered,
            ["city.social.2026-12-07.1000", "city.social.2026-12-07.1030"]
        );
        let errors = ClosureRequest::default().check().unwrap_err();
        for field in ["date", "period", "reason"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }

    #[test]
    fn three_no_shows_in_ninety_days_block_for_thirty() {
        let rules = BookingRules::default();
        let now = datetime!(2026-12-07 10:00 +8);
        let shows = [
            datetime!(2026-10-01 09:00 +8),
            datetime!(2026-11-20 09:00 +8),
            datetime!(2026-12-01 09:00 +8),
        ];
        assert_eq!(
            blocked_until(&shows, now, &rules),
            Some(date!(2026 - 12 - 31))
        );
        assert_eq!(blocked_until(&shows[1..], now, &rules), None);
        let old = [datetime!(2026-08-01 09:00 +8), shows[1], shows[2]];
        assert_eq!(blocked_until(&old, now, &rules), None, "outside 90 days");
        let later = datetime!(2027-01-01 10:00 +8);
        assert_eq!(
            blocked_until(&shows, later, &rules),
            None,
            "the block ended"
        );
    }

    #[test]
    fn entrance_codes_rotate_and_the_previous_one_still_counts() {
        let secret = b"hall secret";
        let now = datetime!(2026-12-07 09:00:30 +8);
        let step = now.unix_timestamp() as u64 / 60;
        let current = entrance_code(secret, "city", step);
        assert_eq!(current.len(), 6);
        assert!(entrance_code_matches(secret, "city", now, 60, &current));
        let previous = entrance_code(secret, "city", step - 1);
        assert!(entrance_code_matches(secret, "city", now, 60, &previous));
        let stale = entrance_code(secret, "city", step - 2);
        assert!(!entrance_code_matches(secret, "city", now, 60, &stale));
        assert_ne!(entrance_code(b"other", "city", step), current);
    }

    #[test]
    fn booking_codes_avoid_look_alike_characters() {
        let code = booking_code(&[0, 1, 2, 3, 250, 251, 252, 255]);
        assert_eq!(code.len(), 8);
        assert!(!code.contains(['0', 'O', '1', 'I', 'L']));
        assert_eq!(normalise_booking_code(" ab-cd 23 "), "ABCD23");
    }
}

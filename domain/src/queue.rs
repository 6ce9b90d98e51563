//! 取号叫号 (DESIGN §6): queue tickets, the order tickets are called in, the estimated wait, and
//! what the hall display shows.
//!
//! A ticket number is the zone's letter, the kind's letter and a daily sequence (`SB012` booked,
//! `SA031` walk-in, in the 社会类 zone). Booked tickets within their slot are called first, but
//! after at most N booked calls in a row the oldest walk-in is called, so walk-ins never starve
//! (严禁限号: a walk-in is never refused a ticket).

use crate::catalog::Zone;
use crate::instant::Instant;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Booked (checked in from a booking) or walk-in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TicketKind {
    Booked,
    WalkIn,
}

impl TicketKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Booked => "booked",
            Self::WalkIn => "walk_in",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Booked, Self::WalkIn]
            .into_iter()
            .find(|k| k.as_str() == text)
    }

    /// The second letter of a ticket number.
    pub fn letter(self) -> char {
        match self {
            Self::Booked => 'B',
            Self::WalkIn => 'A',
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Booked => "预约",
            Self::WalkIn => "现场取号",
        }
    }
}

/// The first letter of a ticket number: the zone (经济 E, 建设 C, 社会 S, 不动产 R).
pub fn zone_letter(zone: Zone) -> char {
    match zone {
        Zone::Economic => 'E',
        Zone::Construction => 'C',
        Zone::Social => 'S',
        Zone::RealEstate => 'R',
    }
}

/// `SB012`: zone letter, kind letter, the day's sequence of that zone and kind (three digits,
/// more when a day passes 999).
pub fn ticket_number(zone: Zone, kind: TicketKind, sequence: i64) -> String {
    format!("{}{}{sequence:03}", zone_letter(zone), kind.letter())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TicketState {
    /// 等候中
    Waiting,
    /// 已叫号 (on the way to the window)
    Called,
    /// 办理中
    Serving,
    /// 已办结
    Served,
    /// 过号未到
    NoShow,
}

impl TicketState {
    pub const ALL: [Self; 5] = [
        Self::Waiting,
        Self::Called,
        Self::Serving,
        Self::Served,
        Self::NoShow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Called => "called",
            Self::Serving => "serving",
            Self::Served => "served",
            Self::NoShow => "no_show",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Waiting => "等候中",
            Self::Called => "已叫号",
            Self::Serving => "办理中",
            Self::Served => "已办结",
            Self::NoShow => "过号未到",
        }
    }
}

/// A waiting ticket, as the calling order needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiting {
    pub kind: TicketKind,
    pub issued_at: OffsetDateTime,
    /// A booked ticket's slot start.
    pub slot_starts_at: Option<OffsetDateTime>,
}

/// The order in which `waiting` will be called from `now`, as indexes into it, given that the
/// zone's latest calls were `booked_in_row` booked tickets in a row and at most `limit` may be.
///
/// Booked tickets whose slot has begun go first (earliest slot, then earliest check-in); after
/// `limit` of them in a row the oldest walk-in goes. Booked people who checked in early wait
/// behind walk-ins until their slot begins.
pub fn calling_order(
    waiting: &[Waiting],
    now: OffsetDateTime,
    booked_in_row: u32,
    limit: u32,
) -> Vec<usize> {
    let mut due: Vec<usize> = Vec::new();
    let mut early: Vec<usize> = Vec::new();
    let mut walk_ins: Vec<usize> = Vec::new();
    for (index, ticket) in waiting.iter().enumerate() {
        match (ticket.kind, ticket.slot_starts_at) {
            (TicketKind::Booked, Some(start)) if start <= now => due.push(index),
            (TicketKind::Booked, _) => early.push(index),
            (TicketKind::WalkIn, _) => walk_ins.push(index),
        }
    }
    let booked_key = |i: &usize| (waiting[*i].slot_starts_at, waiting[*i].issued_at, *i);
    due.sort_by_key(booked_key);
    early.sort_by_key(booked_key);
    walk_ins.sort_by_key(|i| (waiting[*i].issued_at, *i));
    let (mut due, mut early, mut walk_ins) = (
        due.into_iter().peekable(),
        early.into_iter().peekable(),
        walk_ins.into_iter().peekable(),
    );
    let mut order = Vec::with_capacity(waiting.len());
    let mut streak = booked_in_row;
    loop {
        let walk_in_turn = streak >= limit.max(1) && walk_ins.peek().is_some();
        let next = if !walk_in_turn && due.peek().is_some() {
            streak += 1;
            due.next()
        } else if let Some(index) = walk_ins.next() {
            streak = 0;
            Some(index)
        } else {
            streak += 1;
            due.next().or_else(|| early.next())
        };
        match next {
            Some(index) => order.push(index),
            None => break,
        }
    }
    order
}

/// Minutes until `ahead` people before you are served by `windows` windows taking
/// `minutes_per_visit` each, rounded up.
pub fn estimated_wait_minutes(ahead: usize, minutes_per_visit: f64, windows: u32) -> u32 {
    let minutes = ahead as f64 * minutes_per_visit.max(1.0) / f64::from(windows.max(1));
    minutes.ceil() as u32
}

/// A ticket named in other views (a booking's ticket).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketRef {
    pub id: String,
    pub number: String,
}

/// A ticket as its holder, the kiosk and the clerk see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketView {
    pub id: String,
    /// `SB012`
    pub number: String,
    pub hall_id: String,
    pub hall_name: String,
    pub zone: Zone,
    pub zone_label: String,
    pub kind: TicketKind,
    pub state: TicketState,
    pub state_label: String,
    pub issued_at: Instant,
    /// A booked ticket's slot.
    pub slot_starts_at: Option<Instant>,
    /// While waiting: how many are ahead, and about how long it takes.
    pub position: Option<u32>,
    pub estimated_wait_minutes: Option<u32>,
    /// The window it was called to.
    pub window: Option<u32>,
    pub called_at: Option<Instant>,
    /// The case the visit filed or accepted.
    pub case_no: Option<String>,
    /// For people: 请到 5 号窗口办理 / 前面还有 3 人，预计等待约 12 分钟.
    pub message: String,
}

impl TicketView {
    /// What the ticket tells its holder now.
    pub fn message_for(
        state: TicketState,
        window: Option<u32>,
        position: Option<u32>,
        wait: Option<u32>,
    ) -> String {
        match (state, window) {
            (TicketState::Called | TicketState::Serving, Some(window)) => {
                format!("请到 {window} 号窗口办理")
            }
            (TicketState::Waiting, _) => match (position, wait) {
                (Some(0), _) => "下一位就是您，请留意叫号".into(),
                (Some(ahead), Some(wait)) => {
                    format!("前面还有 {ahead} 人，预计等待约 {wait} 分钟")
                }
                _ => "请留意叫号".into(),
            },
            (TicketState::Served, _) => "已办结，感谢您的耐心".into(),
            (TicketState::NoShow, _) => "已过号，请到咨询台重新取号".into(),
            (_, None) => "请留意叫号".into(),
        }
    }
}

/// `POST /staff/queue/call-next`: the clerk's window.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallNextRequest {
    /// 窗口号, 1 to the zone's number of windows.
    #[serde(default)]
    pub window: u32,
}

/// `POST /staff/queue/tickets/{id}/serve`: the case the visit filed or accepted, if any.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServeRequest {
    #[serde(default)]
    pub case_no: Option<String>,
}

/// `POST /halls/{hall_id}/tickets` (a kiosk): a walk-in ticket for a zone.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WalkInRequest {
    pub zone: Option<Zone>,
}

/// `POST /halls/{hall_id}/check-ins` (a kiosk): the booking code (typed or scanned from its QR
/// code) or the holder's ID number.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskCheckIn {
    #[serde(default)]
    pub booking_code: Option<String>,
    #[serde(default)]
    pub id_number: Option<String>,
}

/// `POST /appointments/{id}/check-in` from the holder's phone: the entrance code.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckInRequest {
    #[serde(default)]
    pub code: String,
}

/// The clerk's queue panel: the zone's line and the ticket at the clerk's window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueDesk {
    pub hall_id: String,
    pub hall_name: String,
    pub zone: Zone,
    pub zone_label: String,
    /// The zone's number of windows.
    pub windows: u32,
    /// The window the clerk called to last today.
    pub window: Option<u32>,
    pub waiting: u32,
    /// The ticket called to the clerk's window and not finished yet.
    pub current: Option<TicketView>,
}

/// One window's latest call on the hall display.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoardCall {
    pub window: u32,
    pub number: String,
    pub zone_label: String,
    pub called_at: Instant,
}

/// How many wait in one zone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ZoneWaiting {
    pub zone: Zone,
    pub zone_label: String,
    pub waiting: u32,
}

/// 大厅叫号屏: the latest call of each window and the waiting counts per zone. The entrance
/// check-in code is on it only for a provisioned display.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HallBoard {
    pub hall_id: String,
    pub hall_name: String,
    pub calls: Vec<BoardCall>,
    pub waiting: Vec<ZoneWaiting>,
    pub entrance_code: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn booked(slot: OffsetDateTime, issued: OffsetDateTime) -> Waiting {
        Waiting {
            kind: TicketKind::Booked,
            issued_at: issued,
            slot_starts_at: Some(slot),
        }
    }

    fn walk_in(issued: OffsetDateTime) -> Waiting {
        Waiting {
            kind: TicketKind::WalkIn,
            issued_at: issued,
            slot_starts_at: None,
        }
    }

    #[test]
    fn numbers_carry_zone_and_kind() {
        assert_eq!(ticket_number(Zone::Social, TicketKind::Booked, 12), "SB012");
        assert_eq!(ticket_number(Zone::Social, TicketKind::WalkIn, 31), "SA031");
        assert_eq!(
            ticket_number(Zone::RealEstate, TicketKind::WalkIn, 1234),
            "RA1234"
        );
    }

    #[test]
    fn booked_in_their_slot_go_first_but_walk_ins_never_starve() {
        let now = datetime!(2026-12-07 09:40 +8);
        let slot = datetime!(2026-12-07 09:30 +8);
        let mut waiting = vec![walk_in(datetime!(2026-12-07 08:50 +8))];
        for minute in 0..5 {
            waiting.push(booked(
                slot,
                datetime!(2026-12-07 09:10 +8) + time::Duration::minutes(minute),
            ));
        }
        waiting.push(walk_in(datetime!(2026-12-07 09:00 +8)));
        let order = calling_order(&waiting, now, 0, 3);
        // Three booked, then the oldest walk-in, then the last two booked, then the other walk-in.
        assert_eq!(order, vec![1, 2, 3, 0, 4, 5, 6]);
        let order = calling_order(&waiting, now, 3, 3);
        assert_eq!(
            order[0], 0,
            "three booked calls just happened: a walk-in's turn"
        );
    }

    #[test]
    fn early_arrivals_wait_for_their_slot() {
        let now = datetime!(2026-12-07 09:10 +8);
        let waiting = vec![
            booked(
                datetime!(2026-12-07 09:30 +8),
                datetime!(2026-12-07 09:00 +8),
            ),
            walk_in(datetime!(2026-12-07 09:05 +8)),
        ];
        assert_eq!(calling_order(&waiting, now, 0, 3), vec![1, 0]);
        let later = datetime!(2026-12-07 09:31 +8);
        assert_eq!(calling_order(&waiting, later, 0, 3), vec![0, 1]);
        assert_eq!(calling_order(&[], now, 0, 3), Vec::<usize>::new());
    }

    #[test]
    fn the_wait_rounds_up() {
        assert_eq!(estimated_wait_minutes(3, 15.0, 2), 23);
        assert_eq!(estimated_wait_minutes(0, 15.0, 2), 0);
        assert_eq!(estimated_wait_minutes(2, 10.0, 0), 20);
    }

    #[test]
    fn the_ticket_says_where_to_go() {
        assert_eq!(
            TicketView::message_for(TicketState::Called, Some(5), None, None),
            "请到 5 号窗口办理"
        );
        assert_eq!(
            TicketView::message_for(TicketState::Waiting, None, Some(3), Some(12)),
            "前面还有 3 人，预计等待约 12 分钟"
        );
    }
}

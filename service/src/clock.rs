//! Dates as the portal's users experience them: China Standard Time (UTC+8, no daylight saving).

pub use domain::instant::CHINA;
use domain::instant::Instant;
use time::{Date, OffsetDateTime, UtcOffset};

/// Where "now" comes from. Production reads the system clock; tests move a manual clock to
/// cross lockout windows and session timeouts without sleeping.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> OffsetDateTime;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// The system clock moved by a fixed amount: a test deployment runs its browser journeys at a
/// chosen time of day and date (a working morning, a weekend, a holiday) whenever they run.
/// Only a configuration that declares a test deployment may ask for it (`server` checks).
pub struct ShiftedClock {
    offset: time::Duration,
}

impl ShiftedClock {
    pub fn by(offset: time::Duration) -> Self {
        Self { offset }
    }

    /// A clock that reads `at` now and runs on from there.
    pub fn starting_at(at: OffsetDateTime) -> Self {
        Self::by(at - OffsetDateTime::now_utc())
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + self.offset
    }
}

/// A clock that stands still until told to move (feature `testing`).
#[cfg(feature = "testing")]
pub struct ManualClock(std::sync::Mutex<OffsetDateTime>);

#[cfg(feature = "testing")]
impl ManualClock {
    pub fn starting_at(now: OffsetDateTime) -> Self {
        Self(std::sync::Mutex::new(now))
    }

    pub fn advance(&self, by: time::Duration) {
        *self.0.lock().expect("clock lock") += by;
    }
}

#[cfg(feature = "testing")]
impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().expect("clock lock")
    }
}

/// Instants as stored: UTC, whole seconds, fixed width, so text order is time order on both
/// engines (`2026-11-22T01:30:00Z`).
pub fn stamp(instant: OffsetDateTime) -> String {
    instant
        .to_offset(UtcOffset::UTC)
        .format(STORED)
        .expect("every instant formats")
}

const STORED: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");

/// Reads a stored instant back.
pub fn parse_stamp(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

/// A stored timestamp as the wire carries it (RFC 3339 at +08:00).
pub fn stored_instant(stored: &str) -> crate::Result<Instant> {
    Instant::parse(stored)
        .ok_or_else(|| anyhow::anyhow!("unreadable stored instant {stored:?}").into())
}

/// An instant for the text of a message to people: China time, to the minute
/// (`2026-11-22 09:30`). Views carry [`Instant`]s and leave the display to the UI.
pub fn china_minute(instant: OffsetDateTime) -> String {
    Instant::new(instant).china_minute()
}

/// The date in China at `instant`.
pub fn today_at(instant: OffsetDateTime) -> Date {
    instant.to_offset(CHINA).date()
}

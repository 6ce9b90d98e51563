//! Dates as the portal's users experience them: China Standard Time (UTC+8, no daylight saving).

use time::{Date, OffsetDateTime, UtcOffset};

/// China Standard Time.
pub const CHINA: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(offset) => offset,
    Err(_) => panic!("a valid offset"),
};

/// Today's date in China, for "今天申请…" estimates.
pub fn today() -> Date {
    OffsetDateTime::now_utc().to_offset(CHINA).date()
}

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
    let utc = instant.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        utc.year(),
        u8::from(utc.month()),
        utc.day(),
        utc.hour(),
        utc.minute(),
        utc.second()
    )
}

/// Reads a stored instant back.
pub fn parse_stamp(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

/// A stored timestamp for people (see [`china_minute`]); an unreadable one is shown as stored.
pub fn stored_minute(stored: &str) -> String {
    parse_stamp(stored)
        .map(china_minute)
        .unwrap_or_else(|| stored.to_owned())
}

/// The same instant for people: China time, to the minute (`2026-11-22 09:30`).
pub fn china_minute(instant: OffsetDateTime) -> String {
    let local = instant.to_offset(CHINA);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        local.year(),
        u8::from(local.month()),
        local.day(),
        local.hour(),
        local.minute()
    )
}

/// The date in China at `instant`.
pub fn today_at(instant: OffsetDateTime) -> Date {
    instant.to_offset(CHINA).date()
}

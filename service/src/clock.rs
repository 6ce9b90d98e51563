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

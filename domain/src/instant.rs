//! Instants on the wire: RFC 3339 with China's offset, whole seconds
//! (`2026-12-01T14:21:05+08:00`), as API.md fixes them. Programs read the instant; people read
//! [`Instant::china_minute`], which only the UI calls.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// China Standard Time (UTC+8, no daylight saving).
pub const CHINA: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(offset) => offset,
    Err(_) => panic!("a valid offset"),
};

/// A point in time, written in China time with its offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(OffsetDateTime);

impl Instant {
    /// The instant, truncated to whole seconds and shown at +08:00.
    pub fn new(at: OffsetDateTime) -> Self {
        let at = at.to_offset(CHINA);
        Self(at.replace_nanosecond(0).unwrap_or(at))
    }

    /// Reads RFC 3339 text with any offset (stored UTC stamps, client input).
    pub fn parse(text: &str) -> Option<Self> {
        OffsetDateTime::parse(text.trim(), &Rfc3339)
            .ok()
            .map(Self::new)
    }

    /// Reads the display form (`2026-12-01 14:21`, China time) that 补正 notices and stored
    /// idempotent answers carried before instants went on the wire as RFC 3339.
    fn parse_china_minute(text: &str) -> Option<Self> {
        time::PrimitiveDateTime::parse(text.trim(), CHINA_MINUTE)
            .ok()
            .map(|local| Self(local.assume_offset(CHINA)))
    }

    /// RFC 3339 with the +08:00 offset.
    pub fn rfc3339(self) -> String {
        self.0.format(RFC3339_CHINA).expect("every instant formats")
    }

    /// For people: China time to the minute (`2026-12-01 14:21`).
    pub fn china_minute(self) -> String {
        self.0.format(CHINA_MINUTE).expect("every instant formats")
    }
}

/// Whole seconds and the fixed offset, so the wire form has one shape (`2026-12-01T14:21:05+08:00`).
const RFC3339_CHINA: &[time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory]:[offset_minute]"
);

const CHINA_MINUTE: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");

impl std::fmt::Display for Instant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

impl Serialize for Instant {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.rfc3339())
    }
}

impl<'de> Deserialize<'de> for Instant {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text)
            .or_else(|| Self::parse_china_minute(&text))
            .ok_or_else(|| serde::de::Error::custom("应为 RFC 3339 时间"))
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Instant {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
            .examples(["2026-12-01T14:21:05+08:00"])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Instant {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_in_china_time_with_the_offset() {
        let stored = Instant::parse("2026-12-01T06:21:05Z").unwrap();
        assert_eq!(stored.rfc3339(), "2026-12-01T14:21:05+08:00");
        assert_eq!(stored.china_minute(), "2026-12-01 14:21");
        assert_eq!(
            serde_json::to_string(&stored).unwrap(),
            "\"2026-12-01T14:21:05+08:00\""
        );
    }

    #[test]
    fn round_trips_and_crosses_midnight() {
        let late = Instant::parse("2026-12-31T16:30:00.250Z").unwrap();
        assert_eq!(late.rfc3339(), "2027-01-01T00:30:00+08:00");
        let back: Instant = serde_json::from_str(&serde_json::to_string(&late).unwrap()).unwrap();
        assert_eq!(back, late);
        assert!(Instant::parse("2026-12-01 14:21").is_none());
        let legacy: Instant = serde_json::from_str("\"2026-12-01 14:21\"").unwrap();
        assert_eq!(legacy.rfc3339(), "2026-12-01T14:21:00+08:00");
    }
}

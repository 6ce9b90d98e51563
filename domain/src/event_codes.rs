//! The codes of a case's timeline events (办件过程), published as a table (DESIGN §4; served at
//! `GET /api/v1/event-codes` and listed in docs/event-codes.md). No national table exists; the
//! names follow what Chinese vendor systems observably use. A code is stable once published;
//! events marked `inform` reach the applicant's message centre.

use serde::Serialize;

/// One code of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventCode {
    /// As events carry it (`accepted`).
    pub code: &'static str,
    /// The name staff and systems use (受理).
    pub name: &'static str,
    /// Whether the applicant hears of it in the message centre.
    pub inform: bool,
}

const fn code(code: &'static str, name: &'static str, inform: bool) -> EventCode {
    EventCode { code, name, inform }
}

/// Every code, in the order a case meets them.
pub const EVENT_CODES: &[EventCode] = &[
    code("submitted", "收件", true),
    code("needs_supplement", "补齐补正告知", true),
    code("supplemented", "补齐补正受理", false),
    code("accepted", "受理", true),
    code("accepted_with_deferrals", "容缺受理", true),
    code("refused", "不予受理", true),
    code("withdrawn", "撤回", false),
    code("review_started", "审查开始", false),
    code("suspended", "特别程序开始", true),
    code("resumed", "特别程序结束", true),
    code("approved", "准予", true),
    code("denied", "不予", true),
    code("supplement_received", "容缺材料补交", false),
    code("supplement_confirmed", "容缺材料确认", true),
    code("commitment_overdue", "承诺逾期", true),
    code("revoked", "撤销", true),
    code("issued", "出件", true),
    code("delivered", "送达", false),
    code("completed", "办结", true),
    code("warning", "预警", false),
    code("overdue", "逾期", false),
    code("reminded", "催办", false),
];

/// The published code `code`, if it is one.
pub fn find(code: &str) -> Option<&'static EventCode> {
    EVENT_CODES.iter().find(|c| c.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_found() {
        for (n, entry) in EVENT_CODES.iter().enumerate() {
            assert!(
                EVENT_CODES[n + 1..]
                    .iter()
                    .all(|other| other.code != entry.code),
                "{} twice",
                entry.code
            );
            assert_eq!(find(entry.code), Some(entry));
        }
        assert_eq!(find("accepted").map(|c| c.name), Some("受理"));
        assert_eq!(find("no_such_event"), None);
    }
}

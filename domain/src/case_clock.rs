//! The case clock (办理时限): how much of a case's promised (承诺) and legal (法定) limits is used
//! and left on any day, counted in working days from acceptance — the day of acceptance is day 0,
//! a 即办件 is due that same day — on the working-day calendar, with the working days of a
//! suspension (特别程序: 现场勘验、专家评审、听证、审查中补正) not counted; and whether the case
//! is on time, in warning (预警, at or below the warning threshold) or overdue (逾期).

use crate::calendar::WorkCalendar;
use serde::{Deserialize, Serialize};
use time::{Date, Duration};

/// Working days on which the clock stood still: `from` to `until`, both included; a suspension
/// still running has no `until` yet and is counted as lasting through the day the clock is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suspension {
    pub from: Date,
    pub until: Option<Date>,
}

/// How close a case is to its promised limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Past the promised date (逾期).
    Overdue,
    /// At or below the warning threshold (预警).
    Warning,
    OnTime,
}

impl Urgency {
    pub fn label(self) -> &'static str {
        match self {
            Self::Overdue => "逾期",
            Self::Warning => "预警",
            Self::OnTime => "正常",
        }
    }
}

/// The clock read on one day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClockReading {
    /// The last day of the promised limit (承诺办结日期).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub promised_due: Date,
    /// The last day of the legal limit (法定办结日期).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub legal_due: Date,
    /// Working days left of the promised limit; negative once overdue.
    pub promised_left: i64,
    /// Working days left of the legal limit; negative once past it.
    pub legal_left: i64,
    pub urgency: Urgency,
    /// True while a suspension runs (none has ended it yet): the clock stands still.
    pub suspended: bool,
}

impl ClockReading {
    /// "承诺剩余 3 个工作日 / 法定剩余 17 个工作日", or how far past each limit the case is.
    pub fn text(&self) -> String {
        let part = |what: &str, left: i64| match left {
            n if n >= 0 => format!("{what}剩余 {n} 个工作日"),
            n => format!("已超{what}时限 {} 个工作日", -n),
        };
        let mut text = format!(
            "{} / {}",
            part("承诺", self.promised_left),
            part("法定", self.legal_left)
        );
        if self.suspended {
            text.push_str("（特别程序中，计时暂停）");
        }
        text
    }
}

/// One case's clock: its day of acceptance and its suspensions on a calendar.
pub struct CaseClock<'a> {
    calendar: &'a WorkCalendar,
    accepted_on: Date,
    suspensions: &'a [Suspension],
}

impl<'a> CaseClock<'a> {
    pub fn new(
        calendar: &'a WorkCalendar,
        accepted_on: Date,
        suspensions: &'a [Suspension],
    ) -> Self {
        Self {
            calendar,
            accepted_on,
            suspensions,
        }
    }

    /// Whether `date` counts: a working day outside every suspension (a running one lasting
    /// through `today`).
    fn counts(&self, date: Date, today: Date) -> bool {
        self.calendar.is_working_day(date)
            && !self
                .suspensions
                .iter()
                .any(|s| date >= s.from && date <= s.until.unwrap_or(today))
    }

    /// Working days used by the end of `today`: those in (day 0, today] that count.
    pub fn used(&self, today: Date) -> i64 {
        let mut used = 0;
        let mut date = self.accepted_on;
        while date < today {
            date = match date.next_day() {
                Some(next) => next,
                None => break,
            };
            if self.counts(date, today) {
                used += 1;
            }
        }
        used
    }

    /// The last day of a limit of `days` working days, as far as `today` knows (a running
    /// suspension is taken to end today; each further day of it moves the date on).
    pub fn due(&self, days: u32, today: Date) -> Date {
        let mut date = self.accepted_on;
        let mut remaining = days;
        while remaining > 0 {
            date = match date.next_day() {
                Some(next) => next,
                None => return date,
            };
            if self.counts(date, today) {
                remaining -= 1;
            }
        }
        date
    }

    /// The clock on `today` for the promised and legal limits, warning at `warn_at` working days
    /// left or fewer.
    pub fn read(
        &self,
        today: Date,
        promised_days: u32,
        legal_days: u32,
        warn_at: u32,
    ) -> ClockReading {
        let used = self.used(today);
        let promised_left = i64::from(promised_days) - used;
        let legal_left = i64::from(legal_days) - used;
        let urgency = if promised_left < 0 {
            Urgency::Overdue
        } else if promised_left <= i64::from(warn_at) {
            Urgency::Warning
        } else {
            Urgency::OnTime
        };
        ClockReading {
            promised_due: self.due(promised_days, today),
            legal_due: self.due(legal_days, today),
            promised_left,
            legal_left,
            urgency,
            // Only a procedure still running stops the clock now; one ended the day it began
            // kept that day, but the clock runs again.
            suspended: self
                .suspensions
                .iter()
                .any(|s| s.from <= today && s.until.is_none()),
        }
    }
}

/// Why the clock stops (特别程序): only these four, the ones the law allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SuspensionKind {
    /// 现场勘验.
    Inspection,
    /// 专家评审.
    ExpertReview,
    /// 听证.
    Hearing,
    /// 审查中补正.
    Supplement,
}

impl SuspensionKind {
    pub const ALL: [Self; 4] = [
        Self::Inspection,
        Self::ExpertReview,
        Self::Hearing,
        Self::Supplement,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inspection => "inspection",
            Self::ExpertReview => "expert_review",
            Self::Hearing => "hearing",
            Self::Supplement => "supplement",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Inspection => "现场勘验",
            Self::ExpertReview => "专家评审",
            Self::Hearing => "听证",
            Self::Supplement => "审查中补正",
        }
    }
}

/// One 特别程序 of a case, as staff and the applicant see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuspensionView {
    pub kind: SuspensionKind,
    pub kind_label: String,
    pub reason: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub started_on: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub expected_end: Date,
    /// The day the clock runs again; none while the procedure runs.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub ended_on: Option<Date>,
    /// The joint inspection (一车勘验) that caused it, if any.
    pub inspection_id: Option<String>,
}

impl SuspensionView {
    /// The working days the clock stands still: from the first day to the day before it ends (a
    /// procedure ended the day it began keeps that one day).
    pub fn stopped(&self) -> Suspension {
        Suspension {
            from: self.started_on,
            until: self
                .ended_on
                .map(|end| (end - Duration::days(1)).max(self.started_on)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::fixtures::calendar_2026;
    use proptest::prelude::*;
    use time::Duration;
    use time::macros::date;

    #[test]
    fn day_zero_is_the_day_of_acceptance_and_holidays_do_not_count() {
        let calendar = calendar_2026();
        // Accepted Tue 9-29, promised 3, legal 20: 9-30, 10-8, 10-9 → due Fri 10-9.
        let clock = CaseClock::new(&calendar, date!(2026 - 09 - 29), &[]);
        let table = [
            (date!(2026 - 09 - 29), 3, Urgency::OnTime),
            (date!(2026 - 09 - 30), 2, Urgency::Warning),
            // The National Day holiday stops nothing and uses nothing.
            (date!(2026 - 10 - 05), 2, Urgency::Warning),
            (date!(2026 - 10 - 09), 0, Urgency::Warning),
            // Sat 10-10 is a 调休 working day: the first day past the promise.
            (date!(2026 - 10 - 10), -1, Urgency::Overdue),
        ];
        for (today, left, urgency) in table {
            let reading = clock.read(today, 3, 20, 2);
            assert_eq!(reading.promised_left, left, "{today}");
            assert_eq!(reading.urgency, urgency, "{today}");
            assert_eq!(reading.promised_due, date!(2026 - 10 - 09));
        }
        let on_time = CaseClock::new(&calendar, date!(2026 - 09 - 01), &[]).read(
            date!(2026 - 09 - 02),
            10,
            20,
            2,
        );
        assert_eq!(on_time.urgency, Urgency::OnTime);
        assert_eq!(on_time.text(), "承诺剩余 9 个工作日 / 法定剩余 19 个工作日");
    }

    #[test]
    fn an_immediate_item_is_due_the_day_it_is_accepted() {
        let calendar = calendar_2026();
        let clock = CaseClock::new(&calendar, date!(2026 - 12 - 07), &[]);
        let reading = clock.read(date!(2026 - 12 - 07), 0, 0, 2);
        assert_eq!(reading.promised_due, date!(2026 - 12 - 07));
        assert_eq!(reading.promised_left, 0);
        let next_day = clock.read(date!(2026 - 12 - 08), 0, 0, 2);
        assert_eq!(next_day.urgency, Urgency::Overdue);
        assert_eq!(
            next_day.text(),
            "已超承诺时限 1 个工作日 / 已超法定时限 1 个工作日"
        );
    }

    #[test]
    fn a_suspension_over_a_make_up_weekend_stops_the_clock_for_its_working_days() {
        let calendar = calendar_2026();
        // Accepted Tue 9-15; suspended Fri 9-18 to Mon 9-21, which covers Sun 9-20, a 调休
        // working day: three working days (9-18, 9-20, 9-21) do not count.
        let suspensions = [Suspension {
            from: date!(2026 - 09 - 18),
            until: Some(date!(2026 - 09 - 21)),
        }];
        let clock = CaseClock::new(&calendar, date!(2026 - 09 - 15), &suspensions);
        let plain = CaseClock::new(&calendar, date!(2026 - 09 - 15), &[]);
        assert_eq!(plain.due(5, date!(2026 - 09 - 30)), date!(2026 - 09 - 21));
        // 9-16, 9-17, then 9-22, 9-23, 9-24 (9-25 starts 中秋).
        assert_eq!(clock.due(5, date!(2026 - 09 - 30)), date!(2026 - 09 - 24));
        assert_eq!(clock.used(date!(2026 - 09 - 21)), 2);
        assert_eq!(plain.used(date!(2026 - 09 - 21)), 5);
        assert!(
            !clock.read(date!(2026 - 09 - 22), 5, 20, 2).suspended,
            "an ended procedure stops nothing more"
        );
        let running = [Suspension {
            from: date!(2026 - 09 - 18),
            until: None,
        }];
        let clock = CaseClock::new(&calendar, date!(2026 - 09 - 15), &running);
        let reading = clock.read(date!(2026 - 09 - 22), 5, 20, 2);
        assert!(reading.suspended);
        assert_eq!(reading.promised_left, 3, "only 9-16 and 9-17 counted");
        assert!(reading.text().ends_with("（特别程序中，计时暂停）"));
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (0i64..600).prop_map(|offset| date!(2026 - 01 - 01) + Duration::days(offset))
    }

    proptest! {
        #[test]
        fn on_the_due_date_the_whole_limit_is_used(from in any_date(), days in 0u32..60) {
            let calendar = calendar_2026();
            let clock = CaseClock::new(&calendar, from, &[]);
            let due = clock.due(days, from);
            prop_assert_eq!(clock.used(due), i64::from(days));
            prop_assert_eq!(clock.read(due, days, days, 2).promised_left, 0);
        }

        #[test]
        fn a_suspension_moves_the_due_date_by_its_counted_days(
            from in any_date(),
            days in 1u32..60,
            start in 1i64..30,
            length in 0i64..15,
        ) {
            let calendar = calendar_2026();
            let suspension = Suspension {
                from: from + Duration::days(start),
                until: Some(from + Duration::days(start + length)),
            };
            let later = from + Duration::days(400);
            let plain = CaseClock::new(&calendar, from, &[]).due(days, later);
            let suspensions = [suspension];
            let suspended = CaseClock::new(&calendar, from, &suspensions);
            let due = suspended.due(days, later);
            prop_assert!(due >= plain);
            prop_assert_eq!(suspended.used(due), i64::from(days));
        }

        #[test]
        fn the_clock_never_runs_backwards(from in any_date(), a in 0i64..200, b in 0i64..200) {
            let calendar = calendar_2026();
            let clock = CaseClock::new(&calendar, from, &[]);
            let (early, late) = (from + Duration::days(a.min(b)), from + Duration::days(a.max(b)));
            prop_assert!(clock.used(early) <= clock.used(late));
        }
    }
    #[test]
    fn a_procedure_stops_the_clock_until_the_day_before_it_ends() {
        let view = SuspensionView {
            kind: SuspensionKind::Inspection,
            kind_label: "现场勘验".into(),
            reason: "现场勘验".into(),
            started_on: date!(2026 - 09 - 18),
            expected_end: date!(2026 - 09 - 22),
            ended_on: Some(date!(2026 - 09 - 22)),
            inspection_id: None,
        };
        assert_eq!(view.stopped().until, Some(date!(2026 - 09 - 21)));
        let same_day = SuspensionView {
            ended_on: Some(date!(2026 - 09 - 18)),
            ..view
        };
        assert_eq!(same_day.stopped().until, Some(date!(2026 - 09 - 18)));
    }
}

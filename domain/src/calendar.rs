//! The working-day calendar (工作日历): weekends, public holidays and 调休 make-up working days.
//!
//! Time limits of cases are counted in working days from acceptance, the day of acceptance being
//! day 0 (DESIGN §4). Holidays and make-up days come from a table that admins maintain, one year at
//! a time; a year without data falls back to plain weekends, and callers can ask whether that
//! happened ([`WorkCalendar::covers`]) so the answer can say so.

use crate::form::parse_date;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use time::{Date, Duration, Weekday};

/// What a listed day is, overriding the weekday rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// 法定节假日 (or a weekend day folded into one): no work.
    Holiday,
    /// 调休上班: a weekend day that is a working day.
    Workday,
}

/// One listed day, e.g. 2026-02-14 工作日 (春节调休).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    pub date: Date,
    pub kind: DayKind,
    /// The holiday this day belongs to, e.g. "春节".
    pub name: String,
}

/// A contradiction in the calendar data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CalendarError {
    /// The same date is listed twice.
    Duplicate(Date),
    /// A day lies in a year the data does not claim to cover.
    OutsideCoveredYears(Date),
}

impl std::fmt::Display for CalendarError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Duplicate(date) => write!(f, "{date} 重复列出"),
            Self::OutsideCoveredYears(date) => write!(f, "{date} 不在所声明的年份内"),
        }
    }
}

impl std::error::Error for CalendarError {}

#[derive(Clone, Debug, Default)]
pub struct WorkCalendar {
    days: BTreeMap<Date, DayKind>,
    covered_years: BTreeSet<i32>,
}

/// The longest span the calculator accepts; ten years of working days is far beyond any legal limit.
pub const MAX_WORKING_DAYS: u32 = 2_500;

impl WorkCalendar {
    /// A calendar of `covered_years` whose exceptions are `days`.
    pub fn new(
        covered_years: impl IntoIterator<Item = i32>,
        days: impl IntoIterator<Item = CalendarDay>,
    ) -> Result<Self, CalendarError> {
        let covered_years: BTreeSet<i32> = covered_years.into_iter().collect();
        let mut map = BTreeMap::new();
        for day in days {
            if !covered_years.contains(&day.date.year()) {
                return Err(CalendarError::OutsideCoveredYears(day.date));
            }
            if map.insert(day.date, day.kind).is_some() {
                return Err(CalendarError::Duplicate(day.date));
            }
        }
        Ok(Self {
            days: map,
            covered_years,
        })
    }

    /// Whether holiday data exists for `year`; without it only weekends are known.
    pub fn covers(&self, year: i32) -> bool {
        self.covered_years.contains(&year)
    }

    /// Whether every year from `from` to `to` (inclusive) has holiday data.
    pub fn covers_span(&self, from: Date, to: Date) -> bool {
        let (first, last) = if from <= to { (from, to) } else { (to, from) };
        (first.year()..=last.year()).all(|year| self.covers(year))
    }

    /// A listed public holiday (weekend days folded into one included).
    pub fn is_holiday(&self, date: Date) -> bool {
        self.days.get(&date) == Some(&DayKind::Holiday)
    }

    pub fn is_working_day(&self, date: Date) -> bool {
        match self.days.get(&date) {
            Some(DayKind::Workday) => true,
            Some(DayKind::Holiday) => false,
            None => !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday),
        }
    }

    /// The date `working_days` working days after `from`, `from` being day 0: 0 gives `from`
    /// itself (即办件 are due the same day), 1 the next working day after it, and so on.
    ///
    /// Saturates at the last representable date instead of panicking; callers cap the input at
    /// [`MAX_WORKING_DAYS`].
    pub fn add_working_days(&self, from: Date, working_days: u32) -> Date {
        let mut date = from;
        let mut remaining = working_days;
        while remaining > 0 {
            match date.next_day() {
                Some(next) => date = next,
                None => return date,
            }
            if self.is_working_day(date) {
                remaining -= 1;
            }
        }
        date
    }

    /// Whether `today` is the last working day before `date` (the day a reminder of `date` goes
    /// out: the Friday before a Monday, the day before a holiday starts).
    pub fn is_last_working_day_before(&self, today: Date, date: Date) -> bool {
        today < date && self.is_working_day(today) && self.add_working_days(today, 1) >= date
    }

    /// Working days in `(from, to]`: how many have passed between the two dates. Negative when
    /// `to` is before `from` (a case past its due date has a negative remainder).
    pub fn working_days_between(&self, from: Date, to: Date) -> i64 {
        if to < from {
            return -self.working_days_between(to, from);
        }
        let mut count = 0;
        let mut date = from;
        while date < to {
            date += Duration::days(1);
            if self.is_working_day(date) {
                count += 1;
            }
        }
        count
    }
}

/// The calculator's answer: "今天申请，承诺 N 个工作日，预计 YYYY-MM-DD 前办结".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DueDateEstimate {
    /// Day 0 (the day of acceptance).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2026-09-29"))]
    pub from: Date,
    pub working_days: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2026-10-09"))]
    pub due_date: Date,
    /// False when a year in the span has no holiday data and only weekends were skipped.
    pub calendar_complete: bool,
}

impl WorkCalendar {
    pub fn estimate(&self, from: Date, working_days: u32) -> DueDateEstimate {
        let due_date = self.add_working_days(from, working_days);
        DueDateEstimate {
            from,
            working_days,
            due_date,
            calendar_complete: self.covers_span(from, due_date),
        }
    }
}

/// Validates the calculator's two inputs, naming each field that is wrong.
pub fn parse_due_date_query(
    from: Option<&str>,
    working_days: Option<&str>,
) -> Result<(Date, u32), crate::errors::FieldErrors> {
    let mut errors = crate::errors::FieldErrors::new();
    let from = match from.map(str::trim).filter(|s| !s.is_empty()) {
        None => {
            errors.add("from", "请填写起算日期");
            None
        }
        Some(text) => {
            let date = parse_date(text);
            if date.is_none() {
                errors.add("from", "请按“年-月-日”填写真实存在的日期，如 2026-01-31");
            }
            date
        }
    };
    let working_days = match working_days.map(str::trim).filter(|s| !s.is_empty()) {
        None => {
            errors.add("working_days", "请填写工作日天数");
            None
        }
        Some(text) => match text.parse::<u32>() {
            Ok(n) if n <= MAX_WORKING_DAYS => Some(n),
            _ => {
                errors.add(
                    "working_days",
                    format!("工作日天数应为 0 到 {MAX_WORKING_DAYS} 之间的整数"),
                );
                None
            }
        },
    };
    match (from, working_days) {
        (Some(from), Some(n)) if errors.is_empty() => Ok((from, n)),
        _ => Err(errors),
    }
}

/// Calendars for the tests of every module that counts working days.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;
    use time::macros::date;

    /// The State Council's 2026 schedule, as listed in the issue.
    pub(crate) fn calendar_2026() -> WorkCalendar {
        let mut days = Vec::new();
        let mut off = |name: &str, first: Date, last: Date| {
            let mut d = first;
            while d <= last {
                days.push(CalendarDay {
                    date: d,
                    kind: DayKind::Holiday,
                    name: name.into(),
                });
                d = d.next_day().unwrap();
            }
        };
        off("元旦", date!(2026 - 01 - 01), date!(2026 - 01 - 03));
        off("春节", date!(2026 - 02 - 15), date!(2026 - 02 - 23));
        off("清明节", date!(2026 - 04 - 04), date!(2026 - 04 - 06));
        off("劳动节", date!(2026 - 05 - 01), date!(2026 - 05 - 05));
        off("端午节", date!(2026 - 06 - 19), date!(2026 - 06 - 21));
        off("中秋节", date!(2026 - 09 - 25), date!(2026 - 09 - 27));
        off("国庆节", date!(2026 - 10 - 01), date!(2026 - 10 - 07));
        for (name, d) in [
            ("元旦", date!(2026 - 01 - 04)),
            ("春节", date!(2026 - 02 - 14)),
            ("春节", date!(2026 - 02 - 28)),
            ("劳动节", date!(2026 - 05 - 09)),
            ("国庆节", date!(2026 - 09 - 20)),
            ("国庆节", date!(2026 - 10 - 10)),
        ] {
            days.push(CalendarDay {
                date: d,
                kind: DayKind::Workday,
                name: name.into(),
            });
        }
        WorkCalendar::new([2026], days).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::calendar_2026;
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn the_last_working_day_before_a_date_skips_weekends_and_holidays() {
        let calendar = calendar_2026();
        // Due Mon 12-14: Fri 12-11 is the last working day before it.
        assert!(calendar.is_last_working_day_before(date!(2026 - 12 - 11), date!(2026 - 12 - 14)));
        assert!(!calendar.is_last_working_day_before(date!(2026 - 12 - 10), date!(2026 - 12 - 14)));
        assert!(!calendar.is_last_working_day_before(date!(2026 - 12 - 12), date!(2026 - 12 - 14)));
        assert!(!calendar.is_last_working_day_before(date!(2026 - 12 - 14), date!(2026 - 12 - 14)));
        // Across the National Day holiday: 9-30 is the last working day before 10-08.
        assert!(calendar.is_last_working_day_before(date!(2026 - 09 - 30), date!(2026 - 10 - 08)));
    }

    #[test]
    fn make_up_weekend_days_are_working_days() {
        let cal = calendar_2026();
        for d in [
            date!(2026 - 01 - 04),
            date!(2026 - 02 - 14),
            date!(2026 - 02 - 28),
            date!(2026 - 05 - 09),
            date!(2026 - 09 - 20),
            date!(2026 - 10 - 10),
        ] {
            assert!(
                matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday),
                "{d}"
            );
            assert!(cal.is_working_day(d), "{d} is a 调休 working day");
        }
    }

    #[test]
    fn holidays_on_weekdays_are_days_off() {
        let cal = calendar_2026();
        for d in [
            date!(2026 - 01 - 01),
            date!(2026 - 02 - 16),
            date!(2026 - 10 - 07),
        ] {
            assert!(!cal.is_working_day(d), "{d}");
        }
    }

    #[test]
    fn due_dates_around_each_holiday() {
        let cal = calendar_2026();
        let cases = [
            // 元旦: accepted Wed 12-31 of 2025 is outside the data; start inside 2026 instead.
            (date!(2026 - 01 - 02), 1, date!(2026 - 01 - 04)), // the Sunday make-up day counts
            (date!(2026 - 01 - 04), 1, date!(2026 - 01 - 05)),
            // 春节: Fri 2-13 + 1 = Sat 2-14 (make-up); +2 jumps the whole break to Tue 2-24.
            (date!(2026 - 02 - 13), 1, date!(2026 - 02 - 14)),
            (date!(2026 - 02 - 13), 2, date!(2026 - 02 - 24)),
            (date!(2026 - 02 - 27), 1, date!(2026 - 02 - 28)),
            // 清明: Fri 4-3 + 1 = Tue 4-7.
            (date!(2026 - 04 - 03), 1, date!(2026 - 04 - 07)),
            // 劳动节: Thu 4-30 + 1 = Wed 5-6; Fri 5-8 + 1 = Sat 5-9 (make-up).
            (date!(2026 - 04 - 30), 1, date!(2026 - 05 - 06)),
            (date!(2026 - 05 - 08), 1, date!(2026 - 05 - 09)),
            // 端午: Thu 6-18 + 1 = Mon 6-22.
            (date!(2026 - 06 - 18), 1, date!(2026 - 06 - 22)),
            // 中秋 and 国庆: Sat 9-19 + 1 = Sun 9-20 (make-up); Thu 9-24 + 1 = Mon 9-28.
            (date!(2026 - 09 - 19), 1, date!(2026 - 09 - 20)),
            (date!(2026 - 09 - 24), 1, date!(2026 - 09 - 28)),
            // Wed 9-30 + 1 = Thu 10-8; + 2 = Fri 10-9; + 3 = Sat 10-10 (make-up).
            (date!(2026 - 09 - 30), 1, date!(2026 - 10 - 08)),
            (date!(2026 - 09 - 30), 3, date!(2026 - 10 - 10)),
            // 即办件: same day, even on a holiday.
            (date!(2026 - 10 - 01), 0, date!(2026 - 10 - 01)),
        ];
        for (from, n, due) in cases {
            assert_eq!(cal.add_working_days(from, n), due, "{from} + {n}");
            assert_eq!(
                cal.working_days_between(from, due),
                i64::from(n),
                "{from} → {due}"
            );
        }
    }

    #[test]
    fn the_promised_three_days_of_business_start_up_over_national_day() {
        // Accepted Tue 9-29 2026: 9-30, 10-8, 10-9 → due Friday 10-9.
        assert_eq!(
            calendar_2026().add_working_days(date!(2026 - 09 - 29), 3),
            date!(2026 - 10 - 09)
        );
    }

    #[test]
    fn a_year_without_data_counts_weekends_only_and_says_so() {
        let cal = calendar_2026();
        assert!(cal.covers(2026));
        assert!(!cal.covers(2027));
        assert!(!cal.covers_span(date!(2026 - 12 - 30), date!(2027 - 01 - 05)));
        // 2027-01-01 is a Friday: without data it is an ordinary working day.
        assert_eq!(
            cal.add_working_days(date!(2026 - 12 - 31), 1),
            date!(2027 - 01 - 01)
        );
    }

    #[test]
    fn contradictory_data_is_refused() {
        let day = |d: Date, kind| CalendarDay {
            date: d,
            kind,
            name: "x".into(),
        };
        assert_eq!(
            WorkCalendar::new(
                [2026],
                [
                    day(date!(2026 - 01 - 01), DayKind::Holiday),
                    day(date!(2026 - 01 - 01), DayKind::Workday)
                ]
            )
            .unwrap_err(),
            CalendarError::Duplicate(date!(2026 - 01 - 01))
        );
        assert_eq!(
            WorkCalendar::new([2026], [day(date!(2027 - 01 - 01), DayKind::Holiday)]).unwrap_err(),
            CalendarError::OutsideCoveredYears(date!(2027 - 01 - 01))
        );
    }

    #[test]
    fn calculator_input_is_validated_field_by_field() {
        assert_eq!(
            parse_due_date_query(Some("2026-09-29"), Some("3")),
            Ok((date!(2026 - 09 - 29), 3))
        );
        let errors = parse_due_date_query(Some("2026-02-30"), Some("-1")).unwrap_err();
        assert!(errors.get("from").is_some());
        assert!(errors.get("working_days").is_some());
        let errors = parse_due_date_query(None, Some("99999")).unwrap_err();
        assert_eq!(errors.get("from").unwrap(), ["请填写起算日期"]);
        assert!(errors.get("working_days").unwrap()[0].contains("2500"));
    }

    #[test]
    fn estimate_reports_missing_holiday_data() {
        let cal = calendar_2026();
        let inside = cal.estimate(date!(2026 - 09 - 29), 3);
        assert_eq!(inside.due_date, date!(2026 - 10 - 09));
        assert!(inside.calendar_complete);
        assert!(!cal.estimate(date!(2026 - 12 - 30), 5).calendar_complete);
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (0i64..1_500).prop_map(|offset| date!(2025 - 06 - 01) + Duration::days(offset))
    }

    proptest! {
        #[test]
        fn adding_then_counting_gives_back_the_days(from in any_date(), n in 0u32..400) {
            let cal = calendar_2026();
            let due = cal.add_working_days(from, n);
            prop_assert_eq!(cal.working_days_between(from, due), i64::from(n));
            prop_assert_eq!(cal.working_days_between(due, from), -i64::from(n));
        }

        #[test]
        fn a_due_date_after_day_zero_is_a_working_day(from in any_date(), n in 1u32..400) {
            let cal = calendar_2026();
            prop_assert!(cal.is_working_day(cal.add_working_days(from, n)));
        }

        #[test]
        fn more_days_never_give_an_earlier_date(from in any_date(), n in 0u32..400) {
            let cal = calendar_2026();
            prop_assert!(cal.add_working_days(from, n) < cal.add_working_days(from, n + 1));
        }

        #[test]
        fn without_data_a_week_has_five_working_days(from in any_date(), weeks in 0u32..50) {
            let cal = WorkCalendar::default();
            let start = if cal.is_working_day(from) { from } else { cal.add_working_days(from, 1) };
            let due = cal.add_working_days(start, weeks * 5);
            prop_assert_eq!((due - start).whole_days(), i64::from(weeks) * 7);
        }
    }
}

//! The working-day calendar table: loading it for due-date arithmetic, and importing a year's
//! holiday schedule (the seed files under `seed/calendar/`).

use crate::{Db, Error, Result};
use domain::calendar::{CalendarDay, DayKind, DueDateEstimate, WorkCalendar, parse_due_date_query};
use domain::form::parse_date;
use serde::Deserialize;
use sqlx::{Any, Row, Transaction};
use time::Date;

/// Loads the whole calendar (a few dozen rows a year).
pub async fn load(db: &Db) -> Result<WorkCalendar> {
    let years: Vec<i32> = sqlx::query("SELECT year FROM calendar_years")
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|row| row.try_get::<i64, _>("year").map(|y| y as i32))
        .collect::<Result<_, _>>()?;
    let mut days = Vec::new();
    for row in sqlx::query("SELECT day, kind, name FROM calendar_days ORDER BY day")
        .fetch_all(db.pool())
        .await?
    {
        let text: String = row.try_get("day")?;
        let date = parse_date(&text)
            .ok_or_else(|| anyhow::anyhow!("calendar_days holds an invalid date {text:?}"))?;
        let kind = match row.try_get::<String, _>("kind")?.as_str() {
            "workday" => DayKind::Workday,
            _ => DayKind::Holiday,
        };
        days.push(CalendarDay {
            date,
            kind,
            name: row.try_get("name")?,
        });
    }
    WorkCalendar::new(years, days).map_err(|e| Error::Unexpected(anyhow::Error::new(e)))
}

/// `GET /api/v1/calendar/due-date`: the due date `working_days` after `from`.
pub async fn estimate_due_date(
    db: &Db,
    from: Option<&str>,
    working_days: Option<&str>,
) -> Result<DueDateEstimate> {
    let (from, working_days) = parse_due_date_query(from, working_days).map_err(Error::Invalid)?;
    Ok(load(db).await?.estimate(from, working_days))
}

/// One year's schedule as published: holiday ranges and make-up working days.
#[derive(Debug, Deserialize)]
pub struct YearSchedule {
    pub year: i32,
    pub source: String,
    #[serde(rename = "holiday")]
    pub holidays: Vec<HolidaySchedule>,
}

#[derive(Debug, Deserialize)]
pub struct HolidaySchedule {
    pub name: String,
    /// First and last day off, inclusive.
    pub off: [String; 2],
    /// Weekend days worked in exchange.
    #[serde(default)]
    pub work: Vec<String>,
}

impl YearSchedule {
    pub fn from_toml(text: &str) -> anyhow::Result<Self> {
        Ok(toml::from_str(text)?)
    }

    /// The listed days, checked against each other by [`WorkCalendar::new`].
    pub fn days(&self) -> anyhow::Result<Vec<CalendarDay>> {
        let date = |text: &str| {
            parse_date(text).ok_or_else(|| anyhow::anyhow!("{}: 无效日期 {text:?}", self.year))
        };
        let mut days = Vec::new();
        for holiday in &self.holidays {
            let (first, last) = (date(&holiday.off[0])?, date(&holiday.off[1])?);
            anyhow::ensure!(first <= last, "{}: 放假首日晚于末日", holiday.name);
            let mut day: Date = first;
            loop {
                days.push(CalendarDay {
                    date: day,
                    kind: DayKind::Holiday,
                    name: holiday.name.clone(),
                });
                if day == last {
                    break;
                }
                day = day.next_day().expect("bounded by `last`");
            }
            for text in &holiday.work {
                days.push(CalendarDay {
                    date: date(text)?,
                    kind: DayKind::Workday,
                    name: holiday.name.clone(),
                });
            }
        }
        WorkCalendar::new([self.year], days.clone())?;
        Ok(days)
    }
}

/// Replaces the year's schedule in one transaction (idempotent: importing twice changes nothing).
pub async fn import_year(db: &Db, schedule: &YearSchedule) -> anyhow::Result<()> {
    let days = schedule.days()?;
    let mut tx: Transaction<'static, Any> = db.begin_write().await?;
    sqlx::query("DELETE FROM calendar_days WHERE year = $1")
        .bind(i64::from(schedule.year))
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO calendar_years (year, source) VALUES ($1, $2) \
         ON CONFLICT (year) DO UPDATE SET source = excluded.source",
    )
    .bind(i64::from(schedule.year))
    .bind(&schedule.source)
    .execute(&mut *tx)
    .await?;
    for day in days {
        sqlx::query("INSERT INTO calendar_days (day, year, kind, name) VALUES ($1, $2, $3, $4)")
            .bind(day.date.to_string())
            .bind(i64::from(schedule.year))
            .bind(match day.kind {
                DayKind::Holiday => "holiday",
                DayKind::Workday => "workday",
            })
            .bind(&day.name)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

//! The seeded 2026 calendar, stored and read back on both engines.

use service::testing::TestDb;
use service::{Backend, Error, calendar, seed};

async fn seeded_calendar_gives_the_2026_due_dates(backend: Backend) {
    let Some(test) = TestDb::new(backend).await else {
        return;
    };
    seed::run(&test.db).await.unwrap();
    seed::run(&test.db)
        .await
        .expect("seeding twice is harmless");

    let estimate = calendar::estimate_due_date(&test.db, Some("2026-09-29"), Some("3"))
        .await
        .unwrap();
    assert_eq!(estimate.due_date.to_string(), "2026-10-09");
    assert!(estimate.calendar_complete);

    let across_new_year = calendar::estimate_due_date(&test.db, Some("2026-12-31"), Some("1"))
        .await
        .unwrap();
    assert_eq!(across_new_year.due_date.to_string(), "2027-01-01");
    assert!(!across_new_year.calendar_complete, "2027 has no data yet");

    let calendar = calendar::load(&test.db).await.unwrap();
    assert!(calendar.covers(2026));
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM calendar_days")
        .fetch_one(test.db.pool())
        .await
        .unwrap();
    assert_eq!(
        count,
        3 + 9 + 3 + 5 + 3 + 3 + 7 + 6,
        "holidays plus make-up days, once each"
    );
}

async fn bad_calculator_input_names_the_fields(backend: Backend) {
    let Some(test) = TestDb::new(backend).await else {
        return;
    };
    match calendar::estimate_due_date(&test.db, Some("2026-13-01"), None).await {
        Err(Error::Invalid(fields)) => {
            assert!(fields.get("from").is_some());
            assert!(fields.get("working_days").is_some());
        }
        other => panic!("expected field errors, got {other:?}"),
    }
}

#[tokio::test]
async fn sqlite_seeded_calendar() {
    seeded_calendar_gives_the_2026_due_dates(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_seeded_calendar() {
    seeded_calendar_gives_the_2026_due_dates(Backend::Postgres).await;
}

#[tokio::test]
async fn sqlite_bad_calculator_input() {
    bad_calculator_input_names_the_fields(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_bad_calculator_input() {
    bad_calculator_input_names_the_fields(Backend::Postgres).await;
}

//! Migrations that change data keep what earlier versions wrote, on both engines.

use service::Backend;
use service::testing::TestDb;
use sqlx::Row;

/// 0009 moves the daily case-number sequences into the one counter mechanism: a database that
/// issued numbers under 0008 goes on from the last number, never repeating one.
async fn case_sequences_move_into_counters(backend: Backend) {
    let Some(test) = TestDb::unmigrated(backend).await else {
        return;
    };
    test.db.migrate_to(8).await.unwrap();
    sqlx::query("INSERT INTO case_sequences (item_code, day, last) VALUES ($1, $2, $3)")
        .bind("1133010000250005004000400000031")
        .bind("20261207")
        .bind(41_i64)
        .execute(test.db.pool())
        .await
        .unwrap();
    test.db.migrate().await.unwrap();
    let mut tx = test.db.begin_write().await.unwrap();
    let next =
        service::counters::next_value(&mut tx, "case:1133010000250005004000400000031:20261207")
            .await
            .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(next, 42);
    let tables = sqlx::query("SELECT COUNT(*) AS n FROM counters")
        .fetch_one(test.db.pool())
        .await
        .unwrap()
        .try_get::<i64, _>("n")
        .unwrap();
    assert_eq!(tables, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn sqlite_case_sequences_move_into_counters() {
    case_sequences_move_into_counters(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_case_sequences_move_into_counters() {
    case_sequences_move_into_counters(Backend::Postgres).await;
}

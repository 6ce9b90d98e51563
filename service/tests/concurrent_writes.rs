//! Many writers at once: no "database is locked", no lost update, no duplicate number, on both
//! engines. This is the property case numbers and slot bookings rely on.

use service::testing::TestDb;
use service::{Backend, counters};
use sqlx::Row;
use std::collections::BTreeSet;

const WRITERS: i64 = 64;

async fn many_concurrent_writers_each_get_a_distinct_number(backend: Backend) {
    let Some(test) = TestDb::new(backend).await else {
        return;
    };
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..WRITERS {
        let db = test.db.clone();
        tasks.spawn(async move {
            let mut tx = db.begin_write().await?;
            // Read first, then write: the pattern that fails under SQLite's deferred BEGIN.
            let before: i64 =
                sqlx::query("SELECT COUNT(*) AS n FROM counters WHERE scope = 'case:demo'")
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get("n")?;
            let value = counters::next_value(&mut tx, "case:demo").await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>((before, value))
        });
    }

    let mut values = BTreeSet::new();
    while let Some(joined) = tasks.join_next().await {
        let (_, value) = joined
            .expect("writer task")
            .expect("every concurrent write succeeds");
        assert!(values.insert(value), "number {value} handed out twice");
    }
    assert_eq!(values, (1..=WRITERS).collect::<BTreeSet<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_concurrent_writers() {
    many_concurrent_writers_each_get_a_distinct_number(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_concurrent_writers() {
    many_concurrent_writers_each_get_a_distinct_number(Backend::Postgres).await;
}

async fn rolled_back_write_does_not_consume_a_number(backend: Backend) {
    let Some(test) = TestDb::new(backend).await else {
        return;
    };
    let mut tx = test.db.begin_write().await.unwrap();
    assert_eq!(counters::next_value(&mut tx, "ticket:B").await.unwrap(), 1);
    tx.rollback().await.unwrap();

    let mut tx = test.db.begin_write().await.unwrap();
    assert_eq!(counters::next_value(&mut tx, "ticket:B").await.unwrap(), 1);
    assert_eq!(counters::next_value(&mut tx, "ticket:B").await.unwrap(), 2);
    assert_eq!(counters::next_value(&mut tx, "ticket:A").await.unwrap(), 1);
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn sqlite_rollback_keeps_numbers_gap_free() {
    rolled_back_write_does_not_consume_a_number(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_rollback_keeps_numbers_gap_free() {
    rolled_back_write_does_not_consume_a_number(Backend::Postgres).await;
}

//! Named gap-free counters: the per-item, per-day sequence of case numbers (办件编号) and the
//! per-zone queue ticket numbers are built on this.
//!
//! One conditional statement does the increment, so it is correct under any concurrency on both
//! engines without application locks: the row lock of the upsert serialises writers.

use sqlx::{Any, Row, Transaction};

/// Advances the counter `scope` and returns its new value (the first call returns 1).
///
/// Runs inside the caller's write transaction so the number and the record that uses it commit
/// or roll back together: a rolled-back submission does not burn a case number.
pub async fn next_value(tx: &mut Transaction<'static, Any>, scope: &str) -> sqlx::Result<i64> {
    sqlx::query(
        "INSERT INTO counters (scope, value) VALUES ($1, 1) \
         ON CONFLICT (scope) DO UPDATE SET value = counters.value + 1 \
         RETURNING value",
    )
    .bind(scope)
    .fetch_one(&mut **tx)
    .await?
    .try_get::<i64, _>("value")
}

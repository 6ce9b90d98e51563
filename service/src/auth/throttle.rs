//! Per-address attempt counting in fixed windows, stored in the database so that every instance
//! behind a load balancer counts together. One conditional upsert per attempt: correct under
//! concurrent requests on both engines without application locks.

use crate::clock::stamp;
use crate::{Error, Portal, Result};
use sqlx::Row;

/// Counts one attempt by `address` for `purpose` (`login`, `register`) and refuses it once the
/// window's allowance is used up, saying how long to wait.
pub async fn throttle(portal: &Portal, purpose: &str, address: &str) -> Result<()> {
    let settings = portal.auth_settings();
    let window = i64::from(settings.attempt_window_secs.max(1));
    let now = portal.now();
    let window_start_unix = now.unix_timestamp() - now.unix_timestamp().rem_euclid(window);
    let window_start = time::OffsetDateTime::from_unix_timestamp(window_start_unix)
        .map_err(anyhow::Error::from)?;
    let row = sqlx::query(
        "INSERT INTO login_throttle (address, window_start, attempts) VALUES ($1, $2, 1) \
         ON CONFLICT (address) DO UPDATE SET \
           attempts = CASE WHEN login_throttle.window_start = excluded.window_start \
                      THEN login_throttle.attempts + 1 ELSE 1 END, \
           window_start = excluded.window_start \
         RETURNING attempts",
    )
    .bind(format!("{purpose}:{address}"))
    .bind(stamp(window_start))
    .fetch_one(portal.db().pool())
    .await?;
    let attempts: i64 = row.try_get("attempts")?;
    if attempts > i64::from(settings.attempts_per_address) {
        let retry_after_secs = (window_start_unix + window - now.unix_timestamp()).max(1) as u64;
        return Err(Error::RateLimited {
            code: "rate_limited",
            message: format!("尝试次数过多，请{}后再试", wait_text(retry_after_secs)),
            retry_after_secs,
        });
    }
    Ok(())
}

/// "3分钟" / "40秒", rounded up.
pub(crate) fn wait_text(seconds: u64) -> String {
    if seconds >= 60 {
        format!("{}分钟", seconds.div_ceil(60))
    } else {
        format!("{seconds}秒")
    }
}

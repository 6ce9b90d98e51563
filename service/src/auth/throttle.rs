//! Per-address attempt counting in fixed windows, stored in the database so that every instance
//! behind a load balancer counts together. One conditional upsert per attempt: correct under
//! concurrent requests on both engines without application locks.

use crate::clock::stamp;
use crate::{Error, Portal, Result};
use sqlx::Row;

/// Counts one attempt by `address` for `purpose` (`login`, `register`) and refuses it once the
/// window's allowance is used up, saying how long to wait. IPv6 addresses count per /64: one
/// subscriber line gets a whole /64, so any address inside it costs an attacker nothing.
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
    .bind(format!("{purpose}:{}", bucket(address)))
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

/// Forgets every finished window; returns how many went.
pub(super) async fn purge(portal: &Portal) -> Result<u64> {
    let window = time::Duration::seconds(portal.auth_settings().attempt_window_secs.max(1).into());
    let finished = sqlx::query("DELETE FROM login_throttle WHERE window_start < $1")
        .bind(stamp(portal.now() - window))
        .execute(portal.db().pool())
        .await?
        .rows_affected();
    Ok(finished)
}

/// What an address is counted as: an IPv4 address (or any other key) as it is, an IPv6
/// address as its /64.
fn bucket(address: &str) -> String {
    match address.parse::<std::net::Ipv6Addr>() {
        Ok(v6) if v6.to_ipv4_mapped().is_none() => {
            let [a, b, c, d, ..] = v6.segments();
            format!("{a:x}:{b:x}:{c:x}:{d:x}::/64")
        }
        Ok(v6) => v6
            .to_ipv4_mapped()
            .map(|v4| v4.to_string())
            .unwrap_or_default(),
        Err(_) => address.to_owned(),
    }
}

/// "3分钟" / "40秒", rounded up.
pub(crate) fn wait_text(seconds: u64) -> String {
    if seconds >= 60 {
        format!("{}分钟", seconds.div_ceil(60))
    } else {
        format!("{seconds}秒")
    }
}

#[cfg(test)]
mod tests {
    use super::bucket;

    #[test]
    fn ipv6_addresses_count_per_64() {
        assert_eq!(bucket("2001:db8:1:2::1"), "2001:db8:1:2::/64");
        assert_eq!(bucket("2001:db8:1:2:ffff:1:2:3"), "2001:db8:1:2::/64");
        assert_ne!(bucket("2001:db8:1:3::1"), bucket("2001:db8:1:2::1"));
        assert_eq!(bucket("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(bucket("203.0.113.7"), "203.0.113.7");
        assert_eq!(bucket("local"), "local");
    }
}

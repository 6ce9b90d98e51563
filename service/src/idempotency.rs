//! `Idempotency-Key` (API.md) for every request that creates something: a retry with the same key
//! and the same request gets the first answer again, the same key with another request is refused
//! (422 `idempotency_mismatch`), and a retry while the first is still running is told so (409
//! `idempotency_in_progress`).
//!
//! A key is *claimed* with one conditional statement before the work starts, so concurrent retries
//! on any number of instances see exactly one winner. The claim holds a lease
//! (`idempotency.lease_secs`, longer than the request timeout): a claim whose work never finished —
//! the instance died, the database went away — may be taken over once the lease has run out,
//! instead of blocking the key until the sweep.
//!
//! The work and the storing of its answer run on a task of their own, so a client that hangs up
//! or a request that times out does not cut them apart: the answer is stored whenever the work
//! completes. Only the death of the process between the work's commit and the stored answer
//! leaves a claim without an answer; the retry after the lease then does the work again, which
//! every create here tolerates (a submitted draft is no longer submittable and answers 409, a
//! repeated registration meets the unique account, a second draft or upload is merely spare).
//!
//! A refusal (bad input, not found, a conflict) releases the key: the client fixes the request and
//! may retry with the same key. An unexpected failure keeps the claim until its lease runs out, as
//! its work may have taken effect.

use crate::accounts::new_id;
use crate::clock::{parse_stamp, stamp};
use crate::{Error, Portal, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;
use time::Duration;

/// How long keys and their claims last.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct IdempotencySettings {
    /// A claim whose answer was never stored may be taken over after this many seconds. Must be
    /// longer than the request timeout (the configuration checks), so that work still running is
    /// never started twice.
    pub lease_secs: u64,
    /// Keys are forgotten after this many hours (API.md promises at least 24).
    pub keep_hours: u32,
}

impl Default for IdempotencySettings {
    fn default() -> Self {
        Self {
            lease_secs: 60,
            keep_hours: 48,
        }
    }
}

/// A key as a client sent it, bound to who sent it and to what they asked for.
#[derive(Clone, Debug)]
pub struct Key {
    /// Whose key space: the caller's actor id, or `address:…` for anonymous callers.
    scope: String,
    key: String,
    fingerprint: String,
}

impl Key {
    /// `operation` names the endpoint (`POST /applications`); `request` is what makes two
    /// requests the same, in parts (a canonical body; an upload's name and bytes), each
    /// length-prefixed so that no two different requests hash alike.
    pub fn new(scope: &str, key: &str, operation: &str, request: &[&[u8]]) -> Result<Self> {
        if key.is_empty() || key.len() > 200 || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::invalid(
                "idempotency_key",
                "请求标识应为 1 到 200 个英文字母、数字或符号",
            ));
        }
        let mut hasher = Sha256::new();
        for part in std::iter::once(operation.as_bytes()).chain(request.iter().copied()) {
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part);
        }
        Ok(Self {
            scope: scope.to_owned(),
            key: key.to_owned(),
            fingerprint: data_encoding::HEXLOWER.encode(&hasher.finalize()),
        })
    }
}

/// What a request under a key gets: the work's value, or the stored first answer.
pub struct Outcome<T> {
    pub value: T,
    /// True when `value` is the first answer to an earlier request with this key.
    pub replayed: bool,
}

/// Runs `work` at most once per key: see the module docs. Without a key it simply runs.
pub async fn once<T, Fut>(portal: &Portal, key: Option<&Key>, work: Fut) -> Result<Outcome<T>>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = Result<T>> + Send + 'static,
{
    let Some(key) = key else {
        return Ok(Outcome {
            value: work.await?,
            replayed: false,
        });
    };
    let claim = match begin(portal, key).await? {
        Begun::Replay(answer) => {
            return Ok(Outcome {
                value: serde_json::from_str(&answer)
                    .map_err(|e| anyhow::anyhow!("stored idempotent answer: {e}"))?,
                replayed: true,
            });
        }
        Begun::Claimed(claim) => claim,
    };
    // On a task of its own: dropping this request (the client hung up, the timeout struck)
    // must not separate the work from its stored answer.
    let portal = portal.clone();
    let finished = tokio::spawn(async move {
        match work.await {
            Ok(value) => {
                if let Err(error) = claim.finish(&portal, &value).await {
                    // The work is done and is the answer; a retry after the lease repeats it.
                    tracing::warn!(error = %error, "storing an idempotent answer failed");
                }
                Ok(value)
            }
            Err(error) if is_refusal(&error) => {
                claim.release(&portal).await?;
                Err(error)
            }
            Err(error) => Err(error),
        }
    });
    let value = finished
        .await
        .map_err(|e| anyhow::anyhow!("idempotent work did not finish: {e}"))??;
    Ok(Outcome {
        value,
        replayed: false,
    })
}

/// A refusal leaves nothing behind, so the key may serve the corrected request.
fn is_refusal(error: &Error) -> bool {
    !matches!(error, Error::Unexpected(_))
}

/// The result of trying to claim a key.
pub enum Begun {
    /// This request holds the key and does the work.
    Claimed(Claim),
    /// The same request completed earlier: its answer, as stored.
    Replay(String),
}

/// A key held by this request until it finishes or releases it (or its lease runs out).
#[must_use = "a claim is finished with the answer or released"]
pub struct Claim {
    key: Key,
    token: String,
}

/// Claims `key`, or explains why this request may not do the work.
pub async fn begin(portal: &Portal, key: &Key) -> Result<Begun> {
    // A key released between our insert and our read is free again: one more try.
    match try_begin(portal, key).await? {
        Some(begun) => Ok(begun),
        None => try_begin(portal, key).await?.ok_or_else(in_progress),
    }
}

/// `None` when the key vanished between the insert and the read.
async fn try_begin(portal: &Portal, key: &Key) -> Result<Option<Begun>> {
    let now = portal.now();
    let token = new_id("claim");
    let lease_until = stamp(now + lease(portal));
    let claimed = sqlx::query(
        "INSERT INTO idempotency_keys \
         (owner, key, fingerprint, state, created_at, claim_token, lease_until) \
         VALUES ($1, $2, $3, 'in_progress', $4, $5, $6) ON CONFLICT DO NOTHING RETURNING key",
    )
    .bind(&key.scope)
    .bind(&key.key)
    .bind(&key.fingerprint)
    .bind(stamp(now))
    .bind(&token)
    .bind(&lease_until)
    .fetch_optional(portal.db().pool())
    .await?;
    let claim = Claim {
        key: key.clone(),
        token,
    };
    if claimed.is_some() {
        return Ok(Some(Begun::Claimed(claim)));
    }
    let row = sqlx::query(
        "SELECT fingerprint, state, response, lease_until FROM idempotency_keys \
         WHERE owner = $1 AND key = $2",
    )
    .bind(&key.scope)
    .bind(&key.key)
    .fetch_optional(portal.db().pool())
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    if row.try_get::<String, _>("fingerprint")? != key.fingerprint {
        return Err(Error::Unprocessable {
            code: "idempotency_mismatch",
            message: "这次操作与之前的一次不一致，请返回后重新操作".into(),
        });
    }
    if row.try_get::<String, _>("state")? == "done"
        && let Some(answer) = row.try_get::<Option<String>, _>("response")?
    {
        return Ok(Some(Begun::Replay(answer)));
    }
    let lease_ran_out = row
        .try_get::<Option<String>, _>("lease_until")?
        .and_then(|text| parse_stamp(&text))
        .is_none_or(|until| until <= now);
    if !lease_ran_out {
        return Err(in_progress());
    }
    // The first request never finished: take its claim over, if no other retry did just now.
    let taken = sqlx::query(
        "UPDATE idempotency_keys SET claim_token = $1, lease_until = $2 \
         WHERE owner = $3 AND key = $4 AND state = 'in_progress' \
         AND (lease_until IS NULL OR lease_until <= $5) RETURNING key",
    )
    .bind(&claim.token)
    .bind(&lease_until)
    .bind(&key.scope)
    .bind(&key.key)
    .bind(stamp(now))
    .fetch_optional(portal.db().pool())
    .await?;
    match taken {
        Some(_) => Ok(Some(Begun::Claimed(claim))),
        None => Err(in_progress()),
    }
}

fn lease(portal: &Portal) -> Duration {
    Duration::seconds(portal.idempotency_settings().lease_secs.min(86_400) as i64)
}

fn in_progress() -> Error {
    Error::Conflict {
        code: "idempotency_in_progress",
        message: "相同的请求正在处理中，请稍候再查看结果".into(),
    }
}

impl Claim {
    /// Stores the answer for later retries. A claim taken over after its lease ran out stores
    /// nothing: the request that took it over answers for the key.
    pub async fn finish<T: Serialize>(self, portal: &Portal, answer: &T) -> Result<()> {
        let answer =
            serde_json::to_string(answer).map_err(|e| anyhow::anyhow!("idempotent answer: {e}"))?;
        sqlx::query(
            "UPDATE idempotency_keys SET state = 'done', response = $1, lease_until = NULL \
             WHERE owner = $2 AND key = $3 AND claim_token = $4",
        )
        .bind(answer)
        .bind(&self.key.scope)
        .bind(&self.key.key)
        .bind(&self.token)
        .execute(portal.db().pool())
        .await?;
        Ok(())
    }

    /// Gives the key back after a refused request, so that the corrected request may use it.
    pub async fn release(self, portal: &Portal) -> Result<()> {
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE owner = $1 AND key = $2 AND claim_token = $3 \
             AND state = 'in_progress'",
        )
        .bind(&self.key.scope)
        .bind(&self.key.key)
        .bind(&self.token)
        .execute(portal.db().pool())
        .await?;
        Ok(())
    }
}

/// Forgets keys older than `keep_hours` (housekeeping; safe on every instance at once).
pub async fn sweep(portal: &Portal) -> Result<u64> {
    let keep = Duration::hours(portal.idempotency_settings().keep_hours.max(24).into());
    Ok(
        sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
            .bind(stamp(portal.now() - keep))
            .execute(portal.db().pool())
            .await?
            .rows_affected(),
    )
}

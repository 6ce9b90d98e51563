//! Appending to and verifying the hash-chained audit log (see `domain::audit`).

use crate::Db;
use domain::audit::{AuditEntry, ChainBreak, verify as verify_chain};
use sqlx::{Any, Row, Transaction};

/// What to record; the position, time and hash are added by [`append`].
#[derive(Clone, Debug)]
pub struct NewEntry<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub subject: &'a str,
    pub detail: &'a str,
}

/// Appends inside the caller's write transaction, so the record commits with the action it
/// records. Taking the next position updates the single head row first: that row lock (and on
/// SQLite the write transaction) orders concurrent appenders into one chain.
pub async fn append(
    tx: &mut Transaction<'static, Any>,
    entry: NewEntry<'_>,
    at_rfc3339: &str,
) -> sqlx::Result<i64> {
    let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut **tx)
        .await?;
    let seq: i64 = head.try_get("seq")?;
    let previous: String = head.try_get("hash")?;
    let entry = AuditEntry {
        seq,
        at: at_rfc3339.to_owned(),
        actor: entry.actor.to_owned(),
        action: entry.action.to_owned(),
        subject: entry.subject.to_owned(),
        detail: entry.detail.to_owned(),
    };
    let hash = entry.chained_hash(&previous);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, action, subject, detail, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(seq)
    .bind(&entry.at)
    .bind(&entry.actor)
    .bind(&entry.action)
    .bind(&entry.subject)
    .bind(&entry.detail)
    .bind(&hash)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&hash)
        .execute(&mut **tx)
        .await?;
    Ok(seq)
}

/// The outcome of `server audit verify`.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every entry checked out; this many.
    Intact(i64),
    Broken(ChainBreak),
    /// The chain is consistent but ends before the recorded head: the newest rows were deleted.
    Truncated {
        last: i64,
        head: i64,
    },
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Intact(count) => write!(f, "审计日志完整，共 {count} 条记录"),
            Self::Broken(chain_break) => write!(f, "审计日志被破坏：{chain_break}"),
            Self::Truncated { last, head } => write!(
                f,
                "审计日志被破坏：应有 {head} 条记录，只剩 {last} 条（末尾记录被删除）"
            ),
        }
    }
}

/// Re-computes the whole chain and compares its end with the head row.
pub async fn verify(db: &Db) -> crate::Result<Verdict> {
    let rows = sqlx::query(
        "SELECT seq, at, actor, action, subject, detail, hash FROM audit_log ORDER BY seq",
    )
    .fetch_all(db.pool())
    .await?;
    let mut entries = Vec::with_capacity(rows.len());
    for row in &rows {
        entries.push((
            AuditEntry {
                seq: row.try_get("seq")?,
                at: row.try_get("at")?,
                actor: row.try_get("actor")?,
                action: row.try_get("action")?,
                subject: row.try_get("subject")?,
                detail: row.try_get("detail")?,
            },
            row.try_get::<String, _>("hash")?,
        ));
    }
    let count = match verify_chain(entries.iter().map(|(e, h)| (e, h.as_str()))) {
        Ok(count) => count,
        Err(chain_break) => return Ok(Verdict::Broken(chain_break)),
    };
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(db.pool())
        .await?;
    let head_seq: i64 = head.try_get("seq")?;
    let head_hash: String = head.try_get("hash")?;
    let last_hash = entries.last().map(|(_, h)| h.as_str());
    if head_seq != count || last_hash.is_some_and(|h| h != head_hash) {
        return Ok(Verdict::Truncated {
            last: count,
            head: head_seq,
        });
    }
    Ok(Verdict::Intact(count))
}

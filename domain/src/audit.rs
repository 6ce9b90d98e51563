//! The tamper-evident audit log (等保 2.0 三级: 安全审计): every entry carries the hash of the one
//! before it, so editing or deleting any row breaks the chain from that row on.

use sha2::{Digest, Sha256};

/// The hash the first entry chains from.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit entry as stored; `detail` is free text without personal data in clear.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    /// Position in the chain, from 1, without gaps.
    pub seq: i64,
    /// RFC 3339 UTC instant.
    pub at: String,
    /// Who acted: `citizen:…`, `staff:…`, `system`.
    pub actor: String,
    /// What happened, a stable code: `login.failed`, `profile.reveal`, …
    pub action: String,
    /// Whose data or which record it concerns.
    pub subject: String,
    pub detail: String,
}

impl AuditEntry {
    /// SHA-256 over the previous hash and every field, length-prefixed so that no two different
    /// entries can serialise to the same bytes.
    pub fn chained_hash(&self, previous: &str) -> String {
        let mut hasher = Sha256::new();
        for part in [
            previous,
            &self.seq.to_string(),
            &self.at,
            &self.actor,
            &self.action,
            &self.subject,
            &self.detail,
        ] {
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part.as_bytes());
        }
        data_encoding::HEXLOWER.encode(&hasher.finalize())
    }
}

/// Where a chain stops being trustworthy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainBreak {
    /// An entry is missing before this sequence number (a row was deleted).
    Gap { expected: i64, found: i64 },
    /// This entry's stored hash does not match its content (a row was edited).
    Altered { seq: i64 },
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Gap { expected, found } => {
                write!(
                    f,
                    "第 {expected} 条记录缺失（下一条为第 {found} 条）：记录被删除"
                )
            }
            Self::Altered { seq } => write!(f, "第 {seq} 条记录与其哈希不符：记录被篡改"),
        }
    }
}

/// Checks entries in sequence order against their stored hashes; `Ok(n)` is the number checked.
pub fn verify<'a>(
    entries: impl IntoIterator<Item = (&'a AuditEntry, &'a str)>,
) -> Result<i64, ChainBreak> {
    let mut previous = GENESIS.to_owned();
    let mut expected = 1;
    for (entry, stored_hash) in entries {
        if entry.seq != expected {
            return Err(ChainBreak::Gap {
                expected,
                found: entry.seq,
            });
        }
        let hash = entry.chained_hash(&previous);
        if hash != stored_hash {
            return Err(ChainBreak::Altered { seq: entry.seq });
        }
        previous = hash;
        expected += 1;
    }
    Ok(expected - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<(AuditEntry, String)> {
        let mut previous = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let entry = AuditEntry {
                    seq,
                    at: format!("2026-11-22T00:00:{seq:02}.000Z"),
                    actor: "staff:7".into(),
                    action: "profile.view".into(),
                    subject: "citizen:42".into(),
                    detail: "受理审查".into(),
                };
                let hash = entry.chained_hash(&previous);
                previous = hash.clone();
                (entry, hash)
            })
            .collect()
    }

    fn check(rows: &[(AuditEntry, String)]) -> Result<i64, ChainBreak> {
        verify(rows.iter().map(|(e, h)| (e, h.as_str())))
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(check(&chain(5)), Ok(5));
        assert_eq!(check(&[]), Ok(0));
    }

    #[test]
    fn an_edited_row_is_found() {
        let mut rows = chain(5);
        rows[2].0.detail = "无".into();
        assert_eq!(check(&rows), Err(ChainBreak::Altered { seq: 3 }));
    }

    #[test]
    fn an_edited_row_with_a_recomputed_hash_breaks_the_next_one() {
        let mut rows = chain(5);
        rows[2].0.actor = "staff:8".into();
        rows[2].1 = rows[2].0.chained_hash(&rows[1].1);
        assert_eq!(check(&rows), Err(ChainBreak::Altered { seq: 4 }));
    }

    #[test]
    fn a_deleted_row_is_found() {
        let mut rows = chain(5);
        rows.remove(1);
        assert_eq!(
            check(&rows),
            Err(ChainBreak::Gap {
                expected: 2,
                found: 3
            })
        );
    }

    #[test]
    fn field_boundaries_matter() {
        let a = AuditEntry {
            seq: 1,
            at: "t".into(),
            actor: "ab".into(),
            action: "c".into(),
            subject: String::new(),
            detail: String::new(),
        };
        let b = AuditEntry {
            actor: "a".into(),
            action: "bc".into(),
            ..a.clone()
        };
        assert_ne!(a.chained_hash(GENESIS), b.chained_hash(GENESIS));
    }
}

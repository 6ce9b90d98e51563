//! Throw-away databases for tests of this crate and of the server (feature `testing`).
//!
//! Every repository and API test runs once per engine. SQLite gets a fresh file in a temporary
//! directory; PostgreSQL gets a fresh database in the cluster named by `PORTAL_TEST_POSTGRES_URL`,
//! which the README's test command starts. Without that variable the PostgreSQL half fails loudly
//! rather than silently passing, unless `PORTAL_TEST_SQLITE_ONLY=1` says it is meant to be skipped.

use crate::{Backend, Db, DbSettings};
use std::time::Duration;

/// A migrated, empty database that lives as long as this value.
pub struct TestDb {
    pub db: Db,
    // Keeps the SQLite file's directory alive for the test's duration.
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// A fresh database on `backend`, or `None` when PostgreSQL was explicitly opted out of.
    pub async fn new(backend: Backend) -> Option<Self> {
        let test = Self::unmigrated(backend).await?;
        test.db.migrate().await.expect("migrate test database");
        Some(test)
    }

    /// A fresh database without any schema yet (for tests of a migration itself).
    pub async fn unmigrated(backend: Backend) -> Option<Self> {
        let (settings, dir) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                (DbSettings::sqlite_in(dir.path()), Some(dir))
            }
            Backend::Postgres => (fresh_postgres_database().await?, None),
        };
        let db = Db::connect(&settings).await.expect("connect test database");
        Some(Self { db, _dir: dir })
    }
}

async fn fresh_postgres_database() -> Option<DbSettings> {
    let Ok(admin_url) = std::env::var("PORTAL_TEST_POSTGRES_URL") else {
        if std::env::var("PORTAL_TEST_SQLITE_ONLY").is_ok_and(|v| v == "1") {
            eprintln!("PostgreSQL half skipped: PORTAL_TEST_SQLITE_ONLY=1");
            return None;
        }
        panic!(
            "PORTAL_TEST_POSTGRES_URL is not set. Run scripts/test.sh, which starts a throw-away \
             PostgreSQL, or set PORTAL_TEST_SQLITE_ONLY=1 to skip the PostgreSQL half knowingly."
        );
    };
    let admin = Db::connect(&settings_for(admin_url.clone()))
        .await
        .expect("connect to the PostgreSQL test cluster");
    let name = format!("portal_test_{}", uuid_like_suffix());
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(admin.pool())
        .await
        .expect("create test database");
    admin.close().await;
    Some(settings_for(with_database(&admin_url, &name)))
}

fn settings_for(url: String) -> DbSettings {
    DbSettings {
        url,
        max_connections: 10,
        busy_timeout: Duration::from_secs(30),
        acquire_timeout: Duration::from_secs(30),
    }
}

/// Replaces the database name in `postgres://user@host:port/db?params`.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_end = base["postgres://".len()..]
        .find('/')
        .map(|i| i + "postgres://".len())
        .unwrap_or(base.len());
    let mut out = format!("{}/{database}", &base[..authority_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

fn uuid_like_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!(
        "{}_{}_{}",
        std::process::id(),
        nanos,
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// `n` citizens written straight into the database — no registration, no password hashing, so
/// no password works for them — each with a Bearer token: the crowd of a flash-crowd test.
pub async fn crowd(portal: &crate::Portal, n: usize) -> Vec<String> {
    use crate::auth::{Channel, CitizenPrincipal, Principal, Stage};
    let now = crate::clock::stamp(portal.now());
    let name = domain::identity::PersonName::parse("群众").expect("a valid name");
    // Numbers continue from the citizens already there, so two crowds never collide.
    let first: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM citizens")
        .fetch_one(portal.db().pool())
        .await
        .expect("count citizens");
    // One hash for everyone, of a password nobody knows: the table wants an account to have one.
    let unknown = crate::auth::hash_password(portal, &crate::auth::random_token(16))
        .await
        .expect("hash a password");
    let mut tokens = Vec::with_capacity(n);
    for i in (first as usize)..(first as usize + n) {
        let id = format!("crowd{i:06}");
        sqlx::query(
            "INSERT INTO citizens (id, id_number, name, phone, password_hash, created_at) \
             VALUES ($1, $2, '群众', $3, $4, $5)",
        )
        .bind(&id)
        .bind(format!("9{i:017}"))
        .bind(format!("199{i:08}"))
        .bind(&unknown)
        .bind(&now)
        .execute(portal.db().pool())
        .await
        .expect("insert a citizen of the crowd");
        let principal = Principal::Citizen(CitizenPrincipal {
            citizen_id: id,
            name: name.clone(),
            acting_for: None,
        });
        let session = crate::auth::session::create(
            portal.db().pool(),
            portal,
            principal,
            Channel::Api,
            Stage::Active,
            "crowd",
        )
        .await
        .expect("a session for the crowd");
        tokens.push(session.token);
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_name_is_replaced_and_parameters_kept() {
        assert_eq!(
            with_database(
                "postgres://postgres@localhost:55432/postgres?host=/tmp/x",
                "t1"
            ),
            "postgres://postgres@localhost:55432/t1?host=/tmp/x"
        );
        assert_eq!(
            with_database("postgres://u:p@db:5432/main", "t2"),
            "postgres://u:p@db:5432/t2"
        );
    }
}

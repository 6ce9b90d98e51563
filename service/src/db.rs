//! The database: one code path over SQLite (embedded default) and PostgreSQL (scale).
//!
//! Queries are runtime-checked `sqlx::Any` queries in portable SQL (`$1` placeholders,
//! `RETURNING`, `ON CONFLICT`), so there is one repository implementation and every repository
//! test runs against both engines. Instants are stored as RFC 3339 UTC text (`…Z`), which sorts
//! chronologically on both engines and decodes through `Any`.
//!
//! Writes go through [`Db::begin_write`]. On SQLite that issues `BEGIN IMMEDIATE`, which takes the
//! write lock up front and waits (busy timeout) for it; a deferred `BEGIN` that reads and then
//! writes fails with "database is locked" no matter how long the busy timeout is, because SQLite
//! cannot upgrade a read snapshot that another writer has moved past.

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{Any, AnyPool, Executor, Transaction};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// Which engine a [`Db`] talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl FromStr for Backend {
    type Err = anyhow::Error;

    /// Recognises the engine from a connection URL.
    fn from_str(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else {
            anyhow::bail!("unsupported DATABASE_URL: expected sqlite: or postgres://")
        }
    }
}

/// How to connect; from the server's configuration.
#[derive(Clone, Debug)]
pub struct DbSettings {
    pub url: String,
    pub max_connections: u32,
    /// How long a writer waits for SQLite's write lock before giving up.
    pub busy_timeout: Duration,
    pub acquire_timeout: Duration,
}

impl DbSettings {
    /// The embedded default: `portal.db` in the data directory, created if missing.
    pub fn sqlite_in(data_dir: &Path) -> Self {
        Self {
            url: format!("sqlite://{}?mode=rwc", data_dir.join("portal.db").display()),
            max_connections: 8,
            busy_timeout: Duration::from_secs(30),
            acquire_timeout: Duration::from_secs(30),
        }
    }

    /// The same settings for another database.
    pub fn with_url(self, url: String) -> Self {
        Self { url, ..self }
    }
}

/// A connection pool plus the knowledge of which engine is behind it.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

impl Db {
    pub async fn connect(settings: &DbSettings) -> anyhow::Result<Self> {
        install_default_drivers();
        let backend: Backend = settings.url.parse()?;
        let busy_timeout_ms = settings.busy_timeout.as_millis();
        let pool = AnyPoolOptions::new()
            .max_connections(settings.max_connections)
            .acquire_timeout(settings.acquire_timeout)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL: readers never block the writer. FULL: an acknowledged submission
                        // survives power loss. These are per-connection settings.
                        for pragma in [
                            "PRAGMA journal_mode = WAL".to_string(),
                            "PRAGMA synchronous = FULL".to_string(),
                            "PRAGMA foreign_keys = ON".to_string(),
                            format!("PRAGMA busy_timeout = {busy_timeout_ms}"),
                        ] {
                            conn.execute(sqlx::AssertSqlSafe(pragma)).await?;
                        }
                    }
                    Ok(())
                })
            })
            .connect(&settings.url)
            .await?;
        Ok(Self { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// For reads; writes use [`Db::begin_write`].
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Starts a transaction that will write. See the module documentation for why SQLite needs
    /// `BEGIN IMMEDIATE`; PostgreSQL's row locks and constraints do the same job with plain `BEGIN`.
    pub async fn begin_write(&self) -> sqlx::Result<Transaction<'static, Any>> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// Applies every pending migration of this engine's folder.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        self.migrator().run(&self.pool).await?;
        Ok(())
    }

    /// Applies the migrations up to and including `version` (tests of a migration's data
    /// changes start from the schema before it).
    #[cfg(feature = "testing")]
    pub async fn migrate_to(&self, version: i64) -> anyhow::Result<()> {
        self.migrator().run_to(version, &self.pool).await?;
        Ok(())
    }

    fn migrator(&self) -> &'static sqlx::migrate::Migrator {
        match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        }
    }

    /// A round trip to the database, for readiness checks.
    pub async fn ping(&self) -> sqlx::Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(drop)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    /// The two engines' migration folders must stay in step: same files, same numbering.
    #[test]
    fn both_engines_have_the_same_migrations() {
        let names = |engine: &str| {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../migrations")
                .join(engine);
            let mut names: Vec<String> = std::fs::read_dir(dir)
                .unwrap()
                .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        assert_eq!(names("sqlite"), names("postgres"));
        assert!(!names("sqlite").is_empty());
    }
}

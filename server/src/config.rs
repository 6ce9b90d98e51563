//! Configuration: built-in defaults, then an optional TOML file, then environment variables.
//!
//! The file is `portal.toml` in the working directory, or the path given by `--config` or
//! `PORTAL_CONFIG`. Every key can be overridden by `PORTAL_<KEY>`, nested keys joined with `__`
//! (`PORTAL_HTTP__REQUEST_TIMEOUT_SECS=30`). `DATABASE_URL` selects the database; secrets belong in
//! the environment, never in the file.

use domain::appointment::BookingRules;
use domain::rating::RatingRules;
use domain::site::SiteInfo;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use service::DbSettings;
use service::applications::ApplicationSettings;
use service::auth::AuthSettings;
use service::clock::{Clock, ShiftedClock, SystemClock};
use service::files::Files;
use service::idempotency::IdempotencySettings;
use service::{Db, Portal, Settings};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Config {
    /// Address the HTTP server listens on.
    pub listen: SocketAddr,
    /// Where the embedded database and (later) uploaded files live.
    pub data_dir: PathBuf,
    /// `sqlite:…` or `postgres://…`; when absent, SQLite in `data_dir`.
    pub database_url: Option<String>,
    pub database: DatabaseConfig,
    pub http: HttpConfig,
    pub log: LogConfig,
    pub site: SiteInfo,
    /// Lockout, session timeouts, token lifetime, per-address limits.
    pub auth: AuthSettings,
    /// Draft lifetime, 容缺 dates, upload size.
    pub applications: ApplicationSettings,
    /// Idempotency-Key leases and how long keys are kept.
    pub idempotency: IdempotencySettings,
    /// 预约 and 取号叫号 rules: horizon, limits, cancelling, no-shows, check-in, calling.
    pub appointments: BookingRules,
    /// 好差评: the rating window, level labels, indicators and reasons, rectification deadlines.
    pub ratings: RatingRules,
    /// `production`, or `test` for a throw-away deployment that browser tests drive.
    pub deployment: Deployment,
    /// Test deployments only: run the portal's clock from another instant.
    pub test_clock: TestClock,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Deployment {
    Production,
    Test,
}

/// Where a test deployment's clock stands: `at` (RFC 3339) is "now" at start-up and the clock
/// runs on from there; `offset_secs` moves the system clock instead. Refused unless
/// `deployment = "test"`, so that no real case is ever dated by a moved clock.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TestClock {
    pub at: Option<String>,
    pub offset_secs: Option<i64>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DatabaseConfig {
    pub max_connections: u32,
    /// How long an SQLite writer waits for the write lock.
    pub busy_timeout_secs: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HttpConfig {
    /// Largest JSON or form body accepted.
    pub body_limit_bytes: usize,
    /// A request that takes longer is answered 503.
    pub request_timeout_secs: u64,
    /// How long in-flight requests may finish after SIGTERM / Ctrl-C.
    pub shutdown_grace_secs: u64,
    /// The portal is reached over HTTPS (directly or through a proxy): cookies get `Secure`.
    pub https: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_forwarded_for: bool,
    /// How many proxies of ours stand in front of the portal (load balancer, nginx …). Each
    /// appends the address it received from to `X-Forwarded-For`, so the client is the entry
    /// this many places from the right; anything further left the client wrote itself.
    pub trusted_proxy_hops: usize,
    /// `/metrics` answers only a scraper presenting `Authorization: Bearer <this>`; empty (the
    /// default) serves no metrics at all. Set it through the environment
    /// (`PORTAL_HTTP__METRICS_TOKEN`), like every secret.
    pub metrics_token: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LogConfig {
    /// `pretty` for people, `json` for log collectors.
    pub format: LogFormat,
    /// A `tracing` filter, e.g. `info,sqlx=warn`.
    pub filter: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    Pretty,
    Json,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 3000)),
            data_dir: PathBuf::from("data"),
            database_url: None,
            database: DatabaseConfig {
                max_connections: 8,
                busy_timeout_secs: 30,
            },
            http: HttpConfig {
                body_limit_bytes: 1024 * 1024,
                request_timeout_secs: 30,
                shutdown_grace_secs: 20,
                https: false,
                trust_forwarded_for: false,
                trusted_proxy_hops: 1,
                metrics_token: String::new(),
            },
            log: LogConfig {
                format: LogFormat::Pretty,
                filter: "info,sqlx=warn".into(),
            },
            site: SiteInfo {
                portal_name: "示范市政务服务网".into(),
                sponsor: "示范市人民政府办公室（承办：示范市政务服务和数据管理局）".into(),
                hotline: "12345".into(),
                address: "示范市人民大道1号市民中心".into(),
                site_code: "0000000000".into(),
                icp_record: "示ICP备00000000号".into(),
                police_record: "示公网安备00000000000000号".into(),
                public_url: "http://127.0.0.1:3000".into(),
            },
            auth: AuthSettings::default(),
            applications: ApplicationSettings::default(),
            idempotency: IdempotencySettings::default(),
            appointments: BookingRules::default(),
            ratings: RatingRules::default(),
            deployment: Deployment::Production,
            test_clock: TestClock::default(),
        }
    }
}

impl Config {
    /// Loads the layered configuration. `file` is the explicit `--config` path, if any.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let file = file
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("PORTAL_CONFIG").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("portal.toml"));
        let config: Config = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(&file))
            .merge(Env::prefixed("PORTAL_").split("__"))
            .merge(
                Env::raw()
                    .only(&["DATABASE_URL"])
                    .map(|_| "database_url".into()),
            )
            .extract()?;
        Ok(config)
    }

    /// The use cases over `db`, with files under `<data_dir>/files`.
    pub fn portal(&self, db: Db) -> anyhow::Result<Portal> {
        self.check()?;
        let files = Files::local(self.data_dir.join("files"))?;
        let clock = self.clock()?;
        Ok(Portal::with_clock(
            db,
            files,
            self.site.clone(),
            self.settings(),
            clock,
        ))
    }

    /// Settings that only make sense together.
    pub fn check(&self) -> anyhow::Result<()> {
        if self.idempotency.lease_secs <= self.http.request_timeout_secs {
            anyhow::bail!(
                "idempotency.lease_secs ({}) must be longer than http.request_timeout_secs ({}): \
                 a retry must not take over a request that is still running",
                self.idempotency.lease_secs,
                self.http.request_timeout_secs
            );
        }
        let problems = self.ratings.problems();
        if !problems.is_empty() {
            anyhow::bail!("ratings: {}", problems.join("；"));
        }
        Ok(())
    }

    /// The system clock, or for a test deployment the clock `test_clock` asks for.
    pub fn clock(&self) -> anyhow::Result<Arc<dyn Clock>> {
        let TestClock { at, offset_secs } = &self.test_clock;
        if at.is_none() && offset_secs.is_none() {
            return Ok(Arc::new(SystemClock));
        }
        if self.deployment != Deployment::Test {
            anyhow::bail!(
                "test_clock is refused: it is only allowed with deployment = \"test\" \
                 (a moved clock would date real cases wrongly)"
            );
        }
        let clock = match (at, offset_secs) {
            (Some(at), None) => {
                let at = OffsetDateTime::parse(at, &Rfc3339).map_err(|e| {
                    anyhow::anyhow!("test_clock.at must be RFC 3339 with an offset: {e}")
                })?;
                ShiftedClock::starting_at(at)
            }
            (None, Some(secs)) => ShiftedClock::by(time::Duration::seconds(*secs)),
            _ => anyhow::bail!("test_clock takes either `at` or `offset_secs`, not both"),
        };
        Ok(Arc::new(clock))
    }

    pub fn settings(&self) -> Settings {
        Settings {
            auth: self.auth.clone(),
            applications: self.applications.clone(),
            idempotency: self.idempotency.clone(),
            appointments: self.appointments.clone(),
            ratings: self.ratings.clone(),
        }
    }

    pub fn db_settings(&self) -> DbSettings {
        let mut settings = match &self.database_url {
            Some(url) => DbSettings::sqlite_in(&self.data_dir).with_url(url.clone()),
            None => DbSettings::sqlite_in(&self.data_dir),
        };
        settings.max_connections = self.database.max_connections;
        settings.busy_timeout = Duration::from_secs(self.database.busy_timeout_secs);
        settings
    }
}

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment's `Jail` closures must return its large error type
mod tests {
    use super::*;

    #[test]
    fn file_values_are_overridden_by_environment() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "portal.toml",
                "listen = \"0.0.0.0:8080\"\n[http]\nrequest_timeout_secs = 5\n[site]\nhotline = \"0571-12345\"\n",
            )?;
            jail.set_env("PORTAL_HTTP__REQUEST_TIMEOUT_SECS", "9");
            jail.set_env("DATABASE_URL", "postgres://db/portal");
            let config = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(config.listen, "0.0.0.0:8080".parse().unwrap());
            assert_eq!(config.http.request_timeout_secs, 9);
            assert_eq!(config.site.hotline, "0571-12345");
            assert_eq!(config.site.portal_name, "示范市政务服务网");
            assert_eq!(config.db_settings().url, "postgres://db/portal");
            Ok(())
        });
    }

    #[test]
    fn the_example_file_documents_the_defaults() {
        // Inside a jail: the jail serialises tests that touch the environment.
        figment::Jail::expect_with(|_| {
            let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../portal.example.toml");
            let config = Config::load(Some(&example)).map_err(|e| e.to_string())?;
            assert_eq!(
                serde_json::to_value(&config).unwrap(),
                serde_json::to_value(Config::default()).unwrap()
            );
            Ok(())
        });
    }

    #[test]
    fn an_idempotency_lease_outlasts_the_request_timeout() {
        let mut config = Config::default();
        assert!(config.check().is_ok());
        config.idempotency.lease_secs = config.http.request_timeout_secs;
        assert!(
            config
                .check()
                .unwrap_err()
                .to_string()
                .contains("lease_secs")
        );
    }

    #[test]
    fn a_test_clock_needs_a_test_deployment() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("PORTAL_TEST_CLOCK__AT", "2026-12-05T10:00:00+08:00");
            let config = Config::load(None).map_err(|e| e.to_string())?;
            let refusal = config.clock().err().expect("refused in production");
            assert!(refusal.to_string().contains("deployment"));
            jail.set_env("PORTAL_DEPLOYMENT", "test");
            let config = Config::load(None).map_err(|e| e.to_string())?;
            let now = config.clock().map_err(|e| e.to_string())?.now();
            let wanted = OffsetDateTime::parse("2026-12-05T02:00:00Z", &Rfc3339).unwrap();
            assert!((now - wanted).abs() < time::Duration::minutes(1));
            Ok(())
        });
    }

    #[test]
    fn without_a_database_url_sqlite_lives_in_the_data_directory() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("PORTAL_DATA_DIR", "/var/lib/portal");
            let config = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(
                config.db_settings().url,
                "sqlite:///var/lib/portal/portal.db?mode=rwc"
            );
            Ok(())
        });
    }
}

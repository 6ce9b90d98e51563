//! Use cases of the portal and everything they need from the outside world: the database,
//! (later) file storage and the clock.
//!
//! Adapters (REST handlers in `server`, server functions in `app`) call one function here per
//! request and map the result; every business rule that touches data and every authorisation
//! check lives in this crate. No HTTP types appear here.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod catalog;
pub mod clock;
pub mod counters;
pub mod db;
pub mod error;
pub mod seed;
pub mod staff;
#[cfg(feature = "testing")]
pub mod testing;

pub use db::{Backend, Db, DbSettings};
pub use error::{Error, Result};

use auth::AuthSettings;
use clock::{Clock, SystemClock};
use domain::site::SiteInfo;
use std::sync::Arc;
use time::OffsetDateTime;

/// Everything a use case needs, cheap to clone into every request.
#[derive(Clone)]
pub struct Portal {
    inner: Arc<PortalInner>,
}

struct PortalInner {
    db: Db,
    site: SiteInfo,
    auth: AuthSettings,
    clock: Arc<dyn Clock>,
}

impl Portal {
    pub fn new(db: Db, site: SiteInfo, auth: AuthSettings) -> Self {
        Self::with_clock(db, site, auth, Arc::new(SystemClock))
    }

    /// The same portal reading time from `clock` (tests cross timeouts with a manual clock).
    pub fn with_clock(db: Db, site: SiteInfo, auth: AuthSettings, clock: Arc<dyn Clock>) -> Self {
        Self {
            inner: Arc::new(PortalInner {
                db,
                site,
                auth,
                clock,
            }),
        }
    }

    pub fn now(&self) -> OffsetDateTime {
        self.inner.clock.now()
    }

    pub fn auth_settings(&self) -> &AuthSettings {
        &self.inner.auth
    }

    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    /// The operator's site identity for page headers and footers.
    pub fn site_info(&self) -> &SiteInfo {
        &self.inner.site
    }

    /// Readiness: can the portal serve requests that need the database right now?
    pub async fn check_ready(&self) -> Result<()> {
        self.db().ping().await.map_err(Error::from)
    }
}

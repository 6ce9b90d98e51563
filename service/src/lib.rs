//! Use cases of the portal and everything they need from the outside world: the database,
//! (later) file storage and the clock.
//!
//! Adapters (REST handlers in `server`, server functions in `app`) call one function here per
//! request and map the result; every business rule that touches data and every authorisation
//! check lives in this crate. No HTTP types appear here.

pub mod audit;
pub mod calendar;
pub mod catalog;
pub mod clock;
pub mod counters;
pub mod db;
pub mod error;
pub mod seed;
#[cfg(feature = "testing")]
pub mod testing;

pub use db::{Backend, Db, DbSettings};
pub use error::{Error, Result};

use domain::site::SiteInfo;
use std::sync::Arc;

/// Everything a use case needs, cheap to clone into every request.
#[derive(Clone)]
pub struct Portal {
    inner: Arc<PortalInner>,
}

struct PortalInner {
    db: Db,
    site: SiteInfo,
}

impl Portal {
    pub fn new(db: Db, site: SiteInfo) -> Self {
        Self {
            inner: Arc::new(PortalInner { db, site }),
        }
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

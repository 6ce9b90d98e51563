//! Use cases of the portal and everything they need from the outside world: the database,
//! (later) file storage and the clock.
//!
//! Adapters (REST handlers in `server`, server functions in `app`) call one function here per
//! request and map the result; every business rule that touches data and every authorisation
//! check lives in this crate. No HTTP types appear here.

pub mod accounts;
pub mod applications;
pub mod appointments;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod catalog;
pub mod clock;
pub mod counters;
pub mod db;
pub mod devices;
pub mod documents;
pub mod error;
pub mod files;
pub mod idempotency;
pub mod messages;
pub mod queue;
pub mod ratings;
pub mod seed;
pub mod staff;
#[cfg(feature = "testing")]
pub mod testing;

pub use db::{Backend, Db, DbSettings};
pub use error::{Error, Result};

use applications::ApplicationSettings;
use auth::AuthSettings;
use clock::{Clock, SystemClock};
use domain::site::SiteInfo;
use files::Files;
use idempotency::IdempotencySettings;
use std::sync::Arc;
use time::OffsetDateTime;

/// Everything a use case needs, cheap to clone into every request.
#[derive(Clone)]
pub struct Portal {
    inner: Arc<PortalInner>,
}

struct PortalInner {
    db: Db,
    files: Files,
    site: SiteInfo,
    settings: Settings,
    clock: Arc<dyn Clock>,
    hashing: auth::password::HashingGate,
}

/// The operator's settings the use cases obey (DESIGN.md's numbers marked *(setting)*).
#[derive(Clone, Debug, Default)]
pub struct Settings {
    pub auth: AuthSettings,
    pub applications: ApplicationSettings,
    pub idempotency: IdempotencySettings,
    pub appointments: domain::appointment::BookingRules,
    pub ratings: domain::rating::RatingRules,
}

impl Portal {
    pub fn new(db: Db, files: Files, site: SiteInfo, settings: Settings) -> Self {
        Self::with_clock(db, files, site, settings, Arc::new(SystemClock))
    }

    /// The same portal reading time from `clock` (tests cross timeouts with a manual clock).
    pub fn with_clock(
        db: Db,
        files: Files,
        site: SiteInfo,
        settings: Settings,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let hashing = auth::password::HashingGate::new(
            settings.auth.hashing_concurrency as usize,
            settings.auth.hashing_queue as usize,
        );
        Self {
            inner: Arc::new(PortalInner {
                db,
                files,
                site,
                settings,
                clock,
                hashing,
            }),
        }
    }

    pub(crate) fn hashing(&self) -> &auth::password::HashingGate {
        &self.inner.hashing
    }

    pub fn files(&self) -> &Files {
        &self.inner.files
    }

    pub fn application_settings(&self) -> &ApplicationSettings {
        &self.inner.settings.applications
    }

    pub fn booking_rules(&self) -> &domain::appointment::BookingRules {
        &self.inner.settings.appointments
    }

    pub fn rating_rules(&self) -> &domain::rating::RatingRules {
        &self.inner.settings.ratings
    }

    pub fn idempotency_settings(&self) -> &IdempotencySettings {
        &self.inner.settings.idempotency
    }

    pub fn now(&self) -> OffsetDateTime {
        self.inner.clock.now()
    }

    pub fn auth_settings(&self) -> &AuthSettings {
        &self.inner.settings.auth
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

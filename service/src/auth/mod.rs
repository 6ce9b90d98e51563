//! Who is calling: passwords, logins with lockout and per-address throttling, sessions and tokens,
//! and the one [`Principal`] that both the web (cookie) and the mini-program (Bearer) resolve to.
//!
//! Every authorisation check goes through the `require_*` methods of [`Session`], so a handler
//! cannot reach a use case without naming who may call it.

pub(crate) mod login;
pub(crate) mod password;
pub(crate) mod session;
mod throttle;

pub use login::{LoginAttempt, LoginDoor, login};
pub use password::hash_password;
pub use session::acting_for_business;
pub use session::{
    Channel, NewSession, Session, SessionSummary, Stage, list_sessions, resolve, revoke,
    revoke_all_except, revoke_by_id, switch_acting_for,
};
pub use throttle::throttle;

/// The hourly housekeeping of the limits: forgets finished per-address windows and the counts of
/// login names whose lock has run out. Returns how many rows went.
pub async fn purge_throttles(portal: &crate::Portal) -> crate::Result<u64> {
    Ok(throttle::purge(portal).await? + login::purge_name_failures(portal).await?)
}

use domain::account::{StaffRole, StaffScope};
use domain::identity::PersonName;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The operator's identity-protection settings (DESIGN.md: numbers marked *(setting)*).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AuthSettings {
    /// Consecutive wrong passwords that lock an account.
    pub lockout_threshold: u32,
    /// How long a locked account stays locked.
    pub lockout_minutes: u32,
    /// A web session ends after this long without a request.
    pub session_idle_minutes: u32,
    /// A web session ends this long after login, whatever the activity.
    pub session_absolute_hours: u32,
    /// Lifetime of a mini-program (Bearer) token.
    pub api_token_hours: u32,
    /// Login and registration attempts one address may make per window.
    pub attempts_per_address: u32,
    pub attempt_window_secs: u32,
    /// Password hashes computed at once; 0 = one per core.
    pub hashing_concurrency: u32,
    /// Password checks that may wait for a free core; beyond, 503 with Retry-After.
    pub hashing_queue: u32,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            lockout_threshold: 5,
            lockout_minutes: 15,
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            api_token_hours: 24,
            attempts_per_address: 30,
            attempt_window_secs: 300,
            hashing_concurrency: 0,
            hashing_queue: 32,
        }
    }
}

/// The authenticated party behind a request.
#[derive(Clone, Debug)]
pub enum Principal {
    Citizen(CitizenPrincipal),
    Staff(StaffPrincipal),
}

#[derive(Clone, Debug)]
pub struct CitizenPrincipal {
    pub citizen_id: String,
    pub name: PersonName,
    /// Set while the citizen acts as 经办人 for a business.
    pub acting_for: Option<ActingFor>,
}

#[derive(Clone, Debug)]
pub struct ActingFor {
    pub business_id: String,
    pub org_name: String,
    /// The business's administrating 经办人 may add and revoke others.
    pub is_admin: bool,
}

#[derive(Clone, Debug)]
pub struct StaffPrincipal {
    pub staff_id: String,
    pub username: String,
    pub name: PersonName,
    pub role: StaffRole,
    pub scope: StaffScope,
}

impl Principal {
    /// The audit log's name for this party: `citizen:<id>` or `staff:<id>`, never a personal number.
    pub fn audit_actor(&self) -> String {
        match self {
            Self::Citizen(citizen) => format!("citizen:{}", citizen.citizen_id),
            Self::Staff(staff) => format!("staff:{}", staff.staff_id),
        }
    }
}

/// What the server learned about the caller of one request. The HTTP layer builds it once per
/// request; REST handlers, form handlers and server functions all read this same value.
#[derive(Clone, Debug, Default)]
pub struct Caller {
    pub session: Option<Session>,
    /// Why a presented cookie or token was not accepted (expired, revoked, unknown).
    pub refusal: Option<(&'static str, &'static str)>,
    /// The credential came in a cookie, so writes must carry the CSRF token.
    pub via_cookie: bool,
    /// Network address, for per-address limits.
    pub address: String,
    pub user_agent: String,
    /// The hall device (kiosk, display) the request comes from, by its token.
    pub device: Option<domain::device::Device>,
}

impl Caller {
    /// The current session, or the reason there is none.
    pub fn session(&self) -> crate::Result<&Session> {
        match (&self.session, self.refusal) {
            (Some(session), _) => Ok(session),
            (None, Some((code, message))) => Err(crate::Error::Unauthenticated { code, message }),
            (None, None) => Err(crate::Error::UNAUTHENTICATED),
        }
    }

    /// Whose `Idempotency-Key`s a request's key is one of: the signed-in principal (see
    /// [`Session::idempotency_scope`]), or for anonymous calls (registration) the address.
    pub fn idempotency_scope(&self) -> String {
        match (&self.session, &self.device) {
            (Some(session), _) => session.idempotency_scope(),
            (None, Some(device)) => device.actor(),
            (None, None) => format!("address:{}", self.address),
        }
    }

    /// The current session for a state-changing request. A cookie can be sent by any page the
    /// browser visits, so cookie-borne writes must also present the session's CSRF token; Bearer
    /// tokens are never sent implicitly and need none.
    pub fn session_for_write(&self, presented_csrf: Option<&str>) -> crate::Result<&Session> {
        let session = self.session()?;
        if self.via_cookie && !constant_time_eq(presented_csrf.unwrap_or(""), &session.csrf_token) {
            return Err(CSRF_FAILED);
        }
        Ok(session)
    }
}

/// A cookie-borne write without its session's CSRF token.
pub const CSRF_FAILED: crate::Error = crate::Error::Forbidden {
    code: "csrf_failed",
    message: "页面已过期或请求来源不明，请刷新页面后重试",
};

/// Compares secrets without stopping at the first difference.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A fresh key for a web form that creates something (see `applications::submit`).
pub fn new_idempotency_key() -> String {
    format!("web-{}", random_token(16))
}

/// A fresh random secret, URL-safe: session tokens, CSRF tokens, opaque ids.
pub(crate) fn random_token(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).expect("the operating system's random source");
    data_encoding::BASE64URL_NOPAD.encode(&buffer)
}

/// Only this digest of a token is stored, so a copy of the database holds no usable session.
pub(crate) fn token_digest(token: &str) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(token.as_bytes()))
}

//! Who is calling: resolves the session cookie or Bearer token once per request into a
//! [`Caller`] request extension that REST handlers, form handlers and server functions share,
//! (the cookie's attributes are `http::cookies`').

use crate::http::{AppState, cookies};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::HeaderValue;
use http::header::{AUTHORIZATION, CACHE_CONTROL, SET_COOKIE, USER_AGENT};
use http::request::Parts;
use service::auth::{self, Caller, Channel};
use service::staff::Capability;
use std::marker::PhantomData;
use std::net::{IpAddr, SocketAddr};

/// Middleware: resolves the caller and, when a presented cookie is no longer valid, clears it.
pub async fn resolve_caller(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    let address = client_address(&state, &request);
    let user_agent = headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect();
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .map(str::to_owned);
    let cookie = cookies::value(headers, cookies::SESSION_COOKIE);
    let device_token = headers
        .get("x-device-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| cookies::value(headers, cookies::DEVICE_COOKIE));
    let mut caller = Caller {
        address,
        user_agent,
        ..Caller::default()
    };
    let presented = match (bearer, cookie) {
        (Some(token), _) => Some((token, Channel::Api)),
        (None, Some(token)) => Some((token, Channel::Web)),
        (None, None) => None,
    };
    let mut clear_cookie = false;
    if let Some((token, channel)) = presented {
        caller.via_cookie = channel == Channel::Web;
        match auth::resolve(&state.portal, &token, channel).await {
            Ok(session) => caller.session = Some(session),
            Err(service::Error::Unauthenticated { code, message }) => {
                caller.refusal = Some((code, message));
                clear_cookie = caller.via_cookie;
            }
            Err(error) => {
                tracing::error!(error = format!("{error:#}"), "resolving the session failed");
            }
        }
    }
    if let Some(token) = device_token {
        match service::devices::authenticate(&state.portal, &token).await {
            Ok(device) => caller.device = Some(device),
            Err(service::Error::Unauthenticated { .. }) => {}
            Err(error) => {
                tracing::error!(error = format!("{error:#}"), "resolving the device failed");
            }
        }
    }
    let signed_in = caller.session.is_some();
    request.extensions_mut().insert(caller);
    let mut response = next.run(request).await;
    // Pages and answers for a signed-in reader carry personal data: never store them in a
    // shared cache or the browser's back-forward history on a shared computer.
    if signed_in && !response.headers().contains_key(CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if clear_cookie && !response.headers().contains_key(SET_COOKIE) {
        response.headers_mut().append(
            SET_COOKIE,
            cookies::clearing_session(state.config.http.https),
        );
    }
    response
}

/// The network address limits are counted against: with `http.trust_forwarded_for`, the
/// `X-Forwarded-For` entry our own proxies appended, else the TCP peer.
fn client_address(state: &AppState, request: &Request) -> String {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip());
    let forwarded = state
        .config
        .http
        .trust_forwarded_for
        .then(|| {
            let entries = request
                .headers()
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok());
            forwarded_client(entries, state.config.http.trusted_proxy_hops)
        })
        .flatten();
    match forwarded.or(peer) {
        Some(address) => address.to_string(),
        None => "local".into(),
    }
}

/// The client in `X-Forwarded-For` header values (in the order received) behind `hops` proxies
/// of ours: the entry `hops` places from the right. Entries further left are whatever the client
/// sent, so they are never used; too few entries, or an entry that is no address, gives `None`.
fn forwarded_client<'a>(values: impl Iterator<Item = &'a str>, hops: usize) -> Option<IpAddr> {
    let entries: Vec<&str> = values.flat_map(|v| v.split(',')).map(str::trim).collect();
    let entry = entries.len().checked_sub(hops.max(1)).map(|i| entries[i])?;
    entry
        .parse::<IpAddr>()
        .or_else(|_| entry.parse::<SocketAddr>().map(|a| a.ip()))
        .ok()
}

/// Extractor for the [`Caller`] the middleware stored.
pub struct CallerOf(pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for CallerOf {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<Caller>()
                .cloned()
                .unwrap_or_default(),
        ))
    }
}

/// Extractor: the caller's current session, or 401 with the reason (expired, revoked).
/// Runs before any body extractor, so an anonymous caller learns nothing about the body rules.
pub struct Authenticated(pub service::auth::Session);

impl<S: Send + Sync> FromRequestParts<S> for Authenticated {
    type Rejection = crate::http::v1::error::ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let caller = parts
            .extensions
            .get::<Caller>()
            .cloned()
            .unwrap_or_default();
        Ok(Self(caller.session()?.clone()))
    }
}

/// Extractor for state-changing requests: as [`Authenticated`], and a cookie-borne session must
/// also present its CSRF token in `X-CSRF-Token` (403 `csrf_failed` otherwise).
pub struct AuthenticatedWrite(pub service::auth::Session);

impl<S: Send + Sync> FromRequestParts<S> for AuthenticatedWrite {
    type Rejection = crate::http::v1::error::ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let caller = parts
            .extensions
            .get::<Caller>()
            .cloned()
            .unwrap_or_default();
        let presented = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok());
        Ok(Self(caller.session_for_write(presented)?.clone()))
    }
}

/// Extractor for a citizen's (or 经办人's) state-changing request: as [`AuthenticatedWrite`],
/// and staff are refused (403) before any body is read.
pub struct CitizenWrite(pub service::auth::Session);

impl<S: Send + Sync> FromRequestParts<S> for CitizenWrite {
    type Rejection = crate::http::v1::error::ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let AuthenticatedWrite(session) =
            AuthenticatedWrite::from_request_parts(parts, state).await?;
        session.require_citizen()?;
        Ok(Self(session))
    }
}

/// Extractor for a staff member's state-changing request under capability `C`: roles outside
/// `C::ROLES` are refused (403) before any body is read. The use case checks `C` again.
pub struct StaffWrite<C>(pub service::auth::Session, pub PhantomData<C>);

impl<S: Send + Sync, C: Capability> FromRequestParts<S> for StaffWrite<C> {
    type Rejection = crate::http::v1::error::ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let AuthenticatedWrite(session) =
            AuthenticatedWrite::from_request_parts(parts, state).await?;
        session.require_staff(C::ROLES)?;
        Ok(Self(session, PhantomData))
    }
}

/// Extractor for a staff member's read under capability `C`: roles outside `C::ROLES` are
/// refused (403) before any query parameter is read.
pub struct StaffRead<C>(pub service::auth::Session, pub PhantomData<C>);

impl<S: Send + Sync, C: Capability> FromRequestParts<S> for StaffRead<C> {
    type Rejection = crate::http::v1::error::ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Authenticated(session) = Authenticated::from_request_parts(parts, state).await?;
        session.require_staff(C::ROLES)?;
        Ok(Self(session, PhantomData))
    }
}

/// Extractor for a 经办人's write on behalf of the business they act for (一企一档): refused (403)
/// before any body is read when the caller acts for no business.
pub struct AgentWrite(pub service::auth::Session);

impl<S: Send + Sync> FromRequestParts<S> for AgentWrite {
    type Rejection = crate::http::v1::error::ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let CitizenWrite(session) = CitizenWrite::from_request_parts(parts, state).await?;
        service::accounts::acting_business(&session)?;
        Ok(Self(session))
    }
}

/// As [`AgentWrite`], for the business's administrating 经办人 (who grants and revokes agents).
pub struct AgentAdminWrite(pub service::auth::Session);

impl<S: Send + Sync> FromRequestParts<S> for AgentAdminWrite {
    type Rejection = crate::http::v1::error::ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let CitizenWrite(session) = CitizenWrite::from_request_parts(parts, state).await?;
        service::accounts::require_agent_admin(&session)?;
        Ok(Self(session))
    }
}

/// Extractor: the provisioned hall device the request comes from (`X-Device-Token`, or the
/// device cookie), or 401 `device_required` before any body is read.
pub struct DeviceOf(pub service::devices::Device);

impl<S: Send + Sync> FromRequestParts<S> for DeviceOf {
    type Rejection = crate::http::v1::error::ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Caller>()
            .and_then(|caller| caller.device.clone())
            .map(Self)
            .ok_or_else(|| service::devices::NOT_A_DEVICE.into())
    }
}

/// Who gives a rating: a signed-in citizen (a cookie write carries its CSRF token), or, when no
/// session is presented, the window's rating tablet by its device token.
pub enum RaterOf {
    Citizen(service::auth::Session),
    Window(service::devices::Device),
}

impl<S: Send + Sync> FromRequestParts<S> for RaterOf {
    type Rejection = crate::http::v1::error::ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let caller = parts.extensions.get::<Caller>();
        if let Some(caller) = caller
            && caller.session.is_none()
            && caller.refusal.is_none()
            && let Some(device) = &caller.device
        {
            // A kiosk or a display rates nothing: refused before the body is read.
            service::devices::require(device, domain::device::DeviceKind::Rater, &device.hall_id)?;
            return Ok(Self::Window(device.clone()));
        }
        let CitizenWrite(session) = CitizenWrite::from_request_parts(parts, state).await?;
        Ok(Self::Citizen(session))
    }
}

impl RaterOf {
    pub fn as_rater(&self) -> service::ratings::Rater<'_> {
        match self {
            Self::Citizen(session) => service::ratings::Rater::Citizen(session),
            Self::Window(device) => service::ratings::Rater::Window(device),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::forwarded_client;

    #[test]
    fn the_client_is_the_entry_our_proxies_appended() {
        let client = |values: &[&str], hops| forwarded_client(values.iter().copied(), hops);
        let spoofed = ["6.6.6.6, 203.0.113.7"];
        assert_eq!(client(&spoofed, 1), Some("203.0.113.7".parse().unwrap()));
        assert_eq!(client(&spoofed, 2), Some("6.6.6.6".parse().unwrap()));
        assert_eq!(
            client(&["6.6.6.6", "203.0.113.7, 10.0.0.2"], 2),
            Some("203.0.113.7".parse().unwrap())
        );
        assert_eq!(
            client(&["203.0.113.7:5123"], 1),
            Some("203.0.113.7".parse().unwrap())
        );
        assert_eq!(
            client(&["2001:db8::1"], 1),
            Some("2001:db8::1".parse().unwrap())
        );
        assert_eq!(
            client(&["203.0.113.7"], 2),
            None,
            "fewer entries than proxies"
        );
        assert_eq!(client(&["1.2.3.4, not-an-address"], 1), None);
        assert_eq!(client(&[], 1), None);
    }
}

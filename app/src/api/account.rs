//! Account data for the pages: who is logged in, 我的, the staff desk. Thin adapters over
//! `service`; the caller was resolved once by the server (cookie → session) and travels in the
//! request's extensions.

#[cfg(feature = "ssr")]
use super::server_error;
use domain::account::{
    AccessLogEntry, BusinessAccount, CitizenAccount, PrincipalView, SessionView, StaffView,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The logged-in party and the CSRF token its forms must carry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub principal: PrincipalView,
    pub csrf_token: String,
}

#[server(prefix = "/_sf", endpoint = "whoami")]
pub async fn whoami() -> Result<Option<SignedIn>, ServerFnError> {
    Ok(session().map(|session| SignedIn {
        principal: session.view(),
        csrf_token: session.csrf_token.clone(),
    }))
}

/// Everything 我的 shows.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MyAccount {
    pub account: CitizenAccount,
    pub sessions: Vec<SessionView>,
    pub access_log: Vec<AccessLogEntry>,
    /// 一企一档 of the business the citizen acts for, if any.
    pub business: Option<BusinessAccount>,
}

#[server(prefix = "/_sf", endpoint = "my_account")]
pub async fn load_my_account() -> Result<Option<MyAccount>, ServerFnError> {
    let Some(session) = session() else {
        return Ok(None);
    };
    if session.require_citizen().is_err() {
        return Ok(None);
    }
    let portal = expect_context::<service::Portal>();
    let business = match session.require_citizen().map_err(server_error)?.acting_for {
        Some(_) => Some(
            service::accounts::business_account(&portal, &session)
                .await
                .map_err(server_error)?,
        ),
        None => None,
    };
    Ok(Some(MyAccount {
        account: service::accounts::citizen_account(&portal, &session)
            .await
            .map_err(server_error)?,
        sessions: service::auth::list_sessions(&portal, &session)
            .await
            .map_err(server_error)?
            .iter()
            .map(|summary| summary.view())
            .collect(),
        access_log: service::accounts::access_log(&portal, &session, super::FIRST_HUNDRED)
            .await
            .map_err(server_error)?
            .items,
        business,
    }))
}

/// What the staff desk shows for the member's role.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StaffDesk {
    /// Admins and supervisors see the staff list.
    pub staff: Option<Vec<StaffView>>,
    /// Halls and departments by code, so scopes read as names.
    pub unit_names: std::collections::BTreeMap<String, String>,
}

#[server(prefix = "/_sf", endpoint = "staff_desk")]
pub async fn load_staff_desk() -> Result<Option<StaffDesk>, ServerFnError> {
    let Some(session) = session() else {
        return Ok(None);
    };
    if session
        .require_staff(&domain::account::StaffRole::ALL)
        .is_err()
    {
        return Ok(None);
    }
    let portal = expect_context::<service::Portal>();
    let staff = match service::staff::list_staff(&portal, &session).await {
        Ok(list) => Some(list),
        Err(service::Error::Forbidden { .. }) => None,
        Err(other) => return Err(server_error(other)),
    };
    let halls = service::catalog::halls(portal.db())
        .await
        .map_err(server_error)?
        .into_iter()
        .map(|hall| (hall.id, hall.name));
    let departments = service::catalog::departments(portal.db())
        .await
        .map_err(server_error)?
        .into_iter()
        .map(|department| (department.code, department.name));
    Ok(Some(StaffDesk {
        staff,
        unit_names: halls.chain(departments).collect(),
    }))
}

/// The authenticator enrolment a staff member sees at first login.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Enrolment {
    pub secret: String,
    pub uri: String,
}

/// Where a staff member's first login stands.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum FirstLogin {
    /// The initial password an admin gave is one-time: replace it first.
    ChangePassword,
    /// Then bind the authenticator.
    Enrol(Enrolment),
}

#[server(prefix = "/_sf", endpoint = "totp_enrolment")]
pub async fn load_enrolment() -> Result<Option<FirstLogin>, ServerFnError> {
    let Some(session) = session() else {
        return Ok(None);
    };
    let portal = expect_context::<service::Portal>();
    match service::staff::begin_totp_enrolment(&portal, &session).await {
        Ok(shown) => Ok(Some(FirstLogin::Enrol(Enrolment {
            secret: shown.secret,
            uri: shown.uri,
        }))),
        Err(service::Error::Forbidden {
            code: "password_change_required",
            ..
        }) => Ok(Some(FirstLogin::ChangePassword)),
        Err(service::Error::Conflict { .. }) => Ok(None),
        Err(other) => Err(server_error(other)),
    }
}

/// A fresh Idempotency-Key for one rendering of a form that creates something: a double click
/// sends it twice and still makes one case.
#[server(prefix = "/_sf", endpoint = "submit_key")]
pub async fn load_submit_key() -> Result<String, ServerFnError> {
    Ok(service::auth::new_idempotency_key())
}

/// The session the server resolved for this request, if any.
#[cfg(feature = "ssr")]
pub(crate) fn current_session() -> Option<service::auth::Session> {
    session()
}

#[cfg(feature = "ssr")]
fn session() -> Option<service::auth::Session> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<service::auth::Caller>().cloned())
        .and_then(|caller| caller.session)
}

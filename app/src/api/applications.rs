//! Application data for the pages: thin adapters over `service::applications`.

#[cfg(feature = "ssr")]
use super::{FIRST_HUNDRED, server_error};
use domain::application::{ApplicationSummary, ApplicationView, TimelineEvent};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One application of the signed-in citizen; `None` when not signed in or not theirs.
#[server(prefix = "/_sf", endpoint = "application")]
pub async fn load_application(id: String) -> Result<Option<ApplicationView>, ServerFnError> {
    let Some(session) = super::account::current_session() else {
        return Ok(None);
    };
    let portal = expect_context::<service::Portal>();
    match service::applications::get(&portal, &session, &id).await {
        Ok(view) => Ok(Some(view)),
        Err(service::Error::NotFound(_) | service::Error::Forbidden { .. }) => Ok(None),
        Err(other) => Err(server_error(other)),
    }
}

/// 我的办件; `None` when not signed in as a citizen.
#[server(prefix = "/_sf", endpoint = "my_applications")]
pub async fn load_my_applications() -> Result<Option<Vec<ApplicationSummary>>, ServerFnError> {
    let Some(session) = super::account::current_session() else {
        return Ok(None);
    };
    let portal = expect_context::<service::Portal>();
    match service::applications::list_mine(&portal, &session).await {
        Ok(list) => Ok(Some(list)),
        Err(service::Error::Forbidden { .. }) => Ok(None),
        Err(other) => Err(server_error(other)),
    }
}

/// The reader's unsent drafts of an item (or, with `package`, of a 一件事); empty when signed
/// out.
#[server(prefix = "/_sf", endpoint = "open_drafts")]
pub async fn load_open_drafts(
    code: String,
    package: bool,
) -> Result<Vec<ApplicationSummary>, ServerFnError> {
    let Some(session) = super::account::current_session() else {
        return Ok(Vec::new());
    };
    let portal = expect_context::<service::Portal>();
    let start = if package {
        service::applications::Start::Package(code)
    } else {
        service::applications::Start::Item(code)
    };
    match service::applications::open_drafts(&portal, &session, &start).await {
        Ok(list) => Ok(list),
        Err(service::Error::Forbidden { .. }) => Ok(Vec::new()),
        Err(other) => Err(server_error(other)),
    }
}

/// The case's timeline; empty when not signed in or not theirs.
#[server(prefix = "/_sf", endpoint = "timeline")]
pub async fn load_timeline(id: String) -> Result<Vec<TimelineEvent>, ServerFnError> {
    let Some(session) = super::account::current_session() else {
        return Ok(Vec::new());
    };
    let portal = expect_context::<service::Portal>();
    match service::applications::timeline(&portal, &session, &id).await {
        Ok(events) => Ok(events),
        Err(service::Error::NotFound(_) | service::Error::Forbidden { .. }) => Ok(Vec::new()),
        Err(other) => Err(server_error(other)),
    }
}

/// The case's notices, addressed to the applicant in full; empty when not signed in or not
/// theirs.
#[server(prefix = "/_sf", endpoint = "notices")]
pub async fn load_notices(id: String) -> Result<Vec<domain::notice::CaseNotice>, ServerFnError> {
    let Some(session) = super::account::current_session() else {
        return Ok(Vec::new());
    };
    let portal = expect_context::<service::Portal>();
    match service::applications::notices(&portal, &session, &id).await {
        Ok(notices) => Ok(notices),
        Err(service::Error::NotFound(_) | service::Error::Forbidden { .. }) => Ok(Vec::new()),
        Err(other) => Err(server_error(other)),
    }
}

/// A file in the citizen's vault, as the application form offers it for reuse (一份材料).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultFile {
    pub id: String,
    pub file_name: String,
    pub uploaded_at: domain::instant::Instant,
    /// Set for an issued e-licence (电子证照).
    pub licence_type: Option<String>,
    pub file_type: Option<domain::catalog::FileType>,
    pub size_bytes: u64,
}

/// The signed-in citizen's vault, newest first; empty when not signed in.
#[server(prefix = "/_sf", endpoint = "vault")]
pub async fn load_vault() -> Result<Vec<VaultFile>, ServerFnError> {
    let Some(session) = super::account::current_session() else {
        return Ok(Vec::new());
    };
    let portal = expect_context::<service::Portal>();
    match service::documents::list(&portal, &session).await {
        Ok(list) => Ok(list
            .into_iter()
            .map(|document| VaultFile {
                id: document.id,
                file_name: document.file_name,
                uploaded_at: document.created_at,
                licence_type: document.licence_type,
                file_type: domain::catalog::FileType::parse(&document.file_type),
                size_bytes: document.size_bytes as u64,
            })
            .collect()),
        Err(service::Error::Forbidden { .. }) => Ok(Vec::new()),
        Err(other) => Err(server_error(other)),
    }
}

/// The signed-in citizen's messages; `None` when not signed in as a citizen.
#[server(prefix = "/_sf", endpoint = "inbox")]
pub async fn load_inbox() -> Result<Option<domain::message::Inbox>, ServerFnError> {
    let Some(session) = super::account::current_session() else {
        return Ok(None);
    };
    let portal = expect_context::<service::Portal>();
    match service::messages::inbox(&portal, &session, FIRST_HUNDRED).await {
        Ok(inbox) => Ok(Some(inbox)),
        Err(service::Error::Forbidden { .. }) => Ok(None),
        Err(other) => Err(server_error(other)),
    }
}

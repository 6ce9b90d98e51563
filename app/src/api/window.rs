//! 窗口收件 data for the staff pages: thin adapters over `service::applications`' window intake.

#[cfg(feature = "ssr")]
use super::server_error;
use domain::application::ApplicationView;
use domain::catalog::ItemSummary;
use leptos::prelude::*;

/// Every item, for the window's item list.
#[server(prefix = "/_sf", endpoint = "window_items")]
pub async fn load_window_items() -> Result<Vec<ItemSummary>, ServerFnError> {
    let portal = expect_context::<service::Portal>();
    service::catalog::items(portal.db())
        .await
        .map_err(server_error)
}

/// A window draft of the signed-in clerk's hall; `None` when it is not theirs to fill in.
#[server(prefix = "/_sf", endpoint = "window_application")]
pub async fn load_window_application(id: String) -> Result<Option<ApplicationView>, ServerFnError> {
    let Some(session) = super::account::current_session() else {
        return Ok(None);
    };
    let portal = expect_context::<service::Portal>();
    match service::applications::window_application(&portal, &session, &id).await {
        Ok(view) => Ok(Some(view)),
        Err(
            service::Error::NotFound(_)
            | service::Error::Forbidden { .. }
            | service::Error::Unauthenticated { .. },
        ) => Ok(None),
        Err(other) => Err(server_error(other)),
    }
}

//! The site's identity for headers and footers.

use domain::site::SiteInfo;
use leptos::prelude::*;

#[server(prefix = "/_sf", endpoint = "site_info")]
pub async fn get_site_info() -> Result<SiteInfo, ServerFnError> {
    let portal = expect_context::<service::Portal>();
    Ok(portal.site_info().clone())
}

//! Catalog data for the pages: thin adapters over `service::catalog`.

#[cfg(feature = "ssr")]
use super::server_error;
use domain::calendar::DueDateEstimate;
use domain::catalog::{
    Department, GuideDetail, Hall, ItemSummary, Package, PackageDetail, RawItemFilter,
};
use domain::errors::FieldErrors;
use domain::paging::Page;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the catalog page shows: one page of results, or why the filter was refused, plus the
/// choices for every filter.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CatalogView {
    pub results: Result<Page<ItemSummary>, FieldErrors>,
    pub departments: Vec<Department>,
    pub topics: Vec<String>,
    pub packages: Vec<Package>,
}

#[server(prefix = "/_sf", endpoint = "catalog")]
pub async fn load_catalog(
    filter: RawItemFilter,
    page: Option<String>,
) -> Result<CatalogView, ServerFnError> {
    let portal = expect_context::<service::Portal>();
    let db = portal.db();
    let results = match service::catalog::search_items(
        db,
        &filter,
        domain::paging::PageRequest::parse(page.as_deref(), None),
    )
    .await
    {
        Ok(page) => Ok(page),
        Err(service::Error::Invalid(fields)) => Err(fields),
        Err(other) => return Err(server_error(other)),
    };
    Ok(CatalogView {
        results,
        departments: service::catalog::departments(db)
            .await
            .map_err(server_error)?,
        topics: service::catalog::topics(db).await.map_err(server_error)?,
        packages: service::catalog::packages(db).await.map_err(server_error)?,
    })
}

/// A guide and the "今天申请…" estimate; `None` when there is no such item.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GuideView {
    pub detail: GuideDetail,
    pub estimate: DueDateEstimate,
}

#[server(prefix = "/_sf", endpoint = "guide")]
pub async fn load_guide(code: String) -> Result<Option<GuideView>, ServerFnError> {
    let portal = expect_context::<service::Portal>();
    let detail = match service::catalog::guide(portal.db(), &code).await {
        Ok(detail) => detail,
        Err(service::Error::NotFound(_)) => return Ok(None),
        Err(other) => return Err(server_error(other)),
    };
    let calendar = service::calendar::load(portal.db())
        .await
        .map_err(server_error)?;
    let estimate = calendar.estimate(
        service::clock::today_at(portal.now()),
        detail.guide.promised_days,
    );
    Ok(Some(GuideView { detail, estimate }))
}

#[server(prefix = "/_sf", endpoint = "package")]
pub async fn load_package(id: String) -> Result<Option<PackageDetail>, ServerFnError> {
    let portal = expect_context::<service::Portal>();
    match service::catalog::package(portal.db(), &id).await {
        Ok(detail) => Ok(Some(detail)),
        Err(service::Error::NotFound(_)) => Ok(None),
        Err(other) => Err(server_error(other)),
    }
}

#[server(prefix = "/_sf", endpoint = "packages")]
pub async fn load_packages() -> Result<Vec<Package>, ServerFnError> {
    let portal = expect_context::<service::Portal>();
    service::catalog::packages(portal.db())
        .await
        .map_err(server_error)
}

#[server(prefix = "/_sf", endpoint = "halls")]
pub async fn load_halls() -> Result<Vec<Hall>, ServerFnError> {
    let portal = expect_context::<service::Portal>();
    service::catalog::halls(portal.db())
        .await
        .map_err(server_error)
}

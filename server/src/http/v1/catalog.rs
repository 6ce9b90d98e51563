//! Catalog endpoints (public): items and their guides, 一件事 packages, departments, halls.

use super::error::{ApiError, ErrorEnvelope};
use super::extract::{ApiQuery, Paging};
use crate::http::AppState;
use axum::Json;
use axum::extract::{Path, State};
use domain::catalog::{
    Department, GuideDetail, Hall, ItemSummary, Package, PackageDetail, RawItemFilter,
};
use domain::paging::{Page, PageRequest};
use serde::Deserialize;
use utoipa::IntoParams;

/// Filters, search words and paging; all optional, all text so that each bad value is named.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItemListQuery {
    /// 搜索词：事项名称、别名、材料或部门中的任意词语（中文，可为部分词语）
    q: Option<String>,
    /// person（个人）或 business（法人）
    applicant_type: Option<String>,
    /// 部门代码，如 scjg
    department: Option<String>,
    /// economic、construction、social 或 real_estate
    zone: Option<String>,
    /// 服务方式：immediate、online、nearby、one_visit、city_wide、contactless、self_service
    tag: Option<String>,
    /// 主题（生活事件），如 出生、开办企业
    topic: Option<String>,
    /// 页码，从 1 开始（默认 1）
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u32>,
    /// 每页条数，1 到 100（默认 20）
    #[param(minimum = 1, maximum = 100)]
    page_size: Option<u32>,
}

/// Without `q`, items in catalog order; with `q`, ranked by relevance (name, then aliases, then
/// materials and department).
#[utoipa::path(
    get,
    path = "/items",
    tag = "catalog",
    summary = "搜索和浏览事项",
    params(ItemListQuery),
    responses(
        (status = 200, description = "一页事项", body = Page<ItemSummary>),
        (status = 422, description = "参数有误，fields 指明哪个参数", body = ErrorEnvelope),
    )
)]
pub async fn list_items(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ItemListQuery>,
) -> Result<Json<Page<ItemSummary>>, ApiError> {
    let filter = RawItemFilter {
        q: query.q,
        applicant_type: query.applicant_type,
        department: query.department,
        zone: query.zone,
        tag: query.tag,
        topic: query.topic,
    };
    let page = service::catalog::search_items(
        state.portal.db(),
        &filter,
        PageRequest::new(query.page, query.page_size),
    )
    .await?;
    Ok(Json(page))
}

/// The complete current guide (一单清) with materials, review points, time limits, fees,
/// department and hall.
#[utoipa::path(
    get,
    path = "/items/{item_code}",
    tag = "catalog",
    summary = "办事指南",
    params(("item_code" = String, Path, description = "实施编码")),
    responses(
        (status = 200, description = "办事指南", body = GuideDetail),
        (status = 404, description = "没有该事项", body = ErrorEnvelope),
    )
)]
pub async fn item_guide(
    State(state): State<AppState>,
    Path(item_code): Path<String>,
) -> Result<Json<GuideDetail>, ApiError> {
    Ok(Json(
        service::catalog::guide(state.portal.db(), &item_code).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/packages",
    tag = "catalog",
    summary = "“一件事”列表",
    params(Paging),
    responses((status = 200, description = "“一件事”，按目录顺序", body = Page<Package>))
)]
pub async fn list_packages(
    State(state): State<AppState>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Json<Page<Package>>, ApiError> {
    let paging = paging.request()?;
    let all = service::catalog::packages(state.portal.db()).await?;
    Ok(Json(Page::of(&all, paging)))
}

/// A package with its member items and the merged material list (一套材料).
#[utoipa::path(
    get,
    path = "/packages/{package_id}",
    tag = "catalog",
    summary = "“一件事”详情",
    params(("package_id" = String, Path, description = "“一件事”编号，如 kaiban-qiye")),
    responses(
        (status = 200, description = "“一件事”详情", body = PackageDetail),
        (status = 404, description = "没有该“一件事”", body = ErrorEnvelope),
    )
)]
pub async fn package_detail(
    State(state): State<AppState>,
    Path(package_id): Path<String>,
) -> Result<Json<PackageDetail>, ApiError> {
    Ok(Json(
        service::catalog::package(state.portal.db(), &package_id).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/departments",
    tag = "catalog",
    summary = "实施部门",
    params(Paging),
    responses((status = 200, description = "部门，按目录顺序", body = Page<Department>))
)]
pub async fn list_departments(
    State(state): State<AppState>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Json<Page<Department>>, ApiError> {
    let paging = paging.request()?;
    let all = service::catalog::departments(state.portal.db()).await?;
    Ok(Json(Page::of(&all, paging)))
}

#[utoipa::path(
    get,
    path = "/halls",
    tag = "catalog",
    summary = "政务服务大厅",
    params(Paging),
    responses((status = 200, description = "市、区、镇街三级大厅", body = Page<Hall>))
)]
pub async fn list_halls(
    State(state): State<AppState>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Json<Page<Hall>>, ApiError> {
    let paging = paging.request()?;
    let all = service::catalog::halls(state.portal.db()).await?;
    Ok(Json(Page::of(&all, paging)))
}

#[utoipa::path(
    get,
    path = "/halls/{hall_id}",
    tag = "catalog",
    summary = "大厅详情",
    params(("hall_id" = String, Path, description = "大厅编号")),
    responses(
        (status = 200, description = "地址、服务时间（含午间延时与周末“5+X”）和分区窗口", body = Hall),
        (status = 404, description = "没有该大厅", body = ErrorEnvelope),
    )
)]
pub async fn hall_detail(
    State(state): State<AppState>,
    Path(hall_id): Path<String>,
) -> Result<Json<Hall>, ApiError> {
    Ok(Json(
        service::catalog::hall(state.portal.db(), &hall_id).await?,
    ))
}

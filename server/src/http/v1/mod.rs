//! The public, versioned REST API that the mini-program and third parties code against
//! (`../shared/API.md`). The OpenAPI document is generated from these same route definitions, so
//! it cannot drift from what is served.

mod calendar;
mod catalog;
pub mod error;
pub mod extract;

use crate::http::AppState;
use axum::Extension;
use axum::Router;
use axum::routing::any;
use error::ApiError;
use std::sync::Arc;
use utoipa::OpenApi;
use utoipa::openapi::OpenApi as OpenApiDocument;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const PREFIX: &str = "/api/v1";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "政务服务门户 API",
        version = "1",
        description = "一网通办公共接口：事项与办事指南、身份认证、办件、预约取号、好差评。\
                       所有错误使用统一的错误信封，见 `ErrorEnvelope`。"
    ),
    components(schemas(error::ErrorEnvelope, error::ErrorDetail))
)]
struct ApiDoc;

/// Every documented `/api/v1` route, with paths relative to the prefix.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(openapi_json))
        .routes(routes!(calendar::due_date))
        .routes(routes!(catalog::list_items))
        .routes(routes!(catalog::item_guide))
        .routes(routes!(catalog::list_packages))
        .routes(routes!(catalog::package_detail))
        .routes(routes!(catalog::list_departments))
        .routes(routes!(catalog::list_halls))
        .routes(routes!(catalog::hall_detail))
}

/// Mounts `api` under the prefix, answers unknown paths with the 404 envelope, and serves the
/// generated document at `/api/v1/openapi.json`.
pub fn finish(api: OpenApiRouter<AppState>) -> Router<AppState> {
    let (router, document) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest(PREFIX, api)
        .split_for_parts();
    router
        .route(&format!("{PREFIX}/{{*rest}}"), any(unknown_route))
        .route(PREFIX, any(unknown_route))
        .layer(Extension(Arc::new(document)))
}

/// The OpenAPI 3.1 description of this API.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "meta",
    summary = "接口文档",
    description = "本接口的 OpenAPI 3.1 描述，由服务端代码生成。",
    responses((status = 200, description = "OpenAPI 3.1 文档", content_type = "application/json"))
)]
async fn openapi_json(
    Extension(document): Extension<Arc<OpenApiDocument>>,
) -> axum::Json<OpenApiDocument> {
    axum::Json(document.as_ref().clone())
}

async fn unknown_route() -> ApiError {
    ApiError::not_found("请求的接口不存在，请核对地址和 API 版本")
}

//! The public, versioned REST API that the mini-program and third parties code against
//! (`../shared/API.md`). The OpenAPI document is generated from these same route definitions, so
//! it cannot drift from what is served.

mod applications;
mod appointments;
mod auth;
mod business;
mod calendar;
mod catalog;
mod devices;
pub mod error;
pub mod extract;
mod intake;
mod me;
mod messages;
mod openapi;
mod progress;
mod queue;
mod ratings;
mod review;
mod staff;
mod supervision;
mod window;

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

/// Every documented `/api/v1` route, with paths relative to the prefix.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(openapi_json))
        .routes(routes!(calendar::due_date))
        .routes(routes!(calendar::event_codes))
        .routes(routes!(catalog::list_items))
        .routes(routes!(catalog::item_guide))
        .routes(routes!(catalog::list_packages))
        .routes(routes!(catalog::package_detail))
        .routes(routes!(catalog::list_departments))
        .routes(routes!(catalog::list_halls))
        .routes(routes!(catalog::hall_detail))
        .routes(routes!(auth::register))
        .routes(routes!(auth::login))
        .routes(routes!(auth::change_initial_password))
        .routes(routes!(auth::logout))
        .routes(routes!(me::me))
        .routes(routes!(me::update_profile))
        .routes(routes!(me::reveal_id_number))
        .routes(routes!(me::change_password))
        .routes(routes!(me::sessions))
        .routes(routes!(me::revoke_session))
        .routes(routes!(me::revoke_other_sessions))
        .routes(routes!(me::access_log))
        .routes(routes!(me::switch_acting_for))
        .routes(routes!(business::business))
        .routes(routes!(business::update_business_profile))
        .routes(routes!(business::grant_agent))
        .routes(routes!(business::revoke_agent))
        .routes(routes!(staff::staff_me))
        .routes(routes!(staff::look_up_citizen))
        .routes(routes!(staff::list_users, staff::create_user))
        .routes(routes!(staff::change_role))
        .routes(routes!(staff::audit_log))
        .routes(routes!(applications::create, applications::list))
        .routes(routes!(
            applications::read,
            applications::update,
            applications::patch
        ))
        .routes(routes!(applications::prereview))
        .routes(routes!(applications::submit))
        .routes(routes!(applications::withdraw))
        .routes(routes!(applications::timeline))
        .routes(routes!(applications::notices))
        .routes(routes!(intake::queue))
        .routes(routes!(intake::read))
        .routes(routes!(intake::material))
        .routes(routes!(intake::accept))
        .routes(routes!(intake::refuse))
        .routes(routes!(intake::request_supplement))
        .routes(routes!(intake::confirm_supplement))
        .routes(routes!(review::start_review))
        .routes(routes!(review::suspend))
        .routes(routes!(review::resume))
        .routes(routes!(review::schedule_inspection))
        .routes(routes!(review::inspection))
        .routes(routes!(review::record_inspection))
        .routes(routes!(review::decide))
        .routes(routes!(review::revoke))
        .routes(routes!(supervision::list))
        .routes(routes!(supervision::remind))
        .routes(routes!(window::start))
        .routes(routes!(window::read, window::update))
        .routes(routes!(window::submit))
        .routes(routes!(messages::inbox))
        .routes(routes!(messages::mark_read))
        .routes(routes!(progress::progress_query))
        .routes(routes!(appointments::slots))
        .routes(routes!(appointments::book, appointments::list))
        .routes(routes!(appointments::read))
        .routes(routes!(appointments::cancel))
        .routes(routes!(appointments::check_in))
        .routes(routes!(appointments::close_period))
        .routes(routes!(queue::ticket))
        .routes(routes!(queue::walk_in))
        .routes(routes!(queue::kiosk_check_in))
        .routes(routes!(queue::board))
        .routes(routes!(queue::desk))
        .routes(routes!(queue::call_next))
        .routes(routes!(queue::recall))
        .routes(routes!(queue::no_show))
        .routes(routes!(queue::start))
        .routes(routes!(queue::serve))
        .routes(routes!(devices::provision, devices::list))
        .routes(routes!(ratings::rate))
        .routes(routes!(ratings::mine))
        .routes(routes!(ratings::re_rate))
        .routes(routes!(ratings::stats))
        .routes(routes!(ratings::queue))
        .routes(routes!(ratings::read))
        .routes(routes!(ratings::callback))
        .routes(routes!(ratings::answer))
        .routes(routes!(ratings::appeal))
        .routes(routes!(ratings::review))
        .routes(routes!(ratings::reveal_phone))
        .routes(routes!(applications::list_documents))
        .routes(routes!(applications::document_content))
        .merge(
            // Uploads may be as large as the upload limit; every other body keeps the small one.
            OpenApiRouter::new()
                .routes(routes!(applications::upload))
                .routes(routes!(window::scan))
                .routes(routes!(applications::hand_in_supplement))
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
}

/// Mounts `api` under the prefix, answers unknown paths with the 404 envelope, and serves the
/// generated document at `/api/v1/openapi.json`.
pub fn finish(api: OpenApiRouter<AppState>) -> Router<AppState> {
    let (router, mut document) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .nest(PREFIX, api)
        .split_for_parts();
    openapi::complete_error_statuses(&mut document);
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
    ApiError::not_found("没有找到您要访问的内容")
}

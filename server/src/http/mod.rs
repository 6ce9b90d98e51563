//! HTTP wiring: one router for pages, server functions, the public REST API and operations
//! endpoints, wrapped in the cross-cutting layers every response passes through.

pub mod caller;
mod cookies;
mod display;
mod display_mode;
mod layers;
mod ops;
mod qr;
mod request_id;
pub mod status;
pub mod v1;
mod web;

use crate::config::Config;
use axum::Router;
use axum::extract::FromRef;
use axum::routing::get;
use leptos::config::LeptosOptions;
use leptos_axum::{LeptosRoutes, generate_route_list};
use service::Portal;
use std::sync::Arc;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub portal: Portal,
    pub leptos: LeptosOptions,
    pub config: Arc<Config>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

/// The page routes of the Leptos app, computed once per process. Generating them renders the
/// app in a special route-collecting mode that is process-wide; doing it while another router
/// renders pages (tests build many routers in one process) made those renders hang.
fn page_routes() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

/// The complete application as served.
pub fn app(state: AppState) -> Router {
    app_with_api(state, v1::routes())
}

/// The application with a given `/api/v1` route set; [`app`] passes the real one. Tests use this to
/// add probe routes (a handler that panics, say) under the very same layers.
pub fn app_with_api(state: AppState, api: utoipa_axum::router::OpenApiRouter<AppState>) -> Router {
    // Install the metrics recorder before the first request is counted.
    let _ = crate::telemetry::metrics();
    let leptos_routes = page_routes();
    let portal = state.portal.clone();
    let provide_portal = move || leptos::prelude::provide_context(portal.clone());
    let pages = Router::new()
        .leptos_routes_with_context(&state, leptos_routes, provide_portal.clone(), {
            let options = state.leptos.clone();
            move || app::shell(options.clone())
        })
        .route(app::paths::DISPLAY_MODE, get(display_mode::switch))
        .route(&app::paths::RECEIPT_QR.route(), get(qr::receipt))
        .route(app::paths::TOTP_QR, get(qr::enrolment))
        .route(&app::paths::APPOINTMENT_QR.route(), get(qr::booking))
        .route(&app::paths::TICKET_QR.route(), get(qr::ticket))
        .route(&app::paths::ENTRANCE_QR.route(), get(qr::entrance))
        .route(
            &app::paths::HALL_DISPLAY_EVENTS.route(),
            get(display::events),
        )
        .merge(web::routes())
        .nest_service("/pkg", layers::hashed_assets(&state.leptos))
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(provide_portal, app::shell));

    let router = Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .merge(v1::finish(api))
        .merge(pages)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            caller::resolve_caller,
        ))
        .with_state(state.clone());
    layers::wrap(router, &state.config)
}

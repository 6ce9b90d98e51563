//! `GET /display-mode?mode=elder&return=/path`: the 适老化 switch for readers without JavaScript.

use crate::http::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use domain::display::DisplayMode;
use domain::return_path;
use http::header::SET_COOKIE;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct SwitchQuery {
    mode: Option<String>,
    #[serde(rename = "return")]
    return_to: Option<String>,
}

/// Remembers the mode in a cookie and sends the reader back where they were.
pub async fn switch(
    State(state): State<AppState>,
    Query(query): Query<SwitchQuery>,
) -> impl IntoResponse {
    let mode = DisplayMode::from_value(query.mode.as_deref().unwrap_or_default());
    let cookie = crate::http::cookies::display_mode(mode, state.config.http.https);
    (
        [(SET_COOKIE, cookie)],
        Redirect::to(return_path::local_or(query.return_to.as_deref(), "/")),
    )
}

//! `GET /display-mode?mode=elder&return=/path`: the 适老化 switch for readers without JavaScript.

use crate::http::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use domain::display::{DISPLAY_MODE_COOKIE, DisplayMode, safe_return_path};
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
    let secure = if state.config.http.https {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{DISPLAY_MODE_COOKIE}={}; Path=/; Max-Age={}; SameSite=Lax{secure}",
        mode.as_str(),
        DisplayMode::COOKIE_MAX_AGE_SECS
    );
    (
        [(SET_COOKIE, cookie)],
        Redirect::to(safe_return_path(query.return_to.as_deref())),
    )
}

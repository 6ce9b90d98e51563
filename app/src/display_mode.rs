//! The reader's display mode (standard or 适老化) as reactive state.
//!
//! The server reads it from the request's cookie; the browser reads the same cookie when it
//! hydrates, so both render the same markup. Switching works as a plain link (the server sets the
//! cookie and redirects back); with WASM the switch happens in place, without a reload.

use domain::display::DisplayMode;
use leptos::prelude::*;

/// Makes the current display mode available to every component.
pub fn provide() {
    provide_context(RwSignal::new(initial()));
}

pub fn use_display_mode() -> RwSignal<DisplayMode> {
    expect_context::<RwSignal<DisplayMode>>()
}

#[cfg(feature = "ssr")]
pub fn from_request(parts: Option<&http::request::Parts>) -> DisplayMode {
    parts
        .and_then(|parts| parts.headers.get(http::header::COOKIE))
        .and_then(|value| value.to_str().ok())
        .map(DisplayMode::from_cookie_header)
        .unwrap_or_default()
}

fn initial() -> DisplayMode {
    #[cfg(feature = "ssr")]
    {
        from_request(use_context::<http::request::Parts>().as_ref())
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        browser::cookie_header()
            .map(|header| DisplayMode::from_cookie_header(&header))
            .unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        DisplayMode::default()
    }
}

/// Switches the mode in place: remembers it in the cookie and restyles the page.
#[cfg(feature = "hydrate")]
pub fn apply_in_browser(mode: DisplayMode) {
    browser::set_cookie(mode);
    if let Some(root) = document().document_element() {
        let classes = root.class_list();
        let _ = classes.remove_1(mode.toggled().html_class());
        let _ = classes.add_1(mode.html_class());
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use domain::display::{DISPLAY_MODE_COOKIE, DisplayMode};
    use leptos::prelude::document;
    use wasm_bindgen::JsCast;
    use web_sys::HtmlDocument;

    pub fn cookie_header() -> Option<String> {
        document().dyn_into::<HtmlDocument>().ok()?.cookie().ok()
    }

    pub fn set_cookie(mode: DisplayMode) {
        if let Ok(doc) = document().dyn_into::<HtmlDocument>() {
            let _ = doc.set_cookie(&format!(
                "{DISPLAY_MODE_COOKIE}={}; Path=/; Max-Age={}; SameSite=Lax",
                mode.as_str(),
                DisplayMode::COOKIE_MAX_AGE_SECS
            ));
        }
    }
}

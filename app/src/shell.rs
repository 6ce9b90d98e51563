//! The HTML document around the app, rendered only on the server.

use crate::App;
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags};

/// The per-response CSP nonce, put into request extensions by the server's security-headers
/// middleware; the inline hydration script must carry it or the browser refuses to run it.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

/// The whole document. The display mode is applied to `<html>` here, by the server, so a reader
/// in 适老化 mode never sees a flash of small text.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let parts = use_context::<http::request::Parts>();
    if let Some(CspNonce(nonce)) = parts.as_ref().and_then(|p| p.extensions.get::<CspNonce>()) {
        provide_context(leptos::nonce::Nonce::from_value(nonce.as_str()));
    }
    let mode = crate::display_mode::from_request(parts.as_ref());

    view! {
        <!DOCTYPE html>
        <html lang="zh-CN" class=mode.html_class()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#b8211b" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HashedStylesheet options=options.clone() id="leptos" />
                <HydrationScripts options islands=true />
                <MetaTags />
                // 朗读 buttons: plain JavaScript, so the WASM does not grow for it.
                <script src="/read-aloud.js" defer></script>
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

//! Server functions: three-line adapters from the UI to `service`, served under `/_sf`.

pub mod account;
pub mod applications;
pub mod appointments;
pub mod catalog;
pub mod intake;
pub mod ratings;
pub mod review;
pub mod site;
pub mod window;

/// The first page of a list as the web pages show it: the newest hundred. (Page links come
/// with the phone-first pages.)
#[cfg(feature = "ssr")]
const FIRST_HUNDRED: domain::paging::PageRequest = domain::paging::PageRequest {
    page: 1,
    page_size: domain::paging::MAX_PAGE_SIZE,
};

/// The hall device (kiosk, display, rating tablet) the request comes from, by its token.
#[cfg(feature = "ssr")]
fn current_device() -> Option<service::devices::Device> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<service::auth::Caller>().cloned())
        .and_then(|caller| caller.device)
}

/// Unexpected failures are logged here, once, and reach the reader as 系统繁忙 with the request
/// id to quote, as the API's envelope does.
#[cfg(feature = "ssr")]
fn server_error(error: service::Error) -> leptos::prelude::ServerFnError {
    if let service::Error::Unexpected(cause) = &error {
        tracing::error!(error = format!("{cause:#}"), "server function failed");
    }
    let request_id = leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| {
            let id = parts.headers.get("x-request-id")?.to_str().ok()?;
            Some(id.to_owned())
        })
        .unwrap_or_default();
    leptos::prelude::ServerFnError::new(format!("系统繁忙，请稍后再试（请求编号 {request_id}）"))
}

/// What a page says when its data failed to load: the server's 系统繁忙 with the request id.
pub fn failure_message(error: &leptos::prelude::ServerFnError) -> String {
    match error {
        leptos::prelude::ServerFnError::ServerError(message) => message.clone(),
        _ => "系统繁忙，请稍后再试".to_owned(),
    }
}

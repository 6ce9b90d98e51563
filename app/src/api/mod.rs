//! Server functions: three-line adapters from the UI to `service`, served under `/_sf`.

pub mod account;
pub mod applications;
pub mod catalog;
pub mod site;

/// The first page of a list as the web pages show it: the newest hundred. (Page links come
/// with the phone-first pages.)
#[cfg(feature = "ssr")]
const FIRST_HUNDRED: domain::paging::PageRequest = domain::paging::PageRequest {
    page: 1,
    page_size: domain::paging::MAX_PAGE_SIZE,
};

/// Unexpected failures are logged here, once, and reach the reader as 系统繁忙.
#[cfg(feature = "ssr")]
fn server_error(error: service::Error) -> leptos::prelude::ServerFnError {
    if let service::Error::Unexpected(cause) = &error {
        tracing::error!(error = format!("{cause:#}"), "server function failed");
    }
    leptos::prelude::ServerFnError::new("系统繁忙，请稍后再试")
}

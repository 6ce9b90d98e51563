//! 后台分类审批 and 电子监察 data for the staff pages: thin adapters over `service::applications`.

#[cfg(feature = "ssr")]
use super::server_error;
use domain::case_clock::Urgency;
use domain::intake::QueueEntry;
use domain::paging::Page;
use domain::supervision::SupervisionEntry;
use leptos::prelude::*;

/// 电子监察's list (warning and overdue, or one of them); `None` when the caller is not a
/// supervisor.
#[server(prefix = "/_sf", endpoint = "staff_supervision")]
pub async fn load_supervision(
    urgency: Option<Urgency>,
    page: u32,
) -> Result<Option<Page<SupervisionEntry>>, ServerFnError> {
    let Some(session) = super::account::current_session() else {
        return Ok(None);
    };
    let portal = expect_context::<service::Portal>();
    let paging = domain::paging::PageRequest::new(Some(page), None).unwrap_or_default();
    match service::applications::supervision(&portal, &session, urgency, paging).await {
        Ok(page) => Ok(Some(page)),
        Err(service::Error::Forbidden { .. } | service::Error::Unauthenticated { .. }) => Ok(None),
        Err(other) => Err(server_error(other)),
    }
}

/// The cases of the caller's scope with a 催办 not acted on yet.
#[server(prefix = "/_sf", endpoint = "staff_reminders")]
pub async fn load_reminders() -> Result<Vec<QueueEntry>, ServerFnError> {
    let Some(session) = super::account::current_session() else {
        return Ok(Vec::new());
    };
    let portal = expect_context::<service::Portal>();
    let filter = domain::intake::QueueFilter {
        reminded: true,
        ..Default::default()
    };
    let queue = domain::intake::Queue::Review;
    match service::applications::queue(&portal, &session, queue, filter, super::FIRST_HUNDRED).await
    {
        Ok(page) => Ok(page.items),
        Err(service::Error::Forbidden { .. } | service::Error::Unauthenticated { .. }) => {
            Ok(Vec::new())
        }
        Err(other) => Err(server_error(other)),
    }
}

//! 一窗受理 data for the staff pages: thin adapters over `service::applications`' intake.

#[cfg(feature = "ssr")]
use super::server_error;
use domain::intake::{Queue, QueueEntry, StaffCaseView};
use domain::paging::Page;
use leptos::prelude::*;

/// A queue as the workbench shows it: which one, and its cases.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ShownQueue {
    pub queue: Queue,
    pub cases: Page<QueueEntry>,
}

/// A work queue of the signed-in staff member's scope — the one asked for, or their own work's
/// (审查中 in a department, 待受理 elsewhere); `None` when not signed in as staff.
#[server(prefix = "/_sf", endpoint = "staff_queue")]
pub async fn load_queue(
    queue: Option<Queue>,
    page: u32,
) -> Result<Option<ShownQueue>, ServerFnError> {
    let Some(session) = super::account::current_session() else {
        return Ok(None);
    };
    let own = match session.require_staff(&domain::account::StaffRole::ALL) {
        Ok(staff) if staff.role == domain::account::StaffRole::Approver => Queue::Review,
        _ => Queue::Intake,
    };
    let queue = queue.unwrap_or(own);
    let portal = expect_context::<service::Portal>();
    let paging = domain::paging::PageRequest::new(Some(page), None).unwrap_or_default();
    let filter = domain::intake::QueueFilter::default();
    match service::applications::queue(&portal, &session, queue, filter, paging).await {
        Ok(cases) => Ok(Some(ShownQueue { queue, cases })),
        Err(service::Error::Forbidden { .. } | service::Error::Unauthenticated { .. }) => Ok(None),
        Err(other) => Err(server_error(other)),
    }
}

/// One case as the signed-in staff member may see it (an audited read); `None` when it is not
/// theirs to see.
#[server(prefix = "/_sf", endpoint = "staff_case")]
pub async fn load_staff_case(case_no: String) -> Result<Option<StaffCaseView>, ServerFnError> {
    let Some(session) = super::account::current_session() else {
        return Ok(None);
    };
    let portal = expect_context::<service::Portal>();
    match service::applications::case_for_staff(&portal, &session, &case_no).await {
        Ok(view) => Ok(Some(view)),
        Err(
            service::Error::NotFound(_)
            | service::Error::Forbidden { .. }
            | service::Error::Unauthenticated { .. },
        ) => Ok(None),
        Err(other) => Err(server_error(other)),
    }
}

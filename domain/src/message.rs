//! The in-app message centre (站内信) as the person reads it. Messages carry the case number and
//! at most a masked name, never an ID number or phone (DESIGN.md §9).

use crate::instant::Instant;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageView {
    pub id: String,
    /// Stable snake_case kind for programs (`case_submitted`, `draft_expiring` …).
    pub kind: String,
    pub title: String,
    pub body: String,
    /// Where the message leads on the web portal (`/applications/…`), if anywhere.
    pub link: Option<String>,
    /// The application it is about, for clients that route themselves:
    /// `GET /api/v1/applications/{application_id}`.
    pub application_id: Option<String>,
    /// Its 办件编号 as it is now (a message about a draft shows it once the draft is submitted).
    pub case_no: Option<String>,
    pub created_at: Instant,
    pub read: bool,
}

/// One page of the message centre, newest first, with the unread count (of all pages) for the
/// header badge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Inbox {
    pub items: Vec<MessageView>,
    pub total: u64,
    pub page: u32,
    pub page_size: u32,
    pub unread: u64,
}

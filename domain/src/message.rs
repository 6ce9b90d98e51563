//! The in-app message centre (站内信) as the person reads it. Messages carry the case number and
//! at most a masked name, never an ID number or phone (DESIGN.md §9).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageView {
    pub id: String,
    /// Stable snake_case kind for programs (`case_submitted`, `draft_expiring` …).
    pub kind: String,
    pub title: String,
    pub body: String,
    /// Where the message leads inside the portal (`/applications/…`), if anywhere.
    pub link: Option<String>,
    pub created_at: String,
    pub read: bool,
}

/// The message centre's page: newest first, with the unread count for the header badge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Inbox {
    pub unread: u32,
    pub messages: Vec<MessageView>,
}

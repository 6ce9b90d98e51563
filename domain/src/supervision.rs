//! 电子监察: a line of the supervisor's warning and overdue lists, with who is responsible, and
//! 催办, the reminder a supervisor sends the responsible staff.

use crate::errors::FieldErrors;
use crate::instant::Instant;
use crate::intake::QueueEntry;
use serde::{Deserialize, Serialize};

/// One line of 电子监察: a case in warning or overdue, and who is responsible for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupervisionEntry {
    pub case: QueueEntry,
    /// The department reviewing it, and the hall and zone that accepted it.
    pub responsible: String,
    /// The latest 催办, if any.
    pub reminded_at: Option<Instant>,
}

/// 催办: what the supervisor asks of the responsible staff.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RemindRequest {
    #[serde(default)]
    pub message: String,
}

impl RemindRequest {
    pub fn check(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if !(2..=300).contains(&self.message.trim().chars().count()) {
            errors.add("message", "请写明催办要求（2至300字）");
        }
        errors.into_result()
    }
}

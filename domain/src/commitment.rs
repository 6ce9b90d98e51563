//! 容缺 commitments (你承诺我审批，不兑现就撤销): a material accepted without, the date the
//! applicant committed to, and where it stands — handed in after acceptance, confirmed by a clerk,
//! or overdue; and what the applicant and the clerk send to move it.

use crate::instant::Instant;
use serde::{Deserialize, Serialize};
use time::Date;

/// Where a 容缺 commitment stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CommitmentState {
    /// Not handed in yet, the date not passed.
    Pending,
    /// Handed in, waiting for the clerk's confirmation.
    HandedIn,
    /// Confirmed by the clerk: the commitment is kept.
    Confirmed,
    /// The date passed without it.
    Overdue,
}

impl CommitmentState {
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "待补交",
            Self::HandedIn => "已补交，待确认",
            Self::Confirmed => "已确认",
            Self::Overdue => "已逾期未补交",
        }
    }
}

/// A 容缺 material of an accepted case: the committed date and where it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommitmentStatus {
    pub material_code: String,
    pub material_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub until: Date,
    pub state: CommitmentState,
    pub state_label: String,
    pub handed_in_at: Option<Instant>,
    /// On paper at the window rather than as a file.
    pub on_paper: bool,
    /// The file handed in, a document of the applicant's vault (what a clerk opens and confirms).
    pub document_id: Option<String>,
    pub confirmed_at: Option<Instant>,
}

impl CommitmentStatus {
    /// Where a commitment stands on `today`: kept once confirmed, overdue once its date passed
    /// with nothing handed in.
    pub fn state_on(until: Date, handed_in: bool, confirmed: bool, today: Date) -> CommitmentState {
        match (confirmed, handed_in) {
            (true, _) => CommitmentState::Confirmed,
            (false, true) => CommitmentState::HandedIn,
            (false, false) if today > until => CommitmentState::Overdue,
            _ => CommitmentState::Pending,
        }
    }
}

/// A 容缺 material handed in online: a document of the applicant's vault
/// (`POST /api/v1/documents`), for one material of the case.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupplementSubmission {
    #[serde(default)]
    pub material_code: String,
    #[serde(default)]
    pub document_id: String,
}

/// The clerk confirms a handed-in 容缺 material, or records the paper original received at the
/// window.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfirmSupplement {
    /// True when the applicant brought the paper original to the window instead.
    #[serde(default)]
    pub received_at_window: bool,
    /// The handed-in file the clerk looked at (`document_id` of the commitment); when given, a
    /// file replaced since is not confirmed (409 `supplement_replaced`).
    #[serde(default)]
    pub document_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;
    use time::macros::date;

    #[test]
    fn a_commitment_is_overdue_only_when_nothing_was_handed_in_by_its_date() {
        let until = date!(2026 - 12 - 09);
        let after = until + Duration::days(1);
        assert_eq!(
            CommitmentStatus::state_on(until, false, false, until),
            CommitmentState::Pending
        );
        assert_eq!(
            CommitmentStatus::state_on(until, false, false, after),
            CommitmentState::Overdue
        );
        assert_eq!(
            CommitmentStatus::state_on(until, true, false, after),
            CommitmentState::HandedIn
        );
        assert_eq!(
            CommitmentStatus::state_on(until, true, true, after),
            CommitmentState::Confirmed
        );
    }
}

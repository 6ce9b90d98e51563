//! The application (办件) as applicants and programs see it: its state, its answers and material
//! choices, the case number it gets at submission, and its timeline.

use crate::calendar::DueDateEstimate;
use crate::catalog::Material;
use crate::form::{Answers, FormSchema};
use crate::prereview::{Finding, MaterialChoice};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::Date;

/// Where an application stands. Later issues add acceptance, approval and issuance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// 草稿: being filled in, not yet sent.
    Draft,
    /// 已提交: sent, waiting for acceptance.
    Submitted,
    /// 已撤回: withdrawn by the applicant before acceptance.
    Withdrawn,
}

impl CaseState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Draft, Self::Submitted, Self::Withdrawn]
            .into_iter()
            .find(|state| state.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "草稿",
            Self::Submitted => "已提交，待受理",
            Self::Withdrawn => "已撤回",
        }
    }
}

/// 办件编号: the item's 实施编码, the submission date (yyyyMMdd, China time) and a four-digit
/// sequence of that item and day.
pub fn case_number(item_code: &str, day: Date, sequence: u32) -> String {
    format!(
        "{item_code}{:04}{:02}{:02}{sequence:04}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

/// An application with everything its page or a program needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationView {
    /// The draft's id; stays valid after submission.
    pub id: String,
    /// 办件编号, from submission on.
    pub case_no: Option<String>,
    pub item_code: String,
    pub item_name: String,
    pub item_version: u32,
    pub state: CaseState,
    pub state_label: String,
    /// The business applied for, when a 经办人 files in its name.
    pub business_name: Option<String>,
    pub form: FormSchema,
    /// Answers; ID numbers come back masked.
    pub answers: Answers,
    pub materials: Vec<Material>,
    pub choices: BTreeMap<String, MaterialChoice>,
    /// Licence types the vault holds, which satisfy 免提交 materials.
    pub vault_licences: Vec<String>,
    pub created_at: String,
    pub submitted_at: Option<String>,
    /// When an untouched draft is deleted.
    pub draft_expires_at: Option<String>,
    /// The promised completion date, counted in working days from submission.
    pub due_estimate: Option<DueDateEstimate>,
}

/// A change to a draft: answers to merge in, material choices to set (`null` clears one).
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationPatch {
    #[serde(default)]
    pub answers: Option<Answers>,
    /// Material code → choice (`MaterialChoice`), or `null` to clear it.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub materials: Option<BTreeMap<String, Option<MaterialChoice>>>,
}

/// The pre-review's verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrereviewResult {
    pub passed: bool,
    pub findings: Vec<Finding>,
}

/// One entry of a case's timeline, written for the applicant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEvent {
    pub at: String,
    pub kind: String,
    pub text: String,
}

/// A line of 我的办件.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationSummary {
    pub id: String,
    pub case_no: Option<String>,
    pub item_name: String,
    pub state: CaseState,
    pub state_label: String,
    pub updated_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn case_numbers_join_item_code_date_and_sequence() {
        assert_eq!(
            case_number("11330100002500010U4000100000001", date!(2026 - 11 - 23), 7),
            "11330100002500010U4000100000001202611230007"
        );
    }

    #[test]
    fn states_round_trip() {
        for state in [CaseState::Draft, CaseState::Submitted, CaseState::Withdrawn] {
            assert_eq!(CaseState::parse(state.as_str()), Some(state));
        }
    }
}

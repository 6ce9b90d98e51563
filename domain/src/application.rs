//! The application (办件) as applicants and programs see it: its state, its answers and material
//! choices, the case number it gets at submission, and its timeline.

use crate::calendar::DueDateEstimate;
use crate::catalog::Material;
use crate::form::{Answers, FormSchema};
use crate::instant::Instant;
use crate::prereview::{Finding, MaterialChoice};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::Date;

/// Where an application stands (DESIGN.md §4). The applicant's own steps are drafting,
/// submitting, 补正 and withdrawing; the staff steps arrive with the work queues.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// 草稿: being filled in, not yet sent.
    Draft,
    /// 已提交，待受理: sent, waiting for acceptance.
    Submitted,
    /// 待补正: the clerk's one-time notice lists everything to fix; the same form reopens.
    NeedsSupplement,
    /// 不予受理.
    Refused,
    /// 已受理: the working-day clock starts.
    Accepted,
    /// 审查中.
    InReview,
    /// 特别程序: the clock stops.
    Suspended,
    /// 准予许可.
    Approved,
    /// 不予许可.
    Denied,
    /// 待领取 / 已寄出.
    Issuing,
    /// 已办结.
    Completed,
    /// 已撤回: withdrawn by the applicant before acceptance.
    Withdrawn,
    /// 已撤销: a commitment was not kept.
    Revoked,
}

impl CaseState {
    pub const ALL: [Self; 13] = [
        Self::Draft,
        Self::Submitted,
        Self::NeedsSupplement,
        Self::Refused,
        Self::Accepted,
        Self::InReview,
        Self::Suspended,
        Self::Approved,
        Self::Denied,
        Self::Issuing,
        Self::Completed,
        Self::Withdrawn,
        Self::Revoked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::NeedsSupplement => "needs_supplement",
            Self::Refused => "refused",
            Self::Accepted => "accepted",
            Self::InReview => "in_review",
            Self::Suspended => "suspended",
            Self::Approved => "approved",
            Self::Denied => "denied",
            Self::Issuing => "issuing",
            Self::Completed => "completed",
            Self::Withdrawn => "withdrawn",
            Self::Revoked => "revoked",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "草稿",
            Self::Submitted => "已提交，待受理",
            Self::NeedsSupplement => "待补正",
            Self::Refused => "不予受理",
            Self::Accepted => "已受理",
            Self::InReview => "审查中",
            Self::Suspended => "特别程序",
            Self::Approved => "准予许可",
            Self::Denied => "不予许可",
            Self::Issuing => "待领取",
            Self::Completed => "已办结",
            Self::Withdrawn => "已撤回",
            Self::Revoked => "已撤销",
        }
    }

    /// The applicant may change the form and the materials: a draft, or a case sent back for 补正.
    pub fn editable(self) -> bool {
        matches!(self, Self::Draft | Self::NeedsSupplement)
    }
}

/// The clerk's one-time notice (一次性告知) that sends a case back for 补正: everything missing
/// or wrong, at once, each tied to a field or material of the form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupplementNotice {
    pub at: Instant,
    /// A general remark from the clerk.
    pub remark: String,
    pub items: Vec<SupplementItem>,
}

/// What a clerk sends back for 补正: a remark and every item to fix.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupplementRequest {
    #[serde(default)]
    pub remark: String,
    pub items: Vec<SupplementItem>,
}

/// One thing to fix: the field key or material code, and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupplementItem {
    pub target: String,
    pub message: String,
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
    /// Answers by field key; ID and phone numbers come back masked.
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, crate::form::WireAnswer>))]
    pub answers: Answers,
    pub materials: Vec<Material>,
    pub choices: BTreeMap<String, MaterialChoice>,
    /// Licence types the vault holds, which satisfy 免提交 materials.
    pub vault_licences: Vec<String>,
    pub created_at: Instant,
    pub submitted_at: Option<Instant>,
    /// When an untouched draft is deleted.
    pub draft_expires_at: Option<Instant>,
    /// The promised completion date, counted in working days from submission.
    pub due_estimate: Option<DueDateEstimate>,
    /// The latest 容缺 date an applicant may promise, in days from today (the pre-review's rule).
    pub max_deferral_days: u32,
    /// What the clerk asked to be fixed, while the case waits for 补正.
    pub supplement_notice: Option<SupplementNotice>,
    /// Set when this application is a 一件事 package: its items and, once submitted, their cases.
    pub package: Option<PackageCase>,
    /// Set on a package's child case: the package case it belongs to (draft id and 办件编号),
    /// which is withdrawn and followed as a whole.
    pub part_of: Option<ApplicationSummary>,
}

/// The package side of a 一件事 application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PackageCase {
    pub package_id: String,
    /// The member items' names, in the package's order.
    pub items: Vec<String>,
    /// One child case per item, from submission on.
    pub children: Vec<ApplicationSummary>,
}

/// A change to a draft: answers to merge in, material choices to set (`null` clears one).
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationPatch {
    /// Answers by field key, each in its JSON type; fields not sent keep their answers.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<BTreeMap<String, crate::form::WireAnswer>>)
    )]
    pub answers: Option<Answers>,
    /// Material code → how it is provided, or `null` to clear it.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<BTreeMap<String, MaterialInput>>)
    )]
    pub materials: Option<BTreeMap<String, Option<MaterialInput>>>,
}

/// How the applicant provides one material, as a client says it. A document is named by its id
/// only: its type and size are read from the stored file, whatever a client might claim.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MaterialInput {
    /// A file in the applicant's vault (`POST /api/v1/documents` answers its id).
    Document { document_id: String },
    /// 容缺: delivered later, by this date (`YYYY-MM-DD`).
    Deferred {
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
        until: Date,
    },
    /// 告知承诺: the commitment text is signed instead.
    Committed,
}

impl From<&MaterialChoice> for MaterialInput {
    fn from(choice: &MaterialChoice) -> Self {
        match choice {
            MaterialChoice::Document { document_id, .. } => Self::Document {
                document_id: document_id.clone(),
            },
            MaterialChoice::Deferred { until } => Self::Deferred { until: *until },
            MaterialChoice::Committed => Self::Committed,
        }
    }
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
    pub at: Instant,
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
    pub updated_at: Instant,
}

/// 办件进度查询: what anyone holding the case number and the applicant's name may see. The
/// applicant is shown masked; nothing else personal is in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicProgress {
    pub case_no: String,
    pub item_name: String,
    /// `张*`, or the business's name (a business's name is public).
    pub applicant: String,
    pub state: CaseState,
    pub state_label: String,
    pub submitted_at: Option<Instant>,
    /// The latest step, in the applicant-facing words of the timeline.
    pub latest: Option<TimelineEvent>,
    pub due_estimate: Option<DueDateEstimate>,
}

/// The public lookup's question.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgressQuery {
    pub case_no: String,
    /// The applicant's name (a person's name, or the business's full name).
    pub applicant_name: String,
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
        for state in CaseState::ALL {
            assert_eq!(CaseState::parse(state.as_str()), Some(state));
        }
    }
}

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

/// Where an application stands (DESIGN.md §4); [`CaseState::next`] says where each
/// [`CaseAction`] leads.
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

    /// The state `action` leads to, or why it does not apply (DESIGN.md §4): the one table of
    /// the case's life. Acceptance, refusal and 补正 happen only before acceptance; withdrawal
    /// too (a 待补正 case may be withdrawn); a revocation can undo anything accepted, however far
    /// it went.
    pub fn next(self, action: CaseAction) -> Result<Self, StateRefusal> {
        use CaseAction as A;
        use CaseState as S;
        let next = match (self, action) {
            (S::Draft, A::Submit) => S::Submitted,
            (S::Submitted, A::RequestSupplement) => S::NeedsSupplement,
            (S::NeedsSupplement, A::Resubmit) => S::Submitted,
            (S::Submitted | S::NeedsSupplement, A::Withdraw) => S::Withdrawn,
            (S::Submitted, A::Accept | A::AcceptWithDeferrals) => S::Accepted,
            (S::Submitted | S::NeedsSupplement, A::Refuse) => S::Refused,
            (S::Accepted, A::StartReview) => S::InReview,
            (S::InReview, A::Suspend) => S::Suspended,
            (S::Suspended, A::Resume) => S::InReview,
            (S::InReview, A::Approve) => S::Approved,
            (S::InReview, A::Deny) => S::Denied,
            (S::Approved, A::Issue | A::Mail) => S::Issuing,
            (S::Issuing, A::HandOver | A::Complete) => S::Completed,
            (S::Denied, A::Complete) => S::Completed,
            (
                S::Accepted | S::InReview | S::Suspended | S::Approved | S::Issuing | S::Completed,
                A::Revoke,
            ) => S::Revoked,
            (state, action) => return Err(StateRefusal { state, action }),
        };
        Ok(next)
    }

    /// Whether `action` applies now (a page offers only the buttons that do).
    pub fn allows(self, action: CaseAction) -> bool {
        self.next(action).is_ok()
    }

    /// Every state `action` applies in, for a conditional `… WHERE state IN (…)`.
    pub fn before(action: CaseAction) -> impl Iterator<Item = Self> {
        Self::ALL
            .into_iter()
            .filter(move |state| state.allows(action))
    }
}

/// What someone does to a case (DESIGN.md §4). Each action moves a case from some states to one
/// next state; [`CaseState::next`] is the only place that says which.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseAction {
    /// The applicant sends a draft (收件).
    Submit,
    /// The clerk's one-time notice of everything to fix (补齐补正告知).
    RequestSupplement,
    /// The applicant sends the fixed case again (补齐补正受理).
    Resubmit,
    /// The applicant takes the case back before acceptance.
    Withdraw,
    /// 受理.
    Accept,
    /// 容缺受理: accepted with materials promised for later.
    AcceptWithDeferrals,
    /// 不予受理.
    Refuse,
    /// The department starts its review (审查开始).
    StartReview,
    /// 特别程序开始: inspection, expert review, hearing; the clock stops.
    Suspend,
    /// 特别程序结束.
    Resume,
    /// 准予.
    Approve,
    /// 不予.
    Deny,
    /// The result waits at the unified window (待领取).
    Issue,
    /// The result is posted (已寄出).
    Mail,
    /// The result is handed over at the window.
    HandOver,
    /// 办结: received (or a denial delivered).
    Complete,
    /// 撤销: a commitment was not kept by its date.
    Revoke,
}

impl CaseAction {
    pub const ALL: [Self; 17] = [
        Self::Submit,
        Self::RequestSupplement,
        Self::Resubmit,
        Self::Withdraw,
        Self::Accept,
        Self::AcceptWithDeferrals,
        Self::Refuse,
        Self::StartReview,
        Self::Suspend,
        Self::Resume,
        Self::Approve,
        Self::Deny,
        Self::Issue,
        Self::Mail,
        Self::HandOver,
        Self::Complete,
        Self::Revoke,
    ];

    /// The action in the words of the UI, to complete "不能…".
    pub fn label(self) -> &'static str {
        match self {
            Self::Submit => "提交",
            Self::RequestSupplement => "要求补正",
            Self::Resubmit => "重新提交",
            Self::Withdraw => "撤回",
            Self::Accept => "受理",
            Self::AcceptWithDeferrals => "容缺受理",
            Self::Refuse => "不予受理",
            Self::StartReview => "开始审查",
            Self::Suspend => "进入特别程序",
            Self::Resume => "结束特别程序",
            Self::Approve => "准予许可",
            Self::Deny => "不予许可",
            Self::Issue => "通知领取",
            Self::Mail => "邮寄",
            Self::HandOver => "窗口交付",
            Self::Complete => "办结",
            Self::Revoke => "撤销",
        }
    }
}

/// Why an action does not apply to a case in its state, in Chinese for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateRefusal {
    pub state: CaseState,
    pub action: CaseAction,
}

impl std::fmt::Display for StateRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "办件当前为“{}”，不能{}",
            self.state.label(),
            self.action.label()
        )
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

/// How a request names one application: by the draft's id (`a_…`, kept after submission), or by
/// its 办件编号 (an item's 实施编码 and digits, never an underscore). Each is one indexed lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseRef<'a> {
    Id(&'a str),
    CaseNo(&'a str),
}

impl<'a> CaseRef<'a> {
    /// The prefix of every application id.
    pub const ID_PREFIX: &'static str = "a_";

    pub fn parse(text: &'a str) -> Self {
        if text.starts_with(Self::ID_PREFIX) {
            Self::Id(text)
        } else {
            Self::CaseNo(text)
        }
    }
}

/// 办件编号: the item's 实施编码, the submission date (yyyyMMdd, China time) and a four-digit
/// sequence of that item and day.
pub fn case_number(item_code: &str, day: Date, sequence: u32) -> String {
    format!("{item_code}{}{sequence:04}", case_day(day))
}

/// A day as 办件编号 carry it (`20261207`); the case-number sequence restarts with each.
pub fn case_day(day: Date) -> String {
    day.format(time::macros::format_description!("[year][month][day]"))
        .expect("every date formats")
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
    /// From acceptance on: the promised and legal due dates and the working days left
    /// (`promised_left`, `legal_left`), warning and overdue included.
    pub clock: Option<crate::case_clock::ClockReading>,
    /// Who is responsible from acceptance on: the reviewing department (and the accepting hall),
    /// as an overdue case's page names it.
    pub responsible: Option<String>,
    /// The 特别程序 of the case, oldest first; the clock stood still through each.
    pub suspensions: Vec<crate::case_clock::SuspensionView>,
    /// From acceptance on: each 容缺 material, its committed date and where it stands.
    pub commitments: Vec<crate::commitment::CommitmentStatus>,
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
    /// One child case per item, from submission on, each with its department and clock.
    pub children: Vec<ApplicationSummary>,
    /// Once every child case is decided: each child's outcome counted (部分准予 shown as such).
    pub outcome: Option<PackageOutcome>,
}

/// How a 一件事 ended, child by child: never one word for a mixed result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PackageOutcome {
    /// The parent's state once every child is decided: 准予许可 when any child was approved
    /// (the approved results are issued), 不予许可 when none was but one was denied, 已撤销 when
    /// every child was revoked.
    pub state: CaseState,
    /// 全部准予 / 部分准予（…）/ 全部不予 / 全部撤销, the counts in words when mixed.
    pub label: String,
    pub approved: u32,
    pub denied: u32,
    /// Child cases revoked (or withdrawn with the package) instead of decided.
    pub revoked: u32,
}

/// The package's outcome once no child case waits for a decision; `None` while one does.
pub fn package_outcome(children: &[CaseState]) -> Option<PackageOutcome> {
    use CaseState as S;
    let count = |kinds: &[CaseState]| children.iter().filter(|s| kinds.contains(s)).count() as u32;
    let approved = count(&[S::Approved, S::Issuing, S::Completed]);
    let denied = count(&[S::Denied]);
    let revoked = count(&[S::Revoked, S::Withdrawn]);
    if children.is_empty() || approved + denied + revoked != children.len() as u32 {
        return None;
    }
    let state = match (approved, denied) {
        (0, 0) => S::Revoked,
        (0, _) => S::Denied,
        _ => S::Approved,
    };
    let parts: Vec<String> = [(approved, "准予"), (denied, "不予"), (revoked, "撤销")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, word)| format!("{n} 项{word}"))
        .collect();
    let label = match (parts.len(), state) {
        (1, S::Approved) => "全部准予".to_owned(),
        (1, S::Denied) => "全部不予".to_owned(),
        (1, _) => "全部撤销".to_owned(),
        (_, S::Approved) => format!("部分准予（{}）", parts.join("，")),
        _ => format!("不予许可（{}）", parts.join("，")),
    };
    Some(PackageOutcome {
        state,
        label,
        approved,
        denied,
        revoked,
    })
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
    /// A stable code of the event table (docs/event-codes.md): `submitted`, `accepted`, ….
    pub kind: String,
    pub text: String,
    /// Who acted, as the applicant may see it (staff masked); none for the applicant's own steps.
    pub actor: Option<String>,
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
    /// A package's child case: the department that reviews it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// A package's child case, from acceptance on: its own clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<crate::case_clock::ClockReading>,
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
    /// From acceptance on: the due dates and the working days left.
    pub clock: Option<crate::case_clock::ClockReading>,
}

/// The public lookup's question.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgressQuery {
    pub case_no: String,
    /// The applicant's name (a person's name, or the business's full name).
    pub applicant_name: String,
}

/// The five steps the applicant's case page shows as a progress bar: 提交 → 受理 → 审查 → 决定 →
/// 出件.
pub const PROGRESS_STEPS: [&str; 5] = ["提交", "受理", "审查", "决定", "出件"];

/// Where a step of the progress bar stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Done,
    /// The step the case is at now.
    Current,
    /// Where the case ended without going on (不予受理, 撤回, 撤销).
    Stopped,
    Ahead,
}

impl StepStatus {
    /// As a screen reader says it after the step's name.
    pub fn label(self) -> &'static str {
        match self {
            Self::Done => "已完成",
            Self::Current => "进行中",
            Self::Stopped => "已终止",
            Self::Ahead => "未开始",
        }
    }
}

impl CaseState {
    /// The progress bar for this state, one status per [`PROGRESS_STEPS`] entry.
    pub fn progress(self) -> [StepStatus; 5] {
        use StepStatus::{Ahead, Current, Done, Stopped};
        // (the step the case is at, and whether it stopped there)
        let (at, stopped) = match self {
            Self::Draft => (0, false),
            Self::Submitted | Self::NeedsSupplement => (1, false),
            Self::Refused | Self::Withdrawn => (1, true),
            Self::Accepted | Self::InReview | Self::Suspended => (2, false),
            Self::Revoked => (2, true),
            Self::Approved | Self::Denied | Self::Issuing => (4, false),
            Self::Completed => (5, false),
        };
        std::array::from_fn(|step| match step.cmp(&at) {
            std::cmp::Ordering::Less => Done,
            std::cmp::Ordering::Equal if stopped => Stopped,
            std::cmp::Ordering::Equal => Current,
            std::cmp::Ordering::Greater => Ahead,
        })
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn an_application_is_named_by_its_id_or_its_case_number() {
        assert_eq!(CaseRef::parse("a_x-Y_z"), CaseRef::Id("a_x-Y_z"));
        let case_no = case_number("11370100MB2853", time::macros::date!(2026 - 12 - 07), 1);
        assert_eq!(CaseRef::parse(&case_no), CaseRef::CaseNo(&case_no));
        assert_eq!(
            CaseRef::parse(&crate::package::child_case_number(&case_no, 0)),
            CaseRef::CaseNo(&format!("{case_no}-01"))
        );
    }

    use super::*;

    #[test]
    fn the_progress_bar_follows_the_case() {
        use StepStatus::{Ahead, Current, Done, Stopped};
        assert_eq!(
            CaseState::Submitted.progress(),
            [Done, Current, Ahead, Ahead, Ahead]
        );
        assert_eq!(
            CaseState::InReview.progress(),
            [Done, Done, Current, Ahead, Ahead]
        );
        assert_eq!(
            CaseState::Refused.progress(),
            [Done, Stopped, Ahead, Ahead, Ahead]
        );
        assert_eq!(
            CaseState::Approved.progress(),
            [Done, Done, Done, Done, Current]
        );
        assert_eq!(CaseState::Completed.progress(), [Done; 5]);
    }

    /// Every (state, action) pair: the allowed ones with their next state, all others refused.
    #[test]
    fn the_case_state_machine() {
        use CaseAction as A;
        use CaseState as S;
        let allowed = [
            (S::Draft, A::Submit, S::Submitted),
            (S::Submitted, A::RequestSupplement, S::NeedsSupplement),
            (S::Submitted, A::Withdraw, S::Withdrawn),
            (S::Submitted, A::Accept, S::Accepted),
            (S::Submitted, A::AcceptWithDeferrals, S::Accepted),
            (S::Submitted, A::Refuse, S::Refused),
            (S::NeedsSupplement, A::Resubmit, S::Submitted),
            (S::NeedsSupplement, A::Withdraw, S::Withdrawn),
            (S::NeedsSupplement, A::Refuse, S::Refused),
            (S::Accepted, A::StartReview, S::InReview),
            (S::Accepted, A::Revoke, S::Revoked),
            (S::InReview, A::Suspend, S::Suspended),
            (S::InReview, A::Approve, S::Approved),
            (S::InReview, A::Deny, S::Denied),
            (S::InReview, A::Revoke, S::Revoked),
            (S::Suspended, A::Resume, S::InReview),
            (S::Suspended, A::Revoke, S::Revoked),
            (S::Approved, A::Issue, S::Issuing),
            (S::Approved, A::Mail, S::Issuing),
            (S::Approved, A::Revoke, S::Revoked),
            (S::Denied, A::Complete, S::Completed),
            (S::Issuing, A::HandOver, S::Completed),
            (S::Issuing, A::Complete, S::Completed),
            (S::Issuing, A::Revoke, S::Revoked),
            (S::Completed, A::Revoke, S::Revoked),
        ];
        for state in S::ALL {
            for action in A::ALL {
                let expected = allowed
                    .iter()
                    .find(|(from, by, _)| *from == state && *by == action)
                    .map(|(_, _, to)| *to);
                match (state.next(action), expected) {
                    (Ok(next), Some(to)) => assert_eq!(next, to, "{state:?} --{action:?}"),
                    (Err(refusal), None) => {
                        let text = refusal.to_string();
                        assert!(text.contains(state.label()) && text.contains(action.label()));
                    }
                    (got, want) => panic!("{state:?} --{action:?}: got {got:?}, want {want:?}"),
                }
            }
        }
        assert_eq!(
            CaseState::before(A::Withdraw).collect::<Vec<_>>(),
            [S::Submitted, S::NeedsSupplement]
        );
        // Terminal states stay terminal, but a completed case can still be revoked.
        for state in [S::Refused, S::Withdrawn, S::Revoked] {
            assert!(
                A::ALL.iter().all(|action| !state.allows(*action)),
                "{state:?}"
            );
        }
    }
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
    #[test]
    fn a_mixed_package_is_partly_approved_never_hidden() {
        use CaseState as S;
        assert_eq!(package_outcome(&[S::Approved, S::InReview]), None);
        let mixed = package_outcome(&[S::Approved, S::Denied, S::Approved]).unwrap();
        assert_eq!(mixed.state, S::Approved);
        assert_eq!(mixed.label, "部分准予（2 项准予，1 项不予）");
        assert_eq!(
            package_outcome(&[S::Denied, S::Denied]).unwrap().label,
            "全部不予"
        );
        assert_eq!(
            package_outcome(&[S::Approved, S::Issuing]).unwrap().state,
            S::Approved
        );
        let revoked = package_outcome(&[S::Approved, S::Revoked]).unwrap();
        assert_eq!(revoked.label, "部分准予（1 项准予，1 项撤销）");
        let none = package_outcome(&[S::Denied, S::Revoked]).unwrap();
        assert_eq!(
            (none.state, none.label.as_str()),
            (S::Denied, "不予许可（1 项不予，1 项撤销）")
        );
        assert_eq!(package_outcome(&[S::Revoked]).unwrap().state, S::Revoked);
    }
}

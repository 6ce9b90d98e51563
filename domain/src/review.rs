//! 后台分类审批 (department approval): the rules of the approver's steps after acceptance —
//! 特别程序 that stop the clock, the decision (准予 / 不予许可) with reasons and legal basis,
//! revocation, the 一件事 outcome kept per child case, the 一车勘验 joint inspection with its
//! 双随机 draw, 容缺 commitments handed in and confirmed, and 电子监察's lists and 催办.

use crate::application::CaseState;
use crate::errors::FieldErrors;
use crate::instant::Instant;
use crate::intake::QueueEntry;
use serde::{Deserialize, Serialize};
use time::{Date, Duration};

/// The longest a 特别程序 or an inspection may be planned ahead, in days.
const LONGEST_PLAN_DAYS: i64 = 366;

/// Why the clock stops (特别程序): only these four, the ones the law allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SuspensionKind {
    /// 现场勘验.
    Inspection,
    /// 专家评审.
    ExpertReview,
    /// 听证.
    Hearing,
    /// 审查中补正.
    Supplement,
}

impl SuspensionKind {
    pub const ALL: [Self; 4] = [
        Self::Inspection,
        Self::ExpertReview,
        Self::Hearing,
        Self::Supplement,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inspection => "inspection",
            Self::ExpertReview => "expert_review",
            Self::Hearing => "hearing",
            Self::Supplement => "supplement",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Inspection => "现场勘验",
            Self::ExpertReview => "专家评审",
            Self::Hearing => "听证",
            Self::Supplement => "审查中补正",
        }
    }
}

/// An approver stops the clock: which 特别程序, why, and until when it is expected to last.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuspendRequest {
    pub kind: SuspensionKind,
    #[serde(default)]
    pub reason: String,
    /// 预计结束日期 (YYYY-MM-DD), today or later.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub expected_end: Date,
}

impl SuspendRequest {
    pub fn check(&self, today: Date) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if !(4..=300).contains(&self.reason.trim().chars().count()) {
            errors.add("reason", "请写明进入特别程序的原因（4至300字）");
        }
        check_plan(&mut errors, "expected_end", self.expected_end, today);
        errors.into_result()
    }
}

/// A planned date must be today or later, and within a year.
fn check_plan(errors: &mut FieldErrors, key: &str, date: Date, today: Date) {
    if date < today || date > today + Duration::days(LONGEST_PLAN_DAYS) {
        errors.add(key, "预计结束日期须在今天至一年之内");
    }
}

/// One 特别程序 of a case, as staff and the applicant see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuspensionView {
    pub kind: SuspensionKind,
    pub kind_label: String,
    pub reason: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub started_on: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub expected_end: Date,
    /// The day the clock runs again; none while the procedure runs.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub ended_on: Option<Date>,
    /// The joint inspection (一车勘验) that caused it, if any.
    pub inspection_id: Option<String>,
}

impl SuspensionView {
    /// The working days the clock stands still: from the first day to the day before it ends (a
    /// procedure ended the day it began keeps that one day).
    pub fn stopped(&self) -> crate::case_clock::Suspension {
        crate::case_clock::Suspension {
            from: self.started_on,
            until: self
                .ended_on
                .map(|end| (end - Duration::days(1)).max(self.started_on)),
        }
    }
}

/// The approver's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 准予许可.
    Approve,
    /// 不予许可.
    Deny,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Self::Approve => "准予许可",
            Self::Deny => "不予许可",
        }
    }
}

/// 准予 or 不予许可, with the reasons and the provisions it rests on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecideRequest {
    pub outcome: Outcome,
    #[serde(default)]
    pub reasons: String,
    #[serde(default)]
    pub legal_basis: String,
}

impl DecideRequest {
    pub fn check(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        let reasons = self.reasons.trim().chars().count();
        match self.outcome {
            Outcome::Approve if !(2..=500).contains(&reasons) => {
                errors.add("reasons", "请写明准予许可的理由（2至500字）")
            }
            Outcome::Deny if !(4..=500).contains(&reasons) => {
                errors.add("reasons", "请写明不予许可的理由（4至500字）")
            }
            _ => {}
        }
        if !(2..=200).contains(&self.legal_basis.trim().chars().count()) {
            errors.add("legal_basis", "请写明决定的法律依据（2至200字）");
        }
        errors.into_result()
    }
}

/// 撤销: why, for a 告知承诺 found untrue or a commitment not kept.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevokeRequest {
    #[serde(default)]
    pub reason: String,
}

impl RevokeRequest {
    pub fn check(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if !(4..=500).contains(&self.reason.trim().chars().count()) {
            errors.add("reason", "请写明撤销的理由（4至500字）");
        }
        errors.into_result()
    }
}

/// How a 一件事 ended, child by child: never one word for a mixed result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PackageOutcome {
    /// The parent's state once every child is decided: 准予许可 when any child was approved
    /// (the approved results are issued), 不予许可 when none was.
    pub state: CaseState,
    /// 全部准予 / 部分准予 / 全部不予.
    pub label: String,
    pub approved: u32,
    pub denied: u32,
}

/// The package's outcome once no child case waits for a decision; `None` while one does. A
/// revoked or withdrawn child counts as not approved.
pub fn package_outcome(children: &[CaseState]) -> Option<PackageOutcome> {
    use CaseState as S;
    let decided = |state: &CaseState| {
        matches!(
            state,
            S::Approved | S::Denied | S::Issuing | S::Completed | S::Revoked | S::Withdrawn
        )
    };
    if children.is_empty() || !children.iter().all(decided) {
        return None;
    }
    let approved = children
        .iter()
        .filter(|s| matches!(s, S::Approved | S::Issuing | S::Completed))
        .count() as u32;
    let denied = children.len() as u32 - approved;
    let (state, label) = match (approved, denied) {
        (_, 0) => (S::Approved, "全部准予".to_owned()),
        (0, _) => (S::Denied, "全部不予".to_owned()),
        (a, d) => (S::Approved, format!("部分准予（{a} 项准予，{d} 项不予）")),
    };
    Some(PackageOutcome {
        state,
        label,
        approved,
        denied,
    })
}

/// 一车勘验: one joint site inspection for every case (and department) it covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub scheduled_on: Date,
    /// 预计结束日期: the cases stay in 特别程序 until the result is recorded.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub expected_end: Date,
    #[serde(default)]
    pub place: String,
    /// How many inspectors to draw from each department's pool (default 2).
    #[serde(default = "two")]
    pub inspectors_per_department: u32,
}

fn two() -> u32 {
    2
}

impl InspectionRequest {
    pub fn check(&self, today: Date) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if !(2..=200).contains(&self.place.trim().chars().count()) {
            errors.add("place", "请填写勘验地点（2至200字）");
        }
        if self.scheduled_on < today
            || self.scheduled_on > today + Duration::days(LONGEST_PLAN_DAYS)
        {
            errors.add("scheduled_on", "勘验日期须在今天至一年之内");
        }
        check_plan(&mut errors, "expected_end", self.expected_end, today);
        if self.expected_end < self.scheduled_on {
            errors.add("expected_end", "预计结束日期不能早于勘验日期");
        }
        if !(1..=5).contains(&self.inspectors_per_department) {
            errors.add("inspectors_per_department", "每个部门抽取 1 至 5 名检查人员");
        }
        errors.into_result()
    }
}

/// A staff member who may be drawn, as the draw shows them (the name masked).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Inspector {
    pub staff_id: String,
    pub name: String,
}

/// A department's pool (检查人员名录库), in a fixed order (by staff id), and who was drawn.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepartmentDraw {
    pub department: String,
    pub department_name: String,
    pub pool: Vec<Inspector>,
    pub drawn: Vec<Inspector>,
}

/// 双随机: the seed and, per department, the pool and the inspectors drawn. Anyone can run
/// [`draw`] again with the same seed and pools and get the same inspectors ([`Draw::reproduces`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Draw {
    /// 16 hex digits.
    pub seed: String,
    pub per_department: u32,
    pub departments: Vec<DepartmentDraw>,
}

impl Draw {
    /// Whether running the draw again from the recorded seed and pools gives the recorded result.
    pub fn reproduces(&self) -> bool {
        let Ok(seed) = u64::from_str_radix(&self.seed, 16) else {
            return false;
        };
        let pools: Vec<_> = self
            .departments
            .iter()
            .map(|d| (d.department.clone(), d.department_name.clone(), d.pool.clone()))
            .collect();
        draw(seed, pools, self.per_department).is_ok_and(|again| again == *self)
    }
}

/// Draws `per_department` inspectors from each pool with a generator seeded by `seed`
/// (SplitMix64, a partial Fisher–Yates shuffle per pool, pools in the order given). A pool with
/// too few members is refused with the department's name.
pub fn draw(
    seed: u64,
    pools: Vec<(String, String, Vec<Inspector>)>,
    per_department: u32,
) -> Result<Draw, String> {
    let mut state = seed;
    let mut next = move || {
        // SplitMix64 (Steele, Lea, Flood 2014): simple, fast, and the same on every platform.
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let wanted = per_department as usize;
    let mut departments = Vec::with_capacity(pools.len());
    for (department, department_name, pool) in pools {
        if pool.len() < wanted {
            return Err(department_name);
        }
        let mut order: Vec<usize> = (0..pool.len()).collect();
        for i in 0..wanted {
            let span = (order.len() - i) as u64;
            let j = i + (next() % span) as usize;
            order.swap(i, j);
        }
        let drawn = order[..wanted].iter().map(|&i| pool[i].clone()).collect();
        departments.push(DepartmentDraw {
            department,
            department_name,
            pool,
            drawn,
        });
    }
    Ok(Draw {
        seed: format!("{seed:016x}"),
        per_department,
        departments,
    })
}

/// One joint inspection as staff see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionView {
    pub id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub scheduled_on: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub expected_end: Date,
    pub place: String,
    /// The 办件编号 of every case it covers.
    pub cases: Vec<String>,
    pub draw: Draw,
    /// The draw re-run from its seed and pools gives the same inspectors.
    pub reproduced: bool,
    pub result: Option<String>,
    pub recorded_at: Option<Instant>,
}

/// The inspection's findings, recorded on every case it covers; their 特别程序 end with it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionResult {
    #[serde(default)]
    pub result: String,
}

impl InspectionResult {
    pub fn check(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if !(2..=1000).contains(&self.result.trim().chars().count()) {
            errors.add("result", "请填写勘验结果（2至1000字）");
        }
        errors.into_result()
    }
}

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
    pub confirmed_at: Option<Instant>,
}

impl CommitmentStatus {
    /// Where a commitment stands on `today`: kept once confirmed, overdue once its date passed
    /// with nothing handed in.
    pub fn state_on(
        until: Date,
        handed_in: bool,
        confirmed: bool,
        today: Date,
    ) -> CommitmentState {
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
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn pool(prefix: &str, n: usize) -> Vec<Inspector> {
        (0..n)
            .map(|i| Inspector {
                staff_id: format!("{prefix}{i}"),
                name: format!("人{i}"),
            })
            .collect()
    }

    fn pools() -> Vec<(String, String, Vec<Inspector>)> {
        vec![
            ("scjg".into(), "市场监督管理局".into(), pool("s", 6)),
            ("gaj".into(), "公安局".into(), pool("g", 3)),
        ]
    }

    #[test]
    fn a_draw_is_reproduced_from_its_seed_and_pools() {
        let first = draw(0x1234_5678_9abc_def0, pools(), 2).unwrap();
        assert_eq!(first.seed, "123456789abcdef0");
        assert!(first.reproduces());
        assert_eq!(first, draw(0x1234_5678_9abc_def0, pools(), 2).unwrap());
        for department in &first.departments {
            assert_eq!(department.drawn.len(), 2);
            let mut ids: Vec<_> = department.drawn.iter().map(|i| &i.staff_id).collect();
            ids.dedup();
            assert_eq!(ids.len(), 2, "nobody drawn twice");
            assert!(department.drawn.iter().all(|i| department.pool.contains(i)));
        }
        // A record with another inspector put in no longer reproduces.
        let mut tampered = first.clone();
        let department = &mut tampered.departments[0];
        let outsider = department
            .pool
            .iter()
            .find(|i| !department.drawn.contains(i))
            .unwrap()
            .clone();
        department.drawn[0] = outsider;
        assert!(!tampered.reproduces());
    }

    #[test]
    fn every_member_of_a_pool_can_be_drawn() {
        let mut seen = std::collections::BTreeSet::new();
        for seed in 0..200u64 {
            let drawn = draw(seed, pools(), 1).unwrap();
            seen.insert(drawn.departments[0].drawn[0].staff_id.clone());
        }
        assert_eq!(seen.len(), 6, "{seen:?}");
    }

    #[test]
    fn a_pool_too_small_is_named() {
        assert_eq!(draw(7, pools(), 4).unwrap_err(), "公安局");
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
    }

    #[test]
    fn a_suspension_stops_the_clock_until_the_day_before_it_ends() {
        let view = SuspensionView {
            kind: SuspensionKind::Inspection,
            kind_label: "现场勘验".into(),
            reason: "现场勘验".into(),
            started_on: date!(2026 - 09 - 18),
            expected_end: date!(2026 - 09 - 22),
            ended_on: Some(date!(2026 - 09 - 22)),
            inspection_id: None,
        };
        assert_eq!(view.stopped().until, Some(date!(2026 - 09 - 21)));
        let same_day = SuspensionView {
            ended_on: Some(date!(2026 - 09 - 18)),
            ..view
        };
        assert_eq!(same_day.stopped().until, Some(date!(2026 - 09 - 18)));
    }

    #[test]
    fn requests_name_each_bad_field() {
        let today = date!(2026 - 12 - 07);
        let suspend = SuspendRequest {
            kind: SuspensionKind::Hearing,
            reason: " ".into(),
            expected_end: date!(2026 - 12 - 01),
        };
        let errors = suspend.check(today).unwrap_err();
        assert!(errors.get("reason").is_some() && errors.get("expected_end").is_some());
        let decide = DecideRequest {
            outcome: Outcome::Deny,
            reasons: "不符".into(),
            legal_basis: String::new(),
        };
        let errors = decide.check().unwrap_err();
        assert!(errors.get("reasons").is_some() && errors.get("legal_basis").is_some());
        assert_eq!(
            CommitmentStatus::state_on(today, false, false, today + Duration::days(1)),
            CommitmentState::Overdue
        );
        assert_eq!(
            CommitmentStatus::state_on(today, true, false, today + Duration::days(1)),
            CommitmentState::HandedIn
        );
    }
}

//! 后台分类审批 (department approval): the rules of the approver's steps after acceptance —
//! 特别程序 that stop the clock, the decision (准予 / 不予许可) with reasons and legal basis,
//! revocation, and the 一车勘验 joint inspection with its 双随机 draw.

use crate::application::CaseAction;
use crate::case_clock::SuspensionKind;
use crate::errors::FieldErrors;
use crate::instant::Instant;
use serde::{Deserialize, Serialize};
use time::{Date, Duration};

/// The longest a 特别程序 or an inspection may be planned ahead, in days.
const LONGEST_PLAN_DAYS: i64 = 366;

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

/// The steps an approver may take on a case (each still subject to its state): all of them on a
/// single case or a 一件事's child case; on the package case itself only 撤销, since each member
/// department decides its own part.
pub fn approver_actions(package_case: bool) -> Vec<CaseAction> {
    if package_case {
        return vec![CaseAction::Revoke];
    }
    vec![
        CaseAction::StartReview,
        CaseAction::Suspend,
        CaseAction::Resume,
        CaseAction::Approve,
        CaseAction::Deny,
        CaseAction::Revoke,
    ]
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
            errors.add(
                "inspectors_per_department",
                "每个部门抽取 1 至 5 名检查人员",
            );
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
            .map(|d| {
                (
                    d.department.clone(),
                    d.department_name.clone(),
                    d.pool.clone(),
                )
            })
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
    }
}

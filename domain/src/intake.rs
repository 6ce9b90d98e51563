//! 一窗受理 (front-desk acceptance): the work queues, what a clerk sees of one case, and the
//! rules of the clerk's decisions — every manual 形式审查要点 of the catalog checked before
//! acceptance, a reason and its legal basis for 不予受理.

use crate::application::{ApplicationView, CaseAction, CaseState, TimelineEvent};
use crate::case_clock::{ClockReading, Urgency};
use crate::catalog::{Material, ReviewCheck};
use crate::errors::FieldErrors;
use crate::identity::{CreditCode, IdNumber, PersonName, Phone};
use crate::instant::Instant;
use crate::prereview::{Finding, MaterialChoice};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::{Date, Duration};

/// A staff work queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Queue {
    /// 待受理: submitted cases, and cases resubmitted after 补正.
    Intake,
    /// 审查中: accepted cases on their way through the department.
    Review,
    /// 待出件: decided cases waiting to be issued.
    Issuing,
    /// Every case in the caller's scope.
    All,
}

impl Queue {
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Intake, Self::Review, Self::Issuing, Self::All]
            .into_iter()
            .find(|queue| queue.as_str() == text)
    }

    /// As addresses and the API name it (`intake`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Intake => "intake",
            Self::Review => "review",
            Self::Issuing => "issuing",
            Self::All => "all",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Intake => "待受理",
            Self::Review => "审查中",
            Self::Issuing => "待出件",
            Self::All => "全部办件",
        }
    }

    /// The states a queue holds.
    pub fn states(self) -> &'static [CaseState] {
        match self {
            Self::Intake => &[CaseState::Submitted],
            Self::Review => &[
                CaseState::Accepted,
                CaseState::InReview,
                CaseState::Suspended,
            ],
            Self::Issuing => &[CaseState::Approved, CaseState::Denied, CaseState::Issuing],
            Self::All => &[
                CaseState::Submitted,
                CaseState::NeedsSupplement,
                CaseState::Refused,
                CaseState::Accepted,
                CaseState::InReview,
                CaseState::Suspended,
                CaseState::Approved,
                CaseState::Denied,
                CaseState::Issuing,
                CaseState::Completed,
                CaseState::Withdrawn,
                CaseState::Revoked,
            ],
        }
    }
}

/// Which cases of a queue to list: all of them, those in one state, or only those in warning or
/// overdue (电子监察's view of a queue).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueFilter {
    pub state: Option<CaseState>,
    /// Only cases at or past their warning threshold.
    pub warning: bool,
    /// Only cases with a 催办 not acted on since.
    pub reminded: bool,
}

impl QueueFilter {
    pub fn admits(&self, entry: &QueueEntry) -> bool {
        self.state.is_none_or(|state| entry.state == state)
            && (!self.warning || entry.urgency != Urgency::OnTime)
            && (!self.reminded || entry.reminded_at.is_some())
    }
}

/// How a case came in: online (the portal, the mini-program) or at a hall's window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Online,
    Window,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Online => "online",
            Self::Window => "window",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "online" => Some(Self::Online),
            "window" => Some(Self::Window),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Online => "网上申请",
            Self::Window => "窗口收件",
        }
    }
}

/// One line of a work queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueEntry {
    pub case_no: String,
    pub item_name: String,
    /// Masked: `张*`, or the business's name.
    pub applicant: String,
    pub state: CaseState,
    pub state_label: String,
    pub channel: Channel,
    pub submitted_at: Instant,
    /// From acceptance on: the due dates and the working days left.
    pub clock: Option<ClockReading>,
    /// How urgent the case is: overdue, warning or on time (a case waiting for acceptance is on
    /// time; it has no clock yet).
    pub urgency: Urgency,
    /// A supervisor's 催办 the case has not moved since.
    pub reminded_at: Option<Instant>,
}

/// A manual 形式审查要点 of a case's material, as the catalog words it; the clerk checks each one
/// before accepting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ManualPoint {
    /// `<material code>.<n>`, n counting the material's points from 1.
    pub id: String,
    pub material_code: String,
    pub material_name: String,
    pub text: String,
}

/// Every manual review point of the materials the clerk has in hand, in the catalog's order: a
/// material deferred (容缺) or replaced by a signed commitment (告知承诺) has nothing to check yet.
pub fn manual_points(
    materials: &[Material],
    choices: &BTreeMap<String, MaterialChoice>,
) -> Vec<ManualPoint> {
    materials
        .iter()
        .filter(|material| {
            !matches!(
                choices.get(&material.code),
                Some(MaterialChoice::Deferred { .. } | MaterialChoice::Committed)
            )
        })
        .flat_map(|material| {
            material
                .review_points
                .iter()
                .enumerate()
                .filter(|(_, point)| point.check == ReviewCheck::Manual)
                .map(|(n, point)| ManualPoint {
                    id: format!("{}.{}", material.code, n + 1),
                    material_code: material.code.clone(),
                    material_name: material.name.clone(),
                    text: point.text.clone(),
                })
        })
        .collect()
}

/// A material the clerk may accept without (容缺) at this case: the catalog allows it and it is
/// in hand now, so 容缺 would let the applicant bring a better copy later.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeferrableMaterial {
    pub code: String,
    pub name: String,
}

/// The materials the clerk may still defer: deferrable by the catalog and not already deferred
/// or replaced by a commitment.
pub fn deferrable_materials(
    materials: &[Material],
    choices: &BTreeMap<String, MaterialChoice>,
) -> Vec<DeferrableMaterial> {
    materials
        .iter()
        .filter(|material| {
            material.deferrable
                && !matches!(
                    choices.get(&material.code),
                    Some(MaterialChoice::Deferred { .. } | MaterialChoice::Committed)
                )
        })
        .map(|material| DeferrableMaterial {
            code: material.code.clone(),
            name: material.name.clone(),
        })
        .collect()
}

/// What a clerk sees of one case (an audited read).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffCaseView {
    /// The frozen form and materials, personal numbers masked.
    pub case: ApplicationView,
    pub applicant: String,
    pub channel: Channel,
    /// The automatic pre-review as the case stands.
    pub findings: Vec<Finding>,
    /// The manual points to check before accepting.
    pub manual_points: Vec<ManualPoint>,
    /// The materials the clerk may accept without, the applicant committing to a date (容缺).
    pub deferrable_materials: Vec<DeferrableMaterial>,
    /// What this caller may do now, by the state machine and their role.
    pub actions: Vec<CaseAction>,
    pub timeline: Vec<TimelineEvent>,
    /// The notices the case's decisions produced (受理通知书, 不予受理通知书), the person
    /// addressed masked.
    pub notices: Vec<crate::notice::CaseNotice>,
    /// The 一车勘验 joint inspections covering the case, with their draws.
    pub inspections: Vec<crate::review::InspectionView>,
    /// A supervisor's 催办 the case has not moved since, and what it asks.
    pub reminder: Option<TimelineEvent>,
    /// Whether the caller confirms handed-in 容缺 materials here (the clerks of the case).
    pub confirms_supplements: bool,
}

/// 受理: the manual points the clerk checked, and the materials accepted without (容缺), each with
/// the date the applicant commits to. Every manual point of a material in hand is needed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcceptRequest {
    /// The ids of the checked points ([`ManualPoint::id`]).
    #[serde(default)]
    pub checked: Vec<String>,
    /// 容缺 decided at the window: material code → the date the applicant commits to bring it
    /// by (`YYYY-MM-DD`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, String>))]
    pub deferrals: BTreeMap<String, Date>,
}

/// What an acceptance is judged against.
pub struct AcceptanceCase<'a> {
    pub materials: &'a [Material],
    pub choices: &'a BTreeMap<String, MaterialChoice>,
    pub today: Date,
    /// The latest committed date, in days from today (the pre-review's rule).
    pub max_deferral_days: u32,
}

impl AcceptRequest {
    /// Every manual point of a material in hand checked, each missing one named (一次告知); no
    /// point the case lacks; each deferral a deferrable material of the case with a date after
    /// today and within the limit.
    pub fn check(&self, case: &AcceptanceCase) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        let deferrable = deferrable_materials(case.materials, case.choices);
        let latest = case.today + Duration::days(case.max_deferral_days.into());
        for (code, until) in &self.deferrals {
            let key = format!("deferrals.{code}");
            let Some(material) = deferrable.iter().find(|m| &m.code == code) else {
                errors.add(key, "所选材料不能容缺受理，或已在容缺中");
                continue;
            };
            if *until <= case.today || *until > latest {
                errors.add(
                    key,
                    format!(
                        "“{}”的承诺补交日期须在今天之后、{}日之内（最晚 {}）",
                        material.name, case.max_deferral_days, latest
                    ),
                );
            }
        }
        let points = manual_points(case.materials, case.choices);
        let deferred_now = |point: &ManualPoint| self.deferrals.contains_key(&point.material_code);
        for point in points.iter().filter(|point| !deferred_now(point)) {
            if !self.checked.contains(&point.id) {
                errors.add(
                    format!("checked.{}", point.id),
                    format!("请核对“{}”：{}", point.material_name, point.text),
                );
            }
        }
        for id in &self.checked {
            if !points.iter().any(|p| &p.id == id) {
                errors.add(format!("checked.{id}"), "本办件没有这一审查要点");
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// 窗口收件: the item, and whom the clerk registers it for — a registered person by ID number, a
/// business by credit code, or someone without an account (often an elderly person) by ID number
/// with name and a contact phone, for whom an offline record is made.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WindowStart {
    /// The item's 实施编码.
    #[serde(default)]
    pub item_code: String,
    /// The person's 公民身份号码 (for a person's item).
    #[serde(default)]
    pub id_number: Option<String>,
    /// The business's 统一社会信用代码 (for a business's item); the case is filed in its name
    /// through its administrating 经办人.
    #[serde(default)]
    pub credit_code: Option<String>,
    /// For a person without an account: the name on their ID card…
    #[serde(default)]
    pub name: Option<String>,
    /// …and a phone to reach them (theirs or a family member's).
    #[serde(default)]
    pub contact_phone: Option<String>,
}

/// A window draft just started, and — for a person without an account — the 网上激活码 to hand
/// them on paper, shown this once: with it their own registration takes the record over.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WindowStarted {
    pub application: ApplicationView,
    /// `ABCD-EFGH`; only for an offline record, and only in this answer.
    pub activation_code: Option<String>,
}

/// Whom a window case is for, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WindowApplicant {
    /// A person by ID number; with their name and contact phone when they may have no account.
    Person {
        id_number: IdNumber,
        offline: Option<(PersonName, Phone)>,
    },
    Business(CreditCode),
}

impl WindowStart {
    /// Each wrong or missing part named: one of ID number and credit code; for a person given
    /// with a name, the contact phone too (and the other way round).
    pub fn check(&self, today: Date) -> Result<WindowApplicant, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.item_code.trim().is_empty() {
            errors.add("item_code", "请选择办理的事项");
        }
        let given = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|text| !text.is_empty())
                .map(str::to_owned)
        };
        let (id_number, credit_code) = (given(&self.id_number), given(&self.credit_code));
        let (name, phone) = (given(&self.name), given(&self.contact_phone));
        let applicant = match (id_number, credit_code) {
            (Some(_), Some(_)) => {
                errors.add(
                    "credit_code",
                    "个人事项填写身份号码，法人事项填写统一社会信用代码，二者只填一项",
                );
                None
            }
            (None, None) => {
                errors.add(
                    "id_number",
                    "请填写申请人的公民身份号码，或单位的统一社会信用代码",
                );
                None
            }
            (None, Some(code)) => match CreditCode::parse(&code) {
                Ok(code) => Some(WindowApplicant::Business(code)),
                Err(error) => {
                    errors.add("credit_code", error.to_string());
                    None
                }
            },
            (Some(number), None) => {
                let id_number = IdNumber::parse(&number, today)
                    .map_err(|error| errors.add("id_number", error.to_string()))
                    .ok();
                let offline = match (name, phone) {
                    (None, None) => None,
                    (name, phone) => {
                        let name = match name.as_deref().map(PersonName::parse) {
                            Some(Ok(name)) => Some(name),
                            Some(Err(message)) => {
                                errors.add("name", message);
                                None
                            }
                            None => {
                                errors.add("name", "请填写申请人身份证上的姓名");
                                None
                            }
                        };
                        let phone = match phone.as_deref().map(Phone::parse) {
                            Some(Ok(phone)) => Some(phone),
                            Some(Err(message)) => {
                                errors.add("contact_phone", message);
                                None
                            }
                            None => {
                                errors.add("contact_phone", "请填写联系电话，便于告知办理结果");
                                None
                            }
                        };
                        name.zip(phone)
                    }
                };
                id_number.map(|id_number| WindowApplicant::Person { id_number, offline })
            }
        };
        match applicant {
            Some(applicant) if errors.is_empty() => Ok(applicant),
            _ => Err(errors),
        }
    }
}

/// 不予受理: why, and under which provision; both go into the 不予受理通知书.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefuseRequest {
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub legal_basis: String,
}

impl RefuseRequest {
    pub fn check(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if !(4..=500).contains(&self.reason.trim().chars().count()) {
            errors.add("reason", "请写明不予受理的理由（4至500字）");
        }
        if !(2..=200).contains(&self.legal_basis.trim().chars().count()) {
            errors.add("legal_basis", "请写明不予受理的法律依据（2至200字）");
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{FileType, MaterialForm, MaterialSource, ReviewPoint};

    fn material(code: &str, points: &[(&str, ReviewCheck)]) -> Material {
        Material {
            code: code.into(),
            name: format!("材料{code}"),
            form: MaterialForm::Electronic,
            copies: 1,
            required: true,
            source: MaterialSource::Applicant,
            file_types: vec![FileType::Pdf],
            max_size_mb: 5,
            template: None,
            sample: None,
            shared_licence: None,
            deferrable: false,
            commitment: None,
            review_points: points
                .iter()
                .map(|(text, check)| ReviewPoint {
                    text: (*text).into(),
                    check: *check,
                })
                .collect(),
            note: String::new(),
        }
    }

    const TODAY: Date = time::macros::date!(2026 - 12 - 07);

    fn judged<'a>(
        materials: &'a [Material],
        choices: &'a BTreeMap<String, MaterialChoice>,
    ) -> AcceptanceCase<'a> {
        AcceptanceCase {
            materials,
            choices,
            today: TODAY,
            max_deferral_days: 30,
        }
    }

    fn lease_and_id_card() -> [Material; 2] {
        [
            material(
                "lease",
                &[
                    ("租赁期限不少于一年", ReviewCheck::Manual),
                    ("文件可读", ReviewCheck::Automatic),
                    ("出租方签章清晰", ReviewCheck::Manual),
                ],
            ),
            material("id_card", &[("证件在有效期内", ReviewCheck::Automatic)]),
        ]
    }

    #[test]
    fn every_manual_point_must_be_checked_and_each_missing_one_is_named() {
        let materials = lease_and_id_card();
        let choices = BTreeMap::new();
        let case = judged(&materials, &choices);
        let points = manual_points(&materials, &choices);
        let ids: Vec<&str> = points.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["lease.1", "lease.3"]);
        let none = AcceptRequest::default().check(&case).unwrap_err();
        assert_eq!(none.iter().count(), 2);
        assert_eq!(
            none.get("checked.lease.3").unwrap(),
            ["请核对“材料lease”：出租方签章清晰"]
        );
        let stray = AcceptRequest {
            checked: vec!["lease.1".into(), "lease.3".into(), "id_card.1".into()],
            ..AcceptRequest::default()
        };
        assert!(
            stray
                .check(&case)
                .unwrap_err()
                .get("checked.id_card.1")
                .is_some()
        );
        let all = AcceptRequest {
            checked: vec!["lease.3".into(), "lease.1".into()],
            ..AcceptRequest::default()
        };
        assert_eq!(all.check(&case), Ok(()));
    }

    #[test]
    fn a_material_deferred_online_or_at_the_window_has_no_points_to_check() {
        let mut materials = lease_and_id_card();
        materials[0].deferrable = true;
        let online = BTreeMap::from([(
            "lease".to_owned(),
            MaterialChoice::Deferred {
                until: TODAY + Duration::days(10),
            },
        )]);
        assert!(manual_points(&materials, &online).is_empty());
        assert!(deferrable_materials(&materials, &online).is_empty());
        assert_eq!(
            AcceptRequest::default().check(&judged(&materials, &online)),
            Ok(())
        );

        let in_hand = BTreeMap::new();
        let at_window = AcceptRequest {
            deferrals: BTreeMap::from([("lease".to_owned(), TODAY + Duration::days(30))]),
            ..AcceptRequest::default()
        };
        assert_eq!(at_window.check(&judged(&materials, &in_hand)), Ok(()));
    }

    #[test]
    fn a_window_deferral_needs_a_deferrable_material_and_a_date_in_range() {
        let mut materials = lease_and_id_card();
        materials[0].deferrable = true;
        let choices = BTreeMap::new();
        let case = judged(&materials, &choices);
        let request = |code: &str, days: i64| AcceptRequest {
            checked: vec!["lease.1".into(), "lease.3".into()],
            deferrals: BTreeMap::from([(code.to_owned(), TODAY + Duration::days(days))]),
        };
        let not_deferrable = request("id_card", 5).check(&case).unwrap_err();
        assert!(not_deferrable.get("deferrals.id_card").is_some());
        for days in [0, 31] {
            assert_eq!(
                request("lease", days)
                    .check(&case)
                    .unwrap_err()
                    .get("deferrals.lease")
                    .unwrap(),
                ["“材料lease”的承诺补交日期须在今天之后、30日之内（最晚 2027-01-06）"]
            );
        }
        assert_eq!(request("lease", 1).check(&case), Ok(()));
    }

    #[test]
    fn a_window_case_names_its_applicant_one_way() {
        let start =
            |id: Option<&str>, code: Option<&str>, name: Option<&str>, phone: Option<&str>| {
                WindowStart {
                    item_code: "1133010000250007024000400000038".into(),
                    id_number: id.map(Into::into),
                    credit_code: code.map(Into::into),
                    name: name.map(Into::into),
                    contact_phone: phone.map(Into::into),
                }
                .check(TODAY)
            };
        assert!(
            start(None, None, None, None)
                .unwrap_err()
                .get("id_number")
                .is_some()
        );
        assert!(
            start(
                Some("11010519491231002X"),
                Some("91350100M000100Y43"),
                None,
                None
            )
            .unwrap_err()
            .get("credit_code")
            .is_some()
        );
        assert!(matches!(
            start(Some("11010519491231002X"), None, None, None),
            Ok(WindowApplicant::Person { offline: None, .. })
        ));
        let half = start(Some("11010519491231002X"), None, Some("张三"), None).unwrap_err();
        assert_eq!(
            half.get("contact_phone").unwrap(),
            ["请填写联系电话，便于告知办理结果"]
        );
        assert!(matches!(
            start(
                Some("11010519491231002X"),
                None,
                Some("张三"),
                Some("13800138000")
            ),
            Ok(WindowApplicant::Person {
                offline: Some(_),
                ..
            })
        ));
        assert!(matches!(
            start(None, Some("91350100M000100Y43"), None, None),
            Ok(WindowApplicant::Business(_))
        ));
        assert!(
            start(Some("110105194912310021"), None, None, None)
                .unwrap_err()
                .get("id_number")
                .is_some()
        );
    }

    #[test]
    fn a_refusal_needs_its_reason_and_its_legal_basis() {
        let errors = RefuseRequest::default().check().unwrap_err();
        assert!(errors.get("reason").is_some() && errors.get("legal_basis").is_some());
        let fine = RefuseRequest {
            reason: "申请事项不属于本机关职权范围".into(),
            legal_basis: "《中华人民共和国行政许可法》第三十二条".into(),
        };
        assert_eq!(fine.check(), Ok(()));
    }

    #[test]
    fn queues_hold_their_states() {
        assert_eq!(Queue::parse("intake"), Some(Queue::Intake));
        assert_eq!(Queue::parse("later"), None);
        assert!(Queue::Intake.states().contains(&CaseState::Submitted));
        for state in Queue::Review.states() {
            assert!(Queue::All.states().contains(state));
        }
        assert!(!Queue::All.states().contains(&CaseState::Draft));
    }
}

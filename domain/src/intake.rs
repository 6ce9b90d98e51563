//! 一窗受理 (front-desk acceptance): the work queues, what a clerk sees of one case, and the
//! rules of the clerk's decisions — every manual 形式审查要点 of the catalog checked before
//! acceptance, a reason and its legal basis for 不予受理.

use crate::application::{ApplicationView, CaseAction, CaseState, TimelineEvent};
use crate::case_clock::{ClockReading, Urgency};
use crate::catalog::{Material, ReviewCheck};
use crate::errors::FieldErrors;
use crate::instant::Instant;
use crate::prereview::Finding;
use serde::{Deserialize, Serialize};

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
}

/// A manual 形式审查要点 of a case's material, as the catalog words it; the clerk checks each one
/// before accepting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ManualPoint {
    /// `<material code>.<n>`, n counting the material's points from 1.
    pub id: String,
    pub material_name: String,
    pub text: String,
}

/// Every manual review point of the materials, in the catalog's order.
pub fn manual_points(materials: &[Material]) -> Vec<ManualPoint> {
    materials
        .iter()
        .flat_map(|material| {
            material
                .review_points
                .iter()
                .enumerate()
                .filter(|(_, point)| point.check == ReviewCheck::Manual)
                .map(|(n, point)| ManualPoint {
                    id: format!("{}.{}", material.code, n + 1),
                    material_name: material.name.clone(),
                    text: point.text.clone(),
                })
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
    /// What this caller may do now, by the state machine and their role.
    pub actions: Vec<CaseAction>,
    pub timeline: Vec<TimelineEvent>,
}

/// 受理: the manual points the clerk checked (every one is needed).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcceptRequest {
    /// The ids of the checked points ([`ManualPoint::id`]).
    #[serde(default)]
    pub checked: Vec<String>,
}

impl AcceptRequest {
    /// Every manual point unchecked, each named (一次告知), and no point the case lacks.
    pub fn check(&self, points: &[ManualPoint]) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        for point in points {
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

    #[test]
    fn every_manual_point_must_be_checked_and_each_missing_one_is_named() {
        let materials = [
            material(
                "lease",
                &[
                    ("租赁期限不少于一年", ReviewCheck::Manual),
                    ("文件可读", ReviewCheck::Automatic),
                    ("出租方签章清晰", ReviewCheck::Manual),
                ],
            ),
            material("id_card", &[("证件在有效期内", ReviewCheck::Automatic)]),
        ];
        let points = manual_points(&materials);
        let ids: Vec<&str> = points.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["lease.1", "lease.3"]);
        let none = AcceptRequest::default().check(&points).unwrap_err();
        assert_eq!(none.iter().count(), 2);
        assert_eq!(
            none.get("checked.lease.3").unwrap(),
            ["请核对“材料lease”：出租方签章清晰"]
        );
        let stray = AcceptRequest {
            checked: vec!["lease.1".into(), "lease.3".into(), "id_card.1".into()],
        };
        assert!(
            stray
                .check(&points)
                .unwrap_err()
                .get("checked.id_card.1")
                .is_some()
        );
        let all = AcceptRequest {
            checked: vec!["lease.3".into(), "lease.1".into()],
        };
        assert_eq!(all.check(&points), Ok(()));
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

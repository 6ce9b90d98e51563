//! The written notices a case produces (文书): the 受理通知书 when a clerk accepts, the
//! 不予受理通知书 when they refuse, the 准予 / 不予许可决定书 when the department decides, the
//! 撤销决定书 when a case is revoked. A notice is composed once, when the decision is made, and kept
//! as issued: the applicant prints it, the clerk hands it over at the window, and neither a later
//! change of the catalog nor of a hall's name rewrites it.

use crate::identity::PersonName;
use crate::instant::Instant;
use serde::{Deserialize, Serialize};
use time::Date;

/// Which notice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// 受理通知书 (受理 and 容缺受理).
    Acceptance,
    /// 不予受理通知书.
    Refusal,
    /// 准予行政许可决定书.
    Approval,
    /// 不予行政许可决定书.
    Denial,
    /// 撤销决定书: a commitment not kept, or a 告知承诺 found untrue.
    Revocation,
}

impl NoticeKind {
    pub const ALL: [Self; 5] = [
        Self::Acceptance,
        Self::Refusal,
        Self::Approval,
        Self::Denial,
        Self::Revocation,
    ];

    /// As addresses and the API name it (`acceptance`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Acceptance => "acceptance",
            Self::Refusal => "refusal",
            Self::Approval => "approval",
            Self::Denial => "denial",
            Self::Revocation => "revocation",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Acceptance => "受理通知书",
            Self::Refusal => "不予受理通知书",
            Self::Approval => "准予行政许可决定书",
            Self::Denial => "不予行政许可决定书",
            Self::Revocation => "撤销决定书",
        }
    }
}

/// A material accepted without (容缺), and the date the applicant committed to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Commitment {
    pub material_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub until: Date,
}

/// One notice, as issued.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseNotice {
    pub kind: NoticeKind,
    /// 受理通知书 / 不予受理通知书.
    pub title: String,
    /// The notice's number (文号): the case number, since a case has one notice of each kind.
    pub number: String,
    pub case_no: String,
    pub item_name: String,
    /// Whom it is addressed to: the business's name, or the person's name — in full for the
    /// applicant, masked whenever staff read it (their printed copy too; the applicant prints
    /// theirs, or an audited reveal for the window's copy comes later).
    pub addressee: String,
    /// The issuing body: the hall that decided and the department responsible.
    pub issuer: String,
    pub issued_at: Instant,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub submitted_on: Date,
    /// The body, paragraph by paragraph, in the plain language of the notice.
    pub paragraphs: Vec<String>,
    /// 受理: the promised and legal due dates.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub promised_due: Option<Date>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub legal_due: Option<Date>,
    /// 容缺受理: what is still to come, and by when.
    pub commitments: Vec<Commitment>,
    /// The provisions the decision rests on.
    pub legal_basis: Vec<String>,
    /// 不予受理: how to challenge it (行政复议 / 行政诉讼).
    pub remedy: Option<String>,
}

impl CaseNotice {
    /// The notice as staff read it: the person addressed masked (the business named in full).
    pub fn masked_for_staff(mut self, addressed_to_person: bool) -> Self {
        if addressed_to_person {
            self.addressee = PersonName::parse(&self.addressee)
                .map(|name| name.masked())
                .unwrap_or_else(|_| "*".into());
        }
        self
    }
}

/// What every notice names.
pub struct NoticeCase<'a> {
    pub case_no: &'a str,
    pub item_name: &'a str,
    pub addressee: &'a str,
    pub issuer: &'a str,
    pub issued_at: Instant,
    pub submitted_on: Date,
}

/// The time limits an acceptance promises.
pub struct Promise {
    pub promised_days: u32,
    pub promised_due: Date,
    pub legal_days: u32,
    pub legal_due: Date,
}

/// The provision every acceptance and refusal of an administrative licence rests on.
const LICENSING_LAW_ACCEPTANCE: &str = "《中华人民共和国行政许可法》第三十二条";

/// The standard wording of how to challenge a decision.
const REMEDY: &str = "如不服本决定，可以自收到本通知书之日起六十日内依法申请行政复议，\
                      或者在六个月内依法向人民法院提起行政诉讼。";

/// 受理通知书: accepted on this day, decided by the promised date, within the legal one; for
/// 容缺受理 the materials still to come and their dates.
pub fn acceptance(
    case: NoticeCase,
    promise: Promise,
    commitments: Vec<Commitment>,
    item_basis: Vec<String>,
) -> CaseNotice {
    let mut paragraphs = vec![format!(
        "你（单位）于 {} 提出的“{}”申请（办件编号 {}），经审查，申请材料{}，根据{}的规定，决定予以受理。",
        case.submitted_on,
        case.item_name,
        case.case_no,
        if commitments.is_empty() {
            "齐全、符合法定形式"
        } else {
            "的主要部分齐全、符合法定形式，其余材料容缺受理"
        },
        LICENSING_LAW_ACCEPTANCE,
    )];
    paragraphs.push(format!(
        "本机关承诺在 {} 个工作日内、即 {} 前作出决定；法定办理时限为 {} 个工作日，即 {} 前。依法需要听证、检验、检测、鉴定、专家评审的，所需时间不计算在内。",
        promise.promised_days, promise.promised_due, promise.legal_days, promise.legal_due
    ));
    if !commitments.is_empty() {
        let list: Vec<String> = commitments
            .iter()
            .map(|c| format!("“{}”于 {} 前", c.material_name, c.until))
            .collect();
        paragraphs.push(format!(
            "你（单位）承诺补交以下材料：{}。逾期未补交的，本机关将依规定终止办理并撤销受理。",
            list.join("；")
        ));
    }
    paragraphs.push("可凭办件编号在政务服务网或小程序查询办理进度。".into());
    let mut legal_basis = vec![LICENSING_LAW_ACCEPTANCE.to_owned()];
    legal_basis.extend(item_basis);
    CaseNotice {
        kind: NoticeKind::Acceptance,
        title: NoticeKind::Acceptance.title().into(),
        number: case.case_no.into(),
        case_no: case.case_no.into(),
        item_name: case.item_name.into(),
        addressee: case.addressee.into(),
        issuer: case.issuer.into(),
        issued_at: case.issued_at,
        submitted_on: case.submitted_on,
        paragraphs,
        promised_due: Some(promise.promised_due),
        legal_due: Some(promise.legal_due),
        commitments,
        legal_basis,
        remedy: None,
    }
}

/// 不予受理通知书: why, under which provision, and how to challenge it.
pub fn refusal(case: NoticeCase, reason: &str, basis: &str) -> CaseNotice {
    let paragraphs = vec![
        format!(
            "你（单位）于 {} 提出的“{}”申请（办件编号 {}），经审查，{}。",
            case.submitted_on,
            case.item_name,
            case.case_no,
            reason.trim_end_matches(['。', '.'])
        ),
        format!("根据{}的规定，决定不予受理。", basis),
    ];
    plain(
        case,
        NoticeKind::Refusal,
        paragraphs,
        basis,
        Some(REMEDY.into()),
    )
}

/// The department's decision: 准予 with its reasons, or 不予 with the reasons, the provisions
/// and the way to challenge it (《行政许可法》第三十八条: a denial gives reasons and remedies).
pub fn decision(case: NoticeCase, approved: bool, reasons: &str, basis: &str) -> CaseNotice {
    let kind = if approved {
        NoticeKind::Approval
    } else {
        NoticeKind::Denial
    };
    let reasons = reasons.trim().trim_end_matches(['。', '.']);
    let paragraphs = vec![
        format!(
            "你（单位）于 {} 提出的“{}”申请（办件编号 {}），经审查，{}。",
            case.submitted_on, case.item_name, case.case_no, reasons
        ),
        format!(
            "根据{}的规定，决定{}。",
            basis.trim(),
            if approved {
                "准予行政许可"
            } else {
                "不予行政许可"
            }
        ),
    ];
    plain(
        case,
        kind,
        paragraphs,
        basis,
        (!approved).then(|| REMEDY.into()),
    )
}

/// 撤销决定书: the case is revoked, and why.
pub fn revocation(case: NoticeCase, reason: &str) -> CaseNotice {
    let paragraphs = vec![
        format!(
            "你（单位）于 {} 提出的“{}”申请（办件编号 {}），因{}，",
            case.submitted_on,
            case.item_name,
            case.case_no,
            reason.trim().trim_end_matches(['。', '.'])
        ),
        "根据告知承诺制的规定（你承诺、我审批，不兑现就撤销），决定撤销该办件的受理及据此作出的决定。".into(),
    ];
    plain(
        case,
        NoticeKind::Revocation,
        paragraphs,
        "《国务院办公厅关于全面推行证明事项和涉企经营许可事项告知承诺制的指导意见》（国办发〔2020〕42号）",
        Some(REMEDY.into()),
    )
}

/// A notice with no dates or commitments of its own.
fn plain(
    case: NoticeCase,
    kind: NoticeKind,
    paragraphs: Vec<String>,
    basis: &str,
    remedy: Option<String>,
) -> CaseNotice {
    CaseNotice {
        kind,
        title: kind.title().into(),
        number: case.case_no.into(),
        case_no: case.case_no.into(),
        item_name: case.item_name.into(),
        addressee: case.addressee.into(),
        issuer: case.issuer.into(),
        issued_at: case.issued_at,
        submitted_on: case.submitted_on,
        paragraphs,
        promised_due: None,
        legal_due: None,
        commitments: Vec::new(),
        legal_basis: vec![basis.trim().to_owned()],
        remedy,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn case() -> NoticeCase<'static> {
        NoticeCase {
            case_no: "1133010000250007024000400000038202612070001",
            item_name: "退休审批",
            addressee: "张三",
            issuer: "示范市市民中心（示范市人力资源和社会保障局）",
            issued_at: Instant::new(datetime!(2026-12-07 02:00 UTC)),
            submitted_on: date!(2026 - 12 - 07),
        }
    }

    #[test]
    fn an_acceptance_names_the_dates_the_basis_and_every_commitment() {
        let notice = acceptance(
            case(),
            Promise {
                promised_days: 8,
                promised_due: date!(2026 - 12 - 17),
                legal_days: 20,
                legal_due: date!(2027 - 01 - 05),
            },
            vec![Commitment {
                material_name: "参加工作时间证明".into(),
                until: date!(2026 - 12 - 14),
            }],
            vec!["《中华人民共和国社会保险法》第十六条".into()],
        );
        assert_eq!(notice.title, "受理通知书");
        let text = notice.paragraphs.join("");
        assert!(text.contains("其余材料容缺受理"), "{text}");
        assert!(text.contains("即 2026-12-17 前作出决定"), "{text}");
        assert!(text.contains("20 个工作日，即 2027-01-05 前"), "{text}");
        assert!(
            text.contains("“参加工作时间证明”于 2026-12-14 前"),
            "{text}"
        );
        assert_eq!(
            notice.legal_basis,
            [
                "《中华人民共和国行政许可法》第三十二条",
                "《中华人民共和国社会保险法》第十六条"
            ]
        );
        assert!(notice.remedy.is_none());
    }

    #[test]
    fn a_refusal_gives_its_reason_its_basis_and_the_way_to_challenge_it() {
        let notice = refusal(
            case(),
            "申请人尚未达到法定退休年龄。",
            "《国务院关于工人退休、退职的暂行办法》第一条",
        );
        assert_eq!(notice.title, "不予受理通知书");
        assert!(notice.paragraphs[0].ends_with("经审查，申请人尚未达到法定退休年龄。"));
        assert!(notice.paragraphs[1].contains("第一条的规定，决定不予受理"));
        assert!(notice.remedy.unwrap().contains("六十日内依法申请行政复议"));
    }

    #[test]
    fn a_denial_gives_reasons_basis_and_remedy_an_approval_no_remedy() {
        let denial = decision(
            case(),
            false,
            "申请人不符合退休条件。",
            "《社会保险法》第十六条",
        );
        assert_eq!(denial.title, "不予行政许可决定书");
        assert!(denial.paragraphs[0].ends_with("经审查，申请人不符合退休条件。"));
        assert!(denial.paragraphs[1].contains("决定不予行政许可"));
        assert!(denial.remedy.is_some());
        let approval = decision(case(), true, "符合法定条件", "《社会保险法》第十六条");
        assert_eq!(approval.kind, NoticeKind::Approval);
        assert!(approval.remedy.is_none());
        let revoked = revocation(case(), "承诺的材料逾期未补交");
        assert!(revoked.paragraphs[0].contains("因承诺的材料逾期未补交"));
    }

    #[test]
    fn staff_read_the_person_addressed_masked() {
        let notice = refusal(case(), "理由", "依据");
        assert_eq!(notice.clone().masked_for_staff(true).addressee, "张*");
        assert_eq!(notice.masked_for_staff(false).addressee, "张三");
    }
}

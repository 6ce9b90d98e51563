//! 预审 (形式审查): the automatic part of the review, pure, over an item's form and materials.
//!
//! [`run`] returns *every* finding at once (一次性告知), each naming its target (a form field or a
//! material), whether it blocks submission, and how to fix it in plain Chinese. The browser runs it
//! as the applicant fills the form; the server runs it again at submit and its verdict is final.

use crate::catalog::{FileType, Material};
use crate::form::{Answers, FormSchema};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::{Date, Duration};

/// How the applicant provides one material (一份材料).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MaterialChoice {
    /// A file in the applicant's vault: a fresh upload or an earlier one.
    Document {
        document_id: String,
        file_type: FileType,
        size_bytes: u64,
    },
    /// 容缺: delivered later, by the date the applicant commits to.
    Deferred { until: Date },
    /// 告知承诺: the commitment text was signed instead of providing the material.
    Committed,
}

/// Whether a finding stops submission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Blocking,
    Advisory,
}

/// One problem or notice, as the applicant reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    /// `field:<key>` or `material:<code>`.
    pub target: String,
    pub level: Level,
    pub message: String,
    pub hint: String,
}

/// Everything the automatic review looks at.
pub struct Application<'a> {
    pub form: &'a FormSchema,
    pub answers: &'a Answers,
    pub materials: &'a [Material],
    pub choices: &'a BTreeMap<String, MaterialChoice>,
    /// Licence types the applicant's vault holds (营业执照, 身份证, …): 免提交 materials whose
    /// licence is among them need nothing from the applicant.
    pub vault_licences: &'a [String],
    pub today: Date,
    /// The latest date a 容缺 material may be promised for, in calendar days from today.
    pub max_deferral_days: u32,
}

/// Every finding, form fields first in form order, then materials in guide order.
pub fn run(application: &Application<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let errors = application
        .form
        .check(application.answers, application.today);
    for (key, messages) in errors.iter() {
        let hint = hint_for(application.form, key);
        for message in messages {
            findings.push(Finding {
                target: format!("field:{key}"),
                level: Level::Blocking,
                message: message.clone(),
                hint: hint.clone(),
            });
        }
    }
    for material in application.materials {
        review_material(application, material, &mut findings);
    }
    findings
}

/// True when nothing blocks submission.
pub fn passed(findings: &[Finding]) -> bool {
    findings
        .iter()
        .all(|finding| finding.level != Level::Blocking)
}

fn hint_for(form: &FormSchema, key: &str) -> String {
    let top = key.split('.').next().unwrap_or(key);
    form.fields
        .iter()
        .find(|field| field.key == top)
        .map(|field| field.hint.clone())
        .filter(|hint| !hint.is_empty())
        .unwrap_or_else(|| "请按提示修改后再提交".into())
}

fn review_material(
    application: &Application<'_>,
    material: &Material,
    findings: &mut Vec<Finding>,
) {
    let target = format!("material:{}", material.code);
    let name = &material.name;
    let mut blocking = |message: String, hint: String| {
        findings.push(Finding {
            target: target.clone(),
            level: Level::Blocking,
            message,
            hint,
        });
    };
    let shared = material
        .shared_licence
        .as_ref()
        .filter(|licence| application.vault_licences.contains(licence));
    match application.choices.get(&material.code) {
        None if shared.is_some() => {}
        None if !material.required => {}
        None => blocking(format!("缺少“{name}”"), ways_to_provide(material)),
        Some(MaterialChoice::Document {
            file_type,
            size_bytes,
            ..
        }) => {
            if !material.file_types.contains(file_type) {
                let accepted: Vec<&str> = material.file_types.iter().map(|t| t.label()).collect();
                blocking(
                    format!("“{name}”的文件格式为{}，不符合要求", file_type.label()),
                    format!("请上传 {} 格式的文件", accepted.join("、")),
                );
            }
            let limit = u64::from(material.max_size_mb) * 1024 * 1024;
            if *size_bytes > limit {
                blocking(
                    format!("“{name}”超过 {} MB", material.max_size_mb),
                    "请压缩或分辨率调低后重新上传".into(),
                );
            }
        }
        Some(MaterialChoice::Deferred { until }) => {
            let latest = application.today + Duration::days(application.max_deferral_days.into());
            if !material.deferrable {
                blocking(format!("“{name}”不能容缺后补"), ways_to_provide(material));
            } else if *until <= application.today || *until > latest {
                blocking(
                    format!(
                        "“{name}”的承诺补交日期须在今天之后、{}日之内",
                        application.max_deferral_days
                    ),
                    format!("请选择 {} 之前的日期", latest),
                );
            } else {
                findings.push(Finding {
                    target: target.clone(),
                    level: Level::Advisory,
                    message: format!("“{name}”容缺受理，须于 {until} 前补交"),
                    hint: "逾期未补交的，办件将按规定终止办理".into(),
                });
            }
        }
        Some(MaterialChoice::Committed) => {
            if material.commitment.is_none() {
                blocking(format!("“{name}”不适用告知承诺"), ways_to_provide(material));
            } else {
                findings.push(Finding {
                    target: target.clone(),
                    level: Level::Advisory,
                    message: format!("已签署“{name}”的告知承诺"),
                    hint: "承诺内容将在审批后核查，承诺不实的将依法处理".into(),
                });
            }
        }
    }
}

/// A file the vault refused while a form was saved (not a PDF, JPG, PNG or OFD, or too large):
/// one more blocking finding naming the material, the file and what it accepts, listed with
/// all the others (一次告知) instead of replacing them.
pub fn rejected_upload(material: &Material, file_name: &str, reason: &str) -> Finding {
    let accepted: Vec<&str> = material.file_types.iter().map(|t| t.label()).collect();
    Finding {
        target: format!("material:{}", material.code),
        level: Level::Blocking,
        message: format!("“{}”的文件“{file_name}”未能上传：{reason}", material.name),
        hint: format!(
            "请上传 {} 格式的文件（不超过 {} MB）",
            accepted.join("、"),
            material.max_size_mb
        ),
    }
}

/// A file that would take its owner past their storage quota: the same finding, pointing to
/// what is already in their vault instead of to formats and sizes.
pub fn upload_over_quota(material: &Material, file_name: &str, reason: &str) -> Finding {
    Finding {
        hint: "请从材料库中选用已上传的文件".into(),
        ..rejected_upload(material, file_name, reason)
    }
}

/// How a missing material can be provided: upload, or the alternatives this one allows.
fn ways_to_provide(material: &Material) -> String {
    let accepted: Vec<&str> = material.file_types.iter().map(|t| t.label()).collect();
    let mut ways = vec![format!(
        "上传 {} 文件（不超过 {} MB）",
        accepted.join("、"),
        material.max_size_mb
    )];
    if material.deferrable {
        ways.push("选择容缺后补并承诺补交日期".into());
    }
    if material.commitment.is_some() {
        ways.push("签署告知承诺书代替".into());
    }
    if let Some(licence) = &material.shared_licence {
        ways.push(format!(
            "系统可自动调取您的“{licence}”（证照库中有该证照时免提交）"
        ));
    }
    format!("可以{}", ways.join("，或"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{MaterialForm, MaterialSource};
    use crate::form::{Answer, FieldKind, FieldSpec};
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 23);

    fn material(code: &str, name: &str) -> Material {
        Material {
            code: code.into(),
            name: name.into(),
            form: MaterialForm::Electronic,
            copies: 1,
            required: true,
            source: MaterialSource::Applicant,
            file_types: vec![FileType::Pdf, FileType::Jpeg],
            max_size_mb: 5,
            template: None,
            sample: None,
            shared_licence: None,
            deferrable: false,
            commitment: None,
            review_points: Vec::new(),
            note: String::new(),
        }
    }

    fn materials() -> Vec<Material> {
        vec![
            material("application", "申请书"),
            Material {
                deferrable: true,
                ..material("certificate", "资格证书")
            },
            Material {
                commitment: Some("本人承诺住所真实".into()),
                ..material("premises", "住所证明")
            },
            Material {
                shared_licence: Some("营业执照".into()),
                ..material("licence", "营业执照")
            },
            Material {
                required: false,
                ..material("photos", "经营场所照片")
            },
        ]
    }

    fn form() -> FormSchema {
        FormSchema {
            fields: vec![FieldSpec {
                key: "phone".into(),
                label: "联系电话".into(),
                hint: "用于接收办理进度短信".into(),
                required: true,
                kind: FieldKind::Phone,
                prefill: None,
            }],
        }
    }

    fn pdf(size_bytes: u64) -> MaterialChoice {
        MaterialChoice::Document {
            document_id: "d1".into(),
            file_type: FileType::Pdf,
            size_bytes,
        }
    }

    fn review(
        answers: &Answers,
        choices: &BTreeMap<String, MaterialChoice>,
        vault: &[String],
    ) -> Vec<Finding> {
        run(&Application {
            form: &form(),
            answers,
            materials: &materials(),
            choices,
            vault_licences: vault,
            today: TODAY,
            max_deferral_days: 30,
        })
    }

    #[test]
    fn an_empty_application_hears_about_everything_at_once() {
        let findings = review(&Answers::new(), &BTreeMap::new(), &[]);
        let targets: Vec<&str> = findings.iter().map(|f| f.target.as_str()).collect();
        assert_eq!(
            targets,
            [
                "field:phone",
                "material:application",
                "material:certificate",
                "material:premises",
                "material:licence",
            ]
        );
        assert!(findings.iter().all(|f| f.level == Level::Blocking));
        assert_eq!(findings[0].hint, "用于接收办理进度短信");
        assert!(findings[2].hint.contains("容缺后补"));
        assert!(findings[3].hint.contains("告知承诺"));
        assert!(findings[4].hint.contains("免提交"));
        assert!(!passed(&findings));
    }

    /// A material's code, how it is provided, and the finding expected for it.
    type Case = (&'static str, MaterialChoice, Option<(Level, &'static str)>);

    #[test]
    fn table_of_material_choices() {
        let cases: Vec<Case> = vec![
            ("application", pdf(1024), None),
            (
                "application",
                pdf(6 * 1024 * 1024),
                Some((Level::Blocking, "“申请书”超过 5 MB")),
            ),
            (
                "application",
                MaterialChoice::Document {
                    document_id: "d".into(),
                    file_type: FileType::Png,
                    size_bytes: 10,
                },
                Some((Level::Blocking, "“申请书”的文件格式为PNG，不符合要求")),
            ),
            (
                "application",
                MaterialChoice::Deferred {
                    until: date!(2026 - 12 - 01),
                },
                Some((Level::Blocking, "“申请书”不能容缺后补")),
            ),
            (
                "application",
                MaterialChoice::Committed,
                Some((Level::Blocking, "“申请书”不适用告知承诺")),
            ),
            (
                "certificate",
                MaterialChoice::Deferred {
                    until: date!(2026 - 12 - 01),
                },
                Some((
                    Level::Advisory,
                    "“资格证书”容缺受理，须于 2026-12-01 前补交",
                )),
            ),
            (
                "certificate",
                MaterialChoice::Deferred { until: TODAY },
                Some((
                    Level::Blocking,
                    "“资格证书”的承诺补交日期须在今天之后、30日之内",
                )),
            ),
            (
                "certificate",
                MaterialChoice::Deferred {
                    until: date!(2027 - 01 - 31),
                },
                Some((
                    Level::Blocking,
                    "“资格证书”的承诺补交日期须在今天之后、30日之内",
                )),
            ),
            (
                "premises",
                MaterialChoice::Committed,
                Some((Level::Advisory, "已签署“住所证明”的告知承诺")),
            ),
        ];
        for (code, choice, expected) in cases {
            let answers =
                Answers::from([("phone".to_string(), Answer::Text("13800138000".into()))]);
            let mut choices = BTreeMap::from([
                ("application".to_string(), pdf(1)),
                ("certificate".to_string(), pdf(1)),
                ("premises".to_string(), pdf(1)),
                ("licence".to_string(), pdf(1)),
            ]);
            choices.insert(code.to_string(), choice.clone());
            let findings = review(&answers, &choices, &[]);
            let found = findings
                .iter()
                .find(|f| f.target == format!("material:{code}"))
                .map(|f| (f.level, f.message.as_str()));
            assert_eq!(found, expected, "{code}: {choice:?}");
        }
    }

    #[test]
    fn a_licence_in_the_vault_needs_no_upload_and_optional_materials_may_be_left_out() {
        let answers = Answers::from([("phone".to_string(), Answer::Text("13800138000".into()))]);
        let choices = BTreeMap::from([
            ("application".to_string(), pdf(1)),
            ("certificate".to_string(), pdf(1)),
            ("premises".to_string(), MaterialChoice::Committed),
        ]);
        let findings = review(&answers, &choices, &["营业执照".to_string()]);
        assert!(passed(&findings), "{findings:?}");
        assert_eq!(
            findings.len(),
            1,
            "only the commitment notice: {findings:?}"
        );
    }

    #[test]
    fn a_refused_upload_names_its_material_file_and_accepted_types() {
        let finding = rejected_upload(
            &material("id_card", "身份证"),
            "说明.txt",
            "只接受 PDF、JPG、PNG 或 OFD 文件",
        );
        assert_eq!(finding.target, "material:id_card");
        assert_eq!(finding.level, Level::Blocking);
        assert!(
            finding.message.contains("“说明.txt”"),
            "{}",
            finding.message
        );
        assert!(
            finding.hint.contains("PDF、JPG") && finding.hint.contains("5 MB"),
            "{}",
            finding.hint
        );
    }
}

//! The application form as the browser sends it, read back into answers and material choices.
//!
//! One naming scheme serves both readers: the server reads a posted `multipart/form-data` body
//! with it, and the browser's live pre-review reads the same form's current values with it, so
//! what the applicant sees checked is what the server will check.
//!
//! Names: `answer.<key>` (repeated for checkboxes), `answer.<group>.<n>.<key>` inside groups,
//! `material.<code>.mode` (`deferred`, `committed`, or empty for a file), `material.<code>.until`
//! and `material.<code>.document` (a vault file's id).

use crate::catalog::{FileType, Material};
use crate::errors::FieldErrors;
use crate::form::{Answer, Answers, FieldKind, FieldSpec, parse_date};
use crate::prereview::MaterialChoice;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Rebuilds typed answers from `answer.…` name/value pairs (names without the `answer.`
/// prefix), following the form's field kinds.
pub fn answers_from(fields: &[FieldSpec], posted: &[(String, String)], prefix: &str) -> Answers {
    let mut answers = Answers::new();
    for field in fields {
        let key = format!("{prefix}{}", field.key);
        match &field.kind {
            FieldKind::Checkboxes { .. } => {
                let chosen: Vec<String> = posted
                    .iter()
                    .filter(|(name, _)| *name == key)
                    .map(|(_, value)| value.clone())
                    .collect();
                answers.insert(field.key.clone(), Answer::Choices(chosen));
            }
            FieldKind::Group { fields, .. } => {
                let mut entries = Vec::new();
                for index in 1.. {
                    let entry_prefix = format!("{key}.{index}.");
                    if !posted
                        .iter()
                        .any(|(name, _)| name.starts_with(&entry_prefix))
                    {
                        break;
                    }
                    entries.push(answers_from(fields, posted, &entry_prefix));
                }
                answers.insert(field.key.clone(), Answer::Entries(entries));
            }
            _ => {
                if let Some((_, value)) = posted.iter().find(|(name, _)| *name == key) {
                    answers.insert(field.key.clone(), Answer::Text(value.trim().to_owned()));
                }
            }
        }
    }
    answers
}

/// A file of the vault as the form may pick it: enough for the pre-review's type and size checks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultEntry {
    pub id: String,
    pub file_type: FileType,
    pub size_bytes: u64,
}

/// The material choices the form states, from `material.…` fields (names without the prefix):
/// `Some` sets a choice, `None` undoes a 容缺 or 承诺 choice made earlier. A file uploaded in the
/// same post is added by the caller afterwards and wins.
pub fn choices_from(
    materials: &[Material],
    current: &BTreeMap<String, MaterialChoice>,
    fields: &BTreeMap<String, String>,
    vault: &[VaultEntry],
) -> Result<BTreeMap<String, Option<MaterialChoice>>, FieldErrors> {
    let mut choices = BTreeMap::new();
    let mut errors = FieldErrors::new();
    for material in materials {
        let field = |name: &str| {
            fields
                .get(&format!("{}.{name}", material.code))
                .map(String::as_str)
                .unwrap_or_default()
        };
        let choice = match field("mode") {
            "deferred" => match parse_date(field("until")) {
                Some(until) => Some(MaterialChoice::Deferred { until }),
                None => {
                    errors.add(
                        format!("material:{}", material.code),
                        format!("请填写“{}”的承诺补交日期", material.name),
                    );
                    continue;
                }
            },
            "committed" => Some(MaterialChoice::Committed),
            _ => match vault.iter().find(|file| file.id == field("document")) {
                // An earlier upload picked from the vault (一份材料).
                Some(file) => Some(MaterialChoice::Document {
                    document_id: file.id.clone(),
                    file_type: file.file_type,
                    size_bytes: file.size_bytes,
                }),
                // Upload (or keep the uploaded file): a 容缺 or 承诺 choice made earlier is undone.
                None => match current.get(&material.code) {
                    Some(MaterialChoice::Document { .. }) | None => continue,
                    Some(_) => None,
                },
            },
        };
        choices.insert(material.code.clone(), choice);
    }
    if errors.is_empty() {
        Ok(choices)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{MaterialForm, MaterialSource};
    use time::macros::date;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn answers_follow_the_field_kinds() {
        let fields: Vec<FieldSpec> = serde_json::from_value(serde_json::json!([
            {"key": "name", "label": "名称", "type": "text"},
            {"key": "scope", "label": "范围", "type": "checkboxes", "options": ["甲", "乙"]},
            {"key": "holders", "label": "股东", "type": "group", "fields": [
                {"key": "name", "label": "姓名", "type": "text"}
            ]}
        ]))
        .unwrap();
        let answers = answers_from(
            &fields,
            &pairs(&[
                ("name", "  星火  "),
                ("scope", "甲"),
                ("scope", "乙"),
                ("holders.1.name", "张三"),
                ("holders.2.name", "李四"),
            ]),
            "",
        );
        assert_eq!(answers["name"], Answer::Text("星火".into()));
        assert_eq!(
            answers["scope"],
            Answer::Choices(vec!["甲".into(), "乙".into()])
        );
        let Answer::Entries(entries) = &answers["holders"] else {
            panic!("entries")
        };
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1]["name"], Answer::Text("李四".into()));
    }

    fn material(code: &str) -> Material {
        Material {
            code: code.into(),
            name: "租赁合同".into(),
            form: MaterialForm::Copy,
            copies: 1,
            required: true,
            source: MaterialSource::Applicant,
            file_types: vec![FileType::Pdf],
            max_size_mb: 5,
            template: None,
            sample: None,
            shared_licence: None,
            deferrable: true,
            commitment: Some("承诺".into()),
            review_points: vec![],
            note: String::new(),
        }
    }

    #[test]
    fn material_choices_from_the_form() {
        let materials = [material("a"), material("b"), material("c"), material("d")];
        let current = BTreeMap::from([("d".to_string(), MaterialChoice::Committed)]);
        let fields: BTreeMap<String, String> = [
            ("a.mode", "deferred"),
            ("a.until", "2026-12-01"),
            ("b.mode", "committed"),
            ("c.document", "d_1"),
            ("d.mode", ""),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let vault = [VaultEntry {
            id: "d_1".into(),
            file_type: FileType::Pdf,
            size_bytes: 10,
        }];
        let choices = choices_from(&materials, &current, &fields, &vault).unwrap();
        assert_eq!(
            choices["a"],
            Some(MaterialChoice::Deferred {
                until: date!(2026 - 12 - 01)
            })
        );
        assert_eq!(choices["b"], Some(MaterialChoice::Committed));
        assert!(matches!(
            &choices["c"],
            Some(MaterialChoice::Document { document_id, .. }) if document_id == "d_1"
        ));
        assert_eq!(choices["d"], None, "the commitment is undone");

        let missing_date = BTreeMap::from([("a.mode".to_string(), "deferred".to_string())]);
        let errors = choices_from(&materials, &current, &missing_date, &vault).unwrap_err();
        assert!(errors.get("material:a").is_some());
    }
}

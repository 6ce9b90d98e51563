//! 一件事 applications: one merged form and one set of materials for several items, and how a
//! submitted package splits into one child case per item.
//!
//! Fields merge by key (a field several items ask for is asked once). Materials merge the way the
//! package guide lists them (`catalog::merge_materials`): the same name or the same e-licence is
//! one material. Each merged material keeps the first item's code; where two different materials
//! share a code, the later one gets a numbered code so every material of the form has its own.

use crate::catalog::Material;
use crate::form::{Answers, FormSchema};
use crate::prereview::MaterialChoice;
use std::collections::BTreeMap;

/// The package's material list, and for each member item which package material stands for
/// each of its own materials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageMaterials {
    pub materials: Vec<Material>,
    /// (member item code, the item's material code) → the package material code.
    routes: BTreeMap<(String, String), String>,
}

impl PackageMaterials {
    /// Merges the members' materials, given as (item code, the item's materials) in package order.
    pub fn merge<'a>(members: impl IntoIterator<Item = (&'a str, &'a [Material])>) -> Self {
        let mut materials: Vec<Material> = Vec::new();
        let mut routes = BTreeMap::new();
        for (item_code, item_materials) in members {
            for material in item_materials {
                let same = |m: &Material| {
                    m.name == material.name
                        || (material.shared_licence.is_some()
                            && m.shared_licence == material.shared_licence)
                };
                let code = match materials.iter_mut().find(|m| same(m)) {
                    Some(existing) => {
                        existing.required |= material.required;
                        // Lenient only if every asking item is lenient.
                        existing.deferrable &= material.deferrable;
                        if material.commitment.is_none() {
                            existing.commitment = None;
                        }
                        existing.max_size_mb = existing.max_size_mb.min(material.max_size_mb);
                        existing
                            .file_types
                            .retain(|t| material.file_types.contains(t));
                        existing.code.clone()
                    }
                    None => {
                        let mut merged = material.clone();
                        let taken = |code: &str| materials.iter().any(|m| m.code == code);
                        let mut n = 2;
                        while taken(&merged.code) {
                            merged.code = format!("{}_{n}", material.code);
                            n += 1;
                        }
                        let code = merged.code.clone();
                        materials.push(merged);
                        code
                    }
                };
                routes.insert((item_code.to_owned(), material.code.clone()), code);
            }
        }
        Self { materials, routes }
    }

    /// A member item's material choices, taken from the package's choices.
    pub fn choices_for(
        &self,
        item_code: &str,
        item_materials: &[Material],
        choices: &BTreeMap<String, MaterialChoice>,
    ) -> BTreeMap<String, MaterialChoice> {
        item_materials
            .iter()
            .filter_map(|material| {
                let package_code = self
                    .routes
                    .get(&(item_code.to_owned(), material.code.clone()))?;
                let choice = choices.get(package_code)?;
                Some((material.code.clone(), choice.clone()))
            })
            .collect()
    }
}

/// A member item's answers: those of the package's answers its own form asks for.
pub fn answers_for(member_form: &FormSchema, answers: &Answers) -> Answers {
    answers
        .iter()
        .filter(|(key, _)| member_form.fields.iter().any(|f| &f.key == *key))
        .map(|(key, answer)| (key.clone(), answer.clone()))
        .collect()
}

/// A child case's number: the package case's number and the item's place in the package.
pub fn child_case_number(parent: &str, position: usize) -> String {
    format!("{parent}-{:02}", position + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{FileType, MaterialForm, MaterialSource};
    use crate::form::Answer;

    fn material(code: &str, name: &str, licence: Option<&str>, deferrable: bool) -> Material {
        Material {
            code: code.into(),
            name: name.into(),
            form: MaterialForm::Electronic,
            copies: 1,
            required: false,
            source: MaterialSource::Applicant,
            file_types: vec![FileType::Pdf, FileType::Jpeg],
            max_size_mb: 10,
            template: None,
            sample: None,
            shared_licence: licence.map(Into::into),
            deferrable,
            commitment: Some("承诺".into()),
            review_points: vec![],
            note: String::new(),
        }
    }

    #[test]
    fn the_same_material_is_asked_once_and_strictest_wins() {
        let mut strict = material("licence", "营业执照", Some("营业执照"), false);
        strict.required = true;
        strict.commitment = None;
        strict.file_types = vec![FileType::Pdf];
        let first = [material("bl", "营业执照副本", Some("营业执照"), true)];
        let second = [strict];
        let merged = PackageMaterials::merge([("A", &first[..]), ("B", &second[..])]);
        assert_eq!(merged.materials.len(), 1);
        let only = &merged.materials[0];
        assert_eq!(only.code, "bl");
        assert!(only.required && !only.deferrable && only.commitment.is_none());
        assert_eq!(only.file_types, vec![FileType::Pdf]);

        let choice = MaterialChoice::Committed;
        let choices = BTreeMap::from([("bl".to_string(), choice.clone())]);
        assert_eq!(
            merged.choices_for("B", &second, &choices),
            BTreeMap::from([("licence".to_string(), choice)])
        );
    }

    #[test]
    fn different_materials_with_one_code_get_their_own_codes() {
        let first = [material("plan", "平面图", None, false)];
        let second = [material("plan", "消防设计图", None, false)];
        let merged = PackageMaterials::merge([("A", &first[..]), ("B", &second[..])]);
        let codes: Vec<_> = merged.materials.iter().map(|m| m.code.as_str()).collect();
        assert_eq!(codes, ["plan", "plan_2"]);
        let choices = BTreeMap::from([
            ("plan".to_string(), MaterialChoice::Committed),
            (
                "plan_2".to_string(),
                MaterialChoice::Deferred {
                    until: time::macros::date!(2026 - 12 - 01),
                },
            ),
        ]);
        assert_eq!(
            merged.choices_for("B", &second, &choices),
            BTreeMap::from([(
                "plan".to_string(),
                MaterialChoice::Deferred {
                    until: time::macros::date!(2026 - 12 - 01)
                }
            )])
        );
    }

    #[test]
    fn members_get_only_the_answers_their_form_asks_for() {
        let form: FormSchema = serde_json::from_value(serde_json::json!({"fields": [
            {"key": "name", "label": "姓名", "type": "text"}
        ]}))
        .unwrap();
        let answers = Answers::from([
            ("name".to_string(), Answer::Text("张三".into())),
            ("other".to_string(), Answer::Text("x".into())),
        ]);
        assert_eq!(
            answers_for(&form, &answers),
            Answers::from([("name".to_string(), Answer::Text("张三".into()))])
        );
        assert_eq!(child_case_number("X202611230001", 1), "X202611230001-02");
    }
}

//! Field-level validation problems, shared by the REST envelope and the forms.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Messages per field name, in a stable order so responses and pages are deterministic.
///
/// Field names are the wire names (`id_number`, `materials.3`); messages are plain Chinese for
/// the person who has to fix the input.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FieldErrors(BTreeMap<String, Vec<String>>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// A single problem with a single field.
    pub fn single(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(field, message);
        errors
    }

    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.entry(field.into()).or_default().push(message.into());
    }

    /// The same messages under another field name (a page asks in yuan for what the rule
    /// checks in fen).
    pub fn rename(&mut self, from: &str, to: &str) {
        if let Some(messages) = self.0.remove(from) {
            self.0.entry(to.to_owned()).or_default().extend(messages);
        }
    }

    /// Every message of `other` added to these.
    pub fn merge(&mut self, other: FieldErrors) {
        for (field, messages) in other.0 {
            self.0.entry(field).or_default().extend(messages);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok` when nothing was added: the end of every request's `check`.
    pub fn into_result(self) -> Result<(), Self> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }

    pub fn get(&self, field: &str) -> Option<&[String]> {
        self.0.get(field).map(Vec::as_slice)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_several_messages_per_field_in_order() {
        let mut errors = FieldErrors::new();
        errors.add("phone", "请填写手机号码");
        errors.add("id_number", "校验位错误");
        errors.add("phone", "手机号码应为11位");
        assert_eq!(
            errors.get("phone"),
            Some(&["请填写手机号码".to_string(), "手机号码应为11位".to_string()][..])
        );
        let fields: Vec<&str> = errors.iter().map(|(field, _)| field).collect();
        assert_eq!(fields, ["id_number", "phone"]);
    }

    #[test]
    fn serialises_as_a_plain_object() {
        let errors = FieldErrors::single("id_number", "校验位错误");
        assert_eq!(
            serde_json::to_value(&errors).unwrap(),
            serde_json::json!({ "id_number": ["校验位错误"] })
        );
    }
}

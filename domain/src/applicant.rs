//! Who applies: a person (自然人) or a business (法人). The catalog says whom an item serves, the
//! form asks the applicant's questions for the kind that applies.

use serde::{Deserialize, Serialize};

/// Who may apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApplicantType {
    /// 自然人
    Person,
    /// 法人
    Business,
    /// 自然人和法人
    Both,
}

impl ApplicantType {
    pub fn label(self) -> &'static str {
        match self {
            Self::Person => "个人",
            Self::Business => "法人",
            Self::Both => "个人、法人",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Business => "business",
            Self::Both => "both",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "person" => Some(Self::Person),
            "business" => Some(Self::Business),
            "both" => Some(Self::Both),
            _ => None,
        }
    }

    /// Whether an item for `self` serves applicants of `wanted`.
    pub fn serves(self, wanted: ApplicantType) -> bool {
        self == Self::Both || wanted == Self::Both || self == wanted
    }
}

//! 一表申请: the application form of an item, kept in the catalog data, and the answers to it.
//!
//! A [`FormSchema`] lists typed fields. Where the answer is a choice the field offers the choice
//! (select, checkbox group), so nothing that can be ticked is typed. A package's form is the merge
//! of its items' forms: a field that several items ask for (same key) is asked once.
//! [`FormSchema::check`] reports every problem of a set of [`Answers`] at once, by field key; the
//! browser runs it while the reader types and the server runs it again on submit.

use crate::errors::FieldErrors;
use crate::identity::{CreditCode, IdNumber, Phone};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::Date;
use time::macros::format_description;

/// One application form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormSchema {
    #[serde(default)]
    pub fields: Vec<FieldSpec>,
}

/// One question on a form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldSpec {
    /// Stable key, shared by every item that asks the same question (`applicant_phone`).
    pub key: String,
    pub label: String,
    #[serde(default)]
    pub hint: String,
    #[serde(default = "yes")]
    pub required: bool,
    #[serde(flatten)]
    pub kind: FieldKind,
    /// Which profile value fills this field in a new draft (一次录入，多次复用).
    #[serde(default)]
    pub prefill: Option<Prefill>,
}

fn yes() -> bool {
    true
}

/// What kind of answer a field takes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldKind {
    Text {
        #[serde(default = "default_max_len")]
        max_len: u32,
    },
    /// Numbers within bounds, in a unit (areas in m², counts, amounts in 万元), with at most
    /// `decimals` places after the point (0: whole numbers).
    Number {
        #[serde(default)]
        min: Option<i64>,
        #[serde(default)]
        max: Option<i64>,
        #[serde(default)]
        unit: String,
        #[serde(default)]
        decimals: u8,
    },
    /// `YYYY-MM-DD`.
    Date {
        /// The date may not lie after today (births, past events).
        #[serde(default)]
        not_after_today: bool,
    },
    /// Exactly one of the options.
    Select {
        options: Vec<String>,
    },
    /// Any number of the options, at least one when required.
    Checkboxes {
        options: Vec<String>,
    },
    /// A postal address in mainland China.
    Address,
    Phone,
    IdNumber {
        /// The person must be at least this old today (法定代表人年满十八周岁).
        #[serde(default)]
        min_age: Option<u32>,
    },
    CreditCode,
    /// A repeatable group of sub-fields (股东, 家庭成员), between `min` and `max` entries.
    Group {
        // A group holds fields that may again be groups: the document refers back by name.
        #[cfg_attr(feature = "openapi", schema(no_recursion))]
        fields: Vec<FieldSpec>,
        #[serde(default)]
        min: u32,
        #[serde(default = "default_group_max")]
        max: u32,
    },
}

fn default_max_len() -> u32 {
    200
}

fn default_group_max() -> u32 {
    20
}

/// Profile values a field can be prefilled from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Prefill {
    ApplicantName,
    ApplicantIdNumber,
    ApplicantPhone,
    ApplicantAddress,
    BusinessName,
    BusinessCreditCode,
    BusinessAddress,
    BusinessLegalRep,
}

/// An answer: text for single-value fields, a list for checkboxes, entries for groups.
///
/// A client sends each answer in its JSON type: a number field's answer may be a JSON number
/// (`120`, `12.5`) as well as text, and is kept as the text the form would hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged, from = "WireAnswer")]
pub enum Answer {
    Text(String),
    Choices(Vec<String>),
    Entries(Vec<Answers>),
}

/// What a client may send as an answer, and so what the API documents as `Answer` (a view
/// sends text where a client may have sent a number).
#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Answer))]
#[serde(untagged)]
pub(crate) enum WireAnswer {
    Text(String),
    /// A number field's answer (`120`, `12.5`).
    Number(f64),
    /// The options ticked (checkboxes).
    Choices(Vec<String>),
    /// A group's entries, each answered by field key.
    #[cfg_attr(
        feature = "openapi",
        schema(no_recursion, value_type = Vec<BTreeMap<String, WireAnswer>>)
    )]
    Entries(Vec<Answers>),
}

impl From<WireAnswer> for Answer {
    fn from(wire: WireAnswer) -> Self {
        match wire {
            WireAnswer::Text(text) => Self::Text(text),
            WireAnswer::Number(n) => Self::Text(n.to_string()),
            WireAnswer::Choices(choices) => Self::Choices(choices),
            WireAnswer::Entries(entries) => Self::Entries(entries),
        }
    }
}

/// The answers to a form, by field key.
pub type Answers = BTreeMap<String, Answer>;

/// Who applies, asked first on every form and prefilled from the profile: the person, or the
/// business and its 经办人.
pub fn applicant_form(applicant_type: crate::applicant::ApplicantType) -> FormSchema {
    use crate::applicant::ApplicantType;
    let field = |key: &str, label: &str, kind: FieldKind, prefill: Prefill| FieldSpec {
        key: key.into(),
        label: label.into(),
        hint: String::new(),
        required: true,
        kind,
        prefill: Some(prefill),
    };
    let person = [
        field(
            "applicant_name",
            "申请人姓名",
            FieldKind::Text { max_len: 50 },
            Prefill::ApplicantName,
        ),
        field(
            "applicant_id_number",
            "申请人公民身份号码",
            FieldKind::IdNumber { min_age: None },
            Prefill::ApplicantIdNumber,
        ),
        field(
            "applicant_phone",
            "联系电话",
            FieldKind::Phone,
            Prefill::ApplicantPhone,
        ),
        field(
            "contact_address",
            "联系地址",
            FieldKind::Address,
            Prefill::ApplicantAddress,
        ),
    ];
    let business = [
        field(
            "business_name",
            "单位名称",
            FieldKind::Text { max_len: 100 },
            Prefill::BusinessName,
        ),
        field(
            "business_credit_code",
            "统一社会信用代码",
            FieldKind::CreditCode,
            Prefill::BusinessCreditCode,
        ),
        field(
            "applicant_name",
            "经办人姓名",
            FieldKind::Text { max_len: 50 },
            Prefill::ApplicantName,
        ),
        field(
            "applicant_phone",
            "经办人联系电话",
            FieldKind::Phone,
            Prefill::ApplicantPhone,
        ),
        field(
            "business_address",
            "单位地址",
            FieldKind::Address,
            Prefill::BusinessAddress,
        ),
    ];
    let fields = match applicant_type {
        ApplicantType::Business => business.to_vec(),
        // Items open to both start from the person; a 经办人 acting for a business gets the
        // business's form (see the draft's creation).
        ApplicantType::Person | ApplicantType::Both => person.to_vec(),
    };
    FormSchema { fields }
}

impl FormSchema {
    /// Inconsistencies a catalog editor must fix: repeated keys, choices without options, empty
    /// groups.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut keys = std::collections::BTreeSet::new();
        for field in &self.fields {
            if !keys.insert(field.key.as_str()) {
                problems.push(format!("字段 {} 重复", field.key));
            }
            match &field.kind {
                FieldKind::Select { options } | FieldKind::Checkboxes { options }
                    if options.is_empty() =>
                {
                    problems.push(format!("字段 {} 没有可选项", field.key));
                }
                FieldKind::Group { fields, min, max } => {
                    if fields.is_empty() {
                        problems.push(format!("字段 {} 的分组没有子字段", field.key));
                    }
                    if min > max {
                        problems.push(format!("字段 {} 的最少项数大于最多项数", field.key));
                    }
                    let inner = FormSchema {
                        fields: fields.clone(),
                    };
                    problems.extend(inner.problems());
                }
                _ => {}
            }
        }
        problems
    }

    /// One form for several items: fields in first-asked order, each key once. A field asked
    /// by several items is required if any of them requires it.
    pub fn merge<'a>(schemas: impl IntoIterator<Item = &'a FormSchema>) -> FormSchema {
        let mut merged: Vec<FieldSpec> = Vec::new();
        for schema in schemas {
            for field in &schema.fields {
                match merged.iter_mut().find(|known| known.key == field.key) {
                    Some(known) => known.required |= field.required,
                    None => merged.push(field.clone()),
                }
            }
        }
        FormSchema { fields: merged }
    }

    /// Every problem with `answers`, named by field key (`shareholders.2.id_number` inside groups).
    pub fn check(&self, answers: &Answers, today: Date) -> FieldErrors {
        let mut errors = FieldErrors::new();
        check_fields(&self.fields, answers, today, "", &mut errors);
        errors
    }
}

fn check_fields(
    fields: &[FieldSpec],
    answers: &Answers,
    today: Date,
    prefix: &str,
    errors: &mut FieldErrors,
) {
    for field in fields {
        let key = format!("{prefix}{}", field.key);
        match (answers.get(&field.key), &field.kind) {
            (Some(Answer::Entries(entries)), FieldKind::Group { fields, min, max }) => {
                let count = entries.len() as u32;
                if count < (*min).max(u32::from(field.required)) {
                    errors.add(
                        &key,
                        format!("请至少填写{}项{}", (*min).max(1), field.label),
                    );
                }
                if count > *max {
                    errors.add(&key, format!("{}最多填写{}项", field.label, max));
                }
                for (index, entry) in entries.iter().enumerate() {
                    check_fields(
                        fields,
                        entry,
                        today,
                        &format!("{key}.{}.", index + 1),
                        errors,
                    );
                }
            }
            (Some(Answer::Choices(choices)), FieldKind::Checkboxes { options }) => {
                if choices.is_empty() && field.required {
                    errors.add(&key, format!("请选择{}", field.label));
                }
                if choices.iter().any(|choice| !options.contains(choice)) {
                    errors.add(&key, format!("{}只能从给出的选项中选择", field.label));
                }
            }
            (Some(Answer::Text(text)), kind)
                if !matches!(kind, FieldKind::Group { .. } | FieldKind::Checkboxes { .. }) =>
            {
                let text = text.trim();
                if text.is_empty() {
                    if field.required {
                        errors.add(&key, missing_message(field));
                    }
                } else if let Err(message) = check_text(field, text, today) {
                    errors.add(&key, message);
                }
            }
            (None, _) => {
                if field.required {
                    errors.add(&key, missing_message(field));
                }
            }
            (Some(_), _) => errors.add(&key, format!("{}的填写方式不正确", field.label)),
        }
    }
}

fn missing_message(field: &FieldSpec) -> String {
    match field.kind {
        FieldKind::Select { .. } | FieldKind::Checkboxes { .. } => format!("请选择{}", field.label),
        _ => format!("请填写{}", field.label),
    }
}

fn check_text(field: &FieldSpec, text: &str, today: Date) -> Result<(), String> {
    let label = &field.label;
    match &field.kind {
        FieldKind::Text { max_len } => {
            if text.chars().count() > *max_len as usize {
                return Err(format!("{label}不能超过{max_len}个字"));
            }
            if text.chars().any(char::is_control) {
                return Err(format!("{label}含有不可见字符"));
            }
        }
        FieldKind::Address => {
            let count = text.chars().count();
            if !(5..=200).contains(&count) {
                return Err(format!("{label}应写到门牌号，5至200个字"));
            }
        }
        FieldKind::Number {
            min,
            max,
            unit,
            decimals,
        } => {
            let value = parse_number(text, *decimals).ok_or_else(|| match decimals {
                0 => format!("{label}请填写整数"),
                n => format!("{label}请填写数字，最多保留{n}位小数"),
            })?;
            if min.is_some_and(|min| value < min as f64) {
                return Err(format!("{label}不能小于{}{unit}", min.unwrap_or_default()));
            }
            if max.is_some_and(|max| value > max as f64) {
                return Err(format!("{label}不能大于{}{unit}", max.unwrap_or_default()));
            }
        }
        FieldKind::Date { not_after_today } => {
            let date = parse_date(text)
                .ok_or_else(|| format!("{label}请按“年-月-日”填写，如 2026-01-31"))?;
            if *not_after_today && date > today {
                return Err(format!("{label}不能晚于今天"));
            }
        }
        FieldKind::Select { options } => {
            if !options.iter().any(|option| option == text) {
                return Err(format!("{label}只能从给出的选项中选择"));
            }
        }
        FieldKind::Phone => {
            Phone::parse(text).map_err(str::to_owned)?;
        }
        FieldKind::IdNumber { min_age } => {
            let id = IdNumber::parse(text, today).map_err(|e| e.to_string())?;
            if let Some(min_age) = min_age
                && id.age_on(today) < *min_age
            {
                return Err(format!("{label}对应的人未满{min_age}周岁"));
            }
        }
        FieldKind::CreditCode => {
            CreditCode::parse(text).map_err(|e| e.to_string())?;
        }
        FieldKind::Checkboxes { .. } | FieldKind::Group { .. } => {}
    }
    Ok(())
}

/// `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<Date> {
    Date::parse(text.trim(), format_description!("[year]-[month]-[day]")).ok()
}

/// A number as people type it: digits, a minus sign, and at most `decimals` places after the
/// point (full-width digits and a trailing point are refused rather than guessed at).
pub fn parse_number(text: &str, decimals: u8) -> Option<f64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match digits.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (digits, None),
    };
    let all_digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    let fits = all_digits(whole)
        && fraction.is_none_or(|f| all_digits(f) && f.len() <= usize::from(decimals));
    if fits { text.parse().ok() } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 22);

    #[test]
    fn answers_arrive_in_their_json_types() {
        let answers: Answers = serde_json::from_str(
            r#"{"area": 120, "ratio": 12.5, "name": "张三", "scope": ["零售", "餐饮"],
                "shareholders": [{"name": "李四", "share": 60}]}"#,
        )
        .unwrap();
        assert_eq!(answers["area"], Answer::Text("120".into()));
        assert_eq!(answers["ratio"], Answer::Text("12.5".into()));
        assert_eq!(
            answers["scope"],
            Answer::Choices(vec!["零售".into(), "餐饮".into()])
        );
        let Answer::Entries(entries) = &answers["shareholders"] else {
            panic!("a group's answer is its entries");
        };
        assert_eq!(entries[0]["share"], Answer::Text("60".into()));
        assert!(serde_json::from_str::<Answers>(r#"{"area": true}"#).is_err());
        assert_eq!(serde_json::to_string(&answers["area"]).unwrap(), "\"120\"");
    }

    fn field(key: &str, label: &str, kind: FieldKind) -> FieldSpec {
        FieldSpec {
            key: key.into(),
            label: label.into(),
            hint: String::new(),
            required: true,
            kind,
            prefill: None,
        }
    }

    fn text(value: &str) -> Answer {
        Answer::Text(value.into())
    }

    fn company_form() -> FormSchema {
        FormSchema {
            fields: vec![
                field("company_name", "企业名称", FieldKind::Text { max_len: 50 }),
                field(
                    "capital",
                    "注册资本",
                    FieldKind::Number {
                        min: Some(1),
                        max: None,
                        unit: "万元".into(),
                        decimals: 0,
                    },
                ),
                field(
                    "form",
                    "企业类型",
                    FieldKind::Select {
                        options: vec!["有限责任公司".into(), "股份有限公司".into()],
                    },
                ),
                field(
                    "legal_rep_id",
                    "法定代表人身份证号码",
                    FieldKind::IdNumber { min_age: Some(18) },
                ),
                field(
                    "shareholders",
                    "股东",
                    FieldKind::Group {
                        fields: vec![
                            field("name", "股东姓名", FieldKind::Text { max_len: 50 }),
                            field(
                                "id_number",
                                "股东身份证号码",
                                FieldKind::IdNumber { min_age: None },
                            ),
                        ],
                        min: 1,
                        max: 50,
                    },
                ),
            ],
        }
    }

    #[test]
    fn every_problem_is_reported_at_once_with_its_key() {
        let answers = Answers::from([
            ("capital".to_string(), text("0")),
            ("form".to_string(), text("合伙企业")),
            // Born 2010: sixteen today.
            ("legal_rep_id".to_string(), text("110105201001010010")),
            (
                "shareholders".to_string(),
                Answer::Entries(vec![Answers::from([
                    ("name".to_string(), text("李四")),
                    ("id_number".to_string(), text("110105194912310021")),
                ])]),
            ),
        ]);
        let errors = company_form().check(&answers, TODAY);
        let fields: Vec<&str> = errors.iter().map(|(key, _)| key).collect();
        assert_eq!(
            fields,
            [
                "capital",
                "company_name",
                "form",
                "legal_rep_id",
                "shareholders.1.id_number"
            ]
        );
        assert_eq!(errors.get("company_name").unwrap()[0], "请填写企业名称");
        assert_eq!(errors.get("capital").unwrap()[0], "注册资本不能小于1万元");
        assert_eq!(
            errors.get("legal_rep_id").unwrap()[0],
            "法定代表人身份证号码对应的人未满18周岁"
        );
    }

    #[test]
    fn complete_answers_pass() {
        let answers = Answers::from([
            ("company_name".to_string(), text("示范市星火科技有限公司")),
            ("capital".to_string(), text("100")),
            ("form".to_string(), text("有限责任公司")),
            ("legal_rep_id".to_string(), text("11010519491231002X")),
            (
                "shareholders".to_string(),
                Answer::Entries(vec![Answers::from([
                    ("name".to_string(), text("张三")),
                    ("id_number".to_string(), text("11010519491231002x")),
                ])]),
            ),
        ]);
        assert!(company_form().check(&answers, TODAY).is_empty());
    }

    #[test]
    fn groups_and_choices_are_bounded() {
        let form = FormSchema {
            fields: vec![
                field(
                    "channels",
                    "经营方式",
                    FieldKind::Checkboxes {
                        options: vec!["网络经营".into(), "实体门店".into()],
                    },
                ),
                field(
                    "members",
                    "家庭成员",
                    FieldKind::Group {
                        fields: vec![field("name", "姓名", FieldKind::Text { max_len: 50 })],
                        min: 1,
                        max: 2,
                    },
                ),
                field(
                    "born",
                    "出生日期",
                    FieldKind::Date {
                        not_after_today: true,
                    },
                ),
            ],
        };
        let three = Answer::Entries(vec![Answers::from([("name".to_string(), text("甲"))]); 3]);
        let answers = Answers::from([
            (
                "channels".to_string(),
                Answer::Choices(vec!["上门推销".into()]),
            ),
            ("members".to_string(), three),
            ("born".to_string(), text("2027-01-01")),
        ]);
        let errors = form.check(&answers, TODAY);
        assert_eq!(
            errors.get("channels").unwrap()[0],
            "经营方式只能从给出的选项中选择"
        );
        assert_eq!(errors.get("members").unwrap()[0], "家庭成员最多填写2项");
        assert_eq!(errors.get("born").unwrap()[0], "出生日期不能晚于今天");
        let empty = form.check(&Answers::new(), TODAY);
        assert_eq!(empty.get("channels").unwrap()[0], "请选择经营方式");
        assert_eq!(empty.get("members").unwrap()[0], "请填写家庭成员");
    }

    #[test]
    fn a_package_asks_a_shared_question_once() {
        let mut optional_phone = field("phone", "联系电话", FieldKind::Phone);
        optional_phone.required = false;
        let first = FormSchema {
            fields: vec![
                field("name", "姓名", FieldKind::Text { max_len: 50 }),
                optional_phone,
            ],
        };
        let second = FormSchema {
            fields: vec![
                field("phone", "联系电话", FieldKind::Phone),
                field("address", "住址", FieldKind::Address),
            ],
        };
        let merged = FormSchema::merge([&first, &second]);
        let keys: Vec<&str> = merged.fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["name", "phone", "address"]);
        assert!(merged.fields[1].required, "required by the second item");
    }

    #[test]
    fn schemas_read_from_catalog_toml() {
        let schema: FormSchema = toml::from_str(
            r#"
            [[fields]]
            key = "applicant_phone"
            label = "联系电话"
            type = "phone"
            prefill = "applicant_phone"

            [[fields]]
            key = "scope"
            label = "经营方式"
            type = "checkboxes"
            options = ["网络经营", "实体门店"]
            required = false
            "#,
        )
        .expect("valid schema");
        assert_eq!(schema.fields[0].kind, FieldKind::Phone);
        assert_eq!(schema.fields[0].prefill, Some(Prefill::ApplicantPhone));
        assert!(!schema.fields[1].required);
    }

    #[test]
    fn numbers_take_the_decimals_their_field_allows() {
        assert_eq!(parse_number("120", 0), Some(120.0));
        assert_eq!(parse_number("-3", 0), Some(-3.0));
        assert_eq!(parse_number("86.5", 0), None);
        assert_eq!(parse_number("86.55", 2), Some(86.55));
        assert_eq!(parse_number("86.555", 2), None);
        for bad in ["", ".5", "5.", "1e3", "１２", "12万", "1,000"] {
            assert_eq!(parse_number(bad, 2), None, "{bad}");
        }
    }
}

//! Accounts and what people type to create and use them: registration of citizens and businesses,
//! the login identifier, staff roles and their scope, and the 一人一档 / 一企一档 profiles.
//!
//! Every input type has a `validate` that collects *all* problems as [`FieldErrors`] named by wire
//! field, so the API and the forms report everything at once, and the browser runs the same code.

use crate::catalog::Zone;
use crate::errors::FieldErrors;
use crate::identity::{CreditCode, IdNumber, PersonName, Phone};
use crate::instant::Instant;
use crate::password;
use serde::{Deserialize, Serialize};
use time::Date;

/// What a citizen types to register (also the first 经办人 of a business registration).
#[derive(Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CitizenSignup {
    /// 公民身份号码, 18 characters; lower-case x accepted.
    pub id_number: String,
    pub name: String,
    /// Mainland mobile number; also a login name.
    pub phone: String,
    pub password: String,
    /// The 网上激活码 a hall's window gave someone it served without an account: with it, the
    /// registration takes over that offline record and its cases.
    #[serde(default)]
    pub activation_code: String,
}

/// An activation code as people type it: case and separators (`-`, spaces) do not matter.
pub fn activation_code(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// A citizen registration that passed every rule.
pub struct ValidCitizenSignup {
    pub id_number: IdNumber,
    pub name: PersonName,
    pub phone: Phone,
    pub password: String,
    /// Upper-case, without separators; empty when none was given.
    pub activation_code: String,
}

impl CitizenSignup {
    /// Checks every field; `prefix` names nested fields (`agent.id_number`).
    pub fn validate(&self, today: Date, prefix: &str) -> Result<ValidCitizenSignup, FieldErrors> {
        let mut errors = FieldErrors::new();
        let field = |name: &str| format!("{prefix}{name}");
        let id_number = required(&self.id_number, "请填写公民身份号码")
            .and_then(|text| IdNumber::parse(text, today).map_err(|e| e.to_string()))
            .map_err(|message| errors.add(field("id_number"), message))
            .ok();
        let name = required(&self.name, "请填写姓名")
            .and_then(|text| PersonName::parse(text).map_err(str::to_owned))
            .map_err(|message| errors.add(field("name"), message))
            .ok();
        let phone = required(&self.phone, "请填写手机号码")
            .and_then(|text| Phone::parse(text).map_err(str::to_owned))
            .map_err(|message| errors.add(field("phone"), message))
            .ok();
        if let Err(message) = password::check_citizen(&self.password) {
            errors.add(field("password"), message);
        }
        match (id_number, name, phone) {
            (Some(id_number), Some(name), Some(phone)) if errors.is_empty() => {
                Ok(ValidCitizenSignup {
                    id_number,
                    name,
                    phone,
                    password: self.password.clone(),
                    activation_code: activation_code(&self.activation_code),
                })
            }
            _ => Err(errors),
        }
    }
}

/// What a business registration carries: the company alone. The signed-in citizen who sends it
/// becomes its first, administrating 经办人, so no password travels in it.
#[derive(Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BusinessSignup {
    /// 统一社会信用代码, 18 characters.
    pub credit_code: String,
    pub org_name: String,
    /// 法定代表人.
    pub legal_rep_name: String,
}

pub struct ValidBusinessSignup {
    pub credit_code: CreditCode,
    pub org_name: String,
    pub legal_rep_name: PersonName,
}

impl BusinessSignup {
    pub fn validate(&self) -> Result<ValidBusinessSignup, FieldErrors> {
        let mut errors = FieldErrors::new();
        let credit_code = required(&self.credit_code, "请填写统一社会信用代码")
            .and_then(|text| CreditCode::parse(text).map_err(|e| e.to_string()))
            .map_err(|message| errors.add("credit_code", message))
            .ok();
        let org_name = organisation_name(&self.org_name)
            .map_err(|message| errors.add("org_name", message))
            .ok();
        let legal_rep_name = required(&self.legal_rep_name, "请填写法定代表人姓名")
            .and_then(|text| PersonName::parse(text).map_err(str::to_owned))
            .map_err(|message| errors.add("legal_rep_name", message))
            .ok();
        match (credit_code, org_name, legal_rep_name) {
            (Some(credit_code), Some(org_name), Some(legal_rep_name)) => Ok(ValidBusinessSignup {
                credit_code,
                org_name,
                legal_rep_name,
            }),
            _ => Err(errors),
        }
    }
}

fn organisation_name(text: &str) -> Result<String, String> {
    let name = required(text, "请填写单位名称")?;
    let count = name.chars().count();
    if !(2..=100).contains(&count) {
        return Err("单位名称应为2至100个字".into());
    }
    if name.chars().any(char::is_control) {
        return Err("单位名称含有不可见字符".into());
    }
    Ok(name.to_owned())
}

fn required<'a>(text: &'a str, missing: &str) -> Result<&'a str, String> {
    let text = text.trim();
    if text.is_empty() {
        Err(missing.to_owned())
    } else {
        Ok(text)
    }
}

/// What a login's account field turned out to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoginName {
    IdNumber(IdNumber),
    CreditCode(CreditCode),
    Phone(Phone),
    /// Staff log in with a user name assigned by the platform office.
    StaffUsername(String),
}

impl LoginName {
    /// Recognises the account by its shape: 11 digits are a phone, 18 characters an ID number or
    /// (failing that) a credit code, anything else a staff user name.
    pub fn parse(text: &str, today: Date) -> Result<Self, &'static str> {
        let text = text.trim();
        if text.is_empty() {
            return Err("请填写账号");
        }
        if let Ok(phone) = Phone::parse(text) {
            return Ok(Self::Phone(phone));
        }
        if text.chars().count() == 18 {
            if let Ok(id) = IdNumber::parse(text, today) {
                return Ok(Self::IdNumber(id));
            }
            if let Ok(code) = CreditCode::parse(text) {
                return Ok(Self::CreditCode(code));
            }
            return Err("账号不是有效的公民身份号码或统一社会信用代码");
        }
        match staff_username(text) {
            Ok(name) => Ok(Self::StaffUsername(name)),
            Err(_) => Err("请填写公民身份号码、统一社会信用代码或手机号码"),
        }
    }
}

/// Staff user names: 3 to 32 lower-case letters, digits, `.`, `_` or `-`, starting with a letter.
pub fn staff_username(text: &str) -> Result<String, &'static str> {
    let name = text.trim().to_ascii_lowercase();
    let valid = (3..=32).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if valid {
        Ok(name)
    } else {
        Err("用户名应为3至32位小写字母、数字或 . _ -，以字母开头")
    }
}

/// A staff member's role (DESIGN.md §1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// 综合窗口人员: front desk of one hall zone.
    Clerk,
    /// 审批人员: one department.
    Approver,
    /// 出件人员: the unified issuing window of one hall zone.
    Issuer,
    /// 督查考核: everything, read-only.
    Supervisor,
    /// 管理员: catalog, halls, calendar, staff accounts.
    Admin,
}

impl StaffRole {
    pub const ALL: [StaffRole; 5] = [
        Self::Clerk,
        Self::Approver,
        Self::Issuer,
        Self::Supervisor,
        Self::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Clerk => "clerk",
            Self::Approver => "approver",
            Self::Issuer => "issuer",
            Self::Supervisor => "supervisor",
            Self::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Clerk => "综合窗口人员",
            Self::Approver => "审批人员",
            Self::Issuer => "出件人员",
            Self::Supervisor => "督查考核人员",
            Self::Admin => "管理员",
        }
    }
}

/// Where a staff member works; it bounds what they see.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StaffScope {
    /// One zone of one hall (clerks, issuers).
    Zone { hall_id: String, zone: Zone },
    /// One department (approvers), by its code.
    Department { department: String },
    /// The whole platform (supervisors, admins).
    Platform,
}

impl StaffScope {
    /// The scope a role requires, from the optional hall, zone and department the operator gave.
    pub fn for_role(
        role: StaffRole,
        hall_id: Option<&str>,
        zone: Option<&str>,
        department: Option<&str>,
    ) -> Result<Self, FieldErrors> {
        match role {
            StaffRole::Clerk | StaffRole::Issuer => {
                let mut errors = FieldErrors::new();
                let hall = present(hall_id);
                if hall.is_none() {
                    errors.add("hall_id", "窗口和出件人员须指定所在大厅");
                }
                let zone = match present(zone) {
                    None => {
                        errors.add("zone", "窗口和出件人员须指定所在分区");
                        None
                    }
                    Some(text) => Zone::parse(text).or_else(|| {
                        errors.add("zone", "分区不存在");
                        None
                    }),
                };
                match (hall, zone) {
                    (Some(hall), Some(zone)) => Ok(Self::Zone {
                        hall_id: hall.to_owned(),
                        zone,
                    }),
                    _ => Err(errors),
                }
            }
            StaffRole::Approver => present(department)
                .map(|department| Self::Department {
                    department: department.to_owned(),
                })
                .ok_or_else(|| FieldErrors::single("department", "审批人员须指定所属部门")),
            StaffRole::Supervisor | StaffRole::Admin => Ok(Self::Platform),
        }
    }

    pub fn hall_id(&self) -> Option<&str> {
        match self {
            Self::Zone { hall_id, .. } => Some(hall_id),
            _ => None,
        }
    }

    pub fn zone(&self) -> Option<Zone> {
        match self {
            Self::Zone { zone, .. } => Some(*zone),
            _ => None,
        }
    }

    pub fn department(&self) -> Option<&str> {
        match self {
            Self::Department { department } => Some(department),
            _ => None,
        }
    }
}

/// 一人一档: what a citizen enters once for every later form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CitizenProfile {
    /// 常住地址 / 通讯地址.
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub postal_code: String,
    #[serde(default)]
    pub email: String,
}

impl CitizenProfile {
    /// Trims every field and checks the ones with a shape; empty means "not given".
    pub fn validate(&self) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let profile = Self {
            address: self.address.trim().to_owned(),
            postal_code: self.postal_code.trim().to_owned(),
            email: self.email.trim().to_owned(),
        };
        check_free_text(&mut errors, "address", &profile.address, 200, "地址");
        let postal_code_ok = profile.postal_code.is_empty()
            || (profile.postal_code.len() == 6
                && profile.postal_code.bytes().all(|b| b.is_ascii_digit()));
        if !postal_code_ok {
            errors.add("postal_code", "邮政编码应为6位数字");
        }
        if !profile.email.is_empty() && !looks_like_email(&profile.email) {
            errors.add("email", "电子邮箱格式不正确");
        }
        if errors.is_empty() {
            Ok(profile)
        } else {
            Err(errors)
        }
    }
}

/// 一企一档: what a company enters once.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BusinessProfile {
    /// 注册地址 (住所).
    #[serde(default)]
    pub registered_address: String,
    /// 注册资本 in fen; `null` when not given.
    #[serde(default)]
    pub registered_capital_fen: Option<i64>,
    /// 经营范围.
    #[serde(default)]
    pub business_scope: String,
    /// 联系电话 of the company.
    #[serde(default)]
    pub contact_phone: String,
}

impl BusinessProfile {
    pub fn validate(&self) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let profile = Self {
            registered_address: self.registered_address.trim().to_owned(),
            registered_capital_fen: self.registered_capital_fen,
            business_scope: self.business_scope.trim().to_owned(),
            contact_phone: self.contact_phone.trim().to_owned(),
        };
        check_free_text(
            &mut errors,
            "registered_address",
            &profile.registered_address,
            200,
            "注册地址",
        );
        check_free_text(
            &mut errors,
            "business_scope",
            &profile.business_scope,
            2000,
            "经营范围",
        );
        if profile.registered_capital_fen.is_some_and(|fen| fen < 0) {
            errors.add("registered_capital_fen", "注册资本不能为负数");
        }
        let phone_ok = profile.contact_phone.is_empty()
            || (profile.contact_phone.len() <= 20
                && profile
                    .contact_phone
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '-' || c == ' '));
        if !phone_ok {
            errors.add("contact_phone", "联系电话只能包含数字和“-”，最长20位");
        }
        if errors.is_empty() {
            Ok(profile)
        } else {
            Err(errors)
        }
    }
}

/// A given, non-blank option, trimmed.
fn present(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

fn check_free_text(errors: &mut FieldErrors, field: &str, text: &str, max: usize, label: &str) {
    if text.chars().count() > max {
        errors.add(field, format!("{label}不能超过{max}个字"));
    }
    if text.chars().any(char::is_control) {
        errors.add(field, format!("{label}含有不可见字符"));
    }
}

fn looks_like_email(text: &str) -> bool {
    let Some((local, host)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && text.len() <= 254
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The caller as the API and the pages show them: personal numbers masked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PrincipalView {
    Citizen {
        /// The person's own name, for their own header and profile only.
        name: String,
        /// Masked: `张*`.
        name_masked: String,
        /// The business the citizen currently acts for as 经办人.
        acting_for: Option<ActingForView>,
    },
    Staff {
        username: String,
        /// The staff member's own name, for their own header only.
        name: String,
        name_masked: String,
        role: StaffRole,
        role_label: String,
        scope: StaffScope,
        /// False until the authenticator is enrolled; staff pages stay closed until then.
        totp_done: bool,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActingForView {
    pub business_id: String,
    pub org_name: String,
    pub is_admin: bool,
}

/// 一人一档 as its owner sees it (`GET /api/v1/me`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CitizenAccount {
    /// The owner's own name, in full.
    pub name: String,
    /// `110105********002X`; the full number only through the audited reveal.
    pub id_number_masked: String,
    pub phone_masked: String,
    pub profile: CitizenProfile,
    /// Businesses this citizen acts for as 经办人.
    pub businesses: Vec<AgencyView>,
    pub acting_for: Option<ActingForView>,
    pub registered_at: Instant,
}

/// One business a citizen may act for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyView {
    pub business_id: String,
    pub credit_code: String,
    pub org_name: String,
    pub is_admin: bool,
}

/// 一企一档 as its 经办人 see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BusinessAccount {
    pub business_id: String,
    pub credit_code: String,
    pub org_name: String,
    pub legal_rep_name_masked: String,
    pub profile: BusinessProfile,
    pub agents: Vec<AgentView>,
}

/// A 经办人 of a business, masked for the other agents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentView {
    pub citizen_id: String,
    pub name_masked: String,
    pub phone_masked: String,
    pub is_admin: bool,
    pub granted_at: Instant,
}

/// One line of 谁查看了我的信息 or of the login history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessLogEntry {
    pub at: Instant,
    /// Masked staff name, or 本人.
    pub who: String,
    /// Department or hall of the staff member; empty for the person themselves.
    pub unit: String,
    /// What was done: 查看个人信息, 登录成功, …
    pub action: String,
    /// Why: the purpose the staff member declared.
    pub purpose: String,
}

/// One current login on the security page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionView {
    pub id: String,
    /// 网页 or 小程序/接口.
    pub channel: String,
    pub device: String,
    pub created_at: Instant,
    pub last_seen_at: Instant,
    pub current: bool,
}

/// A staff account as administrators list it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffView {
    pub id: String,
    pub username: String,
    pub name_masked: String,
    pub role: StaffRole,
    pub role_label: String,
    pub scope: StaffScope,
    pub totp_enrolled: bool,
    pub active: bool,
}

/// A citizen's record as a window clerk sees it after stating why (audited).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CitizenRecord {
    pub citizen_id: String,
    pub name: String,
    pub id_number_masked: String,
    /// The login phone, or for an offline record the contact phone left at the window.
    pub phone_masked: String,
    pub address: String,
    /// A person recorded at a window without an account (线下登记): no login until they register
    /// with the same ID number, name and phone.
    pub offline: bool,
}

/// What an administrator fills in to create a staff account.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewStaff {
    pub username: String,
    pub name: String,
    /// `clerk`, `approver`, `issuer`, `supervisor` or `admin`.
    pub role: String,
    #[serde(default)]
    pub hall_id: Option<String>,
    #[serde(default)]
    pub zone: Option<String>,
    #[serde(default)]
    pub department: Option<String>,
    /// The initial password; the staff member enrols the authenticator at first login.
    pub password: String,
}

pub struct ValidNewStaff {
    pub username: String,
    pub name: PersonName,
    pub role: StaffRole,
    pub scope: StaffScope,
    pub password: String,
}

impl NewStaff {
    pub fn validate(&self) -> Result<ValidNewStaff, FieldErrors> {
        let mut errors = FieldErrors::new();
        let username = staff_username(&self.username)
            .map_err(|m| errors.add("username", m))
            .ok();
        let name = PersonName::parse(&self.name)
            .map_err(|m| errors.add("name", m))
            .ok();
        let role = StaffRole::parse(self.role.trim());
        if role.is_none() {
            errors.add("role", "请选择岗位角色");
        }
        let scope = role.and_then(|role| {
            StaffScope::for_role(
                role,
                self.hall_id.as_deref(),
                self.zone.as_deref(),
                self.department.as_deref(),
            )
            .map_err(|scope_errors| errors.merge(scope_errors))
            .ok()
        });
        if let Err(message) = password::check_staff(&self.password) {
            errors.add("password", message);
        }
        match (username, name, role, scope) {
            (Some(username), Some(name), Some(role), Some(scope)) if errors.is_empty() => {
                Ok(ValidNewStaff {
                    username,
                    name,
                    role,
                    scope,
                    password: self.password.clone(),
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 22);

    fn citizen() -> CitizenSignup {
        CitizenSignup {
            id_number: "11010519491231002x".into(),
            name: "张三".into(),
            phone: "13800138000".into(),
            password: "mountain42".into(),
            activation_code: " abcd-2345 ".into(),
        }
    }

    #[test]
    fn a_valid_citizen_signup_normalises_the_id_number_and_the_activation_code() {
        let Ok(valid) = citizen().validate(TODAY, "") else {
            panic!("a valid signup was refused");
        };
        assert_eq!(valid.id_number.expose(), "11010519491231002X");
        assert_eq!(valid.phone.expose(), "13800138000");
        assert_eq!(valid.activation_code, "ABCD2345");
    }

    #[test]
    fn every_problem_is_reported_at_once_under_its_field() {
        let signup = CitizenSignup {
            id_number: "110105194912310021".into(),
            name: String::new(),
            phone: "12345".into(),
            password: "short".into(),
            ..CitizenSignup::default()
        };
        let errors = signup.validate(TODAY, "").err().expect("invalid");
        let fields: Vec<&str> = errors.iter().map(|(field, _)| field).collect();
        assert_eq!(fields, ["id_number", "name", "password", "phone"]);
        assert_eq!(
            errors.get("id_number"),
            Some(&["校验位错误，请核对号码是否输入正确".to_string()][..])
        );
    }

    #[test]
    fn business_signup_names_every_wrong_field() {
        let signup = BusinessSignup {
            credit_code: "91350100M000100Y44".into(),
            org_name: "某".into(),
            legal_rep_name: String::new(),
        };
        let errors = signup.validate().err().expect("invalid");
        let fields: Vec<&str> = errors.iter().map(|(field, _)| field).collect();
        assert_eq!(fields, ["credit_code", "legal_rep_name", "org_name"]);
        let valid = BusinessSignup {
            credit_code: "91350100M000100Y43".into(),
            org_name: "某某科技有限公司".into(),
            legal_rep_name: "李四".into(),
        };
        assert!(valid.validate().is_ok());
    }

    #[test]
    fn login_names_are_recognised_by_shape() {
        assert!(matches!(
            LoginName::parse("13800138000", TODAY),
            Ok(LoginName::Phone(_))
        ));
        assert!(matches!(
            LoginName::parse("11010519491231002x", TODAY),
            Ok(LoginName::IdNumber(_))
        ));
        assert!(matches!(
            LoginName::parse("91350100M000100Y43", TODAY),
            Ok(LoginName::CreditCode(_))
        ));
        assert_eq!(
            LoginName::parse("Clerk01", TODAY),
            Ok(LoginName::StaffUsername("clerk01".into()))
        );
        assert!(LoginName::parse("110105194912310021", TODAY).is_err());
        assert!(LoginName::parse("  ", TODAY).is_err());
    }

    #[test]
    fn scopes_follow_the_role() {
        assert_eq!(
            StaffScope::for_role(StaffRole::Clerk, Some("city"), Some("social"), None),
            Ok(StaffScope::Zone {
                hall_id: "city".into(),
                zone: Zone::Social
            })
        );
        let errors = StaffScope::for_role(StaffRole::Clerk, None, Some("moon"), None)
            .expect_err("no hall, bad zone");
        assert!(errors.get("hall_id").is_some() && errors.get("zone").is_some());
        assert!(StaffScope::for_role(StaffRole::Approver, None, None, Some(" ")).is_err());
        assert_eq!(
            StaffScope::for_role(StaffRole::Admin, None, None, None),
            Ok(StaffScope::Platform)
        );
    }

    #[test]
    fn profiles_are_trimmed_and_checked() {
        let profile = CitizenProfile {
            address: "  福州市鼓楼区某路1号 ".into(),
            postal_code: "35000".into(),
            email: "a@b".into(),
        };
        let errors = profile.validate().expect_err("invalid");
        assert!(errors.get("postal_code").is_some() && errors.get("email").is_some());
        let business = BusinessProfile {
            registered_capital_fen: Some(-1),
            contact_phone: "0591-1234abc".into(),
            ..Default::default()
        };
        let errors = business.validate().expect_err("invalid");
        assert!(errors.get("registered_capital_fen").is_some());
        assert!(errors.get("contact_phone").is_some());
    }
}

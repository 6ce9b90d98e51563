//! The catalog (事项清单) and the guide of one item (办事指南, "一单清"), DESIGN §2.
//!
//! A guide is one versioned document: a case keeps the version it was filed under, so the guide
//! is stored whole per version and never edited in place. These types are what the seed files
//! declare, what the database stores, what `/api/v1/items/{code}` returns and what the guide page
//! renders — one shape everywhere.

use serde::{Deserialize, Serialize};

pub use crate::applicant::ApplicantType;

/// 即办件 (done on the spot) or 承诺件 (done within a promised number of working days).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Immediate,
    Promised,
}

impl ItemKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Immediate => "即办件",
            Self::Promised => "承诺件",
        }
    }
}

/// The hall zone that receives the item (分区综合受理).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Zone {
    /// 经济类
    Economic,
    /// 建设类
    Construction,
    /// 社会类
    Social,
    /// 不动产
    RealEstate,
}

impl Zone {
    pub const ALL: [Zone; 4] = [
        Zone::Economic,
        Zone::Construction,
        Zone::Social,
        Zone::RealEstate,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Economic => "经济类",
            Self::Construction => "建设类",
            Self::Social => "社会类",
            Self::RealEstate => "不动产",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Economic => "economic",
            Self::Construction => "construction",
            Self::Social => "social",
            Self::RealEstate => "real_estate",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|zone| zone.as_str() == text)
    }
}

/// Service-mode tags of the 马上办、网上办、就近办、一次办 lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ServiceTag {
    /// 马上办
    Immediate,
    /// 网上办
    Online,
    /// 就近办
    Nearby,
    /// 一次办
    OneVisit,
    /// 全城通办
    CityWide,
    /// 不见面
    Contactless,
    /// 自助办
    SelfService,
}

impl ServiceTag {
    pub const ALL: [ServiceTag; 7] = [
        ServiceTag::Immediate,
        ServiceTag::Online,
        ServiceTag::Nearby,
        ServiceTag::OneVisit,
        ServiceTag::CityWide,
        ServiceTag::Contactless,
        ServiceTag::SelfService,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Immediate => "马上办",
            Self::Online => "网上办",
            Self::Nearby => "就近办",
            Self::OneVisit => "一次办",
            Self::CityWide => "全城通办",
            Self::Contactless => "不见面",
            Self::SelfService => "自助办",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Immediate => "immediate",
            Self::Online => "online",
            Self::Nearby => "nearby",
            Self::OneVisit => "one_visit",
            Self::CityWide => "city_wide",
            Self::Contactless => "contactless",
            Self::SelfService => "self_service",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|tag| tag.as_str() == text)
    }
}

/// 设定依据: a law or regulation, with the article and its text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LegalBasis {
    /// e.g. 《中华人民共和国市场主体登记管理条例》
    pub title: String,
    /// e.g. 第十六条
    pub article: String,
    pub text: String,
}

/// One step of the process, and whether its days count against the time limit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProcessStep {
    pub name: String,
    /// Working days the step may take.
    pub days: u32,
    /// False for steps outside the limit (现场勘验、专家评审、公示…).
    pub counted: bool,
    #[serde(default)]
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Fee {
    pub name: String,
    /// In fen.
    pub amount_fen: i64,
    /// The charging basis (收费依据).
    pub basis: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Faq {
    pub question: String,
    pub answer: String,
}

/// 原件 / 复印件 / 电子.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MaterialForm {
    Original,
    Copy,
    Electronic,
}

impl MaterialForm {
    pub fn label(self) -> &'static str {
        match self {
            Self::Original => "原件",
            Self::Copy => "复印件",
            Self::Electronic => "电子材料",
        }
    }
}

/// 申请人自备 / 政府部门核发.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MaterialSource {
    Applicant,
    Government,
}

impl MaterialSource {
    pub fn label(self) -> &'static str {
        match self {
            Self::Applicant => "申请人自备",
            Self::Government => "政府部门核发",
        }
    }
}

/// File types accepted for upload, recognised by content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FileType {
    Pdf,
    Jpeg,
    Png,
    Ofd,
}

impl FileType {
    pub const ALL: [Self; 4] = [Self::Pdf, Self::Jpeg, Self::Png, Self::Ofd];

    /// The wire and storage name: `pdf`, `jpeg`, `png`, `ofd`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Jpeg => "jpeg",
            Self::Png => "png",
            Self::Ofd => "ofd",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pdf => "PDF",
            Self::Jpeg => "JPG",
            Self::Png => "PNG",
            Self::Ofd => "OFD",
        }
    }

    /// The media type a stored file of this kind is served as.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Ofd => "application/ofd",
        }
    }
}

/// Whether the software checks a review point or the clerk ticks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReviewCheck {
    Automatic,
    Manual,
}

/// 形式审查要点: one precise, checkable statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewPoint {
    pub text: String,
    pub check: ReviewCheck,
}

/// One material of an item, with its flags.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Material {
    /// Stable within the item (`id_card`, `lease`); forms and cases refer to it.
    pub code: String,
    pub name: String,
    pub form: MaterialForm,
    #[serde(default = "one")]
    pub copies: u32,
    pub required: bool,
    pub source: MaterialSource,
    pub file_types: Vec<FileType>,
    pub max_size_mb: u32,
    /// Path of the blank template, if there is one.
    #[serde(default)]
    pub template: Option<String>,
    /// Path of the filled sample (填写范本).
    #[serde(default)]
    pub sample: Option<String>,
    /// 免提交: the e-licence type that satisfies this material automatically.
    #[serde(default)]
    pub shared_licence: Option<String>,
    /// 容缺: may be brought later, by a date the applicant commits to.
    #[serde(default)]
    pub deferrable: bool,
    /// 告知承诺: the commitment text that may replace the material.
    #[serde(default)]
    pub commitment: Option<String>,
    #[serde(default)]
    pub review_points: Vec<ReviewPoint>,
    #[serde(default)]
    pub note: String,
}

fn one() -> u32 {
    1
}

/// The complete guide of one item, one version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemGuide {
    /// 实施编码 (implementing body's credit code + 13 digits): the item's key.
    pub code: String,
    /// 基本编码
    pub basic_code: String,
    /// 业务办理项编码
    pub business_code: String,
    pub name: String,
    /// Other words people use for it (search).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Department code.
    pub department: String,
    pub zone: Zone,
    pub applicant_type: ApplicantType,
    pub kind: ItemKind,
    pub version: u32,
    pub legal_basis: Vec<LegalBasis>,
    pub conditions: Vec<String>,
    pub materials: Vec<Material>,
    pub steps: Vec<ProcessStep>,
    /// 法定时限, working days.
    pub legal_days: u32,
    /// 承诺时限, working days (0 for 即办件).
    pub promised_days: u32,
    /// Empty: 不收费.
    #[serde(default)]
    pub fees: Vec<Fee>,
    /// 到现场次数: 0 or 1.
    pub visits: u32,
    pub tags: Vec<ServiceTag>,
    /// Life-event topics (出生、开办企业…).
    #[serde(default)]
    pub topics: Vec<String>,
    /// Hall id where it is received.
    pub hall: String,
    /// Windows, e.g. "综合受理窗口 A01—A08".
    pub windows: String,
    pub consult_phone: String,
    pub complaint_phone: String,
    #[serde(default)]
    pub faq: Vec<Faq>,
    /// The item's own questions (一表申请); the applicant's identity and contact come first from
    /// [`crate::form::applicant_form`] and need not be listed here.
    #[serde(default)]
    pub form: crate::form::FormSchema,
}

impl ItemGuide {
    /// The whole application form: who applies (by applicant type), then the item's questions.
    pub fn application_form(&self) -> crate::form::FormSchema {
        crate::form::FormSchema::merge([
            &crate::form::applicant_form(self.applicant_type),
            &self.form,
        ])
    }

    /// Every place a guide can contradict itself, in plain Chinese; empty when consistent.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.promised_days > self.legal_days {
            problems.push(format!("{}：承诺时限超过法定时限", self.name));
        }
        if self.kind == ItemKind::Immediate && self.promised_days != 0 {
            problems.push(format!("{}：即办件的承诺时限应为 0", self.name));
        }
        if self.visits > 1 {
            problems.push(format!("{}：到现场次数应为 0 或 1", self.name));
        }
        if self.legal_basis.is_empty() {
            problems.push(format!("{}：缺少设定依据", self.name));
        }
        let mut codes = std::collections::BTreeSet::new();
        for material in &self.materials {
            if !codes.insert(material.code.as_str()) {
                problems.push(format!("{}：材料编码 {} 重复", self.name, material.code));
            }
            if material.file_types.is_empty() {
                problems.push(format!("{}：{} 未列明文件类型", self.name, material.name));
            }
        }
        problems.extend(
            self.form
                .problems()
                .into_iter()
                .map(|problem| format!("{}：申请表{problem}", self.name)),
        );
        let counted: u32 = self
            .steps
            .iter()
            .filter(|s| s.counted)
            .map(|s| s.days)
            .sum();
        if counted > self.legal_days {
            problems.push(format!("{}：计入时限的环节天数超过法定时限", self.name));
        }
        problems
    }
}

/// A line of the catalog: what a list or a search result shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemSummary {
    pub code: String,
    pub name: String,
    pub department: String,
    pub department_name: String,
    pub zone: Zone,
    pub applicant_type: ApplicantType,
    pub kind: ItemKind,
    pub promised_days: u32,
    pub visits: u32,
    pub tags: Vec<ServiceTag>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Department {
    /// Short code used in links and filters (`scjg`).
    pub code: String,
    pub name: String,
    /// 统一社会信用代码 of the implementing body; the first 18 characters of its items' 实施编码.
    pub credit_code: String,
    /// Consultation phone.
    pub phone: String,
}

/// Opening hours of a hall (DESIGN §6): weekday periods, 午间延时 and weekend "5+X" periods are
/// all ordinary, bookable capacity. Each period says which zones it serves and, where fewer than
/// all, how many windows of each stay open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HallHours {
    /// Monday to Friday and 调休 working days, e.g. ["09:00-12:00", "13:30-17:30"].
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub weekdays: Vec<Period>,
    /// 午间延时服务 on working days; none when the hall closes at noon.
    #[serde(default)]
    pub noon_extension: Option<ServicePeriod>,
    /// Weekend "5+X" periods; empty when closed at weekends. A weekend day inside a public
    /// holiday is closed whatever this says.
    #[serde(default)]
    pub weekend: Vec<WeekendPeriod>,
}

/// A span of the day, `HH:MM-HH:MM` on the wire and in the hall files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Period {
    pub from: time::Time,
    pub to: time::Time,
}

impl Period {
    /// Reads `09:00-12:00`; the end must come after the start.
    pub fn parse(text: &str) -> Option<Self> {
        let (from, to) = text.trim().split_once('-')?;
        let clock = |t: &str| {
            let (h, m) = t.trim().split_once(':')?;
            time::Time::from_hms(h.parse().ok()?, m.parse().ok()?, 0).ok()
        };
        let (from, to) = (clock(from)?, clock(to)?);
        (from < to).then_some(Self { from, to })
    }

    /// Whole minutes from midnight to the start and to the end.
    pub fn minutes(&self) -> (u32, u32) {
        let of = |t: time::Time| u32::from(t.hour()) * 60 + u32::from(t.minute());
        (of(self.from), of(self.to))
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.from.hour(),
            self.from.minute(),
            self.to.hour(),
            self.to.minute()
        )
    }
}

impl TryFrom<String> for Period {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text).ok_or_else(|| format!("时段 {text:?} 应写作 09:00-12:00"))
    }
}

impl From<Period> for String {
    fn from(period: Period) -> Self {
        period.to_string()
    }
}

/// A period served by some zones only, or by fewer windows than on a working day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "ServicePeriodInput")]
pub struct ServicePeriod {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "12:00-13:30"))]
    pub period: Period,
    /// The zones served; empty means every zone of the hall.
    #[serde(default)]
    pub zones: Vec<Zone>,
    /// Windows open in each served zone; none means all of the zone's windows.
    #[serde(default)]
    pub windows: Option<u32>,
}

impl ServicePeriod {
    /// Whether `zone` is served in this period.
    pub fn serves(&self, zone: Zone) -> bool {
        self.zones.is_empty() || self.zones.contains(&zone)
    }
}

/// A hall file writes a period served by every zone as just its span (`"12:00-13:30"`, as hall
/// documents stored before structured periods did), or as a table with zones and windows.
#[derive(Deserialize)]
#[serde(untagged)]
enum ServicePeriodInput {
    Span(Period),
    Table {
        period: Period,
        #[serde(default)]
        zones: Vec<Zone>,
        #[serde(default)]
        windows: Option<u32>,
    },
}

impl TryFrom<ServicePeriodInput> for ServicePeriod {
    type Error = String;

    fn try_from(input: ServicePeriodInput) -> Result<Self, String> {
        Ok(match input {
            ServicePeriodInput::Span(period) => Self {
                period,
                zones: Vec::new(),
                windows: None,
            },
            ServicePeriodInput::Table {
                period,
                zones,
                windows,
            } => Self {
                period,
                zones,
                windows,
            },
        })
    }
}

/// Saturday or Sunday.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WeekendDay {
    Saturday,
    Sunday,
}

impl WeekendDay {
    pub fn label(self) -> &'static str {
        match self {
            Self::Saturday => "周六",
            Self::Sunday => "周日",
        }
    }

    pub fn weekday(self) -> time::Weekday {
        match self {
            Self::Saturday => time::Weekday::Saturday,
            Self::Sunday => time::Weekday::Sunday,
        }
    }
}

/// One weekend "5+X" period (延时服务).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "WeekendInput")]
pub struct WeekendPeriod {
    pub day: WeekendDay,
    #[serde(flatten)]
    pub service: ServicePeriod,
    /// What people read beside it, e.g. "5+X 延时服务".
    #[serde(default)]
    pub note: String,
}

/// Hall documents stored before structured periods wrote a weekend period as one line of text
/// (`周六 09:00-12:00（5+X 延时服务）`); such a line still reads, as a period for every zone.
#[derive(Deserialize)]
#[serde(untagged)]
enum WeekendInput {
    Line(String),
    Table {
        day: WeekendDay,
        #[serde(flatten)]
        service: ServicePeriod,
        #[serde(default)]
        note: String,
    },
}

impl TryFrom<WeekendInput> for WeekendPeriod {
    type Error = String;

    fn try_from(input: WeekendInput) -> Result<Self, String> {
        match input {
            WeekendInput::Table { day, service, note } => Ok(Self { day, service, note }),
            WeekendInput::Line(line) => {
                let unreadable = || format!("周末时段 {line:?} 应写作“周六 09:00-12:00”");
                let (day, rest) = line.trim().split_once(' ').ok_or_else(unreadable)?;
                let day = match day {
                    "周六" => WeekendDay::Saturday,
                    "周日" => WeekendDay::Sunday,
                    _ => return Err(unreadable()),
                };
                let (span, note) = match rest.split_once('（') {
                    Some((span, note)) => (span, note.trim_end_matches('）')),
                    None => (rest, ""),
                };
                let period = Period::parse(span).ok_or_else(unreadable)?;
                Ok(Self {
                    day,
                    service: ServicePeriod {
                        period,
                        zones: Vec::new(),
                        windows: None,
                    },
                    note: note.to_owned(),
                })
            }
        }
    }
}

impl HallHours {
    /// For people: `周六 09:00-12:00（不动产、社会类；5+X 延时服务）`, one line per period.
    pub fn weekend_lines(&self) -> Vec<String> {
        self.weekend
            .iter()
            .map(|w| {
                let mut notes: Vec<String> = Vec::new();
                if !w.service.zones.is_empty() {
                    notes.push(
                        w.service
                            .zones
                            .iter()
                            .map(|z| z.label())
                            .collect::<Vec<_>>()
                            .join("、"),
                    );
                }
                if !w.note.is_empty() {
                    notes.push(w.note.clone());
                }
                let notes = if notes.is_empty() {
                    String::new()
                } else {
                    format!("（{}）", notes.join("；"))
                };
                format!("{} {}{notes}", w.day.label(), w.service.period)
            })
            .collect()
    }

    /// 午间延时 for people: `12:00-13:30（每个分区开放 2 个窗口）`, or 不提供.
    pub fn noon_line(&self) -> String {
        match &self.noon_extension {
            None => "不提供".into(),
            Some(noon) => match noon.windows {
                Some(windows) => format!("{}（每个分区开放 {windows} 个窗口）", noon.period),
                None => noon.period.to_string(),
            },
        }
    }

    /// The weekend for people: each "5+X" period, or 不对外办公.
    pub fn weekend_line(&self) -> String {
        if self.weekend.is_empty() {
            "不对外办公".into()
        } else {
            self.weekend_lines().join("；")
        }
    }

    /// The weekday periods for people: `09:00-12:00，13:30-17:30`.
    pub fn weekday_line(&self) -> String {
        self.weekdays
            .iter()
            .map(Period::to_string)
            .collect::<Vec<_>>()
            .join("，")
    }
}

/// A zone of a hall with its number of comprehensive windows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HallZone {
    pub zone: Zone,
    pub windows: u32,
    /// Average minutes a window spends on one visitor in this zone *(setting)*.
    #[serde(default = "default_service_minutes")]
    pub service_minutes: u32,
}

fn default_service_minutes() -> u32 {
    15
}

/// How a hall's capacity is offered for booking *(settings per hall)*.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct HallBooking {
    /// Length of one bookable slot, minutes.
    pub slot_minutes: u32,
    /// Share of the capacity bookable online, in percent; the rest is kept for walk-ins.
    pub online_percent: u32,
}

impl Default for HallBooking {
    fn default() -> Self {
        Self {
            slot_minutes: 30,
            online_percent: 50,
        }
    }
}

/// 市 / 区 / 镇街便民服务中心.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HallLevel {
    City,
    District,
    Town,
}

impl HallLevel {
    /// The wire and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::City => "city",
            Self::District => "district",
            Self::Town => "town",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::City => "市级",
            Self::District => "区级",
            Self::Town => "镇街",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Hall {
    pub id: String,
    pub name: String,
    pub level: HallLevel,
    pub address: String,
    pub phone: String,
    pub hours: HallHours,
    pub zones: Vec<HallZone>,
    /// How to get there.
    #[serde(default)]
    pub transit: String,
    #[serde(default)]
    pub booking: HallBooking,
}

impl Hall {
    /// The hall's zone `zone`, if it has one.
    pub fn zone(&self, zone: Zone) -> Option<&HallZone> {
        self.zones.iter().find(|z| z.zone == zone)
    }
}

/// 一件事: items grouped around a life event, with one lead department.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Package {
    pub id: String,
    pub name: String,
    pub topic: String,
    pub applicant_type: ApplicantType,
    pub lead_department: String,
    pub description: String,
    /// 承诺时限 for the whole package, working days.
    pub promised_days: u32,
    pub members: Vec<PackageMember>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PackageMember {
    pub item_code: String,
    /// A stage of a staged package (工程建设: 立项、用地规划、施工许可、竣工验收).
    #[serde(default)]
    pub stage: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applicant_types_match_both() {
        assert!(ApplicantType::Both.serves(ApplicantType::Person));
        assert!(ApplicantType::Person.serves(ApplicantType::Person));
        assert!(!ApplicantType::Person.serves(ApplicantType::Business));
        assert!(ApplicantType::Business.serves(ApplicantType::Both));
    }

    #[test]
    fn wire_names_round_trip() {
        for zone in Zone::ALL {
            assert_eq!(Zone::parse(zone.as_str()), Some(zone));
        }
        for tag in ServiceTag::ALL {
            assert_eq!(ServiceTag::parse(tag.as_str()), Some(tag));
            assert_eq!(
                serde_json::to_value(tag).unwrap(),
                serde_json::Value::from(tag.as_str())
            );
        }
        assert_eq!(
            ApplicantType::parse("business"),
            Some(ApplicantType::Business)
        );
        assert_eq!(ApplicantType::parse("法人"), None);
    }
}

/// Which items a catalog list shows; every criterion is optional.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ItemFilter {
    /// Search words (搜索即服务); results are then ranked by relevance.
    pub query: Option<String>,
    pub applicant_type: Option<ApplicantType>,
    pub department: Option<String>,
    pub zone: Option<Zone>,
    pub tag: Option<ServiceTag>,
    pub topic: Option<String>,
}

/// The filter parameters as they arrive (text), before validation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawItemFilter {
    pub q: Option<String>,
    pub applicant_type: Option<String>,
    pub department: Option<String>,
    pub zone: Option<String>,
    pub tag: Option<String>,
    pub topic: Option<String>,
}

impl RawItemFilter {
    /// Validates each parameter, naming the wrong ones with the values they may take.
    pub fn parse(&self) -> Result<ItemFilter, crate::errors::FieldErrors> {
        fn given(value: &Option<String>) -> Option<&str> {
            value.as_deref().map(str::trim).filter(|v| !v.is_empty())
        }
        let mut errors = crate::errors::FieldErrors::new();
        let applicant_type = given(&self.applicant_type).and_then(|v| {
            let parsed = ApplicantType::parse(v);
            if parsed.is_none() {
                errors.add("applicant_type", "请选择个人或法人");
            }
            parsed
        });
        let zone = given(&self.zone).and_then(|v| {
            let parsed = Zone::parse(v);
            if parsed.is_none() {
                errors.add("zone", "请从经济类、建设类、社会类、不动产中选择");
            }
            parsed
        });
        let tag = given(&self.tag).and_then(|v| {
            let parsed = ServiceTag::parse(v);
            if parsed.is_none() {
                let all: Vec<String> = ServiceTag::ALL
                    .iter()
                    .map(|t| t.label().to_owned())
                    .collect();
                errors.add("tag", format!("请从以下服务方式中选择：{}", all.join("、")));
            }
            parsed
        });
        if let Some(q) = given(&self.q)
            && q.chars().count() > 50
        {
            errors.add("q", "搜索词不能超过 50 个字");
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ItemFilter {
            query: given(&self.q).map(str::to_owned),
            applicant_type,
            department: given(&self.department).map(str::to_owned),
            zone,
            tag,
            topic: given(&self.topic).map(str::to_owned),
        })
    }
}

impl ItemFilter {
    /// Whether `guide` passes every criterion except the search words.
    pub fn admits(&self, guide: &ItemGuide) -> bool {
        self.applicant_type
            .is_none_or(|wanted| guide.applicant_type.serves(wanted))
            && self
                .department
                .as_deref()
                .is_none_or(|d| guide.department == d)
            && self.zone.is_none_or(|z| guide.zone == z)
            && self.tag.is_none_or(|t| guide.tags.contains(&t))
            && self
                .topic
                .as_deref()
                .is_none_or(|t| guide.topics.iter().any(|x| x == t))
    }
}

/// A material of a package's merged list: asked once, for every member item that needs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MergedMaterial {
    pub name: String,
    /// Names of the member items that ask for it.
    pub needed_by: Vec<String>,
    pub required: bool,
    /// 免提交: satisfied by this e-licence type.
    pub shared_licence: Option<String>,
    pub deferrable: bool,
    pub commitment_allowed: bool,
}

/// 一套材料: the union of the members' materials, each material once (same name, or the same
/// e-licence), in the order they first appear.
pub fn merge_materials(members: &[ItemGuide]) -> Vec<MergedMaterial> {
    let mut merged: Vec<MergedMaterial> = Vec::new();
    for guide in members {
        for material in &guide.materials {
            let same = |m: &MergedMaterial| {
                m.name == material.name
                    || (material.shared_licence.is_some()
                        && m.shared_licence == material.shared_licence)
            };
            match merged.iter_mut().find(|m| same(m)) {
                Some(existing) => {
                    if !existing.needed_by.contains(&guide.name) {
                        existing.needed_by.push(guide.name.clone());
                    }
                    existing.required |= material.required;
                    // Lenient only if every asking item is lenient.
                    existing.deferrable &= material.deferrable;
                    existing.commitment_allowed &= material.commitment.is_some();
                }
                None => merged.push(MergedMaterial {
                    name: material.name.clone(),
                    needed_by: vec![guide.name.clone()],
                    required: material.required,
                    shared_licence: material.shared_licence.clone(),
                    deferrable: material.deferrable,
                    commitment_allowed: material.commitment.is_some(),
                }),
            }
        }
    }
    merged
}

/// A guide with its department and hall, as the guide page and `GET /items/{code}` show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuideDetail {
    pub guide: ItemGuide,
    pub department: Department,
    pub hall: Hall,
}

/// A package with what its page needs: the member items and the merged material list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PackageDetail {
    pub package: Package,
    pub lead_department_name: String,
    pub members: Vec<ItemSummary>,
    pub materials: Vec<MergedMaterial>,
}

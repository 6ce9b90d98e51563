//! Applications (一表申请): drafts of one item or of a 一件事 package, prefilled from the profile;
//! changes, the pre-review, submission with an idempotency key and a unique 办件编号 (`submit`),
//! 补正, withdrawal, the timeline, and the housekeeping that reminds of and removes old drafts.

mod commitments;
mod desk;
mod inspections;
mod intake;
mod notices;
mod progress;
mod records;
mod review;
mod save;
mod submit;
mod supervision;
mod window;

pub use commitments::{confirm_supplement, hand_in_supplement, may_hand_in};
pub use inspections::{inspection, record_inspection, schedule_inspection};
pub use intake::{accept, case_for_staff, material_for_staff, queue, refuse, request_supplement};
pub use notices::notices;
pub use progress::progress;
pub use review::{decide, resume, revoke, start_review, suspend};
pub use save::{Change, Intent, PostedFile, PostedForm, Saved, save_form};
pub use submit::{submit, withdraw};
pub use supervision::{remind, supervision};
pub use window::{save_window, scan_material, start_window, submit_window, window_application};

use crate::auth::Session;
use crate::clock::{china_minute, parse_stamp, stamp, stored_instant, today_at};
use crate::documents::{self, Holder};
use crate::messages::{self, NewMessage};
use crate::{Error, Portal, Result, calendar, catalog};
use domain::application::{
    ApplicationSummary, ApplicationView, CaseAction, CaseRef, CaseState, PackageCase, StateRefusal,
    SupplementNotice, TimelineEvent,
};
use domain::calendar::DueDateEstimate;
use domain::calendar::WorkCalendar;
use domain::case_clock::SuspensionView;
use domain::case_clock::{CaseClock, ClockReading};
use domain::catalog::{ApplicantType, ItemGuide, Material, Package};
use domain::form::{Answer, Answers, FieldKind, FieldSpec, FormSchema, Prefill, applicant_form};
use domain::identity::{IdNumber, Phone};
use domain::intake::Channel;
use domain::package::PackageMaterials;
use domain::prereview::{self, Application, Finding, MaterialChoice};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::BTreeMap;
use time::Duration;

/// Settings for applications and uploads.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ApplicationSettings {
    /// An untouched draft is deleted after this many days.
    pub draft_days: u32,
    /// The latest 容缺 date an applicant may promise, in days from today.
    pub max_deferral_days: u32,
    /// Largest upload accepted.
    pub upload_max_mb: u32,
    /// What one person's uploads may take up in their vault, all files together.
    pub upload_quota_mb: u32,
    /// Unsubmitted online drafts one person may keep at once.
    pub max_open_drafts: u32,
    /// 预警: a case is in warning when this many working days of its promised limit are left,
    /// or fewer.
    pub warning_days: u32,
    /// 你承诺我审批，不兑现就撤销: a case whose 容缺 material is this many working days past its
    /// committed date, still not handed in, is revoked.
    pub commitment_grace_days: u32,
}

impl Default for ApplicationSettings {
    fn default() -> Self {
        Self {
            draft_days: 30,
            max_deferral_days: 30,
            upload_max_mb: 20,
            upload_quota_mb: 500,
            max_open_drafts: 20,
            warning_days: 2,
            commitment_grace_days: 3,
        }
    }
}

impl ApplicationSettings {
    pub fn upload_max_bytes(&self) -> u64 {
        u64::from(self.upload_max_mb) * 1024 * 1024
    }

    pub fn upload_quota_bytes(&self) -> u64 {
        u64::from(self.upload_quota_mb) * 1024 * 1024
    }
}

/// A stored application row.
#[derive(Clone)]
struct Stored {
    id: String,
    case_no: Option<String>,
    owner: String,
    business_id: Option<String>,
    /// The item, or a package's lead item.
    item_code: String,
    item_version: i64,
    package_id: Option<String>,
    /// A package's member items and the guide versions the draft was started under.
    package_members: Vec<MemberVersion>,
    parent_id: Option<String>,
    state: CaseState,
    answers: Answers,
    choices: BTreeMap<String, MaterialChoice>,
    supplement_notice: Option<SupplementNotice>,
    created_at: String,
    submitted_at: Option<String>,
    draft_expires_at: String,
    /// Counts the saves of the answers and choices (see `save::store`).
    revision: i64,
    channel: Channel,
    /// The hall and zone that handle the case (its clerks see it), from submission on.
    hall_id: Option<String>,
    zone: Option<String>,
    /// 受理: the clock's day 0.
    accepted_at: Option<String>,
    /// The department that reviews it, from acceptance on.
    department_code: Option<String>,
    updated_at: String,
    /// The latest 催办, and what it asked (for staff only).
    reminded_at: Option<String>,
    reminder_text: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct MemberVersion {
    item_code: String,
    version: i64,
}

impl Stored {
    /// Whose vault the application draws on.
    fn holder(&self) -> Holder {
        match &self.business_id {
            Some(business) => Holder::Business(business.clone()),
            None => Holder::Citizen(self.owner.clone()),
        }
    }
}

const COLUMNS: &str = "id, case_no, owner_citizen_id, business_id, item_code, item_version, \
                       package_id, package_members, parent_id, state, answers, materials, \
                       supplement_notice, created_at, submitted_at, draft_expires_at, revision, \
                       channel, hall_id, zone, accepted_at, department_code, updated_at, \
                       reminded_at, reminder_text";

fn stored(row: &AnyRow) -> Result<Stored> {
    let state: String = row.try_get("state")?;
    let optional_json = |column: &str| -> Result<Option<String>> { Ok(row.try_get(column)?) };
    Ok(Stored {
        id: row.try_get("id")?,
        case_no: row.try_get("case_no")?,
        owner: row.try_get("owner_citizen_id")?,
        business_id: row.try_get("business_id")?,
        item_code: row.try_get("item_code")?,
        item_version: row.try_get("item_version")?,
        package_id: row.try_get("package_id")?,
        package_members: optional_json("package_members")?
            .map(|text| from_json(&text))
            .transpose()?
            .unwrap_or_default(),
        parent_id: row.try_get("parent_id")?,
        state: CaseState::parse(&state).ok_or_else(|| anyhow::anyhow!("state {state}"))?,
        answers: from_json(&row.try_get::<String, _>("answers")?)?,
        choices: from_json(&row.try_get::<String, _>("materials")?)?,
        supplement_notice: optional_json("supplement_notice")?
            .map(|text| from_json(&text))
            .transpose()?,
        created_at: row.try_get("created_at")?,
        submitted_at: row.try_get("submitted_at")?,
        draft_expires_at: row.try_get("draft_expires_at")?,
        revision: row.try_get("revision")?,
        channel: Channel::parse(&row.try_get::<String, _>("channel")?)
            .ok_or_else(|| anyhow::anyhow!("channel"))?,
        hall_id: row.try_get("hall_id")?,
        zone: row.try_get("zone")?,
        accepted_at: row.try_get("accepted_at")?,
        department_code: row.try_get("department_code")?,
        updated_at: row.try_get("updated_at")?,
        reminded_at: row.try_get("reminded_at")?,
        reminder_text: row.try_get("reminder_text")?,
    })
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| anyhow::anyhow!("stored JSON: {e}").into())
}

fn to_json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| anyhow::anyhow!("JSON: {e}").into())
}

/// The guide an application was (or will be) filed under.
async fn guide_version(portal: &Portal, item_code: &str, version: i64) -> Result<ItemGuide> {
    let row =
        sqlx::query("SELECT document FROM item_versions WHERE item_code = $1 AND version = $2")
            .bind(item_code)
            .bind(version)
            .fetch_optional(portal.db().pool())
            .await?
            .ok_or(Error::NotFound("没有找到该事项"))?;
    from_json(&row.try_get::<String, _>("document")?)
}

/// What an application is filed under: one item's guide, or a package's member guides with
/// their merged form and materials.
struct Filing {
    name: String,
    /// The item's guide, or the package's member guides in the package's order.
    guides: Vec<ItemGuide>,
    form: FormSchema,
    materials: Vec<Material>,
    package: Option<(Package, PackageMaterials)>,
    promised_days: u32,
    /// 法定时限: the item's, or for a package the longest of its items'.
    legal_days: u32,
}

impl Filing {
    fn single(guide: ItemGuide, for_business: bool) -> Self {
        Self {
            name: guide.name.clone(),
            form: merged_form(std::slice::from_ref(&guide), for_business),
            materials: guide.materials.clone(),
            promised_days: guide.promised_days,
            legal_days: guide.legal_days,
            package: None,
            guides: vec![guide],
        }
    }

    fn package(package: Package, guides: Vec<ItemGuide>, for_business: bool) -> Self {
        let materials = PackageMaterials::merge(
            guides
                .iter()
                .map(|g| (g.code.as_str(), g.materials.as_slice())),
        );
        Self {
            name: package.name.clone(),
            form: merged_form(&guides, for_business),
            materials: materials.materials.clone(),
            promised_days: package.promised_days,
            legal_days: guides.iter().map(|g| g.legal_days).max().unwrap_or(0),
            package: Some((package, materials)),
            guides,
        }
    }
}

/// The form an applicant answers (一表申请): who applies, then every guide's questions, each
/// field once. A 经办人 acting for a business gets the business's questions even on items open
/// to both kinds of applicant.
fn merged_form(guides: &[ItemGuide], for_business: bool) -> FormSchema {
    let applicant = applicant_form(if for_business {
        ApplicantType::Business
    } else {
        ApplicantType::Person
    });
    FormSchema::merge(std::iter::once(&applicant).chain(guides.iter().map(|g| &g.form)))
}

async fn filing(portal: &Portal, application: &Stored) -> Result<Filing> {
    let for_business = application.business_id.is_some();
    match &application.package_id {
        None => Ok(Filing::single(
            guide_version(portal, &application.item_code, application.item_version).await?,
            for_business,
        )),
        Some(package_id) => {
            let package = catalog::package_definition(portal.db(), package_id).await?;
            let mut guides = Vec::new();
            for member in &application.package_members {
                guides.push(guide_version(portal, &member.item_code, member.version).await?);
            }
            Ok(Filing::package(package, guides, for_business))
        }
    }
}

/// A new application's id: [`CaseRef`] tells it from a 办件编号 by its prefix.
fn new_application_id() -> String {
    format!("{}{}", CaseRef::ID_PREFIX, crate::auth::random_token(12))
}

/// What a new draft is for: an item's 实施编码, or a 一件事 package's id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Start {
    Item(String),
    Package(String),
}

/// The current version of an item.
async fn current_version(portal: &Portal, item_code: &str) -> Result<i64> {
    let row = sqlx::query("SELECT current_version FROM items WHERE code = $1")
        .bind(item_code)
        .fetch_optional(portal.db().pool())
        .await?
        .ok_or(Error::NotFound("没有找到该事项"))?;
    Ok(row
        .try_get::<i32, _>("current_version")
        .map(i64::from)
        .or_else(|_| row.try_get::<i64, _>("current_version"))?)
}

/// Business items need the caller to act for a business; personal items need them not to.
fn check_applicant(applicant_type: ApplicantType, for_business: bool) -> Result<()> {
    match (applicant_type, for_business) {
        (ApplicantType::Business, false) => Err(Error::Forbidden {
            code: "business_item",
            message: "此事项由法人办理：请在“我的”页面切换到要代办的单位后再申请",
        }),
        (ApplicantType::Person, true) => Err(Error::Forbidden {
            code: "person_item",
            message: "此事项由个人办理：请在“我的”页面切换回个人身份后再申请",
        }),
        _ => Ok(()),
    }
}

/// Starts a draft of an item or a package for the caller (or the business they act for),
/// prefilled from 一人一档 / 一企一档.
pub async fn create_draft(
    portal: &Portal,
    session: &Session,
    start: &Start,
) -> Result<ApplicationView> {
    let citizen = session.require_citizen()?;
    let for_business = citizen.acting_for.is_some();
    let (filing, members) = match start {
        Start::Item(item_code) => {
            let version = current_version(portal, item_code).await?;
            let guide = guide_version(portal, item_code, version).await?;
            check_applicant(guide.applicant_type, for_business)?;
            (Filing::single(guide, for_business), Vec::new())
        }
        Start::Package(package_id) => {
            let package = catalog::package_definition(portal.db(), package_id).await?;
            check_applicant(package.applicant_type, for_business)?;
            let mut guides = Vec::new();
            let mut members = Vec::new();
            for member in &package.members {
                let version = current_version(portal, &member.item_code).await?;
                guides.push(guide_version(portal, &member.item_code, version).await?);
                members.push(MemberVersion {
                    item_code: member.item_code.clone(),
                    version,
                });
            }
            (Filing::package(package, guides, for_business), members)
        }
    };
    // A bound on what one account can make the portal store (a script starting drafts in a
    // loop). A race of two starts may pass the count together: the bound is a limit, not a rule.
    let open_drafts: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM applications WHERE owner_citizen_id = $1 AND state = 'draft' \
         AND parent_id IS NULL",
    )
    .bind(&citizen.citizen_id)
    .fetch_one(portal.db().pool())
    .await?
    .try_get("n")?;
    let max_drafts = portal.application_settings().max_open_drafts;
    if open_drafts >= i64::from(max_drafts) {
        return Err(Error::Unprocessable {
            code: "draft_limit",
            message: format!(
                "您已有{max_drafts}份未提交的草稿，请先继续办理已有草稿；{}天未修改的草稿会自动删除",
                portal.application_settings().draft_days
            ),
        });
    }
    let applicant = Applicant {
        citizen_id: citizen.citizen_id.clone(),
        business_id: citizen.acting_for.as_ref().map(|a| a.business_id.clone()),
    };
    let id = insert_draft(portal, &applicant, &filing, &members, Arrival::Online).await?;
    get(portal, session, &id).await
}

/// Whom an application is for: the citizen (the 经办人 when filing for a business) and the
/// business.
struct Applicant {
    citizen_id: String,
    business_id: Option<String>,
}

/// How a draft comes in: online, or registered by a clerk at a hall's window (the hall that
/// takes it in handles it: 就近办).
enum Arrival<'a> {
    Online,
    Window { hall_id: &'a str, staff_id: &'a str },
}

/// Writes a new draft, prefilled from 一人一档 / 一企一档; answers its id.
async fn insert_draft(
    portal: &Portal,
    applicant: &Applicant,
    filing: &Filing,
    members: &[MemberVersion],
    arrival: Arrival<'_>,
) -> Result<String> {
    let lead = &filing.guides[0];
    let answers = prefill(portal, applicant, &filing.form).await?;
    let now = portal.now();
    let id = new_application_id();
    let expires = now + Duration::days(portal.application_settings().draft_days.into());
    let (channel, hall_id, zone, registered_by) = match arrival {
        Arrival::Online => (Channel::Online, None, None, None),
        Arrival::Window { hall_id, staff_id } => (
            Channel::Window,
            Some(hall_id),
            Some(lead.zone.as_str()),
            Some(staff_id),
        ),
    };
    sqlx::query(
        "INSERT INTO applications (id, owner_citizen_id, business_id, item_code, item_version, \
         package_id, package_members, state, answers, materials, created_at, updated_at, \
         draft_expires_at, channel, hall_id, zone, registered_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', $8, '{}', $9, $9, $10, $11, $12, $13, $14)",
    )
    .bind(&id)
    .bind(&applicant.citizen_id)
    .bind(&applicant.business_id)
    .bind(&lead.code)
    .bind(i64::from(lead.version))
    .bind(filing.package.as_ref().map(|(p, _)| p.id.clone()))
    .bind(match members.is_empty() {
        true => None,
        false => Some(to_json(&members)?),
    })
    .bind(to_json(&answers)?)
    .bind(stamp(now))
    .bind(stamp(expires))
    .bind(channel.as_str())
    .bind(hall_id)
    .bind(zone)
    .bind(registered_by)
    .execute(portal.db().pool())
    .await?;
    Ok(id)
}

/// 一次录入，多次复用: the profile values the form's fields ask to be prefilled with.
async fn prefill(portal: &Portal, applicant: &Applicant, form: &FormSchema) -> Result<Answers> {
    let person = sqlx::query(
        "SELECT name, id_number, COALESCE(phone, contact_phone) AS phone, address FROM citizens \
         WHERE id = $1",
    )
    .bind(&applicant.citizen_id)
    .fetch_one(portal.db().pool())
    .await?;
    let business =
        match &applicant.business_id {
            Some(business_id) => sqlx::query(
                "SELECT org_name, credit_code, registered_address, legal_rep_name FROM businesses \
             WHERE id = $1",
            )
            .bind(business_id)
            .fetch_optional(portal.db().pool())
            .await?,
            None => None,
        };
    let mut answers = Answers::new();
    for field in &form.fields {
        let Some(prefill) = field.prefill else {
            continue;
        };
        let value: Option<String> = match prefill {
            Prefill::ApplicantName => person.try_get("name").ok(),
            Prefill::ApplicantIdNumber => person.try_get("id_number").ok(),
            Prefill::ApplicantPhone => person.try_get("phone").ok(),
            Prefill::ApplicantAddress => person.try_get("address").ok(),
            Prefill::BusinessName => business.as_ref().and_then(|b| b.try_get("org_name").ok()),
            Prefill::BusinessCreditCode => business
                .as_ref()
                .and_then(|b| b.try_get("credit_code").ok()),
            Prefill::BusinessAddress => business
                .as_ref()
                .and_then(|b| b.try_get("registered_address").ok()),
            Prefill::BusinessLegalRep => business
                .as_ref()
                .and_then(|b| b.try_get("legal_rep_name").ok()),
        };
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            answers.insert(field.key.clone(), Answer::Text(value));
        }
    }
    Ok(answers)
}

/// Loads an application the caller may see: their own, or their business's while acting for
/// it. Anyone else's is "not found", so case numbers cannot be probed.
async fn load_owned(portal: &Portal, session: &Session, id_or_case_no: &str) -> Result<Stored> {
    let citizen = session.require_citizen()?;
    let application = fetch(portal, CaseRef::parse(id_or_case_no))
        .await?
        .ok_or(NOT_FOUND)?;
    let acting = citizen.acting_for.as_ref().map(|a| a.business_id.as_str());
    let visible = match &application.business_id {
        Some(business) => acting == Some(business.as_str()),
        None => application.owner == citizen.citizen_id && acting.is_none(),
    };
    if visible {
        Ok(application)
    } else {
        Err(NOT_FOUND)
    }
}

/// One application as stored, by id or by case number: one indexed lookup either way.
async fn fetch(portal: &Portal, reference: CaseRef<'_>) -> Result<Option<Stored>> {
    let (column, value) = match reference {
        CaseRef::Id(id) => ("id", id),
        CaseRef::CaseNo(case_no) => ("case_no", case_no),
    };
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM applications WHERE {column} = $1"
    )))
    .bind(value)
    .fetch_optional(portal.db().pool())
    .await?
    .map(|row| stored(&row))
    .transpose()
}

const NOT_FOUND: Error = Error::NotFound("没有找到该办件");

/// Moves a case by `action`: the state machine (`CaseState::next`) names the next state, and one
/// conditional `UPDATE … WHERE state = $from AND revision = $read` makes sure no concurrent
/// action moved (or save changed) the case first, so of two people acting at once one succeeds
/// and the other gets 409 `state_conflict`.
async fn transition(
    conn: &mut sqlx::AnyConnection,
    application: &Stored,
    action: CaseAction,
    now: time::OffsetDateTime,
) -> Result<CaseState> {
    let next = application.state.next(action).map_err(state_conflict)?;
    // The revision too: a save that landed after this row was read (and reviewed) stops the
    // move, so a submission never freezes answers nobody pre-reviewed.
    let moved = sqlx::query(
        "UPDATE applications SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4 \
         AND revision = $5 RETURNING id",
    )
    .bind(next.as_str())
    .bind(stamp(now))
    .bind(&application.id)
    .bind(application.state.as_str())
    .bind(application.revision)
    .fetch_optional(conn)
    .await?;
    match moved {
        Some(_) => Ok(next),
        None => Err(Error::Conflict {
            code: "state_conflict",
            message: "办件状态刚刚发生了变化，请刷新后再操作".into(),
        }),
    }
}

/// 409 for an action the case's state does not allow, saying why.
fn state_conflict(refusal: StateRefusal) -> Error {
    Error::Conflict {
        code: "state_conflict",
        message: refusal.to_string(),
    }
}

/// One application with its form, materials and (after submission) the due-date estimate.
pub async fn get(
    portal: &Portal,
    session: &Session,
    id_or_case_no: &str,
) -> Result<ApplicationView> {
    let application = load_owned(portal, session, id_or_case_no).await?;
    let filing = filing(portal, &application).await?;
    view(portal, application, filing).await
}

async fn view(portal: &Portal, application: Stored, filing: Filing) -> Result<ApplicationView> {
    let business_name = match &application.business_id {
        Some(id) => sqlx::query("SELECT org_name FROM businesses WHERE id = $1")
            .bind(id)
            .fetch_optional(portal.db().pool())
            .await?
            .map(|row| row.try_get::<String, _>("org_name"))
            .transpose()?,
        None => None,
    };
    let due_estimate = due_estimate(portal, &application, filing.promised_days).await?;
    let suspensions = records::suspensions_of(portal, &application.id).await?;
    let calendar = calendar::load(portal.db()).await?;
    let clock = match &application.accepted_at {
        Some(accepted_at) => read_clock(portal, &calendar, accepted_at, &filing, &suspensions),
        None => None,
    };
    let package = match &filing.package {
        Some((package, _)) => {
            let children = children(portal, &calendar, &application.id).await?;
            let states: Vec<CaseState> = children.iter().map(|child| child.state).collect();
            Some(PackageCase {
                package_id: package.id.clone(),
                items: filing.guides.iter().map(|g| g.name.clone()).collect(),
                outcome: domain::application::package_outcome(&states),
                children,
            })
        }
        None => None,
    };
    let responsible = records::responsible(portal, &application).await?;
    let commitments = records::commitments_of(portal, &application, &filing).await?;
    let part_of = match &application.parent_id {
        Some(parent) => sqlx::query(
            "SELECT a.id, a.case_no, a.state, a.updated_at, p.name FROM applications a \
             JOIN packages p ON p.id = a.package_id WHERE a.id = $1",
        )
        .bind(parent)
        .fetch_optional(portal.db().pool())
        .await?
        .map(|row| summary(&row))
        .transpose()?,
        None => None,
    };
    let vault_licences = documents::licence_types(portal, &application.holder()).await?;
    let lead = &filing.guides[0];
    Ok(ApplicationView {
        id: application.id,
        case_no: application.case_no,
        item_code: lead.code.clone(),
        item_name: filing.name,
        item_version: lead.version,
        state: application.state,
        state_label: application.state.label().into(),
        business_name,
        answers: masked(&filing.form.fields, &application.answers),
        form: filing.form,
        materials: filing.materials,
        choices: application.choices,
        vault_licences,
        created_at: stored_instant(&application.created_at)?,
        submitted_at: application
            .submitted_at
            .as_deref()
            .map(stored_instant)
            .transpose()?,
        draft_expires_at: (application.state == CaseState::Draft)
            .then(|| stored_instant(&application.draft_expires_at))
            .transpose()?,
        due_estimate,
        clock,
        responsible,
        suspensions,
        commitments,
        max_deferral_days: portal.application_settings().max_deferral_days,
        supplement_notice: application
            .supplement_notice
            .filter(|_| application.state == CaseState::NeedsSupplement),
        package,
        part_of,
    })
}

/// The clock of a case accepted at `accepted_at` (stored form), read today, its 特别程序 not
/// counted.
fn read_clock(
    portal: &Portal,
    calendar: &WorkCalendar,
    accepted_at: &str,
    filing: &Filing,
    suspensions: &[SuspensionView],
) -> Option<ClockReading> {
    let accepted = parse_stamp(accepted_at)?;
    let stopped: Vec<_> = suspensions.iter().map(SuspensionView::stopped).collect();
    Some(CaseClock::new(calendar, today_at(accepted), &stopped).read(
        today_at(portal.now()),
        filing.promised_days,
        filing.legal_days,
        portal.application_settings().warning_days,
    ))
}

/// The promised completion date while a submitted case waits, counted in working days from
/// submission.
async fn due_estimate(
    portal: &Portal,
    application: &Stored,
    promised_days: u32,
) -> Result<Option<DueDateEstimate>> {
    match application.submitted_at.as_deref().and_then(parse_stamp) {
        Some(submitted) if application.state == CaseState::Submitted => Ok(Some(
            calendar::load(portal.db())
                .await?
                .estimate(today_at(submitted), promised_days),
        )),
        _ => Ok(None),
    }
}

/// A package case's child cases, in the package's order, each with its department and clock
/// (the lead department follows them all).
async fn children(
    portal: &Portal,
    calendar: &WorkCalendar,
    parent_id: &str,
) -> Result<Vec<ApplicationSummary>> {
    let rows = sqlx::query(
        "SELECT a.id, a.case_no, a.state, a.updated_at, a.accepted_at, i.name, \
         d.name AS department_name FROM applications a \
         JOIN items i ON i.code = a.item_code \
         LEFT JOIN departments d ON d.code = a.department_code \
         WHERE a.parent_id = $1 ORDER BY a.case_no",
    )
    .bind(parent_id)
    .fetch_all(portal.db().pool())
    .await?;
    let mut children = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut child = summary(row)?;
        child.department = row.try_get("department_name")?;
        if let Some(accepted_at) = row.try_get::<Option<String>, _>("accepted_at")? {
            let stored = fetch(portal, CaseRef::Id(&child.id))
                .await?
                .ok_or(NOT_FOUND)?;
            let filing = filing(portal, &stored).await?;
            let suspensions = records::suspensions_of(portal, &child.id).await?;
            child.clock = read_clock(portal, calendar, &accepted_at, &filing, &suspensions);
        }
        children.push(child);
    }
    Ok(children)
}

fn summary(row: &AnyRow) -> Result<ApplicationSummary> {
    let state: String = row.try_get("state")?;
    let state = CaseState::parse(&state).ok_or_else(|| anyhow::anyhow!("state {state}"))?;
    Ok(ApplicationSummary {
        id: row.try_get("id")?,
        case_no: row.try_get("case_no")?,
        item_name: row.try_get("name")?,
        state,
        state_label: state.label().into(),
        updated_at: stored_instant(&row.try_get::<String, _>("updated_at")?)?,
        department: None,
        clock: None,
    })
}

/// Answers with every ID number and phone number masked, for any view.
fn masked(fields: &[FieldSpec], answers: &Answers) -> Answers {
    answers
        .iter()
        .map(|(key, answer)| {
            let field = fields.iter().find(|f| &f.key == key);
            let answer = match (field.map(|f| &f.kind), answer) {
                (Some(FieldKind::IdNumber { .. }), Answer::Text(text)) => {
                    Answer::Text(mask_id(text))
                }
                (Some(FieldKind::Phone), Answer::Text(text)) => Answer::Text(mask_phone(text)),
                (Some(FieldKind::Group { fields, .. }), Answer::Entries(entries)) => {
                    Answer::Entries(entries.iter().map(|e| masked(fields, e)).collect())
                }
                _ => answer.clone(),
            };
            (key.clone(), answer)
        })
        .collect()
}

fn mask_id(text: &str) -> String {
    match IdNumber::parse(text, time::macros::date!(9999 - 12 - 31)) {
        Ok(id) => id.masked(),
        Err(_) => text.to_owned(),
    }
}

fn mask_phone(text: &str) -> String {
    match Phone::parse(text) {
        Ok(phone) => phone.masked(),
        Err(_) => text.to_owned(),
    }
}

/// 我的办件: drafts and cases, most recently changed first. A package's child cases show on
/// the package case's page, not here.
pub async fn list_mine(portal: &Portal, session: &Session) -> Result<Vec<ApplicationSummary>> {
    let citizen = session.require_citizen()?;
    let acting = citizen.acting_for.as_ref().map(|a| a.business_id.clone());
    let rows = sqlx::query(
        "SELECT a.id, a.case_no, a.state, a.updated_at, COALESCE(p.name, i.name) AS name \
         FROM applications a JOIN items i ON i.code = a.item_code \
         LEFT JOIN packages p ON p.id = a.package_id \
         WHERE a.parent_id IS NULL AND ((a.business_id = $1) \
         OR (a.business_id IS NULL AND $1 IS NULL AND a.owner_citizen_id = $2)) \
         ORDER BY a.updated_at DESC, a.id",
    )
    .bind(acting)
    .bind(&citizen.citizen_id)
    .fetch_all(portal.db().pool())
    .await?;
    rows.iter().map(summary).collect()
}

/// The caller's drafts of what `start` names, most recent first: 在线办理 offers them before
/// starting another.
pub async fn open_drafts(
    portal: &Portal,
    session: &Session,
    start: &Start,
) -> Result<Vec<ApplicationSummary>> {
    let citizen = session.require_citizen()?;
    let acting = citizen.acting_for.as_ref().map(|a| a.business_id.clone());
    let (condition, value) = match start {
        Start::Item(code) => ("a.item_code = $3 AND a.package_id IS NULL", code),
        Start::Package(id) => ("a.package_id = $3", id),
    };
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT a.id, a.case_no, a.state, a.updated_at, COALESCE(p.name, i.name) AS name \
         FROM applications a JOIN items i ON i.code = a.item_code \
         LEFT JOIN packages p ON p.id = a.package_id \
         WHERE a.state = 'draft' AND a.parent_id IS NULL AND {condition} \
         AND ((a.business_id = $1) OR (a.business_id IS NULL AND $1 IS NULL AND a.owner_citizen_id = $2)) \
         ORDER BY a.updated_at DESC, a.id"
    )))
    .bind(acting)
    .bind(&citizen.citizen_id)
    .bind(value)
    .fetch_all(portal.db().pool())
    .await?;
    rows.iter().map(summary).collect()
}

/// The automatic pre-review of an application as it stands. Document choices are checked
/// against the stored files, whatever type and size a client claims.
pub async fn prereview(
    portal: &Portal,
    session: &Session,
    id_or_case_no: &str,
) -> Result<Vec<Finding>> {
    let application = load_owned(portal, session, id_or_case_no).await?;
    review(portal, &application, &filing(portal, &application).await?).await
}

async fn review(portal: &Portal, application: &Stored, filing: &Filing) -> Result<Vec<Finding>> {
    let holder = application.holder();
    let mut choices = BTreeMap::new();
    for (code, choice) in &application.choices {
        let checked = match choice {
            MaterialChoice::Document { document_id, .. } => {
                match documents::owned_file(portal, &holder, document_id).await? {
                    Some((file_type, size_bytes)) => MaterialChoice::Document {
                        document_id: document_id.clone(),
                        file_type,
                        size_bytes,
                    },
                    None => continue,
                }
            }
            other => other.clone(),
        };
        choices.insert(code.clone(), checked);
    }
    let vault = documents::licence_types(portal, &holder).await?;
    Ok(prereview::run(&Application {
        form: &filing.form,
        answers: &application.answers,
        materials: &filing.materials,
        choices: &choices,
        vault_licences: &vault,
        today: today_at(portal.now()),
        max_deferral_days: portal.application_settings().max_deferral_days,
    }))
}

/// Reminds the owner of every draft that expires within three days, once per draft and expiry
/// date (saving the draft pushes the expiry back, and a later expiry earns a new reminder).
/// Returns how many reminders went out.
pub async fn remind_expiring_drafts(portal: &Portal) -> Result<u64> {
    let now = portal.now();
    let rows = sqlx::query(
        "SELECT a.id, a.owner_citizen_id, a.draft_expires_at, COALESCE(p.name, i.name) AS name \
         FROM applications a JOIN items i ON i.code = a.item_code \
         LEFT JOIN packages p ON p.id = a.package_id \
         WHERE a.state = 'draft' AND a.draft_expires_at >= $1 AND a.draft_expires_at < $2",
    )
    .bind(stamp(now))
    .bind(stamp(now + Duration::days(3)))
    .fetch_all(portal.db().pool())
    .await?;
    let mut sent = 0;
    for row in rows {
        let id: String = row.try_get("id")?;
        let expires: String = row.try_get("draft_expires_at")?;
        let name: String = row.try_get("name")?;
        let mut conn = portal.db().pool().acquire().await?;
        let written = messages::send(
            &mut conn,
            portal,
            NewMessage {
                link: None,
                citizen_id: &row.try_get::<String, _>("owner_citizen_id")?,
                kind: "draft_expiring",
                title: "草稿即将过期".into(),
                body: format!(
                    "您填写的“{name}”申请草稿将于 {} 过期删除。如仍需办理，请在此之前继续填写并提交；保存一次即可延长 {} 天。",
                    parse_stamp(&expires).map(china_minute).unwrap_or(expires.clone()),
                    portal.application_settings().draft_days
                ),
                application_id: Some(id.clone()),
                dedup_key: format!("draft_expiring:{id}:{expires}"),
            },
        )
        .await?;
        sent += u64::from(written);
    }
    Ok(sent)
}

/// What one housekeeping round did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub reminded: u64,
    pub deleted: u64,
    /// What the round did to 容缺 commitments.
    pub commitments: commitments::Swept,
}

/// Housekeeping, safe to run on every instance at once: reminds of drafts about to expire,
/// deletes drafts past their expiry, forgets old idempotency keys, and keeps 容缺 commitments
/// (reminds the day before, flags what is late, revokes what is past the grace period).
pub async fn sweep(portal: &Portal) -> Result<Swept> {
    let reminded = remind_expiring_drafts(portal).await?;
    let now = portal.now();
    let drafts =
        sqlx::query("DELETE FROM applications WHERE state = 'draft' AND draft_expires_at < $1")
            .bind(stamp(now))
            .execute(portal.db().pool())
            .await?
            .rows_affected();
    crate::idempotency::sweep(portal).await?;
    let commitments = commitments::sweep(portal).await?;
    Ok(Swept {
        reminded,
        deleted: drafts,
        commitments,
    })
}

/// The case's timeline, oldest first.
pub async fn timeline(
    portal: &Portal,
    session: &Session,
    id_or_case_no: &str,
) -> Result<Vec<TimelineEvent>> {
    let application = load_owned(portal, session, id_or_case_no).await?;
    timeline_of(portal, &application.id).await
}

/// A case's events in order, each with who acted (staff masked).
async fn timeline_of(portal: &Portal, application_id: &str) -> Result<Vec<TimelineEvent>> {
    let rows = sqlx::query(
        "SELECT at, kind, text, actor FROM case_events WHERE application_id = $1 ORDER BY seq",
    )
    .bind(application_id)
    .fetch_all(portal.db().pool())
    .await?;
    rows.iter().map(event).collect()
}

fn event(row: &AnyRow) -> Result<TimelineEvent> {
    Ok(TimelineEvent {
        at: stored_instant(&row.try_get::<String, _>("at")?)?,
        kind: row.try_get("kind")?,
        text: row.try_get("text")?,
        actor: row.try_get("actor")?,
    })
}

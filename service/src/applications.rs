//! Applications (一表申请): drafts prefilled from the profile, changes, the pre-review, submission
//! with an idempotency key and a unique 办件编号, withdrawal, and the timeline.

use crate::accounts::new_id;
use crate::auth::{CitizenPrincipal, Session};
use crate::clock::{china_minute, parse_stamp, stamp, today_at};
use crate::{Error, Portal, Result, calendar, documents};
use domain::application::{
    ApplicationPatch, ApplicationSummary, ApplicationView, CaseState, TimelineEvent, case_number,
};
use domain::catalog::{ApplicantType, ItemGuide};
use domain::form::{Answer, Answers, FieldKind, FieldSpec, FormSchema, Prefill};
use domain::identity::IdNumber;
use domain::prereview::{self, Application, Finding, MaterialChoice};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
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
}

impl Default for ApplicationSettings {
    fn default() -> Self {
        Self {
            draft_days: 30,
            max_deferral_days: 30,
            upload_max_mb: 20,
        }
    }
}

impl ApplicationSettings {
    pub fn upload_max_bytes(&self) -> u64 {
        u64::from(self.upload_max_mb) * 1024 * 1024
    }
}

/// A stored application row.
struct Stored {
    id: String,
    case_no: Option<String>,
    owner: String,
    business_id: Option<String>,
    item_code: String,
    item_version: i64,
    state: CaseState,
    answers: Answers,
    choices: BTreeMap<String, MaterialChoice>,
    created_at: String,
    submitted_at: Option<String>,
    draft_expires_at: String,
}

const COLUMNS: &str = "id, case_no, owner_citizen_id, business_id, item_code, item_version, state, \
                       answers, materials, created_at, submitted_at, draft_expires_at";

fn stored(row: &AnyRow) -> Result<Stored> {
    let state: String = row.try_get("state")?;
    Ok(Stored {
        id: row.try_get("id")?,
        case_no: row.try_get("case_no")?,
        owner: row.try_get("owner_citizen_id")?,
        business_id: row.try_get("business_id")?,
        item_code: row.try_get("item_code")?,
        item_version: row.try_get("item_version")?,
        state: CaseState::parse(&state).ok_or_else(|| anyhow::anyhow!("state {state}"))?,
        answers: from_json(&row.try_get::<String, _>("answers")?)?,
        choices: from_json(&row.try_get::<String, _>("materials")?)?,
        created_at: row.try_get("created_at")?,
        submitted_at: row.try_get("submitted_at")?,
        draft_expires_at: row.try_get("draft_expires_at")?,
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

/// The form an applicant answers: a 经办人 acting for a business gets the business's questions
/// even on items open to both kinds of applicant.
fn form_for(guide: &ItemGuide, for_business: bool) -> FormSchema {
    let applicant = if for_business {
        ApplicantType::Business
    } else {
        ApplicantType::Person
    };
    FormSchema::merge([&domain::form::applicant_form(applicant), &guide.form])
}

/// Starts a draft of `item_code` for the caller (or the business they act for), prefilled from
/// 一人一档 / 一企一档.
pub async fn create_draft(
    portal: &Portal,
    session: &Session,
    item_code: &str,
) -> Result<ApplicationView> {
    let citizen = session.require_citizen()?;
    let row = sqlx::query("SELECT current_version FROM items WHERE code = $1")
        .bind(item_code)
        .fetch_optional(portal.db().pool())
        .await?
        .ok_or(Error::NotFound("没有找到该事项"))?;
    let version: i64 = row
        .try_get::<i32, _>("current_version")
        .map(i64::from)
        .or_else(|_| row.try_get::<i64, _>("current_version"))?;
    let guide = guide_version(portal, item_code, version).await?;
    let for_business = citizen.acting_for.is_some();
    match (guide.applicant_type, for_business) {
        (ApplicantType::Business, false) => {
            return Err(Error::Forbidden {
                code: "business_item",
                message: "此事项由法人办理：请在“我的”页面切换到要代办的单位后再申请",
            });
        }
        (ApplicantType::Person, true) => {
            return Err(Error::Forbidden {
                code: "person_item",
                message: "此事项由个人办理：请在“我的”页面切换回个人身份后再申请",
            });
        }
        _ => {}
    }
    let form = form_for(&guide, for_business);
    let answers = prefill(portal, citizen, &form).await?;
    let now = portal.now();
    let id = new_id("a");
    let expires = now + Duration::days(portal.application_settings().draft_days.into());
    sqlx::query(
        "INSERT INTO applications (id, owner_citizen_id, business_id, item_code, item_version, \
         state, answers, materials, created_at, updated_at, draft_expires_at) \
         VALUES ($1, $2, $3, $4, $5, 'draft', $6, '{}', $7, $7, $8)",
    )
    .bind(&id)
    .bind(&citizen.citizen_id)
    .bind(citizen.acting_for.as_ref().map(|a| a.business_id.clone()))
    .bind(item_code)
    .bind(version)
    .bind(to_json(&answers)?)
    .bind(stamp(now))
    .bind(stamp(expires))
    .execute(portal.db().pool())
    .await?;
    get(portal, session, &id).await
}

/// 一次录入，多次复用: the profile values the form's fields ask to be prefilled with.
async fn prefill(
    portal: &Portal,
    citizen: &CitizenPrincipal,
    form: &FormSchema,
) -> Result<Answers> {
    let person = sqlx::query("SELECT name, id_number, phone, address FROM citizens WHERE id = $1")
        .bind(&citizen.citizen_id)
        .fetch_one(portal.db().pool())
        .await?;
    let business =
        match &citizen.acting_for {
            Some(acting) => sqlx::query(
                "SELECT org_name, credit_code, registered_address, legal_rep_name FROM businesses \
             WHERE id = $1",
            )
            .bind(&acting.business_id)
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
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM applications WHERE id = $1 OR case_no = $1"
    )))
    .bind(id_or_case_no)
    .fetch_optional(portal.db().pool())
    .await?
    .ok_or(NOT_FOUND)?;
    let application = stored(&row)?;
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

const NOT_FOUND: Error = Error::NotFound("没有找到该办件");

/// One application with its form, materials and (after submission) the due-date estimate.
pub async fn get(
    portal: &Portal,
    session: &Session,
    id_or_case_no: &str,
) -> Result<ApplicationView> {
    let application = load_owned(portal, session, id_or_case_no).await?;
    view(portal, application).await
}

async fn view(portal: &Portal, application: Stored) -> Result<ApplicationView> {
    let guide = guide_version(portal, &application.item_code, application.item_version).await?;
    let form = form_for(&guide, application.business_id.is_some());
    let business_name = match &application.business_id {
        Some(id) => sqlx::query("SELECT org_name FROM businesses WHERE id = $1")
            .bind(id)
            .fetch_optional(portal.db().pool())
            .await?
            .map(|row| row.try_get::<String, _>("org_name"))
            .transpose()?,
        None => None,
    };
    let due_estimate = match application.submitted_at.as_deref().and_then(parse_stamp) {
        Some(submitted) if application.state == CaseState::Submitted => Some(
            calendar::load(portal.db())
                .await?
                .estimate(today_at(submitted), guide.promised_days),
        ),
        _ => None,
    };
    let vault_licences = documents::licence_types(portal, &application.owner).await?;
    Ok(ApplicationView {
        id: application.id,
        case_no: application.case_no,
        item_code: guide.code.clone(),
        item_name: guide.name.clone(),
        item_version: guide.version,
        state: application.state,
        state_label: application.state.label().into(),
        business_name,
        answers: masked(&form.fields, &application.answers),
        form,
        materials: guide.materials.clone(),
        choices: application.choices,
        vault_licences,
        created_at: minute(&application.created_at),
        submitted_at: application.submitted_at.as_deref().map(minute),
        draft_expires_at: (application.state == CaseState::Draft)
            .then(|| minute(&application.draft_expires_at)),
        due_estimate,
    })
}

fn minute(stamp: &str) -> String {
    parse_stamp(stamp)
        .map(china_minute)
        .unwrap_or_else(|| stamp.to_owned())
}

/// Answers with every ID number masked, for any view.
fn masked(fields: &[FieldSpec], answers: &Answers) -> Answers {
    answers
        .iter()
        .map(|(key, answer)| {
            let field = fields.iter().find(|f| &f.key == key);
            let answer = match (field.map(|f| &f.kind), answer) {
                (Some(FieldKind::IdNumber { .. }), Answer::Text(text)) => {
                    Answer::Text(mask_id(text))
                }
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

/// Merges `incoming` into `stored`: a masked ID number sent back unchanged keeps the stored one.
fn merge_answers(fields: &[FieldSpec], stored: &mut Answers, incoming: Answers) {
    for (key, answer) in incoming {
        let field = fields.iter().find(|f| f.key == key);
        let keep = match (field.map(|f| &f.kind), &answer, stored.get(&key)) {
            (Some(FieldKind::IdNumber { .. }), Answer::Text(text), Some(Answer::Text(old))) => {
                text.contains('*') && mask_id(old) == *text
            }
            _ => false,
        };
        if !keep {
            stored.insert(key, answer);
        }
    }
}

/// 我的办件: drafts and cases, most recently changed first.
pub async fn list_mine(portal: &Portal, session: &Session) -> Result<Vec<ApplicationSummary>> {
    let citizen = session.require_citizen()?;
    let acting = citizen.acting_for.as_ref().map(|a| a.business_id.clone());
    let rows = sqlx::query(
        "SELECT a.id, a.case_no, a.state, a.updated_at, i.name FROM applications a \
         JOIN items i ON i.code = a.item_code \
         WHERE (a.business_id = $1) OR (a.business_id IS NULL AND $1 IS NULL AND a.owner_citizen_id = $2) \
         ORDER BY a.updated_at DESC, a.id",
    )
    .bind(acting)
    .bind(&citizen.citizen_id)
    .fetch_all(portal.db().pool())
    .await?;
    rows.iter()
        .map(|row| {
            let state: String = row.try_get("state")?;
            let state = CaseState::parse(&state).ok_or_else(|| anyhow::anyhow!("state"))?;
            Ok(ApplicationSummary {
                id: row.try_get("id")?,
                case_no: row.try_get("case_no")?,
                item_name: row.try_get("name")?,
                state,
                state_label: state.label().into(),
                updated_at: minute(&row.try_get::<String, _>("updated_at")?),
            })
        })
        .collect()
}

/// Changes a draft's answers and material choices; saving also pushes its expiry back.
pub async fn patch(
    portal: &Portal,
    session: &Session,
    id_or_case_no: &str,
    change: ApplicationPatch,
) -> Result<ApplicationView> {
    let mut application = load_owned(portal, session, id_or_case_no).await?;
    if application.state != CaseState::Draft {
        return Err(Error::Conflict {
            code: "not_a_draft",
            message: "已提交的申请不能再修改".into(),
        });
    }
    let guide = guide_version(portal, &application.item_code, application.item_version).await?;
    let form = form_for(&guide, application.business_id.is_some());
    if let Some(answers) = change.answers {
        if let Some(unknown) = answers
            .keys()
            .find(|k| !form.fields.iter().any(|f| &f.key == *k))
        {
            return Err(Error::invalid(
                &format!("answers.{unknown}"),
                "申请表中没有这一项",
            ));
        }
        merge_answers(&form.fields, &mut application.answers, answers);
    }
    if let Some(materials) = change.materials {
        for (code, choice) in materials {
            if !guide.materials.iter().any(|m| m.code == code) {
                return Err(Error::invalid(
                    &format!("materials.{code}"),
                    "本事项没有这项材料",
                ));
            }
            match choice {
                Some(choice) => {
                    if let MaterialChoice::Document { document_id, .. } = &choice
                        && documents::owned_file(portal, &application.owner, document_id)
                            .await?
                            .is_none()
                    {
                        return Err(Error::invalid(
                            &format!("materials.{code}"),
                            "所选文件不存在，请重新上传",
                        ));
                    }
                    application.choices.insert(code, choice);
                }
                None => {
                    application.choices.remove(&code);
                }
            }
        }
    }
    let now = portal.now();
    let expires = now + Duration::days(portal.application_settings().draft_days.into());
    sqlx::query(
        "UPDATE applications SET answers = $1, materials = $2, updated_at = $3, \
         draft_expires_at = $4 WHERE id = $5 AND state = 'draft'",
    )
    .bind(to_json(&application.answers)?)
    .bind(to_json(&application.choices)?)
    .bind(stamp(now))
    .bind(stamp(expires))
    .bind(&application.id)
    .execute(portal.db().pool())
    .await?;
    view(portal, application).await
}

/// The automatic pre-review of an application as it stands. Document choices are checked
/// against the stored files, whatever type and size a client claims.
pub async fn prereview(
    portal: &Portal,
    session: &Session,
    id_or_case_no: &str,
) -> Result<Vec<Finding>> {
    let application = load_owned(portal, session, id_or_case_no).await?;
    review(portal, &application).await
}

async fn review(portal: &Portal, application: &Stored) -> Result<Vec<Finding>> {
    let guide = guide_version(portal, &application.item_code, application.item_version).await?;
    let form = form_for(&guide, application.business_id.is_some());
    let mut choices = BTreeMap::new();
    for (code, choice) in &application.choices {
        let checked = match choice {
            MaterialChoice::Document { document_id, .. } => {
                match documents::owned_file(portal, &application.owner, document_id).await? {
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
    let vault = documents::licence_types(portal, &application.owner).await?;
    Ok(prereview::run(&Application {
        form: &form,
        answers: &application.answers,
        materials: &guide.materials,
        choices: &choices,
        vault_licences: &vault,
        today: today_at(portal.now()),
        max_deferral_days: portal.application_settings().max_deferral_days,
    }))
}

/// The outcome of a submit: the case, and whether it is the stored answer to a repeated key.
pub struct Submitted {
    pub case: ApplicationView,
    pub replayed: bool,
}

/// Submits a draft once nothing blocks it. With an idempotency key, a repeat of the same
/// request answers with the first result, a different request under the same key is refused,
/// and a repeat while the first is still running is told so.
pub async fn submit(
    portal: &Portal,
    session: &Session,
    id_or_case_no: &str,
    idempotency_key: Option<&str>,
) -> Result<Submitted> {
    let owner = session.principal.audit_actor();
    if let Some(key) = idempotency_key {
        let fingerprint = fingerprint(&format!("submit {id_or_case_no}"));
        if let Some(replay) = claim_key(portal, &owner, key, &fingerprint).await? {
            return Ok(Submitted {
                case: replay,
                replayed: true,
            });
        }
    }
    let result = submit_once(
        portal,
        session,
        id_or_case_no,
        idempotency_key.map(|k| (owner.as_str(), k)),
    )
    .await;
    if result.is_err()
        && let Some(key) = idempotency_key
    {
        // A refused submit is not an answer worth replaying: the applicant fixes the draft and
        // may retry with the same key.
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE owner = $1 AND key = $2 AND state = 'in_progress'",
        )
        .bind(&owner)
        .bind(key)
        .execute(portal.db().pool())
        .await?;
    }
    result.map(|case| Submitted {
        case,
        replayed: false,
    })
}

fn fingerprint(request: &str) -> String {
    Sha256::digest(request.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Claims `key` for this request; returns the stored answer when the same request already
/// completed under it.
async fn claim_key(
    portal: &Portal,
    owner: &str,
    key: &str,
    fingerprint: &str,
) -> Result<Option<ApplicationView>> {
    if key.is_empty() || key.len() > 200 {
        return Err(Error::invalid(
            "Idempotency-Key",
            "Idempotency-Key 应为1至200个字符",
        ));
    }
    let claimed = sqlx::query(
        "INSERT INTO idempotency_keys (owner, key, fingerprint, state, created_at) \
         VALUES ($1, $2, $3, 'in_progress', $4) ON CONFLICT DO NOTHING RETURNING key",
    )
    .bind(owner)
    .bind(key)
    .bind(fingerprint)
    .bind(stamp(portal.now()))
    .fetch_optional(portal.db().pool())
    .await?;
    if claimed.is_some() {
        return Ok(None);
    }
    let row = sqlx::query(
        "SELECT fingerprint, state, response FROM idempotency_keys WHERE owner = $1 AND key = $2",
    )
    .bind(owner)
    .bind(key)
    .fetch_one(portal.db().pool())
    .await?;
    if row.try_get::<String, _>("fingerprint")? != fingerprint {
        return Err(Error::Unprocessable {
            code: "idempotency_mismatch",
            message: "该 Idempotency-Key 已用于另一个请求，请换一个新的键".into(),
        });
    }
    match row.try_get::<Option<String>, _>("response")? {
        Some(response) if row.try_get::<String, _>("state")? == "done" => {
            Ok(Some(from_json(&response)?))
        }
        _ => Err(Error::Conflict {
            code: "idempotency_in_progress",
            message: "相同的请求正在处理中，请稍候刷新查看结果".into(),
        }),
    }
}

async fn submit_once(
    portal: &Portal,
    session: &Session,
    id_or_case_no: &str,
    idempotency: Option<(&str, &str)>,
) -> Result<ApplicationView> {
    let application = load_owned(portal, session, id_or_case_no).await?;
    if application.state != CaseState::Draft {
        return Err(Error::Conflict {
            code: "not_a_draft",
            message: "该申请已经提交过了".into(),
        });
    }
    let findings = review(portal, &application).await?;
    if !prereview::passed(&findings) {
        let mut fields = domain::errors::FieldErrors::new();
        for finding in findings
            .iter()
            .filter(|f| f.level == prereview::Level::Blocking)
        {
            fields.add(
                &finding.target,
                format!("{}（{}）", finding.message, finding.hint),
            );
        }
        return Err(Error::Invalid(fields));
    }
    let now = portal.now();
    let today = today_at(now);
    let day = format!(
        "{:04}{:02}{:02}",
        today.year(),
        u8::from(today.month()),
        today.day()
    );
    let mut tx = portal.db().begin_write().await?;
    let moved = sqlx::query(
        "UPDATE applications SET state = 'submitted', submitted_at = $1, updated_at = $1 \
         WHERE id = $2 AND state = 'draft' RETURNING id",
    )
    .bind(stamp(now))
    .bind(&application.id)
    .fetch_optional(&mut *tx)
    .await?;
    if moved.is_none() {
        return Err(Error::Conflict {
            code: "not_a_draft",
            message: "该申请已经提交过了".into(),
        });
    }
    // One conditional upsert: the row lock (PostgreSQL) or the write transaction (SQLite)
    // serialises concurrent submissions of the same item and day.
    let sequence: i64 = sqlx::query(
        "INSERT INTO case_sequences (item_code, day, last) VALUES ($1, $2, 1) \
         ON CONFLICT (item_code, day) DO UPDATE SET last = case_sequences.last + 1 RETURNING last",
    )
    .bind(&application.item_code)
    .bind(&day)
    .fetch_one(&mut *tx)
    .await?
    .try_get("last")?;
    let case_no = case_number(&application.item_code, today, sequence as u32);
    sqlx::query("UPDATE applications SET case_no = $1 WHERE id = $2")
        .bind(&case_no)
        .bind(&application.id)
        .execute(&mut *tx)
        .await?;
    let text = format!(
        "您已在线提交申请，办件编号 {case_no}。窗口工作人员将进行受理审查，结果会通过站内信告知。"
    );
    sqlx::query(
        "INSERT INTO case_events (application_id, seq, at, kind, text) VALUES ($1, 1, $2, 'submitted', $3)",
    )
    .bind(&application.id)
    .bind(stamp(now))
    .bind(&text)
    .execute(&mut *tx)
    .await?;
    let submitted = Stored {
        case_no: Some(case_no),
        state: CaseState::Submitted,
        submitted_at: Some(stamp(now)),
        ..application
    };
    tx.commit().await?;
    let case = view(portal, submitted).await?;
    if let Some((owner, key)) = idempotency {
        sqlx::query(
            "UPDATE idempotency_keys SET state = 'done', response = $1 WHERE owner = $2 AND key = $3",
        )
        .bind(to_json(&case)?)
        .bind(owner)
        .bind(key)
        .execute(portal.db().pool())
        .await?;
    }
    Ok(case)
}

/// 撤回: the applicant takes a submitted case back before it is accepted.
pub async fn withdraw(
    portal: &Portal,
    session: &Session,
    id_or_case_no: &str,
) -> Result<ApplicationView> {
    let application = load_owned(portal, session, id_or_case_no).await?;
    let now = portal.now();
    let mut tx = portal.db().begin_write().await?;
    let moved = sqlx::query(
        "UPDATE applications SET state = 'withdrawn', updated_at = $1 WHERE id = $2 \
         AND state = 'submitted' RETURNING id",
    )
    .bind(stamp(now))
    .bind(&application.id)
    .fetch_optional(&mut *tx)
    .await?;
    if moved.is_none() {
        return Err(Error::Conflict {
            code: "cannot_withdraw",
            message: "只有已提交、尚未受理的申请可以撤回".into(),
        });
    }
    sqlx::query(
        "INSERT INTO case_events (application_id, seq, at, kind, text) \
         SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, 'withdrawn', '您已撤回申请，如需办理请重新提交。' \
         FROM case_events WHERE application_id = $1",
    )
    .bind(&application.id)
    .bind(stamp(now))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    view(
        portal,
        Stored {
            state: CaseState::Withdrawn,
            ..application
        },
    )
    .await
}

/// Housekeeping, safe to run on every instance at once: deletes drafts past their expiry and
/// idempotency keys older than two days (API.md promises at least 24 h). Returns how many drafts went.
pub async fn sweep(portal: &Portal) -> Result<u64> {
    let now = portal.now();
    let drafts =
        sqlx::query("DELETE FROM applications WHERE state = 'draft' AND draft_expires_at < $1")
            .bind(stamp(now))
            .execute(portal.db().pool())
            .await?
            .rows_affected();
    sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
        .bind(stamp(now - Duration::days(2)))
        .execute(portal.db().pool())
        .await?;
    Ok(drafts)
}

/// The case's timeline, oldest first.
pub async fn timeline(
    portal: &Portal,
    session: &Session,
    id_or_case_no: &str,
) -> Result<Vec<TimelineEvent>> {
    let application = load_owned(portal, session, id_or_case_no).await?;
    let rows = sqlx::query(
        "SELECT at, kind, text FROM case_events WHERE application_id = $1 ORDER BY seq",
    )
    .bind(&application.id)
    .fetch_all(portal.db().pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(TimelineEvent {
                at: minute(&row.try_get::<String, _>("at")?),
                kind: row.try_get("kind")?,
                text: row.try_get("text")?,
            })
        })
        .collect()
}

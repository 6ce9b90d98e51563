//! Staff accounts and what only staff do in this issue: creating accounts and changing roles
//! (admins), enrolling the authenticator, looking a citizen up at the window (audited with a
//! purpose the citizen can read), and reading the audit log (supervisors, admins).

use crate::accounts::{StaffViewDetail, new_id};
use crate::audit::{self, NewEntry};
use crate::auth::session::{activate, person_name, staff_principal};
use crate::auth::{Session, StaffPrincipal, Stage, hash_password};
use crate::clock::{stamp, stored_instant};
use crate::{Error, Portal, Result};
use domain::account::{CitizenRecord, NewStaff, StaffRole, StaffScope, StaffView};
use domain::identity::{IdNumber, Phone};
use domain::paging::{Page, PageRequest};
use domain::totp;
use sqlx::Row;
use sqlx::any::AnyRow;

/// Who created a staff account: an administrator's session, or the operator's command line —
/// both set a one-time password the member replaces at first login — or the demo data, whose
/// published password stays (demo accounts exist only there).
pub enum Creator<'a> {
    Admin(&'a Session),
    CommandLine,
    DemoData,
}

/// Which staff roles may use a capability. Use cases check it; REST adapters check the same list
/// before reading a request body, so a refusal never reveals what a body should look like.
pub trait Capability {
    const ROLES: &'static [StaffRole];
}

/// Creating staff accounts and changing roles.
pub struct ManageStaff;
impl Capability for ManageStaff {
    const ROLES: &'static [StaffRole] = &[StaffRole::Admin];
}

/// Reading the staff list and the audit log.
pub struct Oversee;
impl Capability for Oversee {
    const ROLES: &'static [StaffRole] = &[StaffRole::Admin, StaffRole::Supervisor];
}

/// Looking a citizen up at the window (audited).
pub struct LookUpCitizen;
impl Capability for LookUpCitizen {
    const ROLES: &'static [StaffRole] = &[
        StaffRole::Clerk,
        StaffRole::Approver,
        StaffRole::Issuer,
        StaffRole::Supervisor,
    ];
}

/// The front desk's case actions (一窗受理): 受理, 容缺受理, 不予受理 and 补正 notices.
pub struct Intake;
impl Capability for Intake {
    const ROLES: &'static [StaffRole] = &[StaffRole::Clerk];
}

/// The department's steps (后台分类审批): review, 特别程序, 一车勘验, decisions and revocation.
pub struct Review;
impl Capability for Review {
    const ROLES: &'static [StaffRole] = &[StaffRole::Approver];
}

/// 电子监察: the warning and overdue lists across every scope, and 催办.
pub struct Supervise;
impl Capability for Supervise {
    const ROLES: &'static [StaffRole] = &[StaffRole::Supervisor];
}

/// Creates a staff account; the new member enrols the authenticator at first login.
pub async fn create_staff(
    portal: &Portal,
    creator: Creator<'_>,
    new: &NewStaff,
) -> Result<StaffView> {
    let actor = match creator {
        Creator::Admin(session) => session.require_staff(ManageStaff::ROLES)?.staff_id.clone(),
        Creator::CommandLine | Creator::DemoData => String::new(),
    };
    let one_time_password = !matches!(creator, Creator::DemoData);
    let valid = new.validate().map_err(Error::Invalid)?;
    check_scope_exists(portal, &valid.scope).await?;
    let hash = hash_password(portal, &valid.password).await?;
    let id = new_id("s");
    let now = stamp(portal.now());
    let mut tx = portal.db().begin_write().await?;
    let inserted = sqlx::query(
        "INSERT INTO staff (id, username, name, role, hall_id, zone, department_code, \
         password_hash, status, created_at, password_change_required) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $10) \
         ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(&id)
    .bind(&valid.username)
    .bind(valid.name.expose())
    .bind(valid.role.as_str())
    .bind(valid.scope.hall_id())
    .bind(valid.scope.zone().map(|zone| zone.as_str()))
    .bind(valid.scope.department())
    .bind(&hash)
    .bind(&now)
    .bind(i32::from(one_time_password))
    .fetch_optional(&mut *tx)
    .await?;
    if inserted.is_none() {
        return Err(Error::Conflict {
            code: "username_taken",
            message: "该用户名已被使用".into(),
        });
    }
    let actor = if actor.is_empty() {
        "system:cli".to_owned()
    } else {
        format!("staff:{actor}")
    };
    let detail = format!("创建工作人员账号，角色：{}", valid.role.label());
    audit::append(
        &mut tx,
        NewEntry {
            actor: &actor,
            action: "staff.created",
            subject: &format!("staff:{id}"),
            detail: &detail,
        },
        &now,
    )
    .await?;
    tx.commit().await?;
    Ok(StaffView {
        id,
        username: valid.username,
        name_masked: valid.name.masked(),
        role: valid.role,
        role_label: valid.role.label().into(),
        scope: valid.scope,
        totp_enrolled: false,
        active: true,
    })
}

async fn check_scope_exists(portal: &Portal, scope: &StaffScope) -> Result<()> {
    let pool = portal.db().pool();
    match scope {
        StaffScope::Zone { hall_id, .. } => {
            let found = sqlx::query("SELECT id FROM halls WHERE id = $1")
                .bind(hall_id)
                .fetch_optional(pool)
                .await?;
            if found.is_none() {
                return Err(Error::invalid("hall_id", "大厅不存在"));
            }
        }
        StaffScope::Department { department } => {
            let found = sqlx::query("SELECT code FROM departments WHERE code = $1")
                .bind(department)
                .fetch_optional(pool)
                .await?;
            if found.is_none() {
                return Err(Error::invalid("department", "部门不存在"));
            }
        }
        StaffScope::Platform => {}
    }
    Ok(())
}

/// Every staff account, for administrators and supervisors.
pub async fn list_staff(portal: &Portal, session: &Session) -> Result<Vec<StaffView>> {
    session.require_staff(Oversee::ROLES)?;
    let rows = sqlx::query(
        "SELECT id, username, name, role, hall_id, zone, department_code, totp_secret, status \
         FROM staff ORDER BY username",
    )
    .fetch_all(portal.db().pool())
    .await?;
    rows.iter().map(staff_view).collect()
}

fn staff_view(row: &AnyRow) -> Result<StaffView> {
    let staff = staff_principal(row)?;
    Ok(StaffView {
        id: staff.staff_id,
        username: staff.username,
        name_masked: staff.name.masked(),
        role: staff.role,
        role_label: staff.role.label().into(),
        scope: staff.scope,
        totp_enrolled: row.try_get::<Option<String>, _>("totp_secret")?.is_some(),
        active: row.try_get::<String, _>("status")? == "active",
    })
}

/// Changes a staff member's role and scope (admins only); their sessions end so the new rights
/// apply from the next login.
pub async fn change_role(
    portal: &Portal,
    session: &Session,
    staff_id: &str,
    role: &str,
    hall_id: Option<&str>,
    zone: Option<&str>,
    department: Option<&str>,
) -> Result<StaffView> {
    let admin = session.require_staff(ManageStaff::ROLES)?;
    let role =
        StaffRole::parse(role.trim()).ok_or_else(|| Error::invalid("role", "请选择岗位角色"))?;
    let scope = StaffScope::for_role(role, hall_id, zone, department).map_err(Error::Invalid)?;
    check_scope_exists(portal, &scope).await?;
    if admin.staff_id == staff_id && role != StaffRole::Admin {
        return Err(Error::Conflict {
            code: "cannot_demote_self",
            message: "不能取消自己的管理员角色".into(),
        });
    }
    let now = stamp(portal.now());
    let mut tx = portal.db().begin_write().await?;
    let row = sqlx::query(
        "UPDATE staff SET role = $1, hall_id = $2, zone = $3, department_code = $4 WHERE id = $5 \
         RETURNING id, username, name, role, hall_id, zone, department_code, totp_secret, status",
    )
    .bind(role.as_str())
    .bind(scope.hall_id())
    .bind(scope.zone().map(|zone| zone.as_str()))
    .bind(scope.department())
    .bind(staff_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(Error::NotFound("没有找到该工作人员"))?;
    let detail = format!("角色调整为：{}", role.label());
    audit::append(
        &mut tx,
        NewEntry {
            actor: &session.principal.audit_actor(),
            action: "staff.role_changed",
            subject: &format!("staff:{staff_id}"),
            detail: &detail,
        },
        &now,
    )
    .await?;
    sqlx::query(
        "UPDATE sessions SET revoked_at = $1 WHERE account_kind = 'staff' AND account_id = $2 \
         AND revoked_at IS NULL",
    )
    .bind(&now)
    .bind(staff_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    staff_view(&row)
}

/// What the enrolment page shows: the secret to type and the URI to scan.
pub struct Enrolment {
    pub secret: String,
    pub uri: String,
}

/// Starts (or shows again) authenticator enrolment for a staff session that needs it, once the
/// one-time initial password has been replaced (403 `password_change_required` before).
pub async fn begin_totp_enrolment(portal: &Portal, session: &Session) -> Result<Enrolment> {
    let staff = enrolling_staff(portal, session).await?;
    let row = sqlx::query("SELECT totp_pending FROM sessions WHERE token_hash = $1")
        .bind(&session.token_hash)
        .fetch_one(portal.db().pool())
        .await?;
    let secret = match row.try_get::<Option<String>, _>("totp_pending")? {
        Some(secret) => secret,
        None => {
            let mut bytes = [0u8; totp::SECRET_BYTES];
            getrandom::fill(&mut bytes).map_err(anyhow::Error::from)?;
            let secret = totp::encode_secret(&bytes);
            sqlx::query("UPDATE sessions SET totp_pending = $1 WHERE token_hash = $2")
                .bind(&secret)
                .bind(&session.token_hash)
                .execute(portal.db().pool())
                .await?;
            secret
        }
    };
    let bytes = totp::decode_secret(&secret).ok_or_else(|| anyhow::anyhow!("pending secret"))?;
    Ok(Enrolment {
        uri: totp::otpauth_uri(&portal.site_info().portal_name, &staff.username, &bytes),
        secret,
    })
}

/// Finishes enrolment with a code from the authenticator; the session becomes a full one.
pub async fn confirm_totp(portal: &Portal, session: &Session, code: &str) -> Result<()> {
    let staff = enrolling_staff(portal, session).await?;
    let row = sqlx::query("SELECT totp_pending FROM sessions WHERE token_hash = $1")
        .bind(&session.token_hash)
        .fetch_one(portal.db().pool())
        .await?;
    let secret: String = row
        .try_get::<Option<String>, _>("totp_pending")?
        .ok_or_else(|| Error::invalid("code", "请先打开绑定页面获取密钥"))?;
    let bytes = totp::decode_secret(&secret).ok_or_else(|| anyhow::anyhow!("pending secret"))?;
    let step = totp::verify(&bytes, code, portal.now().unix_timestamp() as u64, None)
        .ok_or_else(|| Error::invalid("code", "动态口令不正确，请核对手机时间后重试"))?;
    let now = stamp(portal.now());
    let mut tx = portal.db().begin_write().await?;
    // Bound once: a second session of the same login (opened before the password change)
    // cannot put its own secret over the first.
    let bound = sqlx::query(
        "UPDATE staff SET totp_secret = $1, totp_last_step = $2 WHERE id = $3 \
         AND totp_secret IS NULL",
    )
    .bind(&secret)
    .bind(step as i64)
    .bind(&staff.staff_id)
    .execute(&mut *tx)
    .await?;
    if bound.rows_affected() == 0 {
        return Err(Error::Conflict {
            code: "totp_already_enrolled",
            message: "动态口令已绑定".into(),
        });
    }
    audit::append(
        &mut tx,
        NewEntry {
            actor: &session.principal.audit_actor(),
            action: "totp.enrolled",
            subject: &session.principal.audit_actor(),
            detail: "绑定动态口令",
        },
        &now,
    )
    .await?;
    tx.commit().await?;
    activate(portal, session).await
}

/// The staff member a session in enrolment belongs to, once their own password is set.
async fn enrolling_staff<'a>(
    portal: &Portal,
    session: &'a Session,
) -> Result<&'a crate::auth::StaffPrincipal> {
    let staff = match (&session.principal, session.stage) {
        (crate::auth::Principal::Staff(staff), Stage::TotpEnrolment) => staff,
        _ => {
            return Err(Error::Conflict {
                code: "totp_already_enrolled",
                message: "动态口令已绑定".into(),
            });
        }
    };
    let must_change: i32 = sqlx::query("SELECT password_change_required FROM staff WHERE id = $1")
        .bind(&staff.staff_id)
        .fetch_one(portal.db().pool())
        .await?
        .try_get("password_change_required")?;
    if must_change != 0 {
        return Err(PASSWORD_CHANGE_REQUIRED);
    }
    Ok(staff)
}

/// The answer while a staff member still has the initial password an admin gave them.
pub const PASSWORD_CHANGE_REQUIRED: Error = Error::Forbidden {
    code: "password_change_required",
    message: "首次登录请先修改初始密码，再绑定动态口令",
};

/// Looks a citizen up by ID number (一窗受理: the clerk checks who stands at the window). Every
/// lookup is audited with the stated purpose: one that finds someone under that citizen (who
/// sees it), one that finds nobody under the staff member with the number masked, since trying
/// numbers until one answers is exactly what the audit must show.
pub async fn look_up_citizen(
    portal: &Portal,
    session: &Session,
    id_number: &str,
    purpose: &str,
) -> Result<CitizenRecord> {
    let staff = session.require_staff(LookUpCitizen::ROLES)?;
    let purpose = purpose.trim();
    let mut errors = domain::errors::FieldErrors::new();
    let id = IdNumber::parse(id_number, crate::clock::today_at(portal.now()))
        .map_err(|e| errors.add("id_number", e.to_string()))
        .ok();
    if !(2..=100).contains(&purpose.chars().count()) {
        errors.add("purpose", "请说明查询事由（2至100字）");
    }
    let Some(id) = id.filter(|_| errors.is_empty()) else {
        return Err(Error::Invalid(errors));
    };
    let row = sqlx::query(
        "SELECT id, id_number, name, phone, contact_phone, address FROM citizens \
         WHERE id_number = $1",
    )
    .bind(id.expose())
    .fetch_optional(portal.db().pool())
    .await?;
    let Some(row) = row else {
        let actor = session.principal.audit_actor();
        let detail = format!("查询公民信息未找到：{}；事由：{purpose}", id.masked());
        let mut tx = portal.db().begin_write().await?;
        audit::append(
            &mut tx,
            NewEntry {
                actor: &actor,
                action: "staff.lookup_not_found",
                subject: &actor,
                detail: &detail,
            },
            &stamp(portal.now()),
        )
        .await?;
        tx.commit().await?;
        return Err(Error::NotFound("没有找到该公民的注册信息"));
    };
    let citizen_id: String = row.try_get("id")?;
    record_staff_view(portal, session, staff, &citizen_id, "staff.view", purpose).await?;
    let login_phone: Option<String> = row.try_get("phone")?;
    let offline = login_phone.is_none();
    let phone = login_phone
        .or(row.try_get("contact_phone")?)
        .and_then(|phone| Phone::parse(&phone).ok());
    Ok(CitizenRecord {
        citizen_id,
        name: person_name(row.try_get("name")?)?.expose().to_owned(),
        id_number_masked: id.masked(),
        phone_masked: phone.map_or_else(|| "未留电话".to_owned(), |phone| phone.masked()),
        address: row.try_get("address")?,
        offline,
    })
}

/// Records a staff member's read of a person's record (the window's lookup before 窗口收件) in
/// their 谁查看了我的信息.
pub(crate) async fn record_citizen_view(
    portal: &Portal,
    session: &Session,
    staff: &StaffPrincipal,
    citizen_id: &str,
    purpose: &str,
) -> Result<()> {
    record_staff_view(portal, session, staff, citizen_id, "staff.view", purpose).await
}

/// Records a staff member's opening of a case's material in the applicant's 谁查看了我的信息.
pub(crate) async fn record_material_view(
    portal: &Portal,
    session: &Session,
    staff: &StaffPrincipal,
    owner_citizen_id: &str,
    purpose: &str,
) -> Result<()> {
    record_staff_view(
        portal,
        session,
        staff,
        owner_citizen_id,
        "staff.view_document",
        purpose,
    )
    .await
}

/// Records a staff member's read of a case in the applicant's 谁查看了我的信息.
pub(crate) async fn record_case_view(
    portal: &Portal,
    session: &Session,
    staff: &StaffPrincipal,
    owner_citizen_id: &str,
    case_no: &str,
) -> Result<()> {
    let purpose = format!("办理办件 {case_no}");
    record_staff_view(
        portal,
        session,
        staff,
        owner_citizen_id,
        "staff.view_case",
        &purpose,
    )
    .await
}

/// One audited staff read of a citizen's data (`action`: what was read), with the staff member
/// masked, their unit and the purpose, as the citizen will read it later.
pub(crate) async fn record_staff_view(
    portal: &Portal,
    session: &Session,
    staff: &StaffPrincipal,
    citizen_id: &str,
    action: &str,
    purpose: &str,
) -> Result<()> {
    let detail = serde_json::to_string(&StaffViewDetail {
        staff_name_masked: staff.name.masked(),
        unit: staff_unit(portal, &staff.scope).await?,
        purpose: purpose.to_owned(),
    })
    .map_err(anyhow::Error::from)?;
    let mut tx = portal.db().begin_write().await?;
    audit::append(
        &mut tx,
        NewEntry {
            actor: &session.principal.audit_actor(),
            action,
            subject: &format!("citizen:{citizen_id}"),
            detail: &detail,
        },
        &stamp(portal.now()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The department or hall zone a citizen sees next to a staff view.
async fn staff_unit(portal: &Portal, scope: &StaffScope) -> Result<String> {
    let pool = portal.db().pool();
    Ok(match scope {
        StaffScope::Zone { hall_id, zone } => {
            let hall: String = sqlx::query("SELECT name FROM halls WHERE id = $1")
                .bind(hall_id)
                .fetch_one(pool)
                .await?
                .try_get("name")?;
            format!("{hall}{}综合窗口", zone.label())
        }
        StaffScope::Department { department } => {
            sqlx::query("SELECT name FROM departments WHERE code = $1")
                .bind(department)
                .fetch_one(pool)
                .await?
                .try_get("name")?
        }
        StaffScope::Platform => "督查考核与平台管理".into(),
    })
}

/// One row of the audit log as supervisors read it.
#[derive(Clone, Debug, serde::Serialize)]
#[cfg_attr(feature = "testing", derive(serde::Deserialize))]
pub struct AuditRow {
    pub seq: i64,
    pub at: domain::instant::Instant,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

/// One page of the audit log, newest first (supervisors and admins).
pub async fn audit_log(
    portal: &Portal,
    session: &Session,
    paging: PageRequest,
) -> Result<Page<AuditRow>> {
    session.require_staff(Oversee::ROLES)?;
    let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM audit_log")
        .fetch_one(portal.db().pool())
        .await?
        .try_get("n")?;
    let rows = sqlx::query(
        "SELECT seq, at, actor, action, subject, detail FROM audit_log ORDER BY seq DESC \
         LIMIT $1 OFFSET $2",
    )
    .bind(paging.limit())
    .bind(paging.offset())
    .fetch_all(portal.db().pool())
    .await?;
    let entries = rows
        .iter()
        .map(|row| {
            let at: String = row.try_get("at")?;
            Ok(AuditRow {
                seq: row.try_get("seq")?,
                at: stored_instant(&at)?,
                actor: row.try_get("actor")?,
                action: row.try_get("action")?,
                subject: row.try_get("subject")?,
                detail: row.try_get("detail")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(entries, total as u64, paging))
}

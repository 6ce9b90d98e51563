//! Citizen and business accounts: registration, 一人一档 / 一企一档 profiles, 经办人 grants,
//! the audited reveal of the full ID number, password changes, and the citizen's view of who
//! looked at their data.

use crate::audit::{self, NewEntry};
use crate::auth::{self, Session, hash_password, random_token, session::person_name};
use crate::clock::{stamp, stored_instant, today_at};
use crate::{Error, Portal, Result};
use domain::account::{
    AccessLogEntry, ActingForView, AgencyView, AgentView, BusinessAccount, BusinessProfile,
    BusinessSignup, CitizenAccount, CitizenProfile, CitizenSignup, ValidCitizenSignup,
};
use domain::identity::{IdNumber, PersonName, Phone};
use domain::paging::{Page, PageRequest};
use domain::password;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

/// Registers a citizen; returns the new account's id.
pub async fn register_citizen(
    portal: &Portal,
    signup: &CitizenSignup,
    address: &str,
) -> Result<String> {
    auth::throttle(portal, "register", address).await?;
    register_citizen_unthrottled(portal, signup).await
}

/// [`register_citizen`] without the per-address limit, for seeding.
pub(crate) async fn register_citizen_unthrottled(
    portal: &Portal,
    signup: &CitizenSignup,
) -> Result<String> {
    let today = today_at(portal.now());
    let valid = signup.validate(today, "").map_err(Error::Invalid)?;
    let password_hash = hash_password(portal, &valid.password).await?;
    let mut tx = portal.db().begin_write().await?;
    let id = insert_citizen(&mut tx, portal, &valid, &password_hash).await?;
    tx.commit().await?;
    Ok(id)
}

/// Registers a business; the signed-in citizen who asks becomes its first, administrating
/// 经办人. (Naming someone else by ID number and password would check that password outside
/// the login lockout.) Returns the new business's id.
pub async fn register_business(
    portal: &Portal,
    session: &Session,
    signup: &BusinessSignup,
    address: &str,
) -> Result<String> {
    let agent_id = session.require_citizen()?.citizen_id.clone();
    auth::throttle(portal, "register", address).await?;
    register_business_unthrottled(portal, &agent_id, signup).await
}

/// [`register_business`] without the per-address limit, for seeding.
pub(crate) async fn register_business_unthrottled(
    portal: &Portal,
    agent_id: &str,
    signup: &BusinessSignup,
) -> Result<String> {
    let valid = signup.validate().map_err(Error::Invalid)?;
    let now = stamp(portal.now());
    let mut tx = portal.db().begin_write().await?;
    let business_id = new_id("b");
    let inserted = sqlx::query(
        "INSERT INTO businesses (id, credit_code, org_name, legal_rep_name, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(&business_id)
    .bind(valid.credit_code.as_str())
    .bind(&valid.org_name)
    .bind(valid.legal_rep_name.expose())
    .bind(&now)
    .fetch_optional(&mut *tx)
    .await?;
    if inserted.is_none() {
        return Err(Error::Conflict {
            code: "credit_code_taken",
            message: "该统一社会信用代码已注册。如需代办，请联系该单位的管理经办人为您授权".into(),
        });
    }
    sqlx::query(
        "INSERT INTO business_agents (business_id, citizen_id, agent_role, granted_by, granted_at) \
         VALUES ($1, $2, 'admin', 'registration', $3)",
    )
    .bind(&business_id)
    .bind(agent_id)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    let actor = format!("citizen:{agent_id}");
    audit::append(
        &mut tx,
        NewEntry {
            actor: &actor,
            action: "business.registered",
            subject: &format!("business:{business_id}"),
            detail: "法人注册，注册人为管理经办人",
        },
        &now,
    )
    .await?;
    tx.commit().await?;
    Ok(business_id)
}

async fn insert_citizen(
    tx: &mut Transaction<'static, Any>,
    portal: &Portal,
    citizen: &ValidCitizenSignup,
    password_hash: &str,
) -> Result<String> {
    let id = new_id("c");
    let now = stamp(portal.now());
    // ON CONFLICT DO NOTHING instead of catching the violation: the same statement on both
    // engines, and a race between two registrations still ends in exactly one row.
    let inserted = sqlx::query(
        "INSERT INTO citizens (id, id_number, name, phone, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(&id)
    .bind(citizen.id_number.expose())
    .bind(citizen.name.expose())
    .bind(citizen.phone.expose())
    .bind(password_hash)
    .bind(&now)
    .fetch_optional(&mut **tx)
    .await?;
    if inserted.is_none() {
        if let Some(id) = take_over_offline_record(tx, citizen, password_hash, &now).await? {
            return Ok(id);
        }
        let id_taken = sqlx::query("SELECT 1 AS taken FROM citizens WHERE id_number = $1")
            .bind(citizen.id_number.expose())
            .fetch_optional(&mut **tx)
            .await?
            .is_some();
        return Err(if id_taken {
            Error::Conflict {
                code: "id_number_taken",
                message: "该公民身份号码已注册，请直接登录".into(),
            }
        } else {
            Error::Conflict {
                code: "phone_taken",
                message: "该手机号码已被其他账号使用，请更换手机号码".into(),
            }
        });
    }
    let actor = format!("citizen:{id}");
    audit::append(
        tx,
        NewEntry {
            actor: &actor,
            action: "account.registered",
            subject: &actor,
            detail: "个人注册",
        },
        &now,
    )
    .await?;
    Ok(id)
}

/// A registration for a person a clerk recorded at a window (an offline record, no login)
/// takes the record over when it brings the 网上激活码 the window handed them and the name on the
/// record: the row becomes the account and keeps the cases and messages made for it. Name and
/// phone alone are facts others may know; the code was given to the person on paper. None when
/// the ID number is not an offline record's.
async fn take_over_offline_record(
    tx: &mut Transaction<'static, Any>,
    citizen: &ValidCitizenSignup,
    password_hash: &str,
    now: &str,
) -> Result<Option<String>> {
    let Some(record) = sqlx::query(
        "SELECT id, name, activation_code_hash FROM citizens \
         WHERE id_number = $1 AND phone IS NULL",
    )
    .bind(citizen.id_number.expose())
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(None);
    };
    let code_hash = (!citizen.activation_code.is_empty())
        .then(|| activation_code_hash(&citizen.activation_code));
    let matches = record.try_get::<String, _>("name")? == citizen.name.expose()
        && code_hash.is_some()
        && record.try_get::<Option<String>, _>("activation_code_hash")? == code_hash;
    if !matches {
        return Err(Error::Conflict {
            code: "id_number_taken",
            message: "该公民身份号码已在服务大厅登记。请填写窗口出具的网上激活码和登记时的姓名；没有激活码的，请携带身份证到任一服务大厅窗口办理".into(),
        });
    }
    let phone_taken = sqlx::query("SELECT 1 AS taken FROM citizens WHERE phone = $1")
        .bind(citizen.phone.expose())
        .fetch_optional(&mut **tx)
        .await?
        .is_some();
    if phone_taken {
        return Err(Error::Conflict {
            code: "phone_taken",
            message: "该手机号码已被其他账号使用，请更换手机号码".into(),
        });
    }
    let id: String = record.try_get("id")?;
    // Only the row still offline moves: of two registrations racing with the code, one wins.
    let moved = sqlx::query(
        "UPDATE citizens SET phone = $1, password_hash = $2, taken_over_at = $3, \
         activation_code_hash = NULL, failed_logins = 0, locked_until = NULL \
         WHERE id = $4 AND phone IS NULL RETURNING id",
    )
    .bind(citizen.phone.expose())
    .bind(password_hash)
    .bind(now)
    .bind(&id)
    .fetch_optional(&mut **tx)
    .await?;
    if moved.is_none() {
        return Err(Error::Conflict {
            code: "id_number_taken",
            message: "该公民身份号码已注册，请直接登录".into(),
        });
    }
    let actor = format!("citizen:{id}");
    audit::append(
        tx,
        NewEntry {
            actor: &actor,
            action: "account.took_over",
            subject: &actor,
            detail: "个人注册，凭网上激活码承接窗口线下登记的档案",
        },
        now,
    )
    .await?;
    Ok(Some(id))
}

/// How an activation code is kept: its SHA-256, over the code as [`domain::account::activation_code`]
/// normalises it.
pub(crate) fn activation_code_hash(code: &str) -> String {
    use sha2::{Digest, Sha256};
    data_encoding::HEXLOWER.encode(&Sha256::digest(
        domain::account::activation_code(code).as_bytes(),
    ))
}

/// An opaque, unguessable account id (`c_…` citizens, `b_…` businesses, `s_…` staff).
pub(crate) fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", random_token(12))
}

/// 我的: the caller's own account, masked where shoulder-surfing matters.
pub async fn citizen_account(portal: &Portal, session: &Session) -> Result<CitizenAccount> {
    let citizen = session.require_citizen()?;
    let row = sqlx::query(
        "SELECT id_number, name, phone, address, postal_code, email, created_at FROM citizens \
         WHERE id = $1",
    )
    .bind(&citizen.citizen_id)
    .fetch_one(portal.db().pool())
    .await?;
    let id_number = stored_id_number(&row)?;
    let phone = row
        .try_get::<Option<String>, _>("phone")?
        .and_then(|phone| Phone::parse(&phone).ok())
        .ok_or_else(|| anyhow::anyhow!("a signed-in citizen has a login phone"))?;
    let businesses = sqlx::query(
        "SELECT b.id, b.credit_code, b.org_name, a.agent_role FROM business_agents a \
         JOIN businesses b ON b.id = a.business_id \
         WHERE a.citizen_id = $1 AND a.revoked_at IS NULL ORDER BY b.org_name",
    )
    .bind(&citizen.citizen_id)
    .fetch_all(portal.db().pool())
    .await?
    .iter()
    .map(|row| {
        Ok(AgencyView {
            business_id: row.try_get("id")?,
            credit_code: row.try_get("credit_code")?,
            org_name: row.try_get("org_name")?,
            is_admin: row.try_get::<String, _>("agent_role")? == "admin",
        })
    })
    .collect::<Result<Vec<_>>>()?;
    Ok(CitizenAccount {
        name: row.try_get("name")?,
        id_number_masked: id_number.masked(),
        phone_masked: phone.masked(),
        profile: CitizenProfile {
            address: row.try_get("address")?,
            postal_code: row.try_get("postal_code")?,
            email: row.try_get("email")?,
        },
        businesses,
        acting_for: citizen.acting_for.as_ref().map(|acting| ActingForView {
            business_id: acting.business_id.clone(),
            org_name: acting.org_name.clone(),
            is_admin: acting.is_admin,
        }),
        registered_at: stored_instant(&row.try_get::<String, _>("created_at")?)?,
    })
}

fn stored_id_number(row: &AnyRow) -> Result<IdNumber> {
    let text: String = row.try_get("id_number")?;
    // Parsed as of a far date: a stored number was valid when registered.
    IdNumber::parse(&text, time::macros::date!(9999 - 12 - 31))
        .map_err(|_| anyhow::anyhow!("stored ID number does not parse").into())
}

/// Saves 一人一档 and records the change.
pub async fn update_citizen_profile(
    portal: &Portal,
    session: &Session,
    profile: &CitizenProfile,
) -> Result<CitizenProfile> {
    let citizen = session.require_citizen()?;
    let profile = profile.validate().map_err(Error::Invalid)?;
    let mut tx = portal.db().begin_write().await?;
    sqlx::query("UPDATE citizens SET address = $1, postal_code = $2, email = $3 WHERE id = $4")
        .bind(&profile.address)
        .bind(&profile.postal_code)
        .bind(&profile.email)
        .bind(&citizen.citizen_id)
        .execute(&mut *tx)
        .await?;
    let actor = session.principal.audit_actor();
    audit::append(
        &mut tx,
        NewEntry {
            actor: &actor,
            action: "profile.updated",
            subject: &actor,
            detail: "本人修改个人档案（地址、邮编、邮箱）",
        },
        &stamp(portal.now()),
    )
    .await?;
    tx.commit().await?;
    Ok(profile)
}

/// The full ID number, for its owner, on explicit request; the request is audited.
pub async fn reveal_id_number(portal: &Portal, session: &Session) -> Result<String> {
    let citizen = session.require_citizen()?;
    let mut tx = portal.db().begin_write().await?;
    let row = sqlx::query("SELECT id_number FROM citizens WHERE id = $1")
        .bind(&citizen.citizen_id)
        .fetch_one(&mut *tx)
        .await?;
    let actor = session.principal.audit_actor();
    audit::append(
        &mut tx,
        NewEntry {
            actor: &actor,
            action: "profile.reveal",
            subject: &actor,
            detail: "本人查看完整公民身份号码",
        },
        &stamp(portal.now()),
    )
    .await?;
    tx.commit().await?;
    Ok(row.try_get("id_number")?)
}

/// Changes the caller's password after checking the current one; every other session ends.
pub async fn change_password(
    portal: &Portal,
    session: &Session,
    current: &str,
    new: &str,
) -> Result<u64> {
    type PasswordRule = fn(&str) -> Result<(), &'static str>;
    let (table, id, check): (&str, String, PasswordRule) = match &session.principal {
        auth::Principal::Citizen(c) => ("citizens", c.citizen_id.clone(), password::check_citizen),
        auth::Principal::Staff(s) => ("staff", s.staff_id.clone(), password::check_staff),
    };
    if let Err(message) = check(new) {
        return Err(Error::invalid("new_password", message));
    }
    auth::login::confirm_password(portal, &session.principal, current).await?;
    if current == new {
        return Err(Error::invalid("new_password", "新密码不能与当前密码相同"));
    }
    let hash = hash_password(portal, new).await?;
    let mut tx = portal.db().begin_write().await?;
    // A staff member's own password replaces the one-time initial one.
    let also = if table == "staff" {
        ", password_change_required = 0"
    } else {
        ""
    };
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE {table} SET password_hash = $1{also} WHERE id = $2"
    )))
    .bind(&hash)
    .bind(&id)
    .execute(&mut *tx)
    .await?;
    let actor = session.principal.audit_actor();
    audit::append(
        &mut tx,
        NewEntry {
            actor: &actor,
            action: "password.changed",
            subject: &actor,
            detail: "修改密码，其他登录会话已退出",
        },
        &stamp(portal.now()),
    )
    .await?;
    tx.commit().await?;
    auth::revoke_all_except(portal, &session.principal, Some(session)).await
}

const INVALID_CHANGE_TICKET: Error = Error::Unauthenticated {
    code: "invalid_change_ticket",
    message: "修改密码的凭证无效或已过期，请重新登录",
};

/// The API's first login of a staff member whose password an admin or the command line set:
/// the login answered 403 `password_change_required` with a ticket (a session that opens
/// nothing else), and this replaces the one-time password. The password was checked at that
/// login, so it is not asked again. Every session of the account ends, the ticket too; the
/// authenticator is then bound on the staff login page.
pub async fn change_initial_password(portal: &Portal, ticket: &str, new: &str) -> Result<()> {
    let session = match auth::session::resolve_change_ticket(portal, ticket.trim()).await {
        Err(Error::Unauthenticated { .. }) => return Err(INVALID_CHANGE_TICKET),
        other => other?,
    };
    let auth::Principal::Staff(staff) = &session.principal else {
        return Err(INVALID_CHANGE_TICKET);
    };
    if let Err(message) = password::check_staff(new) {
        return Err(Error::invalid("new_password", message));
    }
    let initial: String = sqlx::query(
        "SELECT password_hash FROM staff WHERE id = $1 AND password_change_required = 1",
    )
    .bind(&staff.staff_id)
    .fetch_optional(portal.db().pool())
    .await?
    .ok_or(INVALID_CHANGE_TICKET)?
    .try_get("password_hash")?;
    if auth::password::admit(portal)
        .await?
        .verify_password(new, Some(&initial))
        .await?
    {
        return Err(Error::invalid("new_password", "新密码不能与初始密码相同"));
    }
    let hash = hash_password(portal, new).await?;
    let mut tx = portal.db().begin_write().await?;
    // Of two changes with one ticket, the first wins and the second finds nothing to change.
    let changed = sqlx::query(
        "UPDATE staff SET password_hash = $1, password_change_required = 0 \
         WHERE id = $2 AND password_change_required = 1",
    )
    .bind(&hash)
    .bind(&staff.staff_id)
    .execute(&mut *tx)
    .await?;
    if changed.rows_affected() == 0 {
        return Err(INVALID_CHANGE_TICKET);
    }
    // In the same transaction: no session (the ticket included) outlives the old password.
    sqlx::query(
        "UPDATE sessions SET revoked_at = $1 WHERE account_kind = 'staff' AND account_id = $2 \
         AND revoked_at IS NULL",
    )
    .bind(stamp(portal.now()))
    .bind(&staff.staff_id)
    .execute(&mut *tx)
    .await?;
    let actor = session.principal.audit_actor();
    audit::append(
        &mut tx,
        NewEntry {
            actor: &actor,
            action: "password.changed",
            subject: &actor,
            detail: "首次登录修改初始密码（接口），所有登录会话已退出",
        },
        &stamp(portal.now()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// 谁查看了我的信息 and the account's own sign-ins, newest first.
pub async fn access_log(
    portal: &Portal,
    session: &Session,
    paging: PageRequest,
) -> Result<Page<AccessLogEntry>> {
    let subject = session.principal.audit_actor();
    session.require_citizen()?;
    let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM audit_log WHERE subject = $1")
        .bind(&subject)
        .fetch_one(portal.db().pool())
        .await?
        .try_get("n")?;
    let rows = sqlx::query(
        "SELECT at, actor, action, detail FROM audit_log WHERE subject = $1 \
         ORDER BY seq DESC LIMIT $2 OFFSET $3",
    )
    .bind(&subject)
    .bind(paging.limit())
    .bind(paging.offset())
    .fetch_all(portal.db().pool())
    .await?;
    let entries = rows
        .iter()
        .map(|row| {
            let at: String = row.try_get("at")?;
            let actor: String = row.try_get("actor")?;
            let action: String = row.try_get("action")?;
            let detail: String = row.try_get("detail")?;
            let at = stored_instant(&at)?;
            Ok(match action.as_str() {
                "staff.view" | "staff.view_case" | "staff.view_document" => {
                    let view: StaffViewDetail = serde_json::from_str(&detail)
                        .map_err(|e| anyhow::anyhow!("{action} detail: {e}"))?;
                    AccessLogEntry {
                        at,
                        who: view.staff_name_masked,
                        unit: view.unit,
                        action: match action.as_str() {
                            "staff.view" => "查看个人信息",
                            "staff.view_document" => "查看申请材料",
                            _ => "查看办件",
                        }
                        .into(),
                        purpose: view.purpose,
                    }
                }
                _ => AccessLogEntry {
                    at,
                    who: if actor == subject {
                        "本人".into()
                    } else if actor == "anonymous" {
                        "未登录的访问者".into()
                    } else {
                        "系统".into()
                    },
                    unit: String::new(),
                    action: action_label(&action).into(),
                    purpose: detail,
                },
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(entries, total as u64, paging))
}

/// What a staff view of a citizen's data records, so the citizen can read it later without a
/// join that would change if the staff member moves department.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct StaffViewDetail {
    pub staff_name_masked: String,
    pub unit: String,
    pub purpose: String,
}

fn action_label(action: &str) -> &'static str {
    match action {
        "account.registered" => "注册账号",
        "login.succeeded" => "登录成功",
        "login.failed" => "登录失败",
        "account.locked" => "账号锁定",
        "profile.updated" => "修改个人档案",
        "profile.reveal" => "查看完整证件号码",
        "password.changed" => "修改密码",
        "agent.granted" => "获得单位经办授权",
        "agent.revoked" => "单位经办授权被撤销",
        _ => "其他操作",
    }
}

/// 一企一档 of the business the caller acts for.
pub async fn business_account(portal: &Portal, session: &Session) -> Result<BusinessAccount> {
    let acting = acting_business(session)?;
    let row = sqlx::query(
        "SELECT id, credit_code, org_name, legal_rep_name, registered_address, \
         registered_capital_fen, business_scope, contact_phone FROM businesses WHERE id = $1",
    )
    .bind(&acting.business_id)
    .fetch_one(portal.db().pool())
    .await?;
    let agents = sqlx::query(
        "SELECT c.id, c.name, c.phone, a.agent_role, a.granted_at FROM business_agents a \
         JOIN citizens c ON c.id = a.citizen_id \
         WHERE a.business_id = $1 AND a.revoked_at IS NULL ORDER BY a.granted_at",
    )
    .bind(&acting.business_id)
    .fetch_all(portal.db().pool())
    .await?
    .iter()
    .map(|row| {
        let name = person_name(row.try_get("name")?)?;
        let phone = Phone::parse(&row.try_get::<String, _>("phone")?)
            .map_err(|_| anyhow::anyhow!("stored phone does not parse"))?;
        let granted_at: String = row.try_get("granted_at")?;
        Ok(AgentView {
            citizen_id: row.try_get("id")?,
            name_masked: name.masked(),
            phone_masked: phone.masked(),
            is_admin: row.try_get::<String, _>("agent_role")? == "admin",
            granted_at: stored_instant(&granted_at)?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    Ok(BusinessAccount {
        business_id: row.try_get("id")?,
        credit_code: row.try_get("credit_code")?,
        org_name: row.try_get("org_name")?,
        legal_rep_name_masked: person_name(row.try_get("legal_rep_name")?)?.masked(),
        profile: BusinessProfile {
            registered_address: row.try_get("registered_address")?,
            registered_capital_fen: row.try_get("registered_capital_fen")?,
            business_scope: row.try_get("business_scope")?,
            contact_phone: row.try_get("contact_phone")?,
        },
        agents,
    })
}

/// The business the caller acts for as 经办人 (403 otherwise). REST adapters check it before
/// reading a body, as the use cases do.
pub fn acting_business(session: &Session) -> Result<&auth::ActingFor> {
    session
        .require_citizen()?
        .acting_for
        .as_ref()
        .ok_or(Error::Forbidden {
            code: "not_acting_for_business",
            message: "请先在“我的”页面选择要代办的单位",
        })
}

/// Saves 一企一档; any current 经办人 of the business may.
pub async fn update_business_profile(
    portal: &Portal,
    session: &Session,
    profile: &BusinessProfile,
) -> Result<BusinessProfile> {
    let acting = acting_business(session)?;
    let profile = profile.validate().map_err(Error::Invalid)?;
    let mut tx = portal.db().begin_write().await?;
    sqlx::query(
        "UPDATE businesses SET registered_address = $1, registered_capital_fen = $2, \
         business_scope = $3, contact_phone = $4 WHERE id = $5",
    )
    .bind(&profile.registered_address)
    .bind(profile.registered_capital_fen)
    .bind(&profile.business_scope)
    .bind(&profile.contact_phone)
    .bind(&acting.business_id)
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        NewEntry {
            actor: &session.principal.audit_actor(),
            action: "business.profile_updated",
            subject: &format!("business:{}", acting.business_id),
            detail: "经办人修改单位档案",
        },
        &stamp(portal.now()),
    )
    .await?;
    tx.commit().await?;
    Ok(profile)
}

/// Authorises a registered citizen as 经办人; only an administrating 经办人 may. The ID number
/// and name must both match the citizen's account, so a typo cannot authorise a stranger.
/// Because the answer confirms that a number and a name belong together, each try counts
/// against the granter's allowance and a miss is audited like a hit.
pub async fn grant_agent(
    portal: &Portal,
    session: &Session,
    id_number: &str,
    name: &str,
) -> Result<()> {
    let acting = require_agent_admin(session)?;
    let granter = session.require_citizen()?.citizen_id.clone();
    auth::throttle(portal, "grant_agent", &granter).await?;
    let today = today_at(portal.now());
    let mut errors = domain::errors::FieldErrors::new();
    let id = IdNumber::parse(id_number, today)
        .map_err(|e| errors.add("id_number", e.to_string()))
        .ok();
    let name = PersonName::parse(name)
        .map_err(|m| errors.add("name", m))
        .ok();
    let (Some(id), Some(name)) = (id, name) else {
        return Err(Error::Invalid(errors));
    };
    let citizen = sqlx::query(
        "SELECT id FROM citizens WHERE id_number = $1 AND name = $2 AND phone IS NOT NULL",
    )
    .bind(id.expose())
    .bind(name.expose())
    .fetch_optional(portal.db().pool())
    .await?;
    let now = stamp(portal.now());
    let mut tx = portal.db().begin_write().await?;
    let Some(citizen) = citizen else {
        let detail = format!(
            "为{}授权经办人：证件号码与姓名未找到一致的账号",
            acting.org_name
        );
        audit::append(
            &mut tx,
            NewEntry {
                actor: &session.principal.audit_actor(),
                action: "agent.lookup_failed",
                subject: &format!("business:{}", acting.business_id),
                detail: &detail,
            },
            &now,
        )
        .await?;
        tx.commit().await?;
        return Err(Error::invalid(
            "id_number",
            "没有找到证件号码与姓名一致的个人账号，请对方先完成个人注册",
        ));
    };
    let citizen_id: String = citizen.try_get("id")?;
    let changed = sqlx::query(
        "INSERT INTO business_agents (business_id, citizen_id, agent_role, granted_by, granted_at) \
         VALUES ($1, $2, 'agent', $3, $4) \
         ON CONFLICT (business_id, citizen_id) DO UPDATE SET revoked_at = NULL, \
           granted_by = excluded.granted_by, granted_at = excluded.granted_at \
         WHERE business_agents.revoked_at IS NOT NULL RETURNING citizen_id",
    )
    .bind(&acting.business_id)
    .bind(&citizen_id)
    .bind(&granter)
    .bind(&now)
    .fetch_optional(&mut *tx)
    .await?;
    if changed.is_none() {
        return Err(Error::Conflict {
            code: "already_an_agent",
            message: "此人已是本单位的经办人".into(),
        });
    }
    let detail = format!("授权为{}的经办人", acting.org_name);
    audit::append(
        &mut tx,
        NewEntry {
            actor: &session.principal.audit_actor(),
            action: "agent.granted",
            subject: &format!("citizen:{citizen_id}"),
            detail: &detail,
        },
        &now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Withdraws a 经办人's authorisation; the business always keeps one administrating 经办人.
pub async fn revoke_agent(portal: &Portal, session: &Session, citizen_id: &str) -> Result<()> {
    let acting = require_agent_admin(session)?;
    if session.require_citizen()?.citizen_id == citizen_id {
        return Err(Error::Conflict {
            code: "cannot_revoke_self",
            message: "不能撤销自己的管理经办人授权".into(),
        });
    }
    let now = stamp(portal.now());
    let mut tx = portal.db().begin_write().await?;
    let result = sqlx::query(
        "UPDATE business_agents SET revoked_at = $1 WHERE business_id = $2 AND citizen_id = $3 \
         AND revoked_at IS NULL",
    )
    .bind(&now)
    .bind(&acting.business_id)
    .bind(citizen_id)
    .execute(&mut *tx)
    .await?;
    if result.rows_affected() == 0 {
        return Err(Error::NotFound("没有找到该经办人"));
    }
    let detail = format!("撤销{}的经办授权", acting.org_name);
    audit::append(
        &mut tx,
        NewEntry {
            actor: &session.principal.audit_actor(),
            action: "agent.revoked",
            subject: &format!("citizen:{citizen_id}"),
            detail: &detail,
        },
        &now,
    )
    .await?;
    // Their sessions acting for this business drop back to personal on the next request.
    sqlx::query(
        "UPDATE sessions SET acting_for = NULL WHERE account_kind = 'citizen' \
         AND account_id = $1 AND acting_for = $2",
    )
    .bind(citizen_id)
    .bind(&acting.business_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// As [`acting_business`], for the business's administrating 经办人 only.
pub fn require_agent_admin(session: &Session) -> Result<&auth::ActingFor> {
    let acting = acting_business(session)?;
    if acting.is_admin {
        Ok(acting)
    } else {
        Err(Error::Forbidden {
            code: "agent_admin_only",
            message: "只有单位的管理经办人可以增减经办人",
        })
    }
}

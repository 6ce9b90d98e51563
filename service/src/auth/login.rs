//! Logging in: by ID number, phone, credit code plus 经办人, or staff user name; argon2id
//! password check; lockout after repeated failures; TOTP for staff; every outcome audited.
//!
//! Nothing here may tell an attacker more than "wrong". Failed logins are counted per login name
//! (phone, ID number, credit code with its 经办人, user name), whether or not an account has it:
//! an unknown name locks like a known one, and tries on one name say nothing about which other
//! names belong to the same person. A staff member's missing or wrong code answers like a wrong
//! password. A signed-in account's own password check ([`confirm_password`]) counts on the
//! account, which locks every name of it.
//!
//! A try is counted before its password is checked, and a success takes the count back: however
//! many tries arrive at once, no more than the threshold are ever checked per lock period.

use super::password;
use super::session::{Channel, NewSession, Stage, create, load_principal};
use super::throttle::{throttle, wait_text};
use crate::audit::{self, NewEntry};
use crate::clock::{parse_stamp, stamp};
use crate::{Error, Portal, Result};
use domain::account::LoginName;
use domain::identity::{IdNumber, Phone};
use domain::totp;
use sqlx::{Any, Row, Transaction};
use time::Duration;

/// What the login form or `POST /api/v1/auth/login` carries, plus where it came from.
pub struct LoginAttempt<'a> {
    /// ID number, phone, credit code or staff user name.
    pub account: &'a str,
    pub password: &'a str,
    /// With a credit code: the 经办人's ID number or phone.
    pub agent: Option<&'a str>,
    /// Staff only: the six-digit code from the authenticator.
    pub totp: Option<&'a str>,
    pub channel: Channel,
    /// The client's network address, for the per-address limit.
    pub address: &'a str,
    pub user_agent: &'a str,
    /// Which accounts this login door opens for.
    pub door: LoginDoor,
}

/// Where a login happens: the public login page is for citizens and businesses, the staff login
/// page for staff, the API for both (a Bearer token names its principal). An account at the wrong
/// door is turned away before its password is checked: no session, no audit entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginDoor {
    Public,
    Staff,
    Api,
}

const WRONG_CREDENTIALS: Error = Error::Unauthenticated {
    code: "invalid_credentials",
    message: "账号或密码错误",
};

/// A staff login's refusal names the code too, whatever was wrong: which part failed is
/// exactly what must not be told.
const WRONG_STAFF_CREDENTIALS: Error = Error::Unauthenticated {
    code: "invalid_credentials",
    message: "用户名、密码或动态口令错误",
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Table {
    Citizens,
    Staff,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Self::Citizens => "citizens",
            Self::Staff => "staff",
        }
    }

    fn kind(self) -> &'static str {
        match self {
            Self::Citizens => "citizen",
            Self::Staff => "staff",
        }
    }
}

/// The account whose password is being checked.
struct Credentials {
    table: Table,
    id: String,
    /// None for an offline person record, which nobody can log in as.
    password_hash: Option<String>,
    totp_secret: Option<String>,
    totp_last_step: Option<i64>,
    /// Staff only: the password was set by an admin or the command line.
    password_change_required: bool,
}

/// What a failed attempt counts against: the login name (by its digest) for a login, the
/// account for a signed-in account's password check.
enum Target<'a> {
    Account(&'a Credentials),
    Name { name_hash: String },
}

pub async fn login(portal: &Portal, attempt: LoginAttempt<'_>) -> Result<NewSession> {
    // A try is counted before its password is checked and audited after: the login runs to its
    // end in a task of its own, so a client that hangs up in between leaves no try unaudited.
    let owned = OwnedAttempt::from(&attempt);
    let portal = portal.clone();
    tokio::spawn(async move { log_in(&portal, owned.borrowed()).await })
        .await
        .map_err(anyhow::Error::from)?
}

/// A [`LoginAttempt`] that the login's own task holds.
struct OwnedAttempt {
    account: String,
    password: String,
    agent: Option<String>,
    totp: Option<String>,
    channel: Channel,
    address: String,
    user_agent: String,
    door: LoginDoor,
}

impl OwnedAttempt {
    fn from(attempt: &LoginAttempt<'_>) -> Self {
        Self {
            account: attempt.account.to_owned(),
            password: attempt.password.to_owned(),
            agent: attempt.agent.map(str::to_owned),
            totp: attempt.totp.map(str::to_owned),
            channel: attempt.channel,
            address: attempt.address.to_owned(),
            user_agent: attempt.user_agent.to_owned(),
            door: attempt.door,
        }
    }

    fn borrowed(&self) -> LoginAttempt<'_> {
        LoginAttempt {
            account: &self.account,
            password: &self.password,
            agent: self.agent.as_deref(),
            totp: self.totp.as_deref(),
            channel: self.channel,
            address: &self.address,
            user_agent: &self.user_agent,
            door: self.door,
        }
    }
}

async fn log_in(portal: &Portal, attempt: LoginAttempt<'_>) -> Result<NewSession> {
    throttle(portal, "login", attempt.address).await?;
    let today = crate::clock::today_at(portal.now());
    let name =
        LoginName::parse(attempt.account, today).map_err(|m| Error::invalid("account", m))?;
    match (attempt.door, &name) {
        (LoginDoor::Public, LoginName::StaffUsername(_)) => {
            return Err(Error::invalid("account", "工作人员请从工作人员登录页登录"));
        }
        (LoginDoor::Staff, LoginName::StaffUsername(_))
        | (LoginDoor::Public | LoginDoor::Api, _) => {}
        (LoginDoor::Staff, _) => {
            return Err(Error::invalid(
                "account",
                "个人和法人用户请从门户首页的“登录”进入",
            ));
        }
    }
    if attempt.password.is_empty() {
        return Err(Error::invalid("password", "请填写密码"));
    }
    // A credit-code login is its 经办人's login: their password is checked, and failures count on
    // their own phone or ID number, so neither another spelling of it nor another company's code
    // gives fresh tries.
    let counted = match &name {
        LoginName::CreditCode(_) => agent_name(attempt.agent, today)?,
        other => other.clone(),
    };
    let credentials = match &counted {
        LoginName::IdNumber(id) => citizen_by("id_number", id.expose(), portal).await?,
        LoginName::Phone(phone) => citizen_by("phone", phone.expose(), portal).await?,
        LoginName::StaffUsername(username) => staff_by("username", username, portal).await?,
        LoginName::CreditCode(_) => None,
    };
    // Someone who is not this company's 经办人 (or a company nobody registered) is no account for
    // this login: the answer must not say which companies use the portal, nor confirm the
    // citizen's password.
    let (credentials, acting_for) = match (&name, credentials) {
        (LoginName::CreditCode(code), Some(citizen)) => {
            match find_business(portal, code.as_str()).await? {
                Some(business_id)
                    if super::session::acting_for_business(portal, &citizen.id, &business_id)
                        .await?
                        .is_some() =>
                {
                    (Some(citizen), Some(business_id))
                }
                _ => (None, None),
            }
        }
        (_, credentials) => (credentials, None),
    };

    let now = portal.now();
    let wrong = match name {
        LoginName::StaffUsername(_) => WRONG_STAFF_CREDENTIALS,
        _ => WRONG_CREDENTIALS,
    };
    let target = Target::Name {
        name_hash: name_hash(&counted),
    };
    // Locked by failed logins on this name, or by the account's own password check (which
    // locks every name of it): told at once, without a core or a write. Under concurrency
    // `take_try` decides.
    let account_lock = match &credentials {
        Some(credentials) => lock_remaining(portal, &Target::Account(credentials)).await?,
        None => None,
    };
    if let Some(remaining) = lock_remaining(portal, &target).await?.max(account_lock) {
        return Err(locked(remaining));
    }
    // A core for the hash first (a busy answer costs no try), then the try, then the check.
    let admission = password::admit(portal).await?;
    let tries = take_try(portal, &target).await?;
    let password_ok = admission
        .verify_password(
            attempt.password,
            credentials
                .as_ref()
                .and_then(|c| c.password_hash.as_deref()),
        )
        .await?;
    let credentials = match credentials.as_ref() {
        Some(credentials) if password_ok => credentials,
        account => {
            return Err(record_failure(portal, &target, account, tries, "密码错误", wrong).await?);
        }
    };

    let mut stage = Stage::Active;
    let mut accepted_step = None;
    if credentials.table == Table::Staff {
        let code = attempt.totp.map(str::trim).filter(|t| !t.is_empty());
        match &credentials.totp_secret {
            // The API cannot show an authenticator to scan: that is the staff login page's.
            None if attempt.channel == Channel::Api && !credentials.password_change_required => {
                forget_tries_now(portal, &target).await?;
                return Err(Error::Forbidden {
                    code: "totp_not_enrolled",
                    message: "请先在工作人员登录页完成动态口令绑定",
                });
            }
            // First login: change the one-time password, then bind the authenticator. On the
            // API the enrolment session is the change ticket of `password-change`.
            None => stage = Stage::TotpEnrolment,
            Some(secret) => {
                let secret = totp::decode_secret(secret)
                    .ok_or_else(|| anyhow::anyhow!("stored TOTP secret is not base32"))?;
                let last = credentials.totp_last_step.map(|s| s as u64);
                match code
                    .and_then(|code| totp::verify(&secret, code, now.unix_timestamp() as u64, last))
                {
                    Some(step) => accepted_step = Some(step as i64),
                    None => {
                        return Err(record_failure(
                            portal,
                            &target,
                            Some(credentials),
                            tries,
                            "动态口令错误",
                            wrong,
                        )
                        .await?);
                    }
                }
            }
        }
    }

    let Some(principal) = load_principal(
        portal,
        credentials.table.kind(),
        &credentials.id,
        acting_for.as_deref(),
    )
    .await?
    else {
        // Disabled meanwhile: the password was right, so it costs no try.
        forget_tries_now(portal, &target).await?;
        return Err(WRONG_CREDENTIALS);
    };

    let mut tx = portal.db().begin_write().await?;
    // A login that succeeds starts its name's count again, and the account's.
    forget_tries(&mut tx, &target).await?;
    forget_tries(&mut tx, &Target::Account(credentials)).await?;
    if let Some(step) = accepted_step {
        // A code is good for one login: of two concurrent logins with the same code, the
        // second finds the step taken and fails like a wrong code.
        let taken = sqlx::query(
            "UPDATE staff SET totp_last_step = $1 WHERE id = $2 \
             AND (totp_last_step IS NULL OR totp_last_step < $1)",
        )
        .bind(step)
        .bind(&credentials.id)
        .execute(&mut *tx)
        .await?;
        if taken.rows_affected() == 0 {
            drop(tx);
            return Err(record_failure(
                portal,
                &target,
                Some(credentials),
                tries,
                "动态口令已使用",
                wrong,
            )
            .await?);
        }
    }
    let new_session = create(
        &mut *tx,
        portal,
        principal,
        attempt.channel,
        stage,
        attempt.user_agent,
    )
    .await?;
    let actor = new_session.session.principal.audit_actor();
    let detail = match (attempt.channel, stage) {
        (Channel::Web, Stage::TotpEnrolment) => "网页登录，待绑定动态口令",
        (Channel::Api, Stage::TotpEnrolment) => "接口登录，待修改初始密码",
        (Channel::Web, _) => "网页登录",
        (Channel::Api, _) => "接口登录（小程序）",
    };
    audit::append(
        &mut tx,
        NewEntry {
            actor: &actor,
            action: "login.succeeded",
            subject: &actor,
            detail,
        },
        &stamp(now),
    )
    .await?;
    tx.commit().await?;
    Ok(new_session)
}

/// Checks the password of the account behind `principal` (a password change, any later
/// re-authentication) under the login's lockout: a locked account is refused as at login, and a
/// wrong password counts toward the same threshold, so no endpoint is a way around it.
pub(crate) async fn confirm_password(
    portal: &Portal,
    principal: &super::Principal,
    password: &str,
) -> Result<()> {
    // In a task of its own, as a login: a counted try is always audited.
    let (portal, principal, password) = (portal.clone(), principal.clone(), password.to_owned());
    tokio::spawn(async move { confirm(&portal, &principal, &password).await })
        .await
        .map_err(anyhow::Error::from)?
}

async fn confirm(portal: &Portal, principal: &super::Principal, password: &str) -> Result<()> {
    let credentials = match principal {
        super::Principal::Citizen(citizen) => citizen_by("id", &citizen.citizen_id, portal).await?,
        super::Principal::Staff(staff) => staff_by("id", &staff.staff_id, portal).await?,
    }
    .ok_or(WRONG_CREDENTIALS)?;
    let target = Target::Account(&credentials);
    let admission = password::admit(portal).await?;
    let tries = take_try(portal, &target).await?;
    if admission
        .verify_password(password, credentials.password_hash.as_deref())
        .await?
    {
        // The try is taken back: a right password starts the count again, as a login does.
        forget_tries_now(portal, &target).await?;
        return Ok(());
    }
    let wrong = Error::invalid("current_password", "当前密码不正确");
    Err(record_failure(
        portal,
        &target,
        Some(&credentials),
        tries,
        "当前密码错误",
        wrong,
    )
    .await?)
}

/// How long the target stays locked, if it is locked now.
async fn lock_remaining(portal: &Portal, target: &Target<'_>) -> Result<Option<Duration>> {
    let (statement, key) = match target {
        Target::Account(credentials) => (
            format!(
                "SELECT locked_until FROM {} WHERE id = $1",
                credentials.table.name()
            ),
            credentials.id.as_str(),
        ),
        Target::Name { name_hash } => (
            "SELECT locked_until FROM login_name_failures WHERE name_hash = $1".to_owned(),
            name_hash.as_str(),
        ),
    };
    let locked_until = sqlx::query(sqlx::AssertSqlSafe(statement))
        .bind(key)
        .fetch_optional(portal.db().pool())
        .await?
        .map(|row| row.try_get::<Option<String>, _>("locked_until"))
        .transpose()?
        .flatten();
    let now = portal.now();
    Ok(locked_until
        .as_deref()
        .and_then(parse_stamp)
        .filter(|until| *until > now)
        .map(|until| until - now))
}

/// Counts one try against `target` before its password is checked, and returns how many tries
/// it now holds in a row; the try that reaches the threshold locks it, whatever its outcome, and
/// a success takes the count back. A locked target takes no try and is answered as locked.
///
/// One conditional statement per try: concurrent tries each count once, and a lock that has
/// run out starts the count again. A name's row is created by its first try.
async fn take_try(portal: &Portal, target: &Target<'_>) -> Result<i64> {
    let now = portal.now();
    let settings = portal.auth_settings();
    let lock_for = Duration::minutes(settings.lockout_minutes.into());
    let (statement, key) = match target {
        Target::Account(credentials) => (
            format!(
                "UPDATE {} SET \
                   failed_logins = CASE WHEN locked_until IS NULL THEN failed_logins + 1 ELSE 1 END, \
                   locked_until = CASE WHEN \
                     (CASE WHEN locked_until IS NULL THEN failed_logins + 1 ELSE 1 END) >= $3 \
                     THEN $4 END \
                 WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $2) \
                 RETURNING failed_logins",
                credentials.table.name()
            ),
            credentials.id.as_str(),
        ),
        Target::Name { name_hash } => (
            "INSERT INTO login_name_failures AS u \
               (name_hash, failures, locked_until, last_failed_at) \
             VALUES ($1, 1, CASE WHEN 1 >= $3 THEN $4 END, $2) \
             ON CONFLICT (name_hash) DO UPDATE SET \
               last_failed_at = $2, \
               failures = CASE WHEN u.locked_until IS NULL THEN u.failures + 1 ELSE 1 END, \
               locked_until = CASE WHEN \
                 (CASE WHEN u.locked_until IS NULL THEN u.failures + 1 ELSE 1 END) >= $3 \
                 THEN $4 END \
             WHERE u.locked_until IS NULL OR u.locked_until <= $2 \
             RETURNING failures AS failed_logins"
                .to_owned(),
            name_hash.as_str(),
        ),
    };
    let mut tx = portal.db().begin_write().await?;
    let taken = sqlx::query(sqlx::AssertSqlSafe(statement))
        .bind(key)
        .bind(stamp(now))
        .bind(i64::from(settings.lockout_threshold))
        .bind(stamp(now + lock_for))
        .fetch_optional(&mut *tx)
        .await?;
    tx.commit().await?;
    match taken {
        Some(row) => Ok(row.try_get("failed_logins")?),
        // Locked: by the row as read now, or (it ran out meanwhile) for a moment more.
        None => Err(locked(
            lock_remaining(portal, target)
                .await?
                .unwrap_or(Duration::seconds(1)),
        )),
    }
}

/// Audits a failed try (counted already by [`take_try`]) under `account` when the name has one,
/// and the lockout when this try reached it; returns the error to answer with: `wrong`, or the
/// lockout.
async fn record_failure(
    portal: &Portal,
    target: &Target<'_>,
    account: Option<&Credentials>,
    tries: i64,
    reason: &str,
    wrong: Error,
) -> Result<Error> {
    let now = portal.now();
    let settings = portal.auth_settings();
    let threshold = i64::from(settings.lockout_threshold);
    let subject = account.map_or_else(
        || "-".to_owned(),
        |credentials| format!("{}:{}", credentials.table.kind(), credentials.id),
    );
    let detail = match account {
        Some(_) => format!("{reason}（连续第{tries}次）"),
        None => "账号不存在".to_owned(),
    };
    // A signed-in account's own check is theirs; a login attempt is nobody's yet.
    let actor = match target {
        Target::Account(_) => subject.as_str(),
        Target::Name { .. } => "anonymous",
    };
    let mut tx = portal.db().begin_write().await?;
    audit::append(
        &mut tx,
        NewEntry {
            actor,
            action: "login.failed",
            subject: &subject,
            detail: &detail,
        },
        &stamp(now),
    )
    .await?;
    // Exactly one try reaches the threshold: that one records the lockout.
    if tries == threshold && account.is_some() {
        let detail = format!(
            "连续{tries}次登录失败，锁定{}分钟",
            settings.lockout_minutes
        );
        audit::append(
            &mut tx,
            NewEntry {
                actor: "system",
                action: "account.locked",
                subject: &subject,
                detail: &detail,
            },
            &stamp(now),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(if tries >= threshold {
        locked(Duration::minutes(settings.lockout_minutes.into()))
    } else {
        wrong
    })
}

/// A right password gives the target's tries back, whatever the login's outcome after it.
async fn forget_tries(tx: &mut Transaction<'_, Any>, target: &Target<'_>) -> Result<()> {
    let (statement, key) = match target {
        Target::Account(credentials) => (
            format!(
                "UPDATE {} SET failed_logins = 0, locked_until = NULL WHERE id = $1",
                credentials.table.name()
            ),
            credentials.id.as_str(),
        ),
        Target::Name { name_hash } => (
            "DELETE FROM login_name_failures WHERE name_hash = $1".to_owned(),
            name_hash.as_str(),
        ),
    };
    sqlx::query(sqlx::AssertSqlSafe(statement))
        .bind(key)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// [`forget_tries`] in a transaction of its own.
async fn forget_tries_now(portal: &Portal, target: &Target<'_>) -> Result<()> {
    let mut tx = portal.db().begin_write().await?;
    forget_tries(&mut tx, target).await?;
    tx.commit().await?;
    Ok(())
}

/// The digest a login name is counted under. It keeps the name out of the table's plain text,
/// though not from someone who tries every phone number: the rows are no secret store.
fn name_hash(name: &LoginName) -> String {
    let name = match name {
        LoginName::IdNumber(id) => format!("id:{}", id.expose()),
        LoginName::Phone(phone) => format!("phone:{}", phone.expose()),
        LoginName::CreditCode(code) => format!("business:{}", code.as_str()),
        LoginName::StaffUsername(username) => format!("staff:{username}"),
    };
    super::token_digest(&name)
}

/// The 经办人 a credit-code login names, by phone or ID number.
fn agent_name(agent: Option<&str>, today: time::Date) -> Result<LoginName> {
    let agent = agent
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .ok_or_else(|| Error::invalid("agent", "法人登录须填写经办人的公民身份号码或手机号码"))?;
    match Phone::parse(agent) {
        Ok(phone) => Ok(LoginName::Phone(phone)),
        Err(_) => IdNumber::parse(agent, today)
            .map(LoginName::IdNumber)
            .map_err(|e| Error::invalid("agent", e.to_string())),
    }
}

/// Forgets login-name counts whose lock (or, unlocked, whose last failure) is a lockout period
/// old, in the hourly housekeeping.
pub(super) async fn purge_name_failures(portal: &Portal) -> Result<u64> {
    let lockout = Duration::minutes(portal.auth_settings().lockout_minutes.into());
    let cutoff = stamp(portal.now() - lockout);
    let purged = sqlx::query(
        "DELETE FROM login_name_failures WHERE last_failed_at < $1 \
         AND (locked_until IS NULL OR locked_until < $1)",
    )
    .bind(cutoff)
    .execute(portal.db().pool())
    .await?;
    Ok(purged.rows_affected())
}

fn locked(remaining: Duration) -> Error {
    let retry_after_secs = remaining.whole_seconds().max(1) as u64;
    Error::RateLimited {
        code: "account_locked",
        message: format!(
            "密码连续错误次数过多，账号已临时锁定，请{}后再试",
            wait_text(retry_after_secs)
        ),
        retry_after_secs,
    }
}

/// The id of the business a credit-code login names, if one registered with it.
async fn find_business(portal: &Portal, credit_code: &str) -> Result<Option<String>> {
    sqlx::query("SELECT id FROM businesses WHERE credit_code = $1")
        .bind(credit_code)
        .fetch_optional(portal.db().pool())
        .await?
        .map(|row| Ok(row.try_get("id")?))
        .transpose()
}

async fn citizen_by(column: &str, value: &str, portal: &Portal) -> Result<Option<Credentials>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT id, password_hash FROM citizens WHERE {column} = $1"
    )))
    .bind(value)
    .fetch_optional(portal.db().pool())
    .await?;
    row.map(|row| {
        Ok(Credentials {
            table: Table::Citizens,
            id: row.try_get("id")?,
            password_hash: row.try_get("password_hash")?,
            totp_secret: None,
            totp_last_step: None,
            password_change_required: false,
        })
    })
    .transpose()
}

async fn staff_by(column: &str, value: &str, portal: &Portal) -> Result<Option<Credentials>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT id, password_hash, totp_secret, totp_last_step, \
         password_change_required FROM staff WHERE {column} = $1 AND status = 'active'"
    )))
    .bind(value)
    .fetch_optional(portal.db().pool())
    .await?;
    row.map(|row| {
        Ok(Credentials {
            table: Table::Staff,
            id: row.try_get("id")?,
            password_hash: row.try_get("password_hash")?,
            totp_secret: row.try_get("totp_secret")?,
            totp_last_step: row.try_get("totp_last_step")?,
            password_change_required: row.try_get::<i32, _>("password_change_required")? != 0,
        })
    })
    .transpose()
}

//! Sessions and tokens: one table for web sessions (cookie, idle and absolute timeout) and
//! mini-program tokens (Bearer, fixed lifetime). Both are revocable on the server.

use super::{ActingFor, CitizenPrincipal, Principal, StaffPrincipal, random_token, token_digest};
use crate::clock::{parse_stamp, stamp};
use crate::{Error, Portal, Result};
use domain::account::{ActingForView, PrincipalView, StaffRole, StaffScope};
use domain::catalog::Zone;
use domain::identity::PersonName;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};
use time::{Duration, OffsetDateTime};

/// How the caller holds its secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    /// The browser: an HttpOnly cookie, idle timeout, CSRF token for writes.
    Web,
    /// The mini-program and other API clients: `Authorization: Bearer`.
    Api,
}

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Api => "api",
        }
    }
}

/// Staff sessions start in enrolment until the second factor is set up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Active,
    /// Password checked, authenticator not yet enrolled: only the enrolment page is open. An
    /// API session in this stage is the ticket of a first password change and opens nothing
    /// but that.
    TotpEnrolment,
}

impl Stage {
    fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::TotpEnrolment => "totp_enrolment",
        }
    }
}

/// A resolved, current session: who is calling and how.
#[derive(Clone, Debug)]
pub struct Session {
    pub principal: Principal,
    pub channel: Channel,
    pub stage: Stage,
    /// Web forms echo this; a cookie-authenticated write without it is refused.
    pub csrf_token: String,
    pub expires_at: OffsetDateTime,
    pub(crate) token_hash: String,
}

/// What a login hands to the caller once: the secret itself is never stored.
#[derive(Clone, Debug)]
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
    pub expires_at: OffsetDateTime,
    pub session: Session,
}

/// One line of "active sessions" on the security page.
#[derive(Clone, Debug)]
pub struct SessionSummary {
    /// A public handle: the first characters of the stored digest.
    pub id: String,
    pub channel: Channel,
    pub user_agent: String,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub current: bool,
}

impl Session {
    /// The key space of this principal's `Idempotency-Key`s: a 经办人 acting for a business has
    /// one per business, so the same key there never replays a personal request.
    pub fn idempotency_scope(&self) -> String {
        match &self.principal {
            Principal::Citizen(CitizenPrincipal {
                citizen_id,
                acting_for: Some(acting),
                ..
            }) => format!("citizen:{citizen_id}@business:{}", acting.business_id),
            principal => principal.audit_actor(),
        }
    }

    /// The citizen behind this session; staff and unfinished logins are refused.
    pub fn require_citizen(&self) -> Result<&CitizenPrincipal> {
        match (&self.principal, self.stage) {
            (Principal::Citizen(citizen), Stage::Active) => Ok(citizen),
            _ => Err(Error::Forbidden {
                code: "citizen_only",
                message: "此功能仅供个人和法人用户使用",
            }),
        }
    }

    /// A staff member holding one of `roles`, with the second factor done.
    pub fn require_staff(&self, roles: &[StaffRole]) -> Result<&StaffPrincipal> {
        let Principal::Staff(staff) = &self.principal else {
            return Err(Error::Forbidden {
                code: "staff_only",
                message: "此功能仅供工作人员使用",
            });
        };
        if self.stage != Stage::Active {
            return Err(Error::Forbidden {
                code: "totp_required",
                message: "请先完成动态口令绑定",
            });
        }
        if roles.contains(&staff.role) {
            Ok(staff)
        } else {
            Err(Error::FORBIDDEN)
        }
    }

    /// The caller as they see themselves (their own name in full, everything else masked).
    pub fn view(&self) -> PrincipalView {
        match &self.principal {
            Principal::Citizen(citizen) => PrincipalView::Citizen {
                name: citizen.name.expose().to_owned(),
                name_masked: citizen.name.masked(),
                acting_for: citizen.acting_for.as_ref().map(|acting| ActingForView {
                    business_id: acting.business_id.clone(),
                    org_name: acting.org_name.clone(),
                    is_admin: acting.is_admin,
                }),
            },
            Principal::Staff(staff) => PrincipalView::Staff {
                username: staff.username.clone(),
                name: staff.name.expose().to_owned(),
                name_masked: staff.name.masked(),
                role: staff.role,
                role_label: staff.role.label().into(),
                scope: staff.scope.clone(),
                totp_done: self.stage == Stage::Active,
            },
        }
    }

    /// Public handle of this session (see [`SessionSummary::id`]).
    pub fn public_id(&self) -> &str {
        &self.token_hash[..16]
    }
}

/// How long the API's password-change ticket (a staff login's first, restricted token) lasts.
pub const CHANGE_TICKET_MINUTES: i64 = 10;

/// Starts a session for an account whose credentials were just checked.
pub(crate) async fn create<'e, E: Executor<'e, Database = Any>>(
    executor: E,
    portal: &Portal,
    principal: Principal,
    channel: Channel,
    stage: Stage,
    user_agent: &str,
) -> Result<NewSession> {
    let settings = portal.auth_settings();
    let now = portal.now();
    let lifetime = match (channel, stage) {
        (Channel::Web, _) => Duration::hours(settings.session_absolute_hours.into()),
        // An API login that must change its initial password first: the token is only the
        // ticket for that change.
        (Channel::Api, Stage::TotpEnrolment) => Duration::minutes(CHANGE_TICKET_MINUTES),
        (Channel::Api, Stage::Active) => Duration::hours(settings.api_token_hours.into()),
    };
    let expires_at = now + lifetime;
    let token = random_token(32);
    let csrf_token = random_token(24);
    let token_hash = token_digest(&token);
    let (kind, account_id, acting_for) = match &principal {
        Principal::Citizen(citizen) => (
            "citizen",
            citizen.citizen_id.clone(),
            citizen.acting_for.as_ref().map(|a| a.business_id.clone()),
        ),
        Principal::Staff(staff) => ("staff", staff.staff_id.clone(), None),
    };
    let user_agent: String = user_agent.chars().take(200).collect();
    sqlx::query(
        "INSERT INTO sessions (token_hash, channel, account_kind, account_id, acting_for, stage, \
         csrf_token, user_agent, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)",
    )
    .bind(&token_hash)
    .bind(channel.as_str())
    .bind(kind)
    .bind(account_id)
    .bind(acting_for)
    .bind(stage.as_str())
    .bind(&csrf_token)
    .bind(user_agent)
    .bind(stamp(now))
    .bind(stamp(expires_at))
    .execute(executor)
    .await?;
    Ok(NewSession {
        token,
        csrf_token: csrf_token.clone(),
        expires_at,
        session: Session {
            principal,
            channel,
            stage,
            csrf_token,
            expires_at,
            token_hash,
        },
    })
}

const SESSION_GONE: Error = Error::Unauthenticated {
    code: "session_revoked",
    message: "登录已失效，请重新登录",
};
const SESSION_EXPIRED: Error = Error::Unauthenticated {
    code: "session_expired",
    message: "登录已过期，请重新登录",
};

/// The session a presented token belongs to, if it is still current. Web sessions also end
/// after the idle timeout; activity is recorded at most once a minute to spare the database.
///
/// An API token that is not active is a password-change ticket (the API has no enrolment
/// page): it opens nothing here, only [`resolve_change_ticket`].
pub async fn resolve(portal: &Portal, token: &str, channel: Channel) -> Result<Session> {
    let session = load(portal, token, channel).await?;
    if channel == Channel::Api && session.stage != Stage::Active {
        return Err(Error::UNAUTHENTICATED);
    }
    Ok(session)
}

/// The staff session behind a password-change ticket of the API's first login.
pub(crate) async fn resolve_change_ticket(portal: &Portal, ticket: &str) -> Result<Session> {
    let session = load(portal, ticket, Channel::Api).await?;
    match (&session.principal, session.stage) {
        (Principal::Staff(_), Stage::TotpEnrolment) => Ok(session),
        _ => Err(Error::UNAUTHENTICATED),
    }
}

async fn load(portal: &Portal, token: &str, channel: Channel) -> Result<Session> {
    let token_hash = token_digest(token);
    let row = sqlx::query(
        "SELECT account_kind, account_id, acting_for, stage, csrf_token, last_seen_at, \
         expires_at, revoked_at FROM sessions WHERE token_hash = $1 AND channel = $2",
    )
    .bind(&token_hash)
    .bind(channel.as_str())
    .fetch_optional(portal.db().pool())
    .await?
    .ok_or(Error::UNAUTHENTICATED)?;
    if row.try_get::<Option<String>, _>("revoked_at")?.is_some() {
        return Err(SESSION_GONE);
    }
    let now = portal.now();
    let expires_at = instant(&row, "expires_at")?;
    let last_seen_at = instant(&row, "last_seen_at")?;
    let idle_limit = Duration::minutes(portal.auth_settings().session_idle_minutes.into());
    if now >= expires_at || (channel == Channel::Web && now - last_seen_at >= idle_limit) {
        return Err(SESSION_EXPIRED);
    }
    if now - last_seen_at >= Duration::minutes(1) {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(stamp(now))
            .bind(&token_hash)
            .execute(portal.db().pool())
            .await?;
    }
    let kind: String = row.try_get("account_kind")?;
    let account_id: String = row.try_get("account_id")?;
    let acting_for: Option<String> = row.try_get("acting_for")?;
    let principal = load_principal(portal, &kind, &account_id, acting_for.as_deref())
        .await?
        .ok_or(SESSION_GONE)?;
    let stage = match row.try_get::<String, _>("stage")?.as_str() {
        "active" => Stage::Active,
        _ => Stage::TotpEnrolment,
    };
    Ok(Session {
        principal,
        channel,
        stage,
        csrf_token: row.try_get("csrf_token")?,
        expires_at,
        token_hash,
    })
}

fn instant(row: &AnyRow, column: &str) -> Result<OffsetDateTime> {
    let text: String = row.try_get(column)?;
    parse_stamp(&text).ok_or_else(|| anyhow::anyhow!("unreadable instant in {column}").into())
}

/// Loads the current state of an account; `None` when it no longer exists or is disabled. A
/// business the citizen no longer acts for is dropped rather than trusted.
pub(crate) async fn load_principal(
    portal: &Portal,
    kind: &str,
    account_id: &str,
    acting_for: Option<&str>,
) -> Result<Option<Principal>> {
    let pool = portal.db().pool();
    if kind == "staff" {
        let Some(row) = sqlx::query(
            "SELECT id, username, name, role, hall_id, zone, department_code FROM staff \
             WHERE id = $1 AND status = 'active'",
        )
        .bind(account_id)
        .fetch_optional(pool)
        .await?
        else {
            return Ok(None);
        };
        return staff_principal(&row).map(|staff| Some(Principal::Staff(staff)));
    }
    let Some(row) = sqlx::query("SELECT name FROM citizens WHERE id = $1")
        .bind(account_id)
        .fetch_optional(pool)
        .await?
    else {
        return Ok(None);
    };
    let name = person_name(row.try_get("name")?)?;
    let acting_for = match acting_for {
        Some(business_id) => acting_for_business(portal, account_id, business_id).await?,
        None => None,
    };
    Ok(Some(Principal::Citizen(CitizenPrincipal {
        citizen_id: account_id.to_owned(),
        name,
        acting_for,
    })))
}

/// The business `citizen_id` may currently act for, if the grant stands.
pub async fn acting_for_business(
    portal: &Portal,
    citizen_id: &str,
    business_id: &str,
) -> Result<Option<ActingFor>> {
    let row = sqlx::query(
        "SELECT b.id, b.org_name, a.agent_role FROM business_agents a \
         JOIN businesses b ON b.id = a.business_id \
         WHERE a.citizen_id = $1 AND a.business_id = $2 AND a.revoked_at IS NULL",
    )
    .bind(citizen_id)
    .bind(business_id)
    .fetch_optional(portal.db().pool())
    .await?;
    row.map(|row| {
        Ok(ActingFor {
            business_id: row.try_get("id")?,
            org_name: row.try_get("org_name")?,
            is_admin: row.try_get::<String, _>("agent_role")? == "admin",
        })
    })
    .transpose()
}

pub(crate) fn staff_principal(row: &AnyRow) -> Result<StaffPrincipal> {
    let role_text: String = row.try_get("role")?;
    let role = StaffRole::parse(&role_text)
        .ok_or_else(|| anyhow::anyhow!("unknown staff role {role_text}"))?;
    let hall_id: Option<String> = row.try_get("hall_id")?;
    let zone: Option<String> = row.try_get("zone")?;
    let department: Option<String> = row.try_get("department_code")?;
    let scope = match (
        role,
        hall_id,
        zone.as_deref().and_then(Zone::parse),
        department,
    ) {
        (StaffRole::Clerk | StaffRole::Issuer, Some(hall_id), Some(zone), _) => {
            StaffScope::Zone { hall_id, zone }
        }
        (StaffRole::Approver, _, _, Some(department)) => StaffScope::Department { department },
        (StaffRole::Supervisor | StaffRole::Admin, ..) => StaffScope::Platform,
        _ => return Err(anyhow::anyhow!("staff row without the scope its role needs").into()),
    };
    Ok(StaffPrincipal {
        staff_id: row.try_get("id")?,
        username: row.try_get("username")?,
        name: person_name(row.try_get("name")?)?,
        role,
        scope,
    })
}

pub(crate) fn person_name(stored: String) -> Result<PersonName> {
    PersonName::parse(&stored).map_err(|_| anyhow::anyhow!("stored name does not parse").into())
}

/// Ends this session (logout).
pub async fn revoke(portal: &Portal, session: &Session) -> Result<()> {
    sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2")
        .bind(stamp(portal.now()))
        .bind(&session.token_hash)
        .execute(portal.db().pool())
        .await?;
    Ok(())
}

/// Ends every other session of the same account ("sign out other devices"); with `keep = None`,
/// every session (password reset by an administrator).
pub async fn revoke_all_except(
    portal: &Portal,
    principal: &Principal,
    keep: Option<&Session>,
) -> Result<u64> {
    let (kind, id) = account_key(principal);
    let result = sqlx::query(
        "UPDATE sessions SET revoked_at = $1 WHERE account_kind = $2 AND account_id = $3 \
         AND revoked_at IS NULL AND token_hash <> $4",
    )
    .bind(stamp(portal.now()))
    .bind(kind)
    .bind(id)
    .bind(keep.map(|s| s.token_hash.as_str()).unwrap_or(""))
    .execute(portal.db().pool())
    .await?;
    Ok(result.rows_affected())
}

/// Current sessions of the caller's account, newest activity first.
pub async fn list_sessions(portal: &Portal, session: &Session) -> Result<Vec<SessionSummary>> {
    let (kind, id) = account_key(&session.principal);
    let now = stamp(portal.now());
    let rows = sqlx::query(
        "SELECT token_hash, channel, user_agent, created_at, last_seen_at FROM sessions \
         WHERE account_kind = $1 AND account_id = $2 AND revoked_at IS NULL AND expires_at > $3 \
         ORDER BY last_seen_at DESC",
    )
    .bind(kind)
    .bind(id)
    .bind(now)
    .fetch_all(portal.db().pool())
    .await?;
    rows.iter()
        .map(|row| {
            let token_hash: String = row.try_get("token_hash")?;
            Ok(SessionSummary {
                id: token_hash[..16].to_owned(),
                channel: match row.try_get::<String, _>("channel")?.as_str() {
                    "web" => Channel::Web,
                    _ => Channel::Api,
                },
                user_agent: row.try_get("user_agent")?,
                created_at: instant(row, "created_at")?,
                last_seen_at: instant(row, "last_seen_at")?,
                current: token_hash == session.token_hash,
            })
        })
        .collect()
}

/// Ends one of the caller's own sessions by its public handle.
pub async fn revoke_by_id(portal: &Portal, session: &Session, public_id: &str) -> Result<()> {
    let (kind, id) = account_key(&session.principal);
    if public_id.len() != 16 || !public_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::NotFound("没有找到该登录会话"));
    }
    let result = sqlx::query(
        "UPDATE sessions SET revoked_at = $1 WHERE account_kind = $2 AND account_id = $3 \
         AND revoked_at IS NULL AND substr(token_hash, 1, 16) = $4",
    )
    .bind(stamp(portal.now()))
    .bind(kind)
    .bind(id)
    .bind(public_id)
    .execute(portal.db().pool())
    .await?;
    if result.rows_affected() == 0 {
        return Err(Error::NotFound("没有找到该登录会话"));
    }
    Ok(())
}

/// Starts or stops acting as 经办人 for a business within this session.
pub async fn switch_acting_for(
    portal: &Portal,
    session: &Session,
    business_id: Option<&str>,
) -> Result<()> {
    let citizen = session.require_citizen()?;
    if let Some(business_id) = business_id
        && acting_for_business(portal, &citizen.citizen_id, business_id)
            .await?
            .is_none()
    {
        return Err(Error::Forbidden {
            code: "not_an_agent",
            message: "您不是该单位的经办人，或授权已被撤销",
        });
    }
    sqlx::query("UPDATE sessions SET acting_for = $1 WHERE token_hash = $2")
        .bind(business_id)
        .bind(&session.token_hash)
        .execute(portal.db().pool())
        .await?;
    Ok(())
}

/// Marks a staff session's second factor as done.
pub(crate) async fn activate(portal: &Portal, session: &Session) -> Result<()> {
    sqlx::query("UPDATE sessions SET stage = 'active' WHERE token_hash = $1")
        .bind(&session.token_hash)
        .execute(portal.db().pool())
        .await?;
    Ok(())
}

fn account_key(principal: &Principal) -> (&'static str, &str) {
    match principal {
        Principal::Citizen(citizen) => ("citizen", citizen.citizen_id.as_str()),
        Principal::Staff(staff) => ("staff", staff.staff_id.as_str()),
    }
}

impl SessionSummary {
    pub fn view(&self) -> domain::account::SessionView {
        domain::account::SessionView {
            id: self.id.clone(),
            channel: match self.channel {
                Channel::Web => "网页".into(),
                Channel::Api => "小程序 / 接口".into(),
            },
            device: describe_device(&self.user_agent),
            created_at: domain::instant::Instant::new(self.created_at),
            last_seen_at: domain::instant::Instant::new(self.last_seen_at),
            current: self.current,
        }
    }
}

/// A short, human description of a user agent: enough to recognise one's own devices.
fn describe_device(user_agent: &str) -> String {
    let browser = [
        ("MicroMessenger", "微信"),
        ("Edg/", "Edge"),
        ("Chrome/", "Chrome"),
        ("Firefox/", "Firefox"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find(|(needle, _)| user_agent.contains(needle))
    .map(|(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("Windows", "Windows"),
        ("Mac OS", "macOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(needle, _)| user_agent.contains(needle))
    .map(|(_, name)| name);
    match (browser, system) {
        (Some(browser), Some(system)) => format!("{browser}（{system}）"),
        (Some(one), None) | (None, Some(one)) => one.to_owned(),
        (None, None) if user_agent.is_empty() => "未知设备".into(),
        (None, None) => user_agent.chars().take(40).collect(),
    }
}

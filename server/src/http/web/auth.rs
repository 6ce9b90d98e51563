//! Identity forms: 登录 and 退出 for citizens, businesses and staff (with the authenticator
//! enrolment), and 注册 of citizens and businesses.

use super::form::{Posted, SignedIn, WebForm, button, values};
use crate::http::AppState;
use app::forms::FormName;
use app::paths::{self, action};
use axum::Router;
use axum::response::Response;
use axum::routing::post;
use domain::account::{BusinessSignup, CitizenSignup};
use domain::return_path;
use serde::Deserialize;
use service::auth::{self, Channel, LoginAttempt, LoginDoor, Stage};
use service::{accounts, staff};
use std::collections::BTreeMap;

/// This area's form routes, merged into the page router beside the pages they post from.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(action::LOGIN, post(login))
        .route(action::LOGOUT, post(logout))
        .route(action::REGISTER, post(register_citizen))
        .route(action::REGISTER_BUSINESS, post(register_business))
        .route(action::STAFF_LOGIN, post(staff_login))
        .route(
            action::STAFF_INITIAL_PASSWORD,
            post(change_initial_password),
        )
        .route(action::STAFF_TOTP, post(confirm_totp))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LoginForm {
    account: String,
    password: String,
    agent: String,
    next: String,
}

impl WebForm for LoginForm {
    const NAME: FormName = FormName::Login;

    fn kept(&self) -> BTreeMap<String, String> {
        values([("account", &self.account), ("agent", &self.agent)])
    }
}

async fn login(post: Posted<LoginForm>) -> Response {
    let Posted {
        caller,
        form,
        reply,
    } = post;
    let agent = Some(form.agent.as_str()).filter(|a| !a.trim().is_empty());
    let attempt = LoginAttempt {
        account: &form.account,
        password: &form.password,
        agent,
        totp: None,
        channel: Channel::Web,
        address: &caller.address,
        user_agent: &caller.user_agent,
        door: LoginDoor::Public,
    };
    match auth::login(reply.portal(), attempt).await {
        Ok(new) => reply.signed_in(&new, return_path::local_or(Some(&form.next), paths::ME)),
        // A business login's refusal shows on the business tab.
        Err(error) if agent.is_some() => reply.on(paths::LOGIN_BUSINESS).refuse(error).await,
        Err(error) => reply.refuse(error).await,
    }
}

button!(
    /// 退出.
    LogoutButton,
    FormName::Login
);

/// Signs out: the session ends on the server and the cookie goes. Without the session's CSRF
/// token (a post from another page) nothing happens, and the page says so: clearing the cookie
/// alone would leave a live session behind the reader's back.
async fn logout(post: Posted<LogoutButton>) -> Response {
    let Posted {
        caller,
        form,
        reply,
    } = post;
    match caller.session_for_write(Some(form.csrf_token())) {
        Ok(session) => match auth::revoke(reply.portal(), session).await {
            Ok(()) => reply.signed_out(paths::HOME),
            Err(error) => reply.refuse(error).await,
        },
        // No session (it expired or was revoked, or no cookie came): only the cookie is left.
        // A session that could not be read (the database failed) may still be alive.
        Err(service::Error::Unauthenticated { .. })
            if caller.refusal.is_some() || !caller.via_cookie =>
        {
            reply.signed_out(paths::HOME)
        }
        Err(refusal) => reply.refuse(refusal).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CitizenForm {
    id_number: String,
    name: String,
    phone: String,
    password: String,
    activation_code: String,
}

impl WebForm for CitizenForm {
    const NAME: FormName = FormName::Register;

    fn kept(&self) -> BTreeMap<String, String> {
        values([
            ("id_number", &self.id_number),
            ("name", &self.name),
            ("phone", &self.phone),
            ("activation_code", &self.activation_code),
        ])
    }
}

async fn register_citizen(post: Posted<CitizenForm>) -> Response {
    let Posted {
        caller,
        form,
        reply,
    } = post;
    let signup = CitizenSignup {
        id_number: form.id_number,
        name: form.name,
        phone: form.phone,
        password: form.password,
        activation_code: form.activation_code,
    };
    if let Err(error) = accounts::register_citizen(reply.portal(), &signup, &caller.address).await {
        return reply.refuse(error).await;
    }
    let attempt = LoginAttempt {
        account: &signup.id_number,
        password: &signup.password,
        agent: None,
        totp: None,
        channel: Channel::Web,
        address: &caller.address,
        user_agent: &caller.user_agent,
        door: LoginDoor::Public,
    };
    signed_in_after_registration(reply, attempt).await
}

/// Registration signs the new account in; should that fail (the address hit its login limit),
/// the login page says the account exists.
async fn signed_in_after_registration(
    reply: super::form::Reply,
    attempt: LoginAttempt<'_>,
) -> Response {
    match auth::login(reply.portal(), attempt).await {
        Ok(new) => reply.signed_in(&new, &format!("{}?registered=citizen", paths::ME)),
        Err(error) => {
            tracing::warn!(error = %error, "sign-in after registration failed");
            reply.redirect(&format!("{}?registered=citizen", paths::LOGIN))
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BusinessForm {
    csrf_token: String,
    credit_code: String,
    org_name: String,
    legal_rep_name: String,
}

impl WebForm for BusinessForm {
    const NAME: FormName = FormName::RegisterBusiness;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    fn kept(&self) -> BTreeMap<String, String> {
        values([
            ("credit_code", &self.credit_code),
            ("org_name", &self.org_name),
            ("legal_rep_name", &self.legal_rep_name),
        ])
    }
}

/// 法人注册 by the signed-in citizen, who then acts for the new business straight away.
async fn register_business(post: SignedIn<BusinessForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    let signup = BusinessSignup {
        credit_code: form.credit_code,
        org_name: form.org_name,
        legal_rep_name: form.legal_rep_name,
    };
    let address = reply.caller().address;
    let registered = accounts::register_business(reply.portal(), &session, &signup, &address).await;
    let business_id = match registered {
        Ok(id) => id,
        Err(error) => return reply.refuse(error).await,
    };
    if let Err(error) = auth::switch_acting_for(reply.portal(), &session, Some(&business_id)).await
    {
        tracing::warn!(error = %error, "acting for the new business failed");
    }
    reply.redirect(&format!("{}?registered=business", paths::ME))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StaffLoginForm {
    account: String,
    password: String,
    totp: String,
}

impl WebForm for StaffLoginForm {
    const NAME: FormName = FormName::StaffLogin;

    fn kept(&self) -> BTreeMap<String, String> {
        values([("account", &self.account)])
    }
}

async fn staff_login(post: Posted<StaffLoginForm>) -> Response {
    let Posted {
        caller,
        form,
        reply,
    } = post;
    let attempt = LoginAttempt {
        account: &form.account,
        password: &form.password,
        agent: None,
        totp: Some(form.totp.as_str()).filter(|t| !t.trim().is_empty()),
        channel: Channel::Web,
        address: &caller.address,
        user_agent: &caller.user_agent,
        door: LoginDoor::Staff,
    };
    match auth::login(reply.portal(), attempt).await {
        Ok(new) if new.session.stage == Stage::TotpEnrolment => {
            reply.signed_in(&new, paths::STAFF_TOTP)
        }
        Ok(new) => reply.signed_in(&new, paths::STAFF),
        Err(error) => reply.refuse(error).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct InitialPasswordForm {
    csrf_token: String,
    current_password: String,
    new_password: String,
}

impl WebForm for InitialPasswordForm {
    const NAME: FormName = FormName::InitialPassword;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// First login: the one-time password an admin set is replaced, then the enrolment page shows
/// the authenticator to bind.
async fn change_initial_password(post: SignedIn<InitialPasswordForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    let changed = accounts::change_password(
        reply.portal(),
        &session,
        &form.current_password,
        &form.new_password,
    )
    .await;
    match changed {
        Ok(_) => reply.redirect(paths::STAFF_TOTP),
        Err(error) => reply.refuse(error).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TotpForm {
    csrf_token: String,
    code: String,
}

impl WebForm for TotpForm {
    const NAME: FormName = FormName::Totp;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

async fn confirm_totp(post: SignedIn<TotpForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    match staff::confirm_totp(reply.portal(), &session, &form.code).await {
        Ok(()) => reply.redirect(paths::STAFF),
        Err(error) => reply.refuse(error).await,
    }
}

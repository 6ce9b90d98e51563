//! Identity forms: 登录 and 退出 for citizens, businesses and staff (with the authenticator
//! enrolment), and 注册 of citizens and businesses.

use super::form::{
    CsrfOnly, Submission, local_next, read, refuse, session_for, signed_in_redirect, values,
};
use crate::http::AppState;
use crate::http::caller::clearing_cookie;
use app::forms::FormName;
use axum::Router;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use domain::account::{BusinessSignup, CitizenSignup};
use http::header::SET_COOKIE;
use serde::Deserialize;
use service::auth::{self, Channel, LoginAttempt, Stage};
use service::{accounts, staff};
use std::collections::BTreeMap;

/// This area's form routes, merged into the page router beside the pages they post from.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/register", post(register_citizen))
        .route("/register/business", post(register_business))
        .route("/staff/login", post(staff_login))
        .route("/staff/totp", post(confirm_totp))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LoginForm {
    account: String,
    password: String,
    agent: String,
    totp: String,
    next: String,
}

async fn login(State(state): State<AppState>, request: Request) -> Response {
    let Submission {
        parts,
        caller,
        form,
    } = match read::<LoginForm>(&state, request).await {
        Ok(submission) => submission,
        Err(response) => return response,
    };
    let agent = Some(form.agent.as_str()).filter(|a| !a.trim().is_empty());
    let result = auth::login(
        &state.portal,
        LoginAttempt {
            account: &form.account,
            password: &form.password,
            agent,
            totp: None,
            channel: Channel::Web,
            address: &caller.address,
            user_agent: &caller.user_agent,
            door: service::auth::LoginDoor::Public,
        },
    )
    .await;
    let path = if agent.is_some() || parts.uri.query().is_some_and(|q| q.contains("as=business")) {
        "/login?as=business"
    } else {
        "/login"
    };
    match result {
        Ok(new) => signed_in_redirect(&state, &new, &local_next(&form.next, "/me")),
        Err(error) => {
            let values = values([("account", &form.account), ("agent", &form.agent)]);
            refuse(&state, parts, path, FormName::Login, error, values).await
        }
    }
}

async fn logout(State(state): State<AppState>, request: Request) -> Response {
    let Submission { caller, form, .. } = match read::<CsrfOnly>(&state, request).await {
        Ok(submission) => submission,
        Err(response) => return response,
    };
    if let Ok(session) = session_for(&caller, &form.csrf_token)
        && let Err(error) = auth::revoke(&state.portal, session).await
    {
        tracing::error!(error = format!("{error:#}"), "logout failed");
    }
    let mut response = Redirect::to("/").into_response();
    response
        .headers_mut()
        .insert(SET_COOKIE, clearing_cookie(state.config.http.https));
    response
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CitizenForm {
    id_number: String,
    name: String,
    phone: String,
    password: String,
}

async fn register_citizen(State(state): State<AppState>, request: Request) -> Response {
    let Submission {
        parts,
        caller,
        form,
    } = match read::<CitizenForm>(&state, request).await {
        Ok(submission) => submission,
        Err(response) => return response,
    };
    let signup = CitizenSignup {
        id_number: form.id_number.clone(),
        name: form.name.clone(),
        phone: form.phone.clone(),
        password: form.password,
    };
    match accounts::register_citizen(&state.portal, &signup, &caller.address).await {
        Ok(_) => Redirect::to("/login?registered=citizen").into_response(),
        Err(error) => {
            let values = values([
                ("id_number", &form.id_number),
                ("name", &form.name),
                ("phone", &form.phone),
            ]);
            refuse(
                &state,
                parts,
                "/register",
                FormName::Register,
                error,
                values,
            )
            .await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BusinessForm {
    credit_code: String,
    org_name: String,
    legal_rep_name: String,
    #[serde(rename = "agent.id_number")]
    agent_id_number: String,
    #[serde(rename = "agent.name")]
    agent_name: String,
    #[serde(rename = "agent.phone")]
    agent_phone: String,
    #[serde(rename = "agent.password")]
    agent_password: String,
}

async fn register_business(State(state): State<AppState>, request: Request) -> Response {
    let Submission {
        parts,
        caller,
        form,
    } = match read::<BusinessForm>(&state, request).await {
        Ok(submission) => submission,
        Err(response) => return response,
    };
    let signup = BusinessSignup {
        credit_code: form.credit_code.clone(),
        org_name: form.org_name.clone(),
        legal_rep_name: form.legal_rep_name.clone(),
        agent: CitizenSignup {
            id_number: form.agent_id_number.clone(),
            name: form.agent_name.clone(),
            phone: form.agent_phone.clone(),
            password: form.agent_password,
        },
    };
    match accounts::register_business(&state.portal, &signup, &caller.address).await {
        Ok(_) => Redirect::to("/login?as=business&registered=business").into_response(),
        Err(error) => {
            let values = values([
                ("credit_code", &form.credit_code),
                ("org_name", &form.org_name),
                ("legal_rep_name", &form.legal_rep_name),
                ("agent.id_number", &form.agent_id_number),
                ("agent.name", &form.agent_name),
                ("agent.phone", &form.agent_phone),
            ]);
            refuse(
                &state,
                parts,
                "/register?as=business",
                FormName::RegisterBusiness,
                error,
                values,
            )
            .await
        }
    }
}

async fn staff_login(State(state): State<AppState>, request: Request) -> Response {
    let Submission {
        parts,
        caller,
        form,
    } = match read::<LoginForm>(&state, request).await {
        Ok(submission) => submission,
        Err(response) => return response,
    };
    let totp = Some(form.totp.as_str()).filter(|t| !t.trim().is_empty());
    let values = values([("account", &form.account)]);
    let result = auth::login(
        &state.portal,
        LoginAttempt {
            account: &form.account,
            password: &form.password,
            agent: None,
            totp,
            channel: Channel::Web,
            address: &caller.address,
            user_agent: &caller.user_agent,
            door: service::auth::LoginDoor::Staff,
        },
    )
    .await;
    match result {
        Ok(new) if new.session.stage == Stage::TotpEnrolment => {
            signed_in_redirect(&state, &new, "/staff/totp")
        }
        Ok(new) => signed_in_redirect(&state, &new, "/staff"),
        Err(service::Error::Forbidden {
            code: "totp_required",
            ..
        }) => {
            let error = service::Error::invalid("totp", "请输入身份验证器显示的6位动态口令");
            refuse(
                &state,
                parts,
                "/staff/login",
                FormName::StaffLogin,
                error,
                values,
            )
            .await
        }
        Err(error) => {
            refuse(
                &state,
                parts,
                "/staff/login",
                FormName::StaffLogin,
                error,
                values,
            )
            .await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TotpForm {
    csrf_token: String,
    code: String,
}

async fn confirm_totp(State(state): State<AppState>, request: Request) -> Response {
    let Submission {
        parts,
        caller,
        form,
    } = match read::<TotpForm>(&state, request).await {
        Ok(submission) => submission,
        Err(response) => return response,
    };
    let result = match session_for(&caller, &form.csrf_token) {
        Ok(session) => staff::confirm_totp(&state.portal, session, &form.code).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => Redirect::to("/staff").into_response(),
        Err(error) => {
            refuse(
                &state,
                parts,
                "/staff/totp",
                FormName::Totp,
                error,
                BTreeMap::new(),
            )
            .await
        }
    }
}

//! 我的: 一人一档, the audited reveal of one's own ID number, the password, the devices signed
//! in, and which identity (oneself or a business) one acts as.

use super::form::{CsrfOnly, Submission, confirmed, read, refuse, render, session_for, values};
use crate::http::AppState;
use app::forms::{FormFeedback, FormName};
use axum::Router;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use domain::account::CitizenProfile;
use serde::Deserialize;
use service::accounts;
use service::auth::{self};
use std::collections::BTreeMap;

/// This area's form routes, merged into the page router beside the pages they post from.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me/profile", post(update_profile))
        .route("/me/reveal", post(reveal_id_number))
        .route("/me/password", post(change_password))
        .route("/me/sessions/revoke", post(revoke_session))
        .route("/me/sessions/revoke-others", post(revoke_other_sessions))
        .route("/me/acting-for", post(switch_acting_for))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ProfileForm {
    csrf_token: String,
    address: String,
    postal_code: String,
    email: String,
}

async fn update_profile(State(state): State<AppState>, request: Request) -> Response {
    let Submission {
        parts,
        caller,
        form,
    } = match read::<ProfileForm>(&state, request).await {
        Ok(submission) => submission,
        Err(response) => return response,
    };
    let profile = CitizenProfile {
        address: form.address.clone(),
        postal_code: form.postal_code.clone(),
        email: form.email.clone(),
    };
    let result = match session_for(&caller, &form.csrf_token) {
        Ok(session) => accounts::update_citizen_profile(&state.portal, session, &profile).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(_) => {
            render(
                &state,
                parts,
                "/me",
                confirmed(FormName::Profile, "个人档案已保存"),
            )
            .await
        }
        Err(error) => {
            let values = values([
                ("address", &form.address),
                ("postal_code", &form.postal_code),
                ("email", &form.email),
            ]);
            refuse(&state, parts, "/me", FormName::Profile, error, values).await
        }
    }
}

async fn reveal_id_number(State(state): State<AppState>, request: Request) -> Response {
    let Submission {
        parts,
        caller,
        form,
    } = match read::<CsrfOnly>(&state, request).await {
        Ok(submission) => submission,
        Err(response) => return response,
    };
    let result = match session_for(&caller, &form.csrf_token) {
        Ok(session) => accounts::reveal_id_number(&state.portal, session).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(id_number) => {
            let feedback = FormFeedback {
                revealed_id_number: Some(id_number),
                ..FormFeedback::default()
            };
            render(&state, parts, "/me", feedback).await
        }
        Err(error) => {
            refuse(
                &state,
                parts,
                "/me",
                FormName::Reveal,
                error,
                BTreeMap::new(),
            )
            .await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PasswordForm {
    csrf_token: String,
    current_password: String,
    new_password: String,
}

async fn change_password(State(state): State<AppState>, request: Request) -> Response {
    let Submission {
        parts,
        caller,
        form,
    } = match read::<PasswordForm>(&state, request).await {
        Ok(submission) => submission,
        Err(response) => return response,
    };
    let result = match session_for(&caller, &form.csrf_token) {
        Ok(session) => {
            accounts::change_password(
                &state.portal,
                session,
                &form.current_password,
                &form.new_password,
            )
            .await
        }
        Err(error) => Err(error),
    };
    let page = match caller.session.as_ref().map(|s| &s.principal) {
        Some(auth::Principal::Staff(_)) => "/staff",
        _ => "/me",
    };
    match result {
        Ok(_) => {
            render(
                &state,
                parts,
                page,
                confirmed(FormName::Password, "密码已修改，其他设备已退出登录"),
            )
            .await
        }
        Err(error) => {
            refuse(
                &state,
                parts,
                page,
                FormName::Password,
                error,
                BTreeMap::new(),
            )
            .await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SessionForm {
    csrf_token: String,
    session_id: String,
}

async fn revoke_session(State(state): State<AppState>, request: Request) -> Response {
    let Submission {
        parts,
        caller,
        form,
    } = match read::<SessionForm>(&state, request).await {
        Ok(submission) => submission,
        Err(response) => return response,
    };
    let result = match session_for(&caller, &form.csrf_token) {
        Ok(session) => auth::revoke_by_id(&state.portal, session, &form.session_id).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => {
            render(
                &state,
                parts,
                "/me",
                confirmed(FormName::Sessions, "该设备已退出登录"),
            )
            .await
        }
        Err(error) => {
            refuse(
                &state,
                parts,
                "/me",
                FormName::Sessions,
                error,
                BTreeMap::new(),
            )
            .await
        }
    }
}

async fn revoke_other_sessions(State(state): State<AppState>, request: Request) -> Response {
    let Submission {
        parts,
        caller,
        form,
    } = match read::<CsrfOnly>(&state, request).await {
        Ok(submission) => submission,
        Err(response) => return response,
    };
    let result = match session_for(&caller, &form.csrf_token) {
        Ok(session) => {
            auth::revoke_all_except(&state.portal, &session.principal, Some(session)).await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(count) => {
            let message = format!("已退出其他 {count} 个设备");
            render(
                &state,
                parts,
                "/me",
                confirmed(FormName::Sessions, &message),
            )
            .await
        }
        Err(error) => {
            refuse(
                &state,
                parts,
                "/me",
                FormName::Sessions,
                error,
                BTreeMap::new(),
            )
            .await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ActingForForm {
    csrf_token: String,
    business_id: String,
}

async fn switch_acting_for(State(state): State<AppState>, request: Request) -> Response {
    let Submission {
        parts,
        caller,
        form,
    } = match read::<ActingForForm>(&state, request).await {
        Ok(submission) => submission,
        Err(response) => return response,
    };
    let business = Some(form.business_id.trim()).filter(|id| !id.is_empty());
    let result = match session_for(&caller, &form.csrf_token) {
        Ok(session) => auth::switch_acting_for(&state.portal, session, business).await,
        Err(error) => Err(error),
    };
    match result {
        // A fresh request, so the header and every panel show the new identity.
        Ok(()) => Redirect::to("/me").into_response(),
        Err(error) => {
            refuse(
                &state,
                parts,
                "/me",
                FormName::ActingFor,
                error,
                BTreeMap::new(),
            )
            .await
        }
    }
}

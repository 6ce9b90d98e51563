//! 一企一档 as its 经办人 keep it: the business profile, and the administrating 经办人 granting
//! and revoking other 经办人.

use super::form::{Submission, confirmed, read, refuse, render, session_for, values};
use crate::http::AppState;
use app::forms::FormName;
use axum::Router;
use axum::extract::{Request, State};
use axum::response::Response;
use axum::routing::post;
use domain::account::BusinessProfile;
use serde::Deserialize;
use service::accounts;
use std::collections::BTreeMap;

/// This area's form routes, merged into the page router beside the pages they post from.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me/business/profile", post(update_business_profile))
        .route("/me/business/agents", post(grant_agent))
        .route("/me/business/agents/revoke", post(revoke_agent))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BusinessProfileForm {
    csrf_token: String,
    registered_address: String,
    registered_capital_yuan: String,
    business_scope: String,
    contact_phone: String,
}

async fn update_business_profile(State(state): State<AppState>, request: Request) -> Response {
    let Submission {
        parts,
        caller,
        form,
    } = match read::<BusinessProfileForm>(&state, request).await {
        Ok(submission) => submission,
        Err(response) => return response,
    };
    let values = values([
        ("registered_address", &form.registered_address),
        ("registered_capital_yuan", &form.registered_capital_yuan),
        ("business_scope", &form.business_scope),
        ("contact_phone", &form.contact_phone),
    ]);
    let capital_fen = domain::money::fen_from_yuan(&form.registered_capital_yuan)
        .map_err(|message| service::Error::invalid("registered_capital_yuan", message));
    let result = match (session_for(&caller, &form.csrf_token), capital_fen) {
        (Ok(session), Ok(capital_fen)) => {
            let profile = BusinessProfile {
                registered_address: form.registered_address.clone(),
                registered_capital_fen: capital_fen,
                business_scope: form.business_scope.clone(),
                contact_phone: form.contact_phone.clone(),
            };
            accounts::update_business_profile(&state.portal, session, &profile).await
        }
        (Err(error), _) | (_, Err(error)) => Err(error),
    };
    match result {
        Ok(_) => {
            render(
                &state,
                parts,
                "/me",
                confirmed(FormName::BusinessProfile, "单位档案已保存"),
            )
            .await
        }
        Err(service::Error::Invalid(mut fields)) => {
            // The page asks for yuan; the rule speaks of the stored fen.
            fields.rename("registered_capital_fen", "registered_capital_yuan");
            refuse(
                &state,
                parts,
                "/me",
                FormName::BusinessProfile,
                service::Error::Invalid(fields),
                values,
            )
            .await
        }
        Err(error) => {
            refuse(
                &state,
                parts,
                "/me",
                FormName::BusinessProfile,
                error,
                values,
            )
            .await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct GrantForm {
    csrf_token: String,
    id_number: String,
    name: String,
}

async fn grant_agent(State(state): State<AppState>, request: Request) -> Response {
    let Submission {
        parts,
        caller,
        form,
    } = match read::<GrantForm>(&state, request).await {
        Ok(submission) => submission,
        Err(response) => return response,
    };
    let result = match session_for(&caller, &form.csrf_token) {
        Ok(session) => {
            accounts::grant_agent(&state.portal, session, &form.id_number, &form.name).await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => {
            render(
                &state,
                parts,
                "/me",
                confirmed(FormName::GrantAgent, "已授权该经办人"),
            )
            .await
        }
        Err(error) => {
            let values = values([("id_number", &form.id_number), ("name", &form.name)]);
            refuse(&state, parts, "/me", FormName::GrantAgent, error, values).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RevokeAgentForm {
    csrf_token: String,
    citizen_id: String,
}

async fn revoke_agent(State(state): State<AppState>, request: Request) -> Response {
    let Submission {
        parts,
        caller,
        form,
    } = match read::<RevokeAgentForm>(&state, request).await {
        Ok(submission) => submission,
        Err(response) => return response,
    };
    let result = match session_for(&caller, &form.csrf_token) {
        Ok(session) => accounts::revoke_agent(&state.portal, session, &form.citizen_id).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => {
            render(
                &state,
                parts,
                "/me",
                confirmed(FormName::RevokeAgent, "已撤销该经办人的授权"),
            )
            .await
        }
        Err(error) => {
            refuse(
                &state,
                parts,
                "/me",
                FormName::RevokeAgent,
                error,
                BTreeMap::new(),
            )
            .await
        }
    }
}

//! 一企一档 as its 经办人 keep it: the business profile, and the administrating 经办人 granting
//! and revoking other 经办人.

use super::form::{SignedIn, WebForm, values};
use crate::http::AppState;
use app::forms::FormName;
use app::paths::action;
use axum::Router;
use axum::response::Response;
use axum::routing::post;
use domain::account::BusinessProfile;
use serde::Deserialize;
use service::accounts;
use std::collections::BTreeMap;

/// This area's form routes, merged into the page router beside the pages they post from.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(action::BUSINESS_PROFILE, post(update_business_profile))
        .route(action::GRANT_AGENT, post(grant_agent))
        .route(action::REVOKE_AGENT, post(revoke_agent))
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

impl WebForm for BusinessProfileForm {
    const NAME: FormName = FormName::BusinessProfile;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    fn kept(&self) -> BTreeMap<String, String> {
        values([
            ("registered_address", &self.registered_address),
            ("registered_capital_yuan", &self.registered_capital_yuan),
            ("business_scope", &self.business_scope),
            ("contact_phone", &self.contact_phone),
        ])
    }
}

async fn update_business_profile(post: SignedIn<BusinessProfileForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    let capital_fen = match domain::money::fen_from_yuan(&form.registered_capital_yuan) {
        Ok(fen) => fen,
        Err(message) => {
            let error = service::Error::invalid("registered_capital_yuan", message);
            return reply.refuse(error).await;
        }
    };
    let profile = BusinessProfile {
        registered_address: form.registered_address,
        registered_capital_fen: capital_fen,
        business_scope: form.business_scope,
        contact_phone: form.contact_phone,
    };
    match accounts::update_business_profile(reply.portal(), &session, &profile).await {
        Ok(_) => reply.confirm("单位档案已保存").await,
        Err(service::Error::Invalid(mut fields)) => {
            // The page asks for yuan; the rule speaks of the stored fen.
            fields.rename("registered_capital_fen", "registered_capital_yuan");
            reply.refuse(service::Error::Invalid(fields)).await
        }
        Err(error) => reply.refuse(error).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct GrantForm {
    csrf_token: String,
    id_number: String,
    name: String,
}

impl WebForm for GrantForm {
    const NAME: FormName = FormName::GrantAgent;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    fn kept(&self) -> BTreeMap<String, String> {
        values([("id_number", &self.id_number), ("name", &self.name)])
    }
}

async fn grant_agent(post: SignedIn<GrantForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    match accounts::grant_agent(reply.portal(), &session, &form.id_number, &form.name).await {
        Ok(()) => reply.confirm("已授权该经办人").await,
        Err(error) => reply.refuse(error).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RevokeAgentForm {
    csrf_token: String,
    citizen_id: String,
}

impl WebForm for RevokeAgentForm {
    const NAME: FormName = FormName::RevokeAgent;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

async fn revoke_agent(post: SignedIn<RevokeAgentForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    match accounts::revoke_agent(reply.portal(), &session, &form.citizen_id).await {
        Ok(()) => reply.confirm("已撤销该经办人的授权").await,
        Err(error) => reply.refuse(error).await,
    }
}

//! 我的: 一人一档, the audited reveal of one's own ID number, the password, the devices signed
//! in, and which identity (oneself or a business) one acts as.

use super::form::{SignedIn, WebForm, button, values};
use crate::http::AppState;
use app::forms::{FormFeedback, FormName};
use app::paths::{self, action};
use axum::Router;
use axum::response::Response;
use axum::routing::post;
use domain::account::CitizenProfile;
use serde::Deserialize;
use service::{accounts, auth};
use std::collections::BTreeMap;

/// This area's form routes, merged into the page router beside the pages they post from.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(action::PROFILE, post(update_profile))
        .route(action::REVEAL, post(reveal_id_number))
        .route(action::PASSWORD, post(change_password))
        .route(action::REVOKE_SESSION, post(revoke_session))
        .route(action::REVOKE_OTHER_SESSIONS, post(revoke_other_sessions))
        .route(action::ACTING_FOR, post(switch_acting_for))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ProfileForm {
    csrf_token: String,
    address: String,
    postal_code: String,
    email: String,
}

impl WebForm for ProfileForm {
    const NAME: FormName = FormName::Profile;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    fn kept(&self) -> BTreeMap<String, String> {
        values([
            ("address", &self.address),
            ("postal_code", &self.postal_code),
            ("email", &self.email),
        ])
    }
}

async fn update_profile(post: SignedIn<ProfileForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    let profile = CitizenProfile {
        address: form.address,
        postal_code: form.postal_code,
        email: form.email,
    };
    match accounts::update_citizen_profile(reply.portal(), &session, &profile).await {
        Ok(_) => reply.confirm("个人档案已保存").await,
        Err(error) => reply.refuse(error).await,
    }
}

button!(
    /// 查看完整证件号码: audited, shown once.
    RevealButton,
    FormName::Reveal
);

async fn reveal_id_number(post: SignedIn<RevealButton>) -> Response {
    let SignedIn { session, reply, .. } = post;
    match accounts::reveal_id_number(reply.portal(), &session).await {
        Ok(id_number) => {
            let feedback = FormFeedback {
                revealed_id_number: Some(id_number),
                ..FormFeedback::default()
            };
            reply.show(feedback).await
        }
        Err(error) => reply.refuse(error).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PasswordForm {
    csrf_token: String,
    current_password: String,
    new_password: String,
}

impl WebForm for PasswordForm {
    const NAME: FormName = FormName::Password;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

async fn change_password(post: SignedIn<PasswordForm>) -> Response {
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
        Ok(_) => reply.confirm("密码已修改，其他设备已退出登录").await,
        Err(error) => reply.refuse(error).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SessionForm {
    csrf_token: String,
    session_id: String,
}

impl WebForm for SessionForm {
    const NAME: FormName = FormName::Sessions;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

async fn revoke_session(post: SignedIn<SessionForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    match auth::revoke_by_id(reply.portal(), &session, &form.session_id).await {
        Ok(()) => reply.confirm("该设备已退出登录").await,
        Err(error) => reply.refuse(error).await,
    }
}

button!(
    /// 退出其他设备.
    RevokeOthersButton,
    FormName::Sessions
);

async fn revoke_other_sessions(post: SignedIn<RevokeOthersButton>) -> Response {
    let SignedIn { session, reply, .. } = post;
    match auth::revoke_all_except(reply.portal(), &session.principal, Some(&session)).await {
        Ok(count) => reply.confirm(format!("已退出其他 {count} 个设备")).await,
        Err(error) => reply.refuse(error).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ActingForForm {
    csrf_token: String,
    business_id: String,
}

impl WebForm for ActingForForm {
    const NAME: FormName = FormName::ActingFor;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

async fn switch_acting_for(post: SignedIn<ActingForForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    let business = Some(form.business_id.trim()).filter(|id| !id.is_empty());
    match auth::switch_acting_for(reply.portal(), &session, business).await {
        // A fresh request, so the header and every panel show the new identity.
        Ok(()) => reply.redirect(paths::ME),
        Err(error) => reply.refuse(error).await,
    }
}

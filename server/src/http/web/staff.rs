//! The staff desk's forms: the audited citizen lookup and, for administrators, new staff
//! accounts.

use super::form::{SignedIn, WebForm, values};
use crate::http::AppState;
use app::forms::{FormFeedback, FormName};
use app::paths::action;
use axum::Router;
use axum::response::Response;
use axum::routing::post;
use domain::account::NewStaff;
use serde::Deserialize;
use service::staff;
use std::collections::BTreeMap;

/// This area's form routes, merged into the page router beside the pages they post from.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(action::LOOKUP, post(look_up_citizen))
        .route(action::CREATE_STAFF, post(create_staff))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LookupForm {
    csrf_token: String,
    id_number: String,
    purpose: String,
}

impl WebForm for LookupForm {
    const NAME: FormName = FormName::Lookup;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    fn kept(&self) -> BTreeMap<String, String> {
        values([("id_number", &self.id_number), ("purpose", &self.purpose)])
    }
}

async fn look_up_citizen(post: SignedIn<LookupForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    match staff::look_up_citizen(reply.portal(), &session, &form.id_number, &form.purpose).await {
        Ok(record) => {
            let feedback = FormFeedback {
                lookup: Some(record),
                ..FormFeedback::default()
            };
            reply.show(feedback).await
        }
        Err(error) => reply.refuse(error).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewStaffForm {
    csrf_token: String,
    username: String,
    name: String,
    role: String,
    hall_id: String,
    zone: String,
    department: String,
    password: String,
}

impl WebForm for NewStaffForm {
    const NAME: FormName = FormName::CreateStaff;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    fn kept(&self) -> BTreeMap<String, String> {
        values([
            ("username", &self.username),
            ("name", &self.name),
            ("hall_id", &self.hall_id),
            ("zone", &self.zone),
            ("department", &self.department),
        ])
    }
}

async fn create_staff(post: SignedIn<NewStaffForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    let optional = |text: &str| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
    let new = NewStaff {
        hall_id: optional(&form.hall_id),
        zone: optional(&form.zone),
        department: optional(&form.department),
        username: form.username,
        name: form.name,
        role: form.role,
        password: form.password,
    };
    match staff::create_staff(reply.portal(), staff::Creator::Admin(&session), &new).await {
        Ok(created) => {
            let message = format!(
                "已创建账号 {}，首次登录须先修改初始密码，再绑定动态口令",
                created.username
            );
            reply.confirm(message).await
        }
        Err(error) => reply.refuse(error).await,
    }
}

//! The staff desk's forms: the audited citizen lookup and, for administrators, new staff
//! accounts.

use super::form::{Submission, confirmed, read, refuse, render, session_for, values};
use crate::http::AppState;
use app::forms::{FormFeedback, FormName};
use axum::Router;
use axum::extract::{Request, State};
use axum::response::Response;
use axum::routing::post;
use domain::account::NewStaff;
use serde::Deserialize;
use service::staff;

/// This area's form routes, merged into the page router beside the pages they post from.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/lookup", post(look_up_citizen))
        .route("/staff/users", post(create_staff))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LookupForm {
    csrf_token: String,
    id_number: String,
    purpose: String,
}

async fn look_up_citizen(State(state): State<AppState>, request: Request) -> Response {
    let Submission {
        parts,
        caller,
        form,
    } = match read::<LookupForm>(&state, request).await {
        Ok(submission) => submission,
        Err(response) => return response,
    };
    let result = match session_for(&caller, &form.csrf_token) {
        Ok(session) => {
            staff::look_up_citizen(&state.portal, session, &form.id_number, &form.purpose).await
        }
        Err(error) => Err(error),
    };
    let values = values([("id_number", &form.id_number), ("purpose", &form.purpose)]);
    match result {
        Ok(record) => {
            let feedback = FormFeedback {
                form: Some(FormName::Lookup),
                values,
                lookup: Some(record),
                ..FormFeedback::default()
            };
            render(&state, parts, "/staff", feedback).await
        }
        Err(error) => refuse(&state, parts, "/staff", FormName::Lookup, error, values).await,
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

async fn create_staff(State(state): State<AppState>, request: Request) -> Response {
    let Submission {
        parts,
        caller,
        form,
    } = match read::<NewStaffForm>(&state, request).await {
        Ok(submission) => submission,
        Err(response) => return response,
    };
    let optional = |text: &str| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
    let new = NewStaff {
        username: form.username.clone(),
        name: form.name.clone(),
        role: form.role.clone(),
        hall_id: optional(&form.hall_id),
        zone: optional(&form.zone),
        department: optional(&form.department),
        password: form.password,
    };
    let result = match session_for(&caller, &form.csrf_token) {
        Ok(session) => {
            staff::create_staff(&state.portal, staff::Creator::Admin(session), &new).await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(created) => {
            let message = format!("已创建账号 {}，首次登录时绑定动态口令", created.username);
            render(
                &state,
                parts,
                "/staff",
                confirmed(FormName::CreateStaff, &message),
            )
            .await
        }
        Err(error) => {
            let values = values([
                ("username", &form.username),
                ("name", &form.name),
                ("hall_id", &form.hall_id),
                ("zone", &form.zone),
                ("department", &form.department),
            ]);
            refuse(
                &state,
                parts,
                "/staff",
                FormName::CreateStaff,
                error,
                values,
            )
            .await
        }
    }
}

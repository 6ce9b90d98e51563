//! The web forms' endpoints: each reads an `application/x-www-form-urlencoded` body, calls one
//! `service` function with the caller resolved by [`super::caller`], and then either redirects
//! (post/redirect/get) or renders the form's page again with a [`FormFeedback`] in context, so
//! every form works without JavaScript and keeps what the reader typed.

use crate::http::AppState;
use crate::http::caller::{clearing_cookie, session_cookie};
use crate::http::layers::RequestId;
use app::forms::{FormFeedback, FormName};
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use domain::account::{BusinessProfile, BusinessSignup, CitizenProfile, CitizenSignup, NewStaff};
use domain::errors::FieldErrors;
use http::header::{HOST, ORIGIN, SET_COOKIE};
use http::request::Parts;
use http::{Method, StatusCode};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use service::auth::{self, Caller, Channel, LoginAttempt, NewSession, Stage};
use service::{accounts, staff};
use std::collections::BTreeMap;

/// Routes merged into the page router, beside the pages they post from.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/register", post(register_citizen))
        .route("/register/business", post(register_business))
        .route("/me/profile", post(update_profile))
        .route("/me/reveal", post(reveal_id_number))
        .route("/me/password", post(change_password))
        .route("/me/sessions/revoke", post(revoke_session))
        .route("/me/sessions/revoke-others", post(revoke_other_sessions))
        .route("/me/acting-for", post(switch_acting_for))
        .route("/me/business/profile", post(update_business_profile))
        .route("/me/business/agents", post(grant_agent))
        .route("/me/business/agents/revoke", post(revoke_agent))
        .route("/staff/login", post(staff_login))
        .route("/staff/totp", post(confirm_totp))
        .route("/staff/lookup", post(look_up_citizen))
        .route("/staff/users", post(create_staff))
        .route("/apply/{code}", post(super::apply_forms::start))
        .route(
            "/apply/package/{id}",
            post(super::apply_forms::start_package),
        )
        .route(
            "/applications/{id}",
            // The application form carries its uploads: the upload-sized ceiling applies.
            post(super::apply_forms::save).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/applications/{id}/withdraw",
            post(super::apply_forms::withdraw),
        )
        .route("/progress", post(super::apply_forms::progress))
        .route("/messages/{id}/read", post(super::apply_forms::mark_read))
}

/// One submitted form: the request's parts (to render the page again), the caller and the body.
pub(super) struct Submission<T> {
    pub(super) parts: Parts,
    pub(super) caller: Caller,
    pub(super) form: T,
}

/// Reads the form. Missing fields become empty strings (every form struct defaults them), so the
/// domain rules name them; a cross-site post is refused before anything else.
pub(super) async fn read<T: DeserializeOwned>(
    state: &AppState,
    request: Request,
) -> Result<Submission<T>, Response> {
    let limit = state.config.http.body_limit_bytes;
    let (parts, body) = request.into_parts();
    if !same_origin(&parts) {
        return Err((StatusCode::FORBIDDEN, "请求来源不明，已拒绝").into_response());
    }
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| StatusCode::PAYLOAD_TOO_LARGE.into_response())?;
    let form = serde_urlencoded::from_bytes::<T>(&bytes)
        .map_err(|_| (StatusCode::BAD_REQUEST, "表单内容无法识别").into_response())?;
    let caller = parts
        .extensions
        .get::<Caller>()
        .cloned()
        .unwrap_or_default();
    Ok(Submission {
        parts,
        caller,
        form,
    })
}

/// Browsers name the page a form was posted from; one from another site is refused, which also
/// covers the login form (no session yet, so no CSRF token to check).
pub(super) fn same_origin(parts: &Parts) -> bool {
    let Some(origin) = parts.headers.get(ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = parts
        .headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    origin
        .split_once("://")
        .is_some_and(|(_, rest)| rest == host)
}

/// Renders the page at `path` again with the submission's outcome.
pub(super) async fn render(
    state: &AppState,
    mut parts: Parts,
    path: &str,
    feedback: FormFeedback,
) -> Response {
    let status = if feedback.success || feedback.form.is_none() {
        StatusCode::OK
    } else if !feedback.findings.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else if feedback.errors.is_empty() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with_status(state, &mut parts, path, feedback, status).await
}

async fn render_with_status(
    state: &AppState,
    parts: &mut Parts,
    path: &str,
    feedback: FormFeedback,
    status: StatusCode,
) -> Response {
    parts.method = Method::GET;
    parts.uri = path.parse().expect("form pages have static paths");
    let request = Request::from_parts(parts.clone(), Body::empty());
    let portal = state.portal.clone();
    let options = state.leptos.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            leptos::prelude::provide_context(portal.clone());
            leptos::prelude::provide_context(feedback.clone());
        },
        move || app::shell(options.clone()),
    );
    let mut response = handler(request).await.into_response();
    *response.status_mut() = status;
    response
}

/// Feedback for a refused submission: field messages, or one message for the whole form. An
/// unexpected failure says 系统繁忙 with the request id, as the API does.
fn refusal(
    form: FormName,
    error: service::Error,
    values: BTreeMap<String, String>,
    request_id: &str,
) -> (FormFeedback, StatusCode) {
    let status = crate::http::status::of(&error);
    let mut feedback = FormFeedback {
        form: Some(form),
        values,
        ..FormFeedback::default()
    };
    match error {
        service::Error::Invalid(fields) => feedback.errors = fields,
        service::Error::Unexpected(cause) => {
            tracing::error!(error = format!("{cause:#}"), "form submission failed");
            feedback.message = Some(format!("系统繁忙，请稍后再试（请求编号 {request_id}）"));
        }
        other => feedback.message = Some(other.to_string()),
    }
    (feedback, status)
}

pub(super) async fn refuse(
    state: &AppState,
    mut parts: Parts,
    path: &str,
    form: FormName,
    error: service::Error,
    values: BTreeMap<String, String>,
) -> Response {
    let retry_after = match &error {
        service::Error::RateLimited {
            retry_after_secs, ..
        } => Some(*retry_after_secs),
        _ => None,
    };
    let request_id = parts
        .extensions
        .get::<RequestId>()
        .map(|id| id.0.clone())
        .unwrap_or_default();
    let (feedback, status) = refusal(form, error, values, &request_id);
    let mut response = render_with_status(state, &mut parts, path, feedback, status).await;
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(http::header::RETRY_AFTER, seconds.into());
    }
    response
}

fn confirmed(form: FormName, message: &str) -> FormFeedback {
    FormFeedback {
        form: Some(form),
        message: Some(message.into()),
        success: true,
        ..FormFeedback::default()
    }
}

fn values<const N: usize>(pairs: [(&str, &str); N]) -> BTreeMap<String, String> {
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// A local path to continue to after login; anything else (another site, `//host`) is ignored.
fn local_next(next: &str, fallback: &'static str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next.to_owned()
    } else {
        fallback.to_owned()
    }
}

fn signed_in_redirect(state: &AppState, new: &NewSession, to: &str) -> Response {
    let max_age = (new.expires_at - state.portal.now()).whole_seconds();
    let mut response = Redirect::to(to).into_response();
    response.headers_mut().insert(
        SET_COOKIE,
        session_cookie(&new.token, max_age, state.config.http.https),
    );
    response
}

/// The session for a form write, with its CSRF token checked.
fn session_for<'a>(caller: &'a Caller, csrf: &str) -> service::Result<&'a auth::Session> {
    caller.session_for_write(Some(csrf))
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
        },
    )
    .await;
    let path = if agent.is_some() || parts.uri.query().is_some_and(|q| q.contains("as=business")) {
        "/login?as=business"
    } else {
        "/login"
    };
    match result {
        Ok(new) if matches!(new.session.principal, auth::Principal::Staff(_)) => {
            auth::revoke(&state.portal, &new.session).await.ok();
            let error = service::Error::invalid("account", "工作人员请从工作人员登录页登录");
            refuse(
                &state,
                parts,
                "/staff/login",
                FormName::StaffLogin,
                error,
                values([("account", &form.account)]),
            )
            .await
        }
        Ok(new) => signed_in_redirect(&state, &new, &local_next(&form.next, "/me")),
        Err(error) => {
            let values = values([("account", &form.account), ("agent", &form.agent)]);
            refuse(&state, parts, path, FormName::Login, error, values).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct CsrfOnly {
    pub(super) csrf_token: String,
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
    let capital = form.registered_capital_yuan.trim();
    let capital_fen = if capital.is_empty() {
        Ok(None)
    } else {
        capital
            .parse::<i64>()
            .ok()
            .and_then(|yuan| yuan.checked_mul(100))
            .map(Some)
            .ok_or_else(|| {
                service::Error::Invalid(FieldErrors::single(
                    "registered_capital_yuan",
                    "注册资本请填写整数金额（元）",
                ))
            })
    };
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
            if let Some(messages) = fields.get("registered_capital_fen").map(<[String]>::to_vec) {
                let mut renamed = FieldErrors::new();
                for (field, list) in fields.iter() {
                    if field != "registered_capital_fen" {
                        for message in list {
                            renamed.add(field, message.clone());
                        }
                    }
                }
                for message in messages {
                    renamed.add("registered_capital_yuan", message);
                }
                fields = renamed;
            }
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
    // Only staff user names here: citizens have their own login page.
    if !matches!(
        domain::account::LoginName::parse(
            &form.account,
            service::clock::today_at(state.portal.now())
        ),
        Ok(domain::account::LoginName::StaffUsername(_))
    ) {
        let error = service::Error::invalid("account", "请填写工作人员用户名");
        return refuse(
            &state,
            parts,
            "/staff/login",
            FormName::StaffLogin,
            error,
            values,
        )
        .await;
    }
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

//! Forms that work without JavaScript. Each form posts to a server route that calls `service`;
//! on success it redirects (post/redirect/get), on failure it renders the same page again with a
//! [`FormFeedback`] in context: every problem listed at the top and beside its field, and the
//! reader's input kept. The feedback reaches the browser inside the page, so hydration sees it too.

use crate::paths;
use domain::account::CitizenRecord;
use domain::application::PublicProgress;
use domain::errors::FieldErrors;
use domain::prereview::Finding;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Every form of the portal, by name: the server says which form a submission's feedback
/// belongs to, and each page shows the feedback of its own forms. The names are also the
/// prefix of the forms' element ids (`profile-phone`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormName {
    Login,
    StaffLogin,
    Register,
    RegisterBusiness,
    Totp,
    InitialPassword,
    Profile,
    Password,
    Reveal,
    Sessions,
    ActingFor,
    BusinessProfile,
    GrantAgent,
    RevokeAgent,
    Lookup,
    CreateStaff,
    Apply,
    Application,
    Withdraw,
    Progress,
    Messages,
    Accept,
    Refuse,
    RequestSupplement,
    WindowStart,
    StartReview,
    Suspend,
    Resume,
    Decide,
    Revoke,
    Inspection,
    InspectionResult,
    ConfirmSupplement,
    Remind,
    Supplement,
    Book,
    CancelAppointment,
    CheckIn,
    KioskTicket,
    KioskCheckIn,
    DeviceActivate,
    CallNext,
    TicketStep,
    Rate,
    RaterRate,
    ReRate,
    RectificationCallback,
    RectificationAnswer,
    RectificationAppeal,
    RectificationReview,
    RevealPhone,
}

impl FormName {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::StaffLogin => "staff_login",
            Self::Register => "register",
            Self::RegisterBusiness => "register_business",
            Self::Totp => "totp",
            Self::InitialPassword => "initial_password",
            Self::Profile => "profile",
            Self::Password => "password",
            Self::Reveal => "reveal",
            Self::Sessions => "sessions",
            Self::ActingFor => "acting_for",
            Self::BusinessProfile => "business_profile",
            Self::GrantAgent => "grant_agent",
            Self::RevokeAgent => "revoke_agent",
            Self::Lookup => "lookup",
            Self::CreateStaff => "create_staff",
            Self::Apply => "apply",
            Self::Application => "application",
            Self::Withdraw => "withdraw",
            Self::Progress => "progress",
            Self::Messages => "messages",
            Self::Accept => "accept",
            Self::Refuse => "refuse",
            Self::RequestSupplement => "request_supplement",
            Self::WindowStart => "window_start",
            Self::StartReview => "start_review",
            Self::Suspend => "suspend",
            Self::Resume => "resume",
            Self::Decide => "decide",
            Self::Revoke => "revoke",
            Self::Inspection => "inspection",
            Self::InspectionResult => "inspection_result",
            Self::ConfirmSupplement => "confirm_supplement",
            Self::Remind => "remind",
            Self::Supplement => "supplement",
            Self::Book => "book",
            Self::CancelAppointment => "cancel_appointment",
            Self::CheckIn => "check_in",
            Self::KioskTicket => "kiosk_ticket",
            Self::KioskCheckIn => "kiosk_check_in",
            Self::DeviceActivate => "device_activate",
            Self::CallNext => "call_next",
            Self::TicketStep => "ticket_step",
            Self::Rate => "rate",
            Self::RaterRate => "rater_rate",
            Self::ReRate => "re_rate",
            Self::RectificationCallback => "rectification_callback",
            Self::RectificationAnswer => "rectification_answer",
            Self::RectificationAppeal => "rectification_appeal",
            Self::RectificationReview => "rectification_review",
            Self::RevealPhone => "reveal_phone",
        }
    }
}

impl FormName {
    /// The page this form sits on: a refused post to `action` renders it again with the feedback.
    pub fn page(self, action: &str) -> String {
        match self {
            Self::Login => paths::LOGIN.into(),
            Self::StaffLogin => paths::STAFF_LOGIN.into(),
            Self::Register => paths::REGISTER.into(),
            Self::RegisterBusiness => paths::REGISTER_BUSINESS.into(),
            Self::Totp | Self::InitialPassword => paths::STAFF_TOTP.into(),
            Self::Profile
            | Self::Password
            | Self::Reveal
            | Self::Sessions
            | Self::ActingFor
            | Self::BusinessProfile
            | Self::GrantAgent
            | Self::RevokeAgent => paths::ME.into(),
            Self::Lookup | Self::CreateStaff => paths::STAFF.into(),
            // Posted to the page's own address: /apply/{code}, /apply/package/{id},
            // /applications/{id}.
            Self::Apply | Self::Application => action.into(),
            Self::Withdraw => match paths::action::WITHDRAW.id_in(action) {
                Some(id) => paths::APPLICATION.at(id),
                None => paths::APPLICATIONS.into(),
            },
            Self::Progress => paths::PROGRESS.into(),
            Self::Messages => paths::MESSAGES.into(),
            // Posted from a case's workbench page: /staff/cases/{case_no}/accept, …/decide.
            Self::Accept
            | Self::Refuse
            | Self::RequestSupplement
            | Self::StartReview
            | Self::Suspend
            | Self::Resume
            | Self::Decide
            | Self::Revoke
            | Self::Inspection
            | Self::InspectionResult
            | Self::ConfirmSupplement => workbench_case(action),
            Self::WindowStart => paths::STAFF_WINDOW.into(),
            Self::Remind => paths::STAFF_SUPERVISION.into(),
            Self::Supplement => match paths::action::SUPPLEMENT.id_in(action) {
                Some(id) => paths::APPLICATION.at(id),
                None => paths::APPLICATIONS.into(),
            },
            Self::Book => paths::BOOK.into(),
            Self::CancelAppointment => match paths::action::CANCEL_APPOINTMENT.id_in(action) {
                Some(id) => paths::APPOINTMENT.at(id),
                None => paths::APPOINTMENTS.into(),
            },
            Self::CheckIn => match paths::action::CHECK_IN.id_in(action) {
                Some(id) => paths::APPOINTMENT.at(id),
                None => paths::APPOINTMENTS.into(),
            },
            // Posted to the kiosk page's own address.
            Self::KioskTicket | Self::KioskCheckIn => action.into(),
            Self::DeviceActivate => paths::DEVICE_ACTIVATE.into(),
            Self::CallNext | Self::TicketStep => paths::STAFF.into(),
            Self::Rate => paths::RATE.into(),
            Self::RaterRate => paths::RATER.into(),
            Self::ReRate => paths::MY_RATINGS.into(),
            // Posted from one rectification's page: /staff/rectifications/{id}/<step>.
            Self::RectificationCallback
            | Self::RectificationAnswer
            | Self::RectificationAppeal
            | Self::RectificationReview
            | Self::RevealPhone => action
                .strip_prefix("/staff/rectifications/")
                .and_then(|rest| rest.split('/').next())
                .filter(|id| !id.is_empty())
                .map_or_else(
                    || paths::STAFF_RECTIFICATIONS.into(),
                    |id| paths::STAFF_RECTIFICATION.at(id),
                ),
        }
    }
}

/// The workbench page of the case a `/staff/cases/{case_no}/<step>` post acts on.
fn workbench_case(action: &str) -> String {
    action
        .strip_prefix("/staff/cases/")
        .and_then(|rest| rest.split('/').next())
        .filter(|case_no| !case_no.is_empty())
        .map_or_else(
            || paths::STAFF.into(),
            |case_no| paths::STAFF_CASE.at(case_no),
        )
}

impl std::fmt::Display for FormName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The feedback value naming the window draft a 窗口收件 start opened, when its page shows the
/// activation code before the form.
pub const STARTED_DRAFT: &str = "started_draft";

/// The outcome of one form submission, for the page that shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormFeedback {
    /// Which form on the page was sent; `None` when the page answers no submission.
    pub form: Option<FormName>,
    /// A problem that belongs to no single field, or a confirmation.
    pub message: Option<String>,
    /// True for confirmations ("已保存").
    pub success: bool,
    pub errors: FieldErrors,
    /// What the reader typed, to fill the fields again (never passwords).
    pub values: BTreeMap<String, String>,
    /// The audited reveal's result, shown once.
    pub revealed_id_number: Option<String>,
    /// A rater's phone revealed for the call-back (audited), shown once.
    pub revealed_phone: Option<String>,
    /// A staff lookup's result.
    pub lookup: Option<CitizenRecord>,
    /// The pre-review's findings, for the application form.
    pub findings: Vec<Finding>,
    /// The public progress lookup's answer.
    pub progress: Option<PublicProgress>,
}

impl FormFeedback {
    /// Whether the page answers a refused post: its title then starts with 「错误：」.
    pub fn is_refusal(&self) -> bool {
        self.form.is_some()
            && !self.success
            && (!self.errors.is_empty()
                || self.message.is_some()
                || self
                    .findings
                    .iter()
                    .any(|f| f.level == domain::prereview::Level::Blocking))
    }

    /// Whether this feedback answers `form`.
    pub fn is_for(&self, form: FormName) -> bool {
        self.form == Some(form)
    }

    pub fn value(&self, form: FormName, field: &str) -> String {
        if self.is_for(form) {
            self.values.get(field).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    }

    pub fn errors_for(&self, form: FormName, field: &str) -> Vec<String> {
        if self.is_for(form) {
            self.errors
                .get(field)
                .map(<[String]>::to_vec)
                .unwrap_or_default()
        } else {
            Vec::new()
        }
    }
}

/// The feedback of the submission this page answers, if any.
pub fn use_feedback() -> Resource<Option<FormFeedback>> {
    Resource::new_blocking(|| (), |_| async move { current_feedback() })
}

/// What the reader typed into the form a refused post answers (`Book` re-renders its choices
/// from them), read while rendering.
pub fn kept_feedback_values() -> BTreeMap<String, String> {
    current_feedback()
        .map(|feedback| feedback.values)
        .unwrap_or_default()
}

fn current_feedback() -> Option<FormFeedback> {
    #[cfg(feature = "ssr")]
    {
        use_context::<FormFeedback>()
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// The problem list at the top of a form: focusable, announced, each entry linking to its field.
#[component]
pub fn ErrorSummary(feedback: FormFeedback, form: FormName) -> impl IntoView {
    if !feedback.is_for(form) || (feedback.errors.is_empty() && feedback.message.is_none()) {
        return ().into_any();
    }
    if feedback.success {
        return view! {
            <p class="notice notice--success" role="status">{feedback.message}</p>
        }
        .into_any();
    }
    let items: Vec<(String, String)> = feedback
        .errors
        .iter()
        .flat_map(|(field, messages)| {
            messages
                .iter()
                .map(move |message| (field.to_owned(), message.clone()))
        })
        .collect();
    // `autofocus` moves focus to the summary when the page answers a refused post, with or
    // without JavaScript, so a screen reader starts with the problems.
    view! {
        <div class="error-summary" role="alert" tabindex="-1" autofocus>
            <h2>"请修改以下问题后重新提交"</h2>
            {feedback.message.map(|message| view! { <p>{message}</p> })}
            <ul>
                {items
                    .into_iter()
                    .map(|(field, message)| {
                        view! { <li><a href=format!("#{form}-{}", field.replace('.', "-"))>{message}</a></li> }
                    })
                    .collect_view()}
            </ul>
        </div>
    }
    .into_any()
}

/// Which live check an input runs once the WASM is there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LiveCheck {
    IdNumber,
    CreditCode,
}

impl LiveCheck {
    fn problem(self, text: &str) -> Option<String> {
        match self {
            Self::IdNumber => check_id_number(text),
            Self::CreditCode => check_credit_code(text),
        }
    }
}

/// A labelled input with its server-side messages and, once hydrated, a live check as the reader
/// types (the same `domain` rule the server applies).
#[component]
pub fn Field(
    form: FormName,
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] hint: &'static str,
    #[prop(optional)] value: String,
    #[prop(optional)] errors: Vec<String>,
    #[prop(default = true)] required: bool,
    /// A check to run while typing.
    #[prop(optional)]
    live_check: Option<LiveCheck>,
) -> impl IntoView {
    let id = format!("{form}-{}", name.replace('.', "-"));
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let live_id = format!("{id}-live");
    let invalid = !errors.is_empty();
    let described = [
        (!hint.is_empty()).then(|| hint_id.clone()),
        invalid.then(|| error_id.clone()),
        live_check.map(|_| live_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let input = InputAttributes {
        id: id.clone(),
        name: name.into(),
        kind: kind.into(),
        value,
        required,
        autocomplete: (!autocomplete.is_empty()).then(|| autocomplete.to_owned()),
        invalid,
        described: (!described.is_empty()).then_some(described),
    };
    view! {
        <div class="field" class:field--invalid=invalid>
            <label for=id>{label}</label>
            {(!hint.is_empty()).then(|| view! { <p class="field__hint" id=hint_id>{hint}</p> })}
            {invalid.then(|| view! {
                <p class="field__error" id=error_id>{errors.join("；")}</p>
            })}
            {match live_check {
                Some(check) => view! { <CheckedInput input check live_id /> }.into_any(),
                None => view! { <PlainInput input /> }.into_any(),
            }}
        </div>
    }
}

/// Everything an `<input>` of a [`Field`] carries; serialisable, so an island can take it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct InputAttributes {
    id: String,
    name: String,
    kind: String,
    value: String,
    required: bool,
    autocomplete: Option<String>,
    invalid: bool,
    described: Option<String>,
}

#[component]
fn PlainInput(input: InputAttributes) -> impl IntoView {
    view! {
        <input
            id=input.id
            name=input.name
            type=input.kind
            value=input.value
            required=input.required
            autocomplete=input.autocomplete
            aria-invalid=input.invalid.then_some("true")
            aria-describedby=input.described
        />
    }
}

/// The input with its live check: the only part of a form that runs in the browser.
#[island]
fn CheckedInput(input: InputAttributes, check: LiveCheck, live_id: String) -> impl IntoView {
    let live_message = RwSignal::new(None::<String>);
    let on_input = move |event: leptos::ev::Event| {
        let text = event_target_value(&event);
        live_message.set(if text.trim().is_empty() {
            None
        } else {
            check.problem(&text)
        });
    };
    view! {
        <input
            id=input.id
            name=input.name
            type=input.kind
            value=input.value
            required=input.required
            autocomplete=input.autocomplete
            aria-invalid=input.invalid.then_some("true")
            aria-describedby=input.described
            on:input=on_input
        />
        <p class="field__live" id=live_id aria-live="polite">{move || live_message.get()}</p>
    }
}

/// The CSRF token every form of a logged-in reader carries.
#[component]
pub fn CsrfField(token: String) -> impl IntoView {
    view! { <input type="hidden" name="csrf_token" value=token /> }
}

/// Live check for 公民身份号码 fields. The browser checks everything except "not in the future",
/// which needs a trustworthy today; the server checks that on submit.
pub fn check_id_number(text: &str) -> Option<String> {
    let far_future = time::macros::date!(9999 - 12 - 31);
    domain::identity::IdNumber::parse(text, far_future)
        .err()
        .map(|e| e.to_string())
}

/// Live check for 统一社会信用代码 fields.
pub fn check_credit_code(text: &str) -> Option<String> {
    domain::identity::CreditCode::parse(text)
        .err()
        .map(|e| e.to_string())
}

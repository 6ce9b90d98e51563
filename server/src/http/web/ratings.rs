//! 好差评 as forms: a rating from the rating form (signed in) or from the window's tablet (its
//! device token, nobody signed in), the re-rating of an answer, and the staff's rectification
//! steps (回访核实, 整改答复, the audited phone, 申诉, 复核).

use super::form::{Posted, SignedIn, WebForm, button, values};
use crate::http::AppState;
use app::forms::{FormFeedback, FormName};
use app::paths::{self, action};
use axum::Router;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::post;
use domain::rating::{
    AnswerRequest, AppealRequest, CallbackRequest, RatingRequest, ReRateRequest, ReviewRequest,
};
use service::ratings::{self, Rater};
use std::collections::BTreeMap;

/// This area's form routes, merged into the page router beside the pages they post from.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(action::RATE, post(rate))
        .route(action::RATER, post(rate_at_window))
        .route(&action::RE_RATE.route(), post(re_rate))
        .route(&action::RECTIFICATION_CALLBACK.route(), post(callback))
        .route(&action::RECTIFICATION_ANSWER.route(), post(answer))
        .route(&action::RECTIFICATION_APPEAL.route(), post(appeal))
        .route(&action::RECTIFICATION_REVIEW.route(), post(review))
        .route(&action::RECTIFICATION_PHONE.route(), post(reveal_phone))
}

/// The rating form as posted: repeated `reasons` checkboxes and `indicator.<code>` radios, so it
/// reads as name–value pairs.
#[derive(serde::Deserialize, Default)]
#[serde(from = "Vec<(String, String)>")]
struct RatingForm {
    csrf_token: String,
    request: RatingRequest,
    kept: BTreeMap<String, String>,
}

impl From<Vec<(String, String)>> for RatingForm {
    fn from(pairs: Vec<(String, String)>) -> Self {
        let mut form = Self::default();
        let mut level = String::new();
        for (name, value) in pairs {
            match name.as_str() {
                "csrf_token" => form.csrf_token = value,
                "case_no" => form.request.case_no = Some(value),
                "ticket_id" => form.request.ticket_id = Some(value),
                "level" => level = value,
                "reasons" => form.request.reasons.push(value),
                "comment" => form.request.comment = Some(value),
                other => {
                    if let Some(code) = other.strip_prefix("indicator.") {
                        // An unreadable score counts as out of range, so its field is named.
                        let score = value.trim().parse().unwrap_or(0);
                        form.request.indicators.insert(code.to_owned(), score);
                        form.kept.insert(format!("indicators.{code}"), value);
                    }
                }
            }
        }
        form.request.level = (!level.trim().is_empty()).then(|| level.trim().parse().unwrap_or(0));
        form.kept.extend(values([
            ("level", &level),
            (
                "case_no",
                form.request.case_no.as_deref().unwrap_or_default(),
            ),
            (
                "ticket_id",
                form.request.ticket_id.as_deref().unwrap_or_default(),
            ),
            (
                "comment",
                form.request.comment.as_deref().unwrap_or_default(),
            ),
            ("reasons", &form.request.reasons.join(",")),
        ]));
        form
    }
}

impl WebForm for RatingForm {
    const NAME: FormName = FormName::Rate;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    fn kept(&self) -> BTreeMap<String, String> {
        self.kept.clone()
    }
}

/// `POST /ratings`: the rater's own case or booked ticket; 我的评价 follows.
async fn rate(post: SignedIn<RatingForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    match ratings::rate(reply.portal(), Rater::Citizen(&session), form.request).await {
        Ok(_) => reply.redirect(paths::MY_RATINGS),
        Err(error) => reply.refuse(error).await,
    }
}

/// The same form on the window's tablet, which has no session and so no CSRF token.
#[derive(serde::Deserialize, Default)]
#[serde(from = "Vec<(String, String)>")]
struct WindowRatingForm(RatingForm);

impl From<Vec<(String, String)>> for WindowRatingForm {
    fn from(pairs: Vec<(String, String)>) -> Self {
        Self(RatingForm::from(pairs))
    }
}

impl WebForm for WindowRatingForm {
    const NAME: FormName = FormName::RaterRate;

    fn kept(&self) -> BTreeMap<String, String> {
        self.0.kept.clone()
    }
}

/// `POST /rater`: the tablet thanks the rater and returns to waiting.
async fn rate_at_window(post: Posted<WindowRatingForm>) -> Response {
    let Posted {
        caller,
        form,
        reply,
    } = post;
    let Some(device) = caller.device else {
        return reply.refuse(service::devices::NOT_A_DEVICE).await;
    };
    match ratings::rate(reply.portal(), Rater::Window(&device), form.0.request).await {
        Ok(_) => reply.confirm("感谢您的评价！").await,
        Err(error) => reply.refuse(error).await,
    }
}

/// A one-field form of this area; `$field` is both the form field and the request's.
macro_rules! text_form {
    ($type:ident, $name:expr, $($field:ident),+) => {
        #[derive(serde::Deserialize, Default)]
        #[serde(default)]
        struct $type {
            csrf_token: String,
            $($field: String,)+
        }

        impl WebForm for $type {
            const NAME: FormName = $name;

            fn csrf_token(&self) -> &str {
                &self.csrf_token
            }

            fn kept(&self) -> BTreeMap<String, String> {
                values([$((stringify!($field), &self.$field)),+])
            }
        }
    };
}

text_form!(ReRateForm, FormName::ReRate, result, comment);
text_form!(CallbackForm, FormName::RectificationCallback, result);
text_form!(AnswerForm, FormName::RectificationAnswer, answer);
text_form!(AppealForm, FormName::RectificationAppeal, reason, evidence);
text_form!(ReviewForm, FormName::RectificationReview, decision, reason);
button!(
    /// 查看评价人电话.
    PhoneForm,
    FormName::RevealPhone
);

/// `POST /me/ratings/{id}/re-rate`.
async fn re_rate(Path(id): Path<String>, post: SignedIn<ReRateForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    let request = ReRateRequest {
        result: form.result,
        comment: Some(form.comment),
    };
    match ratings::re_rate(reply.portal(), &session, &id, request).await {
        Ok(_) => reply.confirm("已收到您对整改答复的评价。").await,
        Err(error) => reply.refuse(error).await,
    }
}

/// `POST /staff/rectifications/{id}/callback`.
async fn callback(Path(id): Path<String>, post: SignedIn<CallbackForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    let request = CallbackRequest {
        result: form.result,
    };
    match ratings::callback(reply.portal(), &session, &id, request).await {
        Ok(_) => reply.confirm("已记录回访核实结果。").await,
        Err(error) => reply.refuse(error).await,
    }
}

/// `POST /staff/rectifications/{id}/answer`.
async fn answer(Path(id): Path<String>, post: SignedIn<AnswerForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    let request = AnswerRequest {
        answer: form.answer,
    };
    match ratings::answer(reply.portal(), &session, &id, request).await {
        Ok(_) => reply.confirm("整改答复已发送给评价人。").await,
        Err(error) => reply.refuse(error).await,
    }
}

/// `POST /staff/rectifications/{id}/appeal`.
async fn appeal(Path(id): Path<String>, post: SignedIn<AppealForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    let request = AppealRequest {
        reason: form.reason,
        evidence: form.evidence,
    };
    match ratings::appeal(reply.portal(), &session, &id, request).await {
        Ok(_) => reply.confirm("申诉已提交，等待督查考核部门复核。").await,
        Err(error) => reply.refuse(error).await,
    }
}

/// `POST /staff/rectifications/{id}/review`.
async fn review(Path(id): Path<String>, post: SignedIn<ReviewForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    let request = ReviewRequest {
        decision: form.decision,
        reason: form.reason,
    };
    match ratings::review(reply.portal(), &session, &id, request).await {
        Ok(_) => reply.confirm("复核结论已记录。").await,
        Err(error) => reply.refuse(error).await,
    }
}

/// `POST /staff/rectifications/{id}/reveal-phone`: the phone, shown once on the page.
async fn reveal_phone(Path(id): Path<String>, post: SignedIn<PhoneForm>) -> Response {
    let SignedIn { session, reply, .. } = post;
    match ratings::reveal_phone(reply.portal(), &session, &id).await {
        Ok(revealed) => {
            let feedback = FormFeedback {
                revealed_phone: Some(revealed.phone),
                ..FormFeedback::default()
            };
            reply.show(feedback).await
        }
        Err(error) => reply.refuse(error).await,
    }
}

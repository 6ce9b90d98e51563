//! 后台分类审批 on the workbench: 开始审查, 特别程序 and its end, 一车勘验 and its result, the
//! decision and 撤销, each answered by the case's page again.

use super::form::{Reply, SignedIn, WebForm, button, values};
use crate::http::AppState;
use app::forms::FormName;
use app::paths::{self, action};
use axum::Router;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::post;
use domain::case_clock::SuspensionKind;
use domain::form::parse_date;
use domain::review::{
    DecideRequest, InspectionRequest, InspectionResult, Outcome, RevokeRequest, SuspendRequest,
};
use serde::Deserialize;
use service::{Error, applications};
use std::collections::BTreeMap;

/// This area's form routes, merged into the page router beside the pages they post from.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(&action::START_REVIEW.route(), post(start_review))
        .route(&action::SUSPEND.route(), post(suspend))
        .route(&action::RESUME.route(), post(resume))
        .route(&action::INSPECTION.route(), post(schedule_inspection))
        .route(&action::INSPECTION_RESULT.route(), post(record_inspection))
        .route(&action::DECIDE.route(), post(decide))
        .route(&action::REVOKE.route(), post(revoke))
}

/// Back to the case's page, or the page again with why not.
pub(super) async fn answered<T>(
    reply: Reply,
    case_no: &str,
    result: service::Result<T>,
) -> Response {
    match result {
        Ok(_) => reply.redirect(&paths::STAFF_CASE.at(case_no)),
        Err(error) => reply.refuse(error).await,
    }
}

/// A date field, or the error naming it.
fn date_field(field: &str, text: &str) -> Result<time::Date, Error> {
    parse_date(text.trim()).ok_or_else(|| Error::invalid(field, "请按“年-月-日”选择日期"))
}

button!(
    /// 开始审查.
    StartReviewForm,
    FormName::StartReview
);

/// `POST /staff/cases/{case_no}/start-review`.
async fn start_review(Path(case_no): Path<String>, post: SignedIn<StartReviewForm>) -> Response {
    let SignedIn { session, reply, .. } = post;
    let result = applications::start_review(reply.portal(), &session, &case_no).await;
    answered(reply, &case_no, result).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SuspendForm {
    csrf_token: String,
    kind: String,
    reason: String,
    expected_end: String,
}

impl WebForm for SuspendForm {
    const NAME: FormName = FormName::Suspend;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    fn kept(&self) -> BTreeMap<String, String> {
        values([
            ("kind", &self.kind),
            ("reason", &self.reason),
            ("expected_end", &self.expected_end),
        ])
    }
}

/// `POST /staff/cases/{case_no}/suspend`.
async fn suspend(Path(case_no): Path<String>, post: SignedIn<SuspendForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    let Some(kind) = SuspensionKind::parse(&form.kind) else {
        return reply
            .refuse(Error::invalid("kind", "请选择特别程序的种类"))
            .await;
    };
    let expected_end = match date_field("expected_end", &form.expected_end) {
        Ok(date) => date,
        Err(error) => return reply.refuse(error).await,
    };
    let request = SuspendRequest {
        kind,
        reason: form.reason,
        expected_end,
    };
    let result = applications::suspend(reply.portal(), &session, &case_no, request).await;
    answered(reply, &case_no, result).await
}

button!(
    /// 结束特别程序.
    ResumeForm,
    FormName::Resume
);

/// `POST /staff/cases/{case_no}/resume`.
async fn resume(Path(case_no): Path<String>, post: SignedIn<ResumeForm>) -> Response {
    let SignedIn { session, reply, .. } = post;
    let result = applications::resume(reply.portal(), &session, &case_no).await;
    answered(reply, &case_no, result).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct InspectionForm {
    csrf_token: String,
    scheduled_on: String,
    expected_end: String,
    place: String,
    inspectors_per_department: String,
}

impl WebForm for InspectionForm {
    const NAME: FormName = FormName::Inspection;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    fn kept(&self) -> BTreeMap<String, String> {
        values([
            ("scheduled_on", &self.scheduled_on),
            ("expected_end", &self.expected_end),
            ("place", &self.place),
            ("inspectors_per_department", &self.inspectors_per_department),
        ])
    }
}

/// `POST /staff/cases/{case_no}/inspections`.
async fn schedule_inspection(
    Path(case_no): Path<String>,
    post: SignedIn<InspectionForm>,
) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    let dates = date_field("scheduled_on", &form.scheduled_on)
        .and_then(|on| Ok((on, date_field("expected_end", &form.expected_end)?)));
    let (scheduled_on, expected_end) = match dates {
        Ok(dates) => dates,
        Err(error) => return reply.refuse(error).await,
    };
    let Ok(inspectors_per_department) = form.inspectors_per_department.trim().parse::<u32>() else {
        return reply
            .refuse(Error::invalid(
                "inspectors_per_department",
                "请填写每个部门抽取的人数（1至5）",
            ))
            .await;
    };
    let request = InspectionRequest {
        scheduled_on,
        expected_end,
        place: form.place,
        inspectors_per_department,
    };
    let result =
        applications::schedule_inspection(reply.portal(), &session, &case_no, request).await;
    answered(reply, &case_no, result).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct InspectionResultForm {
    csrf_token: String,
    inspection_id: String,
    result: String,
}

impl WebForm for InspectionResultForm {
    const NAME: FormName = FormName::InspectionResult;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    fn kept(&self) -> BTreeMap<String, String> {
        values([("result", &self.result)])
    }
}

/// `POST /staff/cases/{case_no}/inspection-result`: the result of the inspection named in the
/// form, recorded on every case it covers.
async fn record_inspection(
    Path(case_no): Path<String>,
    post: SignedIn<InspectionResultForm>,
) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    let result = InspectionResult {
        result: form.result,
    };
    let recorded =
        applications::record_inspection(reply.portal(), &session, &form.inspection_id, result)
            .await;
    answered(reply, &case_no, recorded).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DecideForm {
    csrf_token: String,
    outcome: String,
    reasons: String,
    legal_basis: String,
}

impl WebForm for DecideForm {
    const NAME: FormName = FormName::Decide;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    fn kept(&self) -> BTreeMap<String, String> {
        values([
            ("outcome", &self.outcome),
            ("reasons", &self.reasons),
            ("legal_basis", &self.legal_basis),
        ])
    }
}

/// `POST /staff/cases/{case_no}/decide`.
async fn decide(Path(case_no): Path<String>, post: SignedIn<DecideForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    let outcome = match form.outcome.as_str() {
        "approve" => Outcome::Approve,
        "deny" => Outcome::Deny,
        _ => {
            return reply
                .refuse(Error::invalid("outcome", "请选择准予许可或不予许可"))
                .await;
        }
    };
    let request = DecideRequest {
        outcome,
        reasons: form.reasons,
        legal_basis: form.legal_basis,
    };
    let result = applications::decide(reply.portal(), &session, &case_no, request).await;
    answered(reply, &case_no, result).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RevokeForm {
    csrf_token: String,
    reason: String,
}

impl WebForm for RevokeForm {
    const NAME: FormName = FormName::Revoke;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    fn kept(&self) -> BTreeMap<String, String> {
        values([("reason", &self.reason)])
    }
}

/// `POST /staff/cases/{case_no}/revoke`.
async fn revoke(Path(case_no): Path<String>, post: SignedIn<RevokeForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    let request = RevokeRequest {
        reason: form.reason,
    };
    let result = applications::revoke(reply.portal(), &session, &case_no, request).await;
    answered(reply, &case_no, result).await
}

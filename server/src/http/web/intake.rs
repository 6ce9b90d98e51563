//! 一窗受理 on the workbench: the clerk's 受理 (every manual review point ticked) and 不予受理,
//! each answered by the case's page again.

use super::form::{Body, SignedIn, Source, WebForm, values};
use crate::http::AppState;
use app::forms::FormName;
use app::paths::{self, action};
use axum::Router;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::post;
use domain::application::{SupplementItem, SupplementRequest};
use domain::commitment::ConfirmSupplement;
use domain::form::parse_date;
use domain::intake::{AcceptRequest, RefuseRequest};
use serde::Deserialize;
use service::{Error, applications};

use std::collections::BTreeMap;

/// This area's form routes, merged into the page router beside the pages they post from.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(&action::ACCEPT.route(), post(accept))
        .route(&action::REFUSE.route(), post(refuse))
        .route(
            &action::REQUEST_SUPPLEMENT.route(),
            post(request_supplement),
        )
        .route(
            &action::CONFIRM_SUPPLEMENT.route(),
            post(confirm_supplement),
        )
}

/// 受理: the ticked review points arrive as repeated `checked` fields, the 容缺 dates as
/// `deferrals.<material code>` (left empty for a material in hand).
struct AcceptForm {
    csrf_token: String,
    checked: Vec<String>,
    deferrals: BTreeMap<String, String>,
}

impl Body for AcceptForm {
    async fn read(source: Source) -> service::Result<Self> {
        let bytes = source.url_encoded().await?;
        let mut form = Self {
            csrf_token: String::new(),
            checked: Vec::new(),
            deferrals: BTreeMap::new(),
        };
        for (name, value) in form_urlencoded::parse(&bytes) {
            match name.as_ref() {
                "csrf_token" => form.csrf_token = value.into_owned(),
                "checked" => form.checked.push(value.into_owned()),
                name => {
                    if let Some(code) = name.strip_prefix("deferrals.") {
                        form.deferrals
                            .insert(code.to_owned(), value.trim().to_owned());
                    }
                }
            }
        }
        Ok(form)
    }
}

impl WebForm for AcceptForm {
    const NAME: FormName = FormName::Accept;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    /// The ticks stay ticked and the dates filled on a refusal.
    fn kept(&self) -> BTreeMap<String, String> {
        let ticks = self
            .checked
            .iter()
            .map(|id| (format!("checked.{id}"), "on".to_owned()));
        let dates = self
            .deferrals
            .iter()
            .map(|(code, until)| (format!("deferrals.{code}"), until.clone()));
        ticks.chain(dates).collect()
    }
}

/// `POST /staff/cases/{case_no}/accept`.
async fn accept(Path(case_no): Path<String>, post: SignedIn<AcceptForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    let mut deferrals = BTreeMap::new();
    for (code, until) in form.deferrals.iter().filter(|(_, until)| !until.is_empty()) {
        match parse_date(until) {
            Some(until) => deferrals.insert(code.clone(), until),
            None => {
                let error = Error::invalid(
                    &format!("deferrals.{code}"),
                    "请按“年-月-日”填写承诺补交日期",
                );
                return reply.refuse(error).await;
            }
        };
    }
    let request = AcceptRequest {
        checked: form.checked,
        deferrals,
    };
    match applications::accept(reply.portal(), &session, &case_no, request).await {
        Ok(_) => reply.redirect(&paths::STAFF_CASE.at(&case_no)),
        Err(error) => reply.refuse(error).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RefuseForm {
    csrf_token: String,
    reason: String,
    legal_basis: String,
}

impl WebForm for RefuseForm {
    const NAME: FormName = FormName::Refuse;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    fn kept(&self) -> BTreeMap<String, String> {
        values([("reason", &self.reason), ("legal_basis", &self.legal_basis)])
    }
}

/// `POST /staff/cases/{case_no}/refuse`.
async fn refuse(Path(case_no): Path<String>, post: SignedIn<RefuseForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    let request = RefuseRequest {
        reason: form.reason,
        legal_basis: form.legal_basis,
    };
    match applications::refuse(reply.portal(), &session, &case_no, request).await {
        Ok(_) => reply.redirect(&paths::STAFF_CASE.at(&case_no)),
        Err(error) => reply.refuse(error).await,
    }
}

/// 补正: one text per field or material to fix (`item.field:<key>`, `item.material:<code>`),
/// those left empty not asked for, and a remark.
struct SupplementForm {
    csrf_token: String,
    items: Vec<(String, String)>,
    remark: String,
}

impl Body for SupplementForm {
    async fn read(source: Source) -> service::Result<Self> {
        let bytes = source.url_encoded().await?;
        let mut form = Self {
            csrf_token: String::new(),
            items: Vec::new(),
            remark: String::new(),
        };
        for (name, value) in form_urlencoded::parse(&bytes) {
            match name.as_ref() {
                "csrf_token" => form.csrf_token = value.into_owned(),
                "remark" => form.remark = value.into_owned(),
                name => {
                    if let Some(target) = name.strip_prefix("item.") {
                        form.items.push((target.to_owned(), value.into_owned()));
                    }
                }
            }
        }
        Ok(form)
    }
}

impl WebForm for SupplementForm {
    const NAME: FormName = FormName::RequestSupplement;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    fn kept(&self) -> BTreeMap<String, String> {
        self.items
            .iter()
            .map(|(target, message)| (format!("item.{target}"), message.clone()))
            .chain([("remark".to_owned(), self.remark.clone())])
            .collect()
    }
}

/// `POST /staff/cases/{case_no}/request-supplement`.
async fn request_supplement(
    Path(case_no): Path<String>,
    post: SignedIn<SupplementForm>,
) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    let request = SupplementRequest {
        remark: form.remark,
        items: form
            .items
            .into_iter()
            .filter(|(_, message)| !message.trim().is_empty())
            .map(|(target, message)| SupplementItem { target, message })
            .collect(),
    };
    match applications::request_supplement(reply.portal(), &session, &case_no, request).await {
        Ok(_) => reply.redirect(&paths::STAFF_CASE.at(&case_no)),
        Err(error) => reply.refuse(error).await,
    }
}

/// A clerk confirms a 容缺 material: the file the applicant handed in (`how=file`), or the paper
/// original received at the window (`how=window`).
#[derive(Deserialize, Default)]
#[serde(default)]
struct ConfirmSupplementForm {
    csrf_token: String,
    material_code: String,
    how: String,
    /// The handed-in file the page showed.
    document_id: String,
}

impl WebForm for ConfirmSupplementForm {
    const NAME: FormName = FormName::ConfirmSupplement;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// `POST /staff/cases/{case_no}/confirm-supplement`.
async fn confirm_supplement(
    Path(case_no): Path<String>,
    post: SignedIn<ConfirmSupplementForm>,
) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    let request = ConfirmSupplement {
        received_at_window: form.how == "window",
        document_id: Some(form.document_id).filter(|id| !id.is_empty()),
    };
    let result = applications::confirm_supplement(
        reply.portal(),
        &session,
        &case_no,
        &form.material_code,
        request,
    )
    .await;
    super::review::answered(reply, &case_no, result).await
}

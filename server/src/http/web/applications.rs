//! The application form's endpoints: start a draft from a guide or a package, then one
//! `multipart/form-data` post that saves the answers and any uploaded materials and — as the
//! reader chose — keeps the draft, runs the pre-review, adds a group entry, or submits
//! (`applications::save_form`, which the API's `PUT` shares); and 撤回.

use super::form::{Body, Part, SignedIn, Source, WebForm, button};
use crate::http::AppState;
use app::forms::{FormFeedback, FormName};
use app::paths::{self, action};
use axum::Router;
use axum::body::Bytes;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::post;
use service::applications::{self, Change, Intent, PostedFile, PostedForm, Saved};
use service::idempotency::Key;

/// This area's form routes, merged into the page router beside the pages they post from.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(&paths::APPLY.route(), post(start))
        .route(&paths::APPLY_PACKAGE.route(), post(start_package))
        .route(
            &action::APPLICATION.route(),
            // The application form carries its uploads: the upload-sized ceiling applies.
            post(save).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(&action::WITHDRAW.route(), post(withdraw))
        .route(
            &action::SUPPLEMENT.route(),
            post(hand_in_supplement).layer(axum::extract::DefaultBodyLimit::disable()),
        )
}

button!(
    /// 在线办理: starts a draft.
    StartButton,
    FormName::Apply
);

/// `POST /apply/{code}`: starts a draft of an item and opens it.
async fn start(Path(code): Path<String>, post: SignedIn<StartButton>) -> Response {
    start_draft(post, applications::Start::Item(code)).await
}

/// `POST /apply/package/{id}`: starts a draft of a 一件事 package (one merged form) and opens it.
async fn start_package(Path(id): Path<String>, post: SignedIn<StartButton>) -> Response {
    start_draft(post, applications::Start::Package(id)).await
}

async fn start_draft(post: SignedIn<StartButton>, start: applications::Start) -> Response {
    let SignedIn { session, reply, .. } = post;
    match applications::create_draft(reply.portal(), &session, &start).await {
        Ok(draft) => reply.redirect(&paths::APPLICATION.at(&draft.id)),
        Err(error) => reply.refuse(error).await,
    }
}

button!(
    /// 撤回.
    WithdrawButton,
    FormName::Withdraw
);

/// `POST /applications/{id}/withdraw`.
async fn withdraw(Path(id): Path<String>, post: SignedIn<WithdrawButton>) -> Response {
    let SignedIn { session, reply, .. } = post;
    match applications::withdraw(reply.portal(), &session, &id).await {
        Ok(_) => reply.redirect(&paths::APPLICATION.at(&id)),
        Err(error) => reply.refuse(error).await,
    }
}

/// One post of the application form (the applicant's own, or a clerk's window draft).
pub(super) struct ApplicationForm {
    csrf_token: String,
    /// The key the page minted for 提交, so a repeated post meets the first answer.
    submit_key: String,
    /// The button pressed: `save`, `review`, `submit` or `add:<group>`.
    action: String,
    pub(super) fields: PostedForm,
}

impl WebForm for ApplicationForm {
    const NAME: FormName = FormName::Application;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

impl Body for ApplicationForm {
    async fn read(source: Source) -> service::Result<Self> {
        let mut parts = source
            .multipart("申请表应以 multipart/form-data 提交")
            .await?;
        let mut form = Self {
            csrf_token: parts.csrf_token.clone(),
            submit_key: String::new(),
            action: String::new(),
            fields: PostedForm::default(),
        };
        while let Some(part) = parts.next().await? {
            match part {
                Part::File {
                    name,
                    file_name,
                    bytes,
                } => {
                    let code = name
                        .strip_prefix("material.")
                        .and_then(|rest| rest.strip_suffix(".file"));
                    if let Some(code) = code
                        && !bytes.is_empty()
                    {
                        form.fields.files.push(PostedFile {
                            material_code: code.to_owned(),
                            file_name,
                            bytes,
                        });
                    }
                }
                Part::Text { name, value } => {
                    if let Some(key) = name.strip_prefix("answer.") {
                        form.fields.answers.push((key.to_owned(), value));
                    } else if let Some(key) = name.strip_prefix("material.") {
                        form.fields.material_fields.insert(key.to_owned(), value);
                    } else {
                        match name.as_str() {
                            "submit_key" => form.submit_key = value,
                            "action" => form.action = value,
                            _ => {}
                        }
                    }
                }
            }
        }
        form.fields.add_entry = form.action.strip_prefix("add:").map(str::to_owned);
        Ok(form)
    }
}

/// `POST /applications/{id}`: save, review, add a group entry, or submit.
async fn save(Path(id): Path<String>, post: SignedIn<ApplicationForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    let intent = match intent_of(&form, &session, &format!("POST /applications/{id}/submit")) {
        Ok(intent) => intent,
        Err(error) => return reply.refuse(error).await,
    };
    let reviewing = matches!(intent, Intent::Prereview);
    let change = Change::Posted(form.fields);
    let saved = applications::save_form(reply.portal(), &session, &id, change, intent).await;
    // Post/redirect/get: the receipt.
    answer(reply, saved, reviewing, |_| paths::APPLICATION.at(&id)).await
}

/// What the pressed button asks for. 提交 carries the page's key in the same key space and
/// operation as the API's submit (`operation`), so a retried post and a retried API call meet
/// the same answer.
pub(super) fn intent_of(
    form: &ApplicationForm,
    session: &service::auth::Session,
    operation: &str,
) -> Result<Intent, service::Error> {
    Ok(match form.action.as_str() {
        "review" => Intent::Prereview,
        "submit" => match form.submit_key.as_str() {
            "" => Intent::Submit(None),
            key => Intent::Submit(Some(Key::new(
                &session.idempotency_scope(),
                key,
                operation,
                &[],
            )?)),
        },
        _ => Intent::Save,
    })
}

/// The page's answer to a save: where a submission goes on to, the pre-review's findings, or
/// the draft saved.
pub(super) async fn answer(
    reply: super::form::Reply,
    saved: service::Result<Saved>,
    reviewing: bool,
    sent_to: impl FnOnce(&Saved) -> String,
) -> Response {
    match saved {
        Ok(saved) if saved.submitted => reply.redirect(&sent_to(&saved)),
        Ok(saved) if reviewing || !saved.findings.is_empty() => {
            let passed = domain::prereview::passed(&saved.findings);
            reply
                .show(FormFeedback {
                    message: passed.then(|| "预审通过，可以提交。".to_owned()),
                    success: passed,
                    findings: saved.findings,
                    ..FormFeedback::default()
                })
                .await
        }
        Ok(_) => reply.confirm("草稿已保存").await,
        Err(error) => reply.refuse(error).await,
    }
}

/// A 容缺 material handed in after acceptance: its code and the file (multipart).
struct SupplementForm {
    csrf_token: String,
    material_code: String,
    file: Option<(String, Bytes)>,
}

impl WebForm for SupplementForm {
    const NAME: FormName = FormName::Supplement;

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

impl Body for SupplementForm {
    async fn read(source: Source) -> service::Result<Self> {
        let mut parts = source
            .multipart("补交材料应以 multipart/form-data 提交")
            .await?;
        let mut form = Self {
            csrf_token: parts.csrf_token.clone(),
            material_code: String::new(),
            file: None,
        };
        while let Some(part) = parts.next().await? {
            match part {
                Part::File {
                    name,
                    file_name,
                    bytes,
                } if name == "file" => {
                    form.file = (!bytes.is_empty()).then_some((file_name, bytes))
                }
                Part::Text { name, value } if name == "material_code" => form.material_code = value,
                _ => {}
            }
        }
        Ok(form)
    }
}

/// `POST /applications/{id}/supplements`: the file goes into the vault and is handed in for
/// the material; the case page shows it waiting for the clerk's confirmation.
async fn hand_in_supplement(Path(id): Path<String>, post: SignedIn<SupplementForm>) -> Response {
    let SignedIn {
        session,
        form,
        reply,
    } = post;
    let Some((name, bytes)) = form.file else {
        let error = service::Error::invalid(
            &format!("supplement.{}", form.material_code),
            "请选择要补交的文件",
        );
        return reply.refuse(error).await;
    };
    let portal = reply.portal().clone();
    let handed_in = async {
        applications::may_hand_in(&portal, &session, &id, &form.material_code).await?;
        let document = service::documents::upload(&portal, &session, &name, bytes).await?;
        let submission = domain::commitment::SupplementSubmission {
            material_code: form.material_code.clone(),
            document_id: document.id,
        };
        applications::hand_in_supplement(&portal, &session, &id, submission).await
    };
    match handed_in.await {
        Ok(_) => reply.redirect(&paths::APPLICATION.at(&id)),
        Err(service::Error::Invalid(mut fields)) => {
            // Name the material's own file field, whichever part of the request was wrong.
            for from in ["document_id", "material_code", "file"] {
                fields.rename(from, &format!("supplement.{}", form.material_code));
            }
            reply.refuse(service::Error::Invalid(fields)).await
        }
        Err(error) => reply.refuse(error).await,
    }
}

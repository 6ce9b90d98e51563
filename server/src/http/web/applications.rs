//! The application form's endpoints: start a draft from a guide or a package, then one
//! `multipart/form-data` post that saves the answers, stores any uploaded materials in the vault,
//! and — as the reader chose — saves, runs the pre-review, adds a group entry, or submits; and
//! 撤回.

use super::form::{CsrfOnly, Submission, read, refuse, render, same_origin};
use crate::http::AppState;
use app::forms::{FormFeedback, FormName};
use axum::Router;
use axum::extract::{Multipart, Path, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use domain::application::{ApplicationPatch, MaterialInput};
use domain::catalog::FileType;
use domain::form::{Answer, Answers};
use domain::form_post::{VaultEntry, answers_from, choices_from};
use domain::prereview::MaterialChoice;
use http::StatusCode;
use service::auth::Caller;
use service::{applications, documents};
use std::collections::BTreeMap;

/// This area's form routes, merged into the page router beside the pages they post from.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/apply/{code}", post(start))
        .route("/apply/package/{id}", post(start_package))
        .route(
            "/applications/{id}",
            // The application form carries its uploads: the upload-sized ceiling applies.
            post(save).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/applications/{id}/withdraw", post(withdraw))
}

/// `POST /apply/{code}`: starts a draft of an item and opens it.
async fn start(
    State(state): State<AppState>,
    Path(code): Path<String>,
    request: Request,
) -> Response {
    let path = format!("/apply/{code}");
    start_draft(&state, request, applications::Start::Item(code), &path).await
}

/// `POST /apply/package/{id}`: starts a draft of a 一件事 package (one merged form) and opens it.
async fn start_package(
    State(state): State<AppState>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let path = format!("/apply/package/{id}");
    start_draft(&state, request, applications::Start::Package(id), &path).await
}

async fn start_draft(
    state: &AppState,
    request: Request,
    start: applications::Start,
    path: &str,
) -> Response {
    let Submission {
        parts,
        caller,
        form,
    } = match read::<CsrfOnly>(state, request).await {
        Ok(submission) => submission,
        Err(response) => return response,
    };
    let result = match caller.session_for_write(Some(&form.csrf_token)) {
        Ok(session) => applications::create_draft(&state.portal, session, &start).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(draft) => Redirect::to(&format!("/applications/{}", draft.id)).into_response(),
        Err(error) => refuse(state, parts, path, FormName::Apply, error, BTreeMap::new()).await,
    }
}

/// `POST /applications/{id}/withdraw`.
async fn withdraw(
    State(state): State<AppState>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let Submission {
        parts,
        caller,
        form,
    } = match read::<CsrfOnly>(&state, request).await {
        Ok(submission) => submission,
        Err(response) => return response,
    };
    let path = format!("/applications/{id}");
    let result = match caller.session_for_write(Some(&form.csrf_token)) {
        Ok(session) => applications::withdraw(&state.portal, session, &id).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(_) => Redirect::to(&path).into_response(),
        Err(error) => {
            refuse(
                &state,
                parts,
                &path,
                FormName::Withdraw,
                error,
                BTreeMap::new(),
            )
            .await
        }
    }
}

/// What one post of the application form carried.
#[derive(Default)]
struct Posted {
    csrf_token: String,
    submit_key: String,
    action: String,
    /// `answer.<key>` and `answer.<group>.<n>.<key>` values, repeated for checkboxes.
    answers: Vec<(String, String)>,
    /// `material.<code>.mode` and `.until`.
    material_fields: BTreeMap<String, String>,
    /// `material.<code>.file`: original name and bytes.
    files: Vec<(String, String, axum::body::Bytes)>,
}

async fn read_posted(mut multipart: Multipart) -> Result<Posted, String> {
    let mut posted = Posted::default();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|error| error.body_text())?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if let Some(code) = name
            .strip_prefix("material.")
            .and_then(|rest| rest.strip_suffix(".file"))
        {
            let file_name = field.file_name().unwrap_or_default().to_owned();
            let bytes = field.bytes().await.map_err(|error| error.body_text())?;
            if !bytes.is_empty() {
                posted.files.push((code.to_owned(), file_name, bytes));
            }
            continue;
        }
        let value = field.text().await.map_err(|error| error.body_text())?;
        match name.as_str() {
            "csrf_token" => posted.csrf_token = value,
            "submit_key" => posted.submit_key = value,
            "action" => posted.action = value,
            other if other.starts_with("answer.") => {
                posted
                    .answers
                    .push((other["answer.".len()..].to_owned(), value));
            }
            other if other.starts_with("material.") => {
                posted
                    .material_fields
                    .insert(other["material.".len()..].to_owned(), value);
            }
            _ => {}
        }
    }
    Ok(posted)
}

/// `POST /applications/{id}`: save, review, add a group entry, or submit.
async fn save(State(state): State<AppState>, Path(id): Path<String>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    if !same_origin(&parts) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let caller = parts
        .extensions
        .get::<Caller>()
        .cloned()
        .unwrap_or_default();
    let path = format!("/applications/{id}");
    let multipart = match <Multipart as axum::extract::FromRequest<()>>::from_request(
        Request::from_parts(parts.clone(), body),
        &(),
    )
    .await
    {
        Ok(multipart) => multipart,
        Err(rejection) => return rejection.into_response(),
    };
    let posted = match read_posted(multipart).await {
        Ok(posted) => posted,
        Err(message) => {
            let error = service::Error::invalid("file", message);
            return refuse(
                &state,
                parts,
                &path,
                FormName::Application,
                error,
                BTreeMap::new(),
            )
            .await;
        }
    };
    let session = match caller.session_for_write(Some(&posted.csrf_token)) {
        Ok(session) => session.clone(),
        Err(error) => {
            return refuse(
                &state,
                parts,
                &path,
                FormName::Application,
                error,
                BTreeMap::new(),
            )
            .await;
        }
    };
    let outcome = apply_post(&state, &session, &id, posted).await;
    match outcome {
        Ok(Next::Receipt) => Redirect::to(&path).into_response(),
        Ok(Next::Page(feedback)) => render(&state, parts, &path, *feedback).await,
        Err(error) => {
            refuse(
                &state,
                parts,
                &path,
                FormName::Application,
                error,
                BTreeMap::new(),
            )
            .await
        }
    }
}

/// Where a post of the application form leads: the receipt, or the form again.
enum Next {
    Receipt,
    Page(Box<FormFeedback>),
}

async fn apply_post(
    state: &AppState,
    session: &service::auth::Session,
    id: &str,
    posted: Posted,
) -> service::Result<Next> {
    let portal = &state.portal;
    let current = applications::get(portal, session, id).await?;
    let mut answers = answers_from(&current.form.fields, &posted.answers, "");
    if let Some(group) = posted.action.strip_prefix("add:")
        && let Some(Answer::Entries(entries)) = answers.get_mut(group)
    {
        entries.push(Answers::new());
    }
    let vault: Vec<VaultEntry> = documents::list(portal, session)
        .await?
        .into_iter()
        .filter_map(|document| {
            Some(VaultEntry {
                file_type: FileType::parse(&document.file_type)?,
                size_bytes: document.size_bytes as u64,
                id: document.id,
            })
        })
        .collect();
    let mut materials = choices_from(
        &current.materials,
        &current.choices,
        &posted.material_fields,
        &vault,
    )
    .map_err(service::Error::Invalid)?;
    for (code, file_name, bytes) in posted.files {
        let document = documents::upload(portal, session, &file_name, bytes).await?;
        let file_type = FileType::parse(&document.file_type).ok_or_else(|| {
            service::Error::Unexpected(anyhow::anyhow!("stored type {}", document.file_type))
        })?;
        materials.insert(
            code,
            Some(MaterialChoice::Document {
                document_id: document.id,
                file_type,
                size_bytes: document.size_bytes as u64,
            }),
        );
    }
    applications::patch(
        portal,
        session,
        id,
        ApplicationPatch {
            answers: Some(answers),
            materials: Some(
                materials
                    .iter()
                    .map(|(code, choice)| (code.clone(), choice.as_ref().map(MaterialInput::from)))
                    .collect(),
            ),
        },
    )
    .await?;
    match posted.action.as_str() {
        "submit" => {
            // The same key space and operation as the API's submit, so a retried post and a
            // retried API call of one person meet the same answer.
            let key = match posted.submit_key.as_str() {
                "" => None,
                key => Some(service::idempotency::Key::new(
                    &session.idempotency_scope(),
                    key,
                    &format!("POST /applications/{id}/submit"),
                    &[],
                )?),
            };
            match applications::submit(portal, session, id, key.as_ref()).await {
                Ok(_) => Ok(Next::Receipt),
                Err(service::Error::Invalid(_)) => {
                    let findings = applications::prereview(portal, session, id).await?;
                    Ok(Next::Page(Box::new(FormFeedback {
                        form: Some(FormName::Application),
                        findings,
                        ..FormFeedback::default()
                    })))
                }
                Err(other) => Err(other),
            }
        }
        "review" => {
            let findings = applications::prereview(portal, session, id).await?;
            let passed = domain::prereview::passed(&findings);
            Ok(Next::Page(Box::new(FormFeedback {
                form: Some(FormName::Application),
                message: passed.then(|| "预审通过，可以提交。".to_owned()),
                success: passed,
                findings,
                ..FormFeedback::default()
            })))
        }
        _ => Ok(Next::Page(Box::new(FormFeedback {
            form: Some(FormName::Application),
            message: Some("草稿已保存".into()),
            success: true,
            ..FormFeedback::default()
        }))),
    }
}

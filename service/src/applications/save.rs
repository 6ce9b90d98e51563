//! Saving the application form, the one use case the web form and the API's `PUT` share: one
//! change (the API's JSON, or the browser's flat fields with the files they carry), then what
//! the applicant asked for — keep the draft, run the pre-review, or submit. The row is loaded
//! once and the pre-review runs once.

use super::submit::{already_submitted, send};
use super::{
    Filing, Stored, fetch, filing, load_owned, mask_id, mask_phone, review, to_json, view,
};
use crate::auth::Session;
use crate::clock::stamp;
use crate::documents;
use crate::idempotency::{self, Key};
use crate::{Error, Portal, Result};
use bytes::Bytes;
use domain::application::{ApplicationPatch, ApplicationView, CaseRef, MaterialInput};
use domain::catalog::FileType;
use domain::form::{Answer, Answers, FieldKind, FieldSpec};
use domain::form_post::{VaultEntry, answers_from, choices_from};
use domain::prereview::{self, Finding, MaterialChoice};
use std::collections::BTreeMap;
use time::Duration;

/// What one save changes.
pub enum Change {
    /// The API's JSON: answers in their JSON types, material choices by document id.
    Patch(ApplicationPatch),
    /// The web form as a browser posts it.
    Posted(PostedForm),
}

/// The application form as a browser posts it (`multipart/form-data`), read against the form's
/// own schema: every `answer.…` and `material.…` field, and the files it carried.
#[derive(Debug, Default)]
pub struct PostedForm {
    /// `answer.<key>` and `answer.<group>.<n>.<key>` values (names without `answer.`), repeated
    /// for checkboxes.
    pub answers: Vec<(String, String)>,
    /// `material.<code>.mode` and `.until` (names without `material.`).
    pub material_fields: BTreeMap<String, String>,
    /// `material.<code>.file`, each stored in the vault and chosen for its material.
    pub files: Vec<PostedFile>,
    /// 添加一组: one more, empty entry of this repeatable group.
    pub add_entry: Option<String>,
}

#[derive(Debug)]
pub struct PostedFile {
    pub material_code: String,
    pub file_name: String,
    pub bytes: Bytes,
}

/// What the applicant asked for with the save.
pub enum Intent {
    /// 保存草稿.
    Save,
    /// 预审: every finding at once.
    Prereview,
    /// 提交, with the key that makes a retried submission meet its first answer.
    Submit(Option<Key>),
}

/// The outcome of a save.
#[derive(Debug)]
pub struct Saved {
    /// The application as it now stands; once submitted, its receipt.
    pub view: ApplicationView,
    /// The pre-review's findings, for `Prereview` and `Submit` (a refused submission lists them).
    pub findings: Vec<Finding>,
    /// True once the application went out: by this request, or by an earlier one with the same
    /// key (then `view` is that request's answer again).
    pub submitted: bool,
}

/// Saves a draft (or a case sent back for 补正) and does what `intent` says. Saving pushes a
/// draft's expiry back; a masked ID or phone number sent back unchanged keeps the stored one.
pub async fn save_form(
    portal: &Portal,
    session: &Session,
    id_or_case_no: &str,
    change: Change,
    intent: Intent,
) -> Result<Saved> {
    let application = load_owned(portal, session, id_or_case_no).await?;
    let uploader = session.require_citizen()?.citizen_id.clone();
    save_loaded(portal, application, &uploader, change, intent).await
}

/// [`save_form`] on an application the caller may edit (the applicant's own, or a clerk's
/// window draft); uploads are recorded as brought by `uploader`.
pub(super) async fn save_loaded(
    portal: &Portal,
    application: Stored,
    uploader: &str,
    change: Change,
    intent: Intent,
) -> Result<Saved> {
    if !application.state.editable() {
        return match intent {
            // A retried submission finds the case sent: the first answer again, or, under
            // another key, the refusal.
            Intent::Submit(Some(key)) => {
                let outcome = idempotency::once(portal, Some(&key), async {
                    Err::<ApplicationView, _>(already_submitted())
                })
                .await?;
                Ok(Saved {
                    view: outcome.value,
                    findings: Vec::new(),
                    submitted: true,
                })
            }
            Intent::Submit(None) => Err(already_submitted()),
            _ => Err(not_editable(
                "已提交的申请不能再修改；窗口要求补正时可以再次修改",
            )),
        };
    }
    let filing = filing(portal, &application).await?;
    let (patch, mut findings) = match change {
        Change::Patch(patch) => (patch, Vec::new()),
        Change::Posted(posted) => {
            read_posted(portal, uploader, &application, &filing, posted).await?
        }
    };
    let refused_uploads = !findings.is_empty();
    let application = store(portal, application, &filing, patch).await?;
    if let Intent::Prereview | Intent::Submit(_) = intent {
        findings.extend(review(portal, &application, &filing).await?);
    }
    match intent {
        // A refused file holds the submission back even where its material is optional.
        Intent::Submit(key) if prereview::passed(&findings) && !refused_uploads => {
            let sent = send(portal, application, filing, key.as_ref()).await?;
            Ok(Saved {
                view: sent.value,
                findings,
                submitted: true,
            })
        }
        _ => Ok(Saved {
            view: view(portal, application, filing).await?,
            findings,
            submitted: false,
        }),
    }
}

fn not_editable(message: &str) -> Error {
    Error::Conflict {
        code: "not_editable",
        message: message.into(),
    }
}

/// The browser's flat fields as the API's change: answers read by the form's schema, material
/// modes and vault choices, and each carried file stored in the vault and chosen — or, when the
/// vault refuses it, a finding.
async fn read_posted(
    portal: &Portal,
    uploader: &str,
    application: &Stored,
    filing: &Filing,
    posted: PostedForm,
) -> Result<(ApplicationPatch, Vec<Finding>)> {
    let mut answers = answers_from(&filing.form.fields, &posted.answers, "");
    if let Some(group) = &posted.add_entry
        && let Some(Answer::Entries(entries)) = answers.get_mut(group)
    {
        entries.push(Answers::new());
    }
    let holder = application.holder();
    let vault: Vec<VaultEntry> = documents::list_of(portal, &holder)
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
        &filing.materials,
        &application.choices,
        &posted.material_fields,
        &vault,
    )
    .map_err(Error::Invalid)?
    .into_iter()
    .map(|(code, choice)| (code, choice.as_ref().map(MaterialInput::from)))
    .collect::<BTreeMap<_, _>>();
    let mut refused = Vec::new();
    for file in posted.files {
        let Some(material) = filing
            .materials
            .iter()
            .find(|m| m.code == file.material_code)
        else {
            return Err(Error::invalid(
                &format!("materials.{}", file.material_code),
                "本事项没有这项材料",
            ));
        };
        match documents::upload_to(portal, &holder, uploader, &file.file_name, file.bytes).await {
            Ok(document) => {
                materials.insert(
                    file.material_code,
                    Some(MaterialInput::Document {
                        document_id: document.id,
                    }),
                );
            }
            // The rest of the form is saved; the file is one more finding.
            Err(Error::UnsupportedType(reason) | Error::TooLarge(reason)) => {
                refused.push(prereview::rejected_upload(
                    material,
                    &file.file_name,
                    &reason,
                ));
            }
            Err(Error::Unprocessable {
                code: "upload_quota_exceeded",
                message,
            }) => {
                refused.push(prereview::upload_over_quota(
                    material,
                    &file.file_name,
                    &message,
                ));
            }
            Err(other) => return Err(other),
        }
    }
    let patch = ApplicationPatch {
        answers: Some(answers),
        materials: Some(materials),
    };
    Ok((patch, refused))
}

/// Merges the change into the stored application and writes it. The write only lands on the
/// revision the merge was made on; when another save landed in between (an autosave racing an
/// upload's save), the change is merged again onto that newer row, so each save changes only its
/// own keys and none is lost. A case that left the editable states meanwhile is a 409.
async fn store(
    portal: &Portal,
    mut application: Stored,
    filing: &Filing,
    change: ApplicationPatch,
) -> Result<Stored> {
    loop {
        let merged = merged(portal, application.clone(), filing, &change).await?;
        let now = portal.now();
        let expires = now + Duration::days(portal.application_settings().draft_days.into());
        let saved = sqlx::query(
            "UPDATE applications SET answers = $1, materials = $2, updated_at = $3, \
             draft_expires_at = $4, revision = revision + 1 \
             WHERE id = $5 AND state = $6 AND revision = $7 RETURNING id",
        )
        .bind(to_json(&merged.answers)?)
        .bind(to_json(&merged.choices)?)
        .bind(stamp(now))
        .bind(stamp(expires))
        .bind(&merged.id)
        .bind(merged.state.as_str())
        .bind(merged.revision)
        .fetch_optional(portal.db().pool())
        .await?;
        if saved.is_some() {
            return Ok(Stored {
                draft_expires_at: stamp(expires),
                revision: merged.revision + 1,
                ..merged
            });
        }
        application = fetch(portal, CaseRef::Id(&application.id))
            .await?
            .filter(|newer| newer.state.editable())
            .ok_or_else(|| not_editable("申请状态刚刚发生了变化，请刷新页面后再修改"))?;
    }
}

/// The application with the change applied: answers merged by key, material choices checked
/// against the stored files.
async fn merged(
    portal: &Portal,
    mut application: Stored,
    filing: &Filing,
    change: &ApplicationPatch,
) -> Result<Stored> {
    if let Some(answers) = &change.answers {
        if let Some(unknown) = answers
            .keys()
            .find(|k| !filing.form.fields.iter().any(|f| &f.key == *k))
        {
            return Err(Error::invalid(
                &format!("answers.{unknown}"),
                "申请表中没有这一项",
            ));
        }
        merge_answers(
            &filing.form.fields,
            &mut application.answers,
            answers.clone(),
        );
    }
    if let Some(materials) = &change.materials {
        let holder = application.holder();
        for (code, choice) in materials {
            if !filing.materials.iter().any(|m| &m.code == code) {
                return Err(Error::invalid(
                    &format!("materials.{code}"),
                    "本事项没有这项材料",
                ));
            }
            let choice = match choice {
                Some(MaterialInput::Document { document_id }) => {
                    // The type and size are the stored file's, never what a client says.
                    match documents::owned_file(portal, &holder, document_id).await? {
                        Some((file_type, size_bytes)) => Some(MaterialChoice::Document {
                            document_id: document_id.clone(),
                            file_type,
                            size_bytes,
                        }),
                        None => {
                            return Err(Error::invalid(
                                &format!("materials.{code}"),
                                "所选文件不存在，请重新上传",
                            ));
                        }
                    }
                }
                Some(MaterialInput::Deferred { until }) => {
                    Some(MaterialChoice::Deferred { until: *until })
                }
                Some(MaterialInput::Committed) => Some(MaterialChoice::Committed),
                None => None,
            };
            match choice {
                Some(choice) => {
                    application.choices.insert(code.clone(), choice);
                }
                None => {
                    application.choices.remove(code);
                }
            }
        }
    }
    Ok(application)
}

/// Merges `incoming` into `stored`: a masked ID or phone number sent back unchanged keeps the
/// stored one, in repeatable groups too (entry by entry, as the page masks them).
fn merge_answers(fields: &[FieldSpec], stored: &mut Answers, incoming: Answers) {
    for (key, answer) in incoming {
        let field = fields.iter().find(|f| f.key == key);
        let merged = match (field.map(|f| &f.kind), answer, stored.get(&key)) {
            (Some(FieldKind::IdNumber { .. }), Answer::Text(text), Some(Answer::Text(old)))
                if text.contains('*') && mask_id(old) == text =>
            {
                continue;
            }
            (Some(FieldKind::Phone), Answer::Text(text), Some(Answer::Text(old)))
                if text.contains('*') && mask_phone(old) == text =>
            {
                continue;
            }
            (
                Some(FieldKind::Group { fields, .. }),
                Answer::Entries(entries),
                Some(Answer::Entries(old)),
            ) => Answer::Entries(
                entries
                    .into_iter()
                    .enumerate()
                    .map(|(n, entry)| {
                        let mut kept = old.get(n).cloned().unwrap_or_default();
                        kept.retain(|sub, _| entry.contains_key(sub));
                        merge_answers(fields, &mut kept, entry);
                        kept
                    })
                    .collect(),
            ),
            (_, answer, _) => answer,
        };
        stored.insert(key, merged);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::form::FieldSpec;

    fn field(key: &str, kind: FieldKind) -> FieldSpec {
        FieldSpec {
            key: key.into(),
            label: key.into(),
            hint: String::new(),
            required: true,
            kind,
            prefill: None,
        }
    }

    #[test]
    fn a_masked_number_sent_back_keeps_the_stored_one_in_groups_too() {
        let fields = [
            field("phone", FieldKind::Phone),
            field(
                "shareholders",
                FieldKind::Group {
                    fields: vec![
                        field("name", FieldKind::Text { max_len: 50 }),
                        field("id_number", FieldKind::IdNumber { min_age: None }),
                    ],
                    min: 1,
                    max: 5,
                },
            ),
        ];
        let id = "11010519491231002X";
        let entry = |name: &str, id: &str| -> Answers {
            [
                ("name".to_owned(), Answer::Text(name.into())),
                ("id_number".to_owned(), Answer::Text(id.into())),
            ]
            .into()
        };
        let mut stored: Answers = [
            ("phone".to_owned(), Answer::Text("13800138000".into())),
            (
                "shareholders".to_owned(),
                Answer::Entries(vec![entry("张三", id)]),
            ),
        ]
        .into();
        let masked_id = mask_id(id);
        let incoming: Answers = [
            ("phone".to_owned(), Answer::Text("138****8000".into())),
            (
                "shareholders".to_owned(),
                Answer::Entries(vec![entry("张三丰", &masked_id), entry("李四", "")]),
            ),
        ]
        .into();
        merge_answers(&fields, &mut stored, incoming);
        assert_eq!(stored["phone"], Answer::Text("13800138000".into()));
        let Answer::Entries(entries) = &stored["shareholders"] else {
            panic!("entries");
        };
        assert_eq!(
            entries[0]["id_number"],
            Answer::Text(id.into()),
            "kept, not masked"
        );
        assert_eq!(entries[0]["name"], Answer::Text("张三丰".into()));
        assert_eq!(entries[1]["name"], Answer::Text("李四".into()));
    }
}

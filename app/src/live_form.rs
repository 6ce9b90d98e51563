//! The application form's island: with WASM running, the pre-review runs as the applicant types
//! (the same `domain` code the server runs at submit), the draft saves itself a moment after the
//! last change, and a chosen file uploads at once with a progress bar.
//!
//! Without WASM none of this exists and nothing is lost: the form is a plain multipart form with
//! 保存草稿 / 预审检查 / 提交 buttons, and the server does the same work on each post.

use domain::catalog::Material;
use domain::form::FormSchema;
use domain::form_post::VaultEntry;
use domain::prereview::{Finding, Level, MaterialChoice};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// What the form's island needs to run the pre-review in the browser and to save.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LiveFormSetup {
    pub application_id: String,
    pub csrf_token: String,
    pub form: FormSchema,
    pub materials: Vec<Material>,
    pub choices: BTreeMap<String, MaterialChoice>,
    pub vault: Vec<VaultEntry>,
    pub vault_licences: Vec<String>,
    pub max_deferral_days: u32,
    /// Form names whose value the page shows masked (ID numbers): unchanged, they stand for the
    /// stored number the server checks, so the browser does not judge the mask.
    pub masked: Vec<String>,
}

/// Where a finding's link points: the field or the material on the application page.
pub(crate) fn finding_anchor(target: &str) -> String {
    format!("#{}", target.replace([':', '.'], "-"))
}

/// How the background save is doing, for the status line. Only the browser changes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum SaveState {
    Idle,
    Pending,
    Saved,
    Failed,
}

/// Wraps the server-rendered form; adds the live findings and the save and upload status.
#[island]
pub fn LiveForm(setup: LiveFormSetup, children: Children) -> impl IntoView {
    let findings = RwSignal::new(None::<Vec<Finding>>);
    let save_state = RwSignal::new(SaveState::Idle);
    let upload = RwSignal::new(None::<(String, u32)>);
    let upload_error = RwSignal::new(None::<String>);
    #[cfg(feature = "hydrate")]
    let on_change = browser::handler(setup, findings, save_state, upload, upload_error);
    #[cfg(not(feature = "hydrate"))]
    let on_change = {
        let _ = setup;
        |_: leptos::ev::Event| {}
    };
    let blocking = move || {
        findings
            .get()
            .map(|all| {
                all.into_iter()
                    .filter(|f| f.level == Level::Blocking)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    view! {
        <div class="live-form" on:input=on_change on:change=on_change>
            {children()}
        </div>
        <div class="live-form__status" role="status" aria-live="polite">
            {move || match save_state.get() {
                SaveState::Idle => None,
                SaveState::Pending => Some(view! { <p class="muted">"正在自动保存…"</p> }.into_any()),
                SaveState::Saved => Some(view! { <p class="muted">"草稿已自动保存"</p> }.into_any()),
                SaveState::Failed => Some(view! { <p class="field__error">"自动保存失败，请点击“保存草稿”"</p> }.into_any()),
            }}
            {move || upload.get().map(|(name, percent)| view! {
                <p>
                    <label for="upload-progress">{format!("正在上传“{name}” {percent}%")}</label>
                    <progress id="upload-progress" max="100" value=percent></progress>
                </p>
            })}
            {move || upload_error.get().map(|message| view! { <p class="field__error">{message}</p> })}
            {move || findings.get().map(|_| {
                let blocking = blocking();
                if blocking.is_empty() {
                    view! { <p class="notice--success">"实时预审：暂未发现问题，可以提交。"</p> }.into_any()
                } else {
                    view! {
                        <div class="live-form__findings">
                            <p>{format!("实时预审：还有 {} 个问题", blocking.len())}</p>
                            <ul>
                                {blocking.into_iter().map(|finding| view! {
                                    <li>
                                        <a href=finding_anchor(&finding.target)>{finding.message}</a>
                                        <span class="muted">{format!("：{}", finding.hint)}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        </div>
                    }.into_any()
                }
            })}
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    //! The browser side: reading the form, the debounced save, the upload with progress.

    use super::{LiveFormSetup, SaveState};
    use domain::catalog::FileType;
    use domain::form_post::{VaultEntry, answers_from, choices_from};
    use domain::prereview::{self, Application, Finding, MaterialChoice};
    use gloo_timers::callback::Timeout;
    use leptos::prelude::*;
    use std::collections::BTreeMap;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::{
        Element, FormData, HtmlFormElement, HtmlInputElement, ProgressEvent, XmlHttpRequest,
    };

    /// How long after the last change the draft saves itself.
    const SAVE_AFTER_MS: u32 = 1500;

    pub(super) fn handler(
        setup: LiveFormSetup,
        findings: RwSignal<Option<Vec<Finding>>>,
        save_state: RwSignal<SaveState>,
        upload: RwSignal<Option<(String, u32)>>,
        upload_error: RwSignal<Option<String>>,
    ) -> impl Fn(leptos::ev::Event) + Copy + 'static {
        let setup = StoredValue::new(setup);
        let pending = StoredValue::new_local(None::<Timeout>);
        move |event: leptos::ev::Event| {
            let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
                return;
            };
            if event.type_() == "change"
                && let Ok(input) = target.clone().dyn_into::<HtmlInputElement>()
                && input.type_() == "file"
            {
                let after = Uploaded {
                    setup,
                    pending,
                    findings,
                    save_state,
                };
                start_upload(&input, after, upload, upload_error);
                return;
            }
            let Some(form) = target
                .closest("form")
                .ok()
                .flatten()
                .and_then(|f| f.dyn_into::<HtmlFormElement>().ok())
            else {
                return;
            };
            let (answers, choices) = setup.with_value(|setup| read_form(&form, setup));
            setup.with_value(|setup| findings.set(Some(review(setup, &answers, &choices))));
            save_state.set(SaveState::Pending);
            let body = serde_json::json!({ "answers": answers, "materials": choices });
            // Replacing the timer drops (cancels) the previous one: only the last change saves.
            pending.set_value(Some(Timeout::new(SAVE_AFTER_MS, move || {
                setup.with_value(|setup| save(setup, body.to_string(), save_state));
            })));
        }
    }

    /// The form's current answers and material choices, read the way the server reads a post.
    fn read_form(
        form: &HtmlFormElement,
        setup: &LiveFormSetup,
    ) -> (
        domain::form::Answers,
        BTreeMap<String, Option<MaterialChoice>>,
    ) {
        let mut answers = Vec::new();
        let mut material_fields = BTreeMap::new();
        if let Ok(data) = FormData::new_with_form(form)
            && let Ok(Some(entries)) = js_sys::try_iter(&data)
        {
            for entry in entries.flatten() {
                let pair: js_sys::Array = entry.unchecked_into();
                let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string())
                else {
                    continue;
                };
                if let Some(key) = name.strip_prefix("answer.") {
                    answers.push((key.to_owned(), value));
                } else if let Some(key) = name.strip_prefix("material.") {
                    material_fields.insert(key.to_owned(), value);
                }
            }
        }
        let choices = choices_from(
            &setup.materials,
            &setup.choices,
            &material_fields,
            &setup.vault,
        )
        .unwrap_or_default();
        (answers_from(&setup.form.fields, &answers, ""), choices)
    }

    fn review(
        setup: &LiveFormSetup,
        answers: &domain::form::Answers,
        changes: &BTreeMap<String, Option<MaterialChoice>>,
    ) -> Vec<Finding> {
        let mut choices = setup.choices.clone();
        for (code, change) in changes {
            match change {
                Some(choice) => choices.insert(code.clone(), choice.clone()),
                None => choices.remove(code),
            };
        }
        let now = js_sys::Date::new_0();
        let today = time::Date::from_calendar_date(
            now.get_full_year() as i32,
            time::Month::try_from(now.get_month() as u8 + 1).unwrap_or(time::Month::January),
            now.get_date() as u8,
        )
        .unwrap_or(time::Date::MIN);
        prereview::run(&Application {
            form: &setup.form,
            answers,
            materials: &setup.materials,
            choices: &choices,
            vault_licences: &setup.vault_licences,
            today,
            max_deferral_days: setup.max_deferral_days,
        })
        .into_iter()
        .filter(|f| {
            // A masked ID number left as shown stands for the stored one.
            let masked = f
                .target
                .strip_prefix("field:")
                .is_some_and(|name| setup.masked.iter().any(|m| m == name));
            !masked || !still_masked(answers, f.target.trim_start_matches("field:"))
        })
        .collect()
    }

    fn still_masked(answers: &domain::form::Answers, name: &str) -> bool {
        matches!(answers.get(name), Some(domain::form::Answer::Text(t)) if t.contains('*'))
    }

    /// Saves the draft through the public API (the same call the mini-program makes).
    fn save(setup: &LiveFormSetup, body: String, save_state: RwSignal<SaveState>) {
        let url = format!("/api/v1/applications/{}", setup.application_id);
        let Ok(request) = XmlHttpRequest::new() else {
            save_state.set(SaveState::Failed);
            return;
        };
        let sent = request
            .open_with_async("PUT", &url, true)
            .and_then(|_| request.set_request_header("Content-Type", "application/json"))
            .and_then(|_| request.set_request_header("X-CSRF-Token", &setup.csrf_token));
        let done = request.clone();
        let on_load = Closure::once_into_js(move || {
            let ok = done.status().is_ok_and(|status| status == 200);
            save_state.set(if ok {
                SaveState::Saved
            } else {
                SaveState::Failed
            });
        });
        request.set_onloadend(Some(on_load.unchecked_ref()));
        if sent
            .and_then(|_| request.send_with_opt_str(Some(&body)))
            .is_err()
        {
            save_state.set(SaveState::Failed);
        }
    }

    /// What an upload updates once the file is stored.
    #[derive(Clone, Copy)]
    struct Uploaded {
        setup: StoredValue<LiveFormSetup>,
        pending: StoredValue<Option<Timeout>, LocalStorage>,
        findings: RwSignal<Option<Vec<Finding>>>,
        save_state: RwSignal<SaveState>,
    }

    /// Uploads a chosen file at once, showing progress, then saves the whole form with the file as
    /// the material's choice (so a change still waiting for the timer is saved with it).
    fn start_upload(
        input: &HtmlInputElement,
        after: Uploaded,
        upload: RwSignal<Option<(String, u32)>>,
        upload_error: RwSignal<Option<String>>,
    ) {
        let setup = after.setup;
        let Some(code) = input
            .name()
            .strip_prefix("material.")
            .and_then(|rest| rest.strip_suffix(".file"))
            .map(str::to_owned)
        else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        let (Ok(data), Ok(request)) = (FormData::new(), XmlHttpRequest::new()) else {
            return;
        };
        if data
            .append_with_blob_and_filename("file", &file, &file.name())
            .is_err()
        {
            return;
        }
        let name = setup.with_value(|s| {
            s.materials
                .iter()
                .find(|m| m.code == code)
                .map(|m| m.name.clone())
                .unwrap_or_default()
        });
        upload_error.set(None);
        upload.set(Some((name.clone(), 0)));
        let progress_name = name.clone();
        let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |event: ProgressEvent| {
            if event.length_computable() && event.total() > 0.0 {
                let percent = (event.loaded() / event.total() * 100.0).round() as u32;
                upload.set(Some((progress_name.clone(), percent.min(100))));
            }
        });
        if let Ok(target) = request.upload() {
            target.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        }
        // The handler lives as long as the request; the request is short-lived.
        on_progress.forget();
        let done = request.clone();
        let input = input.clone();
        let failed_name = name.clone();
        let on_load = Closure::once_into_js(move || {
            upload.set(None);
            let text = done.response_text().ok().flatten().unwrap_or_default();
            let body: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            if done.status().ok() != Some(201) {
                let message = body["error"]["message"]
                    .as_str()
                    .unwrap_or("上传失败，请重试")
                    .to_owned();
                upload_error.set(Some(format!("“{name}”：{message}")));
                return;
            }
            let entry = VaultEntry {
                id: body["id"].as_str().unwrap_or_default().to_owned(),
                file_type: body["file_type"]
                    .as_str()
                    .and_then(FileType::parse)
                    .unwrap_or(FileType::Ofd),
                size_bytes: body["size_bytes"].as_u64().unwrap_or_default(),
            };
            let choice = MaterialChoice::Document {
                document_id: entry.id.clone(),
                file_type: entry.file_type,
                size_bytes: entry.size_bytes,
            };
            // The file is in the vault now: a later post of the form must not send it again.
            input.set_value("");
            setup.update_value(|s| {
                s.vault.push(entry);
                s.choices.insert(code.clone(), choice.clone());
            });
            let Some(form) = input.form() else {
                return;
            };
            let (answers, mut choices) = setup.with_value(|s| read_form(&form, s));
            choices.insert(code, Some(choice));
            after.pending.set_value(None);
            setup.with_value(|s| {
                after.findings.set(Some(review(s, &answers, &choices)));
                let body = serde_json::json!({ "answers": answers, "materials": choices });
                save(s, body.to_string(), after.save_state);
            });
        });
        request.set_onloadend(Some(on_load.unchecked_ref()));
        let sent = request
            .open_with_async("POST", "/api/v1/documents", true)
            .and_then(|_| {
                setup.with_value(|s| request.set_request_header("X-CSRF-Token", &s.csrf_token))
            })
            .and_then(|_| request.send_with_opt_form_data(Some(&data)));
        if sent.is_err() {
            upload.set(None);
            upload_error.set(Some(format!("“{failed_name}”：上传失败，请重试")));
        }
    }
}

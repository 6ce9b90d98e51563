//! The application form's island: with WASM running, the pre-review runs as the applicant types
//! (the same `domain` code the server runs at submit) and shows at the top of the form, the draft
//! saves itself a moment after the last change, and a chosen file uploads at once with its name,
//! size and a progress bar.
//!
//! Saves never undo each other: each sends only the answers and material choices that differ from
//! what is stored, one save at a time (a change made while one is under way follows it), and the
//! server merges every save by key onto the newest row.
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
    /// Where a background save is `PUT` (the applicant's own application, or a clerk's window
    /// draft).
    pub save_url: String,
    /// Where a chosen file is uploaded.
    pub upload_url: String,
    pub csrf_token: String,
    pub form: FormSchema,
    pub materials: Vec<Material>,
    pub choices: BTreeMap<String, MaterialChoice>,
    /// The answers as the page shows them: a save sends only what differs from what is stored.
    pub answers: domain::form::Answers,
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

/// What the island shows while it works; only the browser changes it.
#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
struct Signals {
    /// The live pre-review, once the reader changed something.
    findings: RwSignal<Option<Vec<Finding>>>,
    /// Files the vault refused: findings of their own until the material gets a good file.
    refused: RwSignal<Vec<Finding>>,
    save_state: RwSignal<SaveState>,
    /// The file being uploaded (its name and size) and how far it got, in percent.
    upload: RwSignal<Option<(String, u32)>>,
}

/// Wraps the server-rendered form; adds the live findings at the top and the save and upload
/// status.
#[island]
pub fn LiveForm(setup: LiveFormSetup, children: Children) -> impl IntoView {
    let signals = Signals {
        findings: RwSignal::new(None),
        refused: RwSignal::new(Vec::new()),
        save_state: RwSignal::new(SaveState::Idle),
        upload: RwSignal::new(None),
    };
    #[cfg(feature = "hydrate")]
    let on_change = browser::handler(setup, signals);
    #[cfg(not(feature = "hydrate"))]
    let on_change = {
        let _ = setup;
        |_: leptos::ev::Event| {}
    };
    let blocking = move || {
        let mut all = signals.refused.get();
        all.extend(
            signals
                .findings
                .get()
                .unwrap_or_default()
                .into_iter()
                .filter(|f| f.level == Level::Blocking),
        );
        all
    };
    let reviewed = move || signals.findings.get().is_some() || !signals.refused.get().is_empty();
    view! {
        <div class="live-form__status" role="status" aria-live="polite">
            {move || reviewed().then(|| {
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
            {move || match signals.save_state.get() {
                SaveState::Idle => None,
                SaveState::Pending => Some(view! { <p class="muted">"正在自动保存…"</p> }.into_any()),
                SaveState::Saved => Some(view! { <p class="muted">"草稿已自动保存"</p> }.into_any()),
                SaveState::Failed => Some(view! { <p class="field__error">"自动保存失败，请点击“保存草稿”"</p> }.into_any()),
            }}
            {move || signals.upload.get().map(|(name, percent)| view! {
                <p>
                    <label for="upload-progress">{format!("正在上传{name} {percent}%")}</label>
                    <progress id="upload-progress" max="100" value=percent></progress>
                </p>
            })}
        </div>
        <div class="live-form" on:input=on_change on:change=on_change>
            {children()}
        </div>
    }
}

/// A file's size for people: `820 KB`, `1.4 MB`.
pub(crate) fn size_label(bytes: u64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", bytes.div_ceil(1024).max(1))
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    //! The browser side: reading the form, the debounced and serialised saves, the upload.

    use super::{LiveFormSetup, SaveState, Signals, size_label};
    use domain::catalog::FileType;
    use domain::form::Answers;
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

    type Choices = BTreeMap<String, Option<MaterialChoice>>;

    /// One save: only the keys that changed. `None` clears a material's choice.
    #[derive(Default)]
    struct Change {
        answers: Answers,
        materials: Choices,
    }

    impl Change {
        fn is_empty(&self) -> bool {
            self.answers.is_empty() && self.materials.is_empty()
        }

        /// A later change of the same keys wins.
        fn then(mut self, later: Change) -> Change {
            self.answers.extend(later.answers);
            self.materials.extend(later.materials);
            self
        }
    }

    /// The island's state between events.
    #[derive(Clone, Copy)]
    struct Form {
        setup: StoredValue<LiveFormSetup>,
        pending: StoredValue<Option<Timeout>, LocalStorage>,
        in_flight: StoredValue<bool>,
        queued: StoredValue<Option<Change>, LocalStorage>,
        signals: Signals,
    }

    pub(super) fn handler(
        setup: LiveFormSetup,
        signals: Signals,
    ) -> impl Fn(leptos::ev::Event) + Copy + 'static {
        let state = Form {
            setup: StoredValue::new(setup),
            pending: StoredValue::new_local(None),
            in_flight: StoredValue::new(false),
            queued: StoredValue::new_local(None),
            signals,
        };
        move |event: leptos::ev::Event| {
            let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
                return;
            };
            if event.type_() == "change"
                && let Ok(input) = target.clone().dyn_into::<HtmlInputElement>()
                && input.type_() == "file"
            {
                start_upload(&input, state);
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
            let (answers, choices) = state.setup.with_value(|setup| read_form(&form, setup));
            state.setup.with_value(|setup| {
                signals
                    .findings
                    .set(Some(review(setup, &answers, &choices)))
            });
            signals.save_state.set(SaveState::Pending);
            // Replacing the timer drops (cancels) the previous one: the form is read again when
            // it fires, so the save carries the latest of every field.
            state
                .pending
                .set_value(Some(Timeout::new(SAVE_AFTER_MS, move || {
                    let (answers, choices) =
                        state.setup.with_value(|setup| read_form(&form, setup));
                    let change = state
                        .setup
                        .with_value(|setup| changed(setup, answers, choices));
                    save(state, change);
                })));
        }
    }

    /// What differs from what is stored: the only keys a save sends.
    fn changed(setup: &LiveFormSetup, answers: Answers, choices: Choices) -> Change {
        Change {
            answers: answers
                .into_iter()
                .filter(|(key, answer)| setup.answers.get(key) != Some(answer))
                .collect(),
            materials: choices
                .into_iter()
                .filter(|(code, choice)| setup.choices.get(code) != choice.as_ref())
                .collect(),
        }
    }

    /// The form's current answers and material choices, read the way the server reads a post.
    fn read_form(form: &HtmlFormElement, setup: &LiveFormSetup) -> (Answers, Choices) {
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
        changes: &Choices,
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

    /// Saves a change through the public API (the same call the mini-program makes), one save
    /// at a time: a change made meanwhile waits and follows, merged with any other waiting one.
    fn save(state: Form, change: Change) {
        if change.is_empty() {
            state.signals.save_state.set(SaveState::Saved);
            return;
        }
        if state.in_flight.get_value() {
            let waiting = state.queued.try_update_value(Option::take).flatten();
            let next = match waiting {
                Some(waiting) => waiting.then(change),
                None => change,
            };
            state.queued.set_value(Some(next));
            return;
        }
        let (url, csrf) = state
            .setup
            .with_value(|s| (s.save_url.clone(), s.csrf_token.clone()));
        let body = serde_json::json!({ "answers": change.answers, "materials": change.materials });
        let Ok(request) = XmlHttpRequest::new() else {
            state.signals.save_state.set(SaveState::Failed);
            return;
        };
        let sent = request
            .open_with_async("PUT", &url, true)
            .and_then(|_| request.set_request_header("Content-Type", "application/json"))
            .and_then(|_| request.set_request_header("X-CSRF-Token", &csrf));
        state.in_flight.set_value(true);
        // What will be stored once this save lands: the next change compares with it, so a
        // change undone while this one travels is still sent (the page says so if it fails).
        state.setup.update_value(|s| {
            s.answers.extend(change.answers);
            for (code, choice) in change.materials {
                match choice {
                    Some(choice) => s.choices.insert(code, choice),
                    None => s.choices.remove(&code),
                };
            }
        });
        let done = request.clone();
        let on_load = Closure::once_into_js(move || {
            state.in_flight.set_value(false);
            let ok = done.status().is_ok_and(|status| status == 200);
            state.signals.save_state.set(if ok {
                SaveState::Saved
            } else {
                SaveState::Failed
            });
            if let Some(next) = state.queued.try_update_value(Option::take).flatten() {
                save(state, next);
            }
        });
        request.set_onloadend(Some(on_load.unchecked_ref()));
        if sent
            .and_then(|_| request.send_with_opt_str(Some(&body.to_string())))
            .is_err()
        {
            state.in_flight.set_value(false);
            state.signals.save_state.set(SaveState::Failed);
        }
    }

    /// Uploads a chosen file at once, showing its name, size and progress, then saves that
    /// material's choice alone. A refused file becomes a finding beside all the others.
    fn start_upload(input: &HtmlInputElement, state: Form) {
        let signals = state.signals;
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
        let Some(material) = state
            .setup
            .with_value(|s| s.materials.iter().find(|m| m.code == code).cloned())
        else {
            return;
        };
        let file_name = file.name();
        let shown = format!("“{file_name}”（{}）", size_label(file.size() as u64));
        signals.upload.set(Some((shown.clone(), 0)));
        let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |event: ProgressEvent| {
            if event.length_computable() && event.total() > 0.0 {
                let percent = (event.loaded() / event.total() * 100.0).round() as u32;
                signals.upload.set(Some((shown.clone(), percent.min(100))));
            }
        });
        if let Ok(target) = request.upload() {
            target.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        }
        // The handler lives as long as the request; the request is short-lived.
        on_progress.forget();
        let done = request.clone();
        let input = input.clone();
        let refuse = move |reason: &str| {
            let finding = prereview::rejected_upload(&material, &file_name, reason);
            signals.refused.update(|all| {
                all.retain(|f| f.target != finding.target);
                all.push(finding);
            });
        };
        let on_load = Closure::once_into_js(move || {
            signals.upload.set(None);
            let text = done.response_text().ok().flatten().unwrap_or_default();
            let body: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            if done.status().ok() != Some(201) {
                refuse(
                    body["error"]["message"]
                        .as_str()
                        .unwrap_or("上传没有完成，请重试"),
                );
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
            // The file is in the vault now: a later post of the form must not send it again;
            // the page says which file the material holds.
            input.set_value("");
            if let Ok(Some(fieldset)) = input.closest("fieldset") {
                if let Ok(Some(note)) = fieldset.query_selector(".material__chosen") {
                    note.set_text_content(Some(&format!(
                        "已上传：{}（{}）。重新选择文件可替换。",
                        body["file_name"].as_str().unwrap_or_default(),
                        size_label(entry.size_bytes)
                    )));
                }
                // The new file replaces a file picked from the vault before.
                if let Ok(Some(select)) = fieldset.query_selector("select") {
                    let _ = js_sys::Reflect::set(&select, &"value".into(), &"".into());
                }
            }
            let target = format!("material:{code}");
            signals
                .refused
                .update(|all| all.retain(|f| f.target != target));
            state.setup.update_value(|s| s.vault.push(entry));
            if let Some(form) = input.form() {
                let (answers, mut choices) = state.setup.with_value(|s| read_form(&form, s));
                choices.insert(code.clone(), Some(choice.clone()));
                state
                    .setup
                    .with_value(|s| signals.findings.set(Some(review(s, &answers, &choices))));
            }
            save(
                state,
                Change {
                    answers: Answers::new(),
                    materials: [(code, Some(choice))].into(),
                },
            );
        });
        request.set_onloadend(Some(on_load.unchecked_ref()));
        let sent = state
            .setup
            .with_value(|s| request.open_with_async("POST", &s.upload_url, true))
            .and_then(|_| {
                state
                    .setup
                    .with_value(|s| request.set_request_header("X-CSRF-Token", &s.csrf_token))
            })
            .and_then(|_| request.send_with_opt_form_data(Some(&data)));
        if sent.is_err() {
            signals.upload.set(None);
        }
    }
}

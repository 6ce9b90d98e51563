//! 在线办理: start an application from a guide, fill the one form with the one set of materials,
//! hear every problem at once, submit and keep the receipt (回执); 我的办件 lists them all.
//!
//! The application form is a single `multipart/form-data` form, so answers and uploads travel in
//! one request and everything works without JavaScript.

use crate::api::account::load_submit_key;
use crate::api::applications::{
    VaultFile, load_application, load_my_applications, load_notices, load_open_drafts,
    load_timeline, load_vault,
};
use crate::api::catalog::{load_guide, load_package};
use crate::components::case_progress::CaseProgress;
use crate::components::layout::{use_signed_in, use_site_info};
use crate::components::notice::NoticeDocument;
use crate::components::review::{CommitmentDesk, Commitments, OverdueNotice, Suspensions};
use crate::components::time::When;
use crate::forms::{CsrfField, ErrorSummary, FormFeedback, FormName, use_feedback};
use crate::live_form::{LiveForm, LiveFormSetup, finding_anchor};
use crate::paths;
use domain::application::{
    ApplicationView, CaseAction, CaseState, SupplementNotice, TimelineEvent,
};
use domain::catalog::Material;
use domain::form::{Answer, Answers, FieldKind, FieldSpec};
use domain::form_post::VaultEntry;
use domain::notice::CaseNotice;
use domain::prereview::{Finding, Level, MaterialChoice};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ApplyStartPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let guide = Resource::new_blocking(code, load_guide);
    view! {
        <Title text="在线办理" />
        <Suspense>
            {move || Suspend::new(async move {
                match guide.await {
                    Ok(Some(view)) => {
                        let guide = view.detail.guide;
                        view! {
                            <StartForm
                                title=format!("在线办理：{}", guide.name)
                                action=paths::APPLY.at(&guide.code)
                                back=(paths::GUIDE.at(&guide.code), "查看办事指南")
                                drafts=(guide.code.clone(), false)
                            />
                        }.into_any()
                    }
                    _ => view! { <h1>"没有找到该事项"</h1> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// 一件事: one merged form for all the package's items.
#[component]
pub fn ApplyPackagePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let package = Resource::new_blocking(id, load_package);
    view! {
        <Title text="在线办理一件事" />
        <Suspense>
            {move || Suspend::new(async move {
                match package.await {
                    Ok(Some(detail)) => {
                        let id = detail.package.id.clone();
                        view! {
                            <StartForm
                                title=format!("在线办理：{}", detail.package.name)
                                action=paths::APPLY_PACKAGE.at(&id)
                                back=(paths::PACKAGE.at(&id), "查看一件事指南")
                                drafts=(id.clone(), true)
                            />
                            <p>{format!(
                                "一次申请同时办理 {} 个事项：{}。相同的内容只填一次，相同的材料只交一次。",
                                detail.members.len(),
                                detail.members.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join("、")
                            )}</p>
                        }.into_any()
                    }
                    _ => view! { <h1>"没有找到该“一件事”"</h1> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The start of an application: sign in, or one button that creates the prefilled draft. A
/// reader with unsent drafts of the same thing is offered those first.
#[component]
fn StartForm(
    title: String,
    action: String,
    back: (String, &'static str),
    /// The item's code (or the package's id, with `true`) whose open drafts to offer.
    drafts: (String, bool),
) -> impl IntoView {
    let signed_in = use_signed_in();
    let feedback = use_feedback();
    let open_drafts = Resource::new_blocking(
        move || drafts.clone(),
        |(code, package)| load_open_drafts(code, package),
    );
    let next = action.clone();
    view! {
        <h1>{title}</h1>
        <Suspense>
            {move || Suspend::new(async move {
                let feedback = feedback.await.unwrap_or_default();
                view! { <ErrorSummary feedback form=FormName::Apply /> }
            })}
        </Suspense>
        <p class="lead">"一张表单、一套材料：系统已按您的档案预填能填的内容，提交前会一次告知所有问题。"</p>
        <Suspense>
            {move || {
                let action = action.clone();
                let next = next.clone();
                Suspend::new(async move {
                    let drafts = open_drafts.await.unwrap_or_default();
                    match signed_in.await.ok().flatten() {
                        Some(signed_in) if !drafts.is_empty() => view! {
                            <section class="panel" aria-labelledby="drafts-heading">
                                <h2 id="drafts-heading">{format!("您已有 {} 份未提交的草稿", drafts.len())}</h2>
                                <ul class="plain-list">
                                    {drafts.into_iter().map(|draft| view! {
                                        <li>
                                            <a class="button" href=paths::APPLICATION.at(&draft.id)>"继续填写这份草稿"</a>
                                            <span class="muted">"最近修改 " <When at=draft.updated_at/></span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            </section>
                            <form method="post" action=action class="inline-form">
                                <CsrfField token=signed_in.csrf_token />
                                <button type="submit" class="button button--secondary">"另起一份新申请"</button>
                            </form>
                        }.into_any(),
                        Some(signed_in) => view! {
                            <form method="post" action=action class="inline-form">
                                <CsrfField token=signed_in.csrf_token />
                                <button type="submit" class="button">"开始填写"</button>
                            </form>
                        }.into_any(),
                        None => view! {
                            <p class="notice">"在线办理须先登录。"</p>
                            <p><a class="button" href=paths::login_then(&next)>"登录后办理"</a></p>
                        }.into_any(),
                    }
                })
            }}
        </Suspense>
        <p><a href=back.0>{back.1}</a></p>
    }
}

#[component]
pub fn MyApplicationsPage() -> impl IntoView {
    let list = Resource::new_blocking(|| (), |_| load_my_applications());
    view! {
        <Title text="我的办件" />
        <h1>"我的办件"</h1>
        <Suspense>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(Some(list)) if list.is_empty() => view! {
                        <p>"还没有申请。可以从" <a href=paths::CATALOG>"办事服务"</a> "找到事项，在线办理。"</p>
                    }.into_any(),
                    Ok(Some(list)) => view! {
                        <table class="table">
                            <caption class="visually-hidden">"草稿和办件，最近修改的在前"</caption>
                            <thead><tr><th scope="col">"事项"</th><th scope="col">"办件编号"</th><th scope="col">"状态"</th><th scope="col">"最近修改"</th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|item| view! {
                                    <tr>
                                        <td data-label="事项"><a href=paths::APPLICATION.at(&item.id)>{item.item_name}</a></td>
                                        <td data-label="办件编号">{item.case_no.unwrap_or_else(|| "—".into())}</td>
                                        <td data-label="状态">{item.state_label}</td>
                                        <td data-label="最近修改"><When at=item.updated_at/></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Ok(None) => view! {
                        <p class="notice">"请先登录后查看办件。"</p>
                        <p><a class="button" href=paths::login_then(paths::APPLICATIONS)>"登录"</a></p>
                    }.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{crate::api::failure_message(&error)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn ApplicationPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let application = Resource::new_blocking(id, load_application);
    let timeline = Resource::new_blocking(id, load_timeline);
    let notices = Resource::new_blocking(id, load_notices);
    let vault = Resource::new_blocking(|| (), |_| load_vault());
    let submit_key = Resource::new_blocking(|| (), |_| load_submit_key());
    let feedback = use_feedback();
    let signed_in = use_signed_in();
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let feedback = feedback.await.unwrap_or_default();
                let csrf = signed_in.await.ok().flatten().map(|s| s.csrf_token).unwrap_or_default();
                let submit_key = submit_key.await.unwrap_or_default();
                let timeline = timeline.await.unwrap_or_default();
                let notices = notices.await.unwrap_or_default();
                let vault = vault.await.unwrap_or_default();
                match application.await {
                    Ok(Some(view)) if view.state.editable() => view! {
                        <ErrorSummary feedback=feedback.clone() form=FormName::Withdraw />
                        <DraftForm view feedback csrf submit_key vault />
                    }.into_any(),
                    Ok(Some(view)) => view! {
                        // A form post that reached a case already sent (another tab, a stale page).
                        <ErrorSummary feedback=feedback.clone() form=FormName::Application />
                        <ErrorSummary feedback=feedback.clone() form=FormName::Withdraw />
                        <Receipt view timeline notices csrf feedback />
                    }.into_any(),
                    Ok(None) => view! {
                        <Title text="办件" />
                        <h1>"没有找到该办件"</h1>
                        <p>"请确认已登录，并从" <a href=paths::APPLICATIONS>"我的办件"</a> "进入。"</p>
                    }.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{crate::api::failure_message(&error)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Findings(findings: Vec<Finding>) -> impl IntoView {
    let blocking: Vec<Finding> = findings
        .iter()
        .filter(|f| f.level == Level::Blocking)
        .cloned()
        .collect();
    let advisory: Vec<Finding> = findings
        .into_iter()
        .filter(|f| f.level == Level::Advisory)
        .collect();
    view! {
        {(!blocking.is_empty()).then(|| view! {
            <div class="error-summary" role="alert" tabindex="-1" autofocus>
                <h2>{format!("预审发现 {} 个问题，请全部修改后再提交", blocking.len())}</h2>
                <ul>
                    {blocking.into_iter().map(|finding| view! {
                        <li>
                            <a href=finding_anchor(&finding.target)>{finding.message}</a>
                            <span class="muted">{format!("：{}", finding.hint)}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </div>
        })}
        {(!advisory.is_empty()).then(|| view! {
            <div class="notice" role="status">
                <ul>
                    {advisory.into_iter().map(|finding| view! {
                        <li>{finding.message} <span class="muted">{format!("（{}）", finding.hint)}</span></li>
                    }).collect_view()}
                </ul>
            </div>
        })}
    }
}

/// Who fills an application form in: the applicant, or a clerk at the window for them (窗口收件).
/// The form is the same; where it posts and saves differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Filer {
    Applicant,
    WindowClerk,
}

impl Filer {
    /// The form's own address, where it posts.
    fn action(self, id: &str) -> String {
        match self {
            Self::Applicant => paths::APPLICATION.at(id),
            Self::WindowClerk => paths::STAFF_WINDOW_DRAFT.at(id),
        }
    }

    /// Where the live form saves in the background (the API's `PUT`).
    fn save_url(self, id: &str) -> String {
        match self {
            Self::Applicant => format!("/api/v1/applications/{id}"),
            Self::WindowClerk => format!("/api/v1/staff/window-applications/{id}"),
        }
    }

    /// Where the live form uploads a chosen file.
    fn upload_url(self, id: &str) -> String {
        match self {
            Self::Applicant => "/api/v1/documents".into(),
            Self::WindowClerk => format!("/api/v1/staff/window-applications/{id}/documents"),
        }
    }
}

#[component]
pub(crate) fn DraftForm(
    view: ApplicationView,
    feedback: FormFeedback,
    csrf: String,
    submit_key: String,
    vault: Vec<VaultFile>,
    #[prop(default = Filer::Applicant)] filer: Filer,
) -> impl IntoView {
    let action = filer.action(&view.id);
    // Problems the form handler found outside the pre-review (a bad upload, a missing 容缺 date)
    // are shown the same way.
    let mut all = feedback.findings.clone();
    for (target, messages) in feedback.errors.iter() {
        for message in messages {
            all.push(Finding {
                target: target.to_owned(),
                level: Level::Blocking,
                message: message.clone(),
                hint: "请修改后重新保存".into(),
            });
        }
    }
    if !feedback.success
        && let Some(message) = &feedback.message
    {
        all.push(Finding {
            target: String::new(),
            level: Level::Blocking,
            message: message.clone(),
            hint: "请稍后再试".into(),
        });
    }
    let findings = all.clone();
    let errors_of = move |target: &str| -> Vec<String> {
        findings
            .iter()
            .filter(|f| f.level == Level::Blocking && f.target == target)
            .map(|f| f.message.clone())
            .collect()
    };
    let answers = view.answers.clone();
    let setup = LiveFormSetup {
        save_url: filer.save_url(&view.id),
        upload_url: filer.upload_url(&view.id),
        csrf_token: csrf.clone(),
        form: view.form.clone(),
        materials: view.materials.clone(),
        choices: view.choices.clone(),
        answers: answers.clone(),
        vault: vault
            .iter()
            .filter_map(|file| {
                Some(VaultEntry {
                    id: file.id.clone(),
                    file_type: file.file_type?,
                    size_bytes: file.size_bytes,
                })
            })
            .collect(),
        vault_licences: view.vault_licences.clone(),
        max_deferral_days: view.max_deferral_days,
        masked: masked_names(&answers, ""),
    };
    let supplement = view.supplement_notice.clone();
    let (heading, submit_label) = match (&supplement, &view.case_no, filer) {
        (Some(_), Some(case_no), _) => {
            (format!("补正：{}（{case_no}）", view.item_name), "重新提交")
        }
        (_, _, Filer::WindowClerk) => (format!("窗口收件：{}", view.item_name), "提交收件"),
        _ => (format!("申请：{}", view.item_name), "提交申请"),
    };
    view! {
        <Title text=heading.clone() />
        <h1>{heading}</h1>
        {view.business_name.clone().map(|name| view! { <p>{format!("以 {name} 的名义申请")}</p> })}
        {view.package.clone().map(|package| view! {
            <p>{format!("本申请同时办理：{}。", package.items.join("、"))}</p>
        })}
        {supplement.map(|notice| view! { <SupplementNoticePanel notice /> })}
        {feedback.message.clone().filter(|_| feedback.success).map(|message| view! {
            <p class="notice notice--success" role="status">{message}</p>
        })}
        <Findings findings=all />
        <LiveForm setup=setup>
        <form method="post" action=action enctype="multipart/form-data" class="form form--wide" novalidate>
            <CsrfField token=csrf />
            <input type="hidden" name="submit_key" value=submit_key />
            <fieldset>
                <legend>"申请表"</legend>
                {view.form.fields.iter().map(|field| {
                    let errors = errors_of(&format!("field:{}", field.key));
                    view! { <AnswerField field=field.clone() answers=answers.clone() prefix=String::new() errors errors_of=errors_of.clone() /> }
                }).collect_view()}
            </fieldset>
            <fieldset>
                <legend>"申请材料"</legend>
                {view.materials.iter().map(|material| {
                    let errors = errors_of(&format!("material:{}", material.code));
                    view! {
                        <MaterialField
                            material=material.clone()
                            choice=view.choices.get(&material.code).cloned()
                            in_vault=material.shared_licence.as_ref().is_some_and(|l| view.vault_licences.contains(l))
                            vault=vault.clone()
                            errors
                        />
                    }
                }).collect_view()}
            </fieldset>
            <p class="muted">{view.draft_expires_at.map(|at| view! { "草稿保存至 " <When at/> "，期间可随时回来继续填写。" })}</p>
            <div class="actions">
                <button type="submit" name="action" value="save" class="button button--secondary">"保存草稿"</button>
                <button type="submit" name="action" value="review" class="button button--secondary">"预审检查"</button>
                <button type="submit" name="action" value="submit" class="button">{submit_label}</button>
            </div>
        </form>
        </LiveForm>
        // A case sent back for 补正 may still be withdrawn, as the state machine says.
        {(filer == Filer::Applicant && view.state.allows(CaseAction::Withdraw) && view.part_of.is_none()).then(|| view! {
            <p><a class="button button--secondary" href=paths::action::WITHDRAW.at(&view.id)>"撤回申请"</a></p>
        })}
    }
}

/// Form names (`key`, `group.n.key`) whose value is shown masked.
fn masked_names(answers: &Answers, prefix: &str) -> Vec<String> {
    let mut names = Vec::new();
    for (key, answer) in answers {
        match answer {
            Answer::Text(text) if text.contains('*') => names.push(format!("{prefix}{key}")),
            Answer::Entries(entries) => {
                for (n, entry) in entries.iter().enumerate() {
                    names.extend(masked_names(entry, &format!("{prefix}{key}.{}.", n + 1)));
                }
            }
            _ => {}
        }
    }
    names
}

fn text_of(answers: &Answers, key: &str) -> String {
    match answers.get(key) {
        Some(Answer::Text(text)) => text.clone(),
        _ => String::new(),
    }
}

#[component]
fn AnswerField(
    field: FieldSpec,
    answers: Answers,
    prefix: String,
    errors: Vec<String>,
    errors_of: impl Fn(&str) -> Vec<String> + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let name = format!("answer.{prefix}{}", field.key);
    let id = format!(
        "field-{}",
        format!("{prefix}{}", field.key).replace('.', "-")
    );
    let value = text_of(&answers, &field.key);
    let invalid = !errors.is_empty();
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let hint = field.hint.clone();
    let label = if field.required {
        field.label.clone()
    } else {
        format!("{}（选填）", field.label)
    };
    let described = [
        (!hint.is_empty()).then(|| hint_id.clone()),
        invalid.then(|| error_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let described = (!described.is_empty()).then_some(described);
    let header = view! {
        {(!hint.is_empty()).then(|| view! { <p class="field__hint" id=hint_id.clone()>{hint.clone()}</p> })}
        {invalid.then(|| view! { <p class="field__error" id=error_id.clone()>{errors.join("；")}</p> })}
    };
    match field.kind.clone() {
        FieldKind::Select { options } => view! {
            <div class="field" class:field--invalid=invalid>
                <label for=id.clone()>{label}</label>
                {header}
                <select id=id name=name aria-describedby=described aria-invalid=invalid.then_some("true")>
                    <option value="">"请选择"</option>
                    {options.into_iter().map(|option| {
                        let selected = option == value;
                        view! { <option value=option.clone() selected=selected>{option.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
        }.into_any(),
        FieldKind::Checkboxes { options } => {
            let chosen = match answers.get(&field.key) {
                Some(Answer::Choices(list)) => list.clone(),
                Some(Answer::Text(one)) => vec![one.clone()],
                _ => Vec::new(),
            };
            view! {
                <fieldset class="field" class:field--invalid=invalid id=id.clone() aria-describedby=described>
                    <legend>{label}</legend>
                    {header}
                    {options.into_iter().enumerate().map(|(n, option)| {
                        let option_id = format!("{id}-{n}");
                        let label_for = option_id.clone();
                        let checked = chosen.contains(&option);
                        view! {
                            <label class="choice" for=label_for>
                                <input type="checkbox" id=option_id name=name.clone() value=option.clone() checked=checked />
                                {option.clone()}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
            }.into_any()
        }
        FieldKind::Group { fields, min, .. } => {
            let entries = match answers.get(&field.key) {
                Some(Answer::Entries(entries)) => entries.clone(),
                _ => Vec::new(),
            };
            let count = entries.len().max(min as usize).max(1);
            let key = format!("{prefix}{}", field.key);
            view! {
                <fieldset class="field group" class:field--invalid=invalid id=id.clone() aria-describedby=described>
                    <legend>{label}</legend>
                    {header}
                    {(0..count).map(|index| {
                        let entry = entries.get(index).cloned().unwrap_or_default();
                        let entry_prefix = format!("{key}.{}.", index + 1);
                        view! {
                            <div class="group__entry">
                                <p class="group__title">{format!("第 {} 项", index + 1)}</p>
                                {fields.iter().map(|sub| {
                                    let target = format!("field:{entry_prefix}{}", sub.key);
                                    let errors = errors_of(&target);
                                    view! { <AnswerField field=sub.clone() answers=entry.clone() prefix=entry_prefix.clone() errors errors_of=errors_of.clone() /> }.into_any()
                                }).collect_view()}
                            </div>
                        }
                    }).collect_view()}
                    <button type="submit" name="action" value=format!("add:{key}") class="button button--secondary">
                        {format!("增加一项{}", field.label)}
                    </button>
                </fieldset>
            }.into_any()
        }
        kind => {
            let unit = match &kind {
                FieldKind::Number { unit, .. } if !unit.is_empty() => Some(unit.clone()),
                _ => None,
            };
            let (input_type, inputmode, autocomplete) = match kind {
                FieldKind::Date { .. } => ("date", None, None),
                FieldKind::Number { decimals: 0, .. } => ("text", Some("numeric"), None),
                FieldKind::Number { .. } => ("text", Some("decimal"), None),
                FieldKind::Phone => ("tel", None, Some("tel")),
                FieldKind::Address => ("text", None, Some("street-address")),
                _ => ("text", None, None),
            };
            view! {
                <div class="field" class:field--invalid=invalid>
                    <label for=id.clone()>{label}</label>
                    {header}
                    <div class="field__input">
                        <input id=id name=name type=input_type value=value inputmode=inputmode autocomplete=autocomplete
                            aria-describedby=described aria-invalid=invalid.then_some("true") />
                        {unit.map(|unit| view! { <span class="field__unit">{unit}</span> })}
                    </div>
                </div>
            }.into_any()
        }
    }
}

#[component]
fn MaterialField(
    material: Material,
    choice: Option<MaterialChoice>,
    in_vault: bool,
    vault: Vec<VaultFile>,
    errors: Vec<String>,
) -> impl IntoView {
    let code = material.code.clone();
    let chosen_document = match &choice {
        Some(MaterialChoice::Document { document_id, .. }) => document_id.clone(),
        _ => String::new(),
    };
    let id = format!("material-{code}");
    let invalid = !errors.is_empty();
    let formats: Vec<&str> = material.file_types.iter().map(|t| t.label()).collect();
    let mode = match &choice {
        Some(MaterialChoice::Document { .. }) => "document",
        Some(MaterialChoice::Deferred { .. }) => "deferred",
        Some(MaterialChoice::Committed) => "committed",
        None => "",
    };
    let until = match &choice {
        Some(MaterialChoice::Deferred { until }) => until.to_string(),
        _ => String::new(),
    };
    let radio = |value: &'static str, label: String| {
        let radio_id = format!("{id}-{value}");
        let label_for = radio_id.clone();
        view! {
            <label class="choice" for=label_for>
                <input type="radio" id=radio_id name=format!("material.{code}.mode") value=value
                    checked=mode == value || (value.is_empty() && (mode.is_empty() || mode == "document")) />
                {label}
            </label>
        }
    };
    view! {
        <fieldset class="field material-choice" class:field--invalid=invalid id=id.clone()>
            <legend>{format!("{}{}", material.name, if material.required { "" } else { "（选交）" })}</legend>
            <p class="field__hint">{format!("{}，不超过 {} MB", formats.join("、"), material.max_size_mb)}</p>
            {invalid.then(|| view! { <p class="field__error">{errors.join("；")}</p> })}
            {in_vault.then(|| view! {
                <p class="notice--success">{format!("免提交：已从证照库自动调取“{}”。", material.shared_licence.clone().unwrap_or_default())}</p>
            })}
            // Which file the material holds, by name (the island updates it after an upload).
            <p class="material__chosen" aria-live="polite">{match &choice {
                Some(MaterialChoice::Document { document_id, size_bytes, .. }) => {
                    let name = vault.iter().find(|f| &f.id == document_id).map(|f| f.file_name.clone()).unwrap_or_default();
                    format!("已上传：{name}（{}）。重新选择文件可替换。", crate::live_form::size_label(*size_bytes))
                }
                _ => String::new(),
            }}</p>
            <div class="field">
                <label for=format!("{id}-file")>"上传文件"</label>
                <input type="file" id=format!("{id}-file") name=format!("material.{code}.file") />
            </div>
            {(!vault.is_empty()).then(|| view! {
                <div class="field">
                    <label for=format!("{id}-document")>"或从我的材料库中选择"</label>
                    <select id=format!("{id}-document") name=format!("material.{code}.document")>
                        <option value="">"不选择"</option>
                        {vault.iter().map(|file| {
                            let selected = file.id == chosen_document;
                            view! {
                                <option value=file.id.clone() selected=selected>
                                    {format!("{}（{} 上传）", file.file_name, file.uploaded_at.china_minute())}
                                </option>
                            }
                        }).collect_view()}
                    </select>
                </div>
            })}
            {material.deferrable.then(|| view! {
                {radio("deferred", "容缺后补：先受理，承诺日期前补交".into())}
                <div class="field">
                    <label for=format!("{id}-until")>"承诺补交日期"</label>
                    <input type="date" id=format!("{id}-until") name=format!("material.{code}.until") value=until.clone() />
                </div>
            })}
            {material.commitment.clone().map(|text| view! {
                {radio("committed", "告知承诺：签署以下承诺书代替此材料".into())}
                <blockquote class="commitment">{text}</blockquote>
            })}
            {(material.deferrable || material.commitment.is_some()).then(|| radio("", "上传文件（默认）".into()))}
        </fieldset>
    }
}

/// The clerk's one-time notice (一次性告知), every item linked to its place in the form.
#[component]
fn SupplementNoticePanel(notice: SupplementNotice) -> impl IntoView {
    view! {
        <div class="error-summary" role="alert" tabindex="-1">
            <h2>{format!("补正告知：请一次补齐以下 {} 项后重新提交", notice.items.len())}</h2>
            <p class="muted"><When at=notice.at/> " 窗口工作人员告知"</p>
            {(!notice.remark.is_empty()).then(|| view! { <p>{notice.remark.clone()}</p> })}
            <ul>
                {notice.items.into_iter().map(|item| view! {
                    <li><a href=finding_anchor(&item.target)>{item.message}</a></li>
                }).collect_view()}
            </ul>
        </div>
    }
}

#[component]
fn Receipt(
    view: ApplicationView,
    timeline: Vec<TimelineEvent>,
    notices: Vec<CaseNotice>,
    csrf: String,
    feedback: FormFeedback,
) -> impl IntoView {
    let case_no = view.case_no.clone().unwrap_or_default();
    let submitted = view.state == CaseState::Submitted;
    let site = use_site_info();
    let qr = paths::RECEIPT_QR.at(&view.id);
    let lookup = paths::progress_of(&case_no);
    view! {
        <Title text=format!("回执：{}", view.item_name) />
        {if submitted {
            view! {
                <div class="panel receipt-banner" role="status">
                    <h1>"申请已提交"</h1>
                    <p>"办件编号"</p>
                    <p class="case-no">{case_no.clone()}</p>
                </div>
            }.into_any()
        } else {
            view! { <h1>{format!("{}：{}", view.item_name, view.state_label)}</h1> }.into_any()
        }}
        <CaseProgress state=view.state />
        <OverdueNotice clock=view.clock.clone() responsible=view.responsible.clone() />
        {(!notices.is_empty()).then(|| view! {
            <p class="notice" role="status">
                {format!("已出具{}。", notices.iter().map(|n| n.title.as_str()).collect::<Vec<_>>().join("、"))}
                <a href=paths::NOTICES.at(&view.id)>"查看并打印"</a>
            </p>
        })}
        <section class="panel receipt" aria-labelledby="receipt-heading">
            <h2 id="receipt-heading">"受理回执"</h2>
            <dl class="facts">
                <dt>"事项"</dt><dd>{view.item_name.clone()}</dd>
                <dt>"办件编号"</dt><dd>{case_no.clone()}</dd>
                <dt>"状态"</dt><dd>{view.state_label.clone()}</dd>
                <dt>"提交时间"</dt><dd>{view.submitted_at.map(|at| view! { <When at/> })}</dd>
                {view.business_name.clone().map(|name| view! { <dt>"申请单位"</dt><dd>{name}</dd> })}
                {view.due_estimate.clone().filter(|_| submitted).map(|estimate| view! {
                    <dt>"预计办结"</dt>
                    <dd>{format!("受理后 {} 个工作日内，预计 {} 前", estimate.working_days, estimate.due_date)}</dd>
                })}
                {view.clock.clone().map(|clock| view! {
                    <dt>"办理时限"</dt>
                    <dd>{format!("承诺 {} 前办结；{}", clock.promised_due, clock.text())}</dd>
                })}
            </dl>
            {submitted.then(|| view! {
                <h3>"接下来"</h3>
                <ol>
                    <li>"窗口工作人员进行受理审查，结果通过站内信告知。"</li>
                    <li>"需要补正时，您会收到一次性告知的全部补正内容。"</li>
                    <li>"办结后可选择邮寄或窗口领取结果。"</li>
                </ol>
            })}
            {view.case_no.is_some().then(|| view! {
                <div class="receipt__qr">
                    <img src=qr.clone() width="160" height="160" alt="办件进度查询二维码" />
                    <p>
                        "扫码或访问 "
                        <Suspense>
                            {move || {
                                let lookup = lookup.clone();
                                Suspend::new(async move {
                                    let base = site.await.map(|s| s.public_url).unwrap_or_default();
                                    let link = format!("{}{lookup}", base.trim_end_matches('/'));
                                    view! { <a href=lookup.clone()>{link}</a> }
                                })
                            }}
                        </Suspense>
                        "，输入申请人姓名即可查询进度。"
                    </p>
                    <super::guide::PrintButton what="回执".to_string() />
                    <super::guide::ReadAloudButton target="main" />
                </div>
            })}
        </section>
        <Suspensions suspensions=view.suspensions.clone() />
        <Commitments commitments=view.commitments.clone() desk=CommitmentDesk::HandIn {
            application_id: view.id.clone(),
            csrf,
            feedback,
        } />
        {view.package.clone().filter(|p| !p.children.is_empty()).map(|package| view! {
            <section class="panel" aria-labelledby="children-heading">
                <h2 id="children-heading">"各事项办件"</h2>
                {package.outcome.map(|outcome| view! { <p><strong>{format!("办理结果：{}", outcome.label)}</strong></p> })}
                <table class="table">
                    <thead><tr>
                        <th scope="col">"事项"</th><th scope="col">"办件编号"</th><th scope="col">"承办部门"</th>
                        <th scope="col">"状态"</th><th scope="col">"时限"</th>
                    </tr></thead>
                    <tbody>
                        {package.children.into_iter().map(|child| view! {
                            <tr>
                                <td data-label="事项"><a href=paths::APPLICATION.at(&child.id)>{child.item_name}</a></td>
                                <td data-label="办件编号">{child.case_no.unwrap_or_default()}</td>
                                <td data-label="承办部门">{child.department.unwrap_or_else(|| "—".into())}</td>
                                <td data-label="状态">{child.state_label}</td>
                                <td data-label="时限">{child.clock.map(|c| c.text()).unwrap_or_else(|| "受理后开始计时".into())}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        })}
        <section class="panel" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">"办理进度"</h2>
            <ol class="timeline">
                {timeline.into_iter().map(|event| view! {
                    <li><span class="muted"><When at=event.at/></span> " " {event.text}</li>
                }).collect_view()}
            </ol>
        </section>
        {view.part_of.clone().map(|package| view! {
            <p>
                {format!("本办件是“{}”的一部分，", package.item_name)}
                <a href=paths::APPLICATION.at(&package.id)>"查看整件事的进度或撤回"</a>
            </p>
        })}
        {(view.state.allows(CaseAction::Withdraw) && view.part_of.is_none()).then(|| view! {
            <p><a class="button button--secondary" href=paths::action::WITHDRAW.at(&view.id)>"撤回申请"</a></p>
        })}
        {domain::rating::case_rateable(view.state).then(|| view! {
            <section class="panel" aria-labelledby="rating-heading">
                <h2 id="rating-heading">"好差评"</h2>
                <p>"欢迎对本次服务作出评价。评价自愿，不影响办理结果。"</p>
                <p><a class="button button--secondary" href=paths::rate_case(&case_no)>"评价本次服务"</a></p>
            </section>
        })}
        <p><a href=paths::APPLICATIONS>"返回我的办件"</a></p>
    }
}

/// The application's notices as issued, ready to print (受理通知书, 不予受理通知书).
#[component]
pub fn NoticesPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let notices = Resource::new_blocking(id, load_notices);
    view! {
        <Title text="办件文书" />
        <h1>"办件文书"</h1>
        <Suspense>
            {move || Suspend::new(async move {
                match notices.await {
                    Ok(notices) if notices.is_empty() => view! {
                        <p>"该办件还没有出具文书，或您无权查看。受理或不予受理后，文书会出现在这里。"</p>
                    }.into_any(),
                    Ok(notices) => view! {
                        <super::guide::PrintButton what="文书".to_string() />
                        {notices.into_iter().map(|notice| view! { <NoticeDocument notice /> }).collect_view()}
                    }.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{crate::api::failure_message(&error)}</p> }.into_any(),
                }
            })}
        </Suspense>
        <p class="no-print"><a href=paths::APPLICATION.at(&id())>"返回办件"</a></p>
    }
}

/// 撤回 asks first: this page says what withdrawing means and posts only when confirmed, with
/// or without JavaScript.
#[component]
pub fn WithdrawPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let application = Resource::new_blocking(id, load_application);
    let signed_in = use_signed_in();
    view! {
        <Title text="确认撤回申请" />
        <div class="narrow">
            <h1>"确认撤回申请"</h1>
            <Suspense>
                {move || Suspend::new(async move {
                    let csrf = signed_in.await.ok().flatten().map(|s| s.csrf_token).unwrap_or_default();
                    match application.await {
                        Ok(Some(view)) if view.state.allows(CaseAction::Withdraw) && view.part_of.is_none() => view! {
                            <dl class="facts">
                                <dt>"事项"</dt><dd>{view.item_name.clone()}</dd>
                                <dt>"办件编号"</dt><dd>{view.case_no.clone().unwrap_or_else(|| "（尚未提交）".into())}</dd>
                                <dt>"状态"</dt><dd>{view.state_label.clone()}</dd>
                            </dl>
                            <p>"撤回后窗口将不再办理此申请；如需办理，需要重新提交。确定要撤回吗？"</p>
                            <form method="post" action=paths::action::WITHDRAW.at(&view.id) class="actions">
                                <CsrfField token=csrf />
                                <button type="submit" class="button">"确认撤回"</button>
                                <a class="button button--secondary" href=paths::APPLICATION.at(&view.id)>"不撤回，返回办件"</a>
                            </form>
                        }.into_any(),
                        Ok(Some(view)) => view! {
                            <p class="notice">{format!("此办件目前“{}”，不能撤回。", view.state_label)}</p>
                            <p><a href=paths::APPLICATION.at(&view.id)>"返回办件"</a></p>
                        }.into_any(),
                        Ok(None) => view! {
                            <p>"没有找到该办件。请确认已登录，并从" <a href=paths::APPLICATIONS>"我的办件"</a> "进入。"</p>
                        }.into_any(),
                        Err(error) => view! { <p class="notice" role="alert">{crate::api::failure_message(&error)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

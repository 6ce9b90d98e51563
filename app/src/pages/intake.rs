//! 一窗受理 on the workbench: the work queues of the staff member's scope, and one case with its
//! frozen form, materials, pre-review, clock and timeline, and the clerk's decisions — 受理 after
//! checking every manual review point, or 不予受理 with the reason and its legal basis.

use super::review::{PackageChildren, ReviewDesk};
use crate::api::intake::{ShownQueue, load_staff_case};
use crate::components::layout::use_signed_in;
use crate::components::notice::NoticeDocument;
use crate::components::review::{CommitmentDesk, Commitments, OverdueNotice, Suspensions};
use crate::components::time::When;
use crate::forms::{CsrfField, ErrorSummary, Field, FormFeedback, FormName, use_feedback};
use crate::paths;
use domain::application::CaseAction;
use domain::form::Answer;
use domain::intake::{Queue, QueueEntry, StaffCaseView};
use domain::prereview::{Level, MaterialChoice};
use leptos::prelude::*;
use leptos::server_fn::error::ServerFnError;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The queue a workbench address asks for (`?queue=`, `?page=`); no queue means the reader's own
/// work's. The page creates the resource, outside any `<Suspense>`: a resource created inside a
/// suspended child is created again on every walk of the tree, and its response may never end.
pub fn asked_queue() -> impl Fn() -> (Option<Queue>, u32) + Send + Sync + Copy + 'static {
    let query = use_query_map();
    move || {
        query.with(|q| {
            let queue = q.get("queue").and_then(|q| Queue::parse(&q));
            let page = q
                .get("page")
                .and_then(|p| p.parse::<u32>().ok())
                .filter(|p| *p >= 1)
                .unwrap_or(1);
            (queue, page)
        })
    }
}

/// The queue tabs and the chosen queue's cases, most urgent first.
#[component]
pub fn QueuePanel(cases: Resource<Result<Option<ShownQueue>, ServerFnError>>) -> impl IntoView {
    view! {
        <section aria-labelledby="queue-heading" class="panel">
            <h2 id="queue-heading">"办件队列"</h2>
            <Suspense>
                {move || Suspend::new(async move {
                    match cases.await {
                        Ok(Some(ShownQueue { queue: chosen, cases: page })) => view! {
                            <nav class="tabs" aria-label="队列">
                                {[Queue::Intake, Queue::Review, Queue::All].into_iter().map(|queue| {
                                    let href = format!("{}?queue={}", paths::STAFF, queue.as_str());
                                    view! {
                                        <a href=href aria-current=(chosen == queue).then_some("page")>{queue.label()}</a>
                                    }
                                }).collect_view()}
                            </nav>
                            {if page.items.is_empty() {
                                view! { <p>"队列中没有办件。"</p> }.into_any()
                            } else {
                                view! {
                                    <p class="muted">{format!("共 {} 件，最紧急的在前", page.total)}</p>
                                    <QueuePaging queue=chosen page=page.page pages=page.total.div_ceil(u64::from(page.page_size)) />
                                    <table class="table">
                                        <caption class="visually-hidden">"办件队列"</caption>
                                        <thead><tr>
                                            <th scope="col">"办件"</th><th scope="col">"申请人"</th><th scope="col">"状态"</th>
                                            <th scope="col">"来源"</th><th scope="col">"时限"</th>
                                        </tr></thead>
                                        <tbody>
                                            {page.items.into_iter().map(|entry| view! { <QueueRow entry /> }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any()
                            }}
                        }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(error) => view! { <p class="notice" role="alert">{crate::api::failure_message(&error)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// 上一页 / 下一页 of a queue, as plain links.
#[component]
fn QueuePaging(queue: Queue, page: u32, pages: u64) -> impl IntoView {
    let link = move |to: u32| format!("{}?queue={}&page={to}", paths::STAFF, queue.as_str());
    (pages > 1).then(|| {
        view! {
            <nav class="pagination" aria-label="队列分页">
                {(page > 1).then(|| view! { <a href=link(page - 1)>"上一页"</a> })}
                <span>{format!("第 {page} / {pages} 页")}</span>
                {(u64::from(page) < pages).then(|| view! { <a href=link(page + 1)>"下一页"</a> })}
            </nav>
        }
    })
}

#[component]
fn QueueRow(entry: QueueEntry) -> impl IntoView {
    let limit = match &entry.clock {
        Some(clock) => format!("{}（{}）", clock.text(), entry.urgency.label()),
        None => "受理后开始计时".to_owned(),
    };
    view! {
        <tr>
            <td data-label="办件">
                <a href=paths::STAFF_CASE.at(&entry.case_no)>{entry.item_name}</a>
                <br /><span class="muted">{entry.case_no}</span>
            </td>
            <td data-label="申请人">{entry.applicant}</td>
            <td data-label="状态">{entry.state_label}<br /><span class="muted">"提交于 " <When at=entry.submitted_at/></span></td>
            <td data-label="来源">{entry.channel.label()}</td>
            <td data-label="时限">{limit}{entry.reminded_at.is_some().then(|| view! { <br /><strong>"已被督查催办"</strong> })}</td>
        </tr>
    }
}

/// One case on the workbench (an audited read each time it opens).
#[component]
pub fn StaffCasePage() -> impl IntoView {
    let params = use_params_map();
    let case_no = move || params.with(|p| p.get("case_no").unwrap_or_default());
    let case = Resource::new_blocking(case_no, load_staff_case);
    let feedback = use_feedback();
    let signed_in = use_signed_in();
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let feedback = feedback.await.unwrap_or_default();
                let csrf = signed_in.await.ok().flatten().map(|s| s.csrf_token).unwrap_or_default();
                match case.await {
                    Ok(Some(view)) => view! { <CaseDesk view feedback csrf /> }.into_any(),
                    Ok(None) => view! {
                        <Title text="办件" />
                        <h1>"没有找到该办件"</h1>
                        <p>"该办件不存在，或不在您的办理范围内。"</p>
                        <p><a href=paths::STAFF>"返回工作台"</a></p>
                    }.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{crate::api::failure_message(&error)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A case's notices as the workbench prints them (an audited read, like the case page).
#[component]
pub fn StaffNoticesPage() -> impl IntoView {
    let params = use_params_map();
    let case_no = move || params.with(|p| p.get("case_no").unwrap_or_default());
    let case = Resource::new_blocking(case_no, load_staff_case);
    view! {
        <Title text="办件文书" />
        <h1>"办件文书"</h1>
        <Suspense>
            {move || Suspend::new(async move {
                match case.await {
                    Ok(Some(view)) if view.notices.is_empty() => view! { <p>"该办件还没有出具文书。"</p> }.into_any(),
                    Ok(Some(view)) => view! {
                        <super::guide::PrintButton what="文书".to_string() />
                        {view.notices.into_iter().map(|notice| view! { <NoticeDocument notice /> }).collect_view()}
                    }.into_any(),
                    Ok(None) => view! { <p>"该办件不存在，或不在您的办理范围内。"</p> }.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{crate::api::failure_message(&error)}</p> }.into_any(),
                }
            })}
        </Suspense>
        <p class="no-print"><a href=paths::STAFF_CASE.at(&case_no())>"返回办件"</a></p>
    }
}

fn answer_text(answer: &Answer) -> String {
    match answer {
        Answer::Text(text) => text.clone(),
        Answer::Choices(choices) => choices.join("、"),
        Answer::Entries(entries) => format!("{} 项", entries.len()),
    }
}

fn choice_text(choice: Option<&MaterialChoice>) -> String {
    match choice {
        Some(MaterialChoice::Document { .. }) => "已上传".into(),
        Some(MaterialChoice::Deferred { until }) => format!("容缺，承诺 {until} 前补交"),
        Some(MaterialChoice::Committed) => "告知承诺代替".into(),
        None => "未提供".into(),
    }
}

#[component]
fn CaseDesk(view: StaffCaseView, feedback: FormFeedback, csrf: String) -> impl IntoView {
    let case = view.case.clone();
    let case_no = case.case_no.clone().unwrap_or_default();
    let title = format!("{}（{case_no}）", case.item_name);
    let acceptance = view
        .actions
        .iter()
        .copied()
        .find(|a| matches!(a, CaseAction::Accept | CaseAction::AcceptWithDeferrals));
    let may_refuse = view.actions.contains(&CaseAction::Refuse);
    let may_send_back = view.actions.contains(&CaseAction::RequestSupplement);
    let supplement_form = FormName::RequestSupplement;
    // Everything the clerk may ask to be fixed: each field of the form, each material.
    let targets: Vec<(String, String)> = case
        .form
        .fields
        .iter()
        .map(|field| {
            (
                format!("field:{}", field.key),
                format!("表单：{}", field.label),
            )
        })
        .chain(case.materials.iter().map(|material| {
            (
                format!("material:{}", material.code),
                format!("材料：{}", material.name),
            )
        }))
        .collect();
    let blocking: Vec<_> = view
        .findings
        .iter()
        .filter(|f| f.level == Level::Blocking)
        .cloned()
        .collect();
    let accept_form = FormName::Accept;
    let refuse_form = FormName::Refuse;
    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        <dl class="facts">
            <dt>"申请人"</dt><dd>{view.applicant.clone()}</dd>
            <dt>"来源"</dt><dd>{view.channel.label()}</dd>
            <dt>"状态"</dt><dd>{case.state_label.clone()}</dd>
            <dt>"提交时间"</dt><dd>{case.submitted_at.map(|at| view! { <When at/> })}</dd>
            <dt>"时限"</dt><dd>{match &view.case.clock {
                Some(clock) => format!("{}（承诺 {} 前办结）", clock.text(), clock.promised_due),
                None => "受理后开始计时".to_owned(),
            }}</dd>
            {view.case.responsible.clone().map(|who| view! { <dt>"责任单位"</dt><dd>{who}</dd> })}
        </dl>
        {view.reminder.clone().map(|reminder| view! {
            <p class="notice notice--alert" role="alert">
                {format!("督办提醒：{}", reminder.text)} " " <span class="muted">"（" <When at=reminder.at/> "）"</span>
            </p>
        })}
        <OverdueNotice clock=view.case.clock.clone() responsible=None />
        {view.case.package.clone().map(|package| view! {
            <PackageChildren children=package.children outcome=package.outcome.map(|o| o.label) />
        })}
        <Suspensions suspensions=view.case.suspensions.clone() />
        <Commitments commitments=view.case.commitments.clone() desk=if view.confirms_supplements {
            CommitmentDesk::Confirm { case_no: case_no.clone(), csrf: csrf.clone(), feedback: feedback.clone() }
        } else {
            CommitmentDesk::Read
        } />
        <section aria-labelledby="form-heading">
            <h2 id="form-heading">"申请表"</h2>
            <dl class="facts">
                {case.form.fields.iter().map(|field| view! {
                    <dt>{field.label.clone()}</dt>
                    <dd>{case.answers.get(&field.key).map(answer_text).unwrap_or_else(|| "—".into())}</dd>
                }).collect_view()}
            </dl>
        </section>
        <section aria-labelledby="materials-heading">
            <h2 id="materials-heading">"申请材料"</h2>
            <ul class="plain-list">
                {case.materials.iter().map(|material| {
                    let choice = case.choices.get(&material.code);
                    let uploaded = matches!(choice, Some(MaterialChoice::Document { .. }));
                    let href = format!("/api/v1/staff/applications/{case_no}/materials/{}", material.code);
                    view! {
                        <li>
                            <strong>{material.name.clone()}</strong> {choice_text(choice)}
                            {uploaded.then(|| view! { " " <a href=href>{format!("查看“{}”（留痕）", material.name)}</a> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
        <section aria-labelledby="review-heading">
            <h2 id="review-heading">"自动预审"</h2>
            {if blocking.is_empty() {
                view! { <p>"自动预审未发现问题。"</p> }.into_any()
            } else {
                view! {
                    <ul>{blocking.into_iter().map(|f| view! { <li>{f.message}<span class="muted">{format!("（{}）", f.hint)}</span></li> }).collect_view()}</ul>
                }.into_any()
            }}
        </section>
        {acceptance.map(|action| {
            let label = match action {
                CaseAction::AcceptWithDeferrals => "容缺受理",
                _ => "受理",
            };
            view! {
                <section aria-labelledby="accept-heading" class="panel">
                    <h2 id="accept-heading">{label}</h2>
                    <ErrorSummary feedback=feedback.clone() form=accept_form />
                    <form method="post" action=paths::action::ACCEPT.at(&case_no) class="form" novalidate>
                        <CsrfField token=csrf.clone() />
                        <fieldset>
                            <legend>"形式审查要点（逐项核对后勾选）"</legend>
                            {view.manual_points.is_empty().then(|| view! { <p>"本事项没有需要人工核对的要点。"</p> })}
                            {view.manual_points.iter().map(|point| {
                                let id = format!("accept-checked-{}", point.id.replace('.', "-"));
                                let label_for = id.clone();
                                let checked = feedback.value(accept_form, &format!("checked.{}", point.id)) == "on";
                                view! {
                                    <label class="choice" for=label_for>
                                        <input type="checkbox" id=id name="checked" value=point.id.clone() checked=checked />
                                        {format!("{}：{}", point.material_name, point.text)}
                                    </label>
                                }
                            }).collect_view()}
                        </fieldset>
                        {(!view.deferrable_materials.is_empty()).then(|| view! {
                            <fieldset>
                                <legend>"容缺受理（可选）"</legend>
                                <p class="muted">"材料可容缺的，填写申请人承诺的补交日期；材料已齐的留空。"</p>
                                {view.deferrable_materials.iter().map(|material| {
                                    let key = format!("deferrals.{}", material.code);
                                    let id = format!("accept-deferrals-{}", material.code);
                                    let errors = feedback.errors_for(accept_form, &key);
                                    let invalid = !errors.is_empty();
                                    let error_id = format!("{id}-error");
                                    view! {
                                        <div class="field" class:field--invalid=invalid>
                                            <label for=id.clone()>{format!("“{}”承诺补交日期", material.name)}</label>
                                            {invalid.then(|| view! {
                                                <p class="field__error" id=error_id.clone()>{errors.join("；")}</p>
                                            })}
                                            <input type="date" id=id name=key.clone() value=feedback.value(accept_form, &key)
                                                aria-invalid=invalid.then_some("true") aria-describedby=invalid.then_some(error_id) />
                                        </div>
                                    }
                                }).collect_view()}
                            </fieldset>
                        })}
                        <button type="submit" class="button">{label}</button>
                    </form>
                </section>
            }
        })}
        <ReviewDesk view=view.clone() feedback=feedback.clone() csrf=csrf.clone() />
        {may_send_back.then(|| view! {
            <section aria-labelledby="supplement-heading" class="panel">
                <h2 id="supplement-heading">"退回补正（一次性告知）"</h2>
                <ErrorSummary feedback=feedback.clone() form=supplement_form />
                <form method="post" action=paths::action::REQUEST_SUPPLEMENT.at(&case_no) class="form" novalidate>
                    <CsrfField token=csrf.clone() />
                    <p class="muted">"在需要补正的每一项写明具体要求，其余留空；申请人会一次收到全部内容。"</p>
                    {targets.iter().map(|(target, label)| {
                        let name = format!("item.{target}");
                        let id = format!("request_supplement-item-{}", target.replace([':', '.'], "-"));
                        view! {
                            <div class="field">
                                <label for=id.clone()>{label.clone()}</label>
                                <input type="text" id=id name=name.clone() value=feedback.value(supplement_form, &name) />
                            </div>
                        }
                    }).collect_view()}
                    <Field form=supplement_form name="remark" label="备注" required=false
                        value=feedback.value(supplement_form, "remark") errors=feedback.errors_for(supplement_form, "remark") />
                    <button type="submit" class="button button--secondary">"退回补正"</button>
                </form>
            </section>
        })}
        {may_refuse.then(|| view! {
            <section aria-labelledby="refuse-heading" class="panel">
                <h2 id="refuse-heading">"不予受理"</h2>
                <ErrorSummary feedback=feedback.clone() form=refuse_form />
                <form method="post" action=paths::action::REFUSE.at(&case_no) class="form" novalidate>
                    <CsrfField token=csrf.clone() />
                    <Field form=refuse_form name="reason" label="不予受理的理由"
                        value=feedback.value(refuse_form, "reason") errors=feedback.errors_for(refuse_form, "reason") />
                    <Field form=refuse_form name="legal_basis" label="法律依据" hint="如：《中华人民共和国行政许可法》第三十二条"
                        value=feedback.value(refuse_form, "legal_basis") errors=feedback.errors_for(refuse_form, "legal_basis") />
                    <button type="submit" class="button button--secondary">"不予受理"</button>
                </form>
            </section>
        })}
        {(!view.notices.is_empty()).then(|| view! {
            <section aria-labelledby="notices-heading">
                <h2 id="notices-heading">"文书"</h2>
                <p>
                    {format!("已出具{}。", view.notices.iter().map(|n| n.title.as_str()).collect::<Vec<_>>().join("、"))}
                    <a href=paths::STAFF_NOTICES.at(&case_no)>"查看并打印"</a>
                </p>
            </section>
        })}
        <section aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">"办理过程"</h2>
            <ol class="timeline">
                {view.timeline.into_iter().map(|event| view! {
                    <li><When at=event.at/> " " {event.text} {event.actor.map(|actor| view! { <span class="muted">{format!("（{actor}）")}</span> })}</li>
                }).collect_view()}
            </ol>
        </section>
        <p><a href=paths::STAFF>"返回工作台"</a></p>
    }
}

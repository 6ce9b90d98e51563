//! 差评整改 on the workbench: the queue of the reader's department or hall zone (the
//! supervision office's: all) with this month's figures of their scope, and one rectification
//! with its rating, deadlines, timeline and the steps the reader may take (回访核实, 整改答复,
//! the audited phone for the call-back, 申诉, and the supervisor's 复核).

use crate::api::ratings::{load_rectification, load_rectifications};
use crate::components::layout::use_signed_in;
use crate::forms::{CsrfField, ErrorSummary, Field, FormFeedback, FormName, use_feedback};
use crate::pages::ratings::Figures;
use crate::paths;
use domain::case_clock::Urgency;
use domain::rating::{RectificationEntry, RectificationView};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn urgency_text(urgency: Option<Urgency>, due: Option<time::Date>) -> String {
    match (urgency, due) {
        (Some(urgency), Some(due)) => format!("{due} 前（{}）", urgency.label()),
        _ => "—".into(),
    }
}

/// `/staff/rectifications`: the queue, most urgent first, and the scope's figures.
#[component]
pub fn RectificationsPage() -> impl IntoView {
    let query = use_query_map();
    let desk = Resource::new_blocking(move || query.with(|q| q.get("state")), load_rectifications);
    view! {
        <Title text="差评整改" />
        <h1>"差评整改"</h1>
        <nav aria-label="整改状态"><ul class="tabs">
            <li><a href=paths::STAFF_RECTIFICATIONS>"未办结"</a></li>
            <li><a href=format!("{}?state=closed", paths::STAFF_RECTIFICATIONS)>"已办结"</a></li>
            <li><a href=format!("{}?state=excluded", paths::STAFF_RECTIFICATIONS)>"已剔除"</a></li>
        </ul></nav>
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match desk.await {
                    Ok(Some(desk)) => view! {
                        {desk.queue.items.is_empty().then(|| view! { <p>"没有需要处理的差评。"</p> })}
                        <ul class="plain-list">
                            {desk.queue.items.into_iter().map(|e| view! { <EntryCard entry=e /> }).collect_view()}
                        </ul>
                        <Figures stats=desk.figures />
                    }.into_any(),
                    Ok(None) => view! {
                        <p class="notice">"差评整改由负责的部门审批人员、大厅窗口人员和督查考核人员处理。请以相应身份" <a href=paths::STAFF_LOGIN>"登录"</a> "。"</p>
                    }.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{crate::api::failure_message(&error)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn EntryCard(entry: RectificationEntry) -> impl IntoView {
    let e = entry;
    view! {
        <li class="panel" class:panel--warning=e.urgency == Some(Urgency::Warning) class:panel--overdue=e.urgency == Some(Urgency::Overdue)>
            <h2 class="appointment__title"><a href=paths::STAFF_RECTIFICATION.at(&e.id)>{e.subject.clone()}</a></h2>
            <dl class="facts">
                <dt>"评价"</dt><dd>{e.level_label.clone()}</dd>
                <dt>"状态"</dt><dd>{e.state_label.clone()}{e.appeal.map(|a| format!("（{}）", a.label()))}</dd>
                <dt>"负责"</dt><dd>{e.responsible.clone()}</dd>
                <dt>"办理期限"</dt><dd>{urgency_text(e.urgency, e.due)}</dd>
            </dl>
        </li>
    }
}

/// `/staff/rectifications/{id}`: one rectification (an audited read).
#[component]
pub fn RectificationPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let view_of = Resource::new_blocking(id, load_rectification);
    let feedback = use_feedback();
    let signed_in = use_signed_in();
    view! {
        <Title text="差评整改详情" />
        <h1>"差评整改详情"</h1>
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let feedback = feedback.await.unwrap_or_default();
                let csrf = signed_in.await.ok().flatten().map(|s| s.csrf_token).unwrap_or_default();
                match view_of.await {
                    Ok(Some(x)) => view! { <Rectification x feedback csrf /> }.into_any(),
                    Ok(None) => view! { <p class="notice">"没有找到该差评整改，或不在您负责的范围。"</p> }.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{crate::api::failure_message(&error)}</p> }.into_any(),
                }
            })}
        </Suspense>
        <p><a href=paths::STAFF_RECTIFICATIONS>"返回差评整改"</a></p>
    }
}

#[component]
fn Rectification(x: RectificationView, feedback: FormFeedback, csrf: String) -> impl IntoView {
    let may = |action: &str| x.actions.iter().any(|a| a == action);
    let (callback, answer, appeal, review, phone) = (
        may("callback"),
        may("answer"),
        may("appeal"),
        may("review"),
        may("reveal_phone"),
    );
    let id = x.id.clone();
    let revealed = feedback
        .is_for(FormName::RevealPhone)
        .then(|| feedback.revealed_phone.clone())
        .flatten();
    // A step's form is gone once the step is taken: its confirmation shows at the top.
    let confirmed = feedback.success.then(|| feedback.message.clone()).flatten();
    view! {
        {confirmed.map(|message| view! { <p class="notice notice--success" role="status">{message}</p> })}
        <p class="lead">{x.subject.clone()}</p>
        <dl class="facts">
            <dt>"状态"</dt><dd>{x.state_label.clone()}</dd>
            <dt>"评价"</dt><dd>{x.level_label.clone()}</dd>
            <dt>"评价时间"</dt><dd>{x.rated_at.china_minute()}</dd>
            <dt>"评价人"</dt><dd>{x.rater.clone().unwrap_or_else(|| "未登记（窗口评价器）".into())}</dd>
            {x.staff.clone().map(|s| view! { <dt>"窗口人员"</dt><dd>{s}</dd> })}
            <dt>"原因"</dt><dd>{x.reasons.join("；")}</dd>
            {x.comment.clone().map(|c| view! { <dt>"意见"</dt><dd>{c}</dd> })}
            <dt>"负责"</dt><dd>{x.responsible.clone()}</dd>
            <dt>"回访期限"</dt><dd>{x.callback_due.to_string()}</dd>
            <dt>"整改答复期限"</dt><dd>{x.answer_due.to_string()}</dd>
            <dt>"当前步骤期限"</dt><dd>{urgency_text(x.urgency, x.due)}</dd>
            {x.callback_result.clone().map(|c| view! { <dt>"回访结果"</dt><dd>{c}</dd> })}
            {x.answer.clone().map(|a| view! { <dt>"整改答复"</dt><dd>{a}</dd> })}
            {x.re_rating.map(|r| view! { <dt>"评价人再评价"</dt><dd>{r.label()}</dd> })}
            {x.appeal.map(|a| view! { <dt>"申诉"</dt><dd>{a.label()}</dd> })}
            {x.appeal_reason.clone().map(|r| view! { <dt>"申诉理由"</dt><dd>{r}</dd> })}
            {x.appeal_evidence.clone().map(|r| view! { <dt>"佐证材料"</dt><dd>{r}</dd> })}
            {x.review_reason.clone().map(|r| view! { <dt>"复核意见"</dt><dd>{r}</dd> })}
        </dl>
        {revealed.map(|phone| view! { <p class="notice" role="status">{format!("评价人电话：{phone}（本次查看已留痕）")}</p> })}
        {phone.then(|| view! {
            <form method="post" action=paths::action::RECTIFICATION_PHONE.at(&id) class="actions">
                <CsrfField token=csrf.clone() />
                <button type="submit" class="button button--secondary">"查看评价人电话（回访用，留痕）"</button>
            </form>
        })}
        {callback.then(|| step_form(feedback.clone(), csrf.clone(), FormName::RectificationCallback, paths::action::RECTIFICATION_CALLBACK.at(&id), "回访核实", "result", "回访核实结果", "提交回访结果"))}
        {answer.then(|| step_form(feedback.clone(), csrf.clone(), FormName::RectificationAnswer, paths::action::RECTIFICATION_ANSWER.at(&id), "整改答复", "answer", "整改情况及答复（评价人会看到）", "提交整改答复"))}
        {appeal.then(|| {
            let form = FormName::RectificationAppeal;
            view! {
                <section class="panel" aria-labelledby="appeal-heading">
                    <h2 id="appeal-heading">"申诉"</h2>
                    <p class="muted">"认为评价不实或恶意的，可申诉一次，由督查考核部门复核；申诉期间仍须按时回访整改。"</p>
                    <ErrorSummary feedback=feedback.clone() form />
                    <form method="post" action=paths::action::RECTIFICATION_APPEAL.at(&id) class="form" novalidate>
                        <CsrfField token=csrf.clone() />
                        <Field form name="reason" label="申诉理由" value=feedback.value(form, "reason") errors=feedback.errors_for(form, "reason") />
                        <Field form name="evidence" label="佐证材料" hint="如录音录像编号、文书编号" value=feedback.value(form, "evidence") errors=feedback.errors_for(form, "evidence") />
                        <button type="submit" class="button">"提交申诉"</button>
                    </form>
                </section>
            }
        })}
        {review.then(|| {
            let form = FormName::RectificationReview;
            let chosen = feedback.value(form, "decision");
            view! {
                <section class="panel" aria-labelledby="review-heading">
                    <h2 id="review-heading">"复核申诉"</h2>
                    <ErrorSummary feedback=feedback.clone() form />
                    <form method="post" action=paths::action::RECTIFICATION_REVIEW.at(&id) class="form" novalidate>
                        <CsrfField token=csrf.clone() />
                        <fieldset class="choices" id=format!("{form}-decision") tabindex="-1">
                            <legend>"复核结论"</legend>
                            <label class="choice" for="review-upheld"><input type="radio" id="review-upheld" name="decision" value="upheld" checked=chosen == "upheld" />"维持评价"</label>
                            <label class="choice" for="review-excluded"><input type="radio" id="review-excluded" name="decision" value="excluded" checked=chosen == "excluded" />"认定不实或恶意，剔除出统计"</label>
                        </fieldset>
                        <Field form name="reason" label="复核理由" value=feedback.value(form, "reason") errors=feedback.errors_for(form, "reason") />
                        <button type="submit" class="button">"提交复核结论"</button>
                    </form>
                </section>
            }
        })}
        <section aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">"办理过程"</h2>
            <ol class="timeline">
                {x.events.into_iter().map(|e| view! {
                    <li><p class="timeline__when">{e.at.china_minute()}" · "{e.actor}</p><p>{e.text}</p></li>
                }).collect_view()}
            </ol>
        </section>
    }
}

/// A step with one text field (回访结果, 整改答复).
#[allow(clippy::too_many_arguments)]
fn step_form(
    feedback: FormFeedback,
    csrf: String,
    form: FormName,
    action: String,
    title: &'static str,
    name: &'static str,
    label: &'static str,
    submit: &'static str,
) -> impl IntoView {
    let heading = format!("{form}-heading");
    let labelled_by = heading.clone();
    view! {
        <section class="panel" aria-labelledby=labelled_by>
            <h2 id=heading>{title}</h2>
            <ErrorSummary feedback=feedback.clone() form />
            <form method="post" action=action class="form" novalidate>
                <CsrfField token=csrf />
                <Field form name label value=feedback.value(form, name) errors=feedback.errors_for(form, name) />
                <button type="submit" class="button">{submit}</button>
            </form>
        </section>
    }
}

//! 办件查询: anyone with the case number and the applicant's name sees where a case stands,
//! with the applicant masked. The receipt's QR code opens this page with the number filled in.

use crate::components::time::When;
use crate::forms::{ErrorSummary, FormName, use_feedback};
use crate::paths;
use domain::application::PublicProgress;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ProgressPage() -> impl IntoView {
    let query = use_query_map();
    let feedback = use_feedback();
    view! {
        <Title text="办件查询" />
        <h1>"办件查询"</h1>
        <p class="lead">"输入办件编号和申请人姓名（单位申请的填写单位全称），查看办理进度。"</p>
        <Suspense>
            {move || Suspend::new(async move {
                let feedback = feedback.await.unwrap_or_default();
                let from_link = query.with_untracked(|q| q.get("case_no")).unwrap_or_default();
                let case_no = match feedback.value(FormName::Progress, "case_no") {
                    typed if typed.is_empty() => from_link,
                    typed => typed,
                };
                let name = feedback.value(FormName::Progress, "applicant_name");
                let case_errors = feedback.errors_for(FormName::Progress, "case_no");
                let name_errors = feedback.errors_for(FormName::Progress, "applicant_name");
                view! {
                    <ErrorSummary feedback=feedback.clone() form=FormName::Progress />
                    {feedback.progress.clone().map(|progress| view! { <ProgressResult progress /> })}
                    <form method="post" action=paths::action::PROGRESS class="form" novalidate>
                        <div class="field" class:field--invalid=!case_errors.is_empty()>
                            <label for="case_no">"办件编号"</label>
                            {(!case_errors.is_empty()).then(|| view! { <p class="field__error" id="case_no-error">{case_errors.join("；")}</p> })}
                            <input id="case_no" name="case_no" type="text" value=case_no autocomplete="off"
                                aria-describedby=(!case_errors.is_empty()).then_some("case_no-error") />
                        </div>
                        <div class="field" class:field--invalid=!name_errors.is_empty()>
                            <label for="applicant_name">"申请人姓名或单位名称"</label>
                            {(!name_errors.is_empty()).then(|| view! { <p class="field__error" id="applicant_name-error">{name_errors.join("；")}</p> })}
                            <input id="applicant_name" name="applicant_name" type="text" value=name autocomplete="name"
                                aria-describedby=(!name_errors.is_empty()).then_some("applicant_name-error") />
                        </div>
                        <button type="submit" class="button">"查询"</button>
                    </form>
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProgressResult(progress: PublicProgress) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="progress-heading" role="status">
            <h2 id="progress-heading">{format!("{}：{}", progress.item_name, progress.state_label)}</h2>
            <dl class="facts">
                <dt>"办件编号"</dt><dd>{progress.case_no}</dd>
                <dt>"申请人"</dt><dd>{progress.applicant}</dd>
                <dt>"提交时间"</dt><dd>{progress.submitted_at.map(|at| view! { <When at/> })}</dd>
                {progress.latest.map(|event| view! { <dt>"最新进展"</dt><dd><When at=event.at/> " " {event.text}</dd> })}
                {progress.due_estimate.map(|estimate| view! {
                    <dt>"预计办结"</dt>
                    <dd>{format!("受理后 {} 个工作日内，预计 {} 前", estimate.working_days, estimate.due_date)}</dd>
                })}
            </dl>
        </section>
    }
}

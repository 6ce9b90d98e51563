//! The applicant's progress bar (提交 → 受理 → 审查 → 决定 → 出件): an ordered list that reads as
//! well aloud as it looks, each step saying where it stands.

use domain::application::{CaseState, PROGRESS_STEPS, StepStatus};
use leptos::prelude::*;

#[component]
pub fn CaseProgress(state: CaseState) -> impl IntoView {
    let steps = PROGRESS_STEPS.into_iter().zip(state.progress());
    view! {
        <ol class="case-progress" aria-label="办理环节">
            {steps.map(|(name, status)| {
                let class = match status {
                    StepStatus::Done => "case-progress__step case-progress__step--done",
                    StepStatus::Current => "case-progress__step case-progress__step--current",
                    StepStatus::Stopped => "case-progress__step case-progress__step--stopped",
                    StepStatus::Ahead => "case-progress__step",
                };
                view! {
                    <li class=class aria-current=(status == StepStatus::Current).then_some("step")>
                        {name}<span class="visually-hidden">{format!("（{}）", status.label())}</span>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

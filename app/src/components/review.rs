//! What the applicant's case page and the workbench both show of a case after acceptance: the
//! 特别程序 it went through (the clock stood still), its 容缺 commitments (handed in by the
//! applicant, confirmed by the clerk), and — when the promise is broken — that it is overdue and
//! who answers for it.

use crate::components::time::When;
use crate::forms::{CsrfField, ErrorSummary, FormFeedback, FormName};
use crate::paths;
use domain::case_clock::SuspensionView;
use domain::case_clock::{ClockReading, Urgency};
use domain::commitment::{CommitmentState, CommitmentStatus};
use leptos::prelude::*;

/// The case's 特别程序, oldest first.
#[component]
pub fn Suspensions(suspensions: Vec<SuspensionView>) -> impl IntoView {
    (!suspensions.is_empty()).then(|| {
        view! {
            <section class="panel" aria-labelledby="suspensions-heading">
                <h2 id="suspensions-heading">"特别程序"</h2>
                <p class="muted">"特别程序期间不计入办理时限。"</p>
                <ul class="plain-list">
                    {suspensions.into_iter().map(|s| {
                        let until = match s.ended_on {
                            Some(end) => format!("已于 {end} 结束"),
                            None => format!("预计 {} 结束", s.expected_end),
                        };
                        view! {
                            <li><strong>{s.kind_label}</strong>{format!("：{}（{} 起，{until}）", s.reason, s.started_on)}</li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// 逾期 (or 预警) in words, naming who is responsible: an overdue case is never silent.
#[component]
pub fn OverdueNotice(clock: Option<ClockReading>, responsible: Option<String>) -> impl IntoView {
    let clock = clock.filter(|clock| clock.urgency != Urgency::OnTime)?;
    let who = responsible
        .map(|r| format!("责任部门：{r}。"))
        .unwrap_or_default();
    Some(match clock.urgency {
        Urgency::Overdue => view! {
            <p class="notice notice--alert" role="alert">
                {format!("本办件已超过承诺办结时限 {} 个工作日（承诺 {} 前办结），已纳入电子监察督办。{who}", -clock.promised_left, clock.promised_due)}
            </p>
        }
        .into_any(),
        _ => view! {
            <p class="notice" role="status">
                {format!("本办件承诺 {} 前办结，剩余 {} 个工作日。{who}", clock.promised_due, clock.promised_left)}
            </p>
        }
        .into_any(),
    })
}

/// Where the 容缺 form posts from: the applicant's case page (hand in a file), or a clerk's
/// workbench (confirm).
#[derive(Clone)]
pub enum CommitmentDesk {
    /// The applicant, on their case page.
    HandIn {
        application_id: String,
        csrf: String,
        feedback: FormFeedback,
    },
    /// A clerk of the case, on the workbench.
    Confirm {
        case_no: String,
        csrf: String,
        feedback: FormFeedback,
    },
    /// Anyone else: read only.
    Read,
}

/// Each 容缺 material, its committed date and where it stands, with the form the reader may use.
#[component]
pub fn Commitments(commitments: Vec<CommitmentStatus>, desk: CommitmentDesk) -> impl IntoView {
    (!commitments.is_empty()).then(|| {
        let (form, feedback) = match &desk {
            CommitmentDesk::HandIn { feedback, .. } => (Some(FormName::Supplement), Some(feedback.clone())),
            CommitmentDesk::Confirm { feedback, .. } => (Some(FormName::ConfirmSupplement), Some(feedback.clone())),
            CommitmentDesk::Read => (None, None),
        };
        view! {
            <section class="panel" aria-labelledby="commitments-heading">
                <h2 id="commitments-heading">"容缺材料（承诺补交）"</h2>
                {form.zip(feedback).map(|(form, feedback)| view! { <ErrorSummary feedback form /> })}
                <ul class="plain-list">
                    {commitments.into_iter().map(|c| view! { <CommitmentLine commitment=c desk=desk.clone() /> }).collect_view()}
                </ul>
            </section>
        }
    })
}

#[component]
fn CommitmentLine(commitment: CommitmentStatus, desk: CommitmentDesk) -> impl IntoView {
    let status = format!(
        "承诺 {} 前补交 · {}",
        commitment.until, commitment.state_label
    );
    let open = matches!(
        commitment.state,
        CommitmentState::Pending | CommitmentState::Overdue
    );
    let code = commitment.material_code.clone();
    let form = match desk {
        CommitmentDesk::HandIn {
            application_id,
            csrf,
            feedback,
        } if commitment.state != CommitmentState::Confirmed => {
            let key = format!("supplement.{code}");
            let id = format!("supplement-{code}");
            let errors = feedback.errors_for(FormName::Supplement, &key);
            let invalid = !errors.is_empty();
            let error_id = format!("{id}-error");
            Some(view! {
                <form method="post" action=paths::action::SUPPLEMENT.at(&application_id) enctype="multipart/form-data" class="form">
                    <CsrfField token=csrf />
                    <input type="hidden" name="material_code" value=code.clone() />
                    <div class="field" class:field--invalid=invalid>
                        <label for=id.clone()>{format!("上传“{}”", commitment.material_name)}</label>
                        {invalid.then(|| view! { <p class="field__error" id=error_id.clone()>{errors.join("；")}</p> })}
                        <input type="file" id=id name="file" accept=".pdf,.jpg,.jpeg,.png,.ofd"
                            aria-invalid=invalid.then_some("true") aria-describedby=invalid.then_some(error_id) />
                    </div>
                    <button type="submit" class="button">{if open { "补交" } else { "重新上传" }}</button>
                </form>
            }.into_any())
        }
        CommitmentDesk::Confirm { case_no, csrf, .. }
            if commitment.state != CommitmentState::Confirmed =>
        {
            let handed_in = commitment.state == CommitmentState::HandedIn && !commitment.on_paper;
            let file = format!("/api/v1/staff/applications/{case_no}/materials/{code}");
            Some(view! {
                <form method="post" action=paths::action::CONFIRM_SUPPLEMENT.at(&case_no) class="actions">
                    <CsrfField token=csrf />
                    <input type="hidden" name="material_code" value=code.clone() />
                    {commitment.document_id.clone().map(|id| view! { <input type="hidden" name="document_id" value=id /> })}
                    {handed_in.then(|| view! {
                        <a href=file>{format!("查看补交的“{}”（留痕）", commitment.material_name)}</a>
                        <button type="submit" name="how" value="file" class="button">"确认收到"</button>
                    })}
                    <button type="submit" name="how" value="window" class="button button--secondary">"窗口收取原件并确认"</button>
                </form>
            }.into_any())
        }
        _ => None,
    };
    view! {
        <li>
            <strong>{commitment.material_name.clone()}</strong>
            <p class=if commitment.state == CommitmentState::Overdue { "field__error" } else { "muted" }>{status}</p>
            {commitment.handed_in_at.map(|at| view! { <p class="muted">"补交于 " <When at/></p> })}
            {form}
        </li>
    }
}

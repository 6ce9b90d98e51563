//! 后台分类审批 and 电子监察 on the workbench: the approver's steps on a case (开始审查, 特别程序
//! and its end, 一车勘验 with its 双随机 draw and result, the decision, 撤销), a 一件事's child
//! cases as the lead department follows them, the 催办 waiting on the desk, and the supervisor's
//! warning and overdue lists with 催办.

use crate::api::review::load_supervision;
use crate::components::layout::use_signed_in;
use crate::components::time::When;
use crate::forms::{CsrfField, ErrorSummary, Field, FormFeedback, FormName, use_feedback};
use crate::paths;
use domain::application::{ApplicationSummary, CaseAction};
use domain::case_clock::SuspensionKind;
use domain::case_clock::Urgency;
use domain::intake::StaffCaseView;
use domain::review::InspectionView;
use domain::supervision::SupervisionEntry;
use leptos::prelude::*;
use leptos::server_fn::error::ServerFnError;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// A labelled `<select>` or radio group needs its feedback value; one place for the id scheme.
fn field_id(form: FormName, name: &str) -> String {
    format!("{form}-{}", name.replace('.', "-"))
}

/// The approver's steps on one case, each offered only when the case's state allows it.
#[component]
pub fn ReviewDesk(view: StaffCaseView, feedback: FormFeedback, csrf: String) -> impl IntoView {
    let case_no = view.case.case_no.clone().unwrap_or_default();
    let may = |action: CaseAction| view.actions.contains(&action);
    let (start, suspend, resume) = (
        may(CaseAction::StartReview),
        may(CaseAction::Suspend),
        may(CaseAction::Resume),
    );
    let decide = may(CaseAction::Approve) || may(CaseAction::Deny);
    let revoke = may(CaseAction::Revoke);
    let package = view.case.package.is_some();
    // A joint inspection starts from a case under review, or from the package case the lead
    // department follows (where an approver's only own step is 撤销).
    let inspect = suspend
        || (package && revoke && view.case.state == domain::application::CaseState::InReview);
    let running_inspection = view
        .case
        .suspensions
        .iter()
        .any(|s| s.ended_on.is_none() && s.inspection_id.is_some());
    view! {
        {start.then(|| view! {
            <section aria-labelledby="start-review-heading" class="panel">
                <h2 id="start-review-heading">"开始审查"</h2>
                <ErrorSummary feedback=feedback.clone() form=FormName::StartReview />
                <form method="post" action=paths::action::START_REVIEW.at(&case_no) class="actions">
                    <CsrfField token=csrf.clone() />
                    <button type="submit" class="button">"开始审查"</button>
                </form>
            </section>
        })}
        {suspend.then(|| {
            let form = FormName::Suspend;
            let kind_id = field_id(form, "kind");
            let chosen = feedback.value(form, "kind");
            view! {
                <section aria-labelledby="suspend-heading" class="panel">
                    <h2 id="suspend-heading">"进入特别程序（暂停计时）"</h2>
                    <p class="muted">"仅限法定的现场勘验、专家评审、听证和审查中补正；期间不计入办理时限，申请人会收到通知。"</p>
                    <ErrorSummary feedback=feedback.clone() form />
                    <form method="post" action=paths::action::SUSPEND.at(&case_no) class="form" novalidate>
                        <CsrfField token=csrf.clone() />
                        <div class="field">
                            <label for=kind_id.clone()>"特别程序种类"</label>
                            <select id=kind_id name="kind">
                                {SuspensionKind::ALL.into_iter().map(|kind| view! {
                                    <option value=kind.as_str() selected=chosen == kind.as_str()>{kind.label()}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <Field form name="reason" label="原因"
                            value=feedback.value(form, "reason") errors=feedback.errors_for(form, "reason") />
                        <Field form name="expected_end" label="预计结束日期" kind="date"
                            value=feedback.value(form, "expected_end") errors=feedback.errors_for(form, "expected_end") />
                        <button type="submit" class="button button--secondary">"进入特别程序"</button>
                    </form>
                </section>
            }
        })}
        {(resume && !running_inspection).then(|| view! {
            <section aria-labelledby="resume-heading" class="panel">
                <h2 id="resume-heading">"结束特别程序"</h2>
                <ErrorSummary feedback=feedback.clone() form=FormName::Resume />
                <form method="post" action=paths::action::RESUME.at(&case_no) class="actions">
                    <CsrfField token=csrf.clone() />
                    <button type="submit" class="button">"结束特别程序，恢复计时"</button>
                </form>
            </section>
        })}
        {inspect.then(|| {
            let form = FormName::Inspection;
            let per_department = match feedback.value(form, "inspectors_per_department") {
                empty if empty.is_empty() => "2".to_owned(),
                given => given,
            };
            view! {
                <section aria-labelledby="inspection-heading" class="panel">
                    <h2 id="inspection-heading">"安排联合勘验（一车勘验）"</h2>
                    <p class="muted">{if package {
                        "为本“一件事”所有审查中的事项安排一次联合现场勘验；各部门检查人员从其名录库中随机抽取（双随机），抽取种子和名录留存备查。"
                    } else {
                        "安排一次现场勘验；检查人员从本部门名录库中随机抽取（双随机），抽取种子和名录留存备查。"
                    }}</p>
                    <ErrorSummary feedback=feedback.clone() form />
                    <form method="post" action=paths::action::INSPECTION.at(&case_no) class="form" novalidate>
                        <CsrfField token=csrf.clone() />
                        <Field form name="scheduled_on" label="勘验日期" kind="date"
                            value=feedback.value(form, "scheduled_on") errors=feedback.errors_for(form, "scheduled_on") />
                        <Field form name="expected_end" label="预计结束日期" kind="date"
                            value=feedback.value(form, "expected_end") errors=feedback.errors_for(form, "expected_end") />
                        <Field form name="place" label="勘验地点"
                            value=feedback.value(form, "place") errors=feedback.errors_for(form, "place") />
                        <Field form name="inspectors_per_department" label="每个部门抽取人数" kind="number"
                            value=per_department errors=feedback.errors_for(form, "inspectors_per_department") />
                        <button type="submit" class="button button--secondary">"抽取人员并安排勘验"</button>
                    </form>
                </section>
            }
        })}
        <Inspections inspections=view.inspections.clone() case_no=case_no.clone() csrf=csrf.clone() feedback=feedback.clone() />
        {decide.then(|| {
            let form = FormName::Decide;
            let chosen = feedback.value(form, "outcome");
            view! {
                <section aria-labelledby="decide-heading" class="panel">
                    <h2 id="decide-heading">"作出决定"</h2>
                    <ErrorSummary feedback=feedback.clone() form />
                    <form method="post" action=paths::action::DECIDE.at(&case_no) class="form" novalidate>
                        <CsrfField token=csrf.clone() />
                        <fieldset>
                            <legend>"决定"</legend>
                            <label class="choice" for="decide-outcome-approve">
                                <input type="radio" id="decide-outcome-approve" name="outcome" value="approve" checked=chosen != "deny" />
                                "准予许可"
                            </label>
                            <label class="choice" for="decide-outcome-deny">
                                <input type="radio" id="decide-outcome-deny" name="outcome" value="deny" checked=chosen == "deny" />
                                "不予许可（出具不予行政许可决定书）"
                            </label>
                        </fieldset>
                        <Field form name="reasons" label="理由"
                            value=feedback.value(form, "reasons") errors=feedback.errors_for(form, "reasons") />
                        <Field form name="legal_basis" label="法律依据" hint="如：《中华人民共和国行政许可法》第三十八条"
                            value=feedback.value(form, "legal_basis") errors=feedback.errors_for(form, "legal_basis") />
                        <button type="submit" class="button">"作出决定"</button>
                    </form>
                </section>
            }
        })}
        {revoke.then(|| {
            let form = FormName::Revoke;
            view! {
                <section aria-labelledby="revoke-heading" class="panel">
                    <h2 id="revoke-heading">"撤销办件"</h2>
                    <p class="muted">"告知承诺内容不实，或承诺未兑现的，撤销办件并出具撤销决定书。"</p>
                    <ErrorSummary feedback=feedback.clone() form />
                    <form method="post" action=paths::action::REVOKE.at(&case_no) class="form" novalidate>
                        <CsrfField token=csrf.clone() />
                        <Field form name="reason" label="撤销理由"
                            value=feedback.value(form, "reason") errors=feedback.errors_for(form, "reason") />
                        <button type="submit" class="button button--secondary">"撤销"</button>
                    </form>
                </section>
            }
        })}
    }
}

/// The joint inspections covering a case: the draw (seed, pools, who was drawn) and, until it is
/// recorded, the result form.
#[component]
fn Inspections(
    inspections: Vec<InspectionView>,
    case_no: String,
    csrf: String,
    feedback: FormFeedback,
) -> impl IntoView {
    (!inspections.is_empty()).then(|| {
        let form = FormName::InspectionResult;
        view! {
            <section aria-labelledby="inspections-heading" class="panel">
                <h2 id="inspections-heading">"联合勘验"</h2>
                <ErrorSummary feedback=feedback.clone() form />
                {inspections.into_iter().map(|inspection| {
                    let reproduced = if inspection.reproduced { "按种子复算结果一致" } else { "按种子复算结果不一致，请核查" };
                    view! {
                        <article class="inspection">
                            <h3>{format!("{} · {}", inspection.scheduled_on, inspection.place)}</h3>
                            <p class="muted">{format!("涉及办件 {} 件；抽取种子 {}，{reproduced}", inspection.cases.len(), inspection.draw.seed)}</p>
                            <ul class="plain-list">
                                {inspection.draw.departments.iter().map(|d| view! {
                                    <li>{format!("{}：抽中 {}（名录 {} 人：{}）",
                                        d.department_name,
                                        d.drawn.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join("、"),
                                        d.pool.len(),
                                        d.pool.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join("、"))}</li>
                                }).collect_view()}
                            </ul>
                            {match inspection.result.clone() {
                                Some(result) => view! {
                                    <p>{format!("勘验结果：{result}")} {inspection.recorded_at.map(|at| view! { <span class="muted">"（" <When at/> "）"</span> })}</p>
                                }.into_any(),
                                None => view! {
                                    <form method="post" action=paths::action::INSPECTION_RESULT.at(&case_no) class="form" novalidate>
                                        <CsrfField token=csrf.clone() />
                                        <input type="hidden" name="inspection_id" value=inspection.id.clone() />
                                        <Field form name="result" label="勘验结果"
                                            value=feedback.value(form, "result") errors=feedback.errors_for(form, "result") />
                                        <button type="submit" class="button">"登记结果，结束特别程序"</button>
                                    </form>
                                }.into_any(),
                            }}
                        </article>
                    }
                }).collect_view()}
            </section>
        }
    })
}

/// A 一件事's child cases as the lead department follows them: each department, state and clock.
#[component]
pub fn PackageChildren(
    children: Vec<ApplicationSummary>,
    outcome: Option<String>,
) -> impl IntoView {
    (!children.is_empty()).then(|| view! {
        <section class="panel" aria-labelledby="package-children-heading">
            <h2 id="package-children-heading">"各事项并联审批"</h2>
            {outcome.map(|label| view! { <p><strong>{format!("办理结果：{label}")}</strong></p> })}
            <table class="table">
                <caption class="visually-hidden">"各事项办件"</caption>
                <thead><tr>
                    <th scope="col">"事项"</th><th scope="col">"承办部门"</th><th scope="col">"状态"</th><th scope="col">"时限"</th>
                </tr></thead>
                <tbody>
                    {children.into_iter().map(|child| {
                        let case_no = child.case_no.clone().unwrap_or_default();
                        view! {
                            <tr>
                                <td data-label="事项">
                                    <a href=paths::STAFF_CASE.at(&case_no)>{child.item_name}</a>
                                    <br /><span class="muted">{case_no.clone()}</span>
                                </td>
                                <td data-label="承办部门">{child.department.unwrap_or_default()}</td>
                                <td data-label="状态">{child.state_label}</td>
                                <td data-label="时限">{child.clock.map(|c| c.text()).unwrap_or_else(|| "—".into())}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    })
}

/// The 催办 waiting on the caller's desk, most urgent first (the page loads them: see
/// `intake::asked_queue` for why resources are created outside `<Suspense>`).
#[component]
pub fn RemindersPanel(
    reminders: Resource<Result<Vec<domain::intake::QueueEntry>, ServerFnError>>,
) -> impl IntoView {
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let reminded = reminders.await.unwrap_or_default();
                (!reminded.is_empty()).then(|| view! {
                    <section aria-labelledby="reminders-heading" class="panel panel--alert">
                        <h2 id="reminders-heading">{format!("督办提醒（{} 件）", reminded.len())}</h2>
                        <ul class="plain-list">
                            {reminded.into_iter().map(|entry| view! {
                                <li>
                                    <a href=paths::STAFF_CASE.at(&entry.case_no)>{entry.item_name}</a>
                                    {format!(" {} · {}", entry.case_no, entry.clock.map(|c| c.text()).unwrap_or_default())}
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                })
            })}
        </Suspense>
    }
}

/// 电子监察: every case in warning or overdue, with who is responsible, and 催办.
#[component]
pub fn SupervisionPage() -> impl IntoView {
    let query = use_query_map();
    let urgency = move || {
        query.with(|q| match q.get("urgency").as_deref() {
            Some("overdue") => Some(Urgency::Overdue),
            Some("warning") => Some(Urgency::Warning),
            _ => None,
        })
    };
    let page = move || {
        query
            .with(|q| q.get("page"))
            .and_then(|p| p.parse::<u32>().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1)
    };
    let list = Resource::new_blocking(move || (urgency(), page()), |(u, p)| load_supervision(u, p));
    let feedback = use_feedback();
    let signed_in = use_signed_in();
    view! {
        <Title text="电子监察" />
        <h1>"电子监察"</h1>
        <nav class="tabs" aria-label="监察范围">
            {[(None, "预警和逾期"), (Some(Urgency::Overdue), "逾期"), (Some(Urgency::Warning), "预警")].into_iter().map(|(which, label)| {
                let href = match which {
                    Some(u) => format!("{}?urgency={}", paths::STAFF_SUPERVISION, if u == Urgency::Overdue { "overdue" } else { "warning" }),
                    None => paths::STAFF_SUPERVISION.to_owned(),
                };
                view! { <a href=href aria-current=move || (urgency() == which).then_some("page")>{label}</a> }
            }).collect_view()}
        </nav>
        <Suspense>
            {move || Suspend::new(async move {
                let feedback = feedback.await.unwrap_or_default();
                let csrf = signed_in.await.ok().flatten().map(|s| s.csrf_token).unwrap_or_default();
                match list.await {
                    Ok(Some(page)) => view! {
                        <ErrorSummary feedback=feedback.clone() form=FormName::Remind />
                        {page.items.is_empty().then(|| view! { <p>"目前没有预警或逾期的办件。"</p> })}
                        {(!page.items.is_empty()).then(|| view! { <p class="muted">{format!("共 {} 件，最紧急的在前", page.total)}</p> })}
                        <ul class="plain-list supervision">
                            {page.items.into_iter().map(|entry| view! { <SupervisionLine entry csrf=csrf.clone() /> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Ok(None) => view! { <p class="notice">"电子监察仅供督查考核人员使用。请以督查考核人员身份" <a href=paths::STAFF_LOGIN>"登录"</a> "。"</p> }.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{crate::api::failure_message(&error)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SupervisionLine(entry: SupervisionEntry, csrf: String) -> impl IntoView {
    let case = entry.case;
    let limit = case.clock.as_ref().map(|c| c.text()).unwrap_or_default();
    let id = format!("remind-{}", case.case_no);
    view! {
        <li class="panel">
            <h2 class="supervision__title">{format!("【{}】{}", case.urgency.label(), case.item_name)}</h2>
            <dl class="facts">
                <dt>"办件编号"</dt><dd>{case.case_no.clone()}</dd>
                <dt>"申请人"</dt><dd>{case.applicant.clone()}</dd>
                <dt>"状态"</dt><dd>{case.state_label.clone()}</dd>
                <dt>"时限"</dt><dd>{limit}</dd>
                <dt>"责任单位"</dt><dd>{entry.responsible.clone()}</dd>
                <dt>"最近催办"</dt><dd>{match entry.reminded_at {
                    Some(at) => view! { <When at/> }.into_any(),
                    None => view! { "尚未催办" }.into_any(),
                }}</dd>
            </dl>
            <form method="post" action=paths::action::REMIND.at(&case.case_no) class="form" novalidate>
                <CsrfField token=csrf />
                <div class="field">
                    <label for=id.clone()>{format!("催办要求（{}）", case.case_no)}</label>
                    <input type="text" id=id name="message" />
                </div>
                <button type="submit" class="button">"催办"</button>
            </form>
        </li>
    }
}

//! 窗口收件 on the workbench: the clerk names the item and the applicant — a registered person by
//! ID number, a business by credit code, or someone without an account by ID number, name and a
//! contact phone — then fills the same application form for them, scans the materials and
//! submits; the case then waits on the workbench for 受理 like any other.

use super::apply::{DraftForm, Filer};
use crate::api::account::load_submit_key;
use crate::api::window::{load_window_application, load_window_items};
use crate::components::layout::use_signed_in;
use crate::forms::{CsrfField, ErrorSummary, Field, FormName, STARTED_DRAFT, use_feedback};
use crate::paths;
use domain::account::{PrincipalView, StaffRole};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn WindowStartPage() -> impl IntoView {
    let items = Resource::new_blocking(|| (), |_| load_window_items());
    let feedback = use_feedback();
    let signed_in = use_signed_in();
    view! {
        <Title text="窗口收件" />
        <h1>"窗口收件"</h1>
        <p>"为到大厅办事的群众和企业登记申请。任何事项都可在本大厅收件（全域办），办件由本大厅受理后转相关部门办理。"</p>
        <Suspense>
            {move || Suspend::new(async move {
                let feedback = feedback.await.unwrap_or_default();
                let signed_in = signed_in.await.ok().flatten();
                let clerk = matches!(
                    signed_in.as_ref().map(|s| &s.principal),
                    Some(PrincipalView::Staff { role: StaffRole::Clerk, .. })
                );
                if !clerk {
                    return view! {
                        <p class="notice" role="status">"只有服务大厅的综合窗口人员可以窗口收件。请以窗口人员账号登录。"</p>
                    }
                    .into_any();
                }
                let csrf = signed_in.map(|s| s.csrf_token).unwrap_or_default();
                let items = items.await.unwrap_or_default();
                let form = FormName::WindowStart;
                let chosen = feedback.value(form, "item_code");
                let item_errors = feedback.errors_for(form, "item_code");
                let invalid = !item_errors.is_empty();
                let started = feedback
                    .values
                    .get(STARTED_DRAFT)
                    .filter(|_| feedback.success && feedback.form == Some(form))
                    .cloned();
                view! {
                    // The confirmation (with the activation code) is the summary's; the way on is here.
                    <ErrorSummary feedback=feedback.clone() form />
                    {started.map(|draft| view! {
                        <p><a class="button" href=paths::STAFF_WINDOW_DRAFT.at(&draft)>"继续填写申请表"</a></p>
                    })}
                    <form method="post" action=paths::action::STAFF_WINDOW class="form" novalidate>
                        <CsrfField token=csrf />
                        <div class="field" class:field--invalid=invalid>
                            <label for="window_start-item_code">"办理事项"</label>
                            {invalid.then(|| view! {
                                <p class="field__error" id="window_start-item_code-error">{item_errors.join("；")}</p>
                            })}
                            <select id="window_start-item_code" name="item_code"
                                aria-invalid=invalid.then_some("true")
                                aria-describedby=invalid.then_some("window_start-item_code-error")>
                                <option value="">"请选择事项"</option>
                                {items.into_iter().map(|item| {
                                    let selected = item.code == chosen;
                                    view! {
                                        <option value=item.code.clone() selected=selected>
                                            {format!("{}（{}）", item.name, item.department_name)}
                                        </option>
                                    }
                                }).collect_view()}
                            </select>
                        </div>
                        <fieldset>
                            <legend>"申请人"</legend>
                            <Field form name="id_number" label="公民身份号码" required=false
                                hint="个人事项填写；请核对身份证原件"
                                value=feedback.value(form, "id_number") errors=feedback.errors_for(form, "id_number") />
                            <Field form name="credit_code" label="统一社会信用代码" required=false
                                hint="法人事项填写，由单位的管理经办人名义申请"
                                value=feedback.value(form, "credit_code") errors=feedback.errors_for(form, "credit_code") />
                        </fieldset>
                        <fieldset>
                            <legend>"没有账号的群众（线下登记）"</legend>
                            <p class="muted">"申请人没有注册账号的（如老年人），填写身份证上的姓名和联系电话，系统将建立线下档案；本人日后用同一身份号码、姓名和电话注册后，可在网上查看办件。"</p>
                            <Field form name="name" label="姓名" required=false
                                value=feedback.value(form, "name") errors=feedback.errors_for(form, "name") />
                            <Field form name="contact_phone" label="联系电话" kind="tel" required=false
                                value=feedback.value(form, "contact_phone") errors=feedback.errors_for(form, "contact_phone") />
                        </fieldset>
                        <button type="submit" class="button">"开始收件"</button>
                    </form>
                }
                .into_any()
            })}
        </Suspense>
        <p><a href=paths::STAFF>"返回工作台"</a></p>
    }
}

/// A window draft: the applicant's own form, filled in by the clerk.
#[component]
pub fn WindowDraftPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let draft = Resource::new_blocking(id, load_window_application);
    let submit_key = Resource::new_blocking(|| (), |_| load_submit_key());
    let feedback = use_feedback();
    let signed_in = use_signed_in();
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let feedback = feedback.await.unwrap_or_default();
                let csrf = signed_in.await.ok().flatten().map(|s| s.csrf_token).unwrap_or_default();
                let submit_key = submit_key.await.unwrap_or_default();
                match draft.await {
                    Ok(Some(view)) => view! {
                        <DraftForm view feedback csrf submit_key vault=Vec::new() filer=Filer::WindowClerk />
                    }.into_any(),
                    Ok(None) => view! {
                        <Title text="窗口收件" />
                        <h1>"没有找到该窗口草稿"</h1>
                        <p>"草稿不存在、不是本大厅的收件，或已经提交。已提交的办件请在工作台的队列中查看。"</p>
                        <p><a href=paths::STAFF>"返回工作台"</a></p>
                    }.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{crate::api::failure_message(&error)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

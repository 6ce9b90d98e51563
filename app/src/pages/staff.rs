//! Staff pages: 工作人员登录 (password and authenticator code), first-login enrolment of the
//! authenticator, and the desk: citizen lookup with a stated purpose, staff accounts for admins.

use crate::api::account::{FirstLogin, StaffDesk, load_enrolment, load_staff_desk};
use crate::api::appointments::load_queue_desk;
use crate::api::intake::{ShownQueue, load_queue};
use crate::api::review::load_reminders;
use crate::components::layout::use_signed_in;
use crate::forms::{
    CsrfField, ErrorSummary, Field, FormFeedback, FormName, LiveCheck, use_feedback,
};
use crate::paths;
use domain::account::{PrincipalView, StaffRole, StaffScope};
use domain::intake::QueueEntry;
use domain::queue::QueueDesk;
use leptos::prelude::*;
use leptos::server_fn::error::ServerFnError;
use leptos_meta::Title;

#[component]
pub fn StaffLoginPage() -> impl IntoView {
    let feedback = use_feedback();
    view! {
        <Title text="工作人员登录" />
        <div class="narrow">
            <h1>"工作人员登录"</h1>
            <Suspense>
                {move || Suspend::new(async move {
                    let feedback = feedback.await.unwrap_or_default();
                    let form = FormName::StaffLogin;
                    view! {
                        <ErrorSummary feedback=feedback.clone() form />
                        <form method="post" action=paths::action::STAFF_LOGIN class="form" novalidate>
                            <Field form name="account" label="用户名" autocomplete="username"
                                value=feedback.value(form, "account") errors=feedback.errors_for(form, "account") />
                            <Field form name="password" label="密码" kind="password" autocomplete="current-password"
                                errors=feedback.errors_for(form, "password") />
                            <Field form name="totp" label="动态口令" autocomplete="one-time-code" required=false
                                hint="身份验证器显示的6位数字；首次登录尚未绑定时可不填"
                                errors=feedback.errors_for(form, "totp") />
                            <button type="submit" class="button">"登录"</button>
                        </form>
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
pub fn StaffEnrolPage() -> impl IntoView {
    let enrolment = Resource::new_blocking(|| (), |_| load_enrolment());
    let feedback = use_feedback();
    let signed_in = use_signed_in();
    view! {
        <Title text="首次登录" />
        <div class="narrow">
            <h1>"首次登录：修改初始密码，绑定动态口令"</h1>
            <Suspense>
                {move || Suspend::new(async move {
                    let feedback = feedback.await.unwrap_or_default();
                    let csrf = signed_in.await.ok().flatten().map(|s| s.csrf_token).unwrap_or_default();
                    match enrolment.await {
                        Ok(Some(FirstLogin::ChangePassword)) => view! {
                            <p>"首次登录须先将管理员设置的初始密码改为只有您知道的密码，然后绑定动态口令。"</p>
                            <ErrorSummary feedback=feedback.clone() form=FormName::InitialPassword />
                            <form method="post" action=paths::action::STAFF_INITIAL_PASSWORD class="form" novalidate>
                                <CsrfField token=csrf />
                                <Field form=FormName::InitialPassword name="current_password" label="初始密码" kind="password"
                                    autocomplete="current-password" errors=feedback.errors_for(FormName::InitialPassword, "current_password") />
                                <Field form=FormName::InitialPassword name="new_password" label="新密码" kind="password"
                                    autocomplete="new-password" hint="至少12位，须包含大写字母、小写字母、数字和符号中的三类"
                                    errors=feedback.errors_for(FormName::InitialPassword, "new_password") />
                                <button type="submit" class="button">"修改密码"</button>
                            </form>
                        }.into_any(),
                        Ok(Some(FirstLogin::Enrol(enrolment))) => view! {
                            <p>"工作人员登录须使用动态口令（双因素认证）。请用手机的身份验证器应用扫描二维码，或手动输入密钥："</p>
                            <img class="qr" src=paths::TOTP_QR width="200" height="200" alt="动态口令绑定二维码（内容与下方链接相同）" />
                            <dl class="facts">
                                <dt>"密钥"</dt><dd><code class="secret">{enrolment.secret.clone()}</code></dd>
                                <dt>"链接"</dt><dd><code class="secret">{enrolment.uri.clone()}</code></dd>
                            </dl>
                            <p>"添加后，输入应用显示的6位数字完成绑定。"</p>
                            <ErrorSummary feedback=feedback.clone() form=FormName::Totp />
                            <form method="post" action=paths::action::STAFF_TOTP class="form" novalidate>
                                <CsrfField token=csrf />
                                <Field form=FormName::Totp name="code" label="动态口令" autocomplete="one-time-code"
                                    errors=feedback.errors_for(FormName::Totp, "code") />
                                <button type="submit" class="button">"完成绑定"</button>
                            </form>
                        }.into_any(),
                        Ok(None) => view! {
                            <p class="notice">"无需绑定：请先" <a href=paths::STAFF_LOGIN>"登录"</a> "，或动态口令已经绑定。"</p>
                        }.into_any(),
                        Err(error) => view! { <p class="notice" role="alert">{crate::api::failure_message(&error)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
pub fn StaffDeskPage() -> impl IntoView {
    let desk = Resource::new_blocking(|| (), |_| load_staff_desk());
    // Every resource of the desk is created here, outside the `<Suspense>` (see `asked_queue`).
    let asked = super::intake::asked_queue();
    let queue = Resource::new_blocking(asked, |(queue, page)| load_queue(queue, page));
    let reminders = Resource::new_blocking(|| (), |_| load_reminders());
    let calling = Resource::new_blocking(|| (), |_| load_queue_desk());
    let feedback = use_feedback();
    let signed_in = use_signed_in();
    view! {
        <Title text="工作台" />
        <h1>"工作台"</h1>
        <Suspense>
            {move || Suspend::new(async move {
                let feedback = feedback.await.unwrap_or_default();
                let signed_in = signed_in.await.ok().flatten();
                match (desk.await, signed_in) {
                    (Ok(Some(desk)), Some(signed_in)) => {
                        view! { <Desk desk principal=signed_in.principal csrf=signed_in.csrf_token feedback queue reminders calling /> }.into_any()
                    }
                    (Err(error), _) => view! { <p class="notice" role="alert">{crate::api::failure_message(&error)}</p> }.into_any(),
                    _ => view! {
                        <p class="notice">"请先以工作人员身份登录。"</p>
                        <p><a class="button" href=paths::STAFF_LOGIN>"工作人员登录"</a></p>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A scope in words: the hall's and the department's names, never their codes.
fn scope_text(scope: &StaffScope, names: &std::collections::BTreeMap<String, String>) -> String {
    let name = |code: &String| names.get(code).cloned().unwrap_or_else(|| code.clone());
    match scope {
        StaffScope::Zone { hall_id, zone } => format!("{} · {}", name(hall_id), zone.label()),
        StaffScope::Department { department } => name(department),
        StaffScope::Platform => "全平台".into(),
    }
}

#[component]
fn Desk(
    desk: StaffDesk,
    principal: PrincipalView,
    csrf: String,
    feedback: FormFeedback,
    queue: Resource<Result<Option<ShownQueue>, ServerFnError>>,
    reminders: Resource<Result<Vec<QueueEntry>, ServerFnError>>,
    calling: Resource<Result<Option<QueueDesk>, ServerFnError>>,
) -> impl IntoView {
    let PrincipalView::Staff {
        name_masked,
        role,
        role_label,
        scope,
        ..
    } = principal
    else {
        return view! { <p class="notice">"此页面仅供工作人员使用。"</p> }.into_any();
    };
    let lookup_form = FormName::Lookup;
    let create_form = FormName::CreateStaff;
    let may_look_up = role != StaffRole::Admin;
    let unit_names = desk.unit_names.clone();
    view! {
        <p>{format!("{name_masked}，{role_label}（{}）", scope_text(&scope, &desk.unit_names))}</p>
        {(role == StaffRole::Clerk).then(|| view! { <super::queue::CallingPanel desk=calling csrf=csrf.clone() feedback=feedback.clone() /> })}
        {matches!(role, StaffRole::Clerk | StaffRole::Approver).then(|| view! { <super::review::RemindersPanel reminders /> })}
        {(role == StaffRole::Supervisor).then(|| view! {
            <p><a class="button" href=paths::STAFF_SUPERVISION>"电子监察：预警和逾期办件"</a></p>
        })}
        {(role != StaffRole::Admin).then(|| view! { <super::intake::QueuePanel cases=queue /> })}
        {may_look_up.then(|| view! {
            <section aria-labelledby="lookup-heading" class="panel">
                <h2 id="lookup-heading">"查询申请人"</h2>
                <p class="muted">"每次查询都会记录事由，申请人可在“谁查看了我的信息”中看到。"</p>
                <ErrorSummary feedback=feedback.clone() form=lookup_form />
                <form method="post" action=paths::action::LOOKUP class="form" novalidate>
                    <CsrfField token=csrf.clone() />
                    <Field form=lookup_form name="id_number" label="申请人公民身份号码"
                        value=feedback.value(lookup_form, "id_number") errors=feedback.errors_for(lookup_form, "id_number")
                        live_check=LiveCheck::IdNumber />
                    <Field form=lookup_form name="purpose" label="查询事由"
                        value=feedback.value(lookup_form, "purpose") errors=feedback.errors_for(lookup_form, "purpose") />
                    <button type="submit" class="button">"查询"</button>
                </form>
                {feedback.lookup.clone().map(|record| view! {
                    <dl class="facts" aria-label="查询结果">
                        <dt>"姓名"</dt><dd>{record.name}</dd>
                        <dt>"公民身份号码"</dt><dd>{record.id_number_masked}</dd>
                        <dt>"手机号码"</dt><dd>{record.phone_masked}</dd>
                        <dt>"通讯地址"</dt><dd>{record.address}</dd>
                    </dl>
                })}
            </section>
        })}
        {desk.staff.map(move |staff| view! {
            <section aria-labelledby="staff-heading" class="panel">
                <h2 id="staff-heading">"工作人员账号"</h2>
                <table class="table">
                    <caption class="visually-hidden">"全部工作人员账号"</caption>
                    <thead><tr><th scope="col">"用户名"</th><th scope="col">"姓名"</th><th scope="col">"角色"</th><th scope="col">"范围"</th><th scope="col">"动态口令"</th></tr></thead>
                    <tbody>
                        {staff.into_iter().map(|member| view! {
                            <tr>
                                <td data-label="用户名">{member.username}</td>
                                <td data-label="姓名">{member.name_masked}</td>
                                <td data-label="角色">{member.role_label}</td>
                                <td data-label="范围">{scope_text(&member.scope, &unit_names)}</td>
                                <td data-label="动态口令">{if member.totp_enrolled { "已绑定" } else { "未绑定" }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                {(role == StaffRole::Admin).then(|| view! {
                    <h3>"新建账号"</h3>
                    <ErrorSummary feedback=feedback.clone() form=create_form />
                    <form method="post" action=paths::action::CREATE_STAFF class="form" novalidate>
                        <CsrfField token=csrf.clone() />
                        <Field form=create_form name="username" label="用户名"
                            value=feedback.value(create_form, "username") errors=feedback.errors_for(create_form, "username") />
                        <Field form=create_form name="name" label="姓名"
                            value=feedback.value(create_form, "name") errors=feedback.errors_for(create_form, "name") />
                        <div class="field">
                            <label for="create_staff-role">"角色"</label>
                            <select id="create_staff-role" name="role">
                                {StaffRole::ALL.into_iter().map(|role| view! {
                                    <option value=role.as_str()>{role.label()}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <Field form=create_form name="hall_id" label="大厅编号（窗口、出件人员）" required=false
                            value=feedback.value(create_form, "hall_id") errors=feedback.errors_for(create_form, "hall_id") />
                        <Field form=create_form name="zone" label="分区（economic、construction、social、real_estate）" required=false
                            value=feedback.value(create_form, "zone") errors=feedback.errors_for(create_form, "zone") />
                        <Field form=create_form name="department" label="部门代码（审批人员）" required=false
                            value=feedback.value(create_form, "department") errors=feedback.errors_for(create_form, "department") />
                        <Field form=create_form name="password" label="初始密码" kind="password" autocomplete="new-password"
                            hint="至少12位，包含大写字母、小写字母、数字、符号中的至少三类"
                            errors=feedback.errors_for(create_form, "password") />
                        <button type="submit" class="button">"创建"</button>
                    </form>
                })}
            </section>
        })}
    }.into_any()
}

//! 我的: 一人一档 (with the audited reveal of the full ID number), the businesses the citizen acts
//! for and their 一企一档, security (password, sessions) and 谁查看了我的信息.

use crate::api::account::{MyAccount, load_my_account};
use crate::components::layout::use_signed_in;
use crate::components::time::When;
use crate::forms::{
    CsrfField, ErrorSummary, Field, FormFeedback, FormName, LiveCheck, use_feedback,
};
use crate::paths;
use domain::account::BusinessAccount;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MePage() -> impl IntoView {
    let account = Resource::new_blocking(|| (), |_| load_my_account());
    let feedback = use_feedback();
    let signed_in = use_signed_in();
    let query = leptos_router::hooks::use_query_map();
    let registered = move || query.with(|q| q.get("registered").is_some());
    view! {
        <Title text="我的" />
        <h1>"我的"</h1>
        {move || registered().then(|| view! {
            <p class="notice notice--success" role="status">"注册成功，已为您登录。"</p>
        })}
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let feedback = feedback.await.unwrap_or_default();
                let csrf = signed_in.await.ok().flatten().map(|s| s.csrf_token).unwrap_or_default();
                match account.await {
                    Ok(Some(account)) => view! { <MyAccountView account feedback csrf /> }.into_any(),
                    Ok(None) => view! {
                        <p class="notice">"请先登录后查看个人档案。"</p>
                        <p><a class="button" href=paths::login_then(paths::ME)>"登录"</a></p>
                    }.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{crate::api::failure_message(&error)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The forms of 我的, each answered on this page.
const ME_FORMS: [FormName; 8] = [
    FormName::Profile,
    FormName::Password,
    FormName::Reveal,
    FormName::Sessions,
    FormName::ActingFor,
    FormName::BusinessProfile,
    FormName::GrantAgent,
    FormName::RevokeAgent,
];

#[component]
fn MyAccountView(account: MyAccount, feedback: FormFeedback, csrf: String) -> impl IntoView {
    let MyAccount {
        account,
        sessions,
        access_log,
        business,
    } = account;
    // Whichever of this page's forms was sent, its outcome shows at the top.
    let summary = feedback
        .form
        .filter(|form| ME_FORMS.contains(form))
        .map(|form| view! { <ErrorSummary feedback=feedback.clone() form /> });
    let id_shown = feedback
        .revealed_id_number
        .clone()
        .unwrap_or_else(|| account.id_number_masked.clone());
    let revealed = feedback.revealed_id_number.is_some();
    let profile_form = FormName::Profile;
    let value = |field: &str, stored: &str| {
        if feedback.is_for(profile_form) && !feedback.success {
            feedback.value(profile_form, field)
        } else {
            stored.to_owned()
        }
    };
    view! {
        {summary}
        <p class="actions">
            <a class="button button--secondary" href=paths::APPLICATIONS>"我的办件"</a>
            <a class="button button--secondary" href=paths::APPOINTMENTS>"我的预约"</a>
            <a class="button button--secondary" href=paths::MY_RATINGS>"我的评价"</a>
        </p>
        <section aria-labelledby="profile-heading" class="panel">
            <h2 id="profile-heading">"个人档案（一人一档）"</h2>
            <dl class="facts">
                <dt>"姓名"</dt><dd>{account.name.clone()}</dd>
                <dt>"公民身份号码"</dt>
                <dd>
                    <span class="id-number">{id_shown}</span>
                    {(!revealed).then(|| view! {
                        <form method="post" action=paths::action::REVEAL class="inline-form">
                            <CsrfField token=csrf.clone() />
                            <button type="submit" class="button button--link">"显示完整号码"</button>
                        </form>
                    })}
                    {revealed.then(|| view! { <p class="muted">"本次查看已记录在下方“谁查看了我的信息”中。"</p> })}
                </dd>
                <dt>"手机号码"</dt><dd>{account.phone_masked.clone()}</dd>
                <dt>"注册时间"</dt><dd><When at=account.registered_at/></dd>
            </dl>
            <form method="post" action=paths::action::PROFILE class="form" novalidate>
                <CsrfField token=csrf.clone() />
                <Field form=profile_form name="address" label="通讯地址" autocomplete="street-address" required=false
                    value=value("address", &account.profile.address) errors=feedback.errors_for(profile_form, "address") />
                <Field form=profile_form name="postal_code" label="邮政编码" autocomplete="postal-code" required=false
                    value=value("postal_code", &account.profile.postal_code) errors=feedback.errors_for(profile_form, "postal_code") />
                <Field form=profile_form name="email" label="电子邮箱" kind="email" autocomplete="email" required=false
                    value=value("email", &account.profile.email) errors=feedback.errors_for(profile_form, "email") />
                <p class="muted">"保存后，办理事项时将自动填入这些信息。"</p>
                <button type="submit" class="button">"保存档案"</button>
            </form>
        </section>

        <section aria-labelledby="agency-heading" class="panel">
            <h2 id="agency-heading">"我代办的单位"</h2>
            {match &account.acting_for {
                Some(acting) => view! {
                    <p>"当前以 " <strong>{acting.org_name.clone()}</strong> " 经办人身份办事。"</p>
                    <form method="post" action=paths::action::ACTING_FOR class="inline-form">
                        <CsrfField token=csrf.clone() />
                        <input type="hidden" name="business_id" value="" />
                        <button type="submit" class="button button--secondary">"切换回个人身份"</button>
                    </form>
                }.into_any(),
                None => view! { <p>"当前以个人身份办事。"</p> }.into_any(),
            }}
            {if account.businesses.is_empty() {
                view! { <p class="muted">"暂无。单位的管理经办人可以为您授权，或由您进行法人注册。"</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list">
                        {account.businesses.iter().map(|agency| {
                            let current = account.acting_for.as_ref().is_some_and(|a| a.business_id == agency.business_id);
                            view! {
                                <li>
                                    <span>{agency.org_name.clone()} "（" {agency.credit_code.clone()} "）"</span>
                                    {agency.is_admin.then(|| view! { <span class="badge">"管理经办人"</span> })}
                                    {(!current).then(|| view! {
                                        <form method="post" action=paths::action::ACTING_FOR class="inline-form">
                                            <CsrfField token=csrf.clone() />
                                            <input type="hidden" name="business_id" value=agency.business_id.clone() />
                                            <button type="submit" class="button button--secondary">"以该单位身份办事"</button>
                                        </form>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <p><a href=paths::REGISTER_BUSINESS>"法人注册"</a></p>
        </section>

        {business.map(|business| view! { <BusinessPanel business feedback=feedback.clone() csrf=csrf.clone() /> })}

        <section aria-labelledby="security-heading" class="panel">
            <h2 id="security-heading">"账号安全"</h2>
            <h3>"修改密码"</h3>
            <form method="post" action=paths::action::PASSWORD class="form" novalidate>
                <CsrfField token=csrf.clone() />
                <Field form=FormName::Password name="current_password" label="当前密码" kind="password"
                    autocomplete="current-password" errors=feedback.errors_for(FormName::Password, "current_password") />
                <Field form=FormName::Password name="new_password" label="新密码" kind="password"
                    autocomplete="new-password" hint="至少8位，须同时包含字母和数字；修改后其他设备将退出登录"
                    errors=feedback.errors_for(FormName::Password, "new_password") />
                <button type="submit" class="button">"修改密码"</button>
            </form>
            <h3>"登录设备"</h3>
            <table class="table">
                <caption class="visually-hidden">"当前有效的登录"</caption>
                <thead><tr><th scope="col">"设备"</th><th scope="col">"方式"</th><th scope="col">"最近活动"</th><th scope="col">"操作"</th></tr></thead>
                <tbody>
                    {sessions.into_iter().map(|session| view! {
                        <tr>
                            <td data-label="设备">{session.device.clone()}</td>
                            <td data-label="方式">{session.channel.clone()}</td>
                            <td data-label="最近活动"><When at=session.last_seen_at/></td>
                            <td data-label="操作">
                                {if session.current {
                                    view! { <span>"本设备"</span> }.into_any()
                                } else {
                                    view! {
                                        <form method="post" action=paths::action::REVOKE_SESSION class="inline-form">
                                            <CsrfField token=csrf.clone() />
                                            <input type="hidden" name="session_id" value=session.id.clone() />
                                            <button type="submit" class="button button--link">"退出该设备"</button>
                                        </form>
                                    }.into_any()
                                }}
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <form method="post" action=paths::action::REVOKE_OTHER_SESSIONS class="inline-form">
                <CsrfField token=csrf.clone() />
                <button type="submit" class="button button--secondary">"退出其他所有设备"</button>
            </form>
        </section>

        <section aria-labelledby="access-heading" class="panel">
            <h2 id="access-heading">"谁查看了我的信息"</h2>
            <p class="muted">"工作人员每次查看您的信息都会记录事由；您本人的登录和查看也列在这里。"</p>
            <table class="table">
                <caption class="visually-hidden">"访问记录，新的在前"</caption>
                <thead><tr><th scope="col">"时间"</th><th scope="col">"查看人"</th><th scope="col">"单位"</th><th scope="col">"操作"</th><th scope="col">"事由或说明"</th></tr></thead>
                <tbody>
                    {access_log.into_iter().map(|entry| view! {
                        <tr>
                            <td data-label="时间"><When at=entry.at/></td>
                            <td data-label="查看人">{entry.who}</td>
                            <td data-label="单位">{entry.unit}</td>
                            <td data-label="操作">{entry.action}</td>
                            <td data-label="事由或说明">{entry.purpose}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn BusinessPanel(business: BusinessAccount, feedback: FormFeedback, csrf: String) -> impl IntoView {
    let form = FormName::BusinessProfile;
    let value = |field: &str, stored: String| {
        if feedback.is_for(form) && !feedback.success {
            feedback.value(form, field)
        } else {
            stored
        }
    };
    let capital_yuan = business
        .profile
        .registered_capital_fen
        .map(|fen| format!("{}", fen / 100))
        .unwrap_or_default();
    let grant = FormName::GrantAgent;
    view! {
        <section aria-labelledby="business-heading" class="panel">
            <h2 id="business-heading">{format!("单位档案（一企一档）：{}", business.org_name)}</h2>
            <dl class="facts">
                <dt>"统一社会信用代码"</dt><dd>{business.credit_code.clone()}</dd>
                <dt>"法定代表人"</dt><dd>{business.legal_rep_name_masked.clone()}</dd>
            </dl>
            <form method="post" action=paths::action::BUSINESS_PROFILE class="form" novalidate>
                <CsrfField token=csrf.clone() />
                <Field form name="registered_address" label="注册地址（住所）" required=false
                    value=value("registered_address", business.profile.registered_address.clone())
                    errors=feedback.errors_for(form, "registered_address") />
                <Field form name="registered_capital_yuan" label="注册资本（元）" kind="number" required=false
                    value=value("registered_capital_yuan", capital_yuan)
                    errors=feedback.errors_for(form, "registered_capital_yuan") />
                <Field form name="business_scope" label="经营范围" required=false
                    value=value("business_scope", business.profile.business_scope.clone())
                    errors=feedback.errors_for(form, "business_scope") />
                <Field form name="contact_phone" label="联系电话" kind="tel" required=false
                    value=value("contact_phone", business.profile.contact_phone.clone())
                    errors=feedback.errors_for(form, "contact_phone") />
                <button type="submit" class="button">"保存单位档案"</button>
            </form>
            <h3>"经办人"</h3>
            <ul class="plain-list">
                {business.agents.iter().map(|agent| view! {
                    <li>
                        <span>{agent.name_masked.clone()} " " {agent.phone_masked.clone()}</span>
                        {agent.is_admin.then(|| view! { <span class="badge">"管理经办人"</span> })}
                        {(!agent.is_admin).then(|| view! {
                            <form method="post" action=paths::action::REVOKE_AGENT class="inline-form">
                                <CsrfField token=csrf.clone() />
                                <input type="hidden" name="citizen_id" value=agent.citizen_id.clone() />
                                <button type="submit" class="button button--link">"撤销授权"</button>
                            </form>
                        })}
                    </li>
                }).collect_view()}
            </ul>
            <h3>"授权新的经办人"</h3>
            <p class="muted">"对方须已完成个人注册；证件号码与姓名须与其账号一致。仅管理经办人可授权。"</p>
            <form method="post" action=paths::action::GRANT_AGENT class="form" novalidate>
                <CsrfField token=csrf />
                <Field form=grant name="id_number" label="经办人公民身份号码"
                    value=feedback.value(grant, "id_number") errors=feedback.errors_for(grant, "id_number")
                    live_check=LiveCheck::IdNumber />
                <Field form=grant name="name" label="经办人姓名"
                    value=feedback.value(grant, "name") errors=feedback.errors_for(grant, "name") />
                <button type="submit" class="button">"授权"</button>
            </form>
        </section>
    }
}

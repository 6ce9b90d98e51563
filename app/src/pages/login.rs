//! 登录 and 注册 for citizens (个人) and businesses (法人). Plain forms that post to the server;
//! with WASM the ID-number and credit-code fields check themselves as the reader types.

use crate::components::layout::use_signed_in;
use crate::forms::{
    CsrfField, ErrorSummary, Field, FormFeedback, FormName, LiveCheck, use_feedback,
};
use crate::paths;
use domain::account::PrincipalView;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Which tab of the login and registration pages is open: `?as=business` for 法人.
fn business_tab() -> Memo<bool> {
    let query = use_query_map();
    Memo::new(move |_| query.with(|q| q.get("as").as_deref() == Some("business")))
}

#[component]
fn Tabs(base: &'static str, business: bool) -> impl IntoView {
    view! {
        <nav class="tabs" aria-label="用户类型">
            <a href=base aria-current=(!business).then_some("page")>"个人"</a>
            <a href=format!("{base}?as=business") aria-current=business.then_some("page")>"法人"</a>
        </nav>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let business = business_tab();
    let feedback = use_feedback();
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next")).unwrap_or_default();
    let registered = move || query.with(|q| q.get("registered").is_some());
    view! {
        <Title text="登录" />
        <div class="narrow">
            <h1>"登录"</h1>
            <Tabs base=paths::LOGIN business=business.get_untracked() />
            {move || registered().then(|| view! {
                <p class="notice notice--success" role="status">"注册成功，请登录。"</p>
            })}
            <Suspense>
                {move || Suspend::new(async move {
                    let feedback = feedback.await.unwrap_or_default();
                    let business = business.get();
                    view! { <LoginForm feedback business next=next() /> }
                })}
            </Suspense>
            <p>"还没有账号？" <a href=move || if business.get() { paths::REGISTER_BUSINESS } else { paths::REGISTER }>"立即注册"</a></p>
            <p class="muted">"工作人员请从" <a href=paths::STAFF_LOGIN>"工作人员登录"</a> "进入。"</p>
        </div>
    }
}

#[component]
fn LoginForm(feedback: FormFeedback, business: bool, next: String) -> impl IntoView {
    let form = FormName::Login;
    view! {
        <ErrorSummary feedback=feedback.clone() form />
        <form method="post" action=paths::action::LOGIN class="form" novalidate>
            <input type="hidden" name="next" value=next />
            {if business {
                view! {
                    <Field form name="account" label="统一社会信用代码" autocomplete="username"
                        value=feedback.value(form, "account") errors=feedback.errors_for(form, "account")
                        live_check=LiveCheck::CreditCode />
                    <Field form name="agent" label="经办人公民身份号码或手机号码"
                        hint="经办人须已获得该单位授权"
                        value=feedback.value(form, "agent") errors=feedback.errors_for(form, "agent") />
                }.into_any()
            } else {
                view! {
                    <Field form name="account" label="公民身份号码或手机号码" autocomplete="username"
                        value=feedback.value(form, "account") errors=feedback.errors_for(form, "account") />
                }.into_any()
            }}
            <Field form name="password" label="密码" kind="password" autocomplete="current-password"
                errors=feedback.errors_for(form, "password") />
            <button type="submit" class="button">"登录"</button>
        </form>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let business = business_tab();
    let feedback = use_feedback();
    let signed_in = use_signed_in();
    view! {
        <Title text="注册" />
        <div class="narrow">
            <h1>"注册"</h1>
            <Tabs base=paths::REGISTER business=business.get_untracked() />
            <Suspense>
                {move || Suspend::new(async move {
                    let feedback = feedback.await.unwrap_or_default();
                    let citizen = signed_in.await.ok().flatten().filter(|s| matches!(s.principal, PrincipalView::Citizen { .. }));
                    match (business.get(), citizen) {
                        (true, Some(citizen)) => view! { <BusinessForm feedback csrf=citizen.csrf_token /> }.into_any(),
                        (true, None) => view! { <BusinessNeedsLogin /> }.into_any(),
                        (false, _) => view! { <CitizenForm feedback /> }.into_any(),
                    }
                })}
            </Suspense>
            <p>"已有账号？" <a href=paths::LOGIN>"登录"</a></p>
        </div>
    }
}

const PASSWORD_HINT: &str = "至少8位，须同时包含字母和数字，不能使用常见密码";

#[component]
fn CitizenForm(feedback: FormFeedback) -> impl IntoView {
    let form = FormName::Register;
    view! {
        <p class="lead">"个人注册后，可在线办理个人事项，并作为经办人为单位办事。"</p>
        <ErrorSummary feedback=feedback.clone() form />
        <form method="post" action=paths::action::REGISTER class="form" novalidate>
            <Field form name="id_number" label="公民身份号码" hint="18位，末位X大小写均可"
                value=feedback.value(form, "id_number") errors=feedback.errors_for(form, "id_number")
                live_check=LiveCheck::IdNumber />
            <Field form name="name" label="姓名" autocomplete="name"
                value=feedback.value(form, "name") errors=feedback.errors_for(form, "name") />
            <Field form name="phone" label="手机号码" kind="tel" autocomplete="tel"
                value=feedback.value(form, "phone") errors=feedback.errors_for(form, "phone") />
            <Field form name="password" label="设置密码" kind="password" autocomplete="new-password"
                hint=PASSWORD_HINT errors=feedback.errors_for(form, "password") />
            <Field form name="activation_code" label="网上激活码（选填）" required=false autocomplete="off"
                hint="曾在服务大厅窗口办事、窗口给了激活码的，填写后可在网上查看那时的办件"
                value=feedback.value(form, "activation_code") errors=feedback.errors_for(form, "activation_code") />
            <button type="submit" class="button">"注册"</button>
        </form>
    }
}

/// 法人注册 is done by a signed-in citizen, who becomes the business's first 经办人.
#[component]
fn BusinessNeedsLogin() -> impl IntoView {
    let login = format!(
        "{}?next={}",
        paths::LOGIN,
        domain::display::percent_encode_query_value(paths::REGISTER_BUSINESS)
    );
    view! {
        <p class="lead">"法人注册由经办人本人完成：请先登录您的个人账号，注册后您即成为该单位的管理经办人，可再授权其他经办人。"</p>
        <p><a class="button" href=login>"登录个人账号后注册"</a></p>
        <p>"还没有个人账号？" <a href=paths::REGISTER>"先进行个人注册"</a></p>
    }
}

#[component]
fn BusinessForm(feedback: FormFeedback, csrf: String) -> impl IntoView {
    let form = FormName::RegisterBusiness;
    view! {
        <p class="lead">"您将作为经办人注册本单位，并成为该单位的管理经办人，可再授权其他经办人。"</p>
        <ErrorSummary feedback=feedback.clone() form />
        <form method="post" action=paths::action::REGISTER_BUSINESS class="form" novalidate>
            <CsrfField token=csrf />
            <fieldset>
                <legend>"单位信息"</legend>
                <Field form name="credit_code" label="统一社会信用代码"
                    value=feedback.value(form, "credit_code") errors=feedback.errors_for(form, "credit_code")
                    live_check=LiveCheck::CreditCode />
                <Field form name="org_name" label="单位名称" autocomplete="organization"
                    value=feedback.value(form, "org_name") errors=feedback.errors_for(form, "org_name") />
                <Field form name="legal_rep_name" label="法定代表人姓名"
                    value=feedback.value(form, "legal_rep_name") errors=feedback.errors_for(form, "legal_rep_name") />
            </fieldset>
            <button type="submit" class="button">"注册"</button>
        </form>
    }
}

//! The frame of every page: skip link, header with navigation, main landmark, footer.

use crate::api::account::{SignedIn, whoami};
use crate::api::site::get_site_info;
use crate::display_mode::use_display_mode;
use crate::paths;
use domain::account::PrincipalView;
use domain::display::{DisplayMode, switch_href};
use domain::site::SiteInfo;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

type SiteInfoResource = Resource<Result<SiteInfo, ServerFnError>>;

/// Loads the site identity once per page; header, footer and titles read it.
pub fn provide_site_info() {
    let resource: SiteInfoResource = Resource::new_blocking(|| (), |_| get_site_info());
    provide_context(resource);
}

pub fn use_site_info() -> SiteInfoResource {
    expect_context::<SiteInfoResource>()
}

type SignedInResource = Resource<Result<Option<SignedIn>, ServerFnError>>;

/// Loads who is signed in once per page; the header and the account pages read it.
pub fn provide_signed_in() {
    let resource: SignedInResource = Resource::new_blocking(|| (), |_| whoami());
    provide_context(resource);
}

pub fn use_signed_in() -> SignedInResource {
    expect_context::<SignedInResource>()
}

/// Main navigation: label and target.
const NAVIGATION: [(&str, &str); 3] = [
    ("办事服务", paths::CATALOG),
    ("办件查询", paths::PROGRESS),
    ("我的", paths::ME),
];

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let site = expect_context::<SiteInfoResource>();
    view! {
        <a class="skip-link" href="#main">"跳到主要内容"</a>
        <Suspense>
            {move || Suspend::new(async move {
                let name = site.await.map(|s| s.portal_name).unwrap_or_default();
                view! { <Title formatter=move |page: String| format!("{page} - {name}") /> }
            })}
        </Suspense>
        <Header />
        <main id="main" tabindex="-1">
            {children()}
        </main>
        <Footer />
        <crate::HydrationMarker />
    }
}

#[component]
fn Header() -> impl IntoView {
    let site = expect_context::<SiteInfoResource>();
    let location = use_location();
    let is_current = move |target: &str| {
        let path = location.pathname.get();
        path == target || path.starts_with(&format!("{target}/"))
    };
    view! {
        <header class="site-header">
            <div class="site-header__bar">
                <a class="site-header__brand" href=paths::HOME>
                    <span class="site-header__emblem" aria-hidden="true">"政"</span>
                    <Suspense fallback=|| "政务服务门户">
                        {move || Suspend::new(async move {
                            site.await.map(|s| s.portal_name).unwrap_or_default()
                        })}
                    </Suspense>
                </a>
                <div class="site-header__tools">
                    <AccountArea />
                    <DisplayModeToggle />
                </div>
            </div>
            <nav class="site-nav" aria-label="主导航">
                <ul>
                    {NAVIGATION
                        .into_iter()
                        .map(|(label, target)| {
                            view! {
                                <li>
                                    <a
                                        href=target
                                        aria-current=move || is_current(target).then_some("page")
                                    >
                                        {label}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
        </header>
    }
}

/// 登录 / 注册 for visitors; the masked name, 我的 and 退出 for the signed in.
#[component]
fn AccountArea() -> impl IntoView {
    let signed_in = use_signed_in();
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match signed_in.await.ok().flatten() {
                    Some(SignedIn { principal, csrf_token }) => {
                        let is_citizen = matches!(principal, PrincipalView::Citizen { .. });
                        let (name, home) = match principal {
                            PrincipalView::Citizen { name_masked, acting_for } => (
                                match acting_for {
                                    Some(acting) => format!("{name_masked}（{}）", acting.org_name),
                                    None => name_masked,
                                },
                                paths::ME,
                            ),
                            PrincipalView::Staff { name_masked, .. } => (name_masked, paths::STAFF),
                        };
                        view! {
                            <div class="account-area">
                                <a href=home class="account-area__name">{name}</a>
                                {is_citizen.then(|| view! { <a href=paths::MESSAGES>"消息"</a> <a href=paths::APPLICATIONS>"我的办件"</a> })}
                                <form method="post" action=paths::action::LOGOUT class="inline-form">
                                    <input type="hidden" name="csrf_token" value=csrf_token />
                                    <button type="submit" class="button button--link">"退出"</button>
                                </form>
                            </div>
                        }.into_any()
                    }
                    None => view! {
                        <div class="account-area">
                            <a href=paths::LOGIN>"登录"</a>
                            <a href=paths::REGISTER>"注册"</a>
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The 适老化 switch. A plain link that the server answers by setting the cookie; once hydrated,
/// the click is handled in place so the reader keeps their scroll position and form input.
#[component]
pub fn DisplayModeToggle() -> impl IntoView {
    let location = use_location();
    let path = location.pathname.get_untracked();
    let query = location.search.get_untracked();
    let here = if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    };
    view! { <DisplayModeSwitch mode=use_display_mode().get_untracked() here /> }
}

/// The interactive part of [`DisplayModeToggle`]: it knows the mode and the page it is on.
#[island]
fn DisplayModeSwitch(mode: DisplayMode, here: String) -> impl IntoView {
    let mode = RwSignal::new(mode);
    let href = move || switch_href(mode.get().toggled(), &here);
    let on_click = move |event: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        {
            event.prevent_default();
            let next = mode.get_untracked().toggled();
            crate::display_mode::apply_in_browser(next);
            mode.set(next);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = event;
    };
    view! {
        <a
            class="display-toggle"
            href=href
            rel="nofollow"
            on:click=on_click
        >
            {move || mode.get().switch_label()}
        </a>
    }
}

#[component]
fn Footer() -> impl IntoView {
    let site = expect_context::<SiteInfoResource>();
    view! {
        <footer class="site-footer">
            <Suspense>
                {move || Suspend::new(async move {
                    site.await
                        .map(|site| {
                            view! {
                                <div class="site-footer__inner">
                                    <nav aria-label="页脚链接" class="site-footer__links">
                                        <a href=paths::HALLS>"服务大厅"</a>
                                        <a href=paths::ACCESSIBILITY>"无障碍说明"</a>
                                        <DisplayModeToggle />
                                    </nav>
                                    <p>{format!("主办单位：{}", site.sponsor)}</p>
                                    <p>
                                        {format!("地址：{} 服务热线：", site.address)}
                                        <a href=format!("tel:{}", site.hotline)>{site.hotline.clone()}</a>
                                    </p>
                                    <p>
                                        <span>{format!("网站标识码：{}", site.site_code)}</span>
                                        " "
                                        <span>{site.icp_record}</span>
                                        " "
                                        <span>{site.police_record}</span>
                                    </p>
                                </div>
                            }
                        })
                        .ok()
                })}
            </Suspense>
        </footer>
    }
}

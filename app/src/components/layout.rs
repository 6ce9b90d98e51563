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
const NAVIGATION: [(&str, &str); 5] = [
    ("办事服务", paths::CATALOG),
    ("我要预约", paths::BOOK),
    ("办件查询", paths::PROGRESS),
    ("好差评", paths::RATINGS),
    ("我的", paths::ME),
];

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let location = use_location();
    let on_device_page = move || {
        let path = location.pathname.get();
        let from_kiosk = location.query.with(|q| q.get("kiosk").is_some());
        from_kiosk
            || path.starts_with("/kiosk/")
            || (path.starts_with("/halls/") && path.ends_with("/display"))
            || path == paths::RATER
    };
    let site = expect_context::<SiteInfoResource>();
    let feedback = crate::forms::use_feedback();
    view! {
        <a class="skip-link" href="#main">"跳到主要内容"</a>
        <Suspense>
            {move || Suspend::new(async move {
                let name = site.await.map(|s| s.portal_name).unwrap_or_default();
                // A page that answers a refused post says so first, as screen readers announce it.
                let refused = feedback.await.is_some_and(|f| f.is_refusal());
                let prefix = if refused { "错误：" } else { "" };
                view! { <Title formatter=move |page: String| format!("{prefix}{page} - {name}") /> }
            })}
        </Suspense>
        // A kiosk and a hall display show their page alone: no menu to wander off through.
        {move || (!on_device_page()).then(|| view! { <Header /> })}
        <main id="main" tabindex="-1" class:device-page=on_device_page>
            {children()}
        </main>
        {move || (!on_device_page()).then(|| view! { <Footer /> })}
        <crate::HydrationMarker />
    }
}

/// The header: the portal's name, the 适老化 switch, and one 菜单 (a `<details>` disclosure, so
/// it opens without JavaScript) holding the navigation and the reader's own links. On a phone
/// the menu is one button; on a wide screen it stands open as a row. 退出 sits at the end of the
/// menu, away from the mode switch.
#[component]
fn Header() -> impl IntoView {
    let site = expect_context::<SiteInfoResource>();
    let signed_in = use_signed_in();
    let location = use_location();
    let within = move |target: &str| {
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
                <DisplayModeToggle />
                <details class="site-menu">
                    <summary class="site-menu__button">"菜单"</summary>
                    <Suspense>
                        {move || Suspend::new(async move {
                            let signed_in = signed_in.await.ok().flatten();
                            let staff = matches!(
                                signed_in.as_ref().map(|s| &s.principal),
                                Some(PrincipalView::Staff { .. })
                            );
                            let links: &[(&str, &str)] = if staff { &STAFF_NAVIGATION } else { &NAVIGATION };
                            view! {
                                <div class="site-menu__panel">
                                <nav class="site-nav" aria-label="主导航">
                                    <ul>
                                        {links
                                            .iter()
                                            .map(|&(label, target)| {
                                                view! {
                                                    <li>
                                                        <a
                                                            href=target
                                                            // The closest link is the current one: /staff/window is
                                                            // 窗口收件, not also 工作台.
                                                            aria-current=move || {
                                                                let closer = links.iter().any(|&(_, other)| {
                                                                    other.len() > target.len() && within(other)
                                                                });
                                                                (within(target) && !closer).then_some("page")
                                                            }
                                                        >
                                                            {label}
                                                        </a>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                </nav>
                                <AccountArea signed_in />
                                </div>
                            }
                        })}
                    </Suspense>
                </details>
            </div>
        </header>
    }
}

/// The staff's own navigation: the desk, not the citizen's services.
const STAFF_NAVIGATION: [(&str, &str); 4] = [
    ("工作台", paths::STAFF),
    ("窗口收件", paths::STAFF_WINDOW),
    ("差评整改", paths::STAFF_RECTIFICATIONS),
    ("电子监察", paths::STAFF_SUPERVISION),
];

/// 登录 / 注册 for visitors; the reader's own name, their links and 退出 for the signed in.
#[component]
fn AccountArea(signed_in: Option<SignedIn>) -> impl IntoView {
    match signed_in {
        Some(SignedIn {
            principal,
            csrf_token,
        }) => {
            let (name, links): (String, &[(&str, &str)]) = match principal {
                PrincipalView::Citizen {
                    name, acting_for, ..
                } => (
                    match acting_for {
                        Some(acting) => format!("{name}（{}）", acting.org_name),
                        None => name,
                    },
                    &[("消息", paths::MESSAGES), ("我的办件", paths::APPLICATIONS)],
                ),
                PrincipalView::Staff { name, .. } => (name, &[]),
            };
            view! {
                <div class="account-area">
                    <p class="account-area__name">{name}</p>
                    <ul>
                        {links.iter().map(|&(label, target)| view! { <li><a href=target>{label}</a></li> }).collect_view()}
                    </ul>
                    <form method="post" action=paths::action::LOGOUT class="account-area__logout">
                        <input type="hidden" name="csrf_token" value=csrf_token />
                        <button type="submit" class="button button--secondary">"退出登录"</button>
                    </form>
                </div>
            }
            .into_any()
        }
        None => view! {
            <div class="account-area">
                <ul>
                    <li><a href=paths::LOGIN>"登录"</a></li>
                    <li><a href=paths::REGISTER>"注册"</a></li>
                </ul>
            </div>
        }
        .into_any(),
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

//! 自助办: the hall's self-service kiosk (取号, 预约签到, 办件查询), touch-sized and usable by
//! keyboard, without login; every page but the start page returns to it when left idle. And the
//! page where a browser becomes a hall device with the token an admin provisioned.

use crate::api::appointments::load_kiosk_hall;
use crate::components::refresh::Refresh;
use crate::forms::{ErrorSummary, Field, FormName, use_feedback};
use crate::paths;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// Seconds of inactivity after which a kiosk page returns to the start page.
const IDLE_SECS: u32 = 90;

fn hall_param() -> impl Fn() -> String + Copy {
    let params = use_params_map();
    move || params.with(|p| p.get("hall_id")).unwrap_or_default()
}

/// What a kiosk page says on a browser that is not this hall's kiosk.
fn not_a_kiosk() -> AnyView {
    view! {
        <h1>"自助服务"</h1>
        <p class="notice">"此页面只在大厅登记的自助服务终端上提供。请管理员登记设备后在此设备上"<a href=paths::DEVICE_ACTIVATE>"启用"</a>"。"</p>
    }
    .into_any()
}

#[component]
pub fn KioskPage() -> impl IntoView {
    let hall_id = hall_param();
    let hall = Resource::new_blocking(hall_id, load_kiosk_hall);
    view! {
        <Title text="自助服务" />
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match hall.await {
                    Ok(Some(hall)) => view! {
                        <div class="kiosk">
                            <h1>{format!("{} 自助服务", hall.name)}</h1>
                            <ul class="kiosk__menu">
                                <li><a class="kiosk__button" href=paths::KIOSK_TICKET.at(&hall.id)>"取号"<span>"现场办理，无需预约"</span></a></li>
                                <li><a class="kiosk__button" href=paths::KIOSK_CHECK_IN.at(&hall.id)>"预约签到"<span>"扫描预约二维码或输入预约码"</span></a></li>
                                <li><a class="kiosk__button" href=paths::PROGRESS>"办件查询"<span>"输入办件编号和申请人姓名"</span></a></li>
                            </ul>
                        </div>
                    }.into_any(),
                    Ok(None) => not_a_kiosk(),
                    Err(error) => view! { <p class="notice" role="alert">{crate::api::failure_message(&error)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn KioskTicketPage() -> impl IntoView {
    let hall_id = hall_param();
    let hall = Resource::new_blocking(hall_id, load_kiosk_hall);
    let feedback = use_feedback();
    view! {
        <Title text="取号" />
        <Refresh secs=IDLE_SECS to=paths::KIOSK.at(&hall_id()) />
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let feedback = feedback.await.unwrap_or_default();
                match hall.await {
                    Ok(Some(hall)) => view! {
                        <div class="kiosk">
                            <h1>"取号：请选择要办理的业务"</h1>
                            <ErrorSummary feedback form=FormName::KioskTicket />
                            <ul class="kiosk__menu">
                                {hall.zones.iter().map(|z| view! {
                                    <li>
                                        <form method="post" action=paths::action::KIOSK_TICKET.at(&hall.id)>
                                            <input type="hidden" name="zone" value=z.zone.as_str() />
                                            <button type="submit" class="kiosk__button">{format!("{}业务", z.zone.label())}</button>
                                        </form>
                                    </li>
                                }).collect_view()}
                            </ul>
                            <p><a class="button button--secondary" href=paths::KIOSK.at(&hall.id)>"返回首页"</a></p>
                        </div>
                    }.into_any(),
                    Ok(None) => not_a_kiosk(),
                    Err(error) => view! { <p class="notice" role="alert">{crate::api::failure_message(&error)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn KioskCheckInPage() -> impl IntoView {
    let hall_id = hall_param();
    let hall = Resource::new_blocking(hall_id, load_kiosk_hall);
    let feedback = use_feedback();
    view! {
        <Title text="预约签到" />
        <Refresh secs=IDLE_SECS to=paths::KIOSK.at(&hall_id()) />
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let feedback = feedback.await.unwrap_or_default();
                let form = FormName::KioskCheckIn;
                match hall.await {
                    Ok(Some(hall)) => view! {
                        <div class="kiosk">
                            <h1>"预约签到"</h1>
                            <ErrorSummary feedback=feedback.clone() form />
                            <form method="post" action=paths::action::KIOSK_CHECK_IN.at(&hall.id) class="form kiosk__form" novalidate>
                                <Field form name="booking_code" label="预约码" required=false autocomplete="off"
                                    hint="扫描预约二维码，或输入 8 位预约码"
                                    value=feedback.value(form, "booking_code") errors=feedback.errors_for(form, "booking_code") />
                                <Field form name="id_number" label="或输入身份证号" required=false autocomplete="off"
                                    hint="查找您今天在本大厅、现在可以签到的预约"
                                    errors=feedback.errors_for(form, "id_number") />
                                <button type="submit" class="kiosk__button">"签到取号"</button>
                            </form>
                            <p><a class="button button--secondary" href=paths::KIOSK.at(&hall.id)>"返回首页"</a></p>
                        </div>
                    }.into_any(),
                    Ok(None) => not_a_kiosk(),
                    Err(error) => view! { <p class="notice" role="alert">{crate::api::failure_message(&error)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn DeviceActivatePage() -> impl IntoView {
    let feedback = use_feedback();
    view! {
        <Title text="启用大厅设备" />
        <div class="narrow">
            <h1>"启用大厅设备"</h1>
            <p>"在自助服务终端或叫号屏上输入管理员登记设备时得到的设备令牌。启用后，本浏览器即作为该设备使用。"</p>
            <Suspense>
                {move || Suspend::new(async move {
                    let feedback = feedback.await.unwrap_or_default();
                    let form = FormName::DeviceActivate;
                    view! {
                        <ErrorSummary feedback=feedback.clone() form />
                        <form method="post" action=paths::action::DEVICE_ACTIVATE class="form" novalidate>
                            <Field form name="token" label="设备令牌" kind="password" autocomplete="off"
                                errors=feedback.errors_for(form, "token") />
                            <button type="submit" class="button">"启用"</button>
                        </form>
                    }
                })}
            </Suspense>
        </div>
    }
}

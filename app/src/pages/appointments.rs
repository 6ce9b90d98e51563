//! 预约: 我要预约 (hall → zone or item → day → slot, each step a plain link or form, so it works
//! without JavaScript), 我的预约, and one booking with its code, QR code, check-in and cancelling.

use crate::api::appointments::{
    BookingChoices, load_appointment, load_booking_choices, load_my_appointments,
};
use crate::components::layout::use_signed_in;
use crate::components::time::When;
use crate::forms::{CsrfField, ErrorSummary, FormFeedback, FormName, use_feedback};
use crate::paths;
use domain::appointment::{AppointmentState, AppointmentView, SlotView};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn BookPage() -> impl IntoView {
    let query = use_query_map();
    let feedback = use_feedback();
    let signed_in = use_signed_in();
    // A refused booking renders this page again without its query: the form carried the choices.
    let choice = move |name: &'static str| query.with(|q| q.get(name)).unwrap_or_default();
    let kept = crate::forms::kept_feedback_values();
    let choices = Resource::new_blocking(
        move || {
            let pick = |name: &'static str, kept_as: &str| {
                let chosen = choice(name);
                if chosen.is_empty() {
                    kept.get(kept_as).cloned().unwrap_or_default()
                } else {
                    chosen
                }
            };
            (
                pick("hall", "hall"),
                pick("zone", "zone"),
                pick("item", "item_code"),
                pick("date", "date"),
            )
        },
        |(hall, zone, item, date)| {
            load_booking_choices(Some(hall), Some(zone), Some(item), Some(date))
        },
    );
    view! {
        <Title text="我要预约" />
        <h1>"我要预约"</h1>
        <p class="lead">"选择大厅、办理分区（或事项）、日期和时段。预约后请在开始前 30 分钟至开始后 15 分钟内到大厅签到。没有预约也可以直接到大厅取号，不会被拒绝。"</p>
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let feedback = feedback.await.unwrap_or_default();
                let signed_in = signed_in.await.ok().flatten();
                match choices.await {
                    Ok(choices) => view! { <BookingSteps choices feedback csrf=signed_in.map(|s| s.csrf_token) /> }.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{crate::api::failure_message(&error)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn BookingSteps(
    choices: BookingChoices,
    feedback: FormFeedback,
    csrf: Option<String>,
) -> impl IntoView {
    let hall_id = choices
        .hall
        .as_ref()
        .map(|h| h.id.clone())
        .unwrap_or_default();
    let zone = choices
        .zone
        .map(|z| z.as_str().to_owned())
        .unwrap_or_default();
    let item = choices
        .item
        .as_ref()
        .map(|(code, _)| code.clone())
        .unwrap_or_default();
    let date = choices
        .slots
        .as_ref()
        .map(|s| s.date.clone())
        .unwrap_or_default();
    view! {
        <ErrorSummary feedback=feedback.clone() form=FormName::Book />
        {choices.problem.clone().map(|p| view! { <p class="notice" role="alert">{p}</p> })}
        <section class="panel" aria-labelledby="step-hall">
            <h2 id="step-hall">"1. 选择大厅"</h2>
            <ul class="choice-list">
                {choices.halls.iter().map(|hall| {
                    let href = paths::book_with(&hall.id, &zone, &item, "");
                    let current = hall.id == hall_id;
                    view! { <li><a class="choice" href=href aria-current=current.then_some("step")>{hall.name.clone()}<span class="muted">{hall.address.clone()}</span></a></li> }
                }).collect_view()}
            </ul>
        </section>
        {choices.hall.clone().map(|hall| view! {
            <section class="panel" aria-labelledby="step-zone">
                <h2 id="step-zone">"2. 选择办理分区"</h2>
                {choices.item.clone().map(|(_, name)| view! { <p>{format!("办理事项：{name}")}</p> })}
                <ul class="choice-list">
                    {hall.zones.iter().map(|z| {
                        let href = paths::book_with(&hall.id, z.zone.as_str(), "", "");
                        let current = choices.zone == Some(z.zone);
                        view! { <li><a class="choice" href=href aria-current=current.then_some("step")>{format!("{}窗口", z.zone.label())}</a></li> }
                    }).collect_view()}
                </ul>
            </section>
        })}
        {(!choices.days.is_empty()).then(|| view! {
            <section class="panel" aria-labelledby="step-day">
                <h2 id="step-day">"3. 选择日期"</h2>
                <ul class="choice-list choice-list--days">
                    {choices.days.iter().map(|day| {
                        let label = format!("{} {}", &day.date[5..], day.weekday);
                        if day.open {
                            let href = paths::book_with(&hall_id, &zone, &item, &day.date);
                            let current = day.date == date;
                            view! { <li><a class="choice" href=href aria-current=current.then_some("step")>{label}</a></li> }.into_any()
                        } else {
                            view! { <li><span class="choice choice--closed">{label}<span class="muted">{day.reason.clone().unwrap_or_default()}</span></span></li> }.into_any()
                        }
                    }).collect_view()}
                </ul>
            </section>
        })}
        {choices.slots.clone().map(|slots| view! {
            <section class="panel" aria-labelledby="step-slot">
                <h2 id="step-slot">{format!("4. 选择时段（{}）", slots.date)}</h2>
                {slots.reason.clone().map(|r| view! { <p class="notice">{r}</p> })}
                {match csrf.clone() {
                    None => view! {
                        <SlotTable slots=slots.items.clone() choosable=false />
                        <p><a class="button" href=paths::login_then(&paths::book_with(&hall_id, &zone, &item, &slots.date))>"登录后预约"</a></p>
                    }.into_any(),
                    Some(token) => view! {
                        <form method="post" action=paths::action::BOOK class="form" novalidate>
                            <CsrfField token />
                            <input type="hidden" name="hall" value=hall_id.clone() />
                            <input type="hidden" name="zone" value=zone.clone() />
                            <input type="hidden" name="date" value=slots.date.clone() />
                            <input type="hidden" name="item_code" value=item.clone() />
                            <fieldset>
                                <legend>"可预约时段"</legend>
                                <SlotTable slots=slots.items.clone() choosable=true />
                            </fieldset>
                            <button type="submit" class="button">"确认预约"</button>
                        </form>
                    }.into_any(),
                }}
            </section>
        })}
    }
}

#[component]
fn SlotTable(slots: Vec<SlotView>, choosable: bool) -> impl IntoView {
    view! {
        <ul class="slot-list">
            {slots.into_iter().map(|slot| {
                let id = format!("slot-{}", slot.slot_id.replace('.', "-"));
                let time = format!("{}–{}", &slot.starts_at.china_minute()[11..], &slot.ends_at.china_minute()[11..]);
                let state = slot.unavailable.clone().unwrap_or_else(|| format!("余 {} 个", slot.remaining));
                view! {
                    <li class="slot" class:slot--full=!slot.bookable>
                        {if choosable && slot.bookable {
                            view! {
                                <input type="radio" name="slot_id" id=id.clone() value=slot.slot_id.clone() />
                                <label for=id>{time}<span class="badge">{slot.period.label()}</span><span class="muted">{state}</span></label>
                            }.into_any()
                        } else {
                            view! { <span>{time}<span class="badge">{slot.period.label()}</span><span class="muted">{state}</span></span> }.into_any()
                        }}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

#[component]
pub fn MyAppointmentsPage() -> impl IntoView {
    let list = Resource::new_blocking(|| (), |_| load_my_appointments());
    let query = use_query_map();
    let code = move || query.with(|q| q.get("code")).unwrap_or_default();
    let feedback = use_feedback();
    let signed_in = use_signed_in();
    view! {
        <Title text="我的预约" />
        <h1>"我的预约"</h1>
        <p><a class="button" href=paths::BOOK>"我要预约"</a></p>
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let feedback = feedback.await.unwrap_or_default();
                let csrf = signed_in.await.ok().flatten().map(|s| s.csrf_token).unwrap_or_default();
                match list.await {
                    Ok(Some(list)) => view! {
                        <ErrorSummary feedback=feedback.clone() form=FormName::CheckIn />
                        <p class="muted">{format!("未到期的预约 {} 个，最多 {} 个。", list.standing.active, list.standing.max_active)}</p>
                        {list.standing.blocked_until.clone().map(|until| view! {
                            <p class="notice">{format!("您多次预约未按时到场，{until} 前不能网上预约；可以直接到大厅现场取号办理。")}</p>
                        })}
                        {list.items.is_empty().then(|| view! { <p>"您还没有预约。"</p> })}
                        <ul class="plain-list">
                            {list.items.into_iter().map(|a| view! { <AppointmentCard appointment=a csrf=csrf.clone() code=code() /> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Ok(None) => view! { <p class="notice">"请先" <a href=paths::login_then(paths::APPOINTMENTS)>"登录"</a> "。"</p> }.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{crate::api::failure_message(&error)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AppointmentPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let appointment = Resource::new_blocking(id, load_appointment);
    let feedback = use_feedback();
    let signed_in = use_signed_in();
    view! {
        <Title text="预约详情" />
        <h1>"预约详情"</h1>
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let feedback = feedback.await.unwrap_or_default();
                let csrf = signed_in.await.ok().flatten().map(|s| s.csrf_token).unwrap_or_default();
                match appointment.await {
                    Ok(Some(a)) => view! {
                        <ErrorSummary feedback=feedback.clone() form=FormName::CheckIn />
                        <ErrorSummary feedback=feedback.clone() form=FormName::CancelAppointment />
                        {(a.state == AppointmentState::Booked).then(|| view! {
                            <figure class="booking-code">
                                <img src=paths::APPOINTMENT_QR.at(&a.id) width="160" height="160"
                                    alt=format!("预约二维码，预约码 {}", a.booking_code) />
                                <figcaption>"到大厅后在自助终端扫描此码，或输入预约码签到"</figcaption>
                            </figure>
                        })}
                        <ul class="plain-list"><AppointmentCard appointment=a csrf code=String::new() /></ul>
                        <p><a href=paths::APPOINTMENTS>"返回我的预约"</a></p>
                    }.into_any(),
                    Ok(None) => view! { <p class="notice">"没有找到该预约。请先" <a href=paths::login_then(paths::APPOINTMENTS)>"登录"</a> "。"</p> }.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{crate::api::failure_message(&error)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AppointmentCard(appointment: AppointmentView, csrf: String, code: String) -> impl IntoView {
    let a = appointment;
    let what = a
        .item_name
        .clone()
        .unwrap_or_else(|| format!("{}业务", a.zone_label));
    let code_id = format!("check-in-code-{}", a.id);
    view! {
        <li class="panel appointment">
            <h2 class="appointment__title"><a href=paths::APPOINTMENT.at(&a.id)>{format!("{} {}", a.hall_name, &a.starts_at.china_minute())}</a></h2>
            <dl class="facts">
                <dt>"预约码"</dt><dd class="booking-code__text">{a.booking_code.clone()}</dd>
                <dt>"状态"</dt><dd>{a.state_label.clone()}</dd>
                <dt>"事项"</dt><dd>{what}</dd>
                <dt>"时段"</dt><dd><When at=a.starts_at />" – "{a.ends_at.china_minute()[11..].to_owned()}</dd>
                <dt>"地址"</dt><dd>{a.hall_address.clone()}</dd>
                <dt>"签到时间"</dt><dd>{format!("{} 至 {}", a.check_in_from.china_minute(), &a.check_in_until.china_minute()[11..])}</dd>
                {a.closure_reason.clone().map(|r| view! { <dt>"取消原因"</dt><dd>{format!("大厅暂停服务：{r}")}</dd> })}
                {a.ticket.clone().map(|t| view! { <dt>"排队号"</dt><dd><a href=paths::TICKET.at(&t.id)>{t.number.clone()}</a></dd> })}
            </dl>
            {(a.state == AppointmentState::Booked).then(|| view! {
                <form method="post" action=paths::action::CHECK_IN.at(&a.id) class="form" novalidate>
                    <CsrfField token=csrf.clone() />
                    <div class="field">
                        <label for=code_id.clone()>"签到码（大厅入口屏幕上的 6 位数字，扫码后自动填入）"</label>
                        <input type="text" id=code_id name="code" inputmode="numeric" autocomplete="off" value=code.clone() />
                    </div>
                    <button type="submit" class="button">"签到取号"</button>
                </form>
            })}
            {a.cancellable.then(|| view! {
                <form method="post" action=paths::action::CANCEL_APPOINTMENT.at(&a.id) class="form">
                    <CsrfField token=csrf.clone() />
                    <button type="submit" class="button button--secondary">"取消预约"</button>
                    <p class="field__hint">{format!("{} 前可以取消", a.cancel_until.china_minute())}</p>
                </form>
            })}
        </li>
    }
}

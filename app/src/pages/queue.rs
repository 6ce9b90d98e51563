//! 取号叫号 pages: a queue ticket (its position, wait and window; printable), 大屏叫号 (the hall
//! display, live through Server-Sent Events when JavaScript runs and refreshed without it), and
//! the clerk's queue panel on the workbench.

use crate::api::appointments::{load_board, load_ticket};
use crate::components::refresh::Refresh;
use crate::components::time::When;
use crate::forms::{CsrfField, ErrorSummary, FormFeedback, FormName};
use crate::paths;
use domain::queue::{HallBoard, QueueDesk, TicketState, TicketView};
use leptos::prelude::*;
use leptos::server_fn::error::ServerFnError;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn TicketPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let kiosk = move || query.with(|q| q.get("kiosk")).filter(|h| !h.is_empty());
    let ticket = Resource::new_blocking(id, load_ticket);
    view! {
        <Title text="排队号" />
        // The page keeps itself current without JavaScript; from a kiosk it returns to the kiosk.
        {move || match kiosk() {
            Some(hall) => view! { <Refresh secs=60 to=paths::KIOSK.at(&hall) /> }.into_any(),
            None => view! { <Refresh secs=30 /> }.into_any(),
        }}
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match ticket.await {
                    Ok(Some(ticket)) => view! { <TicketCard ticket kiosk=kiosk() /> }.into_any(),
                    Ok(None) => view! { <h1>"排队号"</h1><p class="notice">"没有找到该排队号。"</p> }.into_any(),
                    Err(error) => view! { <h1>"排队号"</h1><p class="notice" role="alert">{crate::api::failure_message(&error)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TicketCard(ticket: TicketView, kiosk: Option<String>) -> impl IntoView {
    let called = matches!(ticket.state, TicketState::Called | TicketState::Serving);
    view! {
        <article class="ticket" aria-labelledby="ticket-number">
            <p class="ticket__hall">{ticket.hall_name.clone()}</p>
            <h1 id="ticket-number" class="ticket__number">
                <span class="visually-hidden">"排队号 "</span>{ticket.number.clone()}
            </h1>
            <p class="ticket__zone">{format!("{}窗口 · {}", ticket.zone_label, ticket.kind.label())}</p>
            <p class="ticket__message" class:ticket__message--called=called role="status">{ticket.message.clone()}</p>
            <dl class="facts">
                <dt>"取号时间"</dt><dd><When at=ticket.issued_at /></dd>
                {ticket.slot_starts_at.map(|at| view! { <dt>"预约时段"</dt><dd><When at /></dd> })}
                <dt>"状态"</dt><dd>{ticket.state_label.clone()}</dd>
            </dl>
            <figure class="ticket__qr">
                <img src=paths::TICKET_QR.at(&ticket.id) width="120" height="120" alt="本排队号的二维码：用手机扫码随时查看叫号进度" />
                <figcaption>"手机扫码，随时查看叫号进度"</figcaption>
            </figure>
            // A booked ticket's holder may rate the visit on their phone; walk-ins rate at the
            // window's tablet.
            {(ticket.state == TicketState::Served && ticket.kind == domain::queue::TicketKind::Booked && kiosk.is_none()).then(|| view! {
                <p><a class="button button--secondary" href=paths::rate_ticket(&ticket.id)>"评价本次服务"</a></p>
            })}
            {kiosk.map(|hall| view! {
                <div class="actions">
                    <super::guide::PrintButton what="排队号".to_string() />
                    <a class="button button--secondary" href=paths::KIOSK.at(&hall)>"完成，返回首页"</a>
                </div>
            })}
        </article>
    }
}

#[component]
pub fn HallDisplayPage() -> impl IntoView {
    let params = use_params_map();
    let hall_id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let board = Resource::new_blocking(hall_id, load_board);
    view! {
        <Title text="叫号屏" />
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match board.await {
                    Ok(Some(board)) => view! {
                        // Without JavaScript the screen reloads itself; with it, events update it.
                        <noscript><meta http-equiv="refresh" content="10" /></noscript>
                        <LiveBoard board />
                    }.into_any(),
                    Ok(None) => view! {
                        <h1>"叫号屏"</h1>
                        <p class="notice">"此页面只在大厅登记的叫号屏上显示。请管理员登记设备后在此设备上"<a href=paths::DEVICE_ACTIVATE>"启用"</a>"。"</p>
                    }.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{crate::api::failure_message(&error)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The board, kept current by the display's event stream once the WASM runs.
#[island]
fn LiveBoard(board: HallBoard) -> impl IntoView {
    let current = RwSignal::new(board);
    #[cfg(feature = "hydrate")]
    listen(current);
    view! {
        {move || {
            let board = current.get();
            view! { <BoardView board /> }
        }}
    }
}

#[cfg(feature = "hydrate")]
fn listen(current: RwSignal<HallBoard>) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let hall_id = current.get_untracked().hall_id;
    let Ok(source) = web_sys::EventSource::new(&paths::HALL_DISPLAY_EVENTS.at(&hall_id)) else {
        return;
    };
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            if let Some(text) = event.data().as_string()
                && let Ok(board) = serde_json::from_str::<HallBoard>(&text)
            {
                current.set(board);
            }
        });
    source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The page lives as long as the screen is on: the handler must too.
    on_message.forget();
}

#[component]
fn BoardView(board: HallBoard) -> impl IntoView {
    let hall_id = board.hall_id.clone();
    view! {
        <div class="board">
            <h1 class="board__title">{format!("{} 叫号", board.hall_name)}</h1>
            <section class="board__calls" aria-labelledby="board-calls" aria-live="polite">
                <h2 id="board-calls">"请以下号码到窗口办理"</h2>
                {board.calls.is_empty().then(|| view! { <p>"暂无叫号"</p> })}
                <ol class="board__list">
                    {board.calls.iter().map(|call| view! {
                        <li class="board__call">
                            <span class="board__number">{call.number.clone()}</span>
                            <span class="board__window">{format!("请到 {} 号窗口", call.window)}</span>
                            <span class="board__zone">{call.zone_label.clone()}</span>
                        </li>
                    }).collect_view()}
                </ol>
            </section>
            <section class="board__waiting" aria-labelledby="board-waiting">
                <h2 id="board-waiting">"等候人数"</h2>
                <ul class="board__counts">
                    {board.waiting.iter().map(|zone| view! {
                        <li><span>{zone.zone_label.clone()}</span><strong>{format!("{} 人", zone.waiting)}</strong></li>
                    }).collect_view()}
                </ul>
            </section>
            {board.entrance_code.clone().map(|code| view! {
                <section class="board__entrance" aria-labelledby="board-entrance">
                    <h2 id="board-entrance">"预约签到码"</h2>
                    <p class="board__code">{code.clone()}</p>
                    <img src=format!("{}?code={code}", paths::ENTRANCE_QR.at(&hall_id)) width="180" height="180"
                        alt=format!("签到二维码：用手机扫码签到，或在“我的预约”中输入签到码 {code}") />
                    <p>"已预约的群众请用手机扫码签到，或在“我的预约”中输入签到码"</p>
                </section>
            })}
        </div>
    }
}

/// The clerk's 叫号 panel on the workbench, from the resource the desk page created.
#[component]
pub fn CallingPanel(
    desk: Resource<Result<Option<QueueDesk>, ServerFnError>>,
    csrf: String,
    feedback: FormFeedback,
) -> impl IntoView {
    view! {
        <Suspense>
            {move || {
                let (csrf, feedback) = (csrf.clone(), feedback.clone());
                Suspend::new(async move {
                    match desk.await {
                        Ok(Some(desk)) => view! { <Calling desk csrf feedback /> }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(error) => view! { <p class="notice" role="alert">{crate::api::failure_message(&error)}</p> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// Call the next person to the window, and the steps of the ticket at the window (重呼, 过号,
/// 开始办理, 办结 with the case it filed or accepted).
#[component]
fn Calling(desk: QueueDesk, csrf: String, feedback: FormFeedback) -> impl IntoView {
    let window = feedback
        .values
        .get("window")
        .cloned()
        .filter(|_| feedback.is_for(FormName::CallNext))
        .or(desk.window.map(|w| w.to_string()))
        .unwrap_or_default();
    view! {
        <section class="panel" aria-labelledby="queue-title">
            <h2 id="queue-title">{format!("叫号（{} {}窗口）", desk.hall_name, desk.zone_label)}</h2>
            <ErrorSummary feedback=feedback.clone() form=FormName::CallNext />
            <ErrorSummary feedback=feedback.clone() form=FormName::TicketStep />
            <p>{format!("等候 {} 人", desk.waiting)}</p>
            {match desk.current.clone() {
                Some(ticket) => view! {
                    <div class="queue-current">
                        <p class="queue-current__number">{format!("当前：{}（{}，{}号窗口）", ticket.number, ticket.state_label, ticket.window.unwrap_or_default())}</p>
                        <div class="actions">
                            {[("recall", "重呼"), ("no_show", "过号"), ("start", "开始办理")].into_iter()
                                .filter(|_| ticket.state == TicketState::Called)
                                .map(|(step, label)| view! {
                                    <form method="post" action=paths::action::TICKET_STEP.at(&ticket.id) class="inline-form">
                                        <CsrfField token=csrf.clone() />
                                        <input type="hidden" name="step" value=step />
                                        <button type="submit" class="button button--secondary">{label}</button>
                                    </form>
                                }).collect_view()}
                        </div>
                        <form method="post" action=paths::action::TICKET_STEP.at(&ticket.id) class="form" novalidate>
                            <CsrfField token=csrf.clone() />
                            <input type="hidden" name="step" value="serve" />
                            <div class="field">
                                <label for="ticket_step-case_no">"办件编号（本次受理或收件的办件，可不填）"</label>
                                <input type="text" id="ticket_step-case_no" name="case_no" />
                            </div>
                            <button type="submit" class="button">"办结"</button>
                        </form>
                    </div>
                }.into_any(),
                None => view! {
                    <form method="post" action=paths::action::CALL_NEXT class="form" novalidate>
                        <CsrfField token=csrf.clone() />
                        <div class="field">
                            <label for="call_next-window">{format!("窗口号（1 至 {}）", desk.windows)}</label>
                            {feedback.errors_for(FormName::CallNext, "window").first().cloned().map(|e| view! { <p class="field__error" id="call_next-window-error">{e}</p> })}
                            <input type="text" inputmode="numeric" id="call_next-window" name="window" value=window />
                        </div>
                        <button type="submit" class="button">"叫下一位"</button>
                    </form>
                }.into_any(),
            }}
        </section>
    }
}

//! 好差评 pages: the published figures (the header's 好差评, with server-drawn charts and a CSV),
//! the rating form of a case or ticket, 我的评价 with the re-rating of an answer, and the window's
//! rating tablet (评价器). Every form is a plain post; nothing here needs JavaScript, and no page
//! asks twice or stands in the way of anything else (严禁强制或干扰评价).

use crate::api::ratings::{
    RaterScreen, load_my_ratings, load_rater_screen, load_rating_offer, load_rating_stats,
};
use crate::components::layout::use_signed_in;
use crate::components::refresh::Refresh;
use crate::forms::{CsrfField, ErrorSummary, FormFeedback, FormName, use_feedback};
use crate::paths;
use domain::rating::{RatingOffer, RatingStats, RatingView, StatsRow, percent};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/ratings`: the month's figures by department, hall, item or month.
#[component]
pub fn RatingsPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |name: &str| query.with(|q| q.get(name)).filter(|v| !v.is_empty());
    let stats = Resource::new_blocking(
        move || (get("group"), get("period"), get("hall"), get("department")),
        |(group, period, hall, department)| load_rating_stats(group, period, hall, department),
    );
    view! {
        <Title text="好差评" />
        <h1>"好差评"</h1>
        <p class="lead">"办事群众对网上办事和大厅窗口服务的评价，每月公开。差评件件回访、限期整改；经复核认定不实或恶意的评价不计入统计。"</p>
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match stats.await {
                    Ok(Ok(stats)) => view! { <StatsFilter stats=stats.clone() /> <Figures stats /> }.into_any(),
                    Ok(Err(problem)) => view! {
                        <p class="notice" role="alert">{problem}</p>
                        <p><a href=paths::RATINGS>"查看本月统计"</a></p>
                    }.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{crate::api::failure_message(&error)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn StatsFilter(stats: RatingStats) -> impl IntoView {
    let groups = [
        ("department", "按部门"),
        ("hall", "按大厅"),
        ("item", "按事项"),
        ("month", "近 12 个月"),
    ];
    let group = stats.group.as_str();
    view! {
        <form method="get" action=paths::RATINGS class="form form--inline" role="search" aria-label="统计范围">
            <div class="field">
                <label for="stats-period">"月份"</label>
                <input type="month" id="stats-period" name="period" value=stats.period.clone() />
            </div>
            <div class="field">
                <label for="stats-group">"分组"</label>
                <select id="stats-group" name="group">
                    {groups.into_iter().map(|(value, label)| view! {
                        <option value=value selected=value == group>{label}</option>
                    }).collect_view()}
                </select>
            </div>
            {stats.hall.clone().map(|hall| view! { <input type="hidden" name="hall" value=hall /> })}
            {stats.department.clone().map(|d| view! { <input type="hidden" name="department" value=d /> })}
            <button type="submit" class="button">"查看"</button>
        </form>
    }
}

/// The figures of one grouping: the totals, a bar chart of satisfaction, the table and the CSV.
#[component]
pub fn Figures(stats: RatingStats) -> impl IntoView {
    let s = stats.summary.clone();
    let csv = csv_link(&stats);
    let scope = match stats.group {
        domain::rating::StatsGroup::Month => format!("截至 {} 的 12 个月", stats.period),
        _ => format!("{} 月", stats.period),
    };
    view! {
        <section aria-labelledby="figures-title">
            <h2 id="figures-title">{format!("{scope}评价情况")}</h2>
            <dl class="facts figures">
                <dt>"评价数"</dt><dd>{s.ratings}</dd>
                <dt>"满意率"</dt><dd>{percent(s.satisfaction_rate)}</dd>
                <dt>"差评数"</dt><dd>{s.bad}</dd>
                <dt>"差评回访率"</dt><dd>{percent(s.callback_rate)}</dd>
                <dt>"差评整改率"</dt><dd>{percent(s.rectification_rate)}</dd>
            </dl>
            <p class="field__hint">"满意率＝“基本满意”及以上的评价占比；回访率、整改率＝按时回访、按时整改答复的差评占差评的比例。"</p>
            {if stats.items.is_empty() {
                view! { <p>"本期还没有评价。"</p> }.into_any()
            } else {
                view! {
                    <SatisfactionChart rows=stats.items.clone() label=stats.group.label() />
                    <StatsTable rows=stats.items.clone() label=stats.group.label() />
                }.into_any()
            }}
            <p><a href=csv download>"下载 CSV 数据"</a></p>
        </section>
    }
}

fn csv_link(stats: &RatingStats) -> String {
    let mut link = format!(
        "/api/v1/ratings/stats?format=csv&group={}&period={}",
        stats.group.as_str(),
        stats.period
    );
    if let Some(hall) = &stats.hall {
        link.push_str(&format!("&hall={hall}"));
    }
    if let Some(department) = &stats.department {
        link.push_str(&format!("&department={department}"));
    }
    link
}

/// A horizontal bar per row, drawn on the server: readable without JavaScript, with the numbers
/// as text in the bars' labels and the table below as its text alternative.
#[component]
fn SatisfactionChart(rows: Vec<StatsRow>, label: &'static str) -> impl IntoView {
    const ROW: usize = 28;
    const LABEL: f64 = 150.0;
    const BAR: f64 = 170.0;
    let height = rows.len() * ROW + 8;
    let summary = rows
        .iter()
        .map(|r| format!("{} {}", r.name, percent(r.satisfaction_rate)))
        .collect::<Vec<_>>()
        .join("，");
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 360 {height}") width="100%" role="img"
                aria-label=format!("各{label}满意率：{summary}")>
                {rows.into_iter().enumerate().map(|(i, row)| {
                    let y = (i * ROW) as f64 + 4.0;
                    let width = row.satisfaction_rate.unwrap_or(0.0) * BAR;
                    let name: String = row.name.chars().take(9).collect();
                    view! {
                        <g>
                            <text x="0" y=y + 16.0 class="chart__label">{name}</text>
                            <rect x=LABEL y=y width=BAR height="20" class="chart__track" />
                            <rect x=LABEL y=y width=width height="20" class="chart__bar" />
                            <text x=LABEL + BAR + 4.0 y=y + 16.0 class="chart__value">{percent(row.satisfaction_rate)}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
            <figcaption>{format!("各{label}满意率（数据见下表）")}</figcaption>
        </figure>
    }
}

#[component]
fn StatsTable(rows: Vec<StatsRow>, label: &'static str) -> impl IntoView {
    view! {
        <div>
            <table class="table">
                <caption class="visually-hidden">{format!("按{label}的评价统计")}</caption>
                <thead><tr>
                    <th scope="col">{label}</th><th scope="col">"评价数"</th><th scope="col">"满意率"</th>
                    <th scope="col">"差评"</th><th scope="col">"回访率"</th><th scope="col">"整改率"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr>
                            <th scope="row">{r.name.clone()}</th>
                            <td data-label="评价数">{r.ratings}</td>
                            <td data-label="满意率">{percent(r.satisfaction_rate)}</td>
                            <td data-label="差评">{r.bad}</td>
                            <td data-label="回访率">{percent(r.callback_rate)}</td>
                            <td data-label="整改率">{percent(r.rectification_rate)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// `/ratings/new?case=` or `?ticket=`: the form for one case or booked ticket.
#[component]
pub fn RatePage() -> impl IntoView {
    let query = use_query_map();
    let feedback = use_feedback();
    // A refused post renders this page again without the query: the form kept its subject.
    let kept = crate::forms::kept_feedback_values();
    let subject = move || {
        let get = |name: &str, kept_as: &str| {
            query
                .with(|q| q.get(name))
                .filter(|v| !v.is_empty())
                .or_else(|| kept.get(kept_as).cloned().filter(|v| !v.is_empty()))
        };
        (get("case", "case_no"), get("ticket", "ticket_id"))
    };
    let offer = Resource::new_blocking(subject, |(case, ticket)| async move {
        load_rating_offer(case.clone(), ticket.clone())
            .await
            .map(|offer| offer.map(|offer| (offer, case, ticket)))
    });
    let signed_in = use_signed_in();
    view! {
        <Title text="评价本次服务" />
        <h1>"评价本次服务"</h1>
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let feedback = feedback.await.unwrap_or_default();
                let csrf = signed_in.await.ok().flatten().map(|s| s.csrf_token).unwrap_or_default();
                match offer.await {
                    Ok(Some((offer, case, ticket))) => {
                        let hidden = match (case, ticket) {
                            (Some(case), _) => ("case_no", case),
                            (None, Some(ticket)) => ("ticket_id", ticket),
                            (None, None) => ("case_no", String::new()),
                        };
                        view! {
                            <p class="lead">{offer.subject.clone()}</p>
                            {match (&offer.rated, offer.open) {
                                (Some(level), _) => view! {
                                    <p class="notice">{format!("您已评价：{level}。每项服务只评价一次。")}</p>
                                    <p><a href=paths::MY_RATINGS>"查看我的评价"</a></p>
                                }.into_any(),
                                (None, false) => view! { <p class="notice">{offer.reason.clone()}</p> }.into_any(),
                                (None, true) => view! {
                                    <RatingForm offer=offer.clone() feedback action=paths::action::RATE
                                        form=FormName::Rate csrf hidden level=None />
                                }.into_any(),
                            }}
                        }.into_any()
                    }
                    Ok(None) => view! {
                        <p class="notice">"请先" <a href=paths::login_then(paths::MY_RATINGS)>"登录"</a> "，再从办件页或排队号页面评价本人办理的服务。"</p>
                    }.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{crate::api::failure_message(&error)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The rating form: 整体满意度 in five levels with stars and words, each indicator 1–5, the 差评
/// reasons by indicator and a comment. `level` preselects the overall level (the tablet's first
/// screen chose it).
#[component]
fn RatingForm(
    offer: RatingOffer,
    feedback: FormFeedback,
    action: &'static str,
    form: FormName,
    csrf: String,
    hidden: (&'static str, String),
    level: Option<u8>,
) -> impl IntoView {
    let kept = |field: &str| feedback.value(form, field);
    let chosen_level = kept("level").parse::<u8>().ok().or(level).unwrap_or(0);
    let errors = |field: &str| feedback.errors_for(form, field).join("；");
    let level_error = errors("level");
    let reasons_error = errors("reasons");
    let comment_error = errors("comment");
    let kept_reasons: Vec<String> = kept("reasons").split(',').map(String::from).collect();
    let levels: Vec<(u8, String)> = offer
        .levels
        .iter()
        .enumerate()
        .map(|(i, label)| (i as u8 + 1, label.clone()))
        .rev()
        .collect();
    let indicator_rows = offer.indicators.clone();
    let reason_groups = offer.indicators.clone();
    view! {
        <ErrorSummary feedback=feedback.clone() form=form />
        <form method="post" action=action class="form rating-form" novalidate>
            <CsrfField token=csrf />
            <input type="hidden" name=hidden.0 value=hidden.1 />
            <fieldset class="choices rating-levels" aria-describedby=(!level_error.is_empty()).then_some("level-error")>
                <legend>"整体满意度"</legend>
                {(!level_error.is_empty()).then(|| view! { <p class="field__error" id="level-error">{level_error.clone()}</p> })}
                {levels.into_iter().map(|(value, label)| {
                    let id = if value == 5 { format!("{form}-level") } else { format!("{form}-level-{value}") };
                    let label_for = id.clone();
                    view! {
                        <label class="choice rating-level" for=label_for>
                            <input type="radio" id=id name="level" value=value.to_string() checked=chosen_level == value />
                            <span class="stars" aria-hidden="true">{"★".repeat(value as usize)}{"☆".repeat(5 - value as usize)}</span>
                            " "{label}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            {indicator_rows.into_iter().map(|indicator| {
                let field = format!("indicators.{}", indicator.code);
                let name = format!("indicator.{}", indicator.code);
                let error = errors(&field);
                let kept_score = kept(&field).parse::<u8>().ok().or(level).unwrap_or(0);
                view! {
                    <fieldset class="choices choices--row">
                        <legend>{indicator.label.clone()}</legend>
                        {(!error.is_empty()).then(|| view! { <p class="field__error">{error.clone()}</p> })}
                        {(1..=5u8).rev().map(|score| {
                            let id = if score == 5 {
                                format!("{form}-indicators-{}", indicator.code)
                            } else {
                                format!("{form}-indicators-{}-{score}", indicator.code)
                            };
                            let label_for = id.clone();
                            view! {
                                <label class="choice" for=label_for>
                                    <input type="radio" id=id name=name.clone() value=score.to_string() checked=kept_score == score />
                                    {format!("{score} 分")}
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                }
            }).collect_view()}
            <fieldset class="choices" id=format!("{form}-reasons") tabindex="-1">
                <legend>"差评原因（选择“不满意”或“非常不满意”时至少选一项）"</legend>
                {(!reasons_error.is_empty()).then(|| view! { <p class="field__error">{reasons_error.clone()}</p> })}
                {reason_groups.into_iter().map(|indicator| {
                    let kept_reasons = kept_reasons.clone();
                    view! {
                        <p class="reason-group">{indicator.label.clone()}</p>
                        {indicator.reasons.iter().map(|reason| {
                            let code = format!("{}.{}", indicator.code, reason.code);
                            let id = format!("{form}-reason-{}-{}", indicator.code, reason.code);
                    let label_for = id.clone();
                            view! {
                                <label class="choice" for=label_for>
                                    <input type="checkbox" id=id name="reasons" value=code.clone() checked=kept_reasons.contains(&code) />
                                    {reason.label.clone()}
                                </label>
                            }
                        }).collect_view()}
                    }
                }).collect_view()}
            </fieldset>
            <div class="field" class:field--invalid=!comment_error.is_empty()>
                <label for=format!("{form}-comment")>"意见建议（选填，不超过 500 字）"</label>
                {(!comment_error.is_empty()).then(|| view! { <p class="field__error">{comment_error.clone()}</p> })}
                <textarea id=format!("{form}-comment") name="comment" rows="3">{kept("comment")}</textarea>
            </div>
            <button type="submit" class="button">"提交评价"</button>
            <p class="field__hint">"评价自愿，不影响办理结果；每项服务只能评价一次，提交后不能修改。"</p>
        </form>
    }
}

/// `/me/ratings`: 我的评价, each with its rectification and, once answered, the re-rating.
#[component]
pub fn MyRatingsPage() -> impl IntoView {
    let list = Resource::new_blocking(|| (), |_| load_my_ratings());
    let feedback = use_feedback();
    let signed_in = use_signed_in();
    view! {
        <Title text="我的评价" />
        <h1>"我的评价"</h1>
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let feedback = feedback.await.unwrap_or_default();
                let csrf = signed_in.await.ok().flatten().map(|s| s.csrf_token).unwrap_or_default();
                match list.await {
                    Ok(Some(list)) => view! {
                        <ErrorSummary feedback=feedback.clone() form=FormName::ReRate />
                        <ErrorSummary feedback=feedback.clone() form=FormName::Rate />
                        {list.items.is_empty().then(|| view! { <p>"您还没有评价过。办件作出决定后，可在办件页评价。"</p> })}
                        <ul class="plain-list">
                            {list.items.into_iter().map(|r| view! { <RatingCard rating=r csrf=csrf.clone() /> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Ok(None) => view! { <p class="notice">"请先" <a href=paths::login_then(paths::MY_RATINGS)>"登录"</a> "。"</p> }.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{crate::api::failure_message(&error)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RatingCard(rating: RatingView, csrf: String) -> impl IntoView {
    let r = rating;
    let rectification = r.rectification.clone();
    let action = paths::action::RE_RATE.at(&r.id);
    let group = format!("re-rate-{}", r.id);
    view! {
        <li class="panel">
            <h2 class="appointment__title">{r.subject.clone()}</h2>
            <dl class="facts">
                <dt>"评价"</dt><dd>{format!("{}（{}）", r.level_label, "★".repeat(r.level as usize))}</dd>
                <dt>"时间"</dt><dd>{r.rated_at.china_minute()}</dd>
                {r.indicators.iter().map(|i| view! { <dt>{i.label.clone()}</dt><dd>{format!("{} 分", i.score)}</dd> }).collect_view()}
                {(!r.reasons.is_empty()).then(|| view! { <dt>"原因"</dt><dd>{r.reasons.join("；")}</dd> })}
                {r.comment.clone().map(|c| view! { <dt>"意见"</dt><dd>{c}</dd> })}
                {rectification.clone().map(|x| view! {
                    <dt>"整改"</dt><dd>{x.state_label.clone()}</dd>
                    {x.answer.clone().map(|a| view! { <dt>"答复"</dt><dd>{a}</dd> })}
                    {x.re_rating.map(|v| view! { <dt>"您对答复的评价"</dt><dd>{v.label()}</dd> })}
                })}
            </dl>
            {rectification.filter(|x| x.can_re_rate).map(|_| view! {
                <form method="post" action=action class="form">
                    <CsrfField token=csrf.clone() />
                    <fieldset class="choices choices--row">
                        <legend>"您对整改答复是否满意？"</legend>
                        {[("satisfied", "满意"), ("basically_satisfied", "基本满意"), ("unsatisfied", "不满意")].into_iter().map(|(value, label)| {
                            let id = format!("{group}-{value}");
                    let label_for = id.clone();
                            view! { <label class="choice" for=label_for><input type="radio" id=id name="result" value=value />{label}</label> }
                        }).collect_view()}
                    </fieldset>
                    <div class="field">
                        <label for=format!("{group}-comment")>"意见（选填）"</label>
                        <textarea id=format!("{group}-comment") name="comment" rows="2"></textarea>
                    </div>
                    <button type="submit" class="button">"提交"</button>
                </form>
            })}
        </li>
    }
}

/// `/rater`: the window's rating tablet. First five big buttons (links, so keys and touch both
/// work), then the indicators and, for a 差评, its reasons; it returns to waiting afterwards.
#[component]
pub fn RaterPage() -> impl IntoView {
    let screen = Resource::new_blocking(|| (), |_| load_rater_screen());
    let query = use_query_map();
    let feedback = use_feedback();
    view! {
        <Title text="服务评价" />
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let feedback = feedback.await.unwrap_or_default();
                let level = query.with(|q| q.get("level")).and_then(|l| l.parse::<u8>().ok()).filter(|l| (1..=5).contains(l));
                match screen.await {
                    Ok(Some(screen)) => view! { <RaterScreenView screen feedback level /> }.into_any(),
                    Ok(None) => view! {
                        <h1>"服务评价"</h1>
                        <p class="notice">"此页面只在窗口评价器上使用。请管理员在本设备上"<a href=paths::DEVICE_ACTIVATE>"登记设备"</a>"。"</p>
                    }.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{crate::api::failure_message(&error)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RaterScreenView(
    screen: RaterScreen,
    feedback: FormFeedback,
    level: Option<u8>,
) -> impl IntoView {
    let heading = format!("{} {} 号窗口", screen.hall_name, screen.window);
    let thanks = feedback.is_for(FormName::RaterRate) && feedback.success;
    let level = level.or_else(|| feedback.value(FormName::RaterRate, "level").parse().ok());
    let body = match (screen.ticket, thanks) {
        (_, true) => view! {
            <p class="notice notice--success" role="status">"感谢您的评价！"</p>
            <Refresh secs=8 to=paths::RATER.to_owned() />
        }
        .into_any(),
        (None, false) => view! {
            <p class="lead">"请在窗口办结业务后，对本次服务作出评价。"</p>
            <Refresh secs=10 to=paths::RATER.to_owned() />
        }
        .into_any(),
        (Some((ticket, offer)), false) => match level {
            None => {
                let levels: Vec<(u8, String)> = offer
                    .levels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| (i as u8 + 1, l.clone()))
                    .rev()
                    .collect();
                view! {
                    <p class="lead">{format!("{}，请您评价本次服务", offer.subject)}</p>
                    <ul class="rater-levels">
                        {levels.into_iter().map(|(value, label)| view! {
                            <li><a class="button button--big" href=format!("{}?level={value}", paths::RATER)>
                                <span class="stars" aria-hidden="true">{"★".repeat(value as usize)}</span>" "{label}
                            </a></li>
                        }).collect_view()}
                    </ul>
                    <p class="field__hint">"评价自愿，不评价也可以直接离开。"</p>
                }
                .into_any()
            }
            Some(level) => view! {
                <p class="lead">{offer.subject.clone()}</p>
                <RatingForm offer feedback action=paths::action::RATER form=FormName::RaterRate
                    csrf=String::new() hidden=("ticket_id", ticket) level=Some(level) />
                <p><a href=paths::RATER>"重新选择"</a></p>
            }
            .into_any(),
        },
    };
    view! {
        <h1>{heading}</h1>
        {body}
    }
}

//! 办事指南 (一单清): everything a person needs before applying, on one page that prints on A4.

use crate::api::catalog::{GuideView, load_guide};
use crate::components::catalog::{LoadedPage, chinese_date, promised_text};
use crate::paths;
use domain::catalog::{FileType, ItemGuide, ItemKind, Material, ReviewCheck};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

#[component]
pub fn GuidePage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let guide = Resource::new(code, load_guide);
    view! {
        <LoadedPage resource=guide title="办事指南" render=|view| view! { <Guide view /> } />
    }
}

#[component]
fn Guide(view: GuideView) -> impl IntoView {
    let GuideView { detail, estimate } = view;
    let guide = detail.guide;
    let description = format!(
        "{}办事指南：申请条件、{}项申请材料、办理流程、{}，{}。",
        guide.name,
        guide.materials.len(),
        promised_text(guide.promised_days),
        detail.department.name
    );
    let estimate_text = match guide.kind {
        ItemKind::Immediate => "即办件：材料齐全、符合法定形式的，当场办结。".to_owned(),
        ItemKind::Promised => format!(
            "今天申请，承诺 {} 个工作日，预计 {} 前办结。",
            estimate.working_days,
            chinese_date(estimate.due_date)
        ),
    };
    let fees = if guide.fees.is_empty() {
        "不收费".to_owned()
    } else {
        guide
            .fees
            .iter()
            .map(|f| format!("{} {}", f.name, yuan(f.amount_fen)))
            .collect::<Vec<_>>()
            .join("；")
    };
    let hall = detail.hall;
    let apply = paths::APPLY.at(&guide.code);

    view! {
        <Title text=format!("{}办事指南", guide.name) />
        <Meta name="description" content=description />
        <article class="guide">
            <nav class="breadcrumb" aria-label="当前位置">
                <a href=paths::HOME>"首页"</a>
                " › "
                <a href=paths::CATALOG>"办事服务"</a>
                " › "
                <span aria-current="page">{guide.name.clone()}</span>
            </nav>
            {view! {
            <header class="guide__header">
                <h1>{guide.name.clone()}</h1>
                <p class="guide__badges">
                    <span class="badge">{guide.kind.label()}</span>
                    <span class="badge">{format!("服务对象：{}", guide.applicant_type.label())}</span>
                    {guide.tags.iter().map(|t| view! { <span class="badge badge--tag">{t.label()}</span> }).collect_view()}
                </p>
                <p class="estimate" role="note">
                    {estimate_text}
                    {(!estimate.calendar_complete).then(|| view! {
                        <span class="estimate__note">"（所跨年份的节假日安排尚未发布，仅按周末推算）"</span>
                    })}
                </p>
                <p class="guide__actions no-print">
                    <a class="button" href=apply>"在线办理"</a>
                    <PrintButton what="指南".to_string() />
                    <ReadAloudButton target=".guide" />
                </p>
            </header>
            }.into_any()}

            {view! {
            <section aria-labelledby="basic">
                <h2 id="basic">"基本信息"</h2>
                <dl class="facts">
                    <dt>"实施部门"</dt><dd>{detail.department.name.clone()}</dd>
                    <dt>"受理分区"</dt><dd>{guide.zone.label()}</dd>
                    <dt>"法定时限"</dt><dd>{format!("{} 个工作日", guide.legal_days)}</dd>
                    <dt>"承诺时限"</dt><dd>{if guide.promised_days == 0 { "即办".to_owned() } else { format!("{} 个工作日", guide.promised_days) }}</dd>
                    <dt>"到现场次数"</dt><dd>{format!("{} 次", guide.visits)}</dd>
                    <dt>"收费"</dt><dd>{fees}</dd>
                </dl>
            </section>
            }.into_any()}

            {view! {
            <section aria-labelledby="conditions">
                <h2 id="conditions">"申请条件"</h2>
                <ol>{guide.conditions.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}</ol>
            </section>
            }.into_any()}

            {view! { <Materials guide=guide.clone() /> }.into_any()}

            {view! {
            <section aria-labelledby="steps">
                <h2 id="steps">"办理流程"</h2>
                <ol class="steps">
                    {guide.steps.iter().map(|s| view! {
                        <li>
                            <strong>{s.name.clone()}</strong>
                            {format!(
                                "（{}{}）",
                                if s.days == 0 { "当日".to_owned() } else { format!("{} 个工作日", s.days) },
                                if s.counted { "" } else { "，不计入办理时限" }
                            )}
                            {(!s.description.is_empty()).then(|| view! { <span class="steps__text">{s.description.clone()}</span> })}
                        </li>
                    }).collect_view()}
                </ol>
            </section>
            }.into_any()}

            {view! {
            <section aria-labelledby="basis">
                <h2 id="basis">"设定依据"</h2>
                {guide.legal_basis.iter().map(|b| view! {
                    <figure class="basis">
                        <figcaption>{format!("{}{}", b.title, b.article)}</figcaption>
                        <blockquote>{b.text.clone()}</blockquote>
                    </figure>
                }).collect_view()}
            </section>
            }.into_any()}

            {view! {
            <section aria-labelledby="where">
                <h2 id="where">"办理地点和时间"</h2>
                <dl class="facts">
                    <dt>"办理地点"</dt><dd>{format!("{}（{}）", hall.name, hall.address)}</dd>
                    <dt>"办理窗口"</dt><dd>{guide.windows.clone()}</dd>
                    <dt>"工作日"</dt><dd>{hall.hours.weekday_line()}</dd>
                    <dt>"午间延时"</dt><dd>{hall.hours.noon_line()}</dd>
                    <dt>"周末"</dt><dd>{hall.hours.weekend_line()}</dd>
                    <dt>"咨询电话"</dt><dd><a href=format!("tel:{}", guide.consult_phone)>{guide.consult_phone.clone()}</a></dd>
                    <dt>"投诉电话"</dt><dd><a href=format!("tel:{}", guide.complaint_phone)>{guide.complaint_phone.clone()}</a></dd>
                </dl>
            </section>
            }.into_any()}

            {(!guide.faq.is_empty()).then(|| view! {
                <section aria-labelledby="faq">
                    <h2 id="faq">"常见问题"</h2>
                    <dl class="faq">
                        {guide.faq.iter().map(|f| view! {
                            <dt>{f.question.clone()}</dt>
                            <dd>{f.answer.clone()}</dd>
                        }).collect_view()}
                    </dl>
                </section>
            }.into_any())}

            // The codes matter to staff and systems, not to the reader: last, not first.
            <section aria-labelledby="more">
                <h2 id="more">"更多信息"</h2>
                <dl class="facts">
                    <dt>"实施编码"</dt><dd>{guide.code.clone()}</dd>
                    <dt>"基本编码"</dt><dd>{guide.basic_code.clone()}</dd>
                    <dt>"业务办理项编码"</dt><dd>{guide.business_code.clone()}</dd>
                    <dt>"事项版本"</dt><dd>{format!("第 {} 版", guide.version)}</dd>
                </dl>
            </section>
        </article>
    }
}

/// 朗读: reads `target`'s text aloud (public/read-aloud.js shows it; hidden without JavaScript).
#[component]
pub(crate) fn ReadAloudButton(target: &'static str) -> impl IntoView {
    view! {
        <button type="button" class="button--secondary no-print" data-read-aloud=target hidden>
            "朗读"
        </button>
    }
}

#[component]
fn Materials(guide: ItemGuide) -> impl IntoView {
    view! {
        <section aria-labelledby="materials">
            <h2 id="materials">{format!("申请材料（{} 项）", guide.materials.len())}</h2>
            <ol class="materials">
                {guide.materials.into_iter().map(|m| view! { <MaterialEntry material=m /> }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn MaterialEntry(material: Material) -> impl IntoView {
    let types: Vec<&str> = material
        .file_types
        .iter()
        .map(|t: &FileType| t.label())
        .collect();
    let points = material.review_points.clone();
    view! {
        <li class="material">
            <h3 class="material__name">{material.name.clone()}</h3>
            <p class="material__facts">
                {format!(
                    "{} · {} 份 · {} · {} · {}，不超过 {} MB",
                    if material.required { "必要" } else { "非必要" },
                    material.copies,
                    material.form.label(),
                    material.source.label(),
                    types.join("/"),
                    material.max_size_mb,
                )}
            </p>
            {material.shared_licence.clone().map(|licence| view! {
                <p class="flag flag--shared">{format!("免提交：已办理的可从电子证照库自动获取（{licence}）")}</p>
            })}
            {material.deferrable.then(|| view! {
                <p class="flag flag--deferred">"容缺受理：可先受理，在承诺的日期前补交"</p>
            })}
            {material.commitment.clone().map(|text| view! {
                <details class="flag flag--commitment">
                    <summary>"告知承诺：可签署承诺书代替本材料"</summary>
                    <p>{text}</p>
                </details>
            })}
            {(!material.note.is_empty()).then(|| view! { <p class="material__note">{material.note.clone()}</p> })}
            {(material.template.is_some() || material.sample.is_some()).then(|| view! {
                <p class="material__files">
                    {material.template.clone().map(|href| view! { <a href=href>{format!("下载空白模板：{}", material.name)}</a> })}
                    " "
                    {material.sample.clone().map(|href| view! { <a href=href>{format!("查看填写范本：{}", material.name)}</a> })}
                </p>
            })}
            {(!points.is_empty()).then(|| view! {
                <div class="review-points">
                    <p class="review-points__title">"审查要点"</p>
                    <ul>
                        {points.into_iter().map(|p| view! {
                            <li>
                                {p.text}
                                <span class="review-points__check">
                                    {match p.check { ReviewCheck::Automatic => "（系统自动核验）", ReviewCheck::Manual => "（窗口人工审查）" }}
                                </span>
                            </li>
                        }).collect_view()}
                    </ul>
                </div>
            })}
        </li>
    }
}

/// Printing needs no button (the browser's own print works and the print style sheet applies),
/// but once the WASM runs a button makes it one click. `what` names the page: 指南, 回执.
#[island]
pub(crate) fn PrintButton(what: String) -> impl IntoView {
    let label = format!("打印{what}");
    let hint = format!("按 Ctrl+P（手机用浏览器菜单）即可打印本{what}");
    let hydrated = RwSignal::new(false);
    Effect::new(move || hydrated.set(true));
    view! {
        <Show
            when=move || hydrated.get()
            fallback=move || view! { <span class="hint">{hint.clone()}</span> }
        >
            <button
                type="button"
                class="button--secondary"
                on:click=move |_| {
                    #[cfg(feature = "hydrate")]
                    {
                        let _ = window().print();
                    }
                }
            >
                {label.clone()}
            </button>
        </Show>
    }
}

fn yuan(fen: i64) -> String {
    if fen % 100 == 0 {
        format!("{} 元", fen / 100)
    } else {
        format!("{}.{:02} 元", fen / 100, fen % 100)
    }
}

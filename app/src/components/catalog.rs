//! Pieces the catalog, guide and package pages share.

use crate::paths;
use domain::catalog::ItemSummary;
use leptos::prelude::*;

/// `2026-10-09` as people write it: 2026年10月9日.
pub fn chinese_date(date: time::Date) -> String {
    format!(
        "{}年{}月{}日",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// "承诺 N 个工作日" or "即办" for a time limit.
pub fn promised_text(days: u32) -> String {
    if days == 0 {
        "即办".to_owned()
    } else {
        format!("承诺 {days} 个工作日")
    }
}

/// One line of a catalog list, with the two actions a reader wants: read, or apply.
#[component]
pub fn ItemCard(item: ItemSummary) -> impl IntoView {
    let guide = paths::GUIDE.at(&item.code);
    let apply = paths::APPLY.at(&item.code);
    let tags = item
        .tags
        .iter()
        .map(|t| t.label())
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <li class="item-card">
            <h3 class="item-card__title">
                <a href=guide.clone()>{item.name.clone()}</a>
            </h3>
            <p class="item-card__meta">
                {format!(
                    "{} · {} · {} · {} · 到现场 {} 次",
                    item.department_name,
                    item.zone.label(),
                    item.kind.label(),
                    promised_text(item.promised_days),
                    item.visits,
                )}
            </p>
            <p class="item-card__tags">{tags}</p>
            <p class="item-card__actions">
                <a class="button button--secondary" href=guide>
                    "查看指南"
                    <span class="visually-hidden">{format!("：{}", item.name)}</span>
                </a>
                <a class="button" href=apply>
                    "在线办理"
                    <span class="visually-hidden">{format!("：{}", item.name)}</span>
                </a>
            </p>
        </li>
    }
}

/// A page showing one thing looked up by its address: the page itself, 页面不存在 (with HTTP
/// 404) when there is no such thing, or 系统繁忙 when loading failed.
#[component]
pub fn LoadedPage<T, F, V>(
    resource: Resource<Result<Option<T>, ServerFnError>>,
    /// The title when loading failed.
    title: &'static str,
    render: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(Some(data)) => render(data).into_any(),
                        Ok(None) => view! { <crate::pages::NotFoundPage /> }.into_any(),
                        Err(error) => view! {
                            <leptos_meta::Title text=title />
                            <p class="notice" role="alert">{crate::api::failure_message(&error)}</p>
                        }
                        .into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

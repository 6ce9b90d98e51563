//! Pieces the catalog, guide and package pages share.

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
    let guide = format!("/items/{}", item.code);
    let apply = format!("/apply/{}", item.code);
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

//! 办事服务: the catalog by 个人 / 法人, life-event topic, department, zone and service mode,
//! and 搜索即服务. Every filter is a plain link and the search a GET form, so the page works
//! without JavaScript and every view has its own address.

use crate::api::catalog::{CatalogView, load_catalog};
use crate::components::catalog::ItemCard;
use crate::paths;
use domain::catalog::{RawItemFilter, ServiceTag, Zone};
use domain::paging::Page;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

/// The filter keys, in the order they appear in links.
const KEYS: [&str; 6] = ["q", "applicant_type", "department", "zone", "tag", "topic"];

#[derive(Clone, Debug, Default, PartialEq)]
struct Selection {
    values: Vec<(&'static str, String)>,
    page: Option<String>,
}

impl Selection {
    fn get(&self, key: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }

    fn raw_filter(&self) -> RawItemFilter {
        let get = |key| self.get(key).map(str::to_owned);
        RawItemFilter {
            q: get("q"),
            applicant_type: get("applicant_type"),
            department: get("department"),
            zone: get("zone"),
            tag: get("tag"),
            topic: get("topic"),
        }
    }

    /// The address of this selection with `key` set to `value` (or removed), back on page 1.
    fn href_with(&self, key: &str, value: Option<&str>) -> String {
        let mut pairs: Vec<(String, String)> = self
            .values
            .iter()
            .filter(|(k, _)| *k != key)
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        if let Some(value) = value {
            pairs.push((key.to_owned(), value.to_owned()));
        }
        pairs.sort_by_key(|(k, _)| KEYS.iter().position(|x| x == k));
        href(paths::CATALOG, &pairs)
    }

    fn href_page(&self, page: u32) -> String {
        let mut pairs: Vec<(String, String)> = self
            .values
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        pairs.push(("page".into(), page.to_string()));
        href(paths::CATALOG, &pairs)
    }
}

fn href(path: &str, pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return path.to_owned();
    }
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    format!("{path}?{}", query.join("&"))
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
pub fn CatalogPage() -> impl IntoView {
    let query = use_query_map();
    let selection = Memo::new(move |_| {
        query.with(|q| Selection {
            values: KEYS
                .iter()
                .filter_map(|key| {
                    q.get(key)
                        .filter(|v| !v.trim().is_empty())
                        .map(|v| (*key, v.trim().to_owned()))
                })
                .collect(),
            page: q.get("page"),
        })
    });
    let data = Resource::new(
        move || selection.get(),
        |selection| load_catalog(selection.raw_filter(), selection.page.clone()),
    );

    view! {
        <Meta name="description" content="按个人、法人、主题、部门、分区和服务方式浏览政务服务事项，或直接搜索。" />
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let selection = selection.get();
                match data.await {
                    Ok(view) => view! { <Catalog view selection /> }.into_any(),
                    Err(error) => view! {
                        <Title text="办事服务" />
                        <p class="notice" role="alert">{crate::api::failure_message(&error)}</p>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Catalog(view: CatalogView, selection: Selection) -> impl IntoView {
    let query_text = selection.get("q").unwrap_or_default().to_owned();
    let heading = if query_text.is_empty() {
        "办事服务".to_owned()
    } else {
        format!("“{query_text}”的搜索结果")
    };
    let hidden_filters: Vec<(&str, String)> = selection
        .values
        .iter()
        .filter(|(k, _)| *k != "q")
        .cloned()
        .collect();
    let applicant = [
        ("全部", None),
        ("个人办事", Some("person")),
        ("法人办事", Some("business")),
    ];
    let zones: Vec<(String, Option<String>)> = Zone::ALL
        .iter()
        .map(|z| (z.label().to_owned(), Some(z.as_str().to_owned())))
        .collect();
    let tags: Vec<(String, Option<String>)> = ServiceTag::ALL
        .iter()
        .map(|t| (t.label().to_owned(), Some(t.as_str().to_owned())))
        .collect();
    let departments: Vec<(String, Option<String>)> = view
        .departments
        .iter()
        .map(|d| (d.name.clone(), Some(d.code.clone())))
        .collect();
    let topics: Vec<(String, Option<String>)> = view
        .topics
        .iter()
        .map(|t| (t.clone(), Some(t.clone())))
        .collect();
    let packages = view.packages.clone();
    let show_packages = selection.values.is_empty();
    let active_filters = ["applicant_type", "topic", "tag", "zone", "department"]
        .into_iter()
        .filter(|key| selection.get(key).is_some())
        .count();

    view! {
        <Title text=heading.clone() />
        <h1>{heading}</h1>
        <form class="search search--inline" action=paths::CATALOG method="get" role="search">
            <label for="catalog-q">"搜索办事事项"</label>
            <div class="search__row">
                <input id="catalog-q" name="q" type="search" value=query_text placeholder="事项、材料或部门" />
                {hidden_filters
                    .into_iter()
                    .map(|(k, v)| view! { <input type="hidden" name=k value=v /> })
                    .collect_view()}
                <button type="submit">"搜索"</button>
            </div>
        </form>
        <div class="catalog">
            // One disclosure, closed on a phone so the results come first; open as a column on
            // a wide screen.
            <details class="catalog__filters">
                <summary class="button button--secondary">
                    {match active_filters {
                        0 => "筛选条件".to_owned(),
                        n => format!("筛选条件（已选 {n} 项）"),
                    }}
                </summary>
                <FilterGroup
                    title="服务对象"
                    key="applicant_type"
                    options=applicant.iter().map(|(l, v)| (l.to_string(), v.map(str::to_owned))).collect()
                    selection=selection.clone()
                    all=false
                />
                <FilterGroup title="主题" key="topic" options=topics selection=selection.clone() all=true />
                <FilterGroup title="服务方式" key="tag" options=tags selection=selection.clone() all=true />
                <FilterGroup title="分区" key="zone" options=zones selection=selection.clone() all=true />
                <FilterGroup title="部门" key="department" options=departments selection=selection.clone() all=true />
            </details>
            <section class="catalog__results" aria-labelledby="results-title">
                {show_packages.then(|| view! {
                    <h2 id="packages-title">"一件事一次办"</h2>
                    <ul class="package-links">
                        {packages.into_iter().map(|p| view! {
                            <li><a href=paths::PACKAGE.at(&p.id)>{p.name}</a></li>
                        }).collect_view()}
                    </ul>
                })}
                <Results results=view.results selection />
            </section>
        </div>
    }
}

#[component]
fn FilterGroup(
    title: &'static str,
    key: &'static str,
    options: Vec<(String, Option<String>)>,
    selection: Selection,
    /// Whether to offer a "不限" link that clears this filter.
    all: bool,
) -> impl IntoView {
    let current = selection.get(key).map(str::to_owned);
    let mut links = Vec::new();
    if all {
        links.push(("不限".to_owned(), None));
    }
    links.extend(options);
    view! {
        <nav class="filter" aria-label=title>
            <h2 class="filter__title">{title}</h2>
            <ul>
                {links
                    .into_iter()
                    .map(|(label, value)| {
                        let active = value == current;
                        let target = selection.href_with(key, value.as_deref());
                        view! {
                            <li>
                                <a href=target aria-current=active.then_some("true")>{label}</a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}

#[component]
fn Results(
    results: Result<Page<domain::catalog::ItemSummary>, domain::errors::FieldErrors>,
    selection: Selection,
) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if results.is_err()
        && let Some(response) = use_context::<leptos_axum::ResponseOptions>()
    {
        response.set_status(http::StatusCode::BAD_REQUEST);
    }
    match results {
        Err(errors) => view! {
            <div class="error-summary" role="alert">
                <h2 id="results-title">"筛选条件有误"</h2>
                <ul>
                    {errors.iter().map(|(field, messages)| view! {
                        <li>{format!("{}：{}", field_label(field), messages.join("；"))}</li>
                    }).collect_view()}
                </ul>
                <p><a href=paths::CATALOG>"清除全部条件"</a></p>
            </div>
        }
        .into_any(),
        Ok(page) if page.items.is_empty() => view! {
            <h2 id="results-title">"没有找到相关事项"</h2>
            <p>"请换一个说法试试，例如“营业执照”“出生证明”“房屋过户”，或拨打 12345 咨询。"</p>
        }
        .into_any(),
        Ok(page) => {
            let last = page.last_page();
            let current = page.page;
            view! {
                <h2 id="results-title">{format!("共 {} 个事项", page.total)}</h2>
                <ul class="item-list">
                    {page.items.into_iter().map(|item| view! { <ItemCard item /> }).collect_view()}
                </ul>
                {(last > 1).then(|| view! {
                    <nav class="pagination" aria-label="分页">
                        {(current > 1).then(|| view! {
                            <a href=selection.href_page(current - 1) rel="prev">"上一页"</a>
                        })}
                        <span>{format!("第 {current} / {last} 页")}</span>
                        {(current < last).then(|| view! {
                            <a href=selection.href_page(current + 1) rel="next">"下一页"</a>
                        })}
                    </nav>
                })}
            }
            .into_any()
        }
    }
}

fn field_label(field: &str) -> &str {
    match field {
        "q" => "搜索词",
        "applicant_type" => "服务对象",
        "zone" => "分区",
        "tag" => "服务方式",
        "page" => "页码",
        "page_size" => "每页条数",
        other => other,
    }
}

//! 一件事: the member items, the lead department, and the merged material list (一套材料).

use crate::api::catalog::load_package;
use crate::components::catalog::{ItemCard, LoadedPage, promised_text};
use crate::paths;
use domain::catalog::PackageDetail;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

#[component]
pub fn PackagePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let package = Resource::new(id, load_package);
    view! {
        <LoadedPage resource=package title="一件事" render=|detail| view! { <Package detail /> } />
    }
}

#[component]
fn Package(detail: PackageDetail) -> impl IntoView {
    let PackageDetail {
        package,
        lead_department_name,
        members,
        materials,
    } = detail;
    let staged = package.members.iter().any(|m| m.stage.is_some());
    let stage_of = |code: &str| {
        package
            .members
            .iter()
            .find(|m| m.item_code == code)
            .and_then(|m| m.stage.clone())
    };
    let mut stages: Vec<(Option<String>, Vec<domain::catalog::ItemSummary>)> = Vec::new();
    for item in members {
        let stage = stage_of(&item.code);
        match stages.iter_mut().find(|(s, _)| *s == stage) {
            Some((_, items)) => items.push(item),
            None => stages.push((stage, vec![item])),
        }
    }
    view! {
        <Title text=package.name.clone() />
        <Meta name="description" content=package.description.clone() />
        <nav class="breadcrumb" aria-label="当前位置">
            <a href=paths::HOME>"首页"</a>
            " › "
            <a href=paths::CATALOG>"办事服务"</a>
            " › "
            <span aria-current="page">{package.name.clone()}</span>
        </nav>
        <h1>{package.name.clone()}</h1>
        <p class="lead">{package.description.clone()}</p>
        <dl class="facts">
            <dt>"牵头部门"</dt><dd>{lead_department_name}</dd>
            <dt>"服务对象"</dt><dd>{package.applicant_type.label()}</dd>
            <dt>"办理时限"</dt><dd>{promised_text(package.promised_days)}</dd>
            <dt>"包含事项"</dt><dd>{format!("{} 项，一表申请、一套材料", package.members.len())}</dd>
        </dl>
        <p><a class="button" href=paths::APPLY_PACKAGE.at(&package.id)>"在线办理这件事"</a></p>

        <section aria-labelledby="members">
            <h2 id="members">"包含的事项"</h2>
            {stages.into_iter().map(|(stage, items)| view! {
                {(staged).then(|| view! { <h3>{stage.clone().unwrap_or_default()}</h3> })}
                <ul class="item-list">
                    {items.into_iter().map(|item| view! { <ItemCard item /> }).collect_view()}
                </ul>
            }).collect_view()}
        </section>

        <section aria-labelledby="merged">
            <h2 id="merged">{format!("一套材料（合并后 {} 项）", materials.len())}</h2>
            <p>"几个事项都要的材料只需提交一次。"</p>
            <table class="merged">
                <caption class="visually-hidden">"合并后的申请材料"</caption>
                <thead>
                    <tr><th scope="col">"材料"</th><th scope="col">"用于"</th><th scope="col">"说明"</th></tr>
                </thead>
                <tbody>
                    {materials.into_iter().map(|m| {
                        let mut notes = Vec::new();
                        notes.push(if m.required { "必要" } else { "非必要" }.to_owned());
                        if let Some(licence) = &m.shared_licence {
                            notes.push(format!("免提交（电子证照：{licence}）"));
                        }
                        if m.deferrable { notes.push("可容缺".into()); }
                        if m.commitment_allowed { notes.push("可告知承诺".into()); }
                        view! {
                            <tr>
                                <th scope="row">{m.name}</th>
                                <td>{m.needed_by.join("、")}</td>
                                <td>{notes.join("；")}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

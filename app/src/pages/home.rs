//! 首页: search first (搜索即服务), then the two doors — 个人办事 and 法人办事.

use crate::api::catalog::load_packages;
use crate::paths;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// The steps of one online case, as the reform promises them.
const JOURNEY: [(&str, &str); 6] = [
    ("查指南", "一次告知所需材料、条件和时限"),
    ("在线申请", "一张表单、一套材料"),
    ("智能预审", "所有问题一次列明"),
    ("受理审批", "全程留痕，进度可查"),
    ("统一出件", "邮寄到家或窗口领取"),
    ("好差评", "一事一评，差评必改"),
];

#[component]
pub fn HomePage() -> impl IntoView {
    let packages = Resource::new(|| (), |_| load_packages());
    view! {
        <Title text="首页" />
        <Meta
            name="description"
            content="一网通办：查找办事指南、在线申请、预约取号、查询办件进度、评价政务服务。"
        />
        <section class="hero" aria-labelledby="hero-title">
            <h1 id="hero-title">"一网通办，最多跑一次"</h1>
            <form class="search" action=paths::CATALOG method="get" role="search">
                <label for="search-q">"搜索办事事项"</label>
                <div class="search__row">
                    <input
                        id="search-q"
                        name="q"
                        type="search"
                        placeholder="如：营业执照"
                        autocomplete="off"
                        required
                    />
                    <button type="submit">"搜索"</button>
                </div>
            </form>
        </section>

        <section class="doors" aria-labelledby="doors-title">
            <h2 id="doors-title">"我要办事"</h2>
            <ul class="doors__list">
                <li>
                    <a class="door" href=format!("{}?applicant_type=person", paths::CATALOG)>
                        <span class="door__title">"个人办事"</span>
                        <span class="door__text">"户籍、社保、医保、婚育、不动产等"</span>
                    </a>
                </li>
                <li>
                    <a class="door" href=format!("{}?applicant_type=business", paths::CATALOG)>
                        <span class="door__title">"法人办事"</span>
                        <span class="door__text">"企业开办、经营许可、工程建设等"</span>
                    </a>
                </li>
            </ul>
        </section>

        <section aria-labelledby="packages-title">
            <h2 id="packages-title">"一件事一次办"</h2>
            <Suspense>
                {move || Suspend::new(async move {
                    packages.await.ok().map(|packages| view! {
                        <ul class="package-links">
                            {packages.into_iter().map(|p| view! {
                                <li><a href=paths::PACKAGE.at(&p.id)>{p.name}</a></li>
                            }).collect_view()}
                        </ul>
                    })
                })}
            </Suspense>
            <p><a href=paths::HALLS>"服务大厅地址和时间"</a></p>
        </section>

        <section class="journey" aria-labelledby="journey-title">
            <h2 id="journey-title">"网上办事怎么办"</h2>
            <ol class="journey__steps">
                {JOURNEY
                    .into_iter()
                    .map(|(step, text)| {
                        view! {
                            <li>
                                <strong>{step}</strong>
                                <span>{text}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
    }
}

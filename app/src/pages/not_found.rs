//! 页面不存在, with the right HTTP status when rendered on the server.

use crate::paths;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="页面不存在" />
        <section class="notice">
            <h1>"页面不存在"</h1>
            <p>"您访问的页面不存在或已经移动。"</p>
            <p>
                <a href=paths::HOME>"返回首页"</a>
                "，或在首页搜索您要办理的事项。"
            </p>
        </section>
    }
}

//! 无障碍说明: what the portal does for readers with disabilities and older readers.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn AccessibilityPage() -> impl IntoView {
    view! {
        <Title text="无障碍说明" />
        <Meta name="description" content="本网站的无障碍与适老化设计说明及问题反馈方式。" />
        <article class="prose">
            <h1>"无障碍说明"</h1>
            <p>
                "本网站按照《信息技术 互联网内容无障碍可访问性技术要求与测试方法》(GB/T 37668) "
                "和《互联网网站适老化通用设计规范》设计，力求人人都能顺利办事。"
            </p>
            <h2>"适老化模式"</h2>
            <p>
                "点击页面顶部或底部的“适老化模式”，页面将使用更大的字号、更高的对比度和更大的按钮。"
                "您的选择会被记住，再次访问时无需重新设置；再次点击即可退出。"
            </p>
            <h2>"键盘与读屏"</h2>
            <ul>
                <li>"每个页面开头都有“跳到主要内容”链接，按 Tab 键即可看到。"</li>
                <li>"所有功能均可只用键盘操作，当前焦点有清晰的边框。"</li>
                <li>"页面使用标准的页眉、导航、主要内容和页脚区域，便于读屏软件跳转。"</li>
                <li>"表单的每个输入项都有文字标签，出错时提示会指明具体的输入项。"</li>
            </ul>
            <h2>"无需脚本"</h2>
            <p>"即使浏览器关闭了 JavaScript，查询、申请和预约等功能也都可以正常使用。"</p>
            <h2>"问题反馈"</h2>
            <p>"如果您在使用中遇到障碍，请拨打页面底部的服务热线告诉我们，我们会尽快改进。"</p>
        </article>
    }
}

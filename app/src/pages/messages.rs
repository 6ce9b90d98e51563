//! 站内信: what the portal told the person about their cases and drafts, newest first.

use crate::api::applications::load_inbox;
use crate::components::layout::use_signed_in;
use crate::components::time::When;
use crate::forms::{CsrfField, ErrorSummary, FormName, use_feedback};
use crate::paths;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MessagesPage() -> impl IntoView {
    let inbox = Resource::new_blocking(|| (), |_| load_inbox());
    let signed_in = use_signed_in();
    let feedback = use_feedback();
    view! {
        <Title text="我的消息" />
        <h1>"我的消息"</h1>
        <Suspense>
            {move || Suspend::new(async move {
                let csrf = signed_in.await.ok().flatten().map(|s| s.csrf_token).unwrap_or_default();
                let feedback = feedback.await.unwrap_or_default();
                let summary = view! { <ErrorSummary feedback form=FormName::Messages /> };
                let list = match inbox.await {
                    Ok(Some(inbox)) if inbox.items.is_empty() => view! {
                        <p>"暂无消息。提交申请、需要补正或草稿即将过期时，我们会在这里通知您。"</p>
                    }.into_any(),
                    Ok(Some(inbox)) => view! {
                        <p>{format!("共 {} 条，未读 {} 条。", inbox.total, inbox.unread)}</p>
                        <ul class="messages">
                            {inbox.items.into_iter().map(|message| {
                                let action = paths::action::MARK_READ.at(&message.id);
                                view! {
                                    <li class="panel message" class:message--unread=!message.read>
                                        <h2 class="message__title">
                                            {(!message.read).then(|| view! { <span class="badge">"未读"</span> " " })}
                                            {message.title}
                                        </h2>
                                        <p class="muted"><When at=message.created_at/></p>
                                        <p>{message.body}</p>
                                        {message.link.map(|link| view! { <p><a href=link>"查看详情"</a></p> })}
                                        {(!message.read).then(|| view! {
                                            <form method="post" action=action class="inline-form">
                                                <CsrfField token=csrf.clone() />
                                                <button type="submit" class="button button--link">"标为已读"</button>
                                            </form>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Ok(None) => view! {
                        <p class="notice">"请先登录后查看消息。"</p>
                        <p><a class="button" href=paths::login_then(paths::MESSAGES)>"登录"</a></p>
                    }.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{crate::api::failure_message(&error)}</p> }.into_any(),
                };
                view! { {summary} {list} }
            })}
        </Suspense>
    }
}

//! 服务大厅: the three levels of halls, with hours, 午间延时 and weekend "5+X" service.

use crate::api::catalog::load_halls;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn HallsPage() -> impl IntoView {
    let halls = Resource::new(|| (), |_| load_halls());
    view! {
        <Title text="服务大厅" />
        <Meta name="description" content="市、区、镇街三级政务服务大厅的地址、服务时间、午间延时和周末“5+X”延时服务。" />
        <h1>"服务大厅"</h1>
        <p class="lead">"工作日午间不打烊，周末提供“5+X”延时服务；就近的便民服务中心也能办理常用事项。"</p>
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match halls.await {
                    Ok(halls) => view! {
                        <ul class="halls">
                            {halls.into_iter().map(|hall| view! {
                                <li class="hall">
                                    <h2>{hall.name.clone()}</h2>
                                    <p class="badge">{hall.level.label()}</p>
                                    <dl class="facts">
                                        <dt>"地址"</dt><dd>{hall.address.clone()}</dd>
                                        <dt>"电话"</dt><dd><a href=format!("tel:{}", hall.phone)>{hall.phone.clone()}</a></dd>
                                        <dt>"工作日"</dt><dd>{hall.hours.weekday_line()}</dd>
                                        <dt>"午间延时"</dt><dd>{hall.hours.noon_line()}</dd>
                                        <dt>"周末"</dt><dd>{hall.hours.weekend_line()}</dd>
                                        <dt>"分区窗口"</dt>
                                        <dd>{hall.zones.iter().map(|z| format!("{} {} 个", z.zone.label(), z.windows)).collect::<Vec<_>>().join("，")}</dd>
                                        <dt>"交通"</dt><dd>{hall.transit.clone()}</dd>
                                    </dl>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{crate::api::failure_message(&error)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

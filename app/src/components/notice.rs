//! A case's notice (文书) as a printable document: title, number, addressee, body, the legal
//! basis, the remedy where there is one, the issuing body and date. The same for the applicant's
//! copy and the workbench's.

use crate::components::time::When;
use domain::notice::CaseNotice;
use leptos::prelude::*;

#[component]
pub fn NoticeDocument(notice: CaseNotice) -> impl IntoView {
    let heading_id = format!("notice-{}", notice.kind.as_str());
    let labelled_by = heading_id.clone();
    view! {
        <article class="notice-document" aria-labelledby=labelled_by>
            <h2 id=heading_id class="notice-document__title">{notice.title.clone()}</h2>
            <p class="notice-document__number">{format!("编号：{}", notice.number)}</p>
            <p>{format!("{}：", notice.addressee)}</p>
            {notice.paragraphs.iter().map(|paragraph| view! { <p class="notice-document__text">{paragraph.clone()}</p> }).collect_view()}
            {(!notice.commitments.is_empty()).then(|| view! {
                <table class="table">
                    <caption>"容缺材料及承诺补交日期"</caption>
                    <thead><tr><th scope="col">"材料"</th><th scope="col">"承诺补交日期"</th></tr></thead>
                    <tbody>
                        {notice.commitments.iter().map(|c| view! {
                            <tr><td data-label="材料">{c.material_name.clone()}</td><td data-label="承诺补交日期">{c.until.to_string()}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            <p>{format!("依据：{}", notice.legal_basis.join("；"))}</p>
            {notice.remedy.clone().map(|remedy| view! { <p>{remedy}</p> })}
            <p class="notice-document__issuer">{notice.issuer.clone()}</p>
            <p class="notice-document__issuer"><When at=notice.issued_at /></p>
        </article>
    }
}

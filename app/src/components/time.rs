//! Instants for people: the wire carries RFC 3339, pages show China time to the minute in a
//! `<time>` element that keeps the exact instant for machines and assistive technology.

use domain::instant::Instant;
use leptos::prelude::*;

/// `2026-12-01 14:21`, marked up as `<time datetime="2026-12-01T14:21:05+08:00">`.
#[component]
pub fn When(at: Instant) -> impl IntoView {
    view! { <time datetime=at.rfc3339()>{at.china_minute()}</time> }
}

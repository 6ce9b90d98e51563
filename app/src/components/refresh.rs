//! A page that goes somewhere by itself after a while: the ticket page keeps its position
//! current, a kiosk page returns to the start page when left idle. Without JavaScript a
//! `<meta http-equiv="refresh">` does it; with JavaScript a timer does, restarted by every key
//! press or touch, so nobody is moved on while they are using the page (WCAG 2.2.1).

use leptos::prelude::*;

/// Goes to `to` (or reloads, when empty) after `secs` without a key press or touch.
#[component]
pub fn Refresh(secs: u32, #[prop(optional)] to: String) -> impl IntoView {
    let content = if to.is_empty() {
        secs.to_string()
    } else {
        format!("{secs};url={to}")
    };
    view! {
        <noscript><meta http-equiv="refresh" content=content /></noscript>
        <RefreshTimer secs to />
    }
}

#[island]
fn RefreshTimer(secs: u32, to: String) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    browser::start(secs, to);
    #[cfg(not(feature = "hydrate"))]
    let _ = (secs, to);
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::Cell;
    use std::rc::Rc;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    pub fn start(secs: u32, to: String) {
        let last = Rc::new(Cell::new(js_sys::Date::now()));
        let document = leptos::prelude::document();
        for event in ["keydown", "pointerdown", "touchstart", "input"] {
            let last = last.clone();
            let on_activity = Closure::<dyn FnMut()>::new(move || last.set(js_sys::Date::now()));
            let _ = document
                .add_event_listener_with_callback(event, on_activity.as_ref().unchecked_ref());
            on_activity.forget();
        }
        let interval = gloo_timers::callback::Interval::new(1_000, move || {
            if js_sys::Date::now() - last.get() < f64::from(secs) * 1_000.0 {
                return;
            }
            let location = leptos::prelude::window().location();
            let _ = if to.is_empty() {
                location.reload()
            } else {
                location.assign(&to)
            };
        });
        interval.forget();
    }
}

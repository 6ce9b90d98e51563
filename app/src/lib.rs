//! The portal's user interface, in Simplified Chinese.
//!
//! Rendered on the server (`ssr`) so every page works with JavaScript disabled. Only the few
//! interactive parts are `#[island]` components that the browser hydrates (`hydrate`): the 适老化
//! switch, the live ID-number and credit-code checks, the print button. Everything else never
//! ships as WASM, which keeps the bundle small however many pages the portal grows. Server functions in [`api`] are thin
//! adapters over `service` and live under `/_sf`, apart from the public, versioned `/api/v1`.

pub mod api;
mod components;
mod display_mode;
pub mod forms;
mod live_form;
mod pages;
pub mod paths;
#[cfg(feature = "ssr")]
mod shell;

#[cfg(feature = "ssr")]
pub use shell::{CspNonce, shell};

use components::layout::Layout;
use leptos::prelude::*;
use leptos_meta::provide_meta_context;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};
use pages::{
    AccessibilityPage, ApplicationPage, ApplyPackagePage, ApplyStartPage, AppointmentPage,
    BookPage, CatalogPage, DeviceActivatePage, GuidePage, HallDisplayPage, HallsPage, HomePage,
    KioskCheckInPage, KioskPage, KioskTicketPage, LoginPage, MePage, MessagesPage,
    MyApplicationsPage, MyAppointmentsPage, MyRatingsPage, NotFoundPage, NoticesPage, PackagePage,
    ProgressPage, RatePage, RaterPage, RatingsPage, RectificationPage, RectificationsPage,
    RegisterPage, StaffCasePage, StaffDeskPage, StaffEnrolPage, StaffLoginPage, StaffNoticesPage,
    SupervisionPage, TicketPage, WindowDraftPage, WindowStartPage, WithdrawPage,
};

/// The application root, shared by the server renderer and the browser.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    display_mode::provide();
    components::layout::provide_site_info();
    components::layout::provide_signed_in();

    // `SsrMode::Async` renders each page completely before sending it, so readers without
    // JavaScript get whole pages rather than streamed placeholders.
    view! {
        <Router>
            <Layout>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/accessibility") view=AccessibilityPage ssr=SsrMode::Async />
                    <Route path=path!("/items") view=CatalogPage ssr=SsrMode::Async />
                    <Route path=path!("/items/:code") view=GuidePage ssr=SsrMode::Async />
                    <Route path=path!("/packages/:id") view=PackagePage ssr=SsrMode::Async />
                    <Route path=path!("/halls") view=HallsPage ssr=SsrMode::Async />
                    <Route path=path!("/halls/:id/display") view=HallDisplayPage ssr=SsrMode::Async />
                    <Route path=path!("/appointments") view=MyAppointmentsPage ssr=SsrMode::Async />
                    <Route path=path!("/appointments/new") view=BookPage ssr=SsrMode::Async />
                    <Route path=path!("/appointments/:id") view=AppointmentPage ssr=SsrMode::Async />
                    <Route path=path!("/queue/tickets/:id") view=TicketPage ssr=SsrMode::Async />
                    <Route path=path!("/ratings") view=RatingsPage ssr=SsrMode::Async />
                    <Route path=path!("/ratings/new") view=RatePage ssr=SsrMode::Async />
                    <Route path=path!("/me/ratings") view=MyRatingsPage ssr=SsrMode::Async />
                    <Route path=path!("/rater") view=RaterPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/rectifications") view=RectificationsPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/rectifications/:id") view=RectificationPage ssr=SsrMode::Async />
                    <Route path=path!("/kiosk/:hall_id") view=KioskPage ssr=SsrMode::Async />
                    <Route path=path!("/kiosk/:hall_id/ticket") view=KioskTicketPage ssr=SsrMode::Async />
                    <Route path=path!("/kiosk/:hall_id/check-in") view=KioskCheckInPage ssr=SsrMode::Async />
                    <Route path=path!("/devices/activate") view=DeviceActivatePage ssr=SsrMode::Async />
                    <Route path=path!("/apply/:code") view=ApplyStartPage ssr=SsrMode::Async />
                    <Route path=path!("/apply/package/:id") view=ApplyPackagePage ssr=SsrMode::Async />
                    <Route path=path!("/progress") view=ProgressPage ssr=SsrMode::Async />
                    <Route path=path!("/messages") view=MessagesPage ssr=SsrMode::Async />
                    <Route path=path!("/applications") view=MyApplicationsPage ssr=SsrMode::Async />
                    <Route path=path!("/applications/:id") view=ApplicationPage ssr=SsrMode::Async />
                    <Route path=path!("/applications/:id/withdraw") view=WithdrawPage ssr=SsrMode::Async />
                    <Route path=path!("/applications/:id/notices") view=NoticesPage ssr=SsrMode::Async />
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/register") view=RegisterPage ssr=SsrMode::Async />
                    <Route path=path!("/me") view=MePage ssr=SsrMode::Async />
                    <Route path=path!("/staff/login") view=StaffLoginPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/totp") view=StaffEnrolPage ssr=SsrMode::Async />
                    <Route path=path!("/staff") view=StaffDeskPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/cases/:case_no") view=StaffCasePage ssr=SsrMode::Async />
                    <Route path=path!("/staff/cases/:case_no/notices") view=StaffNoticesPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/window") view=WindowStartPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/supervision") view=SupervisionPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/window/:id") view=WindowDraftPage ssr=SsrMode::Async />
                </Routes>
            </Layout>
        </Router>
    }
}

/// Marks `<html data-hydrated>` once the WASM has taken over, so tests (and curious readers of
/// the DOM) can tell a hydrated page from a server-rendered one. Every page carries one.
#[island]
pub fn HydrationMarker() -> impl IntoView {
    Effect::new(|| {
        #[cfg(feature = "hydrate")]
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
}

/// Entry point of the WASM bundle: attaches to the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}

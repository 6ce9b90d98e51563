//! One module per page.

mod accessibility;
mod apply;
mod appointments;
mod catalog;
mod guide;
mod halls;
mod home;
mod intake;
mod kiosk;
mod login;
mod me;
mod messages;
mod not_found;
mod package;
mod progress;
mod queue;
mod ratings;
mod rectifications;
mod review;
mod staff;
mod window;

pub use accessibility::AccessibilityPage;
pub use apply::{
    ApplicationPage, ApplyPackagePage, ApplyStartPage, MyApplicationsPage, NoticesPage,
    WithdrawPage,
};
pub use appointments::{AppointmentPage, BookPage, MyAppointmentsPage};
pub use catalog::CatalogPage;
pub use guide::GuidePage;
pub use halls::HallsPage;
pub use home::HomePage;
pub use intake::{StaffCasePage, StaffNoticesPage};
pub use kiosk::{DeviceActivatePage, KioskCheckInPage, KioskPage, KioskTicketPage};
pub use login::{LoginPage, RegisterPage};
pub use me::MePage;
pub use messages::MessagesPage;
pub use not_found::NotFoundPage;
pub use package::PackagePage;
pub use progress::ProgressPage;
pub use queue::{HallDisplayPage, TicketPage};
pub use ratings::{MyRatingsPage, RatePage, RaterPage, RatingsPage};
pub use rectifications::{RectificationPage, RectificationsPage};
pub use review::SupervisionPage;
pub use staff::{StaffDeskPage, StaffEnrolPage, StaffLoginPage};
pub use window::{WindowDraftPage, WindowStartPage};

//! One module per page.

mod accessibility;
mod apply;
mod catalog;
mod guide;
mod halls;
mod home;
mod login;
mod me;
mod not_found;
mod package;
mod staff;

pub use accessibility::AccessibilityPage;
pub use apply::{ApplicationPage, ApplyStartPage, MyApplicationsPage};
pub use catalog::CatalogPage;
pub use guide::GuidePage;
pub use halls::HallsPage;
pub use home::HomePage;
pub use login::{LoginPage, RegisterPage};
pub use me::MePage;
pub use not_found::NotFoundPage;
pub use package::PackagePage;
pub use staff::{StaffDeskPage, StaffEnrolPage, StaffLoginPage};

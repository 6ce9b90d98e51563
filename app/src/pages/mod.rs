//! One module per page.

mod accessibility;
mod catalog;
mod guide;
mod halls;
mod home;
mod not_found;
mod package;

pub use accessibility::AccessibilityPage;
pub use catalog::CatalogPage;
pub use guide::GuidePage;
pub use halls::HallsPage;
pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use package::PackagePage;

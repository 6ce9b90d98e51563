//! The web portal's form posts, one module per area with the names `v1/` and `service/` use.
//! Every area module reads its posts through [`form`] (shared helpers, imported one way only) and
//! calls one `service` function per post.

mod applications;
mod appointments;
mod auth;
mod business;
mod devices;
mod form;
mod intake;
mod me;
mod messages;
mod progress;
mod queue;
mod ratings;
mod review;
mod staff;
mod supervision;
mod window;

use crate::http::AppState;
use axum::Router;

/// Every form route, merged into the page router beside the pages they post from.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(auth::routes())
        .merge(me::routes())
        .merge(business::routes())
        .merge(staff::routes())
        .merge(applications::routes())
        .merge(progress::routes())
        .merge(messages::routes())
        .merge(intake::routes())
        .merge(window::routes())
        .merge(review::routes())
        .merge(supervision::routes())
        .merge(appointments::routes())
        .merge(queue::routes())
        .merge(devices::routes())
        .merge(ratings::routes())
}

//! A browser becomes a hall device: the token an admin provisioned is entered once, checked, and
//! kept in an HttpOnly cookie; the browser then opens the device's page.

use super::form::{Posted, WebForm};
use crate::http::AppState;
use app::forms::FormName;
use app::paths::{self, action};
use axum::Router;
use axum::response::Response;
use axum::routing::post;
use domain::device::DeviceKind;

/// This area's form routes, merged into the page router beside the pages they post from.
pub fn routes() -> Router<AppState> {
    Router::new().route(action::DEVICE_ACTIVATE, post(activate))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ActivateForm {
    token: String,
}

impl WebForm for ActivateForm {
    const NAME: FormName = FormName::DeviceActivate;
}

/// `POST /devices/activate`.
async fn activate(post: Posted<ActivateForm>) -> Response {
    let Posted { form, reply, .. } = post;
    match service::devices::authenticate(reply.portal(), &form.token).await {
        Ok(device) => {
            let page = match device.kind {
                DeviceKind::Kiosk => paths::KIOSK.at(&device.hall_id),
                DeviceKind::Display => paths::HALL_DISPLAY.at(&device.hall_id),
                DeviceKind::Rater => paths::RATER.to_owned(),
            };
            reply.bound_to_device(form.token.trim(), &page)
        }
        Err(service::Error::Unauthenticated { .. }) => {
            reply
                .refuse(service::Error::invalid(
                    "token",
                    "设备令牌不正确，或设备已停用",
                ))
                .await
        }
        Err(error) => reply.refuse(error).await,
    }
}

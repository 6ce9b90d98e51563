//! QR codes drawn on the server as SVG, so neither page needs a script: the receipt's (回执二维码,
//! the public progress lookup's address for one of the caller's cases) and the authenticator
//! enrolment's (the `otpauth://` address a staff member scans at first login), a booking's (its
//! booking code), a queue ticket's (its page) and the hall entrance's (the phone check-in with
//! the current code).

use crate::http::AppState;
use crate::http::caller::Authenticated;
use crate::http::v1::error::ApiError;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use qrcode::QrCode;
use qrcode::render::svg;

/// The address the QR code holds: the lookup page with the case number filled in. The name is
/// typed by whoever scans it, so the code alone reveals nothing.
pub fn progress_link(public_url: &str, case_no: &str) -> String {
    format!(
        "{}{}",
        public_url.trim_end_matches('/'),
        app::paths::progress_of(case_no)
    )
}

/// `GET /applications/{id}/qr.svg`: the image, or the refusal as plain Chinese text.
pub async fn receipt(
    State(state): State<AppState>,
    session: Result<Authenticated, ApiError>,
    Path(id): Path<String>,
) -> Response {
    let result = match session {
        Ok(Authenticated(session)) => qr_image(&state, &session, &id).await,
        Err(refused) => Err(refused),
    };
    result.unwrap_or_else(ApiError::into_plain_text)
}

async fn qr_image(
    state: &AppState,
    session: &service::auth::Session,
    id: &str,
) -> Result<Response, ApiError> {
    let case = service::applications::get(&state.portal, session, id).await?;
    let case_no = case
        .case_no
        .ok_or(service::Error::NotFound("草稿还没有办件编号"))?;
    let link = progress_link(&state.portal.site_info().public_url, &case_no);
    svg_of(&link, "private, max-age=3600")
}

/// `GET /staff/totp/qr.svg`: the enrolling staff member's authenticator address. Never cached:
/// it carries the secret.
pub async fn enrolment(
    State(state): State<AppState>,
    session: Result<Authenticated, ApiError>,
) -> Response {
    let result = match session {
        Ok(Authenticated(session)) => {
            match service::staff::begin_totp_enrolment(&state.portal, &session).await {
                Ok(enrolment) => svg_of(&enrolment.uri, "no-store"),
                Err(error) => Err(error.into()),
            }
        }
        Err(refused) => Err(refused),
    };
    result.unwrap_or_else(ApiError::into_plain_text)
}

/// `GET /appointments/{id}/qr.svg`: the booking code, for the kiosk's scanner (the holder's own
/// booking only).
pub async fn booking(
    State(state): State<AppState>,
    session: Result<Authenticated, ApiError>,
    Path(id): Path<String>,
) -> Response {
    let result = match session {
        Ok(Authenticated(session)) => {
            match service::appointments::read(&state.portal, &session, &id).await {
                Ok(booking) => svg_of(&booking.booking_code, "private, max-age=3600"),
                Err(error) => Err(error.into()),
            }
        }
        Err(refused) => Err(refused),
    };
    result.unwrap_or_else(ApiError::into_plain_text)
}

/// `GET /queue/tickets/{id}/qr.svg`: the ticket page's address, printed on the paper ticket.
pub async fn ticket(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let result = match service::queue::ticket(&state.portal, &id).await {
        Ok(ticket) => svg_of(
            &format!(
                "{}{}",
                state.portal.site_info().public_url.trim_end_matches('/'),
                app::paths::TICKET.at(&ticket.id)
            ),
            "public, max-age=86400",
        ),
        Err(error) => Err(error.into()),
    };
    result.unwrap_or_else(ApiError::into_plain_text)
}

/// `?code=`: the entrance code to draw.
#[derive(serde::Deserialize)]
pub struct EntranceCode {
    code: String,
}

/// `GET /halls/{id}/entrance.svg?code=`: the phone check-in address with the entrance code the
/// display shows. It draws only a six-digit code: whether the code is current is checked at
/// check-in.
pub async fn entrance(
    State(state): State<AppState>,
    Path(_hall_id): Path<String>,
    axum::extract::Query(EntranceCode { code }): axum::extract::Query<EntranceCode>,
) -> Response {
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return ApiError::from(service::Error::invalid("code", "签到码应为 6 位数字"))
            .into_plain_text();
    }
    let link = format!(
        "{}{}",
        state.portal.site_info().public_url.trim_end_matches('/'),
        app::paths::check_in_with(&code)
    );
    svg_of(&link, "no-store").unwrap_or_else(ApiError::into_plain_text)
}

fn svg_of(text: &str, cache_control: &'static str) -> Result<Response, ApiError> {
    let code = QrCode::new(text.as_bytes())
        .map_err(|e| service::Error::Unexpected(anyhow::anyhow!("QR code: {e}")))?;
    let image = code
        .render::<svg::Color>()
        .min_dimensions(160, 160)
        .quiet_zone(true)
        .build();
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, cache_control),
        ],
        image,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_leads_to_the_lookup_with_the_number_only() {
        assert_eq!(
            progress_link("https://zwfw.example.gov.cn/", "X202611230001"),
            "https://zwfw.example.gov.cn/progress?case_no=X202611230001"
        );
    }
}

//! 大屏叫号's live updates: a Server-Sent Events stream of the hall's board, for the display the
//! request comes from. Every instance reads the board from the database, so a display connected
//! to any instance behind a load balancer sees every call; a new board is sent only when it
//! changed, and a comment keeps idle connections open through proxies.

use crate::http::AppState;
use crate::http::caller::DeviceOf;
use crate::http::v1::error::ApiError;
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::stream::{self, Stream};
use std::convert::Infallible;
use std::time::Duration;

/// How often the stream looks at the board.
const EVERY: Duration = Duration::from_secs(2);

/// `GET /halls/{id}/display/events`.
pub async fn events(
    State(state): State<AppState>,
    device: Result<DeviceOf, ApiError>,
    Path(hall_id): Path<String>,
) -> Response {
    let device = match device {
        Ok(DeviceOf(device)) => device,
        Err(refused) => return refused.into_plain_text(),
    };
    // Refuse at once (not as a silent stream) when this is not the hall's display.
    if let Err(error) = service::queue::board(&state.portal, &hall_id, &device).await {
        return ApiError::from(error).into_plain_text();
    }
    Sse::new(boards(state, hall_id, device))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

fn boards(
    state: AppState,
    hall_id: String,
    device: service::devices::Device,
) -> impl Stream<Item = Result<Event, Infallible>> {
    stream::unfold(String::new(), move |last| {
        let (state, hall_id, device) = (state.clone(), hall_id.clone(), device.clone());
        async move {
            loop {
                match service::queue::board(&state.portal, &hall_id, &device).await {
                    Ok(board) => {
                        let json = serde_json::to_string(&board).unwrap_or_default();
                        if json != last {
                            let event = Event::default().data(json.clone());
                            return Some((Ok(event), json));
                        }
                    }
                    Err(error) => {
                        tracing::warn!(error = %error, "display stream: board unavailable");
                    }
                }
                tokio::time::sleep(EVERY).await;
            }
        }
    })
}

//! 好差评 data for the pages: thin adapters over `service::ratings` for the rating form, 我的评价,
//! the published figures, the window's rating tablet and the staff's rectification pages.

#[cfg(feature = "ssr")]
use super::server_error;
use domain::rating::{RatingList, RatingOffer, RatingStats, RectificationQueue, RectificationView};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The rating form of a case (`case`) or a booked ticket (`ticket`); `None` when nobody is
/// signed in, or it is not theirs.
#[server(prefix = "/_sf", endpoint = "rating_offer")]
pub async fn load_rating_offer(
    case: Option<String>,
    ticket: Option<String>,
) -> Result<Option<RatingOffer>, ServerFnError> {
    let Some(session) = super::account::current_session() else {
        return Ok(None);
    };
    let subject = match (
        case.filter(|c| !c.is_empty()),
        ticket.filter(|t| !t.is_empty()),
    ) {
        (Some(case_no), _) => domain::rating::Subject::Case(case_no),
        (None, Some(ticket)) => domain::rating::Subject::Ticket(ticket),
        (None, None) => return Ok(None),
    };
    let portal = expect_context::<service::Portal>();
    match service::ratings::offer(&portal, &session, &subject).await {
        Ok(offer) => Ok(Some(offer)),
        Err(service::Error::NotFound(_) | service::Error::Forbidden { .. }) => Ok(None),
        Err(other) => Err(server_error(other)),
    }
}

/// 我的评价; `None` when nobody (or staff) is signed in.
#[server(prefix = "/_sf", endpoint = "my_ratings")]
pub async fn load_my_ratings() -> Result<Option<RatingList>, ServerFnError> {
    let Some(session) = super::account::current_session() else {
        return Ok(None);
    };
    let portal = expect_context::<service::Portal>();
    match service::ratings::mine(&portal, &session, super::FIRST_HUNDRED).await {
        Ok(list) => Ok(Some(list)),
        Err(service::Error::Forbidden { .. }) => Ok(None),
        Err(other) => Err(server_error(other)),
    }
}

/// The published figures for the query's filter, or what is wrong with it.
#[server(prefix = "/_sf", endpoint = "rating_stats")]
pub async fn load_rating_stats(
    group: Option<String>,
    period: Option<String>,
    hall: Option<String>,
    department: Option<String>,
) -> Result<Result<RatingStats, String>, ServerFnError> {
    let portal = expect_context::<service::Portal>();
    let query = service::ratings::StatsQuery {
        group,
        period,
        department,
        hall,
        zone: None,
        item_code: None,
    };
    match service::ratings::stats(&portal, query, super::FIRST_HUNDRED).await {
        Ok(stats) => Ok(Ok(stats)),
        Err(service::Error::Invalid(fields)) => Ok(Err(fields
            .iter()
            .flat_map(|(_, messages)| messages.to_vec())
            .collect::<Vec<_>>()
            .join("；"))),
        Err(other) => Err(server_error(other)),
    }
}

/// What the window's rating tablet shows: its window and the ticket just served there.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RaterScreen {
    pub hall_name: String,
    pub window: u32,
    /// The ticket to rate and its form, when the window has just served someone.
    pub ticket: Option<(String, RatingOffer)>,
}

/// The tablet's screen; `None` unless the request comes from a window's rating tablet.
#[server(prefix = "/_sf", endpoint = "rater_screen")]
pub async fn load_rater_screen() -> Result<Option<RaterScreen>, ServerFnError> {
    let Some(device) = super::current_device() else {
        return Ok(None);
    };
    if device.kind != domain::device::DeviceKind::Rater {
        return Ok(None);
    }
    let portal = expect_context::<service::Portal>();
    let hall = service::catalog::hall(portal.db(), &device.hall_id)
        .await
        .map_err(server_error)?;
    let ticket = service::ratings::window_ticket(&portal, &device)
        .await
        .map_err(server_error)?;
    Ok(Some(RaterScreen {
        hall_name: hall.name,
        window: device.window.unwrap_or_default(),
        ticket,
    }))
}

/// The staff's rectification queue (`state` as the API takes it) and their scope's figures.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RectificationDesk {
    pub queue: RectificationQueue,
    pub figures: RatingStats,
}

/// `None` for anyone who does not handle rectifications.
#[server(prefix = "/_sf", endpoint = "rectifications")]
pub async fn load_rectifications(
    state: Option<String>,
) -> Result<Option<RectificationDesk>, ServerFnError> {
    let Some(session) = super::account::current_session() else {
        return Ok(None);
    };
    let portal = expect_context::<service::Portal>();
    let states = match service::ratings::parse_state_filter(state.as_deref()) {
        Ok(states) => states,
        Err(_) => service::ratings::parse_state_filter(None).map_err(server_error)?,
    };
    let queue = match service::ratings::queue(&portal, &session, states, super::FIRST_HUNDRED).await
    {
        Ok(queue) => queue,
        Err(service::Error::Forbidden { .. }) => return Ok(None),
        Err(other) => return Err(server_error(other)),
    };
    let figures = service::ratings::scope_stats(&portal, &session)
        .await
        .map_err(server_error)?;
    Ok(Some(RectificationDesk { queue, figures }))
}

/// One rectification (an audited read); `None` when it is not the reader's to see.
#[server(prefix = "/_sf", endpoint = "rectification")]
pub async fn load_rectification(id: String) -> Result<Option<RectificationView>, ServerFnError> {
    let Some(session) = super::account::current_session() else {
        return Ok(None);
    };
    let portal = expect_context::<service::Portal>();
    match service::ratings::rectification(&portal, &session, &id).await {
        Ok(view) => Ok(Some(view)),
        Err(service::Error::NotFound(_) | service::Error::Forbidden { .. }) => Ok(None),
        Err(other) => Err(server_error(other)),
    }
}

//! 预约 and 取号叫号 data for the pages: thin adapters over `service::appointments`,
//! `service::queue` and the hall device the request comes from.

#[cfg(feature = "ssr")]
use super::server_error;
use domain::appointment::{AppointmentList, AppointmentView, DayChoice, DaySlots};
use domain::catalog::{Hall, Zone};
use domain::queue::{HallBoard, QueueDesk, TicketView};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What 我要预约 shows for the choices made so far (hall → zone or item → day → slot).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BookingChoices {
    pub halls: Vec<Hall>,
    pub hall: Option<Hall>,
    pub zone: Option<Zone>,
    /// The item chosen, with its name.
    pub item: Option<(String, String)>,
    pub days: Vec<DayChoice>,
    pub slots: Option<DaySlots>,
    /// A problem with the choices (an unknown item, a day outside the horizon).
    pub problem: Option<String>,
}

/// The choices of 我要预约 from its query (`?hall=&zone=&item=&date=`).
#[server(prefix = "/_sf", endpoint = "booking_choices")]
pub async fn load_booking_choices(
    hall: Option<String>,
    zone: Option<String>,
    item: Option<String>,
    date: Option<String>,
) -> Result<BookingChoices, ServerFnError> {
    let portal = expect_context::<service::Portal>();
    let halls = service::catalog::halls(portal.db())
        .await
        .map_err(server_error)?;
    let mut choices = BookingChoices {
        halls,
        hall: None,
        zone: zone.as_deref().and_then(Zone::parse),
        item: None,
        days: Vec::new(),
        slots: None,
        problem: None,
    };
    let mut hall_id = hall.filter(|h| !h.is_empty());
    if let Some(code) = item.filter(|c| !c.trim().is_empty()) {
        match service::catalog::guide(portal.db(), code.trim()).await {
            Ok(detail) => {
                choices.zone = Some(detail.guide.zone);
                hall_id.get_or_insert(detail.hall.id.clone());
                choices.item = Some((detail.guide.code.clone(), detail.guide.name.clone()));
            }
            Err(service::Error::NotFound(message)) => choices.problem = Some(message.into()),
            Err(other) => return Err(server_error(other)),
        }
    }
    choices.hall = hall_id.and_then(|id| choices.halls.iter().find(|h| h.id == id).cloned());
    let (Some(hall), Some(zone)) = (choices.hall.clone(), choices.zone) else {
        return Ok(choices);
    };
    if hall.zone(zone).is_none() {
        choices.problem = Some(format!("{}没有{}窗口", hall.name, zone.label()));
        return Ok(choices);
    }
    choices.days = service::appointments::days(&portal, &hall, zone)
        .await
        .map_err(server_error)?;
    if let Some(date) = date.filter(|d| !d.is_empty()) {
        let paging = domain::paging::PageRequest {
            page: 1,
            page_size: domain::paging::MAX_PAGE_SIZE,
        };
        match service::appointments::slots(
            &portal,
            &hall.id,
            Some(zone.as_str()),
            Some(&date),
            paging,
        )
        .await
        {
            Ok(slots) => choices.slots = Some(slots),
            Err(service::Error::Invalid(fields)) => {
                choices.problem = fields.iter().next().map(|(_, m)| m.join("；"));
            }
            Err(other) => return Err(server_error(other)),
        }
    }
    Ok(choices)
}

/// 我的预约; `None` when nobody (or staff) is signed in.
#[server(prefix = "/_sf", endpoint = "my_appointments")]
pub async fn load_my_appointments() -> Result<Option<AppointmentList>, ServerFnError> {
    let Some(session) = super::account::current_session() else {
        return Ok(None);
    };
    let portal = expect_context::<service::Portal>();
    let page = match service::appointments::mine(&portal, &session, super::FIRST_HUNDRED).await {
        Ok(page) => page,
        Err(service::Error::Forbidden { .. }) => return Ok(None),
        Err(other) => return Err(server_error(other)),
    };
    let standing = service::appointments::standing(&portal, &session)
        .await
        .map_err(server_error)?;
    Ok(Some(AppointmentList {
        items: page.items,
        total: page.total,
        page: page.page,
        page_size: page.page_size,
        standing,
    }))
}

/// One of the reader's bookings; `None` when it is not theirs.
#[server(prefix = "/_sf", endpoint = "appointment")]
pub async fn load_appointment(id: String) -> Result<Option<AppointmentView>, ServerFnError> {
    let Some(session) = super::account::current_session() else {
        return Ok(None);
    };
    let portal = expect_context::<service::Portal>();
    match service::appointments::read(&portal, &session, &id).await {
        Ok(view) => Ok(Some(view)),
        Err(service::Error::NotFound(_) | service::Error::Forbidden { .. }) => Ok(None),
        Err(other) => Err(server_error(other)),
    }
}

/// A queue ticket by its id (public: the printed ticket's QR code opens it).
#[server(prefix = "/_sf", endpoint = "ticket")]
pub async fn load_ticket(id: String) -> Result<Option<TicketView>, ServerFnError> {
    let portal = expect_context::<service::Portal>();
    match service::queue::ticket(&portal, &id).await {
        Ok(view) => Ok(Some(view)),
        Err(service::Error::NotFound(_)) => Ok(None),
        Err(other) => Err(server_error(other)),
    }
}

/// The hall display's board; `None` unless the request comes from this hall's display.
#[server(prefix = "/_sf", endpoint = "hall_board")]
pub async fn load_board(hall_id: String) -> Result<Option<HallBoard>, ServerFnError> {
    let Some(device) = super::current_device() else {
        return Ok(None);
    };
    let portal = expect_context::<service::Portal>();
    match service::queue::board(&portal, &hall_id, &device).await {
        Ok(board) => Ok(Some(board)),
        Err(service::Error::Forbidden { .. } | service::Error::NotFound(_)) => Ok(None),
        Err(other) => Err(server_error(other)),
    }
}

/// The kiosk's hall; `None` unless the request comes from a kiosk of this hall.
#[server(prefix = "/_sf", endpoint = "kiosk_hall")]
pub async fn load_kiosk_hall(hall_id: String) -> Result<Option<Hall>, ServerFnError> {
    let Some(device) = super::current_device() else {
        return Ok(None);
    };
    if !device.is(domain::device::DeviceKind::Kiosk, &hall_id) {
        return Ok(None);
    }
    let portal = expect_context::<service::Portal>();
    service::catalog::hall(portal.db(), &hall_id)
        .await
        .map(Some)
        .map_err(server_error)
}

/// The clerk's queue panel; `None` for anyone but a clerk.
#[server(prefix = "/_sf", endpoint = "queue_desk")]
pub async fn load_queue_desk() -> Result<Option<QueueDesk>, ServerFnError> {
    let Some(session) = super::account::current_session() else {
        return Ok(None);
    };
    let portal = expect_context::<service::Portal>();
    match service::queue::desk(&portal, &session).await {
        Ok(desk) => Ok(Some(desk)),
        Err(service::Error::Forbidden { .. }) => Ok(None),
        Err(other) => Err(server_error(other)),
    }
}

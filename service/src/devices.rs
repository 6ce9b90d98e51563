//! Hall devices: an admin provisions a kiosk, a hall display or a window's rating tablet and gets its token once; the
//! device presents the token with every request (`X-Device-Token`, or the cookie a browser on
//! the device was given when the token was entered). Only a digest of the token is stored.

use crate::accounts::new_id;
use crate::auth::{Session, random_token, token_digest};
use crate::clock::{stamp, stored_instant};
use crate::staff::{Capability, ManageStaff};
use crate::{Error, Portal, Result, audit, catalog};
use domain::device::{DeviceKind, DeviceView, NewDevice};
use domain::paging::{Page, PageRequest};
use sqlx::Row;

pub use domain::device::Device;

/// `device`, if it is a `kind` standing in `hall_id`; 403 otherwise.
pub fn require<'d>(device: &'d Device, kind: DeviceKind, hall_id: &str) -> Result<&'d Device> {
    if device.is(kind, hall_id) {
        Ok(device)
    } else {
        Err(Error::Forbidden {
            code: "device_forbidden",
            message: "此设备不能在本大厅办理这项业务",
        })
    }
}

/// The refusal for a request without a valid device token.
pub const NOT_A_DEVICE: Error = Error::Unauthenticated {
    code: "device_required",
    message: "此功能只在大厅的自助设备上提供",
};

/// The device behind `token`, if it is provisioned and not revoked.
pub async fn authenticate(portal: &Portal, token: &str) -> Result<Device> {
    let token = token.trim();
    if token.is_empty() || token.len() > 100 {
        return Err(NOT_A_DEVICE);
    }
    let row = sqlx::query(
        "SELECT id, hall_id, kind, label, window_no FROM devices \
         WHERE token_hash = $1 AND revoked_at IS NULL",
    )
    .bind(token_digest(token))
    .fetch_optional(portal.db().pool())
    .await?
    .ok_or(NOT_A_DEVICE)?;
    let kind: String = row.try_get("kind")?;
    Ok(Device {
        id: row.try_get("id")?,
        hall_id: row.try_get("hall_id")?,
        kind: DeviceKind::parse(&kind).ok_or_else(|| anyhow::anyhow!("device kind {kind:?}"))?,
        label: row.try_get("label")?,
        window: window_of(&row)?,
    })
}

fn window_of(row: &sqlx::any::AnyRow) -> Result<Option<u32>> {
    Ok(row
        .try_get::<Option<i64>, _>("window_no")?
        .and_then(|n| u32::try_from(n).ok()))
}

/// `POST /staff/devices` (admins): a new device and its token, shown this once.
pub async fn provision(portal: &Portal, session: &Session, new: NewDevice) -> Result<DeviceView> {
    session.require_staff(ManageStaff::ROLES)?;
    let kind = new.check().map_err(Error::Invalid)?;
    let hall = match catalog::hall(portal.db(), new.hall_id.trim()).await {
        Ok(hall) => hall,
        Err(Error::NotFound(_)) => return Err(Error::invalid("hall_id", "没有这个服务大厅")),
        Err(other) => return Err(other),
    };
    let id = new_id("dv");
    let token = random_token(24);
    let now = portal.now();
    let label = new.label.trim().to_owned();
    let mut tx = portal.db().begin_write().await?;
    sqlx::query(
        "INSERT INTO devices (id, hall_id, kind, label, token_hash, created_by, created_at, \
         window_no) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(&hall.id)
    .bind(kind.as_str())
    .bind(&label)
    .bind(token_digest(&token))
    .bind(session.principal.audit_actor())
    .bind(stamp(now))
    .bind(new.window.map(i64::from))
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        audit::NewEntry {
            actor: &session.principal.audit_actor(),
            action: "device.provision",
            subject: &format!("device:{id}"),
            detail: &format!("{} {}：{label}", hall.name, kind.label()),
        },
        &stamp(now),
    )
    .await?;
    tx.commit().await?;
    Ok(DeviceView {
        id,
        hall_id: hall.id,
        kind,
        label,
        window: new.window,
        created_at: domain::instant::Instant::new(now),
        token: Some(token),
    })
}

/// `GET /staff/devices` (admins): every device in service, newest first; tokens are not shown.
pub async fn list(
    portal: &Portal,
    session: &Session,
    paging: PageRequest,
) -> Result<Page<DeviceView>> {
    session.require_staff(ManageStaff::ROLES)?;
    let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM devices WHERE revoked_at IS NULL")
        .fetch_one(portal.db().pool())
        .await?
        .try_get("n")?;
    let rows = sqlx::query(
        "SELECT id, hall_id, kind, label, window_no, created_at FROM devices WHERE revoked_at IS NULL \
         ORDER BY created_at DESC, id LIMIT $1 OFFSET $2",
    )
    .bind(paging.limit())
    .bind(paging.offset())
    .fetch_all(portal.db().pool())
    .await?;
    let mut items = Vec::new();
    for row in rows {
        let kind: String = row.try_get("kind")?;
        items.push(DeviceView {
            id: row.try_get("id")?,
            hall_id: row.try_get("hall_id")?,
            kind: DeviceKind::parse(&kind)
                .ok_or_else(|| anyhow::anyhow!("device kind {kind:?}"))?,
            label: row.try_get("label")?,
            window: window_of(&row)?,
            created_at: stored_instant(&row.try_get::<String, _>("created_at")?)?,
            token: None,
        });
    }
    Ok(Page::from_rows(items, total as u64, paging))
}

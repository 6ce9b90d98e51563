//! Hall devices an admin provisions (DESIGN §6, API.md "Devices"): the self-service kiosk
//! (自助办), the hall display (大屏叫号, with the entrance check-in code) and, with the rating
//! work, the window rating tablet. A device proves itself with a token (`X-Device-Token`, or
//! the cookie a browser gets when the token is entered once); none of their endpoints is open to
//! anyone who merely knows the address.

use crate::errors::FieldErrors;
use crate::instant::Instant;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    /// 自助办 kiosk: walk-in tickets, check-in, 办件查询.
    Kiosk,
    /// 大屏叫号 at the entrance: calls, waiting counts and the rotating check-in code.
    Display,
    /// 评价器: the rating tablet at one window, showing the ticket that window just served.
    Rater,
}

impl DeviceKind {
    pub const ALL: [Self; 3] = [Self::Kiosk, Self::Display, Self::Rater];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Kiosk => "kiosk",
            Self::Display => "display",
            Self::Rater => "rater",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Kiosk => "自助服务终端",
            Self::Display => "大厅叫号屏",
            Self::Rater => "窗口评价器",
        }
    }
}

/// A device that presented a valid token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    pub id: String,
    pub hall_id: String,
    pub kind: DeviceKind,
    pub label: String,
    /// The window a rating tablet stands at.
    pub window: Option<u32>,
}

impl Device {
    /// The device's key space for `Idempotency-Key`s and its name in records.
    pub fn actor(&self) -> String {
        format!("device:{}", self.id)
    }

    /// Whether it is a `kind` standing in `hall_id`.
    pub fn is(&self, kind: DeviceKind, hall_id: &str) -> bool {
        self.kind == kind && self.hall_id == hall_id
    }
}

/// `POST /staff/devices`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewDevice {
    #[serde(default)]
    pub hall_id: String,
    pub kind: Option<DeviceKind>,
    /// Where it stands, e.g. 一楼东门自助区 2 号机.
    #[serde(default)]
    pub label: String,
    /// The window number, for a rating tablet (评价器) only.
    pub window: Option<u32>,
}

impl NewDevice {
    pub fn check(&self) -> Result<DeviceKind, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.hall_id.trim().is_empty() {
            errors.add("hall_id", "请选择设备所在的大厅");
        }
        if self.kind.is_none() {
            errors.add(
                "kind",
                "请选择设备类型（自助服务终端、大厅叫号屏或窗口评价器）",
            );
        }
        match (self.kind, self.window) {
            (Some(DeviceKind::Rater), None | Some(0)) => {
                errors.add("window", "窗口评价器须写明所在的窗口号")
            }
            (Some(DeviceKind::Rater), Some(1..=999)) | (_, None) => {}
            (Some(DeviceKind::Rater), Some(_)) => errors.add("window", "窗口号应为 1 至 999"),
            (_, Some(_)) => errors.add("window", "只有窗口评价器需要窗口号"),
        }
        if !(2..=60).contains(&self.label.trim().chars().count()) {
            errors.add("label", "请写明设备的位置（2至60字）");
        }
        errors.into_result()?;
        Ok(self.kind.expect("checked"))
    }
}

/// A provisioned device; `token` is shown once, when it is provisioned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceView {
    pub id: String,
    pub hall_id: String,
    pub kind: DeviceKind,
    pub label: String,
    pub window: Option<u32>,
    pub created_at: Instant,
    /// The device's secret, present only in the answer that provisioned it.
    pub token: Option<String>,
}

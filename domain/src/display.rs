//! The display mode: standard, or 适老化 (larger text, higher contrast, bigger targets).
//!
//! The choice lives in a cookie so the server can render the right mode on the very first byte
//! (no flash of the wrong size), and so it works with JavaScript disabled.

use serde::{Deserialize, Serialize};

/// Name of the cookie that remembers the display mode.
pub const DISPLAY_MODE_COOKIE: &str = "display_mode";

/// How pages are presented to the reader.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisplayMode {
    #[default]
    Standard,
    /// 适老化: for older readers and anyone who wants larger, higher-contrast pages.
    Elder,
}

impl DisplayMode {
    /// How long the choice is remembered: a year, so a reader sets it once.
    pub const COOKIE_MAX_AGE_SECS: u32 = 365 * 24 * 60 * 60;

    /// The value stored in the cookie and used in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::Elder => "elder",
        }
    }

    /// Reads a stored value; anything unknown falls back to the standard mode rather than failing,
    /// because a stale or tampered cookie must never stop a page from rendering.
    pub fn from_value(value: &str) -> Self {
        match value.trim() {
            "elder" => Self::Elder,
            _ => Self::Standard,
        }
    }

    /// Finds the mode in a `Cookie` header value (`a=1; display_mode=elder`).
    pub fn from_cookie_header(header: &str) -> Self {
        header
            .split(';')
            .filter_map(|pair| pair.split_once('='))
            .find(|(name, _)| name.trim() == DISPLAY_MODE_COOKIE)
            .map(|(_, value)| Self::from_value(value))
            .unwrap_or_default()
    }

    /// The other mode: what the toggle switches to.
    pub fn toggled(self) -> Self {
        match self {
            Self::Standard => Self::Elder,
            Self::Elder => Self::Standard,
        }
    }

    /// The class put on `<html>`; the style sheet keys the whole 适老化 look off it.
    pub fn html_class(self) -> &'static str {
        match self {
            Self::Standard => "mode-standard",
            Self::Elder => "mode-elder",
        }
    }

    /// What the toggle offers, in the reader's words.
    pub fn switch_label(self) -> &'static str {
        match self {
            Self::Standard => "适老化模式",
            Self::Elder => "退出适老化",
        }
    }
}

/// Where the switch is served (`app::paths::DISPLAY_MODE` names the same).
pub const SWITCH_PATH: &str = "/display-mode";

/// The link that switches to `mode` and then returns to `return_path` (works without JavaScript).
pub fn switch_href(mode: DisplayMode, return_path: &str) -> String {
    format!(
        "{SWITCH_PATH}?mode={}&return={}",
        mode.as_str(),
        percent_encode_query_value(crate::return_path::local_or(Some(return_path), "/"))
    )
}

/// Encodes a query value: everything but unreserved characters and `/` becomes `%XX` (UTF-8).
pub fn percent_encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_header_is_read_among_other_cookies() {
        assert_eq!(
            DisplayMode::from_cookie_header("session=abc; display_mode=elder; x=1"),
            DisplayMode::Elder
        );
        assert_eq!(
            DisplayMode::from_cookie_header("display_mode=standard"),
            DisplayMode::Standard
        );
        assert_eq!(DisplayMode::from_cookie_header(""), DisplayMode::Standard);
    }

    #[test]
    fn unknown_values_fall_back_to_standard() {
        assert_eq!(DisplayMode::from_value("huge"), DisplayMode::Standard);
        assert_eq!(
            DisplayMode::from_cookie_header("display_mode="),
            DisplayMode::Standard
        );
    }

    #[test]
    fn stored_value_round_trips_and_toggles() {
        for mode in [DisplayMode::Standard, DisplayMode::Elder] {
            assert_eq!(DisplayMode::from_value(mode.as_str()), mode);
            assert_eq!(mode.toggled().toggled(), mode);
            assert_ne!(mode.toggled(), mode);
        }
    }

    #[test]
    fn switch_link_carries_an_encoded_return_path() {
        assert_eq!(
            switch_href(DisplayMode::Elder, "/items?q=营业&page=2"),
            "/display-mode?mode=elder&return=/items%3Fq%3D%E8%90%A5%E4%B8%9A%26page%3D2"
        );
        assert_eq!(
            switch_href(DisplayMode::Standard, "https://evil.example/"),
            "/display-mode?mode=standard&return=/"
        );
    }
}

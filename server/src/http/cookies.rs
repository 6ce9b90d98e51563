//! Every cookie the portal sets, built and read with the `cookie` crate: the web session
//! (HttpOnly so scripts cannot read it, SameSite=Lax so other sites cannot post with it) and the
//! 适老化 choice (readable by the page's script, which switches it in place). Both are Secure when
//! the portal is served over HTTPS.

use cookie::time::Duration;
use cookie::{Cookie, CookieBuilder, SameSite};
use domain::display::{DISPLAY_MODE_COOKIE, DisplayMode};
use http::header::COOKIE;
use http::{HeaderMap, HeaderValue};

/// The web session cookie. Its value is the session secret; only its digest is stored.
pub const SESSION_COOKIE: &str = "portal_session";

/// A provisioned hall device's token, set once on the device's browser (`/devices/activate`).
pub const DEVICE_COOKIE: &str = "portal_device";

/// `Set-Cookie` binding this browser to a hall device for a year.
pub fn device(token: &str, https: bool) -> HeaderValue {
    header(
        Cookie::build((DEVICE_COOKIE, token))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(https)
            .max_age(Duration::days(365)),
    )
}

/// The value of the request's cookie `name`, if it has a non-empty one.
pub fn value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value().to_owned())
        .filter(|value| !value.is_empty())
}

/// `Set-Cookie` for a new web session.
pub fn session(token: &str, max_age_secs: i64, https: bool) -> HeaderValue {
    header(session_named(token, https).max_age(Duration::seconds(max_age_secs)))
}

/// `Set-Cookie` that ends the web session in the browser.
pub fn clearing_session(https: bool) -> HeaderValue {
    header(session_named("", https).max_age(Duration::ZERO))
}

fn session_named(value: &str, https: bool) -> CookieBuilder<'_> {
    Cookie::build((SESSION_COOKIE, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(https)
}

/// `Set-Cookie` remembering the display mode for a year.
pub fn display_mode(mode: DisplayMode, https: bool) -> HeaderValue {
    header(
        Cookie::build((DISPLAY_MODE_COOKIE, mode.as_str()))
            .path("/")
            .max_age(Duration::seconds(DisplayMode::COOKIE_MAX_AGE_SECS.into()))
            .same_site(SameSite::Lax)
            .secure(https),
    )
}

/// The values are URL-safe tokens or fixed words, so the header always forms.
fn header(cookie: CookieBuilder<'_>) -> HeaderValue {
    HeaderValue::from_str(&cookie.build().to_string()).expect("cookie values are header-safe")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_keeps_its_attributes() {
        let set = session("abc_-1", 1800, true);
        let set = set.to_str().unwrap();
        for part in [
            "portal_session=abc_-1",
            "HttpOnly",
            "SameSite=Lax",
            "Path=/",
            "Max-Age=1800",
            "Secure",
        ] {
            assert!(set.contains(part), "{set} lacks {part}");
        }
        let cleared = clearing_session(false);
        let cleared = cleared.to_str().unwrap();
        assert!(
            cleared.contains("portal_session=;") && cleared.contains("Max-Age=0"),
            "{cleared}"
        );
        assert!(!cleared.contains("Secure"), "{cleared}");
    }

    #[test]
    fn a_request_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(
            COOKIE,
            "display_mode=elder; portal_session=t0k".parse().unwrap(),
        );
        assert_eq!(value(&headers, "portal_session").as_deref(), Some("t0k"));
        assert_eq!(value(&headers, "other"), None);
        headers.insert(COOKIE, "portal_session=".parse().unwrap());
        assert_eq!(
            value(&headers, "portal_session"),
            None,
            "an empty value is none"
        );
    }
}

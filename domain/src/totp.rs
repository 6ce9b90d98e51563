//! Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP, HMAC-SHA1, 6 digits, 30 s), the
//! second factor every staff login needs. Authenticator apps read the secret from an
//! `otpauth://` URI; the server keeps the secret and the last time step it accepted.

use hmac::{Hmac, Mac};
use sha1::Sha1;

pub const STEP_SECONDS: u64 = 30;
pub const DIGITS: u32 = 6;
/// Secrets are 160 bits, the size RFC 4226 recommends for HMAC-SHA1.
pub const SECRET_BYTES: usize = 20;

/// The HOTP value for one counter (RFC 4226 §5.3, dynamic truncation).
pub fn hotp(secret: &[u8], counter: u64) -> u32 {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let truncated = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    truncated % 10u32.pow(DIGITS)
}

/// The time step a Unix time falls in.
pub fn step_at(unix_seconds: u64) -> u64 {
    unix_seconds / STEP_SECONDS
}

/// Checks a typed code against the current step and one step either side (clock drift), never
/// accepting a step at or before `last_used_step` again, so an observed code cannot be replayed.
/// Returns the step that matched; the caller stores it as the new `last_used_step`.
pub fn verify(
    secret: &[u8],
    typed: &str,
    unix_seconds: u64,
    last_used_step: Option<u64>,
) -> Option<u64> {
    let typed = typed.trim();
    if typed.len() != DIGITS as usize || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let code: u32 = typed.parse().ok()?;
    let now = step_at(unix_seconds);
    [now.saturating_sub(1), now, now + 1]
        .into_iter()
        .filter(|step| last_used_step.is_none_or(|last| *step > last))
        .find(|step| hotp(secret, *step) == code)
}

/// Base32 (RFC 4648, no padding), the form authenticator apps expect.
pub fn encode_secret(secret: &[u8]) -> String {
    data_encoding::BASE32_NOPAD.encode(secret)
}

pub fn decode_secret(encoded: &str) -> Option<Vec<u8>> {
    data_encoding::BASE32_NOPAD
        .decode(encoded.trim().to_ascii_uppercase().as_bytes())
        .ok()
}

/// The provisioning URI an authenticator app scans or imports.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let label = format!("{}:{}", percent_encode(issuer), percent_encode(account));
    format!(
        "otpauth://totp/{label}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        encode_secret(secret),
        percent_encode(issuer)
    )
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(byte).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The RFC 6238 appendix B key for SHA-1: ASCII "12345678901234567890".
    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn matches_the_rfc_6238_sha1_vectors() {
        // Appendix B lists 8-digit values; the last six digits are the 6-digit codes.
        for (time, eight_digits) in [
            (59u64, 94287082u32),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ] {
            assert_eq!(
                hotp(RFC_SECRET, step_at(time)),
                eight_digits % 1_000_000,
                "{time}"
            );
        }
    }

    #[test]
    fn matches_the_rfc_4226_hotp_vectors() {
        let expected = [
            755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489,
        ];
        for (counter, code) in expected.into_iter().enumerate() {
            assert_eq!(hotp(RFC_SECRET, counter as u64), code);
        }
    }

    #[test]
    fn accepts_one_step_of_drift_and_never_the_same_step_twice() {
        let now = 1_111_111_111;
        let code = format!("{:06}", hotp(RFC_SECRET, step_at(now)));
        let step = verify(RFC_SECRET, &code, now, None).expect("current code");
        assert_eq!(verify(RFC_SECRET, &code, now, Some(step)), None, "replayed");
        let previous = format!("{:06}", hotp(RFC_SECRET, step_at(now) - 1));
        assert!(verify(RFC_SECRET, &previous, now, None).is_some());
        let stale = format!("{:06}", hotp(RFC_SECRET, step_at(now) - 2));
        assert_eq!(verify(RFC_SECRET, &stale, now, None), None);
        assert_eq!(verify(RFC_SECRET, "12345", now, None), None);
        assert_eq!(verify(RFC_SECRET, "abcdef", now, None), None);
    }

    #[test]
    fn secrets_round_trip_through_base32_and_the_uri() {
        let encoded = encode_secret(RFC_SECRET);
        assert_eq!(encoded, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(
            decode_secret(&encoded.to_lowercase()).as_deref(),
            Some(RFC_SECRET)
        );
        let uri = otpauth_uri("政务服务门户", "clerk01", RFC_SECRET);
        assert!(uri.starts_with("otpauth://totp/%E6%94%BF"));
        assert!(uri.contains(":clerk01?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&"));
    }
}

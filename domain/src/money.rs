//! Money: stored and sent as integer fen (分, API.md); people type yuan (元).

/// Yuan as a person types them (`1200`, `12.5`, `12.34`) in fen; an empty text is no amount.
pub fn fen_from_yuan(text: &str) -> Result<Option<i64>, &'static str> {
    const WRONG: &str = "请填写金额（元），最多两位小数";
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let (whole, cents) = text.split_once('.').unwrap_or((text, ""));
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || (text.contains('.') && !digits(cents)) || cents.len() > 2 {
        return Err(WRONG);
    }
    let whole: i64 = whole.parse().map_err(|_| WRONG)?;
    let cents: i64 = format!("{cents:0<2}").parse().map_err(|_| WRONG)?;
    whole
        .checked_mul(100)
        .and_then(|fen| fen.checked_add(cents))
        .map(Some)
        .ok_or(WRONG)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_become_fen() {
        assert_eq!(fen_from_yuan(""), Ok(None));
        assert_eq!(fen_from_yuan(" 1200 "), Ok(Some(120_000)));
        assert_eq!(fen_from_yuan("12.5"), Ok(Some(1_250)));
        assert_eq!(fen_from_yuan("12.34"), Ok(Some(1_234)));
        for wrong in [
            "-1",
            "1.234",
            "1.",
            ".5",
            "1e3",
            "一百",
            "99999999999999999999",
        ] {
            assert!(fen_from_yuan(wrong).is_err(), "{wrong}");
        }
    }
}

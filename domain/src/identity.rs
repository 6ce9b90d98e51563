//! Identity numbers and personal data, parsed once at the edge ("parse, don't validate").
//!
//! `IdNumber` (公民身份号码, GB 11643), `CreditCode` (统一社会信用代码, GB 32100), `Phone`
//! (mainland mobile) and `PersonName`. Personal values are masked in `Debug` and `Display`, so a
//! stray `{:?}` in a log line cannot leak them; the full value is reachable only through
//! `expose()`, which callers use for storage and for the audited reveal.

use std::fmt;
use time::{Date, Month};

/// Why an ID number was refused; each message names the problem in plain Chinese.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdNumberError {
    Length,
    Characters,
    Region,
    BirthDate,
    FutureBirthDate,
    CheckDigit,
}

impl fmt::Display for IdNumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Length => "公民身份号码应为18位",
            Self::Characters => "前17位应为数字，最后一位为数字或X",
            Self::Region => "地址码不正确，请核对前6位",
            Self::BirthDate => "出生日期不是真实存在的日期，请核对第7至14位",
            Self::FutureBirthDate => "出生日期不能晚于今天",
            Self::CheckDigit => "校验位错误，请核对号码是否输入正确",
        })
    }
}

impl std::error::Error for IdNumberError {}

/// A resident identity number that passed every GB 11643 check. Stored upper-case.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Province-level codes (the first two digits of the region code).
const PROVINCES: [u32; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

impl IdNumber {
    /// Parses `text` (surrounding spaces ignored, lower-case x accepted) as of `today`.
    pub fn parse(text: &str, today: Date) -> Result<Self, IdNumberError> {
        let text = text.trim().to_ascii_uppercase();
        if text.chars().count() != 18 {
            return Err(IdNumberError::Length);
        }
        let bytes = text.as_bytes();
        if !bytes[..17].iter().all(u8::is_ascii_digit)
            || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
        {
            return Err(IdNumberError::Characters);
        }
        let digits = |range: std::ops::Range<usize>| text[range].parse::<u32>().unwrap_or(0);
        if !PROVINCES.contains(&digits(0..2)) {
            return Err(IdNumberError::Region);
        }
        let birth = Month::try_from(digits(10..12) as u8)
            .ok()
            .and_then(|month| {
                Date::from_calendar_date(digits(6..10) as i32, month, digits(12..14) as u8).ok()
            })
            .filter(|date| date.year() >= 1900)
            .ok_or(IdNumberError::BirthDate)?;
        if birth > today {
            return Err(IdNumberError::FutureBirthDate);
        }
        if check_digit(&bytes[..17]) != bytes[17] as char {
            return Err(IdNumberError::CheckDigit);
        }
        Ok(Self(text))
    }

    pub fn birth_date(&self) -> Date {
        let digits = |range: std::ops::Range<usize>| self.0[range].parse::<u32>().unwrap_or(1);
        Month::try_from(digits(10..12) as u8)
            .ok()
            .and_then(|m| {
                Date::from_calendar_date(digits(6..10) as i32, m, digits(12..14) as u8).ok()
            })
            .expect("checked by parse")
    }

    /// Full years of age on `day`.
    pub fn age_on(&self, day: Date) -> u32 {
        let birth = self.birth_date();
        let mut age = day.year() - birth.year();
        if (day.month() as u8, day.day()) < (birth.month() as u8, birth.day()) {
            age -= 1;
        }
        age.max(0) as u32
    }

    /// The full number: for storage and the audited reveal only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// First 6 and last 4 shown: `440308********1234`.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }
}

fn check_digit(first17: &[u8]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(digit, weight)| u32::from(digit - b'0') * weight)
        .sum();
    ID_CHECK[(sum % 11) as usize]
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// Why a credit code was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CreditCodeError {
    Length,
    Characters,
    Region,
    CheckDigit,
}

impl fmt::Display for CreditCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Length => "统一社会信用代码应为18位",
            Self::Characters => "统一社会信用代码只能包含数字和大写字母（不含 I、O、Z、S、V）",
            Self::Region => "登记管理机关行政区划码不正确，请核对第3至8位",
            Self::CheckDigit => "校验位错误，请核对代码是否输入正确",
        })
    }
}

impl std::error::Error for CreditCodeError {}

/// A unified social credit code that passed the GB 32100 checks. Organisations' codes are public
/// information, so it is not masked.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CreditCode(String);

const USCC_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

impl CreditCode {
    pub fn parse(text: &str) -> Result<Self, CreditCodeError> {
        let text = text.trim().to_ascii_uppercase();
        if text.chars().count() != 18 {
            return Err(CreditCodeError::Length);
        }
        let values: Option<Vec<u32>> = text
            .chars()
            .map(|c| USCC_ALPHABET.find(c).map(|i| i as u32))
            .collect();
        let values = values.ok_or(CreditCodeError::Characters)?;
        if !text.as_bytes()[2..8].iter().all(u8::is_ascii_digit) {
            return Err(CreditCodeError::Region);
        }
        let sum: u32 = values[..17]
            .iter()
            .enumerate()
            .map(|(i, value)| value * 3u32.pow(i as u32) % 31)
            .sum();
        if (31 - sum % 31) % 31 != values[17] {
            return Err(CreditCodeError::CheckDigit);
        }
        Ok(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A mainland mobile number (11 digits starting 13–19); `+86`, spaces and dashes are tolerated.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let mut digits: String = text.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if let Some(rest) = digits.strip_prefix("+86") {
            digits = rest.to_owned();
        }
        let bytes = digits.as_bytes();
        if bytes.len() == 11
            && bytes.iter().all(u8::is_ascii_digit)
            && bytes[0] == b'1'
            && (b'3'..=b'9').contains(&bytes[1])
        {
            Ok(Self(digits))
        } else {
            Err("手机号码应为11位，以13至19开头")
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `138****0000`.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({})", self.masked())
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// A person's name as on their ID: Chinese characters, the middle dot of minority and foreign
/// names (·), or Latin letters and spaces; 2 to 50 characters.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let name: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let count = name.chars().count();
        if !(2..=50).contains(&count) {
            return Err("姓名应为2至50个字");
        }
        let allowed =
            |c: char| c.is_alphabetic() && !c.is_ascii_digit() || c == '·' || c == '•' || c == ' ';
        if !name.chars().all(allowed) {
            return Err("姓名只能包含汉字、字母、间隔号“·”和空格");
        }
        Ok(Self(name.replace('•', "·")))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The first character, then one `*` per further character: `张*`, `欧**`.
    pub fn masked(&self) -> String {
        let mut chars = self.0.chars();
        let first = chars.next().unwrap_or('*');
        std::iter::once(first).chain(chars.map(|_| '*')).collect()
    }
}

impl fmt::Debug for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PersonName({})", self.masked())
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 22);

    /// Appends the right check character to 17 digits.
    fn with_check(first17: &str) -> String {
        format!("{first17}{}", check_digit(first17.as_bytes()))
    }

    #[test]
    fn published_vectors_pass() {
        // The GB 11643 example number and a number whose check character is X.
        for valid in [
            "11010519491231002X",
            "440308199901011234",
            "110101199003074514",
        ] {
            let id = IdNumber::parse(valid, TODAY).unwrap();
            assert_eq!(id.expose(), valid);
        }
    }

    #[test]
    fn lower_case_x_is_accepted_and_stored_upper_case() {
        let id = IdNumber::parse(" 11010519491231002x ", TODAY).unwrap();
        assert_eq!(id.expose(), "11010519491231002X");
    }

    #[test]
    fn each_kind_of_mistake_is_named() {
        assert_eq!(
            IdNumber::parse("1101051949123100", TODAY),
            Err(IdNumberError::Length)
        );
        assert_eq!(
            IdNumber::parse("11010519491231002Y", TODAY),
            Err(IdNumberError::Characters)
        );
        assert_eq!(
            IdNumber::parse(&with_check("99010519491231002"), TODAY),
            Err(IdNumberError::Region)
        );
        assert_eq!(
            IdNumber::parse(&with_check("11010519490230002"), TODAY),
            Err(IdNumberError::BirthDate)
        );
        assert_eq!(
            IdNumber::parse(&with_check("11010520301231002"), TODAY),
            Err(IdNumberError::FutureBirthDate)
        );
        assert_eq!(
            IdNumber::parse("110105194912310021", TODAY),
            Err(IdNumberError::CheckDigit)
        );
        assert!(IdNumberError::CheckDigit.to_string().contains("校验位"));
    }

    #[test]
    fn ages_and_birth_dates() {
        let id = IdNumber::parse("110101199003074514", TODAY).unwrap();
        assert_eq!(id.birth_date(), date!(1990 - 03 - 07));
        assert_eq!(id.age_on(date!(2026 - 03 - 06)), 35);
        assert_eq!(id.age_on(date!(2026 - 03 - 07)), 36);
    }

    #[test]
    fn personal_values_are_masked_in_debug_and_display() {
        let id = IdNumber::parse("440308199901011234", TODAY).unwrap();
        assert_eq!(id.to_string(), "440308********1234");
        assert_eq!(format!("{id:?}"), "IdNumber(440308********1234)");
        let phone = Phone::parse("+86 138-0013-8000").unwrap();
        assert_eq!(phone.expose(), "13800138000");
        assert_eq!(
            format!("{phone} {phone:?}"),
            "138****8000 Phone(138****8000)"
        );
        let name = PersonName::parse("欧阳娜娜").unwrap();
        assert_eq!(format!("{name} {name:?}"), "欧*** PersonName(欧***)");
        assert_eq!(PersonName::parse("张三").unwrap().masked(), "张*");
    }

    #[test]
    fn credit_codes() {
        for valid in [
            "91350100M000100Y43",
            "11330100002500010U",
            "11330100002500100G",
        ] {
            assert_eq!(CreditCode::parse(valid).unwrap().as_str(), valid);
        }
        assert_eq!(
            CreditCode::parse("91350100m000100y43").unwrap().as_str(),
            "91350100M000100Y43"
        );
        assert_eq!(
            CreditCode::parse("91350100M000100Y4"),
            Err(CreditCodeError::Length)
        );
        assert_eq!(
            CreditCode::parse("91350100M000100I43"),
            Err(CreditCodeError::Characters)
        );
        assert_eq!(
            CreditCode::parse("9135A100M000100Y43"),
            Err(CreditCodeError::Region)
        );
        assert_eq!(
            CreditCode::parse("91350100M000100Y44"),
            Err(CreditCodeError::CheckDigit)
        );
    }

    #[test]
    fn phones_and_names() {
        assert!(Phone::parse("12800138000").is_err());
        assert!(Phone::parse("1380013800").is_err());
        assert!(PersonName::parse("阿卜杜·热合曼").is_ok());
        assert!(PersonName::parse("John Smith").is_ok());
        assert!(PersonName::parse("张").is_err());
        assert!(PersonName::parse("张3").is_err());
    }

    fn any_valid_id() -> impl Strategy<Value = String> {
        (
            0usize..PROVINCES.len(),
            0u32..10_000,
            0i64..40_000,
            0u32..1000,
        )
            .prop_map(|(province, county, days, sequence)| {
                let birth = date!(1910 - 01 - 01) + time::Duration::days(days);
                with_check(&format!(
                    "{:02}{:04}{:04}{:02}{:02}{:03}",
                    PROVINCES[province],
                    county,
                    birth.year(),
                    birth.month() as u8,
                    birth.day(),
                    sequence
                ))
            })
    }

    proptest! {
        #[test]
        fn generated_numbers_parse_and_mask(id in any_valid_id()) {
            let parsed = IdNumber::parse(&id, TODAY).unwrap();
            prop_assert_eq!(parsed.expose(), id.as_str());
            prop_assert!(!parsed.to_string().contains(&id[6..14]));
        }

        #[test]
        fn any_single_digit_change_is_caught(id in any_valid_id(), position in 0usize..17, delta in 1u8..10) {
            let mut bytes = id.into_bytes();
            bytes[position] = b'0' + (bytes[position] - b'0' + delta) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(IdNumber::parse(&changed, TODAY).is_err());
        }

        #[test]
        fn a_changed_credit_code_character_is_caught(position in 0usize..17, replacement in 0usize..31) {
            let valid = "91350100M000100Y43";
            let mut chars: Vec<char> = valid.chars().collect();
            let new = USCC_ALPHABET.chars().nth(replacement).unwrap();
            prop_assume!(chars[position] != new);
            chars[position] = new;
            let changed: String = chars.into_iter().collect();
            prop_assert!(CreditCode::parse(&changed).is_err());
        }
    }
}

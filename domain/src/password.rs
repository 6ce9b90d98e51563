//! Password rules (等保 2.0: 身份鉴别). Citizens need at least 8 characters mixing letters and
//! digits and nothing from the common-password list; staff need 12 characters from three classes
//! and a second factor (see `totp`). Hashing happens in `service`; these rules also run in the
//! browser so the form can say what is wrong before it is sent.

/// Passwords people choose most often, lower-cased; only entries that would pass the length and
/// class rules matter, because anything shorter is refused anyway.
const COMMON: &str = include_str!("password/common.txt");

pub const CITIZEN_MIN_LEN: usize = 8;
pub const STAFF_MIN_LEN: usize = 12;
/// Longer input is refused rather than hashed: a megabyte "password" is a denial-of-service tool.
pub const MAX_LEN: usize = 128;

/// Checks a citizen's or business agent's new password.
pub fn check_citizen(password: &str) -> Result<(), &'static str> {
    check_length(password, CITIZEN_MIN_LEN, "密码至少8位")?;
    let has_letter = password.chars().any(|c| c.is_ascii_alphabetic());
    let has_digit = password.chars().any(|c| c.is_ascii_digit());
    if !(has_letter && has_digit) {
        return Err("密码须同时包含字母和数字");
    }
    reject_common(password)
}

/// Checks a staff member's new password: three of upper-case, lower-case, digit and symbol.
pub fn check_staff(password: &str) -> Result<(), &'static str> {
    check_length(password, STAFF_MIN_LEN, "工作人员密码至少12位")?;
    let classes = [
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if classes.iter().filter(|present| **present).count() < 3 {
        return Err("工作人员密码须包含大写字母、小写字母、数字、符号中的至少三类");
    }
    reject_common(password)
}

fn check_length(password: &str, min: usize, too_short: &'static str) -> Result<(), &'static str> {
    let length = password.chars().count();
    if length < min {
        Err(too_short)
    } else if length > MAX_LEN {
        Err("密码不能超过128位")
    } else {
        Ok(())
    }
}

fn reject_common(password: &str) -> Result<(), &'static str> {
    let lowered = password.to_lowercase();
    if COMMON.lines().any(|common| common == lowered) {
        Err("该密码过于常见，容易被猜中，请换一个")
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citizen_passwords_need_eight_characters_with_letters_and_digits() {
        assert_eq!(check_citizen("ab12"), Err("密码至少8位"));
        assert_eq!(check_citizen("abcdefgh"), Err("密码须同时包含字母和数字"));
        assert_eq!(check_citizen("12345678"), Err("密码须同时包含字母和数字"));
        assert_eq!(check_citizen("mountain42"), Ok(()));
        assert_eq!(check_citizen(&"a1".repeat(65)), Err("密码不能超过128位"));
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        assert_eq!(
            check_citizen("Password1"),
            Err("该密码过于常见，容易被猜中，请换一个")
        );
        assert_eq!(
            check_citizen("woaini1314"),
            Err("该密码过于常见，容易被猜中，请换一个")
        );
        assert!(check_staff("P@ssw0rd1234").is_err());
    }

    #[test]
    fn every_listed_password_is_lower_case_and_would_otherwise_pass() {
        for common in COMMON.lines() {
            assert_eq!(common, common.to_lowercase(), "{common}");
            assert!(
                common.len() >= CITIZEN_MIN_LEN,
                "{common} is too short to matter"
            );
            assert!(
                common.chars().any(|c| c.is_ascii_alphabetic())
                    && common.chars().any(|c| c.is_ascii_digit()),
                "{common} would fail the class rule anyway"
            );
        }
    }

    #[test]
    fn staff_passwords_need_twelve_characters_from_three_classes() {
        assert_eq!(check_staff("Short1!"), Err("工作人员密码至少12位"));
        assert_eq!(
            check_staff("alllowercase12"),
            Err("工作人员密码须包含大写字母、小写字母、数字、符号中的至少三类")
        );
        assert_eq!(check_staff("Window-Clerk-7"), Ok(()));
        assert_eq!(check_staff("RiverStone2026"), Ok(()));
    }
}

//! The one rule for "return to" paths: where a login, a display-mode switch or any other redirect
//! may send the reader afterwards. Only a path on this site qualifies, so no redirect of ours can
//! be turned into a link to another site (an open redirect).

/// `candidate` when it is a local path, else `fallback`.
///
/// Browsers read more than `//host` as another site: they drop tabs and line breaks anywhere
/// (`/\t/evil.example` becomes `//evil.example`), turn `\` into `/`, and strip leading spaces.
/// So a local path starts with one `/`, and contains no backslash, no control character and no
/// white space at all (a real path of ours percent-encodes them) — neither as it is nor, in its
/// path, once the percent escapes are decoded, which some proxies and clients do on the way.
pub fn local_or<'a>(candidate: Option<&'a str>, fallback: &'a str) -> &'a str {
    candidate.filter(|path| is_local(path)).unwrap_or(fallback)
}

fn is_local(path: &str) -> bool {
    // The query and fragment cannot name another host: only the path is checked decoded.
    let path_part = path.split(['?', '#']).next().unwrap_or_default();
    plain_local(path) && plain_local(&percent_decoded(path_part))
}

fn plain_local(path: &str) -> bool {
    let mut chars = path.chars();
    chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && !path
            .chars()
            .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
}

/// `%XX` escapes decoded (bytes that are not UTF-8 become U+FFFD, which is harmless here).
fn percent_decoded(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escape = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escape {
            Some(byte) => {
                decoded.push(byte);
                i += 3;
            }
            None => {
                decoded.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_return_paths_fall_back() {
        let hostile = [
            "//evil.example/",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/%09/evil.example\t",
            "/\n/evil.example",
            "/\r\n/evil.example",
            " //evil.example",
            "/ /evil.example",
            "/\u{3000}/evil.example",
            "/\u{0}/evil.example",
            "/\u{7f}/evil.example",
            "https://evil.example/",
            "http:/evil.example",
            "javascript:alert(1)",
            "evil.example",
            "",
            "/a\r\nSet-Cookie: x",
            "/\\/evil.example",
            "/a/..\\..\\evil",
            "/%09/evil.example",
            "/%0a/evil.example",
            "/%2f/evil.example",
            "/%5cevil.example",
            "%2F%2Fevil.example",
            "/me%0d%0aSet-Cookie:x=1",
        ];
        for candidate in hostile {
            assert_eq!(local_or(Some(candidate), "/me"), "/me", "{candidate:?}");
        }
        assert_eq!(local_or(None, "/"), "/");
    }

    #[test]
    fn local_paths_are_kept() {
        for path in [
            "/",
            "/me",
            "/items?q=%E8%90%A5%E4%B8%9A&page=2",
            "/applications/A-1#materials",
            "/items?q=%E8%90%A5%E4%B8%9A%20%E6%89%A7%E7%85%A7",
        ] {
            assert_eq!(local_or(Some(path), "/me"), path);
        }
    }

    proptest::proptest! {
        #[test]
        fn the_answer_is_always_a_single_slash_path(candidate in ".*") {
            let path = local_or(Some(&candidate), "/");
            proptest::prop_assert!(path.starts_with('/'));
            proptest::prop_assert!(!path.starts_with("//") && !path.starts_with("/\\"));
            proptest::prop_assert!(!path.chars().any(|c| c.is_control() || c.is_whitespace()));
        }
    }
}

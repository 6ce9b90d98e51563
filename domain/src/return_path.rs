//! The one rule for "return to" paths: where a login, a display-mode switch or any other redirect
//! may send the reader afterwards. Only a path on this site qualifies, so no redirect of ours can
//! be turned into a link to another site (an open redirect).

/// `candidate` when it is a local path, else `fallback`.
///
/// Browsers read more than `//host` as another site: they drop tabs and line breaks anywhere
/// (`/\t/evil.example` becomes `//evil.example`), turn `\` into `/`, and strip leading spaces.
/// So a local path starts with one `/`, and contains no backslash, no control character and no
/// white space at all (a real path of ours percent-encodes them).
pub fn local_or<'a>(candidate: Option<&'a str>, fallback: &'a str) -> &'a str {
    candidate.filter(|path| is_local(path)).unwrap_or(fallback)
}

fn is_local(path: &str) -> bool {
    let mut chars = path.chars();
    chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && !path
            .chars()
            .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
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
            "/%2F%2Fevil.example",
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

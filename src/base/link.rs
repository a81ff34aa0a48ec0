//! The addresses a service's `link` may take (language 1.1, section 8):
//! `http:`, `https:` or `mailto:`, nothing else. One judgement for the
//! lowering (which reports `invalid-value`) and for every renderer that
//! writes a link into an `href` (which never writes one it refuses), so a
//! catalogue read back from JSON cannot slip a `javascript:` through.

/// The schemes a link may use, lowercase, with their colon.
pub const SCHEMES: [&str; 3] = ["http:", "https:", "mailto:"];

/// Why `url` cannot be a link, if it cannot. Judged on the text as
/// written, not as a browser repairs it: any blank or control character,
/// anywhere, refuses it (a browser drops tabs and line breaks, so
/// `java\tscript:` would run), as do quotes, angle brackets and
/// backslashes; the scheme is matched without regard to case.
pub fn problem(url: &str) -> Option<&'static str> {
    if url.is_empty() {
        return Some("it is empty");
    }
    let forbidden = |c: char| {
        c.is_whitespace()
            || c.is_control()
            || matches!(c, '"' | '\'' | '<' | '>' | '\\' | '`')
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
    };
    if url.chars().any(forbidden) {
        return Some(
            "a link holds no blanks, control or invisible characters, quotes, `<`, `>`, `\\` or backticks",
        );
    }
    let lower = url.to_ascii_lowercase();
    let Some(scheme) = SCHEMES.iter().find(|s| lower.starts_with(*s)) else {
        return Some("it is not an `http:`, `https:` or `mailto:` address");
    };
    let rest = &url[scheme.len()..];
    if *scheme == "mailto:" {
        return rest
            .split(['?', ','])
            .next()
            .is_none_or(|to| !to.contains('@'))
            .then_some("a `mailto:` address names no one (`mailto:pmo@example.org`)");
    }
    match rest.strip_prefix("//") {
        Some(host) if !host.is_empty() && !host.starts_with(['/', '?', '#', '@', ':']) => None,
        _ => Some("the address names no host (`https://intranet.example/…`)"),
    }
}

/// Whether `url` may be written into an `href`.
pub fn is_safe(url: &str) -> bool {
    problem(url).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_and_mail_addresses_with_a_host_or_a_person() {
        for good in [
            "https://intranet.example/pmo/resourcing",
            "HTTP://intranet.example",
            "https://a.example:8443/x?y=1#z",
            "mailto:pmo@example.org",
            "MailTo:pmo@example.org?subject=Hello%20PMO",
        ] {
            assert_eq!(problem(good), None, "{good}");
        }
        for bad in [
            "",
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "java\tscript:alert(1)",
            " https://a.example",
            "https://a.example/\u{0}",
            "https://a.example/a b",
            "https://a.example/\u{202e}x",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:x",
            "file:///etc/passwd",
            "/relative/path",
            "relative/path",
            "../up",
            "//evil.example",
            "https:evil.example",
            "https://",
            "https:///path",
            "http://\"onmouseover=x",
            "mailto:",
            "mailto:nobody",
            "ftp://files.example",
            "https\u{0}://a.example",
        ] {
            assert!(problem(bad).is_some(), "{bad:?}");
        }
    }
}

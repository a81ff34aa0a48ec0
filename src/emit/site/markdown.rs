//! Descriptions are CommonMark: rendered to HTML with raw HTML escaped, so a
//! description can format text but never inject markup. Links go only to
//! `http`, `https` and `mailto` addresses and relative ones, images only to
//! `http`, `https` and relative ones: any other (`javascript:`, `data:`,
//! `vbscript:`, `file:`, …) is shown as its text.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

/// CommonMark to HTML; raw HTML blocks and inline HTML come out as text,
/// links and images to unsafe destinations as their text.
pub fn to_html(source: &str) -> String {
    // For each link or image open: whether it was dropped (its end goes too).
    let mut dropped: Vec<bool> = Vec::new();
    let parser = Parser::new_ext(
        source,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    )
    .filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::Link { ref dest_url, .. }) => {
            let safe = safe_destination(dest_url, &["http", "https", "mailto"]);
            dropped.push(!safe);
            safe.then_some(event)
        }
        Event::Start(Tag::Image { ref dest_url, .. }) => {
            let safe = safe_destination(dest_url, &["http", "https"]);
            dropped.push(!safe);
            safe.then_some(event)
        }
        Event::End(TagEnd::Link | TagEnd::Image) => {
            (!dropped.pop().unwrap_or(false)).then_some(event)
        }
        other => Some(other),
    });
    let mut out = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut out, parser);
    out
}

/// Whether a link's destination is relative or uses one of `schemes`. It is
/// judged as a browser reads it: tabs and line breaks inside are dropped,
/// blanks and control characters around it too, and case does not matter.
fn safe_destination(url: &str, schemes: &[&str]) -> bool {
    let url: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    // A scheme ends at the first `:` before any `/`, `?` or `#`.
    let end = url.find([':', '/', '?', '#', '\\']);
    match end {
        Some(at) if url[at..].starts_with(':') => {
            let scheme = url[..at].to_ascii_lowercase();
            schemes.contains(&scheme.as_str())
        }
        _ => true,
    }
}

/// The start of a description as plain text, for summaries: inline
/// formatting dropped without a trace (`**a**, b` reads "a, b"), blocks
/// (paragraphs, headings, items) parted by a space; longer than
/// `max_chars`, it is cut at the last word boundary that fits, with an
/// ellipsis (a word is never cut in the middle, unless it alone is longer).
pub fn summary(source: &str, max_chars: usize) -> String {
    let mut text = String::new();
    for event in Parser::new(source) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(end) if block_end(&end) => text.push(' '),
            _ => {}
        }
        if text.chars().count() > max_chars + 1 {
            break;
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max_chars {
        return text;
    }
    // Room for the ellipsis; cut before the word that does not fit.
    let room: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    let whole_words = match text[room.len()..].starts_with(' ') {
        true => room.as_str(),
        false => room
            .rsplit_once(' ')
            .map_or(room.as_str(), |(kept, _)| kept),
    };
    let kept = whole_words.trim_end_matches(|c: char| c.is_whitespace() || ",;:-–—".contains(c));
    format!(
        "{}…",
        if kept.is_empty() {
            room.trim_end()
        } else {
            kept
        }
    )
}

/// Whether an end tag closes a block (a paragraph, heading, item, quote,
/// table cell…), which a summary parts from the next by a space; inline
/// ends (emphasis, strong, links) part nothing.
fn block_end(end: &TagEnd) -> bool {
    !matches!(
        end,
        TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Image
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_escaped() {
        let html =
            to_html("Hello <script>alert(1)</script> **bold**\n\n<div onclick=\"x\">block</div>\n");
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("<div"), "{html}");
        assert!(
            html.contains("&lt;script&gt;") && html.contains("<strong>bold</strong>"),
            "{html}"
        );
    }

    #[test]
    fn only_safe_links_and_images_are_drawn() {
        for hostile in [
            "[x](javascript:alert(1))",
            "[x](JavaScript:alert(1))",
            "[x](<java\tscript:alert(1)>)",
            "[x](javascript&#58;alert(1))",
            "[x](\\u{1}javascript:alert(1))",
            "<javascript:alert(1)>",
            "![i](javascript:alert(1))",
            "![i](data:image/svg+xml;base64,PHN2Zz4=)",
            "[x](data:text/html,<script>alert(1)</script>)",
            "[x](vbscript:msgbox(1))",
            "[x](file:///etc/passwd)",
            "![i](mailto:a@b.c)",
            "[x][r]\n\n[r]: javascript:alert(1)",
            "[![i](javascript:alert(1))](https://example.org/)",
        ] {
            let html = to_html(hostile);
            for bad in ["javascript:", "data:", "vbscript:", "file:", "mailto:"] {
                assert!(
                    !html.contains(&format!("href=\"{bad}"))
                        && !html.contains(&format!("src=\"{bad}"))
                        && !html.to_ascii_lowercase().contains("=\"java"),
                    "{hostile}: {html}"
                );
            }
            assert!(!html.contains("<img"), "{hostile}: {html}");
        }
        assert_eq!(
            to_html("[x](javascript:alert(1))"),
            "<p>x</p>\n",
            "shown as its text"
        );
        assert_eq!(to_html("![logo](javascript:x)"), "<p>logo</p>\n");
        for safe in [
            "[x](https://example.org/a?b#c)",
            "[x](http://example.org)",
            "[x](mailto:pmo@example.org)",
            "[x](../services/a.html)",
            "[x](#top)",
            "[x](docs/a:b.html)",
            "<https://example.org>",
            "![i](img/logo.png)",
            "![i](https://example.org/i.png)",
        ] {
            let html = to_html(safe);
            assert!(
                html.contains("<a href=") || html.contains("<img src="),
                "{safe}: {html}"
            );
        }
    }

    #[test]
    fn summaries_are_plain_and_short() {
        assert_eq!(
            summary("# Title\n\nSome *text* here.", 100),
            "Title Some text here."
        );
        assert_eq!(summary("abcdef ghij", 8), "abcdef…");
        // A word longer than the room is cut, with the ellipsis.
        assert_eq!(summary("abcdefghij", 6), "abcde…");
    }

    /// Inline formatting leaves no space behind (`**a**, b`), and a cut
    /// falls between words, never inside one.
    #[test]
    fn summaries_keep_punctuation_and_cut_between_words() {
        assert_eq!(
            summary(
                "Governed well: **stage-gate reviews**, health checks and _change_ control.",
                200
            ),
            "Governed well: stage-gate reviews, health checks and change control."
        );
        assert_eq!(summary("[Link](https://x.org), then", 100), "Link, then");
        let cut = summary(
            "Reports on programmes that fall behind their plan every month",
            40,
        );
        assert_eq!(cut, "Reports on programmes that fall behind…");
        assert!(cut.chars().count() <= 40);
        // A comma before the cut goes too.
        assert_eq!(summary("one, two, three", 10), "one, two…");
    }
}

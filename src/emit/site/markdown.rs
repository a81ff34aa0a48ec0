//! Descriptions are CommonMark: rendered to HTML with raw HTML escaped, so a
//! description can format text but never inject markup.

use pulldown_cmark::{Event, Options, Parser, html};

/// CommonMark to HTML; raw HTML blocks and inline HTML come out as text.
pub fn to_html(source: &str) -> String {
    let parser = Parser::new_ext(
        source,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    )
    .map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut out = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut out, parser);
    out
}

/// The first sentence-ish of a description as plain text, for summaries.
pub fn summary(source: &str, max_chars: usize) -> String {
    let mut text = String::new();
    for event in Parser::new(source) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(_) => text.push(' '),
            _ => {}
        }
        if text.chars().count() > max_chars {
            break;
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max_chars {
        return text;
    }
    let cut: String = text.chars().take(max_chars).collect();
    format!("{}…", cut.trim_end())
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
    fn summaries_are_plain_and_short() {
        assert_eq!(
            summary("# Title\n\nSome *text* here.", 100),
            "Title Some text here."
        );
        assert_eq!(summary("abcdef ghij", 6), "abcdef…");
    }
}

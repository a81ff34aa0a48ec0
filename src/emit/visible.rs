//! What of the user's text may reach a terminal or a CI log as it is: the
//! one escaping of every output people read (diagnostics in every format,
//! the review's and the diff's text and Markdown, the commands' messages).
//! Every control character but tab and line feed (C0, DEL, C1) and every
//! bidirectional override or isolate (U+202A–U+202E, U+2066–U+2069) is
//! shown instead: a C0 control or DEL as its Unicode Control Picture (ESC
//! as `␛`, BEL as `␇`, DEL as `␡`), one column wide like the character it
//! stands for; any other as its code in Rust's notation (`\u{85}`,
//! `\u{202e}`). [`line`](fn@line) shows a line feed too (`␊`): what it returns
//! stays on its line, so a name or a path cannot start a line of its own
//! (a forged finding, or a GitHub workflow command). [`text`] keeps line
//! feeds, for a whole report whose lines are pmoc's. A message, label or
//! help longer than [`LONG_TEXT`] characters (one quoting a huge name) is
//! cut in the middle by [`visible`], `…` standing for what is left out.

use std::borrow::Cow;

/// The most characters of a message, label or help shown whole.
const LONG_TEXT: usize = 1000;

/// Whether a character is shown as something else.
pub(crate) fn hidden(c: char) -> bool {
    matches!(
        c,
        '\0'..='\x08'
            | '\x0b'..='\x1f'
            | '\x7f'..='\u{9f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// Appends how a [`hidden`] character (or a line feed) is shown.
pub(crate) fn push_shown(out: &mut String, c: char) {
    match c as u32 {
        code @ 0..=0x1f => out.push(char::from_u32(0x2400 + code).unwrap_or('\u{fffd}')),
        0x7f => out.push('\u{2421}'),
        code => out.push_str(&format!("\\u{{{code:x}}}")),
    }
}

/// A message, label or help as [`line`](fn@line) shows it (pmoc writes none over
/// several lines, so a line feed in one comes from the project), cut in
/// the middle if longer than [`LONG_TEXT`] characters.
pub(crate) fn visible(text: &str) -> Cow<'_, str> {
    match bounded(text) {
        Cow::Borrowed(bounded) => line(bounded),
        Cow::Owned(bounded) => Cow::Owned(line(&bounded).into_owned()),
    }
}

/// The text, or its beginning and end with `…` between.
fn bounded(text: &str) -> Cow<'_, str> {
    if text.len() <= LONG_TEXT || text.chars().nth(LONG_TEXT).is_none() {
        return Cow::Borrowed(text);
    }
    let head = text
        .char_indices()
        .nth(LONG_TEXT * 2 / 3)
        .map_or(text.len(), |(i, _)| i);
    let tail = text
        .char_indices()
        .rev()
        .nth(LONG_TEXT / 3 - 1)
        .map_or(0, |(i, _)| i)
        .max(head);
    Cow::Owned(format!("{}…{}", &text[..head], &text[tail..]))
}

/// A text with its [`hidden`] characters shown, line feeds and tabs kept:
/// a whole report, whose line breaks are pmoc's.
pub fn text(text: &str) -> Cow<'_, str> {
    shown_where(text, hidden)
}

/// A text that stays on one line: its [`hidden`] characters and line
/// feeds shown. Every name, path or other user text placed within a line.
pub fn line(text: &str) -> Cow<'_, str> {
    shown_where(text, |c| c == '\n' || hidden(c))
}

fn shown_where(text: &str, show: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&show) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if show(c) {
            push_shown(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_overrides_are_shown() {
        assert_eq!(visible("a\x1b[31mb\x07\0\x7f"), "a␛[31mb␇␀␡");
        assert_eq!(
            visible("x\r\u{85}\u{9f}\u{202e}\u{2066}"),
            "x␍\\u{85}\\u{9f}\\u{202e}\\u{2066}"
        );
        assert_eq!(
            visible("tab\tand\nline é😀\u{a0}\u{200f}"),
            "tab\tand␊line é😀\u{a0}\u{200f}"
        );
        assert_eq!(
            text("tab\tand\nline é😀\u{a0}\u{200f}"),
            "tab\tand\nline é😀\u{a0}\u{200f}"
        );
        assert!(matches!(visible("plain"), Cow::Borrowed(_)));
        assert_eq!(
            line("a\n::error file=x::FORGED\r\x1b]0;t\x07"),
            "a␊::error file=x::FORGED␍␛]0;t␇"
        );
        assert!(matches!(line("plain\tpath"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_long_text_is_cut_in_the_middle() {
        let text = format!("`{}` is not a declaration\x1b", "é".repeat(5000));
        let shown = visible(&text);
        assert!(shown.chars().count() < LONG_TEXT + 10, "{}", shown.len());
        assert!(shown.starts_with("`éé") && shown.contains('…'));
        assert!(shown.ends_with("éé` is not a declaration␛"));
        let exact = "a".repeat(LONG_TEXT);
        assert_eq!(visible(&exact), exact);
    }
}

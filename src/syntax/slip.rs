//! The syntax findings: a tree's slips ([`super::tree::Tree::errors`]) as
//! `kdl-syntax` diagnostics, each once, at its place, in the order of the
//! text, at most [`MAX_FINDINGS`] a file and then one "and N more".
//!
//! The tree's messages are kept and given their help; three slips are
//! worded here:
//! - a value written against the one before it with a comma between
//!   names the comma, with a fix that removes it;
//! - braces that do not balance are matched again by indentation (a `}`
//!   first on its line closes the innermost open block whose line is
//!   indented like it), so an unclosed `{` is reported at the `{` the
//!   indentation shows was never closed and a stray `}` at the `}` it
//!   shows is extra, with rustc's labels;
//! - a block nested deeper than [`MAX_DEPTH`] is refused at its `{`.

use std::ops::Range;

use super::MAX_DEPTH;
use super::tree::{SyntaxError, SyntaxErrorKind, TokenKind, Tree};
use crate::base::{Code, Diagnostic, Edit, FileId, Fix, Span};

/// The most syntax findings shown for one file; the rest are counted in
/// one "and N more" finding at the first of them (as a metrics CSV's).
pub(super) const MAX_FINDINGS: usize = 20;

struct Cx<'t> {
    file: FileId,
    text: &'t str,
}

/// A finding not yet worded (only those shown are: wording a brace's
/// finding reads on through the text).
enum Pending<'e> {
    Slip(&'e SyntaxError),
    Unclosed { open: usize, close: Option<usize> },
    Stray { at: usize, inner: Option<usize> },
    TooDeep(usize),
}

/// Every slip of the tree as a finding (none for a tree without errors
/// nested within [`MAX_DEPTH`]). Linear in the text and its slips.
pub(super) fn diagnose(file: FileId, tree: &Tree) -> Vec<Diagnostic> {
    let cx = Cx {
        file,
        text: tree.text(),
    };
    let errors = cascade_free(cx.text, tree.errors());
    let deep = too_deep(tree);
    let unbalanced = errors
        .iter()
        .any(|e| matches!(e.kind, SyntaxErrorKind::Unclosed | SyntaxErrorKind::Stray));
    // Too deep: that finding stands for the braces'. Else, when the braces
    // do not balance, indentation tells where.
    let by_indent = match (deep, unbalanced) {
        (None, true) => by_indentation(&braces(cx.text, tree)),
        _ => Vec::new(),
    };
    let mut all: Vec<(usize, Pending<'_>)> = errors
        .iter()
        .filter(|e| {
            let brace = matches!(e.kind, SyntaxErrorKind::Unclosed | SyntaxErrorKind::Stray);
            !brace || (deep.is_none() && by_indent.is_empty())
        })
        .map(|e| (e.range.start, Pending::Slip(e)))
        .collect();
    all.extend(by_indent);
    if let Some(at) = deep {
        all.push((at, Pending::TooDeep(at)));
    }
    all.sort_by_key(|(at, _)| *at);
    let more = all.len().saturating_sub(MAX_FINDINGS);
    let mut out: Vec<Diagnostic> = all
        .iter()
        .take(MAX_FINDINGS + 1)
        .map(|(_, p)| cx.word(p))
        .collect();
    if more > 0 {
        let first = out[MAX_FINDINGS].span;
        out[MAX_FINDINGS] = Diagnostic::more(Code::KdlSyntax, first, more);
    }
    out
}

/// The tree's slips less those that only follow from the one before: a
/// second slip at the same place, a missing space right after a character
/// that makes no token (it was the separator), a chain of `/-` commenting
/// out nothing, and what stands between `[` and `]` on a line (one slip, a
/// list in brackets, spanning both).
fn cascade_free(text: &str, errors: &[SyntaxError]) -> Vec<SyntaxError> {
    let mut out: Vec<SyntaxError> = Vec::with_capacity(errors.len());
    let mut list: Option<usize> = None;
    for e in errors {
        let written = &text[e.range.clone()];
        if let Some(i) = list {
            let same_line = !text[out[i].range.start..e.range.start].contains(['\n', '\r']);
            if same_line && e.kind == SyntaxErrorKind::Token && written == "]" {
                out[i].range.end = e.range.end;
                out[i].message = "KDL has no lists in brackets".into();
                list = None;
                continue;
            }
            if same_line {
                continue;
            }
            list = None;
        }
        let after_token = out
            .last()
            .is_some_and(|p| p.kind == SyntaxErrorKind::Token && p.range.end == e.range.start);
        // One slip a place: the parser's after the lexer's, or a second
        // at the end of the text.
        let same_place = out.last().is_some_and(|p| p.range.start == e.range.start);
        if (e.kind == SyntaxErrorKind::MissingSpace && after_token) || same_place {
            continue;
        }
        // A chain of `/-` with nothing to comment out is one slip.
        let chained = out.last().is_some_and(|p| {
            p.message == e.message
                && written.starts_with("/-")
                && text[p.range.end..e.range.start].trim().is_empty()
        });
        if chained {
            continue;
        }
        if e.kind == SyntaxErrorKind::Token && written == "[" {
            list = Some(out.len());
        }
        out.push(e.clone());
    }
    out
}

/// A brace of the text: `{` or `}`, its offset, the indentation of its
/// line, and whether it stands first on its line.
#[derive(Clone, Copy)]
struct Brace<'t> {
    open: bool,
    at: usize,
    indent: &'t str,
    first: bool,
}

/// The braces of the text, in order (one pass: each line start is found
/// between a brace and the one before).
fn braces<'t>(text: &'t str, tree: &Tree) -> Vec<Brace<'t>> {
    let mut out = Vec::new();
    let (mut line, mut seen) = (0, 0);
    for t in tree.tokens() {
        let open = match t.kind() {
            TokenKind::LBrace => true,
            TokenKind::RBrace => false,
            _ => continue,
        };
        let at = t.range().start;
        if let Some(i) = text[seen..at].rfind(['\n', '\r']) {
            line = seen + i + 1;
        }
        seen = at;
        let rest = &text[line..at];
        let body = rest.trim_start_matches([' ', '\t']);
        let indent = &rest[..rest.len() - body.len()];
        out.push(Brace {
            open,
            at,
            indent,
            first: body.is_empty(),
        });
    }
    out
}

/// The first `{` nested deeper than [`MAX_DEPTH`].
fn too_deep(tree: &Tree) -> Option<usize> {
    let mut depth = 0usize;
    for t in tree.tokens() {
        match t.kind() {
            TokenKind::LBrace => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(t.range().start);
                }
            }
            TokenKind::RBrace => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

impl Cx<'_> {
    fn span(&self, range: Range<usize>) -> Span {
        Span::new(self.file, range.start, range.end)
    }

    fn diag(&self, range: Range<usize>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Code::KdlSyntax, self.span(range), message)
    }

    /// The character at `at` (empty at the end of the text).
    fn char_at(&self, at: usize) -> Range<usize> {
        let len = self.text[at..].chars().next().map_or(0, char::len_utf8);
        at..at + len
    }

    /// One slip of the tree, its message kept, a help added where known.
    fn word(&self, p: &Pending<'_>) -> Diagnostic {
        match *p {
            Pending::Slip(e) => self.slip(e),
            Pending::Unclosed { open, close } => self.unclosed(open, close),
            Pending::Stray { at, inner } => self.stray(at, inner),
            Pending::TooDeep(at) => self.too_deep(at),
        }
    }

    fn slip(&self, e: &SyntaxError) -> Diagnostic {
        let written = &self.text[e.range.clone()];
        // A comma after a value: the next value written against it, or in
        // a number's token (`1,`).
        let number = e.kind == SyntaxErrorKind::Token
            && written.starts_with(|c: char| c.is_ascii_digit() || "+-.".contains(c));
        if (e.kind == SyntaxErrorKind::MissingSpace || number)
            && !written.starts_with(['"', '#'])
            && let Some(i) = written.find(',')
        {
            return self.comma(e.range.start + i);
        }
        let m = e.message.as_str();
        if m.starts_with("this string is never closed on its line") {
            return self.unclosed_quote(e.range.start);
        }
        let help = if m.contains("block comment is never closed") {
            Some(
                "close it with `*/`; block comments nest, so each `/*` inside needs its own `*/`"
                    .to_string(),
            )
        } else if m.contains("raw string is never closed") {
            let hashes = written.bytes().take_while(|&b| b == b'#').count();
            Some(format!("close it with `\"{}`", "#".repeat(hashes)))
        } else if m.contains("multi-line string is never closed") {
            Some("close it with `\"\"\"` on a line of its own".into())
        } else if m.contains("string is never closed") {
            Some("close the string with `\"` on the same line".into())
        } else if m.contains("is not a") && m.contains("number") {
            Some("numbers are decimal (`12`, `-3.5`, `1e6`, `1_000`) or `0x`, `0o`, `0b` followed by digits; quote text that starts with a digit".into())
        } else if m.contains("not an escape") {
            Some("the escapes are `\\n`, `\\r`, `\\t`, `\\\\`, `\\\"`, `\\b`, `\\f`, `\\s`, `\\u{…}` and `\\` before whitespace; write `\\\\` for a backslash".into())
        } else if let Some(c) = m
            .strip_prefix("the character U+")
            .and_then(|rest| rest.split(' ').next())
        {
            Some(format!(
                "remove it; in a string, write it as the escape `\\u{{{}}}`",
                c.trim_start_matches('0').to_lowercase()
            ))
        } else if m.starts_with("KDL has no lists")
            || m.starts_with("found `[`")
            || m.starts_with("found `]`")
        {
            Some("KDL has no lists in brackets: give several arguments, or quote the text".into())
        } else if e.kind == SyntaxErrorKind::MissingSpace {
            Some("separate a node's arguments and properties with spaces".into())
        } else if m.contains("with no key before it") {
            Some("a node takes its value as an argument: `name value`, without `=`".into())
        } else {
            None
        };
        let range = if e.range.is_empty() {
            self.char_at(e.range.start)
        } else {
            e.range.start..e.range.end.min(e.range.start + 80)
        };
        let range = clamp(self.text, range);
        self.diag(range, m).maybe_help(help)
    }

    /// A one-line string whose line ends before its closing quote.
    fn unclosed_quote(&self, at: usize) -> Diagnostic {
        let breaks = [
            '\n', '\r', '\u{b}', '\u{c}', '\u{85}', '\u{2028}', '\u{2029}',
        ];
        let end = self.text[at..]
            .find(breaks)
            .map_or(self.text.len(), |i| at + i);
        self.diag(at..at + 1, "this string has no closing quote")
            .label(self.span(self.char_at(end)), "the line ends here")
            .help("close the string with `\"` on the same line, or write a multi-line string between `\"\"\"` lines")
    }

    /// `found ','`, with the fix that removes the comma (or makes it a
    /// space when nothing else separates the values).
    fn comma(&self, at: usize) -> Diagnostic {
        let spaced = self.text[at + 1..]
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || c == ';');
        let content = if spaced { "" } else { " " };
        self.diag(
            at..at + 1,
            "found `,`: KDL separates values with spaces, not commas",
        )
        .help("remove the comma")
        .fix(Fix {
            message: "remove the comma".into(),
            edits: vec![Edit {
                span: self.span(at..at + 1),
                content: content.into(),
            }],
        })
    }

    fn too_deep(&self, at: usize) -> Diagnostic {
        self.diag(
            at..at + 1,
            format!("children blocks are nested more than {MAX_DEPTH} deep here"),
        )
        .help("a catalogue needs four levels; close the blocks above")
    }
}

/// The findings of braces matched by indentation, by offset: each `{`
/// left open and each `}` found extra. A `}` first on its line closes the
/// innermost open block whose `{` line is indented like it (the blocks
/// above it were never closed), or is extra when it is indented deeper
/// than the innermost open block's line; any other `}` closes the
/// innermost block. Called within [`MAX_DEPTH`], so the search is short.
fn by_indentation<'e>(braces: &[Brace<'_>]) -> Vec<(usize, Pending<'e>)> {
    let mut out = Vec::new();
    let mut open: Vec<Brace<'_>> = Vec::new();
    for &b in braces {
        if b.open {
            open.push(b);
            continue;
        }
        if !b.first {
            if open.pop().is_none() {
                out.push((
                    b.at,
                    Pending::Stray {
                        at: b.at,
                        inner: None,
                    },
                ));
            }
            continue;
        }
        match open.iter().rposition(|o| o.indent == b.indent) {
            Some(j) => {
                for o in &open[j + 1..] {
                    let close = Some(b.at);
                    out.push((o.at, Pending::Unclosed { open: o.at, close }));
                }
                open.truncate(j);
            }
            None => match open.last() {
                Some(inner) if inner.indent.len() >= b.indent.len() => {
                    open.pop();
                }
                inner => {
                    let inner = inner.map(|o| o.at);
                    out.push((b.at, Pending::Stray { at: b.at, inner }));
                }
            },
        }
    }
    for o in &open {
        out.push((
            o.at,
            Pending::Unclosed {
                open: o.at,
                close: None,
            },
        ));
    }
    out
}

/// A range cut to the text and to character boundaries.
fn clamp(text: &str, range: Range<usize>) -> Range<usize> {
    let mut end = range.end.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    range.start.min(end)..end
}

/// Braces matched by indentation, for a text whose braces do not balance.
impl Cx<'_> {
    /// Where the line holding `at` starts, and its indentation.
    fn line_of(&self, at: usize) -> (usize, &str) {
        let start = self.text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let line = &self.text[start..];
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        (start, &line[..indent])
    }

    /// The first line after `open` that returns to its line's indentation
    /// (blank lines, comments and `}` lines skipped).
    fn dedent(&self, open: usize) -> Option<usize> {
        let (_, indent) = self.line_of(open);
        let mut at = self.text[open..].find(['\n', '\r']).map(|i| open + i)?;
        while at < self.text.len() {
            let start = at + 1;
            let line = &self.text[start..];
            let end = line.find(['\n', '\r']).unwrap_or(line.len());
            let body = line[..end].trim_start_matches([' ', '\t']);
            let lead = end - body.len();
            let blank = body.is_empty() || body.starts_with("//");
            if !blank && lead <= indent.len() && !body.starts_with('}') {
                return Some(start + lead);
            }
            at = start + end;
        }
        None
    }

    /// A `{` never closed; `close` is the `}` indented like an outer block
    /// that the parser took for its close.
    fn unclosed(&self, open: usize, close: Option<usize>) -> Diagnostic {
        let mut diag = self
            .diag(
                open..open + 1,
                "unclosed delimiter: this `{` is never closed",
            )
            .help("add the missing `}`");
        if let Some(line) = self.dedent(open).filter(|&l| close.is_none_or(|c| l < c)) {
            diag = diag.label(
                self.span(self.char_at(line)),
                "the block was probably meant to close before this line",
            );
        }
        if let Some(close) = close {
            diag = diag.label(
                self.span(close..close + 1),
                "this `}` is indented like an outer block's `{` line, so it closes that block",
            );
        }
        diag
    }

    /// A `}` that closes no block; `inner` is the innermost open `{`.
    fn stray(&self, at: usize, inner: Option<usize>) -> Diagnostic {
        let diag = self
            .diag(
                at..at + 1,
                "unexpected closing delimiter: this `}` closes no block",
            )
            .help("remove this `}`, or add the `{` it was meant to close");
        match inner {
            Some(inner) => diag.label(
                self.span(inner..inner + 1),
                "the innermost open block's line is indented less than this `}`",
            ),
            None => diag,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::base::{Diagnostic, FileId};

    fn slips(text: &str) -> Vec<Diagnostic> {
        super::super::parse_v2(FileId(0), text).expect_err("a syntax error")
    }

    fn slip(text: &str) -> (String, String, Vec<String>) {
        let all = slips(text);
        assert_eq!(all.len(), 1, "{all:#?}");
        let d = &all[0];
        let at = &text[d.span.range()];
        let labels = d
            .labels
            .iter()
            .map(|l| text[l.span.range()].to_string())
            .collect();
        (d.message.clone(), at.to_string(), labels)
    }

    #[test]
    fn an_unclosed_block_points_at_the_brace_the_indentation_shows() {
        let text = "service \"a\" {\n    sla \"s\" {\n        target 1\n    gate \"g\"\n}\n";
        let d = &slips(text)[0];
        assert!(d.message.contains("unclosed delimiter"), "{}", d.message);
        // The `{` of `sla`, not of `service`.
        assert_eq!(d.span.range(), 26..27);
        let labels: Vec<usize> = d.labels.iter().map(|l| l.span.start as usize).collect();
        assert_eq!(labels, [text.find("gate").unwrap(), text.len() - 2]);
    }

    #[test]
    fn an_unclosed_block_without_a_misindented_close_points_at_the_dedent() {
        let text = "service \"a\" {\n    name \"x\"\nservice \"b\" {\n    name \"y\"\n}\n";
        let d = &slips(text)[0];
        assert_eq!(d.span.range(), 12..13);
        assert_eq!(d.labels.len(), 1);
        assert_eq!(d.labels[0].span.start, 27);
    }

    #[test]
    fn a_stray_close_is_reported_where_the_indentation_shows() {
        let (message, at, _) = slip("a 1\n}\nb 2\n");
        assert!(message.contains("closes no"), "{message}");
        assert_eq!(at, "}");
        let text = "a {\n    b 1\n    }\n}\n";
        let all = slips(text);
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].span.range(), 16..17);
    }

    #[test]
    fn a_comma_is_named_and_removed() {
        let text = "offer \"pm\", level=\"mandated\"\n";
        let all = slips(text);
        assert_eq!(all.len(), 1, "{all:#?}");
        assert_eq!(
            all[0].message,
            "found `,`: KDL separates values with spaces, not commas"
        );
        assert_eq!(all[0].span.range(), 10..11);
        let fix = all[0].fix.as_ref().unwrap();
        assert_eq!(fix.edits[0].content, "");
    }

    #[test]
    fn slips_are_named_at_their_place() {
        let cases = [
            ("a 1.2.3\n", "1.2.3"),
            ("a \"x\\q\"\n", "\\q"),
            ("a \"open\nb\n", "\""),
            ("a /* open\n", "/*"),
            ("a \"\u{1b}[31m\"\n", "\u{1b}"),
            ("a #foo\n", "#foo"),
            ("a [1]\n", "[1]"),
            ("a [1, 2]\n", "[1, 2]"),
        ];
        for (text, at) in cases {
            let (m, a, _) = slip(text);
            assert_eq!(a.as_str(), at, "{text:?}: {m}");
        }
    }

    #[test]
    fn findings_are_capped() {
        let text = "a 1.2.3\n".repeat(super::MAX_FINDINGS + 5);
        let all = slips(&text);
        assert_eq!(all.len(), super::MAX_FINDINGS + 1);
        assert_eq!(all[super::MAX_FINDINGS].more, 5);
    }
}

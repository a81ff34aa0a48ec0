//! A syntax error in words: what the slip is called, the exact place it
//! stands (never a span over the rest of the file), and how to fix it.
//!
//! Delimiters get rustc's treatment: an unclosed `{` is reported at the `{`,
//! and the indentation says where it was probably meant to close: a block
//! whose `}` is indented unlike its opening line, or the first line after the
//! `{` that returns to the opening line's indentation.

use std::ops::Range;

use just_kdl::lexer::LexerError;
use just_kdl::reader::ReaderError;

use super::MAX_DEPTH;
use super::read::{Failure, Slip};
use crate::base::{Code, Diagnostic, FileId, Span};

/// The one `kdl-syntax` finding of a file that failed to read.
pub(super) fn diagnose(file: FileId, text: &str, failure: &Failure) -> Diagnostic {
    let cx = Cx { file, text };
    let range = clamp(text, failure.range.clone());
    match &failure.error {
        Slip::TooDeep => Diagnostic::new(
            Code::KdlSyntax,
            cx.span(range),
            format!("nodes are nested more than {MAX_DEPTH} levels deep"),
        )
        .help("a catalogue needs a few levels; is a `}` missing above?"),
        Slip::Panic => {
            let at = cx.token_or_end(range);
            cx.diag(at, "the KDL reader failed on what starts here")
                .help("this is a bug of the KDL reader pmoc uses (just-kdl); a multi-line string whose lines are indented with other spaces than its closing `\"\"\"` line is one: indent them alike")
        }
        Slip::Reader(ReaderError::Lexer(e)) => cx.lexer(e, range),
        Slip::Reader(ReaderError::UnclosedOpen) => cx.unclosed(failure),
        Slip::Reader(ReaderError::UnmatchedClose) => cx.unmatched(range, failure),
        Slip::Reader(e) => cx.reader(e, range),
    }
}

struct Cx<'t> {
    file: FileId,
    text: &'t str,
}

/// A range within the text, on character boundaries.
fn clamp(text: &str, range: Range<usize>) -> Range<usize> {
    let fix = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = fix(range.start);
    start..fix(range.end).max(start)
}

impl Cx<'_> {
    fn span(&self, range: Range<usize>) -> Span {
        Span::new(self.file, range.start, range.end)
    }

    /// The character at `at` (one character's span; empty at the end).
    fn char_at(&self, at: usize) -> Range<usize> {
        let at = clamp(self.text, at..at).start;
        let len = self.text[at..].chars().next().map_or(0, char::len_utf8);
        at..at + len
    }

    fn diag(&self, range: Range<usize>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Code::KdlSyntax, self.span(range), message)
    }

    /// The bare word starting at `at` (an invalid number or keyword).
    fn word(&self, at: usize) -> Range<usize> {
        let rest = &self.text[at..];
        let len = rest
            .find(|c: char| c.is_whitespace() || "(){};=\"\\/[]".contains(c))
            .unwrap_or(rest.len());
        clamp(
            self.text,
            at..at + len.clamp(1.min(rest.len()), 80.min(rest.len())),
        )
    }

    fn lexer(&self, e: &LexerError, range: Range<usize>) -> Diagnostic {
        let at = range.start;
        match e {
            LexerError::InvalidCharacter(pos) => self.invalid_character(*pos),
            LexerError::UnexpectedEof(_) => self.unexpected_eof(at),
            LexerError::UnexpectedStringNewline(pos) => {
                self.diag(at..at + 1, "this string has no closing quote")
                    .label(self.span(self.char_at(*pos)), "the line ends here")
                    .help("close the string with `\"` on the same line, or write a multi-line string between `\"\"\"` lines")
            }
            LexerError::BadEscline(pos) => self
                .diag(self.char_at(pos.saturating_sub(1).max(at)), "`\\` continues a node on the next line only before the line break")
                .help("remove what stands between the `\\` and the end of the line (a `//` comment may stay)"),
            LexerError::UnexpectedKeyword => {
                let word = &self.text[range.clone()];
                self.diag(range.clone(), format!("`{word}` is not a value in KDL 2.0"))
                    .help(format!("write `#{word}` for the keyword, or `\"{word}\"` for the text"))
            }
            LexerError::InvalidEscape(pos) => {
                let escape = *pos..self.char_at(pos + 1).end;
                self.diag(escape.clone(), format!("unknown escape `{}` in a string", &self.text[escape]))
                    .help("the escapes are `\\n`, `\\r`, `\\t`, `\\\\`, `\\\"`, `\\b`, `\\f`, `\\s`, `\\u{…}` and `\\` before whitespace; write `\\\\` for a backslash")
            }
            LexerError::BadUnicodeEscape(pos) => {
                let end = self.text[*pos..].find('}').map_or(range.end, |i| pos + i + 1).min(pos + 12);
                self.diag(clamp(self.text, *pos..end), "invalid Unicode escape")
                    .help("write `\\u{` then 1 to 6 hex digits naming a Unicode scalar value (not a surrogate), then `}`")
            }
            LexerError::InvalidNumber => {
                let word = self.word(at);
                self.diag(word.clone(), format!("`{}` is not a number", &self.text[word]))
                    .help("numbers are decimal (`12`, `-3.5`, `1e6`, `1_000`) or `0x`, `0o`, `0b` followed by digits; quote text that starts with a digit")
            }
            LexerError::BadRawString => self.bad_hash(at),
            LexerError::MissingStringNewline => self
                .diag(at..(at + 3).min(self.text.len()), "a multi-line string needs a line break after its opening `\"\"\"`")
                .help("put the text on the lines between `\"\"\"` and `\"\"\"`, or quote a one-line string with a single `\"`"),
            LexerError::BadEndString(pos) => self
                .diag(self.char_at(*pos), "text stands before the closing `\"\"\"` on its line")
                .help("the closing `\"\"\"` of a multi-line string stands on a line of its own, after whitespace only"),
            LexerError::BadIndent(pos) => self
                .diag(pos.map_or(at..at + 3, |p| self.char_at(p)), "this line of a multi-line string is not indented like its closing `\"\"\"`")
                .help("every line starts with the same whitespace as the line of the closing `\"\"\"`, which is removed"),
            LexerError::InvalidOperator => {
                let c = self.char_at(at);
                let what = &self.text[c.clone()];
                let help = if what == "/" {
                    "a comment is `//` to the end of the line or `/* … */`, and `/-` comments out what follows; quote text that contains `/`"
                } else {
                    "KDL has no lists in brackets: give several arguments, or quote the text"
                };
                self.diag(c, format!("`{what}` is not KDL syntax here")).help(help)
            }
            _ => self.diag(self.char_at(at), "invalid KDL"),
        }
    }

    fn invalid_character(&self, pos: usize) -> Diagnostic {
        let at = self.char_at(pos);
        let c = self.text[at.clone()].chars().next().unwrap_or('\0');
        self.diag(
            at,
            format!("the character U+{:04X} is not allowed in KDL", c as u32),
        )
        .help(format!(
            "remove it; in a string, write it as the escape `\\u{{{:x}}}`",
            c as u32
        ))
    }

    fn unexpected_eof(&self, at: usize) -> Diagnostic {
        let rest = &self.text[at..];
        if rest.starts_with("/*") {
            self.diag(at..at + 2, "this block comment is never closed")
                .help("close it with `*/`; block comments nest, so each `/*` inside needs its own `*/`")
        } else if rest.starts_with('"') || rest.starts_with('#') {
            let quote = rest.find('"').map_or(1, |i| i + 1).min(rest.len());
            let opening = &rest[..quote];
            let closing: String = opening.chars().rev().collect();
            self.diag(
                clamp(self.text, at..at + quote.min(80)),
                "this string is never closed",
            )
            .help(format!("close it with `{closing}`"))
        } else {
            self.diag(self.char_at(at), "the file ends in the middle of a node")
        }
    }

    /// `#` that starts neither a keyword nor a raw string.
    fn bad_hash(&self, at: usize) -> Diagnostic {
        let word = self.word(at + 1);
        let word = at..word.end;
        let text = &self.text[word.clone()];
        if text.len() > 1 && !text.contains('"') {
            self.diag(word, format!("`{text}` is not a keyword"))
                .help("the keywords are `#true`, `#false`, `#null`, `#inf`, `#-inf` and `#nan`; quote text that starts with `#`")
        } else {
            self.diag(self.char_at(at), "invalid raw string")
                .help("a raw string is `#\"…\"#`, with as many `#` after the closing quote as before the opening one")
        }
    }

    fn reader(&self, e: &ReaderError, range: Range<usize>) -> Diagnostic {
        let found = self.found(range.clone());
        let at = self.token_or_end(range);
        match e {
            ReaderError::ExpectedString(_) => self
                .diag(at, format!("expected a node name, found {found}"))
                .help("a node starts with its name, such as `service`"),
            ReaderError::ExpectedValue(_) => self
                .diag(at, format!("expected a value after `=`, found {found}"))
                .help("write the property's value right after the `=`, such as `key=\"value\"`"),
            ReaderError::ExpectedCloseParen(_) => self
                .diag(at, format!("expected `)` to close the type annotation, found {found}"))
                .help("a type annotation is a name in parentheses, such as `(date)`"),
            ReaderError::ExpectedEntrySpace => self
                .diag(at, "expected a space before this value")
                .help("separate a node's arguments and properties with spaces"),
            ReaderError::ExpectedEntry => self
                .diag(at, format!("expected an argument, a property, `{{` or the end of the node, found {found}"))
                .maybe_help((found == "`=`").then(|| "a node takes its value as an argument: `name value`, without `=`".to_string())),
            ReaderError::ExpectedBlock => self
                .diag(at, format!("expected the end of the node after its `}}`, found {found}"))
                .help("put arguments and properties before the `{`, and end the node with `;` or a line break"),
            _ => self.diag(at, "invalid KDL"),
        }
    }

    /// The token an error points at, in words.
    fn found(&self, range: Range<usize>) -> String {
        let token = self.text[range].trim_start_matches([' ', '\t']);
        match token.chars().next() {
            None => "the end of the file".into(),
            Some('\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}') => "the end of the line".into(),
            Some(_) => {
                let token: String = token.chars().take(30).collect();
                format!("`{}`", token.trim_end())
            }
        }
    }

    /// The error's token without the whitespace before it, on its line and
    /// at most 80 bytes long (a long string is pointed at by its start); at
    /// a line end, the line end itself.
    fn token_or_end(&self, range: Range<usize>) -> Range<usize> {
        let text = &self.text[range.clone()];
        let lead = text.len() - text.trim_start_matches([' ', '\t']).len();
        let start = range.start + lead;
        if start >= range.end {
            return self.char_at(start);
        }
        let token = &self.text[start..range.end];
        let len = token.find(['\n', '\r']).map_or(token.len(), |i| i.max(1));
        clamp(self.text, start..start + len.min(80))
    }
}

/// The indentation hint for delimiters.
impl Cx<'_> {
    /// Where the line holding `at` starts, and its indentation.
    fn line_of(&self, at: usize) -> (usize, &str) {
        let start = self.text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let line = &self.text[start..];
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        (start, &line[..indent])
    }

    /// A `}` that stands first on its line, indented unlike the line of its `{`.
    fn misindented(&self, closed: &[(usize, usize)], after: usize) -> Option<(usize, usize)> {
        closed
            .iter()
            .filter(|(open, _)| *open > after)
            .filter(|(open, close)| {
                let (start, indent) = self.line_of(*close);
                start + indent.len() == *close && indent != self.line_of(*open).1
            })
            .min_by_key(|(open, _)| *open)
            .copied()
    }

    /// Labels a block whose `}` is indented unlike its `{` line.
    fn hint(&self, diag: Diagnostic, (open, close): (usize, usize)) -> Diagnostic {
        diag.label(
            self.span(open..open + 1),
            "this `{` might not be properly closed…",
        )
        .label(
            self.span(close..close + 1),
            "…as it matches this `}`, indented differently",
        )
    }

    /// The first line after `open` that returns to its line's indentation.
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

    fn unclosed(&self, failure: &Failure) -> Diagnostic {
        let Some(&last) = failure.open.last() else {
            return self.diag(self.char_at(self.text.len()), "a `{` is never closed");
        };
        let outer = failure.open[0];
        let mut diag = self
            .diag(
                last..last + 1,
                "unclosed delimiter: this `{` is never closed",
            )
            .help("add the missing `}`");
        for &other in &failure.open[..failure.open.len() - 1] {
            diag = diag.label(self.span(other..other + 1), "this `{` is not closed either");
        }
        if let Some(pair) = self.misindented(&failure.closed, outer) {
            diag = self.hint(diag, pair);
        } else if let Some(line) = self.dedent(last) {
            diag = diag.label(
                self.span(self.char_at(line)),
                "the block was probably meant to close before this line",
            );
        }
        diag
    }

    fn unmatched(&self, range: Range<usize>, failure: &Failure) -> Diagnostic {
        let diag = self
            .diag(
                range,
                "unexpected closing delimiter: this `}` closes no `{`",
            )
            .help("remove this `}`, or add the `{` it was meant to close");
        match self.misindented(&failure.closed, 0) {
            Some(pair) => self.hint(diag, pair),
            None => diag,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::base::FileId;

    fn slip(text: &str) -> (String, String, Vec<String>) {
        let d = super::super::parse(FileId(0), text).expect_err("a syntax error");
        let at = &text[d.span.range()];
        let labels = d
            .labels
            .iter()
            .map(|l| text[l.span.range()].to_string())
            .collect();
        (d.message, at.to_string(), labels)
    }

    #[test]
    fn an_unclosed_block_points_at_its_brace_and_the_misindented_close() {
        let text = "service \"a\" {\n    sla \"s\" {\n        target 1\n    gate \"g\"\n}\n";
        let (message, at, labels) = slip(text);
        assert!(message.contains("unclosed delimiter"), "{message}");
        assert_eq!(at, "{");
        assert_eq!(labels, ["{", "}"]);
    }

    #[test]
    fn an_unclosed_block_without_a_misindented_close_points_at_the_dedent() {
        let text = "service \"a\" {\n    name \"x\"\nservice \"b\" {\n    name \"y\"\n}\n";
        let d = super::super::parse(FileId(0), text).unwrap_err();
        assert_eq!(d.span.range(), 12..13);
        assert_eq!(d.labels.len(), 1);
        assert_eq!(&text[d.labels[0].span.range()], "s");
        assert_eq!(d.labels[0].span.start, 27);
    }

    #[test]
    fn a_stray_close_is_reported_where_it_stands() {
        let (message, at, _) = slip("a 1\n}\nb 2\n");
        assert!(message.contains("closes no"), "{message}");
        assert_eq!(at, "}");
    }

    #[test]
    fn slips_are_named_at_their_place() {
        let cases = [
            ("a 1.2.3\n", "`1.2.3` is not a number", "1.2.3"),
            ("a \"x\\q\"\n", "unknown escape `\\q` in a string", "\\q"),
            ("a \"open\nb\n", "this string has no closing quote", "\""),
            ("a /* open\n", "this block comment is never closed", "/*"),
            (
                "a \"\u{1b}[31m\"\n",
                "the character U+001B is not allowed in KDL",
                "\u{1b}",
            ),
            ("a #foo\n", "`#foo` is not a keyword", "#foo"),
            (
                "a x=\n",
                "expected a value after `=`, found the end of the line",
                "\n",
            ),
            (
                "a 1 { b } c\n",
                "expected the end of the node after its `}`, found `c`",
                "c",
            ),
            ("a [1]\n", "`[` is not KDL syntax here", "["),
        ];
        for (text, message, at) in cases {
            let (m, a, _) = slip(text);
            assert_eq!((m.as_str(), a.as_str()), (message, at), "{text:?}");
        }
    }
}

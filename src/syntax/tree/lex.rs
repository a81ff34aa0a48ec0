//! The lexer: a text into tokens that cover it, every byte in exactly one
//! token, for any text. A slip (an unclosed string or comment, a bad escape
//! or number, a disallowed character) is reported once, here, and the token
//! is still made, so parsing goes on.
//!
//! [`Dialect::V1`] reads KDL 1.0's tokens into the same kinds: bare `true`,
//! `false` and `null` are keywords, `r"…"`/`r#"…"#` raw strings, `"…"` may
//! span lines with 1.0's escapes, `#`, `inf` and `nan` are identifier
//! characters and words, `<`, `>` and `,` are not, and U+000B is no line
//! break. The 2.0 disallowed code points are refused in both (pmoc reads
//! 1.0's syntax, not the characters 1.0 let through).

use super::{Dialect, SyntaxError, SyntaxErrorKind, TokenKind};

/// Lexes the whole text: the tokens' start offsets and kinds, in order.
pub(super) fn lex(
    text: &str,
    dialect: Dialect,
    tokens: &mut Vec<(TokenKind, u32)>,
    errors: &mut Vec<SyntaxError>,
) {
    let mut lexer = Lexer {
        text,
        bytes: text.as_bytes(),
        at: 0,
        dialect,
        errors,
    };
    if text.starts_with('\u{feff}') {
        tokens.push((TokenKind::Bom, 0));
        lexer.at = 3;
    }
    while lexer.at < text.len() {
        let start = lexer.at;
        let kind = lexer.token();
        debug_assert!(lexer.at > start, "every token holds at least one byte");
        tokens.push((kind, start as u32));
    }
}

struct Lexer<'t, 'e> {
    text: &'t str,
    bytes: &'t [u8],
    at: usize,
    dialect: Dialect,
    errors: &'e mut Vec<SyntaxError>,
}

pub(super) fn is_newline(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

pub(super) fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
    )
}

pub(super) fn is_disallowed(c: char) -> bool {
    matches!(
        c,
        '\0'..='\u{8}'
            | '\u{e}'..='\u{1f}'
            | '\u{7f}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}'
    )
}

fn is_ident(c: char) -> bool {
    !(is_space(c)
        || is_newline(c)
        || is_disallowed(c)
        || matches!(
            c,
            '\\' | '/' | '(' | ')' | '{' | '}' | ';' | '[' | ']' | '"' | '#' | '='
        ))
}

/// A KDL 1.0 identifier character (`#` is one; `<`, `>`, `,` and U+000B
/// are not).
fn is_ident_v1(c: char) -> bool {
    !(is_space(c)
        || is_newline(c)
        || is_disallowed(c)
        || matches!(
            c,
            '\\' | '/' | '(' | ')' | '{' | '}' | '<' | '>' | ';' | '[' | ']' | '=' | ',' | '"'
        ))
}

/// An identifier character of the dialect.
pub(super) fn is_ident_in(c: char, dialect: Dialect) -> bool {
    match dialect {
        Dialect::V2 => is_ident(c),
        Dialect::V1 => is_ident_v1(c),
    }
}

/// A line break of the dialect (U+000B is one in 2.0 alone).
fn is_newline_in(c: char, dialect: Dialect) -> bool {
    is_newline(c) && !(dialect == Dialect::V1 && c == '\u{b}')
}

/// The bare words KDL 1.0 reads as keywords.
const KEYWORDS_V1: [&str; 3] = ["true", "false", "null"];

/// The words that are keywords when bare would be (`#true`…).
const KEYWORDS: [&str; 6] = ["true", "false", "null", "inf", "-inf", "nan"];

impl Lexer<'_, '_> {
    fn error(&mut self, start: usize, end: usize, message: impl Into<String>) {
        self.errors.push(SyntaxError {
            range: start..end,
            kind: SyntaxErrorKind::Token,
            message: message.into(),
        });
    }

    fn peek(&self) -> Option<char> {
        self.char_at(self.at)
    }

    fn char_at(&self, at: usize) -> Option<char> {
        match self.bytes.get(at) {
            Some(&b) if b < 0x80 => Some(b as char),
            Some(_) => self.text[at..].chars().next(),
            None => None,
        }
    }

    fn rest(&self) -> &str {
        &self.text[self.at..]
    }

    /// Advances over characters while `f` holds.
    fn eat_while(&mut self, f: impl Fn(char) -> bool) {
        while let Some(c) = self.peek() {
            if !f(c) {
                break;
            }
            self.at += c.len_utf8();
        }
    }

    fn newline_len(&self, at: usize) -> usize {
        match self.char_at(at) {
            Some('\r') if self.bytes.get(at + 1) == Some(&b'\n') => 2,
            Some(c) if is_newline_in(c, self.dialect) => c.len_utf8(),
            _ => 0,
        }
    }

    fn token(&mut self) -> TokenKind {
        let start = self.at;
        let Some(c) = self.peek() else {
            return TokenKind::Error;
        };
        let next = self.char_at(start + c.len_utf8());
        let v1 = self.dialect == Dialect::V1;
        match c {
            _ if is_space(c) => {
                self.eat_while(is_space);
                TokenKind::Whitespace
            }
            _ if is_newline_in(c, self.dialect) => {
                self.at += self.newline_len(start);
                TokenKind::Newline
            }
            '/' if next == Some('/') => {
                self.line_comment();
                TokenKind::LineComment
            }
            '/' if next == Some('*') => self.block_comment(),
            '/' if next == Some('-') => {
                self.at += 2;
                TokenKind::Slashdash
            }
            '\\' => self.escline(),
            '"' if v1 => self.quoted_v1(),
            'r' if v1 && self.raw_v1_ahead() => self.raw_v1(),
            '"' => self.quoted(),
            '#' if !v1 => self.hash(),
            '{' => self.punct(TokenKind::LBrace),
            '}' => self.punct(TokenKind::RBrace),
            '(' => self.punct(TokenKind::LParen),
            ')' => self.punct(TokenKind::RParen),
            '=' => self.punct(TokenKind::Eq),
            ';' => self.punct(TokenKind::Semi),
            _ if c.is_ascii_digit()
                || (matches!(c, '+' | '-') && next.is_some_and(|n| n.is_ascii_digit()))
                || (!v1 && c == '.' && next.is_some_and(|n| n.is_ascii_digit()))
                || (!v1
                    && matches!(c, '+' | '-')
                    && next == Some('.')
                    && self.char_at(start + 2).is_some_and(|n| n.is_ascii_digit())) =>
            {
                let dialect = self.dialect;
                self.eat_while(|c| is_ident_in(c, dialect));
                if let Err(message) = super::value::check_number(&self.text[start..self.at]) {
                    self.error(start, self.at, message);
                }
                TokenKind::Number
            }
            _ if is_ident_in(c, self.dialect) => {
                let dialect = self.dialect;
                self.eat_while(|c| is_ident_in(c, dialect));
                let word = &self.text[start..self.at];
                if v1 && KEYWORDS_V1.contains(&word) {
                    return TokenKind::Keyword;
                }
                if !v1 && KEYWORDS.contains(&word) {
                    self.error(
                        start,
                        self.at,
                        format!("`{word}` is a keyword: write `#{word}`, or quote it as a string"),
                    );
                }
                TokenKind::Ident
            }
            _ => {
                self.at += c.len_utf8();
                let message = if is_disallowed(c) {
                    format!("the character U+{:04X} is not allowed in KDL", c as u32)
                } else {
                    format!("found `{c}`, which KDL does not expect here")
                };
                self.error(start, self.at, message);
                TokenKind::Error
            }
        }
    }

    fn punct(&mut self, kind: TokenKind) -> TokenKind {
        self.at += 1;
        kind
    }

    /// `//` to the end of the line (the line break is not the comment's).
    fn line_comment(&mut self) {
        let start = self.at;
        let dialect = self.dialect;
        self.eat_while(|c| !is_newline_in(c, dialect));
        self.disallowed_within(start);
    }

    /// Reports each disallowed character from `start` to here.
    fn disallowed_within(&mut self, start: usize) {
        let bad: Vec<(usize, char)> = self.text[start..self.at]
            .char_indices()
            .filter(|&(_, c)| is_disallowed(c))
            .collect();
        for (i, c) in bad {
            let at = start + i;
            self.error(
                at,
                at + c.len_utf8(),
                format!("the character U+{:04X} is not allowed in KDL", c as u32),
            );
        }
    }

    /// `/* … */`, nested, counted (never recursion).
    fn block_comment(&mut self) -> TokenKind {
        let start = self.at;
        self.at += 2;
        let mut depth = 1usize;
        while depth > 0 {
            let rest = &self.bytes[self.at..];
            match memchr::memchr2(b'*', b'/', rest) {
                None => {
                    self.at = self.text.len();
                    self.disallowed_within(start);
                    self.error(start, start + 2, "this block comment is never closed");
                    return TokenKind::BlockComment;
                }
                Some(i) => {
                    let at = self.at + i;
                    let pair = self.bytes.get(at..at + 2);
                    if pair == Some(b"*/") {
                        depth -= 1;
                        self.at = at + 2;
                    } else if pair == Some(b"/*") {
                        depth += 1;
                        self.at = at + 2;
                    } else {
                        self.at = at + 1;
                    }
                }
            }
        }
        self.disallowed_within(start);
        TokenKind::BlockComment
    }

    /// `\`, spaces and block comments, an optional line comment, and one
    /// line break (or the end): a line continuation, one token.
    fn escline(&mut self) -> TokenKind {
        let start = self.at;
        let reported = self.errors.len();
        self.at += 1;
        // Whitespace is spaces and block comments (`\ /* x */ // y`).
        loop {
            self.eat_while(is_space);
            if !self.rest().starts_with("/*") {
                break;
            }
            self.block_comment();
        }
        if self.rest().starts_with("//") {
            self.line_comment();
        }
        let newline = self.newline_len(self.at);
        if newline > 0 || self.at == self.text.len() {
            self.at += newline;
            TokenKind::Escline
        } else {
            // What follows is lexed again (and reported) on its own.
            self.errors.truncate(reported);
            self.at = start + 1;
            self.error(
                start,
                start + 1,
                "found `\\`: a line continuation must end its line",
            );
            TokenKind::Error
        }
    }

    /// `"…"` or `"""…"""`.
    fn quoted(&mut self) -> TokenKind {
        let start = self.at;
        if self.rest().starts_with("\"\"\"") {
            self.at += 3;
            match self.find_close("\"\"\"", true) {
                Some(end) => {
                    self.at = end;
                    self.check_string(start);
                }
                None => {
                    self.at = self.text.len();
                    self.error(start, start + 3, "this multi-line string is never closed");
                }
            }
            return TokenKind::MultiString;
        }
        self.at += 1;
        match self.find_close("\"", false) {
            Some(end) => {
                self.at = end;
                self.check_string(start);
            }
            None => self.error(
                start,
                start + 1,
                "this string is never closed on its line (KDL 2.0 strings spanning lines take `\"\"\"`)",
            ),
        }
        TokenKind::String
    }

    /// Finds the end of a quoted string's close (escapes skipped); stops at
    /// an unescaped line break unless `multi`, leaving `self.at` there.
    fn find_close(&mut self, close: &str, multi: bool) -> Option<usize> {
        let mut at = self.at;
        loop {
            let rest = &self.bytes[at..];
            let Some(i) = memchr::memchr3(b'"', b'\\', b'\n', rest).map(|i| {
                // A line break other than `\n` ends a single-line string too.
                if multi {
                    i
                } else {
                    self.text[at..at + i]
                        .char_indices()
                        .find(|&(_, c)| is_newline(c))
                        .map_or(i, |(j, _)| j)
                }
            }) else {
                if !multi {
                    let end = self.text[at..]
                        .char_indices()
                        .find(|&(_, c)| is_newline(c))
                        .map_or(self.text.len(), |(j, _)| at + j);
                    self.at = end;
                }
                return None;
            };
            let here = at + i;
            match self.bytes[here] {
                b'"' if self.text[here..].starts_with(close) => return Some(here + close.len()),
                b'"' => at = here + 1,
                b'\\' => {
                    at = here + 1;
                    if let Some(c) = self.char_at(at) {
                        // A whitespace escape may cross lines.
                        if !is_newline(c) || multi {
                            at += c.len_utf8();
                        } else {
                            at += self.newline_len(at);
                            self.eat_escaped_space(&mut at);
                        }
                    }
                }
                _ if multi => at = here + 1,
                _ => {
                    self.at = here;
                    return None;
                }
            }
        }
    }

    fn eat_escaped_space(&self, at: &mut usize) {
        while let Some(c) = self.char_at(*at) {
            if is_space(c) {
                *at += c.len_utf8();
            } else if is_newline(c) {
                *at += self.newline_len(*at);
            } else {
                break;
            }
        }
    }

    fn check_string(&mut self, start: usize) {
        let token = &self.text[start..self.at];
        if let Err((range, message)) = super::value::string_in(token, self.dialect) {
            self.error(start + range.start, start + range.end, message);
        }
        self.disallowed_within(start);
    }

    /// `#"…"#` (any number of `#`), `#"""…"""#`, or a keyword `#true`.
    fn hash(&mut self) -> TokenKind {
        let start = self.at;
        let hashes = self.rest().bytes().take_while(|&b| b == b'#').count();
        let after = start + hashes;
        if self.bytes.get(after) == Some(&b'"') {
            let multi = self.text[after..].starts_with("\"\"\"");
            let quote = if multi { "\"\"\"" } else { "\"" };
            let close = format!("{quote}{}", "#".repeat(hashes));
            self.at = after + quote.len();
            let found = if multi {
                memchr::memmem::find(&self.bytes[self.at..], close.as_bytes())
            } else {
                let line_end = self.text[self.at..]
                    .char_indices()
                    .find(|&(_, c)| is_newline(c))
                    .map_or(self.text.len() - self.at, |(j, _)| j);
                memchr::memmem::find(&self.bytes[self.at..self.at + line_end], close.as_bytes())
                    .ok_or(line_end)
                    .map_err(|end| self.at += end)
                    .ok()
            };
            match found {
                Some(i) => {
                    self.at += i + close.len();
                    self.check_string(start);
                }
                None => {
                    if multi {
                        self.at = self.text.len();
                    }
                    self.error(
                        start,
                        after + quote.len(),
                        "this raw string is never closed",
                    );
                }
            }
            return TokenKind::RawString;
        }
        self.at = after;
        self.eat_while(is_ident);
        let word = &self.text[start + hashes..self.at];
        if hashes == 1 && KEYWORDS.contains(&word) {
            TokenKind::Keyword
        } else {
            self.error(
                start,
                self.at,
                format!(
                    "`{}` is not a keyword: KDL has #true, #false, #null, #inf, #-inf and #nan",
                    &self.text[start..self.at]
                ),
            );
            TokenKind::Error
        }
    }

    /// KDL 1.0's `"…"`: escapes skipped, line breaks included; unclosed, it
    /// runs to the end of the text.
    fn quoted_v1(&mut self) -> TokenKind {
        let start = self.at;
        let mut at = start + 1;
        loop {
            match memchr::memchr2(b'"', b'\\', &self.bytes[at..]) {
                None => {
                    self.at = self.text.len();
                    self.disallowed_within(start);
                    self.error(start, start + 1, "this string is never closed");
                    return TokenKind::String;
                }
                Some(i) if self.bytes[at + i] == b'"' => {
                    self.at = at + i + 1;
                    self.check_string(start);
                    return TokenKind::String;
                }
                Some(i) => {
                    at += i + 1;
                    at += self.char_at(at).map_or(0, char::len_utf8);
                }
            }
        }
    }

    /// Whether an `r` here starts a KDL 1.0 raw string (`#`s, then `"`).
    fn raw_v1_ahead(&self) -> bool {
        let hashes = self.bytes[self.at + 1..]
            .iter()
            .take_while(|&&b| b == b'#')
            .count();
        self.bytes.get(self.at + 1 + hashes) == Some(&b'"')
    }

    /// KDL 1.0's `r"…"`, `r#"…"#` (any number of `#`, line breaks
    /// included); unclosed, it runs to the end of the text.
    fn raw_v1(&mut self) -> TokenKind {
        let start = self.at;
        let hashes = self.bytes[start + 1..]
            .iter()
            .take_while(|&&b| b == b'#')
            .count();
        let body = start + 1 + hashes + 1;
        let close = format!("\"{}", "#".repeat(hashes));
        match memchr::memmem::find(&self.bytes[body..], close.as_bytes()) {
            Some(i) => {
                self.at = body + i + close.len();
                self.check_string(start);
            }
            None => {
                self.at = self.text.len();
                self.disallowed_within(start);
                self.error(start, body, "this raw string is never closed");
            }
        }
        TokenKind::RawString
    }
}

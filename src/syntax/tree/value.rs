//! What a token means: a string token's text (escapes, raw strings,
//! multi-line dedent) and a number's value, each judged once (the lexer
//! reports what does not decode; the document view reads the rest).

use std::ops::Range;

use std::borrow::Cow;

use super::lex::{is_disallowed, is_newline, is_space};
use super::{Dialect, TokenKind};
use crate::syntax::Value;

/// Whether a number token is a KDL 2.0 number, else what is wrong.
pub(super) fn check_number(text: &str) -> Result<(), String> {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let radix = match unsigned.get(..2) {
        Some("0x") => Some((16, "hexadecimal")),
        Some("0o") => Some((8, "octal")),
        Some("0b") => Some((2, "binary")),
        _ => None,
    };
    let bad = || format!("`{text}` is not a number");
    if let Some((radix, name)) = radix {
        let digits = &unsigned[2..];
        let first_ok = digits.chars().next().is_some_and(|c| c.is_digit(radix));
        if !first_ok || !digits.chars().all(|c| c == '_' || c.is_digit(radix)) {
            return Err(format!("`{text}` is not a {name} number"));
        }
        return Ok(());
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |s: &str| {
        s.chars().next().is_some_and(|c| c.is_ascii_digit())
            && s.chars().all(|c| c == '_' || c.is_ascii_digit())
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    if digits(int) && frac.is_none_or(digits) && exponent_ok {
        Ok(())
    } else {
        Err(bad())
    }
}

/// A valid number token's value: an integer that fits `i128`, else a float.
pub(super) fn number(text: &str) -> Value {
    let clean: String = text.chars().filter(|&c| c != '_').collect();
    let (sign, unsigned) = match clean.strip_prefix('-') {
        Some(rest) => (-1.0, rest),
        None => (1.0, clean.strip_prefix('+').unwrap_or(&clean)),
    };
    let radix = match unsigned.get(..2) {
        Some("0x") => 16,
        Some("0o") => 8,
        Some("0b") => 2,
        _ => 10,
    };
    let digits = if radix == 10 {
        unsigned
    } else {
        &unsigned[2..]
    };
    if radix == 10 && digits.contains(['.', 'e', 'E']) {
        return Value::Float(sign * digits.parse::<f64>().unwrap_or(f64::NAN));
    }
    let signed = if sign < 0.0 {
        format!("-{digits}")
    } else {
        digits.to_string()
    };
    match i128::from_str_radix(&signed, radix) {
        Ok(n) => Value::Integer(n),
        Err(_) if radix == 10 => Value::Float(signed.parse().unwrap_or(f64::NAN)),
        Err(_) => {
            let magnitude = digits.chars().fold(0.0, |acc, c| {
                acc * f64::from(radix) + f64::from(c.to_digit(radix).unwrap_or(0))
            });
            Value::Float(sign * magnitude)
        }
    }
}

/// A keyword token's value (`#true`…, or 1.0's bare `true`, `false`, `null`).
pub(super) fn keyword(text: &str) -> Value {
    match text {
        "#true" | "true" => Value::Bool(true),
        "#false" | "false" => Value::Bool(false),
        "#inf" => Value::Float(f64::INFINITY),
        "#-inf" => Value::Float(f64::NEG_INFINITY),
        "#nan" => Value::Float(f64::NAN),
        _ => Value::Null,
    }
}

type Slip = (Range<usize>, String);

/// A string token's text in its dialect, or the first slip in it with its
/// range within the token.
pub(super) fn string_in(token: &str, dialect: Dialect) -> Result<String, Slip> {
    match dialect {
        Dialect::V2 => string(token),
        Dialect::V1 => string_v1(token),
    }
}

/// A KDL 1.0 string token's text: `r#"…"#` as written, `"…"` with 1.0's
/// escapes (line breaks kept as written).
fn string_v1(token: &str) -> Result<String, Slip> {
    let unclosed = || Err((0..token.len().min(1), "this string is never closed".into()));
    if let Some(rest) = token.strip_prefix('r') {
        let hashes = rest.bytes().take_while(|&b| b == b'#').count();
        let body = rest
            .get(hashes + 1..rest.len().saturating_sub(hashes + 1))
            .filter(|_| rest.len() >= 2 * hashes + 2);
        return body.map_or_else(unclosed, |b| Ok(b.to_string()));
    }
    match token.get(1..token.len().saturating_sub(1)) {
        Some(body) if token.len() >= 2 => unescape(body, 1, Dialect::V1),
        _ => unclosed(),
    }
}

/// A string token's text (quoted, multi-line or raw, closed), or the first
/// slip in it with its range within the token.
pub(super) fn string(token: &str) -> Result<String, Slip> {
    let hashes = token.bytes().take_while(|&b| b == b'#').count();
    let body = &token[hashes..token.len() - hashes];
    let raw = hashes > 0;
    if body.starts_with("\"\"\"") && body.len() >= 6 {
        let inner = &body[3..body.len() - 3];
        return multi(inner, hashes + 3, raw);
    }
    let inner = &body[1..body.len().saturating_sub(1).max(1)];
    if raw {
        Ok(inner.to_string())
    } else {
        unescape(inner, hashes + 1, Dialect::V2)
    }
}

/// Resolves the escapes of a quoted string's body (`base`: its offset in
/// the token, for the slip's range). KDL 1.0 has `\/` and neither `\s` nor
/// whitespace escapes.
fn unescape(body: &str, base: usize, dialect: Dialect) -> Result<String, Slip> {
    let v2 = dialect == Dialect::V2;
    if !body.contains('\\') {
        return Ok(body.to_string());
    }
    let mut out = String::with_capacity(body.len());
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((j, e)) = chars.next() else {
            return Err((base + i..base + i + 1, "a `\\` ends the string".into()));
        };
        let simple = match e {
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            '\\' => Some('\\'),
            '"' => Some('"'),
            'b' => Some('\u{8}'),
            'f' => Some('\u{c}'),
            's' if v2 => Some(' '),
            '/' if !v2 => Some('/'),
            _ => None,
        };
        if let Some(s) = simple {
            out.push(s);
        } else if v2 && (is_space(e) || is_newline(e)) {
            while chars
                .next_if(|&(_, c)| is_space(c) || is_newline(c))
                .is_some()
            {}
        } else if e == 'u' {
            let rest = &body[j + 1..];
            let hex = rest
                .strip_prefix('{')
                .and_then(|r| r.split_once('}'))
                .map(|(h, _)| h);
            let code = hex
                .filter(|h| (1..=6).contains(&h.len()))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .and_then(char::from_u32);
            match (hex, code) {
                (Some(h), Some(ch)) => {
                    out.push(ch);
                    for _ in 0..h.len() + 2 {
                        chars.next();
                    }
                }
                _ => {
                    let end = hex.map_or(j + 1, |h| j + 3 + h.len());
                    return Err((
                        base + i..base + end.min(body.len()),
                        "a `\\u` escape takes 1 to 6 hexadecimal digits in braces, naming a character: `\\u{e9}`".into(),
                    ));
                }
            }
        } else {
            return Err((
                base + i..base + j + e.len_utf8(),
                format!(
                    "`\\{e}` is not an escape KDL {} knows",
                    if v2 { "2.0" } else { "1.0" }
                ),
            ));
        }
    }
    Ok(out)
}

/// A multi-line string's body: whitespace escapes first, then the
/// indentation of the closing line taken from every line, then the other
/// escapes.
fn multi(inner: &str, base: usize, raw: bool) -> Result<String, Slip> {
    let bad = |message: &str| Err((base - 3..base, message.to_string()));
    let joined = if raw {
        inner.to_string()
    } else {
        join_escaped_lines(inner)
    };
    let mut lines = split_lines(&joined);
    if lines.len() < 2 || !lines[0].is_empty() {
        return bad("a multi-line string starts with a line break after its `\"\"\"`");
    }
    let last = lines.pop().unwrap_or_default();
    if !last.chars().all(is_space) {
        return bad("a multi-line string's closing `\"\"\"` stands on a line of its own");
    }
    let mut out = String::with_capacity(joined.len());
    for (n, line) in lines[1..].iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        if line.chars().all(is_space) {
            continue;
        }
        match line.strip_prefix(last) {
            Some(rest) => out.push_str(rest),
            None => {
                return bad(
                    "every line of a multi-line string starts with the indentation of its closing `\"\"\"`",
                );
            }
        }
    }
    if raw {
        Ok(out)
    } else {
        unescape(&out, base, Dialect::V2).map_err(|(_, m)| (base - 3..base, m))
    }
}

/// Removes each `\` that escapes whitespace holding a line break (with
/// that whitespace), keeping every other escape as written.
fn join_escaped_lines(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(&(_, e)) = chars.peek() else {
            out.push(c);
            break;
        };
        if is_space(e) || is_newline(e) {
            let rest = &s[i + 1..];
            let ws = rest
                .char_indices()
                .find(|&(_, c)| !(is_space(c) || is_newline(c)))
                .map_or(rest.len(), |(j, _)| j);
            while chars.next_if(|&(j, _)| j < i + 1 + ws).is_some() {}
        } else {
            out.push(c);
            out.push(e);
            chars.next();
        }
    }
    out
}

fn split_lines(s: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_newline(c) {
            lines.push(&s[start..i]);
            let mut end = i + c.len_utf8();
            if c == '\r' && chars.next_if(|&(_, n)| n == '\n').is_some() {
                end += 1;
            }
            start = end;
        }
    }
    lines.push(&s[start..]);
    lines
}

/// A value or name token's KDL 2.0 spelling, for converting a KDL 1.0
/// file: the token's text when 2.0 reads it as the same (every token of a
/// 2.0 tree, 1.0's numbers, punctuation and trivia, most names and
/// strings), else the same value written for 2.0: `true` → `#true`,
/// `r#"a"#` → `#"a"#` (more `#` when the text needs them; a raw string
/// spanning lines becomes a quoted one), a string with `\/` or a line break
/// re-escaped, a bare word 2.0 would not read as that word (`inf`, `a#b`,
/// `.5`) quoted; a U+000B in a line comment (a line break in 2.0 alone)
/// becomes a space. A token already in error is left as written.
pub(super) fn v2_spelling(kind: TokenKind, text: &str, dialect: Dialect) -> Cow<'_, str> {
    if dialect == Dialect::V2 {
        return Cow::Borrowed(text);
    }
    match kind {
        TokenKind::Keyword => Cow::Owned(format!("#{text}")),
        TokenKind::Ident if !reads_in_v2_as(text, TokenKind::Ident) => Cow::Owned(quote(text)),
        TokenKind::String | TokenKind::RawString => {
            let Ok(value) = string_v1(text) else {
                return Cow::Borrowed(text);
            };
            if kind == TokenKind::String
                && reads_in_v2_as(text, TokenKind::String)
                && string(text).is_ok_and(|v| v == value)
            {
                return Cow::Borrowed(text);
            }
            // (A raw value starting with `"` would open `#"""`.)
            if kind == TokenKind::RawString
                && !value.starts_with('"')
                && !value.chars().any(|c| is_newline(c) || is_disallowed(c))
            {
                let hashes = (1..)
                    .find(|&n| !value.contains(&format!("\"{}", "#".repeat(n))))
                    .unwrap_or(1);
                let h = "#".repeat(hashes);
                return Cow::Owned(format!("{h}\"{value}\"{h}"));
            }
            Cow::Owned(quote(&value))
        }
        // U+000B ends a 2.0 line comment, not a 1.0 one.
        TokenKind::LineComment | TokenKind::Escline if text.contains('\u{b}') => {
            Cow::Owned(text.replace('\u{b}', " "))
        }
        _ => Cow::Borrowed(text),
    }
}

/// Whether KDL 2.0 lexes `text` as one token of `kind`, without a slip.
fn reads_in_v2_as(text: &str, kind: TokenKind) -> bool {
    let (mut tokens, mut errors) = (Vec::new(), Vec::new());
    super::lex::lex(text, Dialect::V2, &mut tokens, &mut errors);
    errors.is_empty() && tokens.len() == 1 && tokens[0].0 == kind
}

/// `value` as a KDL 2.0 quoted string.
pub(super) fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            _ if is_newline(c) || is_disallowed(c) => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

//! The KDL 1.0 fallback: a file the 2.0 reader rejects is tried as KDL 1.0
//! with the `kdl` crate, so catalogues written before KDL 2.0 still read.
//!
//! That parser recurses on nesting, block comments and `/-` chains and slows
//! down sharply on long ones, so it only sees files within [`fits`]'s bounds:
//! small, and with few of the constructs it recurses on. Anything larger is
//! reported with the 2.0 reader's finding alone.

use kdl::{KdlDocument, KdlEntry, KdlNode, KdlValue};

use super::{Document, Entry, MAX_DEPTH, Name, Node, Value};
use crate::base::{FileId, Span};

/// The largest file tried as KDL 1.0: the parser reads a 256 KiB catalogue
/// file in about 0.3 s (release build, measured).
pub(super) const V1_MAX_BYTES: usize = 256 * 1024;

/// The most `/-` a file tried as KDL 1.0 may hold: the parser's time
/// doubles with each level of `/-` blocks nested in `/-` blocks (16 levels:
/// 1.2 s; 20 levels: 20 s), and 8 cost under 4 ms.
pub(super) const V1_MAX_SLASHDASH: usize = 8;

/// The file as KDL 1.0, when it fits the bounds and parses.
pub(super) fn parse(file: FileId, text: &str) -> Option<Document> {
    if !fits(text) {
        return None;
    }
    let doc = KdlDocument::parse_v1(text).ok()?;
    Some(Document {
        nodes: doc.nodes().iter().map(|n| node(file, n)).collect(),
    })
}

/// Small enough, free of the code points KDL 2.0 disallows (the fallback
/// is for 1.0's syntax, not for characters 1.0 let through), shallow
/// enough for the parser's recursion and free of what makes it panic
/// ([`shallow`]).
pub(super) fn fits(text: &str) -> bool {
    text.len() <= V1_MAX_BYTES
        && text.matches("/-").count() <= V1_MAX_SLASHDASH
        && !text.chars().any(disallowed)
        && shallow(text)
}

/// The most `*` and `/` one block comment may hold (its own and its nested
/// comments' delimiters included): the parser recurses once per `*`, per
/// `/` and per run of other text in a comment (20,000 `* ` overflow a
/// 64 MiB stack in a debug build; 256 fit in 1 MiB, measured).
pub(super) const V1_MAX_COMMENT_MARKS: usize = 256;

/// Children blocks and block comments nest at most [`MAX_DEPTH`] deep, and
/// no block comment holds more than [`V1_MAX_COMMENT_MARKS`], read as KDL
/// 1.0 reads them: a brace inside a string or a comment does not count, a
/// `//` comment ends at any 1.0 line break, and `/*/` opens a comment
/// without closing it. (Counting every brace let `"}"` or `/* } */` cancel
/// a real `{`, and `/*/*` read as an open and a close, so deep files reached
/// the recursive parser.) An annotation holding a keyword is refused too
/// ([`keyword_annotation`]). Past a point where the parser stops at an
/// error, what the scan reads does not matter.
fn shallow(text: &str) -> bool {
    let b = text.as_bytes();
    let (mut i, mut blocks, mut comments, mut marks) = (0, 0usize, 0usize, 0);
    while i < b.len() {
        let pair = &b[i..(i + 2).min(b.len())];
        let in_comment = comments > 0;
        let step = match (comments > 0, pair) {
            (_, b"/*") => {
                comments += 1;
                2
            }
            (true, b"*/") => {
                comments -= 1;
                2
            }
            (true, _) => 1,
            (false, b"//") => line_comment(&b[i..]),
            (false, [b'"', ..]) => 1 + quoted(&b[i + 1..]),
            (false, [b'r', b'"' | b'#', ..]) => 1 + raw(&b[i + 1..]),
            (false, [b'{', ..]) => {
                blocks += 1;
                1
            }
            (false, [b'}', ..]) => {
                blocks = blocks.saturating_sub(1);
                1
            }
            (false, [b'(', ..]) if keyword_annotation(&b[i + 1..]) => return false,
            (false, _) => 1,
        };
        if in_comment || comments > 0 {
            marks += b[i..i + step]
                .iter()
                .filter(|&&c| matches!(c, b'*' | b'/'))
                .count();
        } else {
            marks = 0;
        }
        if blocks + comments > MAX_DEPTH || marks > V1_MAX_COMMENT_MARKS {
            return false;
        }
        i += step;
    }
    true
}

/// `true`, `false` or `null` as an annotation's name (after its `(`): a
/// 1.0 syntax error, which the kdl crate (4.7.1, `plain_identifier`)
/// reports with the rest of the input after the keyword and the keyword's
/// length, and panics slicing it when fewer bytes follow (`a (true)`).
fn keyword_annotation(rest: &[u8]) -> bool {
    ["true", "false", "null"].iter().any(|k| {
        rest.starts_with(k.as_bytes())
            && rest
                .get(k.len())
                .is_none_or(|&c| !c.is_ascii_graphic() || b"\\/(){}<>;[]=,\"".contains(&c))
    })
}

/// The length of a `//` comment: up to its line break (CR, LF, NEL, FF,
/// LS or PS, as 1.0 has them) or the end.
fn line_comment(rest: &[u8]) -> usize {
    (0..rest.len())
        .find(|&i| {
            let at = &rest[i..];
            matches!(at[0], b'\n' | b'\r' | b'\x0c')
                || at.starts_with("\u{85}".as_bytes())
                || at.starts_with("\u{2028}".as_bytes())
                || at.starts_with("\u{2029}".as_bytes())
        })
        .unwrap_or(rest.len())
}

/// The length of a quoted string's rest, closing `"` included (`\\` escapes
/// the next byte); the whole rest when it is never closed.
fn quoted(rest: &[u8]) -> usize {
    let mut i = 0;
    while i < rest.len() {
        match rest[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    rest.len()
}

/// The length of a raw string's rest after its `r`: `#`s, `"`, the text,
/// `"` and as many `#`s (the whole rest when never closed). Not a raw
/// string (no `"` after the `#`s): 0.
fn raw(rest: &[u8]) -> usize {
    let hashes = rest.iter().take_while(|&&c| c == b'#').count();
    if rest.get(hashes) != Some(&b'"') {
        return 0;
    }
    let mut close = vec![b'"'];
    close.resize(hashes + 1, b'#');
    let body = &rest[hashes + 1..];
    body.windows(close.len())
        .position(|w| w == close.as_slice())
        .map_or(rest.len(), |at| hashes + 1 + at + close.len())
}

fn span(file: FileId, s: miette::SourceSpan) -> Span {
    Span::new(file, s.offset(), s.offset() + s.len())
}

/// Depth is bounded by [`fits`].
fn node(file: FileId, n: &KdlNode) -> Node {
    Node {
        name: Name {
            value: n.name().value().into(),
            span: span(file, n.name().span()),
        },
        entries: n.entries().iter().map(|e| entry(file, e)).collect(),
        children: n
            .children()
            .map(|d| d.nodes().iter().map(|c| node(file, c)).collect()),
    }
}

fn entry(file: FileId, e: &KdlEntry) -> Entry {
    let whole = e.span();
    let end = whole.offset() + whole.len();
    let len = e
        .format()
        .map_or(whole.len(), |f| f.value_repr.len().min(whole.len()));
    Entry {
        name: e.name().map(|k| Name {
            value: k.value().into(),
            span: span(file, k.span()),
        }),
        value: match e.value() {
            KdlValue::String(s) => Value::String(s.into()),
            KdlValue::Integer(i) => Value::Integer(*i),
            KdlValue::Float(f) => Value::Float(*f),
            KdlValue::Bool(b) => Value::Bool(*b),
            KdlValue::Null => Value::Null,
        },
        span: span(file, whole),
        value_span: Span::new(file, end - len, end),
    }
}

/// The code points KDL 2.0 disallows anywhere in a document (a BOM is
/// allowed only first).
fn disallowed(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{E}'..='\u{1F}' | '\u{7F}'
        | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

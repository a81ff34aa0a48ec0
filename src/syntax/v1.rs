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
/// is for 1.0's syntax, not for characters 1.0 let through), and its braces
/// and block comments (counted everywhere, strings included: an
/// over-estimate) nest at most [`MAX_DEPTH`] deep.
pub(super) fn fits(text: &str) -> bool {
    if text.len() > V1_MAX_BYTES
        || text.matches("/-").count() > V1_MAX_SLASHDASH
        || text.chars().any(disallowed)
    {
        return false;
    }
    let mut depth = 0usize;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'{' => depth += 1,
            b'/' if bytes.get(i + 1) == Some(&b'*') => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            b'*' if bytes.get(i + 1) == Some(&b'/') => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > MAX_DEPTH {
            return false;
        }
    }
    true
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

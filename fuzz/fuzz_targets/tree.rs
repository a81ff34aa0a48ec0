//! The lossless syntax tree (`syntax::tree`), in both dialects: on any
//! bytes (decoded lossily, so every input is a text), no panic; the tokens
//! cover the text byte for byte, in order, none empty, each on character
//! boundaries; every node's children spell its text; every slip's range
//! lies in the text. As KDL 1.0 (`tree::parse_v1`) also: reading the
//! document and spelling the text in 2.0 (`Tree::v2_text`) never panic, and
//! a 1.0 text without a slip (children at most 64 deep) converts to a 2.0
//! text without a slip that reads as the same names and values.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pmoc::base::FileId;
use pmoc::syntax::tree::{self, Element, Tree};
use pmoc::syntax::{Document, Value};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check(&text, &tree::parse(&text));
    let v1 = tree::parse_v1(&text);
    check(&text, &v1);
    let converted = v1.v2_text();
    if v1.errors().is_empty() && shallow(&text) {
        let v2 = tree::parse(&converted);
        assert_eq!(v2.errors(), [], "{converted:?}");
        let before = plain(&tree::document(FileId(0), &v1));
        assert_eq!(plain(&tree::document(FileId(0), &v2)), before);
    }
});

fn check(text: &str, t: &Tree) {
    let mut at = 0;
    for token in t.tokens() {
        let r = token.range();
        assert_eq!(r.start, at, "a gap or an overlap");
        assert!(r.end > r.start && text.is_char_boundary(r.end));
        at = r.end;
    }
    assert_eq!(at, text.len());
    assert_eq!(t.root().text(), text);
    let mut stack = vec![t.root()];
    while let Some(n) = stack.pop() {
        let mut spelled = String::new();
        for child in n.children() {
            match child {
                Element::Token(tok) => spelled.push_str(tok.text()),
                Element::Node(c) => {
                    spelled.push_str(c.text());
                    stack.push(c);
                }
            }
        }
        assert_eq!(spelled, n.text());
    }
    for e in t.errors() {
        assert!(e.range.start <= e.range.end && e.range.end <= text.len());
        assert!(text.is_char_boundary(e.range.start) && text.is_char_boundary(e.range.end));
    }
}

/// At most 64 `{` in the text (a `Document` drops recursively).
fn shallow(text: &str) -> bool {
    text.matches('{').count() <= 64
}

/// Names, keys and values in order, nesting marked (NaN equal to itself).
fn plain(doc: &Document) -> String {
    let mut out = String::new();
    let mut stack: Vec<(usize, &pmoc::syntax::Node)> =
        doc.nodes.iter().rev().map(|n| (0, n)).collect();
    while let Some((depth, n)) = stack.pop() {
        out.push_str(&format!("{depth} {:?}", n.name.value));
        for e in &n.entries {
            let key = e.name.as_ref().map(|k| k.value.as_str());
            match &e.value {
                Value::Float(f) if f.is_nan() => out.push_str(&format!(" {key:?}=NaN")),
                v => out.push_str(&format!(" {key:?}={v:?}")),
            }
        }
        out.push_str(if n.children.is_some() { " {\n" } else { "\n" });
        stack.extend(n.children().iter().rev().map(|c| (depth + 1, c)));
    }
    out
}

//! The lossless syntax tree (`syntax::tree`): on any bytes (decoded
//! lossily, so every input is a text), no panic; the tokens cover the text
//! byte for byte, in order, none empty, each on character boundaries; every
//! node's children spell its text; every slip's range lies in the text.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pmoc::syntax::tree::{self, Element};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let t = tree::parse(&text);
    let mut at = 0;
    for token in t.tokens() {
        let r = token.range();
        assert_eq!(r.start, at, "a gap or an overlap");
        assert!(r.end > r.start && text.is_char_boundary(r.end));
        at = r.end;
    }
    assert_eq!(at, text.len());
    assert_eq!(t.root().text(), &*text);
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
});

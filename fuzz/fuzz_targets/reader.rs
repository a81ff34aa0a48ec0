//! The reader: any UTF-8 text through `syntax::parse_v2` (KDL 2.0 alone)
//! and `syntax::parse` (with the KDL 1.0 fallback). Never a panic; a
//! rejected text gets one diagnostic whose span (and every label's) lies in
//! the text, on character boundaries, and is short; an accepted one has
//! every name and value span in the text, on character boundaries, over a
//! token (not empty, no surrounding whitespace). A panic of just-kdl,
//! which pmoc catches and reports, counts as a finding unless it is the
//! known one.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pmoc::base::{Diagnostic, FileId, Span};
use pmoc::syntax::{self, Document};

/// The longest span a syntax diagnostic may point at.
const MAX_SLIP: usize = 200;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for (reader, result) in [
        ("parse_v2", syntax::parse_v2(FileId(0), text)),
        ("parse", syntax::parse(FileId(0), text)),
    ] {
        match result {
            Ok(doc) => accepted(reader, text, &doc),
            Err(diag) => rejected(reader, text, &diag),
        }
    }
});

fn inside(text: &str, span: Span) -> bool {
    let r = span.range();
    r.start <= r.end
        && r.end <= text.len()
        && text.is_char_boundary(r.start)
        && text.is_char_boundary(r.end)
}

fn rejected(reader: &str, text: &str, d: &Diagnostic) {
    // A panic of just-kdl is caught and reported; only its known case
    // (a multi-line string indented with non-ASCII spaces) is expected.
    let known = text.contains("\"\"\"") && text.chars().any(|c| !c.is_ascii() && c.is_whitespace());
    assert!(
        !d.message.starts_with("the KDL reader failed") || known,
        "{reader}: just-kdl panicked on a new case"
    );
    assert!(
        inside(text, d.span),
        "{reader}: span {:?} outside the text ({} bytes): {}",
        d.span.range(),
        text.len(),
        d.message
    );
    assert!(
        d.span.range().len() <= MAX_SLIP,
        "{reader}: span {:?} too long: {}",
        d.span.range(),
        d.message
    );
    for label in &d.labels {
        assert!(
            inside(text, label.span) && label.span.range().len() <= MAX_SLIP,
            "{reader}: label {:?} ({}) of {}",
            label.span.range(),
            label.message,
            d.message
        );
    }
}

fn accepted(reader: &str, text: &str, doc: &Document) {
    let mut stack: Vec<&syntax::Node> = doc.nodes.iter().collect();
    while let Some(node) = stack.pop() {
        let mut spans = vec![("name", node.name.span)];
        for e in &node.entries {
            if let Some(k) = &e.name {
                spans.push(("key", k.span));
            }
            spans.push(("entry", e.span));
            spans.push(("value", e.value_span));
        }
        for (what, span) in spans {
            assert!(
                inside(text, span),
                "{reader}: {what} span {:?} outside the text ({} bytes) or off a boundary",
                span.range(),
                text.len()
            );
            let token = &text[span.range()];
            assert!(
                !token.is_empty() && token.trim() == token,
                "{reader}: {what} span {:?} is not a token: {token:?}",
                span.range()
            );
        }
        stack.extend(node.children());
    }
}

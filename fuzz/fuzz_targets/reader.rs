//! The reader: any UTF-8 text through `syntax::parse_v2` (KDL 2.0 alone)
//! and `syntax::parse` (with the KDL 1.0 fallback). Never a panic; a
//! rejected text gets between one and `MAX_FINDINGS` + 1 diagnostics, in
//! the order of the text, whose spans (and every label's) lie in the text,
//! on character boundaries, and are short; an accepted one has every name
//! and value span in the text, on character boundaries, over a token (not
//! empty, no surrounding whitespace).

#![no_main]

use libfuzzer_sys::fuzz_target;
use pmoc::base::{Diagnostic, FileId, Span};
use pmoc::syntax::{self, Document};

/// The longest span a syntax diagnostic may point at.
const MAX_SLIP: usize = 200;

/// The most syntax findings of a file before the "and N more" one.
const MAX_FINDINGS: usize = 20;

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
            Err(diags) => {
                assert!(
                    !diags.is_empty() && diags.len() <= MAX_FINDINGS + 1,
                    "{reader}: {} findings",
                    diags.len()
                );
                assert!(
                    diags.is_sorted_by_key(|d| d.span.start),
                    "{reader}: findings out of order"
                );
                for d in &diags {
                    rejected(reader, text, d);
                }
            }
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

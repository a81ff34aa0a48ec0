//! The lossless syntax tree (`syntax::tree`, issue 23 step 1):
//!
//! - lossless: the tokens cover the text byte for byte, in order, for every
//!   spec input, every example file, a generated portfolio and seeded
//!   random and mutated texts; the nodes nest within their parents;
//! - it never fails and never recurses: 100,000 nested `{` parse;
//! - every valid spec input parses with no error, and every `_fail` input
//!   has at least one (the documents are held to the `kdl` crate's in
//!   `kdl_spec`, as `syntax::parse_v2` reads through the tree);
//! - several slips in one file are each found, once.

use std::path::Path;

use pmoc::base::FileId;
use pmoc::syntax;
use pmoc::syntax::tree::{self, Element, Tree};

use crate::kdl_spec::spec_inputs;

fn kdl_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "kdl") {
                out.push(std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    out
}

/// The tokens cover the text in order; every node's range lies within its
/// parent's and its children come in order without overlap.
pub(crate) fn assert_lossless(text: &str, t: &Tree) {
    let mut at = 0;
    for token in t.tokens() {
        let r = token.range();
        assert_eq!(r.start, at, "a gap or overlap before {r:?} in {text:?}");
        assert!(r.end > r.start, "an empty token at {r:?} in {text:?}");
        assert!(text.is_char_boundary(r.end), "off a boundary: {r:?}");
        at = r.end;
    }
    assert_eq!(at, text.len(), "the tokens stop short in {text:?}");
    assert_eq!(t.root().text(), text);
    let mut stack = vec![t.root()];
    while let Some(n) = stack.pop() {
        let mut rebuilt = String::new();
        for child in n.children() {
            match child {
                Element::Token(tok) => rebuilt.push_str(tok.text()),
                Element::Node(c) => {
                    rebuilt.push_str(c.text());
                    stack.push(c);
                }
            }
        }
        assert_eq!(rebuilt, n.text(), "a node's children are not its text");
    }
    for e in t.errors() {
        assert!(e.range.start <= e.range.end && e.range.end <= text.len());
        assert!(text.is_char_boundary(e.range.start) && text.is_char_boundary(e.range.end));
    }
}

#[test]
fn every_spec_input_and_example_is_lossless() {
    for (_, text) in spec_inputs() {
        assert_lossless(&text, &tree::parse(&text));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let examples = kdl_files(&root.join("examples"));
    assert!(examples.len() > 10);
    for text in examples {
        let t = tree::parse(&text);
        assert_lossless(&text, &t);
        assert_eq!(t.errors(), [], "an example has a slip");
    }
}

#[test]
fn a_generated_portfolio_is_lossless_without_errors() {
    let dir = tempfile::tempdir().unwrap();
    pmoc_synth::write_project(dir.path(), 50).unwrap();
    let files = kdl_files(dir.path());
    assert!(files.len() > 5);
    for text in files {
        let t = tree::parse(&text);
        assert_lossless(&text, &t);
        assert_eq!(t.errors(), []);
    }
}

/// A small, seeded generator (no dependency).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn random_and_mutated_texts_are_lossless() {
    let pieces = [
        "{", "}", "(", ")", "=", ";", "\"", "\"\"\"", "#", "#\"", "\"#", "/-", "//", "/*", "*/",
        "\\", "\n", "\r\n", " ", "\t", "a", "1", "-", ".", "e", "0x", "#true", "é", "\u{2028}",
        "\u{feff}", "\u{0}", "\u{85}", "\\u{", "_",
    ];
    let corpus: Vec<String> = spec_inputs().into_iter().map(|(_, t)| t).collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for round in 0..20_000 {
        let text = if round % 2 == 0 {
            (0..rng.below(40))
                .map(|_| pieces[rng.below(pieces.len())])
                .collect::<String>()
        } else {
            let mut t = corpus[rng.below(corpus.len())].clone();
            for _ in 0..1 + rng.below(4) {
                let mut at = rng.below(t.len() + 1);
                while !t.is_char_boundary(at) {
                    at -= 1;
                }
                if rng.below(2) == 0 {
                    t.insert_str(at, pieces[rng.below(pieces.len())]);
                } else {
                    let mut end = (at + 1 + rng.below(4)).min(t.len());
                    while !t.is_char_boundary(end) {
                        end += 1;
                    }
                    t.replace_range(at..end, "");
                }
            }
            t
        };
        assert_lossless(&text, &tree::parse(&text));
    }
    // Random bytes, decoded lossily.
    for _ in 0..2_000 {
        let bytes: Vec<u8> = (0..rng.below(64)).map(|_| rng.next() as u8).collect();
        let text = String::from_utf8_lossy(&bytes);
        assert_lossless(&text, &tree::parse(&text));
    }
}

#[test]
fn deep_nesting_does_not_recurse() {
    let text = "a {".repeat(100_000);
    let t = tree::parse(&text);
    assert_lossless(&text, &t);
    assert_eq!(t.errors().len(), 100_000, "each unclosed `{{` once");
    let closed = format!("{}{}", "a {".repeat(100_000), "}".repeat(100_000));
    let t = tree::parse(&closed);
    assert_eq!(t.errors(), []);
    // (`syntax::Document` itself drops recursively: `syntax::parse_v2`
    // refuses nesting past `syntax::MAX_DEPTH` before it is built.)
    let refused = syntax::parse_v2(FileId(0), &closed).unwrap_err();
    assert_eq!(refused.len(), 1);
    assert!(refused[0].message.contains("nested more than"));
    let comments = "/*".repeat(100_000);
    assert_eq!(tree::parse(&comments).errors().len(), 1);
}

#[test]
fn every_slip_of_a_file_is_found_once() {
    let text = "\
service a {
    offer \"pm\", level=\"mandated\"
    size 1x2
    name \"x\\q\"
    flag true
}
}
other #maybe
";
    let t = tree::parse(text);
    let found: Vec<(&str, &str)> = t
        .errors()
        .iter()
        .map(|e| (&text[e.range.clone()], e.message.as_str()))
        .collect();
    let places: Vec<&str> = found.iter().map(|f| f.0).collect();
    assert_eq!(
        places,
        [",", "1x2", "\\q", "true", "}", "#maybe"],
        "{found:#?}"
    );
    assert_lossless(text, &t);
}

#[test]
fn an_unclosed_string_stops_at_its_line() {
    let text = "a \"open\nb 1\n";
    let t = tree::parse(text);
    assert_eq!(t.errors().len(), 1);
    let doc = tree::document(FileId(0), &t);
    assert_eq!(doc.nodes.len(), 2, "the next line still reads");
}

#[test]
fn valid_spec_inputs_parse_without_error_and_fail_inputs_err() {
    let mut wrong = Vec::new();
    for (name, text) in spec_inputs() {
        let t = tree::parse(&text);
        if name.ends_with("_fail.kdl") {
            if t.errors().is_empty() {
                wrong.push(format!("{name}: no error"));
            }
            continue;
        }
        if let Some(e) = t.errors().first() {
            wrong.push(format!("{name}: {} at {:?}", e.message, e.range));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

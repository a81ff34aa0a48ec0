//! The syntax tree's KDL 1.0 dialect (`syntax::tree::parse_v1`):
//!
//! - lossless on the KDL 1.0 spec's inputs (vendored in
//!   `tests/kdl-spec-v1`, CC BY-SA 4.0), the 2.0 spec's inputs, the
//!   examples and seeded random and mutated texts; never recursing;
//! - agreement: every valid 1.0 input reads with no error as the `kdl`
//!   crate's `parse_v1` reads it (names, values, children), and every
//!   `_fail` input has an error;
//! - the conversion: a valid 1.0 file's `v2_text` parses as KDL 2.0 with no
//!   error into the same names and values, and each token's spelling is
//!   the one documented;
//! - `syntax::parse` reads through it: the 2.0 `_fail` inputs that are
//!   valid 1.0 still read, larger and deeper 1.0 files than the `kdl`
//!   crate could take read too, and `MAX_DEPTH` holds.

use pmoc::base::FileId;
use pmoc::syntax::tree::{self, Dialect, TokenKind};
use pmoc::syntax::{self, MAX_DEPTH};

use crate::plain::{ours, theirs};
use crate::rng::Rng;
use crate::tree::assert_lossless;

/// 1.0 suite inputs on which the suite, the spec's text and the `kdl`
/// crate (4.x, behind `parse_v1`) disagree, with what the tree does.
const DISPUTED: &[(&str, &str)] = &[
    (
        "escline_comment_node.kdl",
        "a `\\` continuation between nodes: the suite reads it, the grammar has no \
         escline in `linespace` and the kdl crate refuses it; the tree reads it (as 2.0 does)",
    ),
    (
        "hex.kdl",
        "an integer beyond i64: the kdl crate refuses it; the tree reads it (i128)",
    ),
    (
        "hex_int.kdl",
        "an integer beyond i64: the kdl crate refuses it; the tree reads it (i128)",
    ),
    (
        "underscore_in_fraction_fail.kdl",
        "`1.0_2`: the suite gives no output, the grammar's fraction `[0-9] [0-9_]*` allows it; \
         the tree reads it (as 2.0 does)",
    ),
    (
        "unusual_chars_in_bare_id.kdl",
        "`/` in a bare identifier: the suite reads it, the spec's text and the kdl crate \
         exclude `/`; the tree refuses it",
    ),
];

fn disputed(name: &str) -> bool {
    DISPUTED.iter().any(|(n, _)| *n == name)
}

fn v1_inputs() -> Vec<(String, String)> {
    let inputs = crate::common::corpus("tests/kdl-spec-v1/input");
    assert_eq!(inputs.len(), 155, "the 1.0 corpus is vendored whole");
    inputs
}

#[test]
fn every_input_is_lossless_as_kdl_1() {
    let mut all = v1_inputs();
    all.extend(crate::common::corpus("tests/kdl-spec/input"));
    for (_, text) in &all {
        let t = tree::parse_v1(text);
        assert_eq!(t.dialect(), Dialect::V1);
        assert_lossless(text, &t);
    }
    let pieces = [
        "{", "}", "(", ")", "=", ";", "\"", "r\"", "r#\"", "\"#", "#", "/-", "//", "/*", "*/",
        "\\", "\\/", "\n", "\r\n", " ", "\t", "a", "1", "-", ".", "e", "0x", "true", "null", "é",
        "\u{2028}", "\u{feff}", "\u{b}", "\u{85}", "\\u{", "_", ",", "<",
    ];
    let corpus: Vec<&str> = all.iter().map(|(_, t)| t.as_str()).collect();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut converts = 0;
    for round in 0..10_000 {
        let text = if round % 2 == 0 {
            (0..rng.below(40))
                .map(|_| *rng.pick(&pieces))
                .collect::<String>()
        } else {
            let mut t = rng.pick(&corpus).to_string();
            for _ in 0..1 + rng.below(4) {
                let mut at = rng.below(t.len() + 1);
                while !t.is_char_boundary(at) {
                    at -= 1;
                }
                t.insert_str(at, rng.pick::<&str>(&pieces));
            }
            t
        };
        let t = tree::parse_v1(&text);
        assert_lossless(&text, &t);
        // Decoding and converting never panic, whatever the slips; without
        // a slip, the 2.0 spelling reads as the same names and values (as
        // the `tree` fuzz target asserts on any bytes).
        let doc = tree::document(FileId(0), &t);
        let converted = t.v2_text();
        if t.errors().is_empty() {
            converts += 1;
            let again = tree::parse(&converted);
            assert_eq!(again.errors(), [], "{text:?} → {converted:?}");
            assert_eq!(ours(&tree::document(FileId(0), &again)), ours(&doc));
        }
    }
    assert!(converts > 500, "{converts} texts without a slip");
}

#[test]
fn valid_inputs_agree_with_the_kdl_crate_and_fail_inputs_err() {
    let mut wrong = Vec::new();
    let mut valid = 0;
    for (name, text) in v1_inputs() {
        let t = tree::parse_v1(&text);
        if disputed(&name) {
            continue;
        }
        if name.ends_with("_fail.kdl") {
            if t.errors().is_empty() {
                wrong.push(format!("{name}: no error"));
            }
            continue;
        }
        valid += 1;
        if let Some(e) = t.errors().first() {
            wrong.push(format!("{name}: {} at {:?}", e.message, e.range));
            continue;
        }
        let oracle = match kdl::KdlDocument::parse_v1(&text) {
            Ok(oracle) => oracle,
            Err(e) => {
                wrong.push(format!("{name}: the kdl crate: {e:?}"));
                continue;
            }
        };
        let doc = tree::document(FileId(0), &t);
        if ours(&doc) != theirs(&oracle) {
            wrong.push(format!(
                "{name}:\n  tree {:?}\n  kdl  {:?}",
                ours(&doc),
                theirs(&oracle)
            ));
        }
    }
    assert_eq!(valid, 133 - 4, "four valid inputs are disputed");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn valid_inputs_convert_to_kdl_2_with_the_same_values() {
    let mut wrong = Vec::new();
    for (name, text) in v1_inputs() {
        if name.ends_with("_fail.kdl") && !disputed(&name) {
            continue;
        }
        let t = tree::parse_v1(&text);
        if !t.errors().is_empty() {
            assert!(disputed(&name), "{name}");
            continue;
        }
        let converted = t.v2_text();
        let again = tree::parse(&converted);
        if let Some(e) = again.errors().first() {
            wrong.push(format!(
                "{name}: {converted:?}: {} at {:?}",
                e.message, e.range
            ));
            continue;
        }
        let before = ours(&tree::document(FileId(0), &t));
        if ours(&tree::document(FileId(0), &again)) != before {
            wrong.push(format!("{name}: {converted:?} reads otherwise"));
        }
        match syntax::parse_v2(FileId(0), &converted) {
            Ok(doc) if ours(&doc) == before => {}
            _ => wrong.push(format!(
                "{name}: the 2.0 reader reads {converted:?} otherwise"
            )),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// One token's 2.0 spelling, the token being the node's value (or name).
fn spelling(v1: &str) -> String {
    let t = tree::parse_v1(v1);
    assert_eq!(t.errors(), [], "{v1:?}");
    let tokens: Vec<_> = t.tokens().filter(|t| !t.kind().is_trivia()).collect();
    tokens.last().unwrap().v2_spelling().into_owned()
}

#[test]
fn each_token_has_its_documented_spelling() {
    let cases = [
        ("n true", "#true"),
        ("n false", "#false"),
        ("n null", "#null"),
        ("n r\"a\"", "#\"a\"#"),
        ("n r\"\"", "#\"\"#"),
        ("n r#\"\"\"#", "\"\\\"\""),
        ("n r#\"a\"#", "#\"a\"#"),
        ("n r##\"say \"#hi\"##", "##\"say \"#hi\"##"),
        ("n r\"two\nlines\"", "\"two\\nlines\""),
        ("n r\"back\\slash\"", "#\"back\\slash\"#"),
        ("n \"plain\"", "\"plain\""),
        ("n \"a\\/b\"", "\"a/b\""),
        ("n \"a\\\"b\\n\"", "\"a\\\"b\\n\""),
        ("n \"two\nlines\"", "\"two\\nlines\""),
        ("n 1_000.5e3", "1_000.5e3"),
        ("n 0xff_ff", "0xff_ff"),
        ("inf", "\"inf\""),
        ("nan", "\"nan\""),
        ("-inf", "\"-inf\""),
        ("a#b", "\"a#b\""),
        ("#n", "\"#n\""),
        ("node", "node"),
        ("n key=1", "1"),
    ];
    for (v1, v2) in cases {
        assert_eq!(spelling(v1), v2, "{v1:?}");
        let node = format!("n {v2}");
        let again = tree::parse(&node);
        assert_eq!(again.errors(), [], "{node:?}");
        assert!(again.tokens().all(|t| t.kind() != TokenKind::Error));
    }
    // A 2.0 tree's tokens are their own spelling.
    let t = tree::parse("n #true #\"a\"#");
    assert!(t.tokens().all(|t| t.v2_spelling() == t.text()));
    assert_eq!(t.v2_text(), t.text());
}

#[test]
fn the_2_0_fail_inputs_that_are_valid_1_0_read() {
    let names = [
        "legacy_raw_string_fail.kdl",
        "legacy_raw_string_hash_fail.kdl",
        "multiline_string_single_quote_err_fail.kdl",
        "no_solidus_escape_fail.kdl",
    ];
    for (name, text) in crate::common::corpus("tests/kdl-spec/input") {
        let t = tree::parse_v1(&text);
        if names.contains(&name.as_str()) {
            assert_eq!(t.errors(), [], "{name}");
            let oracle = kdl::KdlDocument::parse_v1(&text).unwrap();
            assert_eq!(ours(&tree::document(FileId(0), &t)), theirs(&oracle));
            assert!(syntax::parse(FileId(0), &text).is_ok(), "{name}");
            assert!(syntax::parse_v2(FileId(0), &text).is_err(), "{name}");
        }
    }
}

#[test]
fn the_fallback_takes_large_and_deep_files_within_max_depth() {
    // Far over the kdl crate's old bounds (256 KiB, 8 `/-`).
    let big: String = (0..20_000)
        .map(|i| format!("/- skipped {i}\nnode{i} r\"raw\" true {{ child null; }}\n"))
        .collect();
    assert!(big.len() > 512 * 1024);
    let doc = syntax::parse(FileId(0), &big).expect("reads as KDL 1.0");
    assert_eq!(doc.nodes.len(), 20_000);
    // Children nest up to MAX_DEPTH and no deeper.
    let nested = |depth: usize| format!("{}{}", "a true {".repeat(depth), "}".repeat(depth));
    assert!(syntax::parse(FileId(0), &nested(MAX_DEPTH)).is_ok());
    assert!(syntax::parse(FileId(0), &nested(MAX_DEPTH + 1)).is_err());
    // The tree itself takes any depth without recursing.
    let deep = nested(100_000);
    let t = tree::parse_v1(&deep);
    assert_eq!(t.errors(), []);
    assert_lossless(&deep, &t);
}

// The pieces of a generated 1.0 document, and some that break it.
const NAMES: &[&str] = &[
    "node",
    "a-b",
    "inf",
    "nan",
    "-",
    "x#y",
    "é",
    "\"quoted name\"",
    "r\"raw name\"",
    "\"\"",
    "_x",
    "+a",
    ".5",
];
const VALUES: &[&str] = &[
    "1",
    "-2",
    "+3",
    "1.5",
    "1e3",
    "1.5E-2",
    "1_000",
    "0x1f",
    "-0o17",
    "0b1_0",
    "true",
    "false",
    "null",
    "\"s\"",
    "\"a\\/b\\n\\u{e9}\\\"\"",
    "\"two\nlines\"",
    "r\"raw\\n\"",
    "r#\"has \"quote\"\"#",
    "r##\"a\"#b\"##",
    "\"\"",
    "r\"\"",
    "9223372036854775807",
];
const BREAK: &[&str] = &[
    "bare", "#true", "1.", "0x", "\"\\s\"", "r#\"open", "(", "}", "=", ",", "<", "\"open", "1abc",
];

/// A random KDL 1.0 document from valid pieces (names, strings with 1.0's
/// escapes, raw strings, numbers, keywords, properties, annotations,
/// children, `/-`, comments, continuations), sometimes with one piece
/// that breaks it.
fn generated(rng: &mut Rng) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for _ in 0..1 + rng.below(12) {
        let indent = "    ".repeat(depth);
        out.push_str(&indent);
        if rng.below(8) == 0 {
            out.push_str("/- ");
        }
        if rng.below(6) == 0 {
            out.push_str("(t)");
        }
        out.push_str(rng.pick::<&str>(NAMES));
        entries(rng, &mut out);
        if rng.below(40) == 0 {
            out.push(' ');
            out.push_str(rng.pick::<&str>(BREAK));
        }
        match rng.below(6) {
            0 if depth < 4 => {
                out.push_str(" {\n");
                depth += 1;
                continue;
            }
            1 => out.push_str("; "),
            2 => out.push_str(" // note"),
            _ => {}
        }
        out.push('\n');
        if depth > 0 && rng.below(3) == 0 {
            depth -= 1;
            out.push_str(&"    ".repeat(depth));
            out.push_str("}\n");
        }
    }
    while depth > 0 {
        depth -= 1;
        out.push_str(&"    ".repeat(depth));
        out.push_str("}\n");
    }
    out
}

/// A node's entries: values and properties, with spaces, comments,
/// continuations and `/-` between.
fn entries(rng: &mut Rng, out: &mut String) {
    for _ in 0..rng.below(4) {
        out.push_str(match rng.below(10) {
            0 => " /* c */ ",
            1 => " \\\n    ",
            2 => " /- ",
            _ => " ",
        });
        if rng.below(4) == 0 {
            out.push_str(rng.pick::<&str>(NAMES));
            out.push('=');
        }
        if rng.below(8) == 0 {
            out.push_str("(u8)");
        }
        out.push_str(rng.pick::<&str>(VALUES));
    }
}

#[test]
fn generated_documents_agree_with_the_kdl_crate() {
    let mut rng = Rng(0x853c_49e6_748f_ea9b);
    let mut wrong = Vec::new();
    let (mut accepted, mut rejected) = (0, 0);
    for _ in 0..3_000 {
        let text = generated(&mut rng);
        let t = tree::parse_v1(&text);
        assert_lossless(&text, &t);
        match kdl::KdlDocument::parse_v1(&text) {
            Ok(oracle) => {
                accepted += 1;
                if let Some(e) = t.errors().first() {
                    wrong.push(format!("{text:?}: {} at {:?}", e.message, e.range));
                } else if ours(&tree::document(FileId(0), &t)) != theirs(&oracle) {
                    wrong.push(format!("{text:?}: reads otherwise"));
                }
            }
            Err(_) => {
                rejected += 1;
                if t.errors().is_empty() {
                    wrong.push(format!("{text:?}: the kdl crate refuses it"));
                }
            }
        }
    }
    assert!(
        accepted > 1_000 && rejected > 100,
        "{accepted} / {rejected}"
    );
    wrong.truncate(12);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

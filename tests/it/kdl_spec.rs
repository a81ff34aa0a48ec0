//! The KDL specification's own test inputs (vendored in `tests/kdl-spec`,
//! CC BY-SA 4.0), and the reader held against the `kdl` crate.
//!
//! - The KDL 2.0 reader alone accepts every valid input and rejects every
//!   `_fail` input.
//! - Through the whole pipeline, a `_fail` file gives `kdl-syntax` with a
//!   span and exit 1, unless it is valid KDL 1.0 and the fallback accepts
//!   it (listed below with the reason); every other file gives no
//!   `kdl-syntax`. Nothing panics.
//! - Differential: the reader and the `kdl` crate read the same documents
//!   from every valid spec input, every example file and a generated
//!   portfolio, and every name and value span covers its token.

use std::path::{Path, PathBuf};

use pmoc::base::{Code, FileId};
use pmoc::compile::{Options, compile};
use pmoc::syntax::{self, Document, Value};

use crate::plain;
use plain::{ours, theirs};

/// `_fail` files that are valid KDL 1.0, which the fallback accepts.
const VALID_V1: &[(&str, &str)] = &[
    ("legacy_raw_string_fail.kdl", "`r\"…\"` is 1.0's raw string"),
    (
        "legacy_raw_string_hash_fail.kdl",
        "`r#\"…\"#` is 1.0's raw string",
    ),
    (
        "multiline_string_single_quote_err_fail.kdl",
        "1.0's quoted strings may span lines",
    ),
    ("no_solidus_escape_fail.kdl", "`\\/` is a 1.0 escape"),
];

/// Valid inputs the `kdl` crate (6.7) wrongly rejects.
const KDL_CRATE_REJECTS: &[&str] = &[
    "zero_space_before_slashdash_arg.kdl",
    "zero_space_before_slashdash_children.kdl",
    "zero_space_before_slashdash_prop.kdl",
];

/// The 336 inputs of the KDL 2.0 spec's tests (the `tree` tests read them too).
pub(crate) fn spec_inputs() -> Vec<(String, String)> {
    let inputs = crate::common::corpus("tests/kdl-spec/input");
    assert_eq!(inputs.len(), 336, "the corpus is vendored whole");
    inputs
}

#[test]
fn the_reader_alone_accepts_every_valid_input_and_rejects_every_fail_input() {
    let mut wrong = Vec::new();
    for (name, text) in spec_inputs() {
        let result = syntax::parse_v2(FileId(0), &text);
        match (name.ends_with("_fail.kdl"), result) {
            (true, Ok(_)) => wrong.push(format!("{name}: accepted")),
            (false, Err(d)) => wrong.push(format!("{name}: {}", d[0].message)),
            (true, Err(d)) => {
                for d in d {
                    let span = d.span.range();
                    if span.end > text.len() || span.len() > 80 {
                        wrong.push(format!("{name}: span {span:?}"));
                    }
                }
            }
            (false, Ok(_)) => {}
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn through_the_pipeline_fail_inputs_are_kdl_syntax_unless_valid_kdl_1() {
    let project = tempfile::tempdir().unwrap();
    std::fs::write(
        project.path().join("pmo.kdl"),
        "pmo \"p\" { name \"P\"; mandate \"M\"; sponsor \"s\" }\nperson \"s\" name=\"S\"\n",
    )
    .unwrap();
    let mut wrong = Vec::new();
    let mut failing = 0;
    for (name, text) in spec_inputs() {
        std::fs::write(project.path().join("input.kdl"), &text).unwrap();
        let compiled = compile(project.path(), &Options::default()).expect("runs");
        let syntax: Vec<_> = compiled
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::KdlSyntax)
            .collect();
        let v1 = VALID_V1.iter().any(|(n, _)| *n == name);
        if name.ends_with("_fail.kdl") && !v1 {
            failing += 1;
            if syntax.is_empty() || compiled.error_count() == 0 {
                wrong.push(format!("{name}: {} kdl-syntax findings", syntax.len()));
            }
        } else if let Some(d) = syntax.first() {
            wrong.push(format!("{name}: unexpected kdl-syntax: {}", d.message));
        }
    }
    assert_eq!(
        failing,
        95 - VALID_V1.len(),
        "the corpus has 95 `_fail` inputs"
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Every name and value span covers its token: a bare name or value is
/// its text; a quoted one starts with its quote; nothing starts or ends
/// with whitespace.
fn spans_cover_tokens(text: &str, doc: &Document) -> Result<(), String> {
    let mut stack: Vec<&syntax::Node> = doc.nodes.iter().collect();
    while let Some(node) = stack.pop() {
        let mut tokens = vec![(
            &text[node.name.span.range()],
            Some(node.name.value.as_str()),
        )];
        for e in &node.entries {
            if let Some(k) = &e.name {
                tokens.push((&text[k.span.range()], Some(k.value.as_str())));
            }
            let value = match &e.value {
                Value::String(s) => Some(s.as_str()),
                _ => None,
            };
            tokens.push((&text[e.value_span.range()], value));
        }
        for (token, value) in tokens {
            let quoted = token.starts_with('"') || token.starts_with('#');
            let fits = !token.is_empty()
                && token.trim() == token
                && (quoted || value.is_none_or(|v| v == token));
            if !fits {
                return Err(format!("span text {token:?} for {value:?}"));
            }
        }
        stack.extend(node.children());
    }
    Ok(())
}

/// Both readers read `text` alike.
fn same_document(name: &str, text: &str) -> Result<(), String> {
    let ours_doc =
        syntax::parse_v2(FileId(0), text).map_err(|d| format!("{name}: {}", d[0].message))?;
    spans_cover_tokens(text, &ours_doc).map_err(|e| format!("{name}: {e}"))?;
    let theirs_doc =
        kdl::KdlDocument::parse_v2(text).map_err(|e| format!("{name}: kdl crate: {e}"))?;
    if ours(&ours_doc) != theirs(&theirs_doc) {
        return Err(format!("{name}: the documents differ"));
    }
    Ok(())
}

#[test]
fn differential_over_the_valid_spec_inputs() {
    let mut wrong = Vec::new();
    for (name, text) in spec_inputs() {
        if name.ends_with("_fail.kdl") {
            continue;
        }
        if KDL_CRATE_REJECTS.contains(&name.as_str()) {
            assert!(
                kdl::KdlDocument::parse_v2(&text).is_err(),
                "{name}: fixed upstream"
            );
            assert!(syntax::parse_v2(FileId(0), &text).is_ok());
            continue;
        }
        if let Err(e) = same_document(&name, &text) {
            wrong.push(e);
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

fn kdl_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "kdl"))
        .collect();
    files.sort();
    files
}

#[test]
fn differential_over_the_examples_and_a_generated_portfolio() {
    let generated = tempfile::tempdir().unwrap();
    pmoc_synth::write_project(generated.path(), 300).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = kdl_files(&root.join("examples/acme"));
    files.extend(kdl_files(generated.path()));
    assert!(files.len() > 30);
    let mut wrong = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        if let Err(e) = same_document(&path.display().to_string(), &text) {
            wrong.push(e);
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

//! The KDL specification's own test inputs (vendored in `tests/kdl-spec`,
//! CC BY-SA 4.0): each placed in a project as its only source. A `_fail`
//! file gives `kdl-syntax` with a span and exit 1, unless the KDL 1.0
//! fallback accepts it; every other file gives no `kdl-syntax`. Nothing
//! panics.

use std::path::Path;

use pmoc::base::Code;
use pmoc::compile::{Options, compile};

/// `_fail` files that are valid KDL 1.0, which the fallback accepts.
const VALID_V1: &[&str] = &[
    "legacy_raw_string_fail.kdl",
    "legacy_raw_string_hash_fail.kdl",
    "multiline_raw_string_single_line_err_fail.kdl",
    "multiline_string_single_quote_err_fail.kdl",
    "no_solidus_escape_fail.kdl",
    "unicode_delete_fail.kdl",
    "unicode_lri_fail.kdl",
];

#[test]
fn spec_inputs() {
    let inputs = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kdl-spec/input");
    let mut names: Vec<String> = std::fs::read_dir(&inputs)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() > 300, "the corpus is vendored whole");
    let project = tempfile::tempdir().unwrap();
    std::fs::write(
        project.path().join("pmo.kdl"),
        "pmo \"p\" { name \"P\"; mandate \"M\"; sponsor \"s\" }\nperson \"s\" name=\"S\"\n",
    )
    .unwrap();
    let mut wrong = Vec::new();
    let mut failing = 0;
    for name in &names {
        let source = project.path().join("input.kdl");
        std::fs::copy(inputs.join(name), &source).unwrap();
        let compiled = compile(project.path(), &Options::default()).expect("runs");
        let syntax: Vec<_> = compiled
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::KdlSyntax)
            .collect();
        let should_fail = name.ends_with("_fail.kdl") && !VALID_V1.contains(&name.as_str());
        if should_fail {
            failing += 1;
            if syntax.is_empty() || compiled.error_count() == 0 {
                wrong.push(format!("{name}: no kdl-syntax diagnostic"));
            } else if !syntax
                .iter()
                .all(|d| compiled.sources.get(d.span.file).name == "input.kdl")
            {
                wrong.push(format!("{name}: kdl-syntax outside the file"));
            }
        } else if !syntax.is_empty() {
            wrong.push(format!(
                "{name}: unexpected kdl-syntax: {}",
                syntax[0].message
            ));
        }
    }
    assert_eq!(failing, 88);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

//! The syntax findings (`syntax::parse_v2`'s errors, worded by
//! `syntax::slip`), with exact positions, messages, labels and fixes: the
//! comma, the unclosed and stray braces located by indentation, five slips
//! in five places, and the single-quoted words of a one-valued field (a
//! lowering finding). The fixtures in `tests/fixtures/rules/kdl-syntax-*`
//! and `duplicate-field-single-quotes` hold the same through `check`.

use pmoc::base::{Code, Diagnostic, FileId};
use pmoc::compile::{Options, compile};
use pmoc::syntax;

fn slips(text: &str) -> Vec<Diagnostic> {
    syntax::parse_v2(FileId(0), text).expect_err("a syntax error")
}

/// The text each finding points at, with its offset.
fn at<'t>(text: &'t str, d: &Diagnostic) -> (usize, &'t str) {
    (d.span.start as usize, &text[d.span.range()])
}

/// The text with each fix of `found` applied (edits from the last).
fn fixed(text: &str, found: &[Diagnostic]) -> String {
    let mut edits: Vec<_> = found
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .flat_map(|f| f.edits.iter())
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    let mut out = text.to_string();
    for e in edits {
        out.replace_range(e.span.range(), &e.content);
    }
    out
}

#[test]
fn a_comma_is_named_at_the_comma_and_its_fix_reads() {
    let text = "offer \"pm\", level=\"mandated\"\nb 1,2\n";
    let found = slips(text);
    let places: Vec<_> = found.iter().map(|d| at(text, d)).collect();
    assert_eq!(places, [(10, ","), (32, ",")], "{found:#?}");
    for d in &found {
        assert_eq!(
            d.message,
            "found `,`: KDL separates values with spaces, not commas"
        );
        assert_eq!(d.code, Code::KdlSyntax);
    }
    let after = fixed(text, &found);
    assert_eq!(after, "offer \"pm\" level=\"mandated\"\nb 1 2\n");
    assert!(syntax::parse_v2(FileId(0), &after).is_ok());
}

#[test]
fn an_unclosed_brace_is_the_one_the_indentation_shows() {
    let text = "\
service \"a\" {
    name \"A\"
    sla \"s\" {
        target 1
    gate \"g\"
}
";
    let found = slips(text);
    assert_eq!(found.len(), 1, "{found:#?}");
    let d = &found[0];
    // The `{` of `sla` (line 3), not the `{` of `service` (line 1).
    assert_eq!(at(text, d), (text.find("\"s\" {").unwrap() + 4, "{"));
    assert_eq!(d.message, "unclosed delimiter: this `{` is never closed");
    let labels: Vec<_> = d
        .labels
        .iter()
        .map(|l| (l.span.start as usize, l.message.as_str()))
        .collect();
    assert_eq!(
        labels,
        [
            (
                text.find("gate").unwrap(),
                "the block was probably meant to close before this line"
            ),
            (
                text.rfind('}').unwrap(),
                "this `}` is indented like an outer block's `{` line, so it closes that block"
            ),
        ]
    );
}

#[test]
fn a_stray_brace_is_the_one_the_indentation_shows() {
    let text = "\
service \"a\" {
    name \"A\"
    }
    stage \"x\"
}
";
    let found = slips(text);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(at(text, &found[0]), (text.find("    }").unwrap() + 4, "}"));
    assert_eq!(
        found[0].message,
        "unexpected closing delimiter: this `}` closes no block"
    );
}

#[test]
fn five_slips_in_five_places_are_five_findings() {
    let text = "\
a 1.2.3
b \"x\\q\"
c #maybe
d \"pm\", e=1
f {
    g 1
";
    let found = slips(text);
    let places: Vec<_> = found.iter().map(|d| at(text, d)).collect();
    assert_eq!(
        places,
        [
            (2, "1.2.3"),
            (text.find("\\q").unwrap(), "\\q"),
            (text.find("#maybe").unwrap(), "#maybe"),
            (text.find(',').unwrap(), ","),
            (text.find('{').unwrap(), "{"),
        ],
        "{found:#?}"
    );
    assert!(found.iter().all(|d| d.code == Code::KdlSyntax));
}

#[test]
fn single_quoted_words_are_one_finding_with_the_double_quoted_fix() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rules/duplicate-field-single-quotes/pass");
    std::fs::copy(fixture.join("pmo.kdl"), dir.path().join("pmo.kdl")).unwrap();
    let main = std::fs::read_to_string(fixture.join("main.kdl"))
        .unwrap()
        .replace("name \"Svc\"", "name 'Update the risk log'");
    std::fs::write(dir.path().join("main.kdl"), &main).unwrap();
    let compiled = compile(dir.path(), &Options::default()).expect("runs");
    let found: Vec<&Diagnostic> = compiled
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::DuplicateField)
        .collect();
    assert_eq!(found.len(), 1, "{:#?}", compiled.diagnostics);
    let d = found[0];
    assert_eq!(
        at(&main, d),
        (main.find('\'').unwrap(), "'Update the risk log'")
    );
    assert!(
        d.message.contains("KDL strings take double quotes"),
        "{}",
        d.message
    );
    let fix = d.fix.as_ref().expect("a fix");
    assert_eq!(fix.edits.len(), 1);
    assert_eq!(fix.edits[0].content, "\"Update the risk log\"");
}

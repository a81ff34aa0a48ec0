//! The fixes lowering attaches to its diagnostics (did-you-mean
//! replacements, missing fields inserted): each applied to its file gives
//! a file in which the finding is gone.

use crate::base::{Code, Diagnostic, FileId};
use crate::syntax;

fn lower(text: &str) -> Vec<Diagnostic> {
    let doc = syntax::parse(FileId(0), text).expect("the test's text parses");
    super::lower_file(FileId(0), text, &doc, false).1
}

/// The text with the fix of the one `code` finding applied, and what
/// lowering it again finds.
fn apply(text: &str, code: Code) -> (String, Vec<Diagnostic>) {
    let found: Vec<_> = lower(text).into_iter().filter(|d| d.code == code).collect();
    assert_eq!(found.len(), 1, "one {code:?} in {text:?}: {found:#?}");
    fixed(text, &found[0])
}

/// The same for the `missing-field` finding naming `field`.
fn apply_to(text: &str, field: &str) -> (String, Vec<Diagnostic>) {
    let found = lower(text);
    let d = found
        .iter()
        .find(|d| d.code == Code::MissingField && d.message.contains(field))
        .unwrap_or_else(|| panic!("no missing {field} in {found:#?}"));
    fixed(text, d)
}

fn fixed(text: &str, d: &Diagnostic) -> (String, Vec<Diagnostic>) {
    let fix = d.fix.as_ref().expect("a fix");
    let mut fixed = text.to_string();
    let mut edits = fix.edits.clone();
    edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    for e in edits {
        fixed.replace_range(e.span.range(), &e.content);
    }
    let again = lower(&fixed);
    (fixed, again)
}

const SERVICE: &str = "service \"s\" {\n    name \"S\"\n    function \"f\"\n    description \"d\"\n    stage \"operation\"\n}\n";

#[test]
fn a_misspelt_property_child_keyword_or_declaration_is_replaced() {
    let (fixed, again) = apply("person \"a\" nme=\"Ann\"\n", Code::UnknownProperty);
    assert_eq!(fixed, "person \"a\" name=\"Ann\"\n");
    assert!(again.is_empty(), "{again:#?}");

    let text = SERVICE.replace("    function", "    functon");
    let (fixed, again) = apply(&text, Code::UnknownNode);
    assert_eq!(fixed, SERVICE);
    assert!(!again.iter().any(|d| d.code == Code::UnknownNode));

    // Inside the quotes only.
    let text = SERVICE.replace("\"operation\"", "\"opration\"");
    let (fixed, again) = apply(&text, Code::InvalidValue);
    assert_eq!(fixed, SERVICE);
    assert!(again.is_empty(), "{again:#?}");

    let (fixed, _) = apply(&SERVICE.replace("service", "servce"), Code::UnknownNode);
    assert_eq!(fixed, SERVICE);
}

#[test]
fn a_missing_child_goes_before_the_first_child_at_its_indentation() {
    let text = "service \"s\" {\n  // é\n\tfunction \"f\"\n    description \"d\"\n    stage \"operation\"\n}\n";
    let (fixed, again) = apply(text, Code::MissingField);
    assert_eq!(
        fixed,
        "service \"s\" {\n  // é\n\tname \"TODO\"\n\tfunction \"f\"\n    description \"d\"\n    stage \"operation\"\n}\n"
    );
    assert!(again.is_empty(), "{again:#?}");
    // CRLF kept.
    let crlf = SERVICE
        .replace("    name \"S\"\n", "")
        .replace('\n', "\r\n");
    let (fixed, again) = apply(&crlf, Code::MissingField);
    assert!(
        fixed.contains("{\r\n    name \"TODO\"\r\n    function"),
        "{fixed:?}"
    );
    assert!(again.is_empty(), "{again:#?}");
}

#[test]
fn a_missing_child_opens_a_block_or_fills_an_empty_one() {
    // No block: one is added after the head (before its comment), indented
    // one level in from the node.
    let (fixed, again) = apply_to("  function \"f\" // the one\n", "`name`");
    assert_eq!(
        fixed,
        "  function \"f\" {\n      name \"TODO\"\n  } // the one\n"
    );
    assert!(
        !again.iter().any(|d| d.message.contains("`name`")),
        "{again:#?}"
    );
    // An empty block is filled.
    let (fixed, _) = apply_to("function \"f\" { }\n", "`name`");
    assert_eq!(fixed, "function \"f\" {\n    name \"TODO\"\n}\n");
    // A block on one line.
    let (fixed, _) = apply_to("function \"f\" { levels \"project\" }\n", "`name`");
    assert_eq!(
        fixed,
        "function \"f\" { name \"TODO\"; levels \"project\" }\n"
    );
    // A comment in the empty block: no fix rather than a wrong one.
    let found = lower("function \"f\" { /* x */ }\n");
    assert!(found.iter().all(|d| d.fix.is_none()), "{found:#?}");
}

#[test]
fn a_missing_property_or_id_is_added_to_the_head() {
    let (fixed, again) = apply_to("person \"a\" email=\"a@b.c\"\n", "`name`");
    assert_eq!(fixed, "person \"a\" email=\"a@b.c\" name=\"TODO\"\n");
    assert!(again.is_empty(), "{again:#?}");
    let (fixed, again) = apply_to("person name=\"Ann\"\n", "`id`");
    assert_eq!(fixed, "person \"todo\" name=\"Ann\"\n");
    assert!(again.is_empty(), "{again:#?}");
    // A child holding fields of its own, one of two: no fix.
    let found = lower(
        "metric \"m\" name=\"M\" unit=\"percent\" direction=\"higher\" cadence=\"monthly\"\nservice \"s\" { sla \"x\" { target \"m\" } }\n",
    );
    let either: Vec<_> = found
        .iter()
        .filter(|d| d.message.contains("at-least"))
        .collect();
    assert_eq!(either.len(), 1, "{found:#?}");
    assert!(either[0].fix.is_none());
    let sla = found.iter().find(|d| d.message.contains("`report`"));
    assert!(sla.is_some_and(|d| d.fix.is_none()), "{found:#?}");
}

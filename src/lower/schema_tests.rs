//! The schema ([`crate::model::schema`]) against the lowering that reads
//! it: documents written from the table alone are lowered, and every name
//! of the table must be read, every sample and every word accepted, and
//! every required field reported missing when left out (and no optional
//! one). With the debug assertion that the lowering reads no name the
//! table lacks, the two cannot drift apart.
//!
//! The references too: every reference of the schema has its row in
//! [`FIELDS`] (holder, path, accepted kinds) and the walk
//! ([`Model::references`]) yields it, with its holder, from a document
//! that sets it; a row or a walk line left out fails here.

use std::collections::{BTreeSet, HashSet};

use crate::base::kind::{FIELDS, FieldRow};
use crate::base::{Code, Diagnostic, EntityKind, Expect, Field, FileId};
use crate::model::Model;
use crate::model::schema::{self, BLOCKS, Block, Item, Value};

use super::lower_file;
use super::reader::tests::READ;

/// What to write: the `k`th word of closed sets, and an item to leave
/// out (block path, name; `"id"`-like argument names stand for the
/// arguments).
#[derive(Clone, Copy)]
struct Writing<'a> {
    k: usize,
    omit: Option<(&'a [&'a str], &'a str)>,
}

fn sample(value: Value, k: usize) -> String {
    let words = value.words();
    if words.is_empty() || value.refers_to().is_some() {
        value.sample()
    } else {
        format!("\"{}\"", words[k % words.len()])
    }
}

/// The items to write: the first of each group of alternatives.
fn written(items: &'static [Item]) -> impl Iterator<Item = &'static Item> {
    items.iter().filter(|i| !i.or_previous)
}

fn write(block: &'static Block, how: Writing, depth: usize, out: &mut String) {
    let omitted = |name: &str| how.omit == Some((block.path, name));
    let indent = "    ".repeat(depth);
    out.push_str(&indent);
    out.push_str(block.path[block.path.len() - 1]);
    if let Some(args) = &block.args
        && !omitted(args.name)
    {
        let value = args.value.expect("arguments have a value");
        out.push(' ');
        out.push_str(&sample(value, how.k));
    }
    for p in written(block.properties) {
        if !omitted(p.name) {
            let value = p.value.expect("properties have a value");
            out.push_str(&format!(" {}={}", p.name, sample(value, how.k)));
        }
    }
    let children: Vec<_> = written(block.children)
        .filter(|c| !omitted(c.name))
        .collect();
    if children.is_empty() {
        out.push('\n');
        return;
    }
    out.push_str(" {\n");
    for c in children {
        match (c.value, block.block_of(c.name)) {
            (_, Some(nested)) => write(nested, how, depth + 1, out),
            (Some(value), None) => {
                out.push_str(&format!(
                    "{indent}    {} {}\n",
                    c.name,
                    sample(value, how.k)
                ));
            }
            (None, None) => unreachable!("a nested item without a block"),
        }
    }
    out.push_str(&indent);
    out.push_str("}\n");
}

/// Lowers the top-level declaration `top` written `how`.
fn lower(top: &'static Block, how: Writing) -> (String, Model, Vec<Diagnostic>) {
    let mut text = String::new();
    write(top, how, 0, &mut text);
    let doc = crate::syntax::parse(FileId(0), &text).unwrap_or_else(|d| panic!("{text}\n{d:?}"));
    let (model, diags) = lower_file(FileId(0), &text, &doc, top.path == ["pmo"]);
    (text, model, diags)
}

fn tops() -> impl Iterator<Item = &'static Block> {
    BLOCKS.iter().filter(|b| b.path.len() == 1)
}

#[test]
fn every_name_of_the_schema_is_read_and_every_sample_accepted() {
    READ.with(|r| r.borrow_mut().clear());
    let most_words = BLOCKS
        .iter()
        .flat_map(|b| b.properties.iter().chain(b.children).chain(&b.args))
        .filter_map(|i| i.value)
        .map(|v| v.words().len())
        .max()
        .unwrap_or(1);
    for top in tops() {
        for k in 0..most_words {
            let (text, _, diags) = lower(top, Writing { k, omit: None });
            assert!(diags.is_empty(), "{text}\n{diags:#?}");
        }
    }
    let read: HashSet<_> = READ.with(|r| r.borrow().iter().copied().collect());
    for block in BLOCKS {
        for item in block.properties.iter().chain(block.children) {
            assert!(
                read.contains(&(block.path, item.name)),
                "the schema has `{}` in {:?}, which the lowering never reads",
                item.name,
                block.path
            );
        }
    }
}

#[test]
fn required_fields_are_missing_when_left_out_and_optional_ones_are_not() {
    for top in tops() {
        for block in BLOCKS.iter().filter(|b| b.path[0] == top.path[0]) {
            let items = block.args.iter().chain(written(block.properties));
            for item in items.chain(written(block.children)) {
                let how = Writing {
                    k: 0,
                    omit: Some((block.path, item.name)),
                };
                let (text, _, diags) = lower(top, how);
                let missing = diags.iter().any(|d| d.code == Code::MissingField);
                assert_eq!(
                    missing, item.required,
                    "`{}` in {:?} left out:\n{text}\n{diags:#?}",
                    item.name, block.path
                );
            }
        }
    }
}

/// Unknown names come from the schema, not from what the lowering read
/// before it gave up: a `when` without its metric is one `missing-field`,
/// and its `for` is not taken for an unknown property (no cascade).
#[test]
fn a_node_that_stops_early_reports_no_unknown_names() {
    let text = "trigger \"t\" {\n    applies-to stage=\"operation\"\n    when below=1 for=2\n    action \"review\"\n}\n";
    let doc = crate::syntax::parse(FileId(0), text).unwrap();
    let (_, diags) = lower_file(FileId(0), text, &doc, false);
    let codes: Vec<_> = diags.iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::MissingField], "{diags:#?}");
}

/// Every reference the schema has, as [`FIELDS`] spells it: the kind of
/// the declaration holding it, its path from there (`pilot exit-gate`,
/// `owner=`), what it accepts, and the top-level block it is written in.
fn schema_references() -> Vec<(EntityKind, String, Expect, &'static str)> {
    let mut found = Vec::new();
    for block in BLOCKS {
        let holder = (1..=block.path.len())
            .rev()
            .find_map(|n| Some((n, schema::block(&block.path[..n])?.declares()?)));
        let Some((n, holder)) = holder else {
            continue;
        };
        let within = &block.path[n..];
        let args = block.args.iter().map(|a| (a, None));
        let properties = block.properties.iter().map(|p| (p, Some("=")));
        let children = block.children.iter().map(|c| (c, Some("")));
        for (item, suffix) in args.chain(properties).chain(children) {
            let Some(expect) = item.value.and_then(Value::refers_to) else {
                continue;
            };
            let mut path: Vec<String> = within.iter().map(|s| s.to_string()).collect();
            if let Some(suffix) = suffix {
                path.push(format!("{}{suffix}", item.name));
            }
            found.push((holder, path.join(" "), expect, block.path[0]));
        }
    }
    found
}

/// The row of [`FIELDS`] of a reference the schema has.
fn row_of(holder: EntityKind, path: &str) -> Option<&'static FieldRow> {
    FIELDS.iter().find(|r| r.from == holder && r.path == path)
}

/// Every reference of the schema has its row in [`FIELDS`] (same holder,
/// path and accepted kinds), and every row is a reference of the schema.
#[test]
fn every_reference_of_the_schema_has_its_field_row() {
    let references = schema_references();
    for (holder, path, expect, _) in &references {
        let row = row_of(*holder, path).unwrap_or_else(|| {
            panic!("the schema's `{path}` in a {holder:?} has no row in FIELDS")
        });
        assert_eq!(
            row.to, *expect,
            "{:?} accepts what the schema says",
            row.field
        );
    }
    for row in FIELDS {
        assert!(
            references
                .iter()
                .any(|(holder, path, _, _)| *holder == row.from && *path == row.path),
            "FIELDS has {:?} (`{}` in a {:?}), which the schema lacks",
            row.field,
            row.path,
            row.from
        );
    }
}

/// The walk ([`crate::model::Model::references`]) yields every reference a
/// document sets: each top-level declaration written from the schema
/// alone gives exactly the fields the schema puts in it.
#[test]
fn the_walk_yields_every_reference_the_schema_has() {
    let references = schema_references();
    for top in tops() {
        let (text, model, diags) = lower(top, Writing { k: 0, omit: None });
        assert!(diags.is_empty(), "{text}\n{diags:#?}");
        let expected: BTreeSet<Field> = references
            .iter()
            .filter(|(_, _, _, at)| *at == top.path[0])
            .filter_map(|(holder, path, _, _)| row_of(*holder, path))
            .map(|row| row.field)
            .collect();
        let declared: HashSet<_> = model
            .declarations()
            .into_iter()
            .map(|(kind, id)| (kind, id.span))
            .collect();
        let references = model.references();
        for r in &references {
            assert!(
                declared.contains(&(r.field.from(), r.holder.span)),
                "{:?} is walked with a holder that is not a {:?}\n{text}",
                r.field,
                r.field.from()
            );
        }
        let walked: BTreeSet<Field> = references.iter().map(|r| r.field).collect();
        assert_eq!(walked, expected, "the references walked in\n{text}");
    }
}

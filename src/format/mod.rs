//! Format: one file's text into its canonical layout (`pmoc fmt`). A stage
//! of its own after [`syntax`](crate::syntax): the compile path's reader
//! judges the file first (a syntax error is reported and nothing is
//! rewritten), then the `kdl` crate, which keeps every comment, reads it
//! within [`MAX_BYTES`] and [`MAX_DEPTH`], and [`print`] writes it again:
//! KDL 2.0, four spaces, each block's fields in the order of the language
//! reference ([`order`]), comments moving with the node they stand before.
//! The result is read back by the compile path's reader and compared with
//! the original (values, and fields modulo that order): a rewrite that would
//! change the document is refused, never written.
//!
//! - [`trivia`]: the line breaks between nodes, and nesting, found without
//!   recursion;
//! - [`order`]: the tables of field order;
//! - [`print`]: the printer.

mod order;
mod print;
mod trivia;

use kdl::KdlDocument;

use crate::base::{Diagnostic, FileId};
use crate::syntax::{self, Document, Node, Value};

/// The largest file `fmt` rewrites: the `kdl` crate reads about 1.5 MB/s
/// (release build), so a 1 MiB file takes under a second.
pub const MAX_BYTES: usize = 1024 * 1024;

/// The deepest nesting of braces and block comments `fmt` rewrites (the
/// `kdl` crate recurses on both); the reader's bound on blocks.
pub const MAX_DEPTH: usize = syntax::MAX_DEPTH;

/// What became of a file.
#[derive(Debug)]
pub enum Outcome {
    /// The canonical text (the input itself when it is canonical).
    Formatted(String),
    /// The file does not read: its diagnostic, as `pmoc check` gives it.
    Syntax(Diagnostic),
    /// The file reads but is not rewritten: why.
    Refused(String),
}

/// The canonical layout of one file's text.
pub fn format(file: FileId, text: &str) -> Outcome {
    let (doc, v1) = match syntax::parse_v2(file, text) {
        Ok(doc) => (doc, false),
        Err(v2_error) => match syntax::parse(file, text) {
            Ok(doc) => (doc, true),
            Err(_) => return Outcome::Syntax(v2_error),
        },
    };
    if let Err(why) = within_bounds(text) {
        return Outcome::Refused(why);
    }
    let out = match rewrite(text, v1) {
        Ok(out) => out,
        Err(why) => return Outcome::Refused(why),
    };
    if out.len() > syntax::MAX_FILE_BYTES {
        // Indentation can multiply a file of short, deeply nested nodes.
        return Outcome::Refused(format!(
            "its formatted text would be larger than {} MiB, the most pmoc reads",
            syntax::MAX_FILE_BYTES / (1024 * 1024)
        ));
    }
    let unchanged = || "its rewrite would not read back as the same document";
    match syntax::parse_v2(file, &out) {
        Ok(again) if same_document(&again, &doc) => {}
        _ => return Outcome::Refused(bug(unchanged())),
    }
    // A second pass must change nothing, or `--check` would never pass.
    match rewrite(&out, false) {
        Ok(again) if again == out => Outcome::Formatted(out),
        _ => Outcome::Refused(bug("its rewrite is not stable")),
    }
}

fn bug(what: &str) -> String {
    format!("{what} (a pmoc bug: please report it)")
}

/// [`MAX_BYTES`] and [`MAX_DEPTH`].
fn within_bounds(text: &str) -> Result<(), String> {
    if text.len() > MAX_BYTES {
        return Err(format!(
            "the file is larger than {} MiB, the most pmoc fmt rewrites",
            MAX_BYTES / (1024 * 1024)
        ));
    }
    if trivia::scan(text).depth > MAX_DEPTH {
        return Err(format!(
            "braces and block comments nest more than {MAX_DEPTH} deep, the most pmoc fmt rewrites"
        ));
    }
    Ok(())
}

/// The text through the `kdl` crate and the printer (a byte-order mark
/// kept first).
fn rewrite(text: &str, v1: bool) -> Result<String, String> {
    let (bom, body) = match text.strip_prefix('\u{FEFF}') {
        Some(body) => ("\u{FEFF}", body),
        None => ("", text),
    };
    let parsed = if v1 {
        KdlDocument::parse_v1(body)
    } else {
        KdlDocument::parse_v2(body)
    };
    let kdl = parsed.map_err(|e| format!("the `kdl` crate does not read it: {e}"))?;
    Ok(format!("{bom}{}", print::document(&kdl, v1)))
}

/// A value as compared: floats by their bits.
#[derive(Debug, PartialEq)]
enum Compared {
    String(String),
    Integer(i128),
    Float(u64),
    Bool(bool),
    Null,
}

/// A node as compared: no spans, properties and (below the top) child nodes
/// in a stable order by name, so any reordering `fmt` may do compares equal.
#[derive(Debug, PartialEq)]
struct Shape {
    name: String,
    args: Vec<Compared>,
    props: Vec<(String, Compared)>,
    children: Option<Vec<Shape>>,
}

/// Depth is bounded by the reader's [`syntax::MAX_DEPTH`].
fn shape(nodes: &[Node], sort: bool) -> Vec<Shape> {
    let mut shapes: Vec<Shape> = nodes
        .iter()
        .map(|n| {
            let value = |v: &Value| match v {
                Value::String(s) => Compared::String(s.to_string()),
                Value::Integer(i) => Compared::Integer(*i),
                Value::Float(f) => Compared::Float(f.to_bits()),
                Value::Bool(b) => Compared::Bool(*b),
                Value::Null => Compared::Null,
            };
            let mut props: Vec<_> = n
                .entries
                .iter()
                .filter_map(|e| Some((e.name.as_ref()?.value.to_string(), value(&e.value))))
                .collect();
            props.sort_by(|a, b| a.0.cmp(&b.0));
            Shape {
                name: n.name.value.to_string(),
                args: n
                    .entries
                    .iter()
                    .filter(|e| e.name.is_none())
                    .map(|e| value(&e.value))
                    .collect(),
                props,
                children: n.children.as_deref().map(|c| shape(c, true)),
            }
        })
        .collect();
    if sort {
        shapes.sort_by(|a, b| a.name.cmp(&b.name));
    }
    shapes
}

/// Whether two documents are the same modulo `fmt`'s reordering.
pub fn same_document(a: &Document, b: &Document) -> bool {
    shape(&a.nodes, false) == shape(&b.nodes, false)
}

/// A source file's text, or the `kdl-syntax` diagnostic that stops it
/// (over [`syntax::MAX_FILE_BYTES`], not UTF-8), as the compile path reads
/// it: at most one byte past the bound is read. With it, the
/// [`Snapshot`](crate::files::Snapshot) that [`crate::files::replace`]
/// compares before it writes.
pub fn read(
    file: FileId,
    path: &std::path::Path,
) -> std::io::Result<(String, Option<Diagnostic>, crate::files::Snapshot)> {
    let (bytes, snapshot) = crate::files::read(path, syntax::MAX_FILE_BYTES as u64)?;
    if bytes.len() > syntax::MAX_FILE_BYTES {
        return Ok((String::new(), Some(syntax::too_large(file)), snapshot));
    }
    let (text, stop) = syntax::decode(file, bytes);
    Ok((text, stop, snapshot))
}

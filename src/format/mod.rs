//! Format: one file's text into its canonical layout (`pmoc fmt`). A stage
//! of its own after [`crate::syntax`]: the compile path's reader
//! judges the file first (a syntax error is reported and nothing is
//! rewritten), then the `kdl` crate, which keeps whitespace and comments
//! ([`mend`] puts back the few it drops), reads it within [`MAX_BYTES`] and
//! [`MAX_DEPTH`], and [`print`](mod@print) writes it again:
//! KDL 2.0, four spaces, each block's fields in the order of the language
//! reference ([`order`]), comments moving with the node they stand before.
//! Line breaks are the file's own (CRLF when its first one is). The result
//! is checked ([`verify`]): read back by the compile path's reader and
//! compared with the original (values, and fields modulo that order), its
//! comments compared with the original's ([`comments`], a lexer of its own),
//! and formatted again unchanged; a rewrite that fails is refused, never
//! written.
//!
//! - [`mend`]: what the `kdl` crate drops or refuses, taken from the text;
//! - [`comments`]: the comments of a text, for the check;
//! - [`trivia`]: the line breaks between nodes, and nesting, found without
//!   recursion;
//! - [`order`]: the tables of field order;
//! - [`print`](mod@print): the printer.

pub mod comments;
mod mend;
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
pub enum FormatOutcome {
    /// The canonical text (the input itself when it is canonical).
    Formatted(String),
    /// The file does not read: its diagnostics, as `pmoc check` gives them.
    Syntax(Vec<Diagnostic>),
    /// The file reads but is not rewritten: why.
    Refused(String),
}

/// The canonical layout of one file's text.
pub fn format(file: FileId, text: &str) -> FormatOutcome {
    let (doc, v1) = match syntax::parse_v2(file, text) {
        Ok(doc) => (doc, false),
        Err(v2_error) => match syntax::parse(file, text) {
            Ok(doc) => (doc, true),
            Err(_) => return FormatOutcome::Syntax(v2_error),
        },
    };
    if let Err(why) = within_bounds(text) {
        return FormatOutcome::Refused(why);
    }
    let out = match rewrite(text, &doc, v1) {
        Ok(out) => out,
        Err(why) => return FormatOutcome::Refused(why),
    };
    if out.len() > syntax::MAX_FILE_BYTES {
        // Indentation can multiply a file of short, deeply nested nodes.
        return FormatOutcome::Refused(format!(
            "its formatted text would be larger than {} MiB, the most pmoc reads",
            syntax::MAX_FILE_BYTES / (1024 * 1024)
        ));
    }
    match verify(file, text, &doc, &out) {
        Ok(()) => FormatOutcome::Formatted(out),
        Err(why) => FormatOutcome::Refused(bug(why)),
    }
}

/// `fmt`'s safety check on a rewrite `out` of `text` (read as `doc`): it
/// reads back as the same document, holds the same comments (each found
/// by [`comments`]' own lexer, not by the printer) and is stable.
fn verify(file: FileId, text: &str, doc: &Document, out: &str) -> Result<(), &'static str> {
    let again = match syntax::parse_v2(file, out) {
        Ok(again) if same_document(&again, doc) => again,
        _ => return Err("its rewrite would not read back as the same document"),
    };
    if !comments::same(text, out) {
        return Err("its rewrite would lose or change a comment");
    }
    // A second pass must change nothing, or `--check` would never pass.
    match rewrite(out, &again, false) {
        Ok(second) if second == out => Ok(()),
        _ => Err("its rewrite is not stable"),
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

/// The text (read by the compile path's reader as `doc`) through the `kdl`
/// crate, [`mend`]ed, and the printer: a byte-order mark kept first, and
/// every line break the file's own (CRLF when its first one is).
fn rewrite(text: &str, doc: &Document, v1: bool) -> Result<String, String> {
    let (bom, body) = match text.strip_prefix('\u{FEFF}') {
        Some(body) => ("\u{FEFF}", body),
        None => ("", text),
    };
    let printed = if v1 {
        let kdl = KdlDocument::parse_v1(body).map_err(crate_refuses)?;
        print::document(&kdl, true)
    } else {
        let (body, numbers) = mend::numbers(body, &doc.nodes, bom.len());
        let mut kdl = KdlDocument::parse_v2(&body).map_err(crate_refuses)?;
        mend::trivia(&mut kdl, &body);
        numbers.restore(&mut kdl);
        print::document(&kdl, false)
    };
    Ok(line_endings(&format!("{bom}{printed}"), crlf(text)))
}

fn crate_refuses(e: kdl::KdlError) -> String {
    format!("the `kdl` crate does not read it: {e}")
}

/// Whether a text's first line break is CRLF (one that ends an escaped
/// line break aside, as [`line_endings`] writes those LF).
fn crlf(text: &str) -> bool {
    let escaped: Vec<usize> = trivia::scan(text).esclines.iter().map(|e| e.1).collect();
    text.match_indices('\n')
        .find(|&(at, _)| escaped.binary_search(&(at + 1)).is_err())
        .is_some_and(|(at, _)| text[..at].ends_with('\r'))
}

/// Every CRLF, CR and LF of `text` as CRLF when `crlf`, else as LF. (The
/// printer writes LF; a comment or `/-` text it keeps may hold any. A line
/// break inside a multi-line string reads as LF either way, and the result
/// is read back and compared.) An escaped line break stays LF (just-kdl,
/// the compile path's reader before the syntax tree, read `\` before CRLF
/// as ending the node).
fn line_endings(text: &str, crlf: bool) -> String {
    let lf = text.replace("\r\n", "\n").replace('\r', "\n");
    if !crlf {
        return lf;
    }
    let escaped: Vec<usize> = trivia::scan(&lf).esclines.iter().map(|e| e.1).collect();
    let mut out = String::with_capacity(lf.len() + lf.len() / 16);
    for (at, c) in lf.char_indices() {
        if c == '\n' && escaped.binary_search(&(at + 1)).is_err() {
            out.push('\r');
        }
        out.push(c);
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The check catches a printer that drops or alters a comment: it
    /// reads the comments itself.
    #[test]
    fn a_rewrite_losing_or_changing_a_comment_is_refused() {
        let text = "a { b } // keep\nc /* c */ 1\n/-d\n";
        let doc = syntax::parse_v2(FileId(0), text).unwrap();
        let good = "a {\n    b\n} // keep\nc /* c */ 1\n/-d\n";
        assert_eq!(verify(FileId(0), text, &doc, good), Ok(()));
        for bad in [
            "a {\n    b\n}\nc /* c */ 1\n/-d\n",
            "a {\n    b\n} // kept\nc /* c */ 1\n/-d\n",
            "a {\n    b\n} // keep\nc 1\n/-d\n",
            "a {\n    b\n} // keep\nc /* c */ 1\n",
            "a {\n    b\n} // keep // keep\nc /* c */ 1\n/-d\n",
        ] {
            assert_eq!(
                verify(FileId(0), text, &doc, bad),
                Err("its rewrite would lose or change a comment"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn line_endings_are_the_files_own() {
        let FormatOutcome::Formatted(out) =
            format(FileId(0), "a   1\r\n/* x\ny */\r\nb {\r\nc\r\n}")
        else {
            panic!()
        };
        assert_eq!(out, "a 1\r\n/* x\r\ny */\r\nb {\r\n    c\r\n}\r\n");
        let FormatOutcome::Formatted(out) = format(FileId(0), "a   1\n/* x\r\ny */\nb") else {
            panic!()
        };
        assert_eq!(out, "a 1\n/* x\ny */\nb\n");
    }
}

//! Format: one file's text into its canonical layout (`pmoc fmt`). A stage
//! of its own after [`crate::syntax`]: the compile path's reader judges
//! the file first (a syntax error is reported and nothing is rewritten),
//! then [`print`](mod@print) writes the file's syntax tree
//! ([`crate::syntax::tree`]) again: KDL 2.0, four spaces, each block's
//! fields in the order of the language reference ([`order`]), comments
//! moving with the node they stand before. The printer walks the tree with
//! an explicit stack, so it has no bound of its own on size or depth (the
//! reader's [`syntax::MAX_FILE_BYTES`] and [`syntax::MAX_DEPTH`] hold).
//! Line breaks are the file's own (CRLF when its first one is). The result
//! is checked ([`verify`]): read back by the compile path's reader and
//! compared with the original (values, and fields modulo that order), its
//! comments compared with the original's ([`comments`], a lexer of its
//! own), and formatted again unchanged; a rewrite that fails is refused,
//! never written.
//!
//! A KDL 1.0 file is read by the tree's 1.0 dialect and printed with each
//! token's KDL 2.0 spelling ([`tree::TokenRef::v2_spelling`]): `fmt`
//! converts 1.0 to 2.0 on the same tree, comments and layout kept.
//!
//! - [`comments`]: the comments of a text, for the check;
//! - [`order`]: the tables of field order;
//! - [`print`](mod@print): the printer over the tree.

pub mod comments;
mod order;
mod print;

use crate::base::{Diagnostic, FileId};
use crate::syntax::{self, Document, Node, Value, tree};

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
    let out = match rewrite(text, v1) {
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
/// reads back as the same document, holds the same comments and `/-`
/// marks, and is stable. The comments are found by [`comments`]' own
/// lexer, not by the tree the printer walks: a slip of the tree's lexer
/// (a comment taken for something else, or the reverse) would be shared by
/// a check that compared the trees' comment tokens, and is caught by one
/// that does not.
fn verify(file: FileId, text: &str, doc: &Document, out: &str) -> Result<(), &'static str> {
    match syntax::parse_v2(file, out) {
        Ok(again) if same_document(&again, doc) => {}
        _ => return Err("its rewrite would not read back as the same document"),
    }
    if !comments::same(text, out) {
        return Err("its rewrite would lose or change a comment");
    }
    // A second pass must change nothing, or `--check` would never pass.
    match rewrite(out, false) {
        Ok(second) if second == out => Ok(()),
        _ => Err("its rewrite is not stable"),
    }
}

fn bug(what: &str) -> String {
    format!("{what} (a pmoc bug: please report it)")
}

/// The text (read by the compile path's reader) through the
/// printer: a byte-order mark kept first, and every line break the file's
/// own (CRLF when its first one is).
fn rewrite(text: &str, v1: bool) -> Result<String, String> {
    let (bom, body) = match text.strip_prefix('\u{FEFF}') {
        Some(body) => ("\u{FEFF}", body),
        None => ("", text),
    };
    let (tree, spell) = if v1 {
        let spell: print::Spelling = |t| t.v2_spelling();
        (tree::parse_v1(body), spell)
    } else {
        (tree::parse(body), print::as_written as print::Spelling)
    };
    if let Some(e) = tree.errors().first() {
        return Err(format!(
            "the syntax tree reads it otherwise than the reader ({} at byte {})",
            e.message, e.range.start
        ));
    }
    let printed = print::document(&tree, spell);
    Ok(line_endings(&format!("{bom}{printed}"), crlf(text)))
}

/// Where each escaped line break of a text ends (the tree's lexer's
/// `\` continuations).
fn escline_ends(text: &str) -> Vec<usize> {
    if !text.contains('\\') {
        return Vec::new();
    }
    tree::parse(text)
        .tokens()
        .filter(|t| t.kind() == tree::TokenKind::Escline)
        .map(|t| t.range().end)
        .collect()
}

/// Whether a text's first line break is CRLF (one that ends an escaped
/// line break aside, as [`line_endings`] writes those LF).
fn crlf(text: &str) -> bool {
    let escaped = escline_ends(text);
    text.match_indices('\n')
        .find(|&(at, _)| escaped.binary_search(&(at + 1)).is_err())
        .is_some_and(|(at, _)| text[..at].ends_with('\r'))
}

/// Every CRLF, CR and LF of `text` as CRLF when `crlf`, else as LF. (The
/// printer writes LF; a comment or `/-` text it keeps may hold any. A line
/// break inside a multi-line string reads as LF either way, and the result
/// is read back and compared.) An escaped line break stays LF, as it was
/// when the reader before the syntax tree (just-kdl) read `\` before CRLF
/// as ending the node; the tree reads either.
fn line_endings(text: &str, crlf: bool) -> String {
    let lf = text.replace("\r\n", "\n").replace('\r', "\n");
    if !crlf {
        return lf;
    }
    let escaped = escline_ends(&lf);
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

    /// A byte-order mark stays first; a run of blank lines becomes one,
    /// none first or last in a block; `;` ends a node as a line break does.
    #[test]
    fn a_bom_and_blank_lines_are_kept() {
        let FormatOutcome::Formatted(out) =
            format(FileId(0), "\u{FEFF}a 1\n\n\n\nb {\n\n  c; d\n\n}\n\n")
        else {
            panic!()
        };
        assert_eq!(out, "\u{FEFF}a 1\n\nb {\n    c\n    d\n}\n");
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

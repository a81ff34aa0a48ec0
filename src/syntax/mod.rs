//! Syntax: one file's bytes into a spanned KDL [`Document`], or its
//! `kdl-syntax` diagnostics, one per slip. Total: never panics, never
//! recurses on the input's nesting or comments, and bounds time and memory
//! by the file's size.
//!
//! - [`tree`]: the lossless KDL 2.0 syntax tree that never fails; the
//!   document is read from it ([`tree::document`]);
//! - [`slip`]: the tree's slips as findings: what each is called, where it
//!   points, the hint and the fix (the comma, the unclosed `{` and stray
//!   `}` located by indentation), capped per file;
//! - [`v1`]: the KDL 1.0 fallback, taken only by files the 2.0 parse
//!   rejects, read by the tree's 1.0 dialect ([`tree::parse_v1`]).

mod slip;
pub mod tree;
mod v1;

use smol_str::SmolStr;

use crate::base::{Code, Diagnostic, FileId, Span};

/// Files above this size are refused before they are read (whole).
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// Deeper nesting of children blocks is refused (a catalogue needs four).
pub const MAX_DEPTH: usize = 64;

/// A parsed file: its top-level nodes.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Document {
    pub nodes: Vec<Node>,
}

/// A node: its name, its entries in order, and its children block if written.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub name: Name,
    pub entries: Vec<Entry>,
    pub children: Option<Vec<Node>>,
}

/// A node name or property key and where it is written (quotes included).
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    pub value: SmolStr,
    pub span: Span,
}

/// An argument (no name) or a property.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub name: Option<Name>,
    pub value: Value,
    /// The whole entry: key, `=`, annotation and value.
    pub span: Span,
    /// The value token alone, quotes included, annotation excluded.
    pub value_span: Span,
}

/// A KDL value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    String(SmolStr),
    Integer(i128),
    Float(f64),
    Bool(bool),
    Null,
}

impl Node {
    /// The first entry of this key.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.name.as_ref().is_some_and(|n| n.value == key))
    }

    /// The child nodes (none without a block).
    pub fn children(&self) -> &[Node] {
        self.children.as_deref().unwrap_or_default()
    }

    /// The node's head: its name through its last entry (section 8).
    pub fn head_span(&self) -> Span {
        self.entries
            .last()
            .map_or(self.name.span, |e| self.name.span.to(e.span))
    }
}

/// Decodes a file's bytes. Invalid UTF-8 is a `kdl-syntax` diagnostic at the
/// first bad byte; the text is then decoded lossily so it can be shown.
pub fn decode(file: FileId, bytes: Vec<u8>) -> (String, Option<Diagnostic>) {
    match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let diag = Diagnostic::new(
                Code::KdlSyntax,
                Span::new(file, at, at + 1),
                "the file is not UTF-8 text",
            )
            .help("KDL documents are UTF-8; is this a binary file or another encoding?");
            (text, Some(diag))
        }
    }
}

/// The diagnostic for a file over [`MAX_FILE_BYTES`] (found before it is read).
pub fn too_large(file: FileId) -> Diagnostic {
    Diagnostic::new(
        Code::KdlSyntax,
        Span::new(file, 0, 0),
        format!(
            "the file is larger than {} MiB, the most pmoc reads",
            MAX_FILE_BYTES / (1024 * 1024)
        ),
    )
    .help("split the declarations over several files")
}

/// Reads a file as KDL 2.0 alone, without the 1.0 fallback (the
/// conformance tests and the fuzz targets use it): its document, or every
/// slip's finding ([`slip`]).
pub fn parse_v2(file: FileId, text: &str) -> Result<Document, Vec<Diagnostic>> {
    if text.len() > MAX_FILE_BYTES {
        return Err(vec![too_large(file)]);
    }
    let tree = tree::parse(text);
    let slips = slip::diagnose(file, &tree);
    if slips.is_empty() {
        Ok(tree::document(file, &tree))
    } else {
        Err(slips)
    }
}

/// Parses a file as KDL 2.0, falling back to KDL 1.0 ([`v1`]).
/// When both fail, the 2.0 findings are the ones reported.
pub fn parse(file: FileId, text: &str) -> Result<Document, Vec<Diagnostic>> {
    parse_v2(file, text).or_else(|slips| v1::parse(file, text).ok_or(slips))
}

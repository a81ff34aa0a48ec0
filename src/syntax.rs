//! Syntax: one file's text into a KDL document, or its `kdl-syntax`
//! diagnostics. Never fails and never panics: text that is not UTF-8, too large
//! or nested too deeply for the parser is a diagnostic like any other.

use kdl::KdlDocument;

use crate::base::{Code, Diagnostic, FileId, Span};

/// Files above this size are refused: the parser holds about 80 bytes of
/// memory per byte of source.
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// Deeper nesting is refused before parsing: the parser is recursive.
pub const MAX_DEPTH: usize = 64;

/// The stack a parsing thread needs for [`MAX_DEPTH`] levels, with room to spare.
pub const PARSER_STACK_BYTES: usize = 64 * 1024 * 1024;

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

/// Parses a file as KDL 2.0, falling back to KDL 1.0.
pub fn parse(file: FileId, text: &str) -> Result<KdlDocument, Vec<Diagnostic>> {
    if text.len() > MAX_FILE_BYTES {
        return Err(vec![
            Diagnostic::new(
                Code::KdlSyntax,
                Span::new(file, 0, 0),
                format!(
                    "the file is {} MiB; pmoc reads files of at most {} MiB",
                    text.len() / (1024 * 1024),
                    MAX_FILE_BYTES / (1024 * 1024)
                ),
            )
            .help("split the declarations over several files"),
        ]);
    }
    if let Some(at) = too_deep(text) {
        return Err(vec![Diagnostic::new(
            Code::KdlSyntax,
            Span::new(file, at, at + 1),
            format!("nodes are nested more than {MAX_DEPTH} levels deep"),
        )]);
    }
    KdlDocument::parse(text).map_err(|e| {
        e.diagnostics
            .iter()
            .map(|d| {
                let start = d.span.offset().min(text.len());
                let end = (start + d.span.len()).min(text.len());
                let message = d
                    .message
                    .clone()
                    .or_else(|| d.label.clone())
                    .unwrap_or_else(|| "invalid KDL".into());
                let mut diag =
                    Diagnostic::new(Code::KdlSyntax, Span::new(file, start, end), message);
                if let Some(label) = d.label.as_ref().filter(|l| Some(*l) != d.message.as_ref()) {
                    diag = diag.label(Span::new(file, start, end), label.clone());
                }
                diag.maybe_help(d.help.clone())
            })
            .collect()
    })
}

/// The offset of the first `{` past [`MAX_DEPTH`], counting every brace
/// (an over-estimate: braces inside strings count too).
fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

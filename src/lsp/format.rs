//! Formatting (`textDocument/formatting`): a document in `pmoc fmt`'s
//! layout, through [`crate::format::format`]. The text formatted is the
//! editor's (else the file on disk). The answer is one edit, the changed
//! lines between the longest common head and tail of the two texts (so the
//! cursor and folds outside it stay put), or none when the text is already
//! canonical. A file `pmoc fmt` would not rewrite (a syntax error, a
//! rewrite that would not read back the same) gets no edits,
//! not an error: formatting on save must not complain about a file being
//! typed. A metrics CSV gets no edits.

use lsp_types::{DocumentFormattingParams, Range, TextEdit};

use crate::base::{FileId, SourceFile};
use crate::format::{self as layout, FormatOutcome};

use super::convert::{self, Encoding};
use super::requests::json;
use super::{Server, canonical};

pub(super) fn format(server: &mut Server, p: DocumentFormattingParams) -> serde_json::Value {
    let path = canonical(&p.text_document.uri);
    if path.extension().is_some_and(|x| x == "csv") {
        // A metrics CSV may read as KDL by chance; it has no layout here.
        return json(Vec::<TextEdit>::new());
    }
    let text = match server.documents.get(&path) {
        Some(doc) => doc.text.clone(),
        None => match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(_) => return json(Vec::<TextEdit>::new()),
        },
    };
    let edits = match layout::format(FileId(0), &text) {
        FormatOutcome::Formatted(out) => edit(&text, &out, server.encoding).into_iter().collect(),
        FormatOutcome::Syntax(_) | FormatOutcome::Refused(_) => Vec::new(),
    };
    json(edits)
}

/// The one edit that turns `old` into `new`: the whole lines between their
/// common head and tail; `None` when they are equal.
fn edit(old: &str, new: &str, encoding: Encoding) -> Option<TextEdit> {
    if old == new {
        return None;
    }
    let head = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    // Back to the start of a line (never inside a character or a CRLF).
    let bytes = old.as_bytes();
    let head = bytes[..head]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let room = (old.len() - head).min(new.len() - head);
    let tail = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    // Forward to the start of a line.
    let mut end = old.len() - tail;
    if end > head && bytes[end - 1] != b'\n' {
        end = bytes[end..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(old.len(), |i| end + i + 1);
    }
    let new_end = new.len() - (old.len() - end);
    let file = SourceFile::new(String::new(), Default::default(), old.into());
    let range = Range::new(
        convert::position(&file, head, encoding),
        convert::position(&file, end, encoding),
    );
    Some(TextEdit::new(range, new[head..new_end].to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The edit applied to `old` by line and column gives `new`.
    fn apply(old: &str, e: &TextEdit) -> String {
        let file = SourceFile::new(String::new(), Default::default(), old.into());
        let start = convert::offset(&file, e.range.start, Encoding::Utf16);
        let end = convert::offset(&file, e.range.end, Encoding::Utf16);
        format!("{}{}{}", &old[..start], e.new_text, &old[end..])
    }

    #[test]
    fn the_edit_spans_the_changed_lines_only() {
        let cases = [
            ("a\nb\nc\n", "a\nB\nc\n"),
            ("a\r\nb\r\nc\r\n", "a\r\nbé\r\nc\r\n"),
            ("x", "y\n"),
            ("a\nb\n", "a\nb\nc\n"),
            ("a\nb\nc\n", "a\nc\n"),
            ("é\n", "é\né\n"),
            ("a\n", ""),
            ("é\n", "è\n"),
        ];
        for (old, new) in cases {
            let e = edit(old, new, Encoding::Utf16).unwrap();
            assert_eq!(apply(old, &e), new, "{old:?} → {new:?}: {e:?}");
        }
        let e = edit("a\nb\nc\n", "a\nB\nc\n", Encoding::Utf16).unwrap();
        assert_eq!((e.range.start.line, e.range.end.line), (1, 2));
        assert!(edit("a\n", "a\n", Encoding::Utf16).is_none());
    }
}

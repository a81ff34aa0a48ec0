//! Source files of a project and spans into them.
//!
//! A [`Span`] is a small `Copy` value: a file id and a byte range. Lines and
//! columns are computed from the file's line index only when a diagnostic is
//! printed, in the units section 8 of the language fixes: lines from 1, columns
//! from 1 in Unicode scalar values, `end_column` exclusive, CRLF one break.

use std::path::PathBuf;
use std::sync::Arc;

use serde::{Serialize, Serializer};

/// Index of a file in the [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A value and where it was written. Serializes as the bare value, so the
/// model can be written to JSON without its positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

impl Spanned<String> {
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

impl<T: Serialize> Serialize for Spanned<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Spanned<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

/// A line and column, both from 1; the column counts Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Bytes between two checkpoints of a file's character counts.
const CHECKPOINT: usize = 4096;

/// One source file: its path relative to the project root (with `/`), its
/// text and its line index: the byte offsets where its lines start and, for
/// a text that is not all ASCII, the number of characters before every
/// [`CHECKPOINT`] bytes, so that a column costs at most one checkpoint's scan
/// however long its line.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the project root, `/`-separated: the name diagnostics use.
    pub name: String,
    pub path: PathBuf,
    pub text: Arc<str>,
    line_starts: Vec<usize>,
    /// Characters before the first character boundary at or after
    /// `k * CHECKPOINT`; empty when the text is ASCII (a column is then a
    /// byte difference).
    checkpoints: Vec<usize>,
}

impl SourceFile {
    pub fn new(name: String, path: PathBuf, text: Arc<str>) -> SourceFile {
        let mut line_starts = vec![0];
        let bytes = text.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            // CRLF is one break: the line starts after the LF; a lone CR also breaks.
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                line_starts.push(i + 1);
            }
        }
        let checkpoints = if text.is_ascii() {
            Vec::new()
        } else {
            let mut checkpoints = vec![0];
            let mut from = 0;
            while let Some(to) = boundary_at_or_after(&text, (from / CHECKPOINT + 1) * CHECKPOINT) {
                let before = checkpoints.last().copied().unwrap_or(0);
                checkpoints.push(before + text[from..to].chars().count());
                from = to;
            }
            checkpoints
        };
        SourceFile {
            name,
            path,
            text,
            line_starts,
            checkpoints,
        }
    }

    /// Number of the line (from 0) holding a byte offset.
    pub fn line_index(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset) - 1
    }

    /// Byte offsets where the lines start, the first 0.
    pub fn line_starts(&self) -> &[usize] {
        &self.line_starts
    }

    /// Characters before a byte offset on a character boundary.
    fn chars_before(&self, offset: usize) -> usize {
        if self.checkpoints.is_empty() {
            return offset;
        }
        let k = offset / CHECKPOINT;
        let from = boundary_at_or_after(&self.text, k * CHECKPOINT).unwrap_or(offset);
        self.checkpoints[k] + self.text[from..offset].chars().count()
    }

    /// Line and column of a byte offset (clamped into the text and onto a
    /// character boundary).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_index(offset);
        let start = self.line_starts[line];
        let column = if offset - start <= CHECKPOINT {
            self.text[start..offset].chars().count() + 1
        } else {
            self.chars_before(offset) - self.chars_before(start) + 1
        };
        LineCol {
            line: line + 1,
            column,
        }
    }
}

/// The first character boundary at or after `offset`, if `offset` is inside
/// the text (the text's end counts only when `offset` is that end).
fn boundary_at_or_after(text: &str, mut offset: usize) -> Option<usize> {
    if offset > text.len() {
        return None;
    }
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    Some(offset)
}

/// Every source file of a run, addressed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// Start and end position of a span.
    pub fn resolve(&self, span: Span) -> (LineCol, LineCol) {
        let file = self.get(span.file);
        (
            file.line_col(span.start as usize),
            file.line_col(span.end as usize),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_and_crlf_is_one_break() {
        let f = SourceFile::new("a".into(), "a".into(), "é x\r\nab\ry".into());
        assert_eq!(f.line_col(3), LineCol { line: 1, column: 3 });
        assert_eq!(f.line_col(6), LineCol { line: 2, column: 1 });
        assert_eq!(f.line_col(9), LineCol { line: 3, column: 1 });
    }

    /// The line and column of every character boundary, counted from the
    /// start as section 8 says (an offset between CR and LF is still on the
    /// line they end).
    fn naive(text: &str) -> Vec<(usize, LineCol)> {
        let mut at = LineCol { line: 1, column: 1 };
        let mut all = Vec::new();
        for (i, c) in text.char_indices() {
            all.push((i, at));
            let crlf = c == '\r' && text[i + 1..].starts_with('\n');
            if c == '\n' || (c == '\r' && !crlf) {
                at = LineCol {
                    line: at.line + 1,
                    column: 1,
                };
            } else {
                at.column += 1;
            }
        }
        all.push((text.len(), at));
        all
    }

    fn agrees_everywhere(text: &str) {
        let f = SourceFile::new("a".into(), "a".into(), text.into());
        for (offset, expected) in naive(text) {
            assert_eq!(f.line_col(offset), expected, "at byte {offset}");
        }
    }

    #[test]
    fn checkpoints_count_characters_across_a_long_line() {
        // Multibyte characters straddle every checkpoint at some shift.
        for shift in 0..4 {
            let text = "x".repeat(shift) + &"é€😀a".repeat(3 * CHECKPOINT / 10);
            agrees_everywhere(&text);
            // Offsets inside a character are clamped back onto its start.
            let f = SourceFile::new("a".into(), "a".into(), text.as_str().into());
            let expected = naive(&text);
            for cut in [CHECKPOINT, 2 * CHECKPOINT] {
                for offset in cut - 4..cut + 4 {
                    let at = expected.iter().rev().find(|(i, _)| *i <= offset).unwrap();
                    assert_eq!(f.line_col(offset), at.1, "shift {shift}, {offset}");
                }
            }
        }
    }

    #[test]
    fn checkpoints_agree_with_breaks_of_every_kind() {
        let line = "ü".repeat(CHECKPOINT / 3) + "abc";
        agrees_everywhere(&format!("{line}\r\n{line}\r{line}\n\n{line}😀"));
        agrees_everywhere(&format!(
            "{}\r\n{}",
            "a".repeat(CHECKPOINT * 2),
            "ß".repeat(9)
        ));
        agrees_everywhere(&"a\r".repeat(CHECKPOINT));
        agrees_everywhere("");
        agrees_everywhere("é");
    }

    #[test]
    fn an_ascii_file_keeps_no_checkpoints() {
        let f = SourceFile::new("a".into(), "a".into(), "ab\ncd".repeat(5000).into());
        assert!(f.checkpoints.is_empty());
        assert_eq!(f.line_col(4), LineCol { line: 2, column: 2 });
    }
}

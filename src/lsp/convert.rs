//! Between pmoc's positions (byte offsets into a [`SourceFile`], its line
//! index) and the protocol's (a line from 0 and a column in UTF-16 code
//! units, or in bytes when the client chose UTF-8), and between `file:`
//! URIs and paths.
//!
//! Lines break as pmoc's line index breaks them (LF, CRLF, a lone CR), which
//! is what the protocol says. A column past the end of its line is clamped
//! to the line's end; a line past the end of the text, to the text's end.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{Position, Range, Uri};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use crate::base::{SourceFile, Span};

/// The unit of the protocol's columns, as negotiated at `initialize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// The protocol's default: UTF-16 code units.
    Utf16,
    /// Bytes, when the client offers `utf-8`.
    Utf8,
}

impl Encoding {
    fn width(self, c: char) -> usize {
        match self {
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf8 => c.len_utf8(),
        }
    }
}

/// The text of line `line` (from 0), without its line break.
fn line_text(file: &SourceFile, line: usize) -> (usize, &str) {
    let starts = file.line_starts();
    let text = &file.text;
    let start = starts[line.min(starts.len() - 1)];
    let mut end = starts.get(line + 1).copied().unwrap_or(text.len());
    let bytes = text.as_bytes();
    if end > start && bytes[end - 1] == b'\n' {
        end -= 1;
    }
    if end > start && bytes[end - 1] == b'\r' {
        end -= 1;
    }
    (start, &text[start..end])
}

/// The protocol's position of a byte offset (clamped into the text and
/// onto a character boundary).
pub fn position(file: &SourceFile, offset: usize, encoding: Encoding) -> Position {
    let text = &file.text;
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line = file.line_index(offset);
    let (start, line_str) = line_text(file, line);
    let upto = (offset - start).min(line_str.len());
    let column: usize = match encoding {
        Encoding::Utf8 => upto,
        Encoding::Utf16 => line_str[..upto].chars().map(char::len_utf16).sum(),
    };
    Position::new(line as u32, column as u32)
}

/// The protocol's range of a span in `file`.
pub fn range(file: &SourceFile, span: Span, encoding: Encoding) -> Range {
    Range::new(
        position(file, span.start as usize, encoding),
        position(file, span.end as usize, encoding),
    )
}

/// The byte offset of a protocol position (a column inside a character is
/// taken as that character's start).
pub fn offset(file: &SourceFile, at: Position, encoding: Encoding) -> usize {
    let line = at.line as usize;
    if line >= file.line_starts().len() {
        return file.text.len();
    }
    let (start, line_str) = line_text(file, line);
    let mut units = 0;
    for (i, c) in line_str.char_indices() {
        let next = units + encoding.width(c);
        if next > at.character as usize {
            return start + i;
        }
        units = next;
    }
    start + line_str.len()
}

/// A `file:` URI of an absolute path.
pub fn uri(path: &Path) -> Uri {
    // Everything but the unreserved characters and `/` is escaped.
    const PATH: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    let text = path.to_string_lossy().replace('\\', "/");
    let text = if text.starts_with('/') {
        text
    } else {
        format!("/{text}")
    };
    let encoded = format!("file://{}", utf8_percent_encode(&text, PATH));
    Uri::from_str(&encoded).unwrap_or_else(|_| Uri::from_str("file:///").expect("a URI"))
}

/// The path of a `file:` URI (`None` for another scheme).
pub fn path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // An authority (`localhost`) before the path is dropped.
    let rest = &rest[rest.find('/')?..];
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let decoded = percent_decode_str(rest).decode_utf8().ok()?;
    // `/C:/x` on Windows.
    let bytes = decoded.as_bytes();
    if cfg!(windows) && bytes.len() > 2 && bytes[2] == b':' {
        return Some(PathBuf::from(&decoded[1..]));
    }
    Some(PathBuf::from(decoded.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("a".into(), "a".into(), text.into())
    }

    #[test]
    fn utf16_columns_count_code_units_and_utf8_bytes() {
        // é: 2 bytes, 1 unit; 😀: 4 bytes, 2 units.
        let f = file("ab\r\né😀 \"x\"\n");
        let x = f.text.find('x').unwrap();
        assert_eq!(position(&f, x, Encoding::Utf16), Position::new(1, 5));
        assert_eq!(position(&f, x, Encoding::Utf8), Position::new(1, 8));
        assert_eq!(offset(&f, Position::new(1, 5), Encoding::Utf16), x);
        assert_eq!(offset(&f, Position::new(1, 8), Encoding::Utf8), x);
        // Inside the emoji: its start.
        assert_eq!(offset(&f, Position::new(1, 2), Encoding::Utf16), x - 6);
    }

    #[test]
    fn positions_round_trip_on_every_boundary() {
        let text = "a\r\nb\rcé😀d\n\nß";
        let f = file(text);
        for enc in [Encoding::Utf16, Encoding::Utf8] {
            for (i, _) in text
                .char_indices()
                .filter(|(_, c)| !matches!(c, '\r' | '\n'))
            {
                assert_eq!(offset(&f, position(&f, i, enc), enc), i, "{enc:?} at {i}");
            }
        }
    }

    #[test]
    fn positions_past_the_end_are_clamped() {
        let f = file("ab\r\ncd");
        assert_eq!(offset(&f, Position::new(0, 99), Encoding::Utf16), 2);
        assert_eq!(offset(&f, Position::new(7, 0), Encoding::Utf16), 6);
        // The CR and LF belong to the line they end.
        assert_eq!(position(&f, 3, Encoding::Utf16), Position::new(0, 2));
        assert_eq!(position(&f, 99, Encoding::Utf16), Position::new(1, 2));
    }

    #[test]
    fn uris_and_paths() {
        let p = Path::new("/tmp/a b/é#.kdl");
        let u = uri(p);
        assert_eq!(u.as_str(), "file:///tmp/a%20b/%C3%A9%23.kdl");
        assert_eq!(path(&u).unwrap(), p);
        let host = Uri::from_str("file://localhost/x/y.kdl").unwrap();
        assert_eq!(path(&host).unwrap(), Path::new("/x/y.kdl"));
        assert_eq!(path(&Uri::from_str("untitled:1").unwrap()), None);
    }
}

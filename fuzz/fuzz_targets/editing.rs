//! The language server's own text handling, on any text and any cursor:
//! `syntax::cursor::at` (what completion reads from a half-written line)
//! and the conversions between byte offsets and protocol positions in
//! UTF-16 and UTF-8. Never a panic; what the cursor reports starts at or
//! before the cursor, on a character boundary; a position converts back
//! to its offset (but inside a CRLF, which is one line break).

#![no_main]

use libfuzzer_sys::fuzz_target;
use pmoc::base::SourceFile;
use pmoc::lsp::convert::{self, Encoding};
use pmoc::syntax::cursor::{self, At};

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let Ok(text) = std::str::from_utf8(&data[2..]) else {
        return;
    };
    let offset = usize::from(u16::from_le_bytes([data[0], data[1]])) % (text.len() + 2);
    let c = cursor::at(text, offset);
    let start = match &c.at {
        At::Name { start } | At::Value { start, .. } => Some(*start),
        At::Nothing => None,
    };
    if let Some(start) = start {
        assert!(start <= offset.min(text.len()), "{start} after the cursor {offset}");
        assert!(text.is_char_boundary(start), "{start} off a boundary");
    }
    let file = SourceFile::new(String::new(), "f.kdl".into(), text.into());
    let o = offset.min(text.len());
    if !text.is_char_boundary(o) {
        return;
    }
    let bytes = text.as_bytes();
    let in_crlf = o > 0 && bytes[o - 1] == b'\r' && bytes.get(o) == Some(&b'\n');
    for encoding in [Encoding::Utf16, Encoding::Utf8] {
        let at = convert::position(&file, o, encoding);
        let back = convert::offset(&file, at, encoding);
        assert!(back == o || in_crlf, "{o} → {at:?} → {back} ({encoding:?})");
    }
});

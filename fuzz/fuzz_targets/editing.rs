//! The language server's own text handling, on any text and any cursor:
//! the syntax tree's reading of a cursor (`Tree::cursor`, what completion
//! reads from a half-written line; `Tree::token_at` and the token's holders,
//! what hover reads) and the conversions between byte offsets and protocol
//! positions in UTF-16 and UTF-8. Never a panic; what the cursor reports
//! starts at or before the cursor and what a completion replaces ends after
//! its start, within the text, on character boundaries; the token at an offset holds it and
//! its holders hold the token; a position converts back to its offset (but
//! inside a CRLF, which is one line break).

#![no_main]

use libfuzzer_sys::fuzz_target;
use pmoc::base::SourceFile;
use pmoc::lsp::convert::{self, Encoding};
use pmoc::syntax::tree::{self, At};

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let Ok(text) = std::str::from_utf8(&data[2..]) else {
        return;
    };
    let offset = usize::from(u16::from_le_bytes([data[0], data[1]])) % (text.len() + 2);
    let tree = tree::parse(text);
    let c = tree.cursor(offset);
    let (start, end) = match &c.at {
        At::Name { start } => (Some(*start), None),
        At::Value { start, end, .. } => (Some(*start), Some(*end)),
        At::Nothing => (None, None),
    };
    if let Some(start) = start {
        assert!(start <= offset.min(text.len()), "{start} after the cursor {offset}");
        assert!(text.is_char_boundary(start), "{start} off a boundary");
    }
    if let (Some(start), Some(end)) = (start, end) {
        assert!(start <= end && end <= text.len(), "{start}..{end} at {offset}");
        assert!(text.is_char_boundary(end), "{end} off a boundary");
    }
    if let Some(token) = tree.token_at(offset) {
        let range = token.range();
        let o = offset.min(text.len().saturating_sub(1));
        assert!(range.start <= o && o < range.end, "{range:?} does not hold {o}");
        for holder in token.ancestors() {
            let r = holder.range();
            assert!(r.start <= range.start && range.end <= r.end, "{r:?} ∌ {range:?}");
        }
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

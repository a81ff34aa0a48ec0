//! `pmoc fmt`'s formatter on any text the compile path's reader accepts:
//! `format::format` never panics; a rewrite it returns keeps every comment
//! (the same texts, each as often, found by `format::comments`' own lexer),
//! reads back as the same document and is stable; it never refuses a KDL
//! 2.0 file as its own bug ("a pmoc bug"). Refusals for the `kdl` crate's
//! known gaps and for fmt's bounds are not findings, nor are those of a
//! KDL 1.0 file, whose comments and `/-` parts are kept as written and may
//! not read as 2.0 (`/- n#true`: a 1.0 name, not a 2.0 one).

#![no_main]

use libfuzzer_sys::fuzz_target;
use pmoc::base::FileId;
use pmoc::format::{self, FormatOutcome, comments};
use pmoc::syntax;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(before) = syntax::parse(FileId(0), text) else {
        return;
    };
    match format::format(FileId(0), text) {
        FormatOutcome::Formatted(out) => {
            let (mut a, mut b) = (comments::of(text), comments::of(&out));
            a.sort_unstable();
            b.sort_unstable();
            assert_eq!(a, b, "comments changed:\n{out}");
            let after = syntax::parse_v2(FileId(0), &out).expect("the rewrite reads as KDL 2.0");
            assert!(format::same_document(&before, &after), "document changed:\n{out}");
            match format::format(FileId(0), &out) {
                FormatOutcome::Formatted(again) => assert_eq!(again, out, "not stable"),
                other => panic!("the rewrite does not format: {other:?}\n{out}"),
            }
        }
        FormatOutcome::Syntax(d) => panic!("the reader accepts it, fmt calls it a syntax error: {d:?}"),
        FormatOutcome::Refused(why) => {
            let v2 = syntax::parse_v2(FileId(0), text).is_ok();
            assert!(!v2 || !why.contains("a pmoc bug"), "{why}");
        }
    }
});

//! `pmoc fmt`'s formatter on any text the compile path's reader accepts:
//! `format::format` never panics; a rewrite it returns keeps every comment
//! (the same texts, each as often, found by `format::comments`' own lexer),
//! reads back as the same document and is stable (formatting it again
//! changes nothing); it never refuses a KDL 2.0 file as its own bug ("a
//! pmoc bug"), and a KDL 2.0 file the syntax tree parses without errors is
//! always rewritten. Not findings: refusals of a KDL 1.0 file whose 2.0
//! spelling does not read back as the same document.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pmoc::base::FileId;
use pmoc::format::{self, FormatOutcome, comments};
use pmoc::syntax::{self, tree};

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
                FormatOutcome::Formatted(again) => assert_eq!(again, out, "not a fixed point"),
                other => panic!("the rewrite does not format: {other:?}\n{out}"),
            }
        }
        FormatOutcome::Syntax(d) => panic!("the reader accepts it, fmt calls it a syntax error: {d:?}"),
        FormatOutcome::Refused(why) => {
            let v2 = syntax::parse_v2(FileId(0), text).is_ok();
            assert!(!v2 || !why.contains("a pmoc bug"), "{why}");
            let tree_reads = tree::parse(text).errors().is_empty();
            assert!(!v2 || !tree_reads, "a 2.0 file the tree reads, refused: {why}");
        }
    }
});

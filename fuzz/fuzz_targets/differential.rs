//! Differential: when pmoc's KDL 2.0 reader (`syntax::parse_v2`) and the
//! `kdl` crate's `KdlDocument::parse_v2` both accept a text, they read the
//! same document: names, entries (keys and values, in order) and children,
//! compared as `tests/it/kdl_spec.rs` compares them.
//!
//! The `kdl` crate recurses on nesting and slows down sharply on `/-`
//! chains (measured while it was pmoc's KDL 1.0 fallback), so it only sees
//! texts within bounds of that kind; a timeout there would be the crate's,
//! not pmoc's.
//!
//! With `PMOC_FUZZ_STRICT=1` in the environment, one accepting what the
//! other rejects is a finding too (the known ones are listed in
//! `tests/it/hostile.rs`, each with who is right).

#![no_main]

use libfuzzer_sys::fuzz_target;
use pmoc::base::FileId;
use pmoc::syntax;

#[path = "../../tests/common/plain.rs"]
mod plain;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if !within_bounds(text) {
        return;
    }
    let ours = syntax::parse_v2(FileId(0), text);
    let theirs = kdl::KdlDocument::parse_v2(text);
    match (ours, theirs) {
        (Ok(ours), Ok(theirs)) => {
            let (a, b) = (plain::ours(&ours), plain::theirs(&theirs));
            assert!(a == b, "the documents differ:\npmoc: {a:?}\nkdl:  {b:?}");
        }
        (Ok(_), Err(e)) if strict() => panic!("pmoc accepts, the kdl crate rejects: {e}"),
        (Err(d), Ok(_)) if strict() => {
            panic!("the kdl crate accepts, pmoc rejects: {}", d[0].message)
        }
        _ => {}
    }
});

fn strict() -> bool {
    std::env::var_os("PMOC_FUZZ_STRICT").is_some_and(|v| v == "1")
}

/// Few `/-` and shallow braces and block comments (counted everywhere).
fn within_bounds(text: &str) -> bool {
    if text.matches("/-").count() > 8 {
        return false;
    }
    let (mut depth, mut deepest) = (0usize, 0usize);
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'{' => depth += 1,
            b'/' if bytes.get(i + 1) == Some(&b'*') => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            b'*' if bytes.get(i + 1) == Some(&b'/') => depth = depth.saturating_sub(1),
            _ => {}
        }
        deepest = deepest.max(depth);
    }
    deepest <= 64
}


//! The compile cache across compilations: a file whose stamp says it is
//! unchanged is neither read nor parsed again; any write to it is seen,
//! even one that keeps its length and sets its modification time back.

use std::time::{Duration, SystemTime};

use pmoc::compile::{Cache, Options, compile_root};

use crate::common::example_copy;

/// Sets the modification time of every `.kdl` file at or below `path` to
/// `at` (which changes their change time).
fn age(path: &std::path::Path, at: SystemTime) {
    for entry in walkdir::WalkDir::new(path) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "kdl") {
            let file = std::fs::File::options()
                .write(true)
                .open(entry.path())
                .unwrap();
            file.set_modified(at).unwrap();
        }
    }
}

#[test]
fn settled_files_are_not_read_again_and_a_write_is_seen() {
    let (_keep, root) = example_copy("acme");
    let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
    age(&root, an_hour_ago);
    let options = Options::default();
    let mut cache = Cache::default();
    let first = compile_root(root.clone(), &options, &mut cache).unwrap();
    let files = first
        .sources
        .iter()
        .filter(|(_, f)| f.name.ends_with(".kdl"))
        .count();
    assert_eq!(cache.read, files, "the first compilation reads every file");

    let again = compile_root(root.clone(), &options, &mut cache).unwrap();
    assert_eq!((cache.read, cache.parsed), (0, 0), "nothing read or parsed");
    assert_eq!(format!("{:?}", again.model), format!("{:?}", first.model));

    // The same length, the modification time set back.
    let file = root.join("services/risk.kdl");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("Risk workshops"));
    std::thread::sleep(Duration::from_millis(50));
    std::fs::write(&file, text.replacen("Risk workshops", "Risk WORKSHOPS", 1)).unwrap();
    age(&file, an_hour_ago);
    let edited = compile_root(root.clone(), &options, &mut cache).unwrap();
    assert_eq!((cache.read, cache.parsed), (1, 1), "the written file alone");
    assert!(format!("{:?}", edited.model).contains("Risk WORKSHOPS"));

    // A file just written is read every round until it settles; its
    // parse is taken from the cache while its bytes are the same.
    std::fs::write(&file, &text).unwrap();
    compile_root(root.clone(), &options, &mut cache).unwrap();
    assert_eq!((cache.read, cache.parsed), (1, 1));
    compile_root(root.clone(), &options, &mut cache).unwrap();
    assert_eq!((cache.read, cache.parsed), (1, 0));
}

/// The rules' memo: references of services whose files were not parsed
/// again are not walked again while the same ids are declared; once a
/// declaration they name goes, they are, and the findings are a fresh
/// compilation's.
#[test]
fn a_declaration_gone_is_seen_by_the_services_not_parsed_again() {
    let (_keep, root) = example_copy("acme");
    let options = Options::default();
    let mut cache = Cache::default();
    let first = compile_root(root.clone(), &options, &mut cache).unwrap();
    let unknown = |c: &pmoc::compile::Compiled| {
        c.diagnostics
            .iter()
            .filter(|d| d.code.as_str() == "unknown-reference")
            .count()
    };
    assert_eq!(unknown(&first), 0);

    let file = root.join("customers.kdl");
    let text = std::fs::read_to_string(&file).unwrap();
    let renamed = text.replacen("\"programme-managers\"", "\"programme-leads\"", 1);
    assert_ne!(renamed, text);
    std::fs::write(&file, renamed).unwrap();
    let kept = compile_root(root.clone(), &options, &mut cache).unwrap();
    assert_eq!(cache.parsed, 1, "only the customers' file is parsed again");
    let fresh = compile_root(root.clone(), &options, &mut Cache::default()).unwrap();
    let codes = |c: &pmoc::compile::Compiled| {
        c.diagnostics
            .iter()
            .map(|d| format!("{} {:?} {}", d.code.as_str(), d.span, d.message))
            .collect::<Vec<_>>()
    };
    assert!(
        codes(&kept)
            .iter()
            .filter(|d| d.starts_with("unknown-reference"))
            .count()
            > 3,
        "{:?}",
        codes(&kept)
    );
    assert_eq!(codes(&kept), codes(&fresh));
}

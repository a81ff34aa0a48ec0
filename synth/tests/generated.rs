//! A generated project is clean (no diagnostics at all) at any size, and the
//! same size always gives the same bytes.

use std::path::Path;

use pmoc::compile::{Options, compile};
use pmoc_synth::write_project;

fn check(services: usize) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    write_project(dir.path(), services).expect("the project is written");
    let compiled = compile(dir.path(), &Options::default()).expect("the project compiles");
    assert!(
        compiled.diagnostics.is_empty(),
        "{} diagnostics in a generated project of {services} services:\n{}",
        compiled.diagnostics.len(),
        pmoc::emit::human::render_short(&compiled.diagnostics, &compiled.sources)
    );
    assert_eq!(compiled.model.services.len(), services);
}

#[test]
fn a_generated_project_is_clean() {
    check(200);
}

#[test]
fn odd_sizes_are_clean_too() {
    // Uneven functions, a lone service, and more than one round of themes.
    for services in [0, 1, 13, 26, 523] {
        check(services);
    }
}

#[test]
fn output_is_deterministic() {
    let read = |dir: &Path| {
        let mut files: Vec<(String, String)> = walkdir::WalkDir::new(dir)
            .into_iter()
            .map(|e| e.expect("an entry"))
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let name = e.path().strip_prefix(dir).unwrap().display().to_string();
                (name, std::fs::read_to_string(e.path()).unwrap())
            })
            .collect();
        files.sort();
        files
    };
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    write_project(a.path(), 60).unwrap();
    write_project(b.path(), 60).unwrap();
    assert_eq!(read(a.path()), read(b.path()));
}

/// Observations keep a generated project clean: healthy values, every
/// period of every metric present.
#[test]
fn observations_keep_a_generated_project_clean() {
    let dir = tempfile::tempdir().unwrap();
    pmoc_synth::write_project(dir.path(), 60).unwrap();
    let rows = pmoc_synth::write_observations(dir.path(), 24).unwrap();
    assert!(rows > 60 * 24, "{rows} rows");
    let compiled = pmoc::compile::compile(dir.path(), &Default::default()).unwrap();
    assert!(compiled.evaluation.observed);
    let found: Vec<String> = compiled
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert!(found.is_empty(), "{found:#?}");
}

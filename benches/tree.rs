//! The lossless syntax tree's reading speed (issue 23's budget: at least
//! 60 MB/s on one core), on the generated portfolio of the scale bench
//! (`pmoc_synth`, 20,000 services): the tree alone, the tree read as a
//! document, `syntax::parse_v2` (the compile path's read: the tree, its
//! slips checked, the document), and the `kdl` crate's `parse_v2` for
//! comparison (the oracle of the differential tests; `just-kdl`, the
//! reader before the tree, is no longer a dependency: it read about
//! 20 MB/s here).
//!
//! Then what completion reads at a cursor (`Tree::cursor` on the tree of
//! the text being typed, parse included, as the language server does per
//! request) in one file of 5,000 services (the generated portfolio's files
//! joined), the cursor in a value half-written at the file's end and in
//! the middle.
//!
//! Run with `cargo bench --bench tree`. `PMOC_BENCH_SERVICES` sets the
//! size; `PMOC_BENCH_RUNS` the timed runs (default 5), medians in one
//! process.

use pmoc::base::FileId;
use pmoc::syntax::{self, tree};

mod harness;
use harness::{bench, ms, runs_from_env};

fn main() {
    let runs = runs_from_env();
    let services = std::env::var("PMOC_BENCH_SERVICES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let scratch = tempfile::tempdir().expect("a temporary folder");
    let dir = scratch.path().join("portfolio");
    pmoc_synth::write_project(&dir, services).expect("the project is written");
    let mut files: Vec<_> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .map(|e| e.expect("a readable folder").into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "kdl"))
        .collect();
    files.sort();
    let texts: Vec<String> = files
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("a text file"))
        .collect();
    let mb = texts.iter().map(String::len).sum::<usize>() as f64 / 1e6;
    println!(
        "{services} services: {} files, {mb:.1} MB of KDL",
        texts.len()
    );
    cursor(runs);
    let cases = [
        bench("tree::parse", runs, || {
            texts.iter().map(|t| tree::parse(t)).collect::<Vec<_>>()
        }),
        bench("tree::parse + document", runs, || {
            texts
                .iter()
                .map(|t| tree::document(FileId(0), &tree::parse(t)))
                .collect::<Vec<_>>()
        }),
        bench("syntax::parse_v2", runs, || {
            texts
                .iter()
                .map(|t| syntax::parse_v2(FileId(0), t).expect("valid KDL"))
                .collect::<Vec<_>>()
        }),
        bench("kdl crate parse_v2", runs, || {
            texts
                .iter()
                .map(|t| kdl::KdlDocument::parse_v2(t).expect("valid KDL"))
                .collect::<Vec<_>>()
        }),
    ];
    println!();
    println!("one thread                       median        MB/s");
    for s in &cases {
        println!(
            "  {:<28} {:>11} {:>10.1}",
            s.name,
            ms(s.median),
            mb / s.median.as_secs_f64()
        );
    }
}

/// Calls of the cursor reading per timed run.
const CALLS: usize = 20;

/// Completion's reading of a cursor in one file of 5,000 services.
fn cursor(runs: usize) {
    let scratch = tempfile::tempdir().expect("a temporary folder");
    let dir = scratch.path().join("portfolio");
    pmoc_synth::write_project(&dir, 5_000).expect("the project is written");
    let mut files: Vec<_> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .map(|e| e.expect("a readable folder").into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "kdl"))
        .collect();
    files.sort();
    let mut text = String::new();
    for f in &files {
        text += &std::fs::read_to_string(f).expect("a text file");
        text.push('\n');
    }
    let middle = text.len() / 2 + text[text.len() / 2..].find("owner \"").expect("an owner") + 7;
    text += "service \"typed\" {\n    owner \"";
    let end = text.len();
    println!();
    println!(
        "one file of 5,000 services, {:.1} MB: per completion request",
        text.len() as f64 / 1e6
    );
    for (name, offset) in [("cursor at the end", end), ("cursor in the middle", middle)] {
        let s = bench(name, runs, || {
            (0..CALLS)
                .map(|_| tree::parse(&text).cursor(offset))
                .collect::<Vec<_>>()
        });
        let per = s.median / CALLS as u32;
        println!("  tree::parse + Tree::cursor, {name:<22} {:>11}", ms(per));
    }
}

//! The reader's budgets at scale (issue 10), on a generated portfolio of
//! 20,000 services (`pmoc_synth`):
//!
//! - reading KDL into the spanned document, one thread: pmoc's reader
//!   against the `kdl` crate on the same texts (MB/s);
//! - the phases of a compilation, one thread each: reading, lowering;
//! - `pmoc check` and `pmoc build` as processes (the release binary), with
//!   their peak memory (`/usr/bin/time -f %M` where it exists).
//!
//! Run with `cargo bench --bench scale`. `PMOC_BENCH_SERVICES` sets the
//! size (default 20,000); `PMOC_BENCH_RUNS` the timed runs (default 5; the
//! `kdl` crate gets one).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use pmoc::base::FileId;

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
    let texts = texts(&dir);
    let bytes: usize = texts.iter().map(String::len).sum();
    println!(
        "{services} services: {} files, {:.1} MB of KDL",
        texts.len(),
        bytes as f64 / 1e6
    );
    reading(&texts, bytes, runs);
    processes(&dir, runs);
}

fn texts(dir: &Path) -> Vec<String> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("a readable folder").into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "kdl"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("a text file"))
        .collect()
}

/// One thread: pmoc's reader, lowering, and the `kdl` crate.
fn reading(texts: &[String], bytes: usize, runs: usize) {
    let mb = bytes as f64 / 1e6;
    let ours = bench("read (pmoc)", runs, || {
        texts
            .iter()
            .map(|t| pmoc::syntax::parse(FileId(0), t).expect("valid KDL"))
            .collect::<Vec<_>>()
    });
    let docs: Vec<_> = texts
        .iter()
        .map(|t| pmoc::syntax::parse(FileId(0), t).expect("valid KDL"))
        .collect();
    let lower = bench("lower", runs, || {
        docs.iter()
            .zip(texts.iter())
            .map(|(d, t)| pmoc::lower::lower_file(FileId(0), t, d, false))
            .collect::<Vec<_>>()
    });
    let theirs = bench("read (kdl crate)", 1, || {
        texts
            .iter()
            .map(|t| kdl::KdlDocument::parse_v2(t).expect("valid KDL"))
            .collect::<Vec<_>>()
    });
    println!();
    println!("one thread                 median        MB/s");
    for s in [&ours, &lower, &theirs] {
        println!(
            "  {:<22} {:>11} {:>10.1}",
            s.name,
            ms(s.median),
            mb / s.median.as_secs_f64()
        );
    }
    println!(
        "  pmoc's reader is {:.1}x the kdl crate",
        theirs.median.as_secs_f64() / ours.median.as_secs_f64()
    );
}

/// `pmoc check` and `pmoc build` as a user runs them: wall time and peak memory.
fn processes(dir: &Path, runs: usize) {
    let out = dir.join("site");
    let exe = env!("CARGO_BIN_EXE_pmoc");
    let dir = dir.to_str().expect("a UTF-8 path");
    let out = out.to_str().expect("a UTF-8 path");
    println!();
    println!("process                    median         min         max   peak RSS");
    for (name, args) in [
        ("pmoc check", vec!["check", dir]),
        ("pmoc build", vec!["build", dir, "--out", out]),
    ] {
        let mut peak = 0;
        let stats = bench(name, runs, || {
            let (took, kb) = run(exe, &args);
            peak = peak.max(kb);
            took
        });
        let peak = if peak == 0 {
            "n/a".to_string()
        } else {
            format!("{:.0} MB", peak as f64 / 1024.0)
        };
        println!(
            "  {:<22} {:>11} {:>11} {:>11} {:>10}",
            stats.name,
            ms(stats.median),
            ms(stats.min),
            ms(stats.max),
            peak
        );
    }
}

/// Runs the binary (under `/usr/bin/time` when it exists, for the peak
/// resident memory in KB); insists on exit 0.
fn run(exe: &str, args: &[&str]) -> (std::time::Duration, u64) {
    let timed = Path::new("/usr/bin/time").exists();
    let mut command = if timed {
        let mut c = Command::new("/usr/bin/time");
        c.args(["-f", "%M", exe]);
        c
    } else {
        Command::new(exe)
    };
    let start = Instant::now();
    let output = command.args(args).output().expect("pmoc runs");
    let took = start.elapsed();
    assert!(
        output.status.success(),
        "pmoc {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let kb = String::from_utf8_lossy(&output.stderr)
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0);
    (took, kb)
}

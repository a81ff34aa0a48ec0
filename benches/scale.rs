//! The reader's budgets at scale (issue 10), on a generated portfolio of
//! 20,000 services (`pmoc_synth`):
//!
//! - reading KDL into the spanned document, one thread: pmoc's reader
//!   against the `kdl` crate on the same texts (MB/s);
//! - the phases of a compilation, one thread each: reading, lowering;
//! - `pmoc check` and `pmoc build` as processes (the release binary), with
//!   their peak memory (`/usr/bin/time -f %M` where it exists);
//! - `pmoc build` against the plain writer: the same paths and sizes as the
//!   site written with single-threaded `std::fs::write` (each folder made
//!   once), alternating with the build in one run, and their ratio (the
//!   issue's budget: at most 1.2x). Both write into an empty place: the
//!   previous output is removed before each run, outside the clock.
//!
//! Run with `cargo bench --bench scale`. `PMOC_BENCH_SERVICES` sets the
//! size (default 20,000); `PMOC_BENCH_RUNS` the timed runs (default 5; the
//! `kdl` crate gets one).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use pmoc::base::FileId;

mod harness;
use harness::{bench, ms, runs_from_env, stats};

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
    against_plain_writer(&dir, runs);
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

/// `pmoc build` and the plain writer of the same files, alternating.
fn against_plain_writer(dir: &Path, runs: usize) {
    let exe = env!("CARGO_BIN_EXE_pmoc");
    let out = dir.join("site");
    let plain = dir.parent().expect("a parent").join("plain");
    let args = [
        "build",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    run(exe, &args);
    let files = site_files(&out);
    let size: u64 = files.iter().map(|(_, n)| *n as u64).sum();
    let (mut builds, mut writes, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs.max(1) {
        std::fs::remove_dir_all(&out).expect("the site is removed");
        let (build, _) = run(exe, &args);
        let _ = std::fs::remove_dir_all(&plain);
        let write = plain_write(&plain, &files);
        ratios.push(build.as_secs_f64() / write.as_secs_f64());
        builds.push(build);
        writes.push(write);
    }
    let _ = std::fs::remove_dir_all(&plain);
    let (build, write) = (stats("pmoc build", builds), stats("plain write", writes));
    ratios.sort_by(f64::total_cmp);
    println!();
    println!(
        "the site: {} files, {:.1} MB; {} alternating runs",
        files.len(),
        size as f64 / 1e6,
        ratios.len()
    );
    for s in [&build, &write] {
        println!(
            "  {:<22} {:>11} {:>11} {:>11}",
            s.name,
            ms(s.median),
            ms(s.min),
            ms(s.max)
        );
    }
    println!(
        "  pmoc build / plain write: median {:.2}x (min {:.2}x, max {:.2}x); budget 1.2x",
        ratios[ratios.len() / 2],
        ratios[0],
        ratios[ratios.len() - 1]
    );
}

/// The site's files: path below `out` and size, in path order.
fn site_files(out: &Path) -> Vec<(PathBuf, usize)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(out)
        .into_iter()
        .map(|e| e.expect("a readable folder"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let size = e.metadata().expect("a file").len() as usize;
            let rel = e.path().strip_prefix(out).expect("below").to_path_buf();
            (rel, size)
        })
        .collect();
    files.sort();
    files
}

/// One thread, `std::fs::write`: each folder made once, then every file
/// with as many bytes as the site's.
fn plain_write(into: &Path, files: &[(PathBuf, usize)]) -> Duration {
    let largest = files.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let bytes = vec![b'x'; largest];
    let start = Instant::now();
    let mut made: HashSet<PathBuf> = HashSet::new();
    for (rel, size) in files {
        let path = into.join(rel);
        let parent = path.parent().expect("a folder").to_path_buf();
        if !made.contains(&parent) {
            std::fs::create_dir_all(&parent).expect("a folder is made");
            made.insert(parent);
        }
        std::fs::write(&path, &bytes[..*size]).expect("a file is written");
    }
    start.elapsed()
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

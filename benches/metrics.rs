//! Metrics benchmark: a generated portfolio of 20,000 services with 24
//! months of observations (about a million rows, `pmoc_synth`), read from
//! CSV and judged (SLA attainment, every trigger for every service). The
//! budget: read and evaluated in under one second on the 2-core
//! development machine.
//!
//! Run with `cargo bench --bench metrics`. `PMOC_BENCH_RUNS` sets the timed
//! runs (default 5), `PMOC_METRICS_SERVICES` the size (default 20,000).
//! Compiling the generated project first takes a while (the KDL parser).

use std::hint::black_box;
use std::time::{Duration, Instant};

use pmoc::base::SourceMap;
use pmoc::compile::{Options, compile};
use pmoc::metrics::{self, Evaluation};

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let runs = env_number("PMOC_BENCH_RUNS", 5).max(1);
    let services = env_number("PMOC_METRICS_SERVICES", 20_000);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let started = Instant::now();
    pmoc_synth::write_project(dir.path(), services).expect("the project is written");
    let rows = pmoc_synth::write_observations(dir.path(), 24).expect("observations are written");
    let csv = dir.path().join("metrics");
    let bytes: u64 = std::fs::read_dir(&csv)
        .unwrap()
        .flatten()
        .map(|e| e.metadata().map_or(0, |m| m.len()))
        .sum();
    println!(
        "{services} services, {rows} observation rows ({:.1} MB), generated in {:.1} s",
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    // The model, checked, without reading the metrics (they are what is timed).
    let empty = tempfile::tempdir().expect("a temporary folder");
    let options = Options {
        metrics: Some(empty.path().to_path_buf()),
        ..Options::default()
    };
    let compiled = compile(dir.path(), &options).expect("the project compiles");
    assert_eq!(compiled.error_count(), 0, "the generated project is clean");
    let model = &compiled.model;
    let index = compiled.index();

    let (mut read, mut judge, mut both) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..=runs {
        let start = Instant::now();
        let mut sources = SourceMap::default();
        let on_disk = |_: &std::path::Path| None;
        let (observations, diagnostics) =
            metrics::observe(dir.path(), &csv, &on_disk, model, &mut sources);
        let read_at = start.elapsed();
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let evaluation = Evaluation::of(&index, Some(&observations));
        let total = start.elapsed();
        black_box(evaluation);
        if run > 0 {
            read.push(read_at);
            judge.push(total - read_at);
            both.push(total);
        }
    }
    let (read, judge, both) = (median(read), median(judge), median(both));
    println!("median of {runs} runs (after one warm-up):");
    println!("  read CSV into observations  {:>10}", ms(read));
    println!("  evaluate (SLAs, triggers)   {:>10}", ms(judge));
    println!(
        "  read and evaluated          {:>10}   ({:.0} rows/s; budget 1 s: {})",
        ms(both),
        rows as f64 / both.as_secs_f64(),
        if both < Duration::from_secs(1) {
            "met"
        } else {
            "MISSED"
        }
    );
}

//! The benchmarks' harness: [`bench`] runs a closure (a warm-up, then
//! timed runs) and gives its [`Stats`]; machines are noisy, so quote
//! medians and ratios measured in one run.

#![allow(dead_code)]

use std::hint::black_box;
use std::time::{Duration, Instant};

/// The timings of one benchmark case.
pub(crate) struct Stats {
    pub(crate) name: String,
    pub(crate) runs: usize,
    pub(crate) median: Duration,
    pub(crate) min: Duration,
    pub(crate) max: Duration,
}

impl Stats {
    /// Items (services, files…) processed per second, at the median.
    pub(crate) fn per_second(&self, items: usize) -> f64 {
        items as f64 / self.median.as_secs_f64()
    }
}

/// Runs `f` once to warm up, then `runs` times (at least once) under the
/// clock; whatever `f` returns is kept from the optimiser and dropped inside
/// the timed region.
pub(crate) fn bench<T>(name: &str, runs: usize, mut f: impl FnMut() -> T) -> Stats {
    black_box(f());
    let runs = runs.max(1);
    let times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed()
        })
        .collect();
    stats(name, times)
}

/// The [`Stats`] of timings measured elsewhere (at least one).
pub(crate) fn stats(name: &str, mut times: Vec<Duration>) -> Stats {
    assert!(!times.is_empty(), "{name}: no timings");
    times.sort();
    let runs = times.len();
    let mid = runs / 2;
    let median = if runs % 2 == 1 {
        times[mid]
    } else {
        (times[mid - 1] + times[mid]) / 2
    };
    Stats {
        name: name.to_string(),
        runs,
        median,
        min: times[0],
        max: times[runs - 1],
    }
}

pub(crate) fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// `PMOC_BENCH_RUNS`, else 5.
pub(crate) fn runs_from_env() -> usize {
    match std::env::var("PMOC_BENCH_RUNS") {
        Ok(v) => v.trim().parse().unwrap_or_else(|_| {
            eprintln!("PMOC_BENCH_RUNS=`{v}` is not a number; using 5");
            5
        }),
        Err(_) => 5,
    }
}

/// Sets the modification time of every file below `root` an hour back, as
/// the files of a project being edited are: pmoc does not read a file
/// again once its stamp has settled (its modification time a few seconds
/// old) and is unchanged, so a project written just now would be read
/// whole at every round, as no user's is.
pub(crate) fn settle(root: &std::path::Path) {
    let an_hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
    for entry in walkdir::WalkDir::new(root) {
        let entry = entry.expect("a file of the project");
        if entry.file_type().is_file() {
            let file = std::fs::File::options()
                .write(true)
                .open(entry.path())
                .expect("a file of the project");
            file.set_modified(an_hour_ago).expect("a settable time");
        }
    }
}

//! Pipeline benchmarks: `compile::compile` (discover, parse, lower, check) on
//! synthetic projects of 100, 1,000 and 5,000 services (`pmoc_synth`) and on
//! `examples/acme`.
//!
//! Run with `cargo bench --bench pipeline`. `PMOC_BENCH_RUNS` sets the number
//! of timed runs per case (default 5; the 5,000-service case takes at most 3),
//! each case after one untimed warm-up. Machines are noisy, so the figures to
//! quote are the ratios of medians measured in one run, not absolute times.
//!
//! The harness is [`bench`]: a name, a run count and a closure in, [`Stats`]
//! out. Add later benches (site build, rebuild latency) as more calls to it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

mod harness;
use harness::{bench, ms, runs_from_env};

use pmoc::compile::{Options, compile};

/// Compiles the project at `dir`, insisting that it is clean (a synthetic
/// project with diagnostics would time the wrong thing); returns its service count.
fn check_clean(dir: &Path) -> usize {
    let compiled = compile(dir, &Options::default()).expect("the project compiles");
    assert!(
        compiled.diagnostics.is_empty(),
        "{} has {} diagnostics; run `pmoc check` on it",
        dir.display(),
        compiled.diagnostics.len()
    );
    compiled.model.services.len()
}

struct Case {
    name: String,
    dir: PathBuf,
    services: usize,
    runs: usize,
}

fn main() {
    let runs = runs_from_env();
    let scratch = tempfile::tempdir().expect("a temporary folder");
    let cases = cases(scratch.path(), runs);
    compile_times(&cases);
    after_compiling(&cases[2]);
}

/// The generated projects (checked clean) and the example.
fn cases(scratch: &Path, runs: usize) -> Vec<Case> {
    let mut cases = Vec::new();

    println!("generating synthetic projects");
    for (services, runs) in [(100, runs), (1_000, runs), (5_000, runs.min(3))] {
        let dir = scratch.join(format!("synth-{services}"));
        let start = Instant::now();
        pmoc_synth::write_project(&dir, services).expect("the project is written");
        let took = start.elapsed();
        let files = std::fs::read_dir(dir.join("services")).map_or(0, |d| d.count());
        println!(
            "  {services:>5} services, {files:>3} function files: written in {}",
            ms(took)
        );
        assert_eq!(check_clean(&dir), services);
        cases.push(Case {
            name: format!("compile synth-{services}"),
            dir,
            services,
            runs,
        });
    }
    let acme = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme");
    cases.push(Case {
        name: "compile examples/acme".into(),
        services: check_clean(&acme),
        dir: acme,
        runs,
    });
    cases
}

/// Compile time by project size, as ratios to the smallest.
fn compile_times(cases: &[Case]) {
    println!();
    println!(
        "{:<24} {:>8} {:>5} {:>11} {:>11} {:>11} {:>12} {:>9}",
        "bench", "services", "runs", "median", "min", "max", "services/s", "÷ synth-100"
    );
    let options = Options::default();
    let mut base: Option<Duration> = None;
    for case in cases {
        let stats = bench(&case.name, case.runs, || {
            compile(&case.dir, &options).expect("the project compiles")
        });
        let base = *base.get_or_insert(stats.median);
        println!(
            "{:<24} {:>8} {:>5} {:>11} {:>11} {:>11} {:>12.0} {:>8.2}x",
            stats.name,
            case.services,
            stats.runs,
            ms(stats.median),
            ms(stats.min),
            ms(stats.max),
            stats.per_second(case.services),
            stats.median.as_secs_f64() / base.as_secs_f64()
        );
    }
}

/// The stages after compiling, on the largest project: what a watch round
/// costs besides parsing.
fn after_compiling(largest: &Case) {
    let options = Options::default();
    let compiled = compile(&largest.dir, &options).expect("the project compiles");
    let catalog = bench("catalog", largest.runs, || {
        pmoc::catalog::build(&compiled.index(), &compiled.evaluation)
    });
    let built = std::sync::Arc::new(pmoc::catalog::build(
        &compiled.index(),
        &compiled.evaluation,
    ));
    let theme = pmoc::emit::site::Theme::load(&largest.dir).expect("the theme");
    let full = bench("render (every page)", largest.runs, || {
        pmoc::emit::site::render(&built, &theme, &mut pmoc::emit::site::Memo::default(), None)
            .expect("renders")
    });
    let mut memo = pmoc::emit::site::Memo::default();
    pmoc::emit::site::render(&built, &theme, &mut memo, None).expect("renders");
    let again = bench("render (unchanged, memo)", largest.runs, || {
        pmoc::emit::site::render(&built, &theme, &mut memo, None).expect("renders")
    });
    println!();
    println!(
        "after compiling {} ({} services):",
        largest.name, largest.services
    );
    for stats in [catalog, full, again] {
        println!(
            "  {:<26} median {:>11}   min {:>11}   max {:>11}",
            stats.name,
            ms(stats.median),
            ms(stats.min),
            ms(stats.max)
        );
    }
}

//! The whole-model phases of a compilation, one by one, on a compiled
//! generated project (`pmoc_synth`, 20,000 services by default): what a
//! round of `watch` or the language server redoes after any edit, and what
//! `pmoc check` runs on one thread after the parallel parse. Times the
//! index's lookups (`Lookups::new`), the model rules (`check::rules`), the
//! evaluation of the observations and the catalogue (`catalog::build`).
//!
//! Run with `cargo bench --bench phases`. `PMOC_BENCH_SERVICES` sets the
//! size (default 20,000), `PMOC_BENCH_RUNS` the timed runs (default 5).

mod harness;
use harness::{bench, ms, runs_from_env};

use pmoc::compile::{Options, compile};
use pmoc::model::{Index, Lookups};

fn main() {
    let services: usize = std::env::var("PMOC_BENCH_SERVICES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let runs = runs_from_env();
    let dir = tempfile::tempdir().unwrap();
    pmoc_synth::write_project(dir.path(), services).unwrap();
    let compiled = compile(dir.path(), &Options::default()).expect("compiles");
    assert!(
        compiled.diagnostics.is_empty(),
        "the generated project is clean"
    );
    let model = &compiled.model;
    let lookups = Lookups::new(model);
    let index = Index::new(model, &lookups, compiled.as_of);
    let cases = [
        bench("Lookups::new", runs, || Lookups::new(model)),
        bench("check::rules", runs, || pmoc::check::rules(&index)),
        bench("Evaluation::of", runs, || {
            pmoc::metrics::Evaluation::of(&index, None)
        }),
        bench("catalog::build", runs, || {
            pmoc::catalog::build(&index, &compiled.evaluation)
        }),
        bench("model clone", runs, || model.clone()),
        bench("whole compile", runs, || {
            compile(dir.path(), &Options::default()).unwrap()
        }),
    ];
    println!("{services} services, medians of {runs}:");
    for s in &cases {
        println!(
            "  {:<18} {:>9}   min {:>9}   max {:>9}",
            s.name,
            ms(s.median),
            ms(s.min),
            ms(s.max)
        );
    }
}

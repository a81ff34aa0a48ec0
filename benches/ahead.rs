//! The cost of the global judgements of looking ahead (LANGUAGE-1.1
//! sections 1 and 3), on generated portfolios of 10,000 and 40,000 services
//! (`pmoc_synth`: every person gives `fte`, every service asks effort of
//! its owner, every group has a `change-capacity`): `capacity-overcommitted`'s
//! judgement, `Index::capacity` (the demand on each party at each
//! checkpoint), and `change-saturation`'s, `pmoc::model::saturations` (every
//! group's changes, merged per service and swept month by month). Linear in
//! the catalogue: the ratio of the medians stays near the ratio of the
//! sizes (4).
//!
//! Run with `cargo bench --bench ahead`. `PMOC_BENCH_RUNS` sets the timed
//! runs (default 5).

use std::time::Duration;

mod harness;
use harness::{bench, ms, runs_from_env};

use pmoc::compile::{Options, compile};

fn main() {
    let runs = runs_from_env();
    let scratch = tempfile::tempdir().expect("a temporary folder");
    let mut medians: Vec<(usize, Duration, Duration, Duration)> = Vec::new();
    for services in [10_000, 40_000] {
        let dir = scratch.path().join(format!("synth-{services}"));
        pmoc_synth::write_project(&dir, services).expect("the project is written");
        let compiled = compile(&dir, &Options::default()).expect("the project compiles");
        assert!(
            compiled.diagnostics.is_empty(),
            "synth-{services}: {} diagnostics",
            compiled.diagnostics.len()
        );
        let index = compiled.index();
        let changes: usize = pmoc::model::change_load(&index)
            .iter()
            .map(|g| g.changes.len())
            .sum();
        let stats = bench(&format!("saturations synth-{services}"), runs, || {
            pmoc::model::saturations(&index)
        });
        println!(
            "{:<28} {services:>6} services {changes:>7} changes  median {:>9}  min {:>9}",
            stats.name,
            ms(stats.median),
            ms(stats.min)
        );
        // The sweep alone, over the groups' changes already gathered: the
        // walk over the services above reads every service's blocks.
        let loads = pmoc::model::change_load(&index);
        let now = pmoc::model::Month::of(index.as_of);
        let sweep = bench(&format!("sweep synth-{services}"), runs, || {
            loads.iter().filter_map(|g| g.first_saturated(now)).count()
        });
        println!(
            "{:<28} {services:>6} services {changes:>7} changes  median {:>9}  min {:>9}",
            sweep.name,
            ms(sweep.median),
            ms(sweep.min)
        );
        let parties = index.capacity().len();
        let capacity = bench(&format!("capacity synth-{services}"), runs, || {
            index.capacity()
        });
        println!(
            "{:<28} {services:>6} services {parties:>7} parties  median {:>9}  min {:>9}",
            capacity.name,
            ms(capacity.median),
            ms(capacity.min)
        );
        medians.push((services, stats.median, sweep.median, capacity.median));
    }
    let (small, large) = (medians[0], medians[1]);
    let ratio = |a: Duration, b: Duration| b.as_secs_f64() / a.as_secs_f64();
    println!(
        "ratios for {:.0}x the services: saturations {:.2}, sweep {:.2}, capacity {:.2}",
        large.0 as f64 / small.0 as f64,
        ratio(small.1, large.1),
        ratio(small.2, large.2),
        ratio(small.3, large.3)
    );
}

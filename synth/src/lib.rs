//! Synthetic portfolios, for benchmarks and scale tests.
//!
//! This crate owns [`write_project`]: it writes a realistic, **clean** PMO
//! project of any size — a `pmo.kdl` pinned to `as-of "2026-11-01"`, people,
//! teams, customer groups, objectives, metrics, the six lifecycle gates,
//! retirement triggers, and one file per function under `services/` holding
//! about [`SERVICES_PER_FUNCTION`] services in every lifecycle stage.
//!
//! Every service satisfies every model rule: an owner from design on,
//! objectives while in the pipeline, the stage's block (pilot, rollout,
//! transform, retirement), a `go` decision at a gate leading to its stage
//! taken by one of the gate's approvers with a quorum present, SLAs in force
//! and reviewed after as-of that cover every group of a service in operation
//! or transform, ended SLAs once retired, trigger coverage, and dependencies
//! only on earlier services in operation or transform (so no cycles), in
//! the pipeline, plans for the next stages ahead of as-of and in order, and
//! capacity: every generated person gives `fte=1` and every service that is
//! not retired asks 0.1 of its owner (at most 0.9 per person), the spoke
//! leads declare a capacity and are asked nothing. A
//! generated project therefore checks with no diagnostics at all: a diagnostic is a
//! bug in the generator or in the checks.
//!
//! The output is deterministic: a fixed-seed LCG per function picks the
//! details, so a given size always gives the same bytes. The `pmoc-synth`
//! binary and pmoc's benches drive it.
//!
//! The modules: `plan` decides which functions, people and services exist;
//! `shared` writes the project-wide files; `function` writes one function's
//! file, with the stage blocks of `stages` and the gate decisions of
//! `decision`; `rng` and `tables` are what they all draw from.

use std::io;
use std::path::Path;

/// Writes one line to a `String` (`writeln!` that cannot fail).
macro_rules! out {
    ($s:expr) => {
        writeln!($s).expect("writing to a String cannot fail")
    };
    ($s:expr, $($arg:tt)*) => {
        writeln!($s, $($arg)*).expect("writing to a String cannot fail")
    };
}

mod decision;
mod function;
mod observations;
mod plan;
mod rng;
mod shared;
mod stages;
mod tables;

pub use observations::write_observations;

/// The date the generated manifest pins as "today".
pub const AS_OF: &str = "2026-11-01";

/// How many services a generated function holds (the last ones may hold fewer).
pub const SERVICES_PER_FUNCTION: usize = 25;

/// Writes a project of `services` services into `dir` (created if needed;
/// files of the same names are overwritten, others are left alone).
pub fn write_project(dir: &Path, services: usize) -> io::Result<()> {
    let plan = plan::Plan::new(services);
    let services_dir = dir.join("services");
    std::fs::create_dir_all(&services_dir)?;
    std::fs::write(dir.join("pmo.kdl"), shared::manifest(services))?;
    std::fs::write(dir.join("people.kdl"), shared::people(&plan))?;
    std::fs::write(dir.join("teams.kdl"), shared::TEAMS)?;
    std::fs::write(dir.join("customers.kdl"), shared::customers(services))?;
    std::fs::write(dir.join("objectives.kdl"), shared::objectives())?;
    std::fs::write(dir.join("metrics.kdl"), shared::metrics())?;
    std::fs::write(dir.join("gates.kdl"), shared::GATES)?;
    std::fs::write(dir.join("triggers.kdl"), shared::triggers(&plan))?;
    std::fs::write(dir.join("improvements.kdl"), shared::improvements(&plan))?;
    for function in &plan.functions {
        std::fs::write(
            services_dir.join(format!("{}.kdl", function.id)),
            function::function_file(function),
        )?;
    }
    Ok(())
}

/// A service of a project that [`write_project`] wrote, for benches that
/// edit one: the file declaring it (relative to the project), its id and
/// its name.
pub struct Sample {
    pub file: String,
    pub id: String,
    pub name: String,
}

/// The first service of the first function file of a generated project.
pub fn sample_service(dir: &Path) -> io::Result<Sample> {
    let mut files: Vec<_> = std::fs::read_dir(dir.join("services"))?
        .map(|e| e.map(|e| e.path()))
        .collect::<io::Result<_>>()?;
    files.sort();
    let first = files
        .first()
        .ok_or_else(|| io::Error::other("no service file"))?;
    let text = std::fs::read_to_string(first)?;
    let quoted = |from: usize, key: &str| -> Option<(usize, String)> {
        let at = text[from..].find(key)? + from + key.len();
        let end = text[at..].find('"')? + at;
        Some((end, text[at..end].to_string()))
    };
    let (after_id, id) = quoted(0, "\nservice \"").ok_or_else(|| io::Error::other("no service"))?;
    let (_, name) = quoted(after_id, "name \"").ok_or_else(|| io::Error::other("no name"))?;
    let file = first
        .strip_prefix(dir)
        .unwrap_or(first)
        .to_string_lossy()
        .into_owned();
    Ok(Sample { file, id, name })
}

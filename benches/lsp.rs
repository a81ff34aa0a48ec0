//! The language server's latency (issue 14): from a `textDocument/didChange`
//! sent to the `publishDiagnostics` that answers it, debounce included, with
//! the release `pmoc lsp` over stdio (the tests' client,
//! `tests/it/lsp_client`). Budgets: under 50 ms on `examples/acme`, under
//! 300 ms at 5,000 services.
//!
//! For each project: the first open (didOpen → its diagnostics), then
//! rounds that alternately break a reference (`owner "nobody-N"`, a new
//! name each time) and restore it, so each round's findings differ from the
//! last and the publication that answers a change is known by its text
//! (two rounds of warm-up, then the timed ones). Then bursts of
//! [`BURST`] changes [`GAP`] apart, as fast typing: the time from the last
//! change to the diagnostics of the last text, and how many publications
//! the burst cost (one per compilation that ran to its end: a compilation
//! a newer change cancelled, or overtook, publishes nothing).
//!
//! The generated project (`pmoc_synth`) carries a year of observations
//! (`metrics/observed.csv`), so every round judges metrics as a real
//! portfolio's would. The files' times are set an hour back
//! (`harness::settle`), as an edited project's are.
//!
//! Run with `cargo bench --bench lsp`. `PMOC_BENCH_SERVICES` sets the size
//! of the generated project (default 5,000); `PMOC_BENCH_RUNS` the timed
//! rounds per project (default 20). `PMOC_BENCH_BASELINE=PATH` measures
//! another `pmoc` binary too (an older build kept aside), in the same run,
//! right after this one on each project, and prints the ratios of medians.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

#[path = "../tests/common/mod.rs"]
mod common;
mod harness;
#[path = "../tests/it/lsp_client/mod.rs"]
mod lsp_client;

use harness::{Stats, ms, settle, stats};
use lsp_client::Client;

/// Changes in one burst.
const BURST: usize = 20;
/// The time between two changes of a burst.
const GAP: Duration = Duration::from_millis(10);
/// Bursts per project.
const BURSTS: usize = 5;
/// Untimed rounds after the first open.
const WARM_UP: usize = 2;
/// Months of observations in the generated project.
const MONTHS: usize = 12;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// A file of a project to edit, and the `owner "…"` in it to break.
struct Target {
    name: String,
    file: PathBuf,
    owner: String,
}

fn main() {
    let runs = env_number("PMOC_BENCH_RUNS", 20).max(1);
    let services = env_number("PMOC_BENCH_SERVICES", 5000);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average at start: {}", load.trim());

    let (_acme, acme_root) = lsp_client::acme();
    let acme = target(
        "examples/acme (33 services)",
        &acme_root.join("services/risk.kdl"),
    );

    let scratch = tempfile::tempdir().expect("a temporary folder");
    let big_root = scratch
        .path()
        .canonicalize()
        .expect("a canonical path")
        .join("portfolio");
    pmoc_synth::write_project(&big_root, services).expect("the project is written");
    let rows = pmoc_synth::write_observations(&big_root, MONTHS).expect("observations");
    let sample = pmoc_synth::sample_service(&big_root).expect("a service");
    settle(&acme_root);
    settle(&big_root);
    let big = target(
        &format!("synthetic ({services} services, {rows} observations)"),
        &big_root.join(&sample.file),
    );

    println!();
    println!(
        "{:<48} {:>11} {:>11} {:>11}",
        "didChange → publishDiagnostics", "median", "min", "max"
    );
    let baseline = std::env::var_os("PMOC_BENCH_BASELINE").map(PathBuf::from);
    let this = PathBuf::from(env!("CARGO_BIN_EXE_pmoc"));
    for t in [&acme, &big] {
        let ours = measure(t, &this, "this build", runs);
        if let Some(exe) = &baseline {
            let theirs = measure(t, exe, "baseline", runs);
            println!(
                "  baseline / this build, medians: first open {:.2}x, change {:.2}x, burst {:.2}x",
                ratio(&theirs[0], &ours[0]),
                ratio(&theirs[1], &ours[1]),
                ratio(&theirs[2], &ours[2]),
            );
        }
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average at end: {}", load.trim());
}

/// The first `owner "…"` of `file`.
fn target(name: &str, file: &Path) -> Target {
    let text = std::fs::read_to_string(file).expect("a source file");
    let at = text.find("owner \"").expect("an owner in the file");
    let end = text[at + 7..].find('"').expect("a closing quote") + at + 8;
    Target {
        name: name.to_string(),
        file: file.to_path_buf(),
        owner: text[at..end].to_string(),
    }
}

/// The first open, the rounds and the bursts of one binary on one target.
fn measure(t: &Target, exe: &Path, label: &str, runs: usize) -> [Stats; 3] {
    let original = std::fs::read_to_string(&t.file).expect("a source file");
    let broken = |tag: &str| original.replacen(&t.owner, &format!("owner \"{tag}\""), 1);
    let mut client = Client::start_exe(exe, &["utf-16"]);
    let started = Instant::now();
    let uri = client.open(&t.file);
    client.diagnostics(&uri, |_| true);
    let open = started.elapsed();

    let mut version = 1;
    let mut rounds = Vec::new();
    for round in 0..WARM_UP + runs {
        client.pending.clear();
        version += 1;
        let tag = format!("nobody-{round}");
        let text = if round % 2 == 0 {
            broken(&tag)
        } else {
            original.clone()
        };
        let started = Instant::now();
        client.replace(&uri, version, &text);
        if round % 2 == 0 {
            let quoted = format!("`{tag}`");
            client.diagnostics(&uri, |d| mentions(d, &quoted));
        } else {
            client.diagnostics(&uri, |d| !mentions(d, "nobody-"));
        }
        if round >= WARM_UP {
            rounds.push(started.elapsed());
        }
    }

    let mut bursts = Vec::new();
    let mut publications = Vec::new();
    for burst in 0..BURSTS {
        client.pending.clear();
        let mut last = Instant::now();
        let mut tag = String::new();
        for change in 0..BURST {
            std::thread::sleep(GAP);
            version += 1;
            tag = format!("nobody-burst-{burst}-{change}");
            last = Instant::now();
            client.replace(&uri, version, &broken(&tag));
        }
        let quoted = format!("`{tag}`");
        client.diagnostics(&uri, |d| mentions(d, &quoted));
        bursts.push(last.elapsed());
        let earlier = client
            .pending
            .iter()
            .filter(|m| {
                m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
            })
            .count();
        publications.push(earlier + 1);
        version += 1;
        client.replace(&uri, version, &original);
        client.diagnostics(&uri, |d| !mentions(d, "nobody-"));
    }
    client.finish();

    let all = [
        stats("  first open (didOpen)", vec![open]),
        stats(&format!("  change ({runs} rounds)"), rounds),
        stats(
            &format!("  last of a burst of {BURST} ({BURSTS} bursts)"),
            bursts,
        ),
    ];
    println!("{} ({label})", t.name);
    for s in &all {
        row(s);
    }
    println!(
        "  publications (finished compilations) per burst: {}",
        publications
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    );
    all
}

fn ratio(a: &Stats, b: &Stats) -> f64 {
    a.median.as_secs_f64() / b.median.as_secs_f64()
}

fn row(s: &Stats) {
    println!(
        "{:<48} {:>11} {:>11} {:>11}",
        s.name,
        ms(s.median),
        ms(s.min),
        ms(s.max)
    );
}

/// Some diagnostic's message names `needle`.
fn mentions(diagnostics: &[Value], needle: &str) -> bool {
    diagnostics
        .iter()
        .any(|d| d["message"].as_str().is_some_and(|m| m.contains(needle)))
}

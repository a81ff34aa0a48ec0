//! One `watch` round after an edit, in process (`pmoc::engine::Engine::round`):
//! the part of save-to-reloaded latency that is pmoc's own work (no
//! file-system events, no HTTP). A generated 5,000-service project
//! (`pmoc_synth`) is built once, then one service is renamed and a round
//! runs, ten times; prints median, min and max.
//!
//! Then the same edits again, timed by phase with the library's parts
//! (compile with the cache; the catalogue; the render with the memo; the
//! whole-catalogue files alone), to say where a round's time goes.
//!
//! Run with `cargo bench --bench round`. `PMOC_RELOAD_EDITS` sets the number
//! of edits (default 10); `PMOC_RELOAD_SERVICES` the size of the project
//! (default 5,000).

use std::time::{Duration, Instant};

use pmoc::engine::{Engine, Live};

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let edits = env_number("PMOC_RELOAD_EDITS", 10);
    let services = env_number("PMOC_RELOAD_SERVICES", 5000);
    let dir = tempfile::tempdir().unwrap();
    pmoc_synth::write_project(dir.path(), services).unwrap();
    let mut engine = Engine::new(dir.path().to_path_buf(), None, false).unwrap();
    let first = Instant::now();
    assert!(engine.round(&Live::default()).unwrap().is_empty());
    println!("first round: {:.1} ms", first.elapsed().as_secs_f64() * 1e3);

    let sample = pmoc_synth::sample_service(dir.path()).unwrap();
    let (file, from) = (dir.path().join(&sample.file), sample.name);
    let original = std::fs::read_to_string(&file).unwrap();
    let mut samples: Vec<Duration> = Vec::new();
    for i in 0..edits {
        std::fs::write(
            &file,
            original.replacen(&from, &format!("Edited name {i}"), 1),
        )
        .unwrap();
        let started = Instant::now();
        assert!(engine.round(&Live::default()).unwrap().is_empty());
        samples.push(started.elapsed());
    }
    samples.sort();
    println!(
        "round after an edit ({services} services): median {:.1} ms   min {:.1} ms   max {:.1} ms   ({edits} edits)",
        samples[samples.len() / 2].as_secs_f64() * 1e3,
        samples[0].as_secs_f64() * 1e3,
        samples[samples.len() - 1].as_secs_f64() * 1e3,
    );
    phases(dir.path(), &file, &original, &from, edits);
}

/// The phases of a round, each timed over `edits` edits: medians.
fn phases(
    root: &std::path::Path,
    file: &std::path::Path,
    original: &str,
    from: &str,
    edits: usize,
) {
    use pmoc::compile::{Cache, Options, compile_root};
    use pmoc::engine::Memo;
    let options = Options::default();
    let mut cache = Cache::default();
    let mut memo = Memo::default();
    let compiled = compile_root(root.to_path_buf(), &options, &mut cache).unwrap();
    pmoc::engine::render(&compiled, &mut memo, None).unwrap();
    // The catalogue timed alone keeps its own memo, as a round's does.
    let mut catalogue = pmoc::catalog::Memo::default();
    pmoc::catalog::build_with(&compiled.index(), &compiled.evaluation, &mut catalogue);
    let names = [
        "compile",
        "catalogue",
        "render (memo)",
        "catalog.json",
        "exports",
    ];
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); names.len()];
    for i in 0..edits {
        std::fs::write(file, original.replacen(from, &format!("Phase edit {i}"), 1)).unwrap();
        let t = Instant::now();
        let compiled = compile_root(root.to_path_buf(), &options, &mut cache).unwrap();
        times[0].push(t.elapsed());
        let t = Instant::now();
        let catalog =
            pmoc::catalog::build_with(&compiled.index(), &compiled.evaluation, &mut catalogue);
        times[1].push(t.elapsed());
        let t = Instant::now();
        pmoc::engine::render(&compiled, &mut memo, None).unwrap();
        times[2].push(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(pmoc::catalog::to_json(&catalog));
        times[3].push(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(pmoc::emit::export::site_files(&catalog));
        times[4].push(t.elapsed());
    }
    println!(
        "phases (median of {edits}; render includes the catalogue, catalog.json and exports):"
    );
    for (name, mut t) in names.iter().zip(times) {
        t.sort();
        println!(
            "  {name:<16} {:>9.1} ms",
            t[t.len() / 2].as_secs_f64() * 1e3
        );
    }
}

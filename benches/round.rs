//! One `watch` round after an edit, in process (`pmoc::engine::Engine::round`):
//! the part of save-to-reloaded latency that is pmoc's own work (no
//! file-system events, no HTTP). A generated 5,000-service project
//! (`pmoc_synth`) is built once, then one service is renamed and a round
//! runs, ten times; prints median, min and max.
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
}

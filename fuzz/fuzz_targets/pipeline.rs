//! One file through the whole compile path (`compile::compile_memory`): decode,
//! parse (with the 1.0 fallback), lower, then (without a syntax error)
//! dedupe, index, the model rules, the evaluation's rules and the lints;
//! every diagnostic rendered as human, short and JSON output. The file is
//! read twice: beside a fixed manifest, and as the manifest itself. Never a
//! panic; the output stays bounded.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pmoc::base::{Diagnostic, SourceMap};
use pmoc::{compile, emit};

const MANIFEST: &str = "pmo \"p\" { name \"P\"; mandate \"M\"; sponsor \"ann\"; as-of \"2026-11-01\" }\nperson \"ann\" name=\"Ann\"\n";

/// Rendered bytes allowed per diagnostic beyond what its own text takes.
const PER_DIAGNOSTIC: usize = 4096;

fuzz_target!(|data: &[u8]| {
    run(&[MANIFEST.as_bytes(), data]);
    run(&[data]);
});

/// The files in order, the first the manifest (`pmo.kdl`), through
/// `compile::compile_memory`: the pipeline itself.
fn run(files: &[&[u8]]) {
    let named = files
        .iter()
        .enumerate()
        .map(|(i, bytes)| {
            let name = if i == 0 { "pmo.kdl".to_string() } else { format!("f{i}.kdl") };
            (name, bytes.to_vec())
        })
        .collect();
    let compiled = compile::compile_memory(named, &compile::Options::default());
    let input = files.iter().map(|f| f.len()).sum();
    render(&compiled.diagnostics, &compiled.sources, input);
}

fn render(diags: &[Diagnostic], sources: &SourceMap, input: usize) {
    let own: usize = diags
        .iter()
        .map(|d| {
            d.message.len()
                + d.help.as_ref().map_or(0, String::len)
                + d.labels.iter().map(|l| l.message.len()).sum::<usize>()
        })
        .sum();
    // Shown characters may grow: `\u{202e}` for one, a window's ellipses.
    let bound = PER_DIAGNOSTIC * diags.len() + 12 * own + input.min(1 << 16);
    let human = emit::human::render(diags, sources, false);
    assert!(
        human.len() <= bound,
        "{} bytes of human output for {} diagnostics (bound {bound})",
        human.len(),
        diags.len()
    );
    let short = emit::human::render_short(diags, sources);
    assert!(short.len() <= bound);
    let json = emit::json::render(diags, sources);
    assert!(json.len() <= 2 * bound);
    let value: serde_json::Value = serde_json::from_str(&json).expect("the JSON output parses");
    assert_eq!(
        value["diagnostics"].as_array().map(Vec::len),
        Some(diags.len())
    );
}

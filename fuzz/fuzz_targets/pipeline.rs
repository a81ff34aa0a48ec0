//! One file through the whole compile path, as `compile` runs it: decode,
//! parse (with the 1.0 fallback), lower, then (without a syntax error)
//! dedupe, index, the model rules, the evaluation's rules and the lints;
//! every diagnostic rendered as human, short and JSON output. The file is
//! read twice: beside a fixed manifest, and as the manifest itself. Never a
//! panic; the output stays bounded.

#![no_main]

use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use pmoc::base::{Diagnostic, FileId, SourceFile, SourceMap};
use pmoc::emit;
use pmoc::metrics::Evaluation;
use pmoc::model::{Index, Lookups, Model};
use pmoc::{check, lower, syntax};

const MANIFEST: &str = "pmo \"p\" { name \"P\"; mandate \"M\"; sponsor \"ann\"; as-of \"2026-11-01\" }\nperson \"ann\" name=\"Ann\"\n";

/// Rendered bytes allowed per diagnostic beyond what its own text takes.
const PER_DIAGNOSTIC: usize = 4096;

fuzz_target!(|data: &[u8]| {
    compile(&[MANIFEST.as_bytes(), data]);
    compile(&[data]);
});

/// The files in order, the first the manifest.
fn compile(files: &[&[u8]]) {
    let mut sources = SourceMap::default();
    let mut model = Model::default();
    let mut diags = Vec::new();
    let mut syntax_error = false;
    for (i, bytes) in files.iter().enumerate() {
        let id = FileId(i as u32);
        let (text, decoded) = syntax::decode(id, bytes.to_vec());
        sources.add(SourceFile::new(
            format!("f{i}.kdl"),
            PathBuf::from(format!("f{i}.kdl")),
            text.clone().into(),
        ));
        if let Some(d) = decoded {
            diags.push(d);
            syntax_error = true;
            continue;
        }
        match syntax::parse(id, &text) {
            Ok(doc) => {
                let (m, found) = lower::lower_file(id, &text, &doc, i == 0);
                model.append(m);
                diags.extend(found);
            }
            Err(d) => {
                diags.push(d);
                syntax_error = true;
            }
        }
    }
    let as_of = model
        .pmo
        .as_ref()
        .and_then(|p| p.as_of)
        .map_or(jiff::civil::date(2026, 11, 1), |d| d.value);
    if !syntax_error {
        diags.extend(check::dedupe(&mut model));
        let lookups = Lookups::new(&model);
        let index = Index::new(&model, &lookups, as_of);
        diags.extend(check::rules(&index));
        let evaluation = Evaluation::of(&index, None);
        diags.extend(check::metrics::check(&index, &evaluation));
    }
    let lints = model
        .pmo
        .as_ref()
        .map(|p| p.lints.as_slice())
        .unwrap_or_default();
    let diags = check::apply_lints(diags, lints, false);
    render(&diags, &sources, files.iter().map(|f| f.len()).sum());
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

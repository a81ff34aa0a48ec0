//! A round's incremental result is a full compilation's: a seeded random
//! walk of edits over a copy of `examples/acme` (files added, removed and
//! renamed, ids changed, a syntax error made and fixed, metrics changed).
//! After each edit one engine, kept from step to step (its parse cache, its
//! metrics memo, its site memo, the files it wrote), runs a round, and a
//! fresh engine runs one into a fresh folder; their diagnostics must be the
//! same, and, when the round wrote its site, every file's bytes.
//!
//! `PMOC_WALK_STEPS` sets the number of steps (default 60, bounded for CI;
//! the seed is printed so a failing walk can be replayed with
//! `PMOC_WALK_SEED`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use pmoc::emit::LocatedDiagnostic;
use pmoc::engine::{Engine, Event, Live};

use crate::common::example_copy;
use crate::rng::Rng;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// An engine whose reporter keeps the diagnostics of its last compilation.
fn engine(root: &Path, out: PathBuf) -> (Engine, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let keep = seen.clone();
    let engine = Engine::new(root.to_path_buf(), Some(out), false)
        .unwrap()
        .with_reporter(Box::new(move |event| {
            if let Event::Compiled(compiled) = event {
                *keep.lock().unwrap() = compiled
                    .diagnostics
                    .iter()
                    .map(|d| format!("{:?}", LocatedDiagnostic::of(d, &compiled.sources)))
                    .collect();
            }
        }));
    (engine, seen)
}

/// Every file below `dir`: its path below `dir` and its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_path_buf();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// The project's `.kdl` files but the manifest, and its CSVs.
fn sources(root: &Path, ext: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .filter(|p| !p.ends_with("pmo.kdl"))
        .collect();
    found.sort();
    found
}

/// One random edit of the project at `root`; says what it did. A file with
/// a syntax error is remembered in `broken` (with its text before) and
/// mended by a later step.
fn edit(rng: &mut Rng, root: &Path, step: u64, broken: &mut Option<(PathBuf, String)>) -> String {
    if let Some((path, text)) = broken.take_if(|_| rng.below(2) == 0) {
        std::fs::write(&path, text).unwrap();
        return format!("mend or put back {}", path.display());
    }
    let kdl = sources(root, "kdl");
    let csv = sources(root, "csv");
    let pick = |rng: &mut Rng, from: &[PathBuf]| from[rng.below(from.len())].clone();
    match rng.below(8) {
        // A new file: a service of a function acme has, or a person.
        0 => {
            let path = root.join(format!("added/step-{step}.kdl"));
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let text = if rng.below(2) == 0 {
                format!(
                    "service \"walk-{step}\" {{\n    name \"Walk {step}\"\n    function \"administration\"\n    description \"Added by the walk.\"\n    stage \"strategy\"\n    owner \"grace\"\n    offer \"programme-managers\" level=\"additional\"\n}}\n"
                )
            } else {
                format!("person \"walker-{step}\" name=\"Walker {step}\"\n")
            };
            std::fs::write(&path, text).unwrap();
            format!("add {}", path.display())
        }
        // A file removed, and put back by a later step as a slip is mended
        // (one at a time).
        1 if broken.is_none() => {
            let path = pick(rng, &kdl);
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::remove_file(&path).unwrap();
            *broken = Some((path.clone(), text));
            format!("remove {}", path.display())
        }
        // A file renamed (moved to another folder, so its order changes).
        2 => {
            let path = pick(rng, &kdl);
            if broken.as_ref().is_some_and(|(p, _)| *p == path) {
                return "nothing".into();
            }
            let to = root.join(format!(
                "moved/{step}-{}",
                path.file_name().unwrap().to_string_lossy()
            ));
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::rename(&path, &to).unwrap();
            format!("rename {} to {}", path.display(), to.display())
        }
        // An id renamed with its references; a name changed.
        3 => {
            let path = pick(rng, &kdl);
            rename_id(rng, root, &path, step, broken)
        }
        4 => rename(&pick(rng, &kdl), step),
        // A syntax error made (one at a time).
        5 if broken.is_none() => {
            let path = pick(rng, &kdl);
            let text = std::fs::read_to_string(&path).unwrap();
            let mut at = rng.below(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let slip = *rng.pick(&["{", "\"", "}", "/*"]);
            std::fs::write(&path, format!("{}{slip}{}", &text[..at], &text[at..])).unwrap();
            *broken = Some((path.clone(), text));
            format!("break {} with {slip}", path.display())
        }
        // A metric's value changed, or a row added: put back by a later
        // step like a slip (a value out of range or a second row for a
        // period would otherwise hold every later round in error).
        6 | 7 if !csv.is_empty() && broken.is_none() => {
            let path = pick(rng, &csv);
            let text = std::fs::read_to_string(&path).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            let row = 1 + rng.below(lines.len().saturating_sub(1).max(1));
            let Some(line) = lines.get(row) else {
                return "nothing".into();
            };
            let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
            if cells.len() < 4 {
                return "nothing".into();
            }
            cells[3] = format!("{}", rng.below(120));
            let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            if rng.below(2) == 0 {
                out[row] = cells.join(",");
            } else {
                cells[0] = format!("2026-{:02}", 1 + rng.below(10));
                out.push(cells.join(","));
            }
            std::fs::write(&path, out.join("\n") + "\n").unwrap();
            *broken = Some((path.clone(), text));
            format!("metrics {} row {row}", path.display())
        }
        _ => "nothing".into(),
    }
}

/// Ids never renamed: those a service added by the walk names (every
/// service added after the rename would name what is no longer declared),
/// and those spelt as a keyword (a function `programme` and the level
/// `programme`: a rename of quoted text would change both).
const KEPT_IDS: [&str; 7] = [
    "administration",
    "grace",
    "programme-managers",
    "portfolio",
    "programme",
    "project",
    "coe",
];

/// An id declared in `path` renamed where it is declared and everywhere it
/// is named (a rename that keeps the project whole, so the site is written).
fn rename_id(
    rng: &mut Rng,
    root: &Path,
    path: &Path,
    step: u64,
    broken: &mut Option<(PathBuf, String)>,
) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let ids: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
        .filter_map(|l| l.split('"').nth(1))
        .filter(|id| !id.is_empty() && !KEPT_IDS.contains(id))
        .collect();
    if ids.is_empty() {
        return "nothing".into();
    }
    let old = ids[rng.below(ids.len())].to_string();
    let new = format!("id-{step}");
    for file in sources(root, "kdl").iter().chain([&root.join("pmo.kdl")]) {
        let text = std::fs::read_to_string(file).unwrap();
        if text.contains(&format!("\"{old}\"")) {
            std::fs::write(file, renamed(file, &text, &old, &new)).unwrap();
        }
    }
    for file in sources(root, "csv") {
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, renamed(&file, &text, &old, &new)).unwrap();
    }
    // The text a later step puts back is renamed too, or putting it back
    // would undo the rename in that file alone.
    if let Some((path, text)) = broken {
        *text = renamed(path, text, &old, &new);
    }
    format!("rename the id {old} to {new}")
}

/// `text` of the file `path` with the id `old` renamed `new`: quoted in
/// KDL, whole cells in a CSV.
fn renamed(path: &Path, text: &str, old: &str, new: &str) -> String {
    if path.extension().is_some_and(|e| e == "csv") {
        let lines: Vec<String> = text
            .lines()
            .map(|l| {
                l.split(',')
                    .map(|c| if c == old { new } else { c })
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect();
        lines.join("\n") + "\n"
    } else {
        text.replace(&format!("\"{old}\""), &format!("\"{new}\""))
    }
}

/// A `name` changed: what pages show, no finding.
fn rename(path: &Path, step: u64) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let Some(at) = text.find("    name \"").map(|i| i + "    name \"".len()) else {
        return "nothing".into();
    };
    let Some(close) = text[at..].find('"').map(|i| at + i) else {
        return "nothing".into();
    };
    let changed = format!("{}Walked {step}{}", &text[..at], &text[close..]);
    std::fs::write(path, changed).unwrap();
    format!("name {} in {}", &text[at..close], path.display())
}

#[test]
fn a_round_is_a_full_compilation() {
    let steps = env_number("PMOC_WALK_STEPS", 60);
    let seed = env_number("PMOC_WALK_SEED", 0x5eed_2400_0000_0001);
    eprintln!("engine walk: {steps} steps, seed {seed:#x}");
    let (_keep, root) = example_copy("acme");
    let scratch = tempfile::tempdir().unwrap();
    let (mut kept, kept_seen) = engine(&root, scratch.path().join("kept"));
    let mut rng = Rng(seed);
    let mut broken = None;
    let mut done = Vec::new();
    let mut compared = 0;
    for step in 0..steps {
        done.push(edit(&mut rng, &root, step, &mut broken));
        let live = Live::default();
        let errors = kept.round(&live).unwrap();
        let fresh_out = scratch.path().join(format!("fresh-{step}"));
        let (mut fresh, fresh_seen) = engine(&root, fresh_out.clone());
        let fresh_errors = fresh.round(&live).unwrap();
        let first_error = kept_seen
            .lock()
            .unwrap()
            .iter()
            .find(|d| d.contains("Error"))
            .cloned();
        if let Some(first) = first_error {
            done.push(format!(
                "  ({} errors; the first: {first:.160})",
                errors.len()
            ));
        }
        let history = || done.join("\n  ");
        assert_eq!(
            *kept_seen.lock().unwrap(),
            *fresh_seen.lock().unwrap(),
            "step {step}: the diagnostics differ after:\n  {}",
            history()
        );
        assert_eq!(errors.len(), fresh_errors.len(), "step {step}");

        if errors.is_empty() {
            compared += 1;
            let (a, b) = (tree(&scratch.path().join("kept")), tree(&fresh_out));
            let paths = |t: &BTreeMap<PathBuf, Vec<u8>>| t.keys().cloned().collect::<Vec<_>>();
            assert_eq!(
                paths(&a),
                paths(&b),
                "step {step}: the site's files differ after:\n  {}",
                history()
            );
            for (path, bytes) in &a {
                assert!(
                    *bytes == b[path],
                    "step {step}: {} differs after:\n  {}",
                    path.display(),
                    history()
                );
            }
        }
        std::fs::remove_dir_all(&fresh_out).ok();
    }
    // A walk whose rounds all fail compares no site and proves nothing.
    assert!(
        compared * 4 >= steps,
        "only {compared} of {steps} rounds wrote a site to compare:\n  {}",
        done.join("\n  ")
    );
}

//! The Backstage export validated with Backstage's own code: the pinned
//! `@backstage/catalog-model` (tests/backstage/package.json and its lock,
//! installed by `.ci/run` with `npm ci --prefix tests/backstage`), run by
//! the machine's Node.js through `tests/backstage/validate.mjs`: every
//! entity through the catalog's entity policies and its kind's validator,
//! every reference resolved to an exported entity.
//!
//! The harness is libtest-mimic (`harness = false`): without Node.js or
//! the package, the tests show as ignored with a note saying why, never as
//! passed; with `CI` set they run, and fail.

mod common;

use std::path::Path;
use std::process::{Command, ExitCode};

use libtest_mimic::{Arguments, Failed, Trial};

use common::root;

/// Why the validator cannot run here, if it cannot.
fn missing() -> Option<String> {
    let node = Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        return Some("`node` not found (install Node.js)".into());
    }
    let package = root().join("tests/backstage/node_modules/@backstage/catalog-model");
    if !package.is_dir() {
        return Some(
            "@backstage/catalog-model not installed (run `npm ci --prefix tests/backstage`)".into(),
        );
    }
    None
}

/// Exports a project as Backstage entities and runs Backstage's validator
/// on the file; returns what the validator printed.
fn validate(project: &Path) -> Result<String, Failed> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let file = dir.path().join("catalog-info.yaml");
    let o = common::pmoc()
        .args(["export", "backstage"])
        .arg(project)
        .arg("--out")
        .arg(&file)
        .output()
        .map_err(|e| e.to_string())?;
    if !o.status.success() {
        return Err(format!("pmoc export failed: {}", String::from_utf8_lossy(&o.stderr)).into());
    }
    let o = Command::new("node")
        .arg(root().join("tests/backstage/validate.mjs"))
        .arg(&file)
        .output()
        .map_err(|e| e.to_string())?;
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    if !o.status.success() {
        return Err(format!(
            "Backstage rejects the export:\n{}{out}",
            String::from_utf8_lossy(&o.stderr)
        )
        .into());
    }
    Ok(out)
}

fn the_example_is_valid_for_backstage() -> Result<(), Failed> {
    let out = validate(&root().join("examples/acme"))?;
    for line in [
        "Component 33",
        "Domain 1",
        "Group 10",
        "System 8",
        "User 17",
        "valid 69 entities",
    ] {
        if !out.contains(line) {
            return Err(format!("expected `{line}` in:\n{out}").into());
        }
    }
    Ok(())
}

/// Ids ending in `-`, owners found by the fallbacks, names full of YAML
/// syntax, links to an absolute base-url.
fn a_hostile_catalogue_is_valid_for_backstage() -> Result<(), Failed> {
    let out = validate(&root().join("tests/fixtures/export/hostile"))?;
    if !out.contains("valid 8 entities, 12 references resolved") {
        return Err(format!("unexpected:\n{out}").into());
    }
    Ok(())
}

/// One validation test.
type Test = fn() -> Result<(), Failed>;

fn main() -> ExitCode {
    let args = Arguments::from_args();
    // Ignored only outside CI: there a missing validator is a failure.
    let why = missing();
    let ignored = why.is_some() && std::env::var_os("CI").is_none();
    if let Some(why) = &why {
        eprintln!("Backstage validation cannot run: {why}");
    }
    let tests: [(&str, Test); 2] = [
        (
            "the_example_is_valid_for_backstage",
            the_example_is_valid_for_backstage,
        ),
        (
            "a_hostile_catalogue_is_valid_for_backstage",
            a_hostile_catalogue_is_valid_for_backstage,
        ),
    ];
    let trials = tests
        .into_iter()
        .map(|(name, test)| {
            let why = why.clone();
            let run = move || match &why {
                Some(why) => Err(format!("Backstage validation cannot run: {why}").into()),
                None => test(),
            };
            Trial::test(name, run).with_ignored_flag(ignored)
        })
        .collect();
    libtest_mimic::run(&args, trials).exit_code()
}

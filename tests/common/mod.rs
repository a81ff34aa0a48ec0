//! Helpers shared by the integration tests: the `pmoc` binary with a clean
//! environment, the examples and copies of them, small projects in
//! temporary folders; `serve`: a running `pmoc serve`.
#![allow(dead_code)]

mod serve;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[allow(unused_imports)]
pub(crate) use serve::{Served, get};

/// The `pmoc` binary under test.
pub(crate) fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_pmoc"))
}

/// The `pmoc` binary under test, as a command whose outcome does not depend
/// on the environment the tests run in: no colour, no GitHub job summary,
/// no `SOURCE_DATE_EPOCH` (a test that wants one sets it), no `COLUMNS`.
pub(crate) fn pmoc() -> Command {
    let mut cmd = Command::new(bin());
    cmd.env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("COLUMNS");
    cmd
}

/// `pmoc ARGS…` run to its end (see [`pmoc`]), its output captured.
pub(crate) fn run(args: &[&str]) -> Output {
    pmoc().args(args).output().expect("pmoc runs")
}

/// `pmoc ARGS…` run from the folder `cwd`.
pub(crate) fn run_in(cwd: &Path, args: &[&str]) -> Output {
    pmoc()
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("pmoc runs")
}

/// The repository's root.
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The folder of `examples/NAME`.
pub(crate) fn example(name: &str) -> PathBuf {
    root().join("examples").join(name)
}

/// A copy of `examples/NAME`'s sources in a temporary folder, and its
/// canonical path (`…/NAME`). Not the site `pmoc build examples/NAME` may
/// have written into the example.
pub(crate) fn example_copy(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join(name);
    copy(&example(name), &to, |relative| {
        relative != Path::new("site")
    });
    let to = to.canonicalize().unwrap();
    (dir, to)
}

/// Copies the folder `from` to `to`, everything in it.
pub(crate) fn copy_tree(from: &Path, to: &Path) {
    copy(from, to, |_| true);
}

/// Copies the folder `from` to `to`, leaving out the entries (and what is
/// below them) whose path relative to `from` fails `keep`.
fn copy(from: &Path, to: &Path, keep: impl Fn(&Path) -> bool) {
    let entries = walkdir::WalkDir::new(from)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| keep(e.path().strip_prefix(from).unwrap()));
    for entry in entries {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A project in a temporary folder, from (path, text) pairs.
pub(crate) fn project_of(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// Runs `pmoc build PROJECT --out OUT` and asserts it succeeds.
pub(crate) fn build_into(project: &Path, out: &Path) {
    let o = run(&[
        "build",
        project.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A small valid project in a temporary folder: one function, two services
/// (`keep` and `drop`, each in its own file).
pub(crate) fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |p: &str, t: &str| {
        let path = dir.path().join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, t).unwrap();
    };
    write(
        "pmo.kdl",
        "pmo \"p\" { name \"P\"; mandate \"M\"; sponsor \"ann\"; as-of \"2026-11-01\" }\nperson \"ann\" name=\"Ann\"\nfunction \"f\" { name \"F\"; levels \"project\" }\ncustomer \"pm\" name=\"PM\"\nobjective \"o\" title=\"O\"\n",
    );
    write("services/keep.kdl", &service("keep", "Keep the lights on"));
    write("services/drop.kdl", &service("drop", "Soon gone"));
    dir
}

pub(crate) fn service(id: &str, name: &str) -> String {
    format!(
        "service \"{id}\" {{\n    name \"{name}\"\n    function \"f\"\n    description \"D\"; problem \"P\"\n    stage \"strategy\"\n    objectives \"o\"\n    offer \"pm\" level=\"mandated\"\n}}\n"
    )
}

/// The files of a vendored test corpus (`dir` from the project root), as
/// (file name, text), sorted by name.
pub(crate) fn corpus(dir: &str) -> Vec<(String, String)> {
    let dir = root().join(dir);
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let path = e.expect("a readable entry").path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    inputs.sort();
    inputs
}

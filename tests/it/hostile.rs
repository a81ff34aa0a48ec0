//! Hostile inputs: what the fuzzers (`fuzz/`) found, kept as regression
//! tests; a seeded mutation loop over the KDL spec's inputs and the
//! examples (the fuzz smoke run of a machine without cargo-fuzz); and the
//! hostile files of issue 10 through the `pmoc` binary.
//!
//! Every input must give a clean diagnostic, never a panic, an abort or a
//! long wait. Parsing and lowering run on a thread with the stack the
//! compile path gives them (64 MiB), as in `pmoc` itself.

use crate::common;
use crate::rng;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

use pmoc::base::{Code, Diagnostic, FileId};
use pmoc::{compile, emit, syntax};
use rng::Rng;

use common::run;

const MANIFEST: &str = "pmo \"p\" { name \"P\"; mandate \"M\"; sponsor \"ann\"; as-of \"2026-11-01\" }\nperson \"ann\" name=\"Ann\"\n";

/// The most one input may take through the library in a debug build (they
/// take milliseconds; the bound is loose so a busy machine does not fail it).
const PER_INPUT: Duration = Duration::from_secs(3);

/// The most one hostile file may take through the binary (debug build).
const PER_RUN: Duration = Duration::from_secs(5);

/// The stack of `pmoc`'s parsing threads (`compile::PARSER_STACK_BYTES`).
const STACK: usize = 64 * 1024 * 1024;

/// Runs `f` on a thread with the parsing threads' stack; a run that never
/// ends fails the test instead of hanging it.
fn with_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    let worker = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || tx.send(f()))
        .unwrap();
    match rx.recv_timeout(Duration::from_secs(120)) {
        Ok(result) => result,
        Err(RecvTimeoutError::Timeout) => panic!("still running after 120 s"),
        Err(RecvTimeoutError::Disconnected) => {
            std::panic::resume_unwind(worker.join().unwrap_err())
        }
    }
}

/// What one run of the pipeline gave.
struct Judged {
    diagnostics: Vec<Diagnostic>,
    human: String,
}

impl Judged {
    fn syntax(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.code == Code::KdlSyntax)
            .count()
    }
}

/// The files (the first the manifest, `pmo.kdl`) through the pipeline
/// itself (`compile::compile_memory`: decode, parse, lower, and without a
/// syntax error dedupe, index, the rules, the evaluation and the lints); the
/// diagnostics rendered as human, short and JSON output.
fn judge(files: &[&[u8]]) -> Judged {
    let named = files
        .iter()
        .enumerate()
        .map(|(i, bytes)| {
            let name = match i {
                0 => "pmo.kdl".to_string(),
                _ => format!("f{i}.kdl"),
            };
            (name, bytes.to_vec())
        })
        .collect();
    let compiled = compile::compile_memory(named, &compile::Options::default());
    let (diagnostics, sources) = (compiled.diagnostics, compiled.sources);
    let human = emit::human::render(&diagnostics, &sources, false);
    emit::human::render_short(&diagnostics, &sources);
    emit::json::render(&diagnostics, &sources);
    Judged { diagnostics, human }
}

/// One input judged beside the manifest and as the manifest, in time.
fn judge_both(input: &[u8]) -> Judged {
    let start = Instant::now();
    judge(&[input]);
    let judged = judge(&[MANIFEST.as_bytes(), input]);
    let took = start.elapsed();
    assert!(
        took < PER_INPUT,
        "{took:?} for {:?}",
        String::from_utf8_lossy(&input[..input.len().min(200)])
    );
    judged
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn kdl_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "kdl"))
        .collect();
    files.sort();
    files
}

// ---------------------------------------------------------------------------
// What the fuzzers found (`tests/fixtures/hostile`).

/// Each input the fuzzers found, what it was, and the finding it gives now.
const FOUND: &[(&str, &str, &str)] = &[
    (
        "kdl1-keyword-annotation.kdl",
        "the kdl crate's 1.0 parser panicked on `(true` near the end (a span past its input)",
        "`#nullode` is not a keyword",
    ),
    (
        "long-raw-string-opening.kdl",
        "an unclosed raw string's slip spanned its 259-byte opening",
        "this raw string is never closed",
    ),
    (
        "long-value-without-space.kdl",
        "a slip spanned a 226-byte string",
        "expected a space before this value",
    ),
    (
        "multiline-nbsp-indent.kdl",
        "just-kdl panicked slicing a multi-line string's NBSP indentation",
        "every line of a multi-line string starts with the indentation",
    ),
    (
        "slashdash-unclosed-multiline-spaces.kdl",
        "the same loop when the last line holds fewer spaces than the indentation",
        "this multi-line string is never closed",
    ),
    (
        "slashdash-unclosed-multiline.kdl",
        "just-kdl looped forever skipping an unclosed `/-`'d multi-line string",
        "this multi-line string is never closed",
    ),
];

#[test]
fn every_fuzz_finding_gives_short_syntax_findings() {
    let dir = root().join("tests/fixtures/hostile");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let listed: Vec<&str> = FOUND.iter().map(|(name, _, _)| *name).collect();
    assert_eq!(names, listed, "every input is listed with what it was");
    let mut wrong = Vec::new();
    for (name, was, message) in FOUND {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        let judged = with_stack(move || judge_both(&bytes));
        let syntax: Vec<&Diagnostic> = judged
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::KdlSyntax)
            .collect();
        assert!(
            (1..=MAX_SYNTAX_FINDINGS).contains(&syntax.len()),
            "{name} ({was}): {} findings",
            syntax.len()
        );
        for d in &syntax {
            let span = d.span.range();
            assert!(
                span.end <= text.len() && span.len() <= 80,
                "{name}: {span:?}"
            );
        }
        if !syntax.iter().any(|d| d.message.contains(message)) {
            let said: Vec<&String> = syntax.iter().map(|d| &d.message).collect();
            wrong.push(format!("{name}: {said:?}"));
        }
        assert!(judged.human.len() < 8_000, "{name}");
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Where pmoc's reader and the `kdl` crate's `parse_v2` disagree on
/// accepting a text (the `differential` target with `PMOC_FUZZ_STRICT=1`),
/// who is right by the KDL 2.0 specification; each still disagrees
/// (a failure here may mean the crate was fixed upstream).
const DISAGREEMENTS: &[(&str, bool, &str)] = &[
    (
        "node \\\n    arg1 \\// comme\u{0}\u{0}rg2\n",
        false,
        "U+0000 is a disallowed literal code point, in a comment too: the crate accepts it",
    ),
    (
        "// 0x007F (Delete)\nnode1 \u{7f}arg\n",
        false,
        "U+007F is disallowed: the crate accepts it",
    ),
    (
        "node #\"\"\"one line\"\"\"#",
        false,
        "a multi-line string needs a line break after `\"\"\"` (spec input multiline_raw_string_single_line_err_fail): the crate accepts it",
    ),
    (
        "node \"string\"/-1\n",
        true,
        "no space is needed before `/-` (spec inputs zero_space_before_slashdash_*): the crate rejects it",
    ),
    (
        "node 0o76543214444444444444444444444444444444444444444444444444\n",
        true,
        "KDL leaves the range of numbers to the application; pmoc reads an integer past i128 as the nearest float, the crate refuses it",
    ),
    (
        "node1; /-de2; \r",
        true,
        "a slashdashed node after `;` on the same line: the crate rejects it",
    ),
    (
        "n/-\nk \n/-nano8",
        true,
        "the same, with a line break after `/-`: the crate rejects it",
    ),
];

#[test]
fn the_readers_disagreements_are_decided() {
    for (text, pmoc_accepts, why) in DISAGREEMENTS {
        let ours = syntax::parse_v2(FileId(0), text).is_ok();
        let theirs = kdl::KdlDocument::parse_v2(text).is_ok();
        assert_eq!(ours, *pmoc_accepts, "{text:?}: {why}");
        assert_ne!(ours, theirs, "{text:?}: they agree now ({why})");
    }
}

// ---------------------------------------------------------------------------
// The seeded mutation loop.

/// What the mutations insert: delimiters, comment and string syntax,
/// escapes, controls, line breaks, multibyte and invisible characters.
const PIECES: &[&str] = &[
    "{",
    "}",
    "\"",
    "/*",
    "*/",
    "/-",
    "\\",
    "//",
    "#",
    "=",
    "(",
    ")",
    ";",
    "\"\"\"",
    "#\"",
    "\"#",
    "r#\"",
    "\n",
    "\r",
    "\r\n",
    "\t",
    "\u{0}",
    "\u{1b}",
    "\u{7f}",
    "\u{85}",
    "\u{b}",
    "\u{c}",
    "\u{2028}",
    "é",
    "😀",
    "\u{202e}",
    "\u{feff}",
    "\u{a0}",
    "#true",
    "#null",
    "#inf",
    "#-nan",
    "true",
    "0x",
    "1e999",
    "-0",
    "99999999999999999999999999999999999999999",
    "\\u{",
    "\\u{10ffff}",
    "\\u{d800}",
    "\\n",
    "{}",
    "a {",
    "service \"s\" {",
    "id=",
    "depends-on \"",
    "x=1",
    "(t)",
];

const MAX_MUTANT: usize = 64 * 1024;

/// One to four mutations of `seed`, `other` a second input to splice from.
fn mutate(rng: &mut Rng, seed: &[u8], other: &[u8]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(7) {
            0 if !bytes.is_empty() => {
                let i = rng.below(bytes.len());
                bytes[i] ^= 1 << rng.below(8);
            }
            1 | 2 => {
                let piece = PIECES[rng.below(PIECES.len())].repeat(1 + rng.below(3));
                bytes.splice(at..at, piece.bytes());
            }
            3 => {
                let end = (at + rng.below(256)).min(bytes.len());
                let slice = bytes[at..end].to_vec();
                let most = if rng.below(8) == 0 { 200 } else { 3 };
                let times = 1 + rng.below(most);
                let to = rng.below(bytes.len() + 1);
                bytes.splice(to..to, slice.repeat(times));
            }
            4 => bytes.truncate(at),
            5 => {
                let end = (at + rng.below(64)).min(bytes.len());
                bytes.drain(at..end);
            }
            _ => {
                let from = rng.below(other.len() + 1);
                let end = (from + rng.below(512)).min(other.len());
                bytes.splice(at..at, other[from..end].iter().copied());
            }
        }
        bytes.truncate(MAX_MUTANT);
    }
    // Mostly text: the reader is the interesting part, not the decoder.
    if rng.below(4) != 0 {
        bytes = String::from_utf8_lossy(&bytes).into_owned().into_bytes();
    }
    bytes
}

/// The spec's inputs and the examples' files.
fn seeds() -> Vec<Vec<u8>> {
    let mut files = kdl_files(&root().join("tests/kdl-spec/input"));
    files.extend(kdl_files(&root().join("examples")));
    files.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// Mutated inputs through parse, lowering, the checks and the renderers:
/// no panic, no abort, each in time. Deterministic (a fixed seed and
/// count); a failure prints the iteration to replay.
#[test]
fn mutated_inputs_never_panic() {
    const ITERATIONS: usize = 2500;
    let (count, syntax) = with_stack(|| {
        let seeds = seeds();
        let mut rng = Rng(0x0005_eed0_fb16_f00d);
        let mut syntax = 0;
        for i in 0..ITERATIONS {
            let seed = &seeds[rng.below(seeds.len())];
            let other = &seeds[rng.below(seeds.len())];
            let input = mutate(&mut rng, seed, other);
            let judged = std::panic::catch_unwind(|| judge_both(&input)).unwrap_or_else(|_| {
                panic!(
                    "iteration {i}: {:?}",
                    String::from_utf8_lossy(&input[..input.len().min(2000)])
                )
            });
            syntax += usize::from(judged.syntax() > 0);
            let bound = 8192 * (judged.diagnostics.len() + 1);
            assert!(
                judged.human.len() <= bound,
                "iteration {i}: {} bytes",
                judged.human.len()
            );
        }
        (ITERATIONS, syntax)
    });
    // The mutants exercise both sides: some read, some do not.
    assert!(syntax > count / 10 && syntax < count, "{syntax} of {count}");
}

// ---------------------------------------------------------------------------
// Hostile files through the binary.

/// `pmoc check` of a project (the manifest and `x.kdl`), and how long it took.
fn check_project(dir: &Path, format: &str) -> (Output, Duration) {
    let start = Instant::now();
    let output = run(&["check", dir.to_str().unwrap(), "--format", format]);
    (output, start.elapsed())
}

/// The most syntax findings of a file: 20 and one "and N more".
const MAX_SYNTAX_FINDINGS: usize = 21;

/// `x.kdl` beside the manifest: `pmoc check` exits 1, quickly, with
/// `kdl-syntax` findings in `x.kdl` (at most [`MAX_SYNTAX_FINDINGS`]) and
/// nothing else there. Returns the first finding as JSON.
fn refused(what: &str, text: &[u8]) -> serde_json::Value {
    let dir = common::project_of(&[("pmo.kdl", MANIFEST)]);
    std::fs::write(dir.path().join("x.kdl"), text).unwrap();
    refused_in(what, dir.path())
}

fn refused_in(what: &str, dir: &Path) -> serde_json::Value {
    let (o, took) = check_project(dir, "json");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{what}: {stderr}");
    assert!(took < PER_RUN, "{what}: {took:?}");
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON document");
    let found: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == "x.kdl")
        .collect();
    assert!(
        (1..=MAX_SYNTAX_FINDINGS).contains(&found.len()),
        "{what}: {found:?}"
    );
    assert!(
        found.iter().all(|d| d["code"] == "kdl-syntax"),
        "{what}: {found:?}"
    );
    found[0].clone()
}

#[test]
fn block_comments_and_slashdash_chains_are_refused_quickly() {
    let opened = refused("50,000 `/*`", "/*".repeat(50_000).as_bytes());
    assert!(opened["message"].as_str().unwrap().contains("never closed"));
    refused(
        "a chain of 100,000 `/- `",
        ("/- ".repeat(100_000) + "a\n").as_bytes(),
    );
    refused(
        "4,000 `/- ` on one line",
        format!("a {}1\n", "/- ".repeat(4000)).as_bytes(),
    );
}

/// Files the KDL 2.0 reader rejects are read as KDL 1.0 (by the syntax
/// tree's 1.0 dialect, which never recurses; the `kdl` crate's recursive
/// 1.0 parser overflowed its stack on these: `/*/*` counted as an open and
/// a close, a `}` in a string or a comment cancelling a real `{`, each `*`
/// in a comment a level of recursion). Invalid ones are refused quickly,
/// a valid one reads whatever its comments hold.
#[test]
fn the_kdl_1_fallback_never_sees_deep_files() {
    let cases = [
        ("20,000 `/*`", "/*".repeat(20_000)),
        (
            "`}` in strings",
            format!("a {{{}", " b \"}\" {".repeat(20_000)),
        ),
        (
            "`}` in comments",
            format!("a {{{}", " b /* } */ {".repeat(15_000)),
        ),
    ];
    for (what, text) in cases {
        refused(what, text.as_bytes());
    }
    let starred = format!("a true /* {}*/\n", "* ".repeat(20_000));
    let doc = syntax::parse(FileId(0), &starred).expect("read as KDL 1.0");
    assert_eq!(doc.nodes.len(), 1);
    // Braces in strings and comments no longer count against a 1.0 file.
    let v1 = format!(
        "a true \"{0}\" /* {0} */ r#\"{0}\"# {{\n    b null\n}}\n",
        "{".repeat(70)
    );
    let doc = syntax::parse(FileId(0), &v1).expect("read as KDL 1.0");
    assert_eq!(doc.nodes[0].children().len(), 1);
}

#[test]
fn nesting_is_refused_only_where_it_is_real() {
    let deep = refused("100,000 nested `a{`", "a{".repeat(100_000).as_bytes());
    assert!(
        deep["message"]
            .as_str()
            .unwrap()
            .contains("nested more than")
    );
    // Braces in a string are text: accepted, no depth error.
    let dir = common::project_of(&[
        ("pmo.kdl", MANIFEST),
        (
            "x.kdl",
            &format!("person \"b\" name=\"{}\"\n", "{".repeat(70)),
        ),
    ]);
    let (o, took) = check_project(dir.path(), "json");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(took < PER_RUN, "{took:?}");
}

#[test]
fn an_escape_character_in_a_string_is_refused() {
    let esc = refused("ESC in a string", b"person \"c\" name=\"\x1b[31m\"\n");
    assert!(esc["message"].as_str().unwrap().contains("U+001B"), "{esc}");
}

#[test]
fn a_two_megabyte_line_of_slips_is_a_bounded_list_of_findings() {
    let line = "a=1 \"x {} #foo 1.2.3 [ /* \\q ".repeat(70_000) + "\n";
    assert!(line.len() > 2_000_000);
    refused("a 2 MB line", line.as_bytes());
    let dir = common::project_of(&[("pmo.kdl", MANIFEST), ("x.kdl", &line)]);
    let (o, took) = check_project(dir.path(), "human");
    assert!(took < PER_RUN, "{took:?}");
    assert!(o.stderr.len() < 8_000, "{} bytes of output", o.stderr.len());
}

#[test]
fn lone_carriage_returns_number_the_lines_of_a_syntax_error() {
    let text = b"// one\r// two\rperson \"d\" name=\"D\" {\r// four\r";
    let slip = refused("lone CR", text);
    assert_eq!((&slip["line"], &slip["column"]), (&3.into(), &21.into()));
    let dir = common::project_of(&[("pmo.kdl", MANIFEST)]);
    std::fs::write(dir.path().join("x.kdl"), text).unwrap();
    let (o, _) = check_project(dir.path(), "human");
    let human = String::from_utf8_lossy(&o.stderr);
    assert!(human.contains("/x.kdl:3:21]"), "{human}");
    assert!(human.contains(" 3 │ person \"d\" name=\"D\" {"), "{human}");
}

/// The maximum resident set of a run, in KiB, when `/usr/bin/time` can say.
fn peak_kib(dir: &Path) -> Option<(Output, u64)> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return None;
    }
    let report = dir.join("time.txt");
    let output = Command::new(time)
        .args(["-f", "%M", "-o", report.to_str().unwrap()])
        .arg(common::bin())
        .args(["check", dir.to_str().unwrap()])
        .args(["--format", "json"])
        .env("NO_COLOR", "1")
        .output()
        .ok()?;
    let kib = std::fs::read_to_string(report).ok()?.trim().parse().ok()?;
    Some((output, kib))
}

/// A 2 GiB file (sparse: it takes no disk) is refused unread: the compile
/// path reads at most 8 MiB and a byte of it.
#[test]
fn a_file_over_eight_mebibytes_is_refused_without_being_read() {
    let dir = common::project_of(&[("pmo.kdl", MANIFEST)]);
    let huge = std::fs::File::create(dir.path().join("x.kdl")).unwrap();
    huge.set_len(2 << 30).unwrap();
    drop(huge);
    let slip = refused_in("a 2 GiB file", dir.path());
    assert!(
        slip["message"]
            .as_str()
            .unwrap()
            .contains("larger than 8 MiB"),
        "{slip}"
    );
    if let Some((o, kib)) = peak_kib(dir.path()) {
        assert_eq!(o.status.code(), Some(1));
        assert!(kib < 200 * 1024, "{kib} KiB resident");
    }
}

// ---------------------------------------------------------------------------
// Symbolic links: followed only when they lead inside the project.

/// `pmoc ARGS…`: its exit code, stdout and stderr.
fn outcome(args: &[&str]) -> (Option<i32>, String, String) {
    let o = run(args);
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (o.status.code(), text(&o.stdout), text(&o.stderr))
}

/// A project with a service and a metric, and a folder outside it holding
/// a "secret" CSV and a "secret" file.
fn linked_project() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let top = tempfile::tempdir().unwrap();
    let p = top.path().join("p");
    let outside = top.path().join("outside");
    std::fs::create_dir_all(&p).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(p.join("pmo.kdl"), MANIFEST).unwrap();
    std::fs::write(
        p.join("m.kdl"),
        "metric \"m\" name=\"M\" unit=\"percent\" direction=\"higher\" cadence=\"month\"\n",
    )
    .unwrap();
    std::fs::write(
        outside.join("secret.csv"),
        "root:x:0:0:SECRET-LINE:/root:/bin/bash\n",
    )
    .unwrap();
    std::fs::write(outside.join("secret.css"), "SECRET-ASSET").unwrap();
    std::fs::write(
        outside.join("x.kdl"),
        "person \"eve\" name=\"SECRET-KDL\"\n",
    )
    .unwrap();
    (top, p, outside)
}

fn link(target: &Path, at: &Path) {
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, at).unwrap();
}

/// The `metrics-csv` findings of `pmoc check PROJECT --format json`.
fn metrics_findings(p: &Path, extra: &[&str]) -> (String, Vec<serde_json::Value>) {
    let mut args = vec!["check", p.to_str().unwrap(), "--format", "json"];
    args.extend_from_slice(extra);
    let (_, stdout, stderr) = outcome(&args);
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    let found = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "metrics-csv")
        .cloned()
        .collect();
    (stdout + &stderr, found)
}

#[test]
fn a_metrics_folder_or_file_linked_outside_the_project_is_refused_unread() {
    let (_top, p, outside) = linked_project();
    link(&outside, &p.join("metrics"));
    let (printed, found) = metrics_findings(&p, &[]);
    assert!(!printed.contains("SECRET"), "{printed}");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["file"], "metrics");
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("outside the project"),
        "{found:?}"
    );
    let (_, _, human) = outcome(&["check", p.to_str().unwrap()]);
    assert!(!human.contains("SECRET"), "{human}");

    // A link to a file, or to a folder, below a real `metrics/`.
    std::fs::remove_file(p.join("metrics")).unwrap();
    link(&outside.join("secret.csv"), &p.join("metrics/x.csv"));
    link(&outside, &p.join("metrics/sub"));
    link(Path::new("/nonexistent/pmoc"), &p.join("metrics/gone.csv"));
    let (printed, found) = metrics_findings(&p, &[]);
    assert!(!printed.contains("SECRET"), "{printed}");
    let files: Vec<&str> = found.iter().map(|d| d["file"].as_str().unwrap()).collect();
    assert_eq!(files, ["metrics/gone.csv", "metrics/sub", "metrics/x.csv"]);
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("leads nowhere")
    );
}

#[test]
fn a_metrics_link_inside_the_project_is_read_once() {
    let (_top, p, _outside) = linked_project();
    std::fs::create_dir_all(p.join("data")).unwrap();
    std::fs::write(
        p.join("data/a.csv"),
        "period,service,metric,value\n2026-01,nobody,m,1\n",
    )
    .unwrap();
    link(&p.join("data"), &p.join("metrics"));
    link(&p.join("data/a.csv"), &p.join("data/b.csv"));
    let (_, found) = metrics_findings(&p, &[]);
    assert_eq!(found.len(), 1, "one file, one bad row: {found:?}");
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("no service `nobody`")
    );
}

#[test]
fn a_metrics_folder_named_on_the_command_line_is_read_where_it_is() {
    let (_top, p, outside) = linked_project();
    let (printed, found) = metrics_findings(&p, &["--metrics", outside.to_str().unwrap()]);
    // The user's choice: the file is read (its header is not a metrics header).
    assert_eq!(found.len(), 4, "{printed}");
    assert!(
        found
            .iter()
            .all(|d| d["message"].as_str().unwrap().contains("the header has no"))
    );
}

#[test]
fn a_theme_linked_outside_the_project_stops_the_build() {
    let (top, p, outside) = linked_project();
    let site = top.path().join("site");
    let build = |p: &Path| {
        outcome(&[
            "build",
            p.to_str().unwrap(),
            "--out",
            site.to_str().unwrap(),
        ])
    };
    link(&outside, &p.join("theme"));
    let (code, _, stderr) = build(&p);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("`theme` is a symbolic link to a place outside the project"),
        "{stderr}"
    );
    assert!(!site.exists());

    std::fs::remove_file(p.join("theme")).unwrap();
    link(&outside.join("secret.css"), &p.join("theme/assets/x.css"));
    let (code, _, stderr) = build(&p);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("`theme/assets/x.css` is a symbolic link"),
        "{stderr}"
    );
    assert!(!site.exists());

    // Nor into a hidden folder or file of the project (`.git/config` may
    // hold a CI token).
    std::fs::remove_file(p.join("theme/assets/x.css")).unwrap();
    std::fs::create_dir_all(p.join(".git")).unwrap();
    std::fs::write(p.join(".git/config"), "SECRET-TOKEN").unwrap();
    std::fs::write(p.join(".env"), "SECRET-ENV").unwrap();
    link(&p.join(".env"), &p.join("theme/assets/x.css"));
    let (code, _, stderr) = build(&p);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("into a hidden file or folder"), "{stderr}");
    std::fs::remove_dir_all(p.join("theme")).unwrap();
    link(&p.join(".git"), &p.join("theme"));
    let (code, _, stderr) = build(&p);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(!site.exists());
    std::fs::remove_file(p.join("theme")).unwrap();

    // Inside the project, a link is followed.
    std::fs::write(p.join("look.css"), "LOOK").unwrap();
    link(&p.join("look.css"), &p.join("theme/assets/x.css"));
    let (code, _, stderr) = build(&p);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(site.join("assets/x.css")).unwrap(),
        "LOOK"
    );
}

#[test]
fn a_linked_manifest_is_read_inside_the_project_and_refused_outside() {
    let (_top, p, outside) = linked_project();
    // Inside: the target is read once, as the manifest.
    std::fs::create_dir_all(p.join("config")).unwrap();
    std::fs::rename(p.join("pmo.kdl"), p.join("config/pmo.kdl")).unwrap();
    link(Path::new("config/pmo.kdl"), &p.join("pmo.kdl"));
    let (code, stdout, stderr) = outcome(&["check", p.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stderr.contains("in 2 files"), "{stderr}");
    let (code, stdout, _) = outcome(&["review", p.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, Some(0));
    let review: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(review["pmo"]["id"], "p");

    // Outside (or nowhere): every command stops, naming the link.
    std::fs::remove_file(p.join("pmo.kdl")).unwrap();
    std::fs::rename(p.join("config/pmo.kdl"), outside.join("pmo.kdl")).unwrap();
    link(&outside.join("pmo.kdl"), &p.join("pmo.kdl"));
    for verb in ["check", "build", "review", "fmt"] {
        let (code, stdout, stderr) = outcome(&[verb, p.to_str().unwrap()]);
        assert_eq!(code, Some(2), "{verb}: {stdout}{stderr}");
        assert!(
            stderr.contains("`pmo.kdl` is a symbolic link to a place outside the project"),
            "{verb}: {stderr}"
        );
    }
}

#[test]
fn a_linked_source_is_followed_inside_the_project_only() {
    let (_top, p, outside) = linked_project();
    link(&outside.join("x.kdl"), &p.join("people/x.kdl"));
    let (code, stdout, stderr) = outcome(&["check", p.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{stdout}{stderr}");
    assert!(
        stderr.contains("`people/x.kdl` is a symbolic link"),
        "{stderr}"
    );
    assert!(!stderr.contains("SECRET"), "{stderr}");

    // A link to a file of the project formats that file, through the link
    // or by the file's name, and stays a link.
    std::fs::remove_file(p.join("people/x.kdl")).unwrap();
    std::fs::write(p.join("team.kdl"), "person   \"bo\"   name=\"Bo\"\n").unwrap();
    link(Path::new("../team.kdl"), &p.join("people/x.kdl"));
    let (code, stdout, stderr) = outcome(&["check", p.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    let linked = p.join("people/x.kdl");
    let (code, stdout, stderr) = outcome(&["fmt", linked.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(linked.is_symlink());
    assert_eq!(
        std::fs::read_to_string(p.join("team.kdl")).unwrap(),
        "person \"bo\" name=\"Bo\"\n"
    );
}

// ---------------------------------------------------------------------------
// Floods of metrics rows and columns.

/// A project with service `s` and metric `m`, and `metrics/flood.csv`.
fn metrics_project(csv: &str) -> tempfile::TempDir {
    let services = "metric \"m\" name=\"M\" unit=\"percent\" direction=\"higher\" cadence=\"month\"\n\
        customer \"pms\" name=\"PMs\"\n\
        function \"fn\" { name \"Fn\"; levels \"project\" }\n\
        service \"s\" { name \"S\"; function \"fn\"; description \"D\"; stage \"design\"; offer \"pms\" level=\"mandated\"; owner \"ann\" }\n";
    common::project_of(&[
        ("pmo.kdl", MANIFEST),
        ("m.kdl", services),
        ("metrics/flood.csv", csv),
    ])
}

/// The findings of a file are capped at 100, in file order, then one "and
/// N more" finding; the counts include those not shown.
#[test]
fn a_flood_of_bad_rows_is_capped_per_file_and_counted() {
    let mut csv = String::from("period,service,metric,value\n");
    for i in 0..300 {
        // A bad value, then a second row for a period already given.
        csv.push_str(&format!("2026-01,s,m,x{i}\n2026-01,s,m,1\n"));
    }
    let dir = metrics_project(&csv);
    let (o, _) = check_project(dir.path(), "json");
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let found: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == "metrics/flood.csv")
        .collect();
    assert_eq!(found.len(), 101, "{report}");
    // 300 bad values and 299 second rows (the first row of 2026-01 stands).
    assert_eq!(found[0]["line"], 2);
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("`x0` is not a number")
    );
    assert!(
        found[2]["message"]
            .as_str()
            .unwrap()
            .contains("a second row")
    );
    assert_eq!(found[99]["line"], 102);
    assert_eq!(
        found[100]["message"],
        "and 499 more findings in this file, not shown"
    );
    assert_eq!(found[100]["line"], 103);
    let others = report["diagnostics"].as_array().unwrap().len() - found.len();
    assert_eq!(
        report["error_count"].as_u64().unwrap() as usize
            + report["warning_count"].as_u64().unwrap() as usize,
        599 + others
    );
    // Human output: the summary, and the closing count of every finding.
    let (o, _) = check_project(dir.path(), "human");
    let human = String::from_utf8_lossy(&o.stderr);
    assert!(
        human.contains("and 499 more findings in this file, not shown"),
        "{human}"
    );
    assert_eq!(human.matches("a second row").count(), 49, "{human}");
}

/// A million duplicate rows need memory for the file, not for a finding
/// per row (1.5 GB and 40 s before the cap, debug build).
#[test]
fn a_million_duplicate_rows_keep_memory_flat() {
    let mut csv = String::from("period,service,metric,value\n");
    csv.push_str(&"2026-01,s,m,1\n".repeat(1_000_000));
    let dir = metrics_project(&csv);
    drop(csv);
    if let Some((o, kib)) = peak_kib(dir.path()) {
        assert_eq!(o.status.code(), Some(1));
        let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(report["error_count"], 999_999, "{report:.300}");
        assert!(kib < 200 * 1024, "{kib} KiB resident");
    }
}

/// The duplicate-column scan of a header is linear: 100,000 columns are
/// read in well under a second (8.8 s in release before).
#[test]
fn a_header_of_a_hundred_thousand_columns_is_read_quickly() {
    let mut csv = String::from("period,service,metric,value");
    for i in 0..100_000 {
        csv.push_str(&format!(",c{i}"));
    }
    csv.push_str(",c7\n");
    let dir = metrics_project(&csv);
    let (o, took) = check_project(dir.path(), "json");
    assert!(took < PER_RUN, "{took:?}");
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let messages: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == "metrics/flood.csv")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages, ["the header names `c7` twice"]);
}

/// Year 0000 is no period, and a number past 2^64 − 1 is too large (not
/// "not a whole number"), in a CSV's `n` as in a source's `size`.
#[test]
fn year_zero_and_numbers_past_two_to_the_64_are_named() {
    let dir = metrics_project(
        "period,service,metric,value,n\n0000-01,s,m,1,1\n2026-01,s,m,1,18446744073709551616\n",
    );
    std::fs::write(
        dir.path().join("c.kdl"),
        "customer \"big\" name=\"Big\" size=18446744073709551616\n",
    )
    .unwrap();
    let (o, _) = check_project(dir.path(), "json");
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let messages: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    for expected in [
        "`0000-01` is not a period: there is no year 0000 (years run from 0001)",
        "`18446744073709551616` is too large a count of observations",
        "the number is too large: at most 18446744073709551615",
    ] {
        assert!(messages.contains(&expected), "{expected}: {messages:?}");
    }
}

// ---------------------------------------------------------------------------
// Output escaping: no name, criterion or path reaches a terminal or a CI
// log raw, nor starts a line of its own.

/// Whether an output holds a control character or a forged line.
fn forged(out: &str) -> bool {
    out.contains('\u{1b}')
        || out.contains('\u{7}')
        || out
            .lines()
            .any(|l| l.starts_with("::error file=pmo.kdl") || l.starts_with("FORGED"))
}

#[test]
fn a_file_name_cannot_forge_a_line_in_any_format() {
    let dir = common::project_of(&[("pmo.kdl", MANIFEST)]);
    for name in [
        "a\n::error file=pmo.kdl,line=1::FORGED\n.kdl",
        "b\u{1b}]0;PWNED\u{7}.kdl",
    ] {
        std::fs::write(dir.path().join(name), "person \"x\" nmae=\"X\"\n").unwrap();
    }
    for format in ["human", "short", "github"] {
        let (o, _) = check_project(dir.path(), format);
        assert_eq!(o.status.code(), Some(1));
        let out =
            String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
        assert!(!forged(&out), "{format}: {out}");
        assert!(out.contains("␛]0;PWNED␇"), "{format}: {out}");
        if format == "github" {
            assert!(
                out.contains("a%0A%3A%3Aerror file=pmo.kdl%2Cline=1%3A%3AFORGED%0A.kdl"),
                "{out}"
            );
        } else {
            assert!(
                out.contains("a␊::error file=pmo.kdl,line=1::FORGED␊.kdl"),
                "{format}: {out}"
            );
        }
    }
    // A line feed in a cell, quoted in a message: shown in every format.
    let dir = metrics_project(
        "period,service,metric,value\n2026-01,\"s\n::error file=pmo.kdl,line=1::FORGED\",m,1\n",
    );
    for format in ["human", "short"] {
        let (o, _) = check_project(dir.path(), format);
        let out = String::from_utf8_lossy(&o.stderr);
        assert!(
            out.contains("no service `s␊::error file=pmo.kdl,line=1::FORGED` is declared"),
            "{format}: {out}"
        );
    }
    // A path in an error: one line.
    let (code, _, stderr) = outcome(&[
        "check",
        dir.path()
            .join("x\n::error file=pmo.kdl::FORGED")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(code, Some(2));
    assert!(!forged(&stderr), "{stderr}");
}

#[test]
fn the_diff_shows_control_characters_in_every_text_format() {
    let gate = |must: &str| {
        format!(
            "gate \"g\" {{ name \"G\"; from \"pilot\"; to \"implementation\"; approvers \"ann\"; must \"M\"{must} }}\n"
        )
    };
    let old = common::project_of(&[("pmo.kdl", MANIFEST), ("g.kdl", &gate(""))]);
    let new = common::project_of(&[
        ("pmo.kdl", MANIFEST),
        (
            "g.kdl",
            &gate("; must \"\\u{1b}]0;PWNED\\u{7}\\nFORGED line\""),
        ),
    ]);
    for format in ["text", "markdown"] {
        let (code, stdout, stderr) = outcome(&[
            "diff",
            old.path().to_str().unwrap(),
            new.path().to_str().unwrap(),
            "--format",
            format,
        ]);
        assert_eq!(code, Some(0), "{stderr}");
        assert!(stdout.contains("PWNED"), "{format}: {stdout}");
        assert!(!forged(&stdout), "{format}: {stdout}");
    }
}

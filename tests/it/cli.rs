//! The command line end to end: exit codes, every output format, and the
//! promises of section 8 (no cascades, nothing hidden, never a panic).

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

use common::{pmoc, run, run_in};

fn example(name: &str) -> String {
    common::example(name).display().to_string()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

const MANIFEST: &str = "pmo \"p\" { name \"P\"; mandate \"M\"; sponsor \"ann\"; as-of \"2026-11-01\" }\nperson \"ann\" name=\"Ann\"\n";

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).expect("stdout is one JSON document")
}

fn codes(o: &Output) -> Vec<String> {
    json(o)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_example_catalogue_checks_clean() {
    // Its declarations are clean but for the governing-ahead warnings it
    // shows on purpose (README): without observations only the roadmap's
    // slipped plan, the over-committed reporting analysts, the saturated
    // project managers, the expired hold, the overdue improvement and the
    // programme managers' missing training are reported.
    let empty = tempfile::tempdir().unwrap();
    let no_metrics = ["--metrics", empty.path().to_str().unwrap()];
    let o = run(&[
        &["check", &example("acme")][..],
        &no_metrics,
        &["--format", "json"],
    ]
    .concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        codes(&o),
        // In file order: customers.kdl, improvements.kdl, people.kdl, services/….
        [
            "change-saturation",
            "improvement-overdue",
            "capacity-overcommitted",
            "hold-expired",
            "plan-slipped",
            "onboarding-gap"
        ]
    );
    // Its observations make triggers fire and show a service without data,
    // as a PMO's review would: warnings of the metrics rules besides those.
    let o = run(&["check", &example("acme"), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut found = codes(&o);
    found.sort();
    found.dedup();
    assert_eq!(
        found,
        [
            "adoption-behind-plan",
            "budget-burning",
            "budget-exhausted",
            "capacity-overcommitted",
            "change-saturation",
            "decision-overdue",
            "hold-expired",
            "improvement-overdue",
            "insufficient-data",
            "onboarding-gap",
            "plan-slipped",
            "trigger-fired"
        ]
    );
    let fired = json(&o)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "trigger-fired")
        .count();
    assert_eq!(
        fired, 6,
        "low adoption, low satisfaction, slow turnaround, an SLA breached twice, adoption sliding, change backlog"
    );
}

#[test]
fn the_broken_example_gives_exactly_its_codes() {
    let o = run(&["check", &example("broken"), "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        codes(&o),
        [
            "missing-field",
            "unknown-node",
            "gate-bad-transition",
            "dependency-cycle",
            "warn-inverted",
            "operation-needs-sla",
            "unknown-reference",
            "invalid-value",
            "decision-unauthorised",
            "duplicate-id",
        ]
    );
    let report = json(&o);
    assert_eq!(report["valid"], false);
    assert_eq!(report["error_count"], 10);
    let typo = &report["diagnostics"][6];
    assert_eq!(typo["help"], "did you mean `risk`?");
    assert_eq!(
        (
            typo["line"].as_u64(),
            typo["column"].as_u64(),
            typo["end_column"].as_u64()
        ),
        (Some(3), Some(14), Some(21))
    );
}

#[test]
fn json_output_matches_its_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../schemas/diagnostics.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    for name in ["acme", "broken"] {
        let report = json(&run(&["check", &example(name), "--format", "json"]));
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
    // and the schema does reject a wrong shape
    assert!(!validator.is_valid(&serde_json::json!({"format_version": "1", "valid": true})));
}

#[test]
fn a_syntax_error_hides_nothing_and_sets_off_no_cascade() {
    let dir = common::project_of(&[
        ("pmo.kdl", MANIFEST),
        ("a.kdl", "function \"risk\" {\n    name \"Risk\n}\n"),
        (
            "b.kdl",
            "service \"s\" {\n    name \"S\"\n    function \"risk\"\n    description \"D\"\n    stage \"strategy\"\n    objectives \"o\"\n    offer \"pm\" level=\"mandated\"\n    colour \"red\"\n}\n",
        ),
    ]);
    let o = run(&["check", dir.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let found = codes(&o);
    assert!(found.contains(&"kdl-syntax".to_string()));
    assert!(
        found.contains(&"unknown-node".to_string()),
        "schema diagnostics of other files are reported: {found:?}"
    );
    assert!(
        !found.contains(&"unknown-reference".to_string()),
        "no cascade: {found:?}"
    );
    assert!(stderr(&o).contains("model rules were skipped"));
}

#[test]
fn hostile_files_give_findings_not_panics() {
    let deep = "a {".repeat(5000) + &"}".repeat(5000);
    let dir = common::project_of(&[
        ("pmo.kdl", MANIFEST),
        ("deep.kdl", &deep),
        ("half.kdl", "service \"x\" {\n    name \""),
    ]);
    std::fs::write(
        dir.path().join("binary.kdl"),
        [0u8, 159, 146, 150, 255, 0, 1],
    )
    .unwrap();
    let huge = "person \"p\" name=\"P\"\n".repeat(450_000);
    std::fs::write(dir.path().join("huge.kdl"), huge).unwrap();
    let o = run(&["check", dir.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let report = json(&o);
    let files: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    for f in ["binary.kdl", "deep.kdl", "half.kdl", "huge.kdl"] {
        assert!(files.contains(&f), "{f} gives a diagnostic: {files:?}");
    }
    assert!(codes(&o).iter().all(|c| c == "kdl-syntax"));
}

#[test]
fn could_not_run_is_exit_2_with_empty_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["check", dir.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    assert!(stderr(&o).contains("no `pmo.kdl`"));
    assert_eq!(run(&["check", "--format", "yaml"]).status.code(), Some(2));
    let o = run(&["explain", "dependency-cycles"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean `dependency-cycle`?"));
}

#[test]
fn explain_prints_every_page() {
    for code in pmoc::base::Code::ALL {
        let o = run(&["explain", code.as_str()]);
        assert_eq!(o.status.code(), Some(0));
        let page = stdout(&o);
        assert!(
            page.contains("## Wrong") && page.contains("## Right"),
            "{code}"
        );
    }
}

#[test]
fn a_file_inside_the_project_finds_its_root() {
    let o = run(&["check", &format!("{}/services/risk.kdl", example("acme"))]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn deny_warnings_and_lints() {
    let svc = "function \"f\" { name \"F\"; levels \"project\" }\ncustomer \"pm\" name=\"PM\"\nservice \"s\" {\n    name \"S\"\n    function \"f\"\n    description \"D\"\n    problem \"P\"\n    stage \"strategy\"\n    offer \"pm\" level=\"mandated\"\n}\n";
    let dir = common::project_of(&[("pmo.kdl", MANIFEST), ("main.kdl", svc)]);
    let path = dir.path().to_str().unwrap();
    let o = run(&["check", path, "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(codes(&o), ["pipeline-unaligned"]);
    let o = run(&["check", path, "--format", "json", "--deny-warnings"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json(&o)["valid"], false);
    assert_eq!(json(&o)["diagnostics"][0]["severity"], "error");
}

#[test]
fn github_annotations_and_job_summary() {
    let summary = tempfile::NamedTempFile::new().unwrap();
    let o = pmoc()
        .args(["check", &example("broken"), "--format", "github"])
        .env("GITHUB_STEP_SUMMARY", summary.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    // The annotations, and the note that no observations were read.
    assert_eq!(out.lines().count(), 10 + 1);
    assert!(
        out.lines().any(|l| l.starts_with("::error file=")
            && l.contains(
                "services/risk.kdl,line=3,endLine=3,col=14,endColumn=21,title=unknown-reference::"
            )
            && l.contains("%0Ahelp: did you mean `risk`?")),
        "{out}"
    );
    let table = std::fs::read_to_string(summary.path()).unwrap();
    assert_eq!(
        table.lines().filter(|l| l.starts_with("| error")).count(),
        10,
        "{table}"
    );
}

#[test]
fn sarif_declares_every_rule_and_code_points() {
    let o = run(&["check", &example("broken"), "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(
        run["tool"]["driver"]["rules"].as_array().unwrap().len(),
        pmoc::base::Code::ALL.len()
    );
    assert_eq!(run["results"].as_array().unwrap().len(), 10);
}

#[test]
fn output_is_deterministic() {
    let a = run(&["check", &example("broken"), "--format", "json"]);
    let b = run(&["check", &example("broken"), "--format", "json"]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn snapshots_of_human_and_short_output() {
    // Run from the repository as `pmoc check examples/broken`: the paths
    // are printed as typed (`examples/broken/catalogue.kdl`).
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = "examples/broken";
    let o = run_in(repo, &["check", root, "--format", "short"]);
    insta::assert_snapshot!("broken_short", stderr(&o));
    let o = run_in(repo, &["check", root]);
    assert!(!stderr(&o).contains('\u{1b}'), "no colour off a terminal");
    insta::assert_snapshot!("broken_human", stderr(&o));
    let dir = common::project_of(&[
        ("pmo.kdl", MANIFEST),
        ("bad.kdl", "service \"x\" {\n    name \"unterminated\n}\n"),
    ]);
    let o = run(&["check", dir.path().to_str().unwrap()]);
    let text = stderr(&o).replace(&dir.path().display().to_string(), "<project>");
    insta::assert_snapshot!("syntax_error_human", text);
}

/// `when "superseded"` is evaluated on every run, without metrics.
#[test]
fn a_superseded_service_fires_its_trigger() {
    let service = |id: &str, replaces: &str| {
        format!(
            "service \"{id}\" {{\n    name \"{id}\"\n    function \"f\"\n    description \"D\"\n    problem \"P\"\n    stage \"operation\"\n    owner \"ann\"\n    offer \"pm\" level=\"mandated\"\n    {replaces}\n    sla \"{id}-sla\" {{\n        period \"month\"\n        target \"m\" at-least=90\n        report to=\"ann\"\n        escalate after=\"2 days\" to=\"ann\"\n        review-by \"2027-06-30\"\n    }}\n}}\n"
        )
    };
    let main = format!(
        "function \"f\" {{ name \"F\"; levels \"project\" }}\ncustomer \"pm\" name=\"PM\"\nmetric \"m\" name=\"M\" unit=\"percent\" direction=\"higher\" cadence=\"month\"\ntrigger \"t\" {{\n    applies-to stage=\"operation\"\n    when \"superseded\"\n    action \"retire\"\n}}\n{}{}",
        service("old", ""),
        service("new", "replaces \"old\"")
    );
    let dir = common::project_of(&[("pmo.kdl", MANIFEST), ("main.kdl", &main)]);
    let o = run(&["check", dir.path().to_str().unwrap(), "--format", "json"]);
    let report = json(&o);
    assert_eq!(codes(&o), ["trigger-fired"], "{report:#}");
    let d = &report["diagnostics"][0];
    assert_eq!(
        (
            d["severity"].as_str(),
            d["line"].as_u64(),
            d["column"].as_u64()
        ),
        (Some("warning"), Some(6), Some(10))
    );
    assert!(d["message"].as_str().unwrap().contains("`old`"));
}

/// File names that URIs, JSON and Markdown must carry safely: SARIF URIs
/// are percent-encoded, the JSON validates against its schema, the job
/// summary names the files as the annotations do (from the working
/// directory) and shows raw HTML in messages as text. (Such names are
/// legal on Unix only.)
#[cfg(unix)]
#[test]
fn odd_file_names_and_markup_in_machine_readable_outputs() {
    let bad = "service \"<img src=x onerror=alert(1)>\" {\n    name \"X\"\n}\n";
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("my pmo");
    for (path, text) in [
        ("pmo.kdl", MANIFEST),
        ("my file.kdl", bad),
        ("a#b.kdl", bad),
        ("c:foo.kdl", bad),
        ("a\\b.kdl", bad),
    ] {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(path), text).unwrap();
    }
    let o = run(&["check", dir.to_str().unwrap(), "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let first = &sarif["runs"][0];
    let root = first["originalUriBaseIds"]["PROJECTROOT"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        root.starts_with("file:///") && root.ends_with("/my%20pmo/"),
        "{root}"
    );
    let uris: BTreeSet<&str> = first["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    let want = ["a%23b.kdl", "a%5Cb.kdl", "c%3Afoo.kdl", "my%20file.kdl"];
    assert_eq!(uris, want.into_iter().collect(), "percent-encoded");
    for uri in uris.iter().chain([&root]) {
        let plain = uri.trim_start_matches("file:///");
        assert!(
            plain
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~/%".contains(c)),
            "{uri}"
        );
    }

    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../schemas/diagnostics.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let report = json(&run(&["check", dir.to_str().unwrap(), "--format", "json"]));
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert!(
        report.to_string().contains(r#""file":"a\\b.kdl""#),
        "{report}"
    );

    let summary = tempfile::NamedTempFile::new().unwrap();
    let o = pmoc()
        .args(["check", "my pmo", "--format", "github"])
        .current_dir(parent.path())
        .env("GITHUB_STEP_SUMMARY", summary.path())
        .output()
        .unwrap();
    let annotations = stdout(&o);
    assert!(
        annotations.contains("::error file=my pmo/my file.kdl,"),
        "{annotations}"
    );
    let table = std::fs::read_to_string(summary.path()).unwrap();
    assert!(
        table.contains("<code>my pmo/my file.kdl:1:9</code>"),
        "{table}"
    );
    assert!(!table.contains("<img"), "raw HTML shown as text: {table}");
    assert!(
        table.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{table}"
    );
}

/// Human output never sends the project's control characters to the
/// terminal, never prints a long line whole, and numbers lines as every other
/// output does (lone CR included) with the caret under the labelled text.
#[test]
fn human_output_is_safe_and_bounded() {
    let long = format!(
        "person \"a\" name=\"A\" /* {} */ person \"b\" nme=\"B\"\n",
        "x".repeat(200_000)
    );
    let dir = common::project_of(&[
        ("pmo.kdl", MANIFEST),
        (
            "controls.kdl",
            "// \x1b[31m red \x07 bell \u{9b}2J \u{202e}\nperson \"c\" nme=\"C\x1b[2J\"\n",
        ),
        ("long.kdl", &long),
        (
            "cr.kdl",
            "// one\r// two\rperson \"d\" nme=\"D\"\r// four\r",
        ),
        (
            "accents.kdl",
            "// ünïcödé 😀\nperson \"é😀\" name=\"É\" naem=\"😀\"\n",
        ),
    ]);
    let human = stderr(&run_in(dir.path(), &["check"]));
    let short = stderr(&run_in(dir.path(), &["check", "--format", "short"]));
    for out in [&human, &short] {
        for raw in ['\x1b', '\x07', '\u{9b}', '\u{202e}'] {
            assert!(!out.contains(raw), "{raw:?} reaches the terminal:\n{out}");
        }
    }
    assert!(
        human.contains("// ␛[31m red ␇ bell \\u{9b}2J \\u{202e}"),
        "{human}"
    );
    assert!(human.len() < 8_000, "{} bytes of output", human.len());

    // The 200 KB line: a window around the label, the caret under `nme`.
    let snippet = |header: &str| {
        let at = human
            .find(header)
            .unwrap_or_else(|| panic!("{header} in\n{human}"));
        human[at..].lines().take(4).collect::<Vec<_>>().join("\n")
    };
    let long_snippet = snippet("[long.kdl:1:200039]");
    let lines: Vec<&str> = long_snippet.lines().collect();
    assert!(lines[1].starts_with(" 1 │ …xxx") && lines[1].ends_with("person \"b\" nme=\"B\""));
    assert_eq!(underlined(lines[1], lines[2]), "nme", "{long_snippet}");

    // Lone CR endings: the true line in the header and the gutter.
    let cr_snippet = snippet("[cr.kdl:3:12]");
    assert!(
        cr_snippet.contains(" 2 │ // two\n 3 │ person \"d\" nme=\"D\"\n"),
        "{cr_snippet}"
    );
    assert!(
        short.contains("cr.kdl:3:12: error[unknown-property]"),
        "{short}"
    );

    // Accents and emoji before the label: the header counts characters and
    // the caret sits under `naem` (an emoji is two columns wide).
    let accents = snippet("[accents.kdl:2:22]");
    let lines: Vec<&str> = accents.lines().collect();
    assert_eq!(underlined(lines[2], lines[3]), "naem", "{accents}");
}

/// The text of a snippet's line above its underline, by terminal columns
/// (`😀` is two wide, every other character of these tests one).
fn underlined(line: &str, underline: &str) -> String {
    let from = underline.chars().position(|c| c == '─').unwrap();
    let width = underline.chars().filter(|&c| c == '─' || c == '┬').count();
    let mut column = 0;
    line.chars()
        .filter(|&c| {
            let here = column;
            column += if c == '😀' { 2 } else { 1 };
            (from..from + width).contains(&here)
        })
        .collect()
}

/// `--as-of` overrides the manifest's `as-of`: on both sides of `diff`,
/// and on `check` (a later date ages the example's observations); a date
/// that is not one is refused before anything runs.
#[test]
fn as_of_overrides_the_manifest() {
    let acme = example("acme");
    let o = run(&[
        "diff",
        &acme,
        &acme,
        "--format",
        "json",
        "--as-of",
        "2027-01-04",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let diff = json(&o);
    assert_eq!(diff["old"]["as_of"], "2027-01-04");
    assert_eq!(diff["new"]["as_of"], "2027-01-04");
    let later = run(&["check", &acme, "--format", "json", "--as-of", "2028-06-01"]);
    assert!(
        codes(&later).iter().any(|c| c == "insufficient-data"),
        "{}",
        stdout(&later)
    );
    for verb in [
        &["check"][..],
        &["build"],
        &["review"],
        &["export", "ics"],
        &["watch"],
        &["serve"],
    ] {
        let args: Vec<&str> = [verb, &[acme.as_str(), "--as-of", "2027-02-30"]].concat();
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{verb:?}");
        let said = stderr(&o);
        assert!(
            said.contains("month 2 of 2027 has no day 30"),
            "{verb:?}: {said}"
        );
    }
}

/// No observations is not "all clear": with SLAs in force of services in
/// operation and no CSV read, `check` says so in a note (on stderr in
/// every format, and as a `::notice` for GitHub), never as a diagnostic;
/// with observations there is no note.
#[test]
fn no_observations_is_a_note_not_all_clear() {
    let dir = tempfile::tempdir().unwrap();
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules/insufficient-data/pass");
    for file in ["pmo.kdl", "main.kdl"] {
        std::fs::copy(fixture.join(file), dir.path().join(file)).unwrap();
    }
    let path = dir.path().display().to_string();
    let said = "note: no observations were read (no `metrics/` folder): 1 SLA in force of 1 service in operation or transform cannot be judged";
    for format in ["human", "short", "json", "sarif", "github"] {
        let o = run(&["check", &path, "--format", format, "--deny-warnings"]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        assert!(stderr(&o).contains(said), "{format}: {}", stderr(&o));
    }
    let json_out = run(&["check", &path, "--format", "json"]);
    assert!(codes(&json_out).is_empty());
    let github = run(&["check", &path, "--format", "github"]);
    assert!(stdout(&github).starts_with("::notice title=pmoc::no observations were read"));
    // An empty metrics folder reads no CSV either.
    std::fs::create_dir(dir.path().join("metrics")).unwrap();
    let o = run(&["check", &path]);
    assert!(
        stderr(&o).contains("(no CSV file in `metrics`)"),
        "{}",
        stderr(&o)
    );
    // With observations: no note.
    std::fs::copy(
        fixture.join("metrics/adoption.csv"),
        dir.path().join("metrics/adoption.csv"),
    )
    .unwrap();
    let o = run(&["check", &path]);
    assert!(!stderr(&o).contains("note:"), "{}", stderr(&o));
}

/// `--quiet`: errors and the closing line only, on every command that
/// compiles; JSON stays whole.
#[test]
fn quiet_prints_errors_and_one_line() {
    let acme = example("acme");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let loud = run(&["check", &acme]);
    assert!(stderr(&loud).lines().count() > 50, "{}", stderr(&loud));
    for args in [
        vec!["check", &acme, "-q"],
        vec!["check", &acme, "--quiet", "--format", "short"],
        vec!["build", &acme, "-q", "--out", out.to_str().unwrap()],
        vec!["export", "ics", &acme, "--quiet", "--out", "/dev/null"],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o).lines().count(), 1, "{args:?}: {}", stderr(&o));
    }
    let o = run(&["check", &acme, "-q"]);
    assert!(stderr(&o).starts_with("0 errors, "), "{}", stderr(&o));
    let o = run(&["build", &acme, "-q", "--out", out.to_str().unwrap()]);
    assert!(
        stderr(&o).contains("warnings in"),
        "the warnings are counted: {}",
        stderr(&o)
    );
    // Errors are printed, warnings are not.
    let broken = example("broken");
    let o = run(&["check", &broken, "-q", "--format", "short"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.lines()
            .all(|l| l.contains(": error[") || l.starts_with("10 errors")),
        "{err}"
    );
    assert!(!err.contains("note:"), "{err}");
    let quiet = run(&["check", &acme, "-q", "--format", "json"]);
    let full = run(&["check", &acme, "--format", "json"]);
    assert_eq!(quiet.stdout, full.stdout);
}

/// Human and short output name files after the project folder as typed;
/// JSON keeps project-relative names.
#[test]
fn paths_are_printed_as_typed() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let short = |cwd: &Path, path: &str| {
        let o = run_in(cwd, &["check", path, "--format", "short"]);
        stderr(&o).lines().next().unwrap().to_string()
    };
    assert!(short(repo, "examples/broken").starts_with("examples/broken/catalogue.kdl:15:1:"));
    assert!(short(repo, "examples/broken/").starts_with("examples/broken/catalogue.kdl:15:1:"));
    // A file inside the project: its project folder as typed.
    assert!(
        short(repo, "examples/broken/services/risk.kdl")
            .starts_with("examples/broken/catalogue.kdl:")
    );
    // From inside the project: no prefix; from below it, the way up.
    let inside = repo.join("examples/broken");
    assert!(short(&inside, ".").starts_with("catalogue.kdl:15:1:"));
    assert!(short(&inside.join("services"), ".").starts_with("../catalogue.kdl:15:1:"));
    let o = run_in(repo, &["check", "examples/broken", "--format", "json"]);
    assert_eq!(json(&o)["diagnostics"][0]["file"], "catalogue.kdl");
}

/// `--baseline`: the warnings an earlier check found are not shown and do
/// not fail; a new warning does (exit 1); errors always count; a file
/// that is no report is exit 2 before anything runs.
#[test]
fn a_baseline_fails_only_on_new_warnings() {
    let service = |id: &str| format!("function \"{id}\" {{ name \"{id}\"; levels \"project\" }}\n");
    let dir = common::project_of(&[("pmo.kdl", MANIFEST), ("a.kdl", &service("a"))]);
    let root = dir.path().to_str().unwrap();
    let base = run(&["check", root, "--format", "json"]);
    assert_eq!(json(&base)["warning_count"], 1, "{}", stdout(&base));
    let file = dir.path().join("baseline.json");
    std::fs::write(&file, &base.stdout).unwrap();
    let baseline = file.to_str().unwrap();
    // Nothing new: clean, the known warning not shown but counted aside.
    let o = run(&["check", root, "--baseline", baseline]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("empty-function"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "0 errors, 0 warnings in 2 files (1 more warning in the baseline, not shown)"
        ),
        "{}",
        stderr(&o)
    );
    // Moved to another line: still known.
    std::fs::write(dir.path().join("a.kdl"), format!("\n\n{}", service("a"))).unwrap();
    let o = run(&["check", root, "--baseline", baseline]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A new warning: shown, and exit 1.
    std::fs::write(dir.path().join("b.kdl"), service("b")).unwrap();
    let o = run(&["check", root, "--baseline", baseline, "--format", "short"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("b.kdl:1:") && !err.contains("a.kdl:"), "{err}");
    let o = run(&["check", root, "--baseline", baseline, "--format", "json"]);
    assert_eq!(json(&o)["warning_count"], 1);
    // Not a report: exit 2, nothing else printed.
    std::fs::write(&file, "[]").unwrap();
    let o = run(&["check", root, "--baseline", baseline]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("is not a baseline"), "{}", stderr(&o));
}

/// `build --base-url`: the 404 page's links start there, over the
/// manifest's `base-url`; a bad one is refused by the parser.
#[test]
fn build_takes_the_base_url() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let out = out.to_str().unwrap();
    let acme = example("acme");
    let o = run(&["build", &acme, "-q", "--out", out, "--base-url", "/acme/"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = std::fs::read_to_string(tmp.path().join("site/404.html")).unwrap();
    assert!(page.contains("href=\"/acme/assets/"), "{page:.3000}");
    assert!(!page.contains("href=\"/assets/"), "{page:.3000}");
    let catalog = std::fs::read_to_string(tmp.path().join("site/catalog.json")).unwrap();
    assert!(
        catalog.contains("\"base_url\": \"/acme/\""),
        "{catalog:.2000}"
    );
    // Without the flag, the manifest's (`/`).
    let o = run(&["build", &acme, "-q", "--out", out]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = std::fs::read_to_string(tmp.path().join("site/404.html")).unwrap();
    assert!(page.contains("href=\"/assets/"), "{page:.3000}");
    let o = run(&["build", &acme, "--out", out, "--base-url", "repo/"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not a base URL"), "{}", stderr(&o));
}

/// The help texts say the defaults and the exit codes, and `diff`'s usage
/// names its arguments as its list does.
#[test]
fn help_texts_give_defaults_and_exit_codes() {
    let help = |args: &[&str]| stdout(&run(args));
    let check = help(&["check", "--help"]);
    assert!(
        check.contains("Exit status:") && check.contains("2  pmoc could not run"),
        "{check}"
    );
    assert!(help(&["review", "--help"]).contains("--fail-on-fired and a trigger fired"));
    let build = help(&["build", "--help"]);
    assert!(
        build.contains("[default: the manifest's `output`, else `site` in the project]"),
        "{build}"
    );
    let watch = help(&["watch", "--help"]);
    assert!(watch.contains("[default: 20]"), "{watch}");
    assert!(watch.contains("`--poll` alone: 500]"), "{watch}");
    assert!(watch.contains("[default: the manifest's"), "{watch}");
    let diff = help(&["diff", "--help"]);
    assert!(
        diff.contains("[OLD] [NEW]") && !diff.contains("PATHS"),
        "{diff}"
    );
}

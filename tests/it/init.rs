//! `pmoc init` end to end: the starter catalogue checks and builds with no
//! error and no warning (today and on awkward days of the year; a year on
//! its only warnings are `insufficient-data`, as it pins no as-of),
//! its workflow is valid YAML with the expected jobs, and init never writes
//! over a project or a file, nor through a link, and writes all or nothing.

use crate::common;

use std::path::Path;
use std::process::Output;

use common::pmoc;

/// `pmoc ARGS…` on the day `epoch` (`SOURCE_DATE_EPOCH`), else today.
fn run_at(args: &[&str], epoch: Option<i64>) -> Output {
    let mut cmd = pmoc();
    cmd.args(args);
    if let Some(secs) = epoch {
        cmd.env("SOURCE_DATE_EPOCH", secs.to_string());
    }
    cmd.output().expect("pmoc runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Seconds since the epoch at midnight UTC of a date.
fn epoch(date: &str) -> i64 {
    let date: jiff::civil::Date = date.parse().unwrap();
    date.to_zoned(jiff::tz::TimeZone::UTC)
        .unwrap()
        .timestamp()
        .as_second()
}

#[track_caller]
fn assert_clean(dir: &Path, epoch: Option<i64>) {
    let o = run_at(&["check", path(dir), "--deny-warnings"], epoch);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("0 errors, 0 warnings"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_starter_checks_and_builds_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("catalogue");
    let o = run_at(&["init", path(&dir)], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_clean(&dir, None);
    let out = tmp.path().join("site");
    let o = run_at(&["build", path(&dir), "--out", path(&out)], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(out.join("services/status-report.html").is_file());
    // Its trigger and SLA are measured: the review judges them.
    let o = run_at(&["review", path(&dir), "--format", "json"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let review: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(review["observed"], true);
    assert_eq!(review["summary"]["triggers_fired"], 0);
    let ignored = std::fs::read_to_string(dir.join(".gitignore")).unwrap();
    assert!(ignored.lines().any(|l| l == "/site/"), "{ignored}");
}

#[test]
fn the_starter_is_clean_whatever_the_day_and_a_year_on() {
    for day in ["2027-01-31", "2028-02-29", "2026-12-31", "2027-03-01"] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let o = run_at(&["init", path(dir)], Some(epoch(day)));
        assert_eq!(o.status.code(), Some(0), "{day}: {}", stderr(&o));
        // As-of is not pinned: the catalogue is judged as of each run's day.
        let manifest = std::fs::read_to_string(dir.join("pmo.kdl")).unwrap();
        assert!(
            !manifest
                .lines()
                .any(|l| l.trim_start().starts_with("as-of")),
            "{manifest}"
        );
        assert_clean(dir, Some(epoch(day)));
        // A month on, and a year on, the dates still hold; only the
        // observations (which need a new month each month) are missing, and
        // each finding says which row to add.
        for later in [epoch(day) + 40 * 86_400, epoch(day) + 366 * 86_400] {
            let o = run_at(&["check", path(dir), "--format", "json"], Some(later));
            let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            assert_eq!(report["error_count"], 0, "{day}");
            let found = report["diagnostics"].as_array().unwrap();
            assert!(!found.is_empty(), "{day}: the observations aged");
            for d in found {
                assert_eq!(d["code"], "insufficient-data", "{day}: {d}");
                let help = d["help"].as_str().unwrap_or_default();
                assert!(
                    help.contains("service `status-report`") && help.contains("metric `"),
                    "{day}: {help}"
                );
            }
        }
        // Pinned on the day of init, a year on is still clean.
        assert_clean_as_of(dir, day, Some(epoch(day) + 366 * 86_400));
    }
}

#[track_caller]
fn assert_clean_as_of(dir: &Path, as_of: &str, epoch: Option<i64>) {
    let o = run_at(
        &["check", path(dir), "--deny-warnings", "--as-of", as_of],
        epoch,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("0 errors, 0 warnings"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_workflow_checks_pull_requests_and_publishes_main() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run_at(&["init", path(tmp.path())], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(tmp.path().join(".github/workflows/pmo.yml")).unwrap();
    let docs = yaml_rust2::YamlLoader::load_from_str(&text).expect("valid YAML");
    let workflow = &docs[0];
    let on = &workflow["on"];
    assert!(!on["pull_request"].is_badvalue(), "{on:?}");
    assert_eq!(on["push"]["branches"][0].as_str(), Some("main"));
    assert!(on["schedule"][0]["cron"].as_str().is_some(), "{on:?}");
    // The release of this pmoc, pinned.
    assert_eq!(
        workflow["env"]["PMOC_VERSION"].as_str(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(
        workflow["defaults"]["run"]["working-directory"].as_str(),
        Some(".")
    );
    let jobs = workflow["jobs"].as_hash().unwrap();
    let names: Vec<&str> = jobs.keys().map(|k| k.as_str().unwrap()).collect();
    assert_eq!(names, ["check", "publish"]);
    let steps = |job: &str, key: &str| -> Vec<String> {
        workflow["jobs"][job]["steps"]
            .as_vec()
            .unwrap()
            .iter()
            .filter_map(|s| s[key].as_str().map(String::from))
            .collect()
    };
    let runs = |job: &str| steps(job, "run");
    let uses = |job: &str| steps(job, "uses");
    let check = runs("check");
    assert_eq!(
        workflow["jobs"]["check"]["if"].as_str(),
        Some("github.event_name == 'pull_request'")
    );
    // Warnings fail a pull request only where it brings them.
    assert!(
        check
            .iter()
            .any(|r| r.contains("--quiet --format json > \"$RUNNER_TEMP/baseline.json\"")),
        "{check:?}"
    );
    assert!(
        check.contains(
            &"pmoc check --format github ${BASELINE:+--baseline \"$BASELINE\"}".to_string()
        ),
        "{check:?}"
    );
    assert!(
        check.iter().any(|r| r
            .contains("pmoc diff --git \"$BASE\" --format markdown >> \"$GITHUB_STEP_SUMMARY\"")),
        "{check:?}"
    );
    let publish = runs("publish");
    assert!(publish.contains(&"pmoc check --format github".to_string()));
    assert!(
        publish.contains(&"pmoc build --quiet --base-url \"$BASE_PATH/\"".to_string()),
        "{publish:?}"
    );
    let publish_uses = uses("publish");
    assert!(
        publish_uses
            .iter()
            .any(|u| u.starts_with("actions/upload-pages-artifact@"))
    );
    assert!(
        publish_uses
            .iter()
            .any(|u| u.starts_with("actions/deploy-pages@"))
    );
    assert_eq!(
        workflow["jobs"]["publish"]["permissions"]["pages"].as_str(),
        Some("write")
    );
}

/// Both jobs install the pinned release: a prebuilt binary, else `cargo
/// install` of that version, cached.
#[test]
fn the_workflow_installs_a_pinned_prebuilt_pmoc() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run_at(&["init", path(tmp.path())], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(tmp.path().join(".github/workflows/pmo.yml")).unwrap();
    let docs = yaml_rust2::YamlLoader::load_from_str(&text).expect("valid YAML");
    let workflow = &docs[0];
    let steps = |job: &str, key: &str| -> Vec<String> {
        workflow["jobs"][job]["steps"]
            .as_vec()
            .unwrap()
            .iter()
            .filter_map(|s| s[key].as_str().map(String::from))
            .collect()
    };
    let runs = |job: &str| steps(job, "run");
    let uses = |job: &str| steps(job, "uses");
    // A prebuilt binary, else `cargo install` of the pinned version, cached.
    for job in ["check", "publish"] {
        let uses = uses(job);
        assert!(
            uses.iter().any(|u| u.starts_with("actions/cache@")),
            "{uses:?}"
        );
        assert!(
            uses.iter()
                .any(|u| u.starts_with("taiki-e/install-action@")),
            "{uses:?}"
        );
        assert!(
            runs(job)
                .contains(&"cargo install pmoc --locked --version \"$PMOC_VERSION\"".to_string()),
            "{:?}",
            runs(job)
        );
    }
}

#[test]
fn init_never_writes_over_a_project_or_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    assert_eq!(run_at(&["init", path(dir)], None).status.code(), Some(0));
    let before = std::fs::read(dir.join("people.kdl")).unwrap();
    std::fs::write(dir.join("people.kdl"), "// mine\n").unwrap();
    let o = run_at(&["init", path(dir)], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("already holds a `pmo.kdl`"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(dir.join("people.kdl")).unwrap(), b"// mine\n");
    assert_ne!(before, b"// mine\n");

    // A file of the starter already there: nothing is written.
    let other = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(other.path().join("services")).unwrap();
    std::fs::write(other.path().join("services/reporting.kdl"), "// mine\n").unwrap();
    let o = run_at(&["init", path(other.path())], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("`services/reporting.kdl`"),
        "{}",
        stderr(&o)
    );
    assert!(!other.path().join("pmo.kdl").exists());

    // An existing .gitignore is kept as it is.
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(repo.path().join(".gitignore"), "target/\n").unwrap();
    let o = run_at(&["init", path(repo.path())], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("add `/site/` to it"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(repo.path().join(".gitignore")).unwrap(),
        "target/\n"
    );
    assert!(repo.path().join("pmo.kdl").is_file());
}

/// Folders of the starter linked elsewhere, a file where a folder goes, a
/// link to nothing where a file goes: init writes nothing at all (so a
/// re-run, once the way is clear, works), and nothing outside the folder.
#[cfg(unix)]
#[test]
fn init_writes_nothing_through_a_link_and_all_or_nothing() {
    use std::os::unix::fs::symlink;
    let elsewhere = tempfile::tempdir().unwrap();
    for linked in ["services", "metrics", ".github"] {
        let tmp = tempfile::tempdir().unwrap();
        symlink(elsewhere.path(), tmp.path().join(linked)).unwrap();
        let o = run_at(&["init", path(tmp.path())], None);
        assert_eq!(o.status.code(), Some(2), "{linked}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!("`{linked}` is a link")),
            "{}",
            stderr(&o)
        );
        assert!(!tmp.path().join("pmo.kdl").exists(), "{linked}");
        assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    }

    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join(".github"), "").unwrap();
    symlink(tmp.path().join("nowhere"), tmp.path().join("people.kdl")).unwrap();
    let o = run_at(&["init", path(tmp.path())], None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("`.github` is a file where a folder is needed"),
        "{err}"
    );
    assert!(err.contains("`people.kdl` is a link"), "{err}");
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 2, "{err}");
    assert!(!tmp.path().join("nowhere").exists());
    // The way cleared, a re-run writes the starter.
    std::fs::remove_file(tmp.path().join(".github")).unwrap();
    std::fs::remove_file(tmp.path().join("people.kdl")).unwrap();
    let o = run_at(&["init", path(tmp.path())], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_clean(tmp.path(), None);
}

/// A file or a device where the folder goes: said in words, nothing written.
#[test]
fn init_into_a_file_says_a_folder_is_expected() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("file");
    std::fs::write(&file, "mine").unwrap();
    for (target, what) in [(path(&file), "a file"), ("/dev/null", "a character device")] {
        let o = run_at(&["init", target], None);
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains(&format!("is {what}: pmoc init writes into a folder")),
            "{}",
            stderr(&o)
        );
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
}

/// Below the root of a git repository, init says where the workflow must
/// go, and writes it for that place: run in the catalogue's folder, the
/// site uploaded from it.
#[test]
fn init_below_a_repository_root_says_where_the_workflow_goes() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    std::fs::create_dir(repo.join(".git")).unwrap();
    let dir = repo.join("docs/pmo office");
    let o = run_at(&["init", path(&dir)], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    let real = std::fs::canonicalize(repo).unwrap();
    assert!(
        err.contains(&format!(
            "move `{}` to `{}`",
            dir.join(".github/workflows/pmo.yml").display(),
            real.join(".github/workflows/pmo.yml").display()
        )),
        "{err}"
    );
    assert!(
        err.contains("(it already runs in `docs/pmo office`)"),
        "{err}"
    );
    let text = std::fs::read_to_string(dir.join(".github/workflows/pmo.yml")).unwrap();
    let docs = yaml_rust2::YamlLoader::load_from_str(&text).expect("valid YAML");
    let workflow = &docs[0];
    assert_eq!(
        workflow["defaults"]["run"]["working-directory"].as_str(),
        Some("docs/pmo office")
    );
    let upload = workflow["jobs"]["publish"]["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-pages-artifact@"))
        })
        .unwrap();
    assert_eq!(
        upload["with"]["path"].as_str(),
        Some("docs/pmo office/site")
    );

    // At the root of a repository: no warning.
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir(root.path().join(".git")).unwrap();
    let o = run_at(&["init", path(root.path())], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
}

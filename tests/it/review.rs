//! `pmoc review` end to end: a small project where one trigger fires, one
//! SLA is breached and one lacks data, one SLA review and one pilot are
//! overdue. The agenda's three rules, the exit codes, the three formats
//! (insta snapshots), the JSON against its schema, and the review without
//! metrics.

use crate::common;

use std::path::Path;
use std::process::Output;

use common::run;

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

const MANIFEST: &str = r#"pmo "review-pmo" { name "Review PMO"; mandate "M"; sponsor "ann"; as-of "2026-11-01" }
"#;

/// People, groups, metrics, gates and the trigger.
const DECLARATIONS: &str = r#"person "ann" name="Ann"
person "bob" name="Bob"
team "board" name="Portfolio board" {
    member "ann"
    member "bob"
}
customer "pms" name="Project managers"
objective "delivery" title="Predictable delivery"
function "fn" { name "Reporting"; levels "project" }
metric "on-time" name="On time" unit="percent" direction="higher" cadence="month"
metric "adoption" name="Adoption" unit="percent" direction="higher" cadence="month"
gate "g3-go-live" { name "Go-live"; from "pilot"; to "implementation"; approvers "board"; must "M" }
gate "g-operate" { name "Operate"; from "implementation"; to "operation"; approvers "board"; must "M" }
gate "g4" { name "Transform or retire"; from "operation"; to "transform" "retired"; approvers "board"; must "M" }
trigger "low-adoption" {
    applies-to stage="operation"
    when "adoption" below=30 for=3
    action "review"
    gate "g4"
}
"#;

/// A service in operation with one monthly SLA on `on-time`.
fn operated(id: &str, review_by: &str, extra: &str) -> String {
    format!(
        r#"service "{id}" {{
    name "{id} service"
    function "fn"
    description "D"
    stage "operation"
    owner "ann"
    offer "pms" level="mandated"
    decision "g-operate" outcome="go" date="2025-06-01" by="board" {{ rationale "R" }}
    {extra}
    sla "{id}-sla" {{
        period "month"
        target "on-time" at-least=95 warn=97
        report to="board"
        escalate after="2 days" to="ann"
        review-by "{review_by}"
    }}
}}
"#
    )
}

const PILOT: &str = r#"service "new-tool" {
    name "New tool"
    function "fn"
    description "D"
    stage "pilot"
    owner "bob"
    offer "pms" level="additional"
    objectives "delivery"
    pilot {
        scope "Two teams"
        groups "pms"
        start "2026-06-01"
        review "2026-10-15"
        success "Both teams use it"
        exit-gate "g3-go-live"
    }
}
"#;

const ROLLOUT: &str = r#"rollout { adoption-target "adoption" at-least=60 by="2027-06-30" }"#;

/// Twelve months of `on-time` for `risk-log` (one warned, the last
/// breached) and three months of low adoption; nothing for `status-report`.
fn csv() -> String {
    let mut csv = String::from("period,service,metric,value,n\n");
    let months = [
        "2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06",
        "2026-07", "2026-08", "2026-09", "2026-10",
    ];
    for month in months {
        let value = match month {
            "2026-02" => "96",
            "2026-10" => "90.5",
            _ => "98",
        };
        csv.push_str(&format!("{month},risk-log,on-time,{value},40\n"));
    }
    for (month, value) in [("2026-08", "20"), ("2026-09", "25"), ("2026-10", "28")] {
        csv.push_str(&format!("{month},risk-log,adoption,{value},120\n"));
    }
    csv
}

/// The project, with `extra` appended to the services' file.
fn project(extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("pmo.kdl", MANIFEST);
    write("main.kdl", DECLARATIONS);
    let services = format!(
        "{}{}{PILOT}{extra}",
        operated("risk-log", "2027-06-30", ROLLOUT),
        operated("status-report", "2026-09-30", ""),
    );
    write("services.kdl", &services);
    write("metrics/2026.csv", &csv());
    dir
}

fn path(dir: &tempfile::TempDir) -> &str {
    dir.path().to_str().unwrap()
}

fn review_json(dir: &tempfile::TempDir, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["review", path(dir), "--format", "json"];
    args.extend(extra);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("stdout is one JSON document")
}

/// (kind, service, sla/gate/trigger, date) of each agenda item.
fn agenda(review: &serde_json::Value) -> Vec<[String; 6]> {
    let s = |v: &serde_json::Value| v.as_str().unwrap_or("-").to_string();
    review["agenda"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            [
                s(&i["kind"]),
                s(&i["service"]),
                s(&i["sla"]),
                s(&i["gate"]),
                s(&i["trigger"]),
                s(&i["date"]),
            ]
        })
        .collect()
}

fn row(items: [&str; 6]) -> [String; 6] {
    items.map(String::from)
}

#[test]
fn the_agenda_holds_each_rule_once() {
    let dir = project("");
    let review = review_json(&dir, &[]);
    assert_eq!(
        agenda(&review),
        [
            row([
                "sla-review",
                "status-report",
                "status-report-sla",
                "-",
                "-",
                "2026-09-30"
            ]),
            row([
                "pilot-review",
                "new-tool",
                "-",
                "g3-go-live",
                "-",
                "2026-10-15"
            ]),
            row([
                "gate-decision",
                "risk-log",
                "-",
                "g4",
                "low-adoption",
                "2026-08-01"
            ]),
        ]
    );
    let summary = &review["summary"];
    assert_eq!(summary["services"], 2);
    assert_eq!(summary["triggers_fired"], 1);
    assert_eq!(summary["targets_breached"], 1);
    assert_eq!(summary["targets_without_data"], 1);
    assert_eq!(summary["agenda_items"], 3);
    let risk = &review["services"][0];
    assert_eq!(risk["id"], "risk-log");
    let target = &risk["slas"][0]["targets"][0];
    assert_eq!(
        target["counts"],
        serde_json::json!({"periods": 12, "met": 10, "warned": 1, "breached": 1, "no_data": 0})
    );
    assert_eq!(target["periods"][0]["period"], "2025-11");
    assert_eq!(target["periods"][11]["state"], "breached");
    assert_eq!(risk["adoption"]["value"], 28);
    assert_eq!(risk["adoption"]["met"], false);
    assert_eq!(risk["fired"][0]["gate_name"], "Transform or retire");
    let status = &review["services"][1];
    assert_eq!(status["sla_data"], "no-data");
    assert_eq!(
        status["slas"][0]["targets"][0]["periods"],
        serde_json::json!([])
    );
}

/// The summary rates each service and flags each agenda item.
#[test]
fn the_summary_rates_each_service_and_flags_each_item() {
    let dir = project("");
    let review = review_json(&dir, &[]);
    let summary = &review["summary"];
    assert_eq!(summary["targets"], 2);
    assert_eq!(summary["targets_met"], 0);
    assert_eq!(
        (&summary["red"], &summary["amber"], &summary["green"]),
        (&1.into(), &1.into(), &0.into())
    );
    let flags: Vec<(bool, bool)> = review["agenda"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["overdue"].as_bool().unwrap(),
                i["unanswered"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(flags, [(true, false), (true, false), (false, true)]);
    assert_eq!(review["agenda"][2]["service_name"], "risk-log service");
    assert_eq!(review["agenda"][2]["gate_name"], "Transform or retire");
    let risk = &review["services"][0];
    assert_eq!(risk["status"], "red");
    assert_eq!(risk["standing"], "breached");
    assert_eq!(risk["owner_name"], "Ann");
    // 98 then 90.5 on an at-least target: worse; 11 of 12 periods attained.
    assert_eq!(risk["trend"], "worse");
    assert_eq!(
        risk["attainment"],
        serde_json::json!({"attained": 11, "of": 12})
    );
    assert_eq!(risk["fired"][0]["since"], "2026-08-01");
    assert_eq!(risk["fired"][0]["onset"], "2026-11-01");
    assert_eq!(review["services"][1]["status"], "amber");
    assert_eq!(review["services"][1]["standing"], "no-data");
    assert_eq!(review["services"][1]["trend"], serde_json::Value::Null);
}

#[test]
fn a_decision_since_the_window_took_it_off_the_agenda() {
    let kinds = |dir: &tempfile::TempDir| -> Vec<String> {
        agenda(&review_json(dir, &[]))
            .into_iter()
            .map(|[kind, ..]| kind)
            .collect()
    };
    // A hold at g4 on the window's first day answers the trigger...
    let hold = r#"decision "g4" outcome="hold" date="2026-08-01" by="board" { rationale "R"; revisit "2027-01-15" }"#;
    let dir = project("");
    let text = std::fs::read_to_string(dir.path().join("services.kdl")).unwrap();
    let decided = text.replacen("    rollout {", &format!("    {hold}\n    rollout {{"), 1);
    std::fs::write(dir.path().join("services.kdl"), &decided).unwrap();
    // (still on the agenda, answered, and the hold to revisit with it).
    assert_eq!(
        kinds(&dir),
        [
            "sla-review",
            "pilot-review",
            "trigger-fired",
            "hold-revisit"
        ]
    );
    let review = review_json(&dir, &[]);
    assert_eq!(review["agenda"][2]["unanswered"], false);
    assert_eq!(
        review["services"][0]["fired"][0]["decision"]["outcome"],
        "hold"
    );
    // ...one the day before does not.
    let earlier = decided.replace(
        r#"date="2026-08-01" by="board" { rationale "R"; revisit"#,
        r#"date="2026-07-31" by="board" { rationale "R"; revisit"#,
    );
    std::fs::write(dir.path().join("services.kdl"), earlier).unwrap();
    assert_eq!(
        kinds(&dir),
        [
            "sla-review",
            "pilot-review",
            "gate-decision",
            "hold-revisit"
        ]
    );
    // A decision at the pilot's exit gate, of any outcome, clears the pilot.
    let dir = project("");
    let text = std::fs::read_to_string(dir.path().join("services.kdl")).unwrap();
    let recycled = text.replacen(
        "    pilot {",
        "    decision \"g3-go-live\" outcome=\"recycle\" date=\"2026-10-20\" by=\"board\" { rationale \"R\" }\n    pilot {",
        1,
    );
    std::fs::write(dir.path().join("services.kdl"), recycled).unwrap();
    assert_eq!(kinds(&dir), ["sla-review", "gate-decision"]);
}

#[test]
fn exit_codes() {
    let dir = project("");
    let o = run(&["review", path(&dir)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    let o = run(&["review", path(&dir), "--fail-on-fired"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).starts_with("Portfolio board pack of Review PMO"));
    // Errors: the diagnostics as `check` prints them, and no review.
    let broken = project("service \"x\" { name \"X\"; function \"nope\" }\n");
    let o = run(&["review", path(&broken), "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("unknown-reference"), "{}", stderr(&o));
    assert!(stderr(&o).contains("no review was made"));
    // It cannot run: no project, or no metrics folder where one was named.
    let empty = tempfile::tempdir().unwrap();
    let o = run(&["review", path(&empty)]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "");
    let missing = dir.path().join("no-such-folder");
    let o = run(&["review", path(&dir), "--metrics", missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no-such-folder"), "{}", stderr(&o));
}

#[test]
fn snapshots_of_the_three_formats() {
    let dir = project("");
    for (format, name) in [
        ("text", "review_text"),
        ("markdown", "review_markdown"),
        ("json", "review_json"),
    ] {
        let o = run(&["review", path(&dir), "--format", format]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        insta::assert_snapshot!(name, stdout(&o));
    }
    // The default format is text.
    let o = run(&["review", path(&dir)]);
    let text = run(&["review", path(&dir), "--format", "text"]);
    assert_eq!(o.stdout, text.stdout);
}

fn schema() -> serde_json::Value {
    serde_json::from_str(include_str!("../../schemas/review.schema.json")).unwrap()
}

#[track_caller]
fn assert_valid(review: &serde_json::Value) {
    let validator = jsonschema::validator_for(&schema()).expect("a valid schema");
    let errors: Vec<String> = validator
        .iter_errors(review)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn the_review_schema_is_in_step_with_the_code() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/review.schema.json");
    let code = pmoc::review::schema();
    if std::env::var_os("PMOC_UPDATE_SCHEMAS").is_some() {
        std::fs::write(&file, &code).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        code,
        "run `PMOC_UPDATE_SCHEMAS=1 cargo test --test it review::` to rewrite schemas/review.schema.json"
    );
}

#[test]
fn the_review_is_valid_against_its_schema() {
    let dir = project("");
    let review = review_json(&dir, &[]);
    assert_valid(&review);
    assert_eq!(review["format_version"], "1");
    assert_eq!(review["as_of"], "2026-11-01");
    assert_eq!(review["pmo"]["name"], "Review PMO");
    // and the schema does reject a wrong shape
    let validator = jsonschema::validator_for(&schema()).unwrap();
    let mut wrong = review.clone();
    wrong["agenda"][0]["kind"] = "lunch".into();
    assert!(!validator.is_valid(&wrong));
    let example = common::example("acme");
    let acme = run(&["review", example.to_str().unwrap(), "--format", "json"]);
    assert_eq!(acme.status.code(), Some(0), "{}", stderr(&acme));
    assert_valid(&serde_json::from_slice(&acme.stdout).unwrap());
}

#[test]
fn the_example_reviews_in_every_format() {
    let example = common::example("acme");
    for format in ["text", "markdown", "json"] {
        let o = run(&["review", example.to_str().unwrap(), "--format", format]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        assert!(!stdout(&o).is_empty(), "{format}");
        if format == "markdown" {
            insta::assert_snapshot!("example_review_markdown", stdout(&o));
        }
    }
    // Its observations make three triggers fire: with the flag, exit 1.
    let o = run(&["review", example.to_str().unwrap(), "--fail-on-fired"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

/// Without a CSV nothing is judged but `superseded`, which still fires.
#[test]
fn without_metrics_superseded_still_fires() {
    let superseded = r#"trigger "replaced" {
    applies-to stage="operation"
    when "superseded"
    action "retire"
    gate "g4"
}
"#;
    let dir = project(superseded);
    // `status-report` replaces `risk-log`.
    let text = std::fs::read_to_string(dir.path().join("services.kdl")).unwrap();
    let text = text.replacen(
        "    name \"status-report service\"",
        "    name \"status-report service\"\n    replaces \"risk-log\"",
        1,
    );
    std::fs::write(dir.path().join("services.kdl"), text).unwrap();
    std::fs::remove_dir_all(dir.path().join("metrics")).unwrap();
    let review = review_json(&dir, &[]);
    assert_valid(&review);
    assert_eq!(review["observed"], false);
    let risk = &review["services"][0];
    assert_eq!(risk["sla_data"], "not-read");
    assert_eq!(risk["adoption"]["data"], "not-read");
    assert_eq!(risk["fired"][0]["trigger"], "replaced");
    assert_eq!(risk["fired"][0]["successor"], "status-report");
    // The successor went into operation on 2025-06-01: the gate is due
    // a decision on the replaced service since then.
    assert_eq!(risk["fired"][0]["since"], "2025-06-01");
    assert!(
        agenda(&review).contains(&row([
            "gate-decision",
            "risk-log",
            "-",
            "g4",
            "replaced",
            "2025-06-01"
        ])),
        "{:?}",
        agenda(&review)
    );
    let text = stdout(&run(&["review", path(&dir)]));
    assert!(
        text.contains("Metrics: no observations were read"),
        "{text}"
    );
    assert!(
        text.contains("SLA data: no observations were read"),
        "{text}"
    );
    // No observations is not "all clear" (language 1.1, section 10): every
    // target in force counts as without data, none as met.
    let summary = &review["summary"];
    assert_eq!(summary["targets"], 2);
    assert_eq!(summary["targets_without_data"], 2);
    assert_eq!(summary["targets_met"], 0);
    assert_eq!(review["services"][1]["status"], "amber");
    let o = run(&["review", path(&dir), "--fail-on-fired"]);
    assert_eq!(o.status.code(), Some(1));
}

/// `--metrics` naming an empty folder: nothing read, nothing met.
#[test]
fn an_empty_metrics_folder_is_without_data_not_all_clear() {
    let dir = project("");
    let empty = tempfile::tempdir().unwrap();
    let review = review_json(&dir, &["--metrics", path(&empty)]);
    assert_eq!(review["observed"], false);
    let summary = &review["summary"];
    assert_eq!(summary["targets_breached"], 0);
    assert_eq!(summary["targets_without_data"], 2);
    assert_eq!(summary["green"], 0);
    let text = stdout(&run(&["review", path(&dir), "--metrics", path(&empty)]));
    assert!(
        text.contains("every SLA target counts as without data"),
        "{text}"
    );
}

/// `--horizon`: an SLA review due within it is on the agenda (not
/// overdue); one after it is not. The default is 90 days.
#[test]
fn the_horizon_brings_coming_sla_reviews() {
    let dir = project("");
    let text = std::fs::read_to_string(dir.path().join("services.kdl")).unwrap();
    // risk-log's review moves to 2027-01-20: 80 days after as-of.
    let text = text.replacen("2027-06-30\"\n", "2027-01-20\"\n", 1);
    std::fs::write(dir.path().join("services.kdl"), text).unwrap();
    let review = review_json(&dir, &[]);
    assert_eq!(review["horizon"], "2027-01-30");
    let coming = |review: &serde_json::Value| -> Vec<(String, bool)> {
        review["agenda"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["kind"] == "sla-review")
            .map(|i| {
                (
                    i["sla"].as_str().unwrap().to_string(),
                    i["overdue"].as_bool().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(
        coming(&review),
        [
            ("status-report-sla".to_string(), true),
            ("risk-log-sla".to_string(), false)
        ]
    );
    // 79 days is one short of it; 80 days reaches it.
    let short = review_json(&dir, &["--horizon", "79 days"]);
    assert_eq!(coming(&short), [("status-report-sla".to_string(), true)]);
    let exact = review_json(&dir, &["--horizon", "80 days"]);
    assert_eq!(coming(&exact).len(), 2);
    assert_eq!(exact["horizon"], "2027-01-20");
    let o = run(&["review", path(&dir), "--horizon", "soon"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not a duration"), "{}", stderr(&o));
}

/// `--since DATE`: decisions taken after it, triggers whose firing run
/// started after it; nothing on or before the date.
#[test]
fn since_lists_what_changed() {
    let dir = project("");
    // The run's window began on 2026-08-01, its condition first held at
    // the end of 2026-10: its onset, 2026-11-01, is what is new.
    let review = review_json(&dir, &["--since", "2026-10-31"]);
    let since = &review["since"];
    assert_eq!(since["date"], "2026-10-31");
    assert_eq!(since["decisions"], serde_json::json!([]));
    assert_eq!(since["triggers"][0]["trigger"], "low-adoption");
    assert_eq!(since["triggers"][0]["start"], "2026-08-01");
    assert_eq!(since["triggers"][0]["onset"], "2026-11-01");
    assert_valid(&review);
    // Not after itself.
    let review = review_json(&dir, &["--since", "2026-11-01"]);
    assert_eq!(review["since"]["triggers"], serde_json::json!([]));
    // The decisions of 2025-06-01 are after 2025-05-31 (one per service).
    let review = review_json(&dir, &["--since", "2025-05-31"]);
    let decisions = review["since"]["decisions"].as_array().unwrap();
    assert_eq!(decisions.len(), 2);
    assert_eq!(decisions[0]["gate_name"], "Operate");
    assert_eq!(decisions[0]["service_name"], "risk-log service");
    // Without the flag, no `since` at all.
    assert!(review_json(&dir, &[]).get("since").is_none());
    let md = stdout(&run(&[
        "review",
        path(&dir),
        "--format",
        "markdown",
        "--since",
        "2026-10-31",
    ]));
    assert!(md.contains("## Since 2026-10-31"), "{md}");
    assert!(
        md.contains("- 2026-11-01: `low-adoption` for risk-log service (its run from 2026-08-01)"),
        "{md}"
    );
    let o = run(&["review", path(&dir), "--since", "2026-13-01"]);
    assert_eq!(o.status.code(), Some(2));
}

/// The summary lists services exceptions first, and the first screen of
/// the Markdown (before the agenda) holds every item due within 30 days.
#[test]
fn the_board_pack_opens_with_exceptions_and_what_is_due() {
    let dir = project("");
    let md = stdout(&run(&["review", path(&dir), "--format", "markdown"]));
    let first = md.split("## Agenda").next().unwrap();
    assert!(first.contains("## Due within 30 days"), "{md}");
    for date in ["2026-09-30", "2026-10-15", "2026-08-01"] {
        assert!(first.contains(date), "{date}: {first}");
    }
    let glance = first.split("## Services at a glance").nth(1).unwrap();
    let red = glance.find("risk-log service (`risk-log`)").unwrap();
    let amber = glance
        .find("status-report service (`status-report`)")
        .unwrap();
    assert!(red < amber, "{first}");
    assert!(
        first.contains("| ■ **red** |") && first.contains("| ▲ amber |"),
        "{first}"
    );
    assert!(first.contains("90.5%"), "{first}");
}

/// Free text cannot break the Markdown: a name's pipes and stars are
/// escaped, so the tables keep their columns.
#[test]
fn markdown_escapes_free_text() {
    let dir = project("");
    let file = dir.path().join("services.kdl");
    let text = std::fs::read_to_string(&file).unwrap();
    let text = text.replacen("name \"risk-log service\"", "name \"Risk | log *now*\"", 1);
    std::fs::write(&file, text).unwrap();
    let main = dir.path().join("main.kdl");
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(
        &main,
        text.replace("\"Transform or retire\"", "\"Keep | kill\""),
    )
    .unwrap();
    let md = stdout(&run(&["review", path(&dir), "--format", "markdown"]));
    assert!(
        md.contains("### Risk \\| log \\*now\\* (`risk-log`)\n"),
        "{md}"
    );
    assert!(md.contains("(Keep \\| kill)"), "{md}");
    // In the agenda's sentences too.
    assert!(md.contains("at gate Keep \\| kill (`"), "{md}");
    let text = stdout(&run(&["review", path(&dir)]));
    assert!(
        text.contains("Risk | log *now* (`risk-log`) (operation"),
        "{text}"
    );
}

/// The text review is for a terminal: a control character in a name is
/// shown, never printed raw.
#[test]
fn the_text_review_shows_control_characters() {
    let dir = project("");
    let services = dir.path().join("services.kdl");
    let text = std::fs::read_to_string(&services).unwrap();
    let text = text.replacen(
        "name \"risk-log service\"",
        "name \"risk-log \\u{1b}[31m service\"",
        1,
    );
    std::fs::write(&services, text).unwrap();
    let o = run(&["review", path(&dir)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(!out.contains('\u{1b}'), "{out}");
    assert!(out.contains("risk-log \u{241b}[31m service"), "{out}");
}

/// Neither the text nor the Markdown review passes a control character,
/// and a line break in a name cannot start a line of its own.
#[test]
fn no_format_passes_control_characters_or_forges_lines() {
    let dir = project("");
    let services = dir.path().join("services.kdl");
    let text = std::fs::read_to_string(&services).unwrap();
    let text = text.replacen(
        "name \"risk-log service\"",
        "name \"risk \\u{1b}]0;PWNED\\u{7}\\nFORGED line\"",
        1,
    );
    std::fs::write(&services, text).unwrap();
    let main = dir.path().join("main.kdl");
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(
        &main,
        text.replace(
            "\"Transform or retire\"",
            "\"Keep\\u{1b}]0;X\\u{7}\\nFORGED gate\"",
        ),
    )
    .unwrap();
    for format in ["text", "markdown"] {
        let o = run(&["review", path(&dir), "--format", format]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let out = stdout(&o);
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{7}'),
            "{format}: {out}"
        );
        assert!(
            !out.lines().any(|l| l.starts_with("FORGED")),
            "{format}: {out}"
        );
        assert!(
            out.contains("risk ␛") && out.contains("PWNED␇"),
            "{format}: {out}"
        );
    }
}

/// The example's review in JSON with `--horizon`.
fn example_json(horizon: &str) -> serde_json::Value {
    let example = common::example("acme");
    let o = run(&[
        "review",
        example.to_str().unwrap(),
        "--format",
        "json",
        "--horizon",
        horizon,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// The agenda items of one kind.
fn of_kind(review: &serde_json::Value, kind: &str) -> Vec<serde_json::Value> {
    review["agenda"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == kind)
        .cloned()
        .collect()
}

/// The agenda of the example holds the judgements of language 1.1, each
/// from the rule's own judgement: the overdue decision at the gate with
/// `decide-within`, the expired hold, the slipped plan and the plans due,
/// the saturated group (this month).
#[test]
fn the_agenda_holds_decisions_holds_plans_and_change_load() {
    let review = example_json("90 days");
    let decision = of_kind(&review, "decision-due");
    assert_eq!(decision.len(), 1, "{decision:?}");
    assert_eq!(decision[0]["service"], "change-control");
    assert_eq!(decision[0]["gate"], "g5-transform-or-retire");
    assert_eq!(decision[0]["date"], "2026-09-29");
    assert_eq!(decision[0]["overdue"], true);
    let text = decision[0]["text"].as_str().unwrap();
    assert!(text.contains("Transform or retire"), "{text}");
    assert!(text.contains("since 2026-08-01"), "{text}");
    assert!(text.contains("`change-backlog` (fired 2026-09-01, due 2026-09-29)"));

    let holds = of_kind(&review, "hold-revisit");
    assert!(holds.iter().any(|h| h["service"] == "health-checks"
        && h["date"] == "2026-10-13"
        && h["overdue"] == true));

    let plans = of_kind(&review, "plan-due");
    let slipped = plans
        .iter()
        .find(|p| p["service"] == "quantitative-risk")
        .unwrap();
    assert_eq!(slipped["date"], "2026-10-30");
    assert_eq!(slipped["overdue"], true);
    assert!(
        plans
            .iter()
            .all(|p| p["date"].as_str().unwrap() <= "2027-01-30")
    );
    assert!(plans.iter().any(|p| p["overdue"] == false));

    let saturated = of_kind(&review, "change-saturation");
    assert_eq!(saturated.len(), 1);
    assert_eq!(saturated[0]["customer"], "project-managers");
    assert_eq!(saturated[0]["customer_name"], "Project managers");
    assert_eq!(saturated[0]["service"], serde_json::Value::Null);
    let text = saturated[0]["text"].as_str().unwrap();
    assert!(
        text.contains("has 4 changes in 2026-11, capacity 2"),
        "{text}"
    );
}

/// Each item is on the agenda within `--horizon` and not beyond it: the
/// team over-committed from 2027-04-01 only with a longer horizon, and a
/// one-day horizon keeps only the plans already slipped.
#[test]
fn the_horizon_bounds_plans_and_capacity() {
    let review = example_json("90 days");
    assert!(of_kind(&review, "capacity-over").is_empty());
    let longer = example_json("180 days");
    let over = of_kind(&longer, "capacity-over");
    assert_eq!(over.len(), 1, "{over:?}");
    assert_eq!(over[0]["party"], "reporting-analysts");
    assert_eq!(over[0]["party_name"], "Reporting analysts");
    assert_eq!(over[0]["date"], "2027-04-01");
    assert_eq!(over[0]["overdue"], false);
    let text = over[0]["text"].as_str().unwrap();
    assert!(text.contains("2.2 FTE of 2 FTE"), "{text}");
    assert!(of_kind(&longer, "plan-due").len() > of_kind(&review, "plan-due").len());
    assert_valid(&longer);
    let short = example_json("1 day");
    let plans = of_kind(&short, "plan-due");
    assert!(!plans.is_empty() && plans.iter().all(|p| p["overdue"] == true));
}

/// The first screen lists, exceptions first, the example's overdue
/// decision, expired hold and slipped plan, by name, before what is not
/// overdue.
#[test]
fn the_first_screen_lists_the_overdue_first() {
    let example = common::example("acme");
    let md = stdout(&run(&[
        "review",
        example.to_str().unwrap(),
        "--format",
        "markdown",
    ]));
    let first = md.split("## Services at a glance").next().unwrap();
    let at = |words: &str| {
        first
            .find(words)
            .unwrap_or_else(|| panic!("{words}: {first}"))
    };
    let overdue = [
        at("| **overdue** | Decision due | Change control | 2026-09-29 |"),
        at("| **overdue** | Hold to revisit | Project health checks | 2026-10-13 |"),
        at("| **overdue** | Plan due | Quantitative schedule risk analysis | 2026-10-30 |"),
    ];
    let calm = at("| Change saturation | Project managers | 2026-11-01 |");
    assert!(overdue.iter().all(|&o| o < calm), "{first}");
}

/// Every service with an adoption target is in the review's `adoption`,
/// pipeline services in implementation included, judged against its plan
/// by the judgement the rules read: the example's estimating support is
/// behind its line (`adoption-behind-plan`), lessons learned on it.
#[test]
fn the_review_has_adoption_for_every_service_with_a_target() {
    let example = common::example("acme");
    let o = run(&["review", example.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let review: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let adoption = review["adoption"].as_array().unwrap();
    let row = |id: &str| {
        adoption
            .iter()
            .find(|a| a["service"] == id)
            .unwrap_or_else(|| panic!("{id} in {adoption:#?}"))
    };
    let behind = row("estimating-support");
    assert_eq!(behind["stage"], "implementation");
    assert_eq!(behind["adoption"]["judgement"]["standing"], "behind-plan");
    assert_eq!(behind["adoption"]["judgement"]["value"], 6);
    assert_eq!(behind["adoption"]["judgement"]["planned"], 9.1);
    assert_eq!(behind["adoption"]["plan_start"], "2026-09-07");
    assert_eq!(behind["adoption"]["baseline"], 0);
    assert_eq!(
        row("lessons-learned")["adoption"]["judgement"]["standing"],
        "on-plan"
    );
    assert_eq!(adoption.len(), 3, "{adoption:#?}");
}

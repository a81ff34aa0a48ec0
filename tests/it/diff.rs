//! `pmoc diff` end to end: one fixture pair per kind of change (a base
//! project and the same project with one edit) with its expected
//! classification, the exit codes, `catalog.json` files as sides, `--git`
//! against a temporary repository, the Markdown, and the JSON against
//! `schemas/diff.schema.json` (and that file in step with the code).

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

use common::{pmoc, run, run_in};

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

const MANIFEST: &str = r#"pmo "diff-pmo" { name "Diff PMO"; mandate "M"; sponsor "ann"; as-of "2026-11-01" }
"#;

/// The base catalogue every fixture edits.
const BASE: &str = r#"person "ann" name="Ann"
person "bob" name="Bob"
person "cy" name="Cy"
person "dee" name="Dee"
team "board" name="Board" {
    member "ann"
    member "bob"
}
customer "pms" name="Project managers"
customer "sponsors" name="Sponsors"
objective "delivery" title="Predictable delivery"
function "fn" { name "Reporting"; levels "project" }
metric "on-time" name="On time" unit="percent" direction="higher" cadence="month"
metric "adoption" name="Adoption" unit="percent" direction="higher" cadence="month"
metric "days" name="Turnaround" unit="days" direction="lower" cadence="month"

gate "g-operate" {
    name "Operate"
    from "implementation"
    to "operation"
    approvers "board" "cy"
    quorum 2
    must "M1"
    must "M2"
}
gate "g-review" { name "Review"; from "operation"; to "transform"; approvers "board"; must "M" }

trigger "low-adoption" {
    applies-to stage="operation"
    when "adoption" below=30 for=3
    min-age "6 months"
    action "review"
}
trigger "slow" {
    applies-to stage="operation"
    when "days" above=10 within="2 of 4"
    action "review"
}

service "alpha" {
    name "Alpha"
    function "fn"
    description "D"
    stage "operation"
    owner "ann"
    offer "pms" level="mandated"
    offer "sponsors" level="additional"
    sla "alpha-sla" {
        customers "pms"
        period "month"
        target "on-time" at-least=90 warn=95
        target "days" at-most=5 warn=4
        report to="board"
        escalate after="2 days" to="ann"
        review-by "2027-06-30"
    }
    sla "alpha-extra" {
        customers "sponsors"
        period "month"
        target "on-time" at-least=80
        report to="board"
        escalate after="2 days" to="ann"
        review-by "2027-06-30"
    }
    decision "g-operate" outcome="go" date="2026-01-10" by="board" {
        present "ann" "bob" "cy"
        rationale "R"
    }
}

service "beta" {
    name "Beta"
    function "fn"
    description "D"
    stage "design"
    owner "bob"
    offer "pms" level="additional"
    objectives "delivery"
}
"#;

/// A project folder holding the base catalogue with `edits` made (each
/// `from` must be in it).
fn project(edits: &[(&str, &str)]) -> tempfile::TempDir {
    let mut text = BASE.to_string();
    for (from, to) in edits {
        assert!(text.contains(from), "the fixture edits `{from}`");
        text = text.replacen(from, to, 1);
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pmo.kdl"), MANIFEST).unwrap();
    std::fs::write(dir.path().join("catalogue.kdl"), text).unwrap();
    dir
}

fn diff_json(old: &Path, new: &Path) -> serde_json::Value {
    let o = run(&["diff", path(old), path(new), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// Each change as (kind, weakens, id, item).
fn kinds(diff: &serde_json::Value) -> Vec<(String, bool, String, Option<String>)> {
    diff["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_string(),
                c["weakens"].as_bool().unwrap(),
                c["id"].as_str().unwrap().to_string(),
                c["item"].as_str().map(String::from),
            )
        })
        .collect()
}

const SERVICE_GAMMA: &str = r#"service "gamma" {
    name "Gamma"
    function "fn"
    description "D"
    stage "design"
    owner "bob"
    offer "pms" level="additional"
    objectives "delivery"
}
service "beta" {"#;

const SERVICE_BETA: &str = r#"service "beta" {
    name "Beta"
    function "fn"
    description "D"
    stage "design"
    owner "bob"
    offer "pms" level="additional"
    objectives "delivery"
}
"#;

const SLA_NEW: &str = r#"    sla "alpha-new" {
        customers "pms"
        period "quarter"
        target "adoption" at-least=50
        report to="board"
        escalate after="2 days" to="ann"
        review-by "2027-06-30"
    }
    decision "#;

/// (fixture, edits, the expected (kind, weakens, id, item) of each change).
type Case = (
    &'static str,
    Vec<(&'static str, &'static str)>,
    Vec<(&'static str, bool, &'static str, Option<&'static str>)>,
);

fn cases() -> Vec<Case> {
    [
        service_cases(),
        sla_cases(),
        warn_cases(),
        offer_and_gate_cases(),
        quorum_and_must_cases(),
        trigger_cases(),
        window_cases(),
    ]
    .concat()
}

fn service_cases() -> Vec<Case> {
    vec![
        ("nothing", vec![], vec![]),
        (
            "a name changed",
            vec![(r#"name "Alpha""#, r#"name "Alpha service""#)],
            vec![("field-changed", false, "alpha", Some("name"))],
        ),
        (
            "a person added",
            vec![(
                r#"person "dee""#,
                "person \"eve\" name=\"Eve\"\nperson \"dee\"",
            )],
            vec![("declaration-added", false, "eve", None)],
        ),
        (
            "a person removed",
            vec![("person \"dee\" name=\"Dee\"\n", "")],
            vec![("declaration-removed", false, "dee", None)],
        ),
        (
            "an escalation added",
            vec![(
                r#"escalate after="2 days" to="ann""#,
                "escalate after=\"2 days\" to=\"ann\"\n        escalate after=\"5 days\" to=\"board\"",
            )],
            vec![("field-strengthened", false, "alpha-sla", Some("escalate#2"))],
        ),
        (
            "the SLA period lengthened",
            vec![(r#"period "month""#, r#"period "year""#)],
            // Its report's cadence defaults to the period.
            vec![
                ("field-weakened", true, "alpha-sla", Some("period")),
                ("field-weakened", true, "alpha-sla", Some("report.every")),
            ],
        ),
        (
            "service added",
            vec![(r#"service "beta" {"#, SERVICE_GAMMA)],
            vec![("service-added", false, "gamma", None)],
        ),
        (
            "service removed",
            vec![(SERVICE_BETA, "")],
            vec![("service-removed", false, "beta", None)],
        ),
        (
            "service retired",
            vec![(
                r#"stage "design"
    owner "bob""#,
                r#"stage "retired"
    owner "bob"
    retirement { date "2026-10-01"; reason "Not needed"; decided-at "g-review" }"#,
            )],
            vec![
                ("service-retired", false, "beta", None),
                ("field-changed", false, "beta", Some("retirement")),
            ],
        ),
        (
            "service moved between stages",
            vec![(r#"stage "design""#, r#"stage "strategy""#)],
            vec![("service-stage-changed", false, "beta", None)],
        ),
        (
            "owner changed",
            vec![(r#"owner "ann""#, r#"owner "cy""#)],
            vec![("service-owner-changed", false, "alpha", None)],
        ),
    ]
}

fn sla_cases() -> Vec<Case> {
    vec![
        (
            "SLA added",
            vec![("    decision ", SLA_NEW)],
            vec![("sla-added", false, "alpha-new", None)],
        ),
        (
            "SLA removed",
            vec![(
                r#"    sla "alpha-extra" {
        customers "sponsors"
        period "month"
        target "on-time" at-least=80
        report to="board"
        escalate after="2 days" to="ann"
        review-by "2027-06-30"
    }
"#,
                "",
            )],
            vec![("sla-removed", true, "alpha-extra", None)],
        ),
        (
            "SLA target added",
            vec![(
                "target \"on-time\" at-least=80",
                "target \"on-time\" at-least=80\n        target \"adoption\" at-least=40",
            )],
            vec![("target-added", false, "alpha-extra", Some("adoption"))],
        ),
        (
            "SLA target removed",
            vec![("target \"days\" at-most=5 warn=4", "")],
            vec![("target-removed", true, "alpha-sla", Some("days"))],
        ),
        (
            "at-least target raised",
            vec![("at-least=90 warn=95", "at-least=92 warn=95")],
            vec![("target-tightened", false, "alpha-sla", Some("on-time"))],
        ),
        (
            "at-least target lowered",
            vec![("at-least=90 warn=95", "at-least=85 warn=95")],
            vec![("target-loosened", true, "alpha-sla", Some("on-time"))],
        ),
        (
            "at-most target lowered",
            vec![("at-most=5 warn=4", "at-most=4.5 warn=4")],
            vec![("target-tightened", false, "alpha-sla", Some("days"))],
        ),
        (
            "at-most target raised",
            vec![("at-most=5 warn=4", "at-most=6 warn=4")],
            vec![("target-loosened", true, "alpha-sla", Some("days"))],
        ),
        (
            "target's passing side changed",
            vec![("at-most=5 warn=4", "at-least=5 warn=6")],
            vec![("target-changed", true, "alpha-sla", Some("days"))],
        ),
    ]
}

fn warn_cases() -> Vec<Case> {
    vec![
        (
            "at-least warn raised",
            vec![("at-least=90 warn=95", "at-least=90 warn=97")],
            vec![("warn-tightened", false, "alpha-sla", Some("on-time"))],
        ),
        (
            "at-least warn lowered",
            vec![("at-least=90 warn=95", "at-least=90 warn=93")],
            vec![("warn-loosened", true, "alpha-sla", Some("on-time"))],
        ),
        (
            "at-most warn lowered",
            vec![("at-most=5 warn=4", "at-most=5 warn=3")],
            vec![("warn-tightened", false, "alpha-sla", Some("days"))],
        ),
        (
            "warn dropped",
            vec![("at-least=90 warn=95", "at-least=90")],
            vec![("warn-loosened", true, "alpha-sla", Some("on-time"))],
        ),
        (
            "warn added",
            vec![("at-least=80", "at-least=80 warn=85")],
            vec![("warn-tightened", false, "alpha-extra", Some("on-time"))],
        ),
    ]
}

fn offer_and_gate_cases() -> Vec<Case> {
    vec![
        (
            "mandate gained",
            vec![(
                r#"offer "sponsors" level="additional""#,
                r#"offer "sponsors" level="mandated""#,
            )],
            vec![("mandate-gained", false, "sponsors", Some("alpha"))],
        ),
        (
            "mandated service made additional",
            vec![(
                r#"offer "pms" level="mandated""#,
                r#"offer "pms" level="additional""#,
            )],
            vec![("mandate-lost", true, "pms", Some("alpha"))],
        ),
        (
            "gate added",
            vec![(
                "gate \"g-review\"",
                "gate \"g-retire\" { name \"Retire\"; from \"operation\"; to \"retired\"; approvers \"board\"; must \"M\" }\ngate \"g-review\"",
            )],
            vec![("gate-added", false, "g-retire", None)],
        ),
        (
            "gate removed",
            vec![(
                "gate \"g-review\" { name \"Review\"; from \"operation\"; to \"transform\"; approvers \"board\"; must \"M\" }",
                "",
            )],
            vec![("gate-removed", false, "g-review", None)],
        ),
        (
            "approver added",
            vec![(
                r#"approvers "board" "cy""#,
                r#"approvers "board" "cy" "ann""#,
            )],
            vec![("approver-added", false, "g-operate", Some("ann"))],
        ),
        (
            "approver removed",
            vec![
                (r#"approvers "board" "cy""#, r#"approvers "board""#),
                (r#"present "ann" "bob" "cy""#, r#"present "ann" "bob""#),
            ],
            vec![
                (
                    "field-changed",
                    false,
                    "alpha",
                    Some("decision[g-operate 2026-01-10].present"),
                ),
                ("approver-removed", false, "g-operate", Some("cy")),
            ],
        ),
    ]
}

fn quorum_and_must_cases() -> Vec<Case> {
    vec![
        (
            "quorum raised",
            vec![("quorum 2", "quorum 3")],
            vec![("quorum-raised", false, "g-operate", None)],
        ),
        (
            "quorum lowered",
            vec![("quorum 2", "quorum 1")],
            vec![("quorum-lowered", true, "g-operate", None)],
        ),
        (
            "quorum dropped",
            vec![("    quorum 2\n", "")],
            vec![("quorum-lowered", true, "g-operate", None)],
        ),
        (
            "must-criterion added",
            vec![(r#"must "M2""#, "must \"M2\"\n    must \"M3\"")],
            vec![("must-added", false, "g-operate", Some("M3"))],
        ),
        (
            "must-criterion removed",
            vec![("    must \"M2\"\n", "")],
            vec![("must-removed", true, "g-operate", Some("M2"))],
        ),
    ]
}

fn trigger_cases() -> Vec<Case> {
    vec![
        (
            "trigger added",
            vec![(
                "trigger \"slow\"",
                "trigger \"late\" {\n    applies-to stage=\"operation\"\n    when \"on-time\" below=50\n    action \"review\"\n}\ntrigger \"slow\"",
            )],
            vec![("trigger-added", false, "late", None)],
        ),
        (
            "trigger removed",
            vec![(
                "trigger \"slow\" {\n    applies-to stage=\"operation\"\n    when \"days\" above=10 within=\"2 of 4\"\n    action \"review\"\n}",
                "",
            )],
            vec![("trigger-removed", true, "slow", None)],
        ),
        (
            "below threshold lowered",
            vec![("below=30", "below=25")],
            vec![("trigger-harder", true, "low-adoption", Some("threshold"))],
        ),
        (
            "below threshold raised",
            vec![("below=30", "below=35")],
            vec![("trigger-easier", false, "low-adoption", Some("threshold"))],
        ),
        (
            "above threshold raised",
            vec![("above=10", "above=12")],
            vec![("trigger-harder", true, "slow", Some("threshold"))],
        ),
        (
            "above threshold lowered",
            vec![("above=10", "above=8")],
            vec![("trigger-easier", false, "slow", Some("threshold"))],
        ),
    ]
}

fn window_cases() -> Vec<Case> {
    vec![
        (
            "for raised",
            vec![("for=3", "for=4")],
            vec![("trigger-harder", true, "low-adoption", Some("for"))],
        ),
        (
            "for lowered",
            vec![("for=3", "for=2")],
            vec![("trigger-easier", false, "low-adoption", Some("for"))],
        ),
        (
            "K raised",
            vec![(r#"within="2 of 4""#, r#"within="3 of 4""#)],
            vec![("trigger-harder", true, "slow", Some("within-k"))],
        ),
        (
            "N lowered",
            vec![(r#"within="2 of 4""#, r#"within="2 of 3""#)],
            vec![("trigger-harder", true, "slow", Some("within-n"))],
        ),
        (
            "N raised",
            vec![(r#"within="2 of 4""#, r#"within="2 of 6""#)],
            vec![("trigger-easier", false, "slow", Some("within-n"))],
        ),
        (
            "a threshold became a trend",
            vec![("below=30 for=3", "falling=3")],
            vec![(
                "trigger-condition-changed",
                true,
                "low-adoption",
                Some("condition"),
            )],
        ),
        (
            "for=3 became within 3 of 4",
            vec![("for=3", r#"within="3 of 4""#)],
            vec![("trigger-easier", false, "low-adoption", Some("within-n"))],
        ),
        (
            "min-age raised",
            vec![(r#"min-age "6 months""#, r#"min-age "1 year""#)],
            vec![("trigger-harder", true, "low-adoption", Some("min-age"))],
        ),
        (
            "min-age lowered across units",
            vec![(r#"min-age "6 months""#, r#"min-age "20 weeks""#)],
            vec![("trigger-easier", false, "low-adoption", Some("min-age"))],
        ),
        (
            "min-age added",
            vec![(
                "when \"days\" above=10 within=\"2 of 4\"",
                "when \"days\" above=10 within=\"2 of 4\"\n    min-age \"3 months\"",
            )],
            vec![("trigger-harder", true, "slow", Some("min-age"))],
        ),
        (
            "min-age dropped",
            vec![("    min-age \"6 months\"\n", "")],
            vec![("trigger-easier", false, "low-adoption", Some("min-age"))],
        ),
        (
            "trigger condition changed",
            vec![(r#"when "adoption" below=30"#, r#"when "on-time" below=30"#)],
            vec![(
                "trigger-condition-changed",
                true,
                "low-adoption",
                Some("condition"),
            )],
        ),
    ]
}

#[test]
fn every_kind_of_change_is_classified() {
    let base = project(&[]);
    for (name, edits, expected) in cases() {
        let new = project(&edits);
        let found = kinds(&diff_json(base.path(), new.path()));
        let expected: Vec<_> = expected
            .iter()
            .map(|(k, w, id, item)| (k.to_string(), *w, id.to_string(), item.map(String::from)))
            .collect();
        assert_eq!(found, expected, "{name}");
    }
}

/// Each promise the issue found passed by (issue 19, item 17): (what,
/// the old side's edits, the new side's, the expected changes).
type Weakened = (
    &'static str,
    Vec<(&'static str, &'static str)>,
    Vec<(&'static str, &'static str)>,
    Vec<(&'static str, bool, &'static str, Option<&'static str>)>,
);

const ESCALATE: &str = r#"escalate after="2 days" to="ann""#;
const REPORT: &str = r#"report to="board""#;
const ACTION: &str = r#"action "review""#;

fn weakened_promises() -> Vec<Weakened> {
    let w = |id, item| ("field-weakened", true, id, Some(item));
    let two =
        "escalate after=\"2 days\" to=\"ann\"\n        escalate after=\"5 days\" to=\"board\"";
    vec![
        (
            "an escalation slowed",
            vec![],
            vec![(ESCALATE, r#"escalate after="30 working days" to="ann""#)],
            vec![w("alpha-sla", "escalate#1.after")],
        ),
        (
            "an escalation removed",
            vec![(ESCALATE, two)],
            vec![],
            vec![w("alpha-sla", "escalate#2")],
        ),
        (
            "an escalation sent to someone else",
            vec![],
            vec![(ESCALATE, r#"escalate after="2 days" to="cy""#)],
            vec![w("alpha-sla", "escalate#1.to")],
        ),
        (
            "respond-within lengthened",
            vec![(
                REPORT,
                "respond-within \"4 hours\"\n        report to=\"board\"",
            )],
            vec![(
                REPORT,
                "respond-within \"8 hours\"\n        report to=\"board\"",
            )],
            vec![w("alpha-sla", "respond-within")],
        ),
        (
            "the report cadence moved from month to year",
            vec![(REPORT, r#"report every="month" to="board""#)],
            vec![(REPORT, r#"report every="year" to="board""#)],
            vec![w("alpha-sla", "report.every")],
        ),
        (
            "service hours narrowed",
            vec![(REPORT, "hours \"24x7\"\n        report to=\"board\"")],
            vec![(
                REPORT,
                "hours \"Mon-Fri 09:00-17:00\"\n        report to=\"board\"",
            )],
            vec![w("alpha-sla", "hours")],
        ),
        (
            "the calendar changed",
            vec![(REPORT, "calendar \"calendar\"\n        report to=\"board\"")],
            vec![(REPORT, "calendar \"business\"\n        report to=\"board\"")],
            vec![w("alpha-sla", "calendar")],
        ),
    ]
}

fn weakened_dates_and_triggers() -> Vec<Weakened> {
    let w = |id, item| ("field-weakened", true, id, Some(item));
    vec![
        (
            "review-by moved later",
            vec![],
            vec![(r#"review-by "2027-06-30""#, r#"review-by "2027-12-31""#)],
            vec![w("alpha-sla", "review-by")],
        ),
        (
            "an end added to an SLA",
            vec![],
            vec![(
                r#"review-by "2027-06-30""#,
                "review-by \"2027-06-30\"\n        ends \"2027-09-30\"",
            )],
            vec![w("alpha-sla", "ends")],
        ),
        (
            "a trigger moved off a service",
            vec![(
                r#"applies-to stage="operation""#,
                r#"applies-to service="alpha""#,
            )],
            vec![(
                r#"applies-to stage="operation""#,
                r#"applies-to service="beta""#,
            )],
            vec![
                w("low-adoption", "applies-to"),
                (
                    "field-strengthened",
                    false,
                    "low-adoption",
                    Some("applies-to"),
                ),
            ],
        ),
        (
            "a trigger's action changed",
            vec![],
            vec![(ACTION, r#"action "transform""#)],
            vec![w("low-adoption", "action")],
        ),
        (
            "a trigger's gate removed",
            vec![(ACTION, "action \"review\"\n    gate \"g-review\"")],
            vec![],
            vec![w("low-adoption", "gate")],
        ),
    ]
}

const BETA_STAGE: &str = r#"stage "design""#;
const OBJECTIVE: &str = r#"objective "delivery" title="Predictable delivery""#;

/// The roadmap (language 1.1): plans and objectives' ends.
fn weakened_roadmap() -> Vec<Weakened> {
    let w = |id, item| ("field-weakened", true, id, Some(item));
    vec![
        (
            "a plan moved later",
            vec![(
                BETA_STAGE,
                "stage \"design\"\n    plan \"pilot\" by=\"2027-01-15\"",
            )],
            vec![(
                BETA_STAGE,
                "stage \"design\"\n    plan \"pilot\" by=\"2027-03-01\"",
            )],
            vec![w("beta", "plan[pilot].by")],
        ),
        (
            "a plan removed",
            vec![(
                BETA_STAGE,
                "stage \"design\"\n    plan \"pilot\" by=\"2027-01-15\"",
            )],
            vec![],
            vec![w("beta", "plan[pilot]")],
        ),
        (
            "an objective's until extended",
            vec![(
                OBJECTIVE,
                r#"objective "delivery" title="Predictable delivery" until="2027-06-30""#,
            )],
            vec![(
                OBJECTIVE,
                r#"objective "delivery" title="Predictable delivery" until="2027-12-31""#,
            )],
            vec![w("delivery", "until")],
        ),
        (
            "an objective's until removed",
            vec![(
                OBJECTIVE,
                r#"objective "delivery" title="Predictable delivery" until="2027-06-30""#,
            )],
            vec![],
            vec![w("delivery", "until")],
        ),
    ]
}

/// LANGUAGE-1.1 section 11: an SLA's breach allowance raised or removed, a
/// group's change capacity raised, a gate's
/// `decide-within` lengthened or removed, a hold's `revisit` moved later.
fn weakened_governance() -> Vec<Weakened> {
    let w = |id, item| ("field-weakened", true, id, Some(item));
    const PMS: &str = r#"customer "pms" name="Project managers""#;
    const GATE: &str = r#"approvers "board"; must "M" }"#;
    const HOLD: &str = "        rationale \"R\"\n    }\n}";
    let hold = |revisit: &str| {
        format!(
            "        rationale \"R\"\n    }}\n    decision \"g-review\" outcome=\"hold\" date=\"2026-09-01\" by=\"board\" {{\n        present \"ann\" \"bob\"\n        rationale \"Later\"\n        revisit \"{revisit}\"\n    }}\n}}"
        )
    };
    const EXTRA: &str = "target \"on-time\" at-least=80\n";
    const ONE: &str = "target \"on-time\" at-least=80\n        budget breaches=1\n";
    const TWO: &str = "target \"on-time\" at-least=80\n        budget breaches=2\n";
    vec![
        (
            "a breach allowance raised",
            vec![(EXTRA, ONE)],
            vec![(EXTRA, TWO)],
            vec![w("alpha-extra", "budget.breaches")],
        ),
        (
            "a breach allowance removed",
            vec![(EXTRA, ONE)],
            vec![],
            vec![w("alpha-extra", "budget")],
        ),
        (
            "change-capacity raised",
            vec![(
                PMS,
                r#"customer "pms" name="Project managers" change-capacity=2"#,
            )],
            vec![(
                PMS,
                r#"customer "pms" name="Project managers" change-capacity=3"#,
            )],
            vec![w("pms", "change-capacity")],
        ),
        (
            "change-capacity removed",
            vec![(
                PMS,
                r#"customer "pms" name="Project managers" change-capacity=2"#,
            )],
            vec![],
            vec![w("pms", "change-capacity")],
        ),
        (
            "decide-within lengthened",
            vec![(
                GATE,
                r#"approvers "board"; must "M"; decide-within "10 working days" }"#,
            )],
            vec![(
                GATE,
                r#"approvers "board"; must "M"; decide-within "20 working days" }"#,
            )],
            vec![w("g-review", "decide-within")],
        ),
        (
            "decide-within removed",
            vec![(
                GATE,
                r#"approvers "board"; must "M"; decide-within "10 working days" }"#,
            )],
            vec![],
            vec![w("g-review", "decide-within")],
        ),
        (
            "a hold's revisit moved later",
            vec![(HOLD, Box::leak(hold("2027-01-15").into_boxed_str()))],
            vec![(HOLD, Box::leak(hold("2027-03-15").into_boxed_str()))],
            vec![w("alpha", "decision[g-review 2026-09-01].revisit")],
        ),
    ]
}

/// LANGUAGE-1.1 section 11: an improvement's `due` moved later or
/// removed, its expectation lowered, or a `dropped` added.
fn weakened_improvements() -> Vec<Weakened> {
    let w = |id, item| ("field-weakened", true, id, Some(item));
    const PMS: &str = r#"customer "pms" name="Project managers""#;
    let with = |fields: &str| -> &'static str {
        Box::leak(
            format!(
                "{PMS}\nimprovement \"faster\" {{\n    title \"Faster\"\n    service \"alpha\"\n    answers \"slow\"\n    owner \"ann\"\n{fields}}}"
            )
            .into_boxed_str(),
        )
    };
    let expect = |v: &str| format!("    expect \"adoption\" at-least={v} by=\"2027-06-30\"\n");
    let base = format!("    due \"2027-01-31\"\n{}", expect("40"));
    vec![
        (
            "an improvement's due moved later",
            vec![(PMS, with(&base))],
            vec![(
                PMS,
                with(&format!("    due \"2027-03-31\"\n{}", expect("40"))),
            )],
            vec![w("faster", "due")],
        ),
        (
            "an improvement's expectation lowered",
            vec![(PMS, with(&base))],
            vec![(
                PMS,
                with(&format!("    due \"2027-01-31\"\n{}", expect("30"))),
            )],
            vec![w("faster", "expect.at-least")],
        ),
        (
            "an improvement dropped",
            vec![(PMS, with(&base))],
            vec![(
                PMS,
                with(&format!(
                    "{base}    dropped \"2026-10-01\" reason=\"Not needed\"\n"
                )),
            )],
            vec![w("faster", "dropped")],
        ),
    ]
}

/// LANGUAGE-1.1 section 11: a benefit or `includes` item removed, an
/// `excludes` item added, criticality lowered, a longer `lead-time`; and a
/// gate's requirement dropped.
fn weakened_card() -> Vec<Weakened> {
    let w = |id, item| ("field-weakened", true, id, Some(item));
    const OWNER: &str = "    owner \"ann\"\n";
    const GATE: &str = r#"approvers "board"; must "M" }"#;
    let card =
        |fields: &str| -> &'static str { Box::leak(format!("{OWNER}{fields}").into_boxed_str()) };
    vec![
        (
            "a benefit removed",
            vec![(OWNER, card("    benefits \"Faster\" \"Cheaper\"\n"))],
            vec![(OWNER, card("    benefits \"Faster\"\n"))],
            vec![w("alpha", "benefits")],
        ),
        (
            "an included item removed",
            vec![(OWNER, card("    includes \"New\" \"Extensions\"\n"))],
            vec![(OWNER, card("    includes \"New\"\n"))],
            vec![w("alpha", "includes")],
        ),
        (
            "an excluded item added",
            vec![(OWNER, card("    excludes \"Contractors\"\n"))],
            vec![(OWNER, card("    excludes \"Contractors\" \"Travel\"\n"))],
            vec![w("alpha", "excludes")],
        ),
        (
            "criticality lowered",
            vec![(OWNER, card("    criticality \"high\"\n"))],
            vec![(OWNER, card("    criticality \"medium\"\n"))],
            vec![w("alpha", "criticality")],
        ),
        (
            "a longer lead time, in other units",
            vec![(OWNER, card("    lead-time \"5 working days\"\n"))],
            vec![(OWNER, card("    lead-time \"2 weeks\"\n"))],
            vec![w("alpha", "lead-time")],
        ),
        (
            "a benefit of the business case removed",
            vec![(
                OWNER,
                card(
                    "    case {\n        benefit \"A\"\n        benefit \"B\"\n        cost \"C\"\n    }\n",
                ),
            )],
            vec![(
                OWNER,
                card("    case {\n        benefit \"A\"\n        cost \"C\"\n    }\n"),
            )],
            vec![w("alpha", "case.benefit")],
        ),
        (
            "a gate's requirement dropped",
            vec![(
                GATE,
                r#"approvers "board"; must "M"; requires "case" "pilot" }"#,
            )],
            vec![(GATE, r#"approvers "board"; must "M"; requires "pilot" }"#)],
            vec![w("g-review", "requires")],
        ),
    ]
}

/// Card changes that weaken no promise: a lead time that reads the same
/// in other units or cannot be read, criticality raised, a benefit added.
#[test]
fn card_changes_that_weaken_nothing() {
    const OWNER: &str = "    owner \"ann\"\n";
    let card = |fields: &str| -> String { format!("{OWNER}{fields}") };
    let cases: Vec<(&str, String, String, &str)> = vec![
        (
            "the same lead time in other units",
            card("    lead-time \"10 working days\"\n"),
            card("    lead-time \"2 weeks\"\n"),
            "field-changed",
        ),
        (
            "a lead time that is not a number and a unit",
            card("    lead-time \"5 working days\"\n"),
            card("    lead-time \"after the monthly board\"\n"),
            "field-changed",
        ),
        (
            "a shorter lead time",
            card("    lead-time \"within 2 weeks\"\n"),
            card("    lead-time \"5 business days\"\n"),
            "field-strengthened",
        ),
        (
            "criticality raised",
            card("    criticality \"medium\"\n"),
            card("    criticality \"critical\"\n"),
            "field-strengthened",
        ),
        (
            "a benefit added",
            card("    benefits \"Faster\"\n"),
            card("    benefits \"Faster\" \"Cheaper\"\n"),
            "field-strengthened",
        ),
    ];
    for (name, old, new, kind) in cases {
        let (old, new) = (project(&[(OWNER, &old)]), project(&[(OWNER, &new)]));
        let found = kinds(&diff_json(old.path(), new.path()));
        assert_eq!(found.len(), 1, "{name}: {found:?}");
        assert_eq!(found[0].0, kind, "{name}: {found:?}");
        assert!(!found[0].1, "{name}: {found:?}");
    }
}

#[test]
fn every_weakened_promise_is_flagged() {
    for (name, old, new, expected) in [
        weakened_promises(),
        weakened_dates_and_triggers(),
        weakened_roadmap(),
        weakened_governance(),
        weakened_improvements(),
        weakened_card(),
    ]
    .concat()
    {
        let (old, new) = (project(&old), project(&new));
        let found = kinds(&diff_json(old.path(), new.path()));
        let expected: Vec<_> = expected
            .iter()
            .map(|(k, w, id, item)| (k.to_string(), *w, id.to_string(), item.map(String::from)))
            .collect();
        assert_eq!(found, expected, "{name}");
        let o = run(&[
            "diff",
            path(old.path()),
            path(new.path()),
            "--fail-on-weakened",
        ]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stdout(&o));
        assert!(!stdout(&o).contains("No change"), "{name}");
    }
}

/// A base and a new side with several changes, some weakening.
fn weakened() -> (tempfile::TempDir, tempfile::TempDir) {
    let new = project(&[
        ("at-least=90 warn=95", "at-least=85 warn=95"),
        (
            "must \"M2\"",
            "must \"Costs *known* <b>before</b> `go` | [x]\"",
        ),
        (r#"stage "design""#, r#"stage "strategy""#),
    ]);
    (project(&[]), new)
}

#[test]
fn exit_codes_follow_the_weakening_changes() {
    let (old, new) = weakened();
    let o = run(&["diff", path(old.path()), path(new.path())]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("4 changes; 2 weaken a promise."), "{text}");
    assert!(
        text.contains("  ! SLA `alpha-sla`: target `on-time` at least 90 → at least 85 (loosened)"),
        "{text}"
    );
    let o = run(&[
        "diff",
        path(old.path()),
        path(new.path()),
        "--fail-on-weakened",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), text, "the same report, whatever the exit code");
    // Changes that weaken nothing pass even with the flag.
    let easier = project(&[("below=30", "below=35")]);
    let o = run(&[
        "diff",
        path(old.path()),
        path(easier.path()),
        "--fail-on-weakened",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let o = run(&["diff", path(old.path()), path(old.path())]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("No change to the catalogue."));
}

#[test]
fn a_side_with_errors_is_named_with_its_error_count() {
    let good = project(&[]);
    let broken = project(&[(r#"function "fn""#, r#"function "fun""#)]);
    let o = run(&["diff", path(good.path()), path(broken.path())]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let err = stderr(&o);
    assert!(err.contains("error: NEW (`"), "{err}");
    assert!(err.contains("the project has 2 errors"), "{err}");
    let o = run(&["diff", path(broken.path()), path(good.path())]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("error: OLD (`"), "{}", stderr(&o));
    // Not a project, a wrong number of paths.
    let empty = tempfile::tempdir().unwrap();
    let o = run(&["diff", path(empty.path()), path(good.path())]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("neither a project folder (with `pmo.kdl`)"),
        "{}",
        stderr(&o)
    );
    let o = run(&["diff", path(good.path())]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn catalog_files_and_project_folders_compare_alike() {
    let (old, new) = weakened();
    let built = tempfile::tempdir().unwrap();
    let mut catalogs = Vec::new();
    for (name, side) in [("old", &old), ("new", &new)] {
        let out = built.path().join(name);
        let o = run(&["build", path(side.path()), "--out", path(&out)]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        catalogs.push(out.join("catalog.json"));
    }
    let from_folders = diff_json(old.path(), new.path());
    let from_files = diff_json(&catalogs[0], &catalogs[1]);
    assert_eq!(from_files["changes"], from_folders["changes"]);
    assert_eq!(from_files["old"]["source"], path(&catalogs[0]));
    // A folder against a file.
    let mixed = diff_json(old.path(), &catalogs[1]);
    assert_eq!(mixed["changes"], from_folders["changes"]);
    // Site folders pmoc wrote: their catalog.json is read (not the project
    // around them).
    let sites = diff_json(&built.path().join("old"), &built.path().join("new"));
    assert_eq!(sites["changes"], from_folders["changes"]);
}

/// A catalog of schema version "1" (no plans, no objective dates) read
/// against a 1.1 project: the fields it lacks are unknown there, never
/// removed or added.
#[test]
fn a_version_1_catalog_lacks_the_new_fields_without_changing_them() {
    let side = project(&[
        (
            BETA_STAGE,
            "stage \"design\"\n    plan \"pilot\" by=\"2027-01-15\"",
        ),
        (
            OBJECTIVE,
            r#"objective "delivery" title="Predictable delivery" priority=1 from="2026-07-01" until="2027-06-30""#,
        ),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let o = run(&["build", path(side.path()), "--out", path(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut catalog: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("catalog.json")).unwrap()).unwrap();
    assert_eq!(catalog["schema_version"], "1.1");
    catalog["schema_version"] = "1".into();
    for service in catalog["services"].as_array_mut().unwrap() {
        service.as_object_mut().unwrap().remove("plans");
    }
    for objective in catalog["objectives"].as_array_mut().unwrap() {
        let objective = objective.as_object_mut().unwrap();
        for key in ["priority", "from", "until"] {
            objective.remove(key);
        }
    }
    let old = dir.path().join("catalog-1.json");
    std::fs::write(&old, catalog.to_string()).unwrap();
    for (a, b) in [(old.as_path(), side.path()), (side.path(), old.as_path())] {
        let diff = diff_json(a, b);
        assert_eq!(diff["changes"], serde_json::json!([]), "{a:?} → {b:?}");
    }
}

#[test]
fn a_file_that_is_not_a_catalog_is_refused() {
    let good = project(&[]);
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("not-json.json", "{".to_string(), "not JSON"),
        (
            "other.json",
            r#"{"schema_version": "2"}"#.to_string(),
            "schema version 1",
        ),
    ];
    for (name, text, said) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, text).unwrap();
        let o = run(&["diff", path(&file), path(good.path())]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        assert!(stderr(&o).contains(said), "{name}: {}", stderr(&o));
    }
    // An id that could become markup in the Markdown is refused.
    let out = dir.path().join("site");
    assert_eq!(
        run(&["build", path(good.path()), "--out", path(&out)])
            .status
            .code(),
        Some(0)
    );
    let text = std::fs::read_to_string(out.join("catalog.json"))
        .unwrap()
        .replace("\"alpha\"", "\"<img src=x>`\"");
    let file = dir.path().join("hostile.json");
    std::fs::write(&file, text).unwrap();
    let o = run(&["diff", path(&file), path(good.path())]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("breaks the id rule"), "{}", stderr(&o));
}

#[test]
fn markdown_reads_as_a_pull_request_comment() {
    let (old, new) = weakened();
    let o = run(&[
        "diff",
        path(old.path()),
        path(new.path()),
        "--format",
        "markdown",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let md = stdout(&o);
    assert!(md.starts_with("## Catalogue changes\n"), "{md}");
    assert!(md.contains("**4 changes; 2 weaken a promise.**"), "{md}");
    assert!(
        md.contains("### ⚠️ Needs attention: weakens a promise\n\n- SLA `alpha-sla`: target `on-time` at least 90 → at least 85 (loosened)"),
        "{md}"
    );
    // A criterion's text is escaped: no emphasis, no HTML, no code span.
    assert!(
        md.contains(r"“Costs \*known\* \<b\>before\</b\> \`go\` \| \[x\]”"),
        "{md}"
    );
    assert!(
        md.contains("### Services\n\n- service `beta` moved from design to strategy"),
        "{md}"
    );
    assert!(
        md.contains("### Gates\n\n- gate `g-operate`: must-meet criterion added"),
        "{md}"
    );
}

fn schema() -> serde_json::Value {
    serde_json::from_str(include_str!("../../schemas/diff.schema.json")).unwrap()
}

#[test]
fn the_diff_schema_is_in_step_with_the_code() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/diff.schema.json");
    let code = pmoc::diff::schema();
    if std::env::var_os("PMOC_UPDATE_SCHEMAS").is_some() {
        std::fs::write(&file, &code).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        code,
        "run `PMOC_UPDATE_SCHEMAS=1 cargo test --test it diff::` to rewrite schemas/diff.schema.json"
    );
}

#[test]
fn the_json_is_valid_against_its_schema() {
    let validator = jsonschema::validator_for(&schema()).expect("a valid schema");
    let base = project(&[]);
    let mut seen = std::collections::BTreeSet::new();
    for (name, edits, _) in cases() {
        let new = project(&edits);
        let diff = diff_json(base.path(), new.path());
        let errors: Vec<String> = validator
            .iter_errors(&diff)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        for c in diff["changes"].as_array().unwrap() {
            seen.insert(c["kind"].as_str().unwrap().to_string());
        }
    }
    // Every kind the schema names was produced by a fixture.
    let mut kinds = std::collections::BTreeSet::new();
    for variant in schema()["$defs"]["ChangeKind"]["oneOf"].as_array().unwrap() {
        let words = variant["enum"].as_array().cloned().unwrap_or_default();
        for word in words.iter().chain([&variant["const"]]) {
            if let Some(word) = word.as_str() {
                kinds.insert(word.to_string());
            }
        }
    }
    assert_eq!(seen, kinds);
    // Numbers stay numbers; the schema rejects a wrong shape.
    let new = project(&[("at-least=90 warn=95", "at-least=85 warn=95")]);
    let mut diff = diff_json(base.path(), new.path());
    assert_eq!(diff["changes"][0]["old"], 90);
    assert_eq!(diff["changes"][0]["new"], 85);
    diff["changes"][0]["kind"] = "lunch".into();
    assert!(!validator.is_valid(&diff));
}

/// Runs git in `dir`, which must succeed.
fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("git runs");
    assert!(o.status.success(), "git {args:?}: {}", stderr(&o));
}

/// A repository holding the base project in `pmo/` (its catalogue in
/// `pmo/sub/`) beside other files, committed once on `main`.
fn repository() -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    let root = repo.path();
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["config", "user.name", "Test"]);
    git(root, &["config", "user.email", "test@example.com"]);
    let project_dir = root.join("pmo");
    std::fs::create_dir_all(project_dir.join("sub")).unwrap();
    std::fs::write(project_dir.join("pmo.kdl"), MANIFEST).unwrap();
    std::fs::write(project_dir.join("sub/catalogue.kdl"), BASE).unwrap();
    std::fs::write(root.join("README.md"), "hello").unwrap();
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base"]);
    repo
}

#[test]
fn git_compares_the_working_tree_with_a_revision() {
    let repo = repository();
    let root = repo.path();
    let project_dir = root.join("pmo");
    std::fs::write(
        project_dir.join("sub/catalogue.kdl"),
        BASE.replace("quorum 2", "quorum 1"),
    )
    .unwrap();
    // From inside the project, PATH defaulting to `.`.
    let o = run_in(
        &project_dir.join("sub"),
        &["diff", "--git", "HEAD", "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let diff: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(diff["old"]["source"], "HEAD:pmo");
    assert_eq!(
        kinds(&diff),
        vec![("quorum-lowered".into(), true, "g-operate".into(), None)]
    );
    // From the top of the repository, with PATH.
    let o = run_in(
        root,
        &["diff", "--git", "main", "pmo", "--fail-on-weakened"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // Committed: no difference.
    git(root, &["commit", "-q", "-am", "lower the quorum"]);
    let o = run(&[
        "diff",
        "--git",
        "HEAD",
        path(&project_dir),
        "--fail-on-weakened",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&[
        "diff",
        "--git",
        "HEAD~1",
        path(&project_dir),
        "--format",
        "json",
    ]);
    let diff: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(diff["summary"]["weakening"], 1);
}

#[test]
fn git_errors_are_clear() {
    let repo = repository();
    let root = repo.path();
    let project_dir = root.join("pmo");
    // An unknown revision, a revision without the project, not a repository.
    let o = run(&["diff", "--git", "no-such-ref", path(&project_dir)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    assert!(
        stderr(&o).contains("`no-such-ref` is not a revision of the repository"),
        "{}",
        stderr(&o)
    );
    let o = run(&["diff", "--git", "--output=/tmp/x", path(&project_dir)]);
    assert_eq!(o.status.code(), Some(2), "an option is no revision");
    std::fs::write(root.join("other.txt"), "x").unwrap();
    git(root, &["add", "other.txt"]);
    git(root, &["commit", "-q", "-m", "other"]);
    git(root, &["mv", "pmo", "catalogue"]);
    git(root, &["commit", "-q", "-m", "move"]);
    let o = run(&["diff", "--git", "HEAD~1", path(&root.join("catalogue"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("the revision `HEAD~1` has no `catalogue/pmo.kdl`"),
        "{}",
        stderr(&o)
    );
    let plain = tempfile::tempdir().unwrap();
    std::fs::write(plain.path().join("pmo.kdl"), MANIFEST).unwrap();
    std::fs::write(plain.path().join("catalogue.kdl"), BASE).unwrap();
    let o = run(&["diff", "--git", "HEAD", path(plain.path())]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a git repository"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_side_that_is_no_project_catalog_or_site_is_refused() {
    let p = project(&[]);
    // A built site whose marker was removed, inside the project.
    let o = run(&["build", path(p.path())]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let site = p.path().join("site");
    std::fs::remove_file(site.join(".pmoc-site")).unwrap();
    let o = run(&["diff", path(&site), path(p.path())]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("neither a project folder"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("no `.pmoc-site`"), "{}", stderr(&o));
    // A plain folder inside the project.
    std::fs::create_dir(p.path().join("empty")).unwrap();
    let o = run(&["diff", path(&p.path().join("empty")), path(p.path())]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn catalog_files_are_bounded_and_checked() {
    let p = project(&[]);
    let o = run(&["build", path(p.path())]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(p.path().join("site/catalog.json")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // A byte order mark is skipped.
    let bom = dir.path().join("bom.json");
    std::fs::write(&bom, format!("\u{feff}{text}")).unwrap();
    let o = run(&["diff", path(&bom), path(p.path())]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // An id declared twice.
    let mut twice: serde_json::Value = serde_json::from_str(&text).unwrap();
    let first = twice["gates"][0].clone();
    twice["gates"].as_array_mut().unwrap().push(first);
    let dup = dir.path().join("dup.json");
    std::fs::write(&dup, twice.to_string()).unwrap();
    let o = run(&["diff", path(&dup), path(p.path())]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("the id `g-operate` is declared twice"),
        "{}",
        stderr(&o)
    );
    // Over the bound: refused before it is read.
    let big = dir.path().join("big.json");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(32 * 1024 * 1024 + 1).unwrap();
    let o = run(&["diff", path(&big), path(p.path())]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("over 32 MiB"), "{}", stderr(&o));
    // A huge threshold is printed in a bounded form.
    let mut huge: serde_json::Value = serde_json::from_str(&text).unwrap();
    let target = &mut huge["services"][0]["slas"][0]["targets"][0]["threshold"]["value"];
    *target = serde_json::json!(1e308);
    let huge_file = dir.path().join("huge.json");
    std::fs::write(&huge_file, huge.to_string()).unwrap();
    let o = run(&["diff", path(&huge_file), path(p.path())]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("1e308"), "{}", stdout(&o));
    assert!(
        !stdout(&o).contains("100000000000000000000"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn git_revisions_are_read_as_git_reads_them() {
    let repo = repository();
    let project_dir = repo.path().join("pmo");
    let o = run(&["diff", "--git", ":/base", path(&project_dir)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&["diff", "--git", "^HEAD", path(&project_dir)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("`^HEAD` names no single commit"),
        "{}",
        stderr(&o)
    );
}

#[cfg(unix)]
#[test]
fn git_reads_names_that_are_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let repo = repository();
    let root = repo.path();
    let name = std::ffi::OsStr::from_bytes(b"risk\xe9.kdl");
    let file = root.join("pmo/sub").join(name);
    let risk = SERVICE_BETA
        .replace(r#""beta""#, r#""risk""#)
        .replace(r#"level="additional""#, r#"level="mandated""#);
    std::fs::write(&file, risk).unwrap();
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "risk"]);
    std::fs::remove_file(&file).unwrap();
    let o = run(&[
        "diff",
        "--git",
        "HEAD",
        path(&root.join("pmo")),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let diff: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let found = kinds(&diff);
    assert!(
        found.contains(&("service-removed".into(), false, "risk".into(), None)),
        "{found:?}"
    );
    assert!(
        found.contains(&(
            "mandate-lost".into(),
            true,
            "pms".into(),
            Some("risk".into())
        )),
        "{found:?}"
    );
}

#[test]
fn git_refuses_a_source_over_the_bound() {
    let repo = repository();
    let root = repo.path();
    let big = format!("// {}\n", "x".repeat(8 * 1024 * 1024));
    std::fs::write(root.join("pmo/sub/big.kdl"), big).unwrap();
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "big"]);
    let o = run(&["diff", "--git", "HEAD", path(&root.join("pmo"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("`sub/big.kdl` is"), "{}", stderr(&o));
}

/// `git`, but slow to hand out files: a `git` first in PATH.
#[cfg(unix)]
fn slow_git(dir: &Path) -> String {
    use std::os::unix::fs::PermissionsExt;
    let real = String::from_utf8(
        Command::new("sh")
            .args(["-c", "command -v git"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let script = dir.join("git");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nfor a in \"$@\"; do [ \"$a\" = cat-file ] && sleep 4; done\nexec {} \"$@\"\n",
            real.trim()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    format!("{}:{}", dir.display(), std::env::var("PATH").unwrap())
}

#[cfg(unix)]
#[test]
fn git_temporary_folders_are_private_and_removed_on_ctrl_c() {
    use std::os::unix::fs::PermissionsExt;
    let repo = repository();
    let bin = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let path_var = slow_git(bin.path());
    let spawn = || {
        pmoc()
            .args(["diff", "--git", "HEAD", path(&repo.path().join("pmo"))])
            .env("PATH", &path_var)
            .env("TMPDIR", tmp.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let folders = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect()
    };
    // Finished: nothing left.
    assert!(spawn().wait().unwrap().success());
    assert!(folders().is_empty(), "{:?}", folders());
    // Interrupted while the files are read.
    let mut child = spawn();
    let start = std::time::Instant::now();
    while folders().is_empty() && start.elapsed() < std::time::Duration::from_secs(20) {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // Its files are being read (git is slow to hand them out).
    std::thread::sleep(std::time::Duration::from_millis(200));
    let made = folders();
    assert_eq!(made.len(), 1, "{made:?}");
    let mode = std::fs::metadata(&made[0]).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700);
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert!(folders().is_empty(), "{:?}", folders());
}

//! Every rule code has a fixture that triggers it and a passing variant that
//! does not: `tests/fixtures/rules/<case>/{fail,pass}`. A fail project must
//! give exactly the diagnostics in its `expected.txt` (severity, code, file,
//! line, column); a pass project must give none.

use std::collections::BTreeSet;
use std::path::Path;

use pmoc::base::Code;
use pmoc::compile::{Options, compile};
use pmoc::emit::Location;

fn diagnostics(project: &Path) -> Vec<String> {
    let compiled = compile(project, &Options::default()).expect("the fixture compiles");
    compiled
        .diagnostics
        .iter()
        .map(|d| {
            let loc = Location::of(d.span, &compiled.sources);
            format!(
                "{} {} {}:{}:{}",
                d.severity.as_str(),
                d.code,
                loc.file,
                loc.line,
                loc.column
            )
        })
        .collect()
}

fn expected(case: &Path) -> Vec<String> {
    std::fs::read_to_string(case.join("fail/expected.txt"))
        .expect("expected.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

#[test]
fn every_fixture_gives_exactly_its_expected_findings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy();
        let got = diagnostics(&case.join("fail"));
        let want = expected(case);
        if got != want {
            failures.push(format!(
                "{name}/fail:\n  expected {want:?}\n  got      {got:?}"
            ));
        }
        let clean = diagnostics(&case.join("pass"));
        if !clean.is_empty() {
            failures.push(format!(
                "{name}/pass: expected no diagnostics, got {clean:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures disagree:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Every code fires in some fixture, so no rule goes untested.
#[test]
fn every_rule_has_a_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let mut fired = BTreeSet::new();
    for entry in std::fs::read_dir(&root).unwrap() {
        for line in expected(&entry.unwrap().path()) {
            fired.insert(line.split(' ').nth(1).unwrap().to_string());
        }
    }
    let missing: Vec<_> = Code::ALL
        .iter()
        .filter(|c| !fired.contains(c.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a failing fixture: {missing:?}"
    );
}

/// A quorum no attendance can reach says how many people approve, in
/// words that agree with the count.
#[test]
fn the_quorum_message_counts_its_people() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rules/invalid-value-quorum/fail");
    let compiled = compile(&case, &Options::default()).expect("the fixture compiles");
    let messages: Vec<&str> = compiled
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::InvalidValue)
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        messages,
        ["gate `g` needs a quorum of 2, but only 1 person approves at it"]
    );
}

/// The one judgement of where plans stand (`Index::plans_due`,
/// `Service::stage_at`) on the `plan-slipped` fixture (as-of 2026-11-01;
/// in design; plans for strategy 2026-01-01, pilot 2026-10-31,
/// implementation 2026-11-01).
#[test]
fn plans_due_and_the_stage_at_a_date() {
    use jiff::civil::date;
    use pmoc::model::{PlanState, Stage};
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules/plan-slipped/fail");
    let compiled = compile(&case, &Options::default()).expect("the fixture compiles");
    let ix = compiled.index();
    let due = |through| -> Vec<(Stage, bool)> {
        ix.plans_due(through)
            .iter()
            .map(|d| (d.plan.stage.value, d.slipped))
            .collect()
    };
    // The plan for strategy is history; the one due on as-of has not slipped.
    assert_eq!(
        due(date(2026, 11, 1)),
        [(Stage::Pilot, true), (Stage::Implementation, false)]
    );
    assert_eq!(due(date(2026, 10, 31)), [(Stage::Pilot, true)]);
    let svc = &ix.model.services[0];
    let states: Vec<_> = svc.plans.iter().map(|p| ix.plan_state(svc, p)).collect();
    assert_eq!(
        states,
        [
            Some(PlanState::Reached),
            Some(PlanState::Slipped),
            Some(PlanState::Ahead)
        ]
    );
    // Slipped plans count in the stage at a date: their work is ahead.
    assert_eq!(svc.stage_at(date(2026, 10, 30)), Some(Stage::Design));
    assert_eq!(svc.stage_at(date(2026, 10, 31)), Some(Stage::Pilot));
    assert_eq!(svc.stage_at(date(2027, 1, 1)), Some(Stage::Implementation));
    assert_eq!(
        pmoc::model::checkpoints(date(2026, 11, 1))[1],
        date(2027, 1, 1)
    );
}

//! The evaluation's window rules, each against expectations computed by
//! hand: consecutive runs, K of N, missing periods, the open current
//! period, `min-age`, weighted averages into coarser SLA periods, SLAs
//! that have ended, and where observations come from.

use std::path::Path;

use pmoc::compile::{Compiled, Options, compile};
use pmoc::metrics::evaluate::{Attainment, Firing, TriggerEvaluation};

/// A project with one service in operation, a monthly and a quarterly
/// metric, the given trigger and SLA blocks, and `metrics/m.csv` holding
/// `rows` (after the header `period,service,metric,value,n`).
fn project(dir: &Path, as_of: &str, trigger: &str, extra: &str, rows: &[&str]) -> Compiled {
    std::fs::write(
        dir.join("pmo.kdl"),
        format!("pmo \"p\" {{ name \"P\"; mandate \"M\"; sponsor \"ann\"; as-of \"{as_of}\" }}\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("main.kdl"),
        format!(
            r#"person "ann" name="Ann"
customer "pms" name="PMs"
function "fn" {{ name "Fn"; levels "project" }}
metric "adoption" name="Adoption" unit="percent" direction="higher" cadence="month"
metric "csat" name="Satisfaction" unit="score5" direction="higher" cadence="quarter"
{trigger}
service "svc" {{
    name "Svc"
    function "fn"
    description "D"
    stage "operation"
    offer "pms" level="mandated"
    owner "ann"
    {extra}
    sla "svc-sla" {{
        target "adoption" at-least=95 warn=97
        period "quarter"
        report to="ann"
        escalate after="2 days" to="ann"
        review-by "2027-06-30"
    }}
}}
"#
        ),
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("metrics")).unwrap();
    let mut csv = String::from("period,service,metric,value,n\n");
    for row in rows {
        csv.push_str(row);
        csv.push('\n');
    }
    std::fs::write(dir.join("metrics/m.csv"), csv).unwrap();
    compile(dir, &Options::default()).expect("compiles")
}

fn trigger(when: &str, min_age: &str) -> String {
    format!(
        "trigger \"t\" {{ applies-to stage=\"operation\"; when {when}; {min_age} action \"review\" }}"
    )
}

/// The trigger's outcome for the service (None: not evaluated).
fn outcome(compiled: &Compiled) -> Option<TriggerEvaluation> {
    compiled.evaluation.triggers["t"].first().cloned()
}

fn state(when: &str, as_of: &str, rows: &[&str]) -> Firing {
    let dir = tempfile::tempdir().unwrap();
    let compiled = project(dir.path(), as_of, &trigger(when, ""), "", rows);
    assert_eq!(compiled.error_count(), 0, "{:?}", compiled.diagnostics);
    outcome(&compiled).expect("evaluated").state
}

fn months(values: &[(&str, &str)]) -> Vec<String> {
    values
        .iter()
        .map(|(p, v)| format!("{p},svc,adoption,{v},1"))
        .collect()
}

fn rows(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

const BELOW_3: &str = r#""adoption" below=30 for=3"#;

#[test]
fn three_consecutive_periods_fire() {
    let data = months(&[("2026-08", "20"), ("2026-09", "25"), ("2026-10", "28")]);
    assert_eq!(state(BELOW_3, "2026-11-01", &rows(&data)), Firing::Fired);
}

#[test]
fn one_good_period_breaks_the_run() {
    let data = months(&[("2026-08", "20"), ("2026-09", "35"), ("2026-10", "28")]);
    assert_eq!(state(BELOW_3, "2026-11-01", &rows(&data)), Firing::Fine);
}

#[test]
fn below_is_strict() {
    let data = months(&[("2026-08", "20"), ("2026-09", "30"), ("2026-10", "28")]);
    assert_eq!(state(BELOW_3, "2026-11-01", &rows(&data)), Firing::Fine);
}

#[test]
fn a_missing_period_is_never_a_pass() {
    let dir = tempfile::tempdir().unwrap();
    let data = months(&[("2026-08", "20"), ("2026-10", "28")]);
    let compiled = project(
        dir.path(),
        "2026-11-01",
        &trigger(BELOW_3, ""),
        "",
        &rows(&data),
    );
    let outcome = outcome(&compiled).unwrap();
    assert_eq!(outcome.state, Firing::NoData);
    let missing: Vec<String> = outcome.missing().iter().map(|p| p.to_string()).collect();
    assert_eq!(missing, ["2026-09"]);
    // Even a window that a present period disproves reports its gap.
    let data = months(&[("2026-08", "50"), ("2026-10", "28")]);
    assert_eq!(state(BELOW_3, "2026-11-01", &rows(&data)), Firing::NoData);
}

#[test]
fn the_open_period_is_left_out() {
    // As of the 20th of November, November is still open: its 10 counts
    // for nothing, and the window is August to October.
    let data = months(&[
        ("2026-08", "40"),
        ("2026-09", "40"),
        ("2026-10", "40"),
        ("2026-11", "10"),
    ]);
    assert_eq!(state(BELOW_3, "2026-11-20", &rows(&data)), Firing::Fine);
    let data = months(&[("2026-09", "20"), ("2026-10", "20"), ("2026-11", "20")]);
    assert_eq!(state(BELOW_3, "2026-11-20", &rows(&data)), Firing::NoData);
}

#[test]
fn k_of_n() {
    let data = months(&[
        ("2026-07", "20"),
        ("2026-08", "40"),
        ("2026-09", "25"),
        ("2026-10", "40"),
    ]);
    let two_of_four = r#""adoption" below=30 within="2 of 4""#;
    let three_of_four = r#""adoption" below=30 within="3 of 4""#;
    assert_eq!(
        state(two_of_four, "2026-11-01", &rows(&data)),
        Firing::Fired
    );
    assert_eq!(
        state(three_of_four, "2026-11-01", &rows(&data)),
        Firing::Fine
    );
    // One of four held and one missing: it could still be two.
    let gap = months(&[("2026-07", "20"), ("2026-08", "40"), ("2026-10", "40")]);
    assert_eq!(
        state(two_of_four, "2026-11-01", &rows(&gap)),
        Firing::NoData
    );
    // K held already: fired whatever is missing.
    let enough = months(&[("2026-07", "20"), ("2026-09", "25")]);
    assert_eq!(
        state(two_of_four, "2026-11-01", &rows(&enough)),
        Firing::Fired
    );
}

#[test]
fn min_age_counts_from_the_first_go_and_is_not_strict() {
    let dir = tempfile::tempdir().unwrap();
    let data = months(&[("2026-08", "20"), ("2026-09", "25"), ("2026-10", "28")]);
    let gate = r#"gate "g" { name "G"; from "implementation"; to "operation"; approvers "ann"; must "M" }"#;
    let declared = format!("{gate}\n{}", trigger(BELOW_3, "min-age \"6 months\";"));
    let decision = |date: &str| {
        format!(r#"decision "g" outcome="go" date="{date}" by="ann" {{ rationale "R" }}"#)
    };
    // Six months after 2026-05-01 is 2026-11-01, as-of: old enough.
    let c = project(
        dir.path(),
        "2026-11-01",
        &declared,
        &decision("2026-05-01"),
        &rows(&data),
    );
    assert_eq!(outcome(&c).map(|o| o.state), Some(Firing::Fired));
    // Six months after 2026-05-02 is 2026-11-02: not yet.
    let c = project(
        dir.path(),
        "2026-11-01",
        &declared,
        &decision("2026-05-02"),
        &rows(&data),
    );
    assert_eq!(outcome(&c), None);
}

#[test]
fn min_age_counts_from_the_first_observation_without_a_go() {
    let dir = tempfile::tempdir().unwrap();
    let trigger = trigger(BELOW_3, "min-age \"3 months\";");
    // First observed 2026-08 → 2026-11-01 is three months on.
    let data = months(&[("2026-08", "20"), ("2026-09", "25"), ("2026-10", "28")]);
    let c = project(dir.path(), "2026-11-01", &trigger, "", &rows(&data));
    assert_eq!(outcome(&c).map(|o| o.state), Some(Firing::Fired));
    // First observed 2026-09 → only two months.
    let data = months(&[("2026-09", "25"), ("2026-10", "28")]);
    let c = project(dir.path(), "2026-11-01", &trigger, "", &rows(&data));
    assert_eq!(outcome(&c), None);
}

/// The quarterly SLA's attainment, as (period, value, state).
fn attainment(compiled: &Compiled) -> Vec<(String, Option<f64>, Attainment)> {
    compiled.evaluation.attainment["svc-sla"][0]
        .iter()
        .map(|j| (j.period.to_string(), j.value, j.state))
        .collect()
}

#[test]
fn finer_observations_are_averaged_weighted_by_n() {
    let dir = tempfile::tempdir().unwrap();
    // (90×10 + 100×30 + 80×10) / 50 = 94: below 95, breached.
    let rows = [
        "2026-07,svc,adoption,90,10",
        "2026-08,svc,adoption,100,30",
        "2026-09,svc,adoption,80,10",
    ];
    let c = project(dir.path(), "2026-11-01", "", "", &rows);
    assert_eq!(
        attainment(&c),
        [("2026-Q3".into(), Some(94.0), Attainment::Breached)]
    );
    // 96 holds the target, not its warning level (97).
    let rows = [
        "2026-07,svc,adoption,96,1",
        "2026-08,svc,adoption,96,1",
        "2026-09,svc,adoption,96,1",
    ];
    let c = project(dir.path(), "2026-11-01", "", "", &rows);
    assert_eq!(attainment(&c)[0].2, Attainment::Warned);
}

#[test]
fn a_partly_covered_period_has_no_data() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [
        "2026-04,svc,adoption,99,1",
        "2026-05,svc,adoption,99,1",
        "2026-06,svc,adoption,99,1",
        "2026-07,svc,adoption,99,1",
        "2026-08,svc,adoption,99,1",
    ];
    let c = project(dir.path(), "2026-11-01", "", "", &rows);
    assert_eq!(
        attainment(&c),
        [
            ("2026-Q2".into(), Some(99.0), Attainment::Met),
            ("2026-Q3".into(), None, Attainment::NoData)
        ]
    );
    let gaps: Vec<_> = c
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "insufficient-data")
        .collect();
    assert_eq!(gaps.len(), 1, "the SLA's last complete period has no data");
}

#[test]
fn no_period_after_an_sla_ends_is_judged() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [
        "2026-01,svc,adoption,99,1",
        "2026-02,svc,adoption,99,1",
        "2026-03,svc,adoption,99,1",
        "2026-04,svc,adoption,50,1",
        "2026-05,svc,adoption,50,1",
        "2026-06,svc,adoption,50,1",
    ];
    let main = project(dir.path(), "2026-11-01", "", "", &rows);
    assert_eq!(attainment(&main).len(), 3, "Q1, Q2 and Q3 (no data)");
    // An SLA that ended on 2026-03-31 is judged up to Q1 only.
    let text = std::fs::read_to_string(dir.path().join("main.kdl")).unwrap();
    let ended = text.replace(
        "review-by \"2027-06-30\"",
        "review-by \"2027-06-30\"\n        ends \"2026-03-31\"",
    );
    std::fs::write(dir.path().join("main.kdl"), ended).unwrap();
    let c = compile(dir.path(), &Options::default()).unwrap();
    assert_eq!(
        attainment(&c),
        [("2026-Q1".into(), Some(99.0), Attainment::Met)]
    );
}

#[test]
fn a_quarterly_metric_cannot_judge_a_month() {
    let dir = tempfile::tempdir().unwrap();
    let trigger = trigger(r#""csat" below=3 for=1"#, "");
    let c = project(
        dir.path(),
        "2026-11-01",
        &trigger,
        "",
        &["2026-Q3,svc,csat,2.5,40"],
    );
    assert_eq!(outcome(&c).unwrap().state, Firing::Fired);
    let c = project(
        dir.path(),
        "2026-11-01",
        &trigger,
        "",
        &["2026-09,svc,csat,2.5,40"],
    );
    assert!(
        c.diagnostics
            .iter()
            .any(|d| d.code.as_str() == "metrics-csv"
                && d.message.contains("is observed by quarter")),
        "{:?}",
        c.diagnostics
    );
}

#[test]
fn a_bom_extra_columns_and_header_order_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let c = project(dir.path(), "2026-11-01", "", "", &[]);
    assert_eq!(c.error_count(), 0);
    let csv = "\u{feff}Value,Metric,notes,Period,Service\n40,adoption,fine,2026-10,svc\n";
    std::fs::write(dir.path().join("metrics/m.csv"), csv).unwrap();
    let c = compile(dir.path(), &Options::default()).unwrap();
    assert_eq!(c.error_count(), 0, "{:?}", c.diagnostics);
    let judged = &c.evaluation.attainment["svc-sla"][0];
    assert!(judged.is_empty() || judged.iter().all(|j| j.value.is_none()));
    assert!(c.evaluation.observed);
}

#[test]
fn metrics_may_come_from_another_folder() {
    let dir = tempfile::tempdir().unwrap();
    let data = months(&[("2026-08", "20"), ("2026-09", "25"), ("2026-10", "28")]);
    project(
        dir.path(),
        "2026-11-01",
        &trigger(BELOW_3, ""),
        "",
        &rows(&data),
    );
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::rename(
        dir.path().join("metrics/m.csv"),
        elsewhere.path().join("m.csv"),
    )
    .unwrap();
    let options = Options {
        metrics: Some(elsewhere.path().to_path_buf()),
        ..Options::default()
    };
    let c = compile(dir.path(), &options).unwrap();
    assert_eq!(outcome(&c).unwrap().state, Firing::Fired);
    // Without it, the empty `metrics/` folder reads nothing: no metric rules.
    let c = compile(dir.path(), &Options::default()).unwrap();
    assert!(!c.evaluation.observed);
    assert!(outcome(&c).is_none());
}

#[test]
fn a_target_observed_more_coarsely_is_judged_by_its_metric_s_periods() {
    let dir = tempfile::tempdir().unwrap();
    let monthly_sla = r#"sla "svc-csat" {
        target "csat" at-least=4
        period "month"
        report to="ann"
        escalate after="2 days" to="ann"
        review-by "2027-06-30"
    }"#;
    let c = project(
        dir.path(),
        "2026-11-01",
        "",
        monthly_sla,
        &["2026-Q3,svc,csat,4.4,40"],
    );
    let judged: Vec<String> = c.evaluation.attainment["svc-csat"][0]
        .iter()
        .map(|j| format!("{} {:?}", j.period, j.state))
        .collect();
    assert_eq!(judged, ["2026-Q3 Met"]);
    assert!(
        !c.diagnostics
            .iter()
            .any(|d| d.message.contains("`svc-csat`")),
        "{:?}",
        c.diagnostics
    );
}

#[test]
fn without_an_n_column_every_observation_weighs_one() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), "2026-11-01", "", "", &[]);
    let csv = "period,service,metric,value\n2026-07,svc,adoption,90\n2026-08,svc,adoption,100\n2026-09,svc,adoption,80\n";
    std::fs::write(dir.path().join("metrics/m.csv"), csv).unwrap();
    let c = compile(dir.path(), &Options::default()).unwrap();
    assert_eq!(
        attainment(&c),
        [("2026-Q3".into(), Some(90.0), Attainment::Breached)]
    );
}

/// A large file is read in chunks side by side: its rows and diagnostics
/// are the same as read whole, positions included.
#[test]
fn a_large_file_reads_as_a_small_one() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), "2026-11-01", "", "", &[]);
    let long = "x".repeat(700_000);
    let mut csv = String::from("period,service,metric,value,source\n");
    for month in ["2026-07", "2026-08", "2026-09"] {
        csv.push_str(&format!(
            "{month},svc,adoption,96,\"{long}\nwith a line break\"\n"
        ));
        csv.push_str(&format!("{month},svc,csat,4,{long}\n"));
    }
    csv.push_str("2026-10,svc,adoption,lots,late\n");
    assert!(csv.len() > 3 << 20);
    std::fs::write(dir.path().join("metrics/m.csv"), csv).unwrap();
    let c = compile(dir.path(), &Options::default()).unwrap();
    assert_eq!(
        attainment(&c),
        [("2026-Q3".into(), Some(96.0), Attainment::Warned)]
    );
    let found: Vec<String> = c
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "metrics-csv")
        .map(|d| {
            let (start, _) = c.sources.resolve(d.span);
            format!("{} {}:{}", d.code, start.line, start.column)
        })
        .collect();
    // Each csat row is a quarterly metric given a month; the bad value is
    // on the last line (each adoption row spans two lines).
    assert_eq!(
        found,
        [
            "metrics-csv 4:1",
            "metrics-csv 7:1",
            "metrics-csv 10:1",
            "metrics-csv 11:22",
        ]
    );
}

/// The firing run of the one trigger for the service: (onset, start).
fn run(when: &str, as_of: &str, rows: &[&str]) -> Option<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let compiled = project(dir.path(), as_of, &trigger(when, ""), "", rows);
    assert_eq!(compiled.error_count(), 0, "{:?}", compiled.diagnostics);
    let run = compiled.evaluation.run("t", "svc")?;
    Some((run.onset.to_string(), run.start.to_string()))
}

#[test]
fn a_firing_run_goes_back_to_the_first_window_that_held() {
    // Below 30 from June on (May is fine): the windows ending August,
    // September and October all held. The first is June-August: the run
    // starts on 1 June and was known on 1 September.
    let data = months(&[
        ("2026-05", "40"),
        ("2026-06", "20"),
        ("2026-07", "20"),
        ("2026-08", "20"),
        ("2026-09", "25"),
        ("2026-10", "28"),
    ]);
    assert_eq!(
        run(BELOW_3, "2026-11-01", &rows(&data)),
        Some(("2026-09-01".into(), "2026-06-01".into()))
    );
    // Only the latest window held: the run is that window.
    let data = months(&[
        ("2026-07", "40"),
        ("2026-08", "20"),
        ("2026-09", "25"),
        ("2026-10", "28"),
    ]);
    assert_eq!(
        run(BELOW_3, "2026-11-01", &rows(&data)),
        Some(("2026-11-01".into(), "2026-08-01".into()))
    );
    // Not fired: no run.
    let data = months(&[("2026-08", "20"), ("2026-09", "35"), ("2026-10", "28")]);
    assert_eq!(run(BELOW_3, "2026-11-01", &rows(&data)), None);
}

#[test]
fn a_k_of_n_run_counts_windows_that_held_with_gaps() {
    // 2 of 3 below 30. Windows ending: Jul (May-Jul: 20,40,20 = 2) held;
    // Aug (Jun-Aug: 40,20,40 = 1) did not; Sep (Jul-Sep: 20,40,20) held;
    // Oct (Aug-Oct: 40,20,20) held. The run is Sep..Oct; its first window
    // is July-September.
    let data = months(&[
        ("2026-05", "20"),
        ("2026-06", "40"),
        ("2026-07", "20"),
        ("2026-08", "40"),
        ("2026-09", "20"),
        ("2026-10", "20"),
    ]);
    assert_eq!(
        run(
            r#""adoption" below=30 within="2 of 3""#,
            "2026-11-01",
            &rows(&data)
        ),
        Some(("2026-10-01".into(), "2026-07-01".into()))
    );
    // A window with a missing period that still has K held is in the run;
    // the walk back stops before the first observation.
    let data = months(&[("2026-08", "20"), ("2026-10", "20")]);
    assert_eq!(
        run(
            r#""adoption" below=30 within="1 of 2""#,
            "2026-11-01",
            &rows(&data)
        ),
        Some(("2026-09-01".into(), "2026-07-01".into()))
    );
}

/// The trigger's outcome for `when`, with `extra` inside the service.
fn judged(when: &str, extra: &str, as_of: &str, rows: &[&str]) -> TriggerEvaluation {
    let dir = tempfile::tempdir().unwrap();
    let compiled = project(dir.path(), as_of, &trigger(when, ""), extra, rows);
    assert_eq!(compiled.error_count(), 0, "{:?}", compiled.diagnostics);
    outcome(&compiled).expect("evaluated")
}

fn periods(ps: &[pmoc::metrics::PeriodKey]) -> Vec<String> {
    ps.iter().map(|p| p.to_string()).collect()
}

#[test]
fn sla_breached_counts_the_sla_s_own_periods() {
    // The SLA is quarterly (adoption at least 95): Q2 averages 90 and Q3
    // 94, both breached. As of 1 November the last complete quarter is Q3.
    let data = months(&[
        ("2026-04", "90"),
        ("2026-05", "90"),
        ("2026-06", "90"),
        ("2026-07", "94"),
        ("2026-08", "94"),
        ("2026-09", "94"),
    ]);
    let o = judged(r#""sla-breached" for=2"#, "", "2026-11-01", &rows(&data));
    assert_eq!(o.state, Firing::Fired);
    assert_eq!(o.sla.as_deref(), Some("svc-sla"));
    assert_eq!(periods(&o.held), ["2026-Q2", "2026-Q3"]);
    // The run's first window is Q2-Q3 (Q1 has no data).
    let run = o.run.unwrap();
    assert_eq!(run.start.to_string(), "2026-04-01");
    assert_eq!(run.onset.to_string(), "2026-10-01");
    // Q3 met (96): not fired. Q3's September missing: no data, and the
    // row to add is September's.
    let met = months(&[
        ("2026-04", "90"),
        ("2026-05", "90"),
        ("2026-06", "90"),
        ("2026-07", "96"),
        ("2026-08", "96"),
        ("2026-09", "96"),
    ]);
    let o = judged(r#""sla-breached" for=2"#, "", "2026-11-01", &rows(&met));
    assert_eq!(o.state, Firing::Fine);
    let gap = &rows(&met)[..5].to_vec();
    let o = judged(r#""sla-breached" for=2"#, "", "2026-11-01", gap);
    assert_eq!(o.state, Firing::NoData);
    let gaps: Vec<(String, String)> = o
        .gaps
        .iter()
        .map(|g| (g.metric.clone(), g.period.to_string()))
        .collect();
    assert_eq!(gaps, [("adoption".to_string(), "2026-09".to_string())]);
}

#[test]
fn sla_breached_holds_when_any_sla_is_breached() {
    // A monthly SLA (at least 50) met in October; the quarterly one
    // breached in Q3: the service is breached, by the quarterly SLA.
    let monthly = r#"sla "svc-monthly" {
        target "adoption" at-least=50
        period "month"
        report to="ann"
        escalate after="2 days" to="ann"
        review-by "2027-06-30"
    }"#;
    let data = months(&[
        ("2026-07", "60"),
        ("2026-08", "60"),
        ("2026-09", "60"),
        ("2026-10", "60"),
    ]);
    let o = judged(r#""sla-breached""#, monthly, "2026-11-01", &rows(&data));
    assert_eq!(o.state, Firing::Fired);
    assert_eq!(o.sla.as_deref(), Some("svc-sla"));
    assert_eq!(periods(&o.held), ["2026-Q3"]);
    // Both met: fine.
    let data = months(&[
        ("2026-07", "99"),
        ("2026-08", "99"),
        ("2026-09", "99"),
        ("2026-10", "99"),
    ]);
    let o = judged(r#""sla-breached""#, monthly, "2026-11-01", &rows(&data));
    assert_eq!(o.state, Firing::Fine);
}

#[test]
fn a_trend_needs_n_strict_moves_over_n_plus_one_observed_periods() {
    let falling = r#""adoption" falling=2"#;
    let data = months(&[("2026-08", "50"), ("2026-09", "40"), ("2026-10", "30")]);
    let o = judged(falling, "", "2026-11-01", &rows(&data));
    assert_eq!(o.state, Firing::Fired);
    assert_eq!(o.window.len(), 3);
    // Level is not falling.
    let flat = months(&[("2026-08", "50"), ("2026-09", "40"), ("2026-10", "40")]);
    assert_eq!(state(falling, "2026-11-01", &rows(&flat)), Firing::Fine);
    // A missing period is never a pass, even between two falls.
    let gap = months(&[("2026-08", "50"), ("2026-10", "30")]);
    assert_eq!(state(falling, "2026-11-01", &rows(&gap)), Firing::NoData);
    // Rising is the mirror.
    let up = months(&[("2026-08", "30"), ("2026-09", "40"), ("2026-10", "50")]);
    assert_eq!(
        state(r#""adoption" rising=2"#, "2026-11-01", &rows(&up)),
        Firing::Fired
    );
    assert_eq!(state(falling, "2026-11-01", &rows(&up)), Firing::Fine);
    // falling=1: the last period below the one before.
    let one = months(&[("2026-09", "40"), ("2026-10", "39.9")]);
    assert_eq!(
        state(r#""adoption" falling=1"#, "2026-11-01", &rows(&one)),
        Firing::Fired
    );
}

#[test]
fn a_trend_s_run_starts_at_its_first_falling_window() {
    // 55, 60, 50, 40, 30 (June-October), falling=2: the windows ending
    // September (60, 50, 40) and October (50, 40, 30) hold; the one ending
    // August (55, 60, 50) does not. First window July-September.
    let data = months(&[
        ("2026-06", "55"),
        ("2026-07", "60"),
        ("2026-08", "50"),
        ("2026-09", "40"),
        ("2026-10", "30"),
    ]);
    assert_eq!(
        run(r#""adoption" falling=2"#, "2026-11-01", &rows(&data)),
        Some(("2026-10-01".into(), "2026-07-01".into()))
    );
}

#[test]
fn superseded_runs_from_the_successor_s_go_into_operation() {
    let dir = tempfile::tempdir().unwrap();
    let compiled = project(
        dir.path(),
        "2026-11-01",
        &trigger(r#""superseded""#, ""),
        "",
        &[],
    );
    // Without a successor: not fired, no run.
    assert_eq!(outcome(&compiled).unwrap().state, Firing::Fine);
    assert!(compiled.evaluation.run("t", "svc").is_none());
}

#[test]
fn a_huge_window_s_run_is_cheap_and_bounded() {
    // One period below 30 in a window of 1,000 months: fired, and its run
    // reaches back to the window ending with that period (August), whose
    // first day is 999 months earlier (May 1943).
    let data = months(&[("2026-08", "20")]);
    let when = r#""adoption" below=30 within="1 of 1000""#;
    assert_eq!(
        run(when, "2026-11-01", &rows(&data)),
        Some(("2026-09-01".into(), "1943-05-01".into()))
    );
    // A trend of a million moves cannot be proven by a year of data.
    let data = months(&[("2026-09", "20"), ("2026-10", "10")]);
    assert_eq!(
        state(r#""adoption" falling=1000000"#, "2026-11-01", &rows(&data)),
        Firing::NoData
    );
}

#[test]
fn superseded_runs_from_the_successor_s_latest_go_into_operation() {
    let dir = tempfile::tempdir().unwrap();
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules/trigger-fired/fail");
    std::fs::copy(fixture.join("pmo.kdl"), dir.path().join("pmo.kdl")).unwrap();
    let main = std::fs::read_to_string(fixture.join("main.kdl")).unwrap();
    // The successor went live by two `go` decisions at a gate into
    // operation (the latest counts), and one elsewhere (not counted).
    let main = main.replace(
        "    replaces \"old\"\n",
        "    replaces \"old\"\n    decision \"live\" outcome=\"go\" date=\"2026-03-02\" by=\"ann\" { rationale \"R\" }\n    decision \"live\" outcome=\"go\" date=\"2026-06-15\" by=\"ann\" { rationale \"R\" }\n    decision \"early\" outcome=\"go\" date=\"2026-09-01\" by=\"ann\" { rationale \"R\" }\n",
    ) + "gate \"live\" { name \"Live\"; from \"implementation\"; to \"operation\"; approvers \"ann\"; must \"M\" }\ngate \"early\" { name \"Early\"; from \"strategy\"; to \"design\"; approvers \"ann\"; must \"M\" }\n";
    std::fs::write(dir.path().join("main.kdl"), main).unwrap();
    let compiled = compile(dir.path(), &Options::default()).expect("compiles");
    let run = compiled
        .evaluation
        .run("superseded-review", "old")
        .expect("fired, with a run");
    assert_eq!(run.onset.to_string(), "2026-06-15");
    assert_eq!(run.start.to_string(), "2026-06-15");
    assert_eq!(run.first_end, None);
}

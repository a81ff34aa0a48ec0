//! The files every project shares: the manifest, people, teams, customer
//! groups, objectives, metrics, gates and triggers.

use std::fmt::Write as _;

use pmoc::model::Stage;

use crate::AS_OF;
use crate::plan::{FunctionPlan, Plan, ServicePlan};
use crate::tables::{CUSTOMERS, METRICS, OBJECTIVES, STAFF};

pub(crate) fn manifest(services: usize) -> String {
    let mut s = String::new();
    out!(
        s,
        "// A synthetic PMO of {services} services, written by `pmoc-synth`."
    );
    out!(s, "pmo \"synth-pmo\" {{");
    out!(s, "    name \"Synthetic Group PMO\"");
    out!(s, "    mandate \"\"\"");
    out!(
        s,
        "        Help the group deliver its strategy predictably: give the executive the"
    );
    out!(
        s,
        "        portfolio view it needs to decide, and retire what no longer earns its keep."
    );
    out!(s, "        \"\"\"");
    out!(s, "    sponsor \"cfo\"");
    out!(s, "    head \"head-of-pmo\"");
    out!(s, "    structure \"hub-spoke\"");
    out!(s, "    as-of \"{AS_OF}\"");
    out!(s, "    site {{");
    out!(s, "        title \"Synthetic PMO services\"");
    out!(s, "        base-url \"/\"");
    out!(s, "    }}");
    out!(s, "    output \"site\"");
    out!(s, "}}");
    s
}

pub(crate) fn people(plan: &Plan) -> String {
    let mut s = String::new();
    out!(s, "// The PMO hub, executive sponsors and spoke leads.");
    for (id, name, title) in STAFF {
        out!(
            s,
            "person \"{id}\" name=\"{name}\" email=\"{id}@synth.example\" title=\"{title}\""
        );
    }
    out!(s, "\n// Function leads and service managers.");
    for p in &plan.people {
        out!(
            s,
            "person \"{}\" name=\"{}\" email=\"{}@synth.example\" title=\"{}\" fte=1",
            p.id,
            p.name,
            p.id,
            p.title
        );
    }
    s
}

pub(crate) const TEAMS: &str = r#"// Teams that take decisions together.
team "portfolio-board" name="Portfolio Board" {
    member "cfo" "coo" "cio" "head-of-pmo"
}

team "pmo-leadership" name="PMO Leadership Team" {
    member "head-of-pmo"
    member "portfolio-manager"
    member "governance-lead"
    member "coe-lead"
}

team "design-authority" name="Service Design Authority" {
    member "cio" "governance-lead" "coe-lead" "reporting-lead"
}

team "spoke-leads" name="Spoke PMO Leads" fte=1.5 {
    member "spoke-lead-north" "spoke-lead-south" "spoke-lead-west"
}
"#;

/// The customer groups, each with a `change-capacity` as large as the
/// portfolio (a service counts once per group and month, so no month can
/// exceed it): `change-saturation` judges every pilot, rollout phase and
/// transform and stays silent, as a clean project must.
pub(crate) fn customers(services: usize) -> String {
    let mut s = String::from(
        "// Customer groups; `size` is the head count, `change-capacity` the changes a month.\n",
    );
    let capacity = services.max(1);
    for (id, name, size) in CUSTOMERS {
        out!(
            s,
            "customer \"{id}\" name=\"{name}\" size={size} change-capacity={capacity}"
        );
    }
    s
}

pub(crate) fn objectives() -> String {
    let mut s = String::from("// Strategic objectives.\n");
    for (id, title, owner, period) in OBJECTIVES {
        out!(
            s,
            "objective \"{id}\" title=\"{title}\" owner=\"{owner}\" period=\"{period}\""
        );
    }
    s
}

pub(crate) fn metrics() -> String {
    let mut s = String::from("// Metrics the PMO observes.\n");
    for (id, name, unit, direction, cadence) in METRICS {
        out!(
            s,
            "metric \"{id}\" name=\"{name}\" unit=\"{unit}\" direction=\"{direction}\" cadence=\"{cadence}\""
        );
    }
    s
}

pub(crate) const GATES: &str = r#"// Governance gates: strategy -> design -> pilot -> implementation ->
// operation -> transform | retired, and back from transform to operation.

gate "g1-concept" {
    name "Concept"
    from "strategy"
    to "design"
    approvers "pmo-leadership"
    quorum 2
    must "A named customer group needs the service, or is mandated to use it"
    must "The service supports at least one strategic objective"
    should "Can be designed with existing PMO headcount" weight=2
    deliverable "One-page service concept"
}

gate "g2-pilot-ready" {
    name "Pilot ready"
    from "design"
    to "pilot"
    approvers "design-authority"
    quorum 2
    must "Service owner named and accountable"
    must "Pilot scope, groups and success criteria agreed"
    should "Draft SLA targets set against observable metrics" weight=3
    deliverable "Service design document"
    deliverable "Pilot plan"
}

gate "g3-go-live" {
    name "Go-live"
    from "pilot"
    to "implementation"
    approvers "portfolio-board"
    quorum 3
    must "Pilot success criteria met"
    must "Rollout plan with phases, champions and an adoption target"
    should "Fits next quarter's PMO capacity" weight=2
    deliverable "Pilot evaluation report"
    deliverable "Rollout plan"
}

gate "g4-service-acceptance" {
    name "Service acceptance"
    from "implementation"
    to "operation"
    approvers "head-of-pmo" "coo"
    quorum 2
    must "SLA agreed with every mandated customer group"
    must "At least one retirement trigger applies to the service"
    deliverable "Signed SLA"
}

gate "g5-transform-or-retire" {
    name "Transform or retire"
    from "operation"
    to "transform" "retired"
    approvers "portfolio-board"
    quorum 3
    must "Impact assessment covering every dependent service and customer group"
    must "Customers given notice of the change"
    should "A replacement or successor service is named" weight=3
    deliverable "Impact assessment"
}

gate "g6-transform-complete" {
    name "Transformation complete"
    from "transform"
    to "operation"
    approvers "portfolio-board"
    must "Transform changes delivered and SLA re-baselined"
    deliverable "Transformation closure report"
}
"#;

/// The triggers that apply by stage, before each function's own.
const STAGE_TRIGGERS: &str = r#"// Retirement and transformation triggers. The stage-wide ones cover every
// service in operation; each function adds its own.

trigger "low-adoption" {
    applies-to stage="operation"
    when "adoption-pct" below=30 for=3
    min-age "6 months"
    action "review"
    gate "g5-transform-or-retire"
    notify "head-of-pmo"
}

trigger "low-satisfaction" {
    applies-to stage="operation"
    applies-to stage="transform"
    when "csat-score" below=3.0 for=2
    action "review"
    gate "g5-transform-or-retire"
    notify "head-of-pmo" "pmo-leadership"
}

trigger "chronic-sla-breach" {
    applies-to stage="operation"
    when "sla-attainment-pct" below=90 within="4 of 6"
    min-age "3mo"
    action "transform"
    gate "g5-transform-or-retire"
    notify "portfolio-board"
}

trigger "superseded-by-successor" {
    applies-to stage="operation"
    applies-to stage="transform"
    when "superseded"
    action "retire"
    gate "g5-transform-or-retire"
    notify "portfolio-board"
}

trigger "low-value-rating" {
    applies-to stage="operation"
    when "exec-value-rating" at-most=2 for=1
    min-age "2y"
    action "review"
    gate "g5-transform-or-retire"
    notify "head-of-pmo" "cfo"
}
"#;

pub(crate) fn triggers(plan: &Plan) -> String {
    let mut s = String::from(STAGE_TRIGGERS);
    for f in &plan.functions {
        function_triggers(&mut s, f);
    }
    s
}

/// Improvements (language 1.1, section 7): for each function's first
/// service in operation, one done before as-of whose expectation is judged
/// after it (not yet measurable) and one open, due after as-of, both
/// answering the function's no-demand trigger: the project stays clean.
pub(crate) fn improvements(plan: &Plan) -> String {
    let mut s = String::new();
    for f in &plan.functions {
        let Some(sv) = f.services.iter().find(|sv| sv.stage == Stage::Operation) else {
            continue;
        };
        for (n, (due, done)) in [("2026-09-30", Some("2026-09-15")), ("2027-02-26", None)]
            .into_iter()
            .enumerate()
        {
            out!(s, "\nimprovement \"{}-improvement-{}\" {{", f.id, n + 1);
            out!(s, "    title \"Make {} easier to ask for\"", sv.id);
            out!(s, "    service \"{}\"", sv.id);
            out!(s, "    answers \"{}-no-demand\"", f.id);
            out!(s, "    owner \"{}\"", f.people[0]);
            out!(s, "    due \"{due}\"");
            if let Some(done) = done {
                out!(s, "    done \"{done}\"");
            }
            out!(
                s,
                "    expect \"requests-count\" at-least=1 by=\"2027-03-31\""
            );
            out!(s, "}}");
        }
    }
    s
}

/// A function's own triggers: no demand for any of its services, slow
/// turnaround of its first two services in operation (when it has two),
/// and detractors for every other function.
fn function_triggers(s: &mut String, f: &FunctionPlan) {
    let lead = &f.people[0];
    out!(s, "\ntrigger \"{}-no-demand\" {{", f.id);
    out!(s, "    applies-to function=\"{}\"", f.id);
    out!(s, "    when \"requests-count\" at-most=0 for=6");
    out!(s, "    min-age \"1y\"");
    out!(s, "    action \"retire\"");
    out!(s, "    gate \"g5-transform-or-retire\"");
    out!(s, "    notify \"{lead}\"");
    out!(s, "}}");
    let in_operation: Vec<&ServicePlan> = f
        .services
        .iter()
        .filter(|sv| sv.stage == Stage::Operation)
        .take(2)
        .collect();
    if in_operation.len() == 2 {
        out!(s, "\ntrigger \"{}-slow-turnaround\" {{", f.id);
        for sv in in_operation {
            out!(s, "    applies-to service=\"{}\"", sv.id);
        }
        out!(s, "    when \"turnaround-days\" above=10 within=\"2 of 3\"");
        out!(s, "    action \"review\"");
        out!(s, "    notify \"{lead}\" \"{}\"", f.people[1]);
        out!(s, "}}");
    }
    if f.index.is_multiple_of(2) {
        out!(s, "\ntrigger \"{}-detractors\" {{", f.id);
        out!(
            s,
            "    applies-to function=\"{}\" stage=\"operation\"",
            f.id
        );
        out!(s, "    when \"nps\" below=-20 for=2");
        out!(s, "    action \"notify\"");
        out!(s, "    notify \"{lead}\" \"spoke-leads\"");
        out!(s, "}}");
    }
}

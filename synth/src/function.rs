//! One function's file: the function and its services, each written in
//! the order of its fields (head, offers, objectives, dependencies, KPIs,
//! SLAs, then the stage's block and decisions from `stages`).

use std::fmt::Write as _;

use pmoc::model::Stage::{
    self, Design, Implementation, Operation, Pilot, Retired, Strategy, Transform,
};

use crate::plan::{FunctionPlan, REPLACED, REPLACEMENT, ServicePlan, dependable};
use crate::rng::{Lcg, date};
use crate::stages;
use crate::tables::{CUSTOMERS, KPIS, OBJECTIVES, TARGETS};

/// A function's file: the function, then its services; one generator per
/// function, seeded with its index, so files do not depend on each other.
pub(crate) fn function_file(f: &FunctionPlan) -> String {
    let mut rng = Lcg::new(f.index as u64);
    let mut s = String::new();
    out!(s, "function \"{}\" {{", f.id);
    out!(s, "    name \"{}\"", f.name);
    out!(s, "    description \"\"\"");
    out!(
        s,
        "        Everything the PMO does about {}: from the front door for requests",
        f.theme.topic
    );
    out!(
        s,
        "        to the standards, reports and reviews that keep projects on track."
    );
    out!(s, "        \"\"\"");
    let levels: Vec<String> = f.theme.levels.iter().map(|l| format!("\"{l}\"")).collect();
    out!(s, "    levels {}", levels.join(" "));
    out!(s, "    lead \"{}\"", f.people[0]);
    out!(s, "}}");
    for (j, service) in f.services.iter().enumerate() {
        s.push('\n');
        write_service(&mut s, f, j, service, &mut rng);
    }
    s
}

/// A service being written: its function, its place there, its plan, its
/// owner and the customer groups it is offered to.
pub(crate) struct Service<'a> {
    pub(crate) f: &'a FunctionPlan,
    /// The service's place in its function (the roles of `plan` use it).
    pub(crate) j: usize,
    pub(crate) sv: &'a ServicePlan,
    pub(crate) owner: &'a str,
    pub(crate) groups: Vec<&'static str>,
}

impl Service<'_> {
    pub(crate) fn stage(&self) -> Stage {
        self.sv.stage
    }

    pub(crate) fn topic(&self) -> &'static str {
        self.f.theme.topic
    }
}

fn write_service(s: &mut String, f: &FunctionPlan, j: usize, sv: &ServicePlan, rng: &mut Lcg) {
    let owner = f.people[j % 3].as_str();
    write_head(s, f, sv, owner, rng);
    let groups = write_offers(s, rng);
    let service = Service {
        f,
        j,
        sv,
        owner,
        groups,
    };
    write_objectives(s, sv.stage, rng);
    write_dependencies(s, &service, rng);
    write_kpis(s, rng);
    write_slas(s, &service, rng);
    stages::write_stage(s, &service, rng);
    out!(s, "}}");
}

/// The service's opening line and plain fields, up to its level.
fn write_head(s: &mut String, f: &FunctionPlan, sv: &ServicePlan, owner: &str, rng: &mut Lcg) {
    let stage = sv.stage;
    let topic = f.theme.topic;
    out!(s, "service \"{}\" {{", sv.id);
    out!(s, "    name \"{}: {}\"", sv.kind.title, topic);
    out!(s, "    function \"{}\"", f.id);
    out!(
        s,
        "    description \"{}\"",
        sv.kind.does.replace("{topic}", topic)
    );
    // Every service states the problem it solves (`value-unstated` stays
    // quiet for the mandated ones); no draw, so the rest is unchanged.
    out!(
        s,
        "    problem \"Without it, {} is left to each project to work out.\"",
        topic
    );
    out!(s, "    stage \"{}\"", stage.as_str());
    write_plans(s, stage, rng);
    if stage != Strategy || rng.chance(50) {
        out!(s, "    owner \"{owner}\"");
    }
    // A tenth of its owner's time: a function's 25 services over its three
    // people ask at most 0.9 of each one's `fte=1` (`capacity-overcommitted`
    // stays quiet, `effort-missing` too).
    if stage != Retired {
        out!(s, "    effort \"{owner}\" fte=0.1");
    }
    out!(s, "    level \"{}\"", rng.pick(f.theme.levels));
}

/// The roadmap of a service in the pipeline: a plan for its next stage
/// within six months of as-of, and sometimes one for operation six to
/// eleven months after that (never out of order, never slipped).
fn write_plans(s: &mut String, stage: Stage, rng: &mut Lcg) {
    if !stage.in_pipeline() {
        return;
    }
    let next = Stage::ALL[stage.index() + 1];
    let soon = rng.range(1, 6);
    out!(
        s,
        "    plan \"{next}\" by=\"{}\"",
        date(soon, rng.range(1, 28))
    );
    if next != Operation && rng.chance(50) {
        let later = soon + rng.range(6, 11);
        out!(s, "    plan \"operation\" by=\"{}\"", date(later, 15));
    }
}

/// Offers: one to three groups; the first is usually mandated. Returns the
/// groups.
fn write_offers(s: &mut String, rng: &mut Lcg) -> Vec<&'static str> {
    let count = 1 + rng.below(3);
    let groups: Vec<&str> = rng
        .choose(&CUSTOMERS, count)
        .into_iter()
        .map(|c| c.0)
        .collect();
    for (k, group) in groups.iter().enumerate() {
        let mandated = if k == 0 {
            rng.chance(60)
        } else {
            rng.chance(25)
        };
        let level = if mandated { "mandated" } else { "additional" };
        out!(s, "    offer \"{group}\" level=\"{level}\"");
    }
    groups
}

/// Objectives: always from strategy to pilot, sometimes later.
fn write_objectives(s: &mut String, stage: Stage, rng: &mut Lcg) {
    let before_implementation = matches!(stage, Strategy | Design | Pilot);
    if before_implementation || rng.chance(30) {
        let k = 1 + rng.below(2);
        let list: Vec<String> = rng
            .choose(&OBJECTIVES, k)
            .into_iter()
            .map(|o| format!("\"{}\"", o.0))
            .collect();
        out!(s, "    objectives {}", list.join(" "));
    }
}

/// Dependencies: only on earlier services in operation or transform (of
/// this function, or the previous function's first service), so there are
/// no cycles and nothing depends on the pipeline or on the retired. Then
/// `replaces`, for the replacement.
fn write_dependencies(s: &mut String, c: &Service, rng: &mut Lcg) {
    let (f, j) = (c.f, c.j);
    if c.stage() != Retired {
        let mut eligible: Vec<&str> = f.upstream.iter().map(String::as_str).collect();
        eligible.extend(
            f.services[..j]
                .iter()
                .filter(|e| dependable(e.stage))
                .map(|e| e.id.as_str()),
        );
        let recent = &eligible[eligible.len().saturating_sub(6)..];
        let k = rng.below(3).min(recent.len());
        if k > 0 {
            let list: Vec<String> = rng
                .choose(recent, k)
                .into_iter()
                .map(|d| format!("\"{d}\""))
                .collect();
            out!(s, "    depends-on {}", list.join(" "));
        }
    }
    if j == REPLACEMENT {
        out!(s, "    replaces \"{}\"", f.services[REPLACED].id);
    }
}

/// One or two KPIs, and sometimes a channel.
fn write_kpis(s: &mut String, rng: &mut Lcg) {
    let k = 1 + rng.below(2);
    let kpis: Vec<String> = rng
        .choose(&KPIS, k)
        .into_iter()
        .map(|m| format!("\"{m}\""))
        .collect();
    out!(s, "    kpis {}", kpis.join(" "));
    if rng.chance(40) {
        out!(s, "    channel \"Raise a request on the PMO portal\"");
    }
}

/// SLAs: in force and reviewed after as-of while the service runs (one SLA
/// for every group, or two that split the groups between them); sometimes
/// agreed ahead of go-live. (A retired service's ended SLA is written with
/// its retirement, in `stages`.)
fn write_slas(s: &mut String, c: &Service, rng: &mut Lcg) {
    let stage = c.stage();
    let running = matches!(stage, Operation | Transform);
    let early = stage == Implementation && rng.chance(50);
    if !(running || early) {
        return;
    }
    let groups = &c.groups;
    let split = groups.len() >= 2 && rng.chance(40);
    let review_by = date(rng.range(1, 12), rng.range(1, 28));
    if split {
        let (a, b) = groups.split_at(groups.len() / 2);
        for (n, part) in [a, b].into_iter().enumerate() {
            let sla = Sla {
                id: format!("{}-sla-{}", c.sv.id, n + 1),
                customers: Some(part.to_vec()),
                review_by: review_by.clone(),
                ends: None,
            };
            write_sla(s, &sla, c.f, c.owner, rng);
        }
    } else {
        let sla = Sla {
            id: format!("{}-sla", c.sv.id),
            customers: None,
            review_by,
            ends: None,
        };
        write_sla(s, &sla, c.f, c.owner, rng);
    }
}

/// An SLA of a service: all its groups unless `customers` names some.
pub(crate) struct Sla<'a> {
    pub(crate) id: String,
    pub(crate) customers: Option<Vec<&'a str>>,
    pub(crate) review_by: String,
    pub(crate) ends: Option<String>,
}

pub(crate) fn write_sla(s: &mut String, sla: &Sla, f: &FunctionPlan, owner: &str, rng: &mut Lcg) {
    out!(s, "\n    sla \"{}\" {{", sla.id);
    if let Some(customers) = &sla.customers {
        let list: Vec<String> = customers.iter().map(|c| format!("\"{c}\"")).collect();
        out!(s, "        customers {}", list.join(" "));
    }
    let period = *rng.pick(&["month", "month", "quarter"]);
    out!(s, "        period \"{period}\"");
    if rng.chance(50) {
        out!(s, "        calendar \"business\"");
        out!(
            s,
            "        hours \"Mon-Fri 09:00-17:30\" tz=\"Europe/London\""
        );
    }
    let count = 1 + rng.below(2);
    for (metric, bound, target, warn) in rng.choose(&TARGETS, count) {
        out!(
            s,
            "        target \"{metric}\" {bound}={target} warn={warn}"
        );
    }
    // A breach allowance as wide as the year (every period may be
    // breached): the observations the generator writes breach some SLAs,
    // and a generated project stays clean.
    if rng.chance(40) {
        let per = if rng.chance(50) { " per=\"year\"" } else { "" };
        let periods = if period == "month" { 12 } else { 4 };
        out!(s, "        budget breaches={periods}{per}");
    }
    if rng.chance(60) {
        out!(
            s,
            "        respond-within \"{}\"",
            rng.pick(&["4h", "1 working day", "2 working days", "5 working days"])
        );
    }
    let report_to = *rng.pick(&["pmo-leadership", "portfolio-board", "head-of-pmo"]);
    out!(s, "        report every=\"{period}\" to=\"{report_to}\"");
    out!(
        s,
        "        escalate after=\"2 working days\" to=\"{owner}\""
    );
    if owner != f.people[0] {
        out!(
            s,
            "        escalate after=\"5 working days\" to=\"{}\"",
            f.people[0]
        );
    }
    out!(s, "        escalate after=\"2 weeks\" to=\"head-of-pmo\"");
    out!(s, "        review-by \"{}\"", sla.review_by);
    if let Some(ends) = &sla.ends {
        out!(s, "        ends \"{ends}\"");
    }
    out!(s, "    }}");
}

//! The catalogue as spreadsheet tables, one CSV file each, written with
//! the `csv` crate: `services.csv`, `sla-targets.csv`, `decisions.csv`,
//! `triggers.csv`, `customers.csv` (each customer group with its
//! entitlements), `capacity.csv` (each party's demand against its
//! capacity at each checkpoint), `plans.csv` (the roadmap),
//! `change-load.csv` (the services changing each group in each of the
//! twelve months from as-of's), `improvements.csv` (each improvement
//! with its state and effect) and `adoption.csv` (each rollout's
//! observed adoption against its plan, period by period),
//! `communications.csv` and `trainings.csv` (each rollout's onboarding
//! plan, with the first phase start reaching the group).
//!
//! Made to open cleanly in a spreadsheet program:
//!
//! - UTF-8 with a byte-order mark (Excel reads a CSV without one in the
//!   machine's legacy code page), CRLF line endings as RFC 4180 says, a
//!   header row;
//! - every cell quoted but numbers (`QuoteStyle::NonNumeric`), so a program
//!   that keeps quoted fields as text still reads numbers as numbers,
//!   negative ones included (a text that reads as a number, an id such as
//!   `2026`, is written bare too);
//! - a text cell that a spreadsheet would run as a formula (it starts with
//!   `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, as
//!   the OWASP guidance on CSV injection says: the catalogue is edited by
//!   many hands, and an export must not run what one of them typed;
//! - several values in one cell are separated by `; `.

use ::csv::{QuoteStyle, Terminator, WriterBuilder};

use super::page_url;
use crate::base::EntityKind;
use crate::base::number::{is_whole, show};
use crate::catalog::{
    Catalog, PlanEntry, RolloutEntry, SelectorEntry, ServiceEntry, Threshold, TriggerEntry,
};
use crate::model::{BoundKind, OfferLevel};

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text: quoted, and neutralised when it reads as a formula.
    Text(String),
    /// A number: written bare, as people write it (`95`, `97.5`, `-20`).
    Number(f64),
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    fn opt(s: &Option<String>) -> Cell {
        Cell::Text(s.clone().unwrap_or_default())
    }

    fn opt_number(v: Option<f64>) -> Cell {
        v.map(Cell::Number).unwrap_or(Cell::Text(String::new()))
    }

    fn keyword(k: Option<impl std::fmt::Display>) -> Cell {
        Cell::Text(k.map(|k| k.to_string()).unwrap_or_default())
    }

    /// Several values in one cell, separated by `; `.
    fn list<S: AsRef<str>>(items: &[S]) -> Cell {
        let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
        Cell::Text(items.join("; "))
    }

    /// The cell as written in the file.
    fn written(&self) -> String {
        match self {
            Cell::Text(s) => neutralised(s),
            Cell::Number(v) if is_whole(*v) => format!("{}", *v as i64),
            Cell::Number(v) => format!("{v}"),
        }
    }
}

/// A text cell a spreadsheet would run as a formula, with a leading `'`
/// that makes it text (OWASP, CSV injection); any other text as it is.
pub fn neutralised(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// A table: its file name, header and rows.
pub struct Table {
    pub name: &'static str,
    pub header: &'static [&'static str],
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// The file's bytes: a byte-order mark, the header, the rows, CRLF.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut writer = WriterBuilder::new()
            .quote_style(QuoteStyle::NonNumeric)
            .terminator(Terminator::CRLF)
            .from_writer(b"\xEF\xBB\xBF".to_vec());
        writer.write_record(self.header).expect("in memory");
        for row in &self.rows {
            writer
                .write_record(row.iter().map(Cell::written))
                .expect("in memory");
        }
        writer.into_inner().expect("in memory")
    }
}

/// Every table of the catalogue: (file name, bytes), each made when the
/// iterator reaches it (a build writes one before it makes the next).
pub fn tables(catalog: &Catalog) -> impl Iterator<Item = (&'static str, Vec<u8>)> + '_ {
    const TABLES: [fn(&Catalog) -> Table; 12] = [
        services,
        sla_targets,
        decisions,
        triggers,
        customers,
        capacity,
        plans,
        change_load,
        improvements,
        adoption,
        communications,
        trainings,
    ];
    TABLES.into_iter().map(move |table| {
        let t = table(catalog);
        (t.name, t.to_bytes())
    })
}

/// One row per service with an adoption target and period of its chart:
/// the observation, the plan's value at the period's last day, whether
/// the observation is behind it; then the target and the service's
/// standing (the judgement of `adoption-behind-plan` and `adoption-missed`).
pub fn adoption(catalog: &Catalog) -> Table {
    let rows = catalog
        .services
        .iter()
        .filter_map(|s| Some((s, s.adoption.as_ref()?)))
        .flat_map(|(s, a)| {
            let standing = a.judgement.as_ref().map(|j| j.standing);
            a.series.iter().map(move |p| {
                vec![
                    Cell::text(&s.id),
                    Cell::text(&a.metric),
                    Cell::text(&p.period),
                    Cell::opt_number(p.value),
                    Cell::opt_number(p.planned),
                    Cell::keyword(p.behind),
                    Cell::keyword(a.threshold.as_ref().map(|t| t.kind)),
                    Cell::opt_number(a.threshold.as_ref().map(|t| t.value)),
                    Cell::opt(&a.by),
                    Cell::keyword(standing.map(standing_word)),
                ]
            })
        })
        .collect();
    Table {
        name: "adoption.csv",
        header: &[
            "service",
            "metric",
            "period",
            "value",
            "planned",
            "behind",
            "side",
            "threshold",
            "by",
            "standing",
        ],
        rows,
    }
}

/// A standing as the catalog spells it.
fn standing_word(s: crate::metrics::adoption::Standing) -> &'static str {
    use crate::metrics::adoption::Standing::*;
    match s {
        OnPlan => "on-plan",
        BehindPlan => "behind-plan",
        Met => "met",
        Missed => "missed",
    }
}

/// One row per service.
pub fn services(catalog: &Catalog) -> Table {
    let rows = catalog
        .services
        .iter()
        .map(|s| {
            let offered = |level: OfferLevel| -> Vec<&str> {
                let offers = s.offers.iter().filter(|o| o.level == Some(level));
                offers.map(|o| o.customer.as_str()).collect()
            };
            vec![
                Cell::text(&s.id),
                Cell::opt(&s.name),
                Cell::opt(&s.function),
                Cell::keyword(s.stage),
                Cell::opt(&s.owner),
                Cell::keyword(s.level),
                Cell::list(&offered(OfferLevel::Mandated)),
                Cell::list(&offered(OfferLevel::Additional)),
                Cell::list(&sla_words(s)),
                Cell::text(page_url(catalog, EntityKind::Service, &s.id)),
                Cell::list(&efforts(s)),
                Cell::list(&plan_words(s)),
                Cell::opt(&s.problem),
                Cell::list(&s.benefits),
                Cell::list(&s.includes),
                Cell::list(&s.excludes),
                Cell::list(&s.inputs),
                Cell::list(&s.outputs),
                Cell::opt(&s.lead_time),
                Cell::keyword(s.criticality),
                Cell::opt(&s.sponsor),
                Cell::list(&link_words(s)),
            ]
        })
        .collect();
    Table {
        name: "services.csv",
        header: &[
            "id",
            "name",
            "function",
            "stage",
            "owner",
            "level",
            "mandated_for",
            "offered_to",
            "sla_targets",
            "page",
            "efforts",
            "plans",
            "problem",
            "benefits",
            "includes",
            "excludes",
            "inputs",
            "outputs",
            "lead_time",
            "criticality",
            "sponsor",
            "links",
        ],
        rows,
    }
}

/// A service's links, in words: `Request form <https://…>`, or the
/// address alone without a title.
fn link_words(s: &ServiceEntry) -> Vec<String> {
    s.links
        .iter()
        .map(|l| match &l.title {
            Some(t) => format!("{t} <{}>", l.url),
            None => l.url.clone(),
        })
        .collect()
}

/// A service's efforts, in words: "reporting-analysts 0.8", "raj 0.2
/// (pilot)".
fn efforts(s: &ServiceEntry) -> Vec<String> {
    s.efforts
        .iter()
        .map(|e| match e.stage {
            Some(stage) => format!("{} {} ({stage})", e.party, show(e.fte)),
            None => format!("{} {}", e.party, show(e.fte)),
        })
        .collect()
}

/// One row per party and checkpoint: the capacity (empty when unknown),
/// the demand, whether it is over, and the efforts counted.
pub fn capacity(catalog: &Catalog) -> Table {
    let rows = catalog
        .capacity
        .iter()
        .flat_map(|p| {
            p.checkpoints.iter().map(move |c| {
                let efforts: Vec<String> = c
                    .efforts
                    .iter()
                    .map(|e| format!("{} {}", e.service, show(e.fte)))
                    .collect();
                vec![
                    Cell::text(&p.party),
                    Cell::text(&p.kind),
                    Cell::opt_number(p.fte),
                    Cell::text(&c.date),
                    Cell::Number(c.demand),
                    Cell::text(match (p.fte, c.over) {
                        (None, _) => "unknown",
                        (_, true) => "yes",
                        _ => "no",
                    }),
                    Cell::list(&efforts),
                ]
            })
        })
        .collect();
    Table {
        name: "capacity.csv",
        header: &[
            "party",
            "kind",
            "fte",
            "checkpoint",
            "demand_fte",
            "over",
            "efforts",
        ],
        rows,
    }
}

/// A service's SLA targets in force, in words: "risk-log-sla: on-time-pct
/// at least 95, warn 97 per month".
fn sla_words(s: &ServiceEntry) -> Vec<String> {
    let mut words = Vec::new();
    for sla in s.slas.iter().filter(|sla| !sla.ended) {
        for t in &sla.targets {
            let mut w = format!("{}: {}", sla.id, t.metric);
            if let Some(th) = &t.threshold {
                w.push(' ');
                w.push_str(&bound(th));
            }
            if let Some(warn) = t.warn {
                w.push_str(&format!(", warn {}", Cell::Number(warn).written()));
            }
            if let Some(p) = sla.period {
                w.push_str(&format!(" per {p}"));
            }
            words.push(w);
        }
    }
    words
}

fn bound_word(kind: BoundKind) -> &'static str {
    match kind {
        BoundKind::AtLeast => "at least",
        BoundKind::AtMost => "at most",
    }
}

/// "at least 95".
fn bound(t: &Threshold) -> String {
    format!("{} {}", bound_word(t.kind), Cell::Number(t.value).written())
}

/// One row per SLA target; its SLA's `starts` and breach allowance (N, and
/// as judged: used, left, projected, state) repeat on each of its rows.
pub fn sla_targets(catalog: &Catalog) -> Table {
    let mut rows = Vec::new();
    for s in &catalog.services {
        for sla in &s.slas {
            for t in &sla.targets {
                rows.push(vec![
                    Cell::text(&s.id),
                    Cell::text(&sla.id),
                    Cell::text(&t.metric),
                    Cell::text(
                        t.threshold
                            .as_ref()
                            .map(|t| bound_word(t.kind))
                            .unwrap_or(""),
                    ),
                    Cell::opt_number(t.threshold.as_ref().map(|t| t.value)),
                    Cell::opt_number(t.warn),
                    Cell::keyword(sla.period),
                    Cell::list(&sla.customers),
                    Cell::opt(&sla.review_by),
                    Cell::opt(&sla.ends),
                    Cell::opt(&sla.starts),
                    Cell::opt_number(sla.budget.as_ref().map(|b| b.breaches as f64)),
                    Cell::opt_number(sla.allowance.as_ref().map(|a| a.used as f64)),
                    Cell::opt_number(sla.allowance.as_ref().map(|a| a.left as f64)),
                    Cell::opt_number(sla.allowance.as_ref().map(|a| a.projected as f64)),
                    Cell::text(sla.allowance.as_ref().map_or("", |a| a.state.as_str())),
                ]);
            }
        }
    }
    Table {
        name: "sla-targets.csv",
        header: &[
            "service",
            "sla",
            "metric",
            "comparison",
            "threshold",
            "warn",
            "period",
            "customers",
            "review_by",
            "ends",
            "starts",
            "breach_allowance",
            "allowance_used",
            "allowance_left",
            "allowance_projected",
            "allowance_state",
        ],
        rows,
    }
}

/// A service's plans in words: "pilot by 2027-01-11", "implementation by
/// 2026-10-30 (slipped)".
fn plan_words(s: &ServiceEntry) -> Vec<String> {
    s.plans
        .iter()
        .map(|p| {
            let by = p.by.as_deref().unwrap_or("");
            format!("{} by {by}{}", p.stage, plan_note(p))
        })
        .collect()
}

/// " (slipped)", " (reached)" or nothing.
fn plan_note(p: &PlanEntry) -> &'static str {
    if p.slipped {
        " (slipped)"
    } else if p.reached {
        " (reached)"
    } else {
        ""
    }
}

/// Where a plan stands, as `plans.csv` says it.
fn plan_state(p: &PlanEntry) -> &'static str {
    if p.reached {
        "reached"
    } else if p.slipped {
        "slipped"
    } else {
        "planned"
    }
}

/// One row per plan, by service, then stage in lifecycle order.
pub fn plans(catalog: &Catalog) -> Table {
    let rows = catalog
        .services
        .iter()
        .flat_map(|s| s.plans.iter().map(move |p| (s, p)))
        .map(|(s, p)| {
            vec![
                Cell::text(&s.id),
                Cell::keyword(s.stage),
                Cell::text(p.stage.as_str()),
                Cell::opt(&p.by),
                Cell::text(plan_state(p)),
            ]
        })
        .collect();
    Table {
        name: "plans.csv",
        header: &["service", "stage_now", "stage", "by", "state"],
        rows,
    }
}

/// The earliest `start` of a rollout's phases reaching `group` (what a
/// communication or a training to it should come before).
fn first_phase(r: &RolloutEntry, group: Option<&str>) -> Option<String> {
    let group = group?;
    r.phases
        .iter()
        .filter(|p| p.groups.iter().any(|g| g == group))
        .filter_map(|p| p.start.clone())
        .min()
}

/// One row per communication of a rollout, by service, then in source
/// order: the group told, when, how and what, and the earliest phase
/// start reaching that group.
pub fn communications(catalog: &Catalog) -> Table {
    let rows = catalog
        .services
        .iter()
        .filter_map(|s| Some((s, s.rollout.as_ref()?)))
        .flat_map(|(s, r)| r.communications.iter().map(move |c| (s, r, c)))
        .map(|(s, r, c)| {
            vec![
                Cell::text(&s.id),
                Cell::opt(&c.to),
                Cell::opt(&c.on),
                Cell::opt(&c.channel),
                Cell::text(&c.message),
                Cell::opt(&first_phase(r, c.to.as_deref())),
            ]
        })
        .collect();
    Table {
        name: "communications.csv",
        header: &[
            "service",
            "to",
            "on",
            "channel",
            "message",
            "first_phase_start",
        ],
        rows,
    }
}

/// One row per training of a rollout, by service, then in source order:
/// the group trained, by when, what, and the earliest phase start
/// reaching that group.
pub fn trainings(catalog: &Catalog) -> Table {
    let rows = catalog
        .services
        .iter()
        .filter_map(|s| Some((s, s.rollout.as_ref()?)))
        .flat_map(|(s, r)| r.trainings.iter().map(move |t| (s, r, t)))
        .map(|(s, r, t)| {
            let group = t.groups.first().map(String::as_str);
            vec![
                Cell::text(&s.id),
                Cell::list(&t.groups),
                Cell::opt(&t.by),
                Cell::text(&t.training),
                Cell::opt(&first_phase(r, group)),
            ]
        })
        .collect();
    Table {
        name: "trainings.csv",
        header: &["service", "groups", "by", "training", "first_phase_start"],
        rows,
    }
}

/// One row per improvement, by id: where it stands and, once done, its
/// effect (`met`, `missed`, `not-yet-measurable`).
pub fn improvements(catalog: &Catalog) -> Table {
    let rows = catalog
        .improvements
        .iter()
        .map(|i| {
            let expect = i.expect.as_ref();
            let effect = i.effect.as_ref();
            let value =
                |p: Option<&crate::catalog::PeriodValue>| Cell::opt_number(p.and_then(|p| p.value));
            vec![
                Cell::text(&i.id),
                Cell::opt(&i.title),
                Cell::opt(&i.service),
                Cell::opt(&i.owner),
                Cell::list(&i.answers),
                Cell::opt(&i.due),
                Cell::text(if i.overdue {
                    "overdue"
                } else {
                    match i.state {
                        crate::catalog::ImprovementState::Open => "open",
                        crate::catalog::ImprovementState::Done => "done",
                        crate::catalog::ImprovementState::Dropped => "dropped",
                    }
                }),
                Cell::opt(
                    &i.done
                        .clone()
                        .or(i.dropped.as_ref().map(|d| d.date.clone())),
                ),
                Cell::opt(&expect.map(|e| e.metric.clone())),
                Cell::opt(&expect.and_then(|e| e.threshold.as_ref()).map(bound)),
                Cell::opt(&expect.and_then(|e| e.by.clone())),
                Cell::keyword(effect.map(|e| e.verdict)),
                value(effect.and_then(|e| e.baseline.as_ref())),
                value(effect.and_then(|e| e.observed.as_ref())),
            ]
        })
        .collect();
    Table {
        name: "improvements.csv",
        header: &[
            "improvement",
            "title",
            "service",
            "owner",
            "answers",
            "due",
            "state",
            "closed_on",
            "metric",
            "expect",
            "by",
            "effect",
            "baseline",
            "observed",
        ],
        rows,
    }
}

/// One row per gate decision, by service, then date and gate.
pub fn decisions(catalog: &Catalog) -> Table {
    let rows = catalog
        .services
        .iter()
        .flat_map(|s| &s.decisions)
        .map(|d| {
            vec![
                Cell::text(&d.service),
                Cell::text(&d.gate),
                Cell::keyword(d.outcome),
                Cell::opt(&d.date),
                Cell::opt(&d.by),
                Cell::list(&d.present),
                Cell::opt(&d.rationale),
                Cell::opt(&d.revisit),
            ]
        })
        .collect();
    Table {
        name: "decisions.csv",
        header: &[
            "service",
            "gate",
            "outcome",
            "date",
            "by",
            "present",
            "rationale",
            "revisit",
        ],
        rows,
    }
}

/// One row per trigger.
pub fn triggers(catalog: &Catalog) -> Table {
    let rows = catalog
        .triggers
        .iter()
        .map(|t| {
            vec![
                Cell::text(&t.id),
                Cell::list(&t.applies_to.iter().map(selector).collect::<Vec<_>>()),
                Cell::text(condition(t)),
                Cell::opt(&t.min_age),
                Cell::keyword(t.action),
                Cell::opt(&t.gate),
                Cell::list(&t.notify),
                Cell::list(&t.services),
            ]
        })
        .collect();
    Table {
        name: "triggers.csv",
        header: &[
            "id",
            "applies_to",
            "condition",
            "min_age",
            "action",
            "gate",
            "notify",
            "services",
        ],
        rows,
    }
}

/// "stage operation and function risk".
fn selector(s: &SelectorEntry) -> String {
    let parts: Vec<String> = [
        s.stage.map(|x| format!("stage {x}")),
        s.function.as_ref().map(|x| format!("function {x}")),
        s.service.as_ref().map(|x| format!("service {x}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    parts.join(" and ")
}

/// "adoption-pct below 30 for 3 periods", "csat falling over the last 2
/// periods", "superseded".
fn condition(t: &TriggerEntry) -> String {
    let Some(w) = &t.when else {
        return String::new();
    };
    let mut words = w.metric.clone();
    if let (Some(c), Some(v)) = (w.comparison, w.value) {
        let c = c.as_str().replace('-', " ");
        words.push_str(&format!(" {c} {}", Cell::Number(v).written()));
    }
    if let (Some(t), Some(n)) = (w.trend, w.trend_periods) {
        let s = if n == 1 { "" } else { "s" };
        words.push_str(&format!(" {t} over the last {n} period{s}"));
    }
    match (w.periods, w.within_k, w.within_n) {
        (Some(1), ..) => words.push_str(" in the last period"),
        (Some(n), ..) => words.push_str(&format!(" for {n} periods")),
        (None, Some(k), Some(n)) => words.push_str(&format!(" in {k} of {n} periods")),
        _ => {}
    }
    words
}

/// One row per customer group and service it is entitled to; a group with
/// no entitlement has one row with the service cells empty.
pub fn customers(catalog: &Catalog) -> Table {
    let names = |id: &str| -> String {
        let found = catalog.services.binary_search_by(|s| s.id.as_str().cmp(id));
        found
            .ok()
            .and_then(|i| catalog.services[i].name.clone())
            .unwrap_or_default()
    };
    let mut rows = Vec::new();
    for c in &catalog.customers {
        let group = [
            Cell::text(&c.id),
            Cell::opt(&c.name),
            Cell::opt_number(c.size.map(|s| s as f64)),
        ];
        let capacity = Cell::opt_number(c.change_capacity.map(|s| s as f64));
        if c.entitlements.is_empty() {
            let mut row = group.to_vec();
            row.extend(std::iter::repeat_n(Cell::text(""), 5));
            row.push(capacity.clone());
            rows.push(row);
        }
        for e in &c.entitlements {
            let mut row = group.to_vec();
            row.extend([
                Cell::text(&e.service),
                Cell::text(names(&e.service)),
                Cell::keyword(e.level),
                Cell::keyword(e.stage),
                Cell::list(&e.slas),
                capacity.clone(),
            ]);
            rows.push(row);
        }
    }
    Table {
        name: "customers.csv",
        header: &[
            "customer",
            "name",
            "size",
            "service",
            "service_name",
            "level",
            "stage",
            "slas",
            "change_capacity",
        ],
        rows,
    }
}

/// One row per customer group and month, for the twelve months from
/// as-of's: how many services change the group, which, and whether that
/// is over its change capacity.
pub fn change_load(catalog: &Catalog) -> Table {
    let mut rows = Vec::new();
    for c in &catalog.customers {
        for m in &c.change_load {
            rows.push(vec![
                Cell::text(&c.id),
                Cell::opt(&c.name),
                Cell::text(&m.month),
                Cell::Number(m.count as f64),
                Cell::opt_number(c.change_capacity.map(|s| s as f64)),
                Cell::text(if m.over { "yes" } else { "no" }),
                Cell::list(&m.services),
            ]);
        }
    }
    Table {
        name: "change-load.csv",
        header: &[
            "customer",
            "name",
            "month",
            "services_changing",
            "change_capacity",
            "over_capacity",
            "services",
        ],
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_other_text_is_not() {
        for bad in ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralised(bad), format!("'{bad}"));
        }
        for fine in ["risk-log", "a=b", " =x", "", "'quoted"] {
            assert_eq!(neutralised(fine), fine);
        }
    }

    #[test]
    fn numbers_stay_numbers() {
        let table = Table {
            name: "t.csv",
            header: &["n", "m", "t"],
            rows: vec![vec![
                Cell::Number(-20.0),
                Cell::Number(97.5),
                Cell::text("-20"),
            ]],
        };
        let text = String::from_utf8(table.to_bytes()).unwrap();
        assert_eq!(text, "\u{feff}\"n\",\"m\",\"t\"\r\n-20,97.5,\"'-20\"\r\n");
    }
}

//! The portfolio's health, counted once: which services count (those in
//! operation or transform), how their SLA targets stand in their latest
//! period ([`Tally`]), a service's [`Status`] (red, amber, green), and
//! the [`Attention`] items a page's banner lists. The health page, the
//! banners and `pmoc review` all read these, so they cannot disagree.
//!
//! A new kind of attention item is one [`AttentionKind`] variant and one
//! row in [`attention`] (reading the catalog's judgement of it).

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;

use serde::Serialize;

use super::shape::{Catalog, ServiceEntry, TargetEntry};
use crate::metrics::evaluate::{Attainment, Firing};
use crate::model::Stage;

/// Whether a service's SLA targets and triggers count in the portfolio's
/// health: it is in operation or transform. A service in implementation
/// may already have SLAs, but nothing is promised yet.
pub fn counted(stage: Option<Stage>) -> bool {
    matches!(stage, Some(Stage::Operation | Stage::Transform))
}

/// How many targets are in each state in their latest period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub total: usize,
    pub met: usize,
    pub warned: usize,
    pub breached: usize,
    pub no_data: usize,
}

impl Tally {
    /// Counts one target by the state of its latest judged period; `None`
    /// (no judged period, or no observations read at all) is *without
    /// data*, never met (language 1.1, section 10).
    pub fn add(&mut self, latest: Option<Attainment>) {
        self.total += 1;
        *match latest.unwrap_or(Attainment::NoData) {
            Attainment::Met => &mut self.met,
            Attainment::Warned => &mut self.warned,
            Attainment::Breached => &mut self.breached,
            Attainment::NoData => &mut self.no_data,
        } += 1;
    }

    /// The tally of targets given by their latest states.
    pub fn of(latest: impl IntoIterator<Item = Option<Attainment>>) -> Tally {
        let mut tally = Tally::default();
        for state in latest {
            tally.add(state);
        }
        tally
    }
}

/// A service's standing, worst first: the order of the review's summary
/// (exceptions first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Standing {
    /// A target breached in its latest period.
    Breached,
    /// A trigger fired.
    Fired,
    /// A target warned in its latest period.
    Warned,
    /// A target has no observation for its latest period (or none was read).
    NoData,
    /// Every target met (or the service has none) and nothing fired.
    Met,
}

/// Red, amber or green.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// A target breached in the latest period, or a trigger fired.
    Red,
    /// A target warned or without data.
    Amber,
    /// Every target met (or none in force) and nothing fired.
    Green,
}

impl Standing {
    /// A service's standing from its targets' tally and how many triggers
    /// fired for it.
    pub fn of(tally: &Tally, fired: usize) -> Standing {
        if tally.breached > 0 {
            Standing::Breached
        } else if fired > 0 {
            Standing::Fired
        } else if tally.warned > 0 {
            Standing::Warned
        } else if tally.no_data > 0 {
            Standing::NoData
        } else {
            Standing::Met
        }
    }

    pub fn status(self) -> Status {
        match self {
            Standing::Breached | Standing::Fired => Status::Red,
            Standing::Warned | Standing::NoData => Status::Amber,
            Standing::Met => Status::Green,
        }
    }
}

/// The latest state of each target of a catalog service's SLAs in force.
pub fn latest_states(service: &ServiceEntry) -> impl Iterator<Item = Option<Attainment>> + '_ {
    service
        .slas
        .iter()
        .filter(|sla| !sla.ended)
        .flat_map(|sla| &sla.targets)
        .map(|t| {
            t.attainment
                .as_deref()
                .and_then(<[_]>::last)
                .map(|p| p.state)
        })
}

/// What needs attention on a service: a banner's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attention {
    pub kind: AttentionKind,
    /// The service concerned.
    pub service: String,
    /// What it is about: the SLA's id, the trigger's id, the gate's id,
    /// the planned stage.
    pub subject: String,
    /// The page that holds the detail, from the site's root (the roadmap);
    /// `None`: the service's page.
    pub page: Option<&'static str>,
    /// Where the detail is on that page: a fragment id (`slas`,
    /// `watched`, `decisions`; empty for the page's top).
    pub anchor: &'static str,
}

/// The kinds of attention items, in the order a banner lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AttentionKind {
    /// An SLA in force with a target breached in its latest period.
    TargetBreached,
    /// A trigger fired.
    TriggerFired,
    /// A gate with `decide-within` owes the service a decision whose due
    /// date passed (`decision-overdue`): the catalog's `decisions_due`.
    DecisionOverdue,
    /// A plan not reached whose `by` date passed (`plan-slipped`): the
    /// catalog's plan `slipped` flag.
    PlanSlipped,
}

/// Every attention item, by service id, each service's by kind then
/// subject: breached targets and fired triggers of the services that
/// count ([`counted`]); overdue decisions and slipped plans of any
/// service that is not retired (the rules' own scope). Computed once per
/// catalog: the index page's banner lists them all, a service page's
/// banner its own. Each kind is one row below, reading the catalog's
/// judgement of it.
pub fn attention(catalog: &Catalog) -> BTreeMap<&str, Vec<Attention>> {
    let counts: HashMap<&str, &ServiceEntry> = catalog
        .services
        .iter()
        .filter(|s| counted(s.stage))
        .map(|s| (s.id.as_str(), &**s))
        .collect();
    let mut items: Vec<(&str, AttentionKind, &str)> = Vec::new();
    for service in counts.values() {
        // An SLA in force with a target breached in its latest period.
        for sla in service.slas.iter().filter(|sla| !sla.ended) {
            let latest = |t: &TargetEntry| {
                t.attainment
                    .as_deref()
                    .and_then(<[_]>::last)
                    .map(|p| p.state)
            };
            if sla
                .targets
                .iter()
                .any(|t| latest(t) == Some(Attainment::Breached))
            {
                items.push((&service.id, AttentionKind::TargetBreached, &sla.id));
            }
        }
    }
    // A trigger fired.
    for trigger in &catalog.triggers {
        for state in trigger.evaluation.as_deref().unwrap_or_default() {
            if state.state == Firing::Fired
                && let Some(service) = counts.get(state.service.as_str())
            {
                items.push((&service.id, AttentionKind::TriggerFired, &trigger.id));
            }
        }
    }
    let live = |s: &ServiceEntry| s.stage.is_some_and(|s| s != Stage::Retired);
    // A decision overdue at a gate with `decide-within`.
    for gate in &catalog.gates {
        for due in gate.decisions_due.iter().filter(|d| d.overdue) {
            if catalog
                .services
                .iter()
                .any(|s| s.id == due.service && live(s))
            {
                items.push((&due.service, AttentionKind::DecisionOverdue, &gate.id));
            }
        }
    }
    // A plan slipped.
    for service in catalog.services.iter().filter(|s| live(s)) {
        for plan in service.plans.iter().filter(|p| p.slipped) {
            items.push((&service.id, AttentionKind::PlanSlipped, plan.stage.as_str()));
        }
    }
    let mut out: BTreeMap<&str, Vec<Attention>> = BTreeMap::new();
    for (service, kind, subject) in items {
        let (page, anchor) = kind.detail();
        out.entry(service).or_default().push(Attention {
            kind,
            service: service.to_string(),
            subject: subject.to_string(),
            page,
            anchor,
        });
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| (a.kind, &a.subject).cmp(&(b.kind, &b.subject)));
    }
    out
}

impl AttentionKind {
    /// The page (`None`: the service's) and the section that hold the
    /// detail.
    fn detail(self) -> (Option<&'static str>, &'static str) {
        match self {
            AttentionKind::TargetBreached => (None, "slas"),
            AttentionKind::TriggerFired => (None, "watched"),
            AttentionKind::DecisionOverdue => (None, "decisions"),
            AttentionKind::PlanSlipped => (Some("roadmap.html"), ""),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_judged_period_is_without_data_never_met() {
        let tally = Tally::of([None, Some(Attainment::NoData), Some(Attainment::Met)]);
        assert_eq!((tally.total, tally.no_data, tally.met), (3, 2, 1));
        assert_eq!(Standing::of(&tally, 0).status(), Status::Amber);
        assert_eq!(Standing::of(&Tally::default(), 0), Standing::Met);
    }

    #[test]
    fn standings_go_worst_first() {
        let t = |s: Attainment| Tally::of([Some(s), Some(Attainment::Met)]);
        assert_eq!(
            Standing::of(&t(Attainment::Breached), 1),
            Standing::Breached
        );
        assert_eq!(Standing::of(&t(Attainment::Warned), 1), Standing::Fired);
        assert_eq!(Standing::of(&t(Attainment::Warned), 0), Standing::Warned);
        assert_eq!(Standing::of(&t(Attainment::NoData), 0), Standing::NoData);
        let mut all = [
            Standing::Met,
            Standing::NoData,
            Standing::Warned,
            Standing::Fired,
            Standing::Breached,
        ];
        all.sort();
        assert_eq!(
            all.map(Standing::status),
            [
                Status::Red,
                Status::Red,
                Status::Amber,
                Status::Amber,
                Status::Green
            ]
        );
    }
}

//! What the observations say, arranged for the pages that show them: the
//! state of each trigger for each service it covers (a service page shows
//! its own, the health page those that fired or lacked data, the triggers
//! page each trigger's services by state), each SLA target's latest state
//! (the health page, a customer group's mandated services) and the
//! attainment charts. Made from the catalog's evaluations, the one source
//! of what fired, and only for the page being rendered, but for the
//! trigger states, which every service page's fingerprint reads.

use std::collections::{BTreeMap, HashMap};

use minijinja::context;
use minijinja::value::{Serde, Value};
use serde::Serialize;

use super::{Renderer, memo, svg};
use crate::catalog::{
    Attainment, Catalog, ConditionEntry, Firing, MetricEntry, PeriodAttainment, PeriodValue,
    ServiceEntry, SlaEntry, TargetEntry, TriggerEntry,
};
use crate::model::{Action, OfferLevel, Period, Unit};

/// The services a trigger covers but did not judge (its evaluation is
/// sorted by service).
fn not_judged(t: &TriggerEntry) -> impl Iterator<Item = &str> {
    let evaluation = t.evaluation.as_deref().unwrap_or_default();
    let judged = |s: &str| {
        evaluation
            .binary_search_by(|e| e.service.as_str().cmp(s))
            .is_ok()
    };
    t.services
        .iter()
        .map(String::as_str)
        .filter(move |s| !judged(s))
}

/// A trigger as it stands for one service it covers.
#[derive(Debug, Serialize)]
pub(super) struct ServiceTrigger<'c> {
    pub service: &'c str,
    pub trigger: &'c str,
    pub when: Option<&'c ConditionEntry>,
    pub min_age: Option<&'c str>,
    pub action: Option<Action>,
    pub gate: Option<&'c str>,
    /// The unit of the metric watched.
    pub unit: Option<Unit>,
    /// `None`: the trigger covers the service but did not judge it (a
    /// service not in operation or transform, or younger than `min-age`,
    /// or no observations read for a metric condition).
    pub state: Option<Firing>,
    /// The window's periods, oldest first, with the observed values.
    pub window: &'c [PeriodValue],
    pub successor: Option<&'c str>,
}

/// Every trigger's state for every service it covers, by service, each
/// service's in trigger order.
pub(super) struct TriggerStates<'c> {
    by_service: HashMap<&'c str, Vec<ServiceTrigger<'c>>>,
}

impl<'c> TriggerStates<'c> {
    pub(super) fn of(catalog: &'c Catalog) -> TriggerStates<'c> {
        let mut by_service: HashMap<&str, Vec<ServiceTrigger>> = HashMap::new();
        let metrics = metrics(catalog);
        for t in &catalog.triggers {
            let watched = t.when.as_ref().and_then(|w| metrics.get(w.metric.as_str()));
            let record = |service: &'c str| ServiceTrigger {
                service,
                trigger: &t.id,
                when: t.when.as_ref(),
                min_age: t.min_age.as_deref(),
                action: t.action,
                gate: t.gate.as_deref(),
                unit: watched.and_then(|m| m.unit),
                state: None,
                window: &[],
                successor: None,
            };
            let evaluation = t.evaluation.as_deref().unwrap_or_default();
            for state in evaluation {
                by_service
                    .entry(&state.service)
                    .or_default()
                    .push(ServiceTrigger {
                        state: Some(state.state),
                        window: &state.window,
                        successor: state.successor.as_deref(),
                        ..record(&state.service)
                    });
            }
            for s in not_judged(t) {
                by_service.entry(s).or_default().push(record(s));
            }
        }
        TriggerStates { by_service }
    }

    /// The triggers covering a service, in trigger order.
    pub(super) fn of_service(&self, id: &str) -> &[ServiceTrigger<'c>] {
        self.by_service
            .get(id)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// A hash of what a service's page shows of its triggers.
    pub(super) fn hash(&self, id: &str) -> u64 {
        memo::hash_of(self.of_service(id))
    }

    /// The states `state` of every service, by service (in catalog order),
    /// then trigger.
    pub(super) fn all(&self, catalog: &'c Catalog, state: Firing) -> Vec<&ServiceTrigger<'c>> {
        catalog
            .services
            .iter()
            .flat_map(|s| self.of_service(&s.id))
            .filter(|t| t.state == Some(state))
            .collect()
    }

    /// The services some trigger could not judge for want of data, with
    /// those triggers, in catalog order.
    pub(super) fn lacking(&self, catalog: &'c Catalog) -> Vec<Lacking<'c>> {
        let mut out: Vec<Lacking> = Vec::new();
        for t in self.all(catalog, Firing::NoData) {
            match out.last_mut() {
                Some(last) if last.service == t.service => last.triggers.push(t.trigger),
                _ => out.push(Lacking {
                    service: t.service,
                    triggers: vec![t.trigger],
                }),
            }
        }
        out
    }
}

/// A service's triggers that could not judge it for want of data.
#[derive(Debug, Serialize)]
pub(super) struct Lacking<'c> {
    pub service: &'c str,
    pub triggers: Vec<&'c str>,
}

/// An SLA target with its latest judged period.
#[derive(Debug, Serialize)]
pub(super) struct TargetState<'c> {
    pub service: &'c str,
    pub sla: &'c str,
    pub period: Option<Period>,
    pub ended: bool,
    /// The target's place in its SLA (its chart is `chart-{sla}-{index}`).
    pub index: usize,
    pub target: &'c TargetEntry,
    /// The latest judged period, if any.
    pub latest: Option<&'c PeriodAttainment>,
    /// The latest period's state; no data without any period.
    pub state: Attainment,
}

/// How many targets are in each state in their latest period.
#[derive(Debug, Default, Serialize)]
pub(super) struct Tally {
    pub total: usize,
    pub met: usize,
    pub warned: usize,
    pub breached: usize,
    pub no_data: usize,
}

/// Targets of some SLAs of some services, as `(service, sla)` pairs, each
/// with its latest state, and their tally.
pub(super) fn target_states<'c>(
    slas: impl IntoIterator<Item = (&'c ServiceEntry, &'c SlaEntry)>,
) -> (Vec<TargetState<'c>>, Tally) {
    let mut tally = Tally::default();
    let mut states = Vec::new();
    for (service, sla) in slas {
        for (index, target) in sla.targets.iter().enumerate() {
            let latest = target.attainment.as_deref().and_then(<[_]>::last);
            let state = latest.map_or(Attainment::NoData, |p| p.state);
            tally.total += 1;
            *match state {
                Attainment::Met => &mut tally.met,
                Attainment::Warned => &mut tally.warned,
                Attainment::Breached => &mut tally.breached,
                Attainment::NoData => &mut tally.no_data,
            } += 1;
            states.push(TargetState {
                service: &service.id,
                sla: &sla.id,
                period: sla.period,
                ended: sla.ended,
                index,
                target,
                latest,
                state,
            });
        }
    }
    (states, tally)
}

/// The metrics of a catalog by id.
pub(super) fn metrics(catalog: &Catalog) -> HashMap<&str, &MetricEntry> {
    catalog.metrics.iter().map(|m| (m.id.as_str(), m)).collect()
}

/// The attainment charts of SLAs' targets, as `charts[sla][i]` for the
/// i-th target (none for a target without a judged period).
pub(super) fn charts<'s>(
    slas: impl IntoIterator<Item = &'s SlaEntry>,
    metrics: &HashMap<&str, &MetricEntry>,
) -> Value {
    let mut charts: BTreeMap<String, Value> = BTreeMap::new();
    for sla in slas {
        let drawn = sla.targets.iter().enumerate().map(|(i, t)| {
            let id = format!("chart-{}-{i}", sla.id);
            svg::attainment_chart(&id, t, metrics.get(t.metric.as_str()).copied())
                .map_or_else(|| Value::from(()), Value::from_safe_string)
        });
        charts.insert(sla.id.clone(), Value::from(drawn.collect::<Vec<_>>()));
    }
    Value::from(charts)
}

/// The SLAs in force (not ended) of services, each with its service.
fn in_force<'c>(
    services: impl IntoIterator<Item = &'c ServiceEntry>,
) -> impl Iterator<Item = (&'c ServiceEntry, &'c SlaEntry)> {
    services.into_iter().flat_map(|s| {
        s.slas
            .iter()
            .filter(|sla| !sla.ended)
            .map(move |sla| (s, sla))
    })
}

/// What the health, service and customer pages show of the observations.
impl Renderer<'_> {
    /// The watch list (what fired), what lacked data, and every SLA target
    /// in force with its latest state and its chart.
    pub(super) fn health(&self) -> Value {
        let catalog = self.catalog;
        let (targets, tally) = target_states(in_force(&catalog.services));
        let slas = in_force(&catalog.services).map(|(_, sla)| sla);
        // Services with an observed target, each with its targets; those without.
        let mut observed: Vec<(&str, Vec<&TargetState>)> = Vec::new();
        for t in &targets {
            match observed.last_mut() {
                Some((id, list)) if *id == t.service => list.push(t),
                _ => observed.push((t.service, vec![t])),
            }
        }
        let (observed, unobserved): (Vec<_>, Vec<_>) = observed
            .into_iter()
            .partition(|(_, list)| list.iter().any(|t| t.latest.is_some()));
        let unobserved: Vec<&str> = unobserved.into_iter().map(|(id, _)| id).collect();
        let attention: Vec<&TargetState> = targets
            .iter()
            .filter(|t| t.state != Attainment::Met)
            .collect();
        context! {
            fired => Value::from(Serde(self.states.all(catalog, Firing::Fired))),
            lacking => Value::from(Serde(self.states.lacking(catalog))),
            attention => Value::from(Serde(attention)),
            tally => Value::from(Serde(tally)),
            observed => Value::from(Serde(observed)),
            unobserved => Value::from(Serde(unobserved)),
            charts => charts(slas, &self.metrics),
        }
    }

    /// A service page's lifecycle strip, its targets' charts and its
    /// triggers' states.
    pub(super) fn service(&self, page: &Value) -> Value {
        let id = page.get_attr("id").ok();
        let Some(s) = id.and_then(|id| self.services.get(id.as_str()?).copied()) else {
            return Value::from(());
        };
        let (targets, _) = target_states(s.slas.iter().map(|sla| (s, sla)));
        context! {
            strip => Value::from_safe_string(svg::lifecycle_strip(s.stage)),
            targets => Value::from(Serde(targets)),
            charts => charts(&s.slas, &self.metrics),
            triggered => Value::from(Serde(self.states.of_service(&s.id))),
        }
    }

    /// How a customer group's mandated services are doing: each target of
    /// their SLAs covering the group, with its latest state.
    pub(super) fn customer(&self, page: &Value) -> Value {
        let id = page.get_attr("id").ok();
        let Some(c) = id.and_then(|id| self.customers.get(id.as_str()?).copied()) else {
            return Value::from(());
        };
        let mandated = c
            .entitlements
            .iter()
            .filter(|e| e.level == Some(OfferLevel::Mandated))
            .filter_map(|e| Some((self.services.get(e.service.as_str())?, &e.slas)));
        let slas = mandated.flat_map(|(s, covering)| {
            let covers = |sla: &&SlaEntry| covering.contains(&sla.id);
            s.slas.iter().filter(covers).map(move |sla| (*s, sla))
        });
        let (targets, tally) = target_states(slas);
        context! {
            targets => Value::from(Serde(targets)),
            tally => Value::from(Serde(tally)),
        }
    }
}

/// One trigger's services by state: those it judged, and those it covers
/// without judging them.
#[derive(Debug, Default, Serialize)]
pub(super) struct ByState<'c> {
    pub fired: Vec<&'c str>,
    pub no_data: Vec<&'c str>,
    pub fine: Vec<&'c str>,
    pub not_judged: Vec<&'c str>,
}

/// Each trigger's services by state, by trigger id.
fn by_state(catalog: &Catalog) -> BTreeMap<&str, ByState<'_>> {
    let mut out = BTreeMap::new();
    for t in &catalog.triggers {
        let mut states = ByState::default();
        let evaluation = t.evaluation.as_deref().unwrap_or_default();
        for e in evaluation {
            match e.state {
                Firing::Fired => states.fired.push(e.service.as_str()),
                Firing::NoData => states.no_data.push(&e.service),
                Firing::Fine => states.fine.push(&e.service),
            }
        }
        states.not_judged = not_judged(t).collect();
        out.insert(t.id.as_str(), states);
    }
    out
}

/// What the triggers page shows of the observations.
impl Renderer<'_> {
    /// Each trigger's services by state.
    pub(super) fn triggers(&self) -> Value {
        context! { by_state => Value::from(Serde(by_state(self.catalog))) }
    }
}

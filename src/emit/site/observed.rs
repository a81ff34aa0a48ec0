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
use crate::catalog::health::{self, Tally};
use crate::catalog::{
    Attainment, Catalog, ConditionEntry, Firing, MetricEntry, PeriodAttainment, PeriodValue,
    ServiceEntry, SlaEntry, TargetEntry, TriggerEntry,
};
use crate::model::{Action, OfferLevel, Period, Stage, Unit};

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
    /// For `sla-breached`: the SLA whose periods the window shows.
    pub sla: Option<&'c str>,
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
                sla: None,
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
                        sla: state.sla.as_deref(),
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
            tally.add(latest.map(|p| p.state));
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
/// i-th target (none for a target without a judged period). They are
/// shown together, so they share one time axis: the months of all their
/// periods.
pub(super) fn charts<'s>(
    slas: impl IntoIterator<Item = &'s SlaEntry>,
    metrics: &HashMap<&str, &MetricEntry>,
) -> Value {
    let slas: Vec<&SlaEntry> = slas.into_iter().collect();
    let periods = slas
        .iter()
        .flat_map(|sla| &sla.targets)
        .flat_map(|t| t.attainment.as_deref().unwrap_or_default())
        .map(|p| p.period.as_str());
    let span = svg::PeriodSpan::of(periods);
    let mut charts: BTreeMap<String, Value> = BTreeMap::new();
    for sla in slas {
        let drawn = sla.targets.iter().enumerate().map(|(i, t)| {
            let id = format!("chart-{}-{i}", sla.id);
            svg::attainment_chart(&id, t, metrics.get(t.metric.as_str()).copied(), span)
                .map_or_else(|| Value::from(()), Value::from_safe_string)
        });
        charts.insert(sla.id.clone(), Value::from(drawn.collect::<Vec<_>>()));
    }
    Value::from(charts)
}

/// The months of a service's adoption series (none without one).
fn adoption_span(s: &ServiceEntry) -> Option<svg::PeriodSpan> {
    let series = s.adoption.as_ref().map(|a| a.series.as_slice());
    svg::PeriodSpan::of(series.unwrap_or_default().iter().map(|p| p.period.as_str()))
}

/// A service's adoption against its plan and target, as a chart (none
/// without observations or periods), on the time axis `span` it shares
/// with the charts shown beside it.
fn adoption_chart(
    s: &ServiceEntry,
    metrics: &HashMap<&str, &MetricEntry>,
    span: Option<svg::PeriodSpan>,
) -> Value {
    let (Some(a), Some(target)) = (
        &s.adoption,
        s.rollout.as_ref().and_then(|r| r.adoption_target.as_ref()),
    ) else {
        return Value::from(());
    };
    let metric = metrics.get(a.metric.as_str()).copied();
    let name = metric.and_then(|m| m.name.as_deref()).unwrap_or(&a.metric);
    let points: Vec<svg::Point> = a
        .series
        .iter()
        .map(|p| svg::Point {
            period: &p.period,
            value: p.value,
            planned: p.planned,
            behind: p.behind,
        })
        .collect();
    let threshold = target.threshold.as_ref().map(|t| t.value);
    let title = format!(
        "{name} of {}: observed against the plan and the target",
        s.id
    );
    svg::series_chart(
        &format!("adoption-{}", s.id),
        &title,
        &points,
        threshold,
        metric.and_then(|m| m.unit),
        span,
    )
    .map_or_else(|| Value::from(()), Value::from_safe_string)
}

/// A service's KPIs that no SLA target covers, each with its chart of
/// observed values (no target line), all on one time axis.
fn kpi_charts(s: &ServiceEntry, metrics: &HashMap<&str, &MetricEntry>) -> Value {
    let span = svg::PeriodSpan::of(
        s.kpi_values
            .iter()
            .flat_map(|k| &k.values)
            .map(|p| p.period.as_str()),
    );
    let charts: Vec<Value> = s
        .kpi_values
        .iter()
        .map(|k| {
            let metric = metrics.get(k.metric.as_str()).copied();
            let name = metric.and_then(|m| m.name.as_deref()).unwrap_or(&k.metric);
            let points: Vec<svg::Point> = k
                .values
                .iter()
                .map(|p| svg::Point {
                    period: &p.period,
                    value: p.value,
                    planned: None,
                    behind: None,
                })
                .collect();
            let chart = svg::series_chart(
                &format!("kpi-{}-{}", s.id, k.metric),
                &format!("{name}: observed values"),
                &points,
                None,
                metric.and_then(|m| m.unit),
                span,
            );
            context! {
                metric => k.metric.clone(),
                latest => k.values.iter().rev().find_map(|p| p.value.map(|v| (p.period.clone(), v))),
                chart => chart.map_or_else(|| Value::from(()), Value::from_safe_string),
            }
        })
        .collect();
    Value::from(charts)
}

/// The SLAs in force (not ended) of the services that count in the
/// portfolio's health ([`health::counted`]: as `pmoc review` counts), each
/// with its service.
fn in_force<'c>(
    services: impl IntoIterator<Item = &'c ServiceEntry>,
) -> impl Iterator<Item = (&'c ServiceEntry, &'c SlaEntry)> {
    services
        .into_iter()
        .filter(|s| health::counted(s.stage))
        .flat_map(|s| {
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
        let (targets, tally) = target_states(in_force(catalog.services.iter().map(|s| &**s)));
        let slas = in_force(catalog.services.iter().map(|s| &**s)).map(|(_, sla)| sla);
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
            attention => Value::from(Serde(self.attention.get(s.id.as_str()))),
            adoption_chart => adoption_chart(s, &self.metrics, adoption_span(s)),
            kpi_charts => kpi_charts(s, &self.metrics),
            timeline => s.rollout.as_ref().map_or_else(|| Value::from(()), |r| super::onboarding::timeline(r, &self.catalog.as_of)),
        }
    }

    /// How a customer group's mandated services are doing: each target of
    /// their SLAs covering the group, with its latest state (a retired
    /// service is no longer mandated: it has its own part of the page).
    pub(super) fn customer(&self, page: &Value) -> Value {
        let id = page.get_attr("id").ok();
        let Some(c) = id.and_then(|id| self.customers.get(id.as_str()?).copied()) else {
            return Value::from(());
        };
        let mandated = c
            .entitlements
            .iter()
            .filter(|e| e.level == Some(OfferLevel::Mandated))
            // A retired service is listed apart: no longer anyone's duty.
            .filter(|e| e.stage != Some(Stage::Retired))
            .filter_map(|e| Some((self.services.get(e.service.as_str())?, &e.slas)));
        let slas = mandated.flat_map(|(s, covering)| {
            let covers = |sla: &&SlaEntry| covering.contains(&sla.id);
            s.slas.iter().filter(covers).map(move |sla| (*s, sla))
        });
        let (targets, tally) = target_states(slas);
        // The services rolled out to the group (a phase names it), with
        // their adoption: the service's, as observations have no group.
        let rolled: Vec<&ServiceEntry> = self
            .catalog
            .services
            .iter()
            .filter(|s| {
                s.rollout
                    .as_ref()
                    .is_some_and(|r| r.phases.iter().any(|p| p.groups.contains(&c.id)))
            })
            .filter(|s| {
                s.rollout
                    .as_ref()
                    .is_some_and(|r| r.adoption_target.is_some())
            })
            .map(|s| &**s)
            .collect();
        // Shown side by side: one time axis.
        let span = rolled.iter().fold(None, |span, s| {
            svg::PeriodSpan::over(span, adoption_span(s))
        });
        let rolled: Vec<Value> = rolled
            .into_iter()
            .map(|s| {
                context! {
                    service => s.id.clone(),
                    target => Value::from(Serde(s.rollout.as_ref().and_then(|r| r.adoption_target.as_ref()))),
                    adoption => Value::from(Serde(s.adoption.as_ref())),
                    chart => adoption_chart(s, &self.metrics, span),
                }
            })
            .collect();
        context! {
            targets => Value::from(Serde(targets)),
            tally => Value::from(Serde(tally)),
            adoptions => Value::from(rolled),
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

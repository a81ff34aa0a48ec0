//! The resolved catalogue, the phase after `compile`: what the site, the
//! exports, `diff` and `review` read. `catalog.json` is its JSON form: the
//! whole resolved model, every reference both ways
//! (a function's services, a customer group's entitlements, a gate's
//! decisions). Lists of entities are sorted by id; escalations, phases and
//! criteria keep source order; decisions sort by date, then gate.
//!
//! [`shape`] holds the types (and so the JSON Schema); this module builds
//! them from a checked model. The references the other way round come from
//! the model's [`Index`] (one pass over [`Model::references`]), so the
//! catalog is linear in the model. [`serial`] holds what the JSON outputs
//! over the catalogue share (numbers, pretty JSON, derived schemas).

mod coming;
pub mod health;
pub mod serial;
mod service;
pub mod shape;

use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use rayon::prelude::*;

use crate::base::{Field, Spanned};
use crate::check::decisions::decisions_due;
use crate::metrics::Evaluation;
use crate::model;
use crate::model::{
    Bound, Decision, Function, GroupLoad, Id, Improvement, Index, Metric, Model, Month, MonthLoad,
    Objective, Person, Pmo, Stage, Team, Trigger, When, Window, change_load,
};
pub use shape::*;

/// Builds the catalog from a checked model (through its index) and its
/// evaluation.
pub fn build(index: &Index, evaluation: &Evaluation) -> Catalog {
    assemble(index, evaluation, None).0
}

/// What one catalogue keeps for the next (a round of `watch` or `serve`):
/// each service's entry with the model's service it was built from, and
/// the date and the evaluation they were judged by. A service whose model
/// entry is the same allocation (its file was not parsed again), judged as
/// of the same date, whose reads from the rest of the model and from the
/// evaluation are equal ([`service::reads_same`]: the references to it,
/// its triggers, its slices of the evaluation) keeps its entry.
#[derive(Default)]
pub struct Memo {
    entries: Entries,
    judged: Option<(jiff::civil::Date, Arc<Evaluation>)>,
    /// Service entries reused by the last build.
    pub reused: usize,
}

/// Each service's entry by id, with the model's service it was built from.
type Entries = HashMap<String, (Arc<model::Service>, Arc<ServiceEntry>)>;

/// [`build`], reusing from `memo` the entries of the services whose inputs
/// did not change, and leaving in it this catalogue's.
pub fn build_with(index: &Index, evaluation: &Arc<Evaluation>, memo: &mut Memo) -> Catalog {
    let previous = std::mem::take(&mut memo.entries);
    let before = match memo.judged.take() {
        Some((as_of, before)) if as_of == index.as_of => Some((&previous, before)),
        _ => None,
    };
    let (catalog, services) = assemble(
        index,
        evaluation,
        before.as_ref().map(|(entries, e)| (*entries, &**e)),
    );
    memo.reused = services.iter().filter(|(_, reused)| *reused).count();
    memo.judged = Some((index.as_of, evaluation.clone()));
    memo.entries = index
        .model
        .services
        .iter()
        .zip(services)
        .map(|(svc, (entry, _))| (svc.id.value.clone(), (svc.clone(), entry)))
        .collect();
    catalog
}

/// The catalogue, each service's entry taken from `before` where its
/// inputs did not change; with each service's entry in model order and
/// whether it was taken.
fn assemble(
    index: &Index,
    evaluation: &Evaluation,
    before: Option<(&Entries, &Evaluation)>,
) -> (Catalog, Vec<(Arc<ServiceEntry>, bool)>) {
    let (model, as_of) = (index.model, index.as_of);
    let kept = |svc: &Arc<model::Service>| -> Option<Arc<ServiceEntry>> {
        let (entries, read) = before?;
        let (was, entry) = entries.get(svc.id.value.as_str())?;
        (Arc::ptr_eq(was, svc) && service::reads_same(index, evaluation, read, svc, entry))
            .then(|| entry.clone())
    };
    let services = || -> Vec<(Arc<ServiceEntry>, bool)> {
        model
            .services
            .par_iter()
            .map(|svc| match kept(svc) {
                Some(entry) => (entry, true),
                None => (Arc::new(service::entry(index, evaluation, svc)), false),
            })
            .collect()
    };
    // Two halves of about equal work on a round that reuses the services'
    // entries: the entries that read the references the other way round
    // (built at their first reader), and the aggregates.
    let referring = || {
        let services = services();
        let persons = model.persons.iter().map(|p| person(index, p)).collect();
        let teams = model.teams.iter().map(|t| team(index, t)).collect();
        let objectives = model.objectives.iter().map(|o| objective(index, o));
        let metrics = model.metrics.iter().map(|m| metric(index, m)).collect();
        let functions = model.functions.iter().map(|f| function(index, f));
        let triggers = model.triggers.iter().map(|t| trigger(index, evaluation, t));
        let improvements = model.improvements.iter();
        let improvements = improvements.map(|i| improvement(index, evaluation, i));
        let lists = (
            persons,
            teams,
            objectives.collect(),
            metrics,
            functions.collect(),
            triggers.collect(),
            improvements.collect(),
        );
        (services, lists)
    };
    let aggregates = || {
        let stages = stages(model);
        let customers = customers(index);
        let capacity = capacity(index);
        // The gates' decisions read the references last: built by then.
        let gates = gates(index, evaluation);
        (stages, customers, capacity, gates)
    };
    let ((services, lists), (stages, customers, capacity, gates)) =
        rayon::join(referring, aggregates);
    let (persons, teams, objectives, metrics, functions, triggers, improvements) = lists;
    let mut catalog = Catalog {
        schema_version: SCHEMA_VERSION.into(),
        as_of: as_of.to_string(),
        pmo: pmo(model.pmo.as_ref()),
        stages,
        persons,
        teams,
        customers,
        objectives,
        metrics,
        functions,
        services: Vec::new(),
        gates,
        triggers,
        improvements,
        capacity,
        observed: evaluation.observed,
    };
    catalog.services = services.iter().map(|(entry, _)| entry.clone()).collect();
    sort_lists(&mut catalog);
    (catalog, services)
}

/// An optional text without its span.
fn unspanned(t: &Option<Spanned<String>>) -> Option<String> {
    t.as_ref().map(|t| t.value.clone())
}

fn ids(v: &[Id]) -> Vec<String> {
    v.iter().map(|i| i.value.clone()).collect()
}

fn date(d: &Option<Spanned<jiff::civil::Date>>) -> Option<String> {
    d.map(|d| d.value.to_string())
}

fn kw<T: Copy>(k: &Option<Spanned<T>>) -> Option<T> {
    k.map(|k| k.value)
}

fn threshold(b: &Option<Bound>) -> Option<Threshold> {
    b.map(|b| Threshold {
        kind: b.kind,
        value: b.value.value,
    })
}

/// The services that passed `gate` lacking what it requires, by service
/// id; `judged` where `gate-requirement-missing` reports it.
fn requirement_gaps(index: &Index, gate: &model::Gate) -> Vec<RequirementGapEntry> {
    let mut out: Vec<RequirementGapEntry> = index
        .requirement_gaps(gate)
        .into_iter()
        .map(|gap| RequirementGapEntry {
            service: gap.service.id.value.clone(),
            judged: !gap.judged_lacking(gate).is_empty(),
            lacking: gap.lacking.iter().map(|r| r.value).collect(),
        })
        .collect();
    out.sort_by(|a, b| a.service.cmp(&b.service));
    out
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

fn pmo(pmo: Option<&Pmo>) -> PmoEntry {
    PmoEntry {
        id: pmo.map(|p| p.id.value.clone()).unwrap_or_default(),
        name: pmo.and_then(|p| unspanned(&p.name)),
        mandate: pmo.and_then(|p| unspanned(&p.mandate)),
        sponsor: pmo.and_then(|p| unspanned(&p.sponsor)),
        head: pmo.and_then(|p| unspanned(&p.head)),
        structure: pmo.and_then(|p| kw(&p.structure)),
        title: pmo.and_then(|p| unspanned(&p.site_title)),
        base_url: pmo.and_then(|p| unspanned(&p.base_url)),
    }
}

/// The services in each stage, in lifecycle order.
fn stages(model: &Model) -> Vec<StageCount> {
    let mut by_stage: Vec<Vec<String>> = vec![Vec::new(); Stage::ALL.len()];
    for svc in &model.services {
        if let Some(stage) = svc.stage() {
            by_stage[stage.index()].push(svc.id.value.clone());
        }
    }
    Stage::ALL
        .iter()
        .zip(by_stage)
        .map(|(&stage, services)| {
            let services = sorted(services);
            StageCount {
                stage,
                count: services.len(),
                services,
            }
        })
        .collect()
}

/// The demand on each party at each checkpoint: [`Index::capacity`], the
/// judgement `capacity-overcommitted` makes.
fn capacity(index: &Index) -> Vec<CapacityEntry> {
    let mut out: Vec<CapacityEntry> = index
        .capacity()
        .iter()
        .map(|party| CapacityEntry {
            party: party.party.value.clone(),
            kind: party.kind.keyword().to_string(),
            fte: party.fte.map(|f| f.value.as_f64()),
            overcommitted: party.first_over().map(|l| l.date.to_string()),
            checkpoints: party
                .checkpoints
                .iter()
                .map(|load| CheckpointDemand {
                    date: load.date.to_string(),
                    demand: load.demand.as_f64(),
                    over: party.is_over(load),
                    efforts: load
                        .efforts
                        .iter()
                        .map(|(service, effort)| ServiceDemand {
                            service: service.id.value.clone(),
                            fte: effort.fte.value.as_f64(),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    out.sort_by(|a, b| a.party.cmp(&b.party));
    out
}

fn person(index: &Index, p: &Person) -> PersonEntry {
    let id = &p.id.value;
    PersonEntry {
        id: id.clone(),
        name: unspanned(&p.name),
        email: unspanned(&p.email),
        title: unspanned(&p.title),
        teams: index.referrers(Field::TeamMember, id),
        owns: index.referrers(Field::ServiceOwner, id),
        leads: index.referrers(Field::FunctionLead, id),
        fte: p.fte.map(|f| f.value.as_f64()),
    }
}

fn team(index: &Index, t: &Team) -> TeamEntry {
    TeamEntry {
        id: t.id.value.clone(),
        name: unspanned(&t.name),
        members: ids(&t.members),
        approves: index.referrers(Field::GateApprovers, &t.id.value),
        fte: t.fte.map(|f| f.value.as_f64()),
    }
}

/// Every customer group with what it is entitled to, from each service's
/// offers in one pass.
fn customers(index: &Index) -> Vec<CustomerEntry> {
    let model = index.model;
    let now = Month::of(index.as_of);
    let mut loads: HashMap<&str, GroupLoad> = change_load(index)
        .into_iter()
        .map(|g| (g.customer.id.as_str(), g))
        .collect();
    let mut coming = coming::by_group(model, index.as_of);
    let mut entitled: HashMap<&str, Vec<Entitlement>> = HashMap::default();
    for svc in &model.services {
        let covered: Vec<Vec<&str>> = svc.slas.iter().map(|sla| index.covered(svc, sla)).collect();
        for o in &svc.offers {
            let customer = o.customer.value.as_str();
            entitled.entry(customer).or_default().push(Entitlement {
                service: svc.id.value.clone(),
                level: kw(&o.level),
                stage: svc.stage(),
                slas: svc
                    .slas
                    .iter()
                    .zip(&covered)
                    .filter(|(_, c)| c.contains(&customer))
                    .map(|(sla, _)| sla.id.value.clone())
                    .collect(),
            });
        }
    }
    model
        .customers
        .iter()
        .map(|c| {
            let mut entitlements = entitled.remove(c.id.value.as_str()).unwrap_or_default();
            entitlements.sort_by(|a, b| a.service.cmp(&b.service));
            let load = loads.remove(c.id.as_str());
            let capacity = c.change_capacity.map(|c| c.value);
            let month = |m: &MonthLoad| change_month(m, capacity);
            CustomerEntry {
                id: c.id.value.clone(),
                name: unspanned(&c.name),
                size: c.size.map(|s| s.value),
                entitlements,
                change_capacity: capacity,
                change_load: load
                    .as_ref()
                    .map(|l| l.months(now, 12).iter().map(month).collect())
                    .unwrap_or_default(),
                change_saturated: load
                    .as_ref()
                    .and_then(|l| l.first_saturated(now))
                    .map(|m| month(&m)),
                coming: coming.remove(c.id.as_str()).unwrap_or_default(),
            }
        })
        .collect()
}

/// A month of a group's change load, against its capacity.
fn change_month(m: &MonthLoad, capacity: Option<u64>) -> ChangeMonth {
    ChangeMonth {
        month: m.month.to_string(),
        count: m.count(),
        services: m.services.iter().map(|s| s.to_string()).collect(),
        over: capacity.is_some_and(|c| m.count() as u64 > c),
    }
}

fn objective(index: &Index, o: &Objective) -> ObjectiveEntry {
    ObjectiveEntry {
        id: o.id.value.clone(),
        title: unspanned(&o.title),
        owner: unspanned(&o.owner),
        period: unspanned(&o.period),
        priority: o.priority.map(|p| p.value),
        from: date(&o.from),
        until: date(&o.until),
        services: index.referrers(Field::ServiceObjectives, &o.id.value),
    }
}

fn metric(index: &Index, m: &Metric) -> MetricEntry {
    let id = &m.id.value;
    MetricEntry {
        id: id.clone(),
        name: unspanned(&m.name),
        unit: kw(&m.unit),
        direction: kw(&m.direction),
        cadence: kw(&m.cadence),
        kpi_of: index.referrers(Field::ServiceKpis, id),
        slas: index.referrers(Field::SlaTarget, id),
        triggers: index.referrers(Field::TriggerWhen, id),
    }
}

fn function(index: &Index, f: &Function) -> FunctionEntry {
    FunctionEntry {
        id: f.id.value.clone(),
        name: unspanned(&f.name),
        description: unspanned(&f.description),
        levels: f.levels.iter().map(|l| l.value).collect(),
        lead: unspanned(&f.lead),
        services: index.referrers(Field::ServiceFunction, &f.id.value),
    }
}

fn decision(svc: &model::Service, d: &Decision) -> DecisionEntry {
    DecisionEntry {
        gate: d.gate.value.clone(),
        service: svc.id.value.clone(),
        outcome: kw(&d.outcome),
        date: date(&d.date),
        by: unspanned(&d.by),
        present: ids(&d.present),
        rationale: unspanned(&d.rationale),
        revisit: date(&d.revisit),
    }
}

/// Every gate with the decisions taken at it (by date, then service).
fn gates(index: &Index, evaluation: &Evaluation) -> Vec<GateEntry> {
    let model = index.model;
    let mut due: HashMap<&str, Vec<DecisionDueEntry>> = HashMap::default();
    for d in decisions_due(index, evaluation) {
        due.entry(d.gate.id.as_str())
            .or_default()
            .push(DecisionDueEntry {
                service: d.service.id.value.clone(),
                due: d.due().to_string(),
                overdue: d.due() < index.as_of,
                triggers: d
                    .triggers
                    .iter()
                    .map(|t| WaitingTrigger {
                        trigger: t.trigger.id.value.clone(),
                        onset: t.onset.to_string(),
                        due: t.due.to_string(),
                    })
                    .collect(),
            });
    }
    let mut at_gate: HashMap<&str, Vec<DecisionEntry>> = HashMap::default();
    for svc in &model.services {
        for d in &svc.decisions {
            at_gate
                .entry(d.gate.value.as_str())
                .or_default()
                .push(decision(svc, d));
        }
    }
    model
        .gates
        .iter()
        .map(|g| {
            let mut decisions = at_gate.remove(g.id.value.as_str()).unwrap_or_default();
            decisions.sort_by(|a, b| (&a.date, &a.service).cmp(&(&b.date, &b.service)));
            GateEntry {
                id: g.id.value.clone(),
                name: unspanned(&g.name),
                from: kw(&g.from),
                to: g.to.iter().map(|t| t.value).collect(),
                approvers: ids(&g.approvers),
                quorum: g.quorum.map(|q| q.value),
                must: g.must.iter().map(|m| m.value.clone()).collect(),
                should: g
                    .should
                    .iter()
                    .map(|c| CriterionEntry {
                        text: c.text.value.clone(),
                        weight: c.weight.map(|w| w.value),
                    })
                    .collect(),
                deliverables: g.deliverables.iter().map(|d| d.value.clone()).collect(),
                decide_within: g.decide_within.map(|d| d.value.to_string()),
                requires: g.requires.iter().map(|r| r.value).collect(),
                lacking: requirement_gaps(index, g),
                decisions_due: due.remove(g.id.as_str()).unwrap_or_default(),
                decisions,
                triggers: index.referrers(Field::TriggerGate, &g.id.value),
            }
        })
        .collect()
}

fn trigger(index: &Index, evaluation: &Evaluation, t: &Trigger) -> TriggerEntry {
    TriggerEntry {
        id: t.id.value.clone(),
        applies_to: t
            .applies_to
            .iter()
            .map(|a| SelectorEntry {
                stage: kw(&a.stage),
                function: unspanned(&a.function),
                service: unspanned(&a.service),
            })
            .collect(),
        when: t.when.as_ref().map(condition),
        min_age: t.min_age.map(|d| d.value.to_string()),
        action: kw(&t.action),
        gate: unspanned(&t.gate),
        notify: ids(&t.notify),
        services: sorted(
            index
                .applies_to(&t.id.value)
                .map(|s| s.id.value.clone())
                .collect(),
        ),
        evaluation: trigger_states(evaluation, &t.id.value),
    }
}

/// The trigger's state for each service it evaluated, sorted by service;
/// `None` when it evaluated none.
fn trigger_states(evaluation: &Evaluation, trigger: &str) -> Option<Vec<TriggerState>> {
    let outcomes = evaluation.triggers.get(trigger).filter(|o| !o.is_empty())?;
    let mut states: Vec<TriggerState> = outcomes
        .iter()
        .map(|o| TriggerState {
            service: o.service.clone(),
            state: o.state,
            window: PeriodValue::window(&o.window),
            successor: o.successor.clone(),
            sla: o.sla.clone(),
        })
        .collect();
    states.sort_by(|a, b| a.service.cmp(&b.service));
    Some(states)
}

fn condition(w: &When) -> ConditionEntry {
    let (periods, within_k, within_n) = match w.window {
        Window::For(n) => (Some(n.value), None, None),
        Window::Within { k, n, .. } => (None, Some(k), Some(n)),
    };
    let kind = if w.is_superseded() {
        ConditionKind::Superseded
    } else if w.is_sla_breached() {
        ConditionKind::SlaBreached
    } else if w.trend.is_some() {
        ConditionKind::Trend
    } else {
        ConditionKind::Threshold
    };
    let (periods, within_k, within_n) = if w.trend.is_some() {
        (None, None, None)
    } else {
        (periods, within_k, within_n)
    };
    ConditionEntry {
        metric: w.metric.value.clone(),
        kind,
        comparison: w.comparison.map(|c| c.0),
        value: w.comparison.map(|c| c.1.value),
        trend: w.trend.map(|t| t.0),
        trend_periods: w.trend.map(|t| t.1.value),
        periods,
        within_k,
        within_n,
    }
}

fn improvement(index: &Index, evaluation: &Evaluation, i: &Improvement) -> ImprovementEntry {
    let state = if i.done.is_some() {
        ImprovementState::Done
    } else if i.dropped.is_some() {
        ImprovementState::Dropped
    } else {
        ImprovementState::Open
    };
    let seen = |o: Option<(crate::metrics::PeriodKey, f64)>| {
        o.map(|(p, v)| PeriodValue {
            period: p.to_string(),
            value: Some(v),
        })
    };
    ImprovementEntry {
        id: i.id.value.clone(),
        title: unspanned(&i.title),
        service: unspanned(&i.service),
        answers: ids(&i.answers),
        owner: unspanned(&i.owner),
        due: date(&i.due),
        done: date(&i.done),
        dropped: i.dropped.as_ref().map(|d| DroppedEntry {
            date: d.date.value.to_string(),
            reason: unspanned(&d.reason),
        }),
        expect: i.expect.as_ref().map(|e| ExpectEntry {
            metric: e.metric.value.clone(),
            threshold: threshold(&e.bound),
            by: date(&e.by),
        }),
        state,
        overdue: i.is_overdue(index.as_of),
        effect: evaluation.effect(&i.id.value).map(|e| EffectEntry {
            verdict: e.verdict,
            baseline: seen(e.baseline),
            observed: seen(e.observed),
        }),
    }
}

/// Every list of entities sorted by id.
fn sort_lists(c: &mut Catalog) {
    sort_by_id(&mut c.persons, |e| &e.id);
    sort_by_id(&mut c.teams, |e| &e.id);
    sort_by_id(&mut c.customers, |e| &e.id);
    sort_by_id(&mut c.objectives, |e| &e.id);
    sort_by_id(&mut c.metrics, |e| &e.id);
    sort_by_id(&mut c.functions, |e| &e.id);
    sort_by_id(&mut c.services, |e| &e.id);
    sort_by_id(&mut c.gates, |e| &e.id);
    sort_by_id(&mut c.triggers, |e| &e.id);
    sort_by_id(&mut c.improvements, |e| &e.id);
}

/// Sorts `entries` by id, stably: the positions are sorted, then the
/// entries are swapped into place cycle by cycle (a service's entry is
/// large: each moves at most once or twice, and no copy of the list is
/// held).
fn sort_by_id<T>(entries: &mut [T], id: impl Fn(&T) -> &str) {
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by(|&a, &b| id(&entries[a]).cmp(id(&entries[b])));
    // Position `at` takes the entry at `order[at]`.
    for start in 0..order.len() {
        let mut at = start;
        loop {
            let from = order[at];
            order[at] = at;
            if from == start {
                break;
            }
            entries.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    /// The cycle sort gives what a stable sort gives, on every order of a
    /// small list with a repeated id.
    #[test]
    fn sort_by_id_is_a_stable_sort() {
        let ids = ["c", "a", "b", "a", "d", "c"];
        let mut seed = 7u64;
        for _ in 0..200 {
            let mut list: Vec<(&str, usize)> = ids.iter().copied().zip(0..).collect();
            for i in (1..list.len()).rev() {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                list.swap(i, (seed >> 33) as usize % (i + 1));
            }
            let mut expected = list.clone();
            expected.sort_by(|a, b| a.0.cmp(b.0));
            super::sort_by_id(&mut list, |e| e.0);
            assert_eq!(list, expected);
        }
    }
}

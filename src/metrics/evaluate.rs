//! The model judged against its observations: each SLA target in each of
//! its last complete periods ([`Attainment`]), each trigger for each
//! service it evaluates ([`Firing`]), each rollout's adoption against its
//! target. The built-in `superseded` condition is judged here too, with or
//! without observations, so one mechanism decides every trigger.

use std::collections::HashMap;

use rayon::prelude::*;
use schemars::JsonSchema;
use serde::Serialize;

use super::{Observations, PeriodKey};
use crate::model::*;

/// How many periods of attainment are kept (a year of months).
pub const HISTORY: usize = 12;

/// The judgement of an SLA target in a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Attainment {
    /// The target and its warning level hold.
    Met,
    /// The target holds, its warning level does not.
    Warned,
    /// The target fails.
    Breached,
    /// No observation covers the period.
    NoData,
}

/// What a trigger's condition says of a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Firing {
    /// The observed periods prove the condition.
    Fired,
    /// The condition does not hold and no period of the window is missing.
    Fine,
    /// A period of the window has no observation.
    NoData,
}

/// A target judged in one period.
#[derive(Debug, Clone, PartialEq)]
pub struct Judged {
    pub period: PeriodKey,
    pub value: Option<f64>,
    pub state: Attainment,
}

/// A trigger's state for one service.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub service: String,
    pub state: Firing,
    /// The window, oldest first, with the value observed in each period.
    pub window: Vec<(PeriodKey, Option<f64>)>,
    /// For `superseded`: the service in operation that replaces this one.
    pub successor: Option<String>,
}

impl Outcome {
    /// The periods of the window without an observation.
    pub fn missing(&self) -> Vec<PeriodKey> {
        self.window
            .iter()
            .filter(|(_, v)| v.is_none())
            .map(|(p, _)| *p)
            .collect()
    }
}

/// A rollout's adoption: the latest complete period observed.
#[derive(Debug, Clone, PartialEq)]
pub struct Adoption {
    pub latest: Option<(PeriodKey, f64)>,
    pub met: Option<bool>,
}

/// Everything the observations say, by id.
#[derive(Debug, Default, Clone)]
pub struct Evaluation {
    /// Whether any metrics CSV was read.
    pub observed: bool,
    /// By SLA id: each target's periods (in target order), oldest first,
    /// from the first with data (empty without observations).
    pub attainment: HashMap<String, Vec<Vec<Judged>>>,
    /// By trigger id: the state of each service it evaluates, in model order.
    pub triggers: HashMap<String, Vec<Outcome>>,
    /// By service id, for services with an adoption target.
    pub adoption: HashMap<String, Adoption>,
}

impl Evaluation {
    /// Judges the model against `observations` (none: only `superseded`).
    pub fn of(index: &Index, observations: Option<&Observations>) -> Evaluation {
        let observations = observations.filter(|o| o.read_any());
        // Triggers and services are judged side by side; the maps are the
        // same whatever the order.
        let (triggers, services) = rayon::join(
            || {
                index
                    .model
                    .triggers
                    .par_iter()
                    .map(|t| (t.id.value.clone(), triggers(index, t, observations)))
                    .collect::<Vec<_>>()
            },
            || {
                let Some(observations) = observations else {
                    return Vec::new();
                };
                index
                    .model
                    .services
                    .par_iter()
                    .map(|service| {
                        let slas: Vec<(String, Vec<Vec<Judged>>)> = service
                            .slas
                            .iter()
                            .map(|sla| {
                                let judged = sla_attainment(index, service, sla, observations);
                                (sla.id.value.clone(), judged)
                            })
                            .collect();
                        let adopted = adoption(index, service, observations)
                            .map(|a| (service.id.value.clone(), a));
                        (slas, adopted)
                    })
                    .collect::<Vec<_>>()
            },
        );
        let mut evaluation = Evaluation {
            observed: observations.is_some(),
            ..Evaluation::default()
        };
        // The first of two triggers (or SLAs) with one id stands, as in the model.
        for (id, outcomes) in triggers {
            evaluation.triggers.entry(id).or_insert(outcomes);
        }
        for (slas, adopted) in services {
            for (id, judged) in slas {
                evaluation.attainment.entry(id).or_insert(judged);
            }
            evaluation.adoption.extend(adopted);
        }
        evaluation
    }
}

/// The services a trigger evaluates: those it applies to in operation or
/// transform, old enough for its `min-age`.
fn evaluated<'m>(
    index: &'m Index,
    trigger: &'m Trigger,
    observations: Option<&'m Observations>,
) -> impl Iterator<Item = &'m Service> + 'm {
    index.applies_to(&trigger.id.value).filter(move |s| {
        matches!(s.stage(), Some(Stage::Operation | Stage::Transform))
            && old_enough(index.as_of, trigger, s, observations)
    })
}

/// `min-age`, counted from the earliest `go` decision, else from the first
/// day of the first observed period; a service with neither is not old
/// enough. Old enough means `start + min-age <= as-of`.
fn old_enough(
    as_of: jiff::civil::Date,
    trigger: &Trigger,
    service: &Service,
    observations: Option<&Observations>,
) -> bool {
    let Some(min_age) = trigger.min_age else {
        return true;
    };
    let first_go = service
        .decisions
        .iter()
        .filter(|d| {
            d.outcome
                .is_some_and(|o| o.value == crate::model::Outcome::Go)
        })
        .filter_map(|d| d.date.map(|d| d.value))
        .min();
    let start = first_go.or_else(|| observations?.first_day(&service.id.value));
    start.is_some_and(|start| min_age.value.after(start) <= as_of)
}

fn triggers(index: &Index, trigger: &Trigger, observations: Option<&Observations>) -> Vec<Outcome> {
    let Some(when) = &trigger.when else {
        return Vec::new();
    };
    if when.is_superseded() {
        return superseded(index, trigger, observations);
    }
    let Some(observations) = observations else {
        return Vec::new();
    };
    let metric = index.get::<Metric>(&when.metric.value);
    let (Some(cadence), Some((comparison, threshold))) =
        (metric.and_then(|m| m.cadence), when.comparison)
    else {
        return Vec::new();
    };
    let last = PeriodKey::last_complete(index.as_of, cadence.value);
    let (n, needed) = match when.window {
        Window::For(n) => (n.value, n.value),
        Window::Within { k, n, .. } => (n, k),
    };
    let holds = |v: f64| comparison.holds(v, threshold.value);
    evaluated(index, trigger, Some(observations))
        .map(|service| {
            let id = &service.id.value;
            let window: Vec<(PeriodKey, Option<f64>)> = last
                .window(n as usize)
                .into_iter()
                .map(|p| {
                    (
                        p,
                        observations.value(id, &when.metric.value, p, cadence.value),
                    )
                })
                .collect();
            let held = window.iter().filter(|(_, v)| v.is_some_and(holds)).count();
            let state = if held as u64 >= needed {
                Firing::Fired
            } else if window.iter().any(|(_, v)| v.is_none()) {
                Firing::NoData
            } else {
                Firing::Fine
            };
            Outcome {
                service: id.clone(),
                state,
                window,
                successor: None,
            }
        })
        .collect()
}

/// `superseded`: fired when a service in operation `replaces` this one.
fn superseded(
    index: &Index,
    trigger: &Trigger,
    observations: Option<&Observations>,
) -> Vec<Outcome> {
    // Each replaced service's first successor in operation.
    let mut successors: HashMap<&str, &Service> = HashMap::new();
    let live = index
        .model
        .services
        .iter()
        .filter(|s| s.stage() == Some(Stage::Operation));
    for s in live {
        for replaced in &s.replaces {
            successors.entry(replaced.value.as_str()).or_insert(s);
        }
    }
    evaluated(index, trigger, observations)
        .map(|service| {
            let successor = successors.get(service.id.value.as_str());
            Outcome {
                service: service.id.value.clone(),
                state: if successor.is_some() {
                    Firing::Fired
                } else {
                    Firing::Fine
                },
                window: Vec::new(),
                successor: successor.map(|s| s.id.value.clone()),
            }
        })
        .collect()
}

/// The kind of period a target is judged by: the SLA's period, or its
/// metric's cadence when that is coarser (a quarterly survey cannot judge a
/// month; it judges the quarter).
pub fn judged_by(sla_period: Period, cadence: Period) -> Period {
    sla_period.max(cadence)
}

/// Each target of an SLA judged in its last complete periods (at most
/// [`HISTORY`], none starting after the SLA `ends`), from the first period
/// with data.
fn sla_attainment(
    index: &Index,
    service: &Service,
    sla: &Sla,
    observations: &Observations,
) -> Vec<Vec<Judged>> {
    let Some(kind) = sla.period else {
        return Vec::new();
    };
    sla.targets
        .iter()
        .map(|target| {
            let cadence = index
                .get::<Metric>(&target.metric.value)
                .and_then(|m| m.cadence);
            let (Some(cadence), Some(bound)) = (cadence, target.bound) else {
                return Vec::new();
            };
            let by = judged_by(kind.value, cadence.value);
            let mut periods = PeriodKey::last_complete(index.as_of, by).window(HISTORY);
            if let Some(ends) = sla.ends {
                periods.retain(|p| p.first_day() <= ends.value);
            }
            let judged: Vec<Judged> = periods
                .iter()
                .map(|&period| {
                    let value = observations.value(
                        &service.id.value,
                        &target.metric.value,
                        period,
                        cadence.value,
                    );
                    Judged {
                        period,
                        value,
                        state: judge(value, bound, target.warn.map(|w| w.value)),
                    }
                })
                .collect();
            let first = judged.iter().position(|j| j.value.is_some());
            first.map_or_else(Vec::new, |i| judged[i..].to_vec())
        })
        .collect()
}

/// Breached when the target fails, warned when it holds but its warning
/// level does not, met when both hold.
fn judge(value: Option<f64>, bound: Bound, warn: Option<f64>) -> Attainment {
    let Some(v) = value else {
        return Attainment::NoData;
    };
    if !bound.passes(v) {
        return Attainment::Breached;
    }
    let warned = warn.is_some_and(|w| {
        let level = Bound {
            kind: bound.kind,
            value: crate::base::Spanned::new(w, bound.value.span),
        };
        !level.passes(v)
    });
    if warned {
        Attainment::Warned
    } else {
        Attainment::Met
    }
}

/// The latest complete period's adoption against the rollout's target.
fn adoption(index: &Index, service: &Service, observations: &Observations) -> Option<Adoption> {
    let target = service.rollout.as_ref()?.adoption_target.as_ref()?;
    let cadence = index.get::<Metric>(&target.metric.value)?.cadence?;
    let last = PeriodKey::last_complete(index.as_of, cadence.value);
    let latest = observations
        .series(&service.id.value, &target.metric.value)
        .and_then(|series| series.range(..=last).next_back())
        .map(|(p, s)| (*p, s.value));
    Some(Adoption {
        latest,
        met: latest.and_then(|(_, v)| target.bound.map(|b| b.passes(v))),
    })
}

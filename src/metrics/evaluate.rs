//! The model judged against its observations: each SLA target in each of
//! its last complete periods ([`Attainment`]), each trigger for each
//! service it evaluates ([`Firing`]), each rollout's adoption against its
//! target. The built-in conditions are judged here too (`superseded` with
//! or without observations, `sla-breached` on the SLAs' own periods), and
//! trends (`falling`, `rising`), so one mechanism decides every trigger;
//! each fired trigger carries its firing run ([`Run`]).

use rustc_hash::FxHashMap as HashMap;

use rayon::prelude::*;
use schemars::JsonSchema;
use serde::Serialize;

use super::{Observations, PeriodKey};
use crate::model::{
    Bound, Gate, Index, Metric, Period, Service, Sla, Stage, Target, Trigger, When, Window,
};

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
pub struct TriggerEvaluation {
    pub service: String,
    pub state: Firing,
    /// The window, oldest first, with the value observed in each period
    /// (for a trend, its N + 1 periods).
    pub window: Vec<(PeriodKey, Option<f64>)>,
    /// For `superseded`: the service in operation that replaces this one.
    pub successor: Option<String>,
    /// For `sla-breached`: the SLA whose periods `window` shows (its
    /// values are that SLA's first breached target's, else its first
    /// target's).
    pub sla: Option<String>,
    /// The periods of the window in which the condition held (thresholds
    /// and `sla-breached`; empty for trends and `superseded`).
    pub held: Vec<PeriodKey>,
    /// The observation rows the window lacks (metric and period, in the
    /// metric's cadence): what to add to judge it.
    pub gaps: Vec<MissingObservation>,
    /// When fired: its firing run (none for `superseded` when the
    /// successor has no dated `go` at a gate leading to operation).
    pub run: Option<Run>,
}

/// An observation row a window lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingObservation {
    pub metric: String,
    pub period: PeriodKey,
}

/// A fired trigger's *firing run* for a service (LANGUAGE-1.1 section 4):
/// the unbroken sequence of window ends, up to the latest complete period,
/// at which the condition held, each judged as at as-of.
///
/// `decision-overdue` counts its deadline from [`Run::onset`]; a decision
/// at the trigger's gate answers the run when it is dated on or after
/// [`Run::start`]. For `superseded` both are the day the successor went
/// live ([`went_live`]), and there are no window ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    /// The day after the last period of the run's first window: the first
    /// day the condition was known to hold.
    pub onset: jiff::civil::Date,
    /// The first day of the run's first window.
    pub start: jiff::civil::Date,
    /// The end of the run's first window (none for `superseded`).
    pub first_end: Option<PeriodKey>,
    /// The end of its last window, the latest complete period (none for
    /// `superseded`).
    pub last_end: Option<PeriodKey>,
}

impl TriggerEvaluation {
    /// The periods of the window without an observation.
    pub fn missing(&self) -> Vec<PeriodKey> {
        self.window
            .iter()
            .filter(|(_, v)| v.is_none())
            .map(|(p, _)| *p)
            .collect()
    }
}

/// A rollout's adoption: the latest complete period observed, every
/// complete period observed, and the judgement against its plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Adoption {
    pub latest: Option<(PeriodKey, f64)>,
    pub met: Option<bool>,
    /// Every complete period observed up to as-of, oldest first.
    pub series: Vec<(PeriodKey, f64)>,
    /// The rollout's plan (none without `by` or a phase with a `start`).
    pub plan: Option<super::adoption::AdoptionPlan>,
    /// The series judged against the plan (none without plan or observations).
    pub judgement: Option<super::adoption::Judgement>,
    /// The chart's periods: observations, the plan's line and where each
    /// observation stands against it.
    pub columns: Vec<super::adoption::Column>,
}

/// A service's KPI that no SLA target of it covers: its observed values.
#[derive(Debug, Clone, PartialEq)]
pub struct Kpi {
    pub metric: String,
    /// The last [`HISTORY`] complete periods up to as-of, oldest first,
    /// from the first observed (empty without observations).
    pub values: Vec<(PeriodKey, Option<f64>)>,
}

/// Everything the observations say, by id.
///
/// Firing runs (LANGUAGE-1.1 section 4): each fired [`TriggerEvaluation`] carries its
/// [`Run`]; read it with [`Evaluation::run`]`(trigger, service)`, or walk
/// every fired trigger with [`Evaluation::fired`]. A run's
/// [`onset`](Run::onset) is when the deadline of `decide-within` starts,
/// its [`start`](Run::start) the earliest date of a decision that answers it.
#[derive(Debug, Default, Clone)]
pub struct Evaluation {
    /// Whether any metrics CSV was read.
    pub observed: bool,
    /// By SLA id: each target's periods (in target order), oldest first,
    /// from the first with data (empty without observations).
    pub attainment: HashMap<String, Vec<Vec<Judged>>>,
    /// By trigger id: the state of each service it evaluates, in model order.
    pub triggers: HashMap<String, Vec<TriggerEvaluation>>,
    /// By service id, for services with an adoption target.
    pub adoption: HashMap<String, Adoption>,
    /// By SLA id: each breach allowance judged (`budget`; SLAs in force of
    /// services not retired, when a CSV was read).
    pub allowances: HashMap<String, super::allowance::Allowance>,
    /// By service id: its KPIs that no SLA target covers (with
    /// observations only).
    pub kpis: HashMap<String, Vec<Kpi>>,
    /// Each CSV file with rows for periods that start after as-of, in the
    /// order read (`observations-after-as-of`).
    pub after_as_of: Vec<AfterAsOf>,
    /// By improvement id, for done improvements with an expectation: their
    /// effect ([`super::effect::effect`]).
    pub effects: HashMap<String, super::Effect>,
}

/// A CSV file's rows for periods that start after as-of: never judged.
#[derive(Debug, Clone, PartialEq)]
pub struct AfterAsOf {
    /// How many of the file's valid rows.
    pub rows: usize,
    /// The period cell of the first of them, in file order.
    pub first: crate::base::Span,
    /// The latest period among them.
    pub latest: PeriodKey,
}

impl Evaluation {
    /// The firing run of `trigger` for `service`, when the trigger fired
    /// for it and its run is known (see [`Run`]).
    pub fn run(&self, trigger: &str, service: &str) -> Option<&Run> {
        self.outcome(trigger, service)?.run.as_ref()
    }

    /// The effect of a done improvement with an expectation.
    pub fn effect(&self, improvement: &str) -> Option<&super::Effect> {
        self.effects.get(improvement)
    }

    /// The state of `trigger` for `service`, when the trigger evaluates it.
    pub fn outcome(&self, trigger: &str, service: &str) -> Option<&TriggerEvaluation> {
        self.triggers
            .get(trigger)?
            .iter()
            .find(|o| o.service == service)
    }

    /// Every fired trigger with each service it fired for, by trigger id,
    /// then in model order.
    pub fn fired(&self) -> Vec<(&str, &TriggerEvaluation)> {
        let mut ids: Vec<&String> = self.triggers.keys().collect();
        ids.sort();
        ids.into_iter()
            .flat_map(|id| {
                self.triggers[id]
                    .iter()
                    .filter(|o| o.state == Firing::Fired)
                    .map(move |o| (id.as_str(), o))
            })
            .collect()
    }

    /// When no metrics CSV was read: the SLAs in force (not ended) of the
    /// services in operation or transform, each with its service, in model
    /// order; they cannot be judged, which is not the same as met. Empty
    /// when a CSV was read. `check`'s note and the review count these.
    pub fn unobserved<'m>(&self, index: &Index<'m>) -> Vec<(&'m Service, &'m Sla)> {
        if self.observed {
            return Vec::new();
        }
        index
            .model
            .services
            .iter()
            .filter(|s| matches!(s.stage(), Some(Stage::Operation | Stage::Transform)))
            .flat_map(|s| {
                s.slas
                    .iter()
                    .filter(|sla| !index.ended(sla))
                    .map(move |sla| (&**s, sla))
            })
            .collect()
    }

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
                        let slas: Vec<(String, Vec<Vec<Judged>>, _)> = service
                            .slas
                            .iter()
                            .map(|sla| {
                                let judged = sla_attainment(index, service, sla, observations);
                                let allowance =
                                    super::allowance::judge(index, service, sla, observations);
                                (sla.id.value.clone(), judged, allowance)
                            })
                            .collect();
                        let adopted = adoption(index, service, observations)
                            .map(|a| (service.id.value.clone(), a));
                        let kpis = (service.id.value.clone(), kpis(index, service, observations));
                        (slas, adopted, kpis)
                    })
                    .collect::<Vec<_>>()
            },
        );
        let after_as_of = observations
            .map(|o| {
                o.periods
                    .iter()
                    .filter_map(|f| f.after(index.as_of))
                    .map(|(rows, first, latest)| AfterAsOf {
                        rows,
                        first,
                        latest,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut evaluation = Evaluation {
            observed: observations.is_some(),
            after_as_of,
            ..Evaluation::default()
        };
        for improvement in &index.model.improvements {
            if let Some(effect) = super::effect::effect(index, improvement, observations) {
                evaluation
                    .effects
                    .entry(improvement.id.value.clone())
                    .or_insert(effect);
            }
        }
        // The first of two triggers (or SLAs) with one id stands, as in the model.
        for (id, outcomes) in triggers {
            evaluation.triggers.entry(id).or_insert(outcomes);
        }
        for (slas, adopted, (service, kpis)) in services {
            for (id, judged, allowance) in slas {
                if let Some(allowance) = allowance {
                    evaluation.allowances.entry(id.clone()).or_insert(allowance);
                }
                evaluation.attainment.entry(id).or_insert(judged);
            }
            evaluation.adoption.extend(adopted);
            evaluation.kpis.entry(service).or_insert(kpis);
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
                .is_some_and(|o| o.value == crate::model::DecisionOutcome::Go)
        })
        .filter_map(|d| d.date.map(|d| d.value))
        .min();
    let start = first_go.or_else(|| observations?.first_day(&service.id.value));
    start.is_some_and(|start| min_age.value.after(start) <= as_of)
}

fn triggers(
    index: &Index,
    trigger: &Trigger,
    observations: Option<&Observations>,
) -> Vec<TriggerEvaluation> {
    let Some(when) = &trigger.when else {
        return Vec::new();
    };
    if when.is_superseded() {
        return superseded(index, trigger, observations);
    }
    let Some(observations) = observations else {
        return Vec::new();
    };
    if when.is_sla_breached() {
        return evaluated(index, trigger, Some(observations))
            .filter_map(|service| sla_breached(index, when, service, observations))
            .collect();
    }
    let Some(cadence) = index
        .get::<Metric>(&when.metric.value)
        .and_then(|m| m.cadence)
    else {
        return Vec::new();
    };
    let cadence = cadence.value;
    // How many periods a window holds, and when it holds.
    // The periods that hold alone (none for a trend).
    let holds = move |v: f64| when.comparison.is_some_and(|(c, t)| c.holds(v, t.value));
    let Some((len, test)) = window_test(when) else {
        return Vec::new();
    };
    let last = PeriodKey::last_complete(index.as_of, cadence);
    let metric = &when.metric.value;
    evaluated(index, trigger, Some(observations))
        .map(|service| {
            let id = &service.id.value;
            // The condition judged at the window that ends with `end`.
            let at = |end: PeriodKey| {
                let window: Vec<(PeriodKey, Option<f64>)> = end
                    .window(len)
                    .into_iter()
                    .map(|p| (p, observations.value(id, metric, p, cadence)))
                    .collect();
                let values: Vec<Option<f64>> = window.iter().map(|(_, v)| *v).collect();
                (state(test(&values), &values), window)
            };
            let (state, window) = at(last);
            let first = observations
                .series(id, metric)
                .and_then(|s| s.keys().next().copied());
            let value = |p: PeriodKey| observations.value(id, metric, p, cadence);
            let run = (state == Firing::Fired).then(|| metric_run(when, last, len, first, value));
            let gaps = window
                .iter()
                .filter(|(_, v)| v.is_none())
                .map(|(p, _)| MissingObservation {
                    metric: metric.clone(),
                    period: *p,
                })
                .collect();
            let held = window
                .iter()
                .filter(|(_, v)| v.is_some_and(holds))
                .map(|(p, _)| *p)
                .collect();
            TriggerEvaluation {
                service: id.clone(),
                state,
                window,
                successor: None,
                sla: None,
                held,
                gaps,
                run,
            }
        })
        .collect()
}

/// Whether a window's values prove a metric condition.
type Test = Box<dyn Fn(&[Option<f64>]) -> bool + Sync>;

/// A metric condition's window length and its test: K of the N values
/// pass the threshold, or each moved the trend's way from the one before.
fn window_test(when: &When) -> Option<(usize, Test)> {
    match (when.comparison, when.trend) {
        (Some((comparison, threshold)), _) => {
            let (n, needed) = window_size(when.window);
            let holds = move |v: f64| comparison.holds(v, threshold.value);
            let test = move |values: &[Option<f64>]| {
                values.iter().filter(|v| v.is_some_and(holds)).count() as u64 >= needed
            };
            Some((n, Box::new(test)))
        }
        (None, Some((trend, n))) => {
            // N moves need N + 1 observed periods.
            let len = (n.value.min(MAX_RUN as u64) + 1) as usize;
            let test = move |values: &[Option<f64>]| {
                values.windows(2).all(|pair| match pair {
                    [Some(a), Some(b)] => trend.moved(*a, *b),
                    _ => false,
                })
            };
            Some((len, Box::new(test)))
        }
        (None, None) => None,
    }
}

/// The firing run of a metric condition (a window of `len` periods) that
/// holds at `last`, `value` giving each period's observation.
fn metric_run(
    when: &When,
    last: PeriodKey,
    len: usize,
    first: Option<PeriodKey>,
    value: impl Fn(PeriodKey) -> Option<f64>,
) -> Run {
    match (when.comparison, when.trend) {
        (_, Some((trend, _))) => {
            // Each move, from the period before; all N of them.
            let moved = |p: PeriodKey| match (value(p.previous()), value(p)) {
                (Some(a), Some(b)) => trend.moved(a, b),
                _ => false,
            };
            let width = len - 1;
            let how = Sliding {
                len,
                width,
                needed: width as u64,
                passes: moved,
            };
            run(last, first, &how)
        }
        (comparison, None) => {
            let holds = |v: f64| comparison.is_some_and(|(c, t)| c.holds(v, t.value));
            let how = Sliding {
                len,
                width: len,
                needed: window_size(when.window).1,
                passes: |p| value(p).is_some_and(holds),
            };
            run(last, first, &how)
        }
    }
}

/// A window's length and how many of its periods must hold.
fn window_size(window: Window) -> (usize, u64) {
    let (n, needed) = match window {
        Window::For(n) => (n.value, n.value),
        Window::Within { k, n, .. } => (n, k),
    };
    (n.min(MAX_RUN as u64) as usize, needed)
}

/// Fired when the condition holds; else without data when a period of the
/// window has no observation (a missing period is never a pass).
fn state(held: bool, values: &[Option<f64>]) -> Firing {
    if held {
        Firing::Fired
    } else if values.iter().any(Option::is_none) {
        Firing::NoData
    } else {
        Firing::Fine
    }
}

/// Whether `period` exists for `sla` (LANGUAGE-1.1 section 6): not before
/// its `starts` (the period holding `starts` is its first) and not after
/// its `ends` (the period holding `ends` is its last). The one test of an
/// SLA's periods: attainment, `sla-breached`'s windows, the breach
/// allowance and `insufficient-data` on a target ask it.
pub fn sla_period_exists(sla: &Sla, period: PeriodKey) -> bool {
    sla.starts
        .is_none_or(|starts| period.next().first_day() > starts.value)
        && sla.ends.is_none_or(|ends| period.first_day() <= ends.value)
}

/// One SLA of a service judged on its own periods (`sla-breached`, the
/// breach allowance): the kind of period it is measured by, and the
/// targets that can be judged.
pub(super) struct Measured<'m> {
    pub(super) sla: &'m Sla,
    pub(super) kind: Period,
    targets: Vec<(&'m Target, Bound, Period)>,
}

impl Measured<'_> {
    /// Each judgeable target of an SLA in force, with the kind of period
    /// the SLA is measured by for `sla-breached`: its `period`, or the
    /// coarsest cadence of its targets' metrics when that is coarser (a
    /// quarterly survey cannot judge a month).
    pub(super) fn of<'m>(index: &'m Index, sla: &'m Sla) -> Option<Measured<'m>> {
        if index.ended(sla) {
            return None;
        }
        let period = sla.period?.value;
        let targets: Vec<(&Target, Bound, Period)> = sla
            .targets
            .iter()
            .filter_map(|t| {
                let cadence = index.get::<Metric>(&t.metric.value)?.cadence?.value;
                Some((t, t.bound?, cadence))
            })
            .collect();
        let kind = targets
            .iter()
            .fold(period, |kind, (_, _, cadence)| judged_by(kind, *cadence));
        (!targets.is_empty()).then_some(Measured { sla, kind, targets })
    }

    /// Whether some target is breached in `period` (`None`: none is, and
    /// some target has no value; or the period does not exist for the
    /// SLA), with the value shown for the period: the first breached
    /// target's, else the first target's.
    pub(super) fn breached(
        &self,
        service: &str,
        period: PeriodKey,
        observations: &Observations,
    ) -> (Option<bool>, Option<f64>) {
        if !sla_period_exists(self.sla, period) {
            return (None, None);
        }
        let values: Vec<Option<f64>> = self
            .targets
            .iter()
            .map(|(t, _, cadence)| observations.value(service, &t.metric.value, period, *cadence))
            .collect();
        let breached = self
            .targets
            .iter()
            .zip(&values)
            .find_map(|((_, bound, _), v)| v.filter(|v| !bound.passes(*v)));
        match breached {
            Some(v) => (Some(true), Some(v)),
            None if values.iter().any(Option::is_none) => (None, None),
            None => (Some(false), values.first().copied().flatten()),
        }
    }

    /// The observation rows `period` lacks, in each metric's cadence.
    fn gaps(
        &self,
        service: &str,
        period: PeriodKey,
        observations: &Observations,
    ) -> Vec<MissingObservation> {
        let mut gaps = Vec::new();
        for (t, _, cadence) in &self.targets {
            let metric = &t.metric.value;
            if observations
                .value(service, metric, period, *cadence)
                .is_some()
            {
                continue;
            }
            let series = observations.series(service, metric);
            for part in period.parts(*cadence) {
                if series.is_none_or(|s| !s.contains_key(&part)) {
                    gaps.push(MissingObservation {
                        metric: metric.clone(),
                        period: part,
                    });
                }
            }
        }
        gaps
    }

    /// The first period of `kind` holding an observation of a target.
    fn first(&self, service: &str, observations: &Observations) -> Option<PeriodKey> {
        self.targets
            .iter()
            .filter_map(|(t, _, _)| observations.series(service, &t.metric.value)?.keys().next())
            .map(|p| PeriodKey::containing(p.first_day(), self.kind))
            .min()
    }
}

/// `sla-breached` for one service: it holds when, for some SLA in force,
/// some target is breached in enough of the SLA's own periods of the
/// window. The outcome shows the SLA that fired first (the earliest
/// onset; ties in model order), else the first SLA without data (with the
/// rows every such SLA lacks), else the first SLA. A service without an
/// SLA in force is not judged.
fn sla_breached(
    index: &Index,
    when: &When,
    service: &Service,
    observations: &Observations,
) -> Option<TriggerEvaluation> {
    let id = &service.id.value;
    let (n, needed) = window_size(when.window);
    type Periods = Vec<(PeriodKey, Option<bool>, Option<f64>)>;
    let judged: Vec<(Measured, Firing, Periods, Option<Run>)> = service
        .slas
        .iter()
        .filter_map(|sla| Measured::of(index, sla))
        .map(|m| {
            let at = |end: PeriodKey| {
                // A window reaching before `starts` is judged on the
                // periods from `starts` on: too few cannot pass.
                let window = end.window(n);
                let whole = window.len();
                let periods: Vec<(PeriodKey, Option<bool>, Option<f64>)> = window
                    .into_iter()
                    .filter(|p| sla_period_exists(m.sla, *p))
                    .map(|p| {
                        let (held, value) = m.breached(id, p, observations);
                        (p, held, value)
                    })
                    .collect();
                let held = periods.iter().filter(|(_, h, _)| *h == Some(true)).count() as u64;
                let state = if held >= needed {
                    Firing::Fired
                } else if periods.len() < whole || periods.iter().any(|(_, h, _)| h.is_none()) {
                    Firing::NoData
                } else {
                    Firing::Fine
                };
                (state, periods)
            };
            let last = PeriodKey::last_complete(index.as_of, m.kind);
            let (state, window) = at(last);
            let first = m.first(id, observations);
            let how = Sliding {
                len: n,
                width: n,
                needed,
                passes: |p| m.breached(id, p, observations).0 == Some(true),
            };
            let run = (state == Firing::Fired).then(|| run(last, first, &how));
            (m, state, window, run)
        })
        .collect();
    let fired = judged
        .iter()
        .filter(|j| j.1 == Firing::Fired)
        .min_by_key(|j| j.3.map(|r| r.onset));
    let no_data = || judged.iter().find(|j| j.1 == Firing::NoData);
    let shown = fired.or_else(no_data).or(judged.first())?;
    let gaps = if shown.1 == Firing::NoData {
        judged
            .iter()
            .filter(|j| j.1 == Firing::NoData)
            .flat_map(|(m, _, window, _)| {
                window
                    .iter()
                    .filter(|(_, held, _)| held.is_none())
                    .flat_map(|(p, _, _)| m.gaps(id, *p, observations))
                    .collect::<Vec<_>>()
            })
            .collect()
    } else {
        Vec::new()
    };
    Some(TriggerEvaluation {
        service: id.clone(),
        state: shown.1,
        window: shown.2.iter().map(|(p, _, v)| (*p, *v)).collect(),
        successor: None,
        sla: Some(shown.0.sla.id.value.clone()),
        held: shown
            .2
            .iter()
            .filter(|(_, held, _)| *held == Some(true))
            .map(|(p, _, _)| *p)
            .collect(),
        gaps,
        run: shown.3,
    })
}

/// How a condition is judged at each window end, for its firing run: a
/// window of `len` periods holds when at least `needed` of its last
/// `width` periods pass `passes` (a threshold: each period; a trend: each
/// move, from the period before; `sla-breached`: each breached period).
struct Sliding<F: Fn(PeriodKey) -> bool> {
    len: usize,
    width: usize,
    needed: u64,
    passes: F,
}

/// The firing run of a condition that holds at the window ending with
/// `last`: the unbroken sequence of earlier window ends at which it held
/// too. The window slides back one period at a time (one period leaves,
/// one comes in), so a run costs its length, not its length times the
/// window's. The walk stops before `first`, the first observed period (no
/// window ending earlier holds), and after [`MAX_RUN`] periods.
fn run<F: Fn(PeriodKey) -> bool>(
    last: PeriodKey,
    first: Option<PeriodKey>,
    how: &Sliding<F>,
) -> Run {
    let width = how.width.clamp(1, MAX_RUN);
    let mut passing = last
        .window(width)
        .into_iter()
        .filter(|p| (how.passes)(*p))
        .count() as u64;
    let mut earliest = last;
    for _ in 0..MAX_RUN {
        let end = earliest.previous();
        if first.is_none_or(|first| end < first) {
            break;
        }
        // The window ending at `end`: `earliest` leaves, the period
        // `width - 1` before `end` comes in.
        passing -= u64::from((how.passes)(earliest));
        passing += u64::from((how.passes)(end.back(width as i32 - 1)));
        if passing < how.needed {
            break;
        }
        earliest = end;
    }
    let window_start = earliest.back(how.len.clamp(1, MAX_RUN + 1) as i32 - 1);
    Run {
        onset: earliest.next().first_day(),
        start: window_start.first_day(),
        first_end: Some(earliest),
        last_end: Some(last),
    }
}

/// How many window ends a firing run looks back over at most (a century
/// of months).
pub const MAX_RUN: usize = 1200;

/// The day of a service's latest `go` at a gate leading to operation (the
/// day it went live), if any.
pub fn went_live(index: &Index, service: &Service) -> Option<jiff::civil::Date> {
    service
        .decisions
        .iter()
        .filter(|d| {
            d.outcome
                .is_some_and(|o| o.value == crate::model::DecisionOutcome::Go)
        })
        .filter(|d| {
            index
                .get::<Gate>(&d.gate.value)
                .is_some_and(|g| g.leads_to(Stage::Operation))
        })
        .filter_map(|d| d.date.map(|d| d.value))
        .max()
}

/// `superseded`: fired when a service in operation `replaces` this one.
fn superseded(
    index: &Index,
    trigger: &Trigger,
    observations: Option<&Observations>,
) -> Vec<TriggerEvaluation> {
    // Each replaced service's first successor in operation.
    let mut successors: HashMap<&str, &Service> = HashMap::default();
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
            // The run starts, and is known, the day the successor went live.
            let run = successor.and_then(|s| went_live(index, s)).map(|day| Run {
                onset: day,
                start: day,
                first_end: None,
                last_end: None,
            });
            TriggerEvaluation {
                service: service.id.value.clone(),
                state: if successor.is_some() {
                    Firing::Fired
                } else {
                    Firing::Fine
                },
                window: Vec::new(),
                successor: successor.map(|s| s.id.value.clone()),
                sla: None,
                held: Vec::new(),
                gaps: Vec::new(),
                run,
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
/// [`HISTORY`], those that exist for it: [`sla_period_exists`]), from the
/// first period with data.
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
            periods.retain(|p| sla_period_exists(sla, *p));
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
    let series =
        super::adoption::observed(observations, &service.id.value, &target.metric.value, last);
    let latest = series.last().copied();
    let plan = super::adoption::AdoptionPlan::of(service);
    let judgement = plan.and_then(|p| super::adoption::judge(&p, &series, index.as_of));
    let columns = super::adoption::columns(plan.as_ref(), target.bound, &series, last);
    Some(Adoption {
        latest,
        met: latest.and_then(|(_, v)| target.bound.map(|b| b.passes(v))),
        series,
        plan,
        judgement,
        columns,
    })
}

/// A service's KPIs that no target of its SLAs covers (nor its adoption
/// target, charted against its plan), with their last
/// [`HISTORY`] complete periods from the first observed.
fn kpis(index: &Index, service: &Service, observations: &Observations) -> Vec<Kpi> {
    // The adoption target's metric is charted with its plan instead.
    let adoption = service
        .rollout
        .as_ref()
        .and_then(|r| r.adoption_target.as_ref())
        .map(|a| a.metric.value.as_str());
    let covered = |m: &str| {
        adoption == Some(m)
            || service
                .slas
                .iter()
                .any(|sla| sla.targets.iter().any(|t| t.metric.value == m))
    };
    let mut seen = rustc_hash::FxHashSet::default();
    service
        .kpis
        .iter()
        .filter(|m| !covered(&m.value) && seen.insert(m.value.as_str()))
        .filter_map(|m| {
            let cadence = index.get::<Metric>(&m.value)?.cadence?;
            let last = PeriodKey::last_complete(index.as_of, cadence.value);
            let series = observations.series(&service.id.value, &m.value);
            let values: Vec<(PeriodKey, Option<f64>)> = last
                .window(HISTORY)
                .into_iter()
                .map(|p| (p, series.and_then(|s| s.get(&p)).map(|s| s.value)))
                .skip_while(|(_, v)| v.is_none())
                .collect();
            Some(Kpi {
                metric: m.value.clone(),
                values,
            })
        })
        .collect()
}

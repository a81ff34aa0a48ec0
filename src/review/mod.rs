//! `pmoc review`: the operations review a PMO lead takes to the portfolio
//! board, built from a compilation without errors as plain data
//! ([`Review`], whose types are in [`shape`]) and rendered three ways:
//! [`text`](fn@text) for a terminal, [`markdown`](fn@markdown) for an issue or a board pack,
//! [`shape::to_json`] for tools (valid against `schemas/review.schema.json`).
//!
//! A board pack: first the one-screen summary (what is due within 30
//! days, then one row per service in operation or transform, exceptions
//! first, with its status, trend and attainment, counted as the health
//! page counts them: [`crate::catalog::health`]); then, per service
//! (sorted by id), each SLA in force with each target over its last
//! periods (at most twelve, from the evaluation's attainment), its
//! adoption against its rollout's `adoption-target`, and the triggers
//! that fired for it with the gate each one leads to. Then the agenda
//! (the `agenda` module): decisions due at gates with `decide-within`,
//! every fired trigger, SLA reviews, holds and plans due within the
//! horizon or overdue, pilots past their review, capacity
//! over-commitments and change saturation within the horizon; with
//! `--since`, the decisions taken and the triggers that started firing
//! since.

mod agenda;
mod improvements;
mod markdown;
pub mod shape;
mod text;

use std::collections::HashMap;

use jiff::civil::Date;

use crate::base::Spanned;
use crate::catalog::health::{self, Tally};
use crate::compile::Compiled;
use crate::metrics::evaluate::{Evaluation, Firing, Judged, TriggerEvaluation};
use crate::model;
use crate::model::{
    Bound, BoundKind, Decision, Duration, DurationUnit, Gate, Index, Metric, Model, Person, Sla,
    Stage, Target, Team, Trigger, Unit, When, Window,
};
pub use markdown::markdown;
pub use shape::*;
pub use text::text;

/// What a review is asked for beyond the compilation.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// How far ahead the agenda looks (`--horizon`, 90 days by default).
    pub horizon: Duration,
    /// `--since DATE`: list what changed after it.
    pub since: Option<Date>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            horizon: Duration {
                count: 90,
                unit: DurationUnit::Day,
            },
            since: None,
        }
    }
}

/// Builds the review of a compilation (meant for one without errors), with
/// the default settings.
pub fn build(compiled: &Compiled) -> Review {
    build_with(compiled, &Settings::default())
}

/// Builds the review of a compilation (meant for one without errors).
pub fn build_with(compiled: &Compiled, settings: &Settings) -> Review {
    let model = &compiled.model;
    let index = compiled.index();
    let evaluation = &compiled.evaluation;
    let judged = judged_by_service(model, evaluation);
    let mut services: Vec<ServiceReview> = model
        .services
        .iter()
        .filter(|s| reviewed(s))
        .map(|s| {
            let judged = judged.get(s.id.as_str()).map_or(&[][..], Vec::as_slice);
            service(&index, evaluation, s, judged)
        })
        .collect();
    services.sort_by(|a, b| a.id.cmp(&b.id));
    let until = settings.horizon.after(compiled.as_of);
    let agenda = agenda::items(&agenda::Sources {
        index: &index,
        compiled,
        services: &services,
        until,
    });
    let since = settings.since.map(|date| since(&index, &services, date));
    let pmo = model.pmo.as_ref();
    Review {
        format_version: FORMAT_VERSION.into(),
        as_of: compiled.as_of.to_string(),
        pmo: PmoRef {
            id: pmo.map(|p| p.id.value.clone()).unwrap_or_default(),
            name: pmo.and_then(|p| p.name.as_ref()).map(|n| n.value.clone()),
        },
        observed: evaluation.observed,
        summary: summary(&services, &agenda),
        horizon: until.to_string(),
        since,
        services,
        adoption: adoptions(&index, evaluation),
        agenda,
        improvements: improvements::section(&index, evaluation, settings.since),
    }
}

impl Review {
    /// How many triggers fired (once per trigger and service).
    pub fn fired(&self) -> usize {
        self.summary.triggers_fired
    }
}

/// The services the review looks at: in operation or transform, as the
/// health page counts them.
fn reviewed(service: &model::Service) -> bool {
    health::counted(service.stage())
}

/// Each service's triggers that fired or lacked data, with their outcome,
/// sorted by trigger id.
fn judged_by_service<'m>(
    model: &'m Model,
    evaluation: &'m Evaluation,
) -> HashMap<&'m str, Vec<(&'m Trigger, &'m TriggerEvaluation)>> {
    let mut judged: HashMap<&str, Vec<(&Trigger, &TriggerEvaluation)>> = HashMap::new();
    for trigger in &model.triggers {
        let outcomes = evaluation.triggers.get(&trigger.id.value);
        for outcome in outcomes.into_iter().flatten() {
            if outcome.state != Firing::Fine {
                judged
                    .entry(outcome.service.as_str())
                    .or_default()
                    .push((trigger, outcome));
            }
        }
    }
    for list in judged.values_mut() {
        list.sort_by(|a, b| a.0.id.value.cmp(&b.0.id.value));
    }
    judged
}

fn service(
    index: &Index,
    evaluation: &Evaluation,
    svc: &model::Service,
    judged: &[(&Trigger, &TriggerEvaluation)],
) -> ServiceReview {
    let with = |state: Firing| judged.iter().filter(move |(_, o)| o.state == state);
    let mut slas: Vec<SlaReview> = svc
        .slas
        .iter()
        .filter(|sla| !index.ended(sla))
        .map(|x| sla(index, evaluation, svc, x))
        .collect();
    slas.sort_by(|a, b| a.id.cmp(&b.id));
    let targets = || slas.iter().flat_map(|s| &s.targets);
    let sla_data = if !evaluation.observed {
        Data::NotRead
    } else if targets().any(|t| t.data == Data::Observed) {
        Data::Observed
    } else {
        Data::NoData
    };
    let fired: Vec<FiredTrigger> = with(Firing::Fired)
        .map(|(trigger, outcome)| fired_trigger(index, svc, trigger, outcome))
        .collect();
    let tally = Tally::of(targets().map(latest));
    let standing = health::Standing::of(&tally, fired.len());
    ServiceReview {
        id: svc.id.value.clone(),
        name: text_of(&svc.name),
        stage: svc.stage(),
        owner: text_of(&svc.owner),
        owner_name: svc.owner.as_ref().and_then(|o| party_name(index, &o.value)),
        function: text_of(&svc.function),
        standing,
        status: standing.status(),
        trend: trend(targets()),
        attainment: attainment(targets()),
        sla_data,
        slas,
        adoption: adoption(index, evaluation, svc),
        fired,
        unjudged: with(Firing::NoData)
            .map(|(trigger, outcome)| UnjudgedTrigger {
                trigger: trigger.id.value.clone(),
                missing: outcome.missing().iter().map(|p| p.to_string()).collect(),
            })
            .collect(),
    }
}

/// A target's state in its latest period (`None`: no period judged).
fn latest(t: &TargetReview) -> Option<Attainment> {
    t.periods.last().map(|p| p.state)
}

/// A person's or team's name.
fn party_name(index: &Index, id: &str) -> Option<String> {
    index
        .get::<Person>(id)
        .and_then(|p| text_of(&p.name))
        .or_else(|| index.get::<Team>(id).and_then(|t| text_of(&t.name)))
}

/// How targets moved between their last two periods with values, each in
/// its better direction.
fn trend<'t>(targets: impl Iterator<Item = &'t TargetReview>) -> Option<Trend> {
    let (mut better, mut worse, mut any) = (false, false, false);
    for t in targets {
        let Some(kind) = t.threshold.as_ref().map(|t| t.kind) else {
            continue;
        };
        let mut values = t.periods.iter().rev().filter_map(|p| p.value);
        let (Some(last), Some(before)) = (values.next(), values.next()) else {
            continue;
        };
        any = true;
        let up = match kind {
            BoundKind::AtLeast => last > before,
            BoundKind::AtMost => last < before,
        };
        let down = match kind {
            BoundKind::AtLeast => last < before,
            BoundKind::AtMost => last > before,
        };
        better |= up;
        worse |= down;
    }
    any.then_some(match (better, worse) {
        (true, true) => Trend::Mixed,
        (true, false) => Trend::Better,
        (false, true) => Trend::Worse,
        (false, false) => Trend::Steady,
    })
}

/// The periods attained (met or warned) over the targets' last twelve, of
/// those with values.
fn attainment<'t>(targets: impl Iterator<Item = &'t TargetReview>) -> Option<Share> {
    let mut share = Share { attained: 0, of: 0 };
    for c in targets.map(|t| t.counts) {
        share.attained += c.met + c.warned;
        share.of += c.met + c.warned + c.breached;
    }
    (share.of > 0).then_some(share)
}

/// What changed after `date`: decisions dated after it (of any service),
/// and fired triggers whose firing run's onset (the first day its
/// condition was known to hold) is after it: a run whose window began
/// before the last review but first held after it is new to the board.
fn since(index: &Index, services: &[ServiceReview], date: Date) -> SinceReview {
    let mut decisions: Vec<DecisionTaken> = index
        .model
        .services
        .iter()
        .flat_map(|s| s.decisions.iter().map(move |d| (s, d)))
        .filter_map(|(s, d)| {
            let taken = d.date.filter(|t| t.value > date)?;
            Some(DecisionTaken {
                service: s.id.value.clone(),
                service_name: text_of(&s.name),
                gate: d.gate.value.clone(),
                gate_name: index
                    .get::<Gate>(&d.gate.value)
                    .and_then(|g| text_of(&g.name)),
                outcome: d.outcome.map(|o| o.value),
                date: taken.value.to_string(),
            })
        })
        .collect();
    decisions.sort_by(|a, b| (&a.date, &a.service, &a.gate).cmp(&(&b.date, &b.service, &b.gate)));
    let mut triggers: Vec<TriggerStarted> = services
        .iter()
        .flat_map(|s| s.fired.iter().map(move |f| (s, f)))
        .filter_map(|(s, f)| {
            let onset = f.onset.as_deref()?;
            let known: Date = onset.parse().ok()?;
            (known > date).then(|| TriggerStarted {
                service: s.id.clone(),
                service_name: s.name.clone(),
                trigger: f.trigger.clone(),
                start: f.since.clone().unwrap_or_default(),
                onset: onset.to_string(),
            })
        })
        .collect();
    triggers.sort_by(|a, b| {
        (&a.onset, &a.service, &a.trigger).cmp(&(&b.onset, &b.service, &b.trigger))
    });
    SinceReview {
        date: date.to_string(),
        decisions,
        triggers,
    }
}

fn text_of(t: &Option<Spanned<String>>) -> Option<String> {
    t.as_ref().map(|t| t.value.clone())
}

fn date_of(d: Option<Spanned<jiff::civil::Date>>) -> Option<String> {
    d.map(|d| d.value.to_string())
}

fn threshold(b: Option<Bound>) -> Option<Threshold> {
    b.map(|b| Threshold {
        kind: b.kind,
        value: b.value.value,
    })
}

fn sla(index: &Index, evaluation: &Evaluation, svc: &model::Service, sla: &Sla) -> SlaReview {
    let attainment = evaluation.attainment.get(&sla.id.value);
    let mut customers: Vec<String> = index
        .covered(svc, sla)
        .into_iter()
        .map(String::from)
        .collect();
    customers.sort();
    customers.dedup();
    SlaReview {
        id: sla.id.value.clone(),
        period: sla.period.map(|p| p.value),
        customers,
        review_by: date_of(sla.review_by),
        ends: date_of(sla.ends),
        targets: sla
            .targets
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let judged = attainment
                    .and_then(|a| a.get(i))
                    .map_or(&[][..], Vec::as_slice);
                let metric = index.get::<Metric>(&t.metric.value);
                target(evaluation.observed, t, metric, judged)
            })
            .collect(),
        allowance: evaluation
            .allowances
            .get(&sla.id.value)
            .map(crate::catalog::shape::AllowanceEntry::from),
    }
}

/// An SLA's breach allowance in words, for the text and Markdown packs:
/// "breach allowance 2 a year: 3 used in 2026 (2026-08, 2026-09,
/// 2026-10), 0 left, exhausted; at this pace 4 by the year's end".
pub(super) fn allowance_words(a: &crate::catalog::shape::AllowanceEntry) -> String {
    let unit = match a.per_year {
        12 => "month",
        4 => "quarter",
        1 => "year",
        _ => "period",
    };
    let plural = |n: u64| if n == 1 { "" } else { "s" };
    let breached = if a.breached.is_empty() {
        String::new()
    } else {
        format!(" ({})", a.breached.join(", "))
    };
    let year = if a.whole_year {
        format!("{}, judged as a whole", a.year)
    } else {
        format!(
            "{}, {} of {} {unit}s complete",
            a.year, a.judged, a.per_year
        )
    };
    let pace = if a.whole_year || a.judged == 0 {
        String::new()
    } else {
        format!("; at this pace {} by the year's end", a.projected)
    };
    format!(
        "breach allowance {} breached {unit}{} a year: {} used{breached} in {year}, {} left, {}{pace}",
        a.allowed,
        plural(a.allowed),
        a.used,
        a.left,
        a.state.as_str()
    )
}

fn target(observed: bool, t: &Target, metric: Option<&Metric>, judged: &[Judged]) -> TargetReview {
    let periods: Vec<PeriodState> = judged
        .iter()
        .map(|j| PeriodState {
            period: j.period.to_string(),
            value: j.value,
            state: j.state,
        })
        .collect();
    let mut counts = Counts {
        periods: periods.len(),
        ..Counts::default()
    };
    for p in &periods {
        match p.state {
            Attainment::Met => counts.met += 1,
            Attainment::Warned => counts.warned += 1,
            Attainment::Breached => counts.breached += 1,
            Attainment::NoData => counts.no_data += 1,
        }
    }
    let data = match (observed, periods.is_empty()) {
        (false, _) => Data::NotRead,
        (true, true) => Data::NoData,
        (true, false) => Data::Observed,
    };
    TargetReview {
        metric: t.metric.value.clone(),
        metric_name: metric.and_then(|m| text_of(&m.name)),
        unit: metric.and_then(|m| m.unit.map(|u| u.value)),
        threshold: threshold(t.bound),
        warn: t.warn.map(|w| w.value),
        data,
        periods,
        counts,
    }
}

fn adoption(
    index: &Index,
    evaluation: &Evaluation,
    svc: &model::Service,
) -> Option<AdoptionReview> {
    let target = svc.rollout.as_ref()?.adoption_target.as_ref()?;
    let found = evaluation.adoption.get(&svc.id.value);
    let latest = found.and_then(|a| a.latest);
    let data = match (evaluation.observed, latest) {
        (false, _) => Data::NotRead,
        (true, None) => Data::NoData,
        (true, Some(_)) => Data::Observed,
    };
    let unit = index
        .get::<Metric>(&target.metric.value)
        .and_then(|m| m.unit.map(|u| u.value));
    Some(AdoptionReview {
        metric: target.metric.value.clone(),
        unit,
        threshold: threshold(target.bound),
        by: date_of(target.by),
        data,
        period: latest.map(|(p, _)| p.to_string()),
        value: latest.map(|(_, v)| v),
        met: found.and_then(|a| a.met),
        baseline: target.baseline(),
        plan_start: svc
            .rollout
            .as_ref()
            .and_then(crate::metrics::adoption::start)
            .map(|d| d.to_string()),
        judgement: found
            .and_then(|a| a.judgement.as_ref())
            .map(AdoptionJudgement::from),
    })
}

/// Every service with an adoption target, in any stage but retired.
fn adoptions(index: &Index, evaluation: &Evaluation) -> Vec<ServiceAdoption> {
    let mut list: Vec<ServiceAdoption> = index
        .model
        .services
        .iter()
        .filter(|s| s.stage() != Some(Stage::Retired))
        .filter_map(|s| {
            Some(ServiceAdoption {
                service: s.id.value.clone(),
                name: text_of(&s.name),
                stage: s.stage(),
                adoption: adoption(index, evaluation, s)?,
            })
        })
        .collect();
    list.sort_by(|a, b| a.service.cmp(&b.service));
    list
}

fn fired_trigger(
    index: &Index,
    svc: &model::Service,
    trigger: &Trigger,
    outcome: &TriggerEvaluation,
) -> FiredTrigger {
    let gate = trigger.gate.as_ref().map(|g| g.value.clone());
    // The firing run's start (language 1.1, section 4): a decision at the
    // gate from that day on answers it.
    let since = outcome.run.map(|r| r.start);
    let decision = gate
        .as_deref()
        .and_then(|g| latest_decision(svc, g, since))
        .map(|d| DecisionRef {
            gate: d.gate.value.clone(),
            outcome: d.outcome.map(|o| o.value),
            date: date_of(d.date),
            revisit: date_of(d.revisit),
        });
    let action = trigger.action.map(|a| a.value);
    let answered_by: Vec<String> = index
        .model
        .improvements
        .iter()
        .filter(|i| i.service.as_ref().is_some_and(|s| s.value == svc.id.value))
        .filter(|i| i.answers_run(&trigger.id.value, since))
        .map(|i| i.id.value.clone())
        .collect();
    let unanswered = agenda::unanswered(action, decision.as_ref(), &answered_by, index.as_of);
    let when = trigger.when.as_ref();
    let unit = when
        .and_then(|w| index.get::<Metric>(&w.metric.value))
        .and_then(|m| m.unit.map(|u| u.value));
    FiredTrigger {
        trigger: trigger.id.value.clone(),
        metric: when.map(|w| w.metric.value.clone()).unwrap_or_default(),
        unit,
        condition: when.map(|w| condition(w, unit)).unwrap_or_default(),
        window: PeriodValue::window(&outcome.window),
        successor: outcome.successor.clone(),
        action,
        gate_name: gate
            .as_deref()
            .and_then(|g| index.get::<Gate>(g))
            .and_then(|g| text_of(&g.name)),
        gate,
        since: since.map(|d| d.to_string()),
        onset: outcome.run.map(|r| r.onset.to_string()),
        decision,
        answered_by,
        unanswered,
    }
}

/// The service's latest decision at `gate` dated on or after `since` (any
/// dated decision there without `since`); ties go to the one written last.
fn latest_decision<'s>(
    svc: &'s model::Service,
    gate: &str,
    since: Option<jiff::civil::Date>,
) -> Option<&'s Decision> {
    svc.decisions
        .iter()
        .filter(|d| d.gate.value == gate)
        .filter(|d| {
            d.date
                .is_some_and(|date| since.is_none_or(|since| date.value >= since))
        })
        .max_by_key(|d| d.date.map(|d| d.value))
}

/// A trigger's condition in words: "`adoption-pct` below 30 for 3
/// periods", "`on-time-pct` below 95 in 4 of 6 periods", "superseded".
fn condition(when: &When, unit: Option<Unit>) -> String {
    if when.is_superseded() {
        return "superseded: a service that replaces it is in operation".into();
    }
    let comparison = when
        .comparison
        .map(|(c, t)| format!(" {} {}", c.in_words(), exact(t.value, unit)))
        .unwrap_or_default();
    let window = match when.window {
        Window::For(n) if n.value == 1 => " in the last period".to_string(),
        Window::For(n) => format!(" for {} periods", n.value),
        Window::Within { k, n, .. } => format!(" in {k} of {n} periods"),
    };
    format!("`{}`{comparison}{window}", when.metric.value)
}

pub(crate) use crate::base::number::show as number;

/// The counts, as the health page counts them ([`Tally`]): each target in
/// force by its latest period, no period (or no observations read at all)
/// counting as without data.
fn summary(services: &[ServiceReview], agenda: &[AgendaItem]) -> Summary {
    let tally = Tally::of(
        services
            .iter()
            .flat_map(|s| &s.slas)
            .flat_map(|s| &s.targets)
            .map(latest),
    );
    let status = |st: Status| services.iter().filter(|s| s.status == st).count();
    Summary {
        services: services.len(),
        triggers_fired: services.iter().map(|s| s.fired.len()).sum(),
        targets_breached: tally.breached,
        targets_without_data: tally.no_data,
        agenda_items: agenda.len(),
        targets: tally.total,
        targets_met: tally.met,
        targets_warned: tally.warned,
        red: status(Status::Red),
        amber: status(Status::Amber),
        green: status(Status::Green),
    }
}

/// An observed value as a person writes it, with its unit: "94%",
/// "11 days", "2.5 hours", "4.2 of 5"; one decimal at most.
pub(crate) fn measure(value: f64, unit: Option<Unit>) -> String {
    exact((value * 10.0).round() / 10.0, unit)
}

/// A threshold with its unit: "at least 95%", "at most 5 days".
pub(crate) fn bound_in(t: &Threshold, unit: Option<Unit>) -> String {
    let word = match t.kind {
        BoundKind::AtLeast => "at least",
        BoundKind::AtMost => "at most",
    };
    format!("{word} {}", exact(t.value, unit))
}

/// A value as written in the source (a threshold: never rounded), with
/// its unit: "95%", "5 days", "3.5 of 5".
pub(crate) fn exact(value: f64, unit: Option<Unit>) -> String {
    let n = number(value);
    match unit {
        Some(Unit::Percent) => format!("{n}%"),
        Some(Unit::Days) if n == "1" => "1 day".into(),
        Some(Unit::Days) => format!("{n} days"),
        Some(Unit::Hours) if n == "1" => "1 hour".into(),
        Some(Unit::Hours) => format!("{n} hours"),
        Some(Unit::Score5) => format!("{n} of 5"),
        Some(Unit::Nps) => format!("NPS {n}"),
        Some(Unit::Count) | None => n,
    }
}

/// A service as a person reads it: its name with its id in code style
/// (`name` escapes the name for the output).
pub(crate) fn service_named(s: &ServiceReview, name: impl Fn(&str) -> String) -> String {
    match &s.name {
        Some(n) => format!("{} (`{}`)", name(n), s.id),
        None => format!("`{}`", s.id),
    }
}

/// Why a service stands where it does, worst first: each breached
/// target with its latest value, each fired trigger (unanswered ones
/// said so), each warned target, the targets without data. `name`
/// escapes free text for the output.
pub(crate) fn reasons(s: &ServiceReview, name: impl Fn(&str) -> String) -> Vec<String> {
    let mut out = Vec::new();
    let targets = || s.slas.iter().flat_map(|sla| &sla.targets);
    let metric = |t: &TargetReview| match &t.metric_name {
        Some(n) => name(n),
        None => format!("`{}`", t.metric),
    };
    let state_of = |state: Attainment| {
        targets().filter(move |t| t.periods.last().map(|p| p.state) == Some(state))
    };
    for t in state_of(Attainment::Breached) {
        let last = t.periods.last();
        let value = last
            .and_then(|p| p.value)
            .map(|v| format!(" at {}", measure(v, t.unit)))
            .unwrap_or_default();
        let target = t
            .threshold
            .as_ref()
            .map(|b| format!(" (target {})", bound_in(b, t.unit)))
            .unwrap_or_default();
        let period = last
            .map(|p| format!(" in {}", p.period))
            .unwrap_or_default();
        out.push(format!("{} breached{value}{period}{target}", metric(t)));
    }
    for f in &s.fired {
        let flag = if f.unanswered { ", unanswered" } else { "" };
        out.push(format!("trigger `{}` fired{flag}", f.trigger));
    }
    for t in state_of(Attainment::Warned) {
        let value = t
            .periods
            .last()
            .and_then(|p| p.value)
            .map(|v| format!(" at {}", measure(v, t.unit)))
            .unwrap_or_default();
        out.push(format!("{} warned{value}", metric(t)));
    }
    let missing: Vec<String> = targets()
        .filter(|t| {
            matches!(
                t.periods.last().map(|p| p.state),
                None | Some(Attainment::NoData)
            )
        })
        .map(metric)
        .collect();
    if !missing.is_empty() {
        out.push(format!("no data for {}", listed(&missing)));
    }
    if out.is_empty() && s.slas.is_empty() {
        out.push("no SLA in force".to_string());
    }
    out
}

/// A trend in words, with an arrow.
pub(crate) fn trend_words(t: Option<Trend>) -> &'static str {
    match t {
        Some(Trend::Better) => "↗ better",
        Some(Trend::Worse) => "↘ worse",
        Some(Trend::Mixed) => "↕ mixed",
        Some(Trend::Steady) => "→ steady",
        None => "–",
    }
}

/// Attainment in words: "94% (31 of 33 periods)".
pub(crate) fn share_words(a: Option<Share>) -> String {
    match a {
        Some(a) => format!("{}% ({} of {} periods)", a.percent(), a.attained, a.of),
        None => "no periods with data".into(),
    }
}

/// The items due within `days` of as-of (overdue and undated included),
/// exceptions first: overdue, then unanswered, then by date.
pub(crate) fn due_soon(review: &Review, days: i64) -> Vec<&AgendaItem> {
    let as_of: Option<Date> = review.as_of.parse().ok();
    let until = as_of.and_then(|d| d.checked_add(jiff::Span::new().days(days)).ok());
    let mut items: Vec<&AgendaItem> = review
        .agenda
        .iter()
        .filter(|i| {
            let date = i.date.as_deref().and_then(|d| d.parse::<Date>().ok());
            match (date, until) {
                (Some(d), Some(u)) => d <= u,
                _ => true,
            }
        })
        .collect();
    items.sort_by_key(|i| (!i.overdue, !i.unanswered, i.date.is_none(), i.date.clone()));
    items
}

/// The count summary of a target: "10 of 12 met, 1 warned, 1 breached".
pub(crate) fn counted(c: &Counts) -> String {
    let mut parts = vec![format!("{} of {} met", c.met, c.periods)];
    for (n, word) in [
        (c.warned, "warned"),
        (c.breached, "breached"),
        (c.no_data, "without data"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {word}"));
        }
    }
    parts.join(", ")
}

/// A state in words.
pub(crate) fn state_word(state: Attainment) -> &'static str {
    match state {
        Attainment::Met => "met",
        Attainment::Warned => "warned",
        Attainment::Breached => "breached",
        Attainment::NoData => "no data",
    }
}

/// The words for a target or adoption without judged values.
pub(crate) fn no_values(data: Data) -> &'static str {
    match data {
        Data::NotRead => "no observations were read",
        Data::NoData => "no data",
        Data::Observed => "",
    }
}

/// The sentence for a service whose SLAs have no judged values.
pub(crate) fn no_sla_data(data: Data) -> &'static str {
    match data {
        Data::NotRead => "no observations were read",
        Data::NoData => "no observation covers the periods of its SLAs",
        Data::Observed => "",
    }
}

/// "2026-08, 2026-09 and 2026-10".
pub(crate) fn listed(items: &[String]) -> String {
    match items.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

//! `pmoc review`: the operations review a PMO lead takes to the portfolio
//! board, built from a compilation without errors as plain data
//! ([`Review`], whose types are in [`shape`]) and rendered three ways:
//! [`text`](fn@text) for a terminal, [`markdown`](fn@markdown) for an issue or a board pack,
//! [`shape::to_json`] for tools (valid against `schemas/review.schema.json`).
//!
//! For each service in operation or transform (sorted by id): each SLA in
//! force with each target over its last periods (at most twelve, from the
//! evaluation's attainment), its adoption against its rollout's
//! `adoption-target`, and the triggers that fired for it with the gate each
//! one leads to. Then the agenda ([`agenda`]): overdue SLA reviews, pilots
//! past their review, and fired triggers whose gate has not decided since.

mod agenda;
mod markdown;
pub mod shape;
mod text;

use std::collections::HashMap;

use crate::base::Spanned;
use crate::compile::Compiled;
use crate::metrics::evaluate::{Evaluation, Firing, Judged, Outcome};
use crate::model::{self, *};
pub use markdown::markdown;
pub use shape::*;
pub use text::text;

/// Builds the review of a compilation (meant for one without errors).
pub fn build(compiled: &Compiled) -> Review {
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
    let agenda = agenda::items(&index, &services);
    let pmo = model.pmo.as_ref();
    Review {
        format_version: FORMAT_VERSION.into(),
        as_of: compiled.as_of.to_string(),
        pmo: PmoRef {
            id: pmo.map(|p| p.id.value.clone()).unwrap_or_default(),
            name: pmo.and_then(|p| p.name.as_ref()).map(|n| n.value.clone()),
        },
        observed: evaluation.observed,
        summary: summary(evaluation.observed, &services, &agenda),
        services,
        agenda,
    }
}

impl Review {
    /// How many triggers fired (once per trigger and service).
    pub fn fired(&self) -> usize {
        self.summary.triggers_fired
    }
}

/// The services the review looks at: in operation or transform.
fn reviewed(service: &model::Service) -> bool {
    matches!(service.stage(), Some(Stage::Operation | Stage::Transform))
}

/// Each service's triggers that fired or lacked data, with their outcome,
/// sorted by trigger id.
fn judged_by_service<'m>(
    model: &'m Model,
    evaluation: &'m Evaluation,
) -> HashMap<&'m str, Vec<(&'m Trigger, &'m Outcome)>> {
    let mut judged: HashMap<&str, Vec<(&Trigger, &Outcome)>> = HashMap::new();
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
    judged: &[(&Trigger, &Outcome)],
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
    ServiceReview {
        id: svc.id.value.clone(),
        name: text_of(&svc.name),
        stage: svc.stage(),
        owner: text_of(&svc.owner),
        function: text_of(&svc.function),
        sla_data,
        slas,
        adoption: adoption(evaluation, svc),
        fired: with(Firing::Fired)
            .map(|(trigger, outcome)| fired_trigger(index, svc, trigger, outcome))
            .collect(),
        unjudged: with(Firing::NoData)
            .map(|(trigger, outcome)| UnjudgedTrigger {
                trigger: trigger.id.value.clone(),
                missing: outcome.missing().iter().map(|p| p.to_string()).collect(),
            })
            .collect(),
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
                target(evaluation.observed, t, judged)
            })
            .collect(),
    }
}

fn target(observed: bool, t: &Target, judged: &[Judged]) -> TargetReview {
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
        threshold: threshold(t.bound),
        warn: t.warn.map(|w| w.value),
        data,
        periods,
        counts,
    }
}

fn adoption(evaluation: &Evaluation, svc: &model::Service) -> Option<AdoptionReview> {
    let target = svc.rollout.as_ref()?.adoption_target.as_ref()?;
    let found = evaluation.adoption.get(&svc.id.value);
    let latest = found.and_then(|a| a.latest);
    let data = match (evaluation.observed, latest) {
        (false, _) => Data::NotRead,
        (true, None) => Data::NoData,
        (true, Some(_)) => Data::Observed,
    };
    Some(AdoptionReview {
        metric: target.metric.value.clone(),
        threshold: threshold(target.bound),
        by: date_of(target.by),
        data,
        period: latest.map(|(p, _)| p.to_string()),
        value: latest.map(|(_, v)| v),
        met: found.and_then(|a| a.met),
    })
}

fn fired_trigger(
    index: &Index,
    svc: &model::Service,
    trigger: &Trigger,
    outcome: &Outcome,
) -> FiredTrigger {
    let gate = trigger.gate.as_ref().map(|g| g.value.clone());
    let since = match outcome.window.first() {
        Some((period, _)) => Some(period.first_day()),
        None => outcome
            .successor
            .as_deref()
            .and_then(|s| index.get::<model::Service>(s))
            .and_then(|s| went_live(index, s)),
    };
    let decision = gate
        .as_deref()
        .and_then(|g| latest_decision(svc, g, since))
        .map(|d| DecisionRef {
            gate: d.gate.value.clone(),
            outcome: d.outcome.map(|o| o.value),
            date: date_of(d.date),
        });
    let when = trigger.when.as_ref();
    FiredTrigger {
        trigger: trigger.id.value.clone(),
        metric: when.map(|w| w.metric.value.clone()).unwrap_or_default(),
        condition: when.map(condition).unwrap_or_default(),
        window: PeriodValue::window(&outcome.window),
        successor: outcome.successor.clone(),
        action: trigger.action.map(|a| a.value),
        gate_name: gate
            .as_deref()
            .and_then(|g| index.get::<Gate>(g))
            .and_then(|g| text_of(&g.name)),
        gate,
        since: since.map(|d| d.to_string()),
        decision,
    }
}

/// When a service last went into operation: the date of its latest `go`
/// at a gate leading to operation.
fn went_live(index: &Index, service: &model::Service) -> Option<jiff::civil::Date> {
    service
        .decisions
        .iter()
        .filter(|d| d.outcome.is_some_and(|o| o.value == model::Outcome::Go))
        .filter(|d| {
            index
                .get::<Gate>(&d.gate.value)
                .is_some_and(|g| g.leads_to(Stage::Operation))
        })
        .filter_map(|d| d.date.map(|d| d.value))
        .max()
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
fn condition(when: &When) -> String {
    if when.is_superseded() {
        return "superseded: a service that replaces it is in operation".into();
    }
    let comparison = when
        .comparison
        .map(|(c, t)| format!(" {} {}", c.in_words(), number(t.value)))
        .unwrap_or_default();
    let window = match when.window {
        Window::For(n) if n.value == 1 => " in the last period".to_string(),
        Window::For(n) => format!(" for {} periods", n.value),
        Window::Within { k, n, .. } => format!(" in {k} of {n} periods"),
    };
    format!("`{}`{comparison}{window}", when.metric.value)
}

pub(crate) use crate::base::number::show as number;

fn summary(observed: bool, services: &[ServiceReview], agenda: &[AgendaItem]) -> Summary {
    let targets = || {
        services
            .iter()
            .flat_map(|s| &s.slas)
            .flat_map(|s| &s.targets)
    };
    let last = |t: &TargetReview| t.periods.last().map(|p| p.state);
    Summary {
        services: services.len(),
        triggers_fired: services.iter().map(|s| s.fired.len()).sum(),
        targets_breached: targets()
            .filter(|t| last(t) == Some(Attainment::Breached))
            .count(),
        targets_without_data: if observed {
            targets()
                .filter(|t| matches!(last(t), None | Some(Attainment::NoData)))
                .count()
        } else {
            0
        },
        agenda_items: agenda.len(),
    }
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

/// A threshold in words: "at least 95".
pub(crate) fn bound(t: &Threshold) -> String {
    let word = match t.kind {
        BoundKind::AtLeast => "at least",
        BoundKind::AtMost => "at most",
    };
    format!("{word} {}", number(t.value))
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

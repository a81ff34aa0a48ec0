//! What the evaluation found: `trigger-fired` (a trigger's condition holds
//! for a service, `superseded` included) and `insufficient-data` (a period
//! of a trigger's window, or an SLA's last complete period, has no
//! observation). One diagnostic per trigger and service, at the trigger's
//! `when`, labelled at the service; one per SLA target, at the target.
//! And `observations-after-as-of`: rows for periods after as-of, one per
//! CSV file at its first such row.

use crate::base::number::show as number;
use crate::base::{Code, Diagnostic};
use crate::metrics::PeriodKey;
use crate::metrics::evaluate::{
    AfterAsOf, Evaluation, Firing, TriggerEvaluation, judged_by, sla_period_exists,
};
use crate::model::{Index, Metric, Service, Stage, Trigger, When, Window};

pub fn check(index: &Index, evaluation: &Evaluation) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for trigger in &index.model.triggers {
        let Some(when) = &trigger.when else { continue };
        let outcomes = evaluation.triggers.get(&trigger.id.value);
        for outcome in outcomes.into_iter().flatten() {
            let Some(service) = index.get::<Service>(&outcome.service) else {
                continue;
            };
            let diag = match outcome.state {
                Firing::Fired => fired(trigger, when, outcome),
                Firing::NoData => insufficient(index, trigger, when, outcome),
                Firing::Fine => continue,
            };
            diags.push(diag.label(service.id.span, format!("service `{}`", service.id.value)));
        }
    }
    if evaluation.observed {
        diags.extend(sla_gaps(index, evaluation));
    }
    diags.extend(evaluation.after_as_of.iter().map(|a| after_as_of(index, a)));
    diags
}

/// `observations-after-as-of`: one per file, at its first such row.
fn after_as_of(index: &Index, a: &AfterAsOf) -> Diagnostic {
    let (rows, are) = if a.rows == 1 {
        ("1 row".to_string(), "is for a period that starts")
    } else {
        (format!("{} rows", a.rows), "are for periods that start")
    };
    let through = a.latest.next().first_day();
    Diagnostic::new(
        Code::ObservationsAfterAsOf,
        a.first,
        format!(
            "{rows} of this file {are} after as-of ({}), up to {}: never judged",
            index.as_of, a.latest
        ),
    )
    .help(format!(
        "move as-of to judge them: `--as-of {through}` for one run, or the manifest's `as-of \"{through}\"` (or no `as-of`, to judge as of today)"
    ))
}

/// `2026-08 (22), 2026-09 (25) and 2026-10 (28)`.
fn listed(items: impl IntoIterator<Item = String>) -> String {
    let items: Vec<String> = items.into_iter().collect();
    match items.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// What the trigger asks for: its action, and the gate it leads to.
fn consequence(trigger: &Trigger) -> String {
    let action = trigger.action.map(|a| a.value.to_string());
    match (action, &trigger.gate) {
        (Some(action), Some(gate)) => format!("; action: {action} at gate `{}`", gate.value),
        (Some(action), None) => format!("; action: {action}"),
        (None, Some(gate)) => format!("; it leads to gate `{}`", gate.value),
        (None, None) => String::new(),
    }
}

fn fired(trigger: &Trigger, when: &When, outcome: &TriggerEvaluation) -> Diagnostic {
    let scope = match when.window {
        Window::Within { k, n, .. } => format!(" in {k} of the last {n} periods"),
        Window::For(n) if n.value > 1 => format!(" in each of the last {} periods", n.value),
        Window::For(_) => String::new(),
    };
    let why = match (
        &outcome.successor,
        &outcome.sla,
        when.comparison,
        when.trend,
    ) {
        (Some(successor), ..) => format!("`{successor}` replaces it and is in operation"),
        (None, Some(sla), ..) => {
            let breached = outcome.held.iter().map(PeriodKey::to_string);
            format!("SLA `{sla}` was breached{scope}: {}", listed(breached))
        }
        (None, None, None, Some((trend, n))) => {
            let values = outcome
                .window
                .iter()
                .filter_map(|(p, v)| v.map(|v| format!("{p} ({})", number(v))));
            format!(
                "`{}` {} over the last {} period{}: {}",
                when.metric.value,
                trend.as_str(),
                n.value,
                if n.value == 1 { "" } else { "s" },
                listed(values)
            )
        }
        (None, None, Some((comparison, threshold)), _) => {
            let held = outcome.window.iter().filter_map(|(p, v)| {
                v.filter(|v| comparison.holds(*v, threshold.value))
                    .map(|v| format!("{p} ({})", number(v)))
            });
            let scope = match when.window {
                Window::Within { k, n, .. } => format!(" in {k} of the last {n} periods"),
                Window::For(_) => String::new(),
            };
            format!(
                "`{}` {} {}{scope}: {}",
                when.metric.value,
                comparison.in_words(),
                number(threshold.value),
                listed(held)
            )
        }
        _ => "its condition holds".to_string(),
    };
    Diagnostic::new(
        Code::TriggerFired,
        when.metric.span,
        format!(
            "trigger `{}` fired for service `{}`: {why}{}",
            trigger.id.value,
            outcome.service,
            consequence(trigger)
        ),
    )
}

fn insufficient(
    index: &Index,
    trigger: &Trigger,
    when: &When,
    outcome: &TriggerEvaluation,
) -> Diagnostic {
    let service = &outcome.service;
    let missing = outcome.missing();
    // An SLA whose window reaches before its `starts`, every period of it
    // observed: too few periods exist yet.
    let starts = outcome
        .sla
        .as_deref()
        .and_then(|id| {
            let service = index.get::<Service>(service)?;
            service.slas.iter().find(|sla| sla.id.value == id)
        })
        .and_then(|sla| sla.starts)
        .filter(|_| missing.is_empty());
    if let (Some(sla), Some(starts)) = (&outcome.sla, starts) {
        return Diagnostic::new(
            Code::InsufficientData,
            when.metric.span,
            format!(
                "trigger `{}` cannot judge service `{service}`: SLA `{sla}` starts on {}, so its window has only {} of the periods the trigger needs ({})",
                trigger.id.value,
                starts.value,
                outcome.window.len(),
                listed(outcome.window.iter().map(|(p, _)| p.to_string())),
            ),
        )
        .help("the window fills as the SLA's periods complete; no observation can be added for a period before `starts`");
    }
    let lacking = match &outcome.sla {
        Some(sla) => format!("SLA `{sla}` has no observation for"),
        None => format!("no `{}` observation for", when.metric.value),
    };
    let periods = listed(missing.iter().map(PeriodKey::to_string));
    Diagnostic::new(
        Code::InsufficientData,
        when.metric.span,
        format!(
            "trigger `{}` cannot judge service `{service}`: {lacking} {periods}",
            trigger.id.value,
        ),
    )
    .help(add_rows(
        service,
        outcome.gaps.iter().map(|g| (g.metric.as_str(), g.period)),
    ))
}

/// The help of `insufficient-data`: the rows to add, by service, metric
/// and period ("add a row … with period 2026-10, service `risk-log`,
/// metric `adoption-pct` and its value").
fn add_rows<'a>(service: &str, rows: impl IntoIterator<Item = (&'a str, PeriodKey)>) -> String {
    // By metric, in the order met; the periods of each in order.
    let mut metrics: Vec<(&str, Vec<PeriodKey>)> = Vec::new();
    let mut count = 0;
    for (metric, period) in rows {
        count += 1;
        match metrics.iter_mut().find(|(m, _)| *m == metric) {
            Some((_, periods)) => periods.push(period),
            None => metrics.push((metric, vec![period])),
        }
    }
    let never = "a missing period is never a pass";
    match (count, metrics.as_slice()) {
        (0, _) => format!("{never}: add its row to a CSV under `metrics/`"),
        (1, [(metric, periods)]) => format!(
            "{never}: add a row to a CSV under `metrics/` with period {}, service `{service}`, metric `{metric}` and its value",
            periods[0]
        ),
        _ => {
            let each = metrics.iter().map(|(metric, periods)| {
                let periods = listed(periods.iter().map(PeriodKey::to_string));
                format!("metric `{metric}` for {periods}")
            });
            format!(
                "{never}: add rows to a CSV under `metrics/` for service `{service}`: {}",
                listed(each)
            )
        }
    }
}

/// `insufficient-data` for each target of an SLA in force (of a service in
/// operation or transform) whose last complete period has no observation.
fn sla_gaps(index: &Index, evaluation: &Evaluation) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let judged = index
        .model
        .services
        .iter()
        .filter(|s| matches!(s.stage(), Some(Stage::Operation | Stage::Transform)));
    for service in judged {
        for sla in service.slas.iter().filter(|sla| !index.ended(sla)) {
            let Some(period) = sla.period else { continue };
            let attainment = evaluation.attainment.get(&sla.id.value);
            for (i, target) in sla.targets.iter().enumerate() {
                let Some(cadence) = index
                    .get::<Metric>(&target.metric.value)
                    .and_then(|m| m.cadence)
                else {
                    continue;
                };
                let by = judged_by(period.value, cadence.value);
                let last = PeriodKey::last_complete(index.as_of, by);
                if !sla_period_exists(sla, last) {
                    continue;
                }
                let metric = target.metric.value.as_str();
                let judged = attainment.and_then(|a| a.get(i));
                let has_last = judged
                    .and_then(|j| j.last())
                    .is_some_and(|j| j.period == last && j.value.is_some());
                if target.bound.is_none() || has_last {
                    continue;
                }
                diags.push(
                    Diagnostic::new(
                        Code::InsufficientData,
                        target.metric.span,
                        format!(
                            "SLA `{}` of service `{}` cannot be judged: no `{}` observation for {last}, its last complete period",
                            sla.id.value, service.id.value, target.metric.value
                        ),
                    )
                    .help(if by == cadence.value {
                        add_rows(&service.id.value, [(metric, last)])
                    } else {
                        // The period is made of finer observations: each
                        // is needed (which are missing, the CSV says).
                        format!(
                            "a missing period is never a pass: {last} is judged on a row for each of {} (with service `{}` and metric `{metric}`) in a CSV under `metrics/`; add those that are missing",
                            listed(last.parts(cadence.value).iter().map(PeriodKey::to_string)),
                            service.id.value,
                        )
                    }),
                );
            }
        }
    }
    diags
}

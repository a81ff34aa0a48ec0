//! What the evaluation found: `trigger-fired` (a trigger's condition holds
//! for a service, `superseded` included) and `insufficient-data` (a period
//! of a trigger's window, or an SLA's last complete period, has no
//! observation). One diagnostic per trigger and service, at the trigger's
//! `when`, labelled at the service; one per SLA target, at the target.

use crate::base::number::show as number;
use crate::base::{Code, Diagnostic};
use crate::metrics::PeriodKey;
use crate::metrics::evaluate::{Evaluation, Firing, Outcome, judged_by};
use crate::model::*;

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
                Firing::NoData => insufficient(trigger, when, outcome),
                Firing::Fine => continue,
            };
            diags.push(diag.label(service.id.span, format!("service `{}`", service.id.value)));
        }
    }
    if evaluation.observed {
        diags.extend(sla_gaps(index, evaluation));
    }
    diags
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

fn fired(trigger: &Trigger, when: &When, outcome: &Outcome) -> Diagnostic {
    let why = match (&outcome.successor, when.comparison) {
        (Some(successor), _) => format!("`{successor}` replaces it and is in operation"),
        (None, Some((comparison, threshold))) => {
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
        (None, None) => "its condition holds".to_string(),
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

fn insufficient(trigger: &Trigger, when: &When, outcome: &Outcome) -> Diagnostic {
    let missing = outcome.missing();
    Diagnostic::new(
        Code::InsufficientData,
        when.metric.span,
        format!(
            "trigger `{}` cannot judge service `{}`: no `{}` observation for {}",
            trigger.id.value,
            outcome.service,
            when.metric.value,
            listed(missing.iter().map(PeriodKey::to_string))
        ),
    )
    .help("a missing period is never a pass: add its row to a CSV under `metrics/`")
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
                    .help("a missing period is never a pass: add its row to a CSV under `metrics/`"),
                );
            }
        }
    }
    diags
}

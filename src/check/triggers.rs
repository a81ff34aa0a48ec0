//! Retirement triggers: `no-trigger-coverage`, `trigger-metric-cadence`,
//! thresholds outside their metric's unit, and the built-in `superseded`
//! condition, which needs no metrics and is evaluated on every run.

use super::{at_declaration, slas::unit_range};
use crate::base::{Code, Diagnostic};
use crate::model::*;

pub(super) fn check(index: &Index) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let triggers = &index.model.triggers;
    for service in &index.model.services {
        if service.stage() == Some(Stage::Operation)
            && index.triggers_of(&service.id.value).is_empty()
        {
            diags.push(
                at_declaration(
                    Code::NoTriggerCoverage,
                    &service.id,
                    service.stage,
                    format!("no trigger applies to service `{}`", service.id.value),
                )
                .help("add a `trigger` whose `applies-to` selects it, so the PMO learns when to review it"),
            );
        }
    }
    for trigger in triggers {
        let Some(when) = &trigger.when else { continue };
        if let Window::Within { k, n, span } = when.window
            && k > n
        {
            diags.push(Diagnostic::new(
                Code::TriggerMetricCadence,
                span,
                format!(
                    "trigger `{}` asks for {k} of the last {n} periods; {k} is more than {n}",
                    trigger.id.value
                ),
            ));
        }
        if let Some((_, value)) = when.comparison {
            diags.extend(unit_range(index, &when.metric, value));
        }
        if when.is_superseded() {
            diags.extend(superseded(index, trigger, when));
        }
    }
    diags
}

/// `trigger-fired` for every service the trigger selects (in operation or
/// transform, old enough) that a service in operation `replaces`.
fn superseded(index: &Index, trigger: &Trigger, when: &When) -> Vec<Diagnostic> {
    // Each replaced service's first successor in operation.
    let mut successors: std::collections::HashMap<&str, &Service> =
        std::collections::HashMap::new();
    for s in index
        .model
        .services
        .iter()
        .filter(|s| s.stage() == Some(Stage::Operation))
    {
        for replaced in &s.replaces {
            successors.entry(replaced.value.as_str()).or_insert(s);
        }
    }
    let mut diags = Vec::new();
    for service in &index.model.services {
        let Some(successor) = successors.get(service.id.value.as_str()) else {
            continue;
        };
        let evaluated = matches!(service.stage(), Some(Stage::Operation | Stage::Transform))
            && trigger.applies_to(service)
            && old_enough(index, trigger, service);
        if evaluated {
            diags.push(
                Diagnostic::new(
                    Code::TriggerFired,
                    when.metric.span,
                    format!(
                        "trigger `{}` fired for service `{}`: `{}` replaces it and is in operation",
                        trigger.id.value, service.id.value, successor.id.value
                    ),
                )
                .label(service.id.span, format!("service `{}`", service.id.value)),
            );
        }
    }
    diags
}

/// `min-age`: counted from the earliest `go` decision; a service with none
/// (and, without metrics, no first observation) is not evaluated.
fn old_enough(index: &Index, trigger: &Trigger, service: &Service) -> bool {
    let Some(min_age) = trigger.min_age else {
        return true;
    };
    let first_go = service
        .decisions
        .iter()
        .filter(|d| d.outcome.is_some_and(|o| o.value == Outcome::Go))
        .filter_map(|d| d.date.map(|d| d.value))
        .min();
    first_go.is_some_and(|start| add_duration(start, min_age.value) <= index.as_of)
}

/// A date plus a duration (working days skip weekends).
pub(super) fn add_duration(date: jiff::civil::Date, d: Duration) -> jiff::civil::Date {
    use jiff::ToSpan;
    let n = i64::from(d.count);
    let span = match d.unit {
        DurationUnit::Hour => return date,
        DurationUnit::WorkingDay => {
            let weeks = (n / 5).min(100_000);
            let mut at = date
                .checked_add((7 * weeks).days())
                .unwrap_or(jiff::civil::Date::MAX);
            let mut left = n % 5;
            while left > 0 {
                at = at.tomorrow().unwrap_or(at);
                if at.weekday().to_monday_one_offset() <= 5 {
                    left -= 1;
                }
            }
            return at;
        }
        DurationUnit::Day => n.days(),
        DurationUnit::Week => n.weeks(),
        DurationUnit::Month => n.months(),
        DurationUnit::Quarter => (3 * n).months(),
        DurationUnit::Year => n.years(),
    };
    date.checked_add(span).unwrap_or(jiff::civil::Date::MAX)
}

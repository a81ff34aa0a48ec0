//! Retirement triggers as declared: `no-trigger-coverage`,
//! `trigger-metric-cadence` and thresholds outside their metric's unit.
//! Whether a trigger fires is the evaluation's call (`crate::metrics`);
//! `check::metrics` reports it.

use super::{at_declaration, slas::unit_range};
use crate::base::{Code, Diagnostic};
use crate::model::{Index, Stage, Window};

pub(super) fn check(index: &Index) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let triggers = &index.model.triggers;
    for service in &index.model.services {
        if service.stage() == Some(Stage::Operation)
            && index.triggers_of(&service.id.value).len() == 0
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
    }
    diags
}

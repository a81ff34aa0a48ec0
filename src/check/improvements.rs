//! Improvements (language 1.1, section 7): `done` and `dropped` dated
//! after as-of (`invalid-value`, as-of being known only here),
//! `improvement-overdue`, and `improvement-no-effect` from the effect the
//! evaluation judged ([`crate::metrics::effect`]). Never for an
//! improvement of a retired service.

use crate::base::{Code, Diagnostic};
use crate::metrics::{Evaluation, Verdict};
use crate::model::{Improvement, Index, Service, Stage};

/// Whether an improvement's rules run: its service is declared and not
/// retired (an improvement naming an unknown service is the reference
/// rules' finding alone).
fn judged(index: &Index, improvement: &Improvement) -> bool {
    improvement
        .service
        .as_ref()
        .and_then(|s| index.get::<Service>(&s.value))
        .is_some_and(|s| s.stage() != Some(Stage::Retired))
}

/// The model rules: dates after as-of and `improvement-overdue`.
pub fn check(index: &Index) -> Vec<Diagnostic> {
    let as_of = index.as_of;
    let mut diags = Vec::new();
    for improvement in &index.model.improvements {
        let id = &improvement.id.value;
        let closed = improvement
            .done
            .map(|d| ("done", d))
            .or(improvement.dropped.as_ref().map(|d| ("dropped", d.date)));
        if let Some((what, date)) = closed.filter(|(_, d)| d.value > as_of) {
            diags.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    date.span,
                    format!(
                        "improvement `{id}` is {what} on {}, after as-of ({as_of})",
                        date.value
                    ),
                )
                .help(format!(
                    "record `{what}` once it has happened, or move as-of (`--as-of`)"
                )),
            );
        }
        if !judged(index, improvement) {
            continue;
        }
        let Some(due) = improvement.due else {
            continue;
        };
        if improvement.is_overdue(as_of) {
            diags.push(
                Diagnostic::new(
                    Code::ImprovementOverdue,
                    due.span,
                    format!(
                        "improvement `{id}` was due on {} and is neither done nor dropped (as of {as_of})",
                        due.value
                    ),
                )
                .help("record `done DATE` when it was made, or `dropped DATE reason=\"…\"`; or agree a later `due`"),
            );
        }
    }
    diags
}

/// `improvement-no-effect`: a done improvement whose expectation was
/// missed, at its `expect` node, with the baseline and the value observed.
pub fn no_effect(index: &Index, evaluation: &Evaluation) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for improvement in &index.model.improvements {
        let (Some(effect), Some(expect)) = (
            evaluation.effect(&improvement.id.value),
            improvement.expect.as_ref(),
        ) else {
            continue;
        };
        if effect.verdict != Verdict::Missed || !judged(index, improvement) {
            continue;
        }
        let (Some((period, value)), Some(bound), Some(by)) =
            (effect.observed, expect.bound.as_ref(), expect.by)
        else {
            continue;
        };
        let baseline = match effect.baseline {
            Some((p, v)) => format!("{} in {p} before it was done", number(v)),
            None => "no observation before it was done".to_string(),
        };
        diags.push(
            Diagnostic::new(
                Code::ImprovementNoEffect,
                expect.span,
                format!(
                    "improvement `{}` expected `{}` {} {} by {}: it was {} in {period} (baseline: {baseline})",
                    improvement.id.value,
                    expect.metric.value,
                    bound.kind,
                    number(bound.value.value),
                    by.value,
                    number(value),
                ),
            )
            .label(bound.value.span, "the expectation")
            .help("judge whether the improvement worked: record a further improvement that answers the trigger, or take the question to its gate"),
        );
    }
    diags
}

/// A number as people write it: no `.0` on whole numbers.
fn number(v: f64) -> String {
    crate::base::number::show(v)
}

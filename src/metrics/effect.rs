//! The effect of an improvement (language 1.1, section 7): whether the
//! metric it was expected to move met its expectation. One judgement, read
//! by `improvement-no-effect`, the catalog, the site and the review.

use jiff::civil::Date;
use serde::Serialize;

use super::{Observations, PeriodKey};
use crate::base::Spanned;
use crate::model::{Improvement, Index, Metric};

/// What the observations say of a done improvement's expectation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The latest observation on or before `by`, in a period starting on
    /// or after `done`, meets the expectation.
    Met,
    /// It misses the expectation (`improvement-no-effect`).
    Missed,
    /// `by` is not before as-of yet, or no such observation exists.
    NotYetMeasurable,
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Verdict::Met => "met",
            Verdict::Missed => "missed",
            Verdict::NotYetMeasurable => "not yet measurable",
        })
    }
}

/// The effect of a done improvement with an expectation.
#[derive(Debug, Clone, PartialEq)]
pub struct Effect {
    pub verdict: Verdict,
    /// The latest observation in a complete period that ends before `done`.
    pub baseline: Option<(PeriodKey, f64)>,
    /// The observation judged: the latest on or before `by` in a period
    /// that starts on or after `done`.
    pub observed: Option<(PeriodKey, f64)>,
}

/// The day after a period's last day.
fn day_after(p: PeriodKey) -> Date {
    p.next().first_day()
}

/// Judges a done improvement's expectation against the observations:
/// `None` for an improvement not done, or without a complete expectation
/// (metric, bound and `by`). Only periods of the metric's cadence count
/// (every period observed when it has none); only complete periods (ending
/// before as-of).
pub fn effect(
    index: &Index,
    improvement: &Improvement,
    observations: Option<&Observations>,
) -> Option<Effect> {
    let done = improvement.done?.value;
    let expect = improvement.expect.as_ref()?;
    let bound = expect.bound.as_ref()?;
    let by = expect.by?.value;
    let service = improvement.service.as_ref()?;
    let cadence = index
        .get::<Metric>(&expect.metric.value)
        .and_then(|m| m.cadence.map(|c: Spanned<_>| c.value));
    let as_of = index.as_of;
    let series = observations.and_then(|o| o.series(&service.value, &expect.metric.value));
    let observed_in = |keep: &dyn Fn(PeriodKey) -> bool| {
        series.and_then(|s| {
            s.iter()
                .rev()
                .filter(|(p, _)| cadence.is_none_or(|c| p.kind() == c))
                .filter(|(p, _)| day_after(**p) <= as_of)
                .find(|(p, _)| keep(**p))
                .map(|(p, sample)| (*p, sample.value))
        })
    };
    let baseline = observed_in(&|p| day_after(p) <= done);
    // Ends on or before `by`: its last day is not after `by`.
    let observed =
        observed_in(&|p| p.first_day() >= done && day_after(p) <= by.tomorrow().unwrap_or(by));
    let verdict = match observed {
        _ if by >= as_of => Verdict::NotYetMeasurable,
        None => Verdict::NotYetMeasurable,
        Some((_, v)) if bound.passes(v) => Verdict::Met,
        Some(_) => Verdict::Missed,
    };
    Some(Effect {
        verdict,
        baseline,
        observed: observed.filter(|_| by < as_of),
    })
}

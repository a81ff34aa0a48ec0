//! Adoption on plan (LANGUAGE-1.1 section 6): a rollout's [`AdoptionPlan`], the
//! straight line from (the start of its earliest phase, the baseline
//! `from`) to (`by`, the threshold), and the one [`judge`]ment of the
//! observed adoption against it that `adoption-behind-plan`,
//! `adoption-missed`, the catalog, the site and the review all read.
//!
//! Dates are whole days. The plan's value at a date is
//! `from + (threshold − from) × elapsed / length` (elapsed and length in
//! days, clamped to the line's ends); an observation is *behind* when it is
//! on the failing side of it, compared without dividing
//! (`(observed − from) × length` against `(threshold − from) × elapsed`), so
//! an observation exactly on the line is on plan. Pages show the plan's
//! value rounded to one decimal ([`AdoptionPlan::at`] is unrounded).

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::Serialize;

use super::{Observations, PeriodKey};
use crate::model::{BoundKind, Rollout, Service};

/// A rollout's adoption plan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdoptionPlan {
    /// The first day of the rollout's earliest phase with a `start`.
    pub start: Date,
    /// The baseline (`from`, or 0 for an `at-least` target).
    pub from: f64,
    /// The target date (`by`).
    pub by: Date,
    /// The threshold and its side.
    pub threshold: f64,
    pub kind: BoundKind,
}

/// Where a service's adoption stands against its plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Standing {
    /// `by` is on or after as-of and the latest observation is on the plan's
    /// line or on its passing side.
    OnPlan,
    /// `by` is on or after as-of and the latest observation is on the
    /// failing side of the plan (`adoption-behind-plan`).
    BehindPlan,
    /// `by` is before as-of and the target was met: by the latest
    /// observation on or before `by`, or in a complete period after it.
    Met,
    /// `by` is before as-of, the latest observation on or before `by` misses
    /// the threshold and none after it meets it (`adoption-missed`).
    Missed,
}

/// A rollout's adoption judged against its plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Judgement {
    pub standing: Standing,
    /// The observation judged: the latest (on plan, behind) or the latest
    /// on or before `by` (met, missed), or the one after `by` that met it.
    pub period: PeriodKey,
    pub value: f64,
    /// The plan's value at the last day of that period (unrounded).
    pub planned: f64,
}

/// Whole days from `a` to `b` (negative when `b` is earlier).
fn days(a: Date, b: Date) -> i64 {
    a.until(b).map(|s| i64::from(s.get_days())).unwrap_or(0)
}

/// The last day of a period.
pub fn last_day(period: PeriodKey) -> Date {
    period.next().first_day().yesterday().unwrap_or(Date::MAX)
}

impl AdoptionPlan {
    /// The plan of a service's rollout: none without an adoption target with
    /// a threshold, a baseline and `by`, or without a phase with a `start`.
    pub fn of(service: &Service) -> Option<AdoptionPlan> {
        let rollout = service.rollout.as_ref()?;
        let target = rollout.adoption_target.as_ref()?;
        let bound = target.bound?;
        let start = start(rollout)?;
        Some(AdoptionPlan {
            start,
            from: target.baseline()?,
            by: target.by?.value,
            threshold: bound.value.value,
            kind: bound.kind,
        })
    }

    /// Elapsed and total days of the line at `date`, clamped to its ends
    /// (a line whose `by` is not after its start is the threshold from its
    /// start on).
    fn progress(&self, date: Date) -> (f64, f64) {
        let length = days(self.start, self.by);
        if length <= 0 {
            return if date < self.start {
                (0.0, 1.0)
            } else {
                (1.0, 1.0)
            };
        }
        let elapsed = days(self.start, date).clamp(0, length);
        (elapsed as f64, length as f64)
    }

    /// The plan's value at `date`: `from` up to the start, the threshold
    /// from `by` on, the straight line between.
    pub fn at(&self, date: Date) -> f64 {
        let (elapsed, length) = self.progress(date);
        self.from + (self.threshold - self.from) * elapsed / length
    }

    /// Whether `observed` at `date` is on the failing side of the plan.
    pub fn behind(&self, date: Date, observed: f64) -> bool {
        let (elapsed, length) = self.progress(date);
        let have = (observed - self.from) * length;
        let want = (self.threshold - self.from) * elapsed;
        match self.kind {
            BoundKind::AtLeast => have < want,
            BoundKind::AtMost => have > want,
        }
    }

    /// Whether `observed` meets the threshold.
    pub fn meets(&self, observed: f64) -> bool {
        match self.kind {
            BoundKind::AtLeast => observed >= self.threshold,
            BoundKind::AtMost => observed <= self.threshold,
        }
    }
}

/// The plan's start: the first day of the rollout's earliest phase with a
/// `start`.
pub fn start(rollout: &Rollout) -> Option<Date> {
    rollout
        .phases
        .iter()
        .filter_map(|p| p.start)
        .map(|s| s.value)
        .min()
}

/// The plan's value as pages, messages and the catalog show it: one decimal.
pub fn rounded(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// The observed adoption of a service in its complete periods up to
/// `last` (the latest complete period at as-of), oldest first.
pub fn observed(
    observations: &Observations,
    service: &str,
    metric: &str,
    last: PeriodKey,
) -> Vec<(PeriodKey, f64)> {
    observations
        .series(service, metric)
        .map(|series| series.range(..=last).map(|(p, s)| (*p, s.value)).collect())
        .unwrap_or_default()
}

/// At most this many periods on an adoption chart: a `by` centuries away
/// draws no more.
pub const MAX_COLUMNS: usize = 60;

/// One period of an adoption chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column {
    pub period: PeriodKey,
    /// The observation (complete periods up to as-of only).
    pub value: Option<f64>,
    /// The plan's value at the period's last day, rounded to one decimal.
    pub planned: Option<f64>,
    /// Whether the observation is on the failing side of the plan (of the
    /// threshold from `by` on); without a plan, whether it misses the
    /// threshold.
    pub behind: Option<bool>,
}

/// The periods of an adoption chart: from the earlier of the first
/// observation and the plan's start to the later of `last` (the latest
/// complete period) and the period holding `by`, at most [`MAX_COLUMNS`].
pub fn columns(
    plan: Option<&AdoptionPlan>,
    bound: Option<crate::model::Bound>,
    series: &[(PeriodKey, f64)],
    last: PeriodKey,
) -> Vec<Column> {
    let kind = last.kind();
    let first = series.first().map(|(p, _)| *p);
    let start = plan.map(|p| PeriodKey::containing(p.start, kind));
    let Some(mut at) = [first, start].into_iter().flatten().min() else {
        return Vec::new();
    };
    let end = plan
        .map(|p| PeriodKey::containing(p.by, kind))
        .map_or(last, |by| by.max(last));
    let mut out = Vec::new();
    while at <= end && out.len() < MAX_COLUMNS {
        let value = series.iter().find(|(p, _)| *p == at).map(|(_, v)| *v);
        let day = last_day(at);
        out.push(Column {
            period: at,
            value,
            planned: plan.map(|p| rounded(p.at(day))),
            behind: value.and_then(|v| match plan {
                Some(p) => Some(p.behind(day, v)),
                None => bound.map(|b| !b.passes(v)),
            }),
        });
        at = at.next();
    }
    out
}

/// The judgement of a series (oldest first, complete periods only) against
/// the plan at `as_of`; none without observations. An observation is on or
/// before `by` when its period starts on or before `by`, after it when its
/// period starts after `by`.
pub fn judge(plan: &AdoptionPlan, series: &[(PeriodKey, f64)], as_of: Date) -> Option<Judgement> {
    let judged = |&(period, value): &(PeriodKey, f64), standing| Judgement {
        standing,
        period,
        value,
        planned: plan.at(last_day(period)),
    };
    if plan.by >= as_of {
        let latest = series.last()?;
        let behind = plan.behind(last_day(latest.0), latest.1);
        let standing = if behind {
            Standing::BehindPlan
        } else {
            Standing::OnPlan
        };
        return Some(judged(latest, standing));
    }
    let before = series.iter().rfind(|(p, _)| p.first_day() <= plan.by)?;
    if plan.meets(before.1) {
        return Some(judged(before, Standing::Met));
    }
    match series
        .iter()
        .filter(|(p, _)| p.first_day() > plan.by)
        .rfind(|(_, v)| plan.meets(*v))
    {
        Some(after) => Some(judged(after, Standing::Met)),
        None => Some(judged(before, Standing::Missed)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Period;
    use jiff::civil::date;

    fn plan(kind: BoundKind, from: f64, threshold: f64) -> AdoptionPlan {
        AdoptionPlan {
            start: date(2027, 1, 1),
            from,
            by: date(2027, 1, 31),
            threshold,
            kind,
        }
    }

    fn month(s: &str) -> PeriodKey {
        let p = PeriodKey::parse(s).unwrap();
        assert_eq!(p.kind(), Period::Month);
        p
    }

    #[test]
    fn the_line_is_exact_in_days_and_clamped() {
        let p = plan(BoundKind::AtLeast, 10.0, 40.0);
        assert_eq!(p.at(date(2026, 12, 1)), 10.0);
        assert_eq!(p.at(date(2027, 1, 1)), 10.0);
        assert_eq!(p.at(date(2027, 1, 11)), 20.0);
        assert_eq!(p.at(date(2027, 1, 31)), 40.0);
        assert_eq!(p.at(date(2027, 6, 1)), 40.0);
        // On the line is on plan; just below is behind.
        assert!(!p.behind(date(2027, 1, 11), 20.0));
        assert!(p.behind(date(2027, 1, 11), 19.99));
        let q = plan(BoundKind::AtMost, 40.0, 10.0);
        assert!(!q.behind(date(2027, 1, 11), 30.0));
        assert!(q.behind(date(2027, 1, 11), 30.01));
    }

    #[test]
    fn a_line_without_length_is_the_threshold_from_its_start() {
        let mut p = plan(BoundKind::AtLeast, 0.0, 50.0);
        p.by = p.start;
        assert_eq!(p.at(date(2026, 12, 31)), 0.0);
        assert_eq!(p.at(p.start), 50.0);
    }

    #[test]
    fn missed_unless_met_after_by() {
        let p = plan(BoundKind::AtLeast, 0.0, 40.0);
        let as_of = date(2027, 4, 1);
        let s = [(month("2027-01"), 30.0), (month("2027-02"), 35.0)];
        let j = judge(&p, &s, as_of).unwrap();
        assert_eq!((j.standing, j.period), (Standing::Missed, month("2027-01")));
        let s = [(month("2027-01"), 30.0), (month("2027-03"), 40.0)];
        assert_eq!(judge(&p, &s, as_of).unwrap().standing, Standing::Met);
        assert_eq!(judge(&p, &[], as_of), None);
        // Nothing on or before `by`: not judged.
        assert_eq!(judge(&p, &[(month("2027-02"), 1.0)], as_of), None);
    }
}

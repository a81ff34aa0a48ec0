//! The breach allowance of an SLA (LANGUAGE-1.1 section 6: `budget
//! breaches=N per="year"`): how many of its periods were breached in the
//! calendar year judged, how many are left, and where the year is heading.
//! One judgement ([`judge`], kept in [`Evaluation::allowances`]) read by
//! `budget-exhausted` and `budget-burning`, the catalog, the service and
//! health pages and the review.
//!
//! The year judged is as-of's, on its complete periods so far; when it has
//! none yet (always for a yearly SLA), the previous calendar year as a
//! whole. A period is breached when some target of the SLA is breached in
//! it (the test of `sla-breached`); a period without an observation is not
//! breached; a period before the SLA `starts` does not exist. Counts and
//! comparisons are integers.
//!
//! [`Evaluation::allowances`]: super::Evaluation::allowances

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::Serialize;

use super::evaluate::{Measured, sla_period_exists};
use super::{Observations, PeriodKey};
use crate::model::{Index, Period, Service, Sla, Stage};

/// Where an allowance stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AllowanceState {
    /// Used at most at the pace of the allowance.
    Within,
    /// Not used up, but used faster than the year allows (`budget-burning`).
    Burning,
    /// More periods breached than allowed (`budget-exhausted`).
    Exhausted,
}

impl AllowanceState {
    pub fn as_str(self) -> &'static str {
        match self {
            AllowanceState::Within => "within",
            AllowanceState::Burning => "burning",
            AllowanceState::Exhausted => "exhausted",
        }
    }
}

/// An SLA's breach allowance judged.
#[derive(Debug, Clone, PartialEq)]
pub struct Allowance {
    /// N: the breached periods allowed per calendar year.
    pub allowed: u64,
    /// The calendar year judged.
    pub year: i16,
    /// Whether that year is judged as a whole (the previous calendar year,
    /// when as-of's has no complete period yet): nothing is projected.
    pub whole_year: bool,
    /// P: the SLA's periods in a year (12, 4 or 1), in the kind of period
    /// it is measured by.
    pub per_year: u64,
    /// k: the periods of the year judged (complete, existing for the SLA).
    pub judged: u64,
    /// b: the breached periods among them.
    pub used: u64,
    /// The breached periods, oldest first.
    pub breached: Vec<PeriodKey>,
    /// The periods judged without an observation (not breached).
    pub unobserved: u64,
    /// At this pace, the breached periods by the year's end: b × P / k
    /// rounded up (b for a year judged whole, 0 when nothing is judged).
    pub projected: u64,
    pub state: AllowanceState,
}

impl Allowance {
    /// N − b, never below zero.
    pub fn left(&self) -> u64 {
        self.allowed.saturating_sub(self.used)
    }

    /// How many breached periods over the allowance (b − N, at least 0).
    pub fn over(&self) -> u64 {
        self.used.saturating_sub(self.allowed)
    }
}

/// The periods of `kind` in a calendar year, oldest first.
fn periods_of(year: i16, kind: Period) -> Vec<PeriodKey> {
    let first = Date::new(year, 1, 1).unwrap_or(Date::MIN);
    PeriodKey::containing(first, Period::Year).parts(kind)
}

/// The breach allowance of `sla` of `service`, when it has one and is
/// judged: the SLA is in force (not ended), the service not retired, and
/// some target can be judged (its metric has a cadence and it a bound).
pub fn judge(
    index: &Index,
    service: &Service,
    sla: &Sla,
    observations: &Observations,
) -> Option<Allowance> {
    let budget = sla.budget.as_ref()?;
    if service.stage() == Some(Stage::Retired) {
        return None;
    }
    let measured = Measured::of(index, sla)?;
    let kind = measured.kind;
    let last = PeriodKey::last_complete(index.as_of, kind);
    let existing = |year: i16| -> Vec<PeriodKey> {
        periods_of(year, kind)
            .into_iter()
            .filter(|p| *p <= last && sla_period_exists(sla, *p))
            .collect()
    };
    let this_year = index.as_of.year();
    let current = existing(this_year);
    let (year, periods, whole_year) = if current.is_empty() {
        let previous = this_year.saturating_sub(1);
        (previous, existing(previous), true)
    } else {
        (this_year, current, false)
    };
    let id = &service.id.value;
    let mut breached = Vec::new();
    let mut unobserved = 0;
    for &p in &periods {
        match measured.breached(id, p, observations).0 {
            Some(true) => breached.push(p),
            Some(false) => {}
            None => unobserved += 1,
        }
    }
    let allowed = budget.breaches.value;
    let per_year = periods_of(year, kind).len() as u64;
    let judged = periods.len() as u64;
    let used = breached.len() as u64;
    let projected = match (whole_year, judged) {
        (true, _) => used,
        (false, 0) => 0,
        (false, k) => (used * per_year).div_ceil(k),
    };
    // b × P > N × k, in integers wide enough for any N.
    let pace_over =
        u128::from(used) * u128::from(per_year) > u128::from(allowed) * u128::from(judged);
    let state = if used > allowed {
        AllowanceState::Exhausted
    } else if !whole_year && pace_over {
        AllowanceState::Burning
    } else {
        AllowanceState::Within
    };
    Some(Allowance {
        allowed,
        year,
        whole_year,
        per_year,
        judged,
        used,
        breached,
        unobserved,
        projected,
        state,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_has_twelve_months_four_quarters_one_year() {
        assert_eq!(periods_of(2026, Period::Month).len(), 12);
        assert_eq!(periods_of(2026, Period::Quarter).len(), 4);
        assert_eq!(periods_of(2026, Period::Year).len(), 1);
        assert_eq!(periods_of(2026, Period::Quarter)[0].to_string(), "2026-Q1");
    }
}

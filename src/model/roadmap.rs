//! The roadmap's dates (section 2 of the 1.1 language): the checkpoints the
//! forward-looking rules judge at, a service's stage at a date, and which
//! plans are reached, slipped or ahead. Every reader (the rules, the
//! catalog, the site, the review's agenda) asks these functions, so each
//! judgement is made once.

use jiff::civil::Date;

use super::{Index, Plan, Service, Spanned, Stage};

/// The checkpoints of `as_of`: as-of itself, then the first day of each of
/// the three calendar quarters after the one holding it. Past the last
/// date the calendar holds (9999-12-31) a checkpoint stays at that date.
pub fn checkpoints(as_of: Date) -> [Date; 4] {
    let quarter_start = |n: i32| {
        // Months since year 0 of the first month of the quarter `n` after.
        let months = i32::from(as_of.year()) * 12 + (i32::from(as_of.month()) - 1) / 3 * 3 + 3 * n;
        let (year, month) = (months.div_euclid(12), months.rem_euclid(12) + 1);
        i16::try_from(year)
            .ok()
            .and_then(|y| Date::new(y, month as i8, 1).ok())
            .unwrap_or(Date::MAX)
    };
    [as_of, quarter_start(1), quarter_start(2), quarter_start(3)]
}

impl Service {
    /// The service's stage at `date`: the furthest (in lifecycle order) of
    /// its current stage and the stages of its plans whose `by` is on or
    /// before `date`, slipped plans included (their work is still ahead).
    /// `Some(Stage::Retired)` when it is retired at that date (now, or by a
    /// due `plan "retired"`): it then delivers nothing. `None` when its
    /// `stage` is missing (a project with a schema error).
    pub fn stage_at(&self, date: Date) -> Option<Stage> {
        let current = self.stage()?;
        let planned = self
            .plans
            .iter()
            .filter(|p| p.by.is_some_and(|by| by.value <= date))
            .map(|p| p.stage.value);
        Some(planned.fold(current, Stage::max))
    }

    /// Whether the service has reached `stage`: it is its current stage or
    /// one before it in the lifecycle (so `retired` only when retired).
    /// `None` when its `stage` is missing.
    pub fn has_reached(&self, stage: Stage) -> Option<bool> {
        self.stage().map(|current| stage <= current)
    }

    /// Its plan for `stage`, if it has one.
    pub fn plan(&self, stage: Stage) -> Option<&Plan> {
        self.plans.iter().find(|p| p.stage.value == stage)
    }
}

/// Where a plan stands at as-of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanState {
    /// The service has reached the planned stage (or is retired): the plan
    /// is history and is not judged.
    Reached,
    /// Not reached, and its `by` is before as-of.
    Slipped,
    /// Not reached, and its `by` is on or after as-of.
    Ahead,
}

/// A plan not yet reached, of a service that is not retired, due on or
/// before a date: what `plan-slipped` reports (the slipped ones) and what
/// the review's agenda lists (slipped, and due within its horizon).
#[derive(Debug, Clone, Copy)]
pub struct DuePlan<'m> {
    pub service: &'m Service,
    pub plan: &'m Plan,
    pub by: Spanned<Date>,
    /// Its `by` is before as-of.
    pub slipped: bool,
}

impl<'m> Index<'m> {
    /// Where `plan` of `service` stands at as-of; `None` when the service's
    /// `stage` or the plan's `by` is missing (nothing to judge). Every plan
    /// of a retired service is reached.
    pub fn plan_state(&self, service: &Service, plan: &Plan) -> Option<PlanState> {
        let by = plan.by?;
        Some(if service.has_reached(plan.stage.value)? {
            PlanState::Reached
        } else if by.value < self.as_of {
            PlanState::Slipped
        } else {
            PlanState::Ahead
        })
    }

    /// The plans slipped and the plans due on or before `through` (pass
    /// as-of for the slipped ones alone), in model order: plans not yet
    /// reached of services that are not retired. The one judgement of
    /// `plan-slipped`, the catalog's `slipped` flag and the review's agenda.
    pub fn plans_due(&self, through: Date) -> Vec<DuePlan<'m>> {
        let mut due = Vec::new();
        for service in &self.model.services {
            for plan in &service.plans {
                let state = self.plan_state(service, plan);
                let Some(by) = plan.by.filter(|by| by.value <= through) else {
                    continue;
                };
                if matches!(state, Some(PlanState::Slipped | PlanState::Ahead)) {
                    due.push(DuePlan {
                        service,
                        plan,
                        by,
                        slipped: state == Some(PlanState::Slipped),
                    });
                }
            }
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn checkpoints_are_as_of_and_the_next_three_quarter_starts() {
        assert_eq!(
            checkpoints(date(2026, 12, 7)),
            [
                date(2026, 12, 7),
                date(2027, 1, 1),
                date(2027, 4, 1),
                date(2027, 7, 1)
            ]
        );
        // A quarter's first day is as-of, not one of the three after it.
        assert_eq!(
            checkpoints(date(2026, 4, 1)),
            [
                date(2026, 4, 1),
                date(2026, 7, 1),
                date(2026, 10, 1),
                date(2027, 1, 1)
            ]
        );
        assert_eq!(
            checkpoints(date(9999, 11, 30)),
            [date(9999, 11, 30), Date::MAX, Date::MAX, Date::MAX]
        );
    }
}

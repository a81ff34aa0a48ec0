//! Change load on customer groups (section 3 of version 1.1): which
//! services change each group in which calendar month, computed once.
//! The rule `change-saturation`, the change-load page, `catalog.json` and
//! the review all read [`change_load`].
//!
//! A *change* touching a group, for each service that is not retired: its
//! pilot (from `start` to `review`) when the pilot's `groups` name the
//! group; each rollout phase whose `groups=` names it (from `start` to
//! `end`; one date: that month only); its transform (from as-of to
//! `target-date`; overdue or without `target-date`: as-of's month) when the
//! service is in transform and offered to the group at any level. A range
//! whose end is before its start counts in its start's month only. A
//! service counts once per group and month.
//!
//! Changes are kept as ranges of months, never expanded month by month, so
//! the work is linear in the catalogue (and a sort per group) however far
//! apart the dates are.

use jiff::civil::Date;
use rustc_hash::FxHashMap as HashMap;

use super::{Customer, Index, Service, Stage};
use crate::base::Span;

/// A calendar month, as months since year 0 (so months compare and count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(i32);

impl Month {
    /// The month holding `date`.
    pub fn of(date: Date) -> Month {
        Month(i32::from(date.year()) * 12 + i32::from(date.month()) - 1)
    }

    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    /// 1 to 12.
    pub fn number(self) -> i32 {
        self.0.rem_euclid(12) + 1
    }

    /// The month `n` months later.
    pub fn plus(self, n: i32) -> Month {
        Month(self.0.saturating_add(n))
    }

    /// Its first day.
    pub fn first_day(self) -> Date {
        Date::new(self.year() as i16, self.number() as i8, 1).unwrap_or(Date::MAX)
    }
}

impl std::fmt::Display for Month {
    /// `2027-01`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.number())
    }
}

/// What changes a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Pilot,
    /// A rollout phase, by its position in the rollout.
    Phase(usize),
    Transform,
}

/// One change of one service touching one group, over a range of months.
#[derive(Debug, Clone, Copy)]
pub struct Change<'m> {
    pub service: &'m Service,
    pub kind: ChangeKind,
    /// The first and last month it touches (inclusive).
    pub from: Month,
    pub to: Month,
    /// Where it is written: the reference naming the group (pilot, phase)
    /// or the `transform` node.
    pub at: Span,
}

impl Change<'_> {
    pub fn touches(&self, month: Month) -> bool {
        self.from <= month && month <= self.to
    }

    /// `pilot`, `rollout phase "Retail"`, `transform`.
    pub fn describe(&self) -> String {
        match self.kind {
            ChangeKind::Pilot => "pilot".into(),
            ChangeKind::Transform => "transform".into(),
            ChangeKind::Phase(i) => {
                let name = self
                    .service
                    .rollout
                    .as_ref()
                    .and_then(|r| r.phases.get(i))
                    .map_or("", |p| p.name.value.as_str());
                format!("rollout phase \"{name}\"")
            }
        }
    }
}

/// The changes touching one customer group.
#[derive(Debug, Clone)]
pub struct GroupLoad<'m> {
    pub customer: &'m Customer,
    /// Its changes, in model order: each service's together.
    pub changes: Vec<Change<'m>>,
}

/// The services changing a group in one month, with the changes.
#[derive(Debug, Clone)]
pub struct MonthLoad<'m> {
    pub month: Month,
    /// Service ids, sorted, once each.
    pub services: Vec<&'m str>,
    /// The changes touching the month, in the group's order.
    pub changes: Vec<Change<'m>>,
}

impl MonthLoad<'_> {
    pub fn count(&self) -> usize {
        self.services.len()
    }
}

impl<'m> GroupLoad<'m> {
    /// The group's `change-capacity`, if it declares one.
    pub fn capacity(&self) -> Option<u64> {
        self.customer.change_capacity.map(|c| c.value)
    }

    /// Its load in `month`.
    pub fn at(&self, month: Month) -> MonthLoad<'m> {
        let changes: Vec<Change<'m>> = self
            .changes
            .iter()
            .filter(|c| c.touches(month))
            .copied()
            .collect();
        let mut services: Vec<&str> = changes.iter().map(|c| c.service.id.as_str()).collect();
        services.sort_unstable();
        services.dedup();
        MonthLoad {
            month,
            services,
            changes,
        }
    }

    /// Its load in each of `count` months from `first`.
    pub fn months(&self, first: Month, count: i32) -> Vec<MonthLoad<'m>> {
        (0..count).map(|n| self.at(first.plus(n))).collect()
    }

    /// The first month from `first` on in which more services change the
    /// group than its `change-capacity` (none without one): a sweep over
    /// the months where a service's changes start, so a range of any
    /// length costs the same.
    pub fn first_saturated(&self, first: Month) -> Option<MonthLoad<'m>> {
        let capacity = usize::try_from(self.capacity()?).unwrap_or(usize::MAX);
        // Each service's months as disjoint ranges from `first` on.
        let mut events: Vec<(Month, i32)> = Vec::new();
        for ranges in self.by_service(first) {
            for (from, to) in ranges {
                events.push((from, 1));
                events.push((to.plus(1), -1));
            }
        }
        events.sort_unstable();
        let mut count: i64 = 0;
        let mut i = 0;
        while i < events.len() {
            let month = events[i].0;
            while i < events.len() && events[i].0 == month {
                count += i64::from(events[i].1);
                i += 1;
            }
            if usize::try_from(count).unwrap_or(0) > capacity {
                return Some(self.at(month));
            }
        }
        None
    }

    /// Each service's changes as disjoint, merged ranges of months, clipped
    /// to start at `first`.
    fn by_service(&self, first: Month) -> Vec<Vec<(Month, Month)>> {
        let mut all = Vec::new();
        for same in self
            .changes
            .chunk_by(|a, b| std::ptr::eq(a.service, b.service))
        {
            let mut ranges: Vec<(Month, Month)> = same
                .iter()
                .filter(|c| c.to >= first)
                .map(|c| (c.from.max(first), c.to))
                .collect();
            ranges.sort_unstable();
            let mut merged: Vec<(Month, Month)> = Vec::with_capacity(ranges.len());
            for (from, to) in ranges {
                match merged.last_mut() {
                    Some(last) if from <= last.1.plus(1) => last.1 = last.1.max(to),
                    _ => merged.push((from, to)),
                }
            }
            all.push(merged);
        }
        all
    }
}

/// The first and last month of a range of dates: one date is its month;
/// an end before the start is the start's month.
fn months(start: Option<Date>, end: Option<Date>) -> Option<(Month, Month)> {
    let (from, to) = match (start, end) {
        (Some(s), Some(e)) if e >= s => (s, e),
        (Some(d), _) | (None, Some(d)) => (d, d),
        (None, None) => return None,
    };
    Some((Month::of(from), Month::of(to)))
}

/// The change load on every customer group, in model order of the groups:
/// each group's changes, from every service not retired.
pub fn change_load<'m>(index: &Index<'m>) -> Vec<GroupLoad<'m>> {
    let model = index.model;
    let mut by_group: HashMap<&str, Vec<Change<'m>>> = HashMap::default();
    let mut add = |group: &'m str, change: Change<'m>| {
        by_group.entry(group).or_default().push(change);
    };
    for service in &model.services {
        if service.stage() == Some(Stage::Retired) {
            continue;
        }
        let change = |kind, (from, to), at| Change {
            service,
            kind,
            from,
            to,
            at,
        };
        if let Some(pilot) = &service.pilot {
            let dates = (pilot.start.map(|d| d.value), pilot.review.map(|d| d.value));
            if let Some(range) = months(dates.0, dates.1) {
                for group in &pilot.groups {
                    add(&group.value, change(ChangeKind::Pilot, range, group.span));
                }
            }
        }
        for (i, phase) in service
            .rollout
            .iter()
            .flat_map(|r| r.phases.iter().enumerate())
        {
            let dates = (phase.start.map(|d| d.value), phase.end.map(|d| d.value));
            if let Some(range) = months(dates.0, dates.1) {
                for group in &phase.groups {
                    add(
                        &group.value,
                        change(ChangeKind::Phase(i), range, group.span),
                    );
                }
            }
        }
        if service.stage() == Some(Stage::Transform) {
            let now = Month::of(index.as_of);
            let target = service
                .transform
                .as_ref()
                .and_then(|t| t.target_date)
                .map_or(now, |d| Month::of(d.value).max(now));
            let at = service
                .transform
                .as_ref()
                .map_or(service.id.span, |t| t.span);
            for offer in &service.offers {
                add(
                    &offer.customer.value,
                    change(ChangeKind::Transform, (now, target), at),
                );
            }
        }
    }
    model
        .customers
        .iter()
        .map(|customer| GroupLoad {
            customer,
            changes: by_group.remove(customer.id.as_str()).unwrap_or_default(),
        })
        .collect()
}

/// A group over its `change-capacity` in a month ending on or after
/// as-of: the first such month. The condition of `change-saturation` and
/// of the review's agenda.
pub fn saturations<'m>(index: &Index<'m>) -> Vec<(GroupLoad<'m>, MonthLoad<'m>)> {
    let now = Month::of(index.as_of);
    change_load(index)
        .into_iter()
        .filter_map(|group| {
            let month = group.first_saturated(now)?;
            Some((group, month))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_count_across_years() {
        let m = Month::of(jiff::civil::date(2026, 12, 31));
        assert_eq!(m.to_string(), "2026-12");
        assert_eq!(m.plus(1).to_string(), "2027-01");
        assert_eq!(m.plus(1).first_day(), jiff::civil::date(2027, 1, 1));
        assert!(m < m.plus(1));
    }

    #[test]
    fn ranges_of_one_date_or_reversed_are_one_month() {
        let d = |m| jiff::civil::date(2027, m, 5);
        let one = |m| (Month::of(d(m)), Month::of(d(m)));
        assert_eq!(months(Some(d(3)), None), Some(one(3)));
        assert_eq!(months(None, Some(d(3))), Some(one(3)));
        assert_eq!(months(Some(d(3)), Some(d(1))), Some(one(3)));
        assert_eq!(
            months(Some(d(1)), Some(d(3))),
            Some((Month::of(d(1)), Month::of(d(3))))
        );
        assert_eq!(months(None, None), None);
    }
}

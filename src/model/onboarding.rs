//! The onboarding plan's one judgement (section 9 of version 1.1): whether
//! a rollout phase reaches its group after the group was told and trained
//! ([`Rollout::gap`]), read by `onboarding-gap`, the catalog and the
//! service page's timeline.

use jiff::civil::Date;

use super::{Communication, Phase, Rollout, Training};

/// What a phase's group lacks before the phase starts.
#[derive(Debug, Clone)]
pub struct PhaseGap<'m> {
    /// The group the phase reaches.
    pub group: &'m super::Id,
    /// No communication to the group dated on or before the start.
    pub untold: bool,
    /// No training of the group dated on or before the start.
    pub untrained: bool,
    /// The communications to the group (all dated after the start when
    /// `untold`).
    pub told: Vec<&'m Communication>,
    /// The trainings of the group (all dated after the start when
    /// `untrained`).
    pub trained: Vec<&'m Training>,
}

impl PhaseGap<'_> {
    /// What is missing, in words: `communication`, `training` or
    /// `communication and training`.
    pub fn missing(&self) -> &'static str {
        match (self.untold, self.untrained) {
            (true, true) => "communication and training",
            (true, false) => "communication",
            _ => "training",
        }
    }
}

impl Rollout {
    /// The gap of `phase`, if it has one: a phase with `groups=` and a
    /// `start` that ends on or after `as_of` (a phase with one date ends
    /// that day), whose group has no communication of this rollout, or no
    /// training, dated on or before the start.
    pub fn gap<'m>(&'m self, phase: &'m Phase, as_of: Date) -> Option<PhaseGap<'m>> {
        let start = phase.start?.value;
        let end = phase.end.map_or(start, |e| e.value.max(start));
        if end < as_of {
            return None;
        }
        let group = phase.groups.first()?;
        let g = group.value.as_str();
        let told: Vec<&Communication> = self
            .communications
            .iter()
            .filter(|c| c.to.as_ref().is_some_and(|to| to.value == g))
            .collect();
        let trained: Vec<&Training> = self
            .trainings
            .iter()
            .filter(|t| t.groups.iter().any(|x| x.value == g))
            .collect();
        let in_time = |d: Option<super::Spanned<Date>>| d.is_some_and(|d| d.value <= start);
        let untold = !told.iter().any(|c| in_time(c.on));
        let untrained = !trained.iter().any(|t| in_time(t.by));
        (untold || untrained).then_some(PhaseGap {
            group,
            untold,
            untrained,
            told,
            trained,
        })
    }
}

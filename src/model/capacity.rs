//! Capacity (section 1 of the 1.1 language): the demand the services'
//! `effort` entries put on each party at each checkpoint, against the
//! party's `fte`. One judgement, [`Index::capacity`]: the rule
//! `capacity-overcommitted`, the catalog, the capacity page and the
//! review's agenda all read it. Exact: sums in hundredths ([`Fte`]).

use rustc_hash::FxHashMap as HashMap;

use jiff::civil::Date;

use super::{Effort, Fte, Id, Index, Service, Spanned, checkpoints};
use crate::base::EntityKind;

/// One party's load: its capacity and the demand on it at each checkpoint.
#[derive(Debug, Clone)]
pub struct PartyLoad<'m> {
    /// The party's declaration id.
    pub party: &'m Id,
    /// [`EntityKind::Person`] or [`EntityKind::Team`].
    pub kind: EntityKind,
    /// Its `fte`; `None` is *capacity unknown* (named in efforts only).
    pub fte: Option<Spanned<Fte>>,
    /// The four checkpoints, in date order.
    pub checkpoints: [Load<'m>; 4],
}

/// The demand on a party at one checkpoint.
#[derive(Debug, Clone)]
pub struct Load<'m> {
    pub date: Date,
    /// The sum of the efforts that apply.
    pub demand: Fte,
    /// The efforts that apply, with their services, largest first (ties
    /// by service id).
    pub efforts: Vec<(&'m Service, &'m Effort)>,
}

impl<'m> PartyLoad<'m> {
    /// The first checkpoint at which the demand is more than the capacity
    /// (equal is fine); `None` without `fte`.
    pub fn first_over(&self) -> Option<&Load<'m>> {
        let fte = self.fte?.value;
        self.checkpoints.iter().find(|c| c.demand > fte)
    }

    /// Whether the demand is more than the capacity at `load`.
    pub fn is_over(&self, load: &Load) -> bool {
        self.fte.is_some_and(|f| load.demand > f.value)
    }
}

impl<'m> Index<'m> {
    /// Every party that declares `fte` or is named in an `effort` (a
    /// declared person or team; an unknown name is `unknown-reference`'s),
    /// people first, then teams, each in model order, with the demand on
    /// it at each checkpoint of as-of: the efforts of services that are
    /// not retired at that date whose stage at the date
    /// ([`Service::stage_at`]) the effort applies in. Its own entries
    /// only: no roll-up from people to teams. Linear in the model: one
    /// pass over the efforts per checkpoint.
    pub fn capacity(&self) -> Vec<PartyLoad<'m>> {
        let dates = checkpoints(self.as_of);
        let model = self.model;
        let mut loads: Vec<PartyLoad<'m>> = Vec::new();
        let mut at: HashMap<&'m str, usize> = HashMap::default();
        let mut add = |party: &'m Id, kind: EntityKind, fte: Option<Spanned<Fte>>| {
            at.entry(party.value.as_str()).or_insert_with(|| {
                loads.push(PartyLoad {
                    party,
                    kind,
                    fte,
                    checkpoints: dates.map(|date| Load {
                        date,
                        demand: Fte::default(),
                        efforts: Vec::new(),
                    }),
                });
                loads.len() - 1
            });
        };
        let named: std::collections::HashSet<&str> = model
            .services
            .iter()
            .flat_map(|s| &s.efforts)
            .map(|e| e.party.value.as_str())
            .collect();
        let wanted = |id: &Id, fte: &Option<Spanned<Fte>>| {
            fte.is_some() || named.contains(id.value.as_str())
        };
        for p in &model.persons {
            if wanted(&p.id, &p.fte) {
                add(&p.id, EntityKind::Person, p.fte);
            }
        }
        for t in &model.teams {
            if wanted(&t.id, &t.fte) {
                add(&t.id, EntityKind::Team, t.fte);
            }
        }
        for service in &model.services {
            if service.efforts.is_empty() {
                continue;
            }
            let stages = dates.map(|d| service.stage_at(d));
            for effort in &service.efforts {
                let Some(&i) = at.get(effort.party.value.as_str()) else {
                    continue;
                };
                for (load, stage) in loads[i].checkpoints.iter_mut().zip(stages) {
                    if stage.is_some_and(|s| effort.applies_in(s)) {
                        load.demand = load.demand.plus(effort.fte.value);
                        load.efforts.push((service, effort));
                    }
                }
            }
        }
        for party in &mut loads {
            for load in &mut party.checkpoints {
                load.efforts.sort_by(|(a, x), (b, y)| {
                    (y.fte.value, &a.id.value).cmp(&(x.fte.value, &b.id.value))
                });
            }
        }
        loads
    }

    /// Whether any party declares `fte`: `effort-missing` judges only then.
    pub fn declares_capacity(&self) -> bool {
        self.model.persons.iter().any(|p| p.fte.is_some())
            || self.model.teams.iter().any(|t| t.fte.is_some())
    }
}

#[cfg(test)]
mod tests {
    use crate::model::*;

    #[test]
    fn effort_stages() {
        let e = |stage: Option<Stage>| Effort {
            party: Spanned::new(
                "x".into(),
                crate::base::Span::new(crate::base::FileId(0), 0, 0),
            ),
            fte: Spanned::new(
                Fte(10),
                crate::base::Span::new(crate::base::FileId(0), 0, 0),
            ),
            stage: stage
                .map(|s| Spanned::new(s, crate::base::Span::new(crate::base::FileId(0), 0, 0))),
        };
        let always = e(None);
        assert!(always.applies_in(Stage::Pilot) && always.applies_in(Stage::Transform));
        assert!(!always.applies_in(Stage::Design) && !always.applies_in(Stage::Retired));
        let pilot = e(Some(Stage::Pilot));
        assert!(pilot.applies_in(Stage::Pilot) && !pilot.applies_in(Stage::Operation));
    }
}

//! [`Index`]: the model with its lookups, built once per compilation
//! ([`Lookups`], kept in `compile::Compiled`) and shared by the checks, the
//! catalog, the review and the language server: declarations by kind and
//! id, the references the other way round, which triggers apply to which
//! services, and what as-of means for SLAs that end.
//!
//! [`Lookups`] owns its tables (ids and positions, no borrow of the model),
//! so a compilation can keep them beside its model; an [`Index`] is the
//! view that joins the two, as cheap to make as a reference.

use std::collections::BTreeSet;

use rustc_hash::FxHashMap as HashMap;

use jiff::civil::Date;

use super::{Entity, Gate, Id, Model, Person, Service, Sla, Stage, Team, Trigger};
use crate::base::{EntityKind, Expect, Field};
use crate::base::{Span, Spanned};

/// The lookup tables of one model, owned: positions in the model's lists
/// and ids, never references into it. Built by [`Lookups::new`]; read
/// through an [`Index`] over the same model.
#[derive(Debug)]
pub struct Lookups {
    /// Each id's declarations: per kind (in the entity table's order), the
    /// first declaration's id span and its position in its kind's list.
    declared: HashMap<Box<str>, Vec<(EntityKind, Span, usize)>>,
    /// The declarations holding each reference, by field and the id it
    /// names, in model order.
    referrers: HashMap<Field, HashMap<Box<str>, Vec<Holder>>>,
    /// The services each trigger applies to (positions, model order), by
    /// trigger id.
    applies: HashMap<Box<str>, Vec<usize>>,
    /// The triggers that apply to each service (positions, model order),
    /// by service id.
    triggers_of: HashMap<Box<str>, Vec<usize>>,
}

impl Lookups {
    /// The lookups of `model`: from its declarations, its references and
    /// its triggers' selectors, each walked once.
    pub fn new(model: &Model) -> Lookups {
        let mut declared: HashMap<Box<str>, Vec<(EntityKind, Span, usize)>> = HashMap::default();
        let mut counts: HashMap<EntityKind, usize> = HashMap::default();
        for (kind, id) in model.declarations() {
            let count = counts.entry(kind).or_default();
            let position = *count;
            *count += 1;
            let kinds = slot(&mut declared, &id.value);
            if kinds.last().is_none_or(|(k, _, _)| *k != kind) {
                kinds.push((kind, id.span, position));
            }
        }
        let places = Holder::places(model);
        let mut referrers: HashMap<Field, HashMap<Box<str>, Vec<Holder>>> = HashMap::default();
        for r in model.references() {
            let holder = places[&std::ptr::from_ref(r.holder)];
            let by_id = referrers.entry(r.field).or_default();
            slot(by_id, &r.to.value).push(holder);
        }
        let mut applies = HashMap::default();
        let mut triggers_of: HashMap<Box<str>, Vec<usize>> = HashMap::default();
        for (t, (trigger, services)) in model.triggers.iter().zip(applicability(model)).enumerate()
        {
            for &s in &services {
                slot(&mut triggers_of, &model.services[s].id.value).push(t);
            }
            applies
                .entry(trigger.id.value.as_str().into())
                .or_insert(services);
        }
        Lookups {
            declared,
            referrers,
            applies,
            triggers_of,
        }
    }
}

/// Where a declaration is in the model: its kind and its place there
/// ([`Model::id_at`]).
#[derive(Debug, Clone, Copy)]
struct Holder {
    kind: EntityKind,
    at: u32,
    sla: u32,
}

impl Holder {
    /// Every declaration's place, by the address of its id in `model`
    /// (what a [`Reference`](super::Reference)'s holder points to).
    fn places(model: &Model) -> HashMap<*const Id, Holder> {
        let mut places = HashMap::default();
        let mut counts: HashMap<EntityKind, u32> = HashMap::default();
        let declarations = model.declarations().into_iter();
        for (kind, id) in declarations.filter(|(kind, _)| *kind != EntityKind::Sla) {
            let count = counts.entry(kind).or_default();
            places.insert(
                std::ptr::from_ref(id),
                Holder {
                    kind,
                    at: *count,
                    sla: 0,
                },
            );
            *count += 1;
        }
        for (at, service) in model.services.iter().enumerate() {
            for (sla, s) in service.slas.iter().enumerate() {
                let place = Holder {
                    kind: EntityKind::Sla,
                    at: at as u32,
                    sla: sla as u32,
                };
                places.insert(std::ptr::from_ref(&s.id), place);
            }
        }
        places
    }

    /// The holder's id in `model`, the model its place was found in.
    fn id(self, model: &Model) -> &str {
        let id = model.id_at(self.kind, self.at as usize, self.sla as usize);
        id.expect("a holder of this model").value.as_str()
    }
}

/// The value at `key`, a default one put there first if there is none
/// (the key is copied only then).
fn slot<'a, V: Default>(map: &'a mut HashMap<Box<str>, V>, key: &str) -> &'a mut V {
    if !map.contains_key(key) {
        map.insert(key.into(), V::default());
    }
    map.get_mut(key).expect("just put there")
}

/// The model with its lookups: a view joining a model and the [`Lookups`]
/// built from it.
#[derive(Clone, Copy)]
pub struct Index<'m> {
    pub model: &'m Model,
    /// The date "today" means for date rules.
    pub as_of: Date,
    lookups: &'m Lookups,
}

impl<'m> Index<'m> {
    /// The view of `model` through `lookups`, which must have been built
    /// from it ([`Lookups::new`]).
    pub fn new(model: &'m Model, lookups: &'m Lookups, as_of: Date) -> Index<'m> {
        Index {
            model,
            as_of,
            lookups,
        }
    }

    /// The first declaration of `id` among the entities of type `T`.
    pub fn get<T: Entity>(&self, id: &str) -> Option<&'m T> {
        let (_, _, i) = self.declared(id).find(|(k, _, _)| *k == T::KIND)?;
        let found = T::all(self.model).get(i);
        debug_assert!(
            found.is_some_and(|x| x.id().value == id),
            "the lookups are of another model"
        );
        found
    }

    /// The declarations of `id`: per kind, the first one's span and position.
    fn declared(&self, id: &str) -> impl Iterator<Item = (EntityKind, Span, usize)> + '_ {
        self.lookups.declared.get(id).into_iter().flatten().copied()
    }

    /// Whether `id` is declared as a kind `expect` accepts.
    pub fn is(&self, id: &str, expect: Expect) -> bool {
        self.declared(id).any(|(k, _, _)| expect.accepts(k))
    }

    /// The kind `id` is declared as, and where (the first kind of the
    /// entity table that declares it).
    pub fn kind_of(&self, id: &str) -> Option<(EntityKind, Span)> {
        self.declared(id).next().map(|(k, span, _)| (k, span))
    }

    /// Every declared id of the kinds `expect` accepts, in model order.
    pub fn ids(&self, expect: Expect) -> impl Iterator<Item = &'m str> + '_ {
        self.model
            .declarations()
            .into_iter()
            .filter(move |(k, _)| expect.accepts(*k))
            .map(|(_, id)| id.value.as_str())
    }

    /// The ids of the declarations whose `field` names `id`, sorted, without
    /// repeats (a function's services, a metric's SLAs…).
    pub fn referrers(&self, field: Field, id: &str) -> Vec<String> {
        let holders = self
            .lookups
            .referrers
            .get(&field)
            .and_then(|by_id| by_id.get(id));
        let holders = holders.map_or(&[][..], Vec::as_slice);
        let mut ids: Vec<String> = holders
            .iter()
            .map(|h| h.id(self.model).to_string())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// The services a trigger applies to, in model order.
    pub fn applies_to(&self, trigger: &str) -> impl ExactSizeIterator<Item = &'m Service> + '_ {
        let services = &self.model.services;
        let found = self
            .lookups
            .applies
            .get(trigger)
            .map_or(&[][..], Vec::as_slice);
        found.iter().map(move |&i| &services[i])
    }

    /// The triggers that apply to `service`, in model order.
    pub fn triggers_of(&self, service: &str) -> impl ExactSizeIterator<Item = &'m Trigger> + '_ {
        let triggers = &self.model.triggers;
        let found = self
            .lookups
            .triggers_of
            .get(service)
            .map_or(&[][..], Vec::as_slice);
        found.iter().map(move |&i| &triggers[i])
    }

    /// The persons who approve at a gate: persons among its approvers and
    /// members of approving teams.
    pub fn approving_people(&self, gate: &'m Gate) -> BTreeSet<&'m str> {
        let mut people = BTreeSet::new();
        for approver in &gate.approvers {
            if let Some(p) = self.get::<Person>(&approver.value) {
                people.insert(p.id.value.as_str());
            } else if let Some(team) = self.get::<Team>(&approver.value) {
                people.extend(
                    team.members
                        .iter()
                        .filter_map(|m| self.get::<Person>(&m.value))
                        .map(|p| p.id.value.as_str()),
                );
            }
        }
        people
    }

    /// The `review-by` date of an SLA overdue for review: in force (not
    /// [`Index::ended`]) and due before as-of. The condition of the rule
    /// `sla-review-overdue` and of the review's agenda.
    pub fn review_overdue(&self, sla: &Sla) -> Option<Spanned<Date>> {
        sla.review_by
            .filter(|review| !self.ended(sla) && review.value < self.as_of)
    }

    /// The pilot `review` date of a service in pilot past its review: due
    /// before as-of, with no decision (of any outcome, at any date) at the
    /// pilot's `exit-gate`. The condition of the rule `pilot-overdue` and of
    /// the review's agenda.
    pub fn pilot_overdue(&self, service: &Service) -> Option<Spanned<Date>> {
        if service.stage() != Some(Stage::Pilot) {
            return None;
        }
        let pilot = service.pilot.as_ref()?;
        let review = pilot.review.filter(|r| r.value < self.as_of)?;
        let decided = pilot
            .exit_gate
            .as_ref()
            .is_some_and(|g| service.decisions.iter().any(|d| d.gate.value == g.value));
        (!decided).then_some(review)
    }

    /// Whether an SLA has ended on or before as-of (it then covers nothing).
    pub fn ended(&self, sla: &Sla) -> bool {
        sla.ends.is_some_and(|e| e.value <= self.as_of)
    }

    /// The customer groups an SLA covers: its `customers`, by default every
    /// group the service is offered to; nothing once it has ended.
    pub fn covered<'s>(&self, service: &'s Service, sla: &'s Sla) -> Vec<&'s str> {
        if self.ended(sla) {
            Vec::new()
        } else if sla.customers.is_empty() {
            service.offers.iter().map(|o| o.customer.as_str()).collect()
        } else {
            sla.customers.iter().map(|c| c.as_str()).collect()
        }
    }
}

/// The services each trigger applies to (their positions), in model order. An `applies-to`
/// naming a service or a function looks only at the services that can
/// match, so this stays linear in the model for the usual selectors.
fn applicability(model: &Model) -> Vec<Vec<usize>> {
    let mut by_id: HashMap<&str, Vec<usize>> = HashMap::default();
    let mut by_function: HashMap<&str, Vec<usize>> = HashMap::default();
    for (i, s) in model.services.iter().enumerate() {
        by_id.entry(&s.id.value).or_default().push(i);
        if let Some(f) = &s.function {
            by_function.entry(&f.value).or_default().push(i);
        }
    }
    let every: Vec<usize> = (0..model.services.len()).collect();
    model
        .triggers
        .iter()
        .map(|trigger| {
            let mut chosen: Vec<usize> = Vec::new();
            for selector in &trigger.applies_to {
                let candidates = match (&selector.service, &selector.function) {
                    (Some(s), _) => by_id.get(s.value.as_str()),
                    (None, Some(f)) => by_function.get(f.value.as_str()),
                    (None, None) => Some(&every),
                };
                chosen.extend(
                    candidates
                        .into_iter()
                        .flatten()
                        .filter(|&&i| selector.selects(&model.services[i])),
                );
            }
            chosen.sort_unstable();
            chosen.dedup();
            chosen
        })
        .collect()
}

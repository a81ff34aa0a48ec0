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
use std::collections::hash_map::Entry;
use std::hash::BuildHasher;
use std::sync::OnceLock;

use smol_str::SmolStr;

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
    declared: HashMap<SmolStr, Declared>,
    /// A fingerprint of what is declared: each (kind, id), without places.
    declared_fingerprint: u64,
    /// The declarations holding each reference, by field (its position
    /// in [`Field`]) and the id it names, in model order: made at the first
    /// [`Index::referrers`] (the catalogue asks, the rules do not).
    referrers: OnceLock<Vec<HashMap<Box<str>, Vec<Holder>>>>,
    /// The services each trigger applies to (positions, model order), by
    /// the trigger's position.
    applies: Vec<Vec<usize>>,
    /// The triggers that apply to each service (positions, model order),
    /// by the service's position; a service whose id was declared before
    /// holds nothing, the first declaration holds the triggers of both.
    triggers_of: Vec<Vec<usize>>,
}

impl Lookups {
    /// The lookups of `model`: from its declarations and its triggers'
    /// selectors, each walked once (its references at the first
    /// [`Index::referrers`]). Tables are indexed by position where they can
    /// be (no key to copy or hash).
    pub fn new(model: &Model) -> Lookups {
        let declarations = model.declarations();
        let mut declared: HashMap<SmolStr, Declared> = HashMap::default();
        declared.reserve(declarations.len());
        // `declarations` comes kind by kind: a kind's positions count up
        // from 0.
        let (mut current, mut position) = (None, 0);
        let mut declared_fingerprint = 0u64;
        for (kind, id) in declarations {
            // A sum, so the order of the declarations does not count.
            let one = rustc_hash::FxBuildHasher.hash_one((kind, id.value.as_str()));
            declared_fingerprint = declared_fingerprint.wrapping_add(one);
            if current != Some(kind) {
                (current, position) = (Some(kind), 0);
            }
            let this = (kind, id.span, position);
            match declared.entry(SmolStr::new(&id.value)) {
                Entry::Vacant(v) => {
                    v.insert(Declared(this, Vec::new()));
                }
                Entry::Occupied(mut o) => {
                    let Declared(first, more) = o.get_mut();
                    if more.last().unwrap_or(first).0 != kind {
                        more.push(this);
                    }
                }
            }
            position += 1;
        }
        let applies = applicability(model);
        let mut triggers_of: Vec<Vec<usize>> = vec![Vec::new(); model.services.len()];
        for (t, services) in applies.iter().enumerate() {
            for &s in services {
                triggers_of[s].push(t);
            }
        }
        // A service id declared twice: the first declaration answers for
        // both (as the id does everywhere else).
        let first_service = |id: &str| {
            declared.get(id).and_then(|kinds| {
                kinds
                    .iter()
                    .find(|(k, _, _)| *k == EntityKind::Service)
                    .map(|(_, _, at)| at)
            })
        };
        for (at, service) in model.services.iter().enumerate() {
            let first = first_service(&service.id.value).unwrap_or(at);
            if first != at && !triggers_of[at].is_empty() {
                let later = std::mem::take(&mut triggers_of[at]);
                let merged = &mut triggers_of[first];
                merged.extend(later);
                merged.sort_unstable();
                merged.dedup();
            }
        }
        Lookups {
            declared,
            declared_fingerprint,
            referrers: OnceLock::new(),
            applies,
            triggers_of,
        }
    }

    /// The declarations holding each reference, by field and the id named.
    fn referrers(&self, model: &Model) -> &[HashMap<Box<str>, Vec<Holder>>] {
        self.referrers.get_or_init(|| {
            let places = Holder::places(model);
            // One table per field (every field has its row in `FIELDS`).
            let fields = crate::base::kind::FIELDS
                .iter()
                .map(|row| row.field as usize + 1)
                .max()
                .unwrap_or(0);
            let mut referrers: Vec<HashMap<Box<str>, Vec<Holder>>> =
                (0..fields).map(|_| HashMap::default()).collect();
            for r in model.references() {
                let holder = places[&std::ptr::from_ref(r.holder)];
                let by_id = &mut referrers[r.field as usize];
                match by_id.get_mut(r.to.value.as_str()) {
                    Some(holders) => holders.push(holder),
                    None => {
                        by_id.insert(r.to.value.as_str().into(), vec![holder]);
                    }
                }
            }
            referrers
        })
    }

    /// A fingerprint of what the model declares: the same for two models
    /// that declare the same ids as the same kinds, wherever they do.
    pub fn declared_fingerprint(&self) -> u64 {
        self.declared_fingerprint
    }

    /// The position of the first declaration of `id` as `kind`.
    fn first(&self, kind: EntityKind, id: &str) -> Option<usize> {
        let kinds = self.declared.get(id)?;
        kinds
            .iter()
            .find(|(k, _, _)| *k == kind)
            .map(|(_, _, at)| at)
    }
}

/// An id's declarations: per kind (in the entity table's order), the
/// first one's id span and position in its kind's list. The first kind is
/// held inline: an id is nearly always declared once.
#[derive(Debug)]
struct Declared((EntityKind, Span, usize), Vec<(EntityKind, Span, usize)>);

impl Declared {
    fn iter(&self) -> impl Iterator<Item = (EntityKind, Span, usize)> + '_ {
        std::iter::once(self.0).chain(self.1.iter().copied())
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
        let found = T::at(self.model, i);
        debug_assert!(
            found.is_some_and(|x| x.id().value == id),
            "the lookups are of another model"
        );
        found
    }

    /// The declarations of `id`: per kind, the first one's span and position.
    fn declared(&self, id: &str) -> impl Iterator<Item = (EntityKind, Span, usize)> + '_ {
        self.lookups
            .declared
            .get(id)
            .into_iter()
            .flat_map(Declared::iter)
    }

    /// A fingerprint of what the model declares ([`Lookups::declared_fingerprint`]).
    pub fn declared_fingerprint(&self) -> u64 {
        self.lookups.declared_fingerprint()
    }

    /// Builds the referrers now ([`Index::referrers`] builds them at its
    /// first call): beside other work, off the path of their first reader.
    pub fn prepare_referrers(&self) {
        self.lookups.referrers(self.model);
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
        let holders = self.lookups.referrers(self.model)[field as usize].get(id);
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
            .first(EntityKind::Trigger, trigger)
            .map_or(&[][..], |at| self.lookups.applies[at].as_slice());
        found.iter().map(move |&i| &*services[i])
    }

    /// The triggers that apply to `service`, in model order.
    pub fn triggers_of(&self, service: &str) -> impl ExactSizeIterator<Item = &'m Trigger> + '_ {
        let triggers = &self.model.triggers;
        let found = self
            .lookups
            .first(EntityKind::Service, service)
            .map_or(&[][..], |at| self.lookups.triggers_of[at].as_slice());
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

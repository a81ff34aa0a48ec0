//! [`Index`]: the model with its lookups, built once per compilation and
//! shared by the checks and the catalog: declarations by kind and id, the
//! references the other way round, which triggers apply to which services,
//! and what as-of means for SLAs that end.

use std::collections::BTreeSet;

use rustc_hash::FxHashMap as HashMap;

use jiff::civil::Date;

use super::*;
use crate::base::{EntityKind, Expect, Field};

/// The model with its lookups.
pub struct Index<'m> {
    pub model: &'m Model,
    /// The date "today" means for date rules.
    pub as_of: Date,
    /// Each declaration's id span, by kind and id (the first declaration).
    declared: HashMap<(EntityKind, &'m str), Span>,
    /// Each entity's position in its list, by kind and id.
    position: HashMap<(EntityKind, &'m str), usize>,
    /// The holders of each reference, by field and the id it names, in
    /// model order.
    referrers: HashMap<(Field, &'m str), Vec<&'m Id>>,
    /// The services each trigger applies to, by trigger id (model order).
    applies: HashMap<&'m str, Vec<&'m Service>>,
    /// The triggers that apply to each service, by service id (model order).
    triggers_of: HashMap<&'m str, Vec<&'m Trigger>>,
}

impl<'m> Index<'m> {
    pub fn new(model: &'m Model, as_of: Date) -> Index<'m> {
        let mut declared = HashMap::default();
        for (kind, id) in model.declarations() {
            declared.entry((kind, id.value.as_str())).or_insert(id.span);
        }
        let position = model.positions();
        let mut referrers: HashMap<(Field, &str), Vec<&Id>> = HashMap::default();
        for r in model.references() {
            referrers
                .entry((r.field, r.to.value.as_str()))
                .or_default()
                .push(r.holder);
        }
        let mut applies = HashMap::default();
        let mut triggers_of: HashMap<&str, Vec<&Trigger>> = HashMap::default();
        for (trigger, services) in model.triggers.iter().zip(applicability(model)) {
            for s in &services {
                triggers_of.entry(&s.id.value).or_default().push(trigger);
            }
            applies.entry(trigger.id.value.as_str()).or_insert(services);
        }
        Index {
            model,
            as_of,
            declared,
            position,
            referrers,
            applies,
            triggers_of,
        }
    }

    /// The first declaration of `id` among the entities of type `T`.
    pub fn get<T: Entity>(&self, id: &str) -> Option<&'m T> {
        let i = *self.position.get(&(T::KIND, id))?;
        T::all(self.model).get(i)
    }

    /// Whether `id` is declared as a kind `expect` accepts.
    pub fn is(&self, id: &str, expect: Expect) -> bool {
        expect
            .kinds()
            .iter()
            .any(|k| self.declared.contains_key(&(*k, id)))
    }

    /// The kind `id` is declared as, and where (the first kind of the
    /// entity table that declares it).
    pub fn kind_of(&self, id: &str) -> Option<(EntityKind, Span)> {
        EntityKind::ALL
            .into_iter()
            .find_map(|k| self.declared.get(&(k, id)).map(|span| (k, *span)))
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
        let mut ids: Vec<String> = self
            .referrers
            .get(&(field, id))
            .into_iter()
            .flatten()
            .map(|holder| holder.value.clone())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// The services a trigger applies to, in model order.
    pub fn applies_to(&self, trigger: &str) -> &[&'m Service] {
        self.applies.get(trigger).map_or(&[], Vec::as_slice)
    }

    /// The triggers that apply to `service`, in model order.
    pub fn triggers_of(&self, service: &str) -> &[&'m Trigger] {
        self.triggers_of.get(service).map_or(&[], Vec::as_slice)
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

/// The services each trigger applies to, in model order. An `applies-to`
/// naming a service or a function looks only at the services that can
/// match, so this stays linear in the model for the usual selectors.
fn applicability(model: &Model) -> Vec<Vec<&Service>> {
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
            chosen.into_iter().map(|i| &model.services[i]).collect()
        })
        .collect()
}

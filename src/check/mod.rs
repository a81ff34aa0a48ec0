//! Checks: the model rules of section 4, one module per rule family. Each
//! family is a function from the [`Ctx`] to findings at their codes' default
//! severity; [`apply_lints`] then applies the manifest's `lints`.

mod dependencies;
mod gates;
mod lifecycle;
mod references;
mod slas;
mod triggers;

use std::collections::{BTreeSet, HashMap};

use jiff::civil::Date;
use rayon::prelude::*;

use crate::base::{Code, Diagnostic, Severity, Spanned};
use crate::model::*;

/// The model with its lookups, shared by every family.
pub struct Ctx<'m> {
    pub model: &'m Model,
    /// The date "today" means for date rules.
    pub as_of: Date,
    persons: HashMap<&'m str, &'m Person>,
    teams: HashMap<&'m str, &'m Team>,
    customers: HashMap<&'m str, &'m Customer>,
    objectives: HashMap<&'m str, &'m Objective>,
    metrics: HashMap<&'m str, &'m Metric>,
    functions: HashMap<&'m str, &'m Function>,
    services: HashMap<&'m str, &'m Service>,
    gates: HashMap<&'m str, &'m Gate>,
    /// The services each trigger applies to, by trigger id (model order).
    applies: HashMap<&'m str, Vec<&'m Service>>,
    /// The triggers that apply to each service, by service id (model order).
    triggers_of: HashMap<&'m str, Vec<&'m Trigger>>,
}

fn index<'m, T>(items: &'m [T], id: impl Fn(&'m T) -> &'m str) -> HashMap<&'m str, &'m T> {
    let mut map = HashMap::with_capacity(items.len());
    for item in items {
        map.entry(id(item)).or_insert(item);
    }
    map
}

/// The services each trigger applies to, in model order. An `applies-to`
/// naming a service or a function looks only at the services that can
/// match, so this stays linear in the model for the usual selectors.
fn applicability(model: &Model) -> Vec<Vec<&Service>> {
    let mut by_id: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_function: HashMap<&str, Vec<usize>> = HashMap::new();
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

impl<'m> Ctx<'m> {
    pub fn new(model: &'m Model, as_of: Date) -> Ctx<'m> {
        let mut applies = HashMap::new();
        let mut triggers_of: HashMap<&str, Vec<&Trigger>> = HashMap::new();
        for (trigger, services) in model.triggers.iter().zip(applicability(model)) {
            for s in &services {
                triggers_of.entry(&s.id.value).or_default().push(trigger);
            }
            applies.entry(trigger.id.value.as_str()).or_insert(services);
        }
        Ctx {
            model,
            as_of,
            persons: index(&model.persons, |p| &p.id.value),
            teams: index(&model.teams, |t| &t.id.value),
            customers: index(&model.customers, |c| &c.id.value),
            objectives: index(&model.objectives, |o| &o.id.value),
            metrics: index(&model.metrics, |m| &m.id.value),
            functions: index(&model.functions, |f| &f.id.value),
            services: index(&model.services, |s| &s.id.value),
            gates: index(&model.gates, |g| &g.id.value),
            applies,
            triggers_of,
        }
    }

    /// The services a trigger applies to, in model order.
    pub fn applies_to(&self, trigger: &str) -> &[&'m Service] {
        self.applies.get(trigger).map_or(&[], Vec::as_slice)
    }

    /// The triggers that apply to `service`, in model order.
    pub fn triggers_of(&self, service: &str) -> &[&'m Trigger] {
        self.triggers_of.get(service).map_or(&[], Vec::as_slice)
    }

    pub fn person(&self, id: &str) -> Option<&'m Person> {
        self.persons.get(id).copied()
    }
    pub fn team(&self, id: &str) -> Option<&'m Team> {
        self.teams.get(id).copied()
    }
    pub fn customer(&self, id: &str) -> Option<&'m Customer> {
        self.customers.get(id).copied()
    }
    pub fn objective(&self, id: &str) -> Option<&'m Objective> {
        self.objectives.get(id).copied()
    }
    pub fn metric(&self, id: &str) -> Option<&'m Metric> {
        self.metrics.get(id).copied()
    }
    pub fn function(&self, id: &str) -> Option<&'m Function> {
        self.functions.get(id).copied()
    }
    pub fn service(&self, id: &str) -> Option<&'m Service> {
        self.services.get(id).copied()
    }
    pub fn gate(&self, id: &str) -> Option<&'m Gate> {
        self.gates.get(id).copied()
    }

    /// The persons who approve at a gate: persons among its approvers and
    /// members of approving teams.
    pub fn approving_people(&self, gate: &'m Gate) -> BTreeSet<&'m str> {
        let mut people = BTreeSet::new();
        for approver in &gate.approvers {
            if let Some(p) = self.person(&approver.value) {
                people.insert(p.id.value.as_str());
            } else if let Some(team) = self.team(&approver.value) {
                people.extend(
                    team.members
                        .iter()
                        .filter_map(|m| self.person(&m.value))
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

/// A finding about something absent from a declaration: at its id, with a
/// label on its stage where it has one (section 8).
pub fn at_declaration(
    code: Code,
    id: &Id,
    stage: Option<Spanned<Stage>>,
    message: String,
) -> Diagnostic {
    let diag = Diagnostic::new(code, id.span, message);
    match stage {
        Some(stage) => diag.label(stage.span, format!("in {}", stage.value)),
        None => diag,
    }
}

/// Runs every model rule. Later duplicates are first removed from the model
/// (reported as `duplicate-id`), so the model that comes out is the one the
/// outputs publish.
pub fn check(model: &mut Model, as_of: Date) -> Vec<Diagnostic> {
    let mut diags = references::dedupe(model);
    let ctx = Ctx::new(model, as_of);
    let families: [fn(&Ctx) -> Vec<Diagnostic>; 6] = [
        references::check,
        dependencies::check,
        slas::check,
        lifecycle::check,
        gates::check,
        triggers::check,
    ];
    // The families are independent: they run side by side (the findings
    // are sorted later, so their order here does not matter).
    let found: Vec<Vec<Diagnostic>> = families.par_iter().map(|family| family(&ctx)).collect();
    diags.extend(found.into_iter().flatten());
    diags
}

/// Applies the manifest's `lints` (the last level given for a code wins) and
/// `--deny-warnings`.
pub fn apply_lints(
    diags: Vec<Diagnostic>,
    lints: &[(Code, Spanned<LintLevel>)],
    deny_warnings: bool,
) -> Vec<Diagnostic> {
    let level = |code: Code| {
        lints
            .iter()
            .rev()
            .find(|(c, _)| *c == code)
            .map(|(_, l)| l.value)
    };
    diags
        .into_iter()
        .filter_map(|mut d| {
            if d.code.is_lintable() {
                match level(d.code) {
                    Some(LintLevel::Allow) => return None,
                    Some(LintLevel::Deny) => d.severity = Severity::Error,
                    Some(LintLevel::Warn) => d.severity = Severity::Warning,
                    None => {}
                }
            }
            if deny_warnings {
                d.severity = Severity::Error;
            }
            Some(d)
        })
        .collect()
}

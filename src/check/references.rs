//! References: `duplicate-id`, `unknown-reference`, `wrong-reference-kind`,
//! `empty-function`, `no-offer`, `level-not-in-function`.

use std::collections::{HashMap, HashSet};

use super::{Ctx, at_declaration};
use crate::base::diag::did_you_mean;
use crate::base::{Code, Diagnostic, Span};
use crate::model::*;

/// The kinds of entity a reference can expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Person,
    Team,
    /// A person or a team.
    Party,
    Customer,
    Objective,
    Metric,
    Function,
    Service,
    Gate,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Team => "team",
            Kind::Party => "person or team",
            Kind::Customer => "customer group",
            Kind::Objective => "objective",
            Kind::Metric => "metric",
            Kind::Function => "function",
            Kind::Service => "service",
            Kind::Gate => "gate",
        }
    }

    fn accepts(self, actual: Kind) -> bool {
        self == actual || (self == Kind::Party && matches!(actual, Kind::Person | Kind::Team))
    }
}

/// Removes every later declaration of an id already declared (by file order,
/// then position) and reports it as `duplicate-id`, labelled at the first.
pub fn dedupe(model: &mut Model) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut later = HashSet::new();
    let parties = model
        .persons
        .iter()
        .map(|p| &p.id)
        .chain(model.teams.iter().map(|t| &t.id));
    namespace("party", &mut later, &mut diags, parties.collect());
    namespace(
        "customer group",
        &mut later,
        &mut diags,
        model.customers.iter().map(|c| &c.id).collect(),
    );
    namespace(
        "objective",
        &mut later,
        &mut diags,
        model.objectives.iter().map(|o| &o.id).collect(),
    );
    namespace(
        "metric",
        &mut later,
        &mut diags,
        model.metrics.iter().map(|m| &m.id).collect(),
    );
    namespace(
        "function",
        &mut later,
        &mut diags,
        model.functions.iter().map(|f| &f.id).collect(),
    );
    namespace(
        "service",
        &mut later,
        &mut diags,
        model.services.iter().map(|s| &s.id).collect(),
    );
    namespace(
        "gate",
        &mut later,
        &mut diags,
        model.gates.iter().map(|g| &g.id).collect(),
    );
    namespace(
        "trigger",
        &mut later,
        &mut diags,
        model.triggers.iter().map(|t| &t.id).collect(),
    );
    // A later duplicate service's SLAs go with it; SLA ids share one namespace.
    let dropped: HashSet<Span> = later.clone();
    let slas = model
        .services
        .iter()
        .filter(|s| !dropped.contains(&s.id.span))
        .flat_map(|s| s.slas.iter().map(|sla| &sla.id));
    namespace("SLA", &mut later, &mut diags, slas.collect());

    let keep = |id: &Id| !later.contains(&id.span);
    model.persons.retain(|x| keep(&x.id));
    model.teams.retain(|x| keep(&x.id));
    model.customers.retain(|x| keep(&x.id));
    model.objectives.retain(|x| keep(&x.id));
    model.metrics.retain(|x| keep(&x.id));
    model.functions.retain(|x| keep(&x.id));
    model.services.retain(|x| keep(&x.id));
    model.gates.retain(|x| keep(&x.id));
    model.triggers.retain(|x| keep(&x.id));
    for service in &mut model.services {
        service.slas.retain(|x| keep(&x.id));
    }
    diags
}

/// Reports every later declaration of an id within one namespace.
fn namespace(
    kind: &str,
    later: &mut HashSet<Span>,
    diags: &mut Vec<Diagnostic>,
    mut ids: Vec<&Id>,
) {
    ids.sort_by_key(|id| (id.span.file, id.span.start));
    let mut first: HashMap<&str, Span> = HashMap::new();
    for id in ids {
        match first.get(id.value.as_str()) {
            Some(&first) => {
                later.insert(id.span);
                diags.push(
                    Diagnostic::new(
                        Code::DuplicateId,
                        id.span,
                        format!("{kind} `{}` is declared twice", id.value),
                    )
                    .label(first, "first declared here"),
                );
            }
            None => {
                first.insert(&id.value, id.span);
            }
        }
    }
}

pub fn check(ctx: &Ctx) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (reference, kind, owner) in references(ctx.model) {
        diags.extend(resolve(ctx, reference, kind, owner));
    }
    let m = ctx.model;
    let offering: HashSet<&str> = m
        .services
        .iter()
        .filter(|s| s.stage() != Some(Stage::Retired))
        .filter_map(|s| s.function.as_ref().map(|f| f.value.as_str()))
        .collect();
    for function in &m.functions {
        if !offering.contains(function.id.value.as_str()) {
            diags.push(at_declaration(
                Code::EmptyFunction,
                &function.id,
                None,
                format!("function `{}` offers no service", function.id.value),
            ));
        }
    }
    for service in &m.services {
        if service.offers.is_empty() {
            diags.push(
                at_declaration(
                    Code::NoOffer,
                    &service.id,
                    service.stage,
                    format!(
                        "service `{}` is offered to no customer group",
                        service.id.value
                    ),
                )
                .help(
                    "add `offer \"<customer group>\" level=\"mandated\"` or `level=\"additional\"`",
                ),
            );
        }
        let function = service
            .function
            .as_ref()
            .and_then(|f| ctx.function(&f.value));
        if let (Some(level), Some(function)) = (service.level, function)
            && !function.levels.is_empty()
            && !function.levels.iter().any(|l| l.value == level.value)
        {
            {
                let levels: Vec<_> = function.levels.iter().map(|l| l.value.as_str()).collect();
                let mut diag = Diagnostic::new(
                    Code::LevelNotInFunction,
                    level.span,
                    format!(
                        "service `{}` works at the {} level, which function `{}` does not cover ({})",
                        service.id.value,
                        level.value,
                        function.id.value,
                        levels.join(", ")
                    ),
                );
                let first = function.levels[0].span;
                let last = function.levels[function.levels.len() - 1].span;
                diag = diag.label(first.to(last), "the function's levels");
                diags.push(diag);
            }
        }
    }
    diags
}

/// The kind an id is declared as, and where (first match).
fn declared(ctx: &Ctx, id: &str) -> Option<(Kind, Span)> {
    if let Some(p) = ctx.person(id) {
        return Some((Kind::Person, p.id.span));
    }
    if let Some(t) = ctx.team(id) {
        return Some((Kind::Team, t.id.span));
    }
    if let Some(f) = ctx.function(id) {
        return Some((Kind::Function, f.id.span));
    }
    if let Some(s) = ctx.service(id) {
        return Some((Kind::Service, s.id.span));
    }
    if let Some(g) = ctx.gate(id) {
        return Some((Kind::Gate, g.id.span));
    }
    if let Some(me) = ctx.metric(id) {
        return Some((Kind::Metric, me.id.span));
    }
    if let Some(c) = ctx.customer(id) {
        return Some((Kind::Customer, c.id.span));
    }
    if let Some(o) = ctx.objective(id) {
        return Some((Kind::Objective, o.id.span));
    }
    None
}

/// Whether `id` is declared as something `kind` accepts.
fn is(ctx: &Ctx, id: &str, kind: Kind) -> bool {
    match kind {
        Kind::Person => ctx.person(id).is_some(),
        Kind::Team => ctx.team(id).is_some(),
        Kind::Party => ctx.person(id).is_some() || ctx.team(id).is_some(),
        Kind::Customer => ctx.customer(id).is_some(),
        Kind::Objective => ctx.objective(id).is_some(),
        Kind::Metric => ctx.metric(id).is_some(),
        Kind::Function => ctx.function(id).is_some(),
        Kind::Service => ctx.service(id).is_some(),
        Kind::Gate => ctx.gate(id).is_some(),
    }
}

fn candidates<'m>(ctx: &Ctx<'m>, kind: Kind) -> Vec<&'m str> {
    let m = ctx.model;
    let ids = |v: Vec<&'m Id>| v.into_iter().map(|i| i.value.as_str()).collect::<Vec<_>>();
    match kind {
        Kind::Person => ids(m.persons.iter().map(|x| &x.id).collect()),
        Kind::Team => ids(m.teams.iter().map(|x| &x.id).collect()),
        Kind::Party => ids(m
            .persons
            .iter()
            .map(|x| &x.id)
            .chain(m.teams.iter().map(|x| &x.id))
            .collect()),
        Kind::Customer => ids(m.customers.iter().map(|x| &x.id).collect()),
        Kind::Objective => ids(m.objectives.iter().map(|x| &x.id).collect()),
        Kind::Metric => ids(m.metrics.iter().map(|x| &x.id).collect()),
        Kind::Function => ids(m.functions.iter().map(|x| &x.id).collect()),
        Kind::Service => ids(m.services.iter().map(|x| &x.id).collect()),
        Kind::Gate => ids(m.gates.iter().map(|x| &x.id).collect()),
    }
}

/// The declaration that holds a reference, as messages name it (made into
/// words only for a finding).
#[derive(Clone, Copy)]
struct Owner<'m> {
    what: &'static str,
    id: &'m str,
    /// For a reference inside a decision: the decision's gate.
    decision_at: Option<&'m str>,
}

impl<'m> Owner<'m> {
    fn new(what: &'static str, id: &'m str) -> Owner<'m> {
        Owner {
            what,
            id,
            decision_at: None,
        }
    }
}

impl std::fmt::Display for Owner<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.decision_at {
            Some(gate) => write!(f, "the decision at `{gate}` on {} `{}`", self.what, self.id),
            None => write!(f, "{} `{}`", self.what, self.id),
        }
    }
}

fn resolve(ctx: &Ctx, reference: &Id, kind: Kind, owner: Owner) -> Option<Diagnostic> {
    let name = reference.value.as_str();
    if is(ctx, name, kind) {
        return None;
    }
    match declared(ctx, name) {
        Some((actual, span)) if !kind.accepts(actual) => Some(
            Diagnostic::new(
                Code::WrongReferenceKind,
                reference.span,
                format!(
                    "{owner} names `{name}`, which is a {}; a {} is expected here",
                    actual.noun(),
                    kind.noun()
                ),
            )
            .label(
                span,
                format!("`{name}` is declared here as a {}", actual.noun()),
            )
            .maybe_help(did_you_mean(name, candidates(ctx, kind))),
        ),
        _ => Some(
            Diagnostic::new(
                Code::UnknownReference,
                reference.span,
                format!(
                    "{owner} names {} `{name}`, which is not declared",
                    kind.noun()
                ),
            )
            .maybe_help(did_you_mean(name, candidates(ctx, kind))),
        ),
    }
}

/// Every reference of the model: what it names, the kind it expects, and how
/// messages name the declaration that holds it.
fn references<'m>(m: &'m Model) -> Vec<(&'m Id, Kind, Owner<'m>)> {
    let mut refs: Vec<(&Id, Kind, Owner)> = Vec::new();
    let mut add = |r: Option<&'m Id>, kind: Kind, owner: Owner<'m>| {
        if let Some(r) = r {
            refs.push((r, kind, owner));
        }
    };
    if let Some(pmo) = &m.pmo {
        let owner = Owner::new("pmo", &pmo.id.value);
        add(pmo.sponsor.as_ref(), Kind::Party, owner);
        add(pmo.head.as_ref(), Kind::Party, owner);
    }
    for team in &m.teams {
        let owner = Owner::new("team", &team.id.value);
        for member in &team.members {
            add(Some(member), Kind::Person, owner);
        }
    }
    for o in &m.objectives {
        add(
            o.owner.as_ref(),
            Kind::Party,
            Owner::new("objective", &o.id.value),
        );
    }
    for f in &m.functions {
        add(
            f.lead.as_ref(),
            Kind::Party,
            Owner::new("function", &f.id.value),
        );
    }
    for s in &m.services {
        let owner = Owner::new("service", &s.id.value);
        add(s.function.as_ref(), Kind::Function, owner);
        add(s.owner.as_ref(), Kind::Person, owner);
        for o in &s.offers {
            add(Some(&o.customer), Kind::Customer, owner);
        }
        for (list, kind) in [
            (&s.objectives, Kind::Objective),
            (&s.depends_on, Kind::Service),
            (&s.replaces, Kind::Service),
            (&s.kpis, Kind::Metric),
        ] {
            for r in list {
                add(Some(r), kind, owner);
            }
        }
        for sla in &s.slas {
            let owner = Owner::new("SLA", &sla.id.value);
            for c in &sla.customers {
                add(Some(c), Kind::Customer, owner);
            }
            for t in &sla.targets {
                add(Some(&t.metric), Kind::Metric, owner);
            }
            add(
                sla.report.as_ref().and_then(|r| r.to.as_ref()),
                Kind::Party,
                owner,
            );
            for e in &sla.escalations {
                add(e.to.as_ref(), Kind::Party, owner);
            }
        }
        if let Some(p) = &s.pilot {
            for g in &p.groups {
                add(Some(g), Kind::Customer, owner);
            }
            add(p.exit_gate.as_ref(), Kind::Gate, owner);
        }
        if let Some(r) = &s.rollout {
            for phase in &r.phases {
                for g in &phase.groups {
                    add(Some(g), Kind::Customer, owner);
                }
            }
            add(
                r.adoption_target.as_ref().map(|a| &a.metric),
                Kind::Metric,
                owner,
            );
            add(r.champion.as_ref(), Kind::Party, owner);
        }
        if let Some(t) = &s.transform {
            add(t.successor.as_ref(), Kind::Service, owner);
        }
        if let Some(r) = &s.retirement {
            add(r.decided_at.as_ref(), Kind::Gate, owner);
            add(r.replaced_by.as_ref(), Kind::Service, owner);
        }
        for d in &s.decisions {
            let owner = Owner {
                what: "service",
                id: &s.id.value,
                decision_at: Some(&d.gate.value),
            };
            add(Some(&d.gate), Kind::Gate, owner);
            add(d.by.as_ref(), Kind::Party, owner);
            for p in &d.present {
                add(Some(p), Kind::Person, owner);
            }
        }
    }
    for g in &m.gates {
        let owner = Owner::new("gate", &g.id.value);
        for a in &g.approvers {
            add(Some(a), Kind::Party, owner);
        }
    }
    for t in &m.triggers {
        let owner = Owner::new("trigger", &t.id.value);
        for a in &t.applies_to {
            add(a.function.as_ref(), Kind::Function, owner);
            add(a.service.as_ref(), Kind::Service, owner);
        }
        if let Some(w) = t.when.as_ref().filter(|w| !w.is_superseded()) {
            add(Some(&w.metric), Kind::Metric, owner);
        }
        add(t.gate.as_ref(), Kind::Gate, owner);
        for n in &t.notify {
            add(Some(n), Kind::Party, owner);
        }
    }
    refs
}

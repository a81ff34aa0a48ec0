//! References: `duplicate-id`, `unknown-reference`, `wrong-reference-kind`,
//! `empty-function`, `no-offer`, `level-not-in-function`.

use std::sync::Arc;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::at_declaration;
use crate::base::{Code, Diagnostic, EntityKind, Span};
use crate::model::{Function, Id, Index, Model, Reference, Service, Stage};

/// Removes every later declaration of an id already declared (by file order,
/// then position) and reports it as `duplicate-id`, labelled at the first.
pub(super) fn dedupe(model: &mut Model) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    // SLAs after the rest: a later duplicate service's SLAs go with it.
    for slas in [false, true] {
        let ids = model
            .declarations()
            .into_iter()
            .filter(|(kind, _)| (*kind == EntityKind::Sla) == slas)
            .collect();
        let later = duplicates(ids, &mut diags);
        model.retain_declarations(|id| !later.contains(&id.span));
    }
    diags
}

/// Reports every later declaration of an id within its namespace (people
/// and teams share one) and returns their spans.
fn duplicates(mut ids: Vec<(EntityKind, &Id)>, diags: &mut Vec<Diagnostic>) -> HashSet<Span> {
    ids.sort_by_key(|(kind, id)| (kind.namespace(), id.span.file, id.span.start));
    let mut later = HashSet::default();
    let mut first: HashMap<(&str, &str), Span> = HashMap::default();
    for (kind, id) in ids {
        let namespace = kind.namespace();
        match first.get(&(namespace, id.value.as_str())) {
            Some(&first) => {
                later.insert(id.span);
                diags.push(
                    Diagnostic::new(
                        Code::DuplicateId,
                        id.span,
                        format!("{namespace} `{}` is declared twice", id.value),
                    )
                    .label(first, "first declared here"),
                );
            }
            None => {
                first.insert((namespace, &id.value), id.span);
            }
        }
    }
    later
}

/// What the reference checks keep for the next compilation (a round of
/// `watch` or the language server): the services whose references all
/// resolved, held so that their addresses stay theirs, and a fingerprint of
/// what was declared then. A reference resolves by the kinds its id is
/// declared as, nothing else: while the same ids are declared as the same
/// kinds, a service that is the same allocation (its file was not parsed
/// again) still resolves, and its references are not walked again.
#[derive(Default)]
pub struct Memo {
    declared: u64,
    resolved: HashMap<usize, Arc<Service>>,
}

pub(super) fn check(index: &Index, memo: &mut Memo) -> Vec<Diagnostic> {
    let mut diags = unresolved(index, memo);
    let m = index.model;
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
            .and_then(|f| index.get::<Function>(&f.value));
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

/// `unknown-reference` and `wrong-reference-kind`: every reference that
/// names nothing its field accepts, but those of the services `memo` says
/// still resolve; leaves in `memo` the services that do now.
fn unresolved(index: &Index, memo: &mut Memo) -> Vec<Diagnostic> {
    let m = index.model;
    let declared = index.declared_fingerprint();
    let before = std::mem::take(&mut memo.resolved);
    let before = if memo.declared == declared {
        before
    } else {
        HashMap::default()
    };
    let known = |s: &Service| before.contains_key(&std::ptr::from_ref(s).addr());
    let mut diags: Vec<Diagnostic> = m
        .references_but(|_| true)
        .iter()
        .filter_map(|r| resolve(index, r))
        .collect();
    let mut resolved = HashMap::default();
    let mut references = Vec::new();
    for service in &m.services {
        if !known(service) {
            references.clear();
            service.references_into(&mut references);
            let found = diags.len();
            diags.extend(references.iter().filter_map(|r| resolve(index, r)));
            if diags.len() > found {
                continue;
            }
        }
        resolved.insert(Arc::as_ptr(service).addr(), service.clone());
    }
    *memo = Memo { declared, resolved };
    diags
}

/// How messages name the declaration that holds a reference.
struct Holder<'m>(&'m Reference<'m>);

impl std::fmt::Display for Holder<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Reference {
            field,
            holder,
            decision_at,
            ..
        } = self.0;
        let what = field.from().noun();
        match decision_at {
            Some(gate) => write!(
                f,
                "the decision at `{}` on {what} `{}`",
                gate.value, holder.value
            ),
            None => write!(f, "{what} `{}`", holder.value),
        }
    }
}

/// `unknown-reference` or `wrong-reference-kind` for a reference that names
/// nothing its field accepts.
fn resolve(index: &Index, reference: &Reference) -> Option<Diagnostic> {
    let name = reference.to.value.as_str();
    let expect = reference.field.expects();
    if index.is(name, expect) {
        return None;
    }
    let holder = Holder(reference);
    let diag = match index.kind_of(name) {
        Some((actual, span)) => Diagnostic::new(
            Code::WrongReferenceKind,
            reference.to.span,
            format!(
                "{holder} names `{name}`, which is a {}; a {} is expected here",
                actual.noun(),
                expect.noun()
            ),
        )
        .label(
            span,
            format!("`{name}` is declared here as a {}", actual.noun()),
        ),
        None => Diagnostic::new(
            Code::UnknownReference,
            reference.to.span,
            format!(
                "{holder} names {} `{name}`, which is not declared",
                expect.noun()
            ),
        ),
    };
    Some(diag.suggest(name, reference.to.span, index.ids(expect)))
}

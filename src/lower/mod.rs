//! Lowering: one file's KDL document into the typed [`Model`], with the
//! schema diagnostics of section 4 (`unknown-node`, `unknown-property`,
//! `missing-field`, `duplicate-field`, `wrong-type`, `invalid-value`,
//! `invalid-id`, `misplaced-pmo`).
//!
//! Each file is lowered on its own, so files can be lowered in parallel and
//! their documents dropped at once; [`Model::append`] joins the results in
//! file order. Every declaration is read through [`reader::Node`], which
//! reports whatever a declaration does not read.

mod reader;
pub mod values;

#[cfg(test)]
mod fix_tests;
#[cfg(test)]
mod schema_tests;

use crate::syntax::Document;
use jiff::civil::Date;
use std::sync::Arc;

use crate::base::{Code, Diagnostic, EntityKind, FileId, Span, Spanned};
use crate::model::{
    AdoptionTarget, AppliesTo, BUILT_IN_CONDITIONS, Bound, BoundKind, Budget, Card, Case, Champion,
    Communication, Comparison, Criterion, Customer, Decision, Dropped, Effort, Escalation,
    Expectation, Feedback, Function, Gate, Id, Improvement, Keyword, Link, LintLevel, Metric,
    Model, Objective, Offer, Person, Phase, Pilot, Plan, Pmo, Report, Retirement, Rollout, Service,
    Sla, Stage, Target, Team, Training, Transform, Trend, Trigger, When, Window,
};
use reader::{Lowering, Node};
use values::{
    base_url, count, date, duration, fte, glob, hours, id, keyword, link, number, output_folder,
    person_fte, positive, reference, text, time_zone,
};

/// Lowers one parsed file (`text` is the file's text, which fixes are
/// written against). `is_manifest` is true for the root `pmo.kdl`, the
/// one place a `pmo` may stand.
pub fn lower_file(
    file: FileId,
    text: &str,
    doc: &Document,
    is_manifest: bool,
) -> (Model, Vec<Diagnostic>) {
    let cx = Lowering::new(file, text);
    let mut model = Model::default();
    let mut seen_pmo = false;
    for kdl in &doc.nodes {
        let name = kdl.name.value.as_str();
        let node = Node::top(&cx, kdl, format!("`{name}`"));
        // SLAs are declared inside their service, not at the top.
        let kind = EntityKind::top_level().find(|k| k.keyword() == name);
        match kind {
            Some(EntityKind::Pmo) if is_manifest && !seen_pmo => {
                seen_pmo = true;
                model.pmo = pmo(node);
            }
            Some(EntityKind::Pmo) => {
                let why = if is_manifest {
                    "a project has exactly one `pmo`; this is a second one"
                } else {
                    "`pmo` belongs in the `pmo.kdl` at the project root"
                };
                cx.report(Diagnostic::new(Code::MisplacedPmo, node.head_span(), why));
                node.ignore_rest();
            }
            Some(EntityKind::Person) => model.persons.extend(person(node)),
            Some(EntityKind::Team) => model.teams.extend(team(node)),
            Some(EntityKind::Customer) => model.customers.extend(customer(node)),
            Some(EntityKind::Objective) => model.objectives.extend(objective(node)),
            Some(EntityKind::Metric) => model.metrics.extend(metric(node)),
            Some(EntityKind::Function) => model.functions.extend(function(node)),
            Some(EntityKind::Service) => model.services.extend(service(node).map(Arc::new)),
            Some(EntityKind::Gate) => model.gates.extend(gate(node)),
            Some(EntityKind::Trigger) => model.triggers.extend(trigger(node)),
            Some(EntityKind::Improvement) => model.improvements.extend(improvement(node)),
            Some(EntityKind::Sla) | None => {
                cx.report(
                    Diagnostic::new(
                        Code::UnknownNode,
                        node.name_span(),
                        format!("`{name}` is not a declaration"),
                    )
                    .suggest(
                        name,
                        node.name_span(),
                        EntityKind::top_level().map(EntityKind::keyword),
                    ),
                );
                node.ignore_rest();
            }
        }
    }
    if is_manifest && !seen_pmo {
        cx.report(Diagnostic::new(
            Code::MisplacedPmo,
            Span::new(file, 0, 0),
            "`pmo.kdl` declares no `pmo`",
        ));
    }
    (model, cx.into_diagnostics())
}

/// Reads a declaration: its id (the first argument), then its body with
/// `body`. Without an id the body is still read, so its own diagnostics are
/// reported and nothing it holds is taken for unknown, but the declaration
/// stays out of the model: one `missing-field`, no cascade.
fn declared<T>(mut node: Node, body: impl FnOnce(&Node, Id) -> T) -> Option<T> {
    let kind = node.name();
    let id = match node.arg(0) {
        Some(entry) => id(node.cx, entry),
        None => {
            node.missing("id");
            None
        }
    };
    match id {
        Some(id) => {
            node.rename(format!("{kind} `{}`", id.value));
            Some(body(&node, id))
        }
        None => {
            body(&node, Spanned::new(String::new(), node.head_span()));
            None
        }
    }
}

fn pmo(node: Node) -> Option<Pmo> {
    declared(node, |node, id| {
        let site = node.child("site");
        let lints = node.child("lints").map(|l| lints(&l)).unwrap_or_default();
        Pmo {
            id,
            head_span: node.head_span(),
            name: node.required("name", text),
            mandate: node.required("mandate", text),
            sponsor: node.required("sponsor", reference),
            head: node.field("head", reference),
            structure: node.field("structure", keyword),
            as_of: node.field("as-of", date),
            site_title: site.as_ref().and_then(|s| s.field("title", text)),
            base_url: site.as_ref().and_then(|s| s.field("base-url", base_url)),
            output: node.field("output", output_folder),
            exclude: node.list("exclude", glob),
            lints,
        }
    })
}

fn lints(node: &Node) -> Vec<(Code, Spanned<LintLevel>)> {
    let mut levels: Vec<(Code, Spanned<LintLevel>)> = Vec::new();
    let mut groups: Vec<(LintLevel, Node)> = Vec::new();
    for level in LintLevel::ALL {
        groups.extend(
            node.children(level.as_str())
                .into_iter()
                .map(|n| (*level, n)),
        );
    }
    // The last level given for a code wins: keep source order.
    groups.sort_by_key(|(_, n)| n.name_span().start);
    for (level, group) in &groups {
        for name in group.values(text) {
            match Code::from_name(&name.value).filter(|c| c.is_lintable()) {
                Some(code) => levels.push((code, Spanned::new(*level, name.span))),
                None => {
                    let why = if Code::from_name(&name.value).is_some() {
                        "is a syntax or schema code, which is always an error"
                    } else {
                        "is not a rule code"
                    };
                    let lintable = Code::ALL
                        .iter()
                        .filter(|c| c.is_lintable())
                        .map(|c| c.as_str());
                    node.cx.report(
                        Diagnostic::new(
                            Code::InvalidValue,
                            name.span,
                            format!("`{}` {why}", name.value),
                        )
                        .suggest(&name.value, name.span, lintable),
                    );
                }
            }
        }
    }
    levels
}

fn person(node: Node) -> Option<Person> {
    declared(node, |node, id| Person {
        id,
        name: node.required_property("name", text),
        email: node.property("email", text),
        title: node.property("title", text),
        fte: node.property("fte", person_fte),
    })
}

fn team(node: Node) -> Option<Team> {
    declared(node, |node, id| Team {
        id,
        name: node.required_property("name", text),
        members: node.list("member", reference),
        fte: node.property("fte", fte),
    })
}

fn customer(node: Node) -> Option<Customer> {
    declared(node, |node, id| Customer {
        id,
        name: node.required_property("name", text),
        size: node.property("size", count),
        change_capacity: node.property("change-capacity", positive),
    })
}

fn objective(node: Node) -> Option<Objective> {
    declared(node, |node, id| {
        let from = node.property("from", date);
        Objective {
            id,
            title: node.required_property("title", text),
            owner: node.property("owner", reference),
            period: node.property("period", text),
            priority: node.property("priority", positive),
            until: until(node, from),
            from,
        }
    })
}

/// An objective's `until`: before its `from` is `invalid-value` (and
/// then absent, so no rule judges the objective by it).
fn until(node: &Node, from: Option<Spanned<Date>>) -> Option<Spanned<Date>> {
    let until = node.property("until", date)?;
    match from {
        Some(from) if until.value < from.value => {
            node.cx.report(
                Diagnostic::new(
                    Code::InvalidValue,
                    until.span,
                    format!(
                        "{} ends on {} before it starts on {}",
                        node.what, until.value, from.value
                    ),
                )
                .label(from.span, "`from` given here"),
            );
            None
        }
        _ => Some(until),
    }
}

fn metric(node: Node) -> Option<Metric> {
    declared(node, |node, id| {
        if BUILT_IN_CONDITIONS.contains(&id.value.as_str()) {
            node.cx.report(Diagnostic::new(
                Code::InvalidValue,
                id.span,
                format!(
                    "`{}` is a built-in trigger condition and cannot name a metric",
                    id.value
                ),
            ));
        }
        Metric {
            id,
            name: node.required_property("name", text),
            unit: node.required_property("unit", keyword),
            direction: node.required_property("direction", keyword),
            cadence: node.required_property("cadence", keyword),
        }
    })
}

fn function(node: Node) -> Option<Function> {
    declared(node, |node, id| {
        if !node.has_child("levels") {
            node.missing("levels");
        }
        Function {
            id,
            name: node.required("name", text),
            description: node.field("description", text),
            levels: node.list("levels", keyword),
            lead: node.field("lead", reference),
        }
    })
}

fn service(node: Node) -> Option<Service> {
    declared(node, |node, id| Service {
        name: node.required("name", text),
        function: node.required("function", reference),
        description: node.required("description", text),
        stage: node.required("stage", keyword),
        plans: plans(node),
        owner: node.field("owner", reference),
        level: node.field("level", keyword),
        offers: node.children("offer").iter().flat_map(offers).collect(),
        objectives: node.list("objectives", reference),
        depends_on: node.list("depends-on", reference),
        replaces: node.list("replaces", reference),
        kpis: node.list("kpis", reference),
        channel: node.field("channel", text),
        slas: node.children("sla").into_iter().filter_map(sla).collect(),
        pilot: node.child("pilot").map(|n| pilot(&n)),
        rollout: node.child("rollout").map(|n| rollout(&n)),
        transform: node.child("transform").map(|n| Transform {
            span: n.name_span(),
            changes: n.field("changes", text),
            target_date: n.field("target-date", date),
            successor: n.field("successor", reference),
        }),
        retirement: node.child("retirement").map(|n| Retirement {
            span: n.name_span(),
            date: n.field("date", date),
            reason: n.field("reason", text),
            decided_at: n.field("decided-at", reference),
            replaced_by: n.field("replaced-by", reference),
        }),
        decisions: node
            .children("decision")
            .into_iter()
            .filter_map(decision)
            .collect(),
        efforts: efforts(node),
        card: card(node),
        id,
    })
}

/// The service card (language 1.1, section 8): a `link` that is not an
/// `http:`, `https:` or `mailto:` address is `invalid-value` and left out.
fn card(node: &Node) -> Card {
    Card {
        problem: node.field("problem", text),
        benefits: node.list("benefits", text),
        includes: node.list("includes", text),
        excludes: node.list("excludes", text),
        inputs: node.list("inputs", text),
        outputs: node.list("outputs", text),
        lead_time: node.field("lead-time", text),
        criticality: node.field("criticality", keyword),
        sponsor: node.field("sponsor", reference),
        links: node
            .children("link")
            .iter()
            .filter_map(|l| {
                let title = l.property("title", text);
                Some(Link {
                    url: l.value(link)?,
                    title,
                })
            })
            .collect(),
        case: node.child("case").map(|c| case(&c)),
    }
}

/// `case { benefit* cost* option* recommendation }`: `benefit` and `cost`
/// are required.
fn case(node: &Node) -> Case {
    for required in ["benefit", "cost"] {
        if !node.has_child(required) {
            node.missing(required);
        }
    }
    Case {
        span: node.name_span(),
        benefits: node.list("benefit", text),
        costs: node.list("cost", text),
        options: node.list("option", text),
        recommendation: node.field("recommendation", text),
    }
}

/// `effort PARTY fte=N [stage=S]`, repeatable: a stage of `retired` is
/// `invalid-value`; a second entry for the same party and stage (or both
/// without one) is `duplicate-field` and left out.
fn efforts(node: &Node) -> Vec<Effort> {
    let mut out: Vec<Effort> = Vec::new();
    for n in node.children("effort") {
        let party = n.value(reference);
        let fte = n.required_property("fte", fte);
        let stage_entry = n.prop("stage");
        let stage = n.property("stage", keyword::<Stage>);
        if let (Some(s), Some(entry)) = (stage, stage_entry)
            && s.value == Stage::Retired
        {
            n.cx.report(
                Diagnostic::new(
                    Code::InvalidValue,
                    n.cx.value_span(entry),
                    "a retired service asks no effort: `stage` is any stage but `retired`",
                )
                .help("leave `stage` out for an effort that applies while the service delivers"),
            );
            continue;
        }
        // An invalid stage must not turn into "every stage".
        let (Some(party), Some(fte)) = (party, fte) else {
            continue;
        };
        if stage_entry.is_some() && stage.is_none() {
            continue;
        }
        let same = out.iter().find(|e| {
            e.party.value == party.value && e.stage.map(|s| s.value) == stage.map(|s| s.value)
        });
        if let Some(first) = same {
            let when = match stage {
                Some(s) => format!("in stage `{}`", s.value),
                None => "without a stage".to_string(),
            };
            n.cx.report(
                Diagnostic::new(
                    Code::DuplicateField,
                    party.span,
                    format!(
                        "{} gives a second effort of `{}` {when}; add them up in one",
                        node.what, party.value
                    ),
                )
                .label(first.party.span, "the first one"),
            );
            continue;
        }
        out.push(Effort { party, fte, stage });
    }
    out
}

/// `plan STAGE by=DATE`, one per stage: a second plan for a stage is
/// `duplicate-field` (the first counts).
fn plans(node: &Node) -> Vec<Plan> {
    let mut plans: Vec<Plan> = Vec::new();
    for p in node.children("plan") {
        let by = p.required_property("by", date);
        let stage = match p.arg(0) {
            Some(entry) => keyword::<Stage>(p.cx, entry),
            None => {
                p.missing("stage");
                None
            }
        };
        let Some(stage) = stage else {
            continue;
        };
        if let Some(first) = plans.iter().find(|q| q.stage.value == stage.value) {
            node.cx.report(
                Diagnostic::new(
                    Code::DuplicateField,
                    stage.span,
                    format!("{} plans `{}` twice", node.what, stage.value),
                )
                .label(first.stage.span, "first planned here"),
            );
            continue;
        }
        plans.push(Plan { stage, by });
    }
    plans
}

/// `offer "a" "b" level="mandated"`: one offer per customer group.
fn offers(node: &Node) -> Vec<Offer> {
    let level = node.required_property("level", keyword);
    node.values(reference)
        .into_iter()
        .map(|customer| Offer { customer, level })
        .collect()
}

fn sla(node: Node) -> Option<Sla> {
    declared(node, |node, id| {
        let hours_node = node.child("hours");
        if !node.has_child("target") {
            node.missing_block("target");
        }
        if !node.has_child("escalate") {
            node.missing_block("escalate");
        }
        let report = node.child("report");
        if report.is_none() {
            node.missing_block("report");
        }
        Sla {
            id,
            customers: node.list("customers", reference),
            period: node.required("period", keyword),
            calendar: node.field("calendar", keyword),
            hours: hours_node.as_ref().and_then(|h| h.value(hours)),
            tz: hours_node
                .as_ref()
                .and_then(|h| h.property("tz", time_zone)),
            targets: node.children("target").iter().filter_map(target).collect(),
            respond_within: node.field("respond-within", duration),
            report: report.map(|r| Report {
                every: r.property("every", keyword),
                to: r.required_property("to", reference),
            }),
            escalations: node
                .children("escalate")
                .iter()
                .map(|e| Escalation {
                    after: e.required_property("after", duration),
                    to: e.required_property("to", reference),
                })
                .collect(),
            review_by: node.required("review-by", date),
            starts: node.field("starts", date),
            ends: node.field("ends", date),
            budget: node.child("budget").and_then(|b| {
                let per = b.property("per", keyword);
                Some(Budget {
                    span: b.name_span(),
                    breaches: b.required_property("breaches", count)?,
                    per,
                })
            }),
        }
    })
}

/// Exactly one of `at-least` / `at-most`: both is `duplicate-field`,
/// neither `missing-field`.
fn bound(node: &Node) -> Option<Bound> {
    let least = node.prop("at-least");
    let most = node.prop("at-most");
    let (kind, entry) = match (least, most) {
        (Some(a), Some(b)) => {
            let (first, later) = if a.span.start < b.span.start {
                (a, b)
            } else {
                (b, a)
            };
            node.cx.report(
                Diagnostic::new(
                    Code::DuplicateField,
                    node.cx.value_span(later),
                    format!(
                        "{} gives both `at-least` and `at-most`; keep one",
                        node.what
                    ),
                )
                .label(node.cx.value_span(first), "the other bound"),
            );
            return None;
        }
        (Some(a), None) => (BoundKind::AtLeast, a),
        (None, Some(b)) => (BoundKind::AtMost, b),
        (None, None) => {
            node.missing("at-least` or `at-most");
            return None;
        }
    };
    Some(Bound {
        kind,
        value: number(node.cx, entry)?,
    })
}

fn target(node: &Node) -> Option<Target> {
    let bound = bound(node);
    let warn = node.property("warn", number);
    Some(Target {
        metric: node.value(reference)?,
        bound,
        warn,
    })
}

fn pilot(node: &Node) -> Pilot {
    Pilot {
        span: node.name_span(),
        scope: node.field("scope", text),
        groups: node.list("groups", reference),
        start: node.field("start", date),
        review: node.field("review", date),
        success: node.field("success", text),
        exit_gate: node.field("exit-gate", reference),
    }
}

fn rollout(node: &Node) -> Rollout {
    Rollout {
        span: node.name_span(),
        phases: node
            .children("phase")
            .iter()
            .filter_map(|p| {
                Some(Phase {
                    start: p.property("start", date),
                    end: p.property("end", date),
                    groups: p
                        .prop("groups")
                        .and_then(|e| reference(p.cx, e))
                        .into_iter()
                        .collect(),
                    name: p.value(text)?,
                })
            })
            .collect(),
        adoption_target: node
            .child("adoption-target")
            .and_then(|a| adoption_target(&a)),
        champions: champions(node),
        communications: node
            .children("communicate")
            .iter()
            .filter_map(|c| {
                // Every property is read before the message is asked for,
                // so a node without one reports only that (no cascade).
                let to = c.required_property("to", reference);
                let on = c.required_property("on", date);
                let channel = c.property("channel", text);
                Some(Communication {
                    span: c.name_span(),
                    message: c.value(text)?,
                    to,
                    on,
                    channel,
                })
            })
            .collect(),
        trainings: node
            .children("train")
            .iter()
            .filter_map(|t| {
                let groups = match t.prop("groups") {
                    Some(e) => reference(t.cx, e).into_iter().collect(),
                    None => {
                        t.missing("groups");
                        Vec::new()
                    }
                };
                let by = t.required_property("by", date);
                Some(Training {
                    span: t.name_span(),
                    training: t.value(text)?,
                    groups,
                    by,
                })
            })
            .collect(),
        feedback: node.child("feedback").map(|f| Feedback {
            span: f.name_span(),
            every: f.required_property("every", keyword),
            metric: f.property("metric", reference),
            to: f.property("to", reference),
        }),
    }
}

/// `champion PARTY [groups=GROUP]`, repeatable: one champion per group. A
/// second champion for a group it already has (or a second without
/// `groups=`, version 1's single champion) is `duplicate-field` and left
/// out.
fn champions(node: &Node) -> Vec<Champion> {
    let mut out: Vec<Champion> = Vec::new();
    for c in node.children("champion") {
        let entry = c.prop("groups");
        let groups: Vec<Id> = entry.and_then(|e| reference(c.cx, e)).into_iter().collect();
        // An invalid group must not turn into "every group".
        if entry.is_some() && groups.is_empty() {
            let _ = c.value(reference);
            continue;
        }
        let Some(party) = c.value(reference) else {
            continue;
        };
        let same = |other: &Champion| {
            other
                .groups
                .iter()
                .map(|g| &g.value)
                .eq(groups.iter().map(|g| &g.value))
        };
        if let Some(first) = out.iter().find(|o| same(o)) {
            let whom = match groups.first() {
                Some(g) => format!("for `{}`", g.value),
                None => "without `groups=`".to_string(),
            };
            c.cx.report(
                Diagnostic::new(
                    Code::DuplicateField,
                    party.span,
                    format!(
                        "{} names a second champion {whom}; one champion per group",
                        node.what
                    ),
                )
                .label(first.party.span, "the first one")
                .help("give each champion the group they champion with `groups=`"),
            );
            continue;
        }
        out.push(Champion { party, groups });
    }
    out
}

/// An `adoption-target`: `from` is required with `at-most` (an `at-least`
/// target starts from 0), and a baseline already past the threshold is
/// `invalid-value` (one equal to it is a flat plan, allowed).
fn adoption_target(node: &Node) -> Option<AdoptionTarget> {
    let bound = bound(node);
    let by = node.property("by", date);
    let from = node.property("from", number);
    match (bound, from) {
        (Some(b), None) if b.kind == BoundKind::AtMost => node.missing("from"),
        (Some(b), Some(f)) if b.passes(f.value) && f.value != b.value.value => {
            node.cx.report(
                Diagnostic::new(
                    Code::InvalidValue,
                    f.span,
                    format!(
                        "{} starts from {}, already past its threshold ({} {})",
                        node.what,
                        crate::base::number::show(f.value),
                        b.kind,
                        crate::base::number::show(b.value.value)
                    ),
                )
                .label(b.value.span, "the threshold"),
            );
            // No plan is drawn from a baseline that is wrong: no cascade.
            return Some(AdoptionTarget {
                bound,
                by: None,
                from: None,
                metric: node.value(reference)?,
            });
        }
        _ => {}
    }
    Some(AdoptionTarget {
        bound,
        by,
        from,
        metric: node.value(reference)?,
    })
}

fn decision(mut node: Node) -> Option<Decision> {
    let gate = match node.arg(0) {
        Some(entry) => reference(node.cx, entry),
        None => {
            node.missing("gate");
            None
        }
    };
    if let Some(gate) = &gate {
        node.rename(format!("decision at `{}`", gate.value));
    }
    // The rest is read even without a gate, so nothing cascades.
    let outcome = node.required_property("outcome", keyword);
    let on = node.required_property("date", date);
    let by = node.required_property("by", reference);
    let present = node.list("present", reference);
    let rationale = node.field("rationale", text);
    let revisit = node.field("revisit", date);
    Some(Decision {
        gate: gate?,
        outcome,
        date: on,
        by,
        present,
        rationale,
        revisit,
    })
}

fn gate(node: Node) -> Option<Gate> {
    declared(node, |node, id| {
        if !node.has_child("to") {
            node.missing("to");
        }
        if !node.has_child("approvers") {
            node.missing("approvers");
        }
        Gate {
            id,
            name: node.required("name", text),
            from: node.required("from", keyword),
            to: node.list("to", keyword),
            approvers: node.list("approvers", reference),
            quorum: node.field("quorum", positive),
            must: node.list("must", text),
            should: node
                .children("should")
                .iter()
                .filter_map(|s| {
                    Some(Criterion {
                        weight: s.property("weight", positive),
                        text: s.value(text)?,
                    })
                })
                .collect(),
            deliverables: node.list("deliverable", text),
            decide_within: node.field("decide-within", duration),
            requires: node.list("requires", keyword),
        }
    })
}

fn trigger(node: Node) -> Option<Trigger> {
    declared(node, |node, id| {
        if !node.has_child("applies-to") {
            node.missing_block("applies-to");
        }
        let when_node = node.child("when");
        if when_node.is_none() {
            node.missing_block("when");
        }
        Trigger {
            id,
            applies_to: node
                .children("applies-to")
                .iter()
                .filter_map(applies_to)
                .collect(),
            when: when_node.and_then(|w| when(&w)),
            min_age: node.field("min-age", duration),
            action: node.required("action", keyword),
            gate: node.field("gate", reference),
            notify: node.list("notify", reference),
        }
    })
}

/// An improvement (language 1.1, section 7). `done` and `dropped` are
/// exclusive: the second written of them is `invalid-value` and left out.
fn improvement(node: Node) -> Option<Improvement> {
    declared(node, |node, id| {
        let mut done = node.field("done", date);
        let mut dropped = node.child("dropped").and_then(|d| {
            let reason = d.required_property("reason", text);
            Some(Dropped {
                date: d.value(date)?,
                reason,
            })
        });
        if let (Some(d), Some(x)) = (done, &dropped) {
            let (later, first, what) = if d.span.start < x.date.span.start {
                (x.date.span, d.span, "`dropped`")
            } else {
                (d.span, x.date.span, "`done`")
            };
            node.cx.report(
                Diagnostic::new(
                    Code::InvalidValue,
                    later,
                    format!(
                        "{} is already {}: an improvement is done or dropped, not both; {what} is ignored",
                        node.what,
                        if what == "`done`" { "dropped" } else { "done" }
                    ),
                )
                .label(first, "first given here"),
            );
            if what == "`done`" {
                done = None;
            } else {
                dropped = None;
            }
        }
        Improvement {
            id,
            title: node.required("title", text),
            service: node.required("service", reference),
            answers: node.list("answers", reference),
            owner: node.required("owner", reference),
            due: node.required("due", date),
            done,
            dropped,
            expect: node.child("expect").and_then(|e| {
                Some(Expectation {
                    span: e.name_span(),
                    bound: bound(&e),
                    by: e.required_property("by", date),
                    metric: e.value(reference)?,
                })
            }),
        }
    })
}

fn applies_to(node: &Node) -> Option<AppliesTo> {
    let selector = AppliesTo {
        stage: node.property("stage", keyword),
        function: node.property("function", reference),
        service: node.property("service", reference),
    };
    let written = ["stage", "function", "service"]
        .iter()
        .any(|k| node.kdl.entry(k).is_some());
    if !written {
        node.missing("stage`, `function` or `service");
        return None;
    }
    let all_valid = ["stage", "function", "service"].iter().all(|k| {
        node.kdl.entry(k).is_none()
            || match *k {
                "stage" => selector.stage.is_some(),
                "function" => selector.function.is_some(),
                _ => selector.service.is_some(),
            }
    });
    // A selector with an invalid value selects nothing rather than everything.
    all_valid.then_some(selector)
}

/// A trigger's condition: a metric with exactly one threshold
/// (`below=` …) or trend (`falling=N`, `rising=N`), and a window (not with
/// a trend); or a built-in condition, which takes no threshold or trend.
fn when(node: &Node) -> Option<When> {
    let metric = node.value(reference);
    let (mut comparison, mut trend, first) = condition(node);
    let metric = metric?;
    let built_in = BUILT_IN_CONDITIONS.contains(&metric.value.as_str());
    match first {
        None if !built_in => {
            node.missing("below`, `above`, `at-most`, `at-least`, `falling` or `rising")
        }
        Some(entry) if built_in => {
            node.cx.report(
                Diagnostic::new(
                    Code::InvalidValue,
                    node.cx.value_span(entry),
                    format!(
                        "`{}` is a built-in condition: it takes no threshold or trend",
                        metric.value
                    ),
                )
                .label(metric.span, "the built-in condition"),
            );
            comparison = None;
            trend = None;
        }
        _ => {}
    }
    let for_ = node.prop("for");
    let within = node.prop("within");
    if let Some(written) = first.filter(|_| trend.is_some()) {
        // A trend is its own window: the last N periods.
        for entry in [for_, within].into_iter().flatten() {
            node.cx.report(
                Diagnostic::new(
                    Code::InvalidValue,
                    node.cx.value_span(entry),
                    "a trend condition (`falling`, `rising`) takes no `for` or `within`: it counts its own periods",
                )
                .label(node.cx.value_span(written), "the trend"),
            );
        }
        return Some(When {
            metric,
            comparison,
            trend,
            window: Window::For(Spanned::new(1, node.name_span())),
        });
    }
    let window = match (for_, within) {
        (Some(f), Some(w)) => {
            node.cx.report(
                Diagnostic::new(
                    Code::DuplicateField,
                    node.cx.value_span(w),
                    "a trigger condition takes `for` or `within`, not both",
                )
                .label(node.cx.value_span(f), "`for` given here"),
            );
            Window::For(positive(node.cx, f)?)
        }
        (Some(f), None) => Window::For(positive(node.cx, f)?),
        (None, Some(w)) => within_window(node, w)?,
        (None, None) => Window::For(Spanned::new(1, node.name_span())),
    };
    Some(When {
        metric,
        comparison,
        trend,
        window,
    })
}

/// The one threshold or trend of a condition, and the entry that wrote
/// it; a second is `duplicate-field`.
type Written<'n> = (
    Option<(Comparison, Spanned<f64>)>,
    Option<(Trend, Spanned<u64>)>,
    Option<&'n crate::syntax::Entry>,
);

fn condition<'n>(node: &'n Node) -> Written<'n> {
    let (mut comparison, mut trend) = (None, None);
    let mut first: Option<&crate::syntax::Entry> = None;
    let words = Comparison::WORDS.iter().chain(Trend::WORDS);
    for word in words {
        let Some(entry) = node.prop(word) else {
            continue;
        };
        if let Some(first) = first {
            node.cx.report(
                Diagnostic::new(
                    Code::DuplicateField,
                    node.cx.value_span(entry),
                    "a trigger condition takes one comparison or trend",
                )
                .label(node.cx.value_span(first), "the other condition"),
            );
            continue;
        }
        first = Some(entry);
        if let Some(c) = Comparison::parse(word) {
            comparison = number(node.cx, entry).map(|n| (c, n));
        } else if let Some(t) = Trend::parse(word) {
            trend = positive(node.cx, entry).map(|n| (t, n));
        }
    }
    (comparison, trend, first)
}

/// `within="K of N"`, K and N whole numbers ≥ 1 (K > N is a model rule).
fn within_window(node: &Node, entry: &crate::syntax::Entry) -> Option<Window> {
    let s = text(node.cx, entry)?;
    let parsed = s.value.split_once(" of ").and_then(|(k, n)| {
        let parse = |x: &str| {
            x.parse::<u64>()
                .ok()
                .filter(|&v| v >= 1 && !x.starts_with('+'))
        };
        Some((parse(k)?, parse(n)?))
    });
    match parsed {
        Some((k, n)) => Some(Window::Within { k, n, span: s.span }),
        None => {
            node.cx.report(
                Diagnostic::new(
                    Code::InvalidValue,
                    s.span,
                    format!("`{}` is not a window of periods", s.value),
                )
                .help("write `K of N` with whole numbers of 1 or more, e.g. `4 of 6`"),
            );
            None
        }
    }
}

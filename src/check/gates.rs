//! Governance gates and the decisions taken at them: `stage-without-go`,
//! `decision-contradicts-stage`, `decision-incomplete`,
//! `decision-unauthorised`, `gate-no-must`, `gate-bad-transition`,
//! `owner-approves-own`, and a `quorum` no attendance can reach.

use super::at_declaration;
use crate::base::{Code, Diagnostic};
use crate::model::{Decision, DecisionOutcome, Gate, Id, Index, Person, Service, Stage};

pub(super) fn check(index: &Index) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for gate in &index.model.gates {
        diags.extend(gate_rules(index, gate));
    }
    for service in &index.model.services {
        diags.extend(stage_decision(index, service));
        for decision in &service.decisions {
            diags.extend(decision_rules(index, service, decision));
        }
    }
    diags
}

/// Whether a gate may move a service from `from` to `to`: the next stage,
/// back one stage, or from anywhere to transform or retired.
pub(super) fn allowed(from: Stage, to: Stage) -> bool {
    let (f, t) = (from.index(), to.index());
    t == f + 1 || t + 1 == f || matches!(to, Stage::Transform | Stage::Retired)
}

fn gate_rules(index: &Index, gate: &Gate) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    if gate.must.is_empty() {
        diags.push(
            at_declaration(
                Code::GateNoMust,
                &gate.id,
                None,
                format!("gate `{}` has no must-meet criterion", gate.id.value),
            )
            .help("add `must \"…\"`: the knock-out criteria a service must meet to pass"),
        );
    }
    if let Some(from) = gate.from {
        for to in gate.to.iter().filter(|to| !allowed(from.value, to.value)) {
            diags.push(
                Diagnostic::new(
                    Code::GateBadTransition,
                    to.span,
                    format!(
                        "gate `{}` moves services from {} to {}, skipping a stage",
                        gate.id.value, from.value, to.value
                    ),
                )
                .label(from.span, format!("from {}", from.value))
                .help("a gate leads to the next stage, back one stage, or to transform or retired"),
            );
        }
    }
    if let Some(quorum) = gate.quorum {
        let people = index.approving_people(gate).len() as u64;
        if quorum.value > people {
            diags.push(Diagnostic::new(
                Code::InvalidValue,
                quorum.span,
                format!(
                    "gate `{}` needs a quorum of {}, but only {people} {} at it",
                    gate.id.value,
                    quorum.value,
                    if people == 1 {
                        "person approves"
                    } else {
                        "people approve"
                    }
                ),
            ));
        }
    }
    diags
}

/// `stage-without-go` or `decision-contradicts-stage`, never both.
fn stage_decision(index: &Index, service: &Service) -> Option<Diagnostic> {
    let stage = service.stage?;
    let gates: Vec<&Gate> = index
        .model
        .gates
        .iter()
        .filter(|g| g.leads_to(stage.value))
        .collect();
    if gates.is_empty() {
        return None;
    }
    let leads_here = |d: &&Decision| gates.iter().any(|g| g.id.value == d.gate.value);
    let latest = latest(service.decisions.iter().filter(leads_here));
    let names = gates
        .iter()
        .map(|g| format!("`{}`", g.id.value))
        .collect::<Vec<_>>()
        .join(", ");
    if latest.is_none() {
        return Some(
            at_declaration(
                Code::StageWithoutGo,
                &service.id,
                service.stage,
                format!(
                    "service `{}` is in {} but no decision at a gate leading there is recorded",
                    service.id.value, stage.value
                ),
            )
            .help(format!("record the `go` decision taken at {names}")),
        );
    };
    let latest = contradicting(index, service)?;
    let outcome = latest.outcome?;
    Some({
        Diagnostic::new(
            Code::DecisionContradictsStage,
            outcome.span,
            format!(
                "the latest decision at `{}` on service `{}` is {}, yet the service is in {}",
                latest.gate.value, service.id.value, outcome.value, stage.value
            ),
        )
        .label(stage.span, format!("in {}", stage.value))
    })
}

/// The latest of some decisions by date; ties go to the one written last.
pub(super) fn latest<'m>(decisions: impl Iterator<Item = &'m Decision>) -> Option<&'m Decision> {
    decisions
        .enumerate()
        .max_by_key(|(i, d)| (d.date.map(|d| d.value), *i))
        .map(|(_, d)| d)
}

/// The decision `decision-contradicts-stage` reports on a service: the
/// latest at the gates leading to its stage, when it is not `go` (nor a
/// `kill` that retired it).
pub(super) fn contradicting<'m>(index: &Index<'m>, service: &'m Service) -> Option<&'m Decision> {
    let stage = service.stage?.value;
    let gates: Vec<&Gate> = index
        .model
        .gates
        .iter()
        .filter(|g| g.leads_to(stage))
        .collect();
    let leads_here = |d: &&Decision| gates.iter().any(|g| g.id.value == d.gate.value);
    let latest = latest(service.decisions.iter().filter(leads_here))?;
    let outcome = latest.outcome?.value;
    let passes = outcome == DecisionOutcome::Go
        || (stage == Stage::Retired && outcome == DecisionOutcome::Kill);
    (!passes).then_some(latest)
}

/// How messages name a decision.
fn naming(service: &Service, decision: &Decision) -> String {
    format!(
        "the decision at `{}` on service `{}`",
        decision.gate.value, service.id.value
    )
}

fn decision_rules(index: &Index, service: &Service, decision: &Decision) -> Vec<Diagnostic> {
    let mut diags = decision_incomplete(service, decision);
    if let Some(gate) = index.get::<Gate>(&decision.gate.value) {
        diags.extend(decision_authority(index, service, decision, gate));
    }
    diags
}

/// `decision-incomplete`: one diagnostic per missing item.
fn decision_incomplete(service: &Service, decision: &Decision) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let at = &decision.gate;
    let on = naming(service, decision);
    if decision.rationale.is_none() {
        diags.push(
            Diagnostic::new(
                Code::DecisionIncomplete,
                at.span,
                format!("{on} records no rationale"),
            )
            .help("add `rationale \"…\"`: why the gate decided as it did"),
        );
    }
    if let Some(outcome) = decision.outcome
        && outcome.value == DecisionOutcome::Hold
        && decision.revisit.is_none()
    {
        diags.push(
            Diagnostic::new(
                Code::DecisionIncomplete,
                at.span,
                format!("{on} is a hold with no `revisit` date"),
            )
            .label(outcome.span, "hold")
            .help("add `revisit \"YYYY-MM-DD\"`: when the held decision will be taken up again"),
        );
    }
    diags
}

/// `decision-unauthorised` (one per failing condition) and `owner-approves-own`.
fn decision_authority(
    index: &Index,
    service: &Service,
    decision: &Decision,
    gate: &Gate,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let at = &decision.gate;
    let on = naming(service, decision);
    if let Some(by) = &decision.by
        && !gate.approvers.iter().any(|a| a.value == by.value)
    {
        let approvers = gate
            .approvers
            .iter()
            .map(|a| format!("`{}`", a.value))
            .collect::<Vec<_>>();
        diags.push(
            Diagnostic::new(
                Code::DecisionUnauthorised,
                by.span,
                format!(
                    "{on} was taken by `{}`, who is not an approver of gate `{}`",
                    by.value, gate.id.value
                ),
            )
            .label(gate.id.span, format!("approvers: {}", approvers.join(", "))),
        );
    }
    let approving = index.approving_people(gate);
    let attendees = attendees(index, decision);
    let approving_present: Vec<&str> = attendees
        .iter()
        .map(|a| a.value.as_str())
        .filter(|a| approving.contains(a))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if let Some(quorum) = gate.quorum
        && (approving_present.len() as u64) < quorum.value
    {
        diags.push(
            Diagnostic::new(
                Code::DecisionUnauthorised,
                at.span,
                format!(
                    "{on} had {} approving {} present; gate `{}` needs a quorum of {}",
                    approving_present.len(),
                    if approving_present.len() == 1 {
                        "person"
                    } else {
                        "people"
                    },
                    gate.id.value,
                    quorum.value
                ),
            )
            .label(quorum.span, "the quorum"),
        );
    }
    if let Some(owner) = &service.owner
        && approving_present == [owner.value.as_str()]
    {
        let span = if decision.present.is_empty() {
            decision.by.as_ref().map_or(at.span, |b| b.span)
        } else {
            at.span
        };
        diags.push(
            Diagnostic::new(
                Code::OwnerApprovesOwn,
                span,
                format!(
                    "`{}` owns service `{}` and is the only approver present at its decision at gate `{}`",
                    owner.value, service.id.value, at.value
                ),
            )
            .label(owner.span, "the owner")
            .help("gatekeepers should be independent of the service owner: record other approvers present"),
        );
    }
    diags
}

/// Who attended a decision: `present`, or `by` when `present` is absent.
fn attendees<'d>(index: &Index, decision: &'d Decision) -> Vec<&'d Id> {
    if !decision.present.is_empty() {
        decision.present.iter().collect()
    } else {
        decision
            .by
            .iter()
            .filter(|b| index.get::<Person>(&b.value).is_some())
            .collect()
    }
}

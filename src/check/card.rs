//! The service card and its justification (language 1.1, section 8):
//! `value-unstated` (a mandated service that says nothing of its worth) and
//! `gate-requirement-missing` (a service passed a gate without what the gate
//! requires). The judgements are the model's ([`Card::states_value`](crate::model::Card::states_value),
//! [`Index::requirement_gaps`]), which the catalog shares.

use super::at_declaration;
use crate::base::{Code, Diagnostic};
use crate::model::{Gate, Index, OfferLevel, Requirement, Service, Stage};

pub(super) fn check(index: &Index) -> Vec<Diagnostic> {
    let mut diags: Vec<Diagnostic> = index
        .model
        .services
        .iter()
        .filter_map(|s| value_unstated(s))
        .collect();
    for gate in &index.model.gates {
        diags.extend(requirements(index, gate));
    }
    diags
}

/// `value-unstated`: a service (not retired) that some group must use, with
/// no `problem`, no `benefits` and no business case `benefit`.
fn value_unstated(service: &Service) -> Option<Diagnostic> {
    if service.stage() == Some(Stage::Retired)
        || !service.is_mandated()
        || service.card.states_value()
    {
        return None;
    }
    let mandated = service
        .offers
        .iter()
        .find(|o| o.level.is_some_and(|l| l.value == OfferLevel::Mandated))?;
    Some(
        at_declaration(
            Code::ValueUnstated,
            &service.id,
            None,
            format!(
                "service `{}` is mandated but states neither the problem it solves nor its benefits",
                service.id.value
            ),
        )
        .label(mandated.customer.span, "mandated for this group")
        .help("add `problem \"…\"` (the need it answers) or `benefits \"…\"` (what its customers gain)"),
    )
}

/// `gate-requirement-missing`: the latest decision at a gate leading to the
/// service's current stage is `go`, and the service lacks a block the gate
/// `requires` ([`RequirementGap::judged_lacking`](crate::model::RequirementGap::judged_lacking)); one finding per
/// decision, labelled at each requirement it lacks.
fn requirements(index: &Index, gate: &Gate) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for gap in index.requirement_gaps(gate) {
        let lacking = gap.judged_lacking(gate);
        let (Some(outcome), false) = (gap.decision.outcome, lacking.is_empty()) else {
            continue;
        };
        let words: Vec<String> = lacking.iter().map(|r| describe(r.value)).collect();
        let mut diag = Diagnostic::new(
            Code::GateRequirementMissing,
            outcome.span,
            format!(
                "service `{}` passed gate `{}` without {}",
                gap.service.id.value,
                gate.id.value,
                join(&words)
            ),
        );
        for r in &lacking {
            diag = diag.label(
                r.span,
                format!("gate `{}` requires {}", gate.id.value, r.value),
            );
        }
        diags.push(diag.help(help(&lacking.iter().map(|r| r.value).collect::<Vec<_>>())));
    }
    diags
}

/// What a requirement asks for, in words.
fn describe(r: Requirement) -> String {
    match r {
        Requirement::Case => "a business case with a cost",
        Requirement::Pilot => "a pilot",
        Requirement::Rollout => "a rollout",
        Requirement::Onboarding => {
            "an onboarding plan (a rollout with a `communicate` and a `train`)"
        }
    }
    .to_string()
}

fn help(lacking: &[Requirement]) -> String {
    let adds: Vec<&str> = lacking
        .iter()
        .map(|r| match r {
            Requirement::Case => "a `case` block with its `benefit` and `cost`",
            Requirement::Pilot => "the `pilot` block it ran",
            Requirement::Rollout => "the `rollout` block",
            Requirement::Onboarding => "`communicate` and `train` in its `rollout`",
        })
        .collect();
    format!(
        "record {}, or take the decision again once they exist",
        adds.join(" and ")
    )
}

/// `a`, `a and b`, `a, b and c`.
fn join(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

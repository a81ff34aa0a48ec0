//! The onboarding plan (section 9 of version 1.1): `onboarding-gap` (a
//! rollout phase that reaches a group before the group was told or
//! trained) and `feedback-missing` (a service in implementation whose
//! rollout has no feedback loop). Neither judges a retired service.

use crate::base::{Code, Diagnostic};
use crate::model::{Index, Phase, Rollout, Service, Stage};

pub(super) fn check(index: &Index) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for service in &index.model.services {
        let Some(rollout) = &service.rollout else {
            continue;
        };
        match service.stage() {
            None | Some(Stage::Retired) => continue,
            Some(Stage::Implementation) if rollout.feedback.is_none() => {
                diags.push(feedback_missing(service, rollout));
            }
            Some(_) => {}
        }
        for phase in &rollout.phases {
            diags.extend(gap(index, service, rollout, phase));
        }
    }
    diags
}

/// `feedback-missing`: at the `rollout` node.
fn feedback_missing(service: &Service, rollout: &Rollout) -> Diagnostic {
    let mut diag = Diagnostic::new(
        Code::FeedbackMissing,
        rollout.span,
        format!(
            "service `{}` is in implementation but its rollout has no feedback loop",
            service.id.value
        ),
    )
    .help("add `feedback every=\"month\" metric=\"<metric>\" to=\"<party>\"`: how often the users are asked, what is measured and who hears it");
    if let Some(stage) = service.stage {
        diag = diag.label(stage.span, "in implementation");
    }
    diag
}

/// `onboarding-gap`: the phase's [`Rollout::gap`], at its `start=`;
/// labels at what comes too late.
fn gap(index: &Index, service: &Service, rollout: &Rollout, phase: &Phase) -> Option<Diagnostic> {
    let gap = rollout.gap(phase, index.as_of)?;
    let start = phase.start?;
    let g = &gap.group.value;
    let mut diag = Diagnostic::new(
        Code::OnboardingGap,
        start.span,
        format!(
            "rollout phase `{}` of service `{}` reaches `{g}` on {} with {} of the group on or before that day",
            phase.name.value,
            service.id.value,
            start.value,
            if gap.untold && gap.untrained {
                "neither communication nor training".to_string()
            } else {
                format!("no {}", gap.missing())
            }
        ),
    );
    let mut add = Vec::new();
    if gap.untold {
        for on in gap.told.iter().filter_map(|c| c.on) {
            diag = diag.label(
                on.span,
                format!("told only on {}, after the phase starts", on.value),
            );
        }
        add.push(format!("`communicate \"…\" to=\"{g}\" on=\"<date>\"`"));
    }
    if gap.untrained {
        for by in gap.trained.iter().filter_map(|t| t.by) {
            diag = diag.label(
                by.span,
                format!("trained only by {}, after the phase starts", by.value),
            );
        }
        add.push(format!("`train \"…\" groups=\"{g}\" by=\"<date>\"`"));
    }
    Some(diag.help(format!(
        "add {} to the rollout, dated on or before {}",
        add.join(" and "),
        start.value
    )))
}

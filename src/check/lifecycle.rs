//! Lifecycle: what each stage requires. `owner-required`,
//! `pipeline-unaligned`, `pilot-incomplete`, `pilot-overdue`,
//! `rollout-missing`, `transform-incomplete`, `retired-incomplete`,
//! `retired-sla-open`.

use super::at_declaration;
use crate::base::{Code, Diagnostic};
use crate::model::{Index, Service, Stage};

pub(super) fn check(index: &Index) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for service in &index.model.services {
        if let Some(stage) = service.stage() {
            diags.extend(owner_and_alignment(service, stage));
            diags.extend(stage_block(index, service, stage));
        }
    }
    diags
}

/// A diagnostic about something the service lacks, at its id.
fn absent(service: &Service, code: Code, message: String) -> Diagnostic {
    at_declaration(code, &service.id, service.stage, message)
}

/// `owner-required` and `pipeline-unaligned`.
fn owner_and_alignment(service: &Service, stage: Stage) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let id = &service.id.value;
    let absent = |code, message| absent(service, code, message);
    if stage != Stage::Strategy && service.owner.is_none() {
        diags.push(
            absent(
                Code::OwnerRequired,
                format!("service `{id}` is in {stage} but names no owner"),
            )
            .help("add `owner \"<person>\"`: one accountable person per service"),
        );
    }
    if matches!(stage, Stage::Strategy | Stage::Design | Stage::Pilot)
        && service.objectives.is_empty()
    {
        diags.push(
            absent(
                Code::PipelineUnaligned,
                format!("service `{id}` is in {stage} but supports no objective"),
            )
            .help("add `objectives \"<objective>\"` naming the strategic objective it serves"),
        );
    }
    diags
}

/// What the stage's own block requires: pilot, rollout, transform, retirement.
fn stage_block(index: &Index, service: &Service, stage: Stage) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let id = &service.id.value;
    let absent = |code, message| absent(service, code, message);
    match stage {
        Stage::Pilot => diags.extend(pilot(index, service)),
        Stage::Implementation if service.rollout.is_none() => diags.push(
            absent(
                Code::RolloutMissing,
                format!("service `{id}` is in implementation but has no `rollout`"),
            )
            .help("add a `rollout` block with its phases, adoption target and champion"),
        ),
        Stage::Transform => {
            let t = service.transform.as_ref();
            let missing = missing_items(
                "transform",
                t.is_some(),
                &[
                    ("changes", t.is_some_and(|t| t.changes.is_some())),
                    ("target-date", t.is_some_and(|t| t.target_date.is_some())),
                ],
            );
            for what in missing {
                diags.push(absent(
                    Code::TransformIncomplete,
                    format!("service `{id}` is in transform but {what}"),
                ));
            }
        }
        Stage::Retired => {
            let r = service.retirement.as_ref();
            let missing = missing_items(
                "retirement",
                r.is_some(),
                &[
                    ("date", r.is_some_and(|r| r.date.is_some())),
                    ("reason", r.is_some_and(|r| r.reason.is_some())),
                    ("decided-at", r.is_some_and(|r| r.decided_at.is_some())),
                ],
            );
            for what in missing {
                diags.push(absent(
                    Code::RetiredIncomplete,
                    format!("service `{id}` is retired but {what}"),
                ));
            }
            for sla in service.slas.iter().filter(|s| s.ends.is_none()) {
                diags.push(
                    Diagnostic::new(
                        Code::RetiredSlaOpen,
                        sla.id.span,
                        format!(
                            "service `{id}` is retired but its SLA `{}` has no `ends` date",
                            sla.id.value
                        ),
                    )
                    .label(service.stage.expect("staged").span, "retired")
                    .help("add `ends \"YYYY-MM-DD\"`: the date the SLA stopped applying"),
                );
            }
        }
        _ => {}
    }
    diags
}

/// What a stage block lacks: the whole block (one diagnostic), or each field.
fn missing_items(block: &str, present: bool, fields: &[(&str, bool)]) -> Vec<String> {
    if !present {
        return vec![format!("has no `{block}` block")];
    }
    fields
        .iter()
        .filter(|(_, given)| !given)
        .map(|(field, _)| format!("its `{block}` block has no `{field}`"))
        .collect()
}

fn pilot(index: &Index, service: &Service) -> Vec<Diagnostic> {
    let p = service.pilot.as_ref();
    let missing = missing_items(
        "pilot",
        p.is_some(),
        &[
            ("scope", p.is_some_and(|p| p.scope.is_some())),
            ("groups", p.is_some_and(|p| !p.groups.is_empty())),
            ("start", p.is_some_and(|p| p.start.is_some())),
            ("review", p.is_some_and(|p| p.review.is_some())),
            ("success", p.is_some_and(|p| p.success.is_some())),
            ("exit-gate", p.is_some_and(|p| p.exit_gate.is_some())),
        ],
    );
    let mut diags: Vec<Diagnostic> = missing
        .into_iter()
        .map(|what| {
            at_declaration(
                Code::PilotIncomplete,
                &service.id,
                service.stage,
                format!("service `{}` is in pilot but {what}", service.id.value),
            )
        })
        .collect();
    if let Some(review) = index.pilot_overdue(service) {
        let gate = p
            .and_then(|p| p.exit_gate.as_ref())
            .map_or("its exit gate".to_string(), |g| format!("`{}`", g.value));
        diags.push(
            Diagnostic::new(
                Code::PilotOverdue,
                review.span,
                format!(
                    "the pilot of service `{}` was due for review on {}, and no decision at {gate} is recorded",
                    service.id.value, review.value
                ),
            )
            .help(format!("record the `decision` taken at {gate}, or move the review date")),
        );
    }
    diags
}

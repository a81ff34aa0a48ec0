//! Adoption on plan (LANGUAGE-1.1 section 6): `adoption-behind-plan` and
//! `adoption-missed`, from the evaluation's judgement of each rollout
//! against its plan ([`crate::metrics::adoption::judge`], the one the
//! catalog, the site and the review read). One finding per service, at the
//! `adoption-target` node's metric; never for a retired service.

use crate::base::number::show as number;
use crate::base::{Code, Diagnostic};
use crate::metrics::adoption::{Standing, rounded};
use crate::metrics::evaluate::Evaluation;
use crate::model::{BoundKind, Index, Stage};

pub fn check(index: &Index, evaluation: &Evaluation) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for service in &index.model.services {
        if service.stage() == Some(Stage::Retired) {
            continue;
        }
        let Some(target) = service
            .rollout
            .as_ref()
            .and_then(|r| r.adoption_target.as_ref())
        else {
            continue;
        };
        let Some(found) = evaluation.adoption.get(&service.id.value) else {
            continue;
        };
        let (Some(plan), Some(j)) = (found.plan, &found.judgement) else {
            continue;
        };
        let side = match plan.kind {
            BoundKind::AtLeast => "at least",
            BoundKind::AtMost => "at most",
        };
        let diag = match j.standing {
            Standing::BehindPlan => Diagnostic::new(
                Code::AdoptionBehindPlan,
                target.metric.span,
                format!(
                    "`{}` of service `{}` was {} in {}, behind its plan of {} at {} (the line from {} on {} to {} {} by {})",
                    target.metric.value,
                    service.id.value,
                    number(j.value),
                    j.period,
                    number(rounded(j.planned)),
                    crate::metrics::adoption::last_day(j.period),
                    number(plan.from),
                    plan.start,
                    side,
                    number(plan.threshold),
                    plan.by,
                ),
            )
            .help("speed the rollout up (communication, training, a champion per group), or move `by` and say why"),
            Standing::Missed => Diagnostic::new(
                Code::AdoptionMissed,
                target.metric.span,
                format!(
                    "`{}` of service `{}` was {} in {}, missing its target of {} {} by {}, and no later period meets it",
                    target.metric.value,
                    service.id.value,
                    number(j.value),
                    j.period,
                    side,
                    number(plan.threshold),
                    plan.by,
                ),
            )
            .help("decide what the rollout becomes: a new target and date, or a review at a gate"),
            Standing::OnPlan | Standing::Met => continue,
        };
        diags.push(diag.label(service.id.span, format!("service `{}`", service.id.value)));
    }
    diags
}

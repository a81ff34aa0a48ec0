//! The roadmap (section 2 of the 1.1 language): `plan-slipped`,
//! `plan-order`, `plan-before-dependency`, `objective-expired`. Where a plan
//! stands is the model's judgement ([`Index::plan_state`],
//! [`Index::plans_due`]); these rules report it.

use super::Index;
use crate::base::{Code, Diagnostic, Spanned};
use crate::model::{Id, Objective, Plan, PlanState, Service, Stage};

pub(super) fn check(index: &Index) -> Vec<Diagnostic> {
    let mut diags = slipped(index);
    for service in &index.model.services {
        diags.extend(order(index, service));
        diags.extend(before_dependency(index, service));
        diags.extend(objective_expired(index, service));
    }
    diags
}

/// `plan-slipped`: a plan not yet reached whose `by` is before as-of.
fn slipped(index: &Index) -> Vec<Diagnostic> {
    index
        .plans_due(index.as_of)
        .into_iter()
        .filter(|due| due.slipped)
        .map(|due| {
            let (service, plan) = (due.service, due.plan);
            let mut diag = Diagnostic::new(
                Code::PlanSlipped,
                due.by.span,
                format!(
                    "service `{}` was planned to reach {} by {}, and is still in {}",
                    service.id.value,
                    plan.stage.value,
                    due.by.value,
                    service.stage().map_or("?", Stage::as_str)
                ),
            )
            .help("move the plan to the date it is now expected, or record the stage reached");
            if let Some(stage) = service.stage {
                diag = diag.label(stage.span, format!("in {}", stage.value));
            }
            diag
        })
        .collect()
}

/// The plans of `service` for stages it has not reached, with their dates.
fn open_plans<'m>(
    index: &Index,
    service: &'m Service,
) -> Vec<(&'m Plan, Spanned<jiff::civil::Date>)> {
    service
        .plans
        .iter()
        .filter(|p| {
            matches!(
                index.plan_state(service, p),
                Some(PlanState::Slipped | PlanState::Ahead)
            )
        })
        .filter_map(|p| Some((p, p.by?)))
        .collect()
}

/// `plan-order`: among the open plans, a later stage planned strictly
/// before an earlier one; one finding per such later plan, labelled at the
/// plan earliest in the lifecycle that it precedes.
fn order(index: &Index, service: &Service) -> Vec<Diagnostic> {
    let open = open_plans(index, service);
    let mut diags = Vec::new();
    for (later, later_by) in &open {
        let preceded = open
            .iter()
            .filter(|(p, by)| p.stage.value < later.stage.value && later_by.value < by.value)
            .min_by_key(|(p, _)| p.stage.value);
        let Some((earlier, earlier_by)) = preceded else {
            continue;
        };
        diags.push(
            Diagnostic::new(
                Code::PlanOrder,
                later_by.span,
                format!(
                    "service `{}` is planned to reach {} by {}, before it reaches {} by {}",
                    service.id.value,
                    later.stage.value,
                    later_by.value,
                    earlier.stage.value,
                    earlier_by.value
                ),
            )
            .label(
                earlier_by.span,
                format!("{} planned by {}", earlier.stage.value, earlier_by.value),
            )
            .help("a service reaches its stages in lifecycle order: move one of the dates"),
        );
    }
    diags
}

/// `plan-before-dependency`: a service not yet in operation, planned to
/// reach operation by D, depends on services still in the pipeline with no
/// plan to reach operation (or transform, after it) on or before D. One
/// finding per plan, labelled at each such `depends-on` value.
fn before_dependency(index: &Index, service: &Service) -> Option<Diagnostic> {
    if !service.stage()?.in_pipeline() {
        return None;
    }
    let plan = service.plan(Stage::Operation)?;
    let by = plan.by?;
    let late: Vec<(&Id, &Service)> = service
        .depends_on
        .iter()
        .filter_map(|r| Some((r, index.get::<Service>(&r.value)?)))
        .filter(|(_, dep)| {
            dep.stage().is_some_and(Stage::in_pipeline)
                && !dep.plans.iter().any(|p| {
                    matches!(p.stage.value, Stage::Operation | Stage::Transform)
                        && p.by.is_some_and(|b| b.value <= by.value)
                })
        })
        .collect();
    if late.is_empty() {
        return None;
    }
    let names = late
        .iter()
        .map(|(_, dep)| format!("`{}`", dep.id.value))
        .collect::<Vec<_>>()
        .join(", ");
    let mut diag = Diagnostic::new(
        Code::PlanBeforeDependency,
        by.span,
        format!(
            "service `{}` is planned to reach operation by {}, but depends on {names}, not planned to be in operation by then",
            service.id.value, by.value
        ),
    )
    .help("plan the dependency to reach operation first, or move this plan later");
    for (r, dep) in late {
        let when = dep
            .plan(Stage::Operation)
            .and_then(|p| p.by)
            .map_or("with no plan to reach operation".to_string(), |b| {
                format!("planned to reach operation by {}", b.value)
            });
        diag = diag.label(
            r.span,
            format!(
                "`{}` is in {}, {when}",
                dep.id.value,
                dep.stage().map_or("?", Stage::as_str)
            ),
        );
    }
    Some(diag)
}

/// `objective-expired`: a service not retired whose objectives all have an
/// `until` before as-of.
fn objective_expired(index: &Index, service: &Service) -> Option<Diagnostic> {
    if service.stage()? == Stage::Retired {
        return None;
    }
    let first = service.objectives.first()?;
    let mut ended = Vec::new();
    for r in &service.objectives {
        let until = index
            .get::<Objective>(&r.value)?
            .until
            .filter(|u| u.value < index.as_of)?;
        ended.push((r, until));
    }
    let names = ended
        .iter()
        .map(|(r, until)| format!("`{}` (until {})", r.value, until.value))
        .collect::<Vec<_>>()
        .join(", ");
    let mut diag = Diagnostic::new(
        Code::ObjectiveExpired,
        first.span,
        format!(
            "service `{}` serves only objectives that have ended: {names}",
            service.id.value
        ),
    )
    .help("link the service to a current objective, extend the objective's `until`, or plan its retirement");
    for (r, until) in ended {
        diag = diag.label(until.span, format!("`{}` ended", r.value));
    }
    Some(diag)
}

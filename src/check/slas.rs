//! Service levels: `unit-mismatch`, `warn-inverted`, `sla-foreign-customer`,
//! `mandated-without-sla`, `sla-review-overdue`, `operation-needs-sla`.

use super::at_declaration;
use crate::base::{Code, Diagnostic, Spanned};
use crate::model::{BoundKind, Id, Index, Metric, OfferLevel, Service, Sla, Stage, Target};

pub(super) fn check(index: &Index) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for service in &index.model.services {
        for sla in &service.slas {
            for target in &sla.targets {
                diags.extend(targets(index, target));
            }
            diags.extend(foreign_customers(service, sla));
            if let Some(review) = index.review_overdue(sla) {
                diags.push(
                    Diagnostic::new(
                        Code::SlaReviewOverdue,
                        review.span,
                        format!(
                            "SLA `{}` was due for review on {}, before {}",
                            sla.id.value, review.value, index.as_of
                        ),
                    )
                    .help("review the SLA with its customers and set the next `review-by` date"),
                );
            }
        }
        if let Some(rollout) = &service.rollout
            && let Some(at) = &rollout.adoption_target
            && let Some(bound) = at.bound
        {
            diags.extend(unit_range(index, &at.metric, bound.value));
        }
        diags.extend(coverage(index, service));
    }
    diags
}

/// `unit-mismatch` for a threshold outside its metric's unit range.
pub(super) fn unit_range(index: &Index, metric: &Id, value: Spanned<f64>) -> Option<Diagnostic> {
    let metric = index.get::<Metric>(&metric.value)?;
    let unit = metric.unit?;
    let (low, high) = unit.value.range();
    if (low..=high).contains(&value.value) {
        return None;
    }
    let range = if high.is_infinite() {
        format!("{low} or more")
    } else {
        format!("{low} to {high}")
    };
    Some(
        Diagnostic::new(
            Code::UnitMismatch,
            value.span,
            format!(
                "{} lies outside the range of metric `{}`, measured in {} ({range})",
                value.value, metric.id.value, unit.value
            ),
        )
        .label(
            unit.span,
            format!("`{}` is measured in {}", metric.id.value, unit.value),
        ),
    )
}

fn targets(index: &Index, target: &Target) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let Some(bound) = target.bound else {
        return diags;
    };
    diags.extend(unit_range(index, &target.metric, bound.value));
    if let Some(warn) = target.warn {
        diags.extend(unit_range(index, &target.metric, warn));
        let inverted = match bound.kind {
            BoundKind::AtLeast => warn.value < bound.value.value,
            BoundKind::AtMost => warn.value > bound.value.value,
        };
        if inverted {
            let side = match bound.kind {
                BoundKind::AtLeast => "above",
                BoundKind::AtMost => "below",
            };
            diags.push(
                Diagnostic::new(
                    Code::WarnInverted,
                    warn.span,
                    format!(
                        "the warn level {} of target `{}` is already failing: the target is {} {}",
                        warn.value, target.metric.value, bound.kind, bound.value.value
                    ),
                )
                .label(bound.value.span, "the target")
                .help(format!(
                    "a warn level warns before the target is missed: set it {side} {}",
                    bound.value.value
                )),
            );
        }
    }
    diags
}

fn foreign_customers(service: &Service, sla: &Sla) -> Vec<Diagnostic> {
    sla.customers
        .iter()
        .filter(|c| !service.offers.iter().any(|o| o.customer.value == c.value))
        .map(|c| {
            let mut diag = Diagnostic::new(
                Code::SlaForeignCustomer,
                c.span,
                format!(
                    "SLA `{}` covers customer group `{}`, but service `{}` is not offered to it",
                    sla.id.value, c.value, service.id.value
                ),
            )
            .help(format!(
                "offer the service to `{}`, or drop it from the SLA",
                c.value
            ));
            if let Some(first) = service.offers.first() {
                diag = diag.label(first.customer.span, "the service's offers start here");
            }
            diag
        })
        .collect()
}

/// `operation-needs-sla` and `mandated-without-sla`: the first hides the second.
fn coverage(index: &Index, service: &Service) -> Vec<Diagnostic> {
    let Some(stage) = service.stage() else {
        return Vec::new();
    };
    if !matches!(stage, Stage::Operation | Stage::Transform) {
        return Vec::new();
    }
    if service.slas.iter().all(|sla| index.ended(sla)) {
        let diag = at_declaration(
            Code::OperationNeedsSla,
            &service.id,
            service.stage,
            format!(
                "service `{}` is in {stage} but has no SLA in force",
                service.id.value
            ),
        )
        .help("add an `sla` block saying what its customers can count on");
        return vec![diag];
    }
    if stage != Stage::Operation {
        return Vec::new();
    }
    service
        .offers
        .iter()
        .filter(|o| o.level.is_some_and(|l| l.value == OfferLevel::Mandated))
        .filter(|o| {
            !service
                .slas
                .iter()
                .any(|sla| index.covered(service, sla).contains(&o.customer.as_str()))
        })
        .map(|o| {
            Diagnostic::new(
                Code::MandatedWithoutSla,
                o.customer.span,
                format!(
                    "service `{}` is mandated for `{}`, but no SLA covers that group",
                    service.id.value, o.customer.value
                ),
            )
            .help(format!(
                "add `{}` to the `customers` of an SLA",
                o.customer.value
            ))
        })
        .collect()
}

//! The review's agenda: what the board must look at, each item with what
//! it is, the service (and SLA, gate or trigger) it concerns, and the date
//! that makes it due. Three rules, each below; items sort by kind, then
//! date, then service.

use super::shape::{AgendaItem, AgendaKind, ServiceReview};
use crate::model::*;

pub(super) fn items(index: &Index, services: &[ServiceReview]) -> Vec<AgendaItem> {
    let mut items = sla_reviews(index);
    items.extend(pilot_reviews(index));
    items.extend(gate_decisions(services));
    items.sort_by(|a, b| {
        let key = |i: &AgendaItem| {
            (
                i.kind,
                i.date.is_none(),
                i.date.clone(),
                i.service.clone(),
                (i.sla.clone(), i.gate.clone(), i.trigger.clone()),
            )
        };
        key(a).cmp(&key(b))
    });
    items
}

/// **SLA review overdue**: an SLA in force (no `ends` on or before as-of),
/// of a service in any stage, whose `review-by` date is before as-of; due
/// since its `review-by` date. The condition of `sla-review-overdue`
/// ([`Index::review_overdue`]), whatever the manifest's `lints` say of
/// that rule.
fn sla_reviews(index: &Index) -> Vec<AgendaItem> {
    let mut items = Vec::new();
    for service in &index.model.services {
        for sla in &service.slas {
            let Some(review) = index.review_overdue(sla) else {
                continue;
            };
            items.push(AgendaItem {
                kind: AgendaKind::SlaReview,
                service: service.id.value.clone(),
                sla: Some(sla.id.value.clone()),
                gate: None,
                trigger: None,
                date: Some(review.value.to_string()),
                text: format!(
                    "SLA `{}` of service `{}` was due for review on {}",
                    sla.id.value, service.id.value, review.value
                ),
            });
        }
    }
    items
}

/// **Pilot past its review**: a service in pilot whose pilot `review` date
/// is before as-of and which has no decision (of any outcome, at any date)
/// at the pilot's `exit-gate`; due since the review date. The condition of
/// `pilot-overdue` ([`Index::pilot_overdue`]).
fn pilot_reviews(index: &Index) -> Vec<AgendaItem> {
    let mut items = Vec::new();
    for service in &index.model.services {
        let Some(review) = index.pilot_overdue(service) else {
            continue;
        };
        let pilot = service.pilot.as_ref();
        let gate = pilot
            .and_then(|p| p.exit_gate.as_ref())
            .map(|g| g.value.clone());
        let at = gate
            .as_ref()
            .map_or("its exit gate".to_string(), |g| format!("gate `{g}`"));
        items.push(AgendaItem {
            kind: AgendaKind::PilotReview,
            service: service.id.value.clone(),
            sla: None,
            gate,
            trigger: None,
            date: Some(review.value.to_string()),
            text: format!(
                "The pilot of service `{}` was due for review on {}; no decision at {at} is recorded",
                service.id.value, review.value
            ),
        });
    }
    items
}

/// **Gate decision due**: a service in operation or transform with a
/// fired trigger that names a `gate`, and no decision (of any outcome) at
/// that gate dated on or after the first day of the window that fired it;
/// due since that day. For `superseded`, which has no window, the day is
/// the successor's latest `go` at a gate leading to operation; when the
/// successor has none, any decision at the gate answers the trigger.
fn gate_decisions(services: &[ServiceReview]) -> Vec<AgendaItem> {
    let mut items = Vec::new();
    for service in services {
        for fired in &service.fired {
            let Some(gate) = &fired.gate else { continue };
            if fired.decision.is_some() {
                continue;
            }
            let action = fired
                .action
                .map(|a| format!(" (action: {a})"))
                .unwrap_or_default();
            let since = fired
                .since
                .as_ref()
                .map_or(" is recorded".to_string(), |d| format!(" since {d}"));
            items.push(AgendaItem {
                kind: AgendaKind::GateDecision,
                service: service.id.clone(),
                sla: None,
                gate: Some(gate.clone()),
                trigger: Some(fired.trigger.clone()),
                date: fired.since.clone(),
                text: format!(
                    "Trigger `{}` fired for service `{}`{action}; no decision at gate `{gate}`{since}",
                    fired.trigger, service.id
                ),
            });
        }
    }
    items
}

//! The service card and its justification (language 1.1, section 8): the
//! judgements `value-unstated` and `gate-requirement-missing` make, shared
//! with the catalog (a gate's page lists the services that passed it
//! lacking what it requires) so the rule and the pages agree.

use super::{
    Card, Decision, DecisionOutcome, Gate, Index, OfferLevel, Requirement, Service, Stage,
};
use crate::base::Spanned;

impl Card {
    /// Whether the card says what the service is worth: a `problem`, a
    /// `benefits` item or a business case's `benefit`.
    pub fn states_value(&self) -> bool {
        self.problem.is_some()
            || !self.benefits.is_empty()
            || self.case.as_ref().is_some_and(|c| !c.benefits.is_empty())
    }
}

impl Service {
    /// Whether some customer group must use the service (`offer …
    /// level="mandated"`).
    pub fn is_mandated(&self) -> bool {
        self.offers
            .iter()
            .any(|o| o.level.is_some_and(|l| l.value == OfferLevel::Mandated))
    }

    /// Whether the service lacks what `requirement` asks for: `case` a
    /// business case with a cost, `pilot` a pilot block, `rollout` a
    /// rollout block, `onboarding` a rollout with its onboarding plan.
    pub fn lacks(&self, requirement: Requirement) -> bool {
        match requirement {
            Requirement::Case => self.card.case.as_ref().is_none_or(|c| c.costs.is_empty()),
            Requirement::Pilot => self.pilot.is_none(),
            Requirement::Rollout => self.rollout.is_none(),
            Requirement::Onboarding => self.rollout.as_ref().is_none_or(|r| !r.has_onboarding()),
        }
    }

    /// The latest decision at `gate` by date; of two on one day, the one
    /// written last.
    pub fn latest_decision_at(&self, gate: &str) -> Option<&Decision> {
        self.decisions
            .iter()
            .enumerate()
            .filter(|(_, d)| d.gate.value == gate)
            .max_by_key(|(i, d)| (d.date.map(|d| d.value), *i))
            .map(|(_, d)| d)
    }
}

/// A service that passed a gate (its latest decision there is `go`)
/// lacking some of what the gate `requires`.
#[derive(Debug, Clone)]
pub struct RequirementGap<'m> {
    pub service: &'m Service,
    /// The `go` decision.
    pub decision: &'m Decision,
    /// The gate's `requires` values the service lacks, in the gate's order.
    pub lacking: Vec<Spanned<Requirement>>,
}

impl<'m> Index<'m> {
    /// The services, not retired, that passed `gate` lacking some of what
    /// it requires, in model order.
    pub fn requirement_gaps(&self, gate: &'m Gate) -> Vec<RequirementGap<'m>> {
        if gate.requires.is_empty() {
            return Vec::new();
        }
        self.model
            .services
            .iter()
            .filter(|s| s.stage() != Some(Stage::Retired))
            .filter_map(|service| {
                let decision = service.latest_decision_at(&gate.id.value)?;
                if decision.outcome.map(|o| o.value) != Some(DecisionOutcome::Go) {
                    return None;
                }
                let mut lacking: Vec<Spanned<Requirement>> = Vec::new();
                for r in &gate.requires {
                    if service.lacks(r.value) && !lacking.iter().any(|l| l.value == r.value) {
                        lacking.push(*r);
                    }
                }
                (!lacking.is_empty()).then_some(RequirementGap {
                    service,
                    decision,
                    lacking,
                })
            })
            .collect()
    }
}

impl RequirementGap<'_> {
    /// What `gate-requirement-missing` reports of the gap: nothing unless
    /// `gate` (the gate of the gap) leads to the service's current stage;
    /// never a block the stage's own rule reports missing in the same run
    /// (`pilot` for a service in pilot: `pilot-incomplete`; `rollout` and
    /// `onboarding` for a service in implementation without a rollout:
    /// `rollout-missing`).
    pub fn judged_lacking(&self, gate: &Gate) -> Vec<Spanned<Requirement>> {
        let service = self.service;
        let Some(stage) = service.stage().filter(|s| gate.leads_to(*s)) else {
            return Vec::new();
        };
        let reported_by_stage = |r: Requirement| match r {
            Requirement::Pilot => stage == Stage::Pilot,
            Requirement::Rollout | Requirement::Onboarding => {
                stage == Stage::Implementation && service.rollout.is_none()
            }
            Requirement::Case => false,
        };
        self.lacking
            .iter()
            .copied()
            .filter(|r| !reported_by_stage(r.value))
            .collect()
    }
}

//! Decisions with deadlines (section 4 of version 1.1): `hold-expired`
//! here, from the model alone; `decision-overdue`, which needs the
//! evaluation's firing runs, is [`overdue`].

use jiff::civil::Date;
use rustc_hash::FxHashMap as HashMap;

use super::gates::{contradicting, latest};
use crate::base::{Code, Diagnostic, Spanned};
use crate::metrics::evaluate::{Evaluation, Firing};
use crate::model::{Decision, DecisionOutcome, Duration, Gate, Index, Service, Stage, Trigger};

pub(super) fn check(index: &Index) -> Vec<Diagnostic> {
    expired_holds(index)
        .into_iter()
        .map(|hold| {
            let service = &hold.service.id.value;
            let gate = &hold.decision.gate.value;
            Diagnostic::new(
                Code::HoldExpired,
                hold.revisit.span,
                format!(
                    "the hold at `{gate}` on service `{service}` was to be revisited on {}, and no decision has followed",
                    hold.revisit.value
                ),
            )
            .label(hold.decision.gate.span, format!("hold at `{gate}`"))
            .help(format!(
                "record the decision taken at `{gate}` (go, kill, recycle, or a new hold with a later `revisit`)"
            ))
        })
        .collect()
}

/// A hold a service waits on, with its `revisit` date if it has one.
#[derive(Debug, Clone, Copy)]
pub struct Hold<'m> {
    pub service: &'m Service,
    pub gate: &'m Gate,
    pub decision: &'m Decision,
    pub revisit: Option<Spanned<Date>>,
}

/// A hold whose revisit date has passed.
#[derive(Debug, Clone, Copy)]
pub struct ExpiredHold<'m> {
    pub service: &'m Service,
    pub gate: &'m Gate,
    pub decision: &'m Decision,
    pub revisit: Spanned<Date>,
}

/// Every hold a service waits on: for each gate and each service (not
/// retired) in its `from` stage, the latest decision at the gate when it
/// is a `hold`, unless `decision-contradicts-stage` reports that decision.
/// By service in model order, then gate id. The one judgement of holds:
/// [`expired_holds`] (`hold-expired`) and the review's holds to revisit
/// read it.
pub fn holds<'m>(index: &Index<'m>) -> Vec<Hold<'m>> {
    let mut found = Vec::new();
    for service in &index.model.services {
        let Some(stage) = service.stage() else {
            continue;
        };
        if stage == Stage::Retired || service.decisions.is_empty() {
            continue;
        }
        let contradicted = contradicting(index, service);
        // The gates the service's decisions name, once each (a service has
        // few decisions; the catalogue may have many gates).
        let mut named: Vec<&str> = service.decisions.iter().map(|d| d.gate.as_str()).collect();
        named.sort_unstable();
        named.dedup();
        for gate in named.into_iter().filter_map(|g| index.get::<Gate>(g)) {
            if gate.from.map(|f| f.value) != Some(stage) {
                continue;
            }
            let at_gate = service
                .decisions
                .iter()
                .filter(|d| d.gate.value == gate.id.value);
            let Some(decision) = latest(at_gate) else {
                continue;
            };
            if decision.outcome.map(|o| o.value) != Some(DecisionOutcome::Hold)
                || contradicted.is_some_and(|c| std::ptr::eq(c, decision))
            {
                continue;
            }
            found.push(Hold {
                service,
                gate,
                decision,
                revisit: decision.revisit,
            });
        }
    }
    found
}

/// The holds ([`holds`]) whose `revisit` is before as-of: the condition
/// of `hold-expired`.
pub fn expired_holds<'m>(index: &Index<'m>) -> Vec<ExpiredHold<'m>> {
    holds(index)
        .into_iter()
        .filter_map(|h| {
            let revisit = h.revisit.filter(|r| r.value < index.as_of)?;
            Some(ExpiredHold {
                service: h.service,
                gate: h.gate,
                decision: h.decision,
                revisit,
            })
        })
        .collect()
}

/// A fired trigger waiting for a decision at its gate.
#[derive(Debug, Clone, Copy)]
pub struct Waiting<'m> {
    pub trigger: &'m Trigger,
    /// Its firing run's onset and start.
    pub onset: Date,
    pub start: Date,
    /// Onset plus the gate's `decide-within`.
    pub due: Date,
}

/// A decision a gate with `decide-within` owes a service.
#[derive(Debug, Clone)]
pub struct DecisionDue<'m> {
    pub gate: &'m Gate,
    pub service: &'m Service,
    pub within: Spanned<Duration>,
    /// The fired triggers it answers, earliest due first (then by id).
    pub triggers: Vec<Waiting<'m>>,
}

impl DecisionDue<'_> {
    /// The earliest due date of its triggers.
    pub fn due(&self) -> Date {
        self.triggers.first().map_or(Date::MAX, |t| t.due)
    }

    /// The triggers whose deadline is before `as_of`.
    pub fn overdue(&self, as_of: Date) -> impl Iterator<Item = &Waiting<'_>> {
        self.triggers.iter().filter(move |t| t.due < as_of)
    }
}

/// Every decision due at a gate with `decide-within`: for each trigger
/// that fired for a service (not retired) in the gate's `from` stage and
/// names the gate, with no decision of any outcome at the gate dated on or
/// after its firing run's start; due on the run's onset plus
/// `decide-within`. By gate (model order), then service id. The condition
/// of `decision-overdue` (those due before as-of) and of the review's
/// agenda (decisions due and overdue).
pub fn decisions_due<'m>(index: &Index<'m>, evaluation: &Evaluation) -> Vec<DecisionDue<'m>> {
    let mut due: HashMap<(&str, &str), DecisionDue<'m>> = HashMap::default();
    for trigger in &index.model.triggers {
        let Some(gate) = trigger
            .gate
            .as_ref()
            .and_then(|g| index.get::<Gate>(&g.value))
        else {
            continue;
        };
        let (Some(within), Some(from)) = (gate.decide_within, gate.from) else {
            continue;
        };
        let outcomes = evaluation.triggers.get(&trigger.id.value);
        for outcome in outcomes.into_iter().flatten() {
            let Some(run) = outcome.run.filter(|_| outcome.state == Firing::Fired) else {
                continue;
            };
            let Some(service) = index.get::<Service>(&outcome.service) else {
                continue;
            };
            if service.stage() != Some(from.value) || from.value == Stage::Retired {
                continue;
            }
            let answered = service.decisions.iter().any(|d| {
                d.gate.value == gate.id.value && d.date.is_some_and(|d| d.value >= run.start)
            });
            if answered {
                continue;
            }
            let waiting = Waiting {
                trigger,
                onset: run.onset,
                start: run.start,
                due: within.value.after(run.onset),
            };
            due.entry((gate.id.as_str(), service.id.as_str()))
                .or_insert_with(|| DecisionDue {
                    gate,
                    service,
                    within,
                    triggers: Vec::new(),
                })
                .triggers
                .push(waiting);
        }
    }
    let gates: HashMap<&str, usize> = (index.model.gates.iter().enumerate())
        .map(|(i, g)| (g.id.as_str(), i))
        .collect();
    let mut found: Vec<DecisionDue<'m>> = due.into_values().collect();
    found.sort_by(|a, b| {
        let key = |d: &DecisionDue<'m>| {
            (
                gates.get(d.gate.id.as_str()).copied(),
                d.service.id.as_str(),
            )
        };
        key(a).cmp(&key(b))
    });
    for due in &mut found {
        due.triggers
            .sort_by(|a, b| (a.due, &a.trigger.id.value).cmp(&(b.due, &b.trigger.id.value)));
    }
    found
}

/// `decision-overdue`: one finding per gate and service whose decision is
/// due before as-of, at the gate's `decide-within`, labelled at the service.
pub fn overdue(index: &Index, evaluation: &Evaluation) -> Vec<Diagnostic> {
    let as_of = index.as_of;
    decisions_due(index, evaluation)
        .into_iter()
        .filter_map(|due| {
            let late: Vec<String> = due
                .overdue(as_of)
                .map(|t| {
                    format!(
                        "`{}` (fired {}, due {})",
                        t.trigger.id.value, t.onset, t.due
                    )
                })
                .collect();
            if late.is_empty() {
                return None;
            }
            let (gate, service) = (&due.gate.id.value, &due.service.id.value);
            Some(
                Diagnostic::new(
                    Code::DecisionOverdue,
                    due.within.span,
                    format!(
                        "no decision at `{gate}` on service `{service}` within {}: {} {}",
                        due.within.value,
                        late.join(", "),
                        if late.len() == 1 { "waits" } else { "wait" }
                    ),
                )
                .label(due.service.id.span, format!("service `{service}`"))
                .help(format!(
                    "record the decision taken at `{gate}` (a hold with a `revisit` date answers it until then)"
                )),
            )
        })
        .collect()
}

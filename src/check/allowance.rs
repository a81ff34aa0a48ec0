//! Breach allowances (section 6 of version 1.1): `budget-exhausted` (more
//! breached periods this year than the SLA allows) and `budget-burning`
//! (not yet, but breached faster than the year allows), from the one
//! judgement [`crate::metrics::allowance::judge`] kept in the evaluation.
//! One finding per SLA, at its `breaches=` value; never both; never for a
//! retired service (the judgement leaves it out).

use crate::base::{Code, Diagnostic};
use crate::metrics::PeriodKey;
use crate::metrics::allowance::{Allowance, AllowanceState};
use crate::metrics::evaluate::Evaluation;
use crate::model::{Budget, Index, Service, Sla};

pub fn check(index: &Index, evaluation: &Evaluation) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for service in &index.model.services {
        for sla in &service.slas {
            let (Some(budget), Some(allowance)) =
                (&sla.budget, evaluation.allowances.get(&sla.id.value))
            else {
                continue;
            };
            let Some(diag) = finding(service, sla, allowance, budget) else {
                continue;
            };
            diags.push(diag.label(sla.id.span, format!("SLA `{}`", sla.id.value)));
        }
    }
    diags
}

/// `1 breached period`, `3 breached periods`.
pub fn periods(n: u64) -> String {
    if n == 1 {
        "1 breached period".to_string()
    } else {
        format!("{n} breached periods")
    }
}

fn listed(breached: &[PeriodKey]) -> String {
    breached
        .iter()
        .map(PeriodKey::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn finding(service: &Service, sla: &Sla, a: &Allowance, budget: &Budget) -> Option<Diagnostic> {
    let (sla_id, service_id) = (&sla.id.value, &service.id.value);
    let year = if a.whole_year {
        format!(
            "{} (judged as a whole: {} has no complete period yet)",
            a.year,
            a.year + 1
        )
    } else {
        a.year.to_string()
    };
    match a.state {
        AllowanceState::Within => None,
        AllowanceState::Exhausted => Some(
            Diagnostic::new(
                Code::BudgetExhausted,
                budget.breaches.span,
                format!(
                    "SLA `{sla_id}` of service `{service_id}` has used up its breach allowance: {} in {year}, {} allowed ({})",
                    periods(a.used),
                    a.allowed,
                    listed(&a.breached)
                ),
            )
            .help("the promise is broken for this year: review the SLA with its customers (its targets, or what the service needs to meet them)"),
        ),
        AllowanceState::Burning => Some(
            Diagnostic::new(
                Code::BudgetBurning,
                budget.breaches.span,
                format!(
                    "SLA `{sla_id}` of service `{service_id}` is burning its breach allowance: {} of {} allowed after {} of {} periods of {year} ({}); at this pace about {} by the year's end",
                    periods(a.used),
                    a.allowed,
                    a.judged,
                    a.per_year,
                    listed(&a.breached),
                    a.projected
                ),
            )
            .help(format!(
                "{} left for the rest of {}: act before the allowance is used up",
                periods(a.left()),
                a.year
            )),
        ),
    }
}

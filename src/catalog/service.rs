//! A service's catalog entry: its own fields, its SLAs and lifecycle
//! blocks, its decisions, and the references to it the other way round.

use super::shape::{
    AdoptionEntry, AdoptionJudgement, AdoptionPoint, AdoptionTargetEntry, AllowanceEntry,
    BudgetEntry, CaseEntry, ChampionEntry, CommunicationEntry, DecisionEntry, EffortEntry,
    EscalationEntry, FeedbackEntry, KpiEntry, LinkEntry, OfferEntry, Onboarding, PeriodAttainment,
    PeriodValue, PhaseEntry, PilotEntry, PlanEntry, ReportEntry, RetirementEntry, RolloutEntry,
    ServiceEntry, SlaEntry, TargetEntry, Threshold, TrainingEntry, TransformEntry,
};
use super::{date, decision, ids, kw, sorted, threshold, unspanned};
use crate::base::Field;
use crate::metrics::Evaluation;
use crate::model::{self, Calendar, Index, Pilot, PlanState, Rollout, Sla};

pub(super) fn entry(index: &Index, evaluation: &Evaluation, svc: &model::Service) -> ServiceEntry {
    let id = &svc.id.value;
    let mut decisions: Vec<DecisionEntry> =
        svc.decisions.iter().map(|d| decision(svc, d)).collect();
    decisions.sort_by(|a, b| (&a.date, &a.gate).cmp(&(&b.date, &b.gate)));
    let mut slas: Vec<SlaEntry> = svc
        .slas
        .iter()
        .map(|x| sla(index, evaluation, svc, x))
        .collect();
    slas.sort_by(|a, b| a.id.cmp(&b.id));
    let mut offers: Vec<OfferEntry> = svc
        .offers
        .iter()
        .map(|o| OfferEntry {
            customer: o.customer.value.clone(),
            level: kw(&o.level),
        })
        .collect();
    offers.sort_by(|a, b| a.customer.cmp(&b.customer));
    ServiceEntry {
        id: id.clone(),
        name: unspanned(&svc.name),
        function: unspanned(&svc.function),
        description: unspanned(&svc.description),
        stage: svc.stage(),
        plans: plans(index, svc),
        owner: unspanned(&svc.owner),
        level: kw(&svc.level),
        offers,
        objectives: sorted(ids(&svc.objectives)),
        depends_on: sorted(ids(&svc.depends_on)),
        dependents: index.referrers(Field::ServiceDependsOn, id),
        replaces: sorted(ids(&svc.replaces)),
        replaced_by: index.referrers(Field::ServiceReplaces, id),
        kpis: sorted(ids(&svc.kpis)),
        channel: unspanned(&svc.channel),
        problem: unspanned(&svc.card.problem),
        benefits: texts(&svc.card.benefits),
        includes: texts(&svc.card.includes),
        excludes: texts(&svc.card.excludes),
        inputs: texts(&svc.card.inputs),
        outputs: texts(&svc.card.outputs),
        lead_time: unspanned(&svc.card.lead_time),
        criticality: kw(&svc.card.criticality),
        sponsor: unspanned(&svc.card.sponsor),
        links: links(&svc.card),
        case: svc.card.case.as_ref().map(case),
        slas,
        pilot: svc.pilot.as_ref().map(pilot),
        rollout: svc.rollout.as_ref().map(|r| {
            let retired = svc.stage() == Some(model::Stage::Retired);
            rollout(r, retired, index.as_of)
        }),
        transform: svc.transform.as_ref().map(|t| TransformEntry {
            changes: unspanned(&t.changes),
            target_date: date(&t.target_date),
            successor: unspanned(&t.successor),
        }),
        retirement: svc.retirement.as_ref().map(|r| RetirementEntry {
            date: date(&r.date),
            reason: unspanned(&r.reason),
            decided_at: unspanned(&r.decided_at),
            replaced_by: unspanned(&r.replaced_by),
        }),
        decisions,
        efforts: efforts(svc),
        triggers: triggers(index, id),
        adoption: adoption(evaluation, svc),
        kpi_values: kpi_values(evaluation, svc),
    }
}

/// Whether the entry `entry`, built for this same `svc` from the evaluation
/// `before`, reads now what it read then: the same references to the
/// service, the same triggers, the same slices of the evaluation (its
/// SLAs' attainment and allowances, its adoption, its KPIs). Everything
/// else [`entry`] reads is the service itself and the date, which the
/// caller compares.
pub(super) fn reads_same(
    index: &Index,
    now: &Evaluation,
    before: &Evaluation,
    svc: &model::Service,
    entry: &ServiceEntry,
) -> bool {
    let id = &svc.id.value;
    let slices_same = now.observed == before.observed
        && now.adoption.get(id) == before.adoption.get(id)
        && now.kpis.get(id) == before.kpis.get(id)
        && svc.slas.iter().all(|sla| {
            let sla = &sla.id.value;
            now.attainment.get(sla) == before.attainment.get(sla)
                && now.allowances.get(sla) == before.allowances.get(sla)
        });
    slices_same
        && entry.dependents == index.referrers(Field::ServiceDependsOn, id)
        && entry.replaced_by == index.referrers(Field::ServiceReplaces, id)
        && entry.triggers == triggers(index, id)
}

/// The ids of the triggers that apply to the service `id`, sorted.
fn triggers(index: &Index, id: &str) -> Vec<String> {
    sorted(index.triggers_of(id).map(|t| t.id.value.clone()).collect())
}

/// Its `kpis` that no target of its SLAs covers, with their observed values.
fn kpi_values(evaluation: &Evaluation, svc: &model::Service) -> Vec<KpiEntry> {
    evaluation
        .kpis
        .get(&svc.id.value)
        .into_iter()
        .flatten()
        .map(|k| KpiEntry {
            metric: k.metric.clone(),
            values: k
                .values
                .iter()
                .map(|(p, v)| PeriodValue {
                    period: p.to_string(),
                    value: *v,
                })
                .collect(),
        })
        .collect()
}

fn links(card: &model::Card) -> Vec<LinkEntry> {
    card.links
        .iter()
        .map(|l| LinkEntry {
            url: l.url.value.clone(),
            title: unspanned(&l.title),
        })
        .collect()
}

fn case(c: &model::Case) -> CaseEntry {
    CaseEntry {
        benefits: texts(&c.benefits),
        costs: texts(&c.costs),
        options: texts(&c.options),
        recommendation: unspanned(&c.recommendation),
    }
}

/// Texts in source order.
fn texts(v: &[model::Text]) -> Vec<String> {
    v.iter().map(|t| t.value.clone()).collect()
}

fn efforts(svc: &model::Service) -> Vec<EffortEntry> {
    let mut out: Vec<EffortEntry> = svc
        .efforts
        .iter()
        .map(|e| EffortEntry {
            party: e.party.value.clone(),
            fte: e.fte.value.as_f64(),
            stage: kw(&e.stage),
        })
        .collect();
    out.sort_by(|a, b| (&a.party, a.stage).cmp(&(&b.party, b.stage)));
    out
}

/// The plans in lifecycle order, each with where it stands
/// ([`Index::plan_state`], the judgement of `plan-slipped`).
fn plans(index: &Index, svc: &model::Service) -> Vec<PlanEntry> {
    let mut plans: Vec<PlanEntry> = svc
        .plans
        .iter()
        .map(|p| {
            let state = index.plan_state(svc, p);
            PlanEntry {
                stage: p.stage.value,
                by: date(&p.by),
                reached: state == Some(PlanState::Reached),
                slipped: state == Some(PlanState::Slipped),
            }
        })
        .collect();
    plans.sort_by_key(|p| p.stage);
    plans
}

fn adoption(evaluation: &Evaluation, svc: &model::Service) -> Option<AdoptionEntry> {
    let found = evaluation.adoption.get(&svc.id.value)?;
    let target = svc.rollout.as_ref()?.adoption_target.as_ref()?;
    Some(AdoptionEntry {
        metric: target.metric.value.clone(),
        period: found.latest.map(|(p, _)| p.to_string()),
        value: found.latest.map(|(_, v)| v),
        threshold: threshold(&target.bound),
        by: date(&target.by),
        met: found.met,
        judgement: found.judgement.as_ref().map(AdoptionJudgement::from),
        series: found
            .columns
            .iter()
            .map(|c| AdoptionPoint {
                period: c.period.to_string(),
                value: c.value,
                planned: c.planned,
                behind: c.behind,
            })
            .collect(),
    })
}

fn sla(index: &Index, evaluation: &Evaluation, svc: &model::Service, sla: &Sla) -> SlaEntry {
    let attainment = evaluation.attainment.get(&sla.id.value);
    SlaEntry {
        id: sla.id.value.clone(),
        customers: sorted(
            index
                .covered(svc, sla)
                .into_iter()
                .map(String::from)
                .collect(),
        ),
        period: kw(&sla.period),
        calendar: kw(&sla.calendar).unwrap_or(Calendar::Business),
        hours: unspanned(&sla.hours),
        tz: unspanned(&sla.tz).unwrap_or_else(|| "UTC".into()),
        targets: sla
            .targets
            .iter()
            .enumerate()
            .map(|(i, t)| TargetEntry {
                metric: t.metric.value.clone(),
                threshold: threshold(&t.bound),
                warn: t.warn.map(|w| w.value),
                attainment: evaluation.observed.then(|| {
                    attainment
                        .and_then(|a| a.get(i))
                        .into_iter()
                        .flatten()
                        .map(|j| PeriodAttainment {
                            period: j.period.to_string(),
                            value: j.value,
                            state: j.state,
                        })
                        .collect()
                }),
            })
            .collect(),
        respond_within: sla.respond_within.map(|d| d.value.to_string()),
        report: sla.report.as_ref().map(|r| ReportEntry {
            every: kw(&r.every).or(kw(&sla.period)),
            to: unspanned(&r.to),
        }),
        escalations: sla
            .escalations
            .iter()
            .map(|e| EscalationEntry {
                after: e.after.map(|d| d.value.to_string()),
                to: unspanned(&e.to),
            })
            .collect(),
        review_by: date(&sla.review_by),
        starts: date(&sla.starts),
        ends: date(&sla.ends),
        ended: index.ended(sla),
        budget: sla.budget.as_ref().map(|b| BudgetEntry {
            breaches: b.breaches.value,
            per: "year".into(),
        }),
        allowance: evaluation
            .allowances
            .get(&sla.id.value)
            .map(AllowanceEntry::from),
    }
}

fn pilot(p: &Pilot) -> PilotEntry {
    PilotEntry {
        scope: unspanned(&p.scope),
        groups: ids(&p.groups),
        start: date(&p.start),
        review: date(&p.review),
        success: unspanned(&p.success),
        exit_gate: unspanned(&p.exit_gate),
    }
}

fn rollout(r: &Rollout, retired: bool, as_of: jiff::civil::Date) -> RolloutEntry {
    RolloutEntry {
        phases: r
            .phases
            .iter()
            .map(|p| PhaseEntry {
                name: p.name.value.clone(),
                start: date(&p.start),
                end: date(&p.end),
                groups: ids(&p.groups),
                onboarding_missing: r
                    .gap(p, as_of)
                    .filter(|_| !retired)
                    .map(|g| {
                        let told = g.untold.then_some(Onboarding::Communication);
                        let trained = g.untrained.then_some(Onboarding::Training);
                        told.into_iter().chain(trained).collect()
                    })
                    .unwrap_or_default(),
            })
            .collect(),
        adoption_target: r.adoption_target.as_ref().map(|a| AdoptionTargetEntry {
            metric: a.metric.value.clone(),
            threshold: threshold(&a.bound),
            by: date(&a.by),
            baseline: a.bound.zip(a.baseline()).map(|(b, v)| Threshold {
                kind: b.kind,
                value: v,
            }),
            plan_start: crate::metrics::adoption::start(r).map(|d| d.to_string()),
        }),
        champion: r.champion().map(|c| c.value.clone()),
        champions: r
            .champions
            .iter()
            .map(|c| ChampionEntry {
                party: c.party.value.clone(),
                groups: ids(&c.groups),
            })
            .collect(),
        communications: r
            .communications
            .iter()
            .map(|c| CommunicationEntry {
                message: c.message.value.clone(),
                to: unspanned(&c.to),
                on: date(&c.on),
                channel: unspanned(&c.channel),
            })
            .collect(),
        trainings: r
            .trainings
            .iter()
            .map(|t| TrainingEntry {
                training: t.training.value.clone(),
                groups: ids(&t.groups),
                by: date(&t.by),
            })
            .collect(),
        feedback: r.feedback.as_ref().map(|f| FeedbackEntry {
            every: kw(&f.every),
            metric: unspanned(&f.metric),
            to: unspanned(&f.to),
        }),
    }
}

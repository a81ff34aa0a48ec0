//! `catalog.json`: the whole resolved model, every reference both ways
//! (a function's services, a customer group's entitlements, a gate's
//! decisions). Lists of entities are sorted by id; escalations, phases and
//! criteria keep source order; decisions sort by date, then gate. The JSON
//! Schema (`schemas/catalog.schema.json`, printed by `pmoc schema`) is
//! derived from these types, so the two cannot drift apart.

use rayon::prelude::*;
use schemars::JsonSchema;
use serde::Serialize;

use crate::base::Spanned;
use crate::model::{self, *};

/// The version of the catalog's shape.
pub const SCHEMA_VERSION: &str = "1";

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "pmoc catalog",
    description = "The resolved PMO service catalogue written by `pmoc build`."
)]
pub struct Catalog {
    /// Always "1" for this shape.
    pub schema_version: String,
    /// The date "today" meant for this build (YYYY-MM-DD).
    pub as_of: String,
    pub pmo: PmoEntry,
    /// Number of services in each lifecycle stage, in lifecycle order.
    pub stages: Vec<StageCount>,
    pub persons: Vec<PersonEntry>,
    pub teams: Vec<TeamEntry>,
    pub customers: Vec<CustomerEntry>,
    pub objectives: Vec<ObjectiveEntry>,
    pub metrics: Vec<MetricEntry>,
    pub functions: Vec<FunctionEntry>,
    pub services: Vec<ServiceEntry>,
    pub gates: Vec<GateEntry>,
    pub triggers: Vec<TriggerEntry>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PmoEntry {
    pub id: String,
    pub name: Option<String>,
    pub mandate: Option<String>,
    pub sponsor: Option<String>,
    pub head: Option<String>,
    pub structure: Option<Structure>,
    pub title: Option<String>,
    pub base_url: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StageCount {
    pub stage: Stage,
    pub count: usize,
    /// Ids of the services in the stage, sorted.
    pub services: Vec<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonEntry {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub title: Option<String>,
    /// Teams the person is a member of.
    pub teams: Vec<String>,
    /// Services the person owns.
    pub owns: Vec<String>,
    /// Functions the person leads.
    pub leads: Vec<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamEntry {
    pub id: String,
    pub name: Option<String>,
    pub members: Vec<String>,
    /// Gates at which the team approves.
    pub approves: Vec<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerEntry {
    pub id: String,
    pub name: Option<String>,
    pub size: Option<u64>,
    /// What the group is entitled to: every service offered to it.
    pub entitlements: Vec<Entitlement>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Entitlement {
    pub service: String,
    pub level: Option<OfferLevel>,
    pub stage: Option<Stage>,
    /// SLAs of the service in force that cover the group.
    pub slas: Vec<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveEntry {
    pub id: String,
    pub title: Option<String>,
    pub owner: Option<String>,
    pub period: Option<String>,
    /// Services that support the objective.
    pub services: Vec<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricEntry {
    pub id: String,
    pub name: Option<String>,
    pub unit: Option<Unit>,
    pub direction: Option<Direction>,
    pub cadence: Option<Period>,
    /// Services that name it among their KPIs.
    pub kpi_of: Vec<String>,
    /// SLAs with a target on it.
    pub slas: Vec<String>,
    /// Triggers whose condition watches it.
    pub triggers: Vec<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FunctionEntry {
    pub id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub levels: Vec<Level>,
    pub lead: Option<String>,
    /// Services offered in the function.
    pub services: Vec<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceEntry {
    pub id: String,
    pub name: Option<String>,
    pub function: Option<String>,
    pub description: Option<String>,
    pub stage: Option<Stage>,
    pub owner: Option<String>,
    pub level: Option<Level>,
    pub offers: Vec<OfferEntry>,
    pub objectives: Vec<String>,
    pub depends_on: Vec<String>,
    /// Services that depend on this one.
    pub dependents: Vec<String>,
    pub replaces: Vec<String>,
    /// Services that replace this one.
    pub replaced_by: Vec<String>,
    pub kpis: Vec<String>,
    pub channel: Option<String>,
    pub slas: Vec<SlaEntry>,
    pub pilot: Option<PilotEntry>,
    pub rollout: Option<RolloutEntry>,
    pub transform: Option<TransformEntry>,
    pub retirement: Option<RetirementEntry>,
    /// Sorted by date, then gate.
    pub decisions: Vec<DecisionEntry>,
    /// Triggers that apply to the service.
    pub triggers: Vec<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferEntry {
    pub customer: String,
    pub level: Option<OfferLevel>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    /// `at-least` or `at-most`.
    pub kind: BoundKind,
    #[serde(serialize_with = "number")]
    pub value: f64,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SlaEntry {
    pub id: String,
    /// The groups it covers (its `customers`, else every group offered).
    pub customers: Vec<String>,
    pub period: Option<Period>,
    pub calendar: Calendar,
    pub hours: Option<String>,
    pub tz: String,
    pub targets: Vec<TargetEntry>,
    pub respond_within: Option<String>,
    pub report: Option<ReportEntry>,
    /// In source order.
    pub escalations: Vec<EscalationEntry>,
    pub review_by: Option<String>,
    pub ends: Option<String>,
    /// Whether the SLA has ended on or before as-of.
    pub ended: bool,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetEntry {
    pub metric: String,
    pub threshold: Option<Threshold>,
    #[serde(serialize_with = "optional_number")]
    pub warn: Option<f64>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportEntry {
    pub every: Option<Period>,
    pub to: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationEntry {
    pub after: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PilotEntry {
    pub scope: Option<String>,
    pub groups: Vec<String>,
    pub start: Option<String>,
    pub review: Option<String>,
    pub success: Option<String>,
    pub exit_gate: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RolloutEntry {
    /// In source order.
    pub phases: Vec<PhaseEntry>,
    pub adoption_target: Option<AdoptionTargetEntry>,
    pub champion: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PhaseEntry {
    pub name: String,
    pub start: Option<String>,
    pub end: Option<String>,
    pub groups: Vec<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdoptionTargetEntry {
    pub metric: String,
    pub threshold: Option<Threshold>,
    pub by: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransformEntry {
    pub changes: Option<String>,
    pub target_date: Option<String>,
    pub successor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetirementEntry {
    pub date: Option<String>,
    pub reason: Option<String>,
    pub decided_at: Option<String>,
    pub replaced_by: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionEntry {
    pub gate: String,
    /// The service decided on.
    pub service: String,
    pub outcome: Option<Outcome>,
    pub date: Option<String>,
    pub by: Option<String>,
    pub present: Vec<String>,
    pub rationale: Option<String>,
    pub revisit: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GateEntry {
    pub id: String,
    pub name: Option<String>,
    pub from: Option<Stage>,
    pub to: Vec<Stage>,
    pub approvers: Vec<String>,
    pub quorum: Option<u64>,
    /// Must-meet criteria, in source order.
    pub must: Vec<String>,
    /// Should-meet criteria, in source order.
    pub should: Vec<CriterionEntry>,
    pub deliverables: Vec<String>,
    /// Every decision taken at the gate, sorted by date, then service.
    pub decisions: Vec<DecisionEntry>,
    /// Triggers whose action leads to this gate.
    pub triggers: Vec<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CriterionEntry {
    pub text: String,
    pub weight: Option<u64>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TriggerEntry {
    pub id: String,
    /// Each selector's properties combine by AND; selectors by OR.
    pub applies_to: Vec<SelectorEntry>,
    pub when: Option<ConditionEntry>,
    pub min_age: Option<String>,
    pub action: Option<Action>,
    pub gate: Option<String>,
    pub notify: Vec<String>,
    /// Services the trigger applies to now.
    pub services: Vec<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SelectorEntry {
    pub stage: Option<Stage>,
    pub function: Option<String>,
    pub service: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConditionEntry {
    /// A metric id, or "superseded".
    pub metric: String,
    pub comparison: Option<Comparison>,
    #[serde(serialize_with = "optional_number")]
    pub value: Option<f64>,
    /// Consecutive periods (`for`), when the window is not `within`.
    pub periods: Option<u64>,
    /// `within="K of N"`: K.
    pub within_k: Option<u64>,
    /// `within="K of N"`: N.
    pub within_n: Option<u64>,
}

/// Whole numbers as integers (`95`, not `95.0`), others as they are.
fn number<S: serde::Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        s.serialize_i64(*v as i64)
    } else {
        s.serialize_f64(*v)
    }
}

fn optional_number<S: serde::Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => number(v, s),
        None => s.serialize_none(),
    }
}

fn s(t: &Option<Spanned<String>>) -> Option<String> {
    t.as_ref().map(|t| t.value.clone())
}

fn ids(v: &[Id]) -> Vec<String> {
    v.iter().map(|i| i.value.clone()).collect()
}

fn date(d: &Option<Spanned<jiff::civil::Date>>) -> Option<String> {
    d.map(|d| d.value.to_string())
}

fn kw<T: Copy>(k: &Option<Spanned<T>>) -> Option<T> {
    k.map(|k| k.value)
}

fn threshold(b: &Option<Bound>) -> Option<Threshold> {
    b.map(|b| Threshold {
        kind: b.kind,
        value: b.value.value,
    })
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

/// Services by what they refer to, for the references the other way
/// round: built in one pass, so the catalog is linear in the model.
struct Reverse<'m>(std::collections::HashMap<(&'static str, &'m str), Vec<&'m str>>);

impl<'m> Reverse<'m> {
    fn of(model: &'m Model) -> Reverse<'m> {
        let mut map: std::collections::HashMap<(&'static str, &'m str), Vec<&'m str>> =
            Default::default();
        for s in &model.services {
            let id = s.id.value.as_str();
            let mut add = |relation: &'static str, key: &'m str| {
                map.entry((relation, key)).or_default().push(id)
            };
            if let Some(stage) = s.stage {
                add("stage", stage.value.as_str());
            }
            if let Some(o) = &s.owner {
                add("owner", &o.value);
            }
            if let Some(f) = &s.function {
                add("function", &f.value);
            }
            for (relation, list) in [
                ("objective", &s.objectives),
                ("kpi", &s.kpis),
                ("depends-on", &s.depends_on),
                ("replaces", &s.replaces),
            ] {
                for r in list {
                    add(relation, &r.value);
                }
            }
            for o in &s.offers {
                add("offer", &o.customer.value);
            }
        }
        Reverse(map)
    }

    /// The ids of the services that name `key` by `relation`, sorted.
    fn services(&self, relation: &'static str, key: &str) -> Vec<String> {
        let mut ids: Vec<String> = self
            .0
            .get(&(relation, key))
            .into_iter()
            .flatten()
            .map(|s| s.to_string())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

/// Builds the catalog from a checked model.
pub fn build(model: &Model, as_of: jiff::civil::Date) -> Catalog {
    let ctx = crate::check::Ctx::new(model, as_of);
    let reverse = Reverse::of(model);
    // Each gate's decisions, by date, gate and service.
    let mut at_gate: std::collections::HashMap<&str, Vec<(&model::Service, &Decision)>> =
        Default::default();
    for s in &model.services {
        for d in &s.decisions {
            at_gate
                .entry(d.gate.value.as_str())
                .or_default()
                .push((s, d));
        }
    }
    let decisions_at = |gate: &str| -> Vec<DecisionEntry> {
        let mut list: Vec<DecisionEntry> = at_gate
            .get(gate)
            .into_iter()
            .flatten()
            .map(|(s, d)| decision(s, d))
            .collect();
        list.sort_by(|a, b| (&a.date, &a.service).cmp(&(&b.date, &b.service)));
        list
    };
    // Customer groups' entitlements, from each service's offers in one pass.
    let mut entitled: std::collections::HashMap<&str, Vec<Entitlement>> = Default::default();
    for svc in &model.services {
        let covered: Vec<Vec<&str>> = svc.slas.iter().map(|sla| ctx.covered(svc, sla)).collect();
        for o in &svc.offers {
            let customer = o.customer.value.as_str();
            entitled.entry(customer).or_default().push(Entitlement {
                service: svc.id.value.clone(),
                level: kw(&o.level),
                stage: svc.stage(),
                slas: svc
                    .slas
                    .iter()
                    .zip(&covered)
                    .filter(|(_, c)| c.contains(&customer))
                    .map(|(sla, _)| sla.id.value.clone())
                    .collect(),
            });
        }
    }
    let services = || -> Vec<ServiceEntry> {
        model
            .services
            .par_iter()
            .map(|svc| service(&ctx, &reverse, svc))
            .collect()
    };
    let pmo = model.pmo.as_ref();
    // The services (most of the work) are built beside everything else.
    let rest = || Catalog {
        schema_version: SCHEMA_VERSION.into(),
        as_of: as_of.to_string(),
        pmo: PmoEntry {
            id: pmo.map(|p| p.id.value.clone()).unwrap_or_default(),
            name: pmo.and_then(|p| s(&p.name)),
            mandate: pmo.and_then(|p| s(&p.mandate)),
            sponsor: pmo.and_then(|p| s(&p.sponsor)),
            head: pmo.and_then(|p| s(&p.head)),
            structure: pmo.and_then(|p| kw(&p.structure)),
            title: pmo.and_then(|p| s(&p.site_title)),
            base_url: pmo.and_then(|p| s(&p.base_url)),
        },
        stages: Stage::ALL
            .iter()
            .map(|&stage| {
                let services = reverse.services("stage", stage.as_str());
                StageCount {
                    stage,
                    count: services.len(),
                    services,
                }
            })
            .collect(),
        persons: model
            .persons
            .iter()
            .map(|p| PersonEntry {
                id: p.id.value.clone(),
                name: s(&p.name),
                email: s(&p.email),
                title: s(&p.title),
                teams: sorted(
                    model
                        .teams
                        .iter()
                        .filter(|t| t.members.iter().any(|m| m.value == p.id.value))
                        .map(|t| t.id.value.clone())
                        .collect(),
                ),
                owns: reverse.services("owner", &p.id.value),
                leads: sorted(
                    model
                        .functions
                        .iter()
                        .filter(|f| f.lead.as_ref().is_some_and(|l| l.value == p.id.value))
                        .map(|f| f.id.value.clone())
                        .collect(),
                ),
            })
            .collect(),
        teams: model
            .teams
            .iter()
            .map(|t| TeamEntry {
                id: t.id.value.clone(),
                name: s(&t.name),
                members: ids(&t.members),
                approves: sorted(
                    model
                        .gates
                        .iter()
                        .filter(|g| g.approvers.iter().any(|a| a.value == t.id.value))
                        .map(|g| g.id.value.clone())
                        .collect(),
                ),
            })
            .collect(),
        customers: model
            .customers
            .iter()
            .map(|c| {
                let mut entitlements = entitled.remove(c.id.value.as_str()).unwrap_or_default();
                entitlements.sort_by(|a, b| a.service.cmp(&b.service));
                CustomerEntry {
                    id: c.id.value.clone(),
                    name: s(&c.name),
                    size: c.size.map(|s| s.value),
                    entitlements,
                }
            })
            .collect(),
        objectives: model
            .objectives
            .iter()
            .map(|o| ObjectiveEntry {
                id: o.id.value.clone(),
                title: s(&o.title),
                owner: s(&o.owner),
                period: s(&o.period),
                services: reverse.services("objective", &o.id.value),
            })
            .collect(),
        metrics: model
            .metrics
            .iter()
            .map(|m| MetricEntry {
                id: m.id.value.clone(),
                name: s(&m.name),
                unit: kw(&m.unit),
                direction: kw(&m.direction),
                cadence: kw(&m.cadence),
                kpi_of: reverse.services("kpi", &m.id.value),
                slas: sorted(
                    model
                        .services
                        .iter()
                        .flat_map(|s| &s.slas)
                        .filter(|sla| sla.targets.iter().any(|t| t.metric.value == m.id.value))
                        .map(|sla| sla.id.value.clone())
                        .collect(),
                ),
                triggers: sorted(
                    model
                        .triggers
                        .iter()
                        .filter(|t| {
                            t.when
                                .as_ref()
                                .is_some_and(|w| w.metric.value == m.id.value)
                        })
                        .map(|t| t.id.value.clone())
                        .collect(),
                ),
            })
            .collect(),
        functions: model
            .functions
            .iter()
            .map(|f| FunctionEntry {
                id: f.id.value.clone(),
                name: s(&f.name),
                description: s(&f.description),
                levels: f.levels.iter().map(|l| l.value).collect(),
                lead: s(&f.lead),
                services: reverse.services("function", &f.id.value),
            })
            .collect(),
        services: Vec::new(),
        gates: model
            .gates
            .iter()
            .map(|g| GateEntry {
                id: g.id.value.clone(),
                name: s(&g.name),
                from: kw(&g.from),
                to: g.to.iter().map(|t| t.value).collect(),
                approvers: ids(&g.approvers),
                quorum: g.quorum.map(|q| q.value),
                must: g.must.iter().map(|m| m.value.clone()).collect(),
                should: g
                    .should
                    .iter()
                    .map(|c| CriterionEntry {
                        text: c.text.value.clone(),
                        weight: c.weight.map(|w| w.value),
                    })
                    .collect(),
                deliverables: g.deliverables.iter().map(|d| d.value.clone()).collect(),
                decisions: decisions_at(&g.id.value),
                triggers: sorted(
                    model
                        .triggers
                        .iter()
                        .filter(|t| t.gate.as_ref().is_some_and(|x| x.value == g.id.value))
                        .map(|t| t.id.value.clone())
                        .collect(),
                ),
            })
            .collect(),
        triggers: model
            .triggers
            .iter()
            .map(|t| TriggerEntry {
                id: t.id.value.clone(),
                applies_to: t
                    .applies_to
                    .iter()
                    .map(|a| SelectorEntry {
                        stage: kw(&a.stage),
                        function: s(&a.function),
                        service: s(&a.service),
                    })
                    .collect(),
                when: t.when.as_ref().map(|w| {
                    let (periods, within_k, within_n) = match w.window {
                        Window::For(n) => (Some(n.value), None, None),
                        Window::Within { k, n, .. } => (None, Some(k), Some(n)),
                    };
                    ConditionEntry {
                        metric: w.metric.value.clone(),
                        comparison: w.comparison.map(|c| c.0),
                        value: w.comparison.map(|c| c.1.value),
                        periods,
                        within_k,
                        within_n,
                    }
                }),
                min_age: t.min_age.map(|d| d.value.to_string()),
                action: kw(&t.action),
                gate: s(&t.gate),
                notify: ids(&t.notify),
                services: sorted(
                    ctx.applies_to(&t.id.value)
                        .iter()
                        .map(|s| s.id.value.clone())
                        .collect(),
                ),
            })
            .collect(),
    };
    let (services, mut catalog) = rayon::join(services, rest);
    catalog.services = services;
    sort_lists(&mut catalog);
    catalog
}

fn decision(svc: &model::Service, d: &Decision) -> DecisionEntry {
    DecisionEntry {
        gate: d.gate.value.clone(),
        service: svc.id.value.clone(),
        outcome: kw(&d.outcome),
        date: date(&d.date),
        by: s(&d.by),
        present: ids(&d.present),
        rationale: s(&d.rationale),
        revisit: date(&d.revisit),
    }
}

fn service(ctx: &crate::check::Ctx, reverse: &Reverse, svc: &model::Service) -> ServiceEntry {
    let id = &svc.id.value;
    let mut decisions: Vec<DecisionEntry> =
        svc.decisions.iter().map(|d| decision(svc, d)).collect();
    decisions.sort_by(|a, b| (&a.date, &a.gate).cmp(&(&b.date, &b.gate)));
    let mut slas: Vec<SlaEntry> = svc
        .slas
        .iter()
        .map(|sla| SlaEntry {
            id: sla.id.value.clone(),
            customers: sorted(
                ctx.covered(svc, sla)
                    .into_iter()
                    .map(String::from)
                    .collect(),
            ),
            period: kw(&sla.period),
            calendar: kw(&sla.calendar).unwrap_or(Calendar::Business),
            hours: s(&sla.hours),
            tz: s(&sla.tz).unwrap_or_else(|| "UTC".into()),
            targets: sla
                .targets
                .iter()
                .map(|t| TargetEntry {
                    metric: t.metric.value.clone(),
                    threshold: threshold(&t.bound),
                    warn: t.warn.map(|w| w.value),
                })
                .collect(),
            respond_within: sla.respond_within.map(|d| d.value.to_string()),
            report: sla.report.as_ref().map(|r| ReportEntry {
                every: kw(&r.every).or(kw(&sla.period)),
                to: s(&r.to),
            }),
            escalations: sla
                .escalations
                .iter()
                .map(|e| EscalationEntry {
                    after: e.after.map(|d| d.value.to_string()),
                    to: s(&e.to),
                })
                .collect(),
            review_by: date(&sla.review_by),
            ends: date(&sla.ends),
            ended: ctx.ended(sla),
        })
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
        name: s(&svc.name),
        function: s(&svc.function),
        description: s(&svc.description),
        stage: svc.stage(),
        owner: s(&svc.owner),
        level: kw(&svc.level),
        offers,
        objectives: sorted(ids(&svc.objectives)),
        depends_on: sorted(ids(&svc.depends_on)),
        dependents: reverse.services("depends-on", id),
        replaces: sorted(ids(&svc.replaces)),
        replaced_by: reverse.services("replaces", id),
        kpis: sorted(ids(&svc.kpis)),
        channel: s(&svc.channel),
        slas,
        pilot: svc.pilot.as_ref().map(|p| PilotEntry {
            scope: s(&p.scope),
            groups: ids(&p.groups),
            start: date(&p.start),
            review: date(&p.review),
            success: s(&p.success),
            exit_gate: s(&p.exit_gate),
        }),
        rollout: svc.rollout.as_ref().map(|r| RolloutEntry {
            phases: r
                .phases
                .iter()
                .map(|p| PhaseEntry {
                    name: p.name.value.clone(),
                    start: date(&p.start),
                    end: date(&p.end),
                    groups: ids(&p.groups),
                })
                .collect(),
            adoption_target: r.adoption_target.as_ref().map(|a| AdoptionTargetEntry {
                metric: a.metric.value.clone(),
                threshold: threshold(&a.bound),
                by: date(&a.by),
            }),
            champion: s(&r.champion),
        }),
        transform: svc.transform.as_ref().map(|t| TransformEntry {
            changes: s(&t.changes),
            target_date: date(&t.target_date),
            successor: s(&t.successor),
        }),
        retirement: svc.retirement.as_ref().map(|r| RetirementEntry {
            date: date(&r.date),
            reason: s(&r.reason),
            decided_at: s(&r.decided_at),
            replaced_by: s(&r.replaced_by),
        }),
        decisions,
        triggers: sorted(
            ctx.triggers_of(id)
                .iter()
                .map(|t| t.id.value.clone())
                .collect(),
        ),
    }
}

/// Every list of entities sorted by id.
fn sort_lists(c: &mut Catalog) {
    c.persons.sort_by(|a, b| a.id.cmp(&b.id));
    c.teams.sort_by(|a, b| a.id.cmp(&b.id));
    c.customers.sort_by(|a, b| a.id.cmp(&b.id));
    c.objectives.sort_by(|a, b| a.id.cmp(&b.id));
    c.metrics.sort_by(|a, b| a.id.cmp(&b.id));
    c.functions.sort_by(|a, b| a.id.cmp(&b.id));
    c.services.sort_by(|a, b| a.id.cmp(&b.id));
    c.gates.sort_by(|a, b| a.id.cmp(&b.id));
    c.triggers.sort_by(|a, b| a.id.cmp(&b.id));
}

/// The catalog as pretty JSON, newline-terminated.
pub fn to_json(catalog: &Catalog) -> String {
    let mut out = serde_json::to_string_pretty(catalog).expect("serializable");
    out.push('\n');
    out
}

/// The catalog's JSON Schema (2020-12), as `pmoc schema` prints it.
pub fn schema() -> String {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let schema = generator.into_root_schema_for::<Catalog>();
    let mut out = serde_json::to_string_pretty(&schema).expect("serializable");
    out.push('\n');
    out
}

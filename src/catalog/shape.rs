//! The shape of `catalog.json`: one type per entry, serialized as the
//! file is written and described by the JSON Schema derived from the same
//! types (`schemas/catalog.schema.json`, printed by `pmoc schema`), so the
//! two cannot drift apart.

use schemars::JsonSchema;
use serde::Serialize;

use crate::base::EntityKind;
use crate::catalog::serial::{self, optional_number};
pub use crate::metrics::evaluate::{Attainment, Firing};

use crate::model::{
    Action, BoundKind, Calendar, Comparison, Direction, Level, OfferLevel, Outcome, Period, Stage,
    Structure, Unit,
};

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
    /// Whether metric observations were read (a metrics CSV): the
    /// evaluation fields are present only then.
    pub observed: bool,
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
    /// With metrics, for a service with a rollout adoption target: the
    /// latest observed value against it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adoption: Option<AdoptionEntry>,
}

/// A service's adoption against its rollout's `adoption-target`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdoptionEntry {
    pub metric: String,
    /// The latest complete period with an observation, if any.
    pub period: Option<String>,
    #[serde(serialize_with = "optional_number")]
    pub value: Option<f64>,
    pub threshold: Option<Threshold>,
    /// The target date (`by`).
    pub by: Option<String>,
    /// Whether the latest value meets the target (null without a value).
    pub met: Option<bool>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferEntry {
    pub customer: String,
    pub level: Option<OfferLevel>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    /// `at-least` or `at-most`.
    pub kind: BoundKind,
    #[serde(serialize_with = "serial::number")]
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
    /// With metrics: the target judged in each of the SLA's last complete
    /// periods (at most twelve, oldest first, none after the SLA's `ends`).
    /// Absent when no metrics CSV was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attainment: Option<Vec<PeriodAttainment>>,
}

/// How an SLA target fared in one period.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodAttainment {
    /// `2026-06`, `2026-Q2` or `2026`.
    pub period: String,
    /// The observed value (finer observations averaged, weighted by `n`);
    /// null when the period has no data.
    #[serde(serialize_with = "optional_number")]
    pub value: Option<f64>,
    pub state: Attainment,
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
    /// With metrics (or for `superseded`, always): the trigger's state for
    /// each service it evaluates (in operation or transform, old enough),
    /// sorted by service. Absent when nothing was evaluated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluation: Option<Vec<TriggerState>>,
}

/// A trigger's state for one service.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TriggerState {
    pub service: String,
    pub state: Firing,
    /// The window's periods, oldest first, with the observed value (null
    /// where missing). Empty for `superseded`.
    pub window: Vec<PeriodValue>,
    /// For `superseded`: the service in operation that replaces this one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub successor: Option<String>,
}

/// One period's observed value.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodValue {
    pub period: String,
    #[serde(serialize_with = "optional_number")]
    pub value: Option<f64>,
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

/// The catalog as pretty JSON, newline-terminated.
pub fn to_json(catalog: &Catalog) -> String {
    serial::pretty(catalog)
}

/// The catalog's JSON Schema (2020-12), as `pmoc schema` prints it.
pub fn schema() -> String {
    serial::schema_of::<Catalog>()
}

impl PeriodValue {
    /// A trigger's window as the outputs list it.
    pub fn window(window: &[(crate::metrics::PeriodKey, Option<f64>)]) -> Vec<PeriodValue> {
        window
            .iter()
            .map(|(p, v)| PeriodValue {
                period: p.to_string(),
                value: *v,
            })
            .collect()
    }
}

impl Catalog {
    /// Every entity of the catalog with its kind, id and display name (its
    /// name or title, when it has one), list by list, SLAs after services.
    pub fn entities(&self) -> Vec<(EntityKind, &str, Option<&str>)> {
        fn add<'c, T>(
            out: &mut Vec<(EntityKind, &'c str, Option<&'c str>)>,
            kind: EntityKind,
            list: &'c [T],
            id_name: impl Fn(&'c T) -> (&'c str, Option<&'c str>),
        ) {
            out.extend(list.iter().map(|e| {
                let (id, name) = id_name(e);
                (kind, id, name)
            }));
        }
        use EntityKind::*;
        let mut out = Vec::new();
        add(&mut out, Person, &self.persons, |e| {
            (&e.id, e.name.as_deref())
        });
        add(&mut out, Team, &self.teams, |e| (&e.id, e.name.as_deref()));
        add(&mut out, Customer, &self.customers, |e| {
            (&e.id, e.name.as_deref())
        });
        add(&mut out, Objective, &self.objectives, |e| {
            (&e.id, e.title.as_deref())
        });
        add(&mut out, Metric, &self.metrics, |e| {
            (&e.id, e.name.as_deref())
        });
        add(&mut out, Function, &self.functions, |e| {
            (&e.id, e.name.as_deref())
        });
        add(&mut out, Service, &self.services, |e| {
            (&e.id, e.name.as_deref())
        });
        let slas = self.services.iter().flat_map(|s| &s.slas);
        out.extend(slas.map(|sla| (Sla, sla.id.as_str(), None)));
        add(&mut out, Gate, &self.gates, |e| (&e.id, e.name.as_deref()));
        add(&mut out, Trigger, &self.triggers, |e| (&e.id, None));
        out
    }
}

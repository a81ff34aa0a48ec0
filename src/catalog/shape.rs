//! The shape of `catalog.json`: one type per entry, serialized as the
//! file is written and described by the JSON Schema derived from the same
//! types (`schemas/catalog.schema.json`, printed by `pmoc schema`), so the
//! two cannot drift apart.

use std::sync::Arc;

use schemars::JsonSchema;
use serde::Serialize;

use crate::base::EntityKind;
use crate::catalog::serial::{self, optional_number};
pub use crate::metrics::adoption::Standing;
pub use crate::metrics::allowance::{Allowance, AllowanceState};
pub use crate::metrics::evaluate::{Attainment, Firing};

use crate::model::{
    Action, BoundKind, Calendar, Comparison, Criticality, DecisionOutcome, Direction, Level,
    OfferLevel, Period, Requirement, Stage, Structure, Trend, Unit,
};

/// The version of the catalog's shape.
pub const SCHEMA_VERSION: &str = "1.1";

/// The versions of the shape `pmoc diff` reads: each adds fields to the
/// one before, so a field an older side lacks is unknown there, never
/// removed.
pub const READ_VERSIONS: &[&str] = &["1", SCHEMA_VERSION];

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "pmoc catalog",
    description = "The resolved PMO service catalogue written by `pmoc build`."
)]
pub struct Catalog {
    /// "1.1" for this shape (version 1's fields and the additions of the
    /// language's version 1.1).
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
    pub services: Vec<Arc<ServiceEntry>>,
    pub gates: Vec<GateEntry>,
    pub triggers: Vec<TriggerEntry>,
    /// Improvements (language 1.1, section 7), sorted by id.
    pub improvements: Vec<ImprovementEntry>,
    /// Capacity: every person or team that declares `fte` or is named in
    /// an `effort`, sorted by id, with the demand on it at each checkpoint
    /// (as-of and the first day of each of the next three quarters).
    pub capacity: Vec<CapacityEntry>,
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
    /// The full-time equivalents the person gives to PMO services (at most
    /// 1, two decimals at most); null when not declared.
    #[serde(serialize_with = "optional_number")]
    pub fte: Option<f64>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamEntry {
    pub id: String,
    pub name: Option<String>,
    pub members: Vec<String>,
    /// Gates at which the team approves.
    pub approves: Vec<String>,
    /// The full-time equivalents the team gives to PMO services (two
    /// decimals at most); null when not declared.
    #[serde(serialize_with = "optional_number")]
    pub fte: Option<f64>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerEntry {
    pub id: String,
    pub name: Option<String>,
    pub size: Option<u64>,
    /// What the group is entitled to: every service offered to it.
    pub entitlements: Vec<Entitlement>,
    /// How many changes the group can absorb in one month.
    pub change_capacity: Option<u64>,
    /// The services changing the group in each of the twelve months from
    /// as-of's month (its pilots, rollout phases and transforms).
    pub change_load: Vec<ChangeMonth>,
    /// The first month from as-of's on with more changes than
    /// `change_capacity` (the finding of `change-saturation`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_saturated: Option<ChangeMonth>,
    /// What is coming to the group: the pilots, rollout phases,
    /// communications and trainings that touch it and have not ended
    /// before as-of, in date order.
    pub coming: Vec<ComingEntry>,
}

/// Something coming to a customer group (`coming` of its entry).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComingEntry {
    /// Its first day (`YYYY-MM-DD`): a pilot's `start`, a phase's
    /// `start`, a communication's `on`, a training's `by`. A pilot or a
    /// phase under way at as-of keeps its own start.
    pub date: String,
    /// Its last day, for a pilot (its `review`) or a phase (its `end`)
    /// that spans days.
    pub until: Option<String>,
    pub kind: ComingKind,
    pub service: String,
    /// The phase's name, the message told, or the training given; none
    /// for a pilot.
    pub what: Option<String>,
    /// A communication's channel.
    pub channel: Option<String>,
}

/// What kind of thing is coming to a customer group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ComingKind {
    /// The group takes part in a pilot.
    Pilot,
    /// A rollout phase reaches the group.
    Phase,
    /// The group is told something (`communicate`).
    Communication,
    /// The group is trained (`train`).
    Training,
}

/// The services changing a customer group in one calendar month.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeMonth {
    /// `YYYY-MM`.
    pub month: String,
    /// How many services change the group that month.
    pub count: usize,
    /// Their ids, sorted.
    pub services: Vec<String>,
    /// Whether the count is over the group's `change_capacity`.
    pub over: bool,
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
    /// 1 is the highest.
    pub priority: Option<u64>,
    /// The date the objective starts (YYYY-MM-DD).
    pub from: Option<String>,
    /// The date it ends (YYYY-MM-DD).
    pub until: Option<String>,
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
    /// The roadmap: its plans, in lifecycle order.
    pub plans: Vec<PlanEntry>,
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
    /// The card (language 1.1, section 8): the problem the service solves.
    pub problem: Option<String>,
    /// The card's lists, in source order.
    pub benefits: Vec<String>,
    pub includes: Vec<String>,
    pub excludes: Vec<String>,
    pub inputs: Vec<String>,
    pub outputs: Vec<String>,
    /// Free text, as written ("5 working days").
    pub lead_time: Option<String>,
    pub criticality: Option<Criticality>,
    pub sponsor: Option<String>,
    /// `http:`, `https:` or `mailto:` addresses only, in source order.
    pub links: Vec<LinkEntry>,
    /// The business case.
    pub case: Option<CaseEntry>,
    pub slas: Vec<SlaEntry>,
    pub pilot: Option<PilotEntry>,
    pub rollout: Option<RolloutEntry>,
    pub transform: Option<TransformEntry>,
    pub retirement: Option<RetirementEntry>,
    /// Sorted by date, then gate.
    pub decisions: Vec<DecisionEntry>,
    /// What the service asks of parties (`effort`), sorted by party, then
    /// stage (none first).
    pub efforts: Vec<EffortEntry>,
    /// Triggers that apply to the service.
    pub triggers: Vec<String>,
    /// With metrics, for a service with a rollout adoption target: the
    /// latest observed value against it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adoption: Option<AdoptionEntry>,
    /// With metrics: its `kpis` that no target of its SLAs covers, with
    /// their observed values, in `kpis` order (empty without metrics).
    pub kpi_values: Vec<KpiEntry>,
}

/// A service's `link`.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkEntry {
    /// An `http:`, `https:` or `mailto:` address.
    pub url: String,
    pub title: Option<String>,
}

/// A service's business case (`case`): its lists in source order.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseEntry {
    pub benefits: Vec<String>,
    pub costs: Vec<String>,
    pub options: Vec<String>,
    pub recommendation: Option<String>,
}

/// A service that passed a gate lacking some of what the gate requires.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequirementGapEntry {
    pub service: String,
    /// What it lacks, in the gate's `requires` order.
    pub lacking: Vec<Requirement>,
    /// Whether `gate-requirement-missing` judges it: the gate leads to the
    /// service's current stage (and the stage's own rule does not report
    /// the block missing).
    pub judged: bool,
}

/// `plan STAGE by=DATE`: by when a service is planned to reach a stage.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanEntry {
    pub stage: Stage,
    /// YYYY-MM-DD.
    pub by: Option<String>,
    /// The service has reached the stage (or is retired): the plan is
    /// history.
    pub reached: bool,
    /// Not reached, and due before as-of (`plan-slipped`).
    pub slipped: bool,
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
    /// Where adoption stands against the plan (LANGUAGE-1.1 section 6):
    /// null without a plan (no `by`, no phase with a `start`) or without
    /// observations.
    pub judgement: Option<AdoptionJudgement>,
    /// The chart's periods, oldest first: from the earlier of the first
    /// observation and the plan's start to the later of the latest complete
    /// period and the period holding `by` (at most 60), each with its
    /// observation (complete periods only) and the plan's value at its
    /// last day.
    pub series: Vec<AdoptionPoint>,
}

/// The judgement of adoption against its plan: `adoption-behind-plan` and
/// `adoption-missed` fire on `behind-plan` and `missed`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdoptionJudgement {
    pub standing: Standing,
    /// The period judged: the latest observed (`on-plan`, `behind-plan`),
    /// the latest on or before `by` (`missed`, `met`), or the one after
    /// `by` that met the threshold (`met`).
    pub period: String,
    #[serde(serialize_with = "serial::number")]
    pub value: f64,
    /// The plan's value at the last day of that period, to one decimal.
    #[serde(serialize_with = "serial::number")]
    pub planned: f64,
}

impl From<&crate::metrics::adoption::Judgement> for AdoptionJudgement {
    fn from(j: &crate::metrics::adoption::Judgement) -> AdoptionJudgement {
        AdoptionJudgement {
            standing: j.standing,
            period: j.period.to_string(),
            value: j.value,
            planned: crate::metrics::adoption::rounded(j.planned),
        }
    }
}

/// One observed period of adoption.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdoptionPoint {
    pub period: String,
    /// Null for a period without an observation, or not complete at as-of.
    #[serde(serialize_with = "optional_number")]
    pub value: Option<f64>,
    /// The plan's value at the period's last day, to one decimal (null
    /// without a plan).
    #[serde(serialize_with = "optional_number")]
    pub planned: Option<f64>,
    /// The observation is on the failing side of the plan (of the
    /// threshold without a plan); null without an observation.
    pub behind: Option<bool>,
}

/// A KPI of a service that no target of its SLAs covers: its observed
/// values, charted without a target line.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KpiEntry {
    pub metric: String,
    /// The last twelve complete periods up to as-of from the first
    /// observed, oldest first (null: no observation).
    pub values: Vec<PeriodValue>,
}

/// A party's capacity and the demand on it.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CapacityEntry {
    /// A person or team id.
    pub party: String,
    /// "person" or "team".
    pub kind: String,
    /// Its `fte`; null: capacity unknown (named in efforts only).
    #[serde(serialize_with = "optional_number")]
    pub fte: Option<f64>,
    /// The first checkpoint at which the demand is more than `fte`
    /// (`capacity-overcommitted`); null when none is.
    pub overcommitted: Option<String>,
    /// The four checkpoints in date order.
    pub checkpoints: Vec<CheckpointDemand>,
}

/// The demand on a party at one checkpoint.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckpointDemand {
    /// YYYY-MM-DD.
    pub date: String,
    /// The sum of the efforts that apply, in FTE (exact to hundredths).
    #[serde(serialize_with = "serial::number")]
    pub demand: f64,
    /// The demand is more than the capacity (equal is not).
    pub over: bool,
    /// The efforts that apply, largest first (ties by service id).
    pub efforts: Vec<ServiceDemand>,
}

/// One service's effort counted at a checkpoint.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceDemand {
    pub service: String,
    #[serde(serialize_with = "serial::number")]
    pub fte: f64,
}

/// `effort PARTY fte=N [stage=S]`.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EffortEntry {
    /// A person or team id.
    pub party: String,
    /// Full-time equivalents (two decimals at most).
    #[serde(serialize_with = "serial::number")]
    pub fte: f64,
    /// Only while the service is in this stage; absent: while it is in
    /// pilot, implementation, operation or transform.
    pub stage: Option<Stage>,
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
    /// Periods before the one holding this date do not exist for the SLA.
    pub starts: Option<String>,
    pub ends: Option<String>,
    /// Whether the SLA has ended on or before as-of.
    pub ended: bool,
    /// The breach allowance (`budget breaches=N per="year"`).
    pub budget: Option<BudgetEntry>,
    /// With metrics: the breach allowance judged (absent without a
    /// `budget`, when no metrics CSV was read, the SLA has ended, its
    /// service is retired or no target can be judged).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowance: Option<AllowanceEntry>,
}

/// An SLA's breach allowance: at most `breaches` breached periods per
/// calendar year.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BudgetEntry {
    /// N: the breached periods allowed per `per`.
    pub breaches: u64,
    /// Always `"year"` (the default and only value).
    pub per: String,
}

/// Where an SLA's breach allowance stands: the one judgement of
/// `budget-exhausted` and `budget-burning`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AllowanceEntry {
    /// N: the breached periods allowed per calendar year.
    pub allowed: u64,
    /// The calendar year judged: as-of's, or the previous one judged as a
    /// whole when as-of's has no complete period yet.
    pub year: i16,
    /// Whether `year` is judged as a whole (nothing projected).
    pub whole_year: bool,
    /// b: the breached periods of the year judged.
    pub used: u64,
    /// N − b, at least 0.
    pub left: u64,
    /// k: the complete periods of the year judged that exist for the SLA.
    pub judged: u64,
    /// P: the SLA's periods in a year (12, 4 or 1).
    pub per_year: u64,
    /// The periods judged without an observation (not breached).
    pub unobserved: u64,
    /// At this pace, the breached periods by the year's end (b × P / k
    /// rounded up; b for a year judged whole).
    pub projected: u64,
    /// The breached periods, oldest first.
    pub breached: Vec<String>,
    /// `within`, `burning` (`budget-burning`) or `exhausted`
    /// (`budget-exhausted`).
    pub state: AllowanceState,
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
    /// The first champion (version 1's one champion): `champions[0].party`.
    pub champion: Option<String>,
    /// Every champion, in source order, with the group each champions.
    pub champions: Vec<ChampionEntry>,
    /// What is told to which group, and when, in source order.
    pub communications: Vec<CommunicationEntry>,
    /// Which group is trained by when, in source order.
    pub trainings: Vec<TrainingEntry>,
    /// The feedback loop.
    pub feedback: Option<FeedbackEntry>,
}

/// `champion PARTY [groups=GROUP]`.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChampionEntry {
    pub party: String,
    /// The group championed; empty: every group of the rollout.
    pub groups: Vec<String>,
}

/// `communicate TEXT to=GROUP on=DATE [channel=TEXT]`.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommunicationEntry {
    pub message: String,
    /// The customer group told.
    pub to: Option<String>,
    pub on: Option<String>,
    pub channel: Option<String>,
}

/// `train TEXT groups=GROUP by=DATE`.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrainingEntry {
    pub training: String,
    pub groups: Vec<String>,
    pub by: Option<String>,
}

/// `feedback every=PERIOD [metric=METRIC] [to=PARTY]`.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackEntry {
    pub every: Option<Period>,
    pub metric: Option<String>,
    /// The party who hears it.
    pub to: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PhaseEntry {
    pub name: String,
    pub start: Option<String>,
    pub end: Option<String>,
    pub groups: Vec<String>,
    /// What the phase's group lacks on its start (the judgement of
    /// `onboarding-gap`): absent when nothing is missing or the phase is
    /// not judged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub onboarding_missing: Vec<Onboarding>,
}

/// A part of the onboarding plan a group may lack before its phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Onboarding {
    /// No `communicate` to the group on or before the phase's start.
    Communication,
    /// No `train` of the group on or before the phase's start.
    Training,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdoptionTargetEntry {
    pub metric: String,
    pub threshold: Option<Threshold>,
    pub by: Option<String>,
    /// The plan's baseline (`from`; 0 for an `at-least` target without it)
    /// with the target's side, so that `diff` judges it as it judges a
    /// threshold.
    pub baseline: Option<Threshold>,
    /// The plan's start: the first day of the rollout's earliest phase with
    /// a `start`.
    pub plan_start: Option<String>,
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
    pub outcome: Option<DecisionOutcome>,
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
    /// How long after a trigger naming the gate fires a decision is due.
    pub decide_within: Option<String>,
    /// What a service passing the gate must have, in source order.
    pub requires: Vec<Requirement>,
    /// The services (not retired) whose latest decision at the gate is
    /// `go` and that lack some of what it requires, by service id.
    pub lacking: Vec<RequirementGapEntry>,
    /// The decisions the gate owes services (fired triggers naming it, not
    /// yet answered), by service.
    pub decisions_due: Vec<DecisionDueEntry>,
    /// Every decision taken at the gate, sorted by date, then service.
    pub decisions: Vec<DecisionEntry>,
    /// Triggers whose action leads to this gate.
    pub triggers: Vec<String>,
}

/// A decision a gate with `decide-within` owes a service.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionDueEntry {
    pub service: String,
    /// The earliest due date of its triggers (YYYY-MM-DD).
    pub due: String,
    /// Whether that date is before as-of (`decision-overdue`).
    pub overdue: bool,
    /// The fired triggers waiting, earliest due first.
    pub triggers: Vec<WaitingTrigger>,
}

/// A fired trigger waiting for a decision.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WaitingTrigger {
    pub trigger: String,
    /// The first day its condition was known to hold (YYYY-MM-DD).
    pub onset: String,
    /// Onset plus the gate's `decide-within` (YYYY-MM-DD).
    pub due: String,
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

/// What kind of condition a trigger has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ConditionKind {
    /// A metric against a threshold (`below=` …) over a window.
    Threshold,
    /// A metric moving one way (`falling=N`, `rising=N`).
    Trend,
    /// Built in: a successor is in operation.
    Superseded,
    /// Built in: an SLA in force is breached.
    SlaBreached,
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
    /// For `sla-breached`: the SLA whose periods the window shows, with its
    /// first breached target's value (else its first target's) (schema 1.1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sla: Option<String>,
}

/// An improvement made to answer a trigger, with where it stands and,
/// once done, its effect.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImprovementEntry {
    pub id: String,
    pub title: Option<String>,
    pub service: Option<String>,
    /// The triggers it answers.
    pub answers: Vec<String>,
    pub owner: Option<String>,
    pub due: Option<String>,
    pub done: Option<String>,
    pub dropped: Option<DroppedEntry>,
    pub expect: Option<ExpectEntry>,
    /// `open`, `done` or `dropped`.
    pub state: ImprovementState,
    /// Open with `due` before as-of (`improvement-overdue`).
    pub overdue: bool,
    /// For a done improvement with an expectation: its effect.
    pub effect: Option<EffectEntry>,
}

/// Where an improvement stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ImprovementState {
    Open,
    Done,
    Dropped,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DroppedEntry {
    pub date: String,
    pub reason: Option<String>,
}

/// `expect METRIC at-least|at-most=V by=DATE`.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectEntry {
    pub metric: String,
    pub threshold: Option<Threshold>,
    pub by: Option<String>,
}

/// The effect of a done improvement: `met`, `missed` or
/// `not-yet-measurable`, with the baseline (the latest observation in a
/// period ending before `done`) and the observation judged.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EffectEntry {
    pub verdict: crate::metrics::Verdict,
    pub baseline: Option<PeriodValue>,
    pub observed: Option<PeriodValue>,
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
    /// A metric id, or a built-in condition ("superseded", "sla-breached").
    pub metric: String,
    /// What kind of condition it is (schema 1.1).
    pub kind: ConditionKind,
    pub comparison: Option<Comparison>,
    #[serde(serialize_with = "optional_number")]
    pub value: Option<f64>,
    /// For a trend (`falling=N`, `rising=N`): its direction (schema 1.1).
    pub trend: Option<Trend>,
    /// For a trend: N, the moves over the last N periods (schema 1.1).
    pub trend_periods: Option<u64>,
    /// Consecutive periods (`for`), when the window is not `within`; null
    /// for a trend, which counts its own periods.
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
        add(&mut out, Improvement, &self.improvements, |e| {
            (&e.id, e.title.as_deref())
        });
        out
    }
}

impl From<&Allowance> for AllowanceEntry {
    fn from(a: &Allowance) -> AllowanceEntry {
        AllowanceEntry {
            allowed: a.allowed,
            year: a.year,
            whole_year: a.whole_year,
            used: a.used,
            left: a.left(),
            judged: a.judged,
            per_year: a.per_year,
            unobserved: a.unobserved,
            projected: a.projected,
            breached: a.breached.iter().map(ToString::to_string).collect(),
            state: a.state,
        }
    }
}

//! The shape of the review: one type per part, serialized by
//! `pmoc review --format json` and described by the JSON Schema derived
//! from the same types (`schemas/review.schema.json`), so the two cannot
//! drift apart. The text and Markdown renderings read the same values.

use schemars::JsonSchema;
use serde::Serialize;

pub use crate::catalog::PeriodValue;
use crate::catalog::serial::{self, optional_number};
pub use crate::metrics::evaluate::Attainment;
use crate::model::{Action, BoundKind, Period, Stage};

/// The version of the review's shape.
pub const FORMAT_VERSION: &str = "1";

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "pmoc review",
    description = "The operations review printed by `pmoc review --format json`."
)]
pub struct Review {
    /// Always "1" for this shape.
    pub format_version: String,
    /// The date "today" meant for this review (YYYY-MM-DD).
    pub as_of: String,
    pub pmo: PmoRef,
    /// Whether metric observations were read (a metrics CSV). Without
    /// them, attainment and adoption are `not-read`; `superseded`
    /// triggers are judged all the same.
    pub observed: bool,
    pub summary: Summary,
    /// Every service in operation or transform, sorted by id.
    pub services: Vec<ServiceReview>,
    /// What the board must look at, by kind (SLA reviews, pilot reviews,
    /// gate decisions), then date, then service.
    pub agenda: Vec<AgendaItem>,
}

/// The PMO the review is for.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PmoRef {
    pub id: String,
    pub name: Option<String>,
}

/// The counts a board reads first.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    /// Services reviewed (in operation or transform).
    pub services: usize,
    /// Fired triggers, counted once per trigger and service.
    pub triggers_fired: usize,
    /// SLA targets breached in their last complete period.
    pub targets_breached: usize,
    /// SLA targets with no observation for their last complete period
    /// (0 when no metrics were read).
    pub targets_without_data: usize,
    /// Items on the agenda.
    pub agenda_items: usize,
}

/// Whether values were there to judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Data {
    /// Observations were read and some cover it.
    Observed,
    /// Observations were read, none cover it.
    NoData,
    /// No metrics CSV was read.
    NotRead,
}

/// One service in operation or transform.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceReview {
    pub id: String,
    pub name: Option<String>,
    pub stage: Option<Stage>,
    pub owner: Option<String>,
    pub function: Option<String>,
    /// Across its SLAs' targets: `observed` when any target has a judged
    /// period, else `no-data` (or `not-read` without metrics).
    pub sla_data: Data,
    /// Its SLAs in force (not ended on or before as-of), sorted by id.
    pub slas: Vec<SlaReview>,
    /// Its rollout's `adoption-target`, when it has one.
    pub adoption: Option<AdoptionReview>,
    /// The triggers that fired for it, sorted by trigger id.
    pub fired: Vec<FiredTrigger>,
    /// The triggers that could not judge it (a period of their window has
    /// no observation), sorted by trigger id.
    pub unjudged: Vec<UnjudgedTrigger>,
}

/// A trigger that could not judge the service.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnjudgedTrigger {
    pub trigger: String,
    /// The periods of its window without an observation, oldest first.
    pub missing: Vec<String>,
}

/// An SLA in force.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SlaReview {
    pub id: String,
    /// The measurement period.
    pub period: Option<Period>,
    /// The groups it covers, sorted.
    pub customers: Vec<String>,
    pub review_by: Option<String>,
    pub ends: Option<String>,
    /// In source order.
    pub targets: Vec<TargetReview>,
}

/// `at-least=95` or `at-most=3`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    pub kind: BoundKind,
    #[serde(serialize_with = "serial::number")]
    pub value: f64,
}

/// One SLA target over its last periods.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetReview {
    pub metric: String,
    pub threshold: Option<Threshold>,
    #[serde(serialize_with = "optional_number")]
    pub warn: Option<f64>,
    pub data: Data,
    /// The last complete periods (at most twelve, fewer where the data
    /// starts later), oldest first, from the first with an observation.
    pub periods: Vec<PeriodState>,
    pub counts: Counts,
}

/// How a target fared in one period.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodState {
    /// `2026-06`, `2026-Q2` or `2026`.
    pub period: String,
    /// The observed value (finer observations averaged, weighted by `n`);
    /// null when the period has no data.
    #[serde(serialize_with = "optional_number")]
    pub value: Option<f64>,
    pub state: Attainment,
}

/// The periods of a target by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Counts {
    pub periods: usize,
    pub met: usize,
    pub warned: usize,
    pub breached: usize,
    pub no_data: usize,
}

/// A rollout's adoption against its target.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdoptionReview {
    pub metric: String,
    pub threshold: Option<Threshold>,
    /// The date the target is to be reached by (`by`).
    pub by: Option<String>,
    pub data: Data,
    /// The latest complete period with an observation.
    pub period: Option<String>,
    #[serde(serialize_with = "optional_number")]
    pub value: Option<f64>,
    /// Whether that value meets the target (null without a value).
    pub met: Option<bool>,
}

/// A trigger whose condition holds for the service.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FiredTrigger {
    pub trigger: String,
    /// The metric watched, or "superseded".
    pub metric: String,
    /// The condition in words: "`adoption-pct` below 30 for 3 periods".
    pub condition: String,
    /// The window that fired it, oldest first, with the value observed in
    /// each period (null where missing). Empty for `superseded`.
    pub window: Vec<PeriodValue>,
    /// For `superseded`: the service in operation that replaces this one.
    pub successor: Option<String>,
    pub action: Option<Action>,
    /// The gate the action leads to.
    pub gate: Option<String>,
    pub gate_name: Option<String>,
    /// The date from which a decision at the gate answers the trigger: the
    /// first day of the window; for `superseded`, the date of the
    /// successor's latest `go` into operation (null when it has none).
    pub since: Option<String>,
    /// The latest decision at the gate dated on or after `since` (any
    /// decision at the gate when `since` is null); null when there is
    /// none, or no gate.
    pub decision: Option<DecisionRef>,
}

/// A decision recorded at a gate.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRef {
    pub gate: String,
    pub outcome: Option<crate::model::Outcome>,
    pub date: Option<String>,
}

/// What an agenda item is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AgendaKind {
    /// An SLA in force whose `review-by` date is before as-of.
    SlaReview,
    /// A pilot whose `review` date is before as-of, with no decision at
    /// its exit gate.
    PilotReview,
    /// A fired trigger leads to a gate that has decided nothing on the
    /// service since the window that fired it.
    GateDecision,
}

/// One item for the board.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgendaItem {
    pub kind: AgendaKind,
    /// The service concerned.
    pub service: String,
    /// For `sla-review`: the SLA.
    pub sla: Option<String>,
    /// For `pilot-review`: the exit gate; for `gate-decision`: the
    /// trigger's gate.
    pub gate: Option<String>,
    /// For `gate-decision`: the trigger that fired.
    pub trigger: Option<String>,
    /// The date that makes it due: the SLA's `review-by`, the pilot's
    /// `review`, the trigger's `since` (null only for a `superseded`
    /// trigger whose successor has no `go` decision).
    pub date: Option<String>,
    /// The item in one sentence.
    pub text: String,
}

/// The review as pretty JSON, newline-terminated.
pub fn to_json(review: &Review) -> String {
    serial::pretty(review)
}

/// The review's JSON Schema (2020-12), as `schemas/review.schema.json`
/// holds it.
pub fn schema() -> String {
    serial::schema_of::<Review>()
}

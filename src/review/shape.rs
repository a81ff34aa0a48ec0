//! The shape of the review: one type per part, serialized by
//! `pmoc review --format json` and described by the JSON Schema derived
//! from the same types (`schemas/review.schema.json`), so the two cannot
//! drift apart. The text and Markdown renderings read the same values.

use schemars::JsonSchema;
use serde::Serialize;

pub use crate::catalog::PeriodValue;
pub use crate::catalog::health::{Standing, Status};
use crate::catalog::serial::{self, optional_number};
pub use crate::catalog::shape::AdoptionJudgement;
pub use crate::metrics::adoption::Standing as AdoptionStanding;
pub use crate::metrics::evaluate::Attainment;
use crate::model::{Action, BoundKind, Period, Stage, Unit};

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
    /// How far ahead the agenda looks: deadlines up to this date (as-of
    /// plus `--horizon`, 90 days by default) are on it.
    pub horizon: String,
    /// With `--since DATE`: what changed since the last review.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<SinceReview>,
    /// Every service in operation or transform, sorted by id.
    pub services: Vec<ServiceReview>,
    /// Every service with a rollout `adoption-target` that is not retired,
    /// in any stage (pipeline services in implementation included), sorted
    /// by id.
    pub adoption: Vec<ServiceAdoption>,
    /// What the board must look at, by kind (in [`AgendaKind`]'s order),
    /// then date, then service.
    pub agenda: Vec<AgendaItem>,
    /// Improvements: open, overdue, done since the last review, and their
    /// effect.
    pub improvements: ImprovementsReview,
}

/// The review's improvements section (language 1.1, section 7). Dropped
/// improvements are not listed.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImprovementsReview {
    /// Open and not yet due (due on or after as-of, or without `due`), by
    /// due date.
    pub open: Vec<ImprovementReview>,
    /// Open with `due` before as-of (`improvement-overdue`), by due date.
    pub overdue: Vec<ImprovementReview>,
    /// Done on or after `--since` (every done one without it), by done
    /// date, each with its effect.
    pub done: Vec<ImprovementReview>,
}

/// One improvement in the review.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImprovementReview {
    pub id: String,
    pub title: Option<String>,
    pub service: Option<String>,
    pub service_name: Option<String>,
    pub owner: Option<String>,
    /// The owner's name, when the owner is a declared party with one.
    pub owner_name: Option<String>,
    /// The triggers it answers.
    pub answers: Vec<String>,
    pub due: Option<String>,
    pub done: Option<String>,
    /// The metric it is expected to move, with its unit, threshold and
    /// date.
    pub metric: Option<String>,
    pub unit: Option<Unit>,
    pub threshold: Option<Threshold>,
    pub by: Option<String>,
    /// For a done one with an expectation: `met`, `missed` or
    /// `not-yet-measurable`.
    pub effect: Option<crate::metrics::Verdict>,
    /// The latest observation in a period ending before `done`.
    pub baseline: Option<PeriodValue>,
    /// The observation judged.
    pub observed: Option<PeriodValue>,
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
    /// SLA targets with no observation for their last complete period,
    /// every target when no metrics were read (never counted as met).
    pub targets_without_data: usize,
    /// Items on the agenda.
    pub agenda_items: usize,
    /// SLA targets in force of the services reviewed (the health page
    /// counts the same ones, the same way).
    pub targets: usize,
    /// SLA targets met in their last complete period.
    pub targets_met: usize,
    /// SLA targets warned in their last complete period.
    pub targets_warned: usize,
    /// Services by status.
    pub red: usize,
    pub amber: usize,
    pub green: usize,
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
    /// The owner's name (a person's or team's), when it has one.
    pub owner_name: Option<String>,
    pub function: Option<String>,
    /// Its worst standing: breached, fired, warned, no data, met (the
    /// summary lists services in this order).
    pub standing: Standing,
    /// Red (a target breached in its latest period, or a trigger fired),
    /// amber (a target warned or without data), green.
    pub status: Status,
    /// How its targets moved between their last two periods with values
    /// (null when no target has two).
    pub trend: Option<Trend>,
    /// The periods its targets were attained (met or warned) over their
    /// last twelve periods, of those with values (null without any).
    pub attainment: Option<Share>,
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

/// How a service's targets moved between their last two periods, each
/// in its better direction (up for `at-least`, down for `at-most`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Trend {
    /// Some got better, none worse.
    Better,
    /// Some got worse, none better.
    Worse,
    /// Some better and some worse.
    Mixed,
    /// None moved.
    Steady,
}

/// A part of a whole: `attained` of `of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Share {
    pub attained: usize,
    pub of: usize,
}

impl Share {
    /// The share in whole percent, rounded down, so 99.6% never reads
    /// as 100%.
    pub fn percent(self) -> usize {
        (self.attained * 100).checked_div(self.of).unwrap_or(0)
    }
}

/// What changed since the last review (`--since DATE`).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SinceReview {
    /// The date given (YYYY-MM-DD); "after" means strictly after it.
    pub date: String,
    /// Decisions dated after it, of any service, by date then service.
    pub decisions: Vec<DecisionTaken>,
    /// Fired triggers whose firing run's onset is after it, by onset
    /// then service.
    pub triggers: Vec<TriggerStarted>,
}

/// A decision recorded at a gate.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionTaken {
    pub service: String,
    pub service_name: Option<String>,
    pub gate: String,
    pub gate_name: Option<String>,
    pub outcome: Option<crate::model::DecisionOutcome>,
    pub date: String,
}

/// A trigger that started firing.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TriggerStarted {
    pub service: String,
    pub service_name: Option<String>,
    pub trigger: String,
    /// The first day of its firing run (its `since` among the service's
    /// fired triggers).
    pub start: String,
    /// The run's onset, the first day its condition was known to hold:
    /// after the date given.
    pub onset: String,
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
    /// Its breach allowance judged (`budget`; absent without one, or
    /// without observations): the catalog's judgement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowance: Option<crate::catalog::shape::AllowanceEntry>,
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
    /// The metric's name.
    pub metric_name: Option<String>,
    /// The metric's unit.
    pub unit: Option<Unit>,
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
    /// The metric's unit.
    pub unit: Option<Unit>,
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
    /// The plan's baseline (`from`, or 0 for an `at-least` target).
    #[serde(serialize_with = "optional_number")]
    pub baseline: Option<f64>,
    /// The plan's start: the first day of the rollout's earliest phase.
    pub plan_start: Option<String>,
    /// Where adoption stands against its plan (null without a plan or
    /// observations); the same judgement as `adoption-behind-plan` and
    /// `adoption-missed`.
    pub judgement: Option<AdoptionJudgement>,
}

/// A service with an adoption target, whatever its stage (pipeline
/// services in implementation too).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceAdoption {
    pub service: String,
    pub name: Option<String>,
    pub stage: Option<Stage>,
    pub adoption: AdoptionReview,
}

/// A trigger whose condition holds for the service.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FiredTrigger {
    pub trigger: String,
    /// The metric watched, or "superseded".
    pub metric: String,
    /// The metric's unit.
    pub unit: Option<Unit>,
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
    /// The date from which a decision at the gate answers the trigger:
    /// the start of its firing run (the first day of the run's first
    /// window); for `superseded`, the date of the successor's latest `go`
    /// into operation (null when it has none).
    pub since: Option<String>,
    /// The run's onset: the day after the last period of its first
    /// window, when the condition was first known to hold (the day
    /// `decide-within` counts from); for `superseded`, as `since`.
    pub onset: Option<String>,
    /// The latest decision at the gate dated on or after `since` (any
    /// decision at the gate when `since` is null); null when there is
    /// none, or no gate.
    pub decision: Option<DecisionRef>,
    /// Nobody has answered it: its action is not `notify`, and no decision
    /// at its gate is dated on or after `since`, or the latest is a `hold`
    /// whose `revisit` date is before as-of (language 1.1, section 4).
    pub unanswered: bool,
    /// The improvements of the service that answer this firing: they name
    /// the trigger and are open, or were done on or after `since`
    /// (language 1.1, section 7). A trigger with one is not unanswered.
    pub answered_by: Vec<String>,
}

/// A decision recorded at a gate.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRef {
    pub gate: String,
    pub outcome: Option<crate::model::DecisionOutcome>,
    pub date: Option<String>,
    /// A hold's `revisit` date: the hold answers the trigger until then.
    pub revisit: Option<String>,
}

/// What an agenda item is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AgendaKind {
    /// A gate with `decide-within` owes the service a decision (fired
    /// triggers naming it, unanswered since their firing run started),
    /// due within the horizon or overdue (`decision-overdue`).
    DecisionDue,
    /// An SLA in force whose `review-by` date is within the horizon or
    /// passed.
    SlaReview,
    /// A pilot whose `review` date is before as-of, with no decision at
    /// its exit gate.
    PilotReview,
    /// A fired trigger leads to a gate that has decided nothing on the
    /// service since the window that fired it (so it is `unanswered`).
    GateDecision,
    /// Any other fired trigger: one without a gate, or whose gate has
    /// decided since (`unanswered` says which). With `gate-decision`,
    /// every fired trigger is on the agenda once.
    TriggerFired,
    /// A service's latest decision at a gate leading on from its stage is
    /// a `hold` whose `revisit` date is within the horizon or passed
    /// (`hold-expired` once passed).
    HoldRevisit,
    /// A plan not yet reached whose `by` date passed (`plan-slipped`) or
    /// is within the horizon.
    PlanDue,
    /// A party over its `fte` at a checkpoint within the horizon
    /// (`capacity-overcommitted`): the first such checkpoint.
    CapacityOver,
    /// A customer group changed by more services than its
    /// `change-capacity` in a month starting within the horizon
    /// (`change-saturation`): the first such month.
    ChangeSaturation,
}

impl AgendaKind {
    /// Whether its date is a deadline (overdue once passed) rather than
    /// when something started.
    pub fn is_deadline(self) -> bool {
        match self {
            AgendaKind::DecisionDue
            | AgendaKind::SlaReview
            | AgendaKind::PilotReview
            | AgendaKind::HoldRevisit
            | AgendaKind::PlanDue => true,
            AgendaKind::GateDecision
            | AgendaKind::TriggerFired
            | AgendaKind::CapacityOver
            | AgendaKind::ChangeSaturation => false,
        }
    }

    /// The heading of the kind's items.
    pub fn heading(self) -> &'static str {
        match self {
            AgendaKind::DecisionDue => "Decisions due at gates with a deadline",
            AgendaKind::SlaReview => "SLA reviews due",
            AgendaKind::PilotReview => "Pilots past their review",
            AgendaKind::GateDecision => "Gate decisions due",
            AgendaKind::TriggerFired => "Other fired triggers",
            AgendaKind::HoldRevisit => "Holds to revisit",
            AgendaKind::PlanDue => "Plans slipped or due",
            AgendaKind::CapacityOver => "Capacity over-committed",
            AgendaKind::ChangeSaturation => "Change saturation",
        }
    }

    /// One item's kind in words.
    pub fn label(self) -> &'static str {
        match self {
            AgendaKind::DecisionDue => "Decision due",
            AgendaKind::SlaReview => "SLA review",
            AgendaKind::PilotReview => "Pilot past its review",
            AgendaKind::GateDecision => "Gate decision due",
            AgendaKind::TriggerFired => "Trigger fired",
            AgendaKind::HoldRevisit => "Hold to revisit",
            AgendaKind::PlanDue => "Plan due",
            AgendaKind::CapacityOver => "Capacity over-committed",
            AgendaKind::ChangeSaturation => "Change saturation",
        }
    }
}

/// One item for the board.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgendaItem {
    pub kind: AgendaKind,
    /// The service concerned; null for an item on a party
    /// (`capacity-over`) or a customer group (`change-saturation`).
    pub service: Option<String>,
    /// The service's name.
    pub service_name: Option<String>,
    /// For `capacity-over`: the person or team over-committed.
    pub party: Option<String>,
    /// The party's name.
    pub party_name: Option<String>,
    /// For `change-saturation`: the customer group saturated.
    pub customer: Option<String>,
    /// The group's name.
    pub customer_name: Option<String>,
    /// For `sla-review`: the SLA.
    pub sla: Option<String>,
    /// For `pilot-review`: the exit gate; for `decision-due`,
    /// `gate-decision` and `trigger-fired`: the trigger's gate; for
    /// `hold-revisit`: the gate that held.
    pub gate: Option<String>,
    /// The gate's name, when the item has a gate.
    pub gate_name: Option<String>,
    /// For `gate-decision` and `trigger-fired`: the trigger that fired.
    pub trigger: Option<String>,
    /// The date that makes it due: the decision's due date (the earliest
    /// of its triggers' onset plus `decide-within`), the SLA's
    /// `review-by`, the pilot's `review`, the hold's `revisit`, the plan's
    /// `by`, the checkpoint at which the party is first over, the first
    /// day of the saturated month, the trigger's `since` (the start of
    /// its firing run; null only for a `superseded` trigger whose
    /// successor has no `go` decision).
    pub date: Option<String>,
    /// The item in one sentence.
    pub text: String,
    /// Whether its date is before as-of (a deadline passed); false for a
    /// fired trigger, whose date is when it started.
    pub overdue: bool,
    /// For a fired trigger: no decision at its gate since its firing
    /// started (a `hold` answers it only until its `revisit` date), and
    /// its action is not `notify` (a trigger without a gate is unanswered
    /// unless it only notifies). False for other items.
    pub unanswered: bool,
}

impl AgendaItem {
    /// What the item is about, as `(name, id)`: its service, else its
    /// party, else its customer group.
    pub fn subject(&self) -> (Option<&str>, &str) {
        let pairs = [
            (&self.service_name, &self.service),
            (&self.party_name, &self.party),
            (&self.customer_name, &self.customer),
        ];
        pairs
            .into_iter()
            .find_map(|(name, id)| Some((name.as_deref(), id.as_deref()?)))
            .unwrap_or((None, ""))
    }
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

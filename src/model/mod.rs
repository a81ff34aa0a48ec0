//! The typed model of a PMO project: every declaration of section 3 of the
//! language, with the span of every value kept for diagnostics.
//!
//! The model knows nothing of KDL: `lower` builds it, `check` judges it,
//! `catalog` resolves it for the renderers. Required fields are `Option`s
//! because a project with schema errors is still checked: a rule that needs
//! an absent field skips.

use jiff::civil::Date;

use crate::base::{Code, Span, Spanned};

/// An id as declared, or a reference to one, with its span.
pub type Id = Spanned<String>;
/// Free text (CommonMark where it is a description).
pub type Text = Spanned<String>;

mod capacity;
mod card;
mod change;
mod index;
mod onboarding;
mod roadmap;
pub mod schema;
mod values;
mod walk;

pub use capacity::{Load, PartyLoad};
pub use card::RequirementGap;
pub use change::{Change, ChangeKind, GroupLoad, Month, MonthLoad, change_load, saturations};
pub use index::{Index, Lookups};
pub use onboarding::PhaseGap;
pub use roadmap::{DuePlan, PlanState, checkpoints};
pub use values::*;
pub use walk::{Entity, Reference};

/// The whole project.
#[derive(Debug, Default, Clone)]
pub struct Model {
    pub pmo: Option<Pmo>,
    pub persons: Vec<Person>,
    pub teams: Vec<Team>,
    pub customers: Vec<Customer>,
    pub objectives: Vec<Objective>,
    pub metrics: Vec<Metric>,
    pub functions: Vec<Function>,
    pub services: Vec<std::sync::Arc<Service>>,
    pub gates: Vec<Gate>,
    pub triggers: Vec<Trigger>,
    pub improvements: Vec<Improvement>,
}

#[derive(Debug, Clone)]
pub struct Pmo {
    pub id: Id,
    pub head_span: Span,
    pub name: Option<Text>,
    pub mandate: Option<Text>,
    pub sponsor: Option<Id>,
    pub head: Option<Id>,
    pub structure: Option<Spanned<Structure>>,
    pub as_of: Option<Spanned<Date>>,
    pub site_title: Option<Text>,
    pub base_url: Option<Text>,
    pub output: Option<Text>,
    pub exclude: Vec<Text>,
    /// `(code, level)` in source order: the last one for a code wins.
    pub lints: Vec<(Code, Spanned<LintLevel>)>,
}

#[derive(Debug, Clone)]
pub struct Person {
    pub id: Id,
    pub name: Option<Text>,
    pub email: Option<Text>,
    pub title: Option<Text>,
    /// The full-time equivalents the person gives to PMO services (at most 1).
    pub fte: Option<Spanned<Fte>>,
}

#[derive(Debug, Clone)]
pub struct Team {
    pub id: Id,
    pub name: Option<Text>,
    pub members: Vec<Id>,
    /// The full-time equivalents the team gives to PMO services.
    pub fte: Option<Spanned<Fte>>,
}

#[derive(Debug, Clone)]
pub struct Customer {
    pub id: Id,
    pub name: Option<Text>,
    pub size: Option<Spanned<u64>>,
    /// How many changes the group can absorb in one month (`change-capacity`).
    pub change_capacity: Option<Spanned<u64>>,
}

#[derive(Debug, Clone)]
pub struct Objective {
    pub id: Id,
    pub title: Option<Text>,
    pub owner: Option<Id>,
    pub period: Option<Text>,
    /// `priority=`: 1 is the highest.
    pub priority: Option<Spanned<u64>>,
    /// `from=` and `until=`: the dates the objective is pursued between
    /// (`until` before `from` is refused by lowering).
    pub from: Option<Spanned<Date>>,
    pub until: Option<Spanned<Date>>,
}

#[derive(Debug, Clone)]
pub struct Metric {
    pub id: Id,
    pub name: Option<Text>,
    pub unit: Option<Spanned<Unit>>,
    pub direction: Option<Spanned<Direction>>,
    pub cadence: Option<Spanned<Period>>,
}

#[derive(Debug, Clone)]
pub struct Function {
    pub id: Id,
    pub name: Option<Text>,
    pub description: Option<Text>,
    pub levels: Vec<Spanned<Level>>,
    pub lead: Option<Id>,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub id: Id,
    pub name: Option<Text>,
    pub function: Option<Id>,
    pub description: Option<Text>,
    pub stage: Option<Spanned<Stage>>,
    /// `plan STAGE by=DATE`, one per stage (a second is refused by
    /// lowering), in source order.
    pub plans: Vec<Plan>,
    pub owner: Option<Id>,
    pub level: Option<Spanned<Level>>,
    pub offers: Vec<Offer>,
    pub objectives: Vec<Id>,
    pub depends_on: Vec<Id>,
    pub replaces: Vec<Id>,
    pub kpis: Vec<Id>,
    pub channel: Option<Text>,
    pub slas: Vec<Sla>,
    pub pilot: Option<Pilot>,
    pub rollout: Option<Rollout>,
    pub transform: Option<Transform>,
    pub retirement: Option<Retirement>,
    pub decisions: Vec<Decision>,
    /// `effort PARTY fte=N [stage=S]`, in source order, a duplicate (same
    /// party and stage) left out after being reported.
    pub efforts: Vec<Effort>,
    /// The service card (language 1.1, section 8).
    pub card: Card,
}

/// The service card practitioners write (language 1.1, section 8): every
/// part optional, lists in source order.
#[derive(Debug, Clone, Default)]
pub struct Card {
    /// The problem the service solves.
    pub problem: Option<Text>,
    pub benefits: Vec<Text>,
    /// What the service includes and excludes (its scope).
    pub includes: Vec<Text>,
    pub excludes: Vec<Text>,
    /// What the customer brings and receives.
    pub inputs: Vec<Text>,
    pub outputs: Vec<Text>,
    /// Free text ("5 working days"); `diff` reads a number and a unit
    /// from it where it can.
    pub lead_time: Option<Text>,
    pub criticality: Option<Spanned<Criticality>>,
    /// The party that sponsors the service.
    pub sponsor: Option<Id>,
    /// `link URL title=…`: only `http:`, `https:` and `mailto:` addresses
    /// (lowering leaves any other out after reporting it).
    pub links: Vec<Link>,
    /// The business case.
    pub case: Option<Case>,
}

/// `link "https://…" title="…"`.
#[derive(Debug, Clone)]
pub struct Link {
    pub url: Text,
    pub title: Option<Text>,
}

/// `case { benefit* cost* option* recommendation }`: the justification.
#[derive(Debug, Clone)]
pub struct Case {
    /// The `case` node's name.
    pub span: Span,
    pub benefits: Vec<Text>,
    pub costs: Vec<Text>,
    pub options: Vec<Text>,
    pub recommendation: Option<Text>,
}

/// What a service asks of a party: `effort "pmo-analysts" fte=0.8`.
#[derive(Debug, Clone)]
pub struct Effort {
    /// The party (person or team).
    pub party: Id,
    pub fte: Spanned<Fte>,
    /// Only while the service is in this stage (never `retired`); without
    /// it, while the service is in pilot, implementation, operation or
    /// transform.
    pub stage: Option<Spanned<Stage>>,
}

impl Effort {
    /// Whether the effort applies while its service is in `stage`.
    pub fn applies_in(&self, stage: Stage) -> bool {
        match self.stage {
            Some(s) => s.value == stage,
            None => matches!(
                stage,
                Stage::Pilot | Stage::Implementation | Stage::Operation | Stage::Transform
            ),
        }
    }
}

impl Service {
    pub fn stage(&self) -> Option<Stage> {
        self.stage.map(|s| s.value)
    }
}

/// `plan STAGE by=DATE`: the date by which a service is planned to reach
/// a stage.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The stage (the node's argument): where its duplicate points.
    pub stage: Spanned<Stage>,
    /// Required; absent only in a project with a `missing-field`.
    pub by: Option<Spanned<Date>>,
}

#[derive(Debug, Clone)]
pub struct Offer {
    pub customer: Id,
    pub level: Option<Spanned<OfferLevel>>,
}

/// A threshold: `at-least=95` or `at-most=3`.
#[derive(Debug, Clone, Copy)]
pub struct Bound {
    pub kind: BoundKind,
    pub value: Spanned<f64>,
}

impl Bound {
    /// Whether an observed value meets the bound.
    pub fn passes(&self, observed: f64) -> bool {
        match self.kind {
            BoundKind::AtLeast => observed >= self.value.value,
            BoundKind::AtMost => observed <= self.value.value,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Sla {
    pub id: Id,
    pub customers: Vec<Id>,
    pub period: Option<Spanned<Period>>,
    pub calendar: Option<Spanned<Calendar>>,
    pub hours: Option<Text>,
    pub tz: Option<Text>,
    pub targets: Vec<Target>,
    pub respond_within: Option<Spanned<Duration>>,
    pub report: Option<Report>,
    pub escalations: Vec<Escalation>,
    pub review_by: Option<Spanned<Date>>,
    /// `starts`: periods before the one holding it do not exist for the SLA.
    pub starts: Option<Spanned<Date>>,
    pub ends: Option<Spanned<Date>>,
    /// `budget breaches=N per="year"`: the breach allowance.
    pub budget: Option<Budget>,
}

/// An SLA's breach allowance (`budget breaches=N per="year"`): at most
/// `breaches` breached periods per calendar year.
#[derive(Debug, Clone)]
pub struct Budget {
    /// The `budget` node's name.
    pub span: Span,
    pub breaches: Spanned<u64>,
    pub per: Option<Spanned<AllowancePer>>,
}

#[derive(Debug, Clone)]
pub struct Target {
    pub metric: Id,
    pub bound: Option<Bound>,
    pub warn: Option<Spanned<f64>>,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub every: Option<Spanned<Period>>,
    pub to: Option<Id>,
}

#[derive(Debug, Clone)]
pub struct Escalation {
    pub after: Option<Spanned<Duration>>,
    pub to: Option<Id>,
}

#[derive(Debug, Clone)]
pub struct Pilot {
    /// The `pilot` node's name: where `pilot-incomplete` points.
    pub span: Span,
    pub scope: Option<Text>,
    pub groups: Vec<Id>,
    pub start: Option<Spanned<Date>>,
    pub review: Option<Spanned<Date>>,
    pub success: Option<Text>,
    pub exit_gate: Option<Id>,
}

#[derive(Debug, Clone)]
pub struct Rollout {
    pub span: Span,
    pub phases: Vec<Phase>,
    pub adoption_target: Option<AdoptionTarget>,
    /// `champion PARTY [groups=GROUP]`, one per group (a second for the
    /// same group, or a second without one, is refused by lowering), in
    /// source order. Version 1's single `champion "jane"` is the one
    /// without a group.
    pub champions: Vec<Champion>,
    /// `communicate TEXT to=GROUP on=DATE [channel=TEXT]`, in source order.
    pub communications: Vec<Communication>,
    /// `train TEXT groups=GROUP by=DATE`, in source order.
    pub trainings: Vec<Training>,
    /// `feedback every=PERIOD [metric=METRIC] [to=PARTY]`: the feedback loop.
    pub feedback: Option<Feedback>,
}

impl Rollout {
    /// The first champion (version 1's `champion`, which the catalog keeps).
    pub fn champion(&self) -> Option<&Id> {
        self.champions.first().map(|c| &c.party)
    }

    /// Whether the rollout plans onboarding: at least one `communicate`
    /// and one `train` (what a gate's `requires "onboarding"` asks for).
    pub fn has_onboarding(&self) -> bool {
        !self.communications.is_empty() && !self.trainings.is_empty()
    }
}

/// `champion "yuki" groups="line-managers"`: the party who champions the
/// rollout to a group (to every group without `groups=`).
#[derive(Debug, Clone)]
pub struct Champion {
    pub party: Id,
    pub groups: Vec<Id>,
}

/// `communicate "Workload balance, not compliance" to="project-managers"
/// on="2026-12-15" channel="Town hall"`: a message to a customer group.
#[derive(Debug, Clone)]
pub struct Communication {
    /// The node's name: where a diagnostic about the whole entry points.
    pub span: Span,
    pub message: Text,
    /// The customer group told (required; absent only with a
    /// `missing-field`).
    pub to: Option<Id>,
    pub on: Option<Spanned<Date>>,
    pub channel: Option<Text>,
}

/// `train "Live demo and office hours" groups="project-managers"
/// by="2027-01-04"`: a training of a customer group, done by a date.
#[derive(Debug, Clone)]
pub struct Training {
    pub span: Span,
    pub training: Text,
    pub groups: Vec<Id>,
    pub by: Option<Spanned<Date>>,
}

/// `feedback every="month" metric="csat-score" to="jane"`: how often the
/// rollout asks its users, what it measures and who hears it.
#[derive(Debug, Clone)]
pub struct Feedback {
    /// The `feedback` node's name.
    pub span: Span,
    pub every: Option<Spanned<Period>>,
    pub metric: Option<Id>,
    pub to: Option<Id>,
}

#[derive(Debug, Clone)]
pub struct Phase {
    pub name: Text,
    pub start: Option<Spanned<Date>>,
    pub end: Option<Spanned<Date>>,
    pub groups: Vec<Id>,
}

#[derive(Debug, Clone)]
pub struct AdoptionTarget {
    pub metric: Id,
    pub bound: Option<Bound>,
    pub by: Option<Spanned<Date>>,
    /// `from`: the baseline at the start of the rollout's earliest phase
    /// (absent: 0 for `at-least`; required for `at-most`).
    pub from: Option<Spanned<f64>>,
}

impl AdoptionTarget {
    /// The baseline of the plan: `from`, or 0 for an `at-least` target.
    pub fn baseline(&self) -> Option<f64> {
        match (self.from, self.bound) {
            (Some(from), _) => Some(from.value),
            (None, Some(b)) if b.kind == BoundKind::AtLeast => Some(0.0),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Transform {
    pub span: Span,
    pub changes: Option<Text>,
    pub target_date: Option<Spanned<Date>>,
    pub successor: Option<Id>,
}

#[derive(Debug, Clone)]
pub struct Retirement {
    pub span: Span,
    pub date: Option<Spanned<Date>>,
    pub reason: Option<Text>,
    pub decided_at: Option<Id>,
    pub replaced_by: Option<Id>,
}

#[derive(Debug, Clone)]
pub struct Decision {
    /// The gate reference: where decision diagnostics point.
    pub gate: Id,
    pub outcome: Option<Spanned<DecisionOutcome>>,
    pub date: Option<Spanned<Date>>,
    pub by: Option<Id>,
    pub present: Vec<Id>,
    pub rationale: Option<Text>,
    pub revisit: Option<Spanned<Date>>,
}

#[derive(Debug, Clone)]
pub struct Gate {
    pub id: Id,
    pub name: Option<Text>,
    pub from: Option<Spanned<Stage>>,
    pub to: Vec<Spanned<Stage>>,
    pub approvers: Vec<Id>,
    pub quorum: Option<Spanned<u64>>,
    pub must: Vec<Text>,
    pub should: Vec<Criterion>,
    pub deliverables: Vec<Text>,
    /// How long a fired trigger naming the gate may wait for a decision.
    pub decide_within: Option<Spanned<Duration>>,
    /// What a service passing the gate must have (`requires`), in source
    /// order.
    pub requires: Vec<Spanned<Requirement>>,
}

impl Gate {
    pub fn leads_to(&self, stage: Stage) -> bool {
        self.to.iter().any(|t| t.value == stage)
    }
}

#[derive(Debug, Clone)]
pub struct Criterion {
    pub text: Text,
    pub weight: Option<Spanned<u64>>,
}

#[derive(Debug, Clone)]
pub struct Trigger {
    pub id: Id,
    pub applies_to: Vec<AppliesTo>,
    pub when: Option<When>,
    pub min_age: Option<Spanned<Duration>>,
    pub action: Option<Spanned<Action>>,
    pub gate: Option<Id>,
    pub notify: Vec<Id>,
}

/// An improvement made to answer a trigger (language 1.1, section 7).
#[derive(Debug, Clone)]
pub struct Improvement {
    pub id: Id,
    pub title: Option<Text>,
    pub service: Option<Id>,
    /// The triggers it answers.
    pub answers: Vec<Id>,
    pub owner: Option<Id>,
    pub due: Option<Spanned<Date>>,
    /// `done DATE`: lowering keeps at most one of `done` and `dropped`.
    pub done: Option<Spanned<Date>>,
    pub dropped: Option<Dropped>,
    pub expect: Option<Expectation>,
}

/// `dropped DATE reason=…`.
#[derive(Debug, Clone)]
pub struct Dropped {
    pub date: Spanned<Date>,
    pub reason: Option<Text>,
}

/// `expect METRIC at-least|at-most=V by=DATE`: the effect the improvement
/// should have.
#[derive(Debug, Clone)]
pub struct Expectation {
    /// The `expect` node's name: where `improvement-no-effect` points.
    pub span: Span,
    pub metric: Id,
    pub bound: Option<Bound>,
    pub by: Option<Spanned<Date>>,
}

impl Improvement {
    /// Open: neither done nor dropped.
    pub fn is_open(&self) -> bool {
        self.done.is_none() && self.dropped.is_none()
    }

    /// Whether it answers `trigger`'s firing run that started on `start`
    /// (language 1.1, section 7): it names the trigger and is open, or
    /// done on or after the run's start (any done date without a start).
    /// A dropped improvement answers nothing.
    pub fn answers_run(&self, trigger: &str, start: Option<Date>) -> bool {
        self.answers.iter().any(|a| a.value == trigger)
            && self.dropped.is_none()
            && self
                .done
                .is_none_or(|d| start.is_none_or(|start| d.value >= start))
    }

    /// Overdue: open, with `due` before `as_of` (`improvement-overdue`).
    pub fn is_overdue(&self, as_of: Date) -> bool {
        self.is_open() && self.due.is_some_and(|d| d.value < as_of)
    }
}

/// One `applies-to` node: its properties combine by AND.
#[derive(Debug, Clone)]
pub struct AppliesTo {
    pub stage: Option<Spanned<Stage>>,
    pub function: Option<Id>,
    pub service: Option<Id>,
}

impl AppliesTo {
    pub fn selects(&self, service: &Service) -> bool {
        self.stage.is_none_or(|s| service.stage() == Some(s.value))
            && self.function.as_ref().is_none_or(|f| {
                service
                    .function
                    .as_ref()
                    .is_some_and(|g| g.value == f.value)
            })
            && self
                .service
                .as_ref()
                .is_none_or(|s| s.value == service.id.value)
    }
}

impl Trigger {
    /// Several `applies-to` nodes combine by OR.
    pub fn applies_to(&self, service: &Service) -> bool {
        self.applies_to.iter().any(|a| a.selects(service))
    }
}

/// The condition of a trigger.
#[derive(Debug, Clone)]
pub struct When {
    /// The metric, or a built-in condition (`superseded`, `sla-breached`).
    pub metric: Id,
    /// A threshold (`below=` …): exactly one of it and `trend` on a metric.
    pub comparison: Option<(Comparison, Spanned<f64>)>,
    /// A trend (`falling=N`, `rising=N`): the metric moved strictly so over
    /// the last N periods.
    pub trend: Option<(Trend, Spanned<u64>)>,
    pub window: Window,
}

impl When {
    pub fn is_superseded(&self) -> bool {
        self.metric.value == SUPERSEDED
    }

    pub fn is_sla_breached(&self) -> bool {
        self.metric.value == SLA_BREACHED
    }

    /// Whether it names a built-in condition rather than a metric.
    pub fn is_built_in(&self) -> bool {
        BUILT_IN_CONDITIONS.contains(&self.metric.value.as_str())
    }
}

/// The built-in trigger condition that holds when a successor is live.
pub const SUPERSEDED: &str = "superseded";
/// The built-in trigger condition that holds when an SLA is breached.
pub const SLA_BREACHED: &str = "sla-breached";
/// The built-in trigger conditions: no metric may take their ids.
pub const BUILT_IN_CONDITIONS: [&str; 2] = [SUPERSEDED, SLA_BREACHED];

/// How many periods a trigger condition must hold for.
#[derive(Debug, Clone, Copy)]
pub enum Window {
    /// `for=N` consecutive periods (`for=1` when absent).
    For(Spanned<u64>),
    /// `within="K of N"`: in K of the last N periods.
    Within { k: u64, n: u64, span: Span },
}

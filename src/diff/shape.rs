//! The shape of a comparison: one [`Change`] per thing a reviewer must see,
//! serialized as `pmoc diff --format json` prints it and described by the
//! JSON Schema derived from the same types (`schemas/diff.schema.json`).

use schemars::JsonSchema;
use serde::Serialize;

use crate::catalog::serial;

/// The version of the comparison's shape.
pub const FORMAT_VERSION: &str = "1";

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "pmoc diff",
    description = "What changed between two PMO catalogues, as `pmoc diff --format json` prints it."
)]
pub struct Diff {
    /// Always "1" for this shape.
    pub format_version: String,
    pub old: SideInfo,
    pub new: SideInfo,
    pub summary: Summary,
    /// Services (each followed by the changes of its SLAs), then customer
    /// groups, gates, triggers, the PMO, people, teams, objectives, metrics
    /// and functions; each sorted by id.
    pub changes: Vec<Change>,
}

/// One side of the comparison.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SideInfo {
    /// What was read: a folder, a `catalog.json`, or `REF:PATH` for a git
    /// revision.
    pub source: String,
    /// The PMO's id.
    pub pmo: String,
    /// The date "today" meant for that side.
    pub as_of: String,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    /// How many changes.
    pub changes: usize,
    /// How many of them weaken a promise.
    pub weakening: usize,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Change {
    pub kind: ChangeKind,
    /// Whether the change weakens a promise (a loosened SLA, a mandate
    /// dropped, a gate made easier to pass, a trigger made harder to fire):
    /// it needs attention.
    pub weakens: bool,
    /// The kind of entity that changed.
    pub entity: Entity,
    /// Its id.
    pub id: String,
    /// For an SLA, its service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// What inside the entity changed: an SLA target's metric, an approver,
    /// a must-meet criterion, the service a customer group is mandated to
    /// use, a part of a trigger (`threshold`, `for`, `within-k`,
    /// `within-n`, `min-age`, `condition`), or for the `field-…` kinds the
    /// field's path as written (`respond-within`, `report.every`,
    /// `escalate#2.after`, `phase[Pilot].end`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// The value before (null when there was none).
    pub old: Option<Scalar>,
    /// The value after (null when there is none).
    pub new: Option<Scalar>,
    /// One sentence saying what changed; ids in backticks.
    pub message: String,
}

/// A value before or after a change.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Scalar {
    Number(#[serde(serialize_with = "serial::number")] f64),
    Text(String),
}

/// The entities a comparison looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Entity {
    Service,
    Sla,
    Customer,
    Gate,
    Trigger,
    Pmo,
    Person,
    Team,
    Objective,
    Metric,
    Function,
    Improvement,
}

/// What kind of change. Whether a kind weakens a promise is fixed by the
/// kind (`weakens`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    ServiceAdded,
    ServiceRemoved,
    /// Moved to `retired`.
    ServiceRetired,
    /// Moved between two stages other than to `retired`.
    ServiceStageChanged,
    ServiceOwnerChanged,
    SlaAdded,
    SlaRemoved,
    TargetAdded,
    TargetRemoved,
    TargetTightened,
    TargetLoosened,
    /// The passing side changed (`at-least` to `at-most` or back).
    TargetChanged,
    WarnTightened,
    WarnLoosened,
    /// A customer group is now mandated to use a service.
    MandateGained,
    /// A customer group is no longer mandated to use a service.
    MandateLost,
    GateAdded,
    GateRemoved,
    ApproverAdded,
    ApproverRemoved,
    QuorumRaised,
    QuorumLowered,
    MustAdded,
    MustRemoved,
    TriggerAdded,
    TriggerRemoved,
    /// A threshold, window or `min-age` makes the trigger fire more easily.
    TriggerEasier,
    /// A threshold, window or `min-age` makes the trigger fire less easily.
    TriggerHarder,
    /// The metric or the comparison changed: a different condition.
    TriggerConditionChanged,
    /// A PMO, person, team, customer group, objective, metric or function
    /// appears.
    DeclarationAdded,
    /// A PMO, person, team, customer group, objective, metric or function
    /// goes.
    DeclarationRemoved,
    /// Any other field changed (or a value, or an entry of a block, came or
    /// went) so that a promise is weaker, by the rules of
    /// `docs/language.md`; `item` names the field.
    FieldWeakened,
    /// Any other field changed so that a promise is stronger.
    FieldStrengthened,
    /// Any other field changed, neither weaker nor stronger (a name, a
    /// description, a plan).
    FieldChanged,
}

impl ChangeKind {
    /// Whether a change of this kind weakens a promise.
    pub fn weakens(self) -> bool {
        use ChangeKind::*;
        matches!(
            self,
            SlaRemoved
                | TargetRemoved
                | TargetLoosened
                | TargetChanged
                | WarnLoosened
                | MandateLost
                | QuorumLowered
                | MustRemoved
                | TriggerRemoved
                | TriggerHarder
                | TriggerConditionChanged
                | FieldWeakened
        )
    }
}

impl Entity {
    /// The heading of the entity's changes.
    pub fn heading(self) -> &'static str {
        match self {
            Entity::Service => "Services",
            Entity::Sla => "SLAs",
            Entity::Customer => "Customer groups",
            Entity::Gate => "Gates",
            Entity::Trigger => "Triggers",
            Entity::Improvement => "Improvements",
            Entity::Pmo => "PMO",
            Entity::Person => "People",
            Entity::Team => "Teams",
            Entity::Objective => "Objectives",
            Entity::Metric => "Metrics",
            Entity::Function => "Functions",
        }
    }

    /// Every entity, in the order the changes are listed.
    pub const ALL: [Entity; 12] = [
        Entity::Service,
        Entity::Sla,
        Entity::Customer,
        Entity::Gate,
        Entity::Trigger,
        Entity::Pmo,
        Entity::Person,
        Entity::Team,
        Entity::Objective,
        Entity::Metric,
        Entity::Function,
        Entity::Improvement,
    ];

    /// The entity of a kind of declaration.
    pub fn of(kind: crate::base::EntityKind) -> Entity {
        use crate::base::EntityKind as K;
        match kind {
            K::Pmo => Entity::Pmo,
            K::Person => Entity::Person,
            K::Team => Entity::Team,
            K::Customer => Entity::Customer,
            K::Objective => Entity::Objective,
            K::Metric => Entity::Metric,
            K::Function => Entity::Function,
            K::Service => Entity::Service,
            K::Sla => Entity::Sla,
            K::Gate => Entity::Gate,
            K::Trigger => Entity::Trigger,
            K::Improvement => Entity::Improvement,
        }
    }
}

/// The comparison as pretty JSON, newline-terminated.
pub fn to_json(diff: &Diff) -> String {
    serial::pretty(diff)
}

/// The comparison's JSON Schema (2020-12), as `schemas/diff.schema.json` holds it.
pub fn schema() -> String {
    serial::schema_of::<Diff>()
}

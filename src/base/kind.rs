//! The kinds of entity the language declares, and the references between
//! them: two tables that every phase reads instead of spelling the kinds
//! out. Lowering takes the keywords from here, the checks the nouns and the
//! id namespaces, the catalog its list names and its reverse references,
//! the site its page URLs. A new kind is a row of [`KINDS`], and also its
//! model type, its line in `model::walk`, its schema block and lowering; a
//! new reference is a row of [`FIELDS`], and also its schema row, its line
//! in `model::walk` and its lowering (`lower/schema_tests.rs` holds the
//! schema, [`FIELDS`] and the walk to each other).
//!
//! This lives in `base`, the shared vocabulary, because it is plain words
//! and paths: the model, which knows nothing of KDL or of the site, holds
//! no copy of it, and neither does any later phase.

/// A kind of declared entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntityKind {
    Pmo,
    Person,
    Team,
    Customer,
    Objective,
    Metric,
    Function,
    Service,
    Sla,
    Gate,
    Trigger,
    Improvement,
}

/// Where an entity is shown on the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// A page of its own: `<folder>/<id>.html`.
    Own { folder: &'static str },
    /// An anchor on a shared page: `<file>#<prefix><id>`.
    Anchor {
        file: &'static str,
        prefix: &'static str,
    },
}

/// One row of [`KINDS`].
struct Row {
    kind: EntityKind,
    /// The node name that declares it.
    keyword: &'static str,
    /// How messages name it.
    noun: &'static str,
    /// The id namespace it shares (people and teams share `party`).
    namespace: &'static str,
    /// Its list in `catalog.json` and in templates (`catalog.services`).
    list: &'static str,
    page: Page,
}

const fn own(folder: &'static str) -> Page {
    Page::Own { folder }
}

const fn anchor(file: &'static str, prefix: &'static str) -> Page {
    Page::Anchor { file, prefix }
}

/// Every kind, one row each, in the order the language reference lists them.
#[rustfmt::skip]
const KINDS: &[Row] = &[
    Row { kind: EntityKind::Pmo, keyword: "pmo", noun: "pmo", namespace: "pmo", list: "pmo", page: anchor("index.html", "") },
    Row { kind: EntityKind::Person, keyword: "person", noun: "person", namespace: "party", list: "persons", page: anchor("people.html", "") },
    Row { kind: EntityKind::Team, keyword: "team", noun: "team", namespace: "party", list: "teams", page: anchor("people.html", "") },
    Row { kind: EntityKind::Customer, keyword: "customer", noun: "customer group", namespace: "customer group", list: "customers", page: own("customers") },
    Row { kind: EntityKind::Objective, keyword: "objective", noun: "objective", namespace: "objective", list: "objectives", page: anchor("objectives.html", "") },
    Row { kind: EntityKind::Metric, keyword: "metric", noun: "metric", namespace: "metric", list: "metrics", page: anchor("slas.html", "metric-") },
    Row { kind: EntityKind::Function, keyword: "function", noun: "function", namespace: "function", list: "functions", page: own("functions") },
    Row { kind: EntityKind::Service, keyword: "service", noun: "service", namespace: "service", list: "services", page: own("services") },
    Row { kind: EntityKind::Sla, keyword: "sla", noun: "SLA", namespace: "SLA", list: "slas", page: anchor("slas.html", "") },
    Row { kind: EntityKind::Gate, keyword: "gate", noun: "gate", namespace: "gate", list: "gates", page: own("gates") },
    Row { kind: EntityKind::Trigger, keyword: "trigger", noun: "trigger", namespace: "trigger", list: "triggers", page: anchor("triggers.html", "") },
    Row { kind: EntityKind::Improvement, keyword: "improvement", noun: "improvement", namespace: "improvement", list: "improvements", page: own("improvements") },
];

/// Whether a string obeys the id rule of section 2: `[a-z0-9][a-z0-9-]*`,
/// at most 63 characters (lowering reports `invalid-id` by it; the language
/// server checks a new name by it).
pub fn is_valid_id(id: &str) -> bool {
    let b = id.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b.iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
}

impl EntityKind {
    /// Every kind, in table order.
    pub const ALL: [EntityKind; 12] = [
        EntityKind::Pmo,
        EntityKind::Person,
        EntityKind::Team,
        EntityKind::Customer,
        EntityKind::Objective,
        EntityKind::Metric,
        EntityKind::Function,
        EntityKind::Service,
        EntityKind::Sla,
        EntityKind::Gate,
        EntityKind::Trigger,
        EntityKind::Improvement,
    ];

    fn row(self) -> &'static Row {
        &KINDS[self as usize]
    }

    /// The node name that declares it (`service`).
    pub fn keyword(self) -> &'static str {
        self.row().keyword
    }

    /// How messages name it (`customer group`).
    pub fn noun(self) -> &'static str {
        self.row().noun
    }

    /// The id namespace it belongs to: two kinds with the same namespace
    /// may not share an id.
    pub fn namespace(self) -> &'static str {
        self.row().namespace
    }

    /// Its list in `catalog.json` and templates (`services`).
    pub fn list(self) -> &'static str {
        self.row().list
    }

    pub fn page(self) -> Page {
        self.row().page
    }

    /// The URL of an entity's page or anchor, relative to the site's top.
    pub fn url(self, id: &str) -> String {
        match self.page() {
            Page::Own { folder } => format!("{folder}/{id}.html"),
            Page::Anchor { file, prefix } => format!("{file}#{prefix}{id}"),
        }
    }

    /// The kind a top-level node declares.
    pub fn from_keyword(word: &str) -> Option<EntityKind> {
        KINDS.iter().find(|r| r.keyword == word).map(|r| r.kind)
    }

    /// The kinds declared at the top level of a file (SLAs are declared
    /// inside their service).
    pub fn top_level() -> impl Iterator<Item = EntityKind> {
        EntityKind::ALL
            .into_iter()
            .filter(|k| *k != EntityKind::Sla)
    }
}

impl std::fmt::Display for EntityKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.noun())
    }
}

/// What a reference accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Expect {
    Kind(EntityKind),
    /// A person or a team.
    Party,
}

impl Expect {
    pub fn accepts(self, kind: EntityKind) -> bool {
        match self {
            Expect::Kind(k) => k == kind,
            Expect::Party => matches!(kind, EntityKind::Person | EntityKind::Team),
        }
    }

    /// The kinds it accepts.
    pub fn kinds(self) -> &'static [EntityKind] {
        match self {
            Expect::Party => &[EntityKind::Person, EntityKind::Team],
            Expect::Kind(k) => &EntityKind::ALL[k as usize..=k as usize],
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            Expect::Kind(k) => k.noun(),
            Expect::Party => "person or team",
        }
    }
}

/// A field that refers to another entity by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    PmoSponsor,
    PmoHead,
    TeamMember,
    ObjectiveOwner,
    FunctionLead,
    ServiceFunction,
    ServiceOwner,
    ServiceOffer,
    ServiceObjectives,
    ServiceDependsOn,
    ServiceReplaces,
    ServiceKpis,
    ServiceSponsor,
    SlaCustomers,
    SlaTarget,
    SlaReportTo,
    SlaEscalateTo,
    PilotGroups,
    PilotExitGate,
    PhaseGroups,
    AdoptionTarget,
    RolloutChampion,
    ChampionGroups,
    CommunicateTo,
    TrainGroups,
    FeedbackMetric,
    FeedbackTo,
    TransformSuccessor,
    RetirementDecidedAt,
    RetirementReplacedBy,
    DecisionGate,
    DecisionBy,
    DecisionPresent,
    ServiceEffort,
    GateApprovers,
    AppliesToFunction,
    AppliesToService,
    TriggerWhen,
    TriggerGate,
    TriggerNotify,
    ImprovementService,
    ImprovementAnswers,
    ImprovementOwner,
    ImprovementExpect,
}

/// One row of [`FIELDS`].
pub struct FieldRow {
    pub field: Field,
    /// The declaration that holds it.
    pub from: EntityKind,
    /// Where it is written, from the declaration: `pilot exit-gate`,
    /// `owner`, `applies-to function=`.
    pub path: &'static str,
    pub to: Expect,
}

const fn kind(k: EntityKind) -> Expect {
    Expect::Kind(k)
}

/// Every reference between kinds, one row each, in field order.
#[rustfmt::skip]
pub const FIELDS: &[FieldRow] = {
    use EntityKind::*;
    use Field::*;
    const PARTY: Expect = Expect::Party;
    &[
        FieldRow { field: PmoSponsor, from: Pmo, path: "sponsor", to: PARTY },
        FieldRow { field: PmoHead, from: Pmo, path: "head", to: PARTY },
        FieldRow { field: TeamMember, from: Team, path: "member", to: kind(Person) },
        FieldRow { field: ObjectiveOwner, from: Objective, path: "owner=", to: PARTY },
        FieldRow { field: FunctionLead, from: Function, path: "lead", to: PARTY },
        FieldRow { field: ServiceFunction, from: Service, path: "function", to: kind(Function) },
        FieldRow { field: ServiceOwner, from: Service, path: "owner", to: kind(Person) },
        FieldRow { field: ServiceOffer, from: Service, path: "offer", to: kind(Customer) },
        FieldRow { field: ServiceObjectives, from: Service, path: "objectives", to: kind(Objective) },
        FieldRow { field: ServiceDependsOn, from: Service, path: "depends-on", to: kind(Service) },
        FieldRow { field: ServiceReplaces, from: Service, path: "replaces", to: kind(Service) },
        FieldRow { field: ServiceKpis, from: Service, path: "kpis", to: kind(Metric) },
        FieldRow { field: ServiceSponsor, from: Service, path: "sponsor", to: PARTY },
        FieldRow { field: SlaCustomers, from: Sla, path: "customers", to: kind(Customer) },
        FieldRow { field: SlaTarget, from: Sla, path: "target", to: kind(Metric) },
        FieldRow { field: SlaReportTo, from: Sla, path: "report to=", to: PARTY },
        FieldRow { field: SlaEscalateTo, from: Sla, path: "escalate to=", to: PARTY },
        FieldRow { field: PilotGroups, from: Service, path: "pilot groups", to: kind(Customer) },
        FieldRow { field: PilotExitGate, from: Service, path: "pilot exit-gate", to: kind(Gate) },
        FieldRow { field: PhaseGroups, from: Service, path: "rollout phase groups=", to: kind(Customer) },
        FieldRow { field: AdoptionTarget, from: Service, path: "rollout adoption-target", to: kind(Metric) },
        FieldRow { field: RolloutChampion, from: Service, path: "rollout champion", to: PARTY },
        FieldRow { field: ChampionGroups, from: Service, path: "rollout champion groups=", to: kind(Customer) },
        FieldRow { field: CommunicateTo, from: Service, path: "rollout communicate to=", to: kind(Customer) },
        FieldRow { field: TrainGroups, from: Service, path: "rollout train groups=", to: kind(Customer) },
        FieldRow { field: FeedbackMetric, from: Service, path: "rollout feedback metric=", to: kind(Metric) },
        FieldRow { field: FeedbackTo, from: Service, path: "rollout feedback to=", to: PARTY },
        FieldRow { field: TransformSuccessor, from: Service, path: "transform successor", to: kind(Service) },
        FieldRow { field: RetirementDecidedAt, from: Service, path: "retirement decided-at", to: kind(Gate) },
        FieldRow { field: RetirementReplacedBy, from: Service, path: "retirement replaced-by", to: kind(Service) },
        FieldRow { field: DecisionGate, from: Service, path: "decision", to: kind(Gate) },
        FieldRow { field: DecisionBy, from: Service, path: "decision by=", to: PARTY },
        FieldRow { field: DecisionPresent, from: Service, path: "decision present", to: kind(Person) },
        FieldRow { field: ServiceEffort, from: Service, path: "effort", to: PARTY },
        FieldRow { field: GateApprovers, from: Gate, path: "approvers", to: PARTY },
        FieldRow { field: AppliesToFunction, from: Trigger, path: "applies-to function=", to: kind(Function) },
        FieldRow { field: AppliesToService, from: Trigger, path: "applies-to service=", to: kind(Service) },
        FieldRow { field: TriggerWhen, from: Trigger, path: "when", to: kind(Metric) },
        FieldRow { field: TriggerGate, from: Trigger, path: "gate", to: kind(Gate) },
        FieldRow { field: TriggerNotify, from: Trigger, path: "notify", to: PARTY },
        FieldRow { field: ImprovementService, from: Improvement, path: "service", to: kind(Service) },
        FieldRow { field: ImprovementAnswers, from: Improvement, path: "answers", to: kind(Trigger) },
        FieldRow { field: ImprovementOwner, from: Improvement, path: "owner", to: kind(Person) },
        FieldRow { field: ImprovementExpect, from: Improvement, path: "expect", to: kind(Metric) },
    ]
};

impl Field {
    pub fn row(self) -> &'static FieldRow {
        &FIELDS[self as usize]
    }

    /// What the field accepts.
    pub fn expects(self) -> Expect {
        self.row().to
    }

    /// The kind of declaration that holds it.
    pub fn from(self) -> EntityKind {
        self.row().from
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tables are indexed by their enums: their rows must be in order.
    #[test]
    fn tables_are_in_enum_order() {
        for (i, kind) in EntityKind::ALL.iter().enumerate() {
            assert_eq!(KINDS[i].kind, *kind);
            assert_eq!(EntityKind::from_keyword(kind.keyword()), Some(*kind));
        }
        assert_eq!(KINDS.len(), EntityKind::ALL.len());
        for (i, row) in FIELDS.iter().enumerate() {
            assert_eq!(row.field as usize, i, "{:?}", row.field);
        }
    }

    #[test]
    fn urls() {
        assert_eq!(EntityKind::Service.url("x"), "services/x.html");
        assert_eq!(EntityKind::Metric.url("x"), "slas.html#metric-x");
        assert_eq!(EntityKind::Team.url("x"), "people.html#x");
    }
}

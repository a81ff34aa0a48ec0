//! The comparison's rule table: for every field of every block of the
//! language's schema ([`crate::model::schema::BLOCKS`]), keyed by (block
//! path, field name), where the catalog holds it and how a change of it is
//! judged (a weakened promise, a strengthened one, or neither). The tests
//! below walk the schema and fail on a field without a rule, and change
//! each field of a built catalog in turn to prove the change is reported.
//! `docs/language.md` (*pmoc diff*) prints the same table in words.

/// How one field is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// By a comparison of its own, with kinds of its own (`changes`,
    /// `trigger`): stages, owners, offers and mandates, SLA targets,
    /// approvers, quorum, must-meet criteria, trigger conditions, `min-age`,
    /// and which services, SLAs, gates and triggers come and go.
    Own,
    /// The key its block's entries are matched by (an id, a name): a change
    /// shows as one entry removed and one added.
    Key,
    /// A value, or a list of values, judged by an [`Order`].
    Value(Order),
    /// A child block, its entries matched as [`Match`] says; an entry
    /// removed is judged by [`Removal`], and the added one the other way.
    Block(Match, Removal),
    /// Part of its block's whole value (a trigger's selector): a change
    /// removes the old entry and adds the new one.
    Part,
    /// Not in the catalogue: a setting of the build (where the site goes,
    /// which files are read, lint levels), not a promise; each side's
    /// as-of is shown with the side.
    Setting,
}

/// How the entries of a child block are matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// One optional object.
    One,
    /// The block's fields sit in its parent's object (`hours` and `tz` in
    /// the SLA, `title` and `base-url` in the PMO).
    Flat,
    /// A list matched by the values of these keys.
    By(&'static [&'static str]),
    /// A list matched by position (escalations, in source order).
    Position,
    /// A list of whole values (a trigger's selectors).
    Whole,
}

/// What the removal of an entry (or of one of a list's values) means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    /// Reported by a comparison of its own ([`How::Own`]).
    Own,
    /// Weakens a promise (an escalation, a covered group, a selector).
    Weakens,
    /// Neither weakens nor strengthens.
    Neutral,
    /// Strengthens a promise: its addition weakens one (an improvement's
    /// `dropped`).
    Strengthens,
}

/// How a value's change is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Reported, neither weaker nor stronger (names, descriptions, plans).
    Neutral,
    /// Its direction cannot be told, so it needs attention (a metric's
    /// unit, an SLA's calendar, who an escalation goes to).
    Unknown,
    /// A duration: shorter is stronger; none at all is the weakest.
    Shorter,
    /// A period (`month` < `quarter` < `year`): shorter is stronger.
    Period,
    /// A date that a promise must be kept by: earlier is stronger; none at
    /// all is the weakest (`review-by`, an adoption target's `by`).
    Earlier,
    /// A date a promise ends on: later is stronger, none at all strongest
    /// (`ends`).
    Later,
    /// A capacity (`fte`): larger is stronger; none at all (capacity
    /// unknown) is the weakest.
    Larger,
    /// A count a promise stays within: fewer is stronger; none at all is
    /// the weakest (`change-capacity`).
    Fewer,
    /// Service hours: wider is stronger; neither wider nor narrower needs
    /// attention.
    Hours,
    /// A threshold (`at-least`/`at-most`): raised or lowered towards its
    /// failing side is stronger; a changed side needs attention.
    Threshold,
    /// A list of values: one removed is judged by [`Removal`], one added
    /// the other way.
    Set(Removal),
    /// An optional reference: none is the weakest, another one needs
    /// attention (a trigger's gate).
    Present,
    /// A service's `criticality`: lowered is weaker; given or removed is
    /// neither.
    Criticality,
    /// A service's `lead-time`, free text: longer is weaker, where both
    /// sides read as a number and a unit (`5 working days`, `2 weeks`);
    /// otherwise, and given or removed, neither.
    LeadTime,
}

/// One rule: the field `field` of the block at `block` (`[]` is the top of
/// a file, whose fields are the declarations), held under `key` in the
/// block's object of the catalog.
#[derive(Debug)]
pub struct Rule {
    pub block: &'static [&'static str],
    pub field: &'static str,
    pub key: &'static str,
    pub how: How,
}

const fn rule(
    block: &'static [&'static str],
    field: &'static str,
    key: &'static str,
    how: How,
) -> Rule {
    Rule {
        block,
        field,
        key,
        how,
    }
}

/// The rule for a field, if it has one.
pub fn find(block: &[&str], field: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.block == block && r.field == field)
}

/// Every rule, in the order of the language reference.
pub const RULES: &[Rule] = {
    use How::*;
    use Order::*;
    const BY_ID: Match = Match::By(&["id"]);
    const TOP: &[&str] = &[];
    const PMO: &[&str] = &["pmo"];
    const SERVICE: &[&str] = &["service"];
    const SLA: &[&str] = &["service", "sla"];
    const TARGET: &[&str] = &["service", "sla", "target"];
    const ROLLOUT: &[&str] = &["service", "rollout"];
    const DECISION: &[&str] = &["service", "decision"];
    const CASE: &[&str] = &["service", "case"];
    const GATE: &[&str] = &["gate"];
    const TRIGGER: &[&str] = &["trigger"];
    const WHEN: &[&str] = &["trigger", "when"];
    const IMPROVEMENT: &[&str] = &["improvement"];
    const EXPECT: &[&str] = &["improvement", "expect"];
    const N: How = Value(Neutral);
    &[
        // The declarations of a file, by id.
        rule(TOP, "pmo", "pmo", Block(Match::One, Removal::Neutral)),
        rule(TOP, "person", "persons", Block(BY_ID, Removal::Neutral)),
        rule(TOP, "team", "teams", Block(BY_ID, Removal::Neutral)),
        rule(TOP, "customer", "customers", Block(BY_ID, Removal::Neutral)),
        rule(
            TOP,
            "objective",
            "objectives",
            Block(BY_ID, Removal::Neutral),
        ),
        rule(TOP, "metric", "metrics", Block(BY_ID, Removal::Neutral)),
        rule(TOP, "function", "functions", Block(BY_ID, Removal::Neutral)),
        rule(TOP, "service", "services", Block(BY_ID, Removal::Own)),
        rule(TOP, "gate", "gates", Block(BY_ID, Removal::Own)),
        rule(TOP, "trigger", "triggers", Block(BY_ID, Removal::Own)),
        rule(
            TOP,
            "improvement",
            "improvements",
            Block(BY_ID, Removal::Weakens),
        ),
        rule(PMO, "id", "id", Key),
        rule(PMO, "name", "name", N),
        rule(PMO, "mandate", "mandate", N),
        rule(PMO, "sponsor", "sponsor", N),
        rule(PMO, "head", "head", N),
        rule(PMO, "structure", "structure", N),
        rule(PMO, "as-of", "as_of", Setting),
        rule(PMO, "site", "", Block(Match::Flat, Removal::Neutral)),
        rule(PMO, "output", "output", Setting),
        rule(PMO, "exclude", "exclude", Setting),
        rule(PMO, "lints", "lints", Setting),
        rule(&["pmo", "site"], "title", "title", N),
        rule(&["pmo", "site"], "base-url", "base_url", N),
        rule(&["pmo", "lints"], "deny", "deny", Setting),
        rule(&["pmo", "lints"], "warn", "warn", Setting),
        rule(&["pmo", "lints"], "allow", "allow", Setting),
        rule(&["person"], "id", "id", Key),
        rule(&["person"], "name", "name", N),
        rule(&["person"], "email", "email", N),
        rule(&["person"], "title", "title", N),
        rule(&["person"], "fte", "fte", Value(Larger)),
        rule(&["team"], "id", "id", Key),
        rule(&["team"], "name", "name", N),
        rule(&["team"], "member", "members", Value(Set(Removal::Neutral))),
        rule(&["team"], "fte", "fte", Value(Larger)),
        rule(&["customer"], "id", "id", Key),
        rule(&["customer"], "name", "name", N),
        rule(&["customer"], "size", "size", N),
        rule(
            &["customer"],
            "change-capacity",
            "change_capacity",
            Value(Fewer),
        ),
        rule(&["objective"], "id", "id", Key),
        rule(&["objective"], "title", "title", N),
        rule(&["objective"], "owner", "owner", N),
        rule(&["objective"], "period", "period", N),
        rule(&["objective"], "priority", "priority", N),
        rule(&["objective"], "from", "from", N),
        // Extended (or removed: open-ended) is weaker.
        rule(&["objective"], "until", "until", Value(Earlier)),
        rule(&["metric"], "id", "id", Key),
        rule(&["metric"], "name", "name", N),
        rule(&["metric"], "unit", "unit", Value(Unknown)),
        rule(&["metric"], "direction", "direction", Value(Unknown)),
        rule(&["metric"], "cadence", "cadence", Value(Unknown)),
        rule(&["function"], "id", "id", Key),
        rule(&["function"], "name", "name", N),
        rule(&["function"], "description", "description", N),
        rule(
            &["function"],
            "levels",
            "levels",
            Value(Set(Removal::Neutral)),
        ),
        rule(&["function"], "lead", "lead", N),
        rule(SERVICE, "id", "id", Key),
        rule(SERVICE, "name", "name", N),
        rule(SERVICE, "function", "function", N),
        rule(SERVICE, "description", "description", N),
        rule(SERVICE, "stage", "stage", Own),
        rule(
            SERVICE,
            "plan",
            "plans",
            Block(Match::By(&["stage"]), Removal::Weakens),
        ),
        rule(SERVICE, "owner", "owner", Own),
        rule(SERVICE, "level", "level", N),
        rule(SERVICE, "offer", "offers", Own),
        rule(
            SERVICE,
            "objectives",
            "objectives",
            Value(Set(Removal::Neutral)),
        ),
        rule(
            SERVICE,
            "depends-on",
            "depends_on",
            Value(Set(Removal::Neutral)),
        ),
        rule(
            SERVICE,
            "replaces",
            "replaces",
            Value(Set(Removal::Neutral)),
        ),
        rule(SERVICE, "kpis", "kpis", Value(Set(Removal::Neutral))),
        rule(SERVICE, "channel", "channel", N),
        // The card (language 1.1, section 8): a benefit, an included item
        // or an output removed is weaker, an exclusion added is weaker.
        rule(SERVICE, "problem", "problem", N),
        rule(
            SERVICE,
            "benefits",
            "benefits",
            Value(Set(Removal::Weakens)),
        ),
        rule(
            SERVICE,
            "includes",
            "includes",
            Value(Set(Removal::Weakens)),
        ),
        rule(
            SERVICE,
            "excludes",
            "excludes",
            Value(Set(Removal::Strengthens)),
        ),
        rule(SERVICE, "inputs", "inputs", Value(Set(Removal::Neutral))),
        rule(SERVICE, "outputs", "outputs", Value(Set(Removal::Weakens))),
        rule(SERVICE, "lead-time", "lead_time", Value(LeadTime)),
        rule(SERVICE, "criticality", "criticality", Value(Criticality)),
        rule(SERVICE, "sponsor", "sponsor", N),
        rule(
            SERVICE,
            "link",
            "links",
            Block(Match::By(&["url"]), Removal::Neutral),
        ),
        rule(SERVICE, "case", "case", Block(Match::One, Removal::Neutral)),
        rule(&["service", "link"], "url", "url", Key),
        rule(&["service", "link"], "title", "title", N),
        rule(CASE, "benefit", "benefits", Value(Set(Removal::Weakens))),
        rule(CASE, "cost", "costs", Value(Set(Removal::Neutral))),
        rule(CASE, "option", "options", Value(Set(Removal::Neutral))),
        rule(CASE, "recommendation", "recommendation", N),
        rule(SERVICE, "sla", "slas", Block(BY_ID, Removal::Own)),
        rule(
            SERVICE,
            "pilot",
            "pilot",
            Block(Match::One, Removal::Neutral),
        ),
        rule(
            SERVICE,
            "rollout",
            "rollout",
            Block(Match::One, Removal::Neutral),
        ),
        rule(
            SERVICE,
            "transform",
            "transform",
            Block(Match::One, Removal::Neutral),
        ),
        rule(
            SERVICE,
            "retirement",
            "retirement",
            Block(Match::One, Removal::Neutral),
        ),
        rule(
            SERVICE,
            "decision",
            "decisions",
            Block(Match::By(&["gate", "date"]), Removal::Neutral),
        ),
        rule(
            SERVICE,
            "effort",
            "efforts",
            Block(Match::By(&["party", "stage"]), Removal::Neutral),
        ),
        rule(&["service", "effort"], "party", "party", Key),
        rule(&["service", "effort"], "stage", "stage", Key),
        // Raised past capacity is weaker: judged on the catalog's
        // `capacity` (`changes::capacity`), not on the number alone.
        rule(&["service", "effort"], "fte", "fte", N),
        rule(&["service", "plan"], "stage", "stage", Key),
        // Moved later (or removed) is weaker.
        rule(&["service", "plan"], "by", "by", Value(Earlier)),
        rule(&["service", "offer"], "customers", "customer", Own),
        rule(&["service", "offer"], "level", "level", Own),
        rule(SLA, "id", "id", Key),
        rule(SLA, "customers", "customers", Value(Set(Removal::Weakens))),
        rule(SLA, "period", "period", Value(Period)),
        rule(SLA, "calendar", "calendar", Value(Unknown)),
        rule(SLA, "hours", "", Block(Match::Flat, Removal::Neutral)),
        rule(SLA, "target", "targets", Own),
        rule(SLA, "respond-within", "respond_within", Value(Shorter)),
        rule(SLA, "report", "report", Block(Match::One, Removal::Weakens)),
        rule(
            SLA,
            "escalate",
            "escalations",
            Block(Match::Position, Removal::Weakens),
        ),
        // An allowance raised, or removed, is weaker.
        rule(SLA, "budget", "budget", Block(Match::One, Removal::Weakens)),
        rule(SLA, "review-by", "review_by", Value(Earlier)),
        // Moved later the promise holds from later; its direction as a
        // whole (earlier periods judged) needs attention.
        rule(SLA, "starts", "starts", Value(Unknown)),
        rule(SLA, "ends", "ends", Value(Later)),
        rule(
            &["service", "sla", "budget"],
            "breaches",
            "breaches",
            Value(Fewer),
        ),
        rule(&["service", "sla", "budget"], "per", "per", Value(Neutral)),
        rule(&["service", "sla", "hours"], "hours", "hours", Value(Hours)),
        rule(&["service", "sla", "hours"], "tz", "tz", Value(Unknown)),
        rule(TARGET, "metric", "metric", Own),
        rule(TARGET, "at-least", "threshold", Own),
        rule(TARGET, "at-most", "threshold", Own),
        rule(TARGET, "warn", "warn", Own),
        rule(
            &["service", "sla", "report"],
            "every",
            "every",
            Value(Period),
        ),
        rule(&["service", "sla", "report"], "to", "to", Value(Unknown)),
        rule(
            &["service", "sla", "escalate"],
            "after",
            "after",
            Value(Shorter),
        ),
        rule(&["service", "sla", "escalate"], "to", "to", Value(Unknown)),
        rule(&["service", "pilot"], "scope", "scope", N),
        rule(
            &["service", "pilot"],
            "groups",
            "groups",
            Value(Set(Removal::Neutral)),
        ),
        rule(&["service", "pilot"], "start", "start", N),
        rule(&["service", "pilot"], "review", "review", N),
        rule(&["service", "pilot"], "success", "success", N),
        rule(&["service", "pilot"], "exit-gate", "exit_gate", N),
        rule(
            ROLLOUT,
            "phase",
            "phases",
            Block(Match::By(&["name"]), Removal::Neutral),
        ),
        rule(
            ROLLOUT,
            "adoption-target",
            "adoption_target",
            Block(Match::One, Removal::Weakens),
        ),
        // The onboarding plan: a communication, a training or the
        // feedback loop removed weakens the promise to the groups; a date
        // moved later too. A champion comes and goes neutrally, as
        // version 1's one champion did.
        rule(
            ROLLOUT,
            "champion",
            "champions",
            Block(Match::By(&["party"]), Removal::Neutral),
        ),
        rule(
            ROLLOUT,
            "communicate",
            "communications",
            Block(Match::By(&["message"]), Removal::Weakens),
        ),
        rule(
            ROLLOUT,
            "train",
            "trainings",
            Block(Match::By(&["training"]), Removal::Weakens),
        ),
        rule(
            ROLLOUT,
            "feedback",
            "feedback",
            Block(Match::One, Removal::Weakens),
        ),
        rule(&["service", "rollout", "champion"], "party", "party", Key),
        rule(
            &["service", "rollout", "champion"],
            "groups",
            "groups",
            Value(Set(Removal::Neutral)),
        ),
        rule(
            &["service", "rollout", "communicate"],
            "message",
            "message",
            Key,
        ),
        rule(
            &["service", "rollout", "communicate"],
            "to",
            "to",
            Value(Unknown),
        ),
        rule(
            &["service", "rollout", "communicate"],
            "on",
            "on",
            Value(Earlier),
        ),
        rule(
            &["service", "rollout", "communicate"],
            "channel",
            "channel",
            N,
        ),
        rule(
            &["service", "rollout", "train"],
            "training",
            "training",
            Key,
        ),
        rule(
            &["service", "rollout", "train"],
            "groups",
            "groups",
            Value(Set(Removal::Weakens)),
        ),
        rule(&["service", "rollout", "train"], "by", "by", Value(Earlier)),
        rule(
            &["service", "rollout", "feedback"],
            "every",
            "every",
            Value(Period),
        ),
        rule(
            &["service", "rollout", "feedback"],
            "metric",
            "metric",
            Value(Unknown),
        ),
        rule(
            &["service", "rollout", "feedback"],
            "to",
            "to",
            Value(Unknown),
        ),
        rule(&["service", "rollout", "phase"], "name", "name", Key),
        rule(&["service", "rollout", "phase"], "start", "start", N),
        rule(&["service", "rollout", "phase"], "end", "end", N),
        rule(
            &["service", "rollout", "phase"],
            "groups",
            "groups",
            Value(Set(Removal::Neutral)),
        ),
        rule(
            &["service", "rollout", "adoption-target"],
            "metric",
            "metric",
            Value(Unknown),
        ),
        rule(
            &["service", "rollout", "adoption-target"],
            "at-least",
            "threshold",
            Value(Threshold),
        ),
        rule(
            &["service", "rollout", "adoption-target"],
            "at-most",
            "threshold",
            Value(Threshold),
        ),
        rule(
            &["service", "rollout", "adoption-target"],
            "by",
            "by",
            Value(Earlier),
        ),
        // The baseline carries the target's side in the catalog: raised
        // for `at-least` (lowered for `at-most`) the plan's line asks more
        // at every date before `by`, so it is stronger; the other way, or
        // removed back to the default 0, weaker.
        rule(
            &["service", "rollout", "adoption-target"],
            "from",
            "baseline",
            Value(Threshold),
        ),
        rule(&["service", "transform"], "changes", "changes", N),
        rule(&["service", "transform"], "target-date", "target_date", N),
        rule(&["service", "transform"], "successor", "successor", N),
        rule(&["service", "retirement"], "date", "date", N),
        rule(&["service", "retirement"], "reason", "reason", N),
        rule(&["service", "retirement"], "decided-at", "decided_at", N),
        rule(&["service", "retirement"], "replaced-by", "replaced_by", N),
        rule(DECISION, "gate", "gate", Key),
        rule(DECISION, "outcome", "outcome", N),
        rule(DECISION, "date", "date", Key),
        rule(DECISION, "by", "by", N),
        rule(DECISION, "present", "present", Value(Set(Removal::Neutral))),
        rule(DECISION, "rationale", "rationale", N),
        rule(DECISION, "revisit", "revisit", Value(Earlier)),
        rule(GATE, "id", "id", Key),
        rule(GATE, "name", "name", N),
        rule(GATE, "from", "from", N),
        rule(GATE, "to", "to", Value(Set(Removal::Neutral))),
        rule(GATE, "approvers", "approvers", Own),
        rule(GATE, "quorum", "quorum", Own),
        rule(GATE, "must", "must", Own),
        rule(
            GATE,
            "should",
            "should",
            Block(Match::By(&["text"]), Removal::Neutral),
        ),
        rule(
            GATE,
            "deliverable",
            "deliverables",
            Value(Set(Removal::Weakens)),
        ),
        rule(GATE, "decide-within", "decide_within", Value(Shorter)),
        // A requirement dropped lets services through with less.
        rule(GATE, "requires", "requires", Value(Set(Removal::Weakens))),
        rule(&["gate", "should"], "criterion", "text", Key),
        rule(&["gate", "should"], "weight", "weight", N),
        rule(TRIGGER, "id", "id", Key),
        rule(
            TRIGGER,
            "applies-to",
            "applies_to",
            Block(Match::Whole, Removal::Weakens),
        ),
        rule(TRIGGER, "when", "when", Own),
        rule(TRIGGER, "min-age", "min_age", Own),
        rule(TRIGGER, "action", "action", Value(Unknown)),
        rule(TRIGGER, "gate", "gate", Value(Present)),
        rule(TRIGGER, "notify", "notify", Value(Set(Removal::Weakens))),
        rule(&["trigger", "applies-to"], "stage", "stage", Part),
        rule(&["trigger", "applies-to"], "function", "function", Part),
        rule(&["trigger", "applies-to"], "service", "service", Part),
        rule(WHEN, "metric", "metric", Own),
        rule(WHEN, "below", "value", Own),
        rule(WHEN, "above", "value", Own),
        rule(WHEN, "at-most", "value", Own),
        rule(WHEN, "at-least", "value", Own),
        rule(WHEN, "falling", "trend_periods", Own),
        rule(WHEN, "rising", "trend_periods", Own),
        rule(WHEN, "for", "periods", Own),
        rule(WHEN, "within", "within_k", Own),
        rule(IMPROVEMENT, "id", "id", Key),
        rule(IMPROVEMENT, "title", "title", N),
        rule(IMPROVEMENT, "service", "service", N),
        rule(
            IMPROVEMENT,
            "answers",
            "answers",
            Value(Set(Removal::Neutral)),
        ),
        rule(IMPROVEMENT, "owner", "owner", N),
        rule(IMPROVEMENT, "due", "due", Value(Earlier)),
        rule(IMPROVEMENT, "done", "done", N),
        rule(
            IMPROVEMENT,
            "dropped",
            "dropped",
            Block(Match::One, Removal::Strengthens),
        ),
        rule(
            IMPROVEMENT,
            "expect",
            "expect",
            Block(Match::One, Removal::Weakens),
        ),
        rule(&["improvement", "dropped"], "date", "date", N),
        rule(&["improvement", "dropped"], "reason", "reason", N),
        rule(EXPECT, "metric", "metric", Value(Unknown)),
        rule(EXPECT, "at-least", "threshold", Value(Threshold)),
        rule(EXPECT, "at-most", "threshold", Value(Threshold)),
        rule(EXPECT, "by", "by", Value(Earlier)),
    ]
};

/// The catalog's keys that no rule names, by block: what follows from the
/// fields (a person's teams, a service's dependents), judgements of the
/// observations, where an entry sits, and what a comparison of its own
/// reads beside its rule's key (a condition's comparison and N). The
/// tests hold every other key of the catalog to a rule.
pub const DERIVED: &[(&[&str], &[&str])] = &[
    (
        &[],
        &["schema_version", "as_of", "stages", "capacity", "observed"],
    ),
    (&["person"], &["teams", "owns", "leads"]),
    (&["team"], &["approves"]),
    (
        &["customer"],
        &["entitlements", "change_load", "change_saturated", "coming"],
    ),
    (&["objective"], &["services"]),
    (&["metric"], &["kpi_of", "slas", "triggers"]),
    (&["function"], &["services"]),
    (
        &["service"],
        &[
            "dependents",
            "replaced_by",
            "triggers",
            "adoption",
            "kpi_values",
        ],
    ),
    (&["service", "plan"], &["reached", "slipped"]),
    (&["service", "rollout"], &["champion"]),
    (&["service", "rollout", "phase"], &["onboarding_missing"]),
    (&["service", "rollout", "adoption-target"], &["plan_start"]),
    (&["service", "sla"], &["ended", "allowance"]),
    (&["service", "sla", "target"], &["attainment"]),
    (&["service", "decision"], &["service"]),
    (
        &["gate"],
        &["decisions", "triggers", "decisions_due", "lacking"],
    ),
    (&["trigger"], &["services", "evaluation"]),
    (&["improvement"], &["state", "overdue", "effect"]),
    (
        &["trigger", "when"],
        &["comparison", "within_n", "kind", "trend"],
    ),
];

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::diff::view::CatalogView;
    use crate::model::schema::{BLOCKS, Block, Item};

    fn items(b: &Block) -> impl Iterator<Item = &Item> {
        b.args.iter().chain(b.properties).chain(b.children)
    }

    /// A field the schema gains without a rule here fails this test: the
    /// comparison would pass its changes by.
    #[test]
    fn every_field_of_the_schema_has_a_rule() {
        for b in BLOCKS {
            if let [keyword] = b.path {
                let top = find(&[], keyword);
                assert!(
                    top.is_some_and(|r| matches!(r.how, How::Block(..))),
                    "no rule for the declaration `{keyword}`"
                );
            }
            for item in items(b) {
                let rule = find(b.path, item.name);
                let Some(rule) = rule else {
                    panic!("no diff rule for `{}` in {:?}", item.name, b.path);
                };
                if item.value.is_none() {
                    assert!(
                        !matches!(rule.how, How::Value(_) | How::Key | How::Part),
                        "the block `{}` in {:?} is compared as a value",
                        item.name,
                        b.path
                    );
                }
            }
        }
        // And no rule for a field the schema lacks.
        for r in RULES {
            let known = match r.block {
                [] => crate::model::schema::top(r.field).is_some(),
                path => crate::model::schema::block(path)
                    .is_some_and(|b| items(b).any(|i| i.name == r.field)),
            };
            assert!(
                known,
                "a rule for an unknown field {:?} {}",
                r.block, r.field
            );
        }
    }

    /// The objects of `path`'s block in a catalog, as JSON pointers.
    fn instances(catalog: &Value, path: &[&str]) -> Vec<String> {
        let Some((last, parent)) = path.split_last() else {
            return vec![String::new()];
        };
        let rule = find(parent, last).expect("a rule");
        let many = match parent {
            [] => true,
            _ => crate::model::schema::block(parent)
                .and_then(|b| b.child(last))
                .is_some_and(|i| i.many),
        };
        let m = match rule.how {
            How::Block(m, _) => m,
            _ if many => Match::Position,
            _ => Match::One,
        };
        let m = if parent.is_empty() && *last == "pmo" {
            Match::One
        } else {
            m
        };
        let mut out = Vec::new();
        for p in instances(catalog, parent) {
            if m == Match::Flat {
                out.push(p);
                continue;
            }
            let at = format!("{p}/{}", rule.key);
            match catalog.pointer(&at) {
                Some(Value::Array(list)) => {
                    out.extend((0..list.len()).map(|i| format!("{at}/{i}")));
                }
                Some(Value::Object(_)) => out.push(at),
                _ => {}
            }
        }
        out
    }

    /// Changed values to try, in turn, for a value.
    fn mutations(v: &Value) -> Vec<Value> {
        match v {
            Value::String(s) => vec![json!(format!("{s}x"))],
            Value::Number(n) => vec![json!(n.as_f64().unwrap_or(0.0) + 1.0)],
            Value::Bool(b) => vec![json!(!b)],
            Value::Array(list) if !list.is_empty() => {
                vec![Value::Array(list[..list.len() - 1].to_vec())]
            }
            Value::Array(_) => vec![json!(["x"]), json!([1])],
            Value::Object(map) => map
                .iter()
                .flat_map(|(k, v)| {
                    mutations(v).into_iter().map(move |m| {
                        let mut map = map.clone();
                        map.insert(k.clone(), m);
                        Value::Object(map)
                    })
                })
                .collect(),
            Value::Null => vec![
                json!("x"),
                json!(1),
                json!({"kind": "at-least", "value": 1}),
            ],
        }
    }

    fn example() -> Value {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme");
        let compiled =
            crate::compile::compile(&root, &crate::compile::Options::default()).expect("compiles");
        let built = crate::catalog::build(&compiled.index(), &compiled.evaluation);
        CatalogView::of(&built).json
    }

    /// The keys of a block's objects that its rules read (a flat child's
    /// included).
    fn keys_read(path: &[&str]) -> Vec<&'static str> {
        let mut keys = Vec::new();
        for r in RULES.iter().filter(|r| r.block == path) {
            match r.how {
                How::Block(Match::Flat, _) => {
                    let mut child = path.to_vec();
                    child.push(r.field);
                    keys.extend(keys_read(&child));
                }
                _ => keys.push(r.key),
            }
        }
        keys.extend(
            DERIVED
                .iter()
                .filter(|(p, _)| *p == path)
                .flat_map(|(_, k)| k.iter().copied()),
        );
        keys
    }

    /// A key the catalog gains is read by a rule, or said to be derived.
    #[test]
    fn every_key_of_the_catalog_is_read_or_derived() {
        let base = example();
        let top: Vec<&str> = keys_read(&[]);
        for key in base.as_object().unwrap().keys() {
            assert!(
                top.contains(&key.as_str()),
                "the catalog's `{key}` has no rule"
            );
        }
        for b in crate::model::schema::BLOCKS {
            let flat = b.path.len() > 1
                && find(&b.path[..b.path.len() - 1], b.path[b.path.len() - 1])
                    .is_some_and(|r| matches!(r.how, How::Block(Match::Flat, _)));
            if flat || matches!(b.path, ["pmo", "lints"]) {
                continue;
            }
            let read = keys_read(b.path);
            for p in instances(&base, b.path) {
                let Some(object) = base.pointer(&p).and_then(Value::as_object) else {
                    continue;
                };
                for key in object.keys() {
                    assert!(
                        read.contains(&key.as_str()),
                        "`{key}` of {:?} at {p} has no rule",
                        b.path
                    );
                }
            }
        }
    }

    /// Every field the catalog holds, changed alone in the example's
    /// catalog, is reported.
    #[test]
    fn a_change_of_every_field_is_reported() {
        let base = example();
        let old = CatalogView::from_json(&base.to_string()).expect("the example reads");
        for r in RULES
            .iter()
            .filter(|r| r.how != How::Setting && !r.block.is_empty())
        {
            if matches!(r.how, How::Block(Match::Flat, _)) {
                continue;
            }
            let mut path = r.block.to_vec();
            let mut parents = instances(&base, &path);
            // Where the field holds something first.
            parents.sort_by_key(|p| {
                base.pointer(&format!("{p}/{}", r.key))
                    .is_none_or(|v| v.is_null() || v.as_array().is_some_and(Vec::is_empty))
            });
            assert!(!parents.is_empty(), "the example has no {:?}", r.block);
            let mut reported = false;
            'instances: for p in &parents {
                let at = format!("{p}/{}", r.key);
                let v = base.pointer(&at).cloned().unwrap_or(Value::Null);
                for m in mutations(&v) {
                    let mut changed = base.clone();
                    let object = changed
                        .pointer_mut(p)
                        .and_then(Value::as_object_mut)
                        .unwrap();
                    object.insert(r.key.to_string(), m);
                    let Ok(new) = CatalogView::from_json(&changed.to_string()) else {
                        continue;
                    };
                    let found = crate::diff::changes::between(&old, &new);
                    assert!(
                        !found.is_empty(),
                        "changing `{}` of {:?} at {at} is not reported",
                        r.field,
                        r.block
                    );
                    reported = true;
                    break 'instances;
                }
            }
            path.push(r.field);
            assert!(reported, "no change of {path:?} could be tried");
        }
    }
}

//! The review's agenda: what the board must look at, each item with what
//! it is, the service (and SLA, gate or trigger) it concerns, and the date
//! that makes it due. Items sort by kind, then date, then service.
//!
//! **A new kind of item** is one [`AgendaKind`] variant (with its words,
//! [`AgendaKind::heading`] and [`AgendaKind::label`]) and one source
//! function here, listed in [`SOURCES`]: it reads the one judgement its
//! rule also reads (an `Index` method, a `check` or `metrics` function)
//! and returns its items, built with [`AgendaItem::new`]. Sorting,
//! counting and the three renderings take it from there.

use jiff::civil::Date;

use super::shape::{AgendaItem, AgendaKind, DecisionRef, ServiceReview};
use crate::compile::Compiled;
use crate::model::{Action, DecisionOutcome, Gate, Index, Person, Service, Team, saturations};

/// What every source reads: the compilation's index, the services
/// reviewed (with their fired triggers), and the horizon.
pub(super) struct Sources<'a, 'm> {
    pub index: &'a Index<'m>,
    /// The compilation, for the judgements that need its evaluation.
    pub compiled: &'a Compiled,
    pub services: &'a [ServiceReview],
    /// The last day a deadline may fall on to be on the agenda.
    pub until: Date,
}

/// The agenda's sources, one per kind of item (fired triggers give two).
const SOURCES: &[fn(&Sources) -> Vec<AgendaItem>] = &[
    decisions,
    sla_reviews,
    pilot_reviews,
    fired_triggers,
    hold_revisits,
    plans,
    capacity,
    saturation,
];

pub(super) fn items(sources: &Sources) -> Vec<AgendaItem> {
    let mut items: Vec<AgendaItem> = SOURCES.iter().flat_map(|f| f(sources)).collect();
    items.sort_by(|a, b| {
        let key = |i: &AgendaItem| {
            (
                i.kind,
                i.date.is_none(),
                i.date.clone(),
                (i.service.clone(), i.party.clone(), i.customer.clone()),
                (i.sla.clone(), i.gate.clone(), i.trigger.clone()),
            )
        };
        key(a).cmp(&key(b))
    });
    items
}

impl AgendaItem {
    /// An item of `kind` on `service`, due on `date`; overdue when that
    /// is before as-of and the kind is a deadline.
    fn new(
        kind: AgendaKind,
        service: &Service,
        date: Option<Date>,
        as_of: Date,
        text: String,
    ) -> AgendaItem {
        let mut item = AgendaItem::about(kind, date, as_of, text);
        item.service = Some(service.id.value.clone());
        item.service_name = service.name.as_ref().map(|n| n.value.clone());
        item
    }

    /// An item of `kind` on no service yet (a party, a customer group).
    fn about(kind: AgendaKind, date: Option<Date>, as_of: Date, text: String) -> AgendaItem {
        AgendaItem {
            kind,
            service: None,
            service_name: None,
            party: None,
            party_name: None,
            customer: None,
            customer_name: None,
            sla: None,
            gate: None,
            gate_name: None,
            trigger: None,
            date: date.map(|d| d.to_string()),
            text,
            overdue: kind.is_deadline() && date.is_some_and(|d| d < as_of),
            unanswered: false,
        }
    }

    fn at_gate(mut self, index: &Index, gate: Option<&str>) -> AgendaItem {
        self.gate = gate.map(String::from);
        self.gate_name = gate
            .and_then(|g| index.get::<Gate>(g))
            .and_then(|g| g.name.as_ref())
            .map(|n| n.value.clone());
        self
    }
}

/// A gate's name in an agenda sentence, with its id in code style.
fn gate_named(index: &Index, id: &str) -> String {
    match index.get::<Gate>(id).and_then(|g| g.name.as_ref()) {
        Some(name) => format!("gate {} (`{id}`)", name.value),
        None => format!("gate `{id}`"),
    }
}

/// A person's or team's name in an agenda sentence ("team Reporting
/// analysts (`reporting-analysts`)"), and the name alone.
fn party_named(index: &Index, id: &str) -> (String, Option<String>) {
    let (word, name) = if let Some(p) = index.get::<Person>(id) {
        ("", p.name.as_ref())
    } else if let Some(t) = index.get::<Team>(id) {
        ("team ", t.name.as_ref())
    } else {
        ("", None)
    };
    match name {
        Some(n) => (format!("{word}{} (`{id}`)", n.value), Some(n.value.clone())),
        None => (format!("{word}`{id}`"), None),
    }
}

/// A list in words: "a", "a and b", "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A service's name in an agenda sentence, with its id in code style.
fn named(service: &Service) -> String {
    match &service.name {
        Some(name) => format!("{} (`{}`)", name.value, service.id.value),
        None => format!("`{}`", service.id.value),
    }
}

/// **SLA review due**: an SLA in force (no `ends` on or before as-of), of
/// a service in any stage, whose `review-by` date is within the horizon
/// or passed (overdue: the condition of `sla-review-overdue`,
/// [`Index::review_overdue`], whatever the manifest's `lints` say).
fn sla_reviews(cx: &Sources) -> Vec<AgendaItem> {
    let index = cx.index;
    let mut items = Vec::new();
    for service in &index.model.services {
        for sla in &service.slas {
            let Some(review) = sla.review_by.filter(|_| !index.ended(sla)) else {
                continue;
            };
            let overdue = index.review_overdue(sla).is_some();
            if !overdue && review.value > cx.until {
                continue;
            }
            let verb = if overdue { "was due" } else { "is due" };
            let mut item = AgendaItem::new(
                AgendaKind::SlaReview,
                service,
                Some(review.value),
                index.as_of,
                format!(
                    "SLA `{}` of {} {verb} for review on {}",
                    sla.id.value,
                    named(service),
                    review.value
                ),
            );
            item.sla = Some(sla.id.value.clone());
            items.push(item);
        }
    }
    items
}

/// **Pilot past its review**: a service in pilot whose pilot `review` date
/// is before as-of and which has no decision (of any outcome, at any date)
/// at the pilot's `exit-gate`; due since the review date. The condition of
/// `pilot-overdue` ([`Index::pilot_overdue`]).
fn pilot_reviews(cx: &Sources) -> Vec<AgendaItem> {
    let index = cx.index;
    let mut items = Vec::new();
    for service in &index.model.services {
        let Some(review) = index.pilot_overdue(service) else {
            continue;
        };
        let gate = service
            .pilot
            .as_ref()
            .and_then(|p| p.exit_gate.as_ref())
            .map(|g| g.value.as_str());
        let at = gate.map_or("its exit gate".to_string(), |g| gate_named(index, g));
        items.push(
            AgendaItem::new(
                AgendaKind::PilotReview,
                service,
                Some(review.value),
                index.as_of,
                format!(
                    "The pilot of {} was due for review on {}; no decision at {at} is recorded",
                    named(service),
                    review.value
                ),
            )
            .at_gate(index, gate),
        );
    }
    items
}

/// **Every fired trigger** of a service in operation or transform, once:
/// `gate-decision` when it names a gate that has decided nothing on the
/// service since its firing started (as before), else `trigger-fired`.
/// Dated when its firing started ([`super::FiredTrigger::since`]). *Unanswered*:
/// no decision at its gate since then and an action other than `notify`.
fn fired_triggers(cx: &Sources) -> Vec<AgendaItem> {
    let mut items = Vec::new();
    for reviewed in cx.services {
        let Some(service) = cx.index.get::<Service>(&reviewed.id) else {
            continue;
        };
        for fired in &reviewed.fired {
            let kind = if fired.gate.is_some() && !answers(fired.decision.as_ref(), cx.index.as_of)
            {
                AgendaKind::GateDecision
            } else {
                AgendaKind::TriggerFired
            };
            let action = fired
                .action
                .map(|a| format!(" (action: {a})"))
                .unwrap_or_default();
            let gate_named = fired.gate.as_deref().map(|g| gate_named(cx.index, g));
            let answer = match (gate_named, &fired.decision, &fired.since) {
                (None, _, _) => "; it names no gate".to_string(),
                (Some(gate), Some(d), _) => format!(
                    "; {gate} decided {} on {}{}",
                    d.outcome.map(|o| o.to_string()).unwrap_or_default(),
                    d.date.as_deref().unwrap_or("?"),
                    match d.revisit.as_deref() {
                        Some(r) if d.outcome == Some(DecisionOutcome::Hold) => {
                            let verb = if answers(Some(d), cx.index.as_of) {
                                "to be revisited on"
                            } else {
                                "whose revisit passed on"
                            };
                            format!(", a hold {verb} {r}")
                        }
                        _ => String::new(),
                    }
                ),
                (Some(gate), None, Some(since)) => {
                    format!("; no decision at {gate} since {since}")
                }
                (Some(gate), None, None) => format!("; no decision at {gate} is recorded"),
            };
            let since = fired.since.as_deref().and_then(|d| d.parse().ok());
            let mut item = AgendaItem::new(
                kind,
                service,
                since,
                cx.index.as_of,
                format!(
                    "Trigger `{}` fired for {}{action}{answer}",
                    fired.trigger,
                    named(service)
                ),
            )
            .at_gate(cx.index, fired.gate.as_deref());
            item.trigger = Some(fired.trigger.clone());
            item.unanswered = fired.unanswered;
            items.push(item);
        }
    }
    items
}

/// A fired trigger nobody has answered: its action is not `notify` and
/// `decision` (the latest at its gate dated on or after its firing's
/// start; none for a trigger without a gate) does not answer it
/// ([`answers`]), and no improvement answers it (`answered_by`, the
/// improvements of the service that name the trigger and are open or were
/// done on or after the firing's start: language 1.1, section 7).
pub(super) fn unanswered(
    action: Option<Action>,
    decision: Option<&DecisionRef>,
    answered_by: &[String],
    as_of: Date,
) -> bool {
    action != Some(Action::Notify) && !answers(decision, as_of) && answered_by.is_empty()
}

/// Whether a decision answers a fired trigger: any outcome does, a `hold`
/// only until its `revisit` date (language 1.1, section 4: `hold-expired`
/// takes over from there).
fn answers(decision: Option<&DecisionRef>, as_of: Date) -> bool {
    decision.is_some_and(|d| {
        d.outcome != Some(DecisionOutcome::Hold)
            || d.revisit
                .as_deref()
                .and_then(|r| r.parse::<Date>().ok())
                .is_none_or(|r| r >= as_of)
    })
}

/// **Hold to revisit**: the latest decision of a service at a gate
/// leading on from its stage is a `hold` whose `revisit` date is within
/// the horizon or passed ([`Compiled::holds`], the judgement `hold-expired` reads:
/// overdue exactly where it reports).
fn hold_revisits(cx: &Sources) -> Vec<AgendaItem> {
    let index = cx.index;
    let mut items = Vec::new();
    for hold in cx.compiled.holds() {
        let Some(revisit) = hold.revisit.filter(|r| r.value <= cx.until) else {
            continue;
        };
        let held = hold
            .decision
            .date
            .map(|d| format!(" on {}", d.value))
            .unwrap_or_default();
        let verb = if revisit.value < index.as_of {
            "was due"
        } else {
            "is due"
        };
        items.push(
            AgendaItem::new(
                AgendaKind::HoldRevisit,
                hold.service,
                Some(revisit.value),
                index.as_of,
                format!(
                    "The hold on {} at {}{held} {verb} to be revisited on {}",
                    named(hold.service),
                    gate_named(index, &hold.gate.id.value),
                    revisit.value
                ),
            )
            .at_gate(index, Some(&hold.gate.id.value)),
        );
    }
    items
}

/// **Decision due**: a gate with `decide-within` owes a service a decision
/// ([`Compiled::decisions_due`], the judgement of `decision-overdue`), due within
/// the horizon or overdue; one item per gate and service, dated at the
/// earliest due date of its triggers, naming each with when it fired and
/// when its decision is due.
fn decisions(cx: &Sources) -> Vec<AgendaItem> {
    let index = cx.index;
    let mut items = Vec::new();
    for due in cx.compiled.decisions_due() {
        let date = due.due();
        if date > cx.until {
            continue;
        }
        let verb = if date < index.as_of {
            "was due"
        } else {
            "is due"
        };
        let start = due.triggers.iter().map(|t| t.start).min();
        let triggers: Vec<String> = due
            .triggers
            .iter()
            .map(|t| {
                format!(
                    "`{}` (fired {}, due {})",
                    t.trigger.id.value, t.onset, t.due
                )
            })
            .collect();
        let since = start.map(|s| format!(" since {s}")).unwrap_or_default();
        let mut item = AgendaItem::new(
            AgendaKind::DecisionDue,
            due.service,
            Some(date),
            index.as_of,
            format!(
                "A decision at {} on {} {verb} by {date} (within {} of a trigger firing): no decision there{since}; {} {}",
                gate_named(index, &due.gate.id.value),
                named(due.service),
                due.within.value,
                if triggers.len() == 1 { "trigger" } else { "triggers" },
                and_list(&triggers)
            ),
        )
        .at_gate(index, Some(&due.gate.id.value));
        item.trigger = due.triggers.first().map(|t| t.trigger.id.value.clone());
        items.push(item);
    }
    items
}

/// **Plan slipped or due**: a plan not yet reached of a service that is
/// not retired, whose `by` date passed (`plan-slipped`: overdue) or is
/// within the horizon ([`Index::plans_due`]).
fn plans(cx: &Sources) -> Vec<AgendaItem> {
    let index = cx.index;
    index
        .plans_due(cx.until)
        .into_iter()
        .map(|due| {
            let now = due
                .service
                .stage()
                .map(|s| format!("; it is in {s}"))
                .unwrap_or_default();
            let text = if due.slipped {
                format!(
                    "{} was planned to reach {} by {}{now}",
                    named(due.service),
                    due.plan.stage.value,
                    due.by.value
                )
            } else {
                format!(
                    "{} is planned to reach {} by {}{now}",
                    named(due.service),
                    due.plan.stage.value,
                    due.by.value
                )
            };
            AgendaItem::new(
                AgendaKind::PlanDue,
                due.service,
                Some(due.by.value),
                index.as_of,
                text,
            )
        })
        .collect()
}

/// **Capacity over-committed**: a party whose demand is more than its
/// `fte` at a checkpoint within the horizon; one item per party, at the
/// first such checkpoint ([`PartyLoad::first_over`](crate::model::PartyLoad::first_over), the judgement of
/// `capacity-overcommitted`), naming the services whose efforts apply.
fn capacity(cx: &Sources) -> Vec<AgendaItem> {
    let index = cx.index;
    let mut items = Vec::new();
    for load in index.capacity() {
        let (Some(over), Some(fte)) = (load.first_over(), load.fte) else {
            continue;
        };
        if over.date > cx.until {
            continue;
        }
        let (party, name) = party_named(index, &load.party.value);
        let efforts: Vec<String> = over
            .efforts
            .iter()
            .map(|(service, effort)| format!("{} {} FTE", named(service), effort.fte.value))
            .collect();
        let when = if over.date == index.as_of {
            "now".to_string()
        } else {
            format!("from {}", over.date)
        };
        let mut item = AgendaItem::about(
            AgendaKind::CapacityOver,
            Some(over.date),
            index.as_of,
            format!(
                "{} is over-committed {when}: {} FTE of {} FTE ({})",
                capitalized(&party),
                over.demand,
                fte.value,
                and_list(&efforts)
            ),
        );
        item.party = Some(load.party.value.clone());
        item.party_name = name;
        items.push(item);
    }
    items
}

/// **Change saturation**: a customer group changed by more services than
/// its `change-capacity` in a month starting within the horizon; one item
/// per group, at the first such month ([`saturations`], the judgement of
/// `change-saturation`), dated on the month's first day, naming the
/// services.
fn saturation(cx: &Sources) -> Vec<AgendaItem> {
    let index = cx.index;
    let mut items = Vec::new();
    for (group, month) in saturations(index) {
        let first = month.month.first_day();
        if first > cx.until {
            continue;
        }
        let id = &group.customer.id.value;
        let name = group.customer.name.as_ref().map(|n| n.value.clone());
        let group_named = match &name {
            Some(n) => format!("Customer group {n} (`{id}`)"),
            None => format!("Customer group `{id}`"),
        };
        let services: Vec<String> = month
            .services
            .iter()
            .map(|s| match index.get::<Service>(s) {
                Some(service) => named(service),
                None => format!("`{s}`"),
            })
            .collect();
        let mut item = AgendaItem::about(
            AgendaKind::ChangeSaturation,
            Some(first),
            index.as_of,
            format!(
                "{group_named} has {} changes in {}, capacity {}: {}",
                month.count(),
                month.month,
                group.capacity().unwrap_or_default(),
                and_list(&services)
            ),
        );
        item.customer = Some(id.clone());
        item.customer_name = name;
        items.push(item);
    }
    items
}

/// A sentence's first letter in capitals.
fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

//! The comparison itself: two [`CatalogView`]s, matched by id, into the
//! list of [`Change`]s a reviewer must see, in a fixed order (services,
//! customer groups, gates, triggers; each by id). Which way is weaker is
//! worked out from each target's and trigger's comparison:
//!
//! - an SLA target `at-least` lowered, or `at-most` raised, is loosened; a
//!   warn level moved towards its target's failing side (or dropped) too;
//! - a trigger fires less easily when a `below` or `at-most` threshold is
//!   lowered, an `above` or `at-least` threshold raised, `for` or K raised,
//!   N lowered (`for=F` counts as `within="F of F"` when the window's form
//!   changes), or `min-age` lengthened (or added).

use std::collections::{BTreeMap, BTreeSet};

use super::shape::{Change, ChangeKind, Entity, Scalar};
use super::view::{
    Bound, CatalogView, GateView, ServiceView, SlaView, TargetView, ThresholdView, TriggerView,
};
use crate::model::{Duration, DurationUnit, Keyword};

/// Every change from `old` to `new`: those of the comparisons below, then
/// every other field's ([`super::fields`]), each listed under its
/// entity (an SLA's under its service), in the order of [`Entity::ALL`].
pub fn between(old: &CatalogView, new: &CatalogView) -> Vec<Change> {
    let mut out = Vec::new();
    services(&mut out, old, new);
    mandates(&mut out, old, new);
    gates(&mut out, old, new);
    triggers(&mut out, old, new);
    capacity(&mut out, &old.json, &new.json);
    out.extend(super::fields::between(&old.json, &new.json));
    let rank = |e: Entity| Entity::ALL.iter().position(|x| *x == e);
    out.sort_by(|a, b| {
        let group = |c: &Change| match c.entity {
            Entity::Sla => (rank(Entity::Service), c.service.clone().unwrap_or_default()),
            e => (rank(e), c.id.clone()),
        };
        group(a).cmp(&group(b))
    });
    out
}

/// A change, with `weakens` from its kind.
fn change(kind: ChangeKind, entity: Entity, id: &str, message: String) -> Change {
    Change {
        kind,
        weakens: kind.weakens(),
        entity,
        id: id.to_string(),
        service: None,
        item: None,
        old: None,
        new: None,
        message,
    }
}

impl Change {
    fn item(mut self, item: &str) -> Change {
        self.item = Some(item.to_string());
        self
    }

    fn values(mut self, old: Option<Scalar>, new: Option<Scalar>) -> Change {
        self.old = old;
        self.new = new;
        self
    }
}

fn text(s: Option<&str>) -> Option<Scalar> {
    s.map(|s| Scalar::Text(s.to_string()))
}

fn number(v: Option<f64>) -> Option<Scalar> {
    v.map(Scalar::Number)
}

/// Entities by id, in id order.
fn by_id<T>(list: &[T], id: impl Fn(&T) -> &str) -> BTreeMap<&str, &T> {
    list.iter().map(|e| (id(e), e)).collect()
}

/// The ids only in `old`, in both, and only in `new`.
fn matched<'c, T>(
    old: &BTreeMap<&'c str, &'c T>,
    new: &BTreeMap<&'c str, &'c T>,
) -> Vec<(&'c str, Option<&'c T>, Option<&'c T>)> {
    let ids: BTreeSet<&str> = old.keys().chain(new.keys()).copied().collect();
    ids.into_iter()
        .map(|id| (id, old.get(id).copied(), new.get(id).copied()))
        .collect()
}

/// A number as people write it, in a bounded form: a huge or tiny one in
/// scientific notation (`1e308`), never hundreds of digits.
pub(super) fn num(v: f64) -> String {
    if crate::base::number::is_whole(v) {
        format!("{}", v as i64)
    } else if v != 0.0 && !(1e-6..1e15).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

fn or_none(v: Option<&str>) -> String {
    v.map_or_else(|| "none".into(), |v| format!("`{v}`"))
}

/// A party over-committed on one side and not on the other (the
/// catalog's `capacity` judgement): an effort raised, or a plan moved
/// earlier, past its capacity weakens a promise (a capacity lowered is
/// its field's own change too). A side without `capacity` (a catalog of
/// version "1") is unknown: nothing is said.
fn capacity(out: &mut Vec<Change>, old: &serde_json::Value, new: &serde_json::Value) {
    let parties =
        |side: &'_ serde_json::Value| -> Option<BTreeMap<String, (String, Option<String>)>> {
            let list = side.get("capacity")?.as_array()?;
            Some(
                list.iter()
                    .filter_map(|p| {
                        let id = p.get("party")?.as_str()?.to_string();
                        let kind = p.get("kind")?.as_str()?.to_string();
                        let over = p.get("overcommitted")?.as_str().map(String::from);
                        Some((id, (kind, over)))
                    })
                    .collect(),
            )
        };
    let (Some(o), Some(n)) = (parties(old), parties(new)) else {
        return;
    };
    for (id, (kind, over)) in &n {
        let was = o.get(id).and_then(|(_, w)| w.as_ref());
        let entity = if kind == "team" {
            Entity::Team
        } else {
            Entity::Person
        };
        let (change_kind, message) = match (was, over) {
            (None, Some(date)) => (
                ChangeKind::FieldWeakened,
                format!("`{id}` is now over-committed, from {date}"),
            ),
            (Some(date), None) => (
                ChangeKind::FieldStrengthened,
                format!("`{id}` is no longer over-committed (it was from {date})"),
            ),
            _ => continue,
        };
        out.push(change(change_kind, entity, id, message).item("capacity"));
    }
}

fn services(out: &mut Vec<Change>, old: &CatalogView, new: &CatalogView) {
    let (o, n) = (
        by_id(&old.services, |s| &s.id),
        by_id(&new.services, |s| &s.id),
    );
    for (id, before, after) in matched(&o, &n) {
        match (before, after) {
            (None, Some(s)) => {
                let stage = s.stage.as_deref().unwrap_or("no stage");
                out.push(
                    change(
                        ChangeKind::ServiceAdded,
                        Entity::Service,
                        id,
                        format!("service `{id}` added, in {stage}"),
                    )
                    .values(None, text(s.stage.as_deref())),
                );
            }
            (Some(s), None) => {
                let stage = s.stage.as_deref().unwrap_or("no stage");
                out.push(
                    change(
                        ChangeKind::ServiceRemoved,
                        Entity::Service,
                        id,
                        format!("service `{id}` removed (it was in {stage})"),
                    )
                    .values(text(s.stage.as_deref()), None),
                );
            }
            (Some(b), Some(a)) => service(out, b, a),
            (None, None) => {}
        }
    }
}

fn service(out: &mut Vec<Change>, b: &ServiceView, a: &ServiceView) {
    let id = a.id.as_str();
    if b.stage != a.stage {
        let (from, to) = (
            b.stage.as_deref().unwrap_or("no stage"),
            a.stage.as_deref().unwrap_or("no stage"),
        );
        let (kind, message) = if a.stage.as_deref() == Some("retired") {
            (
                ChangeKind::ServiceRetired,
                format!("service `{id}` retired (it was in {from})"),
            )
        } else {
            (
                ChangeKind::ServiceStageChanged,
                format!("service `{id}` moved from {from} to {to}"),
            )
        };
        out.push(
            change(kind, Entity::Service, id, message)
                .values(text(b.stage.as_deref()), text(a.stage.as_deref())),
        );
    }
    if b.owner != a.owner {
        let message = format!(
            "service `{id}`: owner {} → {}",
            or_none(b.owner.as_deref()),
            or_none(a.owner.as_deref())
        );
        out.push(
            change(
                ChangeKind::ServiceOwnerChanged,
                Entity::Service,
                id,
                message,
            )
            .values(text(b.owner.as_deref()), text(a.owner.as_deref())),
        );
    }
    slas(out, b, a);
}

fn slas(out: &mut Vec<Change>, b: &ServiceView, a: &ServiceView) {
    let service = a.id.as_str();
    let (o, n) = (by_id(&b.slas, |s| &s.id), by_id(&a.slas, |s| &s.id));
    for (id, before, after) in matched(&o, &n) {
        let (kind, message) = match (before, after) {
            (None, Some(_)) => (
                ChangeKind::SlaAdded,
                format!("SLA `{id}` of `{service}` added"),
            ),
            (Some(_), None) => (
                ChangeKind::SlaRemoved,
                format!("SLA `{id}` of `{service}` removed"),
            ),
            (Some(b), Some(a)) => {
                targets(out, service, b, a);
                continue;
            }
            (None, None) => continue,
        };
        let mut c = change(kind, Entity::Sla, id, message);
        c.service = Some(service.to_string());
        out.push(c);
    }
}

/// An SLA's targets by metric (a second target on the same metric is
/// `metric#2`).
fn targets_by_metric(sla: &SlaView) -> BTreeMap<String, &TargetView> {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    sla.targets
        .iter()
        .map(|t| {
            let n = seen.entry(&t.metric).or_default();
            *n += 1;
            let key = if *n == 1 {
                t.metric.clone()
            } else {
                format!("{}#{n}", t.metric)
            };
            (key, t)
        })
        .collect()
}

fn bound_words(t: Option<ThresholdView>) -> String {
    match t {
        Some(ThresholdView {
            kind: Bound::AtLeast,
            value,
        }) => format!("at least {}", num(value)),
        Some(ThresholdView {
            kind: Bound::AtMost,
            value,
        }) => format!("at most {}", num(value)),
        None => "no threshold".into(),
    }
}

fn targets(out: &mut Vec<Change>, service: &str, b: &SlaView, a: &SlaView) {
    let sla = a.id.as_str();
    let (o, n) = (targets_by_metric(b), targets_by_metric(a));
    let keys: BTreeSet<&String> = o.keys().chain(n.keys()).collect();
    let with_service = |mut c: Change| {
        c.service = Some(service.to_string());
        c
    };
    for key in keys {
        let found = match (o.get(key), n.get(key)) {
            (None, Some(t)) => vec![
                change(
                    ChangeKind::TargetAdded,
                    Entity::Sla,
                    sla,
                    format!(
                        "SLA `{sla}`: target `{key}` added, {}",
                        bound_words(t.threshold)
                    ),
                )
                .item(key)
                .values(None, text(Some(&bound_words(t.threshold)))),
            ],
            (Some(t), None) => vec![
                change(
                    ChangeKind::TargetRemoved,
                    Entity::Sla,
                    sla,
                    format!(
                        "SLA `{sla}`: target `{key}` removed (it was {})",
                        bound_words(t.threshold)
                    ),
                )
                .item(key)
                .values(text(Some(&bound_words(t.threshold))), None),
            ],
            (Some(tb), Some(ta)) => target(sla, key, tb, ta),
            (None, None) => Vec::new(),
        };
        out.extend(found.into_iter().map(with_service));
    }
}

/// Whether moving a threshold from `b` to `a` on this side makes it stricter.
fn stricter(kind: Bound, b: f64, a: f64) -> bool {
    match kind {
        Bound::AtLeast => a > b,
        Bound::AtMost => a < b,
    }
}

fn target(sla: &str, key: &str, b: &TargetView, a: &TargetView) -> Vec<Change> {
    let mut found = Vec::new();
    match (b.threshold, a.threshold) {
        (Some(tb), Some(ta)) if tb.kind == ta.kind => {
            if tb.value != ta.value {
                let tighter = stricter(ta.kind, tb.value, ta.value);
                let (kind, word) = if tighter {
                    (ChangeKind::TargetTightened, "tightened")
                } else {
                    (ChangeKind::TargetLoosened, "loosened")
                };
                let message = format!(
                    "SLA `{sla}`: target `{key}` {} → {} ({word})",
                    bound_words(Some(tb)),
                    bound_words(Some(ta))
                );
                found.push(
                    change(kind, Entity::Sla, sla, message)
                        .item(key)
                        .values(number(Some(tb.value)), number(Some(ta.value))),
                );
            }
            found.extend(warn(sla, key, ta.kind, b.warn, a.warn));
        }
        (tb, ta) if tb != ta => {
            let message = format!(
                "SLA `{sla}`: target `{key}` {} → {} (its passing side changed)",
                bound_words(tb),
                bound_words(ta)
            );
            found.push(
                change(ChangeKind::TargetChanged, Entity::Sla, sla, message)
                    .item(key)
                    .values(text(Some(&bound_words(tb))), text(Some(&bound_words(ta)))),
            );
        }
        _ => found.extend(warn(sla, key, Bound::AtLeast, b.warn, a.warn)),
    }
    found
}

/// A warn level's change: moved towards its target's passing side (it
/// warns earlier) is tightened; moved away, or dropped, loosened.
fn warn(sla: &str, key: &str, kind: Bound, b: Option<f64>, a: Option<f64>) -> Option<Change> {
    let tighter = match (b, a) {
        (Some(b), Some(a)) if b != a => stricter(kind, b, a),
        (None, Some(_)) => true,
        (Some(_), None) => false,
        _ => return None,
    };
    let (ck, word) = if tighter {
        (ChangeKind::WarnTightened, "tightened")
    } else {
        (ChangeKind::WarnLoosened, "loosened")
    };
    let shown = |v: Option<f64>| v.map_or_else(|| "none".into(), num);
    let message = format!(
        "SLA `{sla}`: warn level of `{key}` {} → {} ({word})",
        shown(b),
        shown(a)
    );
    Some(
        change(ck, Entity::Sla, sla, message)
            .item(key)
            .values(number(b), number(a)),
    )
}

/// Every offer, as (customer group, service), with its level.
fn mandated(c: &CatalogView) -> BTreeMap<(&str, &str), Option<&str>> {
    c.services
        .iter()
        .flat_map(|s| {
            s.offers
                .iter()
                .map(move |o| ((o.customer.as_str(), s.id.as_str()), o.level.as_deref()))
        })
        .collect()
}

fn mandates<'c>(out: &mut Vec<Change>, old: &'c CatalogView, new: &'c CatalogView) {
    let (o, n) = (mandated(old), mandated(new));
    let ids = |c: &'c CatalogView| {
        c.services
            .iter()
            .map(|s| s.id.as_str())
            .collect::<BTreeSet<_>>()
    };
    let both: BTreeSet<&str> = ids(old).intersection(&ids(new)).copied().collect();
    let keys: BTreeSet<&(&str, &str)> = o.keys().chain(n.keys()).collect();
    for &(group, service) in keys {
        let before = o.get(&(group, service)).copied().flatten();
        let after = n.get(&(group, service)).copied().flatten();
        let (was, is) = (before == Some("mandated"), after == Some("mandated"));
        let level = |l: Option<&str>, offered: bool| match (l, offered) {
            (Some(l), _) => l.to_string(),
            (None, true) => "offered at no level".into(),
            (None, false) => "not offered".into(),
        };
        let (kind, message) = match (was, is) {
            (false, true) => (
                ChangeKind::MandateGained,
                format!(
                    "customer group `{group}` is now mandated to use `{service}` (it was {})",
                    level(before, o.contains_key(&(group, service)))
                ),
            ),
            (true, false) => (
                ChangeKind::MandateLost,
                format!(
                    "customer group `{group}` is no longer mandated to use `{service}` (it is now {})",
                    level(after, n.contains_key(&(group, service)))
                ),
            ),
            // An offer that comes or goes with its service is the service's change.
            _ if !both.contains(service) => continue,
            _ => match offer(
                o.contains_key(&(group, service)),
                n.contains_key(&(group, service)),
                before != after,
            ) {
                Some((kind, word)) => (
                    kind,
                    format!(
                        "customer group `{group}`: offer of `{service}` {word} ({} → {})",
                        level(before, o.contains_key(&(group, service))),
                        level(after, n.contains_key(&(group, service)))
                    ),
                ),
                None => continue,
            },
        };
        out.push(
            change(kind, Entity::Customer, group, message)
                .item(service)
                .values(text(before), text(after)),
        );
    }
}

/// An offer that is not a mandate on either side: one withdrawn weakens a
/// promise, one made strengthens it, a level changed is neither.
fn offer(was: bool, is: bool, level_changed: bool) -> Option<(ChangeKind, &'static str)> {
    match (was, is) {
        (true, false) => Some((ChangeKind::FieldWeakened, "withdrawn")),
        (false, true) => Some((ChangeKind::FieldStrengthened, "made")),
        _ if level_changed => Some((ChangeKind::FieldChanged, "changed")),
        _ => None,
    }
}

fn gates(out: &mut Vec<Change>, old: &CatalogView, new: &CatalogView) {
    let (o, n) = (by_id(&old.gates, |g| &g.id), by_id(&new.gates, |g| &g.id));
    for (id, before, after) in matched(&o, &n) {
        match (before, after) {
            (None, Some(_)) => out.push(change(
                ChangeKind::GateAdded,
                Entity::Gate,
                id,
                format!("gate `{id}` added"),
            )),
            (Some(_), None) => out.push(change(
                ChangeKind::GateRemoved,
                Entity::Gate,
                id,
                format!("gate `{id}` removed"),
            )),
            (Some(b), Some(a)) => gate(out, b, a),
            (None, None) => {}
        }
    }
}

fn gate(out: &mut Vec<Change>, b: &GateView, a: &GateView) {
    let id = a.id.as_str();
    let (ob, oa): (BTreeSet<&String>, BTreeSet<&String>) =
        (b.approvers.iter().collect(), a.approvers.iter().collect());
    for p in ob.difference(&oa) {
        out.push(
            change(
                ChangeKind::ApproverRemoved,
                Entity::Gate,
                id,
                format!("gate `{id}`: approver `{p}` removed"),
            )
            .item(p),
        );
    }
    for p in oa.difference(&ob) {
        out.push(
            change(
                ChangeKind::ApproverAdded,
                Entity::Gate,
                id,
                format!("gate `{id}`: approver `{p}` added"),
            )
            .item(p),
        );
    }
    if b.quorum != a.quorum {
        let shown = |q: Option<u64>| q.map_or_else(|| "none".into(), |q| q.to_string());
        // No quorum is no attendance check: lower than any.
        let (kind, word) = if a.quorum.unwrap_or(0) > b.quorum.unwrap_or(0) {
            (ChangeKind::QuorumRaised, "raised")
        } else {
            (ChangeKind::QuorumLowered, "lowered")
        };
        let message = format!(
            "gate `{id}`: quorum {} → {} ({word})",
            shown(b.quorum),
            shown(a.quorum)
        );
        out.push(change(kind, Entity::Gate, id, message).values(
            number(b.quorum.map(|q| q as f64)),
            number(a.quorum.map(|q| q as f64)),
        ));
    }
    must(out, id, &b.must, &a.must);
}

/// Must-meet criteria compared as texts (a reworded criterion is one
/// removed and one added), each once however often it is written.
fn must(out: &mut Vec<Change>, id: &str, b: &[String], a: &[String]) {
    let (ob, oa): (BTreeSet<&String>, BTreeSet<&String>) = (b.iter().collect(), a.iter().collect());
    let removed = b.iter().filter(|m| !oa.contains(m));
    let added = a.iter().filter(|m| !ob.contains(m));
    let mut seen = BTreeSet::new();
    for (kind, m) in removed
        .map(|m| (ChangeKind::MustRemoved, m))
        .chain(added.map(|m| (ChangeKind::MustAdded, m)))
    {
        if !seen.insert((kind == ChangeKind::MustAdded, m)) {
            continue;
        }
        let word = if kind == ChangeKind::MustAdded {
            "added"
        } else {
            "removed"
        };
        let (old, new) = if kind == ChangeKind::MustAdded {
            (None, text(Some(m)))
        } else {
            (text(Some(m)), None)
        };
        out.push(
            change(
                kind,
                Entity::Gate,
                id,
                format!("gate `{id}`: must-meet criterion {word}: “{m}”"),
            )
            .item(m)
            .values(old, new),
        );
    }
}

fn triggers(out: &mut Vec<Change>, old: &CatalogView, new: &CatalogView) {
    let (o, n) = (
        by_id(&old.triggers, |t| &t.id),
        by_id(&new.triggers, |t| &t.id),
    );
    for (id, before, after) in matched(&o, &n) {
        match (before, after) {
            (None, Some(t)) => out.push(
                change(
                    ChangeKind::TriggerAdded,
                    Entity::Trigger,
                    id,
                    format!("trigger `{id}` added: {}", condition_words(t)),
                )
                .values(None, text(Some(&condition_words(t)))),
            ),
            (Some(t), None) => out.push(
                change(
                    ChangeKind::TriggerRemoved,
                    Entity::Trigger,
                    id,
                    format!("trigger `{id}` removed (it was {})", condition_words(t)),
                )
                .values(text(Some(&condition_words(t))), None),
            ),
            (Some(b), Some(a)) => out.extend(super::trigger::changes(b, a)),
            (None, None) => {}
        }
    }
}

/// A trigger's condition in words: `` `adoption-pct` below 30 for 3 periods``.
pub(super) fn condition_words(t: &TriggerView) -> String {
    let Some(w) = &t.when else {
        return "no condition".into();
    };
    let mut s = format!("`{}`", w.metric);
    if let (Some(c), Some(v)) = (&w.comparison, w.value) {
        s.push_str(&format!(" {} {}", c.replace('-', " "), num(v)));
    }
    if let (Some(t), Some(n)) = (&w.trend, w.trend_periods) {
        s.push_str(&format!(" {t} over the last {n} period{}", plural(n)));
    }
    match (w.periods, w.within_k, w.within_n) {
        (Some(p), _, _) => s.push_str(&format!(" for {p} period{}", plural(p))),
        (None, Some(k), Some(n)) => s.push_str(&format!(" in {k} of {n} periods")),
        _ => {}
    }
    if let Some(age) = &t.min_age {
        s.push_str(&format!(", from an age of {age}"));
    }
    s
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A duration as the catalog writes it (`6 months`, `2 working days`),
/// as the date it reaches from a fixed day and the hours left over (a
/// duration in hours reaches its whole days, and keeps the rest), so that
/// durations of different units compare.
pub(super) fn duration_reach(text: &str) -> Option<(jiff::civil::Date, u32)> {
    let (count, unit) = text.trim().split_once(' ')?;
    let count: u32 = count.parse().ok()?;
    let unit =
        DurationUnit::parse(unit).or_else(|| DurationUnit::parse(unit.strip_suffix('s')?))?;
    let start = jiff::civil::date(2001, 1, 1);
    if unit == DurationUnit::Hour {
        let days = Duration {
            count: count / 24,
            unit: DurationUnit::Day,
        };
        return Some((days.after(start), count % 24));
    }
    Some((Duration { count, unit }.after(start), 0))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn side(over: Option<&str>) -> serde_json::Value {
        json!({ "capacity": [
            { "party": "ops", "kind": "team", "fte": 2, "overcommitted": over, "checkpoints": [] }
        ] })
    }

    /// A party newly over-committed weakens; no longer, strengthens; a
    /// side without `capacity` (a catalog of version "1") says nothing.
    #[test]
    fn over_commitment_is_judged_on_the_catalogs_capacity() {
        let run = |old: serde_json::Value, new: serde_json::Value| {
            let mut out = Vec::new();
            capacity(&mut out, &old, &new);
            out
        };
        let found = run(side(None), side(Some("2027-04-01")));
        assert_eq!(found.len(), 1);
        assert!(found[0].weakens && found[0].entity == Entity::Team);
        assert_eq!(found[0].item.as_deref(), Some("capacity"));
        let found = run(side(Some("2027-04-01")), side(None));
        assert!(found.len() == 1 && !found[0].weakens);
        assert!(run(side(Some("2027-01-01")), side(Some("2027-04-01"))).is_empty());
        assert!(run(json!({}), side(Some("2027-04-01"))).is_empty());
    }
}

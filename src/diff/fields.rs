//! The field-by-field comparison: every field the [rule table](super::rules)
//! does not leave to a comparison of its own, walked through both catalogs'
//! JSON from the declarations down, each change judged by its rule's
//! [`Order`] into `field-weakened`, `field-strengthened` or
//! `field-changed` (and `declaration-added`/`-removed` for the kinds of
//! declaration no other comparison reports).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::changes::{duration_reach, num};
use super::rules::{self, How, Match, Order, Removal};
use super::shape::{Change, ChangeKind, Entity, Scalar};
use crate::model::schema::{self, Block};
use crate::model::{Criticality, Keyword, Period};

/// Every change of a field between two catalogs' JSON.
pub(super) fn between(old: &Value, new: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    let top = At {
        entity: Entity::Pmo,
        id: String::new(),
        service: None,
        path: String::new(),
    };
    for r in rules::RULES.iter().filter(|r| r.block.is_empty()) {
        let (Some(block), How::Block(m, removal)) = (schema::top(r.field), r.how) else {
            continue;
        };
        let (o, n) = (old.get(r.key), new.get(r.key));
        entries(&mut out, &top, r.field, block, (m, removal), o, n);
    }
    out
}

/// Where a change is: its entity, and the path of the field inside it.
#[derive(Clone)]
struct At {
    entity: Entity,
    id: String,
    service: Option<String>,
    path: String,
}

impl At {
    /// Inside `label` (a block of the entity, or a declaration when the
    /// block declares one).
    fn enter(&self, block: &Block, label: &str, entry: &Map<String, Value>) -> At {
        let Some(kind) = block.declares() else {
            return At {
                path: join(&self.path, label),
                ..self.clone()
            };
        };
        let id = entry.get("id").and_then(Value::as_str).unwrap_or_default();
        At {
            entity: Entity::of(kind),
            id: id.to_string(),
            service: (self.entity == Entity::Service && kind == crate::base::EntityKind::Sla)
                .then(|| self.id.clone()),
            path: String::new(),
        }
    }

    /// How a message names the entity.
    fn subject(&self) -> String {
        let noun = match self.entity {
            Entity::Pmo => "PMO",
            Entity::Sla => "SLA",
            Entity::Customer => "customer group",
            other => heading_noun(other),
        };
        match &self.service {
            Some(s) => format!("{noun} `{}` of `{s}`", self.id),
            None => format!("{noun} `{}`", self.id),
        }
    }

    fn change(
        &self,
        kind: ChangeKind,
        item: &str,
        old: &Value,
        new: &Value,
        what: String,
    ) -> Change {
        Change {
            kind,
            weakens: kind.weakens(),
            entity: self.entity,
            id: self.id.clone(),
            service: self.service.clone(),
            item: (!item.is_empty()).then(|| item.to_string()),
            old: scalar(old),
            new: scalar(new),
            message: format!("{}: {what}", self.subject()),
        }
    }
}

fn heading_noun(e: Entity) -> &'static str {
    match e {
        Entity::Service => "service",
        Entity::Gate => "gate",
        Entity::Trigger => "trigger",
        Entity::Person => "person",
        Entity::Team => "team",
        Entity::Objective => "objective",
        Entity::Metric => "metric",
        Entity::Function => "function",
        Entity::Improvement => "improvement",
        _ => "entity",
    }
}

fn join(path: &str, label: &str) -> String {
    if path.is_empty() {
        label.to_string()
    } else {
        format!("{path}.{label}")
    }
}

/// Which way a change goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Way {
    Weaker,
    Stronger,
    Neither,
}

impl Way {
    fn kind(self) -> ChangeKind {
        match self {
            Way::Weaker => ChangeKind::FieldWeakened,
            Way::Stronger => ChangeKind::FieldStrengthened,
            Way::Neither => ChangeKind::FieldChanged,
        }
    }

    fn word(self) -> &'static str {
        match self {
            Way::Weaker => " (weaker)",
            Way::Stronger => " (stronger)",
            Way::Neither => "",
        }
    }

    /// The way of a removal, or (`added`) of an addition.
    fn of_removal(removal: Removal, added: bool) -> Option<Way> {
        match (removal, added) {
            (Removal::Own, _) => None,
            (Removal::Neutral, _) => Some(Way::Neither),
            (Removal::Weakens, false) => Some(Way::Weaker),
            (Removal::Weakens, true) => Some(Way::Stronger),
            (Removal::Strengthens, false) => Some(Way::Stronger),
            (Removal::Strengthens, true) => Some(Way::Weaker),
        }
    }
}

/// The entries of a child block `field` (of the block at `at`), matched
/// as the rule says.
fn entries(
    out: &mut Vec<Change>,
    at: &At,
    field: &str,
    block: &Block,
    (m, removal): (Match, Removal),
    old: Option<&Value>,
    new: Option<&Value>,
) {
    let null = Value::Null;
    let (old, new) = (old.unwrap_or(&null), new.unwrap_or(&null));
    let keyed: Vec<(String, &Value, &Value)> = match m {
        Match::Flat => return,
        Match::One => vec![(field.to_string(), old, new)],
        Match::Position => {
            let (o, n) = (list(old), list(new));
            (0..o.len().max(n.len()))
                .map(|i| {
                    let label = format!("{field}#{}", i + 1);
                    (label, o.get(i).unwrap_or(&null), n.get(i).unwrap_or(&null))
                })
                .collect()
        }
        Match::By(keys) => {
            let label = |e: &Value| {
                let words: Vec<String> = keys.iter().map(|k| shown_plain(&e[*k])).collect();
                format!("{field}[{}]", words.join(" "))
            };
            pair(list(old), list(new), label)
        }
        Match::Whole => {
            let label = |e: &Value| format!("{field}[{e}]");
            pair(list(old), list(new), label)
        }
    };
    for (label, o, n) in keyed {
        match (o.as_object(), n.as_object()) {
            (Some(o), Some(n)) if m != Match::Whole => {
                fields(out, &at.enter(block, &label, n), block, o, n);
            }
            (Some(_), Some(_)) | (None, None) => {}
            (before, _) => {
                let added = before.is_none();
                let Some(way) = Way::of_removal(removal, added) else {
                    continue;
                };
                let entry = if added { n } else { o };
                let word = if added { "added" } else { "removed" };
                if let (Some(_), Some(e)) = (block.declares(), entry.as_object()) {
                    let inner = at.enter(block, &label, e);
                    let kind_of = if added {
                        ChangeKind::DeclarationAdded
                    } else {
                        ChangeKind::DeclarationRemoved
                    };
                    let mut c = inner.change(kind_of, "", o, n, word.to_string());
                    c.message = format!("{} {word}", inner.subject());
                    out.push(c);
                    continue;
                }
                // A whole value's entry is shown by its value.
                let item = join(&at.path, if m == Match::Whole { field } else { &label });
                let shown_entry = if m == Match::Whole {
                    format!(" {}", shown(entry))
                } else {
                    String::new()
                };
                let what = format!("`{item}`{shown_entry} {word}{}", way.word());
                out.push(at.change(way.kind(), &item, o, n, what));
            }
        }
    }
}

/// A JSON list's entries (none for anything else).
fn list(v: &Value) -> &[Value] {
    v.as_array().map_or(&[], Vec::as_slice)
}

/// Entries of two lists matched by their label; a label seen again is
/// told apart by its count (`phase[x]#2`).
fn pair<'v>(
    old: &'v [Value],
    new: &'v [Value],
    label: impl Fn(&Value) -> String,
) -> Vec<(String, &'v Value, &'v Value)> {
    let null: &'static Value = &Value::Null;
    let labelled = |l: &'v [Value]| {
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        l.iter()
            .map(|e| {
                let base = label(e);
                let n = seen.entry(base.clone()).or_default();
                *n += 1;
                let key = if *n == 1 { base } else { format!("{base}#{n}") };
                (key, e)
            })
            .collect::<BTreeMap<String, &Value>>()
    };
    let (o, n) = (labelled(old), labelled(new));
    let mut keys: Vec<&String> = o.keys().chain(n.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|k| {
            (
                k.clone(),
                o.get(k).copied().unwrap_or(null),
                n.get(k).copied().unwrap_or(null),
            )
        })
        .collect()
}

/// The fields of `block` in two entries.
fn fields(
    out: &mut Vec<Change>,
    at: &At,
    block: &Block,
    o: &Map<String, Value>,
    n: &Map<String, Value>,
) {
    let items = block
        .args
        .iter()
        .chain(block.properties)
        .chain(block.children);
    let mut compared: Vec<&str> = Vec::new();
    let unknown = |key: &str| !(o.contains_key(key) && n.contains_key(key));
    for item in items {
        let Some(rule) = rules::find(block.path, item.name) else {
            continue;
        };
        match rule.how {
            // A key one side lacks is a field of a later version of the
            // catalog than that side's: unknown there, never removed.
            // (A flat child's fields sit in this object: its key is empty.)
            _ if !rule.key.is_empty() && unknown(rule.key) => {}
            How::Value(order) => {
                if compared.contains(&rule.key) {
                    continue;
                }
                compared.push(rule.key);
                let null = Value::Null;
                let ov = o.get(rule.key).unwrap_or(&null);
                let nv = n.get(rule.key).unwrap_or(&null);
                if ov != nv {
                    value(out, at, item.name, order, ov, nv);
                }
            }
            How::Block(m, removal) => {
                let Some(child) = block.block_of(item.name) else {
                    continue;
                };
                if m == Match::Flat {
                    fields(out, at, child, o, n);
                } else {
                    let (ov, nv) = (o.get(rule.key), n.get(rule.key));
                    entries(out, at, item.name, child, (m, removal), ov, nv);
                }
            }
            // Entries matched by their key hold the same one, but a single
            // block's (the PMO's id) may change.
            How::Key => {
                let (ov, nv) = (o.get(rule.key), n.get(rule.key));
                if ov != nv && !compared.contains(&rule.key) {
                    compared.push(rule.key);
                    let null = Value::Null;
                    let (ov, nv) = (ov.unwrap_or(&null), nv.unwrap_or(&null));
                    value(out, at, item.name, Order::Neutral, ov, nv);
                }
            }
            How::Own | How::Part | How::Setting => {}
        }
    }
}

/// A value's change, judged by `order`.
fn value(out: &mut Vec<Change>, at: &At, field: &str, order: Order, o: &Value, n: &Value) {
    let item = join(&at.path, field);
    if let Order::Set(removal) = order {
        let (ol, nl) = (as_set(o), as_set(n));
        for (added, from, other) in [(false, &ol, &nl), (true, &nl, &ol)] {
            let Some(way) = Way::of_removal(removal, added) else {
                continue;
            };
            for (_, v) in from.iter().filter(|(k, _)| !other.contains_key(*k)) {
                let (word, before, after) = if added {
                    ("added", &Value::Null, *v)
                } else {
                    ("removed", *v, &Value::Null)
                };
                let what = format!("`{item}` {} {word}{}", shown(v), way.word());
                out.push(at.change(way.kind(), &item, before, after, what));
            }
        }
        return;
    }
    let way = judge(order, o, n);
    let what = format!("`{item}` {} → {}{}", shown(o), shown(n), way.word());
    out.push(at.change(way.kind(), &item, o, n, what));
}

/// A list's values once each, by their JSON text (a single value as a
/// list of one).
fn as_set(v: &Value) -> BTreeMap<String, &Value> {
    let items: Vec<&Value> = match v {
        Value::Null => Vec::new(),
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    items.into_iter().map(|v| (v.to_string(), v)).collect()
}

/// Which way a value that changed moved, by its order.
pub(super) fn judge(order: Order, o: &Value, n: &Value) -> Way {
    use Way::*;
    let (os, ns) = (o.as_str(), n.as_str());
    match order {
        Order::Neutral | Order::Set(_) => Neither,
        Order::Unknown => Weaker,
        Order::Present => match (o.is_null(), n.is_null()) {
            (true, false) => Stronger,
            _ => Weaker,
        },
        Order::Shorter => match (os, ns) {
            (None, Some(_)) if o.is_null() => Stronger,
            (Some(_), None) if n.is_null() => Weaker,
            (Some(a), Some(b)) => match (duration_reach(a), duration_reach(b)) {
                (Some(a), Some(b)) => ordered(b.cmp(&a)),
                _ => Weaker,
            },
            _ => Weaker,
        },
        Order::Period => {
            let rank = |s: Option<&str>| s.and_then(|s| Period::WORDS.iter().position(|w| *w == s));
            match (rank(os), rank(ns)) {
                (Some(a), Some(b)) => ordered(b.cmp(&a)),
                _ => Weaker,
            }
        }
        Order::Earlier => match (os, ns) {
            (Some(a), Some(b)) => ordered(b.cmp(a)),
            (None, Some(_)) if o.is_null() => Stronger,
            _ => Weaker,
        },
        Order::Later => match (os, ns) {
            (Some(a), Some(b)) => ordered(a.cmp(b)),
            (Some(_), None) if n.is_null() => Stronger,
            _ => Weaker,
        },
        Order::Larger => {
            let hundredths = |v: &Value| v.as_f64().map(|f| (f * 100.0).round() as i64);
            match (hundredths(o), hundredths(n)) {
                (Some(a), Some(b)) => ordered(a.cmp(&b)),
                (None, Some(_)) if o.is_null() => Stronger,
                _ => Weaker,
            }
        }
        Order::Fewer => match (o.as_u64(), n.as_u64()) {
            (Some(a), Some(b)) => ordered(b.cmp(&a)),
            (None, Some(_)) if o.is_null() => Stronger,
            _ => Weaker,
        },
        Order::Hours => match (os.and_then(coverage), ns.and_then(coverage)) {
            (Some(a), Some(b)) if a == b => Neither,
            (Some(a), Some(b)) if covers(&b, &a) => Stronger,
            _ => Weaker,
        },
        Order::Threshold => threshold(o, n),
        Order::Criticality => {
            let rank =
                |s: Option<&str>| s.and_then(|s| Criticality::WORDS.iter().position(|w| *w == s));
            match (rank(os), rank(ns)) {
                (Some(a), Some(b)) => ordered(a.cmp(&b)),
                _ => Neither,
            }
        }
        Order::LeadTime => match (os.and_then(lead_time), ns.and_then(lead_time)) {
            (Some(a), Some(b)) => ordered(b.cmp(&a)),
            _ => Neither,
        },
    }
}

/// How far a lead time (free text) reaches, where it reads as a number and
/// a unit: `5 working days`, `2 weeks`, `48 hours`, `1 month`; `business
/// day` is a working day, and a leading `within`, `up to` or `max` is
/// skipped. `None` for any other text.
pub(super) fn lead_time(text: &str) -> Option<(jiff::civil::Date, u32)> {
    let lower = text
        .trim()
        .to_lowercase()
        .replace("business day", "working day");
    let mut rest = lower.as_str();
    for lead in ["within ", "up to ", "max ", "maximum "] {
        rest = rest.strip_prefix(lead).unwrap_or(rest);
    }
    duration_reach(rest.trim())
}

/// The new value against the old: further along the order (`Greater`) is
/// weaker.
fn ordered(o: std::cmp::Ordering) -> Way {
    match o {
        std::cmp::Ordering::Less => Way::Stronger,
        std::cmp::Ordering::Equal => Way::Neither,
        std::cmp::Ordering::Greater => Way::Weaker,
    }
}

/// A threshold (`{"kind": "at-least", "value": 50}`): moved towards its
/// failing side is stronger.
fn threshold(o: &Value, n: &Value) -> Way {
    let read = |v: &Value| {
        Some((
            v.get("kind")?.as_str()?.to_string(),
            v.get("value")?.as_f64()?,
        ))
    };
    match (read(o), read(n)) {
        (Some((ka, a)), Some((kb, b))) if ka == kb => {
            let stronger = if ka == "at-most" { b < a } else { b > a };
            if stronger { Way::Stronger } else { Way::Weaker }
        }
        (None, Some(_)) if o.is_null() => Way::Stronger,
        _ => Way::Weaker,
    }
}

/// The minutes of a week that service hours cover (`24x7`, or
/// `Mon-Fri 09:00-17:30, Sat 10:00-14:00`; a day range may wrap past
/// Sunday); `None` for text that is neither.
fn coverage(hours: &str) -> Option<Vec<bool>> {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const DAY: usize = 24 * 60;
    if hours.trim() == "24x7" {
        return Some(vec![true; 7 * DAY]);
    }
    let mut week = vec![false; 7 * DAY];
    for part in hours.split(',') {
        let (days, times) = part.trim().split_once(' ')?;
        let day = |d: &str| DAYS.iter().position(|x| *x == d);
        let (first, last) = match days.split_once('-') {
            Some((a, b)) => (day(a)?, day(b)?),
            None => (day(days)?, day(days)?),
        };
        let minute = |t: &str| -> Option<usize> {
            let (h, m) = t.split_once(':')?;
            if h.len() != 2 || m.len() != 2 {
                return None;
            }
            let minute = h.parse::<usize>().ok()? * 60 + m.parse::<usize>().ok()?;
            (minute <= DAY).then_some(minute)
        };
        let (from, to) = times.split_once('-')?;
        let (from, to) = (minute(from)?, minute(to)?);
        let count = (last + 7 - first) % 7 + 1;
        for d in (0..count).map(|i| (first + i) % 7) {
            for m in from..to.max(from) {
                week[d * DAY + m] = true;
            }
        }
    }
    Some(week)
}

/// Whether `wide` covers every minute `narrow` does.
fn covers(wide: &[bool], narrow: &[bool]) -> bool {
    wide.iter().zip(narrow).all(|(w, n)| *w || !*n)
}

/// At most this many characters of a value in a message.
const SHOWN: usize = 60;

/// A value in a message: in backticks (a backtick inside becomes `'`),
/// cut at [`SHOWN`] characters.
fn shown(v: &Value) -> String {
    if v.is_null() {
        return "none".into();
    }
    format!("`{}`", shown_plain(v))
}

fn shown_plain(v: &Value) -> String {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), num),
        Value::Null => "none".into(),
        other => other.to_string(),
    };
    let text = text.replace('`', "'");
    if text.chars().count() > SHOWN {
        let cut: String = text.chars().take(SHOWN).collect();
        format!("{cut}…")
    } else {
        text
    }
}

/// A value for the JSON's `old` and `new`: numbers and texts as they are,
/// anything else as its JSON text.
fn scalar(v: &Value) -> Option<Scalar> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(Scalar::Text(s.clone())),
        Value::Number(n) => n.as_f64().map(Scalar::Number),
        other => Some(Scalar::Text(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A capacity (`fte`): lowered or removed weakens, raised or added
    /// strengthens, compared in hundredths.
    #[test]
    fn capacity_larger_is_stronger() {
        let j = |order, o: Value, n: Value| judge(order, &o, &n);
        assert_eq!(j(Order::Larger, json!(4.5), json!(4)), Way::Weaker);
        assert_eq!(j(Order::Larger, json!(0.8), json!(1)), Way::Stronger);
        assert_eq!(j(Order::Larger, json!(0.8), Value::Null), Way::Weaker);
        assert_eq!(j(Order::Larger, Value::Null, json!(0.8)), Way::Stronger);
    }

    #[test]
    fn a_count_judges_fewer_as_stronger() {
        let j = judge;
        assert_eq!(j(Order::Fewer, &json!(2), &json!(3)), Way::Weaker);
        assert_eq!(j(Order::Fewer, &json!(3), &json!(2)), Way::Stronger);
        assert_eq!(j(Order::Fewer, &json!(2), &Value::Null), Way::Weaker);
        assert_eq!(j(Order::Fewer, &Value::Null, &json!(2)), Way::Stronger);
    }

    #[test]
    fn orders_judge_each_way() {
        use Way::*;
        let j = |o: Order, a: Value, b: Value| judge(o, &a, &b);
        assert_eq!(
            j(
                Order::Shorter,
                json!("2 working days"),
                json!("30 working days")
            ),
            Weaker
        );
        assert_eq!(
            j(Order::Shorter, json!("1 day"), json!("4 hours")),
            Stronger
        );
        assert_eq!(j(Order::Shorter, json!("1 day"), Value::Null), Weaker);
        assert_eq!(j(Order::Shorter, Value::Null, json!("1 day")), Stronger);
        assert_eq!(j(Order::Period, json!("month"), json!("year")), Weaker);
        assert_eq!(j(Order::Period, json!("year"), json!("quarter")), Stronger);
        assert_eq!(
            j(Order::Earlier, json!("2027-01-01"), json!("2027-06-30")),
            Weaker
        );
        assert_eq!(j(Order::Later, Value::Null, json!("2027-06-30")), Weaker);
        assert_eq!(j(Order::Later, json!("2027-06-30"), Value::Null), Stronger);
        assert_eq!(
            j(Order::Hours, json!("24x7"), json!("Mon-Fri 09:00-17:00")),
            Weaker
        );
        assert_eq!(
            j(
                Order::Hours,
                json!("Mon-Fri 09:00-17:00"),
                json!("Mon-Sat 08:00-18:00")
            ),
            Stronger
        );
        assert_eq!(
            j(
                Order::Hours,
                json!("Mon 09:00-17:00"),
                json!("Tue 09:00-17:00")
            ),
            Weaker
        );
        assert_eq!(
            j(
                Order::Hours,
                json!("Sat-Sun 00:00-24:00, Mon-Fri 00:00-24:00"),
                json!("24x7")
            ),
            Neither
        );
        // Text no catalog pmoc wrote holds: its direction cannot be told.
        for odd in [
            "Mon 999999999999999999:00-10:00",
            "Mon-Fri",
            "Xyz 09:00-10:00",
            "",
        ] {
            assert_eq!(j(Order::Hours, json!("24x7"), json!(odd)), Weaker, "{odd}");
        }
        assert_eq!(
            j(Order::Shorter, json!("1 day"), json!("99999999999 years")),
            Weaker
        );
        assert_eq!(j(Order::Shorter, json!("1 day"), json!(4)), Weaker);
        assert_eq!(j(Order::Present, json!("g"), Value::Null), Weaker);
        assert_eq!(j(Order::Present, json!("g"), json!("h")), Weaker);
        let t = |k: &str, v: f64| json!({"kind": k, "value": v});
        assert_eq!(
            j(Order::Threshold, t("at-least", 50.0), t("at-least", 40.0)),
            Weaker
        );
        assert_eq!(
            j(Order::Threshold, t("at-most", 5.0), t("at-most", 4.0)),
            Stronger
        );
        assert_eq!(
            j(Order::Threshold, t("at-most", 5.0), t("at-least", 4.0)),
            Weaker
        );
    }
}

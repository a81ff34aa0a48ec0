//! The service page's rollout timeline: the rollout's phases,
//! communications and trainings as one list in date order, each placed
//! against as-of (past, under way, ahead), with what a phase's group
//! lacks (the catalog's `onboarding_missing`); and its champions by
//! group, with the groups the phases reach that have none. Made from the
//! catalog's rollout entry, for the `rollout_timeline` macro.

use minijinja::context;
use minijinja::value::{Serde, Value};
use serde::Serialize;

use crate::catalog::{Onboarding, RolloutEntry};

/// One line of the timeline.
#[derive(Debug, Serialize)]
struct Row<'c> {
    /// Its first day; none for an undated entry (listed last).
    date: Option<&'c str>,
    /// Its last day, for a phase spanning days.
    until: Option<&'c str>,
    /// `phase`, `communication` or `training`.
    kind: &'static str,
    what: &'c str,
    groups: Vec<&'c str>,
    channel: Option<&'c str>,
    /// `past`, `now` or `ahead` of as-of; `undated`.
    when: &'static str,
    missing: &'c [Onboarding],
}

/// A group's champions.
#[derive(Debug, Serialize)]
struct Championed<'c> {
    /// None: every group of the rollout.
    group: Option<&'c str>,
    parties: Vec<&'c str>,
}

/// The timeline's values: `rows` in date order, `champions` by group.
pub(super) fn timeline(r: &RolloutEntry, as_of: &str) -> Value {
    let mut rows: Vec<Row> = Vec::new();
    let when = |first: Option<&str>, last: Option<&str>| match (first, last.or(first)) {
        (None, None) | (None, Some(_)) => "undated",
        (Some(_), Some(l)) if l < as_of => "past",
        (Some(f), _) if f <= as_of => "now",
        _ => "ahead",
    };
    for p in &r.phases {
        let first = p.start.as_deref().or(p.end.as_deref());
        let until = p.end.as_deref().filter(|e| Some(*e) != first);
        rows.push(Row {
            date: first,
            until,
            kind: "phase",
            what: &p.name,
            groups: p.groups.iter().map(String::as_str).collect(),
            channel: None,
            when: when(first, p.end.as_deref()),
            missing: &p.onboarding_missing,
        });
    }
    for c in &r.communications {
        rows.push(Row {
            date: c.on.as_deref(),
            until: None,
            kind: "communication",
            what: &c.message,
            groups: c.to.iter().map(String::as_str).collect(),
            channel: c.channel.as_deref(),
            when: when(c.on.as_deref(), None),
            missing: &[],
        });
    }
    for t in &r.trainings {
        rows.push(Row {
            date: t.by.as_deref(),
            until: None,
            kind: "training",
            what: &t.training,
            groups: t.groups.iter().map(String::as_str).collect(),
            channel: None,
            when: when(t.by.as_deref(), None),
            missing: &[],
        });
    }
    // Communications and trainings before the phase of the same day: the
    // order a group meets them in.
    let rank = |k: &str| match k {
        "communication" => 0,
        "training" => 1,
        _ => 2,
    };
    rows.sort_by(|a, b| {
        (a.date.is_none(), a.date, rank(a.kind)).cmp(&(b.date.is_none(), b.date, rank(b.kind)))
    });
    context! {
        rows => Value::from(Serde(rows)),
        champions => Value::from(Serde(champions(r))),
    }
}

/// The champions by group, in the order the rollout names the groups
/// (champions first, then the phases'); a group a phase reaches with no
/// champion of its own has an empty list (one for every group covers it).
fn champions(r: &RolloutEntry) -> Vec<Championed<'_>> {
    let mut out: Vec<Championed> = Vec::new();
    for c in &r.champions {
        let groups: Vec<Option<&str>> = if c.groups.is_empty() {
            vec![None]
        } else {
            c.groups.iter().map(|g| Some(g.as_str())).collect()
        };
        for g in groups {
            match out.iter_mut().find(|x| x.group == g) {
                Some(x) => x.parties.push(&c.party),
                None => out.push(Championed {
                    group: g,
                    parties: vec![&c.party],
                }),
            }
        }
    }
    let everyone = out.iter().any(|x| x.group.is_none());
    if !everyone {
        for g in r.phases.iter().flat_map(|p| &p.groups) {
            if !out.iter().any(|x| x.group == Some(g.as_str())) {
                out.push(Championed {
                    group: Some(g),
                    parties: Vec::new(),
                });
            }
        }
    }
    out
}

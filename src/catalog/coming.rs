//! What is coming to each customer group (`coming` of its catalog entry):
//! the pilots, rollout phases, communications and trainings of the
//! services that are not retired, that touch the group and have not
//! ended before as-of, in date order. The customer page's *what is
//! coming to you* shows it as it is.

use rustc_hash::FxHashMap as HashMap;

use jiff::civil::Date;

use super::{ComingEntry, ComingKind};
use crate::model::{Id, Model, Service, Stage};

/// One thing coming to some groups: its last day and what it is.
struct Coming<'m> {
    groups: Vec<&'m Id>,
    end: Date,
    entry: ComingEntry,
}

/// What a thing coming is, before it is dated.
struct What<'m> {
    kind: ComingKind,
    what: Option<&'m str>,
    channel: Option<&'m str>,
}

/// Every group's list, by group id (a group nothing touches is absent).
pub(super) fn by_group(model: &Model, as_of: Date) -> HashMap<&str, Vec<ComingEntry>> {
    let mut out: HashMap<&str, Vec<ComingEntry>> = HashMap::default();
    let services = model
        .services
        .iter()
        .filter(|s| s.stage() != Some(Stage::Retired));
    for c in services
        .flat_map(|s| of_service(s))
        .filter(|c| c.end >= as_of)
    {
        for g in c.groups {
            out.entry(g.value.as_str())
                .or_default()
                .push(c.entry.clone());
        }
    }
    let key = |c: &ComingEntry| (c.date.clone(), c.kind, c.service.clone(), c.what.clone());
    for list in out.values_mut() {
        list.sort_by_key(key);
        list.dedup_by(|a, b| key(a) == key(b));
    }
    out
}

/// A service's pilot, rollout phases, communications and trainings, each
/// with the groups it touches (undated ones left out).
fn of_service<'m>(svc: &'m Service) -> Vec<Coming<'m>> {
    let mut all: Vec<(Vec<&'m Id>, Date, Date, What<'m>)> = Vec::new();
    let mut add = |groups: Vec<&'m Id>, first: Option<Date>, last: Option<Date>, w: What<'m>| {
        let Some(start) = first.or(last) else {
            return;
        };
        let end = last.filter(|l| *l >= start).unwrap_or(start);
        all.push((groups, start, end, w));
    };
    if let Some(p) = &svc.pilot {
        let pilot = What {
            kind: ComingKind::Pilot,
            what: None,
            channel: None,
        };
        let (start, review) = (p.start.map(|d| d.value), p.review.map(|d| d.value));
        add(p.groups.iter().collect(), start, review, pilot);
    }
    if let Some(r) = &svc.rollout {
        for phase in &r.phases {
            let w = What {
                kind: ComingKind::Phase,
                what: Some(&phase.name.value),
                channel: None,
            };
            let (start, end) = (phase.start.map(|d| d.value), phase.end.map(|d| d.value));
            add(phase.groups.iter().collect(), start, end, w);
        }
        for c in &r.communications {
            let w = What {
                kind: ComingKind::Communication,
                what: Some(&c.message.value),
                channel: c.channel.as_ref().map(|t| t.value.as_str()),
            };
            let on = c.on.map(|d| d.value);
            add(c.to.iter().collect(), on, on, w);
        }
        for t in &r.trainings {
            let w = What {
                kind: ComingKind::Training,
                what: Some(&t.training.value),
                channel: None,
            };
            let by = t.by.map(|d| d.value);
            add(t.groups.iter().collect(), by, by, w);
        }
    }
    all.into_iter()
        .map(|(groups, start, end, w)| Coming {
            groups,
            end,
            entry: ComingEntry {
                date: start.to_string(),
                until: (end > start).then(|| end.to_string()),
                kind: w.kind,
                service: svc.id.value.clone(),
                what: w.what.map(str::to_string),
                channel: w.channel.map(str::to_string),
            },
        })
        .collect()
}

//! What is coming to each customer group (`coming` of its catalog entry):
//! the pilots, rollout phases, communications and trainings of the
//! services that are not retired, that touch the group and have not
//! ended before as-of, in date order. The customer page's *what is
//! coming to you* shows it as it is.

use std::collections::HashMap;

use jiff::civil::Date;

use super::{ComingEntry, ComingKind};
use crate::model::{Id, Model, Stage};

/// One thing coming to some groups: its days and what it is.
struct Coming<'m> {
    groups: Vec<&'m Id>,
    end: Date,
    entry: ComingEntry,
}

/// Every group's list, by group id (a group nothing touches is absent).
pub(super) fn by_group<'m>(model: &'m Model, as_of: Date) -> HashMap<&'m str, Vec<ComingEntry>> {
    let mut out: HashMap<&str, Vec<ComingEntry>> = HashMap::new();
    for svc in &model.services {
        if svc.stage() == Some(Stage::Retired) {
            continue;
        }
        let service = &svc.id.value;
        let mut all: Vec<Coming<'m>> = Vec::new();
        let mut add = |groups: Vec<&'m Id>,
                       first: Option<Date>,
                       last: Option<Date>,
                       kind: ComingKind,
                       what: Option<&str>,
                       channel: Option<&str>| {
            let Some(start) = first.or(last) else {
                return;
            };
            let end = last.filter(|l| *l >= start).unwrap_or(start);
            all.push(Coming {
                groups,
                end,
                entry: ComingEntry {
                    date: start.to_string(),
                    until: (end > start).then(|| end.to_string()),
                    kind,
                    service: service.clone(),
                    what: what.map(str::to_string),
                    channel: channel.map(str::to_string),
                },
            });
        };
        if let Some(p) = &svc.pilot {
            let (start, review) = (p.start.map(|d| d.value), p.review.map(|d| d.value));
            add(
                p.groups.iter().collect(),
                start,
                review,
                ComingKind::Pilot,
                None,
                None,
            );
        }
        if let Some(r) = &svc.rollout {
            for phase in &r.phases {
                add(
                    phase.groups.iter().collect(),
                    phase.start.map(|d| d.value),
                    phase.end.map(|d| d.value),
                    ComingKind::Phase,
                    Some(&phase.name.value),
                    None,
                );
            }
            for c in &r.communications {
                let on = c.on.map(|d| d.value);
                add(
                    c.to.iter().collect(),
                    on,
                    on,
                    ComingKind::Communication,
                    Some(&c.message.value),
                    c.channel.as_ref().map(|t| t.value.as_str()),
                );
            }
            for t in &r.trainings {
                let by = t.by.map(|d| d.value);
                add(
                    t.groups.iter().collect(),
                    by,
                    by,
                    ComingKind::Training,
                    Some(&t.training.value),
                    None,
                );
            }
        }
        for c in all.into_iter().filter(|c| c.end >= as_of) {
            for g in c.groups {
                out.entry(g.value.as_str())
                    .or_default()
                    .push(c.entry.clone());
            }
        }
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| {
            (&a.date, a.kind, &a.service, &a.what).cmp(&(&b.date, b.kind, &b.service, &b.what))
        });
        list.dedup_by(|a, b| {
            (&a.date, a.kind, &a.service, &a.what) == (&b.date, b.kind, &b.service, &b.what)
        });
    }
    out
}

//! The catalogue's dates as an iCalendar feed (RFC 5545): one all-day
//! event per date that someone must act on or attend to, for a calendar
//! program to subscribe to.
//!
//! The dates: each SLA's `review-by` and `ends`; each pilot's `start` and
//! `review`; each rollout phase that gives dates (a span from `start` to
//! `end`, or the one day it gives) and the rollout's `adoption-target`
//! `by`; a transform's `target-date`; a retirement's `date`; each gate
//! decision's date, and the `revisit` date of each decision on hold; each
//! plan's `by` (`plan.<service>.<stage>`, its summary saying when it has
//! slipped or been reached); each improvement's `due`
//! (`improvement-due.<id>`, its summary saying when it is done, dropped or
//! overdue), with its service's events; each rollout's communications
//! (`communicate.<service>.<group>.<date>`) and trainings
//! (`train.<service>.<group>.<date>`).
//!
//! Each customer group has a feed of its own ([`calendar_for`]): the
//! pilots, rollout phases, communications and trainings that touch it.
//!
//! Every event's UID is built from ids and the field, never from a
//! position (`sla-review-by.risk-log-sla@acme-pmo.pmoc`), so a subscribed
//! calendar updates an event when its date moves instead of adding a
//! second one. `DTSTAMP` is as-of at midnight UTC: the feed reads no clock,
//! and the same catalogue gives the same bytes. Text is escaped as the RFC
//! says (`\\`, `\;`, `\,`, `\n`), lines end in CRLF and are folded at 75
//! octets, never inside a character.

use std::collections::HashMap;

use jiff::civil::Date;

use super::absolute_url;
use crate::base::EntityKind;
use crate::catalog::{Catalog, DecisionEntry, ImprovementEntry, RolloutEntry, ServiceEntry};
use crate::model::DecisionOutcome;

/// One all-day event, from `start` to `end` inclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub uid: String,
    pub start: Date,
    pub end: Date,
    pub summary: String,
    pub description: String,
    /// The service's page, when the site has an absolute address.
    pub url: Option<String>,
}

/// Every event of the catalogue, sorted by start date, then UID.
pub fn events(catalog: &Catalog) -> Vec<Event> {
    events_for(catalog, None)
}

/// The events of one customer group's feed (every event with `None`): its
/// pilots' start and review, the rollout phases reaching it, the
/// communications to it and its trainings; sorted as [`events`].
pub fn events_for(catalog: &Catalog, group: Option<&str>) -> Vec<Event> {
    let gate_names: HashMap<&str, &str> = catalog
        .gates
        .iter()
        .filter_map(|g| Some((g.id.as_str(), g.name.as_deref()?)))
        .collect();
    // Each service's improvements, found in one pass (a group's feed has
    // none of them).
    let mut improvements: HashMap<&str, Vec<&ImprovementEntry>> = HashMap::new();
    if group.is_none() {
        for i in &catalog.improvements {
            if let Some(service) = i.service.as_deref() {
                improvements.entry(service).or_default().push(i);
            }
        }
    }
    let mut events = Vec::new();
    for svc in &catalog.services {
        let mut add = Adder {
            catalog,
            svc,
            only: group,
            improvements: improvements
                .get(svc.id.as_str())
                .map(Vec::as_slice)
                .unwrap_or_default(),
            events: &mut events,
        };
        add.slas();
        add.plans();
        add.improvements();
        add.stage_blocks();
        add.decisions(&gate_names);
    }
    events.sort_by(|a, b| (a.start, &a.uid).cmp(&(b.start, &b.uid)));
    events
}

/// Adds one service's events.
struct Adder<'a> {
    catalog: &'a Catalog,
    svc: &'a ServiceEntry,
    /// A customer group's feed: only the events touching it.
    only: Option<&'a str>,
    /// The service's improvements.
    improvements: &'a [&'a ImprovementEntry],
    events: &'a mut Vec<Event>,
}

impl Adder<'_> {
    /// The service as summaries name it: its name, else its id.
    fn title(&self) -> &str {
        self.svc.name.as_deref().unwrap_or(&self.svc.id)
    }

    /// Adds an event of the whole feed (none of a group's).
    fn add(&mut self, uid: String, date: &Option<String>, end: &Option<String>, summary: String) {
        if self.only.is_none() {
            self.push(uid, date, end, summary);
        }
    }

    /// Adds an event touching `groups`: in the whole feed and in theirs.
    fn add_touching(
        &mut self,
        uid: String,
        date: &Option<String>,
        end: &Option<String>,
        summary: String,
        groups: &[String],
    ) {
        if self.only.is_none_or(|g| groups.iter().any(|x| x == g)) {
            self.push(uid, date, end, summary);
        }
    }

    /// Adds an event on `date` (and up to `end`), when the dates parse.
    fn push(&mut self, uid: String, date: &Option<String>, end: &Option<String>, summary: String) {
        let Some(start) = date.as_deref().and_then(|d| d.parse::<Date>().ok()) else {
            return;
        };
        let end = end
            .as_deref()
            .and_then(|d| d.parse::<Date>().ok())
            .filter(|e| *e >= start)
            .unwrap_or(start);
        let svc = self.svc;
        let mut description = format!("Service {} ({})", svc.id, self.title());
        for (what, value) in [("function", &svc.function), ("owner", &svc.owner)] {
            if let Some(v) = value {
                description.push_str(&format!("\n{what}: {v}"));
            }
        }
        if let Some(stage) = svc.stage {
            description.push_str(&format!("\nstage: {stage}"));
        }
        let page = EntityKind::Service.url(&svc.id);
        self.events.push(Event {
            uid: format!("{uid}@{}.pmoc", self.catalog.pmo.id),
            start,
            end,
            summary,
            description,
            url: absolute_url(self.catalog, &page),
        });
    }

    fn slas(&mut self) {
        let title = self.title().to_string();
        for sla in &self.svc.slas {
            let (uid, summary) = (
                format!("sla-review-by.{}", sla.id),
                format!("SLA review due: {} ({title})", sla.id),
            );
            self.add(uid, &sla.review_by, &None, summary);
            let (uid, summary) = (
                format!("sla-ends.{}", sla.id),
                format!("SLA ends: {} ({title})", sla.id),
            );
            self.add(uid, &sla.ends, &None, summary);
        }
    }

    fn plans(&mut self) {
        let (svc, title) = (self.svc, self.title().to_string());
        for p in &svc.plans {
            let note = if p.slipped {
                " (slipped)"
            } else if p.reached {
                " (reached)"
            } else {
                ""
            };
            let summary = format!("Planned: {title} reaches {}{note}", p.stage);
            self.add(
                format!("plan.{}.{}", svc.id, p.stage),
                &p.by,
                &None,
                summary,
            );
        }
    }

    fn improvements(&mut self) {
        let title = self.title().to_string();
        for i in self.improvements {
            let note = match (&i.done, &i.dropped) {
                (Some(d), _) => format!(" (done {d})"),
                (None, Some(d)) => format!(" (dropped {})", d.date),
                (None, None) if i.overdue => " (overdue)".to_string(),
                (None, None) => String::new(),
            };
            let what = i.title.as_deref().unwrap_or(&i.id);
            let summary = format!("Improvement due: {what} ({title}){note}");
            self.add(format!("improvement-due.{}", i.id), &i.due, &None, summary);
        }
    }

    fn stage_blocks(&mut self) {
        let (svc, title) = (self.svc, self.title().to_string());
        let id = &svc.id;
        if let Some(p) = &svc.pilot {
            let start = format!("Pilot starts: {title}");
            let groups = &p.groups;
            self.add_touching(format!("pilot-start.{id}"), &p.start, &None, start, groups);
            let review = format!("Pilot review: {title}");
            self.add_touching(
                format!("pilot-review.{id}"),
                &p.review,
                &None,
                review,
                groups,
            );
        }
        if let Some(r) = &svc.rollout {
            let mut seen: HashMap<&str, usize> = HashMap::new();
            for phase in &r.phases {
                // Two phases of one name are told apart by their order
                // among phases of that name.
                let n = seen.entry(phase.name.as_str()).or_default();
                *n += 1;
                let key = match *n {
                    1 => uid_part(&phase.name),
                    n => format!("{}.{n}", uid_part(&phase.name)),
                };
                let summary = format!("Rollout phase {}: {title}", phase.name);
                let date = phase.start.clone().or_else(|| phase.end.clone());
                self.add_touching(
                    format!("rollout-phase.{id}.{key}"),
                    &date,
                    &phase.end,
                    summary,
                    &phase.groups,
                );
            }
            if let Some(a) = &r.adoption_target {
                let summary = format!("Adoption target due ({}): {title}", a.metric);
                self.add(format!("adoption-target-by.{id}"), &a.by, &None, summary);
            }
            self.onboarding(r);
        }
        if let Some(t) = &svc.transform {
            let summary = format!("Transform target date: {title}");
            self.add(
                format!("transform-target-date.{id}"),
                &t.target_date,
                &None,
                summary,
            );
        }
        if let Some(r) = &svc.retirement {
            let summary = format!("Retirement: {title}");
            self.add(format!("retirement-date.{id}"), &r.date, &None, summary);
        }
    }

    /// A rollout's communications (`communicate.<service>.<group>.<date>`)
    /// and trainings (`train.<service>.<group>.<date>`); a second one with
    /// the same key adds `.2`.
    fn onboarding(&mut self, r: &RolloutEntry) {
        let (id, title) = (self.svc.id.clone(), self.title().to_string());
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut key = |kind: &str, group: &str, date: &Option<String>| {
            let base = format!(
                "{kind}.{id}.{group}.{}",
                date.as_deref().unwrap_or("undated")
            );
            let n = seen.entry(base.clone()).or_default();
            *n += 1;
            match *n {
                1 => base,
                n => format!("{base}.{n}"),
            }
        };
        let mut found = Vec::new();
        for c in &r.communications {
            let group = c.to.as_deref().unwrap_or("nobody");
            let channel = c
                .channel
                .as_deref()
                .map(|ch| format!(" ({ch})"))
                .unwrap_or_default();
            let summary = format!("Tell {group}: {}{channel} ({title})", c.message);
            let groups = c.to.iter().cloned().collect();
            found.push((
                key("communicate", group, &c.on),
                c.on.clone(),
                summary,
                groups,
            ));
        }
        for t in &r.trainings {
            let group = t.groups.first().map_or("nobody", String::as_str);
            let summary = format!("Train {group} by: {} ({title})", t.training);
            found.push((
                key("train", group, &t.by),
                t.by.clone(),
                summary,
                t.groups.clone(),
            ));
        }
        for (uid, date, summary, groups) in found {
            self.add_touching(uid, &date, &None, summary, &groups);
        }
    }

    fn decisions(&mut self, gate_names: &HashMap<&str, &str>) {
        let title = self.title().to_string();
        let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
        for d in &self.svc.decisions {
            let n = seen
                .entry((d.gate.as_str(), d.date.as_deref().unwrap_or("")))
                .or_default();
            *n += 1;
            let key = decision_key(d, *n);
            let gate = match gate_names.get(d.gate.as_str()) {
                Some(name) => format!("{name} ({})", d.gate),
                None => d.gate.clone(),
            };
            let outcome = d.outcome.map(|o| o.as_str()).unwrap_or("decision");
            let summary = format!("Gate {gate}: {outcome} for {title}");
            self.add(format!("decision.{key}"), &d.date, &None, summary);
            if d.outcome == Some(DecisionOutcome::Hold) {
                let summary = format!("Revisit hold at {gate}: {title}");
                self.add(
                    format!("decision-revisit.{key}"),
                    &d.revisit,
                    &None,
                    summary,
                );
            }
        }
    }
}

/// A decision's part of a UID: service, gate and date (the `n`th decision
/// of one gate and date gets `.n`).
fn decision_key(d: &DecisionEntry, n: usize) -> String {
    let date = d.date.as_deref().unwrap_or("undated");
    match n {
        1 => format!("{}.{}.{date}", d.service, d.gate),
        n => format!("{}.{}.{date}.{n}", d.service, d.gate),
    }
}

/// Free text (a phase's name) in a UID: letters and digits kept, every
/// other byte percent-encoded, so it holds no `.`, `@` or text escape.
fn uid_part(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The feed: a VCALENDAR with every event, CRLF, folded.
pub fn calendar(catalog: &Catalog) -> String {
    calendar_for(catalog, None)
}

/// A customer group's feed (`export/calendars/<group>.ics` in the site):
/// the events touching it ([`events_for`]), named after the PMO and the
/// group; with `None`, the whole feed.
pub fn calendar_for(catalog: &Catalog, group: Option<&str>) -> String {
    let stamp = format!("{}T000000Z", compact(catalog.as_of.parse().ok()));
    let pmo = catalog.pmo.name.as_deref().unwrap_or(&catalog.pmo.id);
    let name = match group {
        Some(g) => {
            let customer = catalog.customers.iter().find(|c| c.id == g);
            let group_name = customer.and_then(|c| c.name.as_deref()).unwrap_or(g);
            format!("{pmo}: {group_name}")
        }
        None => pmo.to_string(),
    };
    // Each line is folded into the feed as it is made: the lines are never
    // held besides it (the feed of 20,000 services is tens of megabytes).
    let mut out = String::new();
    let mut line = |text: &str| fold(&mut out, text);
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line("PRODID:-//pmoc//PMO catalogue export//EN");
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    line(&format!("X-WR-CALNAME:{}", escape(&name)));
    for e in events_for(catalog, group) {
        line("BEGIN:VEVENT");
        line(&format!("UID:{}", escape(&e.uid)));
        line(&format!("DTSTAMP:{stamp}"));
        line(&format!("DTSTART;VALUE=DATE:{}", compact(Some(e.start))));
        let after = e.end.tomorrow().unwrap_or(e.end);
        line(&format!("DTEND;VALUE=DATE:{}", compact(Some(after))));
        line(&format!("SUMMARY:{}", escape(&e.summary)));
        line(&format!("DESCRIPTION:{}", escape(&e.description)));
        if let Some(url) = &e.url {
            line(&format!("URL:{url}"));
        }
        line("TRANSP:TRANSPARENT");
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    out
}

/// A date as `YYYYMMDD` (as-of unparsable: the epoch's first day, never
/// the clock).
fn compact(date: Option<Date>) -> String {
    let d = date.unwrap_or(Date::constant(1970, 1, 1));
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}

/// TEXT as RFC 5545 writes it: `\`, `;` and `,` escaped, line breaks as
/// `\n`, other control characters left out.
pub fn escape(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' | '\r' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line folded at 75 octets (continuations begin with a
/// space), never inside a UTF-8 character, ended by CRLF.
pub fn fold(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a,b;c\\d\r\ne\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
    }

    #[test]
    fn lines_fold_at_75_octets_between_characters() {
        let mut out = String::new();
        let line = format!("SUMMARY:{}", "é".repeat(60));
        fold(&mut out, &line);
        for physical in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{physical:?}");
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("{line}\r\n"));
    }

    #[test]
    fn uid_parts_hold_no_separators() {
        assert_eq!(uid_part("Retail, wave 1."), "Retail%2C%20wave%201%2E");
    }
}

//! The review for a terminal: plain text, no colour, periods wrapped to
//! fit 88 columns.

use std::fmt::Write;

use super::shape::{
    AdoptionJudgement, AdoptionReview, AdoptionStanding, AgendaItem, Data, FiredTrigger, Review,
    ServiceReview, SlaReview, Status, TargetReview, UnjudgedTrigger,
};
use super::{
    bound_in, counted, due_soon, exact, listed, measure, no_sla_data, no_values, reasons,
    service_named, share_words, state_word, trend_words,
};
use crate::emit::visible::line;
use crate::model::BoundKind;

const WIDTH: usize = 88;

/// The review as plain text.
pub fn text(review: &Review) -> String {
    let mut out = String::new();
    header(&mut out, review);
    due(&mut out, review);
    glance(&mut out, review);
    agenda(&mut out, review);
    since(&mut out, review);
    super::improvements::text(&mut out, review);
    adoption(&mut out, review);
    out.push_str("\nServices in detail\n");
    if review.services.is_empty() {
        out.push_str("\nNo service is in operation or transform.\n");
    }
    for service in &review.services {
        out.push('\n');
        service_text(&mut out, service);
    }
    out
}

fn header(out: &mut String, review: &Review) {
    let name = line(review.pmo.name.as_deref().unwrap_or(&review.pmo.id));
    let s = &review.summary;
    let _ = writeln!(
        out,
        "Portfolio board pack of {name} ({}) as of {}",
        line(&review.pmo.id),
        review.as_of
    );
    let metrics = if review.observed {
        "observations read"
    } else {
        "no observations were read: every SLA target counts as without data"
    };
    let _ = writeln!(
        out,
        "Metrics: {metrics}; the agenda looks ahead to {}",
        review.horizon
    );
    let _ = writeln!(
        out,
        "{} in operation or transform ({} red, {} amber, {} green); {} fired; of {} in force, in their latest period: {} met, {} warned, {} breached, {} without data; {} on the agenda",
        plural(s.services, "service"),
        s.red,
        s.amber,
        s.green,
        plural(s.triggers_fired, "trigger"),
        plural(s.targets, "SLA target"),
        s.targets_met,
        s.targets_warned,
        s.targets_breached,
        s.targets_without_data,
        plural(s.agenda_items, "item"),
    );
}

fn service_text(out: &mut String, service: &ServiceReview) {
    let stage = service.stage.map(|s| s.to_string()).unwrap_or_default();
    let owner = service
        .owner_name
        .as_deref()
        .or(service.owner.as_deref())
        .map(|o| format!(", owner {}", line(o)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{} ({stage}{owner})",
        super::service_named(service, |n| line(n).into_owned())
    );
    if service.slas.is_empty() {
        out.push_str("  SLA: none in force\n");
    } else if service.sla_data != Data::Observed {
        let _ = writeln!(out, "  No SLA data: {}", no_sla_data(service.sla_data));
    }
    for sla in &service.slas {
        sla_text(out, sla, service.sla_data == Data::Observed);
    }
    if let Some(adoption) = &service.adoption {
        let _ = writeln!(out, "  Adoption: {}", adoption_text(adoption));
    }
    if service.fired.is_empty() {
        out.push_str("  Triggers: none fired\n");
    }
    for fired in &service.fired {
        fired_text(out, fired);
    }
    for unjudged in &service.unjudged {
        let _ = writeln!(out, "  Not judged: {}", unjudged_text(unjudged));
    }
}

/// "trigger `low-adoption`, no data for 2026-09 and 2026-10".
pub(super) fn unjudged_text(u: &UnjudgedTrigger) -> String {
    format!(
        "trigger `{}`, no data for {}",
        u.trigger,
        listed(&u.missing)
    )
}

/// Each target with its count summary; without data for the whole
/// service (said once above), the targets alone.
fn sla_text(out: &mut String, sla: &SlaReview, any_data: bool) {
    let period = sla
        .period
        .map(|p| format!("by {p}"))
        .unwrap_or_else(|| "no period".into());
    let review = sla
        .review_by
        .as_ref()
        .map(|d| format!(", review by {d}"))
        .unwrap_or_default();
    let customers = if sla.customers.is_empty() {
        String::new()
    } else {
        format!(", for {}", sla.customers.join(", "))
    };
    let _ = writeln!(out, "  SLA {} ({period}{customers}{review})", sla.id);
    if let Some(a) = &sla.allowance {
        let _ = writeln!(out, "    {}", super::allowance_words(a));
    }
    for target in &sla.targets {
        let judged = match target.data {
            Data::Observed => format!(": {}", counted(&target.counts)),
            data if any_data => format!(": {}", no_values(data)),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "    {}{judged}",
            target_words(target, |n| line(n).into_owned())
        );
        let cells: Vec<String> = target
            .periods
            .iter()
            .map(|p| {
                let value = p
                    .value
                    .map(|v| measure(v, target.unit))
                    .unwrap_or_else(|| "-".into());
                format!("{} {value} {}", p.period, state_word(p.state))
            })
            .collect();
        wrap(out, &cells, 6);
    }
}

/// "On time (`on-time-pct`) at least 95%, warned short of 97%", the
/// metric's name written by `name`.
pub(super) fn target_words(target: &TargetReview, name: impl Fn(&str) -> String) -> String {
    let threshold = target
        .threshold
        .as_ref()
        .map(|t| format!(" {}", bound_in(t, target.unit)))
        .unwrap_or_default();
    let warn = target
        .warn
        .map(|w| {
            let side = match target.threshold.as_ref().map(|t| t.kind) {
                Some(BoundKind::AtLeast) => "below",
                Some(BoundKind::AtMost) => "above",
                None => "at",
            };
            format!(", warned {side} {}", exact(w, target.unit))
        })
        .unwrap_or_default();
    match &target.metric_name {
        Some(n) => format!("{} (`{}`){threshold}{warn}", name(n), target.metric),
        None => format!("`{}`{threshold}{warn}", target.metric),
    }
}

/// "`adoption-pct` 42 in 2026-10 against at least 60 by 2027-06-30: not
/// met".
pub(super) fn adoption_text(a: &AdoptionReview) -> String {
    let target = a
        .threshold
        .as_ref()
        .map(|t| format!("target {}", bound_in(t, a.unit)))
        .unwrap_or_else(|| "target".into());
    let by =
        a.by.as_ref()
            .map(|d| format!(" by {d}"))
            .unwrap_or_default();
    let said = match (a.value, &a.period) {
        (Some(value), Some(period)) => {
            let verdict = match a.met {
                Some(true) => "met",
                Some(false) => "not met",
                None => "not judged",
            };
            format!(
                "`{}` {} in {period}, {target}{by}: {verdict}",
                a.metric,
                measure(value, a.unit)
            )
        }
        _ => format!("`{}`, {target}{by}: {}", a.metric, no_values(a.data)),
    };
    match &a.judgement {
        Some(j) => format!("{said}; {}", plan_words(j, a.unit)),
        None => said,
    }
}

/// "behind plan (20% in 2027-03 against 34.7% planned)".
pub(super) fn plan_words(j: &AdoptionJudgement, unit: Option<crate::model::Unit>) -> String {
    let (v, p) = (exact(j.value, unit), exact(j.planned, unit));
    match j.standing {
        AdoptionStanding::OnPlan => format!("on plan ({v} in {} against {p} planned)", j.period),
        AdoptionStanding::BehindPlan => {
            format!("behind plan ({v} in {} against {p} planned)", j.period)
        }
        AdoptionStanding::Met => format!("met ({v} in {})", j.period),
        AdoptionStanding::Missed => format!("missed ({v} in {}, none met it since)", j.period),
    }
}

/// Every rollout's adoption against its target and plan, pipeline
/// services included.
fn adoption(out: &mut String, review: &Review) {
    if review.adoption.is_empty() {
        return;
    }
    out.push_str("\nAdoption (every service with an adoption target)\n");
    for a in &review.adoption {
        let stage = a.stage.map(|s| format!(", {s}")).unwrap_or_default();
        let name = line(a.name.as_deref().unwrap_or(&a.service));
        let _ = writeln!(
            out,
            "  {name} ({}{stage}): {}",
            line(&a.service),
            adoption_text(&a.adoption)
        );
    }
}

fn fired_text(out: &mut String, fired: &FiredTrigger) {
    let _ = writeln!(
        out,
        "  Fired: trigger `{}`: {}",
        fired.trigger, fired.condition
    );
    let cells: Vec<String> = fired
        .window
        .iter()
        .map(|p| {
            let value = p
                .value
                .map(|v| measure(v, fired.unit))
                .unwrap_or_else(|| "-".into());
            format!("{} {value}", p.period)
        })
        .collect();
    wrap(out, &cells, 6);
    if let Some(successor) = &fired.successor {
        let _ = writeln!(out, "      replaced by `{successor}`, in operation");
    }
    let _ = writeln!(
        out,
        "    -> {}",
        consequence(fired, |n| line(n).into_owned())
    );
}

/// "review at gate `g4` (Transform or retire); no decision since
/// 2026-08-01", the gate's name written by `name`.
pub(super) fn consequence(fired: &FiredTrigger, name: impl Fn(&str) -> String) -> String {
    let action = fired
        .action
        .map(|a| a.to_string())
        .unwrap_or_else(|| "no action".into());
    let Some(gate) = &fired.gate else {
        return format!("{action}; it names no gate");
    };
    let name = fired
        .gate_name
        .as_deref()
        .map(|n| format!(" ({})", name(n)))
        .unwrap_or_default();
    format!("{action} at gate `{gate}`{name}; {}", decided(fired))
}

/// Whether the gate has decided since the trigger's window began.
pub(super) fn decided(fired: &FiredTrigger) -> String {
    match (&fired.decision, &fired.since) {
        (Some(d), _) => format!(
            "decided {} on {}",
            d.outcome.map(|o| o.to_string()).unwrap_or_default(),
            d.date.as_deref().unwrap_or("?")
        ),
        (None, Some(since)) => format!("no decision since {since}"),
        (None, None) => "no decision recorded".into(),
    }
}

/// "1 service", "2 services".
pub(super) fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// Cells joined by three spaces, wrapped at [`WIDTH`], each line indented.
fn wrap(out: &mut String, cells: &[String], indent: usize) {
    let mut line = String::new();
    for cell in cells {
        if !line.is_empty() && indent + line.len() + 3 + cell.len() > WIDTH {
            let _ = writeln!(out, "{:indent$}{line}", "");
            line.clear();
        }
        if !line.is_empty() {
            line.push_str("   ");
        }
        line.push_str(cell);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{:indent$}{line}", "");
    }
}

fn agenda(out: &mut String, review: &Review) {
    let _ = writeln!(out, "\nAgenda, to {}", review.horizon);
    if review.agenda.is_empty() {
        out.push_str("  Nothing is due.\n");
        return;
    }
    let mut kind = None;
    for item in &review.agenda {
        if kind != Some(item.kind) {
            kind = Some(item.kind);
            let _ = writeln!(out, "  {}", item.kind.heading());
        }
        let date = item.date.as_deref().unwrap_or("(no date)");
        let _ = writeln!(out, "    - {date}  {}{}", flag(item), line(&item.text));
    }
}

/// "OVERDUE: ", "UNANSWERED: " or nothing.
fn flag(item: &AgendaItem) -> &'static str {
    if item.overdue {
        "OVERDUE: "
    } else if item.unanswered {
        "UNANSWERED: "
    } else {
        ""
    }
}

/// Every agenda item due within 30 days, exceptions first.
fn due(out: &mut String, review: &Review) {
    out.push_str("\nDue within 30 days\n");
    let items = due_soon(review, 30);
    if items.is_empty() {
        out.push_str("  Nothing is due within 30 days.\n");
    }
    for item in items {
        let date = item.date.as_deref().unwrap_or("(no date)");
        let _ = writeln!(out, "  - {date}  {}{}", flag(item), line(&item.text));
    }
}

/// One line per service, exceptions first.
fn glance(out: &mut String, review: &Review) {
    out.push_str("\nServices at a glance (status, service, owner, trend, attainment over the last 12 periods)\n");
    let mut rows: Vec<&ServiceReview> = review.services.iter().collect();
    rows.sort_by_key(|s| s.standing);
    for s in rows {
        let status = match s.status {
            Status::Red => "RED  ",
            Status::Amber => "AMBER",
            Status::Green => "green",
        };
        let owner = s
            .owner_name
            .as_deref()
            .or(s.owner.as_deref())
            .map(|o| format!(", {}", line(o)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {status} {}{owner}: {}, {}",
            service_named(s, |n| line(n).into_owned()),
            trend_words(s.trend),
            share_words(s.attainment)
        );
        let why = reasons(s, |n| line(n).into_owned());
        if !why.is_empty() {
            let _ = writeln!(out, "        {}", why.join("; "));
        }
    }
}

fn since(out: &mut String, review: &Review) {
    let Some(since) = &review.since else { return };
    let _ = writeln!(out, "\nSince {}", since.date);
    if since.decisions.is_empty() {
        out.push_str("  No decision was taken.\n");
    }
    for d in &since.decisions {
        let service = line(d.service_name.as_deref().unwrap_or(&d.service)).into_owned();
        let gate = line(d.gate_name.as_deref().unwrap_or(&d.gate)).into_owned();
        let outcome = d.outcome.map(|o| o.to_string()).unwrap_or_default();
        let _ = writeln!(
            out,
            "  - {}  decided: {service}, {outcome} at {gate}",
            d.date
        );
    }
    if since.triggers.is_empty() {
        out.push_str("  No trigger started firing.\n");
    }
    for t in &since.triggers {
        let service = line(t.service_name.as_deref().unwrap_or(&t.service)).into_owned();
        let _ = writeln!(
            out,
            "  - {}  started firing: `{}` for {service} (its run from {})",
            t.onset, t.trigger, t.start
        );
    }
}

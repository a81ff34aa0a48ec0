//! The review for a terminal: plain text, no colour, periods wrapped to
//! fit 88 columns.

use std::fmt::Write;

use super::shape::*;
use super::{bound, counted, listed, no_sla_data, no_values, number, state_word};
use crate::emit::visible::line;

const WIDTH: usize = 88;

/// The review as plain text.
pub fn text(review: &Review) -> String {
    let mut out = String::new();
    header(&mut out, review);
    if review.services.is_empty() {
        out.push_str("\nNo service is in operation or transform.\n");
    }
    for service in &review.services {
        out.push('\n');
        service_text(&mut out, service);
    }
    agenda(&mut out, &review.agenda);
    out
}

fn header(out: &mut String, review: &Review) {
    let name = line(review.pmo.name.as_deref().unwrap_or(&review.pmo.id));
    let s = &review.summary;
    let _ = writeln!(
        out,
        "Operations review of {name} ({}) as of {}",
        line(&review.pmo.id),
        review.as_of
    );
    let metrics = if review.observed {
        "observations read"
    } else {
        "no observations were read"
    };
    let _ = writeln!(out, "Metrics: {metrics}");
    let _ = writeln!(
        out,
        "{} in operation or transform; {} fired; {} breached and {} without data in their last period; {} on the agenda",
        plural(s.services, "service"),
        plural(s.triggers_fired, "trigger"),
        plural(s.targets_breached, "SLA target"),
        s.targets_without_data,
        plural(s.agenda_items, "item"),
    );
}

fn service_text(out: &mut String, service: &ServiceReview) {
    let name = line(service.name.as_deref().unwrap_or(""));
    let stage = service.stage.map(|s| s.to_string()).unwrap_or_default();
    let owner = service
        .owner
        .as_ref()
        .map(|o| format!(", owner {o}"))
        .unwrap_or_default();
    let _ = writeln!(out, "{}: {name} ({stage}{owner})", service.id);
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
    for target in &sla.targets {
        let judged = match target.data {
            Data::Observed => format!(": {}", counted(&target.counts)),
            data if any_data => format!(": {}", no_values(data)),
            _ => String::new(),
        };
        let _ = writeln!(out, "    {}{judged}", target_words(target));
        let cells: Vec<String> = target
            .periods
            .iter()
            .map(|p| {
                let value = p.value.map(number).unwrap_or_else(|| "-".into());
                format!("{} {value} {}", p.period, state_word(p.state))
            })
            .collect();
        wrap(out, &cells, 6);
    }
}

/// "`on-time-pct` at least 95, warn 97".
pub(super) fn target_words(target: &TargetReview) -> String {
    let threshold = target
        .threshold
        .as_ref()
        .map(|t| format!(" {}", bound(t)))
        .unwrap_or_default();
    let warn = target
        .warn
        .map(|w| format!(", warn {}", number(w)))
        .unwrap_or_default();
    format!("`{}`{threshold}{warn}", target.metric)
}

/// "`adoption-pct` 42 in 2026-10 against at least 60 by 2027-06-30: not
/// met".
pub(super) fn adoption_text(a: &AdoptionReview) -> String {
    let target = a
        .threshold
        .as_ref()
        .map(|t| format!("target {}", bound(t)))
        .unwrap_or_else(|| "target".into());
    let by =
        a.by.as_ref()
            .map(|d| format!(" by {d}"))
            .unwrap_or_default();
    match (a.value, &a.period) {
        (Some(value), Some(period)) => {
            let verdict = match a.met {
                Some(true) => "met",
                Some(false) => "not met",
                None => "not judged",
            };
            format!(
                "`{}` {} in {period}, {target}{by}: {verdict}",
                a.metric,
                number(value)
            )
        }
        _ => format!("`{}`, {target}{by}: {}", a.metric, no_values(a.data)),
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
            let value = p.value.map(number).unwrap_or_else(|| "-".into());
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

/// The heading of each kind of agenda item.
fn kind_heading(kind: AgendaKind) -> &'static str {
    match kind {
        AgendaKind::SlaReview => "SLA reviews overdue",
        AgendaKind::PilotReview => "Pilots past their review",
        AgendaKind::GateDecision => "Gate decisions due",
    }
}

/// One agenda item's kind in words.
pub(super) fn kind_label(kind: AgendaKind) -> &'static str {
    match kind {
        AgendaKind::SlaReview => "SLA review overdue",
        AgendaKind::PilotReview => "Pilot past its review",
        AgendaKind::GateDecision => "Gate decision due",
    }
}

fn agenda(out: &mut String, items: &[AgendaItem]) {
    out.push_str("\nAgenda\n");
    if items.is_empty() {
        out.push_str("  Nothing is due.\n");
        return;
    }
    let mut kind = None;
    for item in items {
        if kind != Some(item.kind) {
            kind = Some(item.kind);
            let _ = writeln!(out, "  {}", kind_heading(item.kind));
        }
        let date = item.date.as_deref().unwrap_or("(no date)");
        let _ = writeln!(out, "    - {date}  {}", item.text);
    }
}

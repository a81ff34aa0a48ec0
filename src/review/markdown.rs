//! The review as GitHub-flavoured Markdown, to paste into an issue or a
//! board pack: a summary table, one section per service with a table of
//! its SLA periods and of its fired triggers, then the agenda as a table.
//! Free text (names) is escaped; ids are code spans.

use std::fmt::Write;

use super::shape::*;
use super::text::{adoption_text, consequence, kind_label, target_words, unjudged_text};
use super::{counted, no_sla_data, no_values, number, state_word};
use crate::emit::escape_markdown as escape;

/// The review as Markdown.
pub fn markdown(review: &Review) -> String {
    let mut out = String::new();
    header(&mut out, review);
    out.push_str("\n## Services\n");
    if review.services.is_empty() {
        out.push_str("\nNo service is in operation or transform.\n");
    }
    for service in &review.services {
        service_md(&mut out, service);
    }
    agenda(&mut out, &review.agenda);
    out
}

fn header(out: &mut String, review: &Review) {
    let name = review.pmo.name.as_deref().unwrap_or(&review.pmo.id);
    let s = &review.summary;
    let _ = writeln!(out, "# Operations review: {}\n", escape(name));
    let metrics = if review.observed {
        "observations read"
    } else {
        "no observations were read"
    };
    let _ = writeln!(
        out,
        "PMO `{}`, as of **{}**. Metrics: {metrics}.\n",
        review.pmo.id, review.as_of
    );
    out.push_str("| services | triggers fired | SLA targets breached | SLA targets without data | agenda items |\n");
    out.push_str("|---:|---:|---:|---:|---:|\n");
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} |",
        s.services, s.triggers_fired, s.targets_breached, s.targets_without_data, s.agenda_items
    );
    out.push_str("\nBreached and without data count each SLA target's last complete period.\n");
}

fn service_md(out: &mut String, service: &ServiceReview) {
    let name = service
        .name
        .as_deref()
        .map(|n| format!(": {}", escape(n)))
        .unwrap_or_default();
    let _ = writeln!(out, "\n### `{}`{name}\n", service.id);
    let mut facts = Vec::new();
    if let Some(stage) = service.stage {
        facts.push(format!("Stage {stage}"));
    }
    if let Some(owner) = &service.owner {
        facts.push(format!("owner `{owner}`"));
    }
    if let Some(function) = &service.function {
        facts.push(format!("function `{function}`"));
    }
    let _ = writeln!(out, "{}.", facts.join(", "));
    if service.slas.is_empty() {
        out.push_str("\n**SLA**: none in force.\n");
    } else if service.sla_data != Data::Observed {
        let _ = writeln!(out, "\n**No SLA data**: {}.", no_sla_data(service.sla_data));
    }
    for sla in &service.slas {
        sla_md(out, sla);
    }
    if let Some(adoption) = &service.adoption {
        let _ = writeln!(out, "\n**Adoption**: {}.", adoption_text(adoption));
    }
    fired_md(out, &service.fired);
    if !service.unjudged.is_empty() {
        let list: Vec<String> = service.unjudged.iter().map(unjudged_text).collect();
        let _ = writeln!(out, "\n**Not judged**: {}.", list.join("; "));
    }
}

fn sla_md(out: &mut String, sla: &SlaReview) {
    let mut facts = Vec::new();
    if let Some(period) = sla.period {
        facts.push(format!("by {period}"));
    }
    if !sla.customers.is_empty() {
        let customers: Vec<String> = sla.customers.iter().map(|c| format!("`{c}`")).collect();
        facts.push(format!("for {}", customers.join(", ")));
    }
    if let Some(review) = &sla.review_by {
        facts.push(format!("review by {review}"));
    }
    let _ = writeln!(out, "\n**SLA `{}`** ({})\n", sla.id, facts.join("; "));
    out.push_str("| target | attainment |\n|---|---|\n");
    for target in &sla.targets {
        let judged = match target.data {
            Data::Observed => counted(&target.counts),
            data => no_values(data).to_string(),
        };
        let _ = writeln!(out, "| {} | {judged} |", target_words(target));
    }
    periods_md(out, sla);
}

/// One row per period (oldest first), one column per target.
fn periods_md(out: &mut String, sla: &SlaReview) {
    let mut periods: Vec<&str> = sla
        .targets
        .iter()
        .flat_map(|t| t.periods.iter().map(|p| p.period.as_str()))
        .collect();
    // Periods of one kind print in time order.
    periods.sort_unstable();
    periods.dedup();
    if periods.is_empty() {
        return;
    }
    out.push_str("\n| period |");
    for target in &sla.targets {
        let _ = write!(out, " `{}` |", target.metric);
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(sla.targets.len()));
    out.push('\n');
    for period in periods {
        let _ = write!(out, "| {period} |");
        for target in &sla.targets {
            let cell = target
                .periods
                .iter()
                .find(|p| p.period == period)
                .map_or("".to_string(), cell);
            let _ = write!(out, " {cell} |");
        }
        out.push('\n');
    }
}

fn cell(p: &PeriodState) -> String {
    let word = state_word(p.state);
    match (p.value, p.state) {
        (Some(v), Attainment::Breached) => format!("{} **{word}**", number(v)),
        (Some(v), _) => format!("{} {word}", number(v)),
        (None, _) => word.to_string(),
    }
}

fn fired_md(out: &mut String, fired: &[FiredTrigger]) {
    if fired.is_empty() {
        out.push_str("\n**Triggers**: none fired.\n");
        return;
    }
    out.push_str("\n**Fired triggers**\n\n");
    out.push_str("| trigger | condition | values | leads to |\n|---|---|---|---|\n");
    for f in fired {
        let values = match &f.successor {
            Some(successor) => format!("replaced by `{successor}`"),
            None => f
                .window
                .iter()
                .map(|p| {
                    let v = p.value.map(number).unwrap_or_else(|| "no data".into());
                    format!("{}: {v}", p.period)
                })
                .collect::<Vec<_>>()
                .join(", "),
        };
        let leads_to = consequence(f, escape);
        let _ = writeln!(
            out,
            "| `{}` | {} | {values} | {leads_to} |",
            f.trigger, f.condition
        );
    }
}

fn agenda(out: &mut String, items: &[AgendaItem]) {
    out.push_str("\n## Agenda\n\n");
    if items.is_empty() {
        out.push_str("Nothing is due.\n");
        return;
    }
    out.push_str("| # | what | service | due since | detail |\n|---:|---|---|---|---|\n");
    for (i, item) in items.iter().enumerate() {
        let _ = writeln!(
            out,
            "| {} | {} | `{}` | {} | {} |",
            i + 1,
            kind_label(item.kind),
            item.service,
            item.date.as_deref().unwrap_or(""),
            item.text
        );
    }
}

//! The review as GitHub-flavoured Markdown, to paste into an issue or a
//! board pack: a summary table, one section per service with a table of
//! its SLA periods and of its fired triggers, then the agenda as a table.
//! Free text (names) is escaped; ids are code spans.

use std::fmt::Write;

use super::shape::{
    AgendaItem, Attainment, Data, FiredTrigger, PeriodState, Review, ServiceReview, SlaReview,
    Status,
};
use super::text::{adoption_text, consequence, plural, target_words, unjudged_text};
use super::{
    counted, due_soon, measure, no_sla_data, no_values, reasons, service_named, share_words,
    state_word, trend_words,
};
use crate::emit::escape_markdown as escape;
use crate::model::Unit;

/// The review as Markdown.
pub fn markdown(review: &Review) -> String {
    let mut out = String::new();
    header(&mut out, review);
    due_md(&mut out, review);
    glance_md(&mut out, review);
    agenda(&mut out, review);
    since_md(&mut out, review);
    super::improvements::markdown(&mut out, review);
    adoption_md(&mut out, review);
    out.push_str("\n## Services in detail\n");
    if review.services.is_empty() {
        out.push_str("\nNo service is in operation or transform.\n");
    }
    for service in &review.services {
        if service.status == Status::Green {
            let _ = writeln!(
                out,
                "\n<details><summary>{} (<code>{}</code>): green</summary>",
                html(service.name.as_deref().unwrap_or(&service.id)),
                service.id
            );
            service_md(&mut out, service);
            out.push_str("\n</details>\n");
        } else {
            service_md(&mut out, service);
        }
    }
    out
}

fn header(out: &mut String, review: &Review) {
    let name = review.pmo.name.as_deref().unwrap_or(&review.pmo.id);
    let s = &review.summary;
    let _ = writeln!(out, "# Portfolio board pack: {}\n", escape(name));
    let metrics = if review.observed {
        "observations read"
    } else {
        "**no observations were read**: every SLA target counts as without data"
    };
    let _ = writeln!(
        out,
        "PMO `{}`, as of **{}**. Metrics: {metrics}. The agenda looks ahead to {}.\n",
        review.pmo.id, review.as_of, review.horizon
    );
    let unanswered = review.agenda.iter().filter(|i| i.unanswered).count();
    let _ = writeln!(
        out,
        "**{}: {} red, {} amber, {} green.** {} ({unanswered} unanswered). Of {} in force, in their latest period: {} met, {} warned, {} breached, {} without data. {} on the agenda.",
        plural(s.services, "service"),
        s.red,
        s.amber,
        s.green,
        fired_words(s.triggers_fired),
        plural(s.targets, "SLA target"),
        s.targets_met,
        s.targets_warned,
        s.targets_breached,
        s.targets_without_data,
        plural(s.agenda_items, "item"),
    );
}

fn fired_words(n: usize) -> String {
    match n {
        1 => "1 trigger fired".into(),
        n => format!("{n} triggers fired"),
    }
}

/// Every agenda item due within 30 days of as-of, exceptions first.
fn due_md(out: &mut String, review: &Review) {
    out.push_str("\n## Due within 30 days\n\n");
    let due = due_soon(review, 30);
    if due.is_empty() {
        out.push_str("Nothing is due within 30 days.\n");
        return;
    }
    out.push_str("| | what | about | date | why |\n|---|---|---|---|---|\n");
    for item in due {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            flag(item),
            item.kind.label(),
            item_service(item),
            item.date.as_deref().unwrap_or(""),
            item_text(item)
        );
    }
}

/// "**overdue**", "**unanswered**", or nothing.
fn flag(item: &AgendaItem) -> &'static str {
    if item.overdue {
        "**overdue**"
    } else if item.unanswered {
        "**unanswered**"
    } else {
        ""
    }
}

/// The item's sentence, every name in it escaped: the agenda writes ids
/// (and nothing else) in code spans, so the text between backticks is
/// free text and escaped, and a pipe is escaped inside a code span too, so
/// the table keeps its columns whatever a name holds.
fn item_text(item: &AgendaItem) -> String {
    item.text
        .split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 0 {
                escape(part)
            } else {
                part.replace('|', "\\|")
            }
        })
        .collect::<Vec<_>>()
        .join("`")
}

fn item_service(item: &AgendaItem) -> String {
    match item.subject() {
        (Some(n), _) => escape(n),
        (None, id) => format!("`{id}`"),
    }
}

/// One row per service, exceptions first.
fn glance_md(out: &mut String, review: &Review) {
    out.push_str("\n## Services at a glance\n\n");
    if review.services.is_empty() {
        out.push_str("No service is in operation or transform.\n");
        return;
    }
    out.push_str("| status | service | owner | trend | attainment, last 12 periods | why |\n|---|---|---|---|---|---|\n");
    let mut rows: Vec<&ServiceReview> = review.services.iter().collect();
    rows.sort_by_key(|s| s.standing);
    for s in rows {
        let status = match s.status {
            Status::Red => "■ **red**",
            Status::Amber => "▲ amber",
            Status::Green => "● green",
        };
        let owner = match (&s.owner_name, &s.owner) {
            (Some(n), _) => escape(n),
            (None, Some(o)) => format!("`{o}`"),
            (None, None) => String::new(),
        };
        let why = reasons(s, escape);
        let why = if why.is_empty() {
            "all targets met".to_string()
        } else {
            why.join("; ")
        };
        let _ = writeln!(
            out,
            "| {status} | {} | {owner} | {} | {} | {why} |",
            service_named(s, escape),
            trend_words(s.trend),
            share_words(s.attainment),
        );
    }
    out.push_str("\nRed: a target breached in its latest period or a trigger fired; amber: a target warned or without data. Trend: how the targets moved between their last two periods.\n");
}

/// Every rollout's adoption against its target and plan, pipeline
/// services included.
fn adoption_md(out: &mut String, review: &Review) {
    if review.adoption.is_empty() {
        return;
    }
    out.push_str("\n## Adoption\n\nEvery service with an adoption target, in any stage.\n\n");
    for a in &review.adoption {
        let stage = a.stage.map(|s| format!(", {s}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "- {} (`{}`{stage}): {}.",
            escape(a.name.as_deref().unwrap_or(&a.service)),
            a.service,
            adoption_text(&a.adoption)
        );
    }
}

fn since_md(out: &mut String, review: &Review) {
    let Some(since) = &review.since else { return };
    let _ = writeln!(out, "\n## Since {}\n", since.date);
    if since.decisions.is_empty() {
        out.push_str("No decision was taken.\n");
    } else {
        out.push_str("Decisions taken:\n\n");
        for d in &since.decisions {
            let service = d
                .service_name
                .as_deref()
                .map_or(format!("`{}`", d.service), escape);
            let gate = d
                .gate_name
                .as_deref()
                .map_or(format!("`{}`", d.gate), escape);
            let outcome = d.outcome.map(|o| o.to_string()).unwrap_or_default();
            let _ = writeln!(out, "- {}: {service}, {outcome} at {gate}", d.date);
        }
    }
    if since.triggers.is_empty() {
        out.push_str("\nNo trigger started firing.\n");
    } else {
        out.push_str("\nTriggers that started firing:\n\n");
        for t in &since.triggers {
            let service = t
                .service_name
                .as_deref()
                .map_or(format!("`{}`", t.service), escape);
            let _ = writeln!(
                out,
                "- {}: `{}` for {service} (its run from {})",
                t.onset, t.trigger, t.start
            );
        }
    }
}

fn service_md(out: &mut String, service: &ServiceReview) {
    let _ = writeln!(out, "\n### {}\n", service_named(service, escape));
    let mut facts = Vec::new();
    if let Some(stage) = service.stage {
        facts.push(format!("In {stage}"));
    }
    match (&service.owner_name, &service.owner) {
        (Some(n), _) => facts.push(format!("owner {}", escape(n))),
        (None, Some(o)) => facts.push(format!("owner `{o}`")),
        _ => {}
    }
    if let Some(function) = &service.function {
        facts.push(format!("function `{function}`"));
    }
    facts.push(format!("status {}", status_word(service.status)));
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

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Red => "red",
        Status::Amber => "amber",
        Status::Green => "green",
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
    if let Some(a) = &sla.allowance {
        let _ = writeln!(out, "B{}.\n", &super::allowance_words(a)[1..]);
    }
    out.push_str("| target | attainment |\n|---|---|\n");
    for target in &sla.targets {
        let judged = match target.data {
            Data::Observed => counted(&target.counts),
            data => no_values(data).to_string(),
        };
        let _ = writeln!(out, "| {} | {judged} |", target_words(target, escape));
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
                .map_or("".to_string(), |p| cell(p, target.unit));
            let _ = write!(out, " {cell} |");
        }
        out.push('\n');
    }
}

fn cell(p: &PeriodState, unit: Option<Unit>) -> String {
    let word = state_word(p.state);
    match (p.value, p.state) {
        (Some(v), Attainment::Breached) => format!("{} **{word}**", measure(v, unit)),
        (Some(v), _) => format!("{} {word}", measure(v, unit)),
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
                    let v = p
                        .value
                        .map(|v| measure(v, f.unit))
                        .unwrap_or_else(|| "no data".into());
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

fn agenda(out: &mut String, review: &Review) {
    let _ = writeln!(out, "\n## Agenda, to {}\n", review.horizon);
    if review.agenda.is_empty() {
        out.push_str("Nothing is due.\n");
        return;
    }
    out.push_str("| # | what | | about | date | detail |\n|---:|---|---|---|---|---|\n");
    for (i, item) in review.agenda.iter().enumerate() {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            i + 1,
            item.kind.label(),
            flag(item),
            item_service(item),
            item.date.as_deref().unwrap_or(""),
            item_text(item)
        );
    }
}

/// Text inside HTML (a `<summary>`): control characters shown, line breaks
/// as spaces, `&`, `<`, `>` and quotes as entities.
fn html(text: &str) -> String {
    let mut out = String::new();
    for c in crate::emit::visible::line(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

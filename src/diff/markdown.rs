//! The comparison as GitHub-flavoured Markdown, for a pull-request comment
//! or a job summary: a heading, one line of counts, the changes that weaken
//! a promise under "Needs attention", then the others by kind of entity.
//! Ids are code spans; other text (a must-meet criterion) is escaped.

use std::fmt::Write;

use super::shape::{Change, ChangeKind, Diff};
use super::text::{others, summary_line};
use crate::emit::escape_markdown as escape;
use crate::emit::visible::line as visible;

/// The comparison as Markdown.
pub fn markdown(diff: &Diff) -> String {
    let mut out = String::new();
    out.push_str("## Catalogue changes\n\n");
    let _ = writeln!(
        out,
        "{} → {}: **{}**",
        escape(&diff.old.source),
        escape(&diff.new.source),
        summary_line(diff)
    );
    let weakening: Vec<&Change> = diff.changes.iter().filter(|c| c.weakens).collect();
    if !weakening.is_empty() {
        out.push_str("\n### ⚠️ Needs attention: weakens a promise\n\n");
        for c in weakening {
            let _ = writeln!(out, "- {}", line(c));
        }
    }
    for (entity, changes) in others(diff) {
        let _ = writeln!(out, "\n### {}\n", entity.heading());
        for c in changes {
            let _ = writeln!(out, "- {}", line(c));
        }
    }
    out
}

/// A change's message in Markdown: code spans kept, the rest escaped; a
/// criterion's text (which may hold backticks) escaped whole.
fn line(c: &Change) -> String {
    if matches!(c.kind, ChangeKind::MustAdded | ChangeKind::MustRemoved) {
        let word = if c.kind == ChangeKind::MustAdded {
            "added"
        } else {
            "removed"
        };
        return format!(
            "gate `{}`: must-meet criterion {word}: “{}”",
            visible(&c.id),
            escape(c.item.as_deref().unwrap_or(""))
        );
    }
    c.message
        .split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("`{}`", visible(part))
            } else {
                escape(part)
            }
        })
        .collect()
}

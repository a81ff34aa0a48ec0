//! The comparison as plain text for a terminal: the changes that weaken a
//! promise first (marked `!`), then the others by kind of entity.

use std::fmt::Write;

use super::shape::{Change, Diff, Entity};
use crate::emit::visible::line;

/// The comparison as text.
pub fn text(diff: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "pmoc diff: {} → {}",
        line(&diff.old.source),
        line(&diff.new.source)
    );
    let _ = writeln!(out, "{}", summary_line(diff));
    let weakening: Vec<&Change> = diff.changes.iter().filter(|c| c.weakens).collect();
    if !weakening.is_empty() {
        out.push_str("\nNeeds attention (weakens a promise):\n");
        for c in weakening {
            let _ = writeln!(out, "  ! {}", line(&c.message));
        }
    }
    for (entity, changes) in others(diff) {
        let _ = writeln!(out, "\n{}:", entity.heading());
        for c in changes {
            let _ = writeln!(out, "    {}", line(&c.message));
        }
    }
    out
}

/// One sentence: how many changes, how many weaken a promise.
pub(super) fn summary_line(diff: &Diff) -> String {
    let s = &diff.summary;
    match (s.changes, s.weakening) {
        (0, _) => "No change to the catalogue.".into(),
        (n, 0) => format!("{n} change{}; none weakens a promise.", plural(n)),
        (1, 1) => "1 change; it weakens a promise.".into(),
        (n, w) => format!(
            "{n} change{}; {w} weaken{} a promise.",
            plural(n),
            if w == 1 { "s" } else { "" }
        ),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The changes that do not weaken a promise, by kind of entity, in the
/// comparison's order.
pub(super) fn others(diff: &Diff) -> Vec<(Entity, Vec<&Change>)> {
    let mut groups: Vec<(Entity, Vec<&Change>)> = Vec::new();
    for entity in Entity::ALL {
        let changes: Vec<&Change> = diff
            .changes
            .iter()
            .filter(|c| !c.weakens && c.entity == entity)
            .collect();
        if !changes.is_empty() {
            groups.push((entity, changes));
        }
    }
    groups
}

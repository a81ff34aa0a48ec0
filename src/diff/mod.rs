//! `pmoc diff`: what changed between two catalogues, for the reviewer of a
//! pull request. A stage of its own after `emit`: each side is a catalog
//! (a project folder compiled and built into its [`Catalog`], a
//! `catalog.json` read, or a project at a git revision: [`side`], [`git`]),
//! read through one view of the catalog's JSON shape ([`view`]); the
//! comparison ([`changes`], with `trigger`) matches entities by id and lists
//! each [`Change`] with whether it weakens a promise, every field the
//! dedicated comparisons leave judged by the rule table over the language's
//! schema ([`rules`], walked by `fields`); [`text`](fn@text) and
//! [`markdown`](fn@markdown) render it, [`shape::to_json`] prints it for tools (valid
//! against `schemas/diff.schema.json`).
//!
//! [`Catalog`]: crate::catalog::Catalog

pub mod changes;
mod fields;
pub mod git;
mod markdown;
pub mod rules;
pub mod shape;
pub mod side;
mod text;
mod trigger;
pub mod view;

pub use markdown::markdown;
pub use shape::*;
pub use side::{Side, SideError};
pub use text::text;

/// Compares two sides.
pub fn compare(old: &Side, new: &Side) -> Diff {
    let changes = changes::between(&old.catalog, &new.catalog);
    let info = |s: &Side| SideInfo {
        source: s.source.clone(),
        pmo: s.catalog.pmo.id.clone(),
        as_of: s.catalog.as_of.clone(),
    };
    Diff {
        format_version: FORMAT_VERSION.into(),
        old: info(old),
        new: info(new),
        summary: Summary {
            changes: changes.len(),
            weakening: changes.iter().filter(|c| c.weakens).count(),
        },
        changes,
    }
}

impl Diff {
    /// How many changes weaken a promise.
    pub fn weakening(&self) -> usize {
        self.summary.weakening
    }
}

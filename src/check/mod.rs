//! Checks: the model rules of section 4, one module per rule family. Each
//! family is a function from the model's [`Index`] to diagnostics at their codes' default
//! severity; [`apply_lints`] then applies the manifest's `lints`.

pub mod adoption;
pub mod allowance;
mod capacity;
mod card;
mod change;
pub mod decisions;
mod dependencies;
mod gates;
pub mod improvements;
mod lifecycle;
pub mod manifest;
pub mod metrics;
mod onboarding;
pub mod references;
mod roadmap;
mod slas;
mod triggers;

use rayon::prelude::*;

use crate::base::{Code, Diagnostic, Severity, Spanned};
use crate::model::{Id, Index, LintLevel, Model, Stage};

/// A diagnostic about something absent from a declaration: at its id, with a
/// label on its stage where it has one (section 8).
pub fn at_declaration(
    code: Code,
    id: &Id,
    stage: Option<Spanned<Stage>>,
    message: String,
) -> Diagnostic {
    let diag = Diagnostic::new(code, id.span, message);
    match stage {
        Some(stage) => diag.label(stage.span, format!("in {}", stage.value)),
        None => diag,
    }
}

/// Removes every later duplicate from the model, reporting each as
/// `duplicate-id`: the model that comes out is the one the rules judge and
/// the outputs publish.
pub fn dedupe(model: &mut Model) -> Vec<Diagnostic> {
    references::dedupe(model)
}

/// Runs every model rule on a deduplicated model. (The metrics rules,
/// which need the evaluation, are [`metrics::check`].)
pub fn rules(index: &Index) -> Vec<Diagnostic> {
    rules_with(index, &mut Memo::default())
}

/// What the rules keep for the next compilation: see [`references::Memo`].
pub type Memo = references::Memo;

/// [`rules`], with what the last compilation's rules kept (`memo`), which
/// this one leaves there in turn.
pub fn rules_with(index: &Index, memo: &mut Memo) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let families: [fn(&Index) -> Vec<Diagnostic>; 12] = [
        dependencies::check,
        slas::check,
        lifecycle::check,
        gates::check,
        triggers::check,
        capacity::check,
        roadmap::check,
        change::check,
        decisions::check,
        improvements::check,
        card::check,
        onboarding::check,
    ];
    // The families are independent: they run side by side (the diagnostics
    // are sorted later, so their order here does not matter).
    let (references, found) = rayon::join(
        || references::check(index, memo),
        || -> Vec<Vec<Diagnostic>> { families.par_iter().map(|family| family(index)).collect() },
    );
    diags.extend(references);
    diags.extend(found.into_iter().flatten());
    diags
}

/// Applies the manifest's `lints` (the last level given for a code wins) and
/// `--deny-warnings`.
pub fn apply_lints(
    diags: Vec<Diagnostic>,
    lints: &[(Code, Spanned<LintLevel>)],
    deny_warnings: bool,
) -> Vec<Diagnostic> {
    let level = |code: Code| {
        lints
            .iter()
            .rev()
            .find(|(c, _)| *c == code)
            .map(|(_, l)| l.value)
    };
    diags
        .into_iter()
        .filter_map(|mut d| {
            if d.code.is_lintable() {
                match level(d.code) {
                    Some(LintLevel::Allow) => return None,
                    Some(LintLevel::Deny) => d.severity = Severity::Error,
                    Some(LintLevel::Warn) => d.severity = Severity::Warning,
                    None => {}
                }
            }
            if deny_warnings {
                d.severity = Severity::Error;
            }
            Some(d)
        })
        .collect()
}

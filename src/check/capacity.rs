//! Capacity (section 1 of the 1.1 language): `capacity-overcommitted`
//! and `effort-missing`. The demand on each party is
//! [`Index::capacity`]'s, the one judgement the catalog, the capacity page
//! and the review's agenda read too.

use crate::base::{Code, Diagnostic};
use crate::model::{Index, Stage};

/// The efforts labelled on a finding: the largest ones.
const LABELLED: usize = 3;

pub(super) fn check(index: &Index) -> Vec<Diagnostic> {
    let mut diags = overcommitted(index);
    diags.extend(effort_missing(index));
    diags
}

/// One finding per party, at its `fte=`, for the first checkpoint at
/// which the efforts that apply sum to more than its capacity.
fn overcommitted(index: &Index) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for party in index.capacity() {
        let (Some(fte), Some(load)) = (party.fte, party.first_over()) else {
            continue;
        };
        let when = if load.date == index.as_of {
            format!("at as-of ({})", load.date)
        } else {
            format!("from {}", load.date)
        };
        let mut diag = Diagnostic::new(
            Code::CapacityOvercommitted,
            fte.span,
            format!(
                "{} `{}` is over-committed {when}: the efforts that apply sum to {} FTE, more than its capacity of {} FTE",
                party.kind, party.party.value, load.demand, fte.value
            ),
        );
        for (service, effort) in load.efforts.iter().take(LABELLED) {
            diag = diag.label(
                effort.fte.span,
                format!("{} FTE for `{}`", effort.fte.value, service.id.value),
            );
        }
        let more = load.efforts.len().saturating_sub(LABELLED);
        let help = if more > 0 {
            format!(
                "{more} more efforts apply; lower the efforts, move a plan, or raise the capacity if it is real"
            )
        } else {
            "lower the efforts, move a plan, or raise the capacity if it is real".to_string()
        };
        diags.push(diag.help(help));
    }
    diags
}

/// Once some party declares `fte`: a service in operation or transform
/// with no `effort`, at its `stage` value.
fn effort_missing(index: &Index) -> Vec<Diagnostic> {
    if !index.declares_capacity() {
        return Vec::new();
    }
    index
        .model
        .services
        .iter()
        .filter(|s| s.efforts.is_empty())
        .filter_map(|s| {
            let stage = s
                .stage
                .filter(|st| matches!(st.value, Stage::Operation | Stage::Transform))?;
            Some(
                Diagnostic::new(
                    Code::EffortMissing,
                    stage.span,
                    format!(
                        "service `{}` is in {} but says what effort it needs from no one",
                        s.id.value, stage.value
                    ),
                )
                .help("add `effort \"<person or team>\" fte=<N>` so its load counts against a capacity"),
            )
        })
        .collect()
}

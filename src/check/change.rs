//! Change load: `change-saturation` (section 3 of version 1.1), from the
//! one judgement of which services change which group in which month
//! ([`crate::model::saturations`]).

use crate::base::{Code, Diagnostic};
use crate::model::{GroupLoad, Index, MonthLoad, saturations};

pub(super) fn check(index: &Index) -> Vec<Diagnostic> {
    saturations(index)
        .into_iter()
        .filter_map(|(group, month)| saturated(&group, &month))
        .collect()
}

/// One finding per group, for its first saturated month: at its
/// `change-capacity=` value, labelled at each change touching that month.
fn saturated(group: &GroupLoad, month: &MonthLoad) -> Option<Diagnostic> {
    let capacity = group.customer.change_capacity?;
    let id = &group.customer.id.value;
    let services: Vec<String> = month.services.iter().map(|s| format!("`{s}`")).collect();
    let mut diag = Diagnostic::new(
        Code::ChangeSaturation,
        capacity.span,
        format!(
            "{} services change customer group `{id}` in {}, more than its change-capacity of {}: {}",
            month.count(),
            month.month,
            capacity.value,
            services.join(", ")
        ),
    )
    .help(
        "move a pilot or a rollout phase to another month, split the group's phases, \
         or raise `change-capacity` if the group can absorb more",
    );
    for change in &month.changes {
        diag = diag.label(
            change.at,
            format!("{} of `{}`", change.describe(), change.service.id.value),
        );
    }
    Some(diag)
}

//! The lifecycle board: the seven stages as columns, each service a card
//! with its name, its owner and, for a service whose health counts (in
//! operation or transform, [`health::counted`]), its standing as the
//! health page and `pmoc review` judge it: breached, fired, warned, no
//! data or fine. Cards are sorted by name, as a person scans them.

use minijinja::context;
use minijinja::value::Value;

use super::Renderer;
use super::values::name_order;
use crate::catalog::health::{self, Standing, Tally};
use crate::catalog::{Firing, ServiceEntry};

/// A service's standing on the board; `None` where health is not judged.
pub(super) fn standing(s: &ServiceEntry, fired: usize) -> Option<Standing> {
    health::counted(s.stage).then(|| Standing::of(&Tally::of(health::latest_states(s)), fired))
}

/// A standing as the board's class and word: "breached", "fired",
/// "warned", "no-data" ("no data"), "fine".
fn words(s: Standing) -> (&'static str, &'static str) {
    match s {
        Standing::Breached => ("breached", "breached"),
        Standing::Fired => ("fired", "fired"),
        Standing::Warned => ("warned", "warned"),
        Standing::NoData => ("no-data", "no data"),
        Standing::Met => ("fine", "fine"),
    }
}

impl Renderer<'_> {
    /// The board's columns, in lifecycle order: `{stage, count, cards}`,
    /// each card `{id, owner, status, status_words}`, sorted by name.
    pub(super) fn board(&self) -> Value {
        let columns: Vec<Value> = self
            .catalog
            .stages
            .iter()
            .map(|column| {
                let mut services: Vec<&ServiceEntry> = column
                    .services
                    .iter()
                    .filter_map(|id| self.services.get(id.as_str()).copied())
                    .collect();
                services.sort_by_cached_key(|s| name_order(s.name.as_deref(), &s.id));
                let cards: Vec<Value> = services
                    .into_iter()
                    .map(|s| {
                        let fired = self
                            .states
                            .of_service(&s.id)
                            .iter()
                            .filter(|t| t.state == Some(Firing::Fired))
                            .count();
                        let status = standing(s, fired).map(words);
                        context! {
                            id => s.id.clone(),
                            owner => s.owner.clone(),
                            status => status.map(|(class, _)| class),
                            status_words => status.map(|(_, words)| words),
                        }
                    })
                    .collect();
                context! {
                    stage => column.stage.to_string(),
                    count => column.count,
                    cards => cards,
                }
            })
            .collect();
        context! { board => columns }
    }
}

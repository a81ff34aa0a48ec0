//! What the roadmap page (`roadmap.html`, the first of the Plan pages)
//! shows besides the catalogue: the objectives in priority order, the
//! services with plans that serve none of them, and the quarter timeline
//! of the plans not yet reached. Where a plan stands is the catalog's
//! (`reached`, `slipped`: the judgement of `plan-slipped`).

use std::collections::HashMap;

use minijinja::context;
use minijinja::value::Value;

use super::Renderer;
use super::svg::{self, RoadmapRow};
use crate::catalog::{Catalog, ObjectiveEntry};

/// The objectives by priority (1 first), then by id; those without a
/// priority last.
pub(super) fn by_priority(catalog: &Catalog) -> Vec<&ObjectiveEntry> {
    let mut objectives: Vec<&ObjectiveEntry> = catalog.objectives.iter().collect();
    objectives.sort_by(|a, b| {
        (a.priority.is_none(), a.priority, &a.id).cmp(&(b.priority.is_none(), b.priority, &b.id))
    });
    objectives
}

impl Renderer<'_> {
    pub(super) fn roadmap(&self) -> Value {
        let catalog = self.catalog;
        let objectives = by_priority(catalog);
        // Each service's rank: that of its first objective in priority order.
        let mut rank: HashMap<&str, usize> = HashMap::new();
        for (i, o) in objectives.iter().enumerate() {
            for s in &o.services {
                rank.entry(s.as_str()).or_insert(i);
            }
        }
        let mut rows: Vec<RoadmapRow> = catalog
            .services
            .iter()
            .map(|s| RoadmapRow {
                service: s,
                plans: s
                    .plans
                    .iter()
                    .filter(|p| !p.reached)
                    .filter_map(|p| Some((p.stage, p.by.as_deref()?, p.slipped)))
                    .collect(),
            })
            .filter(|r| !r.plans.is_empty())
            .collect();
        rows.sort_by_key(|r| {
            (
                rank.get(r.service.id.as_str())
                    .copied()
                    .unwrap_or(usize::MAX),
                r.service.id.as_str(),
            )
        });
        let unaligned: Vec<String> = catalog
            .services
            .iter()
            .filter(|s| !s.plans.is_empty() && !rank.contains_key(s.id.as_str()))
            .map(|s| s.id.clone())
            .collect();
        let order: Vec<String> = objectives.iter().map(|o| o.id.clone()).collect();
        context! {
            objective_order => order,
            unaligned => unaligned,
            slipped => rows.iter().flat_map(|r| &r.plans).filter(|p| p.2).count(),
            timeline => svg::roadmap_timeline(&catalog.as_of, &rows).map(Value::from_safe_string),
        }
    }
}

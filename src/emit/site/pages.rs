//! Planning a render: which pages the site has (the overview pages of the
//! navigation, then a page per function, service, gate and customer group),
//! where each goes, with which template and page value, and the
//! fingerprint that says when a remembered page can be reused.

use std::collections::{HashMap, HashSet};

use minijinja::value::Value;

use super::RenderError;
use super::observed::TriggerStates;
use super::values::{Hashes, Values};
use crate::base::EntityKind;
use crate::catalog::{Catalog, ImprovementEntry, ServiceEntry};
use crate::lower::values::is_valid_id;
use crate::model::OfferLevel;

/// The navigation, in order: (key, file, label).
pub(super) const NAV: &[(&str, &str, &str)] = &[
    ("index", "index.html", "Overview"),
    ("lifecycle", "lifecycle.html", "Lifecycle"),
    ("slas", "slas.html", "Service levels"),
    ("objectives", "objectives.html", "Objectives"),
    ("triggers", "triggers.html", "Triggers"),
    ("dependencies", "dependencies.html", "Dependencies"),
    ("people", "people.html", "People"),
    ("health", "health.html", "Health"),
    ("plan", "roadmap.html", "Plan"),
];

/// The Plan pages, in order: (file, label). The navigation's *Plan* entry
/// leads to the first; each carries the navigation key `plan` and shows
/// this list as its sub-navigation (`plan_nav` in `macros.html`).
pub(super) const PLAN_PAGES: &[(&str, &str)] = &[
    ("roadmap.html", "Roadmap"),
    ("capacity.html", "Capacity"),
    ("change-load.html", "Change load"),
    ("improvements.html", "Improvements"),
];

/// A page to render: where it goes, with which template and page value.
pub(super) struct PageSpec {
    pub path: String,
    pub template: &'static str,
    /// How to get from this page back to the site's top ("" or "../").
    pub root: &'static str,
    pub nav: &'static str,
    pub page: Value,
    /// Identifies everything the page depends on, when that is known.
    pub fingerprint: Option<u64>,
}

impl PageSpec {
    /// A page outside the navigation, never reused (the 404 page).
    pub(super) fn standalone(path: &'static str) -> PageSpec {
        PageSpec {
            path: path.into(),
            template: path,
            root: "",
            nav: "",
            page: Value::from(()),
            fingerprint: None,
        }
    }
}

/// The kinds with a page of their own: their template and navigation key
/// (the tab of the page that lists them; "" for none: a service is listed
/// on many pages, none of which is its own, so no tab is marked current).
const ENTITY_PAGES: &[(EntityKind, &str, &str)] = &[
    (EntityKind::Function, "function.html", "index"),
    (EntityKind::Service, "service.html", ""),
    (EntityKind::Gate, "gate.html", "lifecycle"),
    (EntityKind::Customer, "customer.html", "index"),
    (EntityKind::Improvement, "improvement.html", "plan"),
];

/// Makes a page's fingerprint from the hashes of what it shows, or `None`
/// when pages are never reused (a project's own templates).
pub(super) type Fingerprint<'a> = dyn Fn(&mut dyn Iterator<Item = u64>) -> Option<u64> + 'a;

/// How pages are fingerprinted: the catalogue's hashes, and what makes a
/// fingerprint of them.
pub(super) struct Fingerprints<'f, 'c> {
    pub hashes: &'f Hashes<'c>,
    pub make: &'f Fingerprint<'f>,
}

/// Every page of the navigation (the Plan pages included) and of the
/// entities, in that order, or only those whose path is in `only`. An
/// overview page shows the whole catalogue, so its fingerprint is the
/// whole catalogue's hash; an entity page's covers its entry, the other
/// entries it shows (the services it lists, the metrics of the targets it
/// judges) and, for a service, its triggers' states. Without
/// `fingerprints`, no page has one (the pages in view, rendered before
/// the catalogue is hashed). Fails on an id that cannot name a page.
pub(super) fn plan(
    catalog: &Catalog,
    values: &Values,
    states: &TriggerStates,
    fingerprints: Option<&Fingerprints>,
    only: Option<&HashSet<String>>,
) -> Result<Vec<PageSpec>, RenderError> {
    let wanted = |path: &str| only.is_none_or(|only| only.contains(path));
    let overview = fingerprints.and_then(|f| (f.make)(&mut std::iter::once(f.hashes.whole)));
    let in_nav = |file: &str| NAV.iter().any(|(_, path, _)| *path == file);
    let navigation = NAV.iter().map(|(key, path, _)| (*key, *path));
    let plan_pages = PLAN_PAGES
        .iter()
        .filter(|(file, _)| !in_nav(file))
        .map(|(file, _)| ("plan", *file));
    let mut specs: Vec<PageSpec> = navigation
        .chain(plan_pages)
        .filter(|(_, path)| wanted(path))
        .map(|(nav, path)| PageSpec {
            path: path.into(),
            template: path,
            root: "",
            nav,
            page: Value::from(()),
            fingerprint: overview,
        })
        .collect();
    for &(kind, template, nav) in ENTITY_PAGES {
        let list = kind.list();
        let by_id = values
            .ix
            .get_attr(list)
            .map_err(RenderError::template(None))?;
        // With `only`, the other entities are neither planned nor checked
        // (the whole plan that follows checks every id).
        let keep = |id: &str| only.is_none() || wanted(&kind.url(id));
        for (id, shown) in entities(catalog, kind, &keep) {
            if !is_valid_id(id) {
                return Err(RenderError::InvalidId(id.to_string()));
            }
            let path = kind.url(id);
            let fingerprint = fingerprints.and_then(|f| {
                let own = f.hashes.hash(list, id);
                let shown = shown.into_iter().map(|(list, id)| f.hashes.hash(list, id));
                let triggers = (kind == EntityKind::Service).then(|| states.hash(id));
                (f.make)(&mut std::iter::once(own).chain(shown).chain(triggers))
            });
            specs.push(PageSpec {
                path,
                template,
                root: "../",
                nav,
                page: by_id.get_attr(id).unwrap_or_default(),
                fingerprint,
            });
        }
    }
    Ok(specs)
}

/// An entry a page shows besides its own: (list, id).
type Shown<'c> = (&'static str, &'c str);

/// The ids of a kind with a page, each with the other entries its page
/// shows: a function's services; a customer group's entitled services and
/// the metrics of its mandated services' targets; a service's metrics of
/// its SLA targets (its charts read their names and units). Only the
/// ids `keep` keeps.
fn entities<'c>(
    catalog: &'c Catalog,
    kind: EntityKind,
    keep: &dyn Fn(&str) -> bool,
) -> Vec<(&'c str, Vec<Shown<'c>>)> {
    match kind {
        EntityKind::Function => catalog
            .functions
            .iter()
            .filter(|f| keep(&f.id))
            .map(|f| (f.id.as_str(), services(&f.services, |s| s)))
            .collect(),
        EntityKind::Customer => {
            let by_id: HashMap<&str, &ServiceEntry> = catalog
                .services
                .iter()
                .map(|s| (s.id.as_str(), &**s))
                .collect();
            catalog
                .customers
                .iter()
                .filter(|c| keep(&c.id))
                .map(|c| {
                    let mut shown = services(&c.entitlements, |e| &e.service);
                    let mandated = c
                        .entitlements
                        .iter()
                        .filter(|e| e.level == Some(OfferLevel::Mandated))
                        .filter_map(|e| by_id.get(e.service.as_str()));
                    shown.extend(mandated.flat_map(|s| target_metrics(s)));
                    (c.id.as_str(), shown)
                })
                .collect()
        }
        EntityKind::Service => {
            // Each service's improvements, found in one pass (not one per service).
            let mut improvements: HashMap<&str, Vec<&ImprovementEntry>> = HashMap::new();
            for i in &catalog.improvements {
                if let Some(service) = i.service.as_deref() {
                    improvements.entry(service).or_default().push(i);
                }
            }
            catalog
                .services
                .iter()
                .filter(|s| keep(&s.id))
                .map(|s| {
                    let mut shown: Vec<Shown<'_>> = target_metrics(s).collect();
                    // Its improvements (their own section, as its own macro).
                    let own = improvements.get(s.id.as_str()).map(Vec::as_slice);
                    for i in own.unwrap_or_default() {
                        shown.push(("improvements", i.id.as_str()));
                        shown.extend(i.expect.iter().map(|e| ("metrics", e.metric.as_str())));
                    }
                    (s.id.as_str(), shown)
                })
                .collect()
        }
        EntityKind::Gate => catalog
            .gates
            .iter()
            .filter(|g| keep(&g.id))
            .map(|g| (g.id.as_str(), Vec::new()))
            .collect(),
        EntityKind::Improvement => catalog
            .improvements
            .iter()
            .filter(|i| keep(&i.id))
            .map(|i| {
                let shown = i.service.iter().map(|s| ("services", s.as_str()));
                let metric = i.expect.iter().map(|e| ("metrics", e.metric.as_str()));
                (i.id.as_str(), shown.chain(metric).collect())
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The services a page lists.
fn services<T>(items: &[T], service: impl Fn(&T) -> &String) -> Vec<Shown<'_>> {
    items
        .iter()
        .map(|i| ("services", service(i).as_str()))
        .collect()
}

/// The metrics of a service's SLA targets.
fn target_metrics(service: &ServiceEntry) -> impl Iterator<Item = Shown<'_>> {
    let targets = service.slas.iter().flat_map(|sla| &sla.targets);
    targets.map(|t| ("metrics", t.metric.as_str()))
}

//! The documentation site: one page per function, service, gate and
//! customer group, the overview pages, the pictures, the search index and
//! `catalog.json`, rendered from the [`Catalog`] with minijinja templates.
//!
//! Rendering is O(pages): the catalog, its lookup tables and the navigation
//! are turned into template values once and shared by reference (minijinja
//! values are reference-counted); pages render in parallel; no page clones
//! the model.

pub mod markdown;
pub mod svg;
pub mod theme;
pub mod write;

use std::collections::BTreeMap;

use minijinja::value::{Serde, Value};
use minijinja::{Environment, UndefinedBehavior, context};
use rayon::prelude::*;
use serde::Serialize;

use super::catalog::{self, Catalog};
use crate::lower::values::is_valid_id;
pub use theme::Theme;
pub use write::OutFile;

/// The navigation, in order: (key, file, label).
const NAV: &[(&str, &str, &str)] = &[
    ("index", "index.html", "Overview"),
    ("lifecycle", "lifecycle.html", "Lifecycle"),
    ("slas", "slas.html", "Service levels"),
    ("objectives", "objectives.html", "Objectives"),
    ("triggers", "triggers.html", "Triggers"),
    ("dependencies", "dependencies.html", "Dependencies"),
    ("people", "people.html", "People"),
    ("health", "health.html", "Health"),
];

/// A page to render: where it goes, with which template and page value.
struct PageSpec {
    path: String,
    template: &'static str,
    /// How to get from this page back to the site's top ("" or "../").
    root: &'static str,
    nav: &'static str,
    page: Value,
    extra: Value,
}

/// A trigger that fired, as the health page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct Fired {
    pub message: String,
}

/// Lookup tables for templates: `ix.services[id]` and so on.
#[derive(Serialize)]
struct Index<'c> {
    persons: BTreeMap<&'c str, &'c catalog::PersonEntry>,
    teams: BTreeMap<&'c str, &'c catalog::TeamEntry>,
    customers: BTreeMap<&'c str, &'c catalog::CustomerEntry>,
    objectives: BTreeMap<&'c str, &'c catalog::ObjectiveEntry>,
    metrics: BTreeMap<&'c str, &'c catalog::MetricEntry>,
    functions: BTreeMap<&'c str, &'c catalog::FunctionEntry>,
    services: BTreeMap<&'c str, &'c catalog::ServiceEntry>,
    gates: BTreeMap<&'c str, &'c catalog::GateEntry>,
}

fn index(c: &Catalog) -> Index<'_> {
    macro_rules! by_id {
        ($list:expr) => {
            $list.iter().map(|e| (e.id.as_str(), e)).collect()
        };
    }
    Index {
        persons: by_id!(c.persons),
        teams: by_id!(c.teams),
        customers: by_id!(c.customers),
        objectives: by_id!(c.objectives),
        metrics: by_id!(c.metrics),
        functions: by_id!(c.functions),
        services: by_id!(c.services),
        gates: by_id!(c.gates),
    }
}

fn environment(theme: &Theme) -> Result<Environment<'static>, String> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Chainable);
    env.add_filter("markdown", |s: Option<String>| {
        Value::from_safe_string(s.map(|s| markdown::to_html(&s)).unwrap_or_default())
    });
    for (name, source) in &theme.templates {
        env.add_template_owned(name.clone(), source.clone())
            .map_err(|e| format!("template `{name}`: {e:#}"))?;
    }
    Ok(env)
}

/// One entry of the search index.
#[derive(Serialize)]
struct SearchEntry<'a> {
    /// Title.
    t: &'a str,
    /// Id.
    i: &'a str,
    /// Kind: service, function, SLA, gate, customer group.
    k: &'static str,
    /// Link from the site's top.
    u: String,
    /// A short plain-text summary.
    s: String,
}

fn search_index(c: &Catalog) -> String {
    let mut entries = Vec::new();
    for s in &c.services {
        entries.push(SearchEntry {
            t: s.name.as_deref().unwrap_or(&s.id),
            i: &s.id,
            k: "service",
            u: format!("services/{}.html", s.id),
            s: s.description
                .as_deref()
                .map(|d| markdown::summary(d, 120))
                .unwrap_or_default(),
        });
        for sla in &s.slas {
            entries.push(SearchEntry {
                t: &sla.id,
                i: &sla.id,
                k: "SLA",
                u: format!("services/{}.html#slas", s.id),
                s: format!("SLA of {}", s.name.as_deref().unwrap_or(&s.id)),
            });
        }
    }
    for f in &c.functions {
        entries.push(SearchEntry {
            t: f.name.as_deref().unwrap_or(&f.id),
            i: &f.id,
            k: "function",
            u: format!("functions/{}.html", f.id),
            s: f.description
                .as_deref()
                .map(|d| markdown::summary(d, 120))
                .unwrap_or_default(),
        });
    }
    for g in &c.gates {
        entries.push(SearchEntry {
            t: g.name.as_deref().unwrap_or(&g.id),
            i: &g.id,
            k: "gate",
            u: format!("gates/{}.html", g.id),
            s: format!(
                "{} → {}",
                g.from.map(|s| s.to_string()).unwrap_or_default(),
                g.to.iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    for cu in &c.customers {
        entries.push(SearchEntry {
            t: cu.name.as_deref().unwrap_or(&cu.id),
            i: &cu.id,
            k: "customer group",
            u: format!("customers/{}.html", cu.id),
            s: format!("{} services", cu.entitlements.len()),
        });
    }
    // `</` cannot end the script early: JSON escapes are valid JavaScript.
    let json = serde_json::to_string(&entries)
        .expect("serializable")
        .replace("</", "<\\/");
    format!("window.PMOC_SEARCH = {json};\n")
}

/// Renders every file of the site. Fails only on a broken (user) template.
pub fn render(catalog: &Catalog, theme: &Theme, fired: &[Fired]) -> Result<Vec<OutFile>, String> {
    let env = environment(theme)?;
    let ix = Value::from(Serde(index(catalog)));
    let cat = Value::from(Serde(catalog));
    let nav_items: Vec<Value> = NAV
        .iter()
        .map(|(key, href, label)| context! { key => *key, href => *href, label => *label })
        .collect();
    let site_title = catalog
        .pmo
        .title
        .clone()
        .or_else(|| catalog.pmo.name.clone())
        .unwrap_or_else(|| catalog.pmo.id.clone());
    let summaries: BTreeMap<&str, String> = catalog
        .functions
        .iter()
        .filter_map(|f| {
            Some((
                f.id.as_str(),
                markdown::summary(f.description.as_deref()?, 160),
            ))
        })
        .collect();

    let mut specs = Vec::new();
    let none = Value::from(());
    let top = |path: &str, template: &'static str, nav: &'static str, extra: Value| PageSpec {
        path: path.into(),
        template,
        root: "",
        nav,
        page: Value::from(()),
        extra,
    };
    specs.push(top(
        "index.html",
        "index.html",
        "index",
        context! { stage_map => Value::from_safe_string(svg::function_stage_map(catalog)), summaries => summaries },
    ));
    for (key, path, _) in &NAV[1..] {
        let extra = match *key {
            "dependencies" => {
                context! { graph => svg::dependency_graph(catalog, "").map(Value::from_safe_string) }
            }
            "health" => context! { fired => Value::from(Serde(fired)) },
            _ => none.clone(),
        };
        specs.push(top(path, path, key, extra));
    }
    macro_rules! entity_pages {
        ($list:expr, $folder:literal, $template:literal, $nav:literal, $extra:expr) => {
            for e in &$list {
                if !is_valid_id(&e.id) {
                    return Err(format!(
                        "`{}` is not a valid id; it cannot name a page",
                        e.id
                    ));
                }
                specs.push(PageSpec {
                    path: format!(concat!($folder, "/{}.html"), e.id),
                    template: $template,
                    root: "../",
                    nav: $nav,
                    page: Value::from(Serde(e)),
                    extra: $extra(e),
                });
            }
        };
    }
    entity_pages!(
        catalog.functions,
        "functions",
        "function.html",
        "index",
        |_| none.clone()
    );
    entity_pages!(
        catalog.services,
        "services",
        "service.html",
        "lifecycle",
        |s: &catalog::ServiceEntry| {
            context! { strip => Value::from_safe_string(svg::lifecycle_strip(s.stage)) }
        }
    );
    entity_pages!(catalog.gates, "gates", "gate.html", "lifecycle", |_| none
        .clone());
    entity_pages!(
        catalog.customers,
        "customers",
        "customer.html",
        "index",
        |_| none.clone()
    );
    let base_url = catalog.pmo.base_url.clone().unwrap_or_else(|| "/".into());

    let render_one = |spec: &PageSpec, root: &str| -> Result<OutFile, String> {
        let template = env
            .get_template(spec.template)
            .map_err(|e| format!("{e:#}"))?;
        let ctx = context! {
            catalog => cat.clone(),
            ix => ix.clone(),
            root => Value::from_safe_string(root.to_string()),
            nav => spec.nav,
            nav_items => nav_items.clone(),
            site_title => site_title.clone(),
            page => spec.page.clone(),
            ..spec.extra.clone()
        };
        let html = template
            .render(ctx)
            .map_err(|e| format!("rendering `{}`: {e:#}", spec.path))?;
        Ok(OutFile {
            path: spec.path.clone(),
            bytes: html.into_bytes(),
        })
    };
    let mut files: Vec<OutFile> = specs
        .par_iter()
        .map(|spec| render_one(spec, spec.root))
        .collect::<Result<_, _>>()?;
    // The server's "not found" page is served at any depth: it links from the base URL.
    let not_found = PageSpec {
        path: "404.html".into(),
        template: "404.html",
        root: "",
        nav: "",
        page: none.clone(),
        extra: none,
    };
    let base = if base_url.ends_with('/') {
        base_url
    } else {
        format!("{base_url}/")
    };
    files.push(render_one(&not_found, &base)?);
    files.push(OutFile {
        path: "catalog.json".into(),
        bytes: catalog::to_json(catalog).into_bytes(),
    });
    files.push(OutFile {
        path: "search-index.js".into(),
        bytes: search_index(catalog).into_bytes(),
    });
    for (name, bytes) in &theme.assets {
        files.push(OutFile {
            path: name.clone(),
            bytes: bytes.clone(),
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

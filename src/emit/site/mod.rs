//! The documentation site: one page per function, service, gate and
//! customer group, the overview pages, the pictures, the search index and
//! `catalog.json`, rendered from the [`Catalog`] with minijinja templates.
//!
//! Rendering is O(pages): the catalog, its lookup tables and the navigation
//! are turned into template values once and shared by reference (minijinja
//! values are reference-counted); pages render in parallel; no page clones
//! the model.

pub mod links;
pub mod markdown;
pub mod memo;
pub mod svg;
pub mod theme;
pub mod write;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use minijinja::value::{Serde, Value};
use minijinja::{Environment, UndefinedBehavior, context};
use rayon::prelude::*;
use serde::Serialize;

use super::catalog::{self, Catalog};
use crate::lower::values::is_valid_id;
pub use memo::Memo;
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
    /// Identifies everything the page depends on, when that is known.
    fingerprint: Option<u64>,
}

/// Pages to render before the others, and what to do with them once they
/// are ready (`serve` writes them and reloads the browsers showing them).
pub struct Priority<'a> {
    /// Paths in the site, as `OutFile::path`.
    pub pages: &'a HashSet<String>,
    pub ready: &'a (dyn Fn(&[OutFile]) + Sync),
}

/// A trigger that fired, as the health page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct Fired {
    pub message: String,
}

fn environment(theme: &Theme, names: Arc<links::Names>) -> Result<Environment<'static>, String> {
    let mut env = Environment::new();
    links::register(&mut env, names);
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

/// The catalogue as template values: `catalog` (the same shape as
/// `catalog.json`) and `ix` (`ix.services[id]` and so on), built from
/// entries the memo still holds where they did not change.
struct Values {
    catalog: Value,
    ix: Value,
    /// Each entry's hash, by list, then id.
    hashes: HashMap<&'static str, HashMap<String, u64>>,
    /// A hash of the whole catalogue.
    whole: u64,
}

impl Values {
    fn of(catalog: &Catalog, memo: &mut Memo) -> Values {
        let old = std::mem::take(&mut memo.values);
        let mut top: BTreeMap<&str, Value> = BTreeMap::new();
        let mut ix: BTreeMap<&str, Value> = BTreeMap::new();
        let mut hashes = HashMap::new();
        let mut add = |name: &'static str, entries: Vec<(&str, (u64, Value))>| {
            let mut by_id = BTreeMap::new();
            let mut list = Vec::with_capacity(entries.len());
            for (id, (hash, value)) in entries {
                by_id.insert(id.to_string(), value.clone());
                hashes
                    .entry(name)
                    .or_insert_with(HashMap::new)
                    .insert(id.to_string(), hash);
                memo.values
                    .insert((name, id.to_string()), (hash, value.clone()));
                list.push(value);
            }
            top.insert(name, Value::from(list));
            ix.insert(name, Value::from(by_id));
        };
        macro_rules! lists {
            ($($name:ident),*) => {$(
                let entries = memo::list(stringify!($name), &catalog.$name, |e| &e.id, &old);
                add(
                    stringify!($name),
                    catalog.$name.iter().map(|e| e.id.as_str()).zip(entries).collect(),
                );
            )*};
        }
        lists!(
            persons, teams, customers, objectives, metrics, functions, services, gates, triggers
        );
        top.insert(
            "schema_version",
            Value::from(catalog.schema_version.as_str()),
        );
        top.insert("as_of", Value::from(catalog.as_of.as_str()));
        top.insert("pmo", Value::from(Serde(&catalog.pmo)));
        top.insert("stages", Value::from(Serde(&catalog.stages)));
        let mut all: Vec<(&str, &String, u64)> = hashes
            .iter()
            .flat_map(|(list, ids)| ids.iter().map(move |(id, h)| (*list, id, *h)))
            .collect();
        all.sort_unstable();
        let whole = memo::combine(
            all.into_iter()
                .map(|(_, _, h)| h)
                .chain([memo::hash_of(&catalog.pmo), memo::hash_of(&catalog.stages)]),
        );
        Values {
            catalog: Value::from(top),
            ix: Value::from(ix),
            hashes,
            whole,
        }
    }

    fn hash(&self, list: &'static str, id: &str) -> u64 {
        self.hashes
            .get(list)
            .and_then(|ids| ids.get(id))
            .copied()
            .unwrap_or_default()
    }
}

/// Renders every file of the site. Fails only on a broken (user) template.
/// `memo` carries unchanged pages over from the previous render; the pages
/// of `priority` are rendered first and handed over as soon as they are.
pub fn render(
    catalog: &Catalog,
    theme: &Theme,
    fired: &[Fired],
    memo: &mut Memo,
    priority: Option<Priority>,
) -> Result<Vec<OutFile>, String> {
    let (names, values) = rayon::join(
        || Arc::new(links::Names::of(catalog)),
        || Values::of(catalog, memo),
    );
    let env = environment(theme, names.clone())?;
    let (cat, ix) = (&values.catalog, &values.ix);
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
    // What every page shows: the templates, the PMO, the date.
    let global = {
        let mut h = DefaultHasher::new();
        theme.templates.hash(&mut h);
        (&catalog.schema_version, &catalog.as_of).hash(&mut h);
        memo::hash_of(&catalog.pmo).hash(&mut h);
        h.finish()
    };
    // With a project's own templates a page may show anything: none is reused.
    let fingerprint = |parts: &mut dyn Iterator<Item = u64>| -> Option<u64> {
        (!theme.custom_templates).then(|| memo::combine([global].into_iter().chain(parts)))
    };
    // The overview pages show the whole catalogue (health also what fired).
    let overview = fingerprint(&mut [values.whole, memo::hash_of(fired)].into_iter());

    let mut specs = Vec::new();
    let top = |path: &str, template: &'static str, nav: &'static str| PageSpec {
        path: path.into(),
        template,
        root: "",
        nav,
        page: Value::from(()),
        fingerprint: overview,
    };
    specs.push(top("index.html", "index.html", "index"));
    for (key, path, _) in &NAV[1..] {
        specs.push(top(path, path, key));
    }
    // What an overview page shows besides the catalogue, made only when it renders.
    let extra = |template: &str| match template {
        "index.html" => {
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
            context! { stage_map => Value::from_safe_string(svg::function_stage_map(catalog)), summaries => summaries }
        }
        "dependencies.html" => {
            context! { graph => svg::dependency_graph(catalog, "").map(Value::from_safe_string) }
        }
        "health.html" => context! { fired => Value::from(Serde(fired)) },
        _ => Value::from(()),
    };
    // Function and customer pages also show the services they list.
    let listed = |ids: &mut dyn Iterator<Item = &String>| -> Vec<u64> {
        ids.map(|id| values.hash("services", id)).collect()
    };
    let mut entity_pages = |list: &'static str,
                            ids: Vec<&str>,
                            template: &'static str,
                            nav: &'static str,
                            shown: &dyn Fn(usize) -> Vec<u64>|
     -> Result<(), String> {
        let by_id = ix.get_attr(list).map_err(|e| e.to_string())?;
        for (i, id) in ids.into_iter().enumerate() {
            if !is_valid_id(id) {
                return Err(format!("`{id}` is not a valid id; it cannot name a page"));
            }
            let own = values.hash(list, id);
            specs.push(PageSpec {
                path: format!("{list}/{id}.html"),
                template,
                root: "../",
                nav,
                page: by_id.get_attr(id).unwrap_or_default(),
                fingerprint: fingerprint(&mut [own].into_iter().chain(shown(i))),
            });
        }
        Ok(())
    };
    entity_pages(
        "functions",
        catalog.functions.iter().map(|e| e.id.as_str()).collect(),
        "function.html",
        "index",
        &|i| listed(&mut catalog.functions[i].services.iter()),
    )?;
    entity_pages(
        "services",
        catalog.services.iter().map(|e| e.id.as_str()).collect(),
        "service.html",
        "lifecycle",
        &|_| Vec::new(),
    )?;
    entity_pages(
        "gates",
        catalog.gates.iter().map(|e| e.id.as_str()).collect(),
        "gate.html",
        "lifecycle",
        &|_| Vec::new(),
    )?;
    entity_pages(
        "customers",
        catalog.customers.iter().map(|e| e.id.as_str()).collect(),
        "customer.html",
        "index",
        &|i| listed(&mut catalog.customers[i].entitlements.iter().map(|e| &e.service)),
    )?;
    let base_url = catalog.pmo.base_url.clone().unwrap_or_else(|| "/".into());

    let render_one = |spec: &PageSpec, root: &str| -> Result<OutFile, String> {
        let template = env
            .get_template(spec.template)
            .map_err(|e| format!("{e:#}"))?;
        // The lifecycle strip is drawn only for a service page being rendered.
        let strip = (spec.template == "service.html").then(|| {
            let stage = spec
                .page
                .get_attr("stage")
                .ok()
                .and_then(|s| s.as_str().and_then(crate::model::Stage::parse_word));
            Value::from_safe_string(svg::lifecycle_strip(stage))
        });
        let ctx = context! {
            catalog => cat.clone(),
            ix => ix.clone(),
            root => Value::from_safe_string(root.to_string()),
            nav => spec.nav,
            nav_items => nav_items.clone(),
            site_title => site_title.clone(),
            page => spec.page.clone(),
            strip => strip,
            ..extra(spec.template)
        };
        let html = template
            .render(ctx)
            .map_err(|e| format!("rendering `{}`: {e:#}", spec.path))?;
        Ok(OutFile {
            path: spec.path.clone(),
            bytes: html.into_bytes().into(),
        })
    };
    let previous = std::mem::take(&mut memo.pages);
    // A page whose fingerprint and links are unchanged is taken from the memo.
    let render_page = |spec: &&PageSpec| -> Result<(OutFile, Option<memo::Page>, bool), String> {
        if let Some(fp) = spec.fingerprint
            && let Some(page) = memo::reusable(&previous, &spec.path, fp, &names)
        {
            let kept = memo::Page {
                fingerprint: fp,
                drawn: page.drawn.clone(),
                links: page.links,
                bytes: page.bytes.clone(),
            };
            let file = OutFile {
                path: spec.path.clone(),
                bytes: page.bytes.clone(),
            };
            return Ok((file, Some(kept), true));
        }
        let (file, drawn) = links::recording(|| render_one(spec, spec.root));
        let file = file?;
        let page = spec.fingerprint.map(|fingerprint| memo::Page {
            fingerprint,
            links: names.hash_links(&drawn),
            drawn,
            bytes: file.bytes.clone(),
        });
        Ok((file, page, false))
    };
    let (firsts, rest): (Vec<&PageSpec>, Vec<&PageSpec>) = specs
        .iter()
        .partition(|s| priority.as_ref().is_some_and(|p| p.pages.contains(&s.path)));
    let mut rendered = Vec::with_capacity(specs.len());
    if let Some(priority) = &priority
        && !firsts.is_empty()
    {
        let done: Vec<_> = firsts
            .par_iter()
            .map(render_page)
            .collect::<Result<_, _>>()?;
        let files: Vec<OutFile> = done.iter().map(|(f, _, _)| f.clone()).collect();
        (priority.ready)(&files);
        rendered.extend(done);
    }
    // The catalog and the search index are written while the pages render.
    let (others, (catalog_json, search)) = rayon::join(
        || {
            rest.par_iter()
                .map(render_page)
                .collect::<Result<Vec<_>, _>>()
        },
        || (catalog::to_json(catalog), search_index(catalog)),
    );
    rendered.extend(others?);
    memo.reused = rendered.iter().filter(|r| r.2).count();
    let mut files = Vec::with_capacity(rendered.len() + 8);
    for (file, page, _) in rendered {
        if let Some(page) = page {
            memo.pages.insert(file.path.clone(), page);
        }
        files.push(file);
    }
    // The server's "not found" page is served at any depth: it links from the base URL.
    let not_found = PageSpec {
        path: "404.html".into(),
        template: "404.html",
        root: "",
        nav: "",
        page: Value::from(()),
        fingerprint: None,
    };
    let base = if base_url.ends_with('/') {
        base_url
    } else {
        format!("{base_url}/")
    };
    files.push(render_one(&not_found, &base)?);
    files.push(OutFile {
        path: "catalog.json".into(),
        bytes: catalog_json.into_bytes().into(),
    });
    files.push(OutFile {
        path: "search-index.js".into(),
        bytes: search.into_bytes().into(),
    });
    for (name, bytes) in &theme.assets {
        files.push(OutFile {
            path: name.clone(),
            bytes: bytes.as_slice().into(),
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acme() -> Catalog {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme");
        let compiled = crate::compile::compile(&root, &Default::default()).unwrap();
        catalog::build(&compiled.model, compiled.as_of)
    }

    /// `catalog` in templates is assembled list by list; it must hold all
    /// of `catalog.json`, no more, no less.
    #[test]
    fn template_values_are_the_whole_catalog() {
        let catalog = acme();
        let json = |v: &Value| serde_json::to_value(v).unwrap();
        let expected = serde_json::to_value(&catalog).unwrap();
        let mut memo = Memo::default();
        let first = Values::of(&catalog, &mut memo);
        assert_eq!(json(&first.catalog), expected);
        // Again, from the values the memo kept.
        let again = Values::of(&catalog, &mut memo);
        assert_eq!(json(&again.catalog), expected);
        assert_eq!(first.whole, again.whole);
    }
}

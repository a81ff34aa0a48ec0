//! The documentation site: one page per function, service, gate and
//! customer group, the overview pages, the pictures, the search index,
//! `catalog.json` and the exports (`export/`: the CSV tables, the Backstage
//! file, the calendar), rendered from the [`Catalog`] with minijinja
//! templates.
//!
//! Rendering is O(pages): the catalog, its lookup tables and the navigation
//! are turned into template values once and shared by reference (minijinja
//! values are reference-counted); each entry is a view of the shared
//! catalogue whose fields convert when read (`fields`), so the catalogue
//! is held once; pages render in parallel, and a build ([`Sink::Stream`])
//! renders each into its file; no page clones the model.

mod board;
mod fields;
mod graph;
pub mod html;
pub mod links;
pub mod markdown;
pub mod memo;
mod observed;
mod onboarding;
mod pages;
mod roadmap;
mod search;
pub mod svg;
pub mod theme;
mod values;
pub mod write;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use minijinja::value::{Serde, Value};
use minijinja::{Environment, UndefinedBehavior, context};
use rayon::prelude::*;

use super::export;
use crate::catalog::{self, Catalog, CustomerEntry, MetricEntry, ServiceEntry, health};
pub use memo::Memo;
use pages::{NAV, PLAN_PAGES, PageSpec};
pub use theme::Theme;
use values::{Hashes, Values};
pub use write::OutFile;

/// Pages to render before the others, and what to do with them once they
/// are ready (`serve` writes them and reloads the browsers showing them).
pub struct Priority<'a> {
    /// Paths in the site, as `OutFile::path`.
    pub pages: &'a HashSet<String>,
    pub ready: &'a (dyn Fn(&[OutFile]) + Sync),
}

/// Why a site cannot be rendered: the project's theme is broken (a
/// template that does not compile or render, a file that cannot be read),
/// or an id cannot name a page.
#[derive(Debug)]
pub enum RenderError {
    /// A template failed; `what` says where (`template `x``, `rendering `p``).
    Template {
        what: Option<String>,
        source: minijinja::Error,
    },
    Theme(theme::ThemeError),
    /// An id that is not valid cannot name a page.
    InvalidId(String),
    /// A file streamed to the output folder could not be written.
    Write(std::io::Error),
}

impl RenderError {
    fn template(what: impl Into<Option<String>>) -> impl FnOnce(minijinja::Error) -> RenderError {
        let what = what.into();
        |source| RenderError::Template { what, source }
    }
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenderError::Template {
                what: Some(what),
                source,
            } => write!(f, "{what}: {source:#}"),
            RenderError::Template { what: None, source } => write!(f, "{source:#}"),
            RenderError::Theme(e) => e.fmt(f),
            RenderError::InvalidId(id) => {
                write!(f, "`{id}` is not a valid id; it cannot name a page")
            }
            RenderError::Write(e) => write!(f, "cannot write the site: {e}"),
        }
    }
}

impl std::error::Error for RenderError {}

impl From<std::io::Error> for RenderError {
    fn from(e: std::io::Error) -> RenderError {
        RenderError::Write(e)
    }
}

/// Where a render's files go.
#[derive(Clone, Copy)]
pub enum Sink<'a> {
    /// Kept, returned and remembered in the memo (watch and serve).
    Keep,
    /// Each file written into the folder as soon as it is made, then
    /// dropped (`catalog.json` written as it is serialized): a one-shot
    /// build holds no more than the pages in flight.
    Stream(&'a write::Folder),
}

impl Sink<'_> {
    /// The file kept, or streamed and dropped.
    fn take(self, file: OutFile) -> Result<Option<OutFile>, RenderError> {
        match self {
            Sink::Keep => Ok(Some(file)),
            Sink::Stream(folder) => {
                folder.write(&file)?;
                Ok(None)
            }
        }
    }

    /// The file at `path` holding `bytes` kept, or written from `bytes`
    /// (not copied into a file first) and dropped.
    fn put(self, path: &str, bytes: Vec<u8>) -> Result<Option<OutFile>, RenderError> {
        match self {
            Sink::Keep => Ok(Some(OutFile::new(path, bytes))),
            Sink::Stream(folder) => {
                folder.write_with(path, |w| w.write_all(&bytes))?;
                Ok(None)
            }
        }
    }
}

fn environment(
    theme: &Theme,
    names: Arc<links::Names>,
) -> Result<Environment<'static>, RenderError> {
    let mut env = Environment::new();
    links::register(&mut env, names);
    env.set_undefined_behavior(UndefinedBehavior::Chainable);
    env.add_filter("by_name", values::by_name);
    env.add_filter("markdown", |s: Option<String>| {
        Value::from_safe_string(s.map(|s| markdown::to_html(&s)).unwrap_or_default())
    });
    // A link's address, only when it is one a link may take (`http:`,
    // `https:`, `mailto:`): a catalogue built elsewhere cannot slip another.
    env.add_filter("href", |s: Option<String>| {
        let safe = s.filter(|s| crate::base::link::is_safe(s));
        Value::from_safe_string(safe.map(|s| html::escape(&s)).unwrap_or_default())
    });
    // An observed value as the charts write it: "97%", "4.5 days", "" for none.
    env.add_function("measure", |value: Option<f64>, unit: Option<String>| {
        let unit = unit.and_then(|u| <crate::model::Unit as crate::model::Keyword>::parse(&u));
        value.map(|v| svg::with_unit(v, unit)).unwrap_or_default()
    });
    for (name, source) in &theme.templates {
        env.add_template_owned(name.clone(), source.clone())
            .map_err(RenderError::template(format!("template `{name}`")))?;
    }
    Ok(env)
}

/// Renders every file of the site. Fails only on a broken (user) template.
/// `memo` carries unchanged pages over from the previous render; the pages
/// of `priority` are rendered first and handed over as soon as they are.
pub fn render(
    catalog: &Arc<Catalog>,
    theme: &Theme,
    memo: &mut Memo,
    priority: Option<Priority>,
) -> Result<Vec<OutFile>, RenderError> {
    render_to(catalog, theme, memo, priority, Sink::Keep)
}

/// Renders every file of the site into `sink`; returns the files kept (all
/// of them with [`Sink::Keep`], none when streaming).
pub fn render_to(
    catalog: &Arc<Catalog>,
    theme: &Theme,
    memo: &mut Memo,
    priority: Option<Priority>,
    sink: Sink,
) -> Result<Vec<OutFile>, RenderError> {
    let (names, values) = rayon::join(
        || Arc::new(links::Names::of(catalog)),
        || Values::of(catalog),
    );
    let states = observed::TriggerStates::of(catalog);
    let renderer = Renderer::new(catalog, theme, &states, names.clone(), &values)?;
    let previous = std::mem::take(&mut memo.pages);
    let firsts = match &priority {
        Some(priority) => in_view_first(catalog, &values, &states, &renderer, priority)?,
        None => Vec::new(),
    };
    let hashes = Hashes::of(catalog);
    let global = global_fingerprint(catalog, theme);
    // With a project's own templates a page may show anything: none is reused.
    let make = |parts: &mut dyn Iterator<Item = u64>| -> Option<u64> {
        (!theme.custom_templates).then(|| memo::combine([global].into_iter().chain(parts)))
    };
    let fingerprints = pages::Fingerprints {
        hashes: &hashes,
        make: &make,
    };
    let specs = pages::plan(catalog, &values, &states, Some(&fingerprints), None)?;

    let render_page = |spec: &&PageSpec| -> Result<Rendered, RenderError> {
        match sink {
            Sink::Keep => renderer.page(spec, &previous, &names),
            // Rendered into the file as it is made: no page is held whole.
            Sink::Stream(folder) => {
                renderer.stream(spec, folder)?;
                Ok(Rendered {
                    file: OutFile::new(&spec.path, Vec::new()),
                    memo: None,
                    reused: false,
                })
            }
        }
    };
    // The pages rendered first are remembered under their fingerprints now.
    let (rest, mut rendered) = remember_firsts(&specs, firsts, &names);
    // The catalog, the search index and the exports are made (and, when
    // streaming, written) while the pages render.
    let (others, whole) = rayon::join(
        || {
            rest.par_iter()
                .map(render_page)
                .collect::<Result<Vec<_>, _>>()
        },
        || whole_catalogue_files(catalog, theme, &renderer, sink),
    );
    rendered.extend(others?);
    memo.reused = rendered.iter().filter(|r| r.reused).count();
    let mut files = Vec::with_capacity(rendered.len() + 8);
    for r in rendered {
        if let Some(page) = r.memo {
            memo.pages.insert(r.file.path.clone(), page);
        }
        if let Sink::Keep = sink {
            files.push(r.file);
        }
    }
    files.extend(whole?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// A page rendered before the catalogue was hashed: its path, its file and
/// the links it drew.
type First = (String, OutFile, Vec<links::Drawn>);

/// The pages in view, planned, rendered and handed over before the
/// catalogue is hashed for the memo: rendered whatever their fingerprint
/// (a page whose bytes did not change is not written again).
fn in_view_first(
    catalog: &Catalog,
    values: &Values,
    states: &observed::TriggerStates,
    renderer: &Renderer,
    priority: &Priority,
) -> Result<Vec<First>, RenderError> {
    if priority.pages.is_empty() {
        return Ok(Vec::new());
    }
    let specs = pages::plan(catalog, values, states, None, Some(priority.pages))?;
    let firsts = specs
        .par_iter()
        .map(|spec| {
            let (file, drawn) = renderer.fresh(spec)?;
            Ok((spec.path.clone(), file, drawn))
        })
        .collect::<Result<Vec<First>, RenderError>>()?;
    let files: Vec<OutFile> = firsts.iter().map(|(_, file, _)| file.clone()).collect();
    (priority.ready)(&files);
    Ok(firsts)
}

/// The pages still to render, and the pages rendered first with their
/// fingerprints from `specs`, for the memo.
fn remember_firsts<'s>(
    specs: &'s [PageSpec],
    firsts: Vec<First>,
    names: &links::Names,
) -> (Vec<&'s PageSpec>, Vec<Rendered>) {
    let done: HashSet<&str> = firsts.iter().map(|(path, _, _)| path.as_str()).collect();
    let (done, rest): (Vec<&PageSpec>, Vec<&PageSpec>) =
        specs.iter().partition(|s| done.contains(s.path.as_str()));
    let fingerprints: HashMap<&str, Option<u64>> = done
        .iter()
        .map(|s| (s.path.as_str(), s.fingerprint))
        .collect();
    let rendered = firsts
        .into_iter()
        .map(|(path, file, drawn)| {
            let fingerprint = fingerprints.get(path.as_str()).copied().flatten();
            Rendered::new(file, drawn, fingerprint, names)
        })
        .collect();
    (rest, rendered)
}

/// What every page shows: the templates, the PMO, the date.
fn global_fingerprint(catalog: &Catalog, theme: &Theme) -> u64 {
    let mut h = DefaultHasher::new();
    theme.templates.hash(&mut h);
    (&catalog.schema_version, &catalog.as_of).hash(&mut h);
    memo::hash_of(&catalog.pmo).hash(&mut h);
    h.finish()
}

/// The files made from the whole catalogue (the 404 page, `catalog.json`,
/// the search index, the exports) and the theme's assets, into `sink`.
fn whole_catalogue_files(
    catalog: &Catalog,
    theme: &Theme,
    renderer: &Renderer,
    sink: Sink,
) -> Result<Vec<OutFile>, RenderError> {
    let mut kept = Vec::new();
    kept.extend(sink.take(renderer.not_found()?)?);
    match sink {
        Sink::Keep => kept.push(OutFile::new(
            "catalog.json",
            catalog::to_json(catalog).into_bytes(),
        )),
        // Serialized into the file: the largest file is never held whole.
        Sink::Stream(folder) => folder.write_with("catalog.json", |w| {
            crate::catalog::serial::pretty_to(w, catalog)
        })?,
    }
    kept.extend(sink.put("search-index.js", search::script(catalog).into_bytes())?);
    export::each_site_file(catalog, |path, bytes| {
        kept.extend(sink.put(&path, bytes)?);
        Ok::<(), RenderError>(())
    })?;
    for (name, bytes) in &theme.assets {
        kept.extend(sink.take(OutFile::new(name, bytes.as_slice()))?);
    }
    Ok(kept)
}

/// A page rendered or taken from the memo, with what the memo keeps of it.
struct Rendered {
    file: OutFile,
    memo: Option<memo::Page>,
    reused: bool,
}

impl Rendered {
    /// A page just rendered, remembered when it has a fingerprint.
    fn new(
        file: OutFile,
        drawn: Vec<links::Drawn>,
        fingerprint: Option<u64>,
        names: &links::Names,
    ) -> Rendered {
        let memo = fingerprint.map(|fingerprint| memo::Page {
            fingerprint,
            links: names.hash_links(&drawn),
            drawn,
            bytes: file.bytes.clone(),
        });
        Rendered {
            file,
            memo,
            reused: false,
        }
    }
}

/// What every page is rendered with.
struct Renderer<'a> {
    env: Environment<'static>,
    catalog: &'a Catalog,
    states: &'a observed::TriggerStates<'a>,
    /// What needs attention, by service: the banners' rows, computed once.
    attention: BTreeMap<&'a str, Vec<health::Attention>>,
    services: HashMap<&'a str, &'a ServiceEntry>,
    customers: HashMap<&'a str, &'a CustomerEntry>,
    metrics: HashMap<&'a str, &'a MetricEntry>,
    values: &'a Values,
    nav_items: Vec<Value>,
    plan_pages: Vec<Value>,
    site_title: String,
}

impl<'a> Renderer<'a> {
    fn new(
        catalog: &'a Catalog,
        theme: &Theme,
        states: &'a observed::TriggerStates<'a>,
        names: Arc<links::Names>,
        values: &'a Values,
    ) -> Result<Renderer<'a>, RenderError> {
        let nav_items = NAV
            .iter()
            .map(|(key, href, label)| context! { key => *key, href => *href, label => *label })
            .collect();
        let plan_pages = PLAN_PAGES
            .iter()
            .map(|(href, label)| context! { href => *href, label => *label })
            .collect();
        let site_title = catalog
            .pmo
            .title
            .clone()
            .or_else(|| catalog.pmo.name.clone())
            .unwrap_or_else(|| catalog.pmo.id.clone());
        Ok(Renderer {
            env: environment(theme, names)?,
            catalog,
            states,
            attention: health::attention(catalog),
            services: catalog
                .services
                .iter()
                .map(|s| (s.id.as_str(), &**s))
                .collect(),
            customers: catalog
                .customers
                .iter()
                .map(|c| (c.id.as_str(), c))
                .collect(),
            metrics: observed::metrics(catalog),
            values,
            nav_items,
            plan_pages,
            site_title,
        })
    }

    /// What a page shows besides the catalogue, made only when it renders:
    /// the pictures, what the observations say.
    fn extra(&self, spec: &PageSpec) -> Value {
        let catalog = self.catalog;
        match spec.template {
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
                let attention: Vec<&health::Attention> =
                    self.attention.values().flatten().collect();
                context! { stage_map => Value::from_safe_string(svg::function_stage_map(catalog)), summaries => summaries, attention => Value::from(Serde(attention)) }
            }
            "dependencies.html" => {
                context! { graph => svg::dependency_graph(catalog, "").map(Value::from_safe_string) }
            }
            "health.html" => self.health(),
            "lifecycle.html" => self.board(),
            "roadmap.html" => self.roadmap(),
            "change-load.html" => change_load_months(catalog),
            "triggers.html" => self.triggers(),
            "service.html" => self.service(&spec.page),
            "customer.html" => self.customer(&spec.page),
            _ => Value::from(()),
        }
    }

    /// Renders one page, `root` leading back to the site's top.
    fn render(&self, spec: &PageSpec, root: &str) -> Result<OutFile, RenderError> {
        let (template, ctx) = self.template(spec, root)?;
        let html = template
            .render(ctx)
            .map_err(RenderError::template(format!("rendering `{}`", spec.path)))?;
        Ok(OutFile::new(&spec.path, html.into_bytes()))
    }

    /// Renders one page into its file in `folder`, as it is made.
    fn stream(&self, spec: &PageSpec, folder: &write::Folder) -> Result<(), RenderError> {
        let (template, ctx) = self.template(spec, spec.root)?;
        let mut failed = None;
        let written = folder.write_with(&spec.path, |w| {
            template.render_captured_to(ctx, w).map(drop).map_err(|e| {
                let io = std::io::Error::other(e.to_string());
                failed = Some(e);
                io
            })
        });
        match failed {
            Some(e) if e.kind() != minijinja::ErrorKind::WriteFailure => Err(
                RenderError::template(format!("rendering `{}`", spec.path))(e),
            ),
            _ => Ok(written?),
        }
    }

    /// A page's template and what it is rendered with.
    fn template(
        &self,
        spec: &PageSpec,
        root: &str,
    ) -> Result<(minijinja::Template<'_, '_>, Value), RenderError> {
        let template = self
            .env
            .get_template(spec.template)
            .map_err(RenderError::template(None))?;
        let ctx = context! {
            catalog => self.values.catalog.clone(),
            ix => self.values.ix.clone(),
            root => Value::from_safe_string(html::escape(root)),
            nav => spec.nav,
            nav_items => self.nav_items.clone(),
            plan_pages => self.plan_pages.clone(),
            site_title => self.site_title.clone(),
            page => spec.page.clone(),
            ..self.extra(spec)
        };
        Ok((template, ctx))
    }

    /// A page from the memo when its fingerprint and links are unchanged,
    /// else rendered (recording the links it draws).
    fn page(
        &self,
        spec: &PageSpec,
        previous: &std::collections::HashMap<String, memo::Page>,
        names: &links::Names,
    ) -> Result<Rendered, RenderError> {
        if let Some(fp) = spec.fingerprint
            && let Some(page) = memo::reusable(previous, &spec.path, fp, names)
        {
            return Ok(Rendered {
                file: OutFile {
                    path: spec.path.clone(),
                    bytes: page.bytes.clone(),
                },
                memo: Some(page.kept(fp)),
                reused: true,
            });
        }
        let (file, drawn) = self.fresh(spec)?;
        Ok(Rendered::new(file, drawn, spec.fingerprint, names))
    }

    /// A page rendered, with the links it drew.
    fn fresh(&self, spec: &PageSpec) -> Result<(OutFile, Vec<links::Drawn>), RenderError> {
        let (file, drawn) = links::recording(|| self.render(spec, spec.root));
        Ok((file?, drawn))
    }

    /// The server's "not found" page is served at any depth: it links from
    /// the base URL.
    fn not_found(&self) -> Result<OutFile, RenderError> {
        let base_url = self.catalog.pmo.base_url.as_deref().unwrap_or("/");
        let base = if base_url.ends_with('/') {
            base_url.to_string()
        } else {
            format!("{base_url}/")
        };
        self.render(&PageSpec::standalone("404.html"), &base)
    }
}

/// The change-load page's months: the twelve from as-of's, each with its
/// key (`2027-01`, as the catalog's `change_load` writes it) and its label
/// (`Jan 2027`).
fn change_load_months(catalog: &Catalog) -> Value {
    const NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let first = catalog
        .as_of
        .parse::<jiff::civil::Date>()
        .map(crate::model::Month::of);
    let months: Vec<Value> = first
        .into_iter()
        .flat_map(|first| (0..12).map(move |n| first.plus(n)))
        .map(|m| {
            let name = NAMES[(m.number() - 1) as usize];
            context! { key => m.to_string(), label => format!("{name} {}", m.year()) }
        })
        .collect();
    context! { months => months }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acme() -> Catalog {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme");
        let compiled = crate::compile::compile(&root, &Default::default()).unwrap();
        catalog::build(&compiled.index(), &compiled.evaluation)
    }

    /// `catalog` in templates is assembled list by list; it must hold all
    /// of `catalog.json`, no more, no less.
    #[test]
    fn template_values_are_the_whole_catalog() {
        let catalog = Arc::new(acme());
        let json = |v: &Value| serde_json::to_value(v).unwrap();
        let expected = serde_json::to_value(&*catalog).unwrap();
        let values = Values::of(&catalog);
        assert_eq!(json(&values.catalog), expected);
        assert_eq!(Hashes::of(&catalog).whole, Hashes::of(&catalog).whole);
    }

    /// The pages in view are rendered before the catalogue is hashed: the
    /// same bytes as a render without them, handed over first, and
    /// remembered, so that the next render reuses them like any other.
    #[test]
    fn pages_in_view_come_first_and_are_remembered() {
        let catalog = Arc::new(acme());
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme");
        let theme = Theme::load(&root).unwrap();
        let mut memo = Memo::default();
        let plain = render(&catalog, &theme, &mut memo, None).unwrap();
        render(&catalog, &theme, &mut memo, None).unwrap();
        let all_reused = memo.reused;
        assert!(all_reused > 30, "the memo reuses the pages: {all_reused}");

        let viewed: HashSet<String> = ["index.html", "services/risk-log.html"]
            .map(String::from)
            .into();
        let handed = std::sync::Mutex::new(Vec::new());
        let ready = |files: &[OutFile]| {
            let paths = files.iter().map(|f| f.path.clone());
            handed.lock().unwrap().extend(paths);
        };
        let priority = || Priority {
            pages: &viewed,
            ready: &ready,
        };
        let mut memo = Memo::default();
        assert_eq!(
            render(&catalog, &theme, &mut memo, Some(priority())).unwrap(),
            plain
        );
        let mut handed_over = handed.lock().unwrap().clone();
        handed_over.sort();
        assert_eq!(handed_over, ["index.html", "services/risk-log.html"]);
        // Again with the same pages in view: rendered afresh, the rest reused.
        assert_eq!(
            render(&catalog, &theme, &mut memo, Some(priority())).unwrap(),
            plain
        );
        assert_eq!(memo.reused, all_reused - viewed.len());
        // Without them: the pages rendered first were remembered too.
        assert_eq!(render(&catalog, &theme, &mut memo, None).unwrap(), plain);
        assert_eq!(memo.reused, all_reused);
    }
}

//! Cross-reference links as template functions: `service(id)`,
//! `party(id)`, `links(ids, "gate")`, `stage(s)` and the rest. They are plain
//! Rust over one table of links built per render, escaped once, so the
//! thousands of links a large catalogue has cost a hash lookup each, not a
//! template macro call. `root` comes from the page's context.
//!
//! While a page renders, the links it draws are recorded ([`recording`]):
//! the page memo keeps them, and a page whose links still read the same
//! need not render again when some other entity's name changes.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use minijinja::value::Value;
use minijinja::{Environment, State};

use super::super::catalog::Catalog;
use super::svg::escape;

/// The kinds of entity a link can name, with where their pages are.
const KINDS: &[(&str, &str, &str)] = &[
    // (kind, prefix, suffix): the link is root + prefix + id + suffix
    ("party", "people.html#", ""),
    ("service", "services/", ".html"),
    ("function", "functions/", ".html"),
    ("gate", "gates/", ".html"),
    ("customer", "customers/", ".html"),
    ("objective", "objectives.html#", ""),
    ("metric", "slas.html#metric-", ""),
    ("trigger", "triggers.html#", ""),
    ("sla", "slas.html#", ""),
];

/// A link drawn on a page: the kind (an index into the kinds) and the id.
pub type Drawn = (u8, String);

thread_local! {
    /// The links drawn on this thread since [`recording`] began.
    static DRAWN: RefCell<Option<Vec<Drawn>>> = const { RefCell::new(None) };
}

/// Runs `render`, returning with its result every link it drew (sorted,
/// without repeats).
pub fn recording<R>(render: impl FnOnce() -> R) -> (R, Vec<Drawn>) {
    let outer = DRAWN.with(|d| d.borrow_mut().replace(Vec::new()));
    let result = render();
    let mut drawn = DRAWN
        .with(|d| std::mem::replace(&mut *d.borrow_mut(), outer))
        .unwrap_or_default();
    drawn.sort_unstable();
    drawn.dedup();
    (result, drawn)
}

/// An entity's link, escaped: the part after `root` in `href`, and its text.
struct Link {
    href: String,
    text: String,
}

/// Every entity's link, by kind (as in `KINDS`), then id.
#[derive(Default)]
pub struct Names(Vec<HashMap<String, Link>>);

impl Names {
    pub fn of(catalog: &Catalog) -> Names {
        let mut names = Names(KINDS.iter().map(|_| HashMap::new()).collect());
        let mut add = |kind: &'static str, id: &str, name: Option<&String>| {
            let k = kind_index(kind).expect("a known kind");
            let (_, prefix, suffix) = KINDS[k];
            names.0[k].insert(
                id.to_string(),
                Link {
                    href: escape(&format!("{prefix}{id}{suffix}")),
                    text: escape(name.map_or(id, String::as_str)),
                },
            );
        };
        for p in &catalog.persons {
            add("party", &p.id, p.name.as_ref());
        }
        for t in &catalog.teams {
            add("party", &t.id, t.name.as_ref());
        }
        for s in &catalog.services {
            add("service", &s.id, s.name.as_ref());
            for sla in &s.slas {
                add("sla", &sla.id, None);
            }
        }
        for f in &catalog.functions {
            add("function", &f.id, f.name.as_ref());
        }
        for g in &catalog.gates {
            add("gate", &g.id, g.name.as_ref());
        }
        for c in &catalog.customers {
            add("customer", &c.id, c.name.as_ref());
        }
        for o in &catalog.objectives {
            add("objective", &o.id, o.title.as_ref());
        }
        for m in &catalog.metrics {
            add("metric", &m.id, m.name.as_ref());
        }
        for t in &catalog.triggers {
            add("trigger", &t.id, None);
        }
        names
    }

    /// A hash of how `drawn` links read now (for page fingerprints).
    pub fn hash_links(&self, drawn: &[Drawn]) -> u64 {
        let mut h = DefaultHasher::new();
        for (kind, id) in drawn {
            let link = self.0.get(*kind as usize).and_then(|m| m.get(id));
            (kind, id, link.map(|l| (&l.href, &l.text))).hash(&mut h);
        }
        h.finish()
    }

    fn link(&self, out: &mut String, root: &str, kind: usize, id: &str) {
        DRAWN.with(|d| {
            if let Some(drawn) = d.borrow_mut().as_mut() {
                drawn.push((kind as u8, id.to_string()));
            }
        });
        let class = if KINDS[kind].0 == "party" {
            " class=\"party\""
        } else {
            ""
        };
        out.push_str("<a");
        out.push_str(class);
        out.push_str(" href=\"");
        out.push_str(&escape(root));
        match self.0[kind].get(id) {
            Some(link) => {
                out.push_str(&link.href);
                out.push_str("\">");
                out.push_str(&link.text);
            }
            None => {
                let (_, prefix, suffix) = KINDS[kind];
                out.push_str(&escape(&format!("{prefix}{id}{suffix}")));
                out.push_str("\">");
                out.push_str(&escape(id));
            }
        }
        out.push_str("</a>");
    }
}

fn kind_index(kind: &str) -> Option<usize> {
    KINDS.iter().position(|(k, _, _)| *k == kind)
}

fn root(state: &State) -> String {
    state
        .lookup("root")
        .map(|r| r.to_string())
        .unwrap_or_default()
}

/// Adds the link functions to a template environment.
pub fn register(env: &mut Environment<'static>, names: Arc<Names>) {
    for (k, (kind, _, _)) in KINDS.iter().enumerate() {
        let names = names.clone();
        env.add_function(*kind, move |state: &State, id: Option<&str>| -> Value {
            let mut out = String::new();
            if let Some(id) = id {
                names.link(&mut out, &root(state), k, id);
            }
            Value::from_safe_string(out)
        });
    }
    env.add_function(
        "links",
        move |state: &State, ids: Option<Vec<String>>, kind: &str| -> Value {
            let ids = ids.unwrap_or_default();
            if ids.is_empty() {
                return Value::from_safe_string("<span class=\"none\">none</span>".into());
            }
            let Some(k) = kind_index(kind) else {
                return Value::from_safe_string(escape(&ids.join(", ")));
            };
            let root = root(state);
            let mut out = String::new();
            for (i, id) in ids.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                names.link(&mut out, &root, k, id);
            }
            Value::from_safe_string(out)
        },
    );
    env.add_function("stage", |stage: Option<String>| -> Value {
        let html = match stage {
            Some(s) => format!("<span class=\"badge stage-{0}\">{0}</span>", escape(&s)),
            None => "<span class=\"badge stage-unknown\">no stage</span>".into(),
        };
        Value::from_safe_string(html)
    });
    env.add_function("level", |level: Option<String>| -> Value {
        let html = match level {
            Some(l) => format!("<span class=\"badge level-{0}\">{0}</span>", escape(&l)),
            None => "<span class=\"badge\">level not given</span>".into(),
        };
        Value::from_safe_string(html)
    });
}

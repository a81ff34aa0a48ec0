//! Cross-reference links as template functions: `service(id)`,
//! `party(id)`, `links(ids, "gate")`, `stage(s)` and the rest. They are plain
//! Rust over one table of display names built per render, so the thousands
//! of links a large catalogue has cost a hash lookup each, not a template
//! macro call. Every name is escaped; `root` comes from the page's context.

use std::collections::HashMap;
use std::fmt::Write;
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

/// Display names by kind, then id; and for each id a hash of every name it
/// has (for page fingerprints).
#[derive(Default)]
pub struct Names(
    HashMap<&'static str, HashMap<String, String>>,
    HashMap<String, u64>,
);

impl Names {
    pub fn of(catalog: &Catalog) -> Names {
        let mut names = Names::default();
        let mut add = |kind: &'static str, id: &str, name: Option<&String>| {
            names.0.entry(kind).or_default().insert(
                id.to_string(),
                name.cloned().unwrap_or_else(|| id.to_string()),
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
        let mut hashes: HashMap<String, std::hash::DefaultHasher> = HashMap::new();
        for (kind, _, _) in KINDS {
            for (id, name) in names.0.get(kind).into_iter().flatten() {
                use std::hash::Hash;
                let h = hashes.entry(id.clone()).or_default();
                kind.hash(h);
                name.hash(h);
            }
        }
        names.1 = hashes
            .into_iter()
            .map(|(id, h)| (id, std::hash::Hasher::finish(&h)))
            .collect();
        names
    }

    /// Hashes every name `id` has, in every kind (for page fingerprints).
    pub fn hash_id(&self, id: &str, h: &mut impl std::hash::Hasher) {
        if let Some(names) = self.1.get(id) {
            h.write_u64(*names);
        }
    }

    fn link(&self, out: &mut String, root: &str, kind: &str, id: &str) {
        let (_, prefix, suffix) = KINDS
            .iter()
            .find(|(k, _, _)| *k == kind)
            .copied()
            .unwrap_or(("", "", ""));
        let name = self
            .0
            .get(kind)
            .and_then(|m| m.get(id))
            .map_or(id, String::as_str);
        let class = if kind == "party" {
            " class=\"party\""
        } else {
            ""
        };
        let _ = write!(
            out,
            "<a{class} href=\"{}{prefix}{}{suffix}\">{}</a>",
            escape(root),
            escape(id),
            escape(name)
        );
    }
}

fn root(state: &State) -> String {
    state
        .lookup("root")
        .map(|r| r.to_string())
        .unwrap_or_default()
}

/// Adds the link functions to a template environment.
pub fn register(env: &mut Environment<'static>, names: Arc<Names>) {
    for (kind, _, _) in KINDS {
        let names = names.clone();
        env.add_function(*kind, move |state: &State, id: Option<String>| -> Value {
            let mut out = String::new();
            if let Some(id) = id {
                names.link(&mut out, &root(state), kind, &id);
            }
            Value::from_safe_string(out)
        });
    }
    let list_names = names.clone();
    env.add_function(
        "links",
        move |state: &State, ids: Option<Vec<String>>, kind: String| -> Value {
            let ids = ids.unwrap_or_default();
            if ids.is_empty() {
                return Value::from_safe_string("<span class=\"none\">none</span>".into());
            }
            let root = root(state);
            let mut out = String::new();
            for (i, id) in ids.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                list_names.link(&mut out, &root, &kind, id);
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

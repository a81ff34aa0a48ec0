//! Cross-reference links as template functions: `service(id)`,
//! `party(id)`, `links(ids, "gate")`, `stage(s)` and the rest. They are plain
//! Rust over one table of links built per render, escaped once, so the
//! thousands of links a large catalogue has cost a hash lookup each, not a
//! template macro call. `root` comes from the page's context, escaped. An
//! id that names nothing is drawn as text, never as a path.
//!
//! While a page renders, the links it draws are recorded ([`recording`]):
//! the page memo keeps them, and a page whose links still read the same
//! need not render again when some other entity's name changes.

use std::cell::RefCell;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use minijinja::value::Value;
use minijinja::{Environment, State};
use rustc_hash::FxHashMap;

use super::html::escape;
use crate::base::{EntityKind, Expect};
use crate::catalog::Catalog;

/// What a link names: an entity of one kind, or a party (a person or a
/// team, who share the people page).
pub type LinkKind = Expect;

/// The kinds templates can link to, each a template function of its name.
fn link_kinds() -> impl Iterator<Item = LinkKind> {
    let entities = EntityKind::ALL
        .into_iter()
        .filter(|k| !matches!(k, EntityKind::Pmo | EntityKind::Person | EntityKind::Team))
        .map(Expect::Kind);
    std::iter::once(Expect::Party).chain(entities)
}

/// The template function that draws links of a kind (`party`, `service`).
fn function_name(kind: LinkKind) -> &'static str {
    match kind {
        Expect::Party => "party",
        Expect::Kind(k) => k.keyword(),
    }
}

/// A link drawn on a page: its kind and the id.
pub type Drawn = (LinkKind, String);

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

/// Every entity's link: by kind (its position in [`EntityKind::ALL`]),
/// then id, so a link is found without a key to build.
#[derive(Default)]
pub struct Names(Vec<FxHashMap<Box<str>, Link>>);

impl Names {
    pub fn of(catalog: &Catalog) -> Names {
        let mut names: Vec<FxHashMap<Box<str>, Link>> = EntityKind::ALL
            .iter()
            .map(|_| FxHashMap::default())
            .collect();
        for (kind, id, name) in catalog.entities() {
            let by_id = &mut names[kind as usize];
            if !by_id.contains_key(id) {
                let link = Link {
                    href: escape(&kind.url(id)),
                    text: escape(name.unwrap_or(id)),
                };
                by_id.insert(id.into(), link);
            }
        }
        Names(names)
    }

    /// The link an id of `kind` draws, if it names an entity.
    fn get(&self, kind: LinkKind, id: &str) -> Option<&Link> {
        kind.kinds()
            .iter()
            .find_map(|k| self.0.get(*k as usize)?.get(id))
    }

    /// A hash of how `drawn` links read now (for page fingerprints).
    pub fn hash_links(&self, drawn: &[Drawn]) -> u64 {
        let mut h = DefaultHasher::new();
        for (kind, id) in drawn {
            let link = self.get(*kind, id);
            (kind, id, link.map(|l| (&l.href, &l.text))).hash(&mut h);
        }
        h.finish()
    }

    fn link(&self, out: &mut String, root: &str, kind: LinkKind, id: &str) {
        DRAWN.with(|d| {
            if let Some(drawn) = d.borrow_mut().as_mut() {
                drawn.push((kind, id.to_string()));
            }
        });
        // An id that names nothing (`allow "unknown-reference"`) is shown as
        // text: it never becomes a path.
        let Some(link) = self.get(kind, id) else {
            out.push_str("<span class=\"unresolved\">");
            out.push_str(&escape(id));
            out.push_str("</span>");
            return;
        };
        let class = if kind == Expect::Party {
            " class=\"party\""
        } else {
            ""
        };
        out.push_str("<a");
        out.push_str(class);
        out.push_str(" href=\"");
        // `root` comes escaped from the page's context.
        out.push_str(root);
        out.push_str(&link.href);
        out.push_str("\">");
        out.push_str(&link.text);
        out.push_str("</a>");
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
    for kind in link_kinds() {
        let names = names.clone();
        env.add_function(
            function_name(kind),
            move |state: &State, id: Option<&str>| -> Value {
                let mut out = String::new();
                if let Some(id) = id {
                    names.link(&mut out, &root(state), kind, id);
                }
                Value::from_safe_string(out)
            },
        );
    }
    env.add_function(
        "links",
        move |state: &State, ids: Option<Vec<String>>, kind: &str| -> Value {
            let ids = ids.unwrap_or_default();
            if ids.is_empty() {
                return Value::from_safe_string("<span class=\"none\">none</span>".into());
            }
            let Some(kind) = link_kinds().find(|k| function_name(*k) == kind) else {
                return Value::from_safe_string(escape(&ids.join(", ")));
            };
            let root = root(state);
            let mut out = String::new();
            for (i, id) in ids.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                names.link(&mut out, &root, kind, id);
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

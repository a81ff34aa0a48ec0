//! The catalogue as template values: `catalog` (the same shape as
//! `catalog.json`) and `ix` (`ix.services[id]` and so on), built once per
//! render and shared by every page (minijinja values are reference-counted).
//! Each entry is a [`Entry`] over the shared catalogue: its fields
//! are converted when a template reads them, so the catalogue is not held a
//! second time as template values.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use minijinja::value::{Serde, Value};
use serde::Serialize;

use super::fields::Entry;
use super::memo;
use crate::catalog::Catalog;

/// The catalogue as template values: `catalog` (the same shape as
/// `catalog.json`) and `ix` (`ix.services[id]` and so on).
pub(super) struct Values {
    pub(super) catalog: Value,
    pub(super) ix: Value,
}

/// Each entry's hash, which says when a remembered page is still good:
/// made apart from [`Values`], so that the pages in view are rendered
/// before the catalogue is hashed.
pub(super) struct Hashes<'c> {
    /// Each entry's hash, by list, then id.
    by_list: HashMap<&'static str, HashMap<&'c str, u64>>,
    /// A hash of the whole catalogue.
    pub(super) whole: u64,
}

/// The lists of the catalogue with an id per entry, as `ix` names them.
macro_rules! each_list {
    ($apply:ident) => {
        $apply!(
            persons,
            teams,
            customers,
            objectives,
            metrics,
            functions,
            services,
            gates,
            triggers,
            improvements
        )
    };
}

impl Values {
    pub(super) fn of(catalog: &Arc<Catalog>) -> Values {
        let mut top: BTreeMap<&str, Value> = BTreeMap::new();
        let mut ix: BTreeMap<&str, Value> = BTreeMap::new();
        macro_rules! lists {
            ($($name:ident),*) => {$(
                let (list, by_id) = entries(catalog, |c| &c.$name, |e| &e.id);
                top.insert(stringify!($name), list);
                ix.insert(stringify!($name), by_id);
            )*};
        }
        each_list!(lists);
        top.insert(
            "schema_version",
            Value::from(catalog.schema_version.as_str()),
        );
        top.insert("as_of", Value::from(catalog.as_of.as_str()));
        top.insert("observed", Value::from(catalog.observed));
        top.insert("pmo", Value::from(Serde(&catalog.pmo)));
        top.insert("stages", Value::from(Serde(&catalog.stages)));
        top.insert("capacity", list(catalog, |c| &c.capacity));
        Values {
            catalog: Value::from(top),
            ix: Value::from(ix),
        }
    }
}

impl<'c> Hashes<'c> {
    pub(super) fn of(catalog: &'c Catalog) -> Hashes<'c> {
        let mut by_list = HashMap::new();
        macro_rules! lists {
            ($($name:ident),*) => {$(
                let items = &catalog.$name;
                let hashes = memo::hashes(items)
                    .into_iter()
                    .zip(items)
                    .map(|(h, e)| (e.id.as_str(), h))
                    .collect();
                by_list.insert(stringify!($name), hashes);
            )*};
        }
        each_list!(lists);
        let mut all: Vec<(&str, &str, u64)> = by_list
            .iter()
            .flat_map(|(list, ids): (&&str, &HashMap<&str, u64>)| {
                ids.iter().map(move |(id, h)| (*list, *id, *h))
            })
            .collect();
        all.sort_unstable();
        let whole = memo::combine(all.into_iter().map(|(_, _, h)| h).chain([
            memo::hash_of(&catalog.pmo),
            memo::hash_of(&catalog.stages),
            memo::hash_of(&catalog.observed),
            memo::hash_of(&catalog.capacity),
        ]));
        Hashes { by_list, whole }
    }

    pub(super) fn hash(&self, list: &'static str, id: &str) -> u64 {
        self.by_list
            .get(list)
            .and_then(|ids| ids.get(id))
            .copied()
            .unwrap_or_default()
    }
}

/// One list of the catalogue: its entries in order, and the same by id.
fn entries<T: Serialize + Send + Sync + 'static>(
    catalog: &Arc<Catalog>,
    list: fn(&Catalog) -> &[T],
    id: fn(&T) -> &String,
) -> (Value, Value) {
    let items = list(catalog);
    let values = each(catalog, list);
    let by_id: BTreeMap<&str, Value> = items
        .iter()
        .zip(&values)
        .map(|(e, v)| (id(e).as_str(), v.clone()))
        .collect();
    (Value::from(values), Value::from(by_id))
}

/// A list of the catalogue as a template value.
fn list<T: Serialize + Send + Sync + 'static>(
    catalog: &Arc<Catalog>,
    list: fn(&Catalog) -> &[T],
) -> Value {
    Value::from(each(catalog, list))
}

/// Each entry of a list of the catalogue as a template value.
fn each<T: Serialize + Send + Sync + 'static>(
    catalog: &Arc<Catalog>,
    list: fn(&Catalog) -> &[T],
) -> Vec<Value> {
    (0..list(catalog).len())
        .map(|index| {
            Value::from_object(Entry {
                catalog: catalog.clone(),
                list,
                index,
            })
        })
        .collect()
}

/// How entries are ordered for a person: by name (or id where there is
/// none) without regard to case, then by id.
pub(super) fn name_order(name: Option<&str>, id: &str) -> (String, String) {
    (name.unwrap_or(id).to_lowercase(), id.to_string())
}

/// The template filter `by_name`: entries (maps with `name` and `id`)
/// sorted by [`name_order`]; ids (strings) are looked up in `ix[list]`
/// for their names (`page.services|by_name("services")`).
pub(super) fn by_name(
    state: &minijinja::State,
    items: Vec<Value>,
    list: Option<&str>,
) -> Result<Vec<Value>, minijinja::Error> {
    let table = match list {
        Some(list) => state
            .lookup("ix")
            .and_then(|ix| ix.get_attr(list).ok())
            .filter(|t| !t.is_undefined()),
        None => None,
    };
    let key = |item: &Value| -> (String, String) {
        let entry = match (&table, item.as_str()) {
            (Some(table), Some(id)) => table.get_attr(id).unwrap_or_default(),
            _ => item.clone(),
        };
        let text = |v: Value| v.as_str().map(str::to_string);
        let id = text(entry.get_attr("id").unwrap_or_default())
            .or_else(|| item.as_str().map(str::to_string))
            .unwrap_or_default();
        let name = text(entry.get_attr("name").unwrap_or_default());
        name_order(name.as_deref(), &id)
    };
    let mut keyed: Vec<((String, String), Value)> =
        items.into_iter().map(|v| (key(&v), v)).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(keyed.into_iter().map(|(_, v)| v).collect())
}

//! What one render remembers for the next (watch mode): each entity page's
//! fingerprint and bytes. A page's fingerprint covers everything it shows:
//! its entry, the display names of whatever it links to, the services it
//! lists (function and customer pages), the templates and the title. A page
//! whose fingerprint is unchanged is not rendered again.
//!
//! This holds for the default templates only, which reach nothing else; a
//! project's own templates may read anything, so with them nothing is
//! fingerprinted and every page renders.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use super::super::catalog::Catalog;
use super::links::Names;

/// Rendered pages by path, with their fingerprints.
#[derive(Default)]
pub struct Memo {
    pub(super) pages: HashMap<String, (u64, Arc<[u8]>)>,
    /// Pages taken from the memo in the last render.
    pub reused: usize,
}

/// The fingerprint of every entity page, in catalog order; `None` where
/// pages cannot be fingerprinted.
pub struct Fingerprints {
    pub functions: Vec<Option<u64>>,
    pub services: Vec<Option<u64>>,
    pub gates: Vec<Option<u64>>,
    pub customers: Vec<Option<u64>>,
}

/// Hashes a JSON value and, for every string in it, the display names that
/// string has as an id.
fn walk(value: &serde_json::Value, names: &Names, h: &mut DefaultHasher) {
    match value {
        serde_json::Value::Null => 0u8.hash(h),
        serde_json::Value::Bool(b) => b.hash(h),
        serde_json::Value::Number(n) => n.to_string().hash(h),
        serde_json::Value::String(s) => {
            s.hash(h);
            names.hash_id(s, h);
        }
        serde_json::Value::Array(items) => {
            items.len().hash(h);
            for item in items {
                walk(item, names, h);
            }
        }
        serde_json::Value::Object(map) => {
            map.len().hash(h);
            for (k, v) in map {
                k.hash(h);
                walk(v, names, h);
            }
        }
    }
}

impl Fingerprints {
    /// `global` covers what every page shows (templates, title).
    pub fn of(catalog: &Catalog, names: &Names, global: u64, enabled: bool) -> Fingerprints {
        if !enabled {
            return Fingerprints {
                functions: vec![None; catalog.functions.len()],
                services: vec![None; catalog.services.len()],
                gates: vec![None; catalog.gates.len()],
                customers: vec![None; catalog.customers.len()],
            };
        }
        let entity = |e: &dyn ToJson| -> u64 {
            let mut h = DefaultHasher::new();
            walk(&e.to_json(), names, &mut h);
            h.finish()
        };
        let page = |own: u64, listed: &mut dyn Iterator<Item = u64>| -> Option<u64> {
            let mut h = DefaultHasher::new();
            (global, own).hash(&mut h);
            listed.for_each(|p| p.hash(&mut h));
            Some(h.finish())
        };
        // One walk per service: their pages, and the pages that list them.
        let services: HashMap<&str, u64> = catalog
            .services
            .par_iter()
            .map(|s| (s.id.as_str(), entity(s)))
            .collect();
        let listed = |ids: &mut dyn Iterator<Item = &String>| -> Vec<u64> {
            ids.filter_map(|id| services.get(id.as_str()).copied())
                .collect()
        };
        Fingerprints {
            functions: catalog
                .functions
                .par_iter()
                .map(|f| page(entity(f), &mut listed(&mut f.services.iter()).into_iter()))
                .collect(),
            services: catalog
                .services
                .iter()
                .map(|s| page(services[s.id.as_str()], &mut std::iter::empty()))
                .collect(),
            gates: catalog
                .gates
                .iter()
                .map(|g| page(entity(g), &mut std::iter::empty()))
                .collect(),
            customers: catalog
                .customers
                .par_iter()
                .map(|c| {
                    page(
                        entity(c),
                        &mut listed(&mut c.entitlements.iter().map(|e| &e.service)).into_iter(),
                    )
                })
                .collect(),
        }
    }
}

/// Any catalog entry as JSON, so one closure hashes every kind.
trait ToJson: Sync {
    fn to_json(&self) -> serde_json::Value;
}

impl<T: Serialize + Sync> ToJson for T {
    fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("serializable")
    }
}

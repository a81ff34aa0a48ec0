//! The offline search index (`search-index.js`): services, their SLAs,
//! functions, gates and customer groups, each with its link and a short
//! summary. A script, not JSON, so the site searches from `file://`.

use serde::Serialize;

use super::markdown;
use crate::base::EntityKind;
use crate::catalog::Catalog;

/// One entry of the search index.
#[derive(Serialize)]
struct SearchEntry<'a> {
    /// Title.
    t: &'a str,
    /// Id.
    i: &'a str,
    /// Kind, as messages name it: service, SLA, function, gate, customer group.
    k: &'static str,
    /// Link from the site's top.
    u: String,
    /// A short plain-text summary.
    s: String,
}

impl<'a> SearchEntry<'a> {
    fn new(kind: EntityKind, id: &'a str, name: Option<&'a str>, summary: String) -> Self {
        SearchEntry {
            t: name.unwrap_or(id),
            i: id,
            k: kind.noun(),
            u: kind.url(id),
            s: summary,
        }
    }
}

fn summary(description: Option<&str>) -> String {
    description
        .map(|d| markdown::summary(d, 120))
        .unwrap_or_default()
}

/// The search index as a script that sets `window.PMOC_SEARCH`.
pub(super) fn script(c: &Catalog) -> String {
    let mut entries = Vec::new();
    for s in &c.services {
        let name = s.name.as_deref();
        let about = summary(s.description.as_deref());
        entries.push(SearchEntry::new(EntityKind::Service, &s.id, name, about));
        for sla in &s.slas {
            let of = format!("SLA of {}", name.unwrap_or(&s.id));
            let mut entry = SearchEntry::new(EntityKind::Sla, &sla.id, None, of);
            // An SLA is found on its service's page.
            entry.u = format!("{}#slas", EntityKind::Service.url(&s.id));
            entries.push(entry);
        }
    }
    for f in &c.functions {
        let about = summary(f.description.as_deref());
        entries.push(SearchEntry::new(
            EntityKind::Function,
            &f.id,
            f.name.as_deref(),
            about,
        ));
    }
    for g in &c.gates {
        let to: Vec<String> = g.to.iter().map(|s| s.to_string()).collect();
        let from = g.from.map(|s| s.to_string()).unwrap_or_default();
        let about = format!("{from} → {}", to.join(", "));
        entries.push(SearchEntry::new(
            EntityKind::Gate,
            &g.id,
            g.name.as_deref(),
            about,
        ));
    }
    for cu in &c.customers {
        let about = format!("{} services", cu.entitlements.len());
        entries.push(SearchEntry::new(
            EntityKind::Customer,
            &cu.id,
            cu.name.as_deref(),
            about,
        ));
    }
    // `</` cannot end the script early: JSON escapes are valid JavaScript.
    let json = serde_json::to_string(&entries)
        .expect("serializable")
        .replace("</", "<\\/");
    format!("window.PMOC_SEARCH = {json};\n")
}

//! What a comparison reads of a catalog: the parts of `catalog.json` a
//! reviewer must see change, deserialized from the catalog's JSON shape
//! (a catalog built in memory goes through the same JSON value, so a
//! project folder and a `catalog.json` file are read one way). Fields the
//! comparison does not look at are ignored.

use serde::Deserialize;

use crate::catalog::{self, Catalog};

#[derive(Debug, Deserialize)]
pub struct CatalogView {
    pub schema_version: String,
    pub as_of: String,
    pub pmo: PmoView,
    pub customers: Vec<CustomerView>,
    pub services: Vec<ServiceView>,
    pub gates: Vec<GateView>,
    pub triggers: Vec<TriggerView>,
    /// The whole catalog's JSON, for the field-by-field comparison
    /// (`super::fields`).
    #[serde(skip)]
    pub json: serde_json::Value,
}

#[derive(Debug, Deserialize)]
pub struct PmoView {
    pub id: String,
}

#[derive(Debug, Deserialize)]
pub struct CustomerView {
    pub id: String,
}

#[derive(Debug, Deserialize)]
pub struct ServiceView {
    pub id: String,
    pub stage: Option<String>,
    pub owner: Option<String>,
    pub offers: Vec<OfferView>,
    pub slas: Vec<SlaView>,
}

#[derive(Debug, Deserialize)]
pub struct OfferView {
    pub customer: String,
    pub level: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct SlaView {
    pub id: String,
    pub targets: Vec<TargetView>,
}

#[derive(Debug, Deserialize)]
pub struct TargetView {
    pub metric: String,
    pub threshold: Option<ThresholdView>,
    pub warn: Option<f64>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
pub struct ThresholdView {
    /// `at-least` or `at-most`.
    #[serde(deserialize_with = "bound_kind")]
    pub kind: Bound,
    pub value: f64,
}

/// The side of a target that passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    AtLeast,
    AtMost,
}

#[derive(Debug, Deserialize)]
pub struct GateView {
    pub id: String,
    pub approvers: Vec<String>,
    pub quorum: Option<u64>,
    pub must: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct TriggerView {
    pub id: String,
    pub when: Option<ConditionView>,
    pub min_age: Option<String>,
}

#[derive(Debug, Deserialize, PartialEq)]
pub struct ConditionView {
    /// A metric id, or a built-in condition.
    pub metric: String,
    /// `below`, `above`, `at-most` or `at-least`.
    pub comparison: Option<String>,
    pub value: Option<f64>,
    /// `falling` or `rising` (absent from a catalog of schema "1").
    pub trend: Option<String>,
    pub trend_periods: Option<u64>,
    pub periods: Option<u64>,
    pub within_k: Option<u64>,
    pub within_n: Option<u64>,
}

fn bound_kind<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Bound, D::Error> {
    let word = String::deserialize(d)?;
    match word.as_str() {
        "at-least" => Ok(Bound::AtLeast),
        "at-most" => Ok(Bound::AtMost),
        other => Err(serde::de::Error::custom(format!(
            "unknown threshold kind `{other}`"
        ))),
    }
}

impl CatalogView {
    /// The view of a catalog built in memory.
    pub fn of(catalog: &Catalog) -> CatalogView {
        let value = serde_json::to_value(catalog).expect("a catalog is JSON");
        let mut view: CatalogView =
            CatalogView::deserialize(&value).expect("a catalog has the shape it describes");
        view.json = value;
        view
    }

    /// Reads the text of a `catalog.json` of a version of the shape pmoc
    /// reads ([`catalog::READ_VERSIONS`]).
    pub fn from_json(text: &str) -> Result<CatalogView, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let version = value.get("schema_version").and_then(|v| v.as_str());
        if !version.is_some_and(|v| catalog::READ_VERSIONS.contains(&v)) {
            return Err(format!(
                "not a pmoc catalog of schema version {} (`schema_version` is {})",
                catalog::READ_VERSIONS.join(" or "),
                version.map_or_else(|| "missing".into(), |v| format!("\"{v}\""))
            ));
        }
        let mut view =
            CatalogView::deserialize(&value).map_err(|e| format!("not a pmoc catalog: {e}"))?;
        view.json = value;
        if let Some(bad) = view.ids().find(|id| !is_id(id)) {
            return Err(format!(
                "not a pmoc catalog: `{}` breaks the id rule",
                bad.escape_debug()
            ));
        }
        if let Some(id) = view.duplicate_id() {
            return Err(format!(
                "not a pmoc catalog: the id `{}` is declared twice",
                id.escape_debug()
            ));
        }
        Ok(view)
    }

    /// An id declared twice in one list (or an SLA's twice among all SLAs).
    fn duplicate_id(&self) -> Option<&str> {
        let lists = [
            "persons",
            "teams",
            "customers",
            "objectives",
            "metrics",
            "functions",
        ];
        let ids = |key: &str| -> Vec<&str> {
            self.json[key]
                .as_array()
                .map(|l| l.iter().filter_map(|e| e["id"].as_str()).collect())
                .unwrap_or_default()
        };
        let slas = self
            .services
            .iter()
            .flat_map(|s| &s.slas)
            .map(|s| s.id.as_str())
            .collect();
        lists
            .iter()
            .map(|key| ids(key))
            .chain([
                self.services.iter().map(|s| s.id.as_str()).collect(),
                slas,
                self.gates.iter().map(|g| g.id.as_str()).collect(),
                self.triggers.iter().map(|t| t.id.as_str()).collect(),
            ])
            .find_map(|list: Vec<&str>| {
                let mut seen = std::collections::BTreeSet::new();
                list.into_iter().find(|id| !seen.insert(*id))
            })
    }

    /// Every id the comparison shows.
    fn ids(&self) -> impl Iterator<Item = &str> {
        let services = self.services.iter().flat_map(|s| {
            let slas = s.slas.iter().flat_map(|sla| {
                std::iter::once(sla.id.as_str())
                    .chain(sla.targets.iter().map(|t| t.metric.as_str()))
            });
            [Some(s.id.as_str()), s.owner.as_deref()]
                .into_iter()
                .flatten()
                .chain(s.offers.iter().map(|o| o.customer.as_str()))
                .chain(slas)
        });
        let customers = self.customers.iter().map(|c| c.id.as_str());
        let gates = self.gates.iter().flat_map(|g| {
            std::iter::once(g.id.as_str()).chain(g.approvers.iter().map(String::as_str))
        });
        let triggers = self.triggers.iter().flat_map(|t| {
            std::iter::once(t.id.as_str()).chain(t.when.iter().map(|w| w.metric.as_str()))
        });
        std::iter::once(self.pmo.id.as_str())
            .chain(services)
            .chain(customers)
            .chain(gates)
            .chain(triggers)
    }
}

/// The language's id rule: `[a-z0-9][a-z0-9-]*`, at most 63 characters.
fn is_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && id.len() <= 63
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

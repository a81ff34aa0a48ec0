//! The catalogue as spreadsheet tables, one CSV file each, written with
//! the `csv` crate: `services.csv`, `sla-targets.csv`, `decisions.csv`,
//! `triggers.csv` and `customers.csv` (each customer group with its
//! entitlements).
//!
//! Made to open cleanly in a spreadsheet program:
//!
//! - UTF-8 with a byte-order mark (Excel reads a CSV without one in the
//!   machine's legacy code page), CRLF line endings as RFC 4180 says, a
//!   header row;
//! - every cell quoted but numbers (`QuoteStyle::NonNumeric`), so a program
//!   that keeps quoted fields as text still reads numbers as numbers,
//!   negative ones included (a text that reads as a number, an id such as
//!   `2026`, is written bare too);
//! - a text cell that a spreadsheet would run as a formula (it starts with
//!   `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, as
//!   the OWASP guidance on CSV injection says: the catalogue is edited by
//!   many hands, and an export must not run what one of them typed;
//! - several values in one cell are separated by `; `.

use ::csv::{QuoteStyle, Terminator, WriterBuilder};

use super::page_url;
use crate::base::EntityKind;
use crate::base::number::is_whole;
use crate::catalog::{Catalog, SelectorEntry, ServiceEntry, Threshold, TriggerEntry};
use crate::model::{BoundKind, OfferLevel};

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text: quoted, and neutralised when it reads as a formula.
    Text(String),
    /// A number: written bare, as people write it (`95`, `97.5`, `-20`).
    Number(f64),
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    fn opt(s: &Option<String>) -> Cell {
        Cell::Text(s.clone().unwrap_or_default())
    }

    fn opt_number(v: Option<f64>) -> Cell {
        v.map(Cell::Number).unwrap_or(Cell::Text(String::new()))
    }

    fn keyword(k: Option<impl std::fmt::Display>) -> Cell {
        Cell::Text(k.map(|k| k.to_string()).unwrap_or_default())
    }

    /// Several values in one cell, separated by `; `.
    fn list<S: AsRef<str>>(items: &[S]) -> Cell {
        let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
        Cell::Text(items.join("; "))
    }

    /// The cell as written in the file.
    fn written(&self) -> String {
        match self {
            Cell::Text(s) => neutralised(s),
            Cell::Number(v) if is_whole(*v) => format!("{}", *v as i64),
            Cell::Number(v) => format!("{v}"),
        }
    }
}

/// A text cell a spreadsheet would run as a formula, with a leading `'`
/// that makes it text (OWASP, CSV injection); any other text as it is.
pub fn neutralised(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// A table: its file name, header and rows.
pub struct Table {
    pub name: &'static str,
    pub header: &'static [&'static str],
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// The file's bytes: a byte-order mark, the header, the rows, CRLF.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut writer = WriterBuilder::new()
            .quote_style(QuoteStyle::NonNumeric)
            .terminator(Terminator::CRLF)
            .from_writer(b"\xEF\xBB\xBF".to_vec());
        writer.write_record(self.header).expect("in memory");
        for row in &self.rows {
            writer
                .write_record(row.iter().map(Cell::written))
                .expect("in memory");
        }
        writer.into_inner().expect("in memory")
    }
}

/// Every table of the catalogue: (file name, bytes).
pub fn tables(catalog: &Catalog) -> Vec<(&'static str, Vec<u8>)> {
    [
        services(catalog),
        sla_targets(catalog),
        decisions(catalog),
        triggers(catalog),
        customers(catalog),
    ]
    .iter()
    .map(|t| (t.name, t.to_bytes()))
    .collect()
}

/// One row per service.
pub fn services(catalog: &Catalog) -> Table {
    let rows = catalog
        .services
        .iter()
        .map(|s| {
            let offered = |level: OfferLevel| -> Vec<&str> {
                let offers = s.offers.iter().filter(|o| o.level == Some(level));
                offers.map(|o| o.customer.as_str()).collect()
            };
            vec![
                Cell::text(&s.id),
                Cell::opt(&s.name),
                Cell::opt(&s.function),
                Cell::keyword(s.stage),
                Cell::opt(&s.owner),
                Cell::keyword(s.level),
                Cell::list(&offered(OfferLevel::Mandated)),
                Cell::list(&offered(OfferLevel::Additional)),
                Cell::list(&sla_words(s)),
                Cell::text(page_url(catalog, EntityKind::Service, &s.id)),
            ]
        })
        .collect();
    Table {
        name: "services.csv",
        header: &[
            "id",
            "name",
            "function",
            "stage",
            "owner",
            "level",
            "mandated_for",
            "offered_to",
            "sla_targets",
            "page",
        ],
        rows,
    }
}

/// A service's SLA targets in force, in words: "risk-log-sla: on-time-pct
/// at least 95, warn 97 per month".
fn sla_words(s: &ServiceEntry) -> Vec<String> {
    let mut words = Vec::new();
    for sla in s.slas.iter().filter(|sla| !sla.ended) {
        for t in &sla.targets {
            let mut w = format!("{}: {}", sla.id, t.metric);
            if let Some(th) = &t.threshold {
                w.push(' ');
                w.push_str(&bound(th));
            }
            if let Some(warn) = t.warn {
                w.push_str(&format!(", warn {}", Cell::Number(warn).written()));
            }
            if let Some(p) = sla.period {
                w.push_str(&format!(" per {p}"));
            }
            words.push(w);
        }
    }
    words
}

fn bound_word(kind: BoundKind) -> &'static str {
    match kind {
        BoundKind::AtLeast => "at least",
        BoundKind::AtMost => "at most",
    }
}

/// "at least 95".
fn bound(t: &Threshold) -> String {
    format!("{} {}", bound_word(t.kind), Cell::Number(t.value).written())
}

/// One row per SLA target.
pub fn sla_targets(catalog: &Catalog) -> Table {
    let mut rows = Vec::new();
    for s in &catalog.services {
        for sla in &s.slas {
            for t in &sla.targets {
                rows.push(vec![
                    Cell::text(&s.id),
                    Cell::text(&sla.id),
                    Cell::text(&t.metric),
                    Cell::text(
                        t.threshold
                            .as_ref()
                            .map(|t| bound_word(t.kind))
                            .unwrap_or(""),
                    ),
                    Cell::opt_number(t.threshold.as_ref().map(|t| t.value)),
                    Cell::opt_number(t.warn),
                    Cell::keyword(sla.period),
                    Cell::list(&sla.customers),
                    Cell::opt(&sla.review_by),
                    Cell::opt(&sla.ends),
                ]);
            }
        }
    }
    Table {
        name: "sla-targets.csv",
        header: &[
            "service",
            "sla",
            "metric",
            "comparison",
            "threshold",
            "warn",
            "period",
            "customers",
            "review_by",
            "ends",
        ],
        rows,
    }
}

/// One row per gate decision, by service, then date and gate.
pub fn decisions(catalog: &Catalog) -> Table {
    let rows = catalog
        .services
        .iter()
        .flat_map(|s| &s.decisions)
        .map(|d| {
            vec![
                Cell::text(&d.service),
                Cell::text(&d.gate),
                Cell::keyword(d.outcome),
                Cell::opt(&d.date),
                Cell::opt(&d.by),
                Cell::list(&d.present),
                Cell::opt(&d.rationale),
                Cell::opt(&d.revisit),
            ]
        })
        .collect();
    Table {
        name: "decisions.csv",
        header: &[
            "service",
            "gate",
            "outcome",
            "date",
            "by",
            "present",
            "rationale",
            "revisit",
        ],
        rows,
    }
}

/// One row per trigger.
pub fn triggers(catalog: &Catalog) -> Table {
    let rows = catalog
        .triggers
        .iter()
        .map(|t| {
            vec![
                Cell::text(&t.id),
                Cell::list(&t.applies_to.iter().map(selector).collect::<Vec<_>>()),
                Cell::text(condition(t)),
                Cell::opt(&t.min_age),
                Cell::keyword(t.action),
                Cell::opt(&t.gate),
                Cell::list(&t.notify),
                Cell::list(&t.services),
            ]
        })
        .collect();
    Table {
        name: "triggers.csv",
        header: &[
            "id",
            "applies_to",
            "condition",
            "min_age",
            "action",
            "gate",
            "notify",
            "services",
        ],
        rows,
    }
}

/// "stage operation and function risk".
fn selector(s: &SelectorEntry) -> String {
    let parts: Vec<String> = [
        s.stage.map(|x| format!("stage {x}")),
        s.function.as_ref().map(|x| format!("function {x}")),
        s.service.as_ref().map(|x| format!("service {x}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    parts.join(" and ")
}

/// "adoption-pct below 30 for 3 periods", "superseded".
fn condition(t: &TriggerEntry) -> String {
    let Some(w) = &t.when else {
        return String::new();
    };
    let mut words = w.metric.clone();
    if let (Some(c), Some(v)) = (w.comparison, w.value) {
        let c = c.as_str().replace('-', " ");
        words.push_str(&format!(" {c} {}", Cell::Number(v).written()));
    }
    match (w.periods, w.within_k, w.within_n) {
        (Some(1), ..) => words.push_str(" in the last period"),
        (Some(n), ..) => words.push_str(&format!(" for {n} periods")),
        (None, Some(k), Some(n)) => words.push_str(&format!(" in {k} of {n} periods")),
        _ => {}
    }
    words
}

/// One row per customer group and service it is entitled to; a group with
/// no entitlement has one row with the service cells empty.
pub fn customers(catalog: &Catalog) -> Table {
    let names = |id: &str| -> String {
        let found = catalog.services.binary_search_by(|s| s.id.as_str().cmp(id));
        found
            .ok()
            .and_then(|i| catalog.services[i].name.clone())
            .unwrap_or_default()
    };
    let mut rows = Vec::new();
    for c in &catalog.customers {
        let group = [
            Cell::text(&c.id),
            Cell::opt(&c.name),
            Cell::opt_number(c.size.map(|s| s as f64)),
        ];
        if c.entitlements.is_empty() {
            let mut row = group.to_vec();
            row.extend(std::iter::repeat_n(Cell::text(""), 5));
            rows.push(row);
        }
        for e in &c.entitlements {
            let mut row = group.to_vec();
            row.extend([
                Cell::text(&e.service),
                Cell::text(names(&e.service)),
                Cell::keyword(e.level),
                Cell::keyword(e.stage),
                Cell::list(&e.slas),
            ]);
            rows.push(row);
        }
    }
    Table {
        name: "customers.csv",
        header: &[
            "customer",
            "name",
            "size",
            "service",
            "service_name",
            "level",
            "stage",
            "slas",
        ],
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_other_text_is_not() {
        for bad in ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralised(bad), format!("'{bad}"));
        }
        for fine in ["risk-log", "a=b", " =x", "", "'quoted"] {
            assert_eq!(neutralised(fine), fine);
        }
    }

    #[test]
    fn numbers_stay_numbers() {
        let table = Table {
            name: "t.csv",
            header: &["n", "m", "t"],
            rows: vec![vec![
                Cell::Number(-20.0),
                Cell::Number(97.5),
                Cell::text("-20"),
            ]],
        };
        let text = String::from_utf8(table.to_bytes()).unwrap();
        assert_eq!(text, "\u{feff}\"n\",\"m\",\"t\"\r\n-20,97.5,\"'-20\"\r\n");
    }
}

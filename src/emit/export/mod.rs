//! `pmoc export`: the catalogue in the tools a PMO's organisation already
//! uses. [`csv`] writes spreadsheet tables, [`backstage`] a Backstage
//! catalog file, [`ics`] an iCalendar feed of the catalogue's dates. Each is
//! built from the [`Catalog`] alone (the same resolved model as
//! `catalog.json`), so the exports, the site and `catalog.json` cannot
//! disagree, and none reads a clock: the calendar's stamps come from as-of.
//!
//! This module holds what the three share: where an entity's page is, and
//! the files the site carries ([`site_files`], under `export/`). The
//! command writes them with [`crate::files`].

pub mod backstage;
pub mod csv;
pub mod ics;

use crate::base::EntityKind;
use crate::catalog::Catalog;

/// The folder of the site that holds the exports.
pub const SITE_FOLDER: &str = "export";
/// The Backstage file's name (Backstage's own conventional name).
pub const BACKSTAGE_FILE: &str = "catalog-info.yaml";
/// The calendar's name.
pub const ICS_FILE: &str = "calendar.ics";
/// The folder of the customer groups' own calendars, in [`SITE_FOLDER`].
pub const CALENDARS_FOLDER: &str = "calendars";

/// The address of an entity's page: below the manifest's `base-url` when
/// it has one (`/services/risk-log.html`,
/// `https://pmo.example.org/services/risk-log.html`), else relative to the
/// site's top (`services/risk-log.html`).
pub fn page_url(catalog: &Catalog, kind: EntityKind, id: &str) -> String {
    match catalog.pmo.base_url.as_deref() {
        Some(base) => join(base, &kind.url(id)),
        None => kind.url(id),
    }
}

/// The manifest's `base-url` when it is an absolute `http` or `https` URL:
/// only then can a page be linked from outside the site (Backstage links,
/// the calendar's `URL`).
pub fn absolute_base(catalog: &Catalog) -> Option<&str> {
    let base = catalog.pmo.base_url.as_deref()?;
    let lower = base.to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://")).then_some(base)
}

/// An absolute address of a page of the site (`index.html`,
/// `services/x.html`), when the base is absolute.
pub fn absolute_url(catalog: &Catalog, path: &str) -> Option<String> {
    absolute_base(catalog).map(|base| join(base, path))
}

fn join(base: &str, path: &str) -> String {
    if base.ends_with('/') {
        format!("{base}{path}")
    } else {
        format!("{base}/{path}")
    }
}

/// Every export as the site carries it: (path in the site, bytes). The CSV
/// tables, the Backstage file, the calendar and each customer group's
/// calendar (`calendars/<group>.ics`), under `export/`.
pub fn site_files(catalog: &Catalog) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    each_site_file(catalog, |path, bytes| {
        files.push((path, bytes));
        Ok::<(), std::convert::Infallible>(())
    })
    .unwrap_or_else(|never| match never {});
    files
}

/// [`site_files`] one at a time, each handed to `take` as it is made (a
/// build writes it and lets it go before the next is made).
pub fn each_site_file<E>(
    catalog: &Catalog,
    mut take: impl FnMut(String, Vec<u8>) -> Result<(), E>,
) -> Result<(), E> {
    for (name, bytes) in csv::tables(catalog) {
        take(format!("{SITE_FOLDER}/{name}"), bytes)?;
    }
    take(
        format!("{SITE_FOLDER}/{BACKSTAGE_FILE}"),
        backstage::yaml(catalog).into_bytes(),
    )?;
    take(
        format!("{SITE_FOLDER}/{ICS_FILE}"),
        ics::calendar(catalog).into_bytes(),
    )?;
    for c in &catalog.customers {
        take(
            group_calendar(&c.id),
            ics::calendar_for(catalog, Some(&c.id)).into_bytes(),
        )?;
    }
    Ok(())
}

/// The path in the site of a customer group's calendar feed (ids are
/// checked before the site is rendered, so they make safe file names).
pub fn group_calendar(group: &str) -> String {
    format!("{SITE_FOLDER}/{CALENDARS_FOLDER}/{group}.ics")
}

//! `pmoc export`: the catalogue in the tools a PMO's organisation already
//! uses. [`csv`] writes spreadsheet tables, [`backstage`] a Backstage
//! catalog file, [`ics`] an iCalendar feed of the catalogue's dates. Each is
//! built from the [`Catalog`] alone (the same resolved model as
//! `catalog.json`), so the exports, the site and `catalog.json` cannot
//! disagree, and none reads a clock: the calendar's stamps come from as-of.
//!
//! This module holds what the three share: where an entity's page is, and
//! the files the site carries ([`site_files`], under `export/`), and the
//! writing of an export to disk for the command ([`write_file`],
//! [`write_folder`]: beside, then renamed into place).

pub mod backstage;
pub mod csv;
pub mod ics;

use std::io;
use std::path::Path;

use crate::base::EntityKind;
use crate::emit::catalog::Catalog;

/// The folder of the site that holds the exports.
pub const SITE_FOLDER: &str = "export";
/// The Backstage file's name (Backstage's own conventional name).
pub const BACKSTAGE_FILE: &str = "catalog-info.yaml";
/// The calendar's name.
pub const ICS_FILE: &str = "calendar.ics";

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
/// tables, the Backstage file and the calendar, under `export/`.
pub fn site_files(catalog: &Catalog) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = csv::tables(catalog)
        .into_iter()
        .map(|(name, bytes)| (format!("{SITE_FOLDER}/{name}"), bytes))
        .collect();
    files.push((
        format!("{SITE_FOLDER}/{BACKSTAGE_FILE}"),
        backstage::yaml(catalog).into_bytes(),
    ));
    files.push((
        format!("{SITE_FOLDER}/{ICS_FILE}"),
        ics::calendar(catalog).into_bytes(),
    ));
    files
}

/// Writes one export file: beside `out`, then renamed over it, so a reader
/// never sees half a file. A folder at `out` is refused.
pub fn write_file(out: &Path, bytes: &[u8]) -> io::Result<()> {
    if out.is_dir() {
        return Err(io::Error::other(format!(
            "`{}` is a folder; give the file to write",
            out.display()
        )));
    }
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.new-");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    // As any file written: readable by others where the umask says so
    // (a temporary file alone would be private to its owner).
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(parent)?;
    io::Write::write_all(&mut tmp, bytes)?;
    tmp.persist(out).map_err(|e| e.error)?;
    Ok(())
}

/// Writes export files into the folder `out` (made when missing), each
/// beside its place, then renamed into it; other files there are left
/// alone. A file at `out` is refused.
pub fn write_folder(out: &Path, files: &[(String, Vec<u8>)]) -> io::Result<()> {
    if out.exists() && !out.is_dir() {
        return Err(io::Error::other(format!(
            "`{}` is a file, not a folder; refusing to replace it",
            out.display()
        )));
    }
    std::fs::create_dir_all(out)?;
    for (name, bytes) in files {
        write_file(&out.join(name), bytes)?;
    }
    Ok(())
}

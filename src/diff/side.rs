//! One side of a comparison, read into a [`CatalogView`]: a project folder
//! (or a file inside one) compiled to its catalog, a `catalog.json` file,
//! or a project as it was at a git revision ([`super::git`]). A project
//! with errors is no side: its error count is the reason.

use std::path::Path;

use super::view::CatalogView;
use crate::catalog;
use jiff::civil::Date;

use crate::compile::{self, Options};
use crate::discover;
use crate::emit::site::write::MARKER;

/// A side read: what it was read from, and its catalog.
pub struct Side {
    /// The path as given; for a revision, REF (or `REF:FOLDER` for a
    /// project in a folder of the repository).
    pub source: String,
    pub catalog: CatalogView,
}

/// Why a side could not be compared.
#[derive(Debug)]
pub enum SideError {
    /// It could not be read (no project, not a catalog, git failed).
    Unreadable(String),
    /// The project compiled with this many errors.
    Errors(usize),
}

impl std::fmt::Display for SideError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SideError::Unreadable(why) => f.write_str(why),
            SideError::Errors(n) => write!(
                f,
                "the project has {n} error{}; both sides must compile without errors",
                if *n == 1 { "" } else { "s" }
            ),
        }
    }
}

/// Reads a side: a `.json` file is a catalog, and so is the
/// `catalog.json` of a site folder that pmoc wrote (it holds its marker);
/// a folder holding `pmo.kdl`, or a `.kdl` file of a project, is a
/// project, compiled as of `as_of` when given (`--as-of`; a catalog keeps
/// its own). Anything else is refused, naming what was expected.
pub fn read(path: &Path, as_of: Option<Date>) -> Result<Side, SideError> {
    let source = path.display().to_string();
    let is_json = path.is_file() && path.extension().is_some_and(|e| e == "json");
    let site = path.join(MARKER).is_file() && path.join(CATALOG).is_file();
    let catalog = if is_json {
        catalog_file(path)?
    } else if site {
        catalog_file(&path.join(CATALOG))?
    } else if path.join(discover::MANIFEST).is_file()
        || (path.is_file() && path.extension().is_some_and(|e| e == "kdl"))
    {
        project(path, as_of)?
    } else {
        let marker = if path.join(CATALOG).is_file() {
            format!(" (it holds a `{CATALOG}` but no `{MARKER}`: not a site pmoc built)")
        } else {
            String::new()
        };
        return Err(SideError::Unreadable(format!(
            "`{source}` is neither a project folder (with `{}`), a `{CATALOG}` file, nor a site folder pmoc built (with `{MARKER}`){marker}",
            discover::MANIFEST
        )));
    };
    Ok(Side { source, catalog })
}

/// The most bytes of a `catalog.json` a comparison reads: 32 MiB, about
/// 16,000 services like the example's (5,000 make 10 MiB). Reading one
/// takes about twelve times its size in memory.
pub const MAX_CATALOG_BYTES: u64 = 32 * 1024 * 1024;

/// Reads a `catalog.json` (a UTF-8 byte order mark is skipped), refusing
/// one over [`MAX_CATALOG_BYTES`] before reading it.
fn catalog_file(path: &Path) -> Result<CatalogView, SideError> {
    use std::io::Read;
    let name = path.display();
    let cannot = |e: std::io::Error| SideError::Unreadable(format!("cannot read `{name}`: {e}"));
    let too_big = || {
        SideError::Unreadable(format!(
            "`{name}` is over {} MiB, the most pmoc reads of a catalog",
            MAX_CATALOG_BYTES / (1024 * 1024)
        ))
    };
    let file = std::fs::File::open(path).map_err(cannot)?;
    if file.metadata().map_err(cannot)?.len() > MAX_CATALOG_BYTES {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    file.take(MAX_CATALOG_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_CATALOG_BYTES {
        return Err(too_big());
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| SideError::Unreadable(format!("`{name}` is not UTF-8 text")))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    CatalogView::from_json(text).map_err(|e| SideError::Unreadable(format!("`{name}` is {e}")))
}

/// The catalog's file name in a site.
const CATALOG: &str = "catalog.json";

/// Compiles the project at `path` (searched upward) to its catalog, as of
/// `as_of` when given.
fn project(path: &Path, as_of: Option<Date>) -> Result<CatalogView, SideError> {
    let options = Options {
        as_of,
        ..Options::default()
    };
    let compiled =
        compile::compile(path, &options).map_err(|e| SideError::Unreadable(e.to_string()))?;
    let errors = compiled.error_count();
    if errors > 0 {
        return Err(SideError::Errors(errors));
    }
    let built = catalog::build(&compiled.index(), &compiled.evaluation);
    Ok(CatalogView::of(&built))
}

/// The project that holds `path` (found upward), as it is in the working
/// tree: the new side of `--git`.
pub fn working_tree(path: &Path, as_of: Option<Date>) -> Result<Side, SideError> {
    let catalog = project(path, as_of)?;
    Ok(Side {
        source: path.display().to_string(),
        catalog,
    })
}

/// The project that holds `path`, as it was at the git revision
/// `reference`.
pub fn at_revision(path: &Path, reference: &str, as_of: Option<Date>) -> Result<Side, SideError> {
    let root = discover::find_root(path).map_err(|e| SideError::Unreadable(e.to_string()))?;
    let (dir, prefix) = super::git::checkout(&root, reference).map_err(SideError::Unreadable)?;
    let folder = prefix.trim_end_matches('/');
    let source = if folder.is_empty() {
        reference.to_string()
    } else {
        format!("{reference}:{folder}")
    };
    if !dir.path().join(discover::MANIFEST).is_file() {
        let at = if folder.is_empty() {
            discover::MANIFEST.to_string()
        } else {
            format!("{folder}/{}", discover::MANIFEST)
        };
        return Err(SideError::Unreadable(format!(
            "the revision `{reference}` has no `{at}`"
        )));
    }
    let catalog = project(dir.path(), as_of)?;
    Ok(Side { source, catalog })
}

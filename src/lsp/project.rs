//! The projects of a workspace: which project holds a file (the nearest
//! `pmo.kdl` above it, as `pmoc check` finds it), and for each project its
//! compile [`Cache`], its last compilation, its last compilation without a
//! syntax error (what navigation falls back on) and what was last
//! published for each of its files.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_types::{DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri};

use crate::base::{Diagnostic, Severity, SourceMap};
use crate::compile::{self, Cache, Compiled, Options, Overlay};
use crate::discover;

use super::convert::{self, Encoding};

/// One project: a folder holding `pmo.kdl`.
pub struct Project {
    pub root: PathBuf,
    cache: Cache,
    /// The last compilation.
    pub current: Option<Arc<Compiled>>,
    /// The last compilation in which every file parsed.
    pub last_good: Option<Arc<Compiled>>,
    /// What was last published for each file, by path.
    published: HashMap<PathBuf, Vec<lsp_types::Diagnostic>>,
    /// An edit since the last compilation.
    pub dirty: bool,
}

impl Project {
    fn new(root: PathBuf) -> Project {
        Project {
            root,
            cache: Cache::default(),
            current: None,
            last_good: None,
            published: HashMap::new(),
            dirty: true,
        }
    }

    /// Compiles the project with the editor's texts over the files on disk,
    /// exactly as `pmoc check` would (default options). What stops the
    /// compilation (the manifest gone, a folder unreadable) is returned and
    /// the last compilation kept.
    pub fn compile(&mut self, overlay: &Overlay) -> Result<Arc<Compiled>, crate::Error> {
        self.dirty = false;
        let compiled = compile::compile_overlaid(
            self.root.clone(),
            &Options::default(),
            &mut self.cache,
            overlay,
        )?;
        let compiled = Arc::new(compiled);
        if !compiled.syntax_errors {
            self.last_good = Some(compiled.clone());
        }
        self.current = Some(compiled.clone());
        Ok(compiled)
    }

    /// The files whose findings changed since the last publication, with
    /// their findings now (empty for a file whose findings went away or that
    /// left the project), and the files in `open` (an editor shows their
    /// findings as soon as they are published).
    pub fn changes(
        &mut self,
        compiled: &Compiled,
        encoding: Encoding,
        open: &HashSet<PathBuf>,
        uris: &HashMap<PathBuf, Uri>,
    ) -> Vec<(PathBuf, Vec<lsp_types::Diagnostic>)> {
        let now = diagnostics(compiled, encoding, uris);
        let mut changed = Vec::new();
        for (path, new) in &now {
            let differs = match self.published.get(path) {
                Some(old) => old != new,
                None => !new.is_empty(),
            };
            if differs || open.contains(path) {
                changed.push((path.clone(), new.clone()));
            }
        }
        for (path, old) in &self.published {
            if !now.contains_key(path) && !old.is_empty() {
                changed.push((path.clone(), Vec::new()));
            }
        }
        changed.sort_by(|a, b| a.0.cmp(&b.0));
        self.published = now;
        changed
    }
}

/// Every file's findings as the protocol's diagnostics, by path (every
/// source of the compilation present, most with none); `uris` are the
/// editor's URIs of the open documents.
pub fn diagnostics(
    compiled: &Compiled,
    encoding: Encoding,
    uris: &HashMap<PathBuf, Uri>,
) -> HashMap<PathBuf, Vec<lsp_types::Diagnostic>> {
    let sources = &compiled.sources;
    let mut all: HashMap<PathBuf, Vec<_>> = sources
        .iter()
        .map(|(_, f)| (f.path.clone(), Vec::new()))
        .collect();
    for d in &compiled.diagnostics {
        let path = sources.get(d.span.file).path.clone();
        all.entry(path)
            .or_default()
            .push(diagnostic(d, sources, encoding, uris));
    }
    all
}

/// One finding as the protocol's diagnostic: the code, the message with its
/// help, the labels as related places (named by the editor's URI of an open
/// document, in `uris`). No `codeDescription`: the rule pages
/// (`docs/rules/`) have no stable web address yet (`pmoc explain CODE`
/// prints them; SARIF gives no `helpUri` either).
pub fn diagnostic(
    d: &Diagnostic,
    sources: &SourceMap,
    encoding: Encoding,
    uris: &HashMap<PathBuf, Uri>,
) -> lsp_types::Diagnostic {
    let file = sources.get(d.span.file);
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<_> = d
        .labels
        .iter()
        .map(|l| {
            let at = sources.get(l.span.file);
            DiagnosticRelatedInformation {
                location: Location::new(
                    uri_of(&at.path, uris),
                    convert::range(at, l.span, encoding),
                ),
                message: l.message.clone(),
            }
        })
        .collect();
    lsp_types::Diagnostic {
        range: convert::range(file, d.span, encoding),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.as_str().into())),
        source: Some("pmoc".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..lsp_types::Diagnostic::default()
    }
}

/// The projects of the workspace, by root.
#[derive(Default)]
pub struct Projects {
    by_root: HashMap<PathBuf, Project>,
}

impl Projects {
    /// The root of the project holding `path` (the nearest `pmo.kdl`
    /// above it), if any.
    pub fn root_of(path: &Path) -> Option<PathBuf> {
        let dir = path.parent()?;
        discover::find_root(dir).ok()
    }

    /// The project at `root`, known from now on.
    pub fn get_or_add(&mut self, root: &Path) -> &mut Project {
        self.by_root
            .entry(root.to_path_buf())
            .or_insert_with(|| Project::new(root.to_path_buf()))
    }

    pub fn get(&self, root: &Path) -> Option<&Project> {
        self.by_root.get(root)
    }

    /// Marks the project at `root` for compilation.
    pub fn touch(&mut self, root: &Path) {
        self.get_or_add(root).dirty = true;
    }

    /// Every known project.
    pub fn all(&self) -> impl Iterator<Item = &Project> {
        self.by_root.values()
    }

    /// The projects edited since their last compilation.
    pub fn dirty(&mut self) -> impl Iterator<Item = &mut Project> {
        self.by_root.values_mut().filter(|p| p.dirty)
    }
}

/// A URI for a path: the one the editor used for it when it is open.
pub fn uri_of(path: &Path, open: &HashMap<PathBuf, Uri>) -> Uri {
    open.get(path)
        .cloned()
        .unwrap_or_else(|| convert::uri(path))
}

//! The projects of a workspace: which project holds a file (the nearest
//! `pmo.kdl` above it, as `pmoc check` finds it), and for each project its
//! compile [`Cache`] (lent to the compilation thread while it compiles),
//! its last compilation, its last compilation without a
//! syntax error (what navigation falls back on) and what was last
//! published for each of its files.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_types::{DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri};

use crate::base::{Diagnostic, Severity, SourceMap};
use crate::compile::{Cache, Compiled};
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
    published: HashMap<PathBuf, Published>,
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

    /// Takes the project's cache for a compilation with the editor's texts
    /// over the files on disk, exactly as `pmoc check` would (default
    /// options), on the compilation thread (`lsp::worker`): the project is
    /// up to date from now on, until the next edit marks it again.
    pub fn start(&mut self) -> Cache {
        self.dirty = false;
        std::mem::take(&mut self.cache)
    }

    /// Takes the cache back from a compilation that did not finish (or
    /// failed: the last compilation is kept).
    pub fn give_back(&mut self, cache: Cache) {
        self.cache = cache;
    }

    /// Takes the cache back with the compilation made: it becomes the last
    /// one (and the last good one when every file parsed).
    pub fn finish(&mut self, cache: Cache, compiled: Arc<Compiled>) -> Arc<Compiled> {
        self.cache = cache;
        let mut replaced = Vec::new();
        if !compiled.syntax_errors {
            replaced.extend(self.last_good.replace(compiled.clone()));
        }
        replaced.extend(self.current.replace(compiled.clone()));
        drop_later(replaced);
        compiled
    }

    /// The files whose findings changed since the last publication, with
    /// their findings now (empty for a file whose findings went away or that
    /// left the project), and the files in `open` (an editor shows their
    /// findings as soon as they are published). A file's findings are
    /// converted to the protocol's only when they, or the texts they point
    /// into, changed since they were last converted.
    pub fn changes(
        &mut self,
        compiled: &Compiled,
        encoding: Encoding,
        open: &HashSet<PathBuf>,
        uris: &HashMap<PathBuf, Uri>,
    ) -> Vec<(PathBuf, Vec<lsp_types::Diagnostic>)> {
        let sources = &compiled.sources;
        let mut now: HashMap<&Path, Vec<&Diagnostic>> = sources
            .iter()
            .map(|(_, f)| (f.path.as_path(), Vec::new()))
            .collect();
        for d in &compiled.diagnostics {
            now.entry(&sources.get(d.span.file).path)
                .or_default()
                .push(d);
        }
        let mut changed = Vec::new();
        let mut next = HashMap::with_capacity(now.len());
        for (path, findings) in now {
            let texts = texts_of(&findings, sources);
            let old = self.published.remove(path);
            let (entry, differs) = match old {
                Some(old) if old.same(&findings, &texts) => (old, false),
                old => {
                    let diagnostics: Vec<_> = findings
                        .iter()
                        .map(|d| diagnostic(d, sources, encoding, uris))
                        .collect();
                    let differs = match &old {
                        Some(old) => old.diagnostics != diagnostics,
                        None => !diagnostics.is_empty(),
                    };
                    let findings = findings.into_iter().cloned().collect();
                    let entry = Published {
                        findings,
                        texts,
                        diagnostics,
                    };
                    (entry, differs)
                }
            };
            if differs || open.contains(path) {
                changed.push((path.to_path_buf(), entry.diagnostics.clone()));
            }
            next.insert(path.to_path_buf(), entry);
        }
        for (path, old) in std::mem::replace(&mut self.published, next) {
            if !old.diagnostics.is_empty() {
                changed.push((path, Vec::new()));
            }
        }
        changed.sort_by(|a, b| a.0.cmp(&b.0));
        changed
    }
}

/// Drops the compilations a project no longer holds on a thread of its
/// own: freeing a large model costs a good part of a compilation, and the
/// publication of the new findings need not wait for it. (When no thread
/// can be made, they are dropped here.)
fn drop_later(replaced: Vec<Arc<Compiled>>) {
    if replaced.is_empty() {
        return;
    }
    let _ = std::thread::Builder::new()
        .name("pmoc-drop".into())
        .spawn(move || drop(replaced));
}

/// What was last published for one file: its findings as compiled, the
/// texts of the files they point into (by path, in order), and the
/// protocol's diagnostics made of them. Findings equal to `findings` over
/// the same texts convert to the same diagnostics.
struct Published {
    findings: Vec<Diagnostic>,
    texts: Vec<(PathBuf, Arc<str>)>,
    diagnostics: Vec<lsp_types::Diagnostic>,
}

impl Published {
    fn same(&self, findings: &[&Diagnostic], texts: &[(PathBuf, Arc<str>)]) -> bool {
        self.findings.len() == findings.len()
            && self.findings.iter().zip(findings).all(|(a, b)| a == *b)
            && self.texts.len() == texts.len()
            && self
                .texts
                .iter()
                .zip(texts)
                .all(|((p, a), (q, b))| p == q && (Arc::ptr_eq(a, b) || a == b))
    }
}

/// The files `findings` point into (their own and their labels'), each
/// once, with their texts: what their conversion depends on.
fn texts_of(findings: &[&Diagnostic], sources: &SourceMap) -> Vec<(PathBuf, Arc<str>)> {
    let mut ids = Vec::new();
    for d in findings {
        for id in std::iter::once(d.span.file).chain(d.labels.iter().map(|l| l.span.file)) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    ids.into_iter()
        .map(|id| {
            let file = sources.get(id);
            (file.path.clone(), file.text.clone())
        })
        .collect()
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

    pub fn get_mut(&mut self, root: &Path) -> Option<&mut Project> {
        self.by_root.get_mut(root)
    }

    /// Marks the project at `root` for compilation.
    pub fn touch(&mut self, root: &Path) {
        self.get_or_add(root).dirty = true;
    }

    /// Every known project.
    pub fn all(&self) -> impl Iterator<Item = &Project> {
        self.by_root.values()
    }

    /// Marks for compilation every project whose last compilation is out
    /// of date on `today` (UTC: it judged as of an earlier today, with no
    /// as-of pinned); whether there was one.
    pub fn new_day(&mut self, today: jiff::civil::Date) -> bool {
        let mut any = false;
        for project in self.by_root.values_mut() {
            if project.current.as_ref().is_some_and(|c| c.stale(today)) {
                project.dirty = true;
                any = true;
            }
        }
        any
    }

    /// The roots of the projects edited since their last compilation, in
    /// order.
    pub fn dirty(&self) -> Vec<PathBuf> {
        let mut roots: Vec<_> = self
            .by_root
            .values()
            .filter(|p| p.dirty)
            .map(|p| p.root.clone())
            .collect();
        roots.sort();
        roots
    }
}

/// A URI for a path: the one the editor used for it when it is open.
pub fn uri_of(path: &Path, open: &HashMap<PathBuf, Uri>) -> Uri {
    open.get(path)
        .cloned()
        .unwrap_or_else(|| convert::uri(path))
}

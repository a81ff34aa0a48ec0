//! The incremental engine that `build`, `watch` and `serve` share: compile
//! once, render once, publish once, and keep what the next round can reuse.
//!
//! This module owns the [`Engine`] (one output folder, the compile cache of
//! per-file parses, the site memo of converted entries and rendered pages,
//! the files last written) and the render of a compiled project into site
//! files, which `build` runs once ([`build`]) and each round runs again.
//! [`live`] is the publication log the server reads, [`watcher`] the loop
//! of rounds on file changes, [`server`] the dev HTTP server, [`report`]
//! the events a round tells the command (the engine prints nothing).

mod error;
pub mod live;
pub mod report;
pub mod server;
pub mod serving;
pub mod watcher;

pub use error::Error;
pub use live::{Changed, Live, LiveState};
pub use report::{Event, Rebuilt, Reporter};

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::base::Severity;
use crate::catalog;
use crate::compile::{self, Cache, Compiled, Options};
use crate::discover::{Filter, Skip, SourceError};
use crate::emit::site::{self, OutFile, Priority, RenderError, Theme, write};
use crate::emit::{LocatedDiagnostic, Location};

/// Builds round after round into one output folder, reusing what it can.
pub struct Engine {
    root: PathBuf,
    out: PathBuf,
    options: Options,
    cache: Cache,
    /// What the output folder holds: what the last good round wrote.
    written: Vec<OutFile>,
    /// What the last render made, reused where its inputs did not change.
    memo: Memo,
    /// Said in the status line after errors.
    keeping: &'static str,
    /// The last round had errors (the next good one clears the overlay).
    had_errors: bool,
    /// What discovery leaves out, as the manifest said at the last round.
    filter: Filter,
    /// The last round's as-of and where it came from (none before the
    /// first compilation, or when the last one could not run).
    judged: Option<(jiff::civil::Date, compile::AsOfSource)>,
    /// Where the events of a round go ([`report`]).
    reporter: Reporter,
}

impl Engine {
    pub fn new(root: PathBuf, out: Option<PathBuf>, serving: bool) -> Result<Engine, Error> {
        let out = match out {
            Some(out) => out,
            None => compile::manifest_settings(&root)?.output,
        };
        let options = Options {
            out: Some(out.clone()),
            catalogue: true,
            ..Options::default()
        };
        let keeping = if serving {
            "serving the last good build"
        } else {
            "the last good site is kept"
        };
        Ok(Engine {
            filter: Filter::new(&root, &Skip::default()),
            root,
            out,
            options,
            cache: Cache::default(),
            written: Vec::new(),
            memo: Memo::default(),
            keeping,
            had_errors: false,
            judged: None,
            reporter: report::silent(),
        })
    }

    /// Tells the events of each round (and of the watch loop) to `reporter`.
    pub fn with_reporter(mut self, reporter: Reporter) -> Engine {
        self.reporter = reporter;
        self
    }

    /// Hands `event` to the reporter.
    pub fn tell(&mut self, event: Event<'_>) {
        (self.reporter)(event);
    }

    /// Reads metrics from `dir` (`--metrics`, relative to the working
    /// directory) instead of `metrics/` at the root.
    pub fn with_metrics(mut self, dir: Option<PathBuf>) -> Engine {
        self.options.metrics = dir.map(|d| std::path::absolute(&d).unwrap_or(d));
        self
    }

    /// Whether the last round is out of date on `today` (UTC): it judged as
    /// of today's date, unpinned, and the date has changed since
    /// ([`compile::stale`]). The watch loop runs a round then.
    pub fn stale(&self, today: jiff::civil::Date) -> bool {
        self.judged
            .is_some_and(|(as_of, source)| compile::stale(as_of, source, today))
    }

    /// Judges as of `date` (`--as-of`) instead of the manifest's `as-of`.
    pub fn with_as_of(mut self, date: Option<jiff::civil::Date>) -> Engine {
        self.options.as_of = date;
        self
    }

    /// The folder whose CSVs a round reads (when it exists).
    pub fn metrics_dir(&self) -> PathBuf {
        self.options
            .metrics
            .clone()
            .unwrap_or_else(|| self.root.join("metrics"))
    }

    pub fn out(&self) -> &Path {
        &self.out
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Discovery's filter as of the last round, which re-read the manifest's
    /// `output` and `exclude` (before the first round: dot-folders and
    /// `target/` only). The watcher judges `.kdl` paths by it.
    pub fn filter(&self) -> &Filter {
        &self.filter
    }

    /// One round: compile, and on success render and write what changed,
    /// publishing to `live` what it changed. The pages open in a browser are
    /// rendered, written and published first; the rest follow. Tells the
    /// compilation ([`Event::Compiled`]) and how the round ended
    /// ([`Event::Rebuilt`] or [`Event::Failed`]); returns the errors.
    pub fn round(&mut self, live: &Live) -> Result<Vec<LocatedDiagnostic>, Error> {
        let started = Instant::now();
        self.judged = None;
        let compiled = compile::compile_root(self.root.clone(), &self.options, &mut self.cache)?;
        self.judged = Some((compiled.as_of, compiled.as_of_source));
        self.filter = compiled.filter.clone();
        self.tell(Event::Compiled(&compiled));
        let errors: Vec<LocatedDiagnostic> = compiled
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| LocatedDiagnostic::of(d, &compiled.sources))
            .collect();
        if !errors.is_empty() {
            return Ok(self.failed(live, errors));
        }
        let rendered = match self.render_viewed_first(&compiled, live)? {
            Ok(rendered) => rendered,
            // A broken template of the project's theme: an error like any
            // other, shown until the template is fixed.
            Err(broken) => {
                self.tell(Event::Error(broken.to_string()));
                return Ok(self.failed(live, vec![template_error(&broken)]));
            }
        };
        self.write_rest(&compiled, live, rendered, started)?;
        Ok(Vec::new())
    }

    /// A round in which an [`Error`] (the manifest gone for a moment, a
    /// file that cannot be read, a site that cannot be written) is shown
    /// like the project's errors, in the status line and the overlay; the
    /// last good site stays. `watch` and `serve` run these once started.
    /// Returns whether the round ran (whatever it found): `false` when an
    /// `Error` stopped it.
    pub fn round_or_report(&mut self, live: &Live) -> bool {
        let Err(error) = self.round(live) else {
            return true;
        };
        self.tell(Event::Error(error.to_string()));
        let at = match &error {
            Error::Source(SourceError::Read { name, .. }) => name.clone(),
            _ => String::new(),
        };
        self.failed(live, vec![stopping_error(at, &error)]);
        false
    }

    /// Forgets what the output folder holds, so that the next good round
    /// writes every file (the folder may have been deleted or restored).
    pub fn forget_written(&mut self) {
        self.written.clear();
    }

    /// A round with errors: the status line, and the errors published to
    /// every page (the overlay); the last good site stays.
    fn failed(&mut self, live: &Live, errors: Vec<LocatedDiagnostic>) -> Vec<LocatedDiagnostic> {
        let (errors_n, keeping) = (errors.len(), self.keeping);
        self.tell(Event::Failed {
            errors: errors_n,
            keeping,
        });
        self.had_errors = true;
        live.publish(errors.clone(), Changed::All);
        errors
    }

    /// Renders every file of the site; the pages open in a browser are
    /// written and published as soon as they are rendered. Returns every
    /// file and the files written early, or the message of a broken theme
    /// template (nothing written then but the viewed pages).
    fn render_viewed_first(
        &mut self,
        compiled: &Compiled,
        live: &Live,
    ) -> Result<Result<Rendered, RenderError>, Error> {
        // The viewed pages go out first, unless the overlay must go from every page.
        let viewed = if self.had_errors {
            HashSet::new()
        } else {
            live.viewed()
        };
        // The first pages: written, published, and remembered as written.
        let early: Mutex<Option<std::io::Result<Vec<OutFile>>>> = Mutex::new(None);
        let (out, written) = (&self.out, &self.written);
        let first = |files: &[OutFile]| {
            let result = write::update_in_place(out, files, written, false).map(|paths| {
                let paths: HashSet<String> = paths.iter().map(|p| p.to_string()).collect();
                live.publish(Vec::new(), Changed::Pages(Arc::new(paths)));
                files.to_vec()
            });
            *early.lock().expect("first pages") = Some(result);
        };
        let priority = Priority {
            pages: &viewed,
            ready: &first,
        };
        let files = match render(compiled, &mut self.memo, Some(priority)) {
            Ok(files) => files,
            Err(message) => return Ok(Err(message)),
        };
        let firsts = match early.into_inner().expect("first pages") {
            Some(result) => result.map_err(cannot_write(&self.out))?,
            None => Vec::new(),
        };
        Ok(Ok(Rendered { files, firsts }))
    }

    /// Writes the files of a render that changed since the last good round
    /// (but those written first), publishes the pages written or removed,
    /// prints the status line and remembers the files as written.
    fn write_rest(
        &mut self,
        compiled: &Compiled,
        live: &Live,
        rendered: Rendered,
        started: Instant,
    ) -> Result<(), Error> {
        let Rendered { files, firsts } = rendered;
        let mut before: HashMap<&str, &OutFile> =
            self.written.iter().map(|f| (f.path.as_str(), f)).collect();
        let changed_pages = files
            .iter()
            .filter(|f| f.path.ends_with(".html"))
            .filter(|f| before.get(f.path.as_str()).is_none_or(|b| !b.same_bytes(f)))
            .count();
        before.extend(firsts.iter().map(|f| (f.path.as_str(), f)));
        let before: Vec<OutFile> = before.into_values().cloned().collect();
        let written_now = write::update_in_place(&self.out, &files, &before, true)
            .map_err(cannot_write(&self.out))?;
        let now: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
        let mut changed: HashSet<String> = written_now.iter().map(|p| p.to_string()).collect();
        // Pages removed: a browser on one gets the 404 page.
        changed.extend(
            self.written
                .iter()
                .filter(|w| !now.contains(w.path.as_str()))
                .map(|w| w.path.clone()),
        );
        let changed = if std::mem::take(&mut self.had_errors) {
            Changed::All
        } else {
            Changed::Pages(Arc::new(changed))
        };
        live.publish(Vec::new(), changed);
        let rebuilt = Rebuilt {
            changed_pages,
            pages: page_count(&files),
            files_written: firsts.len() + written_now.len(),
            parsed: self.cache.parsed,
            // The metrics CSVs are sources too, read again every round.
            kdl_files: compiled
                .sources
                .iter()
                .filter(|(_, f)| f.name.ends_with(".kdl"))
                .count(),
            millis: started.elapsed().as_millis(),
        };
        self.tell(Event::Rebuilt(rebuilt));
        self.written = files;
        Ok(())
    }
}

/// A round's render: every file of the site, and the viewed pages' files,
/// written already.
struct Rendered {
    files: Vec<OutFile>,
    firsts: Vec<OutFile>,
}

/// The error a broken template of the project's theme gives: no position,
/// the `theme/` folder for its file.
fn template_error(broken: &RenderError) -> LocatedDiagnostic {
    LocatedDiagnostic {
        location: Location {
            file: "theme/".into(),
            line: 0,
            column: 0,
            end_line: 0,
            end_column: 0,
        },
        severity: Severity::Error,
        code: "template",
        message: broken.to_string(),
        labels: Vec::new(),
        help: None,
    }
}

/// What an [`Error`] of a round shows in the overlay: at the file it names,
/// if any.
fn stopping_error(file: String, error: &Error) -> LocatedDiagnostic {
    LocatedDiagnostic {
        location: Location {
            file,
            line: 0,
            column: 0,
            end_line: 0,
            end_column: 0,
        },
        severity: Severity::Error,
        code: "io",
        message: error.to_string(),
        labels: Vec::new(),
        help: None,
    }
}

fn cannot_write(out: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    |source| Error::Write {
        out: out.to_path_buf(),
        source,
    }
}

/// How many of the site's files are pages.
pub fn page_count(files: &[OutFile]) -> usize {
    files.iter().filter(|f| f.path.ends_with(".html")).count()
}

/// What one render keeps for the next (a round of `watch` or `serve`):
/// the catalogue's service entries and the pages.
#[derive(Default)]
pub struct Memo {
    pub catalog: catalog::Memo,
    pub site: site::Memo,
}

/// Every file of the site for a compiled project without errors.
pub fn render(
    compiled: &Compiled,
    memo: &mut Memo,
    priority: Option<Priority>,
) -> Result<Vec<OutFile>, RenderError> {
    let catalog = catalog::build_with(&compiled.index(), &compiled.evaluation, &mut memo.catalog);
    let theme = Theme::load(&compiled.root).map_err(RenderError::Theme)?;
    site::render(&Arc::new(catalog), &theme, &mut memo.site, priority)
}

/// One build: renders a compiled project without errors into a fresh
/// folder, each file written as soon as it is made (nothing is held), and
/// replaces the site at `out` with it at once (a failed build leaves `out`
/// as it was). `base_url` (`--base-url`), when given, is where the site is
/// published, over the manifest's `site { base-url }`. The compilation is
/// taken by value and dropped once the catalogue is built from it: the
/// render reads only the catalogue, and the two are never held together
/// with the pages. Returns the number of pages written.
pub fn build(mut compiled: Compiled, out: &Path, base_url: Option<&str>) -> Result<usize, Error> {
    guard(out, &compiled.root)?;
    // The catalogue reads the model only: the texts go first.
    drop(std::mem::take(&mut compiled.sources));
    drop(std::mem::take(&mut compiled.diagnostics));
    let mut catalog = catalog::build(&compiled.index(), &compiled.evaluation);
    if let Some(base_url) = base_url {
        catalog.pmo.base_url = Some(base_url.to_string());
    }
    let theme = Theme::load(&compiled.root).map_err(RenderError::Theme)?;
    drop(compiled);
    let catalog = Arc::new(catalog);
    let written = site::write::replace_atomically_with(out, |dir| {
        let folder = site::write::Folder::new(dir);
        site::render_to(
            &catalog,
            &theme,
            &mut site::Memo::default(),
            None,
            site::Sink::Stream(&folder),
        )
        .map(|_| folder.pages())
    });
    match written {
        Ok(pages) => Ok(pages),
        Err(RenderError::Write(e)) => Err(cannot_write(out)(e)),
        Err(e) => Err(e.into()),
    }
}

/// Whether `out` may receive a site: nothing there yet, an empty folder,
/// or a site pmoc wrote. A file, or a folder holding anything else, is
/// refused (exit 2) before anything is written.
pub fn check_output(out: &Path) -> Result<(), Error> {
    write::check_replaceable(out).map_err(cannot_write(out))
}

/// The output folder may not be the project itself or hold it.
fn guard(out: &Path, root: &Path) -> Result<(), Error> {
    let abs = |p: &Path| -> PathBuf { std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()) };
    let (out_abs, root_abs) = (abs(out), abs(root));
    let root_real = std::fs::canonicalize(&root_abs).unwrap_or(root_abs);
    let out_real = std::fs::canonicalize(&out_abs).unwrap_or(out_abs);
    if root_real.starts_with(&out_real) {
        return Err(Error::OutputHoldsProject {
            out: out.to_path_buf(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A round re-reads the manifest's `exclude`: the watcher sees it.
    #[test]
    fn the_filter_follows_the_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let manifest = |extra: &str| {
            let text = format!(
                "pmo \"p\" {{ name \"P\"; mandate \"M\"; sponsor \"ann\"{extra} }}\nperson \"ann\" name=\"Ann\"\n"
            );
            std::fs::write(root.join("pmo.kdl"), text).unwrap();
        };
        let draft = root.join("drafts/d.kdl");
        manifest("");
        let mut engine = Engine::new(root.clone(), None, false).unwrap();
        engine.round(&Live::default()).unwrap();
        assert!(!engine.filter().skips(&draft, false));
        manifest("; exclude \"drafts/**\"");
        engine.round(&Live::default()).unwrap();
        assert!(engine.filter().skips(&draft, false));
    }

    /// Watch and serve re-evaluate on a CSV change without parsing the KDL
    /// files again.
    #[test]
    fn a_csv_change_re_evaluates_without_parsing_again() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let write = |name: &str, text: &str| {
            let path = root.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(
            "pmo.kdl",
            "pmo \"p\" { name \"P\"; mandate \"M\"; sponsor \"ann\"; as-of \"2026-11-01\" }\n",
        );
        write(
            "main.kdl",
            r#"person "ann" name="Ann"
metric "m" name="M" unit="percent" direction="higher" cadence="month"
trigger "t" { applies-to service="s"; when "m" below=30 for=1; action "review" }
customer "c" name="C"
function "f" { name "F"; levels "project" }
service "s" { name "S"; function "f"; description "D"; stage "strategy"; offer "c" level="mandated"; objectives "o" }
objective "o" title="O"
"#,
        );
        write(
            "metrics/m.csv",
            "period,service,metric,value\n2026-10,s,m,50\n",
        );
        let mut engine = Engine::new(root.clone(), None, false).unwrap();
        assert!(engine.round(&Live::default()).unwrap().is_empty());
        let catalog = || std::fs::read_to_string(root.join("site/catalog.json")).unwrap();
        assert!(catalog().contains("\"observed\": true"));
        write(
            "metrics/m.csv",
            "period,service,metric,value\n2026-10,s,m,50\n2026-09,s,m,40\n",
        );
        assert!(engine.round(&Live::default()).unwrap().is_empty());
        assert_eq!(engine.cache.parsed, 0, "no KDL file was parsed again");
        // A bad cell is an error of the round, shown like any other.
        write(
            "metrics/m.csv",
            "period,service,metric,value\n2026-10,s,m,lots\n",
        );
        let errors = engine.round(&Live::default()).unwrap();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].code, "metrics-csv");
        assert_eq!(engine.cache.parsed, 0);
    }
}

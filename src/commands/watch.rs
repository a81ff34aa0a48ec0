//! `pmoc watch`: build once, then rebuild on every change to a `*.kdl` file,
//! a metrics CSV or a `theme/` file. Each round re-parses only the files
//! whose bytes changed (the compile cache), re-renders, and writes only the
//! pages whose bytes changed. Errors never end the process: the last good
//! site stays in place. `serve` runs the same loop beside its server.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, EventKind, MetadataKind, ModifyKind};
use notify::{PollWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, NoCache, new_debouncer, new_debouncer_opt};

use crate::base::Severity;
use crate::cli::WatchArgs;
use crate::compile::{self, Cache, Options};
use crate::discover::{self, Fatal};
use crate::emit::site::{Memo, OutFile, Priority, write};
use crate::emit::{self, LocatedDiagnostic, Location};

/// What a publication changed: every page (errors appeared or went, so the
/// overlay did), or the pages whose files were written or removed.
#[derive(Debug, Clone)]
pub enum Changed {
    All,
    Pages(Arc<HashSet<String>>),
}

impl Changed {
    fn touches(&self, page: &str) -> bool {
        match self {
            Changed::All => true,
            Changed::Pages(pages) => pages.contains(page),
        }
    }
}

/// How many publications the server remembers for clients catching up.
const LOG: usize = 64;

/// The outcome of the rounds so far, shared with the server.
#[derive(Debug, Default)]
pub struct LiveState {
    /// Counts publications; a page reloads when one touches it.
    pub generation: u64,
    /// The latest publications: (generation, what changed).
    pub log: VecDeque<(u64, Changed)>,
    /// Errors of the latest round (empty when it built).
    pub errors: Vec<LocatedDiagnostic>,
    /// Pages open in a browser (site-relative paths), with how many.
    pub viewers: HashMap<String, usize>,
    /// Set when the process is shutting down.
    pub stopping: bool,
}

impl LiveState {
    /// Whether a publication after `since` touches `page` (every page when
    /// `page` is `None`, or when `since` is older than the log).
    pub fn touches(&self, since: u64, page: Option<&str>) -> bool {
        if since >= self.generation {
            return false;
        }
        let remembered = self.log.front().is_some_and(|(g, _)| *g <= since + 1);
        let Some(page) = page.filter(|_| remembered) else {
            return true;
        };
        self.log
            .iter()
            .filter(|(g, _)| *g > since)
            .any(|(_, changed)| changed.touches(page))
    }
}

/// [`LiveState`] with a condition variable that wakes waiting clients.
#[derive(Debug, Default)]
pub struct Live {
    pub state: Mutex<LiveState>,
    pub changed: Condvar,
}

impl Live {
    fn publish(&self, errors: Vec<LocatedDiagnostic>, changed: Changed) {
        let mut state = self.state.lock().expect("live state");
        state.generation += 1;
        let generation = state.generation;
        state.log.push_back((generation, changed));
        if state.log.len() > LOG {
            state.log.pop_front();
        }
        state.errors = errors;
        self.changed.notify_all();
    }

    /// The pages open in a browser now.
    fn viewed(&self) -> HashSet<String> {
        let state = self.state.lock().expect("live state");
        state.viewers.keys().cloned().collect()
    }

    pub fn stop(&self) {
        self.state.lock().expect("live state").stopping = true;
        self.changed.notify_all();
    }
}

/// Builds round after round into one output folder.
pub struct Builder {
    root: PathBuf,
    out: PathBuf,
    options: Options,
    cache: Cache,
    /// What the output folder holds: what the last good round wrote.
    written: Vec<OutFile>,
    /// Pages of the last render, reused where nothing they show changed.
    memo: Memo,
    /// Said in the status line after errors.
    keeping: &'static str,
    /// The last round had errors (the next good one clears the overlay).
    had_errors: bool,
}

impl Builder {
    pub fn new(root: PathBuf, out: Option<PathBuf>, serving: bool) -> Result<Builder, Fatal> {
        let out = match out {
            Some(out) => out,
            None => compile::manifest_settings(&root)?.output,
        };
        let options = Options {
            out: Some(out.clone()),
            ..Options::default()
        };
        let keeping = if serving {
            "serving the last good build"
        } else {
            "the last good site is kept"
        };
        Ok(Builder {
            root,
            out,
            options,
            cache: Cache::default(),
            written: Vec::new(),
            memo: Memo::default(),
            keeping,
            had_errors: false,
        })
    }

    pub fn out(&self) -> &Path {
        &self.out
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// One round: compile, and on success render and write what changed,
    /// publishing to `live` what it changed. The pages open in a browser are
    /// rendered, written and published first; the rest follow. Prints the
    /// diagnostics and one status line; returns the errors.
    pub fn round(&mut self, live: &Live) -> Result<Vec<LocatedDiagnostic>, Fatal> {
        let started = Instant::now();
        let compiled = compile::compile_root(self.root.clone(), &self.options, &mut self.cache)?;
        if !compiled.diagnostics.is_empty() {
            let colour =
                emit::human::use_colour(std::io::IsTerminal::is_terminal(&std::io::stderr()));
            eprint!(
                "{}",
                emit::human::render(&compiled.diagnostics, &compiled.sources, colour)
            );
        }
        let errors: Vec<LocatedDiagnostic> = compiled
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| LocatedDiagnostic::of(d, &compiled.sources))
            .collect();
        if !errors.is_empty() {
            let n = errors.len();
            eprintln!(
                "{n} error{}; {}",
                if n == 1 { "" } else { "s" },
                self.keeping
            );
            self.had_errors = true;
            live.publish(errors.clone(), Changed::All);
            return Ok(errors);
        }
        let cannot_write = |e: std::io::Error| {
            Fatal(format!(
                "cannot write the site to `{}`: {e}",
                self.out.display()
            ))
        };
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
        let files = match super::build::render(&compiled, &mut self.memo, Some(priority)) {
            Ok(files) => files,
            // A broken template of the project's theme: an error like any
            // other, shown until the template is fixed.
            Err(message) => {
                eprintln!("error: {message}\n1 error; {}", self.keeping);
                let error = LocatedDiagnostic {
                    location: Location {
                        file: "theme/".into(),
                        line: 0,
                        column: 0,
                        end_line: 0,
                        end_column: 0,
                    },
                    severity: Severity::Error,
                    code: "template",
                    message,
                    labels: Vec::new(),
                    help: None,
                };
                self.had_errors = true;
                live.publish(vec![error.clone()], Changed::All);
                return Ok(vec![error]);
            }
        };
        let firsts = match early.into_inner().expect("first pages") {
            Some(result) => result.map_err(cannot_write)?,
            None => Vec::new(),
        };
        let mut before: HashMap<&str, &OutFile> =
            self.written.iter().map(|f| (f.path.as_str(), f)).collect();
        let changed_pages = files
            .iter()
            .filter(|f| f.path.ends_with(".html"))
            .filter(|f| before.get(f.path.as_str()).is_none_or(|b| !b.same_bytes(f)))
            .count();
        before.extend(firsts.iter().map(|f| (f.path.as_str(), f)));
        let before: Vec<OutFile> = before.into_values().cloned().collect();
        let written_now =
            write::update_in_place(&self.out, &files, &before, true).map_err(cannot_write)?;
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
        let pages = files.iter().filter(|f| f.path.ends_with(".html")).count();
        eprintln!(
            "rebuilt {changed_pages} of {pages} pages in {} ms ({} files written, {} of {} sources parsed)",
            started.elapsed().as_millis(),
            firsts.len() + written_now.len(),
            self.cache.parsed,
            compiled.sources.len()
        );
        self.written = files;
        Ok(Vec::new())
    }
}

/// Editor droppings and other paths that never trigger a rebuild.
fn ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.contains("___jb_")
}

/// Whether a change at `path` can change the site.
pub fn relevant(path: &Path, root: &Path, out: &Path) -> bool {
    if path.starts_with(out) {
        return false;
    }
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let parts: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(n) => Some(n.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    let Some(name) = parts.last() else {
        return false;
    };
    if parts.iter().any(|p| ignored_name(p) || p == "target") {
        return false;
    }
    let ext = Path::new(name).extension().and_then(|e| e.to_str());
    match ext {
        Some("kdl") => true,
        Some("csv") => parts.first().is_some_and(|p| p == "metrics"),
        _ if parts.first().is_some_and(|p| p == "theme") => true,
        // A folder renamed or removed may have held sources.
        None => !path.is_file(),
        _ => false,
    }
}

/// Create, data change (or a new write time: all the polling watcher can
/// see), rename and remove: never access events, which reading files during
/// a build raises (reacting to them rebuilds forever).
fn relevant_kind(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Create(_)
            | EventKind::Remove(_)
            | EventKind::Modify(
                ModifyKind::Data(_)
                    | ModifyKind::Name(_)
                    | ModifyKind::Any
                    | ModifyKind::Metadata(MetadataKind::WriteTime)
            )
            | EventKind::Access(AccessKind::Close(AccessMode::Write))
    )
}

/// Watches the project and runs rounds until `stop` is set. Each round's
/// errors go to `live`.
pub fn watch_loop(
    mut builder: Builder,
    poll: Option<Duration>,
    debounce: Duration,
    live: Arc<Live>,
    stop: Arc<AtomicBool>,
) -> Result<(), Fatal> {
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let mut watcher =
        Watcher::new(poll, debounce, tx).map_err(|e| watch_error(builder.root(), e))?;
    for (path, mode) in watcher.targets(builder.root(), builder.out()) {
        watcher
            .watch(&path, mode)
            .map_err(|e| watch_error(&path, e))?;
    }
    builder.round(&live)?;
    let (root, out) = (builder.root().to_path_buf(), builder.out().to_path_buf());
    let mut wanted = |result: DebounceEventResult| -> bool {
        match result {
            Ok(events) => {
                // A folder new at the top of the project is watched from now on.
                for e in events
                    .iter()
                    .filter(|e| matches!(e.kind, EventKind::Create(_)))
                {
                    for p in e
                        .paths
                        .iter()
                        .filter(|p| p.parent() == Some(root.as_path()) && p.is_dir())
                    {
                        if watcher.polling() && watched_folder(p, &out) {
                            let _ = watcher.watch(p, RecursiveMode::Recursive);
                        }
                    }
                }
                events.iter().any(|e| {
                    relevant_kind(&e.kind) && e.paths.iter().any(|p| relevant(p, &root, &out))
                })
            }
            Err(errors) => {
                for e in errors {
                    eprintln!("warning: watching: {e}");
                }
                false
            }
        }
    };
    while !stop.load(Ordering::SeqCst) {
        let first = match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(result) => result,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        let mut rebuild = wanted(first);
        // Whatever arrived meanwhile (a burst, or changes during the last
        // round) joins this one rebuild.
        while let Ok(more) = rx.try_recv() {
            rebuild |= wanted(more);
        }
        if rebuild {
            builder.round(&live)?;
        }
    }
    Ok(())
}

fn watch_error(path: &Path, e: notify::Error) -> Fatal {
    Fatal(format!("cannot watch `{}`: {e}", path.display()))
}

/// A folder at the top of the project worth watching (not the output,
/// not a dot-folder, not `target/`).
fn watched_folder(path: &Path, out: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path != out && !ignored_name(&name) && name != "target"
}

/// The native watcher, or the polling one. Polling compares file contents
/// (its timestamps have one-second resolution, which would miss a second save
/// within the same second), so it watches only what can matter: never the
/// output folder.
enum Watcher {
    Native(
        notify_debouncer_full::Debouncer<
            notify::RecommendedWatcher,
            notify_debouncer_full::RecommendedCache,
        >,
    ),
    Poll(notify_debouncer_full::Debouncer<PollWatcher, NoCache>),
}

impl Watcher {
    fn new(
        poll: Option<Duration>,
        debounce: Duration,
        tx: mpsc::Sender<DebounceEventResult>,
    ) -> notify::Result<Watcher> {
        Ok(match poll {
            Some(interval) => {
                let config = notify::Config::default()
                    .with_poll_interval(interval)
                    .with_compare_contents(true);
                Watcher::Poll(new_debouncer_opt::<_, PollWatcher, NoCache>(
                    debounce, None, tx, NoCache, config,
                )?)
            }
            None => Watcher::Native(new_debouncer(debounce, None, tx)?),
        })
    }

    fn polling(&self) -> bool {
        matches!(self, Watcher::Poll(_))
    }

    /// What to watch: natively the whole project (events in the output folder
    /// are filtered out); when polling, the top of the project and each
    /// folder in it but the output folder.
    fn targets(&self, root: &Path, out: &Path) -> Vec<(PathBuf, RecursiveMode)> {
        if !self.polling() {
            return vec![(root.to_path_buf(), RecursiveMode::Recursive)];
        }
        let mut targets = vec![(root.to_path_buf(), RecursiveMode::NonRecursive)];
        let mut folders: Vec<PathBuf> = std::fs::read_dir(root)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir() && watched_folder(p, out))
            .collect();
        folders.sort();
        targets.extend(folders.into_iter().map(|p| (p, RecursiveMode::Recursive)));
        targets
    }

    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            Watcher::Native(d) => d.watch(path, mode),
            Watcher::Poll(d) => d.watch(path, mode),
        }
    }
}

/// The settings `watch` and `serve` share.
pub fn settings(
    args: &WatchArgs,
    serving: bool,
) -> Result<(Builder, Option<Duration>, Duration), Fatal> {
    let root = discover::find_root(&args.path)?;
    let out = args
        .out
        .as_ref()
        .map(|o| std::path::absolute(o).unwrap_or_else(|_| o.clone()));
    let poll = args.poll.map(Duration::from_millis);
    Ok((
        Builder::new(root, out, serving)?,
        poll,
        Duration::from_millis(args.debounce),
    ))
}

pub fn run(args: &WatchArgs) -> ExitCode {
    let (builder, poll, debounce) = match settings(args, false) {
        Ok(s) => s,
        Err(e) => return super::fatal(e),
    };
    let stop = Arc::new(AtomicBool::new(false));
    let on_signal = stop.clone();
    if let Err(e) = ctrlc::set_handler(move || on_signal.store(true, Ordering::SeqCst)) {
        return super::fatal(format!("cannot handle Ctrl-C: {e}"));
    }
    eprintln!("watching {} (Ctrl-C to stop)", builder.root().display());
    match watch_loop(builder, poll, debounce, Arc::new(Live::default()), stop) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => super::fatal(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_triggers_a_rebuild() {
        let root = Path::new("/p");
        let out = Path::new("/p/site");
        for yes in [
            "/p/a.kdl",
            "/p/services/x.kdl",
            "/p/metrics/2026.csv",
            "/p/theme/service.html",
            "/p/theme/assets/style.css",
        ] {
            assert!(relevant(Path::new(yes), root, out), "{yes}");
        }
        for no in [
            "/p/site/index.html",
            "/p/.git/index",
            "/p/a.kdl.swp",
            "/p/.a.kdl.swp",
            "/p/a.kdl~",
            "/p/#a.kdl#",
            "/p/.#a.kdl",
            "/p/a.kdl___jb_tmp___",
            "/p/target/x.kdl",
            "/p/notes.md",
            "/p/other/data.csv",
            "/elsewhere/a.kdl",
        ] {
            assert!(!relevant(Path::new(no), root, out), "{no}");
        }
    }

    #[test]
    fn access_events_never_trigger() {
        assert!(!relevant_kind(&EventKind::Access(AccessKind::Open(
            notify::event::AccessMode::Any
        ))));
        assert!(!relevant_kind(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(relevant_kind(&EventKind::Modify(ModifyKind::Data(
            notify::event::DataChange::Content
        ))));
        assert!(!relevant_kind(&EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::Permissions
        ))));
    }
}

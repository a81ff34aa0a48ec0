//! The file-watching loop: which file-system events can change the site,
//! the native or polling watcher, and the loop that runs an [`Engine`]
//! round whenever one arrives (a burst of events makes one round). Which
//! `.kdl` paths matter is discovery's call ([`Filter`], as the engine's last
//! round read the manifest); editor droppings are the watcher's own.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, EventKind, MetadataKind, ModifyKind};
use notify::{PollWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, NoCache, new_debouncer, new_debouncer_opt};

use super::Error;
use super::{Engine, Event, Live};
use crate::discover::Filter;

/// Editor droppings and other paths that never trigger a rebuild. A hidden
/// `.kdl` file is not one: discovery reads it, so a change to it counts.
fn ignored_name(name: &str) -> bool {
    (name.starts_with('.') && !name.ends_with(".kdl"))
        || name.starts_with(".#")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.contains("___jb_")
}

/// Whether a change at `path` can change the site: a `.kdl` file, or a
/// folder renamed or removed (it may have held sources), that discovery's
/// `filter` does not skip; a `theme/` file with no hidden or `target`
/// folder on its way; a `*.csv` in the `metrics` folder (which may lie
/// outside the project). Never a path in the output folder `out`, nor an
/// editor's dropping.
pub fn relevant(path: &Path, filter: &Filter, out: &Path, metrics: &Path) -> bool {
    if path.starts_with(out) {
        return false;
    }
    if let Ok(rel) = path.strip_prefix(metrics)
        && path.extension().is_some_and(|x| x == "csv")
    {
        return !rel
            .components()
            .any(|c| ignored_name(&c.as_os_str().to_string_lossy()));
    }
    let Ok(rel) = path.strip_prefix(filter.root()) else {
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
    if ignored_name(name) {
        return false;
    }
    let hidden = || parts.iter().any(|p| ignored_name(p) || p == "target");
    let ext = Path::new(name).extension().and_then(|e| e.to_str());
    match ext {
        Some("kdl") => !filter.skips(path, false),
        _ if parts.first().is_some_and(|p| p == "theme") => !hidden(),
        // A folder renamed or removed may have held sources.
        None => !path.is_file() && !filter.skips(path, true),
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

/// Whether an event removes or renames the project folder itself (or a
/// folder holding it): the debouncer reports a folder deleted with its
/// files as that one event.
fn project_gone(kind: &EventKind, paths: &[PathBuf], root: &Path) -> bool {
    matches!(
        kind,
        EventKind::Remove(_) | EventKind::Modify(ModifyKind::Name(_))
    ) && paths.iter().any(|p| root.starts_with(p))
}

/// Watches the project and runs rounds until `stop` is set. Each round's
/// errors go to `live`. Only a start that fails (a folder that cannot be
/// watched, a first round that cannot run) is an error: after it, no error
/// ends the loop. A manifest that goes away (an editor's save, `git
/// checkout`, the whole project folder deleted) is shown as an error until
/// it is back; then the watcher is armed anew and the project rebuilt.
pub fn watch_loop(
    engine: Engine,
    poll: Option<Duration>,
    debounce: Duration,
    live: Arc<Live>,
    stop: Arc<AtomicBool>,
) -> Result<(), Error> {
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let watcher = arm(&engine, poll, debounce, tx.clone())?;
    let mut rounds = Rounds {
        identity: identity(engine.root()),
        engine,
        watcher,
        poll,
        debounce,
        tx,
        live,
        lost: false,
        retry: None,
    };
    rounds.engine.round(&rounds.live)?;
    while !stop.load(Ordering::SeqCst) {
        let first = match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(result) => Some(result),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        // Judged by the filter of the manifest as the last round read it.
        let mut rebuild = first.is_some_and(|first| rounds.wanted(first));
        // Whatever arrived meanwhile (a burst, or changes during the last
        // round) joins this one rebuild.
        while let Ok(more) = rx.try_recv() {
            rebuild |= rounds.wanted(more);
        }
        if rounds.lost {
            rounds.come_back();
        } else if rebuild || rounds.retry_due() || rounds.new_day() {
            rounds.round();
        }
    }
    Ok(())
}

/// A watcher watching what matters of `engine`'s project.
fn arm(
    engine: &Engine,
    poll: Option<Duration>,
    debounce: Duration,
    tx: mpsc::Sender<DebounceEventResult>,
) -> Result<Watcher, Error> {
    let mut watcher =
        Watcher::new(poll, debounce, tx).map_err(|e| watch_error(engine.root(), e))?;
    for (path, mode) in watcher.targets(engine.root(), engine.out()) {
        watcher
            .watch(&path, mode)
            .map_err(|e| watch_error(&path, e))?;
    }
    let metrics = engine.metrics_dir();
    if !metrics.starts_with(engine.root()) && metrics.is_dir() {
        watcher
            .watch(&metrics, RecursiveMode::Recursive)
            .map_err(|e| watch_error(&metrics, e))?;
    }
    Ok(watcher)
}

/// Which folder a path names now (device and inode), to notice a project
/// folder deleted and made again, which the old watcher no longer sees.
#[cfg(unix)]
fn identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(_path: &Path) -> Option<(u64, u64)> {
    None
}

/// The first wait before a round that could not run is tried again.
const RETRY_FIRST: Duration = Duration::from_millis(500);
/// The longest wait between such tries.
const RETRY_MAX: Duration = Duration::from_secs(30);

/// The loop's state after the first round.
struct Rounds {
    engine: Engine,
    watcher: Watcher,
    poll: Option<Duration>,
    debounce: Duration,
    tx: mpsc::Sender<DebounceEventResult>,
    live: Arc<Live>,
    /// The project folder the watcher watches.
    identity: Option<(u64, u64)>,
    /// The manifest is gone: no round runs until it is back.
    lost: bool,
    /// The last round could not run (a file or the site folder half
    /// there, say): when to try again, and the wait after that.
    retry: Option<(Instant, Duration)>,
}

impl Rounds {
    /// Whether a batch of events asks for a rebuild. A folder new at the
    /// top of the project is watched from now on (when polling).
    fn wanted(&mut self, result: DebounceEventResult) -> bool {
        let (root, out) = (self.engine.root(), self.engine.out());
        let metrics = self.engine.metrics_dir();
        match result {
            Ok(events) => {
                for e in events
                    .iter()
                    .filter(|e| matches!(e.kind, EventKind::Create(_)))
                {
                    for p in e
                        .paths
                        .iter()
                        .filter(|p| p.parent() == Some(root) && p.is_dir())
                    {
                        if self.watcher.polling() && watched_folder(p, out) {
                            let _ = self.watcher.watch(p, RecursiveMode::Recursive);
                        }
                    }
                }
                let filter = self.engine.filter();
                events.iter().any(|e| {
                    relevant_kind(&e.kind)
                        && e.paths.iter().any(|p| relevant(p, filter, out, &metrics))
                        || project_gone(&e.kind, &e.paths, root)
                })
            }
            Err(errors) => {
                // A project folder gone takes its watches along: not worth
                // a line per poll while it is away.
                if !self.lost {
                    for e in errors {
                        self.engine.tell(Event::Warning(format!("watching: {e}")));
                    }
                }
                false
            }
        }
    }

    /// A round whose failure (an [`Error`]) is shown like the project's
    /// errors. Then: the manifest gone is the project lost; a project
    /// folder that is not the one watched is watched anew.
    fn round(&mut self) {
        let ran = self.engine.round_or_report(&self.live);
        // Tried again after 0.5 s, then less and less often (at most 30 s),
        // for what no event announces (a site folder being copied back).
        self.retry = (!ran).then(|| {
            let wait = self
                .retry
                .map_or(RETRY_FIRST, |(_, w)| (w * 2).min(RETRY_MAX));
            (Instant::now() + wait, wait)
        });
        let root = self.engine.root();
        if !root.join(crate::discover::MANIFEST).is_file() {
            self.lost = true;
            let manifest = root.join(crate::discover::MANIFEST);
            self.engine.tell(Event::Waiting(manifest));
        } else if identity(root) != self.identity {
            self.rearm();
        }
    }

    /// The UTC date changed since the last round, which judged as of
    /// today (no as-of pinned): a round at midnight UTC.
    fn new_day(&self) -> bool {
        self.engine.stale(crate::compile::today_utc())
    }

    fn retry_due(&self) -> bool {
        self.retry.is_some_and(|(at, _)| Instant::now() >= at)
    }

    /// While the project is lost: when its manifest is back, watch it anew
    /// and rebuild it all.
    fn come_back(&mut self) {
        if self.engine.root().join(crate::discover::MANIFEST).is_file() {
            self.lost = false;
            self.rearm();
        }
    }

    /// A new watcher for the project folder as it is now, and a round that
    /// writes every file (the output folder may have come back older).
    fn rearm(&mut self) {
        match arm(&self.engine, self.poll, self.debounce, self.tx.clone()) {
            Ok(watcher) => {
                self.watcher = watcher;
                self.identity = identity(self.engine.root());
            }
            Err(e) => {
                // Gone again: tried anew while waiting, said once.
                if !self.lost {
                    self.engine.tell(Event::Error(e.to_string()));
                }
                self.lost = true;
                return;
            }
        }
        self.engine.forget_written();
        self.round();
    }
}

fn watch_error(path: &Path, source: notify::Error) -> Error {
    Error::Watch {
        path: path.to_path_buf(),
        source,
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::Skip;

    /// Discovery's filter for the project `/p` with its output in `/p/site`.
    fn filter(exclude: &[&str]) -> Filter {
        let skip = Skip {
            output: Some(PathBuf::from("/p/site")),
            exclude: exclude.iter().map(|g| g.to_string()).collect(),
        };
        Filter::new(Path::new("/p"), &skip)
    }

    #[test]
    fn what_triggers_a_rebuild() {
        let (filter, out) = (filter(&[]), Path::new("/p/site"));
        for yes in [
            "/p/a.kdl",
            "/p/services/x.kdl",
            "/p/.hidden.kdl",
            "/p/metrics/2026.csv",
            "/p/metrics/2026/q1.csv",
            "/p/theme/service.html",
            "/p/theme/assets/style.css",
        ] {
            assert!(
                relevant(Path::new(yes), &filter, out, Path::new("/p/metrics")),
                "{yes}"
            );
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
            "/p/theme/.cache/x",
            "/p/.hidden/x.kdl",
            "/p/metrics/.~lock.2026.csv#",
            "/p/metrics/.old/2026.csv",
            "/elsewhere/a.kdl",
        ] {
            assert!(
                !relevant(Path::new(no), &filter, out, Path::new("/p/metrics")),
                "{no}"
            );
        }
    }

    #[test]
    fn a_file_the_manifest_excludes_triggers_no_rebuild() {
        let out = Path::new("/p/site");
        let (plain, excluding) = (filter(&[]), filter(&["drafts/**", "*.draft.kdl"]));
        for path in [
            "/p/drafts/d.kdl",
            "/p/drafts/deep/d.kdl",
            "/p/services/x.draft.kdl",
            // A folder removed from an excluded one held no sources.
            "/p/drafts/deep",
        ] {
            assert!(
                relevant(Path::new(path), &plain, out, Path::new("/p/metrics")),
                "{path}"
            );
            assert!(
                !relevant(Path::new(path), &excluding, out, Path::new("/p/metrics")),
                "{path}"
            );
        }
        assert!(relevant(
            Path::new("/p/services/x.kdl"),
            &excluding,
            out,
            Path::new("/p/metrics")
        ));
    }

    /// What discovery reads, the watcher watches, and the other way round.
    #[test]
    fn kdl_paths_are_judged_as_discovery_judges_them() {
        let (filter, out) = (filter(&[]), Path::new("/elsewhere/out"));
        // Discovery reads sources in folders an editor might have named.
        assert!(relevant(
            Path::new("/p/a~/x.kdl"),
            &filter,
            out,
            Path::new("/p/metrics")
        ));
        // The manifest's output folder stays out with `--out` elsewhere.
        assert!(!relevant(
            Path::new("/p/site/x.kdl"),
            &filter,
            out,
            Path::new("/p/metrics")
        ));
    }

    #[test]
    fn the_project_folder_removed_or_renamed_is_noticed() {
        let root = Path::new("/p");
        let remove = EventKind::Remove(notify::event::RemoveKind::Folder);
        let rename = EventKind::Modify(ModifyKind::Name(notify::event::RenameMode::From));
        for (kind, path, gone) in [
            (&remove, "/p", true),
            (&remove, "/", true),
            (&rename, "/p", true),
            (&remove, "/p/services", false),
            (&remove, "/q", false),
            (
                &EventKind::Access(AccessKind::Open(AccessMode::Any)),
                "/p",
                false,
            ),
        ] {
            assert_eq!(
                project_gone(kind, &[PathBuf::from(path)], root),
                gone,
                "{kind:?} {path}"
            );
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

//! The compilation thread: one compilation at a time, off the message loop,
//! so that a change arriving during a compilation is read at once and
//! cancels it. A job carries the project's compile [`Cache`] (the worker
//! owns it while it runs and hands it back, whatever the outcome), a copy
//! of the [`Overlay`] (the editor's texts as they were when it started) and
//! its [`Cancel`] token; the loop sets the token when a change to that
//! project arrives, and the compilation unwinds at its next check
//! (`compile`'s phase boundaries and its parallel parse).
//!
//! When no thread can be made, each job is compiled on the loop's thread
//! as it is started (as before the worker: nothing is cancelled then).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender, unbounded};

use crate::compile::{self, Cache, Cancel, Cancelled, Compiled, Options, Overlay};
use crate::discover::SourceError;

/// The stack of the compilation thread: the message loop's (the main
/// thread's 8 MiB), where the compilation ran before it had a thread.
const STACK_BYTES: usize = 8 * 1024 * 1024;

/// A compilation to make.
struct Job {
    root: PathBuf,
    cache: Cache,
    overlay: Overlay,
    cancel: Cancel,
}

/// A compilation made, cancelled or failed, with the cache back.
pub(super) struct Done {
    pub(super) root: PathBuf,
    pub(super) cache: Cache,
    pub(super) outcome: Outcome,
}

pub(super) enum Outcome {
    /// It ran to its end: the compilation, or what stopped it (the
    /// manifest gone, a folder unreadable).
    Finished(Result<Arc<Compiled>, SourceError>),
    /// A change came: its token was set.
    Cancelled,
    /// It panicked (a bug): the cache it held is dropped.
    Panicked,
}

/// The thread and the job it runs, if any.
pub(super) struct Worker {
    jobs: Option<Sender<Job>>,
    /// Where finished jobs arrive (the loop selects on it).
    pub(super) done: Receiver<Done>,
    /// Where the thread-less fallback puts its results.
    done_here: Sender<Done>,
    thread: Option<JoinHandle<()>>,
    /// The project being compiled and its token.
    running: Option<(PathBuf, Cancel)>,
}

impl Worker {
    pub(super) fn new() -> Worker {
        let (jobs, inbox) = unbounded::<Job>();
        let (done_here, done) = unbounded();
        let out = done_here.clone();
        let thread = std::thread::Builder::new()
            .name("pmoc-lsp-compile".into())
            .stack_size(STACK_BYTES)
            .spawn(move || {
                for job in inbox {
                    if out.send(run(job)).is_err() {
                        break;
                    }
                }
            })
            .ok();
        Worker {
            jobs: thread.is_some().then_some(jobs),
            done,
            done_here,
            thread,
            running: None,
        }
    }

    /// The root of the project being compiled.
    pub(super) fn busy(&self) -> Option<&Path> {
        self.running.as_ref().map(|(root, _)| root.as_path())
    }

    /// Compiles the project at `root` with `cache` and the texts of
    /// `overlay`; the outcome arrives on [`Worker::done`]. Only while
    /// no job runs.
    pub(super) fn start(&mut self, root: PathBuf, cache: Cache, overlay: Overlay) {
        debug_assert!(self.running.is_none(), "one compilation at a time");
        let cancel = Cancel::default();
        self.running = Some((root.clone(), cancel.clone()));
        let job = Job {
            root,
            cache,
            overlay,
            cancel,
        };
        let job = match &self.jobs {
            Some(jobs) => match jobs.send(job) {
                Ok(()) => return,
                Err(unsent) => unsent.0,
            },
            None => job,
        };
        // No thread: compile here.
        let _ = self.done_here.send(run(job));
    }

    /// Asks the compilation of the project at `root`, if it is the one
    /// running, to stop.
    pub(super) fn cancel(&self, root: &Path) {
        if let Some((running, cancel)) = &self.running
            && running == root
        {
            cancel.set();
        }
    }

    /// Notes that the running job's outcome was received.
    pub(super) fn received(&mut self) {
        self.running = None;
    }

    /// Waits for the running job's outcome (none when no job runs).
    pub(super) fn wait(&mut self) -> Option<Done> {
        self.running.as_ref()?;
        let done = self.done.recv().ok();
        self.running = None;
        done
    }
}

impl Drop for Worker {
    /// Cancels the running job and waits for the thread to end.
    fn drop(&mut self) {
        if let Some((_, cancel)) = &self.running {
            cancel.set();
        }
        self.jobs = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One job, on the worker's thread.
fn run(job: Job) -> Done {
    let Job {
        root,
        mut cache,
        overlay,
        cancel,
    } = job;
    let options = Options {
        cancel,
        ..Options::default()
    };
    let made = catch_unwind(AssertUnwindSafe(|| {
        Cancelled::catch(|| compile::compile_overlaid(root.clone(), &options, &mut cache, &overlay))
    }));
    let outcome = match made {
        Ok(Ok(result)) => Outcome::Finished(result.map(Arc::new)),
        Ok(Err(Cancelled)) => Outcome::Cancelled,
        Err(_) => {
            cache = Cache::default();
            Outcome::Panicked
        }
    };
    Done {
        root,
        cache,
        outcome,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let manifest = "pmo \"p\" {\n    name \"P\"\n}\n";
        std::fs::write(dir.path().join("pmo.kdl"), manifest).unwrap();
        let people = "person \"ann\" name=\"Ann\"\nteam \"t\" lead=\"nobody\"\n";
        std::fs::write(dir.path().join("people.kdl"), people).unwrap();
        let root = crate::discover::find_root(dir.path()).unwrap();
        (dir, root)
    }

    fn findings(outcome: &Outcome) -> Vec<String> {
        let Outcome::Finished(Ok(compiled)) = outcome else {
            panic!("not finished");
        };
        let mut all: Vec<_> = compiled
            .diagnostics
            .iter()
            .map(|d| format!("{} {:?} {}", d.code.as_str(), d.span, d.message))
            .collect();
        all.sort();
        all
    }

    /// A job whose token is set before it runs is cancelled, hands its
    /// cache back, and the next compilation with that cache finds what a
    /// fresh one finds.
    #[test]
    fn a_cancelled_job_gives_its_cache_back_whole() {
        let (_dir, root) = project();
        let job = |cache: Cache, cancel: Cancel| Job {
            root: root.clone(),
            cache,
            overlay: Overlay::default(),
            cancel,
        };
        let fresh = run(job(Cache::default(), Cancel::default()));
        assert!(!findings(&fresh.outcome).is_empty());
        let set = Cancel::default();
        set.set();
        let cancelled = run(job(Cache::default(), set));
        assert!(matches!(cancelled.outcome, Outcome::Cancelled));
        let again = run(job(cancelled.cache, Cancel::default()));
        assert_eq!(findings(&again.outcome), findings(&fresh.outcome));
    }

    /// The thread runs one job at a time; `cancel` reaches only the running
    /// project's; `wait` takes the outcome.
    #[test]
    fn the_worker_compiles_on_its_thread_and_cancels_on_demand() {
        let (_dir, root) = project();
        let mut worker = Worker::new();
        assert!(worker.busy().is_none());
        worker.start(root.clone(), Cache::default(), Overlay::default());
        assert_eq!(worker.busy(), Some(root.as_path()));
        worker.cancel(Path::new("/elsewhere"));
        let done = worker.wait().expect("an outcome");
        assert!(worker.busy().is_none());
        assert_eq!(done.root, root);
        assert!(!findings(&done.outcome).is_empty());
        worker.start(root.clone(), done.cache, Overlay::default());
        worker.cancel(&root);
        let done = worker.wait().expect("an outcome");
        // Cancelled, unless it finished before the token was set.
        assert!(matches!(
            done.outcome,
            Outcome::Cancelled | Outcome::Finished(Ok(_))
        ));
        assert!(worker.wait().is_none());
    }
}

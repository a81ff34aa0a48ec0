//! The publication log: what each round of the engine changed, and the
//! errors it found, shared with the server. The server reads it to decide
//! which browsers reload and whether pages carry the error overlay; it
//! records in it which pages are open.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Condvar, Mutex};

use crate::emit::LocatedDiagnostic;

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
    pub(super) fn publish(&self, errors: Vec<LocatedDiagnostic>, changed: Changed) {
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
    pub(super) fn viewed(&self) -> HashSet<String> {
        let state = self.state.lock().expect("live state");
        state.viewers.keys().cloned().collect()
    }

    pub fn stop(&self) {
        self.state.lock().expect("live state").stopping = true;
        self.changed.notify_all();
    }
}

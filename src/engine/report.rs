//! What the engine tells: the events of a round and of the watch loop,
//! handed to the command's [`Reporter`], which decides what is printed (all
//! of it, what changed since the last round, or errors only). The engine
//! and its watcher print nothing themselves.

use std::path::PathBuf;

use crate::compile::Compiled;

/// One thing a round or the watch loop has to say.
pub enum Event<'a> {
    /// A round compiled the project: its diagnostics, before anything is
    /// rendered.
    Compiled(&'a Compiled),
    /// A round wrote its site.
    Rebuilt(Rebuilt),
    /// A round found errors (of the project, or a broken theme template):
    /// nothing was written, and `keeping` says what is left in place.
    Failed {
        errors: usize,
        keeping: &'static str,
    },
    /// What stopped a round or the watcher, that is no finding of the
    /// project: a file that cannot be read, a folder that cannot be
    /// watched, a broken theme template. One line.
    Error(String),
    /// A warning of the watcher. One line.
    Warning(String),
    /// The manifest (this path) went away: no round runs until it is back.
    Waiting(PathBuf),
}

/// What a round that wrote its site did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rebuilt {
    /// The site's pages whose bytes changed, and every page.
    pub changed_pages: usize,
    pub pages: usize,
    /// Files written (pages and others).
    pub files_written: usize,
    /// KDL files parsed again (the others came from the cache), of all.
    pub parsed: usize,
    pub kdl_files: usize,
    pub millis: u128,
}

/// The command's ear: called with every [`Event`], on the thread running
/// the rounds.
pub type Reporter = Box<dyn FnMut(Event<'_>) + Send>;

/// A reporter that says nothing (tests, and an engine nobody listens to).
pub fn silent() -> Reporter {
    Box::new(|_| {})
}

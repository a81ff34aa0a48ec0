//! Files changed outside the editor (a `git checkout`, a generated CSV, a
//! new file): once `initialized` has come, when the client can register capabilities
//! dynamically for `workspace/didChangeWatchedFiles`, the server asks it to
//! watch `**/*.kdl` and `**/*.csv`; on `workspace/didChangeWatchedFiles`,
//! every known project holding a changed file (its root: the nearest
//! `pmo.kdl` above it, so a metrics CSV in `<root>/metrics/` counts) is
//! marked for compilation, and the loop compiles and publishes as after an
//! edit. Discovery walks the disk at each compilation and the cache compares
//! bytes, so created, changed and deleted files are all taken.
//!
//! A project no open document belongs to is not known, and a change in it
//! is left alone (a workspace may hold many projects, test fixtures among
//! them; the editor has not asked about them).

use std::path::{Path, PathBuf};

use lsp_server::{Message, Request, RequestId};
use lsp_types::request::{RegisterCapability, Request as _};
use lsp_types::{
    DidChangeWatchedFilesParams, DidChangeWatchedFilesRegistrationOptions, FileSystemWatcher,
    GlobPattern, Registration, RegistrationParams,
};

use super::project::Projects;
use super::{Server, convert};

/// The id of the registration (and of its request).
const REGISTRATION: &str = "pmoc-watched-files";

/// The globs the client is asked to watch.
pub(super) const GLOBS: [&str; 2] = ["**/*.kdl", "**/*.csv"];

/// Asks the client to watch the project files, when it can.
pub(super) fn register(server: &mut Server) {
    let dynamic = server
        .client
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|d| d.dynamic_registration)
        .unwrap_or(false);
    if !dynamic {
        return;
    }
    let options = DidChangeWatchedFilesRegistrationOptions {
        watchers: GLOBS
            .iter()
            .map(|glob| FileSystemWatcher {
                glob_pattern: GlobPattern::String(glob.to_string()),
                kind: None,
            })
            .collect(),
    };
    let params = RegistrationParams {
        registrations: vec![Registration {
            id: REGISTRATION.to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: serde_json::to_value(options).ok(),
        }],
    };
    let request = Request::new(
        RequestId::from(REGISTRATION.to_string()),
        RegisterCapability::METHOD.to_string(),
        params,
    );
    server.send(Message::Request(request));
}

/// Marks the known projects holding the changed files.
pub(super) fn changed(server: &mut Server, params: DidChangeWatchedFilesParams) {
    for change in params.changes {
        let Some(path) = convert::path(&change.uri) else {
            continue;
        };
        let path = canonical(&path);
        let root = match server.documents.get(&path) {
            Some(doc) => doc.root.clone(),
            None => Projects::root_of(&path),
        };
        // A manifest deleted: its project (which `root_of` no longer finds).
        let manifest = (path.file_name().is_some_and(|n| n == "pmo.kdl"))
            .then(|| path.parent().map(Path::to_path_buf))
            .flatten();
        for root in [root, manifest].into_iter().flatten() {
            if server.projects.get(&root).is_some() {
                server.touch_project(&root);
            }
        }
    }
}

/// The canonical path of a file that may be gone: its folder canonicalized.
fn canonical(path: &Path) -> PathBuf {
    if let Ok(real) = std::fs::canonicalize(path) {
        return real;
    }
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) => std::fs::canonicalize(dir)
            .map(|d| d.join(name))
            .unwrap_or_else(|_| path.to_path_buf()),
        _ => path.to_path_buf(),
    }
}

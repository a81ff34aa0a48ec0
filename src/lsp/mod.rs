//! `pmoc lsp`: the Language Server Protocol over stdio, on `lsp-server`
//! and `lsp-types` (rust-analyzer's crates: a synchronous loop on threads
//! and channels, no async runtime).
//!
//! The loop: each message is handled as it comes (an open, change, close
//! or save updates the [`Overlay`] of the editor's texts and marks the
//! project of the file for compilation). Once no message is waiting (a
//! burst of changes is taken whole: [`transport`] reads ahead), a marked
//! project is compiled on the compilation thread (`worker`) with the
//! overlay over the files on disk, through the same `compile` as
//! `pmoc check` and the project's per-file cache ([`project`]); the loop
//! goes on reading meanwhile, and a change to that project cancels the
//! compilation, which is made again with the change. A compilation that
//! ran to its end publishes the findings of every file whose findings
//! changed, unless a change came after it passed its last check (its
//! findings are already stale: the next one publishes). A request first
//! brings its project up to date: the loop waits for its compilation and
//! reads no message meanwhile. A file in no project gets its syntax findings
//! only. Positions are converted by [`convert`] (UTF-16 unless the client
//! offers UTF-8); [`navigate`] answers definition, references, hover and
//! the outline from the last compilation, or from the last one in which
//! every file parsed. `complete` (completion, and the hover of names, from
//! the language's schema), `actions` (quick fixes), `symbols` (document and
//! workspace symbols), `rename`, `format` and `watch` (files changed
//! outside the editor) hold the other requests and notifications; a
//! published finding carries its open document's version. What the server
//! does and why: `docs/lsp.md`.
//!
//! A panic while handling a message is caught: a request gets an error
//! response, and the server goes on.

mod actions;
mod complete;
pub mod convert;
mod format;
pub mod frame;
pub mod navigate;
pub mod project;
mod rename;
mod requests;
mod symbols;
mod transport;
mod watch;
mod worker;

use std::collections::{HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, HoverProviderCapability,
    InitializeParams, OneOf, PositionEncodingKind, PublishDiagnosticsParams, SaveOptions,
    ServerCapabilities, TextDocumentContentChangeEvent, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, Uri,
};

use crate::base::{FileId, SourceFile, SourceMap};
use crate::compile::{Cache, Overlay};
use crate::syntax;

use convert::Encoding;
use project::Projects;
use worker::{Done, Outcome, Worker};

/// Serves one client on stdin and stdout until it says `exit`; an error
/// is a broken connection. Returns whether `shutdown` came before `exit`.
pub fn serve_stdio() -> Result<bool, String> {
    let (connection, io) = transport::stdio().map_err(|e| e.to_string())?;
    let served = serve(&connection);
    drop(connection);
    match served {
        Ok(clean) => io.join().map(|()| clean),
        Err(e) => {
            // The answers already sent (the reader's refusals) go out first.
            io.finish_writing();
            Err(e)
        }
    }
}

/// How long the loop waits for a message before it looks at the date: a
/// project judged as of today (no as-of pinned) is judged again once the
/// UTC date changes.
const DAY_CHECK: std::time::Duration = std::time::Duration::from_secs(60);

/// Serves one client on a connection: the handshake, then the loop.
pub fn serve(connection: &Connection) -> Result<bool, String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let encoding = negotiate(&params);
    let result = serde_json::json!({
        "capabilities": capabilities(encoding),
        "serverInfo": { "name": "pmoc", "version": env!("CARGO_PKG_VERSION") },
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| e.to_string())?;
    let mut server = Server::new(connection, encoding);
    server.client = params.capabilities;
    // `initialize_finish` has read the `initialized` notification.
    watch::register(&mut server);
    Ok(server.run())
}

/// UTF-8 when the client offers it, else the protocol's UTF-16.
fn negotiate(params: &InitializeParams) -> Encoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
        _ => Encoding::Utf16,
    }
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(SaveOptions::default().into()),
                ..TextDocumentSyncOptions::default()
            },
        )),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        completion_provider: Some(lsp_types::CompletionOptions {
            trigger_characters: Some(vec!["\"".into(), "=".into()]),
            ..lsp_types::CompletionOptions::default()
        }),
        rename_provider: Some(OneOf::Right(lsp_types::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}

/// An open document: the editor's text of it.
struct Document {
    text: String,
    /// The editor's version of the text (published with its findings).
    version: i32,
    /// The root of its project, if it is in one.
    root: Option<PathBuf>,
}

/// The server's state between messages.
struct Server<'c> {
    connection: &'c Connection,
    encoding: Encoding,
    /// Open documents, by canonical path.
    documents: HashMap<PathBuf, Document>,
    /// The URI the editor named each open document by.
    uris: HashMap<PathBuf, Uri>,
    /// The open documents' texts, for compilations.
    overlay: Overlay,
    projects: Projects,
    /// Open documents in no project whose syntax is to be checked again.
    loose: HashSet<PathBuf>,
    /// `shutdown` was asked.
    shutting_down: bool,
    /// What the client said it can do, at `initialize`.
    client: lsp_types::ClientCapabilities,
    /// The compilation thread.
    worker: Worker,
}

impl<'c> Server<'c> {
    fn new(connection: &'c Connection, encoding: Encoding) -> Server<'c> {
        Server {
            connection,
            encoding,
            documents: HashMap::new(),
            uris: HashMap::new(),
            overlay: Overlay::default(),
            projects: Projects::default(),
            loose: HashSet::new(),
            shutting_down: false,
            client: lsp_types::ClientCapabilities::default(),
            worker: Worker::new(),
        }
    }

    /// Handles messages and finished compilations until `exit` (or the end
    /// of the input); starts a compilation when no message is waiting.
    /// Returns whether `shutdown` came first.
    fn run(mut self) -> bool {
        let receiver = &self.connection.receiver;
        let done = self.worker.done.clone();
        loop {
            crossbeam_channel::select! {
                recv(receiver) -> message => match message {
                    Ok(message) => {
                        if self.handle(message) {
                            return self.shutting_down;
                        }
                    }
                    Err(_) => return false,
                },
                recv(done) -> finished => {
                    if let Ok(finished) = finished {
                        self.worker.received();
                        self.finished(finished);
                    }
                }
                // A quiet minute: judge again the projects whose as-of is
                // today's date once the UTC date has changed.
                default(DAY_CHECK) => {
                    self.projects.new_day(crate::compile::today_utc());
                }
            }
            while let Ok(message) = receiver.try_recv() {
                if self.handle(message) {
                    return self.shutting_down;
                }
            }
            self.refresh();
        }
    }

    /// One message; `true` for `exit`. A panic is caught (a request gets an
    /// error response).
    fn handle(&mut self, message: Message) -> bool {
        match message {
            Message::Request(request) => {
                let id = request.id.clone();
                let response = catch_unwind(AssertUnwindSafe(|| self.request(request)))
                    .unwrap_or_else(|_| {
                        let message = "pmoc lsp failed on this request".to_string();
                        Response::new_err(id, ErrorCode::InternalError as i32, message)
                    });
                self.send(response.into());
                false
            }
            Message::Notification(n) if n.method == note::Exit::METHOD => true,
            Message::Notification(n) => {
                let _ = catch_unwind(AssertUnwindSafe(|| self.notification(n)));
                false
            }
            Message::Response(_) => false,
        }
    }

    fn send(&self, message: Message) {
        // A closed output ends the loop when the input closes too.
        let _ = self.connection.sender.send(message);
    }

    fn notification(&mut self, n: Notification) {
        match n.method.clone().as_str() {
            note::DidOpenTextDocument::METHOD => {
                if let Ok(p) = n.extract::<lsp_types::DidOpenTextDocumentParams>(
                    note::DidOpenTextDocument::METHOD,
                ) {
                    let doc = p.text_document;
                    self.open(doc.uri, doc.text, doc.version);
                }
            }
            note::DidChangeTextDocument::METHOD => {
                if let Ok(p) = n.extract::<lsp_types::DidChangeTextDocumentParams>(
                    note::DidChangeTextDocument::METHOD,
                ) {
                    self.change(&p.text_document, p.content_changes);
                }
            }
            note::DidSaveTextDocument::METHOD => {
                if let Ok(p) = n.extract::<lsp_types::DidSaveTextDocumentParams>(
                    note::DidSaveTextDocument::METHOD,
                ) {
                    self.touch(&canonical(&p.text_document.uri));
                }
            }
            note::DidCloseTextDocument::METHOD => {
                if let Ok(p) = n.extract::<lsp_types::DidCloseTextDocumentParams>(
                    note::DidCloseTextDocument::METHOD,
                ) {
                    self.close(&p.text_document.uri);
                }
            }
            note::DidChangeWatchedFiles::METHOD => {
                if let Ok(p) = n.extract::<lsp_types::DidChangeWatchedFilesParams>(
                    note::DidChangeWatchedFiles::METHOD,
                ) {
                    watch::changed(self, p);
                }
            }
            _ => {}
        }
    }

    fn open(&mut self, uri: Uri, text: String, version: i32) {
        let path = canonical(&uri);
        let root = Projects::root_of(&path);
        self.overlay.set(path.clone(), text.as_str().into());
        let doc = Document {
            text,
            version,
            root,
        };
        self.documents.insert(path.clone(), doc);
        self.uris.insert(path.clone(), uri);
        self.touch(&path);
    }

    fn change(
        &mut self,
        id: &lsp_types::VersionedTextDocumentIdentifier,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) {
        let path = canonical(&id.uri);
        let Some(doc) = self.documents.get_mut(&path) else {
            return;
        };
        doc.version = id.version;
        for change in changes {
            match change.range {
                None => doc.text = change.text,
                Some(range) => {
                    let file =
                        SourceFile::new(String::new(), PathBuf::new(), doc.text.as_str().into());
                    let start = convert::offset(&file, range.start, self.encoding);
                    let end = convert::offset(&file, range.end, self.encoding).max(start);
                    doc.text.replace_range(start..end, &change.text);
                }
            }
        }
        self.overlay.set(path.clone(), doc.text.as_str().into());
        self.touch(&path);
    }

    fn close(&mut self, uri: &Uri) {
        let path = canonical(uri);
        self.overlay.remove(&path);
        let root = self.documents.remove(&path).and_then(|d| d.root);
        if root.is_none() {
            self.loose.remove(&path);
            self.publish(uri.clone(), Vec::new(), None);
        }
        self.touch(&path);
        self.uris.remove(&path);
    }

    /// Marks what holds `path` for checking again.
    fn touch(&mut self, path: &Path) {
        let root = match self.documents.get(path) {
            Some(doc) => doc.root.clone(),
            None => Projects::root_of(path),
        };
        match root {
            Some(root) => self.touch_project(&root),
            // A CSV in no project is no metrics file: nothing to check.
            None if self.documents.contains_key(path)
                && path.extension().is_none_or(|x| x != "csv") =>
            {
                self.loose.insert(path.to_path_buf());
            }
            None => {}
        }
    }

    /// Marks the project at `root` for compilation, and cancels its
    /// compilation in progress (it reads the texts before this change).
    fn touch_project(&mut self, root: &Path) {
        self.projects.touch(root);
        self.worker.cancel(root);
    }

    /// Starts compiling a project edited since its last compilation when
    /// none is being compiled; checks the syntax of edited files in no
    /// project and publishes it.
    fn refresh(&mut self) {
        let mut published = Vec::new();
        for path in std::mem::take(&mut self.loose) {
            if let Some(doc) = self.documents.get(&path) {
                let found = syntax_only(&path, &doc.text, self.encoding, &self.uris);
                published.push((path.clone(), found));
            }
        }
        self.publish_all(published);
        if self.worker.busy().is_none()
            && let Some(root) = self.projects.dirty().into_iter().next()
        {
            self.start(&root);
        }
    }

    /// Starts compiling the project at `root` (no compilation is running).
    fn start(&mut self, root: &Path) {
        let project = self.projects.get_or_add(root);
        let cache = project.start();
        let root = project.root.clone();
        self.worker.start(root, cache, self.overlay.clone());
    }

    /// A compilation's outcome: the cache back to its project, and the
    /// findings that changed published, unless the project was edited
    /// since the compilation started (a change that came after its last
    /// check): those findings are stale and the next compilation's are
    /// published instead.
    fn finished(&mut self, done: Done) {
        let Done {
            root,
            cache,
            outcome,
        } = done;
        let Some(project) = self.projects.get_mut(&root) else {
            return;
        };
        let compiled = match outcome {
            Outcome::Finished(Ok(compiled)) => project.finish(cache, compiled),
            Outcome::Cancelled => {
                project.give_back(cache);
                project.dirty = true;
                return;
            }
            Outcome::Finished(Err(e)) => {
                project.give_back(cache);
                if !project.dirty {
                    self.log(format!("pmoc: {}: {e}", root.display()));
                }
                return;
            }
            Outcome::Panicked => {
                project.give_back(Cache::default());
                self.log(format!("pmoc lsp failed compiling {}", root.display()));
                return;
            }
        };
        if project.dirty {
            return;
        }
        let open: HashSet<PathBuf> = self.documents.keys().cloned().collect();
        let published = project.changes(&compiled, self.encoding, &open, &self.uris);
        self.publish_all(published);
    }

    /// Publishes findings by path, each open file's with its version.
    fn publish_all(&self, published: Vec<(PathBuf, Vec<lsp_types::Diagnostic>)>) {
        for (path, diagnostics) in published {
            let version = self.documents.get(&path).map(|d| d.version);
            self.publish(project::uri_of(&path, &self.uris), diagnostics, version);
        }
    }

    /// Publishes a file's findings, with the version of its text when it is
    /// open.
    fn publish(&self, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams::new(uri, diagnostics, version);
        let n = Notification::new(note::PublishDiagnostics::METHOD.into(), params);
        self.send(n.into());
    }

    fn log(&self, message: String) {
        let params = lsp_types::LogMessageParams {
            typ: lsp_types::MessageType::ERROR,
            message,
        };
        let n = Notification::new(note::LogMessage::METHOD.into(), params);
        self.send(n.into());
    }

    /// The project of a file: its compilations, latest first.
    fn compilations(&self, path: &Path) -> Vec<Arc<crate::compile::Compiled>> {
        let root = match self.documents.get(path) {
            Some(doc) => doc.root.clone(),
            None => Projects::root_of(path),
        };
        let Some(project) = root.and_then(|r| self.projects.get(&r)) else {
            return Vec::new();
        };
        let mut all: Vec<_> = project.current.iter().cloned().collect();
        if let Some(good) = &project.last_good
            && !all.iter().any(|c| Arc::ptr_eq(c, good))
        {
            all.push(good.clone());
        }
        all
    }

    /// Brings the project of `path` up to date before answering about it.
    fn ensure(&mut self, path: &Path) {
        let root = match self.documents.get(path) {
            Some(doc) => doc.root.clone(),
            None => Projects::root_of(path),
        };
        if let Some(root) = root {
            if self.projects.get(&root).is_none() {
                self.projects.touch(&root);
            }
            self.ensure_root(&root);
        }
    }

    /// Waits until the project at `root` is compiled with the texts as they
    /// are: the compilation running finishes (a request reads no message
    /// meanwhile, so nothing cancels it), and the project is compiled again
    /// if it was edited since. Its findings are published as after a
    /// change.
    fn ensure_root(&mut self, root: &Path) {
        loop {
            if self.worker.busy().is_some() {
                if let Some(done) = self.worker.wait() {
                    self.finished(done);
                }
            } else if self.projects.get(root).is_some_and(|p| p.dirty) {
                self.start(root);
            } else {
                return;
            }
        }
    }

    /// Brings every known project up to date ([`Server::ensure_root`]).
    fn ensure_all(&mut self) {
        loop {
            let dirty = self.projects.dirty();
            match dirty.first() {
                Some(root) => self.ensure_root(root),
                None if self.worker.busy().is_some() => {
                    if let Some(done) = self.worker.wait() {
                        self.finished(done);
                    }
                }
                None => return,
            }
        }
    }

    fn request(&mut self, request: Request) -> Response {
        if self.shutting_down {
            let message = "the server is shutting down".to_string();
            return Response::new_err(request.id, ErrorCode::InvalidRequest as i32, message);
        }
        requests::answer(self, request)
    }
}

/// The canonical path of a document (as discovery spells the files of a
/// project), or its path as written when it is not on disk.
fn canonical(uri: &Uri) -> PathBuf {
    let path = convert::path(uri).unwrap_or_else(|| PathBuf::from(uri.as_str()));
    std::fs::canonicalize(&path).unwrap_or(path)
}

/// The syntax findings of a file in no project.
fn syntax_only(
    path: &Path,
    text: &str,
    encoding: Encoding,
    uris: &HashMap<PathBuf, Uri>,
) -> Vec<lsp_types::Diagnostic> {
    let id = FileId(0);
    let mut sources = SourceMap::default();
    let name = path.display().to_string();
    sources.add(SourceFile::new(name, path.to_path_buf(), text.into()));
    let findings = if text.len() > syntax::MAX_FILE_BYTES {
        vec![syntax::too_large(id)]
    } else {
        syntax::parse(id, text).err().unwrap_or_default()
    };
    findings
        .iter()
        .map(|d| project::diagnostic(d, &sources, encoding, uris))
        .collect()
}

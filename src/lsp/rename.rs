//! Rename (`textDocument/prepareRename`, `textDocument/rename`): an id
//! renamed across its project: its declaration, every reference to it (the
//! fields of `base::kind::FIELDS`, through [`navigate`]), and, for a service
//! or a metric, the cells of the `service` or `metric` column of every
//! metrics CSV that name it ([`crate::metrics::id_cells`]: section 6 puts
//! ids in those cells, never in a header). The cursor may stand on any of
//! them, a CSV cell included.
//!
//! Refused, with an error response saying why: a position on no id, an id
//! nothing declares, a new id that breaks the id rule
//! ([`crate::base::kind::is_valid_id`], the rule lowering reports
//! `invalid-id` by), a new id already declared in the same namespace
//! ([`EntityKind::namespace`]: people and teams share one), and any rename
//! while a file of the project has a syntax error (a file that does not
//! parse may hold references the model cannot see).
//!
//! The edit is computed against the texts the editor shows: an open
//! document's text, else the file on disk. A KDL file not open whose disk
//! text is no longer the compiled one is compiled again first. In KDL, the
//! characters of the id inside its quotes are replaced (the file's syntax
//! tree says which string token the value is; a bare, escaped or
//! multi-line string is replaced whole by a quoted one); in a CSV, the
//! cell (a new id needs no quotes). The answer uses `documentChanges`
//! (with the open documents' versions) when the client supports them, else
//! `changes`; positions are in the negotiated encoding.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_server::ErrorCode;
use lsp_types::{
    OneOf, OptionalVersionedTextDocumentIdentifier, PrepareRenameResponse, RenameParams,
    TextDocumentEdit, TextDocumentPositionParams, TextEdit, WorkspaceEdit,
};

use crate::base::kind::is_valid_id;
use crate::base::{EntityKind, Expect, FileId, SourceFile, Span};
use crate::compile::Compiled;
use crate::metrics::{IdColumn, id_cells};
use crate::syntax::tree::{self, TokenKind, Tree};

use super::navigate::{self, Target};
use super::project::{Projects, uri_of};
use super::requests::{Failure, file_of, json};
use super::{Server, canonical, convert};

/// `textDocument/prepareRename`: the range of the id under the cursor
/// (inside its quotes) and the id as placeholder, or why it cannot be
/// renamed.
pub(super) fn prepare(
    server: &mut Server,
    p: TextDocumentPositionParams,
) -> Result<serde_json::Value, Failure> {
    let plan = plan_fresh(server, &p)?;
    let (path, start, end) = plan.at;
    let text = &plan.texts[&path];
    let file = source(&path, text);
    let range = convert::range(&file, Span::new(FileId(0), start, end), server.encoding);
    Ok(json(PrepareRenameResponse::RangeWithPlaceholder {
        range,
        placeholder: plan.id,
    }))
}

/// `textDocument/rename`: the workspace edit, or why it is refused.
pub(super) fn rename(server: &mut Server, p: RenameParams) -> Result<serde_json::Value, Failure> {
    let plan = plan_fresh(server, &p.text_document_position)?;
    let new = p.new_name.as_str();
    if !is_valid_id(new) {
        let why = if new.chars().count() > 63 {
            "it is longer than 63 characters"
        } else {
            "ids use lowercase letters, digits and `-`, and start with a letter or digit"
        };
        return Err(refuse(format!("`{new}` is not a valid id: {why}")));
    }
    if new != plan.id
        && let Some((kind, id)) = plan
            .compiled
            .model
            .declarations()
            .into_iter()
            .find(|(k, id)| k.namespace() == plan.kind.namespace() && id.value == new)
    {
        let file = plan.compiled.sources.get(id.span.file);
        let line = file.line_col(id.span.start as usize).line;
        // Two kinds in one namespace: people and teams (parties).
        let shared = if kind != plan.kind {
            " (people and teams share ids)"
        } else {
            ""
        };
        return Err(refuse(format!(
            "`{new}` is already the id of {} {} `{new}` ({}:{line}){shared}",
            article(kind.noun()),
            kind.noun(),
            file.name
        )));
    }
    let edit = if new == plan.id {
        WorkspaceEdit::default()
    } else {
        workspace_edit(server, &plan, new)
    };
    Ok(json(edit))
}

fn refuse(message: String) -> Failure {
    (ErrorCode::RequestFailed, message)
}

fn article(noun: &str) -> &'static str {
    if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// Where an occurrence of the id is replaced, in a file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    /// The id's characters alone (inside quotes, or a CSV cell).
    Inner(usize, usize),
    /// The whole value, replaced by a quoted string.
    Whole(usize, usize),
}

impl Place {
    fn range(self) -> (usize, usize) {
        match self {
            Place::Inner(s, e) | Place::Whole(s, e) => (s, e),
        }
    }
}

/// A rename worked out: the entity, its occurrences by file, the texts they
/// are in, and the occurrence under the cursor.
struct Plan {
    compiled: Arc<Compiled>,
    kind: EntityKind,
    id: String,
    places: BTreeMap<PathBuf, Vec<Place>>,
    texts: BTreeMap<PathBuf, String>,
    /// The file, start and end of the id under the cursor.
    at: (PathBuf, usize, usize),
}

/// Why a plan was not made.
enum Stop {
    Refused(Failure),
    /// A file changed on disk since the compilation: compile again.
    Stale,
}

impl From<Failure> for Stop {
    fn from(f: Failure) -> Stop {
        Stop::Refused(f)
    }
}

/// [`plan`] on an up-to-date compilation (compiled again once if a file
/// changed on disk unnoticed).
fn plan_fresh(server: &mut Server, at: &TextDocumentPositionParams) -> Result<Plan, Failure> {
    let path = canonical(&at.text_document.uri);
    let root = match server.documents.get(&path) {
        Some(doc) => doc.root.clone(),
        None => Projects::root_of(&path),
    };
    let Some(root) = root else {
        return Err(refuse(
            "this file is in no project (no `pmo.kdl` above it): nothing to rename".into(),
        ));
    };
    for attempt in 0..3 {
        if attempt > 0 {
            server.projects.touch(&root);
        }
        server.ensure(&path);
        match plan(server, &root, &path, at) {
            Ok(plan) => return Ok(plan),
            Err(Stop::Refused(failure)) => return Err(failure),
            Err(Stop::Stale) => {}
        }
    }
    Err(refuse(
        "a file of the project is not what was compiled (changing on disk, or a metrics CSV pmoc cannot read); try again".into(),
    ))
}

fn plan(
    server: &Server,
    root: &Path,
    path: &Path,
    at: &TextDocumentPositionParams,
) -> Result<Plan, Stop> {
    let compiled = server
        .projects
        .get(root)
        .and_then(|p| p.current.clone())
        .ok_or_else(|| refuse("the project could not be compiled".into()))?;
    if compiled.syntax_errors {
        let broken = compiled
            .diagnostics
            .iter()
            .find(|d| d.code.as_str() == "kdl-syntax")
            .map(|d| format!(" (`{}`)", compiled.sources.get(d.span.file).name))
            .unwrap_or_default();
        return Err(refuse(format!(
            "a file of the project has a syntax error{broken}: rename needs every file read; fix it first"
        ))
        .into());
    }
    let file = file_of(&compiled, path)
        .ok_or_else(|| refuse("this file is not a source of its project".into()))?;
    let mut texts = BTreeMap::new();
    let here = text_of(server, &compiled, file)?;
    let offset = convert::offset(&source(path, &here), at.position, server.encoding);
    let target = target_at(&compiled, file, path, &here, offset)
        .ok_or_else(|| refuse("there is no id here to rename".into()))?;
    let model = &compiled.model;
    let Some((kind, declared)) = navigate::declaration(model, &target) else {
        return Err(refuse(format!(
            "no {} declares `{}`: only a declared id can be renamed",
            target.expect.noun(),
            target.id
        ))
        .into());
    };
    let mut places: BTreeMap<PathBuf, Vec<Place>> = BTreeMap::new();
    let mut trees: BTreeMap<PathBuf, Tree> = BTreeMap::new();
    let spans = std::iter::once(declared.span).chain(
        navigate::references(model, &target)
            .into_iter()
            .map(|r| r.span),
    );
    for span in spans {
        let source = compiled.sources.get(span.file);
        if !texts.contains_key(&source.path) {
            let text = text_of(server, &compiled, span.file)?;
            texts.insert(source.path.clone(), text);
        }
        let tree = trees
            .entry(source.path.clone())
            .or_insert_with(|| tree::parse(&texts[&source.path]));
        let place = place(tree, span.start as usize, span.end as usize, &target.id);
        places.entry(source.path.clone()).or_default().push(place);
    }
    cells(server, &compiled, kind, &target.id, &mut places, &mut texts)?;
    for found in places.values_mut() {
        found.sort();
        found.dedup();
    }
    // The occurrence under the cursor: its id's characters.
    let under = places.get(path).and_then(|found| {
        found.iter().find_map(|p| {
            let (s, e) = p.range();
            (s <= offset && offset <= e).then_some(match p {
                Place::Inner(s, e) => (*s, *e),
                Place::Whole(s, e) => (*s, *e),
            })
        })
    });
    let (start, end) = under.ok_or_else(|| refuse("there is no id here to rename".into()))?;
    texts.entry(path.to_path_buf()).or_insert(here);
    Ok(Plan {
        compiled: compiled.clone(),
        kind,
        id: target.id,
        places,
        texts,
        at: (path.to_path_buf(), start, end),
    })
}

/// The id under the cursor: in a metrics CSV, a cell of its `service` or
/// `metric` column; in KDL, a reference or a declaration.
fn target_at(
    compiled: &Compiled,
    file: FileId,
    path: &Path,
    text: &str,
    offset: usize,
) -> Option<Target> {
    if !is_csv(path) {
        return navigate::target_at(&compiled.model, file, offset);
    }
    id_cells(text)
        .into_iter()
        .find(|c| c.start <= offset && offset <= c.end)
        .map(|c| Target {
            expect: Expect::Kind(match c.column {
                IdColumn::Service => EntityKind::Service,
                IdColumn::Metric => EntityKind::Metric,
            }),
            id: c.value,
        })
}

/// Adds the metrics CSV cells naming `id`, a service or a metric, to
/// `places` (and their files' texts to `texts`).
fn cells(
    server: &Server,
    compiled: &Compiled,
    kind: EntityKind,
    id: &str,
    places: &mut BTreeMap<PathBuf, Vec<Place>>,
    texts: &mut BTreeMap<PathBuf, String>,
) -> Result<(), Stop> {
    let column = match kind {
        EntityKind::Service => IdColumn::Service,
        EntityKind::Metric => IdColumn::Metric,
        _ => return Ok(()),
    };
    for (file, csv) in compiled.sources.iter() {
        if !is_csv(&csv.path) {
            continue;
        }
        let text = text_of(server, compiled, file)?;
        let found: Vec<Place> = id_cells(&text)
            .into_iter()
            .filter(|c| c.column == column && c.value == id)
            .map(|c| Place::Inner(c.start, c.end))
            .collect();
        if !found.is_empty() {
            places.entry(csv.path.clone()).or_default().extend(found);
            texts.insert(csv.path.clone(), text);
        }
    }
    Ok(())
}

fn is_csv(path: &Path) -> bool {
    path.extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("csv"))
}

/// The text the editor shows of a source: its open document's, else the
/// file on disk; [`Stop::Stale`] when it is not the compiled text (a
/// metrics CSV's byte-order mark aside).
fn text_of(server: &Server, compiled: &Compiled, file: FileId) -> Result<String, Stop> {
    let source = compiled.sources.get(file);
    let text = match server.documents.get(&source.path) {
        Some(doc) => doc.text.clone(),
        None => std::fs::read_to_string(&source.path).map_err(|e| {
            Stop::Refused(refuse(format!(
                "cannot read `{}`: {e}",
                source.path.display()
            )))
        })?,
    };
    let body = match is_csv(&source.path) {
        true => text.strip_prefix('\u{feff}').unwrap_or(&text),
        false => &text,
    };
    if body != &*source.text {
        return Err(Stop::Stale);
    }
    Ok(text)
}

fn source(path: &Path, text: &str) -> SourceFile {
    SourceFile::new(String::new(), path.to_path_buf(), text.into())
}

/// Where to write the new id over a value holding `id` at `start..end`:
/// the characters inside its quotes when the value is a string token of
/// the file's tree that spells the id plainly (`"id"`, `#"id"#`,
/// `(type)"id"`), else the whole value.
fn place(tree: &Tree, start: usize, end: usize, id: &str) -> Place {
    let whole = Place::Whole(start, end);
    if start >= end || end > tree.text().len() {
        return whole;
    }
    let Some(token) = tree.token_at(end - 1) else {
        return whole;
    };
    let range = token.range();
    let string = matches!(token.kind(), TokenKind::String | TokenKind::RawString);
    if !string || range.start < start || range.end != end || token.unclosed() {
        return whole;
    }
    let hashes = token.text().bytes().take_while(|&b| b == b'#').count();
    let inner = range.start + hashes + 1..range.end - hashes - 1;
    match tree.text().get(inner.clone()) == Some(id) {
        true => Place::Inner(inner.start, inner.end),
        false => whole,
    }
}

/// The workspace edit of the plan, with `new` for the id.
#[allow(clippy::mutable_key_type)] // lsp-types keys `changes` by `Uri`.
fn workspace_edit(server: &Server, plan: &Plan, new: &str) -> WorkspaceEdit {
    let mut by_file = Vec::new();
    for (path, found) in &plan.places {
        let text = &plan.texts[path];
        let file = source(path, text);
        let edits: Vec<TextEdit> = found
            .iter()
            .map(|p| {
                let (s, e) = p.range();
                let range = convert::range(&file, Span::new(FileId(0), s, e), server.encoding);
                let new_text = match p {
                    Place::Inner(..) => new.to_string(),
                    Place::Whole(..) => format!("\"{new}\""),
                };
                TextEdit::new(range, new_text)
            })
            .collect();
        by_file.push((path, edits));
    }
    let document_changes = server
        .client
        .workspace
        .as_ref()
        .and_then(|w| w.workspace_edit.as_ref())
        .and_then(|e| e.document_changes)
        .unwrap_or(false);
    if document_changes {
        let changes = by_file
            .into_iter()
            .map(|(path, edits)| TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: uri_of(path, &server.uris),
                    version: server.documents.get(path).map(|d| d.version),
                },
                edits: edits.into_iter().map(OneOf::Left).collect(),
            })
            .collect();
        WorkspaceEdit {
            document_changes: Some(lsp_types::DocumentChanges::Edits(changes)),
            ..WorkspaceEdit::default()
        }
    } else {
        let changes = by_file
            .into_iter()
            .map(|(path, edits)| (uri_of(path, &server.uris), edits))
            .collect();
        WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_is_replaced_inside_its_quotes_when_spelled_plainly() {
        let text = r##"owner "kwame" x #"kwame"# (t)"kwame" kwame "kw\u{61}me""##;
        let at = |s: &str| text.find(s).unwrap();
        let tree = tree::parse(text);
        let place = |start, end, id| place(&tree, start, end, id);
        let plain = at("\"kwame\"");
        assert_eq!(
            place(plain, plain + 7, "kwame"),
            Place::Inner(plain + 1, plain + 6)
        );
        let raw = at("#\"kwame");
        assert_eq!(place(raw, raw + 9, "kwame"), Place::Inner(raw + 2, raw + 7));
        let typed = at("(t)");
        assert_eq!(
            place(typed, typed + 10, "kwame"),
            Place::Inner(typed + 4, typed + 9)
        );
        let bare = at(" kwame ") + 1;
        assert_eq!(place(bare, bare + 5, "kwame"), Place::Whole(bare, bare + 5));
        let escaped = at("\"kw\\");
        let end = text.len();
        assert_eq!(place(escaped, end, "kwame"), Place::Whole(escaped, end));
        // A span past the text is replaced whole, without a panic.
        assert_eq!(place(end, end + 3, "kwame"), Place::Whole(end, end + 3));
    }
}

//! The requests `pmoc lsp` answers: shutdown, definition, references and
//! hover here; completion, code actions, symbols, rename and formatting in
//! their modules.

use std::path::Path;
use std::sync::Arc;

use lsp_server::{ErrorCode, Request, Response};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverContents, HoverParams, Location,
    MarkupContent, MarkupKind, ReferenceParams, TextDocumentPositionParams,
};
use serde::de::DeserializeOwned;

use crate::base::FileId;
use crate::compile::Compiled;

use super::complete;
use super::navigate::{self, Target};
use super::{Server, canonical, convert, format, project, rename, symbols};

/// The answer to one request (after `shutdown`, the caller refuses them).
pub(super) fn answer(server: &mut Server, request: Request) -> Response {
    let id = request.id.clone();
    let result = match request.method.as_str() {
        req::Shutdown::METHOD => {
            server.shutting_down = true;
            Ok(serde_json::Value::Null)
        }
        req::GotoDefinition::METHOD => params(request).map(|p| definition(server, p)),
        req::References::METHOD => params(request).map(|p| references(server, p)),
        req::HoverRequest::METHOD => params(request).map(|p| hover(server, p)),
        req::Completion::METHOD => params(request).map(|p| json(complete::complete(server, p))),
        req::DocumentSymbolRequest::METHOD => params(request).map(|p| symbols::document(server, p)),
        req::WorkspaceSymbolRequest::METHOD => {
            params(request).map(|p| symbols::workspace(server, p))
        }
        req::PrepareRenameRequest::METHOD => {
            params(request).and_then(|p| rename::prepare(server, p))
        }
        req::Rename::METHOD => params(request).and_then(|p| rename::rename(server, p)),
        req::Formatting::METHOD => params(request).map(|p| format::format(server, p)),
        req::CodeActionRequest::METHOD => {
            params(request).map(|p| super::actions::code_actions(server, p))
        }
        _ => Err((
            ErrorCode::MethodNotFound,
            format!("unknown request `{}`", request.method),
        )),
    };
    match result {
        Ok(value) => Response::new_ok(id, value),
        Err((code, message)) => Response::new_err(id, code as i32, message),
    }
}

pub(super) type Failure = (ErrorCode, String);

fn params<P: DeserializeOwned>(request: Request) -> Result<P, Failure> {
    serde_json::from_value(request.params).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

pub(super) fn json(value: impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

/// The id under the cursor, and the compilation it was found in (the
/// latest, else the last one in which every file parsed).
pub(super) fn locate(
    server: &mut Server,
    at: &TextDocumentPositionParams,
) -> Option<(Arc<Compiled>, Target)> {
    let path = canonical(&at.text_document.uri);
    server.ensure(&path);
    server.compilations(&path).into_iter().find_map(|compiled| {
        let file = file_of(&compiled, &path)?;
        let offset = convert::offset(compiled.sources.get(file), at.position, server.encoding);
        let target = navigate::target_at(&compiled.model, file, offset)?;
        Some((compiled, target))
    })
}

pub(super) fn file_of(compiled: &Compiled, path: &Path) -> Option<FileId> {
    compiled
        .sources
        .iter()
        .find(|(_, f)| f.path == path)
        .map(|(id, _)| id)
}

fn location(server: &Server, compiled: &Compiled, span: crate::base::Span) -> Location {
    let file = compiled.sources.get(span.file);
    Location::new(
        project::uri_of(&file.path, &server.uris),
        convert::range(file, span, server.encoding),
    )
}

fn definition(server: &mut Server, p: GotoDefinitionParams) -> serde_json::Value {
    let Some((found_in, target)) = locate(server, &p.text_document_position_params) else {
        return serde_json::Value::Null;
    };
    let path = canonical(&p.text_document_position_params.text_document.uri);
    let mut all = vec![found_in];
    all.extend(server.compilations(&path));
    for compiled in all {
        if let Some((_, id)) = navigate::declaration(&compiled.model, &target) {
            let at = location(server, &compiled, id.span);
            return json(GotoDefinitionResponse::Scalar(at));
        }
    }
    serde_json::Value::Null
}

fn references(server: &mut Server, p: ReferenceParams) -> serde_json::Value {
    let Some((compiled, target)) = locate(server, &p.text_document_position) else {
        return serde_json::Value::Null;
    };
    let mut spans: Vec<_> = Vec::new();
    if p.context.include_declaration
        && let Some((_, id)) = navigate::declaration(&compiled.model, &target)
    {
        spans.push(id.span);
    }
    spans.extend(
        navigate::references(&compiled.model, &target)
            .iter()
            .map(|r| r.span),
    );
    let found: Vec<Location> = spans
        .into_iter()
        .map(|s| location(server, &compiled, s))
        .collect();
    json(found)
}

fn hover(server: &mut Server, p: HoverParams) -> serde_json::Value {
    let at = &p.text_document_position_params;
    let Some((compiled, target)) = locate(server, at) else {
        // Not an id: a node's or a property's name, which the schema knows.
        let path = canonical(&at.text_document.uri);
        let Some(text) = complete::text_of(server, &path) else {
            return serde_json::Value::Null;
        };
        let file = crate::base::SourceFile::new(String::new(), path, text.as_str().into());
        let offset = convert::offset(&file, at.position, server.encoding);
        return complete::field_card(&text, offset)
            .map_or(serde_json::Value::Null, |card| json(markdown(card)));
    };
    let Some((kind, id)) = navigate::declaration(&compiled.model, &target) else {
        let text = format!("`{}`: no {} declares it", target.id, target.expect.noun());
        return json(markdown(text));
    };
    json(markdown(navigate::card(&compiled, kind, id)))
}

fn markdown(value: String) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: None,
    }
}

//! Symbols: the outline of a file (`textDocument/documentSymbol`: its
//! declarations, flat, in source order) and the declarations of every
//! known project (`workspace/symbol`: each declared id whose letters hold
//! the query's in order, case aside, as editors filter).

use lsp_types::{
    DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, Location, SymbolInformation,
    SymbolKind, WorkspaceSymbolParams, WorkspaceSymbolResponse,
};

use crate::base::EntityKind;

use super::requests::{file_of, json};
use super::{Server, canonical, convert, navigate, project};

/// The outline of a file, from its project's last compilation (else the
/// last one in which every file parsed).
pub(super) fn document(server: &mut Server, p: DocumentSymbolParams) -> serde_json::Value {
    let path = canonical(&p.text_document.uri);
    server.ensure(&path);
    let found = server.compilations(&path).into_iter().find_map(|compiled| {
        let file = file_of(&compiled, &path)?;
        let source = compiled.sources.get(file);
        let symbols: Vec<DocumentSymbol> = navigate::symbols(&compiled.model, file)
            .into_iter()
            .map(|(kind, id)| {
                symbol(
                    kind,
                    &id.value,
                    convert::range(source, id.span, server.encoding),
                )
            })
            .collect();
        Some(symbols)
    });
    json(DocumentSymbolResponse::Nested(found.unwrap_or_default()))
}

/// Every declaration of every known project (a project is known once a
/// document of it was opened) whose id matches the query, sorted by id,
/// then place. Each project answers from its last compilation, or from the
/// last one in which every file parsed when the last one had a syntax error
/// (a file that does not parse declares nothing).
#[allow(deprecated)] // `deprecated` is a field the type still requires.
pub(super) fn workspace(server: &mut Server, p: WorkspaceSymbolParams) -> serde_json::Value {
    server.ensure_all();
    let query = p.query.to_lowercase();
    let mut found = Vec::new();
    for project in server.projects.all() {
        let compiled = match (&project.current, &project.last_good) {
            (Some(c), Some(good)) if c.syntax_errors => good,
            (Some(c), _) | (None, Some(c)) => c,
            (None, None) => continue,
        };
        for (kind, id) in compiled.model.declarations() {
            if !matches(&query, &id.value) {
                continue;
            }
            let file = compiled.sources.get(id.span.file);
            found.push(SymbolInformation {
                name: id.value.clone(),
                kind: symbol_kind(kind),
                tags: None,
                deprecated: None,
                location: Location::new(
                    project::uri_of(&file.path, &server.uris),
                    convert::range(file, id.span, server.encoding),
                ),
                container_name: Some(kind.noun().to_string()),
            });
        }
    }
    found.sort_by(|a, b| {
        (&a.name, a.location.uri.as_str(), a.location.range.start).cmp(&(
            &b.name,
            b.location.uri.as_str(),
            b.location.range.start,
        ))
    });
    json(WorkspaceSymbolResponse::Flat(found))
}

/// Whether the letters of `query` (lowercase) appear in `id` in order,
/// case aside: `rsk` matches `risk-log`. An empty query matches all.
fn matches(query: &str, id: &str) -> bool {
    let mut letters = id.chars().flat_map(char::to_lowercase);
    query.chars().all(|q| letters.any(|c| c == q))
}

#[allow(deprecated)] // `deprecated` is a field the type still requires.
fn symbol(kind: EntityKind, id: &str, range: lsp_types::Range) -> DocumentSymbol {
    DocumentSymbol {
        name: id.to_string(),
        detail: Some(kind.noun().to_string()),
        kind: symbol_kind(kind),
        tags: None,
        deprecated: None,
        range,
        selection_range: range,
        children: None,
    }
}

fn symbol_kind(kind: EntityKind) -> SymbolKind {
    match kind {
        EntityKind::Pmo => SymbolKind::MODULE,
        EntityKind::Person | EntityKind::Team | EntityKind::Customer => SymbolKind::OBJECT,
        EntityKind::Objective => SymbolKind::EVENT,
        EntityKind::Metric => SymbolKind::NUMBER,
        EntityKind::Function => SymbolKind::NAMESPACE,
        EntityKind::Service => SymbolKind::CLASS,
        EntityKind::Sla => SymbolKind::INTERFACE,
        EntityKind::Gate => SymbolKind::KEY,
        EntityKind::Trigger => SymbolKind::FUNCTION,
        EntityKind::Improvement => SymbolKind::EVENT,
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn a_query_matches_an_id_holding_its_letters_in_order() {
        assert!(matches("", "risk-log"));
        assert!(matches("rsk", "risk-log"));
        assert!(matches("k-l", "risk-log"));
        assert!(!matches("lr", "risk-log"));
        assert!(!matches("riskk", "risk-log"));
        assert!(matches(&"RL".to_lowercase(), "risk-log"));
    }
}

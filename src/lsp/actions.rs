//! Code actions: the quick fixes of the findings under the cursor. A
//! finding's [`Fix`](crate::base::Fix) (a did-you-mean replacement, a
//! missing field inserted with a placeholder) becomes a `CodeAction` of
//! kind `quickfix` whose `WorkspaceEdit` is its edits in the negotiated
//! encoding.
//!
//! The findings are matched with the project's last compilation (the one
//! whose findings were published): each diagnostic of the request's
//! context by code and range; when the context names none, every finding
//! of the file whose range meets the request's range.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, NumberOrString, Range,
    TextEdit, Uri, WorkspaceEdit,
};

use crate::base::{Diagnostic, SourceMap};

use super::{Server, canonical, convert, project};

/// The answer to `textDocument/codeAction`.
pub(super) fn code_actions(server: &mut Server, p: CodeActionParams) -> serde_json::Value {
    let wanted = p.context.only.as_ref().is_none_or(|kinds| {
        kinds
            .iter()
            .any(|k| CodeActionKind::QUICKFIX.as_str().starts_with(k.as_str()))
    });
    if !wanted {
        return serde_json::json!([]);
    }
    let path = canonical(&p.text_document.uri);
    server.ensure(&path);
    let Some(compiled) = server.compilations(&path).into_iter().next() else {
        return serde_json::json!([]);
    };
    let sources = &compiled.sources;
    let Some((file, _)) = sources.iter().find(|(_, f)| f.path == path) else {
        return serde_json::json!([]);
    };
    let source = sources.get(file);
    let range = |d: &Diagnostic| convert::range(source, d.span, server.encoding);
    let mine: Vec<&Diagnostic> = compiled
        .diagnostics
        .iter()
        .filter(|d| d.span.file == file)
        .collect();
    let mut actions = Vec::new();
    if p.context.diagnostics.is_empty() {
        for d in mine.iter().filter(|d| meets(range(d), p.range)) {
            let shown = project::diagnostic(d, sources, server.encoding, &server.uris);
            actions.extend(action(server, sources, d, shown));
        }
    } else {
        for shown in &p.context.diagnostics {
            let code = match &shown.code {
                Some(NumberOrString::String(code)) => code.as_str(),
                _ => continue,
            };
            let found = mine
                .iter()
                .find(|d| d.code.as_str() == code && range(d) == shown.range && d.fix.is_some());
            if let Some(d) = found {
                actions.extend(action(server, sources, d, shown.clone()));
            }
        }
    }
    serde_json::to_value(actions).unwrap_or(serde_json::Value::Null)
}

/// Whether two ranges meet (touching counts: a cursor at a finding's end
/// is on it).
fn meets(a: Range, b: Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// The quick fix of one finding, if it has one.
// `WorkspaceEdit::changes` is keyed by `Uri`, whose parsed form caches
// lazily; it is never changed while in the map.
#[allow(clippy::mutable_key_type)]
fn action(
    server: &Server,
    sources: &SourceMap,
    d: &Diagnostic,
    shown: lsp_types::Diagnostic,
) -> Option<CodeActionOrCommand> {
    let fix = d.fix.as_ref()?;
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for edit in &fix.edits {
        let file = sources.get(edit.span.file);
        let uri = project::uri_of(&file.path, &server.uris);
        changes.entry(uri).or_default().push(TextEdit {
            range: convert::range(file, edit.span, server.encoding),
            new_text: edit.content.clone(),
        });
    }
    Some(CodeActionOrCommand::CodeAction(CodeAction {
        title: capitalized(&fix.message),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![shown]),
        edit: Some(WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        }),
        // A finding has one fix: the one to apply.
        is_preferred: Some(true),
        ..CodeAction::default()
    }))
}

/// Editors show actions as sentences: "Replace with `risk`".
fn capitalized(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::Position;

    #[test]
    fn ranges_meet_when_they_overlap_or_touch() {
        let r = |a, b, c, d| Range::new(Position::new(a, b), Position::new(c, d));
        assert!(meets(r(1, 0, 1, 5), r(1, 5, 1, 5)));
        assert!(meets(r(1, 0, 1, 5), r(0, 0, 3, 0)));
        assert!(!meets(r(1, 0, 1, 5), r(1, 6, 1, 8)));
        assert!(!meets(r(2, 0, 2, 1), r(1, 0, 1, 9)));
        assert_eq!(capitalized("replace with `é`"), "Replace with `é`");
    }
}

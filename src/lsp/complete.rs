//! Completion: what may be written at the cursor, from the language's
//! schema ([`crate::model::schema`]) and the project's ids. Where a node's
//! name is written, the child nodes its block takes (the declarations at
//! the top); where a value is, the ids of the kind its field expects or the
//! words of its closed set; after a node's name, its properties too. What
//! surrounds the cursor is read from the syntax tree of the text being typed
//! ([`crate::syntax::tree::Tree::cursor`]: a half-written line is still a
//! tree, and a slip on an earlier line hides nothing); the ids come from the project's last compilation and
//! its last one in which every file parsed, so a syntax error in one file
//! hides no id declared in the others.

use std::collections::BTreeMap;
use std::path::Path;

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionList, CompletionParams, CompletionResponse,
    CompletionTextEdit, TextEdit,
};

use crate::base::{EntityKind, FileId, SourceFile, Span};
use crate::model::schema::{self, BLOCKS, Block, Item, Value};
use crate::syntax::tree::{self, At, NodeKind};

use super::{Server, canonical, convert};

/// The completions at the request's position.
pub(super) fn complete(server: &mut Server, p: CompletionParams) -> CompletionResponse {
    let at = p.text_document_position;
    let path = canonical(&at.text_document.uri);
    let Some(text) = text_of(server, &path) else {
        return CompletionResponse::Array(Vec::new());
    };
    server.ensure(&path);
    let file = SourceFile::new(String::new(), path.clone(), text.as_str().into());
    let offset = convert::offset(&file, at.position, server.encoding);
    let cursor = tree::parse(&text).cursor(offset);
    let path_names: Vec<&str> = cursor.path.iter().map(String::as_str).collect();
    let mut items = Vec::new();
    let edit = |start: usize, end: usize| {
        convert::range(&file, Span::new(FileId(0), start, end), server.encoding)
    };
    match &cursor.at {
        At::Nothing => {}
        At::Name { start } => {
            let range = edit(*start, offset);
            let names = names(&path_names, &cursor.siblings);
            for (rank, (name, detail)) in names.into_iter().enumerate() {
                items.push(item(
                    name,
                    &detail,
                    CompletionItemKind::FIELD,
                    rank,
                    range,
                    name,
                ));
            }
        }
        At::Value {
            key,
            start,
            end,
            quoted,
        } => {
            let node = cursor.node.as_deref().unwrap_or_default();
            let range = edit(*start, *end);
            let value = value_of(&path_names, node, key.as_deref());
            let values = value
                .map(|v| candidates(server, &path, v))
                .unwrap_or_default();
            for (rank, (word, detail)) in values.iter().enumerate() {
                let insert = if *quoted {
                    word.clone()
                } else {
                    format!("\"{word}\"")
                };
                items.push(item(
                    word,
                    detail,
                    CompletionItemKind::VALUE,
                    rank,
                    range,
                    &insert,
                ));
            }
            // After a node's name, a bare word may also be a property's name.
            if key.is_none() && !*quoted {
                let written = &cursor.properties;
                items.extend(properties(&path_names, node, written, range, values.len()));
            }
        }
    }
    CompletionResponse::List(CompletionList {
        is_incomplete: false,
        items,
    })
}

/// The hover card of a node or property name at byte `offset` of `text`
/// (the cursor on it or just after it): what the schema says of it.
pub(super) fn field_card(text: &str, offset: usize) -> Option<String> {
    let tree = tree::parse(text);
    let token = [tree.token_at(offset), tree.token_before(offset)]
        .into_iter()
        .flatten()
        .find(|t| t.kind().is_string() && t.range().start <= offset)?;
    let held = token.ancestors();
    let holder = *held.last()?;
    let word = token.string();
    let path = tree::block_path(&held);
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    if holder.kind() == NodeKind::Entry && holder.key() == Some(token) {
        let node = held.iter().rev().find(|n| n.kind() == NodeKind::Node)?;
        let node = node.name()?.string();
        let block = node_block(&path, &node)?;
        let item = block.property(&word)?;
        let detail = describe(block, item);
        return Some(format!("**`{word}=`**, a property of `{node}`\n\n{detail}"));
    }
    if holder.kind() != NodeKind::Node || holder.name() != Some(token) {
        return None;
    }
    if path.is_empty() {
        let block = schema::top(&word)?;
        let kind = block.declares()?;
        return Some(format!("**`{word}`** declares a {}", kind.noun()));
    }
    let block = schema::block(&path)?;
    let item = block.child(&word)?;
    let parent = path.last().copied().unwrap_or_default();
    let detail = describe(block, item);
    Some(format!("**`{word}`**, in `{parent}`\n\n{detail}"))
}

/// The editor's text of an open document, else the file's text on disk.
pub(super) fn text_of(server: &Server, path: &Path) -> Option<String> {
    match server.documents.get(path) {
        Some(doc) => Some(doc.text.clone()),
        None => std::fs::read_to_string(path).ok(),
    }
}

fn item(
    label: &str,
    detail: &str,
    kind: CompletionItemKind,
    rank: usize,
    range: lsp_types::Range,
    insert: &str,
) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: (!detail.is_empty()).then(|| detail.to_string()),
        sort_text: Some(format!("{rank:04}")),
        filter_text: Some(label.to_string()),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
            range,
            insert.to_string(),
        ))),
        ..CompletionItem::default()
    }
}

/// The node names a block takes, with what they hold, but for the single
/// ones already `written`: the declarations at the top of a file.
fn names(path: &[&str], written: &[String]) -> Vec<(&'static str, String)> {
    if path.is_empty() {
        return BLOCKS
            .iter()
            .filter(|b| b.path.len() == 1)
            .map(|b| (b.path[0], "declaration".to_string()))
            .collect();
    }
    let Some(block) = schema::block(path) else {
        return Vec::new();
    };
    block
        .children
        .iter()
        .filter(|i| i.many || !written.iter().any(|w| w == i.name))
        .map(|i| (i.name, describe(block, i)))
        .collect()
}

/// The property names of the node being written but for those `written`,
/// as `key=` completions ranked after `after` other items.
fn properties(
    path: &[&str],
    node: &str,
    written: &[String],
    range: lsp_types::Range,
    after: usize,
) -> Vec<CompletionItem> {
    let Some(block) = node_block(path, node) else {
        return Vec::new();
    };
    block
        .properties
        .iter()
        .filter(|p| !written.iter().any(|w| w == p.name))
        .enumerate()
        .map(|(i, p)| {
            let insert = format!("{}=", p.name);
            let detail = describe(block, p);
            item(
                p.name,
                &detail,
                CompletionItemKind::PROPERTY,
                after + i,
                range,
                &insert,
            )
        })
        .collect()
}

/// The block of the node `node` written in the block at `path`.
fn node_block(path: &[&str], node: &str) -> Option<&'static Block> {
    let mut full = path.to_vec();
    full.push(node);
    schema::block(&full)
}

/// The value expected at the cursor: the property `key` of the node, or
/// the node's arguments.
fn value_of(path: &[&str], node: &str, key: Option<&str>) -> Option<Value> {
    let own = node_block(path, node);
    match key {
        Some(key) => own?.property(key)?.value,
        None => match own {
            Some(block) => block.args?.value,
            None => schema::block(path)?.child(node)?.value,
        },
    }
}

/// What an item is, in a few words: "required · reference to a function".
fn describe(block: &Block, item: &Item) -> String {
    let what = match item.value {
        None => "block".to_string(),
        Some(Value::Ref(expect)) => format!("reference to a {}", expect.noun()),
        Some(Value::Condition) => "a metric, `superseded` or `sla-breached`".to_string(),
        Some(Value::Word(words)) => format!("one of {}", words.join(", ")),
        Some(Value::LintCode) => "rule codes".to_string(),
        Some(v) => format!("{v:?}").to_lowercase(),
    };
    let alternatives: Vec<_> = block
        .properties
        .iter()
        .chain(block.children)
        .skip_while(|i| i.name != item.name)
        .skip(1)
        .take_while(|i| i.or_previous)
        .map(|i| i.name)
        .collect();
    let mut parts = Vec::new();
    if item.required && alternatives.is_empty() {
        parts.push("required".to_string());
    } else if item.required {
        parts.push(format!("required (or {})", alternatives.join(", ")));
    }
    if item.many {
        parts.push("repeatable".to_string());
    }
    parts.push(what);
    parts.join(" · ")
}

/// The words a value may be: the ids of the kinds a reference accepts
/// (with their kind as detail), or a closed set's words.
fn candidates(server: &Server, path: &Path, value: Value) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = value
        .words()
        .into_iter()
        .map(|w| (w.to_string(), String::new()))
        .collect();
    if let Some(expect) = value.refers_to() {
        let mut ids: BTreeMap<String, String> = BTreeMap::new();
        for compiled in server.compilations(path) {
            for (kind, id) in compiled.model.declarations() {
                if expect.accepts(kind) && kind != EntityKind::Pmo {
                    ids.entry(id.value.clone())
                        .or_insert_with(|| kind.noun().to_string());
                }
            }
        }
        found.extend(ids);
    }
    found
}

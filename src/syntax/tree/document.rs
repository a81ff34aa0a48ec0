//! The tree read as a [`Document`] (what `syntax::parse_v2` gives): what is
//! slashdashed is left out, names and values decoded, spans as the reader's
//! (a name or value token with its quotes; an entry from its key or
//! annotation through its value).

use smol_str::SmolStr;

use super::{Element, NodeKind, NodeRef, TokenKind, TokenRef, Tree, value};
use crate::base::{FileId, Span};
use crate::syntax::{Document, Entry, Name, Node, Value};

/// The document of a tree without errors (with errors, what reads).
pub fn document(file: FileId, tree: &Tree) -> Document {
    // An explicit stack: (node, the children read so far).
    let mut top = Vec::new();
    let mut stack: Vec<(Node, std::vec::IntoIter<NodeRef<'_>>)> = Vec::new();
    let mut level = nodes_of(tree.root()).into_iter();
    loop {
        let next = match stack.last_mut() {
            Some((_, iter)) => iter.next(),
            None => level.next(),
        };
        match next {
            Some(n) => {
                let (node, children) = head(file, n);
                match children {
                    Some(block) => {
                        let kids = nodes_of(block);
                        stack.push((node, kids.into_iter()));
                    }
                    None => push(&mut stack, &mut top, node),
                }
            }
            None => match stack.pop() {
                Some((mut node, _)) => {
                    node.children.get_or_insert_default();
                    push(&mut stack, &mut top, node);
                }
                None => break,
            },
        }
    }
    Document { nodes: top }
}

fn push(stack: &mut [(Node, std::vec::IntoIter<NodeRef<'_>>)], top: &mut Vec<Node>, node: Node) {
    match stack.last_mut() {
        Some((parent, _)) => parent.children.get_or_insert_default().push(node),
        None => top.push(node),
    }
}

/// The nodes (not slashdashed) directly in a document or block.
fn nodes_of(parent: NodeRef<'_>) -> Vec<NodeRef<'_>> {
    parent
        .child_nodes()
        .filter(|n| n.kind() == NodeKind::Node)
        .collect()
}

/// A node's name and entries, and its children block.
fn head<'t>(file: FileId, n: NodeRef<'t>) -> (Node, Option<NodeRef<'t>>) {
    let span = |r: std::ops::Range<usize>| Span::new(file, r.start, r.end);
    let mut name = None;
    let mut entries = Vec::new();
    let mut block = None;
    for child in n.children() {
        match child {
            Element::Token(t) if t.kind().is_string() && name.is_none() => {
                name = Some(Name {
                    value: text_of(t),
                    span: span(t.range()),
                });
            }
            Element::Node(e) if e.kind() == NodeKind::Entry => {
                let tokens: Vec<TokenRef<'_>> = e.child_tokens().collect();
                let key = tokens
                    .iter()
                    .position(|t| t.kind() == TokenKind::Eq)
                    .and_then(|eq| tokens[..eq].iter().rev().find(|t| t.kind().is_string()));
                let Some(v) = tokens.iter().rev().find(|t| t.kind().is_value()) else {
                    continue;
                };
                entries.push(Entry {
                    name: key.map(|k| Name {
                        value: text_of(*k),
                        span: span(k.range()),
                    }),
                    value: value_of(*v),
                    span: span(e.range()),
                    value_span: span(v.range()),
                });
            }
            Element::Node(c) if c.kind() == NodeKind::Children && block.is_none() => {
                block = Some(c);
            }
            _ => {}
        }
    }
    let name = name.unwrap_or_else(|| Name {
        value: SmolStr::default(),
        span: span(n.range().start..n.range().start),
    });
    (
        Node {
            name,
            entries,
            children: None,
        },
        block,
    )
}

fn text_of(t: TokenRef<'_>) -> SmolStr {
    match t.kind() {
        TokenKind::Ident => t.text().into(),
        _ => value::string_in(t.text(), t.tree.dialect)
            .unwrap_or_default()
            .into(),
    }
}

fn value_of(t: TokenRef<'_>) -> Value {
    match t.kind() {
        TokenKind::Number => value::number(t.text()),
        TokenKind::Keyword => value::keyword(t.text()),
        _ => Value::String(text_of(t)),
    }
}

//! The one mechanism every declaration is read with: a [`Node`] hands out the
//! arguments, properties and child nodes a lowering asks for, and when it is
//! dropped reports everything written that its block in the language's
//! schema ([`crate::model::schema`]) does not name (`unknown-property`,
//! `unknown-node`), with the nearest name the schema has as help, and the
//! extra arguments nobody read. The lowering asks only for names the schema
//! has (asserted in debug builds; the schema's tests check the converse), so
//! the table and the code that reads it stay in step.
//!
//! This module reads KDL nodes and entries; the typed accessors built on
//! it (`Node::field`, `Node::required`, …) live in `values` with the value
//! types they convert to.

use std::cell::{Cell, RefCell};

use crate::syntax::{Entry as KdlEntry, Node as KdlNode, Value as KdlValue};

use crate::base::diag::did_you_mean;
use crate::base::{Code, Diagnostic, FileId, Span};
use crate::model::schema::{self, Block};

/// The file being lowered and the diagnostics so far.
pub struct Lowering {
    pub file: FileId,
    diags: RefCell<Vec<Diagnostic>>,
}

impl Lowering {
    pub fn new(file: FileId) -> Lowering {
        Lowering {
            file,
            diags: RefCell::new(Vec::new()),
        }
    }

    pub fn report(&self, diag: Diagnostic) {
        self.diags.borrow_mut().push(diag);
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diags.into_inner()
    }

    /// The value token of an entry, quotes included, annotation excluded.
    pub fn value_span(&self, entry: &KdlEntry) -> Span {
        entry.value_span
    }
}

/// Describes a KDL value's type for `wrong-type` messages.
pub(super) fn type_name(value: &KdlValue) -> &'static str {
    match value {
        KdlValue::String(_) => "a string",
        KdlValue::Integer(_) | KdlValue::Float(_) => "a number",
        KdlValue::Bool(_) => "a boolean",
        KdlValue::Null => "#null",
    }
}

/// A node being read. Dropping it reports what was not read.
pub(super) struct Node<'k, 'c> {
    pub kdl: &'k KdlNode,
    pub cx: &'c Lowering,
    /// How messages name this node, e.g. "service `risk-log`" or "`sla`".
    pub what: String,
    /// Its block in the schema; `None` for a node holding only values
    /// (`name "…"`), which takes no properties and no children.
    pub block: Option<&'static Block>,
    args_read: Cell<usize>,
    /// Whatever it holds is accepted unread ([`Node::ignore_rest`]).
    unread_accepted: Cell<bool>,
}

impl<'k, 'c> Node<'k, 'c> {
    /// A top-level node: its block is the declaration's, if any.
    pub(super) fn top(cx: &'c Lowering, kdl: &'k KdlNode, what: String) -> Self {
        Node::new(cx, kdl, what, schema::top(&kdl.name.value))
    }

    fn new(
        cx: &'c Lowering,
        kdl: &'k KdlNode,
        what: String,
        block: Option<&'static Block>,
    ) -> Self {
        Node {
            kdl,
            cx,
            what,
            block,
            args_read: Cell::new(0),
            unread_accepted: Cell::new(false),
        }
    }

    pub(super) fn name(&self) -> &'k str {
        &self.kdl.name.value
    }

    pub(super) fn name_span(&self) -> Span {
        self.kdl.name.span
    }

    pub(super) fn head_span(&self) -> Span {
        self.kdl.head_span()
    }

    /// Refers to this node in messages.
    pub(super) fn rename(&mut self, what: String) {
        self.what = what;
    }

    fn positional(&self) -> impl Iterator<Item = &'k KdlEntry> + use<'k> {
        self.kdl.entries.iter().filter(|e| e.name.is_none())
    }

    /// The `i`th argument.
    pub(super) fn arg(&self, i: usize) -> Option<&'k KdlEntry> {
        self.args_read.set(self.args_read.get().max(i + 1));
        self.positional().nth(i)
    }

    /// Every argument (a list field).
    pub(super) fn args(&self) -> Vec<&'k KdlEntry> {
        self.args_read.set(usize::MAX);
        self.positional().collect()
    }

    /// A property; a repeated one is `duplicate-field` and the first counts.
    pub(super) fn prop(&self, key: &'static str) -> Option<&'k KdlEntry> {
        self.read(key, self.block.and_then(|b| b.property(key)).is_some());
        let mut found = self
            .kdl
            .entries
            .iter()
            .filter(|e| e.name.as_ref().is_some_and(|n| n.value == key));
        let first = found.next()?;
        for later in found {
            self.cx.report(
                Diagnostic::new(
                    Code::DuplicateField,
                    self.cx.value_span(later),
                    format!("{} gives `{key}` twice", self.what),
                )
                .label(self.cx.value_span(first), "first given here"),
            );
        }
        Some(first)
    }

    fn child_nodes(&self, name: &'static str) -> impl Iterator<Item = &'k KdlNode> + use<'k> {
        self.read(name, self.block.and_then(|b| b.child(name)).is_some());
        self.kdl
            .children()
            .iter()
            .filter(move |n| n.name.value == name)
    }

    /// Whether a child of this name is written (read or not).
    pub(super) fn has_child(&self, name: &str) -> bool {
        self.kdl.children().iter().any(|n| n.name.value == name)
    }

    /// A single-valued child field; a repeated one is `duplicate-field`.
    pub(super) fn child(&self, name: &'static str) -> Option<Node<'k, 'c>> {
        let mut found = self.child_nodes(name);
        let first = found.next()?;
        for later in found {
            self.cx.report(
                Diagnostic::new(
                    Code::DuplicateField,
                    later.name.span,
                    format!("{} gives `{name}` twice", self.what),
                )
                .label(first.name.span, "first given here"),
            );
        }
        Some(self.nested(first, name))
    }

    /// Every child of a list field, in source order.
    pub(super) fn children(&self, name: &'static str) -> Vec<Node<'k, 'c>> {
        self.child_nodes(name)
            .map(|n| self.nested(n, name))
            .collect()
    }

    fn nested(&self, kdl: &'k KdlNode, name: &str) -> Node<'k, 'c> {
        let block = self.block.and_then(|b| b.block_of(name));
        Node::new(self.cx, kdl, format!("`{name}`"), block)
    }

    /// Notes that the lowering asked for `name`, which the schema must have.
    fn read(&self, name: &'static str, in_schema: bool) {
        debug_assert!(
            in_schema,
            "the lowering reads `{name}` in {:?}, which the schema lacks",
            self.block.map(|b| b.path)
        );
        #[cfg(test)]
        if let Some(b) = self.block {
            tests::READ.with(|r| r.borrow_mut().push((b.path, name)));
        }
    }

    /// The names of properties and of child nodes this node takes.
    fn known(&self) -> (Vec<&'static str>, Vec<&'static str>) {
        let names = |items: &[schema::Item]| items.iter().map(|i| i.name).collect();
        match self.block {
            Some(b) => (names(b.properties), names(b.children)),
            None => (Vec::new(), Vec::new()),
        }
    }

    /// Reports `missing-field` at this node's head.
    pub(super) fn missing(&self, field: &str) {
        self.cx.report(Diagnostic::new(
            Code::MissingField,
            self.head_span(),
            format!("{} has no `{field}`", self.what),
        ));
    }

    /// Accepts whatever else the node holds without reading it (a
    /// declaration that is not lowered, such as a misplaced `pmo`).
    pub(super) fn ignore_rest(&self) {
        self.args_read.set(usize::MAX);
        self.unread_accepted.set(true);
    }

    fn report_unread(&self) {
        let cx = self.cx;
        let (props, children) = self.known();
        let any = self.unread_accepted.get();
        for entry in &self.kdl.entries {
            match &entry.name {
                Some(key) if !props.contains(&key.value.as_str()) && !any => {
                    cx.report(
                        Diagnostic::new(
                            Code::UnknownProperty,
                            key.span,
                            format!("{} takes no property `{}`", self.what, key.value),
                        )
                        .maybe_help(did_you_mean(&key.value, props.iter().copied())),
                    );
                }
                _ => {}
            }
        }
        for extra in self.positional().skip(self.args_read.get()) {
            cx.report(Diagnostic::new(
                Code::DuplicateField,
                cx.value_span(extra),
                format!("{} takes one value; this one is extra", self.what),
            ));
        }
        if any {
            return;
        }
        for child in self.kdl.children() {
            let name = child.name.value.as_str();
            if !children.contains(&name) {
                let message = if children.is_empty() {
                    format!(
                        "{} takes no child nodes; `{name}` does not belong here",
                        self.what
                    )
                } else {
                    format!("`{name}` does not belong in {}", self.what)
                };
                cx.report(
                    Diagnostic::new(Code::UnknownNode, child.name.span, message)
                        .maybe_help(did_you_mean(name, children.iter().copied())),
                );
            }
        }
    }
}

impl Drop for Node<'_, '_> {
    fn drop(&mut self) {
        self.report_unread();
    }
}

#[cfg(test)]
pub(super) mod tests {
    use std::cell::RefCell;

    thread_local! {
        /// Every (block path, name) the lowering asked for on this thread.
        pub(in crate::lower) static READ: RefCell<Vec<(&'static [&'static str], &'static str)>> =
            const { RefCell::new(Vec::new()) };
    }
}

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

use crate::syntax;

use crate::base::{Code, Diagnostic, Edit, FileId, Fix, Span};
use crate::model::schema::{self, Block};

/// The file being lowered and the diagnostics so far.
pub struct Lowering<'t> {
    pub file: FileId,
    /// The file's text (where a fix inserts a line, and how it is indented).
    text: &'t str,
    diags: RefCell<Vec<Diagnostic>>,
    /// `missing-field` diagnostics whose fix is made once their node knows
    /// whether the field is a property or a child (see [`Node::missing`]).
    missing: RefCell<Vec<Missing>>,
}

/// A field reported missing: the diagnostic's index, the node's head.
struct Missing {
    diag: usize,
    head: Span,
    field: String,
}

impl<'t> Lowering<'t> {
    pub fn new(file: FileId, text: &'t str) -> Lowering<'t> {
        Lowering {
            file,
            text,
            diags: RefCell::new(Vec::new()),
            missing: RefCell::new(Vec::new()),
        }
    }

    pub fn report(&self, diag: Diagnostic) {
        self.diags.borrow_mut().push(diag);
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diags.into_inner()
    }

    /// The value token of an entry, quotes included, annotation excluded.
    pub fn value_span(&self, entry: &syntax::Entry) -> Span {
        entry.value_span
    }

    /// The value token of an entry as written (`0.80`, `1_000`), for the
    /// values read exactly from their digits; empty if the span is not in
    /// this file's text.
    pub fn value_text(&self, entry: &syntax::Entry) -> &'t str {
        self.text.get(entry.value_span.range()).unwrap_or_default()
    }
}

/// Describes a KDL value's type for `wrong-type` messages.
pub(super) fn type_name(value: &syntax::Value) -> &'static str {
    match value {
        syntax::Value::String(_) => "a string",
        syntax::Value::Integer(_) | syntax::Value::Float(_) => "a number",
        syntax::Value::Bool(_) => "a boolean",
        syntax::Value::Null => "#null",
    }
}

/// A node being read. Dropping it reports what was not read.
pub(super) struct Node<'k, 'c> {
    pub kdl: &'k syntax::Node,
    pub cx: &'c Lowering<'c>,
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
    pub(super) fn top(cx: &'c Lowering<'c>, kdl: &'k syntax::Node, what: String) -> Self {
        Node::new(cx, kdl, what, schema::top(&kdl.name.value))
    }

    fn new(
        cx: &'c Lowering<'c>,
        kdl: &'k syntax::Node,
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

    fn positional(&self) -> impl Iterator<Item = &'k syntax::Entry> + use<'k> {
        self.kdl.entries.iter().filter(|e| e.name.is_none())
    }

    /// The `i`th argument.
    pub(super) fn arg(&self, i: usize) -> Option<&'k syntax::Entry> {
        self.args_read.set(self.args_read.get().max(i + 1));
        self.positional().nth(i)
    }

    /// Every argument (a list field).
    pub(super) fn args(&self) -> Vec<&'k syntax::Entry> {
        self.args_read.set(usize::MAX);
        self.positional().collect()
    }

    /// A property; a repeated one is `duplicate-field` and the first counts.
    pub(super) fn prop(&self, key: &'static str) -> Option<&'k syntax::Entry> {
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

    fn child_nodes(&self, name: &'static str) -> impl Iterator<Item = &'k syntax::Node> + use<'k> {
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

    fn nested(&self, kdl: &'k syntax::Node, name: &str) -> Node<'k, 'c> {
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

    /// Reports `missing-field` at this node's head, for a field holding a
    /// value. Its fix (the field inserted with a placeholder value) is
    /// made when the node is dropped: by then the node knows whether the
    /// field was asked for as a child, a property or an argument
    /// ([`Node::insertion`]).
    pub(super) fn missing(&self, field: &str) {
        let mut diags = self.cx.diags.borrow_mut();
        self.cx.missing.borrow_mut().push(Missing {
            diag: diags.len(),
            head: self.head_span(),
            field: field.to_string(),
        });
        diags.push(Diagnostic::new(
            Code::MissingField,
            self.head_span(),
            format!("{} has no `{field}`", self.what),
        ));
    }

    /// Reports `missing-field` for a child holding fields of its own
    /// (`report`, `when`, …): no fix, as what it holds is more than one
    /// placeholder.
    pub(super) fn missing_block(&self, field: &str) {
        self.cx.report(Diagnostic::new(
            Code::MissingField,
            self.head_span(),
            format!("{} has no `{field}`", self.what),
        ));
    }

    /// Gives this node's `missing-field` diagnostics their fixes.
    fn fix_missing(&self) {
        let head = self.head_span();
        let mut pending = self.cx.missing.borrow_mut();
        if pending.is_empty() {
            return;
        }
        let mine: Vec<Missing> = pending.extract_if(.., |m| m.head == head).collect();
        drop(pending);
        for m in mine {
            let fix = self.insertion(&m.field);
            if let Some(d) = self.cx.diags.borrow_mut().get_mut(m.diag) {
                d.fix = fix.map(Box::new);
            }
        }
    }

    /// The fix of a missing field: the field inserted with a placeholder
    /// value (`"TODO"`; `"todo"` for an id, which must be lowercase). A
    /// child goes on a line of its own before the first child, indented as
    /// it is (a block written on one line gets `name "TODO"; `), or in a
    /// new block after the head; a property after the head's last entry;
    /// an argument after the node's name. `None` for a field that is one
    /// of several (`at-least` or `at-most`) and where the text around is
    /// not plain (a comment between the head and an empty block).
    fn insertion(&self, field: &str) -> Option<Fix> {
        let text = self.cx.text;
        let head = self.head_span();
        let value = if field == "id" { "todo" } else { "TODO" };
        let child = self.block.is_some_and(|b| b.child(field).is_some());
        let property = self.block.is_some_and(|b| b.property(field).is_some());
        let (written, edit) = if child {
            let line = format!("{field} \"{value}\"");
            let edit = self.child_insertion(&line)?;
            (line, edit)
        } else if property {
            let entry = format!("{field}=\"{value}\"");
            let edit = Edit::insert(head, head.end as usize, format!(" {entry}"));
            (entry, edit)
        } else if self.args_read.get() > 0 && self.positional().next().is_none() {
            let arg = format!("\"{value}\"");
            let at = self.name_span().end as usize;
            (arg.clone(), Edit::insert(head, at, format!(" {arg}")))
        } else {
            return None;
        };
        text.get(edit.span.range())?;
        Some(Fix {
            message: format!("add `{written}`"),
            edits: vec![edit],
        })
    }

    /// Where a child line goes, and the text inserted (see `insertion`).
    fn child_insertion(&self, line: &str) -> Option<Edit> {
        let text = self.cx.text;
        let head = self.head_span();
        let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let line_start = |at: usize| {
            text.get(..at)
                .map_or(0, |t| t.rfind(['\n', '\r']).map_or(0, |i| i + 1))
        };
        let indent_of = |at: usize| {
            let start = line_start(at);
            let rest = text.get(start..at).unwrap_or("");
            let blank = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            &rest[..blank]
        };
        let own = indent_of(self.name_span().start as usize);
        let inner = format!("{own}{}", if own.contains('\t') { "\t" } else { "    " });
        match self.kdl.children.as_deref() {
            Some([first, ..]) => {
                let at = first.name.span.start as usize;
                let start = line_start(at);
                let before = text.get(start..at)?;
                if before.chars().all(|c| c == ' ' || c == '\t') {
                    Some(Edit::insert(head, start, format!("{before}{line}{nl}")))
                } else {
                    Some(Edit::insert(head, at, format!("{line}; ")))
                }
            }
            Some([]) => {
                // `{` and `}` with nothing but blanks around and between.
                let end = head.end as usize;
                let rest = text.get(end..)?;
                let open = rest.find('{')?;
                let close = open + 1 + rest[open + 1..].find('}')?;
                if !rest[..open].trim().is_empty() || !rest[open + 1..close].trim().is_empty() {
                    return None;
                }
                Some(Edit {
                    span: Span::new(head.file, end + open, end + close + 1),
                    content: format!("{{{nl}{inner}{line}{nl}{own}}}"),
                })
            }
            None => {
                // After the head, nothing but blanks, a `;` or a comment.
                let end = head.end as usize;
                let rest = text.get(end..)?;
                let tail = rest.split(['\n', '\r']).next().unwrap_or("").trim_start();
                if !(tail.is_empty() || tail.starts_with(';') || tail.starts_with("//")) {
                    return None;
                }
                let block = format!(" {{{nl}{inner}{line}{nl}{own}}}");
                Some(Edit::insert(head, end, block))
            }
        }
    }

    /// Accepts whatever else the node holds without reading it (a
    /// declaration that is not lowered, such as a misplaced `pmo`).
    pub(super) fn ignore_rest(&self) {
        self.args_read.set(usize::MAX);
        self.unread_accepted.set(true);
    }

    fn report_unread(&self) {
        self.fix_missing();
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
                        .suggest(
                            &key.value,
                            key.span,
                            props.iter().copied(),
                        ),
                    );
                }
                _ => {}
            }
        }
        let extras: Vec<&syntax::Entry> = self.positional().skip(self.args_read.get()).collect();
        if let Some(diag) = self.single_quoted(&extras) {
            cx.report(diag);
        } else {
            for extra in extras {
                cx.report(Diagnostic::new(
                    Code::DuplicateField,
                    cx.value_span(extra),
                    format!("{} takes one value; this one is extra", self.what),
                ));
            }
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
                    Diagnostic::new(Code::UnknownNode, child.name.span, message).suggest(
                        name,
                        child.name.span,
                        children.iter().copied(),
                    ),
                );
            }
        }
    }
}

impl Node<'_, '_> {
    /// `name 'Update the risk log'`: a one-valued field given bare words,
    /// the first starting with `'` (valid KDL, four values): one finding,
    /// `duplicate-field` as the extra values are, with the fix that quotes
    /// the words with double quotes. `None` for any other extra values.
    fn single_quoted(&self, extras: &[&syntax::Entry]) -> Option<Diagnostic> {
        let cx = self.cx;
        let read = self.args_read.get().checked_sub(1)?;
        let first = self.positional().nth(read)?;
        let last = extras.last()?;
        let bare = |e: &syntax::Entry| matches!(&e.value, syntax::Value::String(s) if s.as_str() == cx.value_text(e));
        if !cx.value_text(first).starts_with('\'')
            || !bare(first)
            || !extras.iter().all(|e| bare(e))
        {
            return None;
        }
        let span = first.value_span.to(last.value_span);
        let written = cx.text.get(span.range())?;
        if written.contains(['\n', '\r', '"', '\\']) {
            return None;
        }
        let words = written.strip_prefix('\'')?;
        let words = words.strip_suffix('\'').unwrap_or(words);
        let quoted = format!("\"{words}\"");
        Some(
            Diagnostic::new(
                Code::DuplicateField,
                span,
                format!(
                    "{} takes one value, given {} bare words: KDL strings take double quotes",
                    self.what,
                    extras.len() + 1
                ),
            )
            .help(format!("write `{quoted}`"))
            .fix(Fix {
                message: format!("write `{quoted}`"),
                edits: vec![Edit {
                    span,
                    content: quoted,
                }],
            }),
        )
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

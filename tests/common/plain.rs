//! A KDL document as plain data (names, entries' keys and values,
//! children), so pmoc's reader and the `kdl` crate can be compared: used by
//! `tests/it/kdl_spec.rs` and the `differential` fuzz target.

use pmoc::syntax::{self, Document, Value};

/// A document as plain data, for comparing the two readers.
#[derive(Debug, PartialEq)]
pub(crate) struct Plain {
    pub(crate) name: String,
    pub(crate) entries: Vec<(Option<String>, Val)>,
    pub(crate) children: Option<Vec<Plain>>,
}

#[derive(Debug)]
pub(crate) enum Val {
    Str(String),
    Int(i128),
    Float(f64),
    Bool(bool),
    Null,
}

impl PartialEq for Val {
    fn eq(&self, other: &Val) -> bool {
        match (self, other) {
            (Val::Str(a), Val::Str(b)) => a == b,
            (Val::Int(a), Val::Int(b)) => a == b,
            (Val::Float(a), Val::Float(b)) => a == b || (a.is_nan() && b.is_nan()),
            (Val::Bool(a), Val::Bool(b)) => a == b,
            (Val::Null, Val::Null) => true,
            _ => false,
        }
    }
}

pub(crate) fn ours(doc: &Document) -> Vec<Plain> {
    fn node(n: &syntax::Node) -> Plain {
        Plain {
            name: n.name.value.to_string(),
            entries: n
                .entries
                .iter()
                .map(|e| {
                    let v = match &e.value {
                        Value::String(s) => Val::Str(s.to_string()),
                        Value::Integer(i) => Val::Int(*i),
                        Value::Float(f) => Val::Float(*f),
                        Value::Bool(b) => Val::Bool(*b),
                        Value::Null => Val::Null,
                    };
                    (e.name.as_ref().map(|k| k.value.to_string()), v)
                })
                .collect(),
            children: n.children.as_ref().map(|c| c.iter().map(node).collect()),
        }
    }
    doc.nodes.iter().map(node).collect()
}

pub(crate) fn theirs(doc: &kdl::KdlDocument) -> Vec<Plain> {
    fn node(n: &kdl::KdlNode) -> Plain {
        Plain {
            name: n.name().value().to_string(),
            entries: n
                .entries()
                .iter()
                .map(|e| {
                    let v = match e.value() {
                        kdl::KdlValue::String(s) => Val::Str(s.clone()),
                        kdl::KdlValue::Integer(i) => Val::Int(*i),
                        kdl::KdlValue::Float(f) => Val::Float(*f),
                        kdl::KdlValue::Bool(b) => Val::Bool(*b),
                        kdl::KdlValue::Null => Val::Null,
                    };
                    (e.name().map(|k| k.value().to_string()), v)
                })
                .collect(),
            children: n.children().map(|d| d.nodes().iter().map(node).collect()),
        }
    }
    doc.nodes().iter().map(node).collect()
}

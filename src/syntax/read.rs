//! The KDL 2.0 reader: `just-kdl`'s stream of events (node, entry, children,
//! end; a stack, never recursion) built into a [`Document`] whose names and
//! values keep their exact spans.
//!
//! The events carry the range of a whole node head or entry; where a name or
//! value is not the whole range (a property's key and value, an annotated
//! value), the range is lexed again to find the token itself.

use std::ops::Range;

use just_kdl::dom::number::{Base, Description};
use just_kdl::dom::{Event, Number};
use just_kdl::lexer::{Lexer, Token};
use just_kdl::reader::{Reader, ReaderError};

use super::{Document, Entry, MAX_DEPTH, Name, Node, Value};
use crate::base::{FileId, Span};

/// Why a file did not read, where, and the children blocks seen until then.
#[derive(Debug)]
pub(super) struct Failure {
    pub error: Slip,
    pub range: Range<usize>,
    /// The offsets of the `{` still open at the error, outermost first.
    pub open: Vec<usize>,
    /// Every block closed before the error: the `{` and `}` offsets.
    pub closed: Vec<(usize, usize)>,
}

/// The reader's error, the depth bound, or a panic of the reader.
#[derive(Debug)]
pub(super) enum Slip {
    Reader(ReaderError),
    TooDeep,
    /// `just-kdl` panicked reading on from the range's start (0.3.0 does on
    /// a multi-line string indented with non-ASCII spaces unlike its
    /// closing line: it slices the indentation at a byte count).
    Panic,
}

/// A node being read, and the offset of its `{` once its block opens.
struct Open {
    node: Node,
    brace: Option<usize>,
}

struct Builder<'t> {
    file: FileId,
    text: &'t str,
    top: Vec<Node>,
    stack: Vec<Open>,
    depth: usize,
    closed: Vec<(usize, usize)>,
}

/// Reads a whole file as KDL 2.0.
pub(super) fn read(file: FileId, text: &str) -> Result<Document, Failure> {
    let mut b = Builder {
        file,
        text,
        top: Vec::new(),
        stack: Vec::new(),
        depth: 0,
        closed: Vec::new(),
    };
    let input = spin_guard(text);
    let mut reader = Reader::new(input.as_bytes());
    let mut at = 0;
    loop {
        let Some(next) = quietly(|| reader.next()) else {
            return Err(b.fail(Slip::Panic, at..text.len()));
        };
        let Some(event) = next else { break };
        let step = match event {
            Ok((event, range)) => {
                at = range.end;
                b.event(event, range)
            }
            Err((error, range)) => Err((Slip::Reader(error), range)),
        };
        if let Err((error, range)) = step {
            return Err(b.fail(error, range));
        }
    }
    Ok(Document { nodes: b.top })
}

/// The text the reader reads: the file, or the file and `//` when
/// just-kdl 0.3.0 could loop forever on it. Skipping a `/-`'d multi-line
/// string that is never closed, it matches each line's indentation against
/// the input, and when the input ends within a line's indentation (the last
/// line blank or spaces only) it never stops (`/-a """⏎ c⏎`). A comment at
/// the end of that last line ends the loop and changes nothing else: a line
/// comment may end any file whose last line is blank, and whatever is
/// unclosed there stays unclosed.
fn spin_guard(text: &str) -> std::borrow::Cow<'_, str> {
    let breaks = [
        '\n', '\r', '\u{b}', '\u{c}', '\u{85}', '\u{2028}', '\u{2029}',
    ];
    let last = text.rsplit(breaks).next().unwrap_or_default();
    let blank_last_line = last.len() < text.len() && last.chars().all(char::is_whitespace);
    if blank_last_line && text.contains("/-") && text.contains("\"\"\"") {
        format!("{text}//").into()
    } else {
        text.into()
    }
}

thread_local! {
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` (a step of the reader), catching a panic without printing it:
/// it becomes a `kdl-syntax` finding. Only this thread's panics inside `f`
/// are kept quiet; every other panic reaches the hook there was before.
fn quietly<T>(f: impl FnOnce() -> T) -> Option<T> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.get() {
                previous(info);
            }
        }));
    });
    QUIET.set(true);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.set(false);
    result.ok()
}

impl Builder<'_> {
    fn span(&self, range: Range<usize>) -> Span {
        Span::new(self.file, range.start, range.end)
    }

    fn event(&mut self, event: Event, range: Range<usize>) -> Result<(), (Slip, Range<usize>)> {
        match event {
            Event::Node { r#type, name } => {
                let at = if r#type.is_some() {
                    last_token(self.text, range, |t| matches!(t, Token::String(_)))
                } else {
                    range
                };
                self.stack.push(Open {
                    node: Node {
                        name: Name {
                            value: name,
                            span: self.span(at),
                        },
                        entries: Vec::new(),
                        children: None,
                    },
                    brace: None,
                });
            }
            Event::Entry(entry) => {
                let entry = self.entry(entry, range);
                if let Some(open) = self.stack.last_mut() {
                    open.node.entries.push(entry);
                }
            }
            Event::Children => {
                let brace = range.end.saturating_sub(1);
                if self.depth == MAX_DEPTH {
                    return Err((Slip::TooDeep, brace..range.end));
                }
                self.depth += 1;
                if let Some(open) = self.stack.last_mut() {
                    open.node.children = Some(Vec::new());
                    open.brace = Some(brace);
                }
            }
            Event::End => self.end(range.start),
        }
        Ok(())
    }

    /// A node ends (at its `}` when it has a block): it joins its parent.
    fn end(&mut self, at: usize) {
        let Some(open) = self.stack.pop() else { return };
        if let Some(brace) = open.brace {
            self.depth -= 1;
            self.closed.push((brace, at));
        }
        let siblings = match self.stack.last_mut() {
            Some(parent) => parent.node.children.get_or_insert_default(),
            None => &mut self.top,
        };
        siblings.push(open.node);
    }

    fn entry(&self, entry: just_kdl::dom::Entry, range: Range<usize>) -> Entry {
        let is_value = |t: &Token| {
            matches!(
                t,
                Token::String(_) | Token::Number(_) | Token::Bool(_) | Token::Null
            )
        };
        // The common `key=value`: a bare key, then `=` at once.
        let bare_key = entry.name.as_ref().filter(|key| {
            entry.r#type.is_none()
                && self.text[range.clone()]
                    .strip_prefix(key.as_str())
                    .is_some_and(|rest| rest.starts_with('='))
        });
        let (key_span, value_span) = match (bare_key, &entry.name) {
            (Some(key), _) => {
                let eq = range.start + key.len();
                (range.start..eq, eq + 1..range.end)
            }
            (None, Some(_)) => (
                first_token(self.text, range.clone()),
                last_token(self.text, range.clone(), is_value),
            ),
            (None, None) if entry.r#type.is_some() => (
                range.clone(),
                last_token(self.text, range.clone(), is_value),
            ),
            (None, None) => (range.clone(), range.clone()),
        };
        let value_span = self.span(value_span);
        let name = entry.name.map(|key| Name {
            value: key,
            span: self.span(key_span),
        });
        Entry {
            name,
            value: value(entry.value),
            span: self.span(range),
            value_span,
        }
    }

    fn fail(self, error: Slip, range: Range<usize>) -> Failure {
        Failure {
            error,
            range,
            open: self.stack.iter().filter_map(|o| o.brace).collect(),
            closed: self.closed,
        }
    }
}

/// The tokens of a range already read (so it lexes without error), with
/// their ranges in the file.
fn tokens(text: &str, range: Range<usize>) -> impl Iterator<Item = (Token, Range<usize>)> + '_ {
    let base = range.start;
    let mut lexer = Lexer::new(&text.as_bytes()[range]);
    std::iter::from_fn(move || {
        let (token, start) = lexer.next_token(false);
        let end = lexer.current_position();
        match token {
            Ok(Token::Eof) | Err(_) => None,
            Ok(token) => Some((token, base + start..base + end)),
        }
    })
}

/// The first token's range (a property's key).
fn first_token(text: &str, range: Range<usize>) -> Range<usize> {
    let fallback = range.clone();
    tokens(text, range).next().map_or(fallback, |(_, r)| r)
}

/// The last token of a kind (an entry's value, an annotated node's name).
fn last_token(text: &str, range: Range<usize>, kind: impl Fn(&Token) -> bool) -> Range<usize> {
    let fallback = range.clone();
    tokens(text, range)
        .filter(|(t, _)| kind(t))
        .last()
        .map_or(fallback, |(_, r)| r)
}

fn value(value: just_kdl::dom::Value) -> Value {
    use just_kdl::dom::Value as V;
    match value {
        V::String(s) => Value::String(s),
        V::Number(n) => number(&n),
        V::Bool(b) => Value::Bool(b),
        V::Null => Value::Null,
    }
}

/// An integer that fits `i128`, else the nearest float (as KDL leaves the
/// range of numbers to the application).
fn number(n: &Number) -> Value {
    match n.describe() {
        Description::Integer { base, text } => {
            let radix = match base {
                Base::Decimal => 10,
                Base::Hexadecimal => 16,
                Base::Octal => 8,
                Base::Binary => 2,
            };
            i128::from_str_radix(text, radix)
                .map_or_else(|_| Value::Float(float(n)), Value::Integer)
        }
        Description::Float { text } => Value::Float(text.parse().unwrap_or(f64::NAN)),
        Description::Special { .. } => Value::Float(float(n)),
    }
}

fn float(n: &Number) -> f64 {
    n.coerce_to_f64()
}

#[cfg(test)]
mod tests {
    use super::super::{Value, parse_v2};
    use crate::base::FileId;

    /// Numbers and escaped characters are built character by character
    /// (the profile note in Cargo.toml says why this is worth a test).
    #[test]
    fn digits_and_escapes_survive() {
        let doc = parse_v2(FileId(0), "a 12 -3.5 0x1f 1_000 \"x\\ty\\u{e9}\"\n").unwrap();
        let values: Vec<_> = doc.nodes[0]
            .entries
            .iter()
            .map(|e| e.value.clone())
            .collect();
        assert_eq!(
            values,
            [
                Value::Integer(12),
                Value::Float(-3.5),
                Value::Integer(31),
                Value::Integer(1000),
                Value::String("x\ty\u{e9}".into()),
            ]
        );
    }
}

//! TEMPORARY: the KDL 1.0 path of `fmt`, the former printer over a `kdl`
//! crate document (`KdlDocument::parse_v1`, with the whitespace and
//! comments it keeps), written in the same layout as
//! [`print`](mod@super::print) writes a 2.0 file. It goes, with [`trivia`]
//! and the `kdl` crate in `format/`, when the syntax tree reads KDL 1.0:
//! then a 1.0 file is printed from its tree with the tree's 2.0 spelling of
//! each token as the printer's `Spelling`. (Spelling the file in 2.0 with
//! the crate's `ensure_v2` and printing that was tried: the crate drops a
//! comment after a block's `}` and misplaces others.)
//!
//! - Each node on its own line, four spaces per level; a block's nodes
//!   sorted by the rank of their name in the block's table ([`order`]),
//!   stably; arguments before properties, properties sorted likewise.
//! - The comments and `/-` nodes on the lines above a node move with it;
//!   a comment after a node on its line stays after it; one on the line of a
//!   block's `{` stays there; those after a block's last node stay last.
//!   Blank lines are kept (runs of them become one), never first or last in
//!   a block. A comment or `/-` entry inside a node's head stays before the entry
//!   that follows it.
//! - Values keep their spelling; multi-line strings are indented one level
//!   below their node. A bare string is quoted. KDL 1.0 is written as 2.0:
//!   `#true`, `#null`, strings in 2.0 quotes.

use kdl::{KdlDocument, KdlEntry, KdlIdentifier, KdlNode, KdlValue};

use super::order::{self, Table};
pub(super) mod trivia;

const INDENT: &str = "    ";

/// The whole document in the canonical layout.
pub(super) fn document(doc: &KdlDocument, v1: bool) -> String {
    let mut printer = Printer {
        out: String::new(),
        v1,
        path: Vec::new(),
    };
    printer.block(doc, 0);
    printer.out
}

struct Printer {
    out: String,
    v1: bool,
    /// The names of the nodes whose blocks are being printed.
    path: Vec<String>,
}

/// A line above a node or at the end of a block.
enum Unit {
    Blank,
    Text(String),
}

/// A node with what moves with it.
struct Item<'d> {
    node: &'d KdlNode,
    before: Vec<Unit>,
    after: Vec<String>,
}

/// A block's nodes with their comments, in written order.
#[derive(Default)]
struct Parts<'d> {
    /// Comments on the line of the `{`.
    brace: Vec<String>,
    items: Vec<Item<'d>>,
    end: Vec<Unit>,
}

/// `v1`: the `kdl` crate keeps a KDL 1.0 node's comment on its line as
/// its `trailing`, after a newline terminator.
fn parts(doc: &KdlDocument, top: bool, v1: bool) -> Parts<'_> {
    let (lead, trail) = doc
        .format()
        .map_or(("", ""), |f| (f.leading.as_str(), f.trailing.as_str()));
    let mut parts = Parts::default();
    let mut line_start = top;
    let mut carry = lead.to_string();
    for node in doc.nodes() {
        let (leading, terminator, trailing) = node.format().map_or(("", "\n", ""), |f| {
            (
                f.leading.as_str(),
                f.terminator.as_str(),
                f.trailing.as_str(),
            )
        });
        let (tail, before) = split(&(carry + leading), line_start);
        if let Some(tail) = tail {
            match parts.items.last_mut() {
                Some(prev) => prev.after.push(tail),
                None => parts.brace.push(tail),
            }
        }
        let mut after = Vec::new();
        let term = terminator.trim();
        if term.starts_with("//") {
            after.push(term.to_string());
        }
        let newline = terminator.chars().any(is_newline);
        if v1 && newline && !only_blanks(trailing) {
            carry = format!("{trailing}{terminator}");
            line_start = false;
        } else {
            carry = trailing.to_string();
            line_start = newline;
        }
        parts.items.push(Item {
            node,
            before,
            after,
        });
    }
    let (tail, end) = split(&(carry + trail), line_start);
    if let Some(tail) = tail {
        match parts.items.last_mut() {
            Some(prev) => prev.after.push(tail),
            None => parts.brace.push(tail),
        }
    }
    parts.end = end;
    parts
}

/// The lines of the text between two nodes: the comment ending the line
/// before (when the text does not start a line), then the lines above the
/// next node.
fn split(text: &str, line_start: bool) -> (Option<String>, Vec<Unit>) {
    let pieces = trivia::lines(text);
    let last = pieces.len() - 1;
    let mut tail = None;
    let mut units = Vec::new();
    for (k, piece) in pieces.iter().enumerate() {
        let t = unescaped(piece, false);
        let t = t.as_str();
        if k == 0 && !line_start && k != last {
            if t.is_empty() {
                continue;
            }
            if (t.starts_with("//") || t.starts_with("/*")) && !t.contains("/-") {
                tail = Some(t.to_string());
                continue;
            }
        }
        if !t.is_empty() {
            units.push(Unit::Text(t.to_string()));
        } else if k != last && (k != 0 || line_start) {
            units.push(Unit::Blank);
        }
    }
    (tail, units)
}

impl Printer {
    /// A block's contents (the whole file at level 0), from just after its
    /// `{` to just before its `}`. Depth is bounded by [`super::MAX_DEPTH`].
    fn block(&mut self, doc: &KdlDocument, level: usize) {
        let parts = parts(doc, level == 0, self.v1);
        for comment in &parts.brace {
            self.out.push(' ');
            self.out.push_str(comment);
        }
        if level > 0 {
            self.out.push('\n');
        }
        let mut items = parts.items;
        let path: Vec<&str> = self.path.iter().map(String::as_str).collect();
        if let Some(table) = order::children(&path) {
            items.sort_by_key(|it| order::rank(table, it.node.name().value()));
        }
        let indent = INDENT.repeat(level);
        let mut printed = false;
        let mut blank = false;
        for item in &items {
            self.units(&item.before, &indent, &mut printed, &mut blank);
            if blank {
                self.out.push('\n');
                blank = false;
            }
            self.node(item, level);
            printed = true;
        }
        self.units(&parts.end, &indent, &mut printed, &mut blank);
    }

    fn units(&mut self, units: &[Unit], indent: &str, printed: &mut bool, blank: &mut bool) {
        for unit in units {
            match unit {
                Unit::Blank => *blank = *printed,
                Unit::Text(text) => {
                    if *blank {
                        self.out.push('\n');
                        *blank = false;
                    }
                    self.out.push_str(indent);
                    self.out.push_str(text);
                    self.out.push('\n');
                    *printed = true;
                }
            }
        }
    }

    fn node(&mut self, item: &Item<'_>, level: usize) {
        let node = item.node;
        let indent = INDENT.repeat(level);
        let inner = format!("{indent}{INDENT}");
        self.out.push_str(&indent);
        let format = node.format().cloned().unwrap_or_default();
        if let Some(ty) = node.ty() {
            self.out.push('(');
            self.out.push_str(&tight(&format.before_ty_name, &inner));
            self.out.push_str(&self.ident(ty));
            self.out.push_str(&tight(&format.after_ty_name, &inner));
            self.out.push(')');
            self.out.push_str(&tight(&format.after_ty, &inner));
        }
        self.out.push_str(&self.ident(node.name()));
        self.path.push(node.name().value().to_string());
        self.entries(node, &indent);
        if let Some(children) = node.children() {
            self.out.push_str(&spaced(&format.before_children, &inner));
            self.out.push('{');
            if children.nodes().is_empty()
                && children
                    .format()
                    .is_none_or(|f| only_blanks(&f.leading) && only_blanks(&f.trailing))
            {
                self.out.push('}');
            } else {
                self.block(children, level + 1);
                self.out.push_str(&indent);
                self.out.push('}');
            }
        } else {
            let followed = !item.after.is_empty() || !only_blanks(&format.before_terminator);
            self.push_trimmed(&format.before_children, &inner, followed);
        }
        self.path.pop();
        self.push_trimmed(&format.before_terminator, &inner, !item.after.is_empty());
        for comment in &item.after {
            if !self.out.ends_with(&inner) {
                self.out.push(' ');
            }
            self.out.push_str(comment);
        }
        self.out.push('\n');
    }

    /// Arguments in order, then properties in the order of the node's table.
    fn entries(&mut self, node: &KdlNode, indent: &str) {
        let path: Vec<&str> = self.path.iter().map(String::as_str).collect();
        let table: Option<Table> = order::properties(&path);
        let inner = format!("{indent}{INDENT}");
        let (args, mut props): (Vec<&KdlEntry>, Vec<&KdlEntry>) =
            node.entries().iter().partition(|e| e.name().is_none());
        if let Some(table) = table {
            props.sort_by_key(|e| order::rank(table, e.name().map_or("", |n| n.value())));
        }
        for entry in args.into_iter().chain(props) {
            let leading = entry.format().map_or("", |f| f.leading.as_str());
            self.out.push_str(&spaced(leading, &inner));
            let text = self.entry(entry, &inner);
            self.out.push_str(&text);
        }
    }

    /// An entry of a node whose continued lines are indented by `inner`.
    fn entry(&self, entry: &KdlEntry, inner: &str) -> String {
        let format = entry.format().cloned().unwrap_or_default();
        let mut s = String::new();
        if let Some(name) = entry.name() {
            s.push_str(&self.ident(name));
            s.push_str(&tight(&format.after_key, inner));
            s.push('=');
            s.push_str(&tight(&format.after_eq, inner));
        }
        if let Some(ty) = entry.ty() {
            s.push('(');
            s.push_str(&tight(&format.before_ty_name, inner));
            s.push_str(&self.ident(ty));
            s.push_str(&tight(&format.after_ty_name, inner));
            s.push(')');
            s.push_str(&tight(&format.after_ty, inner));
        }
        let repr = trim_blanks(&format.value_repr);
        let value = match entry.value() {
            KdlValue::String(v) if self.v1 || repr.is_empty() => {
                multiline(v, inner).unwrap_or_else(|| quote(v))
            }
            KdlValue::String(v) if !repr.starts_with(['"', '#']) => quote(v),
            KdlValue::String(_) => reindent(repr, inner).unwrap_or_else(|| repr.to_string()),
            KdlValue::Bool(_) | KdlValue::Null if self.v1 || repr.is_empty() => {
                entry.value().to_string()
            }
            _ if repr.is_empty() => entry.value().to_string(),
            _ => repr.to_string(),
        };
        s.push_str(&value);
        if !only_blanks(&format.trailing) {
            s.push(' ');
            s.push_str(&continued(&format.trailing, inner));
        }
        s
    }

    /// A node name, property key or type: bare when it can be, else as
    /// written (2.0) or quoted.
    fn ident(&self, id: &KdlIdentifier) -> String {
        let value = id.value();
        if plain(value) {
            return value.to_string();
        }
        match id.repr() {
            Some(repr) if !self.v1 && repr.starts_with(['"', '#']) => trim_blanks(repr).to_string(),
            _ => quote(value),
        }
    }

    /// What ends a node's head: comments and `/-` items, without a final
    /// escaped line break ([`unescaped`]) unless comments are `followed`
    /// on the line it continues (then they go there).
    fn push_trimmed(&mut self, text: &str, inner: &str, followed: bool) {
        let t = unescaped(text, followed);
        if !t.is_empty() {
            self.out.push(' ');
            self.out.push_str(&continued(&t, inner));
            if t.ends_with(is_newline) {
                self.out.push_str(inner);
            }
        }
    }
}

/// Trivia, trimmed, without the escaped line breaks at its end, which
/// continue nothing there: a bare one goes; the last one's `\` goes, its
/// comment ending the line, unless `keep_commented`.
fn unescaped(text: &str, keep_commented: bool) -> String {
    let mut t = trim_blanks(text).to_string();
    while let Some(&(start, end)) = trivia::scan(&t).esclines.last()
        && end == t.len()
    {
        let comment = t[start + 1..].trim().to_string();
        if !comment.is_empty() && keep_commented {
            break;
        }
        t = format!("{} {comment}", trim_blanks(&t[..start]))
            .trim_matches(is_blank)
            .to_string();
        if !comment.is_empty() {
            break;
        }
    }
    t
}

/// The text between two tokens of a node's head: one space, or the comments
/// and escaped line breaks it holds between spaces (see [`continued`]).
fn spaced(text: &str, inner: &str) -> String {
    if only_blanks(text) {
        " ".into()
    } else {
        around(text, inner)
    }
}

/// The text around `=` or a type: nothing, or the comments and escaped
/// line breaks it holds.
fn tight(text: &str, inner: &str) -> String {
    if only_blanks(text) {
        String::new()
    } else {
        around(text, inner)
    }
}

/// Trivia of a node's head between spaces, the next token indented by
/// `inner` after an escaped line break.
fn around(text: &str, inner: &str) -> String {
    let t = continued(text, inner);
    if t.ends_with(is_newline) {
        format!(" {t}{inner}")
    } else {
        format!(" {t} ")
    }
}

/// Trivia of a node's head, trimmed, each line an escaped line break
/// continues (but at its end) indented by `inner`, one level below the node.
fn continued(text: &str, inner: &str) -> String {
    let t = trim_blanks(text);
    let mut out = String::with_capacity(t.len());
    let mut at = 0;
    for (_, end) in trivia::scan(t).esclines {
        if end == t.len() {
            break;
        }
        out.push_str(&t[at..end]);
        out.push_str(inner);
        at = end + t[end..].len() - t[end..].trim_start_matches(is_blank).len();
    }
    out.push_str(&t[at..]);
    out
}

fn is_newline(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Blanks: whitespace that does not break a line.
fn is_blank(c: char) -> bool {
    c.is_whitespace() && !is_newline(c)
}

fn trim_blanks(text: &str) -> &str {
    text.trim_matches(is_blank)
}

fn only_blanks(text: &str) -> bool {
    text.chars().all(char::is_whitespace)
}

/// A string that KDL 2.0 reads as a bare identifier (conservatively: ASCII
/// letters, digits, `-`, `_` and `.`, not like a number or a keyword).
fn plain(s: &str) -> bool {
    let b = s.as_bytes();
    let numberish = |rest: &[u8]| match rest {
        [d, ..] if d.is_ascii_digit() => true,
        [b'.', d, ..] => d.is_ascii_digit(),
        _ => false,
    };
    let signed_number = matches!(b.first(), Some(b'-' | b'+')) && numberish(&b[1..]);
    let keyword = matches!(s, "true" | "false" | "null" | "inf" | "-inf" | "nan");
    !s.is_empty()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        && !numberish(b)
        && !signed_number
        && !keyword
}

/// A KDL 2.0 quoted string.
fn quote(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\r' => q.push_str("\\r"),
            '\t' => q.push_str("\\t"),
            '\u{08}' => q.push_str("\\b"),
            '\u{0C}' => q.push_str("\\f"),
            c if c.is_control()
                || is_newline(c)
                || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}') =>
            {
                q.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            }
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

/// A multi-line value as a `"""` string indented by `indent`, when it can be
/// written so without escapes.
fn multiline(s: &str, indent: &str) -> Option<String> {
    let fits = s.contains('\n')
        && !s.starts_with('\n')
        && !s.ends_with('\n')
        && !s.contains("\"\"\"")
        && !s.contains('\\')
        && !s
            .chars()
            .any(|c| (c.is_control() && c != '\n' && c != '\t') || (is_newline(c) && c != '\n'))
        && s.split('\n').all(|l| l.is_empty() || !only_blanks(l));
    if !fits {
        return None;
    }
    let mut out = String::from("\"\"\"\n");
    for line in s.split('\n') {
        if !line.is_empty() {
            out.push_str(indent);
            out.push_str(line);
        }
        out.push('\n');
    }
    out.push_str(indent);
    out.push_str("\"\"\"");
    Some(out)
}

/// A multi-line string as written, its lines moved to `indent`: exact, since
/// every line but blank ones starts with the closing line's whitespace,
/// which is what is removed, and CRLF and CR read as LF. Not for strings with
/// escapes.
fn reindent(repr: &str, indent: &str) -> Option<String> {
    // KDL 2.0 reads every line break of a multi-line string as LF (and
    // the file's line endings replace CRLF and CR afterwards).
    let repr = &repr.replace("\r\n", "\n").replace('\r', "\n");
    let hashes = repr.bytes().take_while(|&c| c == b'#').count();
    if !repr[hashes..].starts_with("\"\"\"")
        || (hashes == 0 && repr.contains('\\'))
        || repr.chars().any(|c| is_newline(c) && c != '\n')
    {
        return None;
    }
    let lines: Vec<&str> = repr.split('\n').collect();
    let (first, rest) = lines.split_first()?;
    let (closing, middle) = rest.split_last()?;
    let close = format!("\"\"\"{}", "#".repeat(hashes));
    let prefix = closing.strip_suffix(close.as_str())?;
    if !prefix.chars().all(|c| c == ' ' || c == '\t') {
        return None;
    }
    let mut out = String::from(*first);
    for line in middle {
        out.push('\n');
        if line.chars().all(|c| c == ' ' || c == '\t') {
            continue;
        }
        out.push_str(indent);
        out.push_str(line.strip_prefix(prefix)?);
    }
    out.push('\n');
    out.push_str(indent);
    out.push_str(&close);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names() {
        for bare in ["service", "depends-on", "a.b", "x_1"] {
            assert!(plain(bare), "{bare}");
        }
        for quoted in ["", "1a", "-1", ".5", "-.5", "true", "a b", "é", "a=b"] {
            assert!(!plain(quoted), "{quoted}");
        }
    }

    #[test]
    fn multiline_strings_move_exactly() {
        let repr = "\"\"\"\n  a\n\n    b\n  \"\"\"";
        assert_eq!(
            reindent(repr, "        ").unwrap(),
            "\"\"\"\n        a\n\n          b\n        \"\"\""
        );
        assert_eq!(reindent("\"\"\"\n  a\\n\n  \"\"\"", "    "), None);
        assert_eq!(
            multiline("a\n\n b", "    ").unwrap(),
            "\"\"\"\n    a\n\n     b\n    \"\"\""
        );
        assert_eq!(multiline("a\n", "    "), None);
    }
}

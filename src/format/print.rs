//! The printer: a file's syntax tree ([`crate::syntax::tree`]) written in
//! the canonical layout. It walks the tree with an explicit stack of open
//! blocks (no recursion on the input, so any depth of `{` is printed).
//!
//! - Each node on its own line, four spaces per level; a block's nodes
//!   sorted by the rank of their name in the block's table ([`order`]),
//!   stably; arguments before properties, properties sorted likewise.
//! - The comments and `/-` nodes on the lines above a node move with it;
//!   a comment after a node on its line stays after it; one on the line of a
//!   block's `{` stays there; those after a block's last node stay last.
//!   Blank lines are kept (runs of them become one), never first or last in
//!   a block. A comment or `/-` entry inside a node's head stays before the
//!   entry that follows it.
//! - Values keep their spelling; multi-line strings are indented one level
//!   below their node. A bare string value is quoted; a name, key or type
//!   is bare when it can be.
//!
//! Comments are kept by construction: every token of the tree is either
//! written (its text, or its [`Spelling`]) or is whitespace, a line break
//! or a `\` continuation that the layout replaces; a `\` continuation's
//! comment is kept when the continuation goes. The only trivia dropped are
//! blank runs, a byte-order mark (written back by the caller) and `;`.

use std::borrow::Cow;

use super::order::{self, Table};
use crate::syntax::tree::{self, Element, NodeKind, NodeRef, TokenKind, TokenRef, Tree};

const INDENT: &str = "    ";

/// How a name, key, type or value token is written: its text (KDL 2.0), or
/// another spelling of it (the hook the KDL 1.0 conversion plugs into:
/// `#true` for `true`, a 2.0 string for a 1.0 raw string).
pub(super) type Spelling = for<'t> fn(TokenRef<'t>) -> Cow<'t, str>;

/// A KDL 2.0 token as written.
pub(super) fn as_written(t: TokenRef<'_>) -> Cow<'_, str> {
    Cow::Borrowed(t.text())
}

/// The whole tree (a file without syntax errors) in the canonical layout.
pub(super) fn document(tree: &Tree, spell: Spelling) -> String {
    let mut printer = Printer {
        out: String::with_capacity(tree.text().len() + tree.text().len() / 8),
        spell,
        path: Vec::new(),
    };
    printer.run(tree.root());
    printer.out
}

struct Printer {
    out: String,
    spell: Spelling,
    /// The names of the nodes whose blocks are being printed.
    path: Vec<String>,
}

/// A line above a node or at the end of a block.
enum Unit {
    Blank,
    Text(String),
}

/// A node's head as its parts, with the trivia between them as text.
struct Head<'t> {
    ty: Option<NodeRef<'t>>,
    /// Between the type and the name.
    after_ty: String,
    name: Option<TokenRef<'t>>,
    /// Each entry with the trivia before it (comments, `/-` entries).
    entries: Vec<(String, NodeRef<'t>)>,
    /// The children block with the trivia before it.
    children: Option<(String, NodeRef<'t>)>,
    /// The trivia after the last entry or the block, before the terminator.
    trailing: String,
    /// The terminator's comment (`// …`).
    comment: Option<String>,
    /// The node ends its line (a line break terminates it).
    ends_line: bool,
}

/// A node with what moves with it.
struct Item<'t> {
    node: Head<'t>,
    before: Vec<Unit>,
    after: Vec<String>,
}

/// A block's nodes with their comments, in written order.
struct Parts<'t> {
    /// Comments on the line of the `{`.
    brace: Vec<String>,
    items: Vec<Item<'t>>,
    end: Vec<Unit>,
}

/// An open block: its level, its items left, and the node it closes.
struct Frame<'t> {
    level: usize,
    items: std::vec::IntoIter<Item<'t>>,
    end: Vec<Unit>,
    printed: bool,
    blank: bool,
    /// The node whose block this is: its trailing trivia and comments.
    close: Option<(String, Vec<String>)>,
}

fn head(node: NodeRef<'_>) -> Head<'_> {
    let mut run = String::new();
    let mut h = Head {
        ty: None,
        after_ty: String::new(),
        name: None,
        entries: Vec::new(),
        children: None,
        trailing: String::new(),
        comment: None,
        ends_line: false,
    };
    for el in node.children() {
        match el {
            Element::Node(n) if n.kind() == NodeKind::Type && h.name.is_none() => {
                h.ty = Some(n);
                run.clear();
            }
            Element::Token(t) if t.kind().is_string() && h.name.is_none() => {
                h.name = Some(t);
                h.after_ty = std::mem::take(&mut run);
            }
            Element::Node(n) if n.kind() == NodeKind::Entry => {
                h.entries.push((std::mem::take(&mut run), n));
            }
            Element::Node(n) if n.kind() == NodeKind::Children => {
                h.children = Some((std::mem::take(&mut run), n));
            }
            Element::Token(t) if t.kind() == TokenKind::LineComment => {
                h.comment = Some(t.text().trim_end().to_string());
            }
            Element::Token(t) if t.kind() == TokenKind::Newline => h.ends_line = true,
            Element::Token(t) if t.kind() == TokenKind::Semi => {}
            Element::Token(t) => run.push_str(t.text()),
            Element::Node(n) => run.push_str(n.text()),
        }
    }
    h.trailing = run;
    h
}

/// A block's contents (the document, or a children block without its
/// braces) as its items, with the text between them split at its line
/// breaks (not those inside a `/-` node's braces or a `\` continuation).
fn parts(block: NodeRef<'_>, top: bool) -> Parts<'_> {
    let mut parts = Parts {
        brace: Vec::new(),
        items: Vec::new(),
        end: Vec::new(),
    };
    let mut pieces = vec![String::new()];
    let mut line_start = top;
    let attach = |parts: &mut Parts<'_>, tail: Option<String>| {
        if let Some(tail) = tail {
            match parts.items.last_mut() {
                Some(prev) => prev.after.push(tail),
                None => parts.brace.push(tail),
            }
        }
    };
    for el in block.children() {
        match el {
            Element::Token(t) => match t.kind() {
                TokenKind::LBrace | TokenKind::RBrace | TokenKind::Bom => {}
                TokenKind::Newline => pieces.push(String::new()),
                _ => push_last(&mut pieces, t.text()),
            },
            Element::Node(n) if n.kind() == NodeKind::Node => {
                let (tail, before) = split(&pieces, line_start);
                attach(&mut parts, tail);
                let mut node = head(n);
                // The terminator's comment is the first of the node's `after`.
                let after: Vec<String> = node.comment.take().into_iter().collect();
                line_start = node.ends_line;
                parts.items.push(Item {
                    node,
                    before,
                    after,
                });
                pieces = vec![String::new()];
            }
            Element::Node(n) => {
                // A `/-` node: its text, broken at its line breaks outside
                // its braces.
                let mut depth = 0usize;
                for t in tokens_of(n) {
                    match t.kind() {
                        TokenKind::LBrace => depth += 1,
                        TokenKind::RBrace => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                    if t.kind() == TokenKind::Newline && depth == 0 {
                        pieces.push(String::new());
                    } else {
                        push_last(&mut pieces, t.text());
                    }
                }
            }
        }
    }
    let (tail, end) = split(&pieces, line_start);
    attach(&mut parts, tail);
    parts.end = end;
    parts
}

fn push_last(pieces: &mut [String], text: &str) {
    if let Some(last) = pieces.last_mut() {
        last.push_str(text);
    }
}

/// Every token of a node, in order (an explicit stack, no recursion).
fn tokens_of(node: NodeRef<'_>) -> Vec<TokenRef<'_>> {
    let mut out = Vec::new();
    let mut stack = vec![node.children()];
    while let Some(iter) = stack.last_mut() {
        match iter.next() {
            Some(Element::Token(t)) => out.push(t),
            Some(Element::Node(n)) => stack.push(n.children()),
            None => {
                stack.pop();
            }
        }
    }
    out
}

/// The lines of the text between two nodes: the comment ending the line
/// before (when the text does not start a line), then the lines above the
/// next node.
fn split(pieces: &[String], line_start: bool) -> (Option<String>, Vec<Unit>) {
    let mut tail = None;
    let last = pieces.len() - 1;
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
    fn run(&mut self, root: NodeRef<'_>) {
        let top = parts(root, true);
        let mut frames = vec![self.frame(top, 0, None)];
        while let Some(frame) = frames.last_mut() {
            let level = frame.level;
            let indent = INDENT.repeat(level);
            let Some(item) = frame.items.next() else {
                let end = std::mem::take(&mut frame.end);
                let (mut printed, mut blank) = (frame.printed, frame.blank);
                self.units(&end, &indent, &mut printed, &mut blank);
                if let Some((trailing, after)) = frames.pop().and_then(|f| f.close) {
                    let indent = INDENT.repeat(level - 1);
                    self.out.push_str(&indent);
                    self.out.push('}');
                    self.path.pop();
                    self.tail(&trailing, &after, level - 1);
                }
                continue;
            };
            self.units(&item.before, &indent, &mut frame.printed, &mut frame.blank);
            if frame.blank {
                self.out.push('\n');
                frame.blank = false;
            }
            frame.printed = true;
            let Item { node, after, .. } = item;
            match self.head(&node, level) {
                Some(block) => {
                    let inside = parts(block, false);
                    for comment in &inside.brace {
                        self.out.push(' ');
                        self.out.push_str(comment);
                    }
                    self.out.push('\n');
                    let frame = self.frame(inside, level + 1, Some((node.trailing, after)));
                    frames.push(frame);
                }
                None => {
                    self.path.pop();
                    self.tail(&node.trailing, &after, level);
                }
            }
        }
    }

    /// A block's frame, its items sorted by its table.
    fn frame<'t>(
        &self,
        parts: Parts<'t>,
        level: usize,
        close: Option<(String, Vec<String>)>,
    ) -> Frame<'t> {
        let mut items = parts.items;
        let path: Vec<&str> = self.path.iter().map(String::as_str).collect();
        if let Some(table) = order::children(&path) {
            items.sort_by_cached_key(|it| {
                order::rank(
                    table,
                    &it.node.name.map(|n| self.decoded(n)).unwrap_or_default(),
                )
            });
        }
        Frame {
            level,
            items: items.into_iter(),
            end: parts.end,
            printed: false,
            blank: false,
            close,
        }
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

    /// A node's head through its `{` (its name pushed on the path), and the
    /// block to print next when it has a block that is not empty. An empty
    /// block is written `{}`.
    fn head<'t>(&mut self, node: &Head<'t>, level: usize) -> Option<NodeRef<'t>> {
        let indent = INDENT.repeat(level);
        let inner = format!("{indent}{INDENT}");
        self.out.push_str(&indent);
        if let Some(ty) = node.ty {
            let ty = self.annotation(ty, &inner);
            self.out.push_str(&ty);
            self.out.push_str(&tight(&node.after_ty, &inner));
        }
        let name = node.name.map(|n| self.decoded(n)).unwrap_or_default();
        if let Some(n) = node.name {
            let id = self.ident(n);
            self.out.push_str(&id);
        }
        self.path.push(name);
        self.entries(node, &inner);
        let (before, block) = node.children.as_ref()?;
        self.out.push_str(&spaced(before, &inner));
        self.out.push('{');
        // Blanks, line breaks and bare `\` continuations are layout.
        let empty = block.children().all(|e| match e {
            Element::Token(t) => match t.kind() {
                TokenKind::Whitespace
                | TokenKind::Newline
                | TokenKind::LBrace
                | TokenKind::RBrace => true,
                TokenKind::Escline => t.text()[1..].trim().is_empty(),
                _ => false,
            },
            Element::Node(_) => false,
        });
        if empty {
            self.out.push('}');
            return None;
        }
        Some(*block)
    }

    /// What follows a node's last entry or `}`: trivia, then comments.
    fn tail(&mut self, trailing: &str, after: &[String], level: usize) {
        let inner = INDENT.repeat(level + 1);
        self.push_trimmed(trailing, &inner, !after.is_empty());
        for comment in after {
            if !self.out.ends_with(&inner) {
                self.out.push(' ');
            }
            self.out.push_str(comment);
        }
        self.out.push('\n');
    }

    /// Arguments in order, then properties in the order of the node's table.
    fn entries(&mut self, node: &Head<'_>, inner: &str) {
        let path: Vec<&str> = self.path.iter().map(String::as_str).collect();
        let table: Option<Table> = order::properties(&path);
        let (args, mut props): (Vec<_>, Vec<_>) =
            node.entries.iter().partition(|(_, e)| key(*e).is_none());
        if let Some(table) = table {
            props.sort_by_cached_key(|(_, e)| {
                order::rank(table, &key(*e).map(|k| self.decoded(k)).unwrap_or_default())
            });
        }
        for (leading, entry) in args.into_iter().chain(props) {
            self.out.push_str(&spaced(leading, inner));
            let text = self.entry(*entry, inner);
            self.out.push_str(&text);
        }
    }

    /// An entry of a node whose continued lines are indented by `inner`.
    fn entry(&self, entry: NodeRef<'_>, inner: &str) -> String {
        let mut s = String::new();
        let mut run = String::new();
        let is_key = key(entry);
        for el in entry.children() {
            match el {
                Element::Token(t) if t.kind().is_trivia() => run.push_str(t.text()),
                Element::Token(t) => {
                    s.push_str(&tight(&std::mem::take(&mut run), inner));
                    match t.kind() {
                        TokenKind::Eq => s.push('='),
                        _ if Some(t) == is_key => s.push_str(&self.ident(t)),
                        _ => s.push_str(&self.value(t, inner)),
                    }
                }
                Element::Node(n) => {
                    s.push_str(&tight(&std::mem::take(&mut run), inner));
                    if n.kind() == NodeKind::Type {
                        s.push_str(&self.annotation(n, inner));
                    } else {
                        s.push_str(n.text());
                    }
                }
            }
        }
        s
    }

    /// `(type)`, the trivia inside it kept.
    fn annotation(&self, ty: NodeRef<'_>, inner: &str) -> String {
        let mut s = String::new();
        let mut run = String::new();
        for t in ty.child_tokens() {
            match t.kind() {
                k if k.is_trivia() => run.push_str(t.text()),
                TokenKind::LParen => s.push('('),
                TokenKind::RParen => {
                    s.push_str(&tight(&std::mem::take(&mut run), inner));
                    s.push(')');
                }
                _ => {
                    s.push_str(&tight(&std::mem::take(&mut run), inner));
                    s.push_str(&self.ident(t));
                }
            }
        }
        s
    }

    /// A value: a bare string quoted, a multi-line one re-indented, any
    /// other as written.
    fn value(&self, t: TokenRef<'_>, inner: &str) -> String {
        let text = (self.spell)(t);
        match t.kind() {
            TokenKind::Ident => quote(&text),
            TokenKind::String | TokenKind::MultiString | TokenKind::RawString => {
                reindent(&text, inner).unwrap_or_else(|| text.into_owned())
            }
            _ => text.into_owned(),
        }
    }

    /// A node name, property key or type: bare when it can be, else as
    /// written (quoted) or quoted.
    fn ident(&self, t: TokenRef<'_>) -> String {
        let value = self.decoded(t);
        if plain(&value) {
            return value;
        }
        if t.kind() == TokenKind::Ident {
            return quote(&value);
        }
        (self.spell)(t).into_owned()
    }

    /// A string token's value.
    fn decoded(&self, t: TokenRef<'_>) -> String {
        let text = (self.spell)(t);
        if t.kind() == TokenKind::Ident {
            return text.into_owned();
        }
        // A quoted string without escapes on one line: what the quotes hold.
        let hashes = text.bytes().take_while(|&c| c == b'#').count();
        let inner = text
            .get(hashes..text.len().saturating_sub(hashes))
            .and_then(|q| q.strip_prefix('"')?.strip_suffix('"'));
        if let Some(inner) = inner
            && !inner.starts_with("\"\"")
            && !inner.contains(['\\', '"', '\n', '\r'])
        {
            return inner.to_string();
        }
        // Else the tree's own reading of the token, as a node's name.
        let doc = tree::document(crate::base::FileId(0), &tree::parse(&text));
        doc.nodes
            .into_iter()
            .next()
            .map(|n| n.name.value.to_string())
            .unwrap_or_default()
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

/// The key token of a property.
fn key(entry: NodeRef<'_>) -> Option<TokenRef<'_>> {
    let tokens: Vec<TokenRef<'_>> = entry.child_tokens().collect();
    let eq = tokens.iter().position(|t| t.kind() == TokenKind::Eq)?;
    tokens[..eq]
        .iter()
        .rev()
        .find(|t| t.kind().is_string())
        .copied()
}

/// The escaped line breaks of a trivia text: from the `\` to past its line
/// break, as the tree's lexer finds them.
fn esclines(text: &str) -> Vec<(usize, usize)> {
    if !text.contains('\\') {
        return Vec::new();
    }
    tree::parse(text)
        .tokens()
        .filter(|t| t.kind() == TokenKind::Escline)
        .map(|t| (t.range().start, t.range().end))
        .collect()
}

/// Trivia, trimmed, without the escaped line breaks at its end, which
/// continue nothing there: a bare one goes; the last one's `\` goes, its
/// comment ending the line, unless `keep_commented`.
fn unescaped(text: &str, keep_commented: bool) -> String {
    let mut t = trim_blanks(text).to_string();
    while let Some(&(start, end)) = esclines(&t).last()
        && end == t.len()
    {
        let comment = t[start + 1..].trim().to_string();
        if !comment.is_empty() && keep_commented {
            break;
        }
        // The bare escaped line breaks before it continued only to it.
        let mut before = trim_blanks(&t[..start]);
        while let Some(&(s, e)) = esclines(before).last()
            && e == before.len()
            && before[s + 1..].trim().is_empty()
        {
            before = trim_blanks(&before[..s]);
        }
        t = format!("{before} {comment}")
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
    for (_, end) in esclines(t) {
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
pub(super) fn plain(s: &str) -> bool {
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
pub(super) fn quote(s: &str) -> String {
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
    }
}

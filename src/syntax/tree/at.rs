//! What is at an offset of a tree: the token there ([`Tree::token_at`],
//! [`Tree::token_before`]), the nodes that hold it ([`TokenRef::ancestors`],
//! found by descending the arena from the root: no parent links, no
//! recursion), a node's name and an entry's key, and the editor's reading
//! of a cursor ([`Tree::cursor`]): the blocks that hold it, the node being
//! written, whether a name, an argument or a property's value is being
//! written (quoted or not) or nothing can be (a comment, a raw string, an
//! annotation), and the names and properties written already. The tree of
//! a half-written text is still a tree (an unclosed `{` closes at the end,
//! an unclosed string at its line's end), so completion, hover and rename
//! read it like any other.

use super::{NodeKind, NodeRef, TokenKind, TokenRef, Tree, value};

/// What surrounds a cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// The names of the nodes whose blocks hold the cursor, outermost
    /// first.
    pub path: Vec<String>,
    /// The node whose entries are being written (not at a name).
    pub node: Option<String>,
    pub at: At,
    /// The names of the other nodes in the innermost block (slashdashed
    /// ones aside): what is written already.
    pub siblings: Vec<String>,
    /// The properties the node being written gives, but the one at the
    /// cursor.
    pub properties: Vec<String>,
}

/// What is being written at the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum At {
    /// A node's name, from `start` (the cursor is at or after it).
    Name { start: usize },
    /// A value: an argument (`key` is `None`: unquoted, it may also be a
    /// property's name being written) or the value of the property `key`,
    /// from `start` to `end` (what a completion replaces: the cursor, or
    /// the string's closing quote on its line); `quoted` when the cursor is
    /// inside its quotes (`start` is then just after the opening quote).
    Value {
        key: Option<String>,
        start: usize,
        end: usize,
        quoted: bool,
    },
    /// A comment, a raw string or an annotation: nothing to complete.
    Nothing,
}

impl Tree {
    /// The token holding byte `offset` (the last token for the text's
    /// end); `None` for an empty text.
    pub fn token_at(&self, offset: usize) -> Option<TokenRef<'_>> {
        let count = self.tokens.len() - 1;
        if count == 0 || self.text.is_empty() {
            return None;
        }
        let offset = offset.min(self.text.len() - 1);
        let after = self.tokens[..count].partition_point(|t| t.1 as usize <= offset);
        Some(TokenRef {
            tree: self,
            index: after.max(1) as u32 - 1,
        })
    }

    /// The token a cursor at `offset` touches on its left: the one holding
    /// the byte before it (`None` at the start).
    pub fn token_before(&self, offset: usize) -> Option<TokenRef<'_>> {
        offset
            .checked_sub(1)
            .filter(|&o| o < self.text.len())
            .and_then(|o| self.token_at(o))
    }

    /// What surrounds a cursor at byte `offset` (clamped onto a character
    /// boundary inside the text).
    pub fn cursor(&self, offset: usize) -> Cursor {
        let text = self.text();
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let Some(token) = self.token_before(offset) else {
            return reading(vec![self.root()], At::Name { start: offset });
        };
        let ancestors = token.ancestors();
        if ancestors.iter().any(|n| n.kind() == NodeKind::Type) {
            return nothing();
        }
        // The innermost holder that is not a `/-` (which is transparent).
        let inner = innermost(&ancestors);
        let range = token.range();
        let kind = token.kind();
        let inside = offset < range.end;
        let finished = match kind {
            TokenKind::LineComment => return nothing(),
            TokenKind::BlockComment | TokenKind::RawString => {
                if inside || token.unclosed() {
                    return nothing();
                }
                true
            }
            TokenKind::String | TokenKind::MultiString => {
                let open = if kind == TokenKind::String { 1 } else { 3 };
                if offset < range.start + open {
                    return nothing();
                }
                if inside || token.unclosed() {
                    return quoted(&ancestors, token, offset, range.start + open);
                }
                true
            }
            TokenKind::Ident | TokenKind::Number | TokenKind::Keyword | TokenKind::Eq => {
                return word(&ancestors[..=inner], token, offset);
            }
            TokenKind::Newline | TokenKind::Semi | TokenKind::LBrace => {
                return name_in(&ancestors, ancestors.len(), offset);
            }
            TokenKind::RBrace => {
                // After the block it closes: in the block around its node.
                let closed = ancestors
                    .iter()
                    .rposition(|n| n.kind() == NodeKind::Children)
                    .unwrap_or(0);
                return name_in(&ancestors, closed, offset);
            }
            TokenKind::Error | TokenKind::LParen | TokenKind::RParen => return nothing(),
            TokenKind::Bom | TokenKind::Whitespace | TokenKind::Escline | TokenKind::Slashdash => {
                false
            }
        };
        between(&ancestors, token, finished, offset)
    }
}

impl<'t> TokenRef<'t> {
    /// The nodes holding the token, the root first.
    pub fn ancestors(self) -> Vec<NodeRef<'t>> {
        let tree = self.tree;
        let mut found = vec![tree.root()];
        let mut at = 0u32;
        'down: loop {
            let end = tree.nodes[at as usize].next;
            let mut child = at + 1;
            while child < end {
                let c = tree.nodes[child as usize];
                if c.first > self.index {
                    break;
                }
                if self.index < c.end {
                    found.push(NodeRef { tree, index: child });
                    at = child;
                    continue 'down;
                }
                child = c.next;
            }
            return found;
        }
    }

    /// What a string token says (decoded when closed; an unclosed one's
    /// text after its quote), else the token's text.
    pub fn string(self) -> String {
        let text = self.text();
        match self.kind() {
            TokenKind::String | TokenKind::MultiString | TokenKind::RawString
                if !self.unclosed() =>
            {
                value::string(text).unwrap_or_else(|_| text.to_string())
            }
            TokenKind::String | TokenKind::MultiString => text.trim_start_matches('"').to_string(),
            _ => text.to_string(),
        }
    }

    /// Whether a string, raw string or block comment is never closed (the
    /// lexer reported it at the token's start).
    pub fn unclosed(self) -> bool {
        let start = self.range().start;
        let errors = self.tree.errors();
        let from = errors.partition_point(|e| e.range.start < start);
        errors[from..]
            .iter()
            .take_while(|e| e.range.start == start)
            .any(|e| e.message.contains("never closed"))
    }
}

impl<'t> NodeRef<'t> {
    /// A node's name token (a KDL node's first string after its
    /// annotation).
    pub fn name(self) -> Option<TokenRef<'t>> {
        if self.kind() != NodeKind::Node {
            return None;
        }
        self.child_tokens().find(|t| t.kind().is_string())
    }

    /// A property's key token (an entry's string before its `=`).
    pub fn key(self) -> Option<TokenRef<'t>> {
        if self.kind() != NodeKind::Entry {
            return None;
        }
        let tokens: Vec<TokenRef<'t>> = self.child_tokens().collect();
        let eq = tokens.iter().position(|t| t.kind() == TokenKind::Eq)?;
        tokens[..eq]
            .iter()
            .rev()
            .find(|t| t.kind().is_value())
            .copied()
    }
}

/// The names of the nodes whose blocks are among `held` (a token's or a
/// node's ancestors, the root first), outermost first.
pub fn block_path(held: &[NodeRef<'_>]) -> Vec<String> {
    let mut path = Vec::new();
    for (i, n) in held.iter().enumerate() {
        if n.kind() == NodeKind::Children {
            let owner = held[..i].iter().rev().find(|h| h.kind() == NodeKind::Node);
            let name = owner.and_then(|o| o.name()).map(TokenRef::string);
            path.push(name.unwrap_or_default());
        }
    }
    path
}

/// A word (`Eq`: the `=` of a property) ending at the cursor, `held` by
/// the nodes given (the root first; the last not a `/-`).
fn word(held: &[NodeRef<'_>], token: TokenRef<'_>, offset: usize) -> Cursor {
    let holder = held[held.len() - 1];
    let range = token.range();
    let equals = token.kind() == TokenKind::Eq;
    match holder.kind() {
        NodeKind::Node if holder.name() == Some(token) => {
            reading(held.to_vec(), At::Name { start: range.start })
        }
        NodeKind::Entry => {
            let key = holder.key().filter(|k| k.index < token.index);
            let value = At::Value {
                key: key.map(TokenRef::string),
                start: if equals { offset } else { range.start },
                end: offset,
                quoted: false,
            };
            reading(held.to_vec(), value)
        }
        _ => nothing(),
    }
}

/// A name at the cursor, in the innermost block among the first `upto`
/// of `ancestors`.
fn name_in(ancestors: &[NodeRef<'_>], upto: usize, offset: usize) -> Cursor {
    let block = ancestors[..upto]
        .iter()
        .rposition(|n| matches!(n.kind(), NodeKind::Children | NodeKind::Document))
        .unwrap_or(0);
    reading(ancestors[..=block].to_vec(), At::Name { start: offset })
}

/// A cursor between tokens: after space, or right after a finished token
/// (`finished`), `token` the one before it.
fn between(
    ancestors: &[NodeRef<'_>],
    token: TokenRef<'_>,
    finished: bool,
    offset: usize,
) -> Cursor {
    let range = token.range();
    let mut inner = innermost(ancestors);
    let holder = ancestors[inner];
    if holder.kind() == NodeKind::Entry {
        if !finished {
            // Inside an entry: after its `=`, the property's value.
            let eq = holder
                .child_tokens()
                .find(|t| t.kind() == TokenKind::Eq && t.index < token.index);
            let has_value = holder
                .child_tokens()
                .any(|t| t.kind().is_value() && t.index > token.index);
            if let (Some(_), false) = (eq, has_value) {
                let value = At::Value {
                    key: holder.key().map(TokenRef::string),
                    start: offset,
                    end: offset,
                    quoted: false,
                };
                return reading(ancestors[..=inner].to_vec(), value);
            }
        }
        // The entry is written: the node's head goes on.
        inner = innermost(&ancestors[..inner]);
    }
    let holder = ancestors[inner];
    match holder.kind() {
        NodeKind::Node => {
            let after_block = holder
                .child_nodes()
                .any(|c| c.kind() == NodeKind::Children && c.range().end <= range.start);
            if after_block {
                let block = innermost(&ancestors[..inner]);
                return reading(ancestors[..=block].to_vec(), At::Name { start: offset });
            }
            let value = At::Value {
                key: None,
                start: offset,
                end: offset,
                quoted: false,
            };
            reading(ancestors[..=inner].to_vec(), value)
        }
        NodeKind::Children | NodeKind::Document => {
            reading(ancestors[..=inner].to_vec(), At::Name { start: offset })
        }
        _ => nothing(),
    }
}

/// The index of the innermost of `held` that is not a `/-`.
fn innermost(held: &[NodeRef<'_>]) -> usize {
    held.iter()
        .rposition(|n| n.kind() != NodeKind::Slashdash)
        .unwrap_or(0)
}

fn nothing() -> Cursor {
    Cursor {
        path: Vec::new(),
        node: None,
        at: At::Nothing,
        siblings: Vec::new(),
        properties: Vec::new(),
    }
}

/// The cursor inside the quotes of `token`, from `start`.
fn quoted(ancestors: &[NodeRef<'_>], token: TokenRef<'_>, offset: usize, start: usize) -> Cursor {
    let inner = innermost(ancestors);
    let holder = ancestors[inner];
    let key = match holder.kind() {
        NodeKind::Entry => holder
            .key()
            .filter(|k| k.index < token.index)
            .map(TokenRef::string),
        // A quoted node name, or no place for a value.
        _ => return nothing(),
    };
    // Up to the closing quote on the line, when nothing but the rest of
    // the word is before it.
    let end = match token.unclosed() {
        true => offset,
        false => {
            let close = token.range().end
                - if token.kind() == TokenKind::String {
                    1
                } else {
                    3
                };
            let rest = token.tree.text().get(offset..close).unwrap_or(" ");
            if rest.contains([' ', '\t', '\n', '\r']) {
                offset
            } else {
                close
            }
        }
    };
    let value = At::Value {
        key,
        start,
        end,
        quoted: true,
    };
    reading(ancestors[..=inner].to_vec(), value)
}

/// The reading of a cursor held by `held` (the root first; the last is
/// the block at a name, the node or the entry at a value).
fn reading(held: Vec<NodeRef<'_>>, at: At) -> Cursor {
    let block = held
        .iter()
        .rposition(|n| matches!(n.kind(), NodeKind::Children | NodeKind::Document))
        .unwrap_or(0);
    // The node at the cursor, if any: not a sibling of itself.
    let own = held[block + 1..]
        .iter()
        .find(|n| n.kind() == NodeKind::Node)
        .copied();
    let siblings = held[block]
        .child_nodes()
        .filter(|n| n.kind() == NodeKind::Node && Some(*n) != own)
        .filter_map(|n| n.name().map(TokenRef::string))
        .collect();
    let (node, properties) = match (&at, own) {
        (At::Value { .. }, Some(node)) => {
            let entry = held.iter().rev().find(|n| n.kind() == NodeKind::Entry);
            let properties = node
                .child_nodes()
                .filter(|e| Some(e) != entry)
                .filter_map(|e| e.key().map(TokenRef::string))
                .collect();
            (node.name().map(TokenRef::string), properties)
        }
        _ => (None, Vec::new()),
    };
    Cursor {
        path: block_path(&held[..=block]),
        node,
        at,
        siblings,
        properties,
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    /// The cursor at the `|` of `marked`.
    fn cursor(marked: &str) -> Cursor {
        let offset = marked.find('|').unwrap();
        let text = marked.replacen('|', "", 1);
        parse(&text).cursor(offset)
    }

    fn path(c: &Cursor) -> Vec<&str> {
        c.path.iter().map(String::as_str).collect()
    }

    #[test]
    fn names_at_the_start_of_a_node() {
        let c = cursor("service \"a\" {\n    na|\n}");
        assert_eq!(path(&c), ["service"]);
        assert_eq!(c.at, At::Name { start: 18 });
        let c = cursor("service \"a\" {\n    sla \"s\" {\n        |");
        assert_eq!(path(&c), ["service", "sla"]);
        assert!(matches!(c.at, At::Name { .. }));
        let c = cursor("person \"a\" name=\"x\"\n|");
        assert!(path(&c).is_empty());
        assert_eq!(c.node, None);
        assert_eq!(c.at, At::Name { start: 20 });
        let c = cursor("|");
        assert_eq!(c.at, At::Name { start: 0 });
        let c = cursor("a {\n  b {}|\n}");
        assert_eq!(path(&c), ["a"]);
        assert!(matches!(c.at, At::Name { .. }));
    }

    #[test]
    fn values_quoted_and_not() {
        let c = cursor("service \"a\" {\n    function \"ri|");
        assert_eq!(c.node.as_deref(), Some("function"));
        assert_eq!(
            c.at,
            At::Value {
                key: None,
                start: 28,
                end: 30,
                quoted: true
            }
        );
        // A closed string is replaced up to its closing quote.
        let c = cursor("service \"a\" {\n    function \"ri|sk\"\n}");
        assert_eq!(
            c.at,
            At::Value {
                key: None,
                start: 28,
                end: 32,
                quoted: true
            }
        );
        let c = cursor("service \"a\" {\n    stage |");
        assert_eq!(c.node.as_deref(), Some("stage"));
        assert!(matches!(
            c.at,
            At::Value {
                key: None,
                quoted: false,
                ..
            }
        ));
        let c = cursor("service \"a\" {\n  offer \"x\" level=\"ma|");
        assert!(matches!(&c.at, At::Value { key: Some(k), quoted: true, .. } if k == "level"));
        let c = cursor("service \"a\" {\n  offer \"x\" level=ma|");
        assert!(matches!(&c.at, At::Value { key: Some(k), quoted: false, .. } if k == "level"));
        let c = cursor("service \"a\" {\n  offer \"x\" level=|");
        assert!(matches!(&c.at, At::Value { key: Some(k), start: 32, .. } if k == "level"));
        let c = cursor("service \"a\" {\n  offer \"x\" le|");
        assert_eq!(
            c.at,
            At::Value {
                key: None,
                start: 26,
                end: 28,
                quoted: false
            }
        );
    }

    #[test]
    fn strings_comments_and_braces_inside_them_are_skipped() {
        let c = cursor("service \"a{\" {\n  // }\n  /* } /* } */ } */\n  name \"}\"\n  |");
        assert_eq!(path(&c), ["service"]);
        let c = cursor("service \"a\" { // com|");
        assert_eq!(c.at, At::Nothing);
        let c = cursor("a #\"raw|");
        assert_eq!(c.at, At::Nothing);
        let c = cursor("a (ty|");
        assert_eq!(c.at, At::Nothing);
        let c = cursor("a /* b |");
        assert_eq!(c.at, At::Nothing);
        let c = cursor("a \"\"\"\nmulti|");
        assert!(matches!(c.at, At::Value { quoted: true, .. }));
        let c = cursor("a \"\"|\"");
        assert_eq!(c.at, At::Nothing);
        let c = cursor("a \"esc\\\"aped\" |");
        assert_eq!(c.node.as_deref(), Some("a"));
    }

    #[test]
    fn an_earlier_slip_hides_nothing() {
        // A stray `}` and a raw string never closed, on earlier lines.
        let c = cursor("}\nservice \"a\" {\n  name #\"x\n  stage |\n}");
        assert_eq!(path(&c), ["service"]);
        assert_eq!(c.node.as_deref(), Some("stage"));
        assert!(matches!(c.at, At::Value { quoted: false, .. }));
    }

    #[test]
    fn what_is_written_already() {
        let c = cursor(
            "service \"a\" {\n  name \"x\"\n  sla \"s\" {\n    period \"month\"\n  }\n  |\n  stage \"pilot\"\n}\nservice \"b\" {\n  owner \"o\"\n}",
        );
        assert_eq!(c.siblings, ["name", "sla", "stage"]);
        let c = cursor("service \"a\" {\n  name \"x\"\n}\nservice \"b\" {\n  |\n}");
        assert!(c.siblings.is_empty(), "{:?}", c.siblings);
        let c = cursor("service \"a\" {\n  offer \"x\" level=\"m\" |");
        assert_eq!(c.properties, ["level"]);
        assert!(c.siblings.is_empty(), "{:?}", c.siblings);
        // What is commented out is not written.
        let c = cursor("service \"a\" {\n  /-name \"x\"\n  |\n}");
        assert!(c.siblings.is_empty(), "{:?}", c.siblings);
    }

    #[test]
    fn tokens_and_their_holders() {
        let tree = parse("a {\n  b k=\"v\"\n}");
        assert!(parse("").token_at(0).is_none());
        let v = tree.token_at(10).unwrap();
        assert_eq!(v.text(), "\"v\"");
        assert_eq!(tree.token_before(10).unwrap().text(), "=");
        let kinds: Vec<NodeKind> = v.ancestors().iter().map(|n| n.kind()).collect();
        assert_eq!(
            kinds,
            [
                NodeKind::Document,
                NodeKind::Node,
                NodeKind::Children,
                NodeKind::Node,
                NodeKind::Entry
            ]
        );
        let held = v.ancestors();
        assert_eq!(block_path(&held), ["a"]);
        assert_eq!(held[4].key().unwrap().text(), "k");
        assert_eq!(held[3].name().unwrap().text(), "b");
        assert_eq!(tree.token_at(99).unwrap().text(), "}");
    }

    #[test]
    fn any_text_and_any_offset() {
        let texts = [
            "",
            "{{{",
            "}}}}",
            "\"",
            "/*",
            "a=\"",
            "é\u{1F600}\"x",
            "\\",
            "(",
            "#",
            "#rnicks=vicr##ns=vicr##n",
            "\"\"\"",
            "a ##\"raw\"## b=#\"x\"# |",
            "/-/-a /-{ b } (t)c=(u)d; e\\\n f",
        ];
        for text in texts {
            let tree = parse(text);
            for offset in 0..=text.len() + 2 {
                let c = tree.cursor(offset);
                if let At::Name { start } | At::Value { start, .. } = c.at {
                    assert!(start <= offset.min(text.len()), "{text:?} {offset}");
                }
            }
        }
    }
}

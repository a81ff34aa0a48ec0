//! The parser: tokens into the tree's nodes. A loop over an explicit
//! stack of open blocks (never recursion on the input); a slip is reported
//! once and parsing goes on: an unexpected token becomes an `Error` node,
//! an unclosed block is closed at the end of the text.

use super::{
    Dialect, MAX_TREE_BYTES, NodeData, NodeKind, SyntaxError, SyntaxErrorKind, TokenKind, Tree, lex,
};

pub(super) fn parse(text: &str, dialect: Dialect) -> Tree {
    let mut tokens = Vec::with_capacity(text.len() / 4);
    let mut errors = Vec::new();
    if text.len() >= MAX_TREE_BYTES {
        tokens.push((TokenKind::Error, 0));
        errors.push(SyntaxError {
            range: 0..0,
            kind: SyntaxErrorKind::Other,
            message: "the text is too large for a syntax tree".into(),
        });
        let tree = Tree {
            text: text.to_string(),
            tokens: vec![(TokenKind::Error, 0), (TokenKind::Error, 0)],
            nodes: vec![NodeData {
                kind: NodeKind::Document,
                first: 0,
                end: 1,
                next: 1,
            }],
            errors,
            dialect,
        };
        return tree;
    }
    lex::lex(text, dialect, &mut tokens, &mut errors);
    let mut p = Parser {
        dialect,
        kinds: tokens.iter().map(|t| t.0).collect(),
        starts: &tokens,
        text_len: text.len(),
        pos: 0,
        nodes: Vec::with_capacity(tokens.len() / 4),
        open: Vec::new(),
        errors: &mut errors,
    };
    p.run();
    // The lexer's slips and the parser's, in the order of the text.
    p.errors.sort_by_key(|e| e.range.start);
    let nodes = std::mem::take(&mut p.nodes);
    drop(p);
    tokens.push((TokenKind::Error, text.len() as u32));
    Tree {
        text: text.to_string(),
        tokens,
        nodes,
        errors,
        dialect,
    }
}

/// A node whose head is being read, or whose block is open.
#[derive(Clone, Copy)]
struct Current {
    /// The node is wrapped in a `/-`.
    slashdashed: bool,
    /// Its (not slashdashed) children block has been read.
    after_children: bool,
    /// A block, slashdashed or not, has been read: no more entries.
    after_block: bool,
}

/// An open block: the node holding it, its `{`, whether the block is `/-`'d.
struct Frame {
    node: Current,
    brace: usize,
    slashdashed: bool,
}

struct Parser<'a> {
    dialect: Dialect,
    kinds: Vec<TokenKind>,
    starts: &'a [(TokenKind, u32)],
    text_len: usize,
    pos: usize,
    nodes: Vec<NodeData>,
    /// The nodes started and not finished (indices into `nodes`).
    open: Vec<u32>,
    errors: &'a mut Vec<SyntaxError>,
}

enum Head {
    Done,
    Opened(Frame),
}

impl Parser<'_> {
    fn peek(&self) -> Option<TokenKind> {
        self.kinds.get(self.pos).copied()
    }

    fn range(&self, token: usize) -> std::ops::Range<usize> {
        let start = self
            .starts
            .get(token)
            .map_or(self.text_len, |t| t.1 as usize);
        let end = self
            .starts
            .get(token + 1)
            .map_or(self.text_len, |t| t.1 as usize);
        start..end
    }

    fn error_here(&mut self, message: impl Into<String>) {
        self.error_kind(SyntaxErrorKind::Other, message);
    }

    fn error_kind(&mut self, kind: SyntaxErrorKind, message: impl Into<String>) {
        let range = self.range(self.pos);
        self.errors.push(SyntaxError {
            range,
            kind,
            message: message.into(),
        });
    }

    fn start(&mut self, kind: NodeKind) {
        self.open.push(self.nodes.len() as u32);
        self.nodes.push(NodeData {
            kind,
            first: self.pos as u32,
            end: self.pos as u32,
            next: 0,
        });
    }

    fn finish(&mut self) {
        if let Some(i) = self.open.pop() {
            let next = self.nodes.len() as u32;
            let node = &mut self.nodes[i as usize];
            node.end = self.pos as u32;
            node.next = next;
        }
    }

    fn bump(&mut self) {
        self.pos += 1;
    }

    /// One token in an `Error` node, reported unless the lexer did.
    fn error_token(&mut self, message: &str) {
        self.error_token_kind(SyntaxErrorKind::Other, message);
    }

    fn error_token_kind(&mut self, kind: SyntaxErrorKind, message: &str) {
        if self.peek() != Some(TokenKind::Error) {
            self.error_kind(kind, message);
        }
        self.start(NodeKind::Error);
        self.bump();
        self.finish();
    }

    /// Whitespace, block comments and line continuations; whether any.
    fn node_space(&mut self) -> bool {
        let from = self.pos;
        while matches!(
            self.peek(),
            Some(TokenKind::Whitespace | TokenKind::BlockComment | TokenKind::Escline)
        ) {
            self.bump();
        }
        self.pos > from
    }

    /// Node space, line breaks and line comments.
    fn line_space(&mut self) {
        while self.peek().is_some_and(TokenKind::is_trivia) {
            self.bump();
        }
    }

    fn run(&mut self) {
        self.start(NodeKind::Document);
        let mut frames: Vec<Frame> = Vec::new();
        // The node whose head is read next, if not between nodes.
        let mut current: Option<Current> = None;
        loop {
            if let Some(node) = current.take() {
                match self.head(node) {
                    Head::Done => {}
                    Head::Opened(frame) => frames.push(frame),
                }
                continue;
            }
            self.line_space();
            match self.peek() {
                None => {
                    while let Some(frame) = frames.pop() {
                        self.errors.push(SyntaxError {
                            range: frame.brace..frame.brace + 1,
                            kind: SyntaxErrorKind::Unclosed,
                            message: "this `{` is never closed".into(),
                        });
                        self.close_block(&frame);
                        self.finish_node(frame.node);
                    }
                    break;
                }
                Some(TokenKind::RBrace) => match frames.pop() {
                    Some(frame) => {
                        self.bump();
                        self.close_block(&frame);
                        let mut node = frame.node;
                        node.after_children |= !frame.slashdashed;
                        node.after_block = true;
                        current = Some(node);
                    }
                    None => {
                        self.error_token_kind(SyntaxErrorKind::Stray, "found `}` with no `{` open")
                    }
                },
                Some(TokenKind::Slashdash) => {
                    self.start(NodeKind::Slashdash);
                    self.bump();
                    self.line_space();
                    if self.starts_node() {
                        self.start(NodeKind::Node);
                        current = Some(Current {
                            slashdashed: true,
                            after_children: false,
                            after_block: false,
                        });
                    } else {
                        self.error_here("`/-` comments out nothing here: a node should follow");
                        self.finish();
                    }
                }
                Some(TokenKind::Semi) => self.error_token("found `;` where a node should start"),
                Some(_) if self.starts_node() => {
                    self.start(NodeKind::Node);
                    current = Some(Current {
                        slashdashed: false,
                        after_children: false,
                        after_block: false,
                    });
                }
                Some(_) => self.error_token("expected a node"),
            }
        }
        self.pos = self.kinds.len();
        self.finish();
    }

    fn starts_node(&self) -> bool {
        self.peek()
            .is_some_and(|k| k.is_value() || k == TokenKind::LParen)
    }

    fn close_block(&mut self, frame: &Frame) {
        self.finish(); // Children
        if frame.slashdashed {
            self.finish();
        }
    }

    fn finish_node(&mut self, node: Current) {
        self.finish();
        if node.slashdashed {
            self.finish();
        }
    }

    /// Reads a node's head (name first if not yet read) up to its end or
    /// the `{` of a block.
    fn head(&mut self, node: Current) -> Head {
        let named = node.after_block
            || self.nodes[*self.open.last().unwrap_or(&0) as usize].first != self.pos as u32;
        if !named {
            self.name();
        }
        loop {
            let spaced = self.node_space();
            match self.peek() {
                None | Some(TokenKind::RBrace) => break,
                Some(TokenKind::Newline | TokenKind::Semi) => {
                    self.bump();
                    break;
                }
                Some(TokenKind::LineComment) => {
                    self.bump();
                    if self.peek() == Some(TokenKind::Newline) {
                        self.bump();
                    }
                    break;
                }
                Some(TokenKind::LBrace) => {
                    if node.after_children {
                        self.error_here("a node has one children block; this is a second");
                    }
                    return self.open_block(node, false);
                }
                Some(TokenKind::Slashdash) => {
                    self.start(NodeKind::Slashdash);
                    self.bump();
                    self.line_space();
                    if self.peek() == Some(TokenKind::LBrace) {
                        return self.open_block(node, true);
                    }
                    if self.starts_node() {
                        if node.after_block {
                            self.error_here("entries come before the children block");
                        }
                        self.entry();
                    } else {
                        self.error_here(
                            "`/-` comments out nothing here: an entry or a block should follow",
                        );
                    }
                    self.finish();
                }
                Some(_) if self.starts_node() => {
                    if node.after_block {
                        self.error_here("entries come before the children block");
                    } else if !spaced {
                        self.error_kind(
                            SyntaxErrorKind::MissingSpace,
                            "expected a space before this value",
                        );
                    }
                    self.entry();
                }
                Some(TokenKind::Eq) => self.error_token("found `=` with no key before it"),
                Some(_) => self.error_token("expected a value"),
            }
        }
        self.finish_node(node);
        Head::Done
    }

    fn open_block(&mut self, node: Current, slashdashed: bool) -> Head {
        let brace = self.range(self.pos).start;
        self.start(NodeKind::Children);
        self.bump();
        Head::Opened(Frame {
            node,
            brace,
            slashdashed,
        })
    }

    /// A node's annotation and name.
    fn name(&mut self) {
        if self.peek() == Some(TokenKind::LParen) {
            self.annotation();
            self.node_space();
        }
        match self.peek() {
            Some(k) if k.is_string() => self.bump(),
            Some(TokenKind::Number | TokenKind::Keyword) => {
                self.error_token("a node's name is a string; quote it");
            }
            _ => self.error_here("expected a node name"),
        }
    }

    /// `(type)`.
    fn annotation(&mut self) {
        self.start(NodeKind::Type);
        self.bump();
        self.node_space();
        if self.peek().is_some_and(TokenKind::is_string) {
            self.bump();
        } else {
            self.error_here("expected a type name, a string");
        }
        self.node_space();
        if self.peek() == Some(TokenKind::RParen) {
            self.bump();
        } else {
            self.error_here("expected `)` closing the type annotation");
        }
        self.finish();
    }

    /// An argument or a property.
    fn entry(&mut self) {
        self.start(NodeKind::Entry);
        let typed = self.peek() == Some(TokenKind::LParen);
        if typed {
            self.annotation();
            self.node_space();
        }
        if self.is_key() {
            if typed {
                self.error_here("a type annotation goes on the property's value, after `=`");
            }
            if self.peek() != Some(TokenKind::Error)
                && !self.peek().is_some_and(TokenKind::is_string)
            {
                self.error_here("a property's key is a string");
            }
            self.bump();
            self.node_space();
            self.bump(); // `=`
            self.node_space();
            if self.peek() == Some(TokenKind::LParen) {
                self.annotation();
                self.node_space();
            }
        }
        match self.peek() {
            Some(TokenKind::Ident) if self.dialect == Dialect::V1 => {
                self.error_here(
                    "a KDL 1.0 value is a string, a number, `true`, `false` or `null`: quote this word",
                );
                self.bump();
            }
            Some(k) if k.is_value() => self.bump(),
            _ => self.error_here("expected a value"),
        }
        self.finish();
    }

    /// Whether a value token here is followed by `=` (a property's key).
    fn is_key(&self) -> bool {
        if !self.peek().is_some_and(TokenKind::is_value) {
            return false;
        }
        let mut at = self.pos + 1;
        while matches!(
            self.kinds.get(at),
            Some(TokenKind::Whitespace | TokenKind::BlockComment | TokenKind::Escline)
        ) {
            at += 1;
        }
        self.kinds.get(at) == Some(&TokenKind::Eq)
    }
}

//! The lossless KDL syntax tree, in a 2.0 and a 1.0 dialect, that the
//! compile path, `fmt` and the language server read (`syntax::parse`).
//! [`parse()`] turns any text into a [`Tree`] and never fails:
//! every byte belongs to exactly one token (whitespace, line breaks,
//! comments, line continuations and `/-` included), so the tree's text is
//! the input byte for byte; a slip becomes an error token or node, is listed
//! once in [`Tree::errors`] with its range, and parsing goes on.
//!
//! [`parse_v1`] reads KDL 1.0 into the same kinds of token and node
//! ([`Dialect`]): one tree for both versions. [`TokenRef::v2_spelling`]
//! gives a 1.0 token's KDL 2.0 spelling and [`Tree::v2_text`] the whole
//! file's, trivia kept, so a 1.0 file converts to 2.0 on its tree.
//!
//! - `lex`: the text into tokens (strings, numbers and comments judged here);
//! - `parse`: the tokens into nodes with an explicit stack of open blocks
//!   (no recursion on the input, so any depth of `{` is safe);
//! - `value`: what a string, number or keyword token means;
//! - `at`: what is at an offset (a token, the nodes holding it, and what
//!   an editor's cursor there is writing: completion and hover read it);
//! - `document`: the tree read as a [`crate::syntax::Document`]
//!   (`tests/it/kdl_spec.rs` holds it to the `kdl` crate's documents).
//!
//! The representation is a flat arena: tokens are a kind and a start
//! offset; nodes are stored in preorder, each a kind, its token range and
//! the index after its subtree, so a node's text is one slice of the input
//! and its children are found by skipping subtrees. Two allocations per
//! file beside the text, no dependency, no reference counting; rowan's
//! green/red trees (the field's standard, with cheap incremental reuse)
//! were prototyped on the same parse and found 2.5× slower to build and
//! 6–7× slower to walk for the same memory (ARCHITECTURE.md, `syntax`). `benches/tree.rs` measures the speed
//! on the scale bench's portfolio against the issue's 60 MB/s budget.

mod at;
mod document;
mod lex;
mod parse;
mod value;

use std::ops::Range;

/// The kinds of token. Trivia: whitespace, line breaks, comments, `\`
/// continuations, the byte order mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum TokenKind {
    Bom,
    Whitespace,
    Newline,
    LineComment,
    BlockComment,
    /// `\` with the rest of its line (spaces, a comment, the line break).
    Escline,
    /// `/-`.
    Slashdash,
    /// A bare identifier string.
    Ident,
    /// `"…"` (in KDL 1.0 it may span lines).
    String,
    /// `"""…"""`.
    MultiString,
    /// `#"…"#`, `#"""…"""#`, any number of `#`; in KDL 1.0 `r"…"`, `r#"…"#`.
    RawString,
    Number,
    /// `#true`, `#false`, `#null`, `#inf`, `#-inf`, `#nan`; in KDL 1.0 bare
    /// `true`, `false`, `null`.
    Keyword,
    LBrace,
    RBrace,
    LParen,
    RParen,
    Eq,
    Semi,
    /// Bytes that make no token: already reported.
    Error,
}

impl TokenKind {
    /// Whether the token is trivia (no meaning in the document).
    pub fn is_trivia(self) -> bool {
        matches!(
            self,
            Self::Bom
                | Self::Whitespace
                | Self::Newline
                | Self::LineComment
                | Self::BlockComment
                | Self::Escline
        )
    }

    /// Whether the token is a string (a name, a key or a value).
    pub fn is_string(self) -> bool {
        matches!(
            self,
            Self::Ident | Self::String | Self::MultiString | Self::RawString
        )
    }

    /// Whether the token is a value.
    pub fn is_value(self) -> bool {
        self.is_string() || matches!(self, Self::Number | Self::Keyword)
    }
}

/// The kinds of node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum NodeKind {
    /// The whole file (the root, always index 0).
    Document,
    /// A KDL node: annotation, name, entries, children block, terminator.
    Node,
    /// An argument or a property: annotation, key and `=`, value.
    Entry,
    /// `(type)`.
    Type,
    /// `{ … }`.
    Children,
    /// `/-` and what it comments out (a node, an entry or a block).
    Slashdash,
    /// Tokens that belong nowhere, already reported.
    Error,
}

/// A slip: where, what kind, and what is wrong in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub range: Range<usize>,
    pub kind: SyntaxErrorKind,
    pub message: String,
}

/// The kinds of slip the syntax findings word apart; the rest are told by
/// their message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SyntaxErrorKind {
    /// A token that does not lex (a string, comment, number, escape,
    /// keyword or character): the lexer's.
    Token,
    /// A value written against the one before it, with no space.
    MissingSpace,
    /// A `{` still open at the end of the text.
    Unclosed,
    /// A `}` with no `{` open.
    Stray,
    /// Any other slip of the parser.
    Other,
}

#[derive(Debug, Clone, Copy)]
struct NodeData {
    kind: NodeKind,
    /// The first token and the one after the last.
    first: u32,
    end: u32,
    /// The node index after this node's subtree.
    next: u32,
}

/// A parsed file: the text, its tokens, its nodes and its slips.
#[derive(Debug, Clone)]
pub struct Tree {
    text: String,
    /// Each token's kind and start; the token ends where the next starts
    /// (a last sentinel starts at the text's end).
    tokens: Vec<(TokenKind, u32)>,
    nodes: Vec<NodeData>,
    errors: Vec<SyntaxError>,
    dialect: Dialect,
}

/// The version of KDL a tree reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Dialect {
    /// KDL 2.0.
    #[default]
    V2,
    /// KDL 1.0: bare `true`/`false`/`null`, `r#"…"#` raw strings, quoted
    /// strings that span lines, 1.0's escapes, identifiers and numbers;
    /// bare words are names and keys, not values.
    V1,
}

/// Files of 4 GiB or more are not parsed into a tree (offsets are `u32`);
/// [`crate::syntax::MAX_FILE_BYTES`] refuses them long before.
pub const MAX_TREE_BYTES: usize = u32::MAX as usize;

/// Parses any text into its tree. Never fails: a text of [`MAX_TREE_BYTES`]
/// or more is one error token with one error.
pub fn parse(text: &str) -> Tree {
    parse::parse(text, Dialect::V2)
}

/// Parses any text as KDL 1.0 into its tree, as [`parse()`] does 2.0.
pub fn parse_v1(text: &str) -> Tree {
    parse::parse(text, Dialect::V1)
}

/// Parses any text in the dialect given.
pub fn parse_with(text: &str, dialect: Dialect) -> Tree {
    parse::parse(text, dialect)
}

/// A node of a tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeRef<'t> {
    tree: &'t Tree,
    index: u32,
}

/// A token of a tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenRef<'t> {
    tree: &'t Tree,
    index: u32,
}

/// A node's child: a node or a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element<'t> {
    Node(NodeRef<'t>),
    Token(TokenRef<'t>),
}

impl PartialEq for Tree {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}
impl Eq for Tree {}

impl Tree {
    /// The text parsed.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The version of KDL the tree was read as.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The file spelled in KDL 2.0: every token's [`TokenRef::v2_spelling`],
    /// so comments, whitespace and layout are kept. For a 1.0 tree without
    /// errors it reads in 2.0 as the same document; a 2.0 tree's text is
    /// returned as it is.
    pub fn v2_text(&self) -> String {
        if self.dialect == Dialect::V2 {
            return self.text.clone();
        }
        let mut out = String::with_capacity(self.text.len() + self.text.len() / 16);
        for t in self.tokens() {
            out.push_str(&t.v2_spelling());
        }
        out
    }

    /// The slips, in the order found (by position within each pass).
    pub fn errors(&self) -> &[SyntaxError] {
        &self.errors
    }

    /// The root node ([`NodeKind::Document`]).
    pub fn root(&self) -> NodeRef<'_> {
        NodeRef {
            tree: self,
            index: 0,
        }
    }

    /// Every token, in order.
    pub fn tokens(&self) -> impl Iterator<Item = TokenRef<'_>> {
        (0..self.tokens.len() as u32 - 1).map(|index| TokenRef { tree: self, index })
    }

    fn token_start(&self, index: u32) -> usize {
        self.tokens[index as usize].1 as usize
    }
}

impl<'t> NodeRef<'t> {
    pub fn kind(self) -> NodeKind {
        self.data().kind
    }

    fn data(self) -> NodeData {
        self.tree.nodes[self.index as usize]
    }

    /// The byte range of the node's text.
    pub fn range(self) -> Range<usize> {
        let d = self.data();
        self.tree.token_start(d.first)..self.tree.token_start(d.end)
    }

    /// The node's text, trivia included.
    pub fn text(self) -> &'t str {
        &self.tree.text[self.range()]
    }

    /// The node's children, nodes and tokens, in order.
    pub fn children(self) -> impl Iterator<Item = Element<'t>> {
        let tree = self.tree;
        let d = self.data();
        let mut token = d.first;
        let mut child = self.index + 1;
        std::iter::from_fn(move || {
            if token >= d.end {
                return None;
            }
            if child < d.next && tree.nodes[child as usize].first == token {
                let node = NodeRef { tree, index: child };
                let c = tree.nodes[child as usize];
                token = c.end;
                child = c.next;
                return Some(Element::Node(node));
            }
            let t = TokenRef { tree, index: token };
            token += 1;
            Some(Element::Token(t))
        })
    }

    /// The child nodes alone.
    pub fn child_nodes(self) -> impl Iterator<Item = NodeRef<'t>> {
        self.children().filter_map(|e| match e {
            Element::Node(n) => Some(n),
            Element::Token(_) => None,
        })
    }

    /// The child tokens alone.
    pub fn child_tokens(self) -> impl Iterator<Item = TokenRef<'t>> {
        self.children().filter_map(|e| match e {
            Element::Token(t) => Some(t),
            Element::Node(_) => None,
        })
    }
}

impl<'t> TokenRef<'t> {
    pub fn kind(self) -> TokenKind {
        self.tree.tokens[self.index as usize].0
    }

    pub fn range(self) -> Range<usize> {
        self.tree.token_start(self.index)..self.tree.token_start(self.index + 1)
    }

    pub fn text(self) -> &'t str {
        &self.tree.text[self.range()]
    }

    /// The token as KDL 2.0 writes it, for converting a KDL 1.0 file:
    /// its text when 2.0 reads that the same (always in a 2.0 tree), else
    /// the same value respelled: `true` → `#true`, `null` → `#null`,
    /// `r#"a"#` → `#"a"#` (`r"a"` → `#"a"#`; a raw string spanning lines
    /// becomes a quoted one), `"a\/b"` → `"a/b"`, a quoted string spanning
    /// lines re-escaped (`\n`), a bare name 2.0 reads otherwise (`inf`,
    /// `a#b`, `.5`) quoted; in a line comment, U+000B (a line break in 2.0
    /// alone) becomes a space. A token with a slip is returned as written.
    pub fn v2_spelling(self) -> std::borrow::Cow<'t, str> {
        value::v2_spelling(self.kind(), self.text(), self.tree.dialect)
    }
}

pub use at::{At, Cursor, block_path};
pub use document::document;

//! The KDL 1.0 fallback: a file the 2.0 reader rejects is read as KDL 1.0
//! by the syntax tree's 1.0 dialect ([`tree::parse_v1`]), so catalogues
//! written before KDL 2.0 still read. The tree never recurses and reads in
//! linear time, so any file the 2.0 reader takes is tried; children nest
//! at most [`MAX_DEPTH`] deep, as in 2.0.

use super::tree::{self, TokenKind};
use super::{Document, MAX_DEPTH};
use crate::base::FileId;

/// The file as KDL 1.0, when it reads without a slip and nests children
/// at most [`MAX_DEPTH`] deep.
pub(super) fn parse(file: FileId, text: &str) -> Option<Document> {
    let t = tree::parse_v1(text);
    if !t.errors().is_empty() || depth(&t) > MAX_DEPTH {
        return None;
    }
    Some(tree::document(file, &t))
}

/// How deep children blocks nest (slashdashed ones included, as the 2.0
/// reader counts them): braces are tokens of their own, never inside a
/// string or a comment.
fn depth(t: &tree::Tree) -> usize {
    let (mut depth, mut deepest) = (0usize, 0);
    for token in t.tokens() {
        match token.kind() {
            TokenKind::LBrace => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            TokenKind::RBrace => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

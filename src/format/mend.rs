//! What the `kdl` crate (6.7) loses or refuses in a KDL 2.0 text, mended
//! around it so the printer sees the whole file:
//!
//! - [`numbers`]: an integer beyond `i128` is refused by the crate, while
//!   the compile path reads it as the nearest float; each such value (found
//!   by the compile path's reader) is handed to the crate as `0` and its
//!   text written back as its spelling afterwards ([`Numbers::restore`]);
//! - [`trivia`]: after a children block, the crate keeps neither the blanks
//!   and block comments before the node's end nor a `//` comment ending
//!   its line (`a { b } /* c */ // d`); they are taken back from the text
//!   by the node's span.

use kdl::{KdlDocument, KdlNode};

use super::trivia as scan;
use crate::syntax::Node;

/// Integer values written in place of `0`: by the end of the placeholder
/// in the text given to the crate, the value as written.
pub(super) struct Numbers(Vec<(usize, String)>);

/// `text` (the body after any byte-order mark, which is `shift` bytes)
/// with every integer beyond `i128` among `nodes`' values as `0`.
pub(super) fn numbers(text: &str, nodes: &[Node], shift: usize) -> (String, Numbers) {
    let mut spans = Vec::new();
    let mut stack: Vec<&[Node]> = vec![nodes];
    while let Some(nodes) = stack.pop() {
        for node in nodes {
            for entry in &node.entries {
                let span = entry.value_span;
                let (Some(start), Some(end)) = (
                    (span.start as usize).checked_sub(shift),
                    (span.end as usize).checked_sub(shift),
                ) else {
                    continue;
                };
                if text.get(start..end).is_some_and(beyond_i128) {
                    spans.push((start, end));
                }
            }
            stack.extend(node.children.as_deref());
        }
    }
    spans.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut written = Vec::new();
    let mut at = 0;
    for (start, end) in spans {
        out.push_str(&text[at..start]);
        out.push('0');
        written.push((out.len(), text[start..end].to_string()));
        at = end;
    }
    out.push_str(&text[at..]);
    (out, Numbers(written))
}

/// An integer literal (sign, `0x`/`0o`/`0b`, digits and `_`) whose value
/// does not fit `i128` (its magnitude, so `i128::MIN` too: the crate reads
/// the magnitude first).
fn beyond_i128(literal: &str) -> bool {
    let digits = literal.trim_start_matches(['+', '-']);
    let (radix, digits) = match digits.get(..2) {
        Some("0x") => (16, &digits[2..]),
        Some("0o") => (8, &digits[2..]),
        Some("0b") => (2, &digits[2..]),
        _ if digits.contains(['.', 'e', 'E']) => return false,
        _ => (10, digits),
    };
    let digits: String = digits.chars().filter(|&c| c != '_').collect();
    !digits.is_empty()
        && digits.chars().all(|c| c.is_digit(radix))
        && i128::from_str_radix(&digits, radix).is_err()
}

impl Numbers {
    /// Each placeholder's entry given back the spelling it stands for.
    pub(super) fn restore(&self, doc: &mut KdlDocument) {
        if self.0.is_empty() {
            return;
        }
        let mut stack = vec![doc];
        while let Some(doc) = stack.pop() {
            for node in doc.nodes_mut() {
                for entry in node.entries_mut() {
                    let end = entry.span().offset() + entry.span().len();
                    if let Ok(k) = self.0.binary_search_by_key(&end, |(at, _)| *at)
                        && let Some(format) = entry.format_mut()
                    {
                        format.value_repr.clone_from(&self.0[k].1);
                    }
                }
                if let Some(children) = node.children_mut() {
                    stack.push(children);
                }
            }
        }
    }
}

/// The blanks, block comments and `//` comment the crate dropped after
/// each children block of `doc` (read from `text`), put back into the
/// node's `before_terminator` and `terminator`.
pub(super) fn trivia(doc: &mut KdlDocument, text: &str) {
    let mut stack = vec![doc];
    while let Some(doc) = stack.pop() {
        for node in doc.nodes_mut() {
            if node.children().is_some() {
                after_children(node, text);
            }
            if let Some(children) = node.children_mut() {
                stack.push(children);
            }
        }
    }
}

fn after_children(node: &mut KdlNode, text: &str) {
    let span = node.span();
    let (start, end) = (span.offset(), span.offset() + span.len());
    let Some(whole) = text.get(start..end) else {
        return;
    };
    // The node's span ends after the blanks that follow its last `}` (of
    // its block, or of a `/-` block after it).
    let Some(close) = scan::scan(whole).last_close else {
        return;
    };
    let dropped = &whole[close..];
    let Some(format) = node.format_mut() else {
        return;
    };
    format.before_terminator.push_str(dropped);
    if format.terminator.is_empty() {
        format.terminator = terminator(&text[end..]).to_string();
    }
}

/// The node terminator at the start of `rest`: a `;`, a line break, or a
/// `//` comment through its line break; nothing at the end or before `}`.
fn terminator(rest: &str) -> &str {
    if rest.starts_with(';') {
        return &rest[..1];
    }
    if let Some(len) = scan::newline_at(rest, 0) {
        return &rest[..len];
    }
    if rest.starts_with("//") {
        let end = scan::line_end(rest, 0);
        return &rest[..end + scan::newline_at(rest, end).unwrap_or(0)];
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_beyond_i128() {
        for big in [
            "170141183460469231731687303715884105728",
            "-170141183460469231731687303715884105728",
            "+1_000_000_000_000_000_000_000_000_000_000_000_000_000",
            "0xffffffffffffffffffffffffffffffffff",
            "0b1_0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        ] {
            assert!(beyond_i128(big), "{big}");
        }
        for not in [
            "170141183460469231731687303715884105727",
            "1e400",
            "1.0",
            "#inf",
            "\"99999999999999999999999999999999999999999\"",
            "0x",
        ] {
            assert!(!beyond_i128(not), "{not}");
        }
    }

    #[test]
    fn the_terminator_after_a_block() {
        assert_eq!(terminator("// c\r\nb"), "// c\r\n");
        assert_eq!(terminator("// c"), "// c");
        assert_eq!(terminator(";b"), ";");
        assert_eq!(terminator("\nb"), "\n");
        assert_eq!(terminator("}"), "");
    }
}

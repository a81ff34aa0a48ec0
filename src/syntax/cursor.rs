//! What surrounds a cursor in a text that may not parse (the line being
//! typed rarely does): the blocks that hold it and what is being written
//! there, a node's name, a value or a bare word. A tolerant scan of the
//! text before the cursor, as KDL reads it: strings (quoted, raw and
//! multi-line, with escapes), comments (line, nested block), type
//! annotations, `;` and line breaks ending nodes, `\` continuing a line.
//! The language server completes from it.

/// What the cursor is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// The names of the nodes whose blocks hold the cursor, outermost
    /// first.
    pub path: Vec<String>,
    /// The node being written, when its name is written before the cursor.
    pub node: Option<String>,
    pub at: At,
}

/// What is being written at the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum At {
    /// A node's name, from `start` (the cursor is at or after it).
    Name { start: usize },
    /// A value: an argument (`key` is `None`: unquoted, it may also be a
    /// property's name being written) or the value of the property `key`,
    /// from `start`; `quoted` when the cursor is inside its quotes (`start`
    /// is then just after the opening quote).
    Value {
        key: Option<String>,
        start: usize,
        quoted: bool,
    },
    /// A comment, a raw string or an annotation: nothing to complete.
    Nothing,
}

/// Where a token began and what it holds so far.
struct Token {
    start: usize,
    /// The byte after the key's `=`, for `key=…`.
    equals: Option<usize>,
}

/// The scan's state.
struct Scan<'t> {
    text: &'t str,
    path: Vec<String>,
    node: Option<String>,
}

impl Scan<'_> {
    fn end_node(&mut self) {
        self.node = None;
    }

    /// A bare token `[start, end)` is complete.
    fn finish(&mut self, start: usize, end: usize) {
        if self.node.is_none() {
            self.node = Some(self.text[start..end].to_string());
        }
    }
}

/// The cursor at byte `offset` of `text` (clamped onto a character
/// boundary inside the text).
pub fn at(text: &str, offset: usize) -> Cursor {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let bytes = text.as_bytes();
    let mut scan = Scan {
        text,
        path: Vec::new(),
        node: None,
    };
    let mut token: Option<Token> = None;
    let mut i = 0;
    let done = |scan: Scan, at: At| Cursor {
        path: scan.path,
        node: scan.node,
        at,
    };
    while i < offset {
        let b = bytes[i];
        // A token ends at whitespace and at the delimiters.
        let delimiter = matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b';' | b'{' | b'}' | b'(')
            || text[i..].starts_with("//")
            || text[i..].starts_with("/*")
            || text[i..].starts_with('\u{a0}');
        if delimiter && let Some(t) = token.take() {
            scan.finish(t.start, i);
        }
        match b {
            b'\n' | b'\r' | b';' => {
                scan.end_node();
                i += 1;
            }
            b'\\' => {
                // A line continuation: the node goes on past the break.
                match text[i + 1..offset].find('\n') {
                    Some(n) => i += n + 2,
                    None => return done(scan, At::Nothing),
                }
            }
            b'{' => {
                let name = scan.node.take().unwrap_or_default();
                scan.path.push(name);
                i += 1;
            }
            b'}' => {
                scan.path.pop();
                scan.end_node();
                i += 1;
            }
            b'/' if text[i..].starts_with("//") => match text[i..offset].find('\n') {
                Some(n) => i += n,
                None => return done(scan, At::Nothing),
            },
            b'/' if text[i..].starts_with("/*") => match block_comment_end(&text[i..offset]) {
                Some(n) => i += n,
                None => return done(scan, At::Nothing),
            },
            b'/' if text[i..].starts_with("/-") => i += 2,
            b'(' => match text[i..offset].find(')') {
                Some(n) => i += n + 1,
                None => return done(scan, At::Nothing),
            },
            b'"' => {
                let key = token.as_ref().and_then(|t| {
                    let eq = t.equals?;
                    Some(text[t.start..eq - 1].to_string())
                });
                let begun = token.take().map_or(i, |t| t.start);
                let triple = text[i..].starts_with("\"\"\"");
                let open = if triple { 3 } else { 1 };
                match string_end(&text[i + open..offset], triple) {
                    Some(n) => {
                        i += open + n;
                        scan.finish(begun, i);
                    }
                    None => {
                        let at = At::Value {
                            key,
                            start: i + open,
                            quoted: true,
                        };
                        return done(scan, at);
                    }
                }
            }
            b'#' if text[i..].starts_with("#\"") || text[i..].starts_with("##") => {
                let hashes = text[i..].bytes().take_while(|&c| c == b'#').count();
                let close = format!("\"{}", "#".repeat(hashes));
                match text[i + hashes + 1..offset].find(&close) {
                    Some(n) => {
                        i += hashes + 1 + n + close.len();
                        let begun = token.take().map_or(i, |t| t.start);
                        scan.finish(begun, i);
                    }
                    None => return done(scan, At::Nothing),
                }
            }
            b' ' | b'\t' => i += 1,
            _ if text[i..].starts_with('\u{a0}') => i += 2,
            b'=' => {
                if let Some(t) = token.as_mut() {
                    t.equals = Some(i + 1);
                }
                i += 1;
            }
            _ => {
                if token.is_none() {
                    token = Some(Token {
                        start: i,
                        equals: None,
                    });
                }
                i += text[i..].chars().next().map_or(1, char::len_utf8);
            }
        }
    }
    let at = match token {
        Some(Token {
            start,
            equals: Some(eq),
        }) => At::Value {
            key: Some(text[start..eq - 1].to_string()),
            start: eq,
            quoted: false,
        },
        Some(Token { start, .. }) if scan.node.is_none() => At::Name { start },
        None if scan.node.is_none() => At::Name { start: offset },
        Some(Token { start, .. }) => At::Value {
            key: None,
            start,
            quoted: false,
        },
        None => At::Value {
            key: None,
            start: offset,
            quoted: false,
        },
    };
    done(scan, at)
}

/// The length of a nested block comment at the start of `text`, if it
/// closes in it.
fn block_comment_end(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i + 1 < bytes.len() {
        match &bytes[i..i + 2] {
            b"/*" => {
                depth += 1;
                i += 2;
            }
            b"*/" => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// The length of a quoted string's rest (after its opening quote), closing
/// quote included, if it closes in `text`.
fn string_end(text: &str, triple: bool) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' if !triple => return Some(i + 1),
            b'"' if text[i..].starts_with("\"\"\"") => return Some(i + 3),
            b'\n' | b'\r' if !triple => return None,
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cursor at the `|` of `marked`.
    fn cursor(marked: &str) -> Cursor {
        let offset = marked.find('|').unwrap();
        let text = marked.replacen('|', "", 1);
        at(&text, offset)
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
        let c = cursor("service \"a\" {\n  offer \"x\" le|");
        assert!(matches!(
            c.at,
            At::Value {
                key: None,
                start: 26,
                quoted: false
            }
        ));
    }

    #[test]
    fn strings_comments_and_braces_inside_them_are_skipped() {
        let c = cursor("service \"a{\" {\n  // }\n  /* } /* } */ } */\n  name \"}\"\n  |");
        assert_eq!(path(&c), ["service"]);
        let c = cursor("service \"a\" { // com|");
        assert_eq!(c.at, At::Nothing);
        let c = cursor("a #\"raw|");
        assert_eq!(c.at, At::Nothing);
        let c = cursor("a \"\"\"\nmulti|");
        assert!(matches!(c.at, At::Value { quoted: true, .. }));
        let c = cursor("a \"esc\\\"aped\" |");
        assert_eq!(c.node.as_deref(), Some("a"));
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
        ];
        for text in texts {
            for offset in 0..=text.len() + 2 {
                let _ = at(text, offset);
            }
        }
    }
}

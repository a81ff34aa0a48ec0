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
    /// The names of the other nodes in the innermost block (before and
    /// after the cursor's line), and the properties the node being written
    /// gives before the cursor: what is written already.
    pub siblings: Vec<String>,
    pub properties: Vec<String>,
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

/// Where a scan ended.
struct Walked {
    path: Vec<String>,
    node: Option<String>,
    properties: Vec<String>,
    at: At,
}

/// The scan's state.
struct Scan<'t, 'f> {
    text: &'t str,
    path: Vec<String>,
    node: Option<String>,
    /// The properties the node gives so far.
    properties: Vec<String>,
    /// Told each node's name with its depth; `false` stops the scan.
    named: &'f mut dyn FnMut(usize, &str) -> bool,
    stopped: bool,
}

impl Scan<'_, '_> {
    fn end_node(&mut self) {
        self.node = None;
        self.properties.clear();
    }

    /// A token `[start, end)` is complete.
    fn finish(&mut self, start: usize, end: usize, equals: Option<usize>) {
        if self.node.is_none() {
            let name = &self.text[start..end];
            self.stopped |= !(self.named)(self.path.len(), name);
            self.node = Some(name.to_string());
        } else if let Some(eq) = equals {
            self.properties.push(self.text[start..eq - 1].to_string());
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
    let mut siblings = Vec::new();
    let scan = walk(text, 0, offset, &mut |depth, name| {
        // A node at this depth closes every deeper block before it.
        siblings.truncate(depth + 1);
        siblings.resize(depth + 1, Vec::new());
        siblings[depth].push(name.to_string());
        true
    });
    let depth = scan.path.len();
    siblings.resize(depth + 1, Vec::new());
    let mut siblings = std::mem::take(&mut siblings[depth]);
    // The block goes on after the cursor's line, until it closes.
    let rest = &text[offset..];
    if let Some(line_end) = rest.find('\n') {
        let from = offset + line_end + 1;
        walk(text, from, text.len(), &mut |depth, name| {
            if depth == 0 {
                siblings.push(name.to_string());
            }
            true
        });
    }
    if scan.node.is_some() {
        // The node at the cursor was counted among the ones before it.
        siblings.pop();
    }
    Cursor {
        path: scan.path,
        node: scan.node,
        at: scan.at,
        siblings,
        properties: scan.properties,
    }
}

/// Scans `text[from..to]`, telling `named` each node's name and depth,
/// until `to`, a `}` closing the block the scan began in, or `named`
/// says stop. Returns the state there and what is being written.
fn walk(text: &str, from: usize, to: usize, named: &mut dyn FnMut(usize, &str) -> bool) -> Walked {
    let offset = to;
    let bytes = text.as_bytes();
    let mut scan = Scan {
        text,
        path: Vec::new(),
        node: None,
        properties: Vec::new(),
        named,
        stopped: false,
    };
    let mut token: Option<Token> = None;
    let mut i = from;
    let done = |scan: Scan, at| Walked {
        path: scan.path,
        node: scan.node,
        properties: scan.properties,
        at,
    };
    while i < offset && !scan.stopped {
        let b = bytes[i];
        // A token ends at whitespace and at the delimiters.
        let delimiter = matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b';' | b'{' | b'}' | b'(')
            || text[i..].starts_with("//")
            || text[i..].starts_with("/*")
            || text[i..].starts_with('\u{a0}');
        if delimiter && let Some(t) = token.take() {
            scan.finish(t.start, i, t.equals);
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
                if scan.path.pop().is_none() {
                    return done(scan, At::Nothing);
                }
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
                let taken = token.take();
                let equals = taken.as_ref().and_then(|t| t.equals);
                let begun = taken.as_ref().map_or(i, |t| t.start);
                let key = equals.map(|eq| text[begun..eq - 1].to_string());
                let triple = text[i..].starts_with("\"\"\"");
                let open = if triple { 3 } else { 1 };
                // The cursor within the opening quotes: nothing to complete.
                let Some(rest) = text.get(i + open..offset) else {
                    return done(scan, At::Nothing);
                };
                match string_end(rest, triple) {
                    Some(n) => {
                        i += open + n;
                        scan.finish(begun, i, equals);
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
            b'#' if raw_string(&text[i..]) => {
                let hashes = text[i..].bytes().take_while(|&c| c == b'#').count();
                let close = format!("\"{}", "#".repeat(hashes));
                let open = i + hashes + 1;
                match text.get(open..offset).and_then(|rest| rest.find(&close)) {
                    Some(n) => {
                        let taken = token.take();
                        let begun = taken.as_ref().map_or(i, |t| t.start);
                        i += hashes + 1 + n + close.len();
                        scan.finish(begun, i, taken.and_then(|t| t.equals));
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

/// Whether `text` opens a raw string: hashes, then a quote.
fn raw_string(text: &str) -> bool {
    let hashes = text.bytes().take_while(|&c| c == b'#').count();
    text[hashes..].starts_with('"')
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
            // Found by fuzzing: hashes with no quote after them.
            "#rnicks=vicr##ns=vicr##n",
            "\"\"\"",
            "a ##\"raw\"## b=#\"x\"# |",
        ];
        for text in texts {
            for offset in 0..=text.len() + 2 {
                let _ = at(text, offset);
            }
        }
    }
}

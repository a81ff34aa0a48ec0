//! What lies between the nodes: whitespace, comments and `/-` comments,
//! kept by the `kdl` crate as text. [`scan`] finds the line breaks that end
//! a line of it (not those inside a block comment, a string or a braced
//! block of a `/-` node, nor the one an escaped line `\` continues). It
//! walks the text once, with no recursion. (Part of the temporary KDL 1.0
//! path.)

/// The top-level line breaks of a text (byte ranges), its escaped line
/// breaks (from the `\` to past the break), and where the last top-level
/// `}` ends.
#[derive(Debug, Default)]
pub(in crate::format) struct Scan {
    pub breaks: Vec<(usize, usize)>,
    pub esclines: Vec<(usize, usize)>,
    pub last_close: Option<usize>,
}

fn is_newline(c: char) -> bool {
    newline_at(c.encode_utf8(&mut [0; 4]), 0).is_some()
}

/// The length of the line break at `at`, if one starts there (CRLF counts
/// as one).
pub(in crate::format) fn newline_at(text: &str, at: usize) -> Option<usize> {
    let rest = &text[at..];
    if rest.starts_with("\r\n") {
        return Some(2);
    }
    let c = rest.chars().next()?;
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
    .then(|| c.len_utf8())
}

/// Scans `text` (a run of KDL the `kdl` crate accepted).
pub(in crate::format) fn scan(text: &str) -> Scan {
    let b = text.as_bytes();
    let mut scan = Scan::default();
    let mut braces = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => i = string_end(b, i, 0),
            b'#' => {
                let hashes = b[i..].iter().take_while(|&&c| c == b'#').count();
                i = if b.get(i + hashes) == Some(&b'"') {
                    string_end(b, i + hashes, hashes)
                } else {
                    i + hashes
                };
            }
            // KDL 1.0's raw strings (never valid outside a string in 2.0).
            b'r' if raw_v1(b, i + 1).is_some() => {
                let hashes = raw_v1(b, i + 1).unwrap_or(0);
                i = raw_v1_end(b, i + 2 + hashes, hashes);
            }
            b'/' if b.get(i + 1) == Some(&b'/') => i = line_end(text, i),
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = block_comment_end(b, i).0;
            }
            b'{' => {
                braces += 1;
                i += 1;
            }
            b'}' => {
                braces = braces.saturating_sub(1);
                i += 1;
                if braces == 0 {
                    scan.last_close = Some(i);
                }
            }
            b'\\' => {
                let start = i;
                i = escline_end(text, i + 1);
                if text[..i].ends_with(is_newline) || i == text.len() {
                    scan.esclines.push((start, i));
                }
            }
            _ => match newline_at(text, i) {
                Some(len) => {
                    if braces == 0 {
                        scan.breaks.push((i, i + len));
                    }
                    i += len;
                }
                None => i += text[i..].chars().next().map_or(1, char::len_utf8),
            },
        }
    }
    scan
}

/// The pieces of `text` between its top-level line breaks (at least one).
pub(in crate::format) fn lines(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for (from, to) in scan(text).breaks {
        pieces.push(&text[start..from]);
        start = to;
    }
    pieces.push(&text[start..]);
    pieces
}

/// Past the string whose opening `"` is at `quote` (after `hashes` `#`):
/// multi-line when `"""`; escapes only in strings without `#`.
fn string_end(b: &[u8], quote: usize, hashes: usize) -> usize {
    let triple = b[quote..].starts_with(b"\"\"\"");
    let quotes = if triple { 3 } else { 1 };
    let mut i = quote + quotes;
    while i < b.len() {
        if hashes == 0 && b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i..].starts_with(&b"\"\"\""[..quotes])
            && b[i + quotes..]
                .iter()
                .take(hashes)
                .filter(|&&c| c == b'#')
                .count()
                == hashes
        {
            return i + quotes + hashes;
        }
        i += 1;
    }
    b.len()
}

/// The number of `#` of a KDL 1.0 raw string whose `r` is just before `at`.
fn raw_v1(b: &[u8], at: usize) -> Option<usize> {
    let hashes = b[at..].iter().take_while(|&&c| c == b'#').count();
    (b.get(at + hashes) == Some(&b'"')).then_some(hashes)
}

/// Past a KDL 1.0 raw string's closing `"` and `hashes` `#`, from `from`.
fn raw_v1_end(b: &[u8], from: usize, hashes: usize) -> usize {
    let mut i = from;
    while i < b.len() {
        if b[i] == b'"'
            && b[i + 1..]
                .iter()
                .take(hashes)
                .filter(|&&c| c == b'#')
                .count()
                == hashes
        {
            return i + 1 + hashes;
        }
        i += 1;
    }
    b.len()
}

/// The start of the line break that ends the line comment at `at`.
pub(in crate::format) fn line_end(text: &str, at: usize) -> usize {
    let mut i = at;
    while i < text.len() {
        if newline_at(text, i).is_some() {
            return i;
        }
        i += text[i..].chars().next().map_or(1, char::len_utf8);
    }
    text.len()
}

/// Past the block comment at `at` (nested ones included), and its nesting.
fn block_comment_end(b: &[u8], at: usize) -> (usize, usize) {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut i = at;
    while i < b.len() {
        if b[i..].starts_with(b"/*") {
            depth += 1;
            deepest = deepest.max(depth);
            i += 2;
        } else if b[i..].starts_with(b"*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return (i, deepest);
            }
        } else {
            i += 1;
        }
    }
    (b.len(), deepest)
}

/// Past an escaped line break (`\`, blanks and block comments, perhaps a
/// line comment, the break), from just after the `\`.
fn escline_end(text: &str, from: usize) -> usize {
    let mut i = from;
    while i < text.len() {
        if text[i..].starts_with("//") {
            i = line_end(text, i);
        } else if text[i..].starts_with("/*") {
            i = block_comment_end(text.as_bytes(), i).0;
        } else if let Some(len) = newline_at(text, i) {
            return i + len;
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            if !c.is_whitespace() {
                return i;
            }
            i += c.len_utf8();
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_only_at_the_top() {
        let text = "// a\n/* b\n c */\n/-n {\n x \"y\n\"\n}\n#\"\"\"\nq\n\"\"\"#\n\\\n  z";
        assert_eq!(
            lines(text),
            [
                "// a",
                "/* b\n c */",
                "/-n {\n x \"y\n\"\n}",
                "#\"\"\"\nq\n\"\"\"#",
                "\\\n  z"
            ]
        );
        assert_eq!(lines("a\r\nb"), ["a", "b"]);
        assert_eq!(lines("/-n r#\"a\\\"#\nb"), ["/-n r#\"a\\\"#", "b"]);
        assert_eq!(lines(""), [""]);
    }
}

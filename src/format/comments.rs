//! The comments of a text, for `fmt`'s safety check: every `//` and
//! `/* */` comment and every `/-` marker outside strings, KDL 1.0 or 2.0,
//! found by a lexer of their own. It shares nothing with the printer (not
//! the syntax tree it prints), so a printer that drops
//! or alters a comment is caught rather than trusted. A line comment's
//! trailing blanks and a block comment's line endings (CRLF, CR or LF) are
//! layout, not text. It walks the text once, with no recursion.

/// The comments of `text` in written order (a `/-` as `"/-"`).
pub fn of(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < b.len() {
        i = match (b[i], b.get(i + 1)) {
            (b'/', Some(b'/')) => {
                let end = line_end(text, i);
                let comment = text[i..end].trim_end_matches(|c: char| c.is_whitespace());
                found.push(comment.to_string());
                end
            }
            (b'/', Some(b'*')) => {
                let end = block_end(b, i);
                found.push(text[i..end].replace("\r\n", "\n").replace('\r', "\n"));
                end
            }
            (b'/', Some(b'-')) => {
                found.push("/-".to_string());
                i + 2
            }
            (b'"', _) => string_end(b, i, 0),
            (b'#', _) => {
                let hashes = b[i..].iter().take_while(|&&c| c == b'#').count();
                if b.get(i + hashes) == Some(&b'"') {
                    string_end(b, i + hashes, hashes)
                } else {
                    i + hashes
                }
            }
            // KDL 1.0's raw strings: `r`, `#`s, `"`, at the start of a token.
            (b'r', Some(b'"' | b'#')) if token_start(text, i) => {
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                if b.get(i + 1 + hashes) == Some(&b'"') {
                    raw_v1_end(b, i + 2 + hashes, hashes)
                } else {
                    i + 1
                }
            }
            _ => i + 1,
        };
    }
    found
}

/// Whether the same comments are in `a` and `b`, each as often: `fmt`
/// moves a comment with the field it stands before when it reorders a
/// block, so their order may change; their texts and number may not.
pub fn same(a: &str, b: &str) -> bool {
    let (mut a, mut b) = (of(a), of(b));
    a.sort_unstable();
    b.sort_unstable();
    a == b
}

fn is_newline(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// The start of the line break that ends the line comment at `at` (`at` on
/// a character boundary).
fn line_end(text: &str, at: usize) -> usize {
    text[at..]
        .char_indices()
        .find(|&(_, c)| is_newline(c))
        .map_or(text.len(), |(k, _)| at + k)
}

/// Past the block comment at `at`, nested ones included.
fn block_end(b: &[u8], at: usize) -> usize {
    let mut depth = 0usize;
    let mut i = at;
    while i < b.len() {
        if b[i..].starts_with(b"/*") {
            depth += 1;
            i += 2;
        } else if b[i..].starts_with(b"*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    b.len()
}

/// Past the string whose first `"` is at `quote`, after `hashes` `#`: a
/// multi-line one when it opens with `"""`; escapes only without `#`.
fn string_end(b: &[u8], quote: usize, hashes: usize) -> usize {
    let quotes = if b[quote..].starts_with(b"\"\"\"") {
        3
    } else {
        1
    };
    let close = |i: usize| {
        b[i..].starts_with(&b"\"\"\""[..quotes])
            && b.len() >= i + quotes + hashes
            && b[i + quotes..i + quotes + hashes]
                .iter()
                .all(|&c| c == b'#')
    };
    let mut i = quote + quotes;
    while i < b.len() {
        if hashes == 0 && b[i] == b'\\' {
            i += 2;
        } else if close(i) {
            return i + quotes + hashes;
        } else {
            i += 1;
        }
    }
    b.len()
}

/// Past a KDL 1.0 raw string's closing `"` and `hashes` `#`, from `from`.
fn raw_v1_end(b: &[u8], from: usize, hashes: usize) -> usize {
    let mut i = from;
    while i < b.len() {
        if b[i] == b'"' && b.len() > i + hashes && b[i + 1..=i + hashes].iter().all(|&c| c == b'#')
        {
            return i + 1 + hashes;
        }
        i += 1;
    }
    b.len()
}

/// Whether a token starts at `at`: after nothing, a space, a line break or
/// a character no identifier holds.
fn token_start(text: &str, at: usize) -> bool {
    text[..at].chars().next_back().is_none_or(|c| {
        c.is_whitespace()
            || matches!(
                c,
                '\\' | '/' | '(' | ')' | '{' | '}' | '<' | '>' | ';' | '[' | ']' | '=' | ',' | '"'
            )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_comment_and_none_in_strings() {
        let text = "a \"// no\" #\"/* no\"# // one  \r\n/* two /* nested */ */ b\n\
                    /-c { d } e \"\"\"\n  /- no\n  \"\"\" r#\"// v1 raw\"# /*\r\nthree */";
        assert_eq!(
            of(text),
            ["// one", "/* two /* nested */ */", "/-", "/*\nthree */"]
        );
        assert_eq!(of("a r\"//\" br\"x\" // k"), ["// k"]);
        assert_eq!(of("a \"\\\"//\" // k"), ["// k"]);
        assert_eq!(of("// end"), ["// end"]);
        assert_eq!(of("a #\"\"\"\n\"# //\n\"\"\"# /**/"), ["/**/"]);
    }

    #[test]
    fn the_same_comments_in_another_order() {
        assert!(same("a // x\nb // y\n", "b // y\na // x   \n"));
        assert!(!same("a // x\nb // x\n", "a // x\nb\n"));
        assert!(!same("a // x\n", "a // y\n"));
    }
}

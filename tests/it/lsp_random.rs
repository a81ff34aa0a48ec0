//! `pmoc lsp` never crashes or hangs: a seeded random walk of edits and
//! requests over a copy of the example. Several files are open; each step
//! is an incremental change (quotes, braces, `/-`, `/*`, line breaks
//! including a lone CR, NUL, multi-byte characters; deletions; ranges
//! past the end and positions inside a UTF-16 surrogate pair) or a request
//! (definition, references, hover, outline, code actions, an unknown
//! method) at a random place. Every request must be answered in time and
//! the process must stay alive; once the original texts are restored, the
//! findings published are those of `pmoc check` again.

use crate::lsp_client;
use crate::rng;

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use lsp_client::*;
use rng::Rng;
use serde_json::{Value, json};

/// The most one request may wait for its answer (debug build, busy
/// machine; answers take milliseconds).
const ANSWER: Duration = Duration::from_secs(15);

/// What the edits insert.
const PIECES: &[&str] = &[
    "\"",
    "{",
    "}",
    "/-",
    "/*",
    "*/",
    "//",
    "\n",
    "\r",
    "\r\n",
    "\0",
    "é",
    "😀",
    "\\",
    "#",
    "=",
    ";",
    " ",
    "x",
    "service \"s\" {",
    "name \"n\"",
    "(t)",
    "\u{200b}",
    "\u{feff}",
    "0x",
    "\"\"\"",
];

/// One open document: its URI and the text as the client believes it is
/// (the server's rules mirrored: a column inside a character is its
/// start, past the line's end is the end, a line past the text's end is
/// the end).
struct Doc {
    uri: String,
    original: String,
    text: String,
}

/// Line starts as pmoc counts lines (LF, CRLF, lone CR).
fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => starts.push(i + 1),
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
            _ => {}
        }
        i += 1;
    }
    starts
}

fn offset(text: &str, line: usize, character: usize, utf16: bool) -> usize {
    let starts = line_starts(text);
    let Some(&start) = starts.get(line) else {
        return text.len();
    };
    let end = starts.get(line + 1).copied().unwrap_or(text.len());
    let line_text = text[start..end].trim_end_matches(['\n', '\r']);
    let mut units = 0;
    for (i, c) in line_text.char_indices() {
        let next = units + if utf16 { c.len_utf16() } else { c.len_utf8() };
        if next > character {
            return start + i;
        }
        units = next;
    }
    start + line_text.len()
}

/// The protocol position of a byte offset (on a character boundary).
fn position(text: &str, at: usize, utf16: bool) -> (usize, usize) {
    let starts = line_starts(text);
    let line = starts.partition_point(|&s| s <= at) - 1;
    let before = &text[starts[line]..at];
    let column = if utf16 {
        before.chars().map(char::len_utf16).sum()
    } else {
        before.len()
    };
    (line, column)
}

/// A random place: anywhere (past the ends too), at a quote (where ids
/// are), or inside a surrogate pair when the text has one.
fn place(rng: &mut Rng, text: &str, utf16: bool) -> (usize, usize) {
    match rng.below(4) {
        0 => {
            let lines = line_starts(text).len();
            (rng.below(lines + 3), rng.below(90))
        }
        1 => {
            let pairs: Vec<usize> = text
                .char_indices()
                .filter(|(_, c)| c.len_utf16() == 2)
                .map(|(i, _)| i)
                .collect();
            if pairs.is_empty() || !utf16 {
                let at = rng.below(text.len() + 1);
                let at = (0..=at)
                    .rev()
                    .find(|&i| text.is_char_boundary(i))
                    .unwrap_or(0);
                position(text, at, utf16)
            } else {
                let (line, column) = position(text, *rng.pick(&pairs), utf16);
                (line, column + 1)
            }
        }
        _ => {
            let quotes: Vec<usize> = text.match_indices('"').map(|(i, _)| i + 1).collect();
            if quotes.is_empty() {
                (0, 0)
            } else {
                let at = *rng.pick(&quotes) + rng.below(3);
                let at = (0..=at.min(text.len()))
                    .rev()
                    .find(|&i| text.is_char_boundary(i))
                    .unwrap_or(0);
                position(text, at, utf16)
            }
        }
    }
}

/// The client's side of the walk: every message read is looked at, the
/// last findings published for each URI kept.
struct Walk {
    client: Client,
    published: HashMap<String, Vec<Value>>,
    answered: usize,
    errors: usize,
    /// Answers that found something (a place, a card, a symbol, a fix).
    found: usize,
}

impl Walk {
    fn take(&mut self, message: &Value) {
        if message["method"] == "textDocument/publishDiagnostics" {
            let uri = message["params"]["uri"].as_str().unwrap().to_string();
            let list = message["params"]["diagnostics"].as_array().unwrap().clone();
            self.published.insert(uri, list);
        }
    }

    /// Sends a request and waits for its answer (a result or an error).
    fn ask(&mut self, method: &str, params: Value) -> Value {
        for m in std::mem::take(&mut self.client.pending) {
            self.take(&m);
        }
        self.client.next_id += 1;
        let id = self.client.next_id;
        self.client
            .send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let deadline = Instant::now() + ANSWER;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self.client.messages.recv_timeout(left).unwrap_or_else(|_| {
                let alive = self.client.child.try_wait().unwrap().is_none();
                panic!("no answer to {method} {params} in {ANSWER:?} (process alive: {alive})")
            });
            if message["id"] == json!(id) {
                assert!(
                    message.get("result").is_some() || message.get("error").is_some(),
                    "{message}"
                );
                self.answered += 1;
                self.errors += usize::from(message.get("error").is_some());
                let result = &message["result"];
                self.found += usize::from(!result.is_null() && *result != json!([]));
                return message;
            }
            self.take(&message);
        }
    }
}

/// A walk of `steps` steps from `seed`, the client offering `encodings`.
fn walk(seed: u64, steps: usize, encodings: &[&str]) {
    let utf16 = !encodings.contains(&"utf-8");
    let (_dir, root) = acme();
    let mut walk = Walk {
        client: Client::start(encodings),
        published: HashMap::new(),
        answered: 0,
        errors: 0,
        found: 0,
    };
    let mut docs: Vec<Doc> = [
        "pmo.kdl",
        "people.kdl",
        "services/portfolio.kdl",
        "services/risk.kdl",
        // Never edited: requests on it find ids while the others are
        // broken.
        "services/schedule.kdl",
    ]
    .iter()
    .map(|file| {
        let path = root.join(file);
        let uri = walk.client.open(&path);
        let text = std::fs::read_to_string(&path).unwrap();
        Doc {
            uri,
            original: text.clone(),
            text,
        }
    })
    .collect();
    let mut rng = Rng(seed);
    let mut version = 1;
    for _ in 0..steps {
        let d = rng.below(docs.len());
        if rng.below(5) < 3 && d + 1 < docs.len() {
            // An edit (sometimes two in one notification, sometimes the
            // original text back, so navigation finds a model too).
            let changes = changes(&mut rng, &mut docs[d], utf16);
            version += 1;
            let params = json!({
                "textDocument": { "uri": docs[d].uri, "version": version },
                "contentChanges": changes,
            });
            walk.client.notify("textDocument/didChange", params);
        } else {
            let doc = &docs[d];
            let shown = walk.published.get(&doc.uri).cloned().unwrap_or_default();
            let (method, params) = request(&mut rng, doc, &shown, utf16);
            walk.ask(method, params);
        }
        assert!(
            walk.client.child.try_wait().unwrap().is_none(),
            "pmoc lsp ended"
        );
    }
    assert!(walk.answered > steps / 4, "{} answers", walk.answered);
    assert!(walk.found > 0, "no request found anything");
    eprintln!(
        "seed {seed:#x}: {steps} steps, {} answers ({} errors, {} found something), {} findings shown at the end of the walk",
        walk.answered,
        walk.errors,
        walk.found,
        walk.published.values().map(Vec::len).sum::<usize>()
    );

    // The original texts back: the findings are those of `pmoc check`.
    for doc in &docs {
        version += 1;
        walk.client.replace(&doc.uri, version, &doc.original);
    }
    let manifest = json!({ "textDocument": { "uri": docs[0].uri } });
    walk.ask("textDocument/documentSymbol", manifest);
    let published = findings(&walk.published, &root);
    let checked = checked(&root);
    assert!(!checked.is_empty());
    assert_eq!(published, checked, "seed {seed}");
    walk.client.finish();
}

/// One to two random changes of `doc` (applied to its text), as the
/// `contentChanges` of a `didChange`.
fn changes(rng: &mut Rng, doc: &mut Doc, utf16: bool) -> Vec<Value> {
    let mut changes = Vec::new();
    for _ in 0..1 + rng.below(2) {
        if rng.below(10) == 0 {
            doc.text = doc.original.clone();
            changes.push(json!({ "text": doc.text }));
            continue;
        }
        let start = place(rng, &doc.text, utf16);
        let end = match rng.below(3) {
            0 => start,
            1 => (start.0, start.1 + rng.below(12)),
            _ => place(rng, &doc.text, utf16),
        };
        let insert: String = (0..rng.below(4)).map(|_| *rng.pick(PIECES)).collect();
        let a = offset(&doc.text, start.0, start.1, utf16);
        let b = offset(&doc.text, end.0, end.1, utf16).max(a);
        doc.text.replace_range(a..b, &insert);
        changes.push(json!({
            "range": {
                "start": { "line": start.0, "character": start.1 },
                "end": { "line": end.0, "character": end.1 },
            },
            "text": insert,
        }));
    }
    changes
}

/// A random request about `doc` (`shown`: its findings last published).
fn request(rng: &mut Rng, doc: &Doc, shown: &[Value], utf16: bool) -> (&'static str, Value) {
    let (line, character) = place(rng, &doc.text, utf16);
    let at = json!({ "line": line, "character": character });
    let document = json!({ "uri": doc.uri });
    let (method, params) = match rng.below(7) {
        0 => (
            "textDocument/definition",
            json!({ "textDocument": document, "position": at }),
        ),
        1 => (
            "textDocument/references",
            json!({ "textDocument": document, "position": at, "context": { "includeDeclaration": rng.below(2) == 0 } }),
        ),
        2 => (
            "textDocument/hover",
            json!({ "textDocument": document, "position": at }),
        ),
        3 => (
            "textDocument/documentSymbol",
            json!({ "textDocument": document }),
        ),
        4 => {
            // The findings last published for it, or one made up.
            let context = if shown.is_empty() || rng.below(3) == 0 {
                json!([{ "range": { "start": at, "end": at }, "message": "?", "code": "unknown-node" }])
            } else {
                json!(shown)
            };
            let range =
                json!({ "start": at, "end": { "line": line + rng.below(3), "character": 0 } });
            (
                "textDocument/codeAction",
                json!({ "textDocument": document, "range": range, "context": { "diagnostics": context } }),
            )
        }
        5 => ("pmoc/unknown", json!({ "x": [1, 2] })),
        _ => (
            "textDocument/hover",
            json!({ "textDocument": { "uri": "file:///nowhere/x.kdl" }, "position": at }),
        ),
    };
    (method, params)
}

/// The last findings published, file by file, as `pmoc check` prints them.
fn findings(published: &HashMap<String, Vec<Value>>, root: &Path) -> Vec<Finding> {
    let mut all = Vec::new();
    for (uri, list) in published {
        let file = uri
            .strip_prefix(&format!("file://{}/", root.display()))
            .unwrap();
        for d in list {
            let message = d["message"].as_str().unwrap();
            let message = message.split("\nhelp: ").next().unwrap();
            let start = &d["range"]["start"];
            all.push((
                file.to_string(),
                start["line"].as_u64().unwrap() + 1,
                start["character"].as_u64().unwrap() + 1,
                d["code"].as_str().unwrap().to_string(),
                message.to_string(),
            ));
        }
    }
    all.sort();
    all
}

#[test]
fn random_edits_and_requests_in_utf16() {
    walk(0x5eed_1234_abcd_0001, 600, &[]);
}

#[test]
fn random_edits_and_requests_in_utf8() {
    walk(0x5eed_1234_abcd_0002, 300, &["utf-8", "utf-16"]);
}

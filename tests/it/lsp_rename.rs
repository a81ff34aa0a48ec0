//! `pmoc lsp`'s rename over stdio with the real binary, on a copy of the
//! example: a function, a metric and a service (from a CSV cell) renamed
//! across files and the metrics CSVs, the edits applied and written, and `pmoc check` finding the same
//! as before; the renames it refuses; prepareRename's range in UTF-16 on a
//! line with accents and emoji.

use crate::common;
use crate::lsp_client;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lsp_client::*;
use serde_json::{Value, json};

/// A client whose `initialize` says `capabilities`.
fn start(capabilities: Value) -> Client {
    let client = Client::start_with(common::bin(), capabilities);
    assert_eq!(
        client.server["renameProvider"]["prepareProvider"], true,
        "{}",
        client.server
    );
    client
}

/// The error message of a refused request.
fn refused(client: &mut Client, method: &str, params: Value) -> String {
    let response = client.respond(method, params);
    assert!(response.get("result").is_none(), "{response}");
    response["error"]["message"].as_str().unwrap().to_string()
}

/// The byte offset of a UTF-16 position.
fn offset(text: &str, line: u64, character: u64) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line as usize)
        .map(str::len)
        .sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character as usize || c == '\n' {
            return start + i;
        }
        units += c.len_utf16() as u64 as usize;
    }
    text.len()
}

/// `edits` applied to `text` (UTF-16 positions), last first.
fn apply(text: &str, edits: &[Value]) -> String {
    let mut at: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            let r = &e["range"];
            let start = offset(
                text,
                r["start"]["line"].as_u64().unwrap(),
                r["start"]["character"].as_u64().unwrap(),
            );
            let end = offset(
                text,
                r["end"]["line"].as_u64().unwrap(),
                r["end"]["character"].as_u64().unwrap(),
            );
            (start, end, e["newText"].as_str().unwrap())
        })
        .collect();
    at.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, new) in at {
        out.replace_range(start..end, new);
    }
    out
}

/// The edits of a workspace edit by path (from `documentChanges` or
/// `changes`).
fn edits_by_path(edit: &Value) -> BTreeMap<PathBuf, Vec<Value>> {
    let mut all = BTreeMap::new();
    if let Some(changes) = edit["documentChanges"].as_array() {
        for change in changes {
            let uri = change["textDocument"]["uri"].as_str().unwrap();
            let edits = change["edits"].as_array().unwrap().clone();
            all.insert(path_of(uri), edits);
        }
    } else {
        for (uri, edits) in edit["changes"].as_object().unwrap() {
            all.insert(path_of(uri), edits.as_array().unwrap().clone());
        }
    }
    all
}

fn path_of(uri: &str) -> PathBuf {
    PathBuf::from(uri.strip_prefix("file://").unwrap())
}

/// Applies a workspace edit to the files on disk.
fn write_edit(edit: &Value) -> BTreeMap<PathBuf, Vec<Value>> {
    let all = edits_by_path(edit);
    for (path, edits) in &all {
        let text = std::fs::read_to_string(path).unwrap();
        std::fs::write(path, apply(&text, edits)).unwrap();
    }
    all
}

/// Every `*.kdl` and `*.csv` of the project, by path.
fn texts(root: &Path) -> BTreeMap<PathBuf, String> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .flatten()
        .filter(|e| {
            e.file_type().is_file()
                && e.path()
                    .extension()
                    .is_some_and(|x| x == "kdl" || x == "csv")
        })
        .map(|e| {
            let text = std::fs::read_to_string(e.path()).unwrap();
            (e.path().to_path_buf(), text)
        })
        .collect()
}

fn at(uri: &str, line: usize, character: usize) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
}

/// A rename asked at `needle` + `shift` in `file`: the edit, written.
fn rename(
    client: &mut Client,
    root: &Path,
    file: &str,
    needle: &str,
    shift: usize,
    new: &str,
) -> BTreeMap<PathBuf, Vec<Value>> {
    let path = root.join(file);
    let uri = client.open(&path);
    let text = std::fs::read_to_string(&path).unwrap();
    let (line, column) = find(&text, needle);
    let mut params = at(&uri, line, column + shift);
    let prepared = client.request("textDocument/prepareRename", params.clone());
    let old = prepared["placeholder"].as_str().unwrap().to_string();
    params["newName"] = json!(new);
    let edit = client.request("textDocument/rename", params);
    // The document is closed before its file is written.
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri } }),
    );
    let edits = write_edit(&edit);
    for (path, edits) in &edits {
        for e in edits {
            assert_eq!(e["newText"], new, "{}: {e}", path.display());
        }
    }
    assert!(!old.is_empty());
    edits
}

#[test]
fn a_rename_keeps_the_catalogue_consistent() {
    let (_dir, root) = acme();
    // Columns move when an id before them on their line changes length.
    let before: Vec<_> = checked(&root)
        .into_iter()
        .map(|(f, l, _, c, m)| (f, l, c, m))
        .collect();
    assert!(!before.is_empty());
    let original = texts(&root);
    let mut client =
        start(json!({ "workspace": { "workspaceEdit": { "documentChanges": true } } }));

    // The function `resource`, from a reference in triggers.kdl (another
    // file than its declaration and its services').
    let edits = rename(
        &mut client,
        &root,
        "triggers.kdl",
        "function=\"resource\"",
        11,
        "resourcing",
    );
    assert!(edits.contains_key(&root.join("triggers.kdl")));
    assert!(edits.contains_key(&root.join("services/resource.kdl")));
    // The metric `on-time-pct`, from its declaration: KDL files and a CSV.
    let edits = rename(
        &mut client,
        &root,
        "metrics.kdl",
        "metric \"on-time-pct\"",
        9,
        "punctual-pct",
    );
    assert!(edits.contains_key(&root.join("metrics/2026-monthly.csv")));
    assert!(edits.len() > 3, "{:?}", edits.keys());
    // The service `board-minutes`, from a cell of a metrics CSV: its
    // declaration and the cells of every CSV.
    let edits = rename(
        &mut client,
        &root,
        "metrics/2026-monthly.csv",
        ",board-minutes,",
        3,
        "board-notes",
    );
    assert!(edits.contains_key(&root.join("services/administration.kdl")));
    assert!(edits.contains_key(&root.join("metrics/satisfaction-survey.csv")));
    assert_eq!(edits[&root.join("metrics/2026-monthly.csv")].len(), 60);
    client.finish();

    let after = checked(&root);
    let renamed: Vec<_> = after
        .iter()
        .map(|(f, l, _, c, m)| {
            let m = m
                .replace("`resourcing`", "`resource`")
                .replace("punctual-pct", "on-time-pct")
                .replace("board-notes", "board-minutes");
            (f.clone(), *l, c.clone(), m)
        })
        .collect();
    assert_eq!(renamed, before);

    // The old ids appear nowhere as ids; everything else is as it was.
    for (path, text) in texts(&root) {
        let old = &original[&path];
        for gone in [
            "\"on-time-pct\"",
            ",on-time-pct,",
            "\"resource\"",
            "\"board-minutes\"",
            ",board-minutes,",
        ] {
            assert!(!text.contains(gone), "{}: {gone}", path.display());
        }
        let back = text
            .replace("\"resourcing\"", "\"resource\"")
            .replace("punctual-pct", "on-time-pct")
            .replace("board-notes", "board-minutes");
        assert_eq!(&back, old, "{}", path.display());
    }
}

#[test]
fn renames_that_would_break_the_catalogue_are_refused() {
    let (_dir, root) = acme();
    let mut client = Client::start(&[]);
    let risk_path = root.join("services/risk.kdl");
    let risk = client.open(&risk_path);
    let text = std::fs::read_to_string(&risk_path).unwrap();
    let (line, column) = find(&text, "owner \"kwame\"");
    let mut params = at(&risk, line, column + 8);

    params["newName"] = json!("Kwame_A");
    let message = refused(&mut client, "textDocument/rename", params.clone());
    assert!(message.contains("not a valid id"), "{message}");
    params["newName"] = json!("a".repeat(64));
    let message = refused(&mut client, "textDocument/rename", params.clone());
    assert!(message.contains("63 characters"), "{message}");
    // People and teams share ids: a team's id is taken for a person.
    params["newName"] = json!("portfolio-board");
    let message = refused(&mut client, "textDocument/rename", params.clone());
    assert!(
        message.contains("team `portfolio-board`") && message.contains("share ids"),
        "{message}"
    );
    params["newName"] = json!("jane");
    let message = refused(&mut client, "textDocument/rename", params.clone());
    assert!(message.contains("person `jane`"), "{message}");
    // The same id in another namespace is free: a service's id for a person.
    params["newName"] = json!("risk-log");
    let edit = client.request("textDocument/rename", params.clone());
    assert!(!edits_by_path(&edit).is_empty(), "{edit}");

    // On no id: a field's name.
    let (line, column) = find(&text, "owner \"kwame\"");
    let message = refused(
        &mut client,
        "textDocument/prepareRename",
        at(&risk, line, column + 2),
    );
    assert!(message.contains("no id here"), "{message}");

    // While a file has a syntax error.
    let gates_path = root.join("gates.kdl");
    let gates = client.open(&gates_path);
    let gates_text = std::fs::read_to_string(&gates_path).unwrap();
    client.replace(&gates, 2, &format!("{gates_text}\nnode {{\n"));
    params["newName"] = json!("kwame-a");
    let message = refused(&mut client, "textDocument/rename", params.clone());
    assert!(
        message.contains("syntax error") && message.contains("gates.kdl"),
        "{message}"
    );
    client.replace(&gates, 3, &gates_text);
    let edit = client.request("textDocument/rename", params);
    let edits = edits_by_path(&edit);
    assert!(edits.contains_key(&root.join("people.kdl")), "{edit}");
    client.finish();
}

#[test]
fn prepare_rename_counts_utf16_units_before_the_id() {
    let (_dir, root) = acme();
    let path = root.join("services/risk.kdl");
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replacen("owner \"kwame\"", "owner /* café 😀 */ \"kwame\"", 1);
    assert_ne!(edited, text);
    let (line, byte) = find(&edited, "😀 */ \"kwame\"");
    let quote = byte + "😀 */ ".len();
    let before = &edited.lines().nth(line).unwrap()[..quote];
    for (encodings, width) in [
        (&[][..], before.encode_utf16().count()),
        (&["utf-8"][..], quote),
    ] {
        let mut client = Client::start(encodings);
        let uri = client.open(&path);
        client.replace(&uri, 2, &edited);
        // The cursor inside the id: its characters, without the quotes.
        let prepared = client.request("textDocument/prepareRename", at(&uri, line, width + 3));
        assert_eq!(prepared["placeholder"], "kwame", "{prepared}");
        let range = &prepared["range"];
        assert_eq!(
            range["start"],
            json!({ "line": line, "character": width + 1 })
        );
        assert_eq!(
            range["end"],
            json!({ "line": line, "character": width + 6 })
        );
        client.finish();
    }
}

//! `pmoc lsp` completion over stdio: ids of the kind a field expects (read
//! from the example's files here, not from pmoc), node names valid in the
//! block, enumerated values from the language reference, property names,
//! ids declared in a file that has a syntax error, the same after slips on
//! earlier lines of the file being typed (read from its syntax tree), and
//! the edit's range in UTF-16 on a line with non-ASCII text.

use crate::lsp_client;

use std::path::Path;

use lsp_client::*;
use serde_json::{Value, json};

/// The ids declared as `keyword "id"` at the start of a line in the
/// example's files.
fn declared(root: &Path, keyword: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for entry in walkdir::WalkDir::new(root) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "kdl") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            for line in text.lines() {
                let line = line.trim_start();
                if let Some(rest) = line.strip_prefix(&format!("{keyword} \"")) {
                    ids.push(rest[..rest.find('"').unwrap()].to_string());
                }
            }
        }
    }
    ids.sort();
    ids.dedup();
    ids
}

/// Completes at the end of `line` once `line` replaces line `at` of the
/// open document (whose text is `text`); returns the items.
fn complete_after(
    client: &mut Client,
    uri: &str,
    version: i64,
    text: &str,
    at: usize,
    line: &str,
) -> Vec<Value> {
    let mut lines: Vec<&str> = text.lines().collect();
    lines[at] = line;
    let edited = lines.join("\n") + "\n";
    client.replace(uri, version, &edited);
    let character: usize = line.chars().map(char::len_utf16).sum();
    let result = client.request(
        "textDocument/completion",
        json!({
            "textDocument": { "uri": uri },
            "position": { "line": at, "character": character },
        }),
    );
    let items = if result.is_array() {
        result
    } else {
        result["items"].clone()
    };
    items.as_array().unwrap().clone()
}

/// A client with `file` of a copy of the example open, its first
/// diagnostics received: the folder, its root, the client, the file's URI
/// and text.
fn opened(
    file: &str,
) -> (
    tempfile::TempDir,
    std::path::PathBuf,
    Client,
    String,
    String,
) {
    let (dir, root) = acme();
    let mut client = Client::start(&[]);
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let uri = client.open(&path);
    client.diagnostics(&uri, |_| true);
    (dir, root, client, uri, text)
}

fn labels(items: &[Value]) -> Vec<&str> {
    items.iter().map(|i| i["label"].as_str().unwrap()).collect()
}

#[test]
fn ids_and_values_of_the_expected_kind() {
    let (_dir, root, mut client, uri, text) = opened("services/risk.kdl");
    let (function_line, _) = find(&text, "    function \"risk\"");

    // Ids of the expected kind, the partial id replaced inside the quotes.
    let items = complete_after(
        &mut client,
        &uri,
        2,
        &text,
        function_line,
        "    function \"ri",
    );
    let mut got: Vec<String> = labels(&items).iter().map(|s| s.to_string()).collect();
    got.sort();
    assert_eq!(got, declared(&root, "function"));
    let edit = &items[0]["textEdit"];
    assert_eq!(edit["range"]["start"]["character"], json!(14), "{edit}");
    assert_eq!(edit["range"]["end"]["character"], json!(16), "{edit}");
    assert!(!edit["newText"].as_str().unwrap().contains('"'));

    // A party: people and teams.
    let (owner_line, _) = find(&text, "    owner \"kwame\"");
    let items = complete_after(&mut client, &uri, 3, &text, owner_line, "    owner \"");
    let got = labels(&items);
    assert!(got.contains(&"kwame"));
    let teams = declared(&root, "team");
    let people = declared(&root, "person");
    assert!(
        got.iter().all(|id| people.iter().any(|p| p == id)),
        "a service's owner is a person: {got:?}"
    );
    assert!(teams.iter().all(|t| !got.contains(&t.as_str())));

    // Unquoted: the value is inserted with its quotes.
    let items = complete_after(&mut client, &uri, 4, &text, owner_line, "    stage ");
    let stages = [
        "strategy",
        "design",
        "pilot",
        "implementation",
        "operation",
        "transform",
        "retired",
    ];
    let values: Vec<_> = items
        .iter()
        .filter(|i| i["kind"] == json!(12))
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(values, stages);
    assert_eq!(items[0]["textEdit"]["newText"], json!("\"strategy\""));

    client.finish();
}

#[test]
fn node_names_properties_and_declarations() {
    let (_dir, _root, mut client, uri, text) = opened("services/risk.kdl");
    let (owner_line, _) = find(&text, "    owner \"kwame\"");

    // The node names of a service's block.
    let items = complete_after(&mut client, &uri, 5, &text, owner_line, "    re");
    let got = labels(&items);
    for name in ["offer", "sla", "retirement", "decision"] {
        assert!(got.contains(&name), "{name} in {got:?}");
    }
    // `name` and `stage` are written already (once each); `owner` is the
    // line being written.
    assert!(got.contains(&"owner"), "{got:?}");
    for not in ["name", "stage", "member", "tz", "at-least", "service"] {
        assert!(!got.contains(&not), "{not} in {got:?}");
    }

    // A property's name, then its words.
    let items = complete_after(
        &mut client,
        &uri,
        6,
        &text,
        owner_line,
        "    offer \"x\" le",
    );
    assert!(
        items
            .iter()
            .any(|i| i["label"] == "level" && i["textEdit"]["newText"] == "level="),
        "{items:?}"
    );
    let items = complete_after(
        &mut client,
        &uri,
        7,
        &text,
        owner_line,
        "    offer \"x\" level=\"",
    );
    assert_eq!(labels(&items), ["mandated", "additional"]);

    // At the top of a file: the declarations.
    let items = complete_after(&mut client, &uri, 8, &text, 0, "se");
    let got = labels(&items);
    assert!(got.contains(&"service") && got.contains(&"function") && !got.contains(&"name"));
    client.finish();
}

#[test]
fn ids_of_a_file_with_a_syntax_error_and_utf16_ranges() {
    let (_dir, root) = acme();
    let mut client = Client::start(&[]);
    let people = root.join("people.kdl");
    let people_uri = client.open(&people);
    client.diagnostics(&people_uri, |_| true);
    let path = root.join("services/risk.kdl");
    let text = std::fs::read_to_string(&path).unwrap();
    let uri = client.open(&path);
    client.diagnostics(&uri, |_| true);

    // people.kdl stops parsing: its people still complete in risk.kdl.
    let broken = std::fs::read_to_string(&people).unwrap() + "\nperson \"unclosed {\n";
    client.replace(&people_uri, 2, &broken);
    client.diagnostics(&people_uri, |d| codes(d).contains(&"kdl-syntax"));
    let (owner_line, _) = find(&text, "    owner \"kwame\"");
    let line = "    /* Ünïcödé 😀 */ owner \"kw";
    let items = complete_after(&mut client, &uri, 3, &text, owner_line, line);
    assert!(labels(&items).contains(&"kwame"), "{items:?}");
    let start = line.find("\"kw").unwrap() + 1;
    let utf16: usize = line[..start].chars().map(char::len_utf16).sum();
    let range = &items[0]["textEdit"]["range"];
    assert_eq!(range["start"]["character"], json!(utf16), "{range}");
    assert_ne!(utf16, start, "the line must hold characters wider in UTF-8");

    // In a comment: nothing.
    let items = complete_after(&mut client, &uri, 4, &text, owner_line, "    // owner \"");
    assert!(items.is_empty(), "{items:?}");
    client.finish();
}

/// Slips on earlier lines of the file being typed (a stray `}`, a raw
/// string never closed) hide nothing: the file's tree still says which
/// block holds the cursor and what is written there; what is commented out
/// with `/-` is not written.
#[test]
fn completion_after_earlier_slips_in_the_same_file() {
    let (_dir, _root, mut client, uri, text) = opened("services/risk.kdl");
    let broken = text
        .replacen("function \"risk\" {", "function \"risk\" { }", 1)
        .replacen(
            "    name \"Update the risk log\"",
            "    name #\"Update the risk log",
            1,
        );
    assert_ne!(broken, text);
    let (owner_line, _) = find(&broken, "    owner \"kwame\"");
    let items = complete_after(&mut client, &uri, 2, &broken, owner_line, "    owner \"kw");
    assert!(labels(&items).contains(&"kwame"), "{items:?}");
    let items = complete_after(&mut client, &uri, 3, &broken, owner_line, "    re");
    let got = labels(&items);
    assert!(got.contains(&"offer") && got.contains(&"owner"), "{got:?}");
    for not in ["name", "stage", "service"] {
        assert!(!got.contains(&not), "{not} in {got:?}");
    }

    let commented = text.replacen(
        "    name \"Update the risk log\"",
        "    /-name \"Update the risk log\"",
        1,
    );
    let items = complete_after(&mut client, &uri, 4, &commented, owner_line, "    na");
    let got = labels(&items);
    assert!(got.contains(&"name") && !got.contains(&"stage"), "{got:?}");
    client.finish();
}

/// A trigger's condition: the metrics, and the built-in `superseded` and
/// `sla-breached`.
#[test]
fn a_condition_is_a_metric_or_superseded() {
    let (_dir, root, mut client, uri, text) = opened("triggers.kdl");
    let (line, _) = find(&text, "    when \"");
    let items = complete_after(&mut client, &uri, 2, &text, line, "    when \"");
    let mut got: Vec<String> = labels(&items).iter().map(|s| s.to_string()).collect();
    got.sort();
    let mut expected = declared(&root, "metric");
    expected.push("superseded".to_string());
    expected.push("sla-breached".to_string());
    expected.sort();
    assert_eq!(got, expected);
    client.finish();
}

/// Hovering a node's or a property's name shows what the schema says of it.
#[test]
fn hover_on_names_shows_the_schema() {
    let (_dir, _root, mut client, uri, text) = opened("services/risk.kdl");
    let mut hover = |needle: &str, skip: usize| {
        let (line, column) = find(&text, needle);
        let at = json!({ "line": line, "character": column + skip });
        let hover = client.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": at }),
        );
        hover["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    let stage = hover("    stage \"", 6);
    assert!(
        stage.contains("`stage`") && stage.contains("required"),
        "{stage}"
    );
    assert!(stage.contains("strategy, design, pilot"), "{stage}");
    let level = hover("level=\"mandated\"", 2);
    assert!(
        level.contains("`level=`") && level.contains("`offer`"),
        "{level}"
    );
    assert!(level.contains("mandated, additional"), "{level}");
    let service = hover("service \"risk-log\"", 3);
    assert!(service.contains("declares a service"), "{service}");
    drop(client);
}

/// In a rollout, `to=` names a customer group on `communicate` and a party
/// on `feedback`: the hover says which.
#[test]
fn hover_tells_the_two_to_properties_of_a_rollout_apart() {
    let (_dir, _root, mut client, uri, text) = opened("services/schedule.kdl");
    let mut hover = |needle: &str, skip: usize| {
        let (line, column) = find(&text, needle);
        let at = json!({ "line": line, "character": column + skip });
        let hover = client.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": at }),
        );
        hover["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    let told = hover("to=\"project-managers\" on=", 1);
    assert!(
        told.contains("`to=`") && told.contains("`communicate`"),
        "{told}"
    );
    assert!(told.contains("customer group"), "{told}");
    let heard = hover("metric=\"csat-score\" to=\"sofia\"", 21);
    assert!(
        heard.contains("`to=`") && heard.contains("`feedback`"),
        "{heard}"
    );
    assert!(heard.contains("person or team"), "{heard}");
    drop(client);
}

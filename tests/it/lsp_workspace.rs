//! `pmoc lsp` over stdio with the real binary, on a copy of the example:
//! workspace symbols with a query, formatting equal to `pmoc fmt`'s, files
//! changed on disk and announced by `workspace/didChangeWatchedFiles` (the
//! watchers registered at `initialized`), the version of the published
//! diagnostics.

use crate::common;
use crate::lsp_client;

use lsp_client::*;
use serde_json::{Value, json};

/// A client whose `initialize` says `capabilities`; `initialized` is sent.
fn start(capabilities: Value) -> Client {
    Client::start_with(common::bin(), capabilities)
}

/// The next publication for `uri` whose diagnostics `accept` takes.
fn published(client: &mut Client, uri: &str, accept: impl Fn(&[Value]) -> bool) -> Value {
    client.next("publication", |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri
            && accept(m["params"]["diagnostics"].as_array().unwrap())
    })["params"]
        .clone()
}

fn is_subsequence(query: &str, id: &str) -> bool {
    let mut letters = id.chars();
    query
        .to_lowercase()
        .chars()
        .all(|q| letters.any(|c| c == q))
}

#[test]
fn workspace_symbols_match_the_query_in_every_known_project() {
    let (_dir, root) = acme();
    let mut client = Client::start(&[]);
    client.open(&root.join("pmo.kdl"));
    let found = client.request("workspace/symbol", json!({ "query": "OnTiPc" }));
    let found = found.as_array().unwrap();
    assert!(!found.is_empty());
    for s in found {
        let name = s["name"].as_str().unwrap();
        assert!(is_subsequence("OnTiPc", name), "{s}");
    }
    let metric = found
        .iter()
        .find(|s| s["name"] == "on-time-pct")
        .expect("the metric");
    assert_eq!(metric["containerName"], "metric");
    assert_eq!(metric["kind"], 16, "a number");
    let metrics = std::fs::read_to_string(root.join("metrics.kdl")).unwrap();
    let (line, column) = find(&metrics, "\"on-time-pct\"");
    assert_eq!(metric["location"]["uri"], uri(&root.join("metrics.kdl")));
    assert_eq!(
        metric["location"]["range"]["start"],
        json!({ "line": line, "character": column })
    );
    // An empty query: every declaration (a person, a service, an SLA).
    let all = client.request("workspace/symbol", json!({ "query": "" }));
    let names: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    for id in ["kwame", "risk-log", "risk-log-sla", "resource"] {
        assert!(names.contains(&id), "{id}");
    }
    assert!(names.len() > found.len());
    client.finish();
}

#[test]
fn formatting_gives_pmoc_fmt_s_text() {
    let (_dir, root) = acme();
    let path = root.join("services/risk.kdl");
    let text = std::fs::read_to_string(&path).unwrap();
    // Out of order: `function` before `name`, and an odd indentation; a
    // comment after a closing `}` (once deleted, issue 19).
    let messy = text
        .replacen(
            "    name \"Update the risk log\"\n    function \"risk\"\n",
            "    function \"risk\"\n        name \"Update the risk log\"\n",
            1,
        )
        .replacen("\n    }\n}\n", "\n    } // keep\n} /* and keep */\n", 1);
    assert_ne!(messy, text);
    assert!(messy.contains("} // keep\n} /* and keep */\n"), "{messy}");
    std::fs::write(&path, &messy).unwrap();

    let mut client = Client::start(&[]);
    let risk = client.open(&path);
    let params = json!({
        "textDocument": { "uri": risk },
        "options": { "tabSize": 4, "insertSpaces": true },
    });
    let edits = client.request("textDocument/formatting", params.clone());
    let edits = edits.as_array().unwrap();
    assert_eq!(edits.len(), 1, "{edits:?}");
    let e = &edits[0];
    let start = find_position(&messy, &e["range"]["start"]);
    let end = find_position(&messy, &e["range"]["end"]);
    let formatted = format!(
        "{}{}{}",
        &messy[..start],
        e["newText"].as_str().unwrap(),
        &messy[end..]
    );

    // A file with a syntax error: no edits, no error.
    client.replace(&risk, 2, &format!("{messy}\nnode {{\n"));
    let none = client.request("textDocument/formatting", params);
    assert_eq!(none, json!([]));
    client.finish();

    let output = common::pmoc().arg("fmt").arg(&root).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    let by_fmt = std::fs::read_to_string(&path).unwrap();
    assert_ne!(by_fmt, messy);
    assert_eq!(formatted, by_fmt);
    assert!(
        formatted.contains("    } // keep\n} /* and keep */\n"),
        "{formatted}"
    );
}

/// The byte offset of a position (the example's text is ASCII).
fn find_position(text: &str, at: &Value) -> usize {
    let line = at["line"].as_u64().unwrap() as usize;
    let character = at["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    start + character
}

#[test]
fn files_changed_on_disk_are_compiled_again_when_announced() {
    let (_dir, root) = acme();
    let capabilities =
        json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    let mut client = start(capabilities);
    let register = client.next("registration", |m| {
        m["method"] == "client/registerCapability"
    });
    let registration = &register["params"]["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    let globs: Vec<&Value> = registration["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| &w["globPattern"])
        .collect();
    assert_eq!(globs, [&json!("**/*.kdl"), &json!("**/*.csv")]);
    client.send(json!({ "jsonrpc": "2.0", "id": register["id"], "result": null }));

    // An open document's findings carry its version.
    let risk = client.open(&root.join("services/risk.kdl"));
    let first = published(&mut client, &risk, |d| !d.is_empty());
    assert_eq!(first["version"], 1);

    // gates.kdl, not open, broken on disk: nothing until it is announced.
    let gates_path = root.join("gates.kdl");
    let gates = uri(&gates_path);
    let text = std::fs::read_to_string(&gates_path).unwrap();
    std::fs::write(&gates_path, format!("{text}\nnode {{\n")).unwrap();
    let change = json!({ "changes": [{ "uri": gates, "type": 2 }] });
    client.notify("workspace/didChangeWatchedFiles", change);
    let broken = published(&mut client, &gates, |d| codes(d).contains(&"kdl-syntax"));
    assert!(broken.get("version").is_none_or(Value::is_null), "{broken}");

    // Mended on disk, and a metrics CSV deleted: the findings follow.
    std::fs::write(&gates_path, &text).unwrap();
    let csv = root.join("metrics/2026-monthly.csv");
    std::fs::remove_file(&csv).unwrap();
    let change = json!({ "changes": [
        { "uri": gates, "type": 2 },
        { "uri": uri(&csv), "type": 3 },
    ] });
    client.notify("workspace/didChangeWatchedFiles", change);
    published(&mut client, &gates, |d| d.is_empty());

    // A metrics CSV open in the editor is read from its text there.
    let survey_path = root.join("metrics/executive-survey.csv");
    let survey = client.open(&survey_path);
    let survey_text = std::fs::read_to_string(&survey_path).unwrap();
    let edited = survey_text.replacen(",board-minutes,", ",no-such-service,", 1);
    assert_ne!(edited, survey_text);
    client.replace(&survey, 2, &edited);
    let found = published(&mut client, &survey, |d| codes(d).contains(&"metrics-csv"));
    let (line, column) = find(&edited, "no-such-service");
    let bad = &found.as_object().unwrap()["diagnostics"][0];
    assert_eq!(
        bad["range"]["start"],
        json!({ "line": line, "character": column })
    );
    assert_eq!(found["version"], 2);
    client.replace(&survey, 3, &survey_text);
    published(&mut client, &survey, |d| !codes(d).contains(&"metrics-csv"));

    // An edit: the next publication has the new version.
    let risk_text = std::fs::read_to_string(root.join("services/risk.kdl")).unwrap();
    client.replace(&risk, 7, &format!("{risk_text}\n"));
    client.next("version 7", |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == risk.as_str()
            && m["params"]["version"] == 7
    });
    client.finish();
}

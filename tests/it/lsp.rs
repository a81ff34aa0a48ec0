//! `pmoc lsp` over stdio with the real binary: the handshake, diagnostics
//! on open and as an edit in one file changes another's findings, go to
//! definition, hover, the outline, UTF-16 columns on a line with accents
//! and emoji, the UTF-8 columns a client may ask for, shutdown and exit.

use crate::lsp_client;

use std::io::Write;
use std::time::Instant;

use lsp_client::*;
use serde_json::{Value, json};

#[test]
fn diagnostics_on_open_follow_edits_across_files() {
    let (_dir, root) = acme();
    let mut client = Client::start(&[]);
    let risk = client.open(&root.join("services/risk.kdl"));
    // `pmoc check` reports warnings in services/risk.kdl on the example.
    let found = client.diagnostics(&risk, |d| !d.is_empty());
    assert!(codes(&found).contains(&"insufficient-data"), "{found:?}");
    assert!(found.iter().all(|d| d["source"] == "pmoc"));

    // Renaming a person in people.kdl leaves the services that name them
    // with an unknown reference, in another file.
    let people_path = root.join("people.kdl");
    let people = client.open(&people_path);
    let text = std::fs::read_to_string(&people_path).unwrap();
    let renamed = text.replace("person \"kwame\"", "person \"kwame2\"");
    assert_ne!(renamed, text);
    client.replace(&people, 2, &renamed);
    let broken = client.diagnostics(&risk, |d| codes(d).contains(&"unknown-reference"));
    let risk_text = std::fs::read_to_string(root.join("services/risk.kdl")).unwrap();
    let (line, column) = find(&risk_text, "owner \"kwame\"");
    let unknown = broken
        .iter()
        .find(|d| d["code"] == "unknown-reference" && d["range"]["start"]["line"] == line)
        .unwrap();
    assert_eq!(unknown["range"]["start"]["character"], column + 6);
    assert_eq!(unknown["severity"], 1);

    // Back as it was: the unknown references go away.
    client.replace(&people, 3, &text);
    client.diagnostics(&risk, |d| !codes(d).contains(&"unknown-reference"));
    client.finish();
}

#[test]
fn a_syntax_error_is_reported_and_navigation_keeps_the_last_good_model() {
    let (_dir, root) = acme();
    let mut client = Client::start(&[]);
    let gates_path = root.join("gates.kdl");
    let gates = client.open(&gates_path);
    let text = std::fs::read_to_string(&gates_path).unwrap();
    client.diagnostics(&gates, |_| true);
    client.replace(&gates, 2, &format!("{text}\nnode {{\n"));
    let found = client.diagnostics(&gates, |d| codes(d).contains(&"kdl-syntax"));
    assert_eq!(codes(&found), ["kdl-syntax"]);

    // In another file, a reference to a gate still leads to gates.kdl.
    let portfolio_path = root.join("services/portfolio.kdl");
    let portfolio = client.open(&portfolio_path);
    let source = std::fs::read_to_string(&portfolio_path).unwrap();
    let (line, column) = find(&source, "decision \"g4-service-acceptance\"");
    let at = json!({ "line": line, "character": column + 12 });
    let params = json!({ "textDocument": { "uri": portfolio }, "position": at });
    let target = client.request("textDocument/definition", params);
    assert_eq!(target["uri"], gates.as_str(), "{target}");
    let (gate_line, _) = find(&text, "gate \"g4-service-acceptance\"");
    assert_eq!(target["range"]["start"]["line"], gate_line);
    client.finish();
}

#[test]
fn definition_hover_and_outline() {
    let (_dir, root) = acme();
    let mut client = Client::start(&[]);
    let path = root.join("services/portfolio.kdl");
    let portfolio = client.open(&path);
    let text = std::fs::read_to_string(&path).unwrap();
    let (line, column) = find(&text, "owner \"amir\"");
    let at = json!({ "line": line, "character": column + 8 });
    let params = json!({ "textDocument": { "uri": portfolio }, "position": at });

    let target = client.request("textDocument/definition", params.clone());
    let people_text = std::fs::read_to_string(root.join("people.kdl")).unwrap();
    let (people_line, people_column) = find(&people_text, "person \"amir\"");
    assert_eq!(target["uri"], uri(&root.join("people.kdl")));
    assert_eq!(
        target["range"]["start"],
        json!({ "line": people_line, "character": people_column + 7 })
    );

    let hover = client.request("textDocument/hover", params.clone());
    let card = hover["contents"]["value"].as_str().unwrap();
    assert!(card.starts_with("**person** `amir`: Amir Haddad"), "{card}");
    assert!(card.contains("Portfolio Manager"), "{card}");
    assert!(card.contains("people.kdl:"), "{card}");

    let mut with_declaration = params;
    with_declaration["context"] = json!({ "includeDeclaration": true });
    let found = client.request("textDocument/references", with_declaration);
    let found = found.as_array().unwrap();
    assert!(found.len() > 3, "{found:?}");
    assert_eq!(found[0]["uri"], uri(&root.join("people.kdl")));

    let outline = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": portfolio } }),
    );
    let names: Vec<&str> = outline
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names[..3],
        ["portfolio", "demand-intake", "demand-intake-sla"]
    );
    client.finish();
}

/// A line with accents and emoji before a reference: columns in UTF-16
/// code units by default, in bytes when the client offers UTF-8.
#[test]
fn columns_on_a_line_with_accents_and_emoji() {
    // The opening quote of the reference: after 20 UTF-16 units or 23 bytes.
    for (encodings, quote) in [(&[][..], 20), (&["utf-8", "utf-16"][..], 23)] {
        let (_dir, root) = acme();
        let mut client = Client::start(encodings);
        let path = root.join("services/portfolio.kdl");
        let portfolio = client.open(&path);
        let text = std::fs::read_to_string(&path).unwrap();
        // `/* Café 😀 */` is 13 UTF-16 units and 17 bytes.
        let edited = text.replacen(
            "    owner \"amir\"",
            "/* Café 😀 */ owner \"nobody-here\"",
            1,
        );
        client.replace(&portfolio, 2, &edited);
        let found = client.diagnostics(&portfolio, |d| codes(d).contains(&"unknown-reference"));
        let unknown = found
            .iter()
            .find(|d| d["code"] == "unknown-reference")
            .unwrap();
        let (line, _) = find(&edited, "nobody-here");
        assert_eq!(
            unknown["range"]["start"],
            json!({ "line": line, "character": quote })
        );
        // Definition from the same line, at the column of `"amir"` once
        // the reference is restored.
        let restored = text.replacen("    owner \"amir\"", "/* Café 😀 */ owner \"amir\"", 1);
        client.replace(&portfolio, 3, &restored);
        client.diagnostics(&portfolio, |d| !codes(d).contains(&"unknown-reference"));
        let at = json!({ "line": line, "character": quote + 2 });
        let params = json!({ "textDocument": { "uri": portfolio }, "position": at });
        let target = client.request("textDocument/definition", params);
        assert_eq!(
            target["uri"],
            uri(&root.join("people.kdl")),
            "{encodings:?}"
        );
        client.finish();
    }
}

#[test]
fn a_file_in_no_project_gets_its_syntax_findings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().canonicalize().unwrap().join("loose.kdl");
    std::fs::write(&path, "node {\n").unwrap();
    let mut client = Client::start(&[]);
    let loose = client.open(&path);
    let found = client.diagnostics(&loose, |d| !d.is_empty());
    assert_eq!(codes(&found), ["kdl-syntax"]);
    client.replace(&loose, 2, "node {}\n");
    client.diagnostics(&loose, <[Value]>::is_empty);
    client.finish();
}

/// What the server publishes for the project is what `pmoc check` prints:
/// the same findings, file by file, at the same places (the example is
/// ASCII: a UTF-16 column is the character column less one).
#[test]
fn the_findings_are_those_of_pmoc_check() {
    let (_dir, root) = acme();
    let mut client = Client::start(&[]);
    let manifest = client.open(&root.join("pmo.kdl"));
    // A request is answered after the round's diagnostics are published.
    client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": manifest } }),
    );
    let mut published: Vec<Finding> = Vec::new();
    for m in &client.pending {
        if m["method"] != "textDocument/publishDiagnostics" {
            continue;
        }
        let file = m["params"]["uri"].as_str().unwrap();
        let file = file
            .strip_prefix(&format!("file://{}/", root.display()))
            .unwrap();
        for d in m["params"]["diagnostics"].as_array().unwrap() {
            let message = d["message"].as_str().unwrap();
            let message = message.split("\nhelp: ").next().unwrap();
            let start = &d["range"]["start"];
            published.push((
                file.to_string(),
                start["line"].as_u64().unwrap() + 1,
                start["character"].as_u64().unwrap() + 1,
                d["code"].as_str().unwrap().to_string(),
                message.to_string(),
            ));
        }
    }
    let checked = checked(&root);
    assert!(!checked.is_empty());
    published.sort();
    assert_eq!(published, checked);
    client.finish();
}

/// Odd input is answered with errors or ignored, and the server goes on.
#[test]
fn odd_messages_do_not_end_the_server() {
    let (_dir, root) = acme();
    let mut client = Client::start(&[]);
    let path = root.join("people.kdl");
    let people = client.open(&path);
    client.diagnostics(&people, |_| true);
    // Unknown method, bad parameters: error responses.
    for (method, params) in [
        ("pmoc/unknown", json!({})),
        ("textDocument/definition", json!({ "nonsense": 1 })),
    ] {
        client.next_id += 1;
        let id = client.next_id;
        client.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let m = client.messages.recv_timeout(left).expect("an answer");
            if m["id"] == json!(id) {
                assert!(m.get("error").is_some(), "{m}");
                break;
            }
        }
    }
    // A change to a document never opened, a range past the end, a
    // position past the end.
    let elsewhere = uri(&root.join("nowhere.kdl"));
    client.replace(&elsewhere, 2, "x");
    let far = json!({ "line": 9999, "character": 9999 });
    let params = json!({
        "textDocument": { "uri": people, "version": 2 },
        "contentChanges": [{ "range": { "start": far, "end": far }, "text": "\n// é😀\n" }],
    });
    client.notify("textDocument/didChange", params);
    let at = json!({ "textDocument": { "uri": people }, "position": far });
    assert_eq!(client.request("textDocument/hover", at), Value::Null);
    // Still serving.
    let text = std::fs::read_to_string(&path).unwrap();
    let (line, column) = find(&text, "person \"amir\"");
    let at = json!({ "line": line, "character": column + 9 });
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": people }, "position": at }),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("Amir Haddad")
    );
    client.finish();
}

/// A message the server cannot read is answered with a JSON-RPC parse
/// error (id null), and the next one is read: a length too large to
/// allocate or past `u64`, a negative or missing length, a body that is not
/// JSON or not UTF-8 (issue 19, item 11).
#[test]
fn malformed_messages_are_answered_and_the_server_goes_on() {
    let mut client = Client::start(&[]);
    let framed = |body: &[u8]| {
        let mut bytes = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        bytes.extend_from_slice(body);
        bytes
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "a huge length",
            b"Content-Length: 99999999999999\r\n\r\n{}".to_vec(),
        ),
        (
            "2^64-1",
            format!("Content-Length: {}\r\n\r\n{{}}", u64::MAX).into_bytes(),
        ),
        (
            "past u64",
            b"Content-Length: 99999999999999999999999\r\n\r\n{}".to_vec(),
        ),
        (
            "a negative length",
            b"Content-Length: -1\r\n\r\n{}".to_vec(),
        ),
        (
            "no length",
            b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}".to_vec(),
        ),
        ("bad JSON", framed(b"{\"jsonrpc\": \"2.0\", \"id\": ")),
        (
            "invalid UTF-8",
            framed(b"{\"jsonrpc\":\"2.0\",\"method\":\"\xff\"}"),
        ),
    ];
    for (what, bytes) in cases {
        client.stdin.write_all(&bytes).unwrap();
        client.stdin.flush().unwrap();
        let refusal = client.next(&format!("a parse error for {what}"), |m| {
            m.get("error").is_some() && m["id"].is_null()
        });
        assert_eq!(refusal["error"]["code"], json!(-32700), "{what}: {refusal}");
        // Still serving: a request is answered.
        let answer = client.respond("pmoc/unknown", json!({}));
        assert_eq!(answer["error"]["code"], json!(-32601), "{what}: {answer}");
    }
    // JSON that is no message: an invalid request, with its id.
    client
        .stdin
        .write_all(&framed(br#"{"id": 99, "method": 5}"#))
        .unwrap();
    let refusal = client.next("an invalid request", |m| m["id"] == json!(99));
    assert_eq!(refusal["error"]["code"], json!(-32600), "{refusal}");
    client.finish();
}

/// Hover cards say what matters for each kind: a service's stage, owner
/// and function, a gate's from and to, a metric's unit and cadence.
#[test]
fn hover_cards_by_kind() {
    let (_dir, root) = acme();
    let mut client = Client::start(&[]);
    let path = root.join("services/administration.kdl");
    let admin = client.open(&path);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut hover = |needle: &str, skip: usize| {
        let (line, column) = find(&text, needle);
        let at = json!({ "line": line, "character": column + skip });
        let params = json!({ "textDocument": { "uri": admin }, "position": at });
        let hover = client.request("textDocument/hover", params);
        hover["contents"]["value"].as_str().unwrap().to_string()
    };
    let gate = hover("decision \"g4-service-acceptance\"", 12);
    assert!(
        gate.starts_with("**gate** `g4-service-acceptance`"),
        "{gate}"
    );
    assert!(gate.contains("implementation → operation"), "{gate}");
    assert!(gate.contains("`jane`"), "{gate}");
    let (line, _) = find(&text, "service \"");
    let service_line = text.lines().nth(line).unwrap();
    let id = service_line.split('"').nth(1).unwrap();
    let card = hover(&format!("service \"{id}\""), 10);
    assert!(card.starts_with(&format!("**service** `{id}`")), "{card}");
    for fact in ["function `", "stage ", "owner `"] {
        assert!(card.contains(fact), "{fact} in {card}");
    }

    let risk = root.join("services/risk.kdl");
    let uri = client.open(&risk);
    let text = std::fs::read_to_string(&risk).unwrap();
    let (line, column) = find(&text, "kpis \"currency-pct\"");
    let at = json!({ "line": line, "character": column + 7 });
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": at }),
    );
    let card = hover["contents"]["value"].as_str().unwrap();
    assert!(card.starts_with("**metric** `currency-pct`"), "{card}");
    assert!(
        card.contains("unit percent") && card.contains("every month"),
        "{card}"
    );
    client.finish();
}

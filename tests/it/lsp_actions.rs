//! `pmoc lsp`'s code actions with the real binary: the quick fix of a
//! misspelt reference, stage keyword and property, and of a missing
//! `name`, applied as an editor applies it (in the negotiated encoding,
//! on a line with accents and emoji too), gives a text in which the
//! finding is gone.

use crate::common;
use crate::lsp_client;

use lsp_client::*;
use serde_json::{Value, json};

/// The byte offset of a protocol position in `text` (`utf16`: columns in
/// UTF-16 code units, else in bytes).
fn offset(text: &str, line: u64, character: u64, utf16: bool) -> usize {
    let mut start = 0;
    for _ in 0..line {
        start += text[start..].find('\n').unwrap() + 1;
    }
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character || c == '\n' {
            return start + i;
        }
        units += if utf16 { c.len_utf16() } else { c.len_utf8() } as u64;
    }
    text.len()
}

/// `edits` applied to `text`, last first.
fn apply(text: &str, edits: &[Value], utf16: bool) -> String {
    let mut at: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            let r = &e["range"];
            let pos = |p: &Value| {
                offset(
                    text,
                    p["line"].as_u64().unwrap(),
                    p["character"].as_u64().unwrap(),
                    utf16,
                )
            };
            (
                pos(&r["start"]),
                pos(&r["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    at.sort_by_key(|&(start, _, _)| std::cmp::Reverse(start));
    let mut out = text.to_string();
    for (start, end, new) in at {
        out.replace_range(start..end, new);
    }
    out
}

/// Opens `file` of a fresh copy of the example with `edit` made to it,
/// asks for the quick fix of its `code` finding (on the line of `near`),
/// applies it and sends the result: returns the fixed text and the
/// findings published for it.
fn fix_round(
    encodings: &[&str],
    file: &str,
    edit: impl Fn(&str) -> String,
    code: &str,
    near: &str,
) -> (String, String, Vec<Value>) {
    let utf16 = !encodings.contains(&"utf-8");
    let (_dir, root) = acme();
    let mut client = Client::start(encodings);
    let path = root.join(file);
    let original = std::fs::read_to_string(&path).unwrap();
    let broken = edit(&original);
    assert_ne!(broken, original);
    let uri = client.open(&path);
    client.replace(&uri, 2, &broken);
    let (line, _) = find(&broken, near);
    let on_line = |d: &Value| d["code"] == code && d["range"]["start"]["line"] == line;
    let found = client.diagnostics(&uri, |d| d.iter().any(on_line));
    let finding = found.iter().find(|d| on_line(d)).unwrap().clone();
    let params = json!({
        "textDocument": { "uri": uri },
        "range": finding["range"],
        "context": { "diagnostics": [finding] },
    });
    let actions = client.request("textDocument/codeAction", params);
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    let action = &actions[0];
    assert_eq!(action["kind"], "quickfix");
    assert_eq!(action["isPreferred"], true);
    assert_eq!(action["diagnostics"], json!([finding]));
    let changes = action["edit"]["changes"].as_object().unwrap();
    assert_eq!(changes.keys().collect::<Vec<_>>(), [&uri]);
    let fixed = apply(&broken, changes[&uri].as_array().unwrap(), utf16);
    client.replace(&uri, 3, &fixed);
    let after = client.diagnostics(&uri, |d| !d.iter().any(|d| d["code"] == code));
    client.finish();
    (original, fixed, after)
}

#[test]
fn a_misspelt_reference_is_fixed_inside_its_quotes() {
    let (original, fixed, _) = fix_round(
        &[],
        "services/portfolio.kdl",
        |t| {
            t.replacen(
                "    function \"portfolio\"\n",
                "    function \"portfolo\"\n",
                1,
            )
        },
        "unknown-reference",
        "\"portfolo\"",
    );
    assert_eq!(fixed, original);
}

#[test]
fn a_fix_on_a_line_with_accents_and_emoji_in_either_encoding() {
    for encodings in [&[][..], &["utf-8"][..]] {
        let (original, fixed, _) = fix_round(
            encodings,
            "services/portfolio.kdl",
            |t| {
                t.replacen(
                    "    function \"portfolio\"\n",
                    "/* Café 😀 */ function \"portfolo\" // 😀\n",
                    1,
                )
            },
            "unknown-reference",
            "\"portfolo\"",
        );
        let expected = original.replacen(
            "    function \"portfolio\"\n",
            "/* Café 😀 */ function \"portfolio\" // 😀\n",
            1,
        );
        assert_eq!(fixed, expected, "{encodings:?}");
    }
}

#[test]
fn a_misspelt_stage_and_property_are_fixed() {
    let (original, fixed, _) = fix_round(
        &[],
        "services/portfolio.kdl",
        |t| t.replacen("stage \"operation\"", "stage \"opration\"", 1),
        "invalid-value",
        "\"opration\"",
    );
    assert_eq!(fixed, original);
    let (original, fixed, _) = fix_round(
        &[],
        "people.kdl",
        |t| t.replacen("person \"jane\" name=", "person \"jane\" nme=", 1),
        "unknown-property",
        "nme=",
    );
    assert_eq!(fixed, original);
}

/// A missing `name` is inserted with a placeholder: the `missing-field`
/// goes, as `pmoc check` on the fixed file confirms.
#[test]
fn a_missing_name_is_inserted() {
    let drop_name = |t: &str| {
        t.replacen(
            "    name \"Demand intake and business-case triage\"\n",
            "",
            1,
        )
    };
    let (original, fixed, after) = fix_round(
        &[],
        "services/portfolio.kdl",
        drop_name,
        "missing-field",
        "service \"demand-intake\"",
    );
    let expected = original.replacen(
        "    name \"Demand intake and business-case triage\"\n",
        "    name \"TODO\"\n",
        1,
    );
    assert_eq!(fixed, expected);
    assert!(!codes(&after).contains(&"missing-field"), "{after:?}");

    let (_dir, root) = acme();
    std::fs::write(root.join("services/portfolio.kdl"), &fixed).unwrap();
    let output = common::pmoc()
        .args(["check", "--format", "json"])
        .arg(&root)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let codes: Vec<_> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == "services/portfolio.kdl")
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(!codes.contains(&"missing-field"), "{codes:?}");
}

/// No quick fix for a finding without one, nor when the client asks for
/// other kinds; without context diagnostics, the findings at the range.
#[test]
fn no_fix_without_one_and_the_findings_at_the_range_without_context() {
    let (_dir, root) = acme();
    let mut client = Client::start(&[]);
    let path = root.join("services/portfolio.kdl");
    let text = std::fs::read_to_string(&path).unwrap();
    let uri = client.open(&path);
    let broken = text.replacen(
        "    function \"portfolio\"\n",
        "    function \"zzzzzz\"\n",
        1,
    );
    client.replace(&uri, 2, &broken);
    let found = client.diagnostics(&uri, |d| codes(d).contains(&"unknown-reference"));
    let finding = found
        .iter()
        .find(|d| d["code"] == "unknown-reference")
        .unwrap();
    let ask = |client: &mut Client, context: Value| {
        let params = json!({ "textDocument": { "uri": uri }, "range": finding["range"], "context": context });
        client.request("textDocument/codeAction", params)
    };
    assert_eq!(
        ask(&mut client, json!({ "diagnostics": [finding] })),
        json!([])
    );
    let misspelt = text.replacen(
        "    function \"portfolio\"\n",
        "    function \"portfolo\"\n",
        1,
    );
    client.replace(&uri, 3, &misspelt);
    client.diagnostics(&uri, |d| {
        d.iter()
            .any(|d| d["message"].as_str().unwrap().contains("portfolo"))
    });
    assert_eq!(
        ask(
            &mut client,
            json!({ "diagnostics": [], "only": ["refactor"] })
        ),
        json!([])
    );
    let actions = ask(&mut client, json!({ "diagnostics": [] }));
    assert_eq!(actions.as_array().unwrap().len(), 1, "{actions}");
    assert_eq!(actions[0]["title"], "Replace with `portfolio`");
    let actions = ask(
        &mut client,
        json!({ "diagnostics": [], "only": ["quickfix"] }),
    );
    assert_eq!(actions.as_array().unwrap().len(), 1, "{actions}");
    client.finish();
}

//! A burst of changes while compilations run (`lsp::worker`): a change
//! cancels the compilation in progress, the burst is answered with the
//! findings of its last text, and no publication carries findings of a
//! text other than the version it names (a compilation overtaken by a
//! change publishes nothing). The project is generated large enough
//! (`pmoc_synth`) that a debug build's compilation outlasts the gaps
//! between changes.

use std::time::Duration;

use serde_json::{Value, json};

use crate::lsp_client::Client;

/// Services in the generated project.
const SERVICES: usize = 400;
/// Changes in the burst, and the time between two of them.
const BURST: i64 = 12;
const GAP: Duration = Duration::from_millis(15);

/// The `nobody-N` a publication's findings name (the tag of the text
/// compiled), if any.
fn tag(diagnostics: &[Value]) -> Option<i64> {
    diagnostics.iter().find_map(|d| {
        let message = d["message"].as_str()?;
        let at = message.find("`nobody-")? + 8;
        let digits: String = message[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    })
}

#[test]
fn a_burst_is_answered_with_its_last_text_and_nothing_stale() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    pmoc_synth::write_project(&root, SERVICES).unwrap();
    let sample = pmoc_synth::sample_service(&root).unwrap();
    let file = root.join(&sample.file);
    let original = std::fs::read_to_string(&file).unwrap();
    let owner = {
        let at = original.find("owner \"").unwrap();
        let end = original[at + 7..].find('"').unwrap() + at + 8;
        original[at..end].to_string()
    };
    // Version N's text names `nobody-N` as the owner.
    let text = |version: i64| original.replacen(&owner, &format!("owner \"nobody-{version}\""), 1);

    let mut client = Client::start(&["utf-16"]);
    let uri = client.open(&file);
    client.diagnostics(&uri, |_| true);
    client.pending.clear();

    let last = 1 + BURST;
    for version in 2..=last {
        std::thread::sleep(GAP);
        client.replace(&uri, version, &text(version));
    }
    let wanted = format!("`nobody-{last}`");
    let answer = client.diagnostics(&uri, |d| {
        d.iter()
            .any(|d| d["message"].as_str().is_some_and(|m| m.contains(&wanted)))
    });
    assert_eq!(tag(&answer), Some(last));
    let publications = |messages: &[Value]| -> Vec<(i64, Option<i64>)> {
        messages
            .iter()
            .filter(|m| {
                m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
            })
            .map(|m| {
                let version = m["params"]["version"].as_i64().expect("a version");
                (version, tag(m["params"]["diagnostics"].as_array().unwrap()))
            })
            .collect()
    };
    let mut published = publications(&client.pending);
    published.push((last, Some(last)));
    // A request waits for its project to be up to date: anything still to
    // come for the burst is published before its answer.
    client.pending.clear();
    client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri } }),
    );
    std::thread::sleep(Duration::from_millis(100));
    while let Ok(message) = client.messages.try_recv() {
        client.pending.push(message);
    }
    let after = publications(&client.pending);
    assert!(after.is_empty(), "published after the answer: {after:?}");
    // Each publication holds the findings of the text of its version, in
    // the order of the versions, and the last is the burst's last text's.
    for (version, found) in &published {
        assert_eq!(
            *found,
            Some(*version),
            "stale findings published: {published:?}"
        );
    }
    assert!(
        published.windows(2).all(|w| w[0].0 < w[1].0),
        "{published:?}"
    );
    // The burst cost fewer compilations than changes.
    assert!(
        (published.len() as i64) < BURST,
        "a compilation per change: {published:?}"
    );

    // Restored, the findings of the original text come back, and nothing
    // else is published after them.
    client.replace(&uri, last + 1, &original);
    let restored = client.diagnostics(&uri, |d| tag(d).is_none());
    assert!(tag(&restored).is_none());
    client.finish();
}

//! A client of `pmoc lsp` over stdio, shared by the language server's
//! tests (`tests/lsp*.rs`, each `mod lsp_client;`).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub(crate) const WAIT: Duration = Duration::from_secs(20);

/// A client of one `pmoc lsp` process.
pub(crate) struct Client {
    pub(crate) child: Child,
    pub(crate) stdin: ChildStdin,
    pub(crate) messages: Receiver<Value>,
    pub(crate) next_id: i64,
    /// Notifications read while waiting for something else.
    pub(crate) pending: Vec<Value>,
    /// The server's capabilities, from its answer to `initialize`.
    pub(crate) server: Value,
}

impl Client {
    pub(crate) fn start(encodings: &[&str]) -> Client {
        Client::start_exe(crate::common::bin(), encodings)
    }

    /// [`Client::start`] with another `pmoc` binary (a bench's baseline).
    pub(crate) fn start_exe(exe: &Path, encodings: &[&str]) -> Client {
        let capabilities = json!({ "general": { "positionEncodings": encodings } });
        let client = Client::start_with(exe, capabilities);
        assert!(
            client.server["definitionProvider"] == json!(true),
            "{}",
            client.server
        );
        client
    }

    /// A client of `exe lsp` whose `initialize` says `capabilities`;
    /// `initialized` is sent.
    pub(crate) fn start_with(exe: &Path, capabilities: Value) -> Client {
        let mut child = Command::new(exe)
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (send, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if send.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            messages,
            next_id: 0,
            pending: Vec::new(),
            server: Value::Null,
        };
        let init = client.request("initialize", json!({ "capabilities": capabilities }));
        client.server = init["capabilities"].clone();
        client.notify("initialized", json!({}));
        client
    }

    pub(crate) fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    pub(crate) fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and returns its result (panics on an error response).
    pub(crate) fn request(&mut self, method: &str, params: Value) -> Value {
        let message = self.respond(method, params);
        assert!(message.get("error").is_none(), "{message}");
        message["result"].clone()
    }

    /// Sends a request and returns its whole response (result or error).
    pub(crate) fn respond(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let what = format!("a response to {method}");
        self.next(&what, |m| m["id"] == json!(id) && m.get("method").is_none())
    }

    /// The next message `accept` takes: from those already read, else the
    /// new ones (the others are kept for later).
    pub(crate) fn next(&mut self, what: &str, accept: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.pending.iter().position(&accept) {
            return self.pending.remove(i);
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self
                .messages
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no {what} in time"));
            if accept(&message) {
                return message;
            }
            self.pending.push(message);
        }
    }

    /// The next diagnostics published for `uri` that `accept` takes.
    pub(crate) fn diagnostics(
        &mut self,
        uri: &str,
        accept: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        let what = format!("accepted diagnostics for {uri}");
        let message = self.next(&what, |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri && {
                let list = m["params"]["diagnostics"].as_array().unwrap();
                accept(list)
            }
        });
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    pub(crate) fn open(&mut self, path: &Path) -> String {
        let uri = uri(path);
        let text = std::fs::read_to_string(path).unwrap();
        let doc = json!({ "uri": uri, "languageId": "kdl", "version": 1, "text": text });
        self.notify("textDocument/didOpen", json!({ "textDocument": doc }));
        uri
    }

    /// Replaces the whole text of an open document.
    pub(crate) fn replace(&mut self, uri: &str, version: i64, text: &str) {
        let params = json!({
            "textDocument": { "uri": uri, "version": version },
            "contentChanges": [{ "text": text }],
        });
        self.notify("textDocument/didChange", params);
    }

    /// Shuts down and exits; the process ends with 0.
    pub(crate) fn finish(mut self) {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "{status}");
                return;
            }
            assert!(Instant::now() < deadline, "pmoc lsp did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

pub(crate) fn uri(path: &Path) -> String {
    let text = path.to_str().unwrap();
    assert!(text.is_ascii() && !text.contains(' '), "{text}");
    format!("file://{text}")
}

/// A copy of examples/acme's sources in a temporary folder (canonical
/// path).
pub(crate) fn acme() -> (tempfile::TempDir, PathBuf) {
    crate::common::example_copy("acme")
}

pub(crate) fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect()
}

/// The line (from 0) of the first line holding `needle`, and the byte
/// offset of `needle` in it.
pub(crate) fn find(text: &str, needle: &str) -> (usize, usize) {
    text.lines()
        .enumerate()
        .find_map(|(i, l)| l.find(needle).map(|c| (i, c)))
        .unwrap_or_else(|| panic!("no `{needle}`"))
}

/// A finding of `pmoc check --format json`: file, line, column, code and
/// message.
pub(crate) type Finding = (String, u64, u64, String, String);

/// `pmoc check --format json`'s findings on `root`, sorted.
pub(crate) fn checked(root: &Path) -> Vec<Finding> {
    let output = crate::common::pmoc()
        .args(["check", "--format", "json"])
        .arg(root)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut all: Vec<Finding> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["code"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    all.sort();
    all
}

//! A running `pmoc serve` and plain HTTP requests to it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::pmoc;

/// A running `pmoc serve`, stopped (SIGINT) when dropped.
pub(crate) struct Served {
    pub child: Child,
    pub port: u16,
    /// Lines the server printed on stderr after its start.
    pub log: mpsc::Receiver<String>,
}

impl Served {
    pub(crate) fn start(project: &Path, extra: &[&str]) -> Served {
        let mut child = pmoc()
            .args([
                "serve",
                project.to_str().unwrap(),
                "--port",
                "0",
                "--debounce",
                "20",
            ])
            .args(extra)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("pmoc serve starts");
        let (tx, log) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(30);
        let port = loop {
            let line = log
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .expect("the server says where it serves");
            if let Some(rest) = line.strip_prefix("serving http://127.0.0.1:") {
                break rest.split('/').next().unwrap().parse().unwrap();
            }
        };
        Served { child, port, log }
    }

    pub(crate) fn get(&self, path: &str) -> (u16, String) {
        get(self.port, path)
    }

    /// Polls `path` until `pred` holds of (status, body), for at most 15 s.
    pub(crate) fn wait_for(
        &self,
        path: &str,
        what: &str,
        pred: impl Fn(u16, &str) -> bool,
    ) -> (u16, String) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let (status, body) = self.get(path);
            if pred(status, &body) {
                return (status, body);
            }
            if Instant::now() >= deadline {
                let log: Vec<String> = self.log.try_iter().collect();
                panic!(
                    "timed out waiting for {what} at {path}; last: {status} {body:.300}\nserver log:\n{}",
                    log.join("\n")
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sends SIGINT and returns the exit code.
    pub(crate) fn interrupt(mut self) -> Option<i32> {
        let _ = std::process::Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A plain HTTP/1.1 GET on 127.0.0.1; the path is sent exactly as given.
pub(crate) fn get(port: u16, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

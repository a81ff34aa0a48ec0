//! Save-to-reloaded latency of `pmoc serve`: the time from writing a source
//! file to having the new page, as the live-reload script sees it (the
//! server-sent event for the page it shows arrives, then the page is fetched
//! and holds the edit). Ten edits per project, on `examples/acme` and on a
//! generated 5,000-service project (`pmoc_synth`); prints median, min and
//! max, and the median of the whole round (every page written), which the
//! server finishes after the page in view. Each edit waits for the previous
//! round to end, as edits by someone reading the page would. The server
//! runs with its defaults (debounce included). The projects' file times
//! are set an hour back (`harness::settle`), as an edited project's are.
//!
//! Run with `cargo bench --bench reload`. `PMOC_RELOAD_EDITS` sets the number
//! of edits (default 10); `PMOC_RELOAD_SERVICES` the size of the generated
//! project (default 5,000).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod harness;
use harness::settle;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Server(Child, u16, std::sync::mpsc::Receiver<String>);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(project: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pmoc"))
        .args(["serve", project.to_str().unwrap(), "--port", "0"])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("pmoc serve starts");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut port = 0;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("serving http://127.0.0.1:") {
            port = rest.split('/').next().unwrap().parse().unwrap();
        }
        if line.starts_with("rebuilt") {
            break;
        }
    }
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    Server(child, port, rx)
}

fn get(port: u16, path: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut body = String::new();
    let _ = s.read_to_string(&mut body);
    body
}

/// Edits `file` (replacing `from` by a new name each time) and measures
/// until `page` shows the new name.
/// Returns the samples and the median time of the whole rounds (ms).
fn measure(
    project: &Path,
    file: &str,
    from: &str,
    page: &str,
    edits: usize,
) -> (Vec<Duration>, u64) {
    let server = serve(project);
    let port = server.1;
    let mut events = TcpStream::connect(("127.0.0.1", port)).unwrap();
    // As the live-reload script does: the page it shows is rendered first.
    write!(
        events,
        "GET /__pmoc/events?page={page} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .unwrap();
    let mut events = BufReader::new(events);
    let mut line = String::new();
    // Skip the response head and the current generation.
    loop {
        line.clear();
        events.read_line(&mut line).unwrap();
        if line.starts_with("data:") {
            break;
        }
    }
    let path = project.join(file);
    let original = std::fs::read_to_string(&path).unwrap();
    let mut samples = Vec::new();
    let mut rounds = Vec::new();
    for i in 0..edits {
        std::thread::sleep(Duration::from_millis(200));
        let name = format!("Edited name {i}");
        let started = Instant::now();
        std::fs::write(&path, original.replacen(from, &name, 1)).unwrap();
        loop {
            line.clear();
            events.read_line(&mut line).unwrap();
            if line.starts_with("data:") && get(port, page).contains(&name) {
                break;
            }
        }
        samples.push(started.elapsed());
        // The round goes on with the pages nobody is looking at; the next
        // edit comes once it is done, as from someone who reads the page.
        let full = server
            .2
            .iter()
            .find(|l| l.starts_with("rebuilt"))
            .expect("the round ends");
        rounds.push(full);
    }
    // "rebuilt 30 of 5223 pages in 512 ms (...)": the whole round.
    let mut whole: Vec<u64> = rounds
        .iter()
        .filter_map(|l| l.split(" in ").nth(1)?.split(' ').next()?.parse().ok())
        .collect();
    whole.sort();
    (
        samples,
        whole.get(whole.len() / 2).copied().unwrap_or_default(),
    )
}

fn report(name: &str, (mut samples, whole): (Vec<Duration>, u64)) {
    samples.sort();
    let median = samples[samples.len() / 2];
    println!(
        "{name:<32} median {:>7.1} ms   min {:>7.1} ms   max {:>7.1} ms   ({} edits)",
        median.as_secs_f64() * 1e3,
        samples[0].as_secs_f64() * 1e3,
        samples[samples.len() - 1].as_secs_f64() * 1e3,
        samples.len()
    );
    println!(
        "{:<32} (whole round, every page written: median {whole} ms)",
        ""
    );
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        if rel.starts_with("site") {
            continue;
        }
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn main() {
    let edits = env_number("PMOC_RELOAD_EDITS", 10);
    let services = env_number("PMOC_RELOAD_SERVICES", 5000);

    let acme = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme"),
        acme.path(),
    );
    settle(acme.path());
    let samples = measure(
        acme.path(),
        "services/risk.kdl",
        "Update the risk log",
        "/services/risk-log.html",
        edits,
    );
    report("examples/acme (33 services)", samples);

    let big = tempfile::tempdir().unwrap();
    pmoc_synth::write_project(big.path(), services).unwrap();
    let sample = pmoc_synth::sample_service(big.path()).unwrap();
    settle(big.path());
    let page = format!("/services/{}.html", sample.id);
    let samples = measure(big.path(), &sample.file, &sample.name, &page, edits);
    report(&format!("synthetic ({services} services)"), samples);
}

//! `pmoc serve` end to end: edits show up, a broken file shows the error
//! overlay over the last good page, a fix removes it, a deleted service's
//! page goes, paths never leave the site, a busy port is named, Ctrl-C ends
//! it cleanly.

use crate::common;
use crate::rng;

use common::{Served, copy_tree, pmoc, project, service};
use rng::Rng;

#[test]
fn edits_errors_fixes_and_deletions_show_up() {
    let dir = project();
    let served = Served::start(dir.path(), &[]);
    let page = "/services/keep.html";
    served.wait_for(page, "the first build", |s, b| {
        s == 200 && b.contains("Keep the lights on")
    });
    assert!(
        served
            .get(page)
            .1
            .contains("EventSource(\"/__pmoc/events?since="),
        "the live-reload script is injected"
    );
    let built = std::fs::read_to_string(dir.path().join("site/services/keep.html")).unwrap();
    assert!(!built.contains("EventSource"), "never into the built files");

    let file = dir.path().join("services/keep.kdl");
    std::fs::write(&file, service("keep", "Keep the lights burning")).unwrap();
    served.wait_for(page, "the new name", |s, b| {
        s == 200 && b.contains("Keep the lights burning")
    });

    std::fs::write(&file, "service \"keep\" {\n    name \"Keep the lights\n").unwrap();
    let (_, body) = served.wait_for(page, "the error overlay", |_, b| b.contains("pmoc-overlay"));
    assert!(
        body.contains("Keep the lights burning"),
        "the last good page is still served"
    );
    assert!(
        body.contains("services/keep.kdl:2:"),
        "the overlay names file and line: {body:.2000}"
    );
    assert!(body.contains("kdl-syntax"));

    std::fs::write(&file, service("keep", "Keep the lights on again")).unwrap();
    served.wait_for(page, "the overlay to go", |s, b| {
        s == 200 && !b.contains("pmoc-overlay") && b.contains("on again")
    });

    served.wait_for("/services/drop.html", "the page to exist", |s, _| s == 200);
    std::fs::remove_file(dir.path().join("services/drop.kdl")).unwrap();
    let (_, body) = served.wait_for("/services/drop.html", "the page to disappear", |s, _| {
        s == 404
    });
    assert!(body.contains("Page not found"), "the 404 page");

    assert_eq!(served.interrupt(), Some(0), "Ctrl-C ends it cleanly");
}

#[test]
fn paths_never_leave_the_site() {
    let dir = project();
    std::fs::write(dir.path().join("secret.txt"), "TOP SECRET").unwrap();
    let served = Served::start(dir.path(), &[]);
    served.wait_for("/index.html", "the first build", |s, _| s == 200);
    for attack in [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/services/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "/services/%00.html",
    ] {
        let (status, body) = served.get(attack);
        assert!(status == 400 || status == 404, "{attack}: {status}");
        assert!(
            !body.contains("TOP SECRET") && !body.contains("root:"),
            "{attack} leaked"
        );
    }
    assert_eq!(served.get("/nothing/here.html").0, 404);
}

#[test]
fn a_busy_port_is_named() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let dir = project();
    let o = pmoc()
        .args(["serve", dir.path().to_str().unwrap(), "--port", &port])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("port {port}")) && err.contains("in use"),
        "{err}"
    );
}

#[test]
fn polling_also_sees_changes() {
    let dir = project();
    let served = Served::start(dir.path(), &["--poll=100"]);
    served.wait_for("/services/keep.html", "the first build", |s, _| s == 200);
    std::fs::write(
        dir.path().join("services/keep.kdl"),
        service("keep", "Polled name"),
    )
    .unwrap();
    served.wait_for("/services/keep.html", "the polled change", |_, b| {
        b.contains("Polled name")
    });
}

#[test]
fn errors_show_before_any_good_build() {
    let dir = project();
    let file = dir.path().join("services/keep.kdl");
    std::fs::write(&file, "service \"keep\" {\n    name \"Keep\n").unwrap();
    let served = Served::start(dir.path(), &[]);
    let (status, body) = served.wait_for("/index.html", "the overlay", |_, b| {
        b.contains("pmoc-overlay")
    });
    assert_eq!(status, 404);
    assert!(
        body.contains("services/keep.kdl:2:") && body.contains("EventSource"),
        "{body}"
    );
    std::fs::write(&file, service("keep", "Keep the lights on")).unwrap();
    served.wait_for("/services/keep.html", "the first good build", |s, b| {
        s == 200 && !b.contains("pmoc-overlay")
    });
}

/// Editors that save by writing a temporary file and renaming it over the
/// original, and a folder renamed with its sources.
#[test]
fn atomic_saves_and_renamed_folders_are_seen() {
    let dir = project();
    let served = Served::start(dir.path(), &[]);
    served.wait_for("/services/keep.html", "the first build", |s, _| s == 200);
    let tmp = dir.path().join("services/.keep.kdl.swp");
    std::fs::write(&tmp, service("keep", "Saved by rename")).unwrap();
    std::fs::rename(&tmp, dir.path().join("services/keep.kdl")).unwrap();
    served.wait_for("/services/keep.html", "the renamed-over save", |_, b| {
        b.contains("Saved by rename")
    });

    std::fs::rename(dir.path().join("services"), dir.path().join("catalogue")).unwrap();
    std::fs::write(
        dir.path().join("catalogue/drop.kdl"),
        service("drop", "Moved along"),
    )
    .unwrap();
    served.wait_for(
        "/services/drop.html",
        "the moved folder's sources",
        |s, b| s == 200 && b.contains("Moved along"),
    );
}

/// Reads event lines from a live-reload stream until a `data:` line or the
/// deadline; returns the data line, if one came.
fn next_event(
    events: &mut std::io::BufReader<std::net::TcpStream>,
    within: std::time::Duration,
) -> Option<String> {
    use std::io::BufRead;
    let deadline = std::time::Instant::now() + within;
    let mut line = String::new();
    while std::time::Instant::now() < deadline {
        line.clear();
        match events.read_line(&mut line) {
            Ok(0) => return None,
            Ok(_) if line.starts_with("data:") => return Some(line.trim().to_string()),
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(e) => panic!("reading events: {e}"),
        }
    }
    None
}

#[test]
fn a_page_reloads_when_it_changed_and_only_then() {
    use std::io::Write;
    use std::time::Duration;
    let dir = project();
    let served = Served::start(dir.path(), &[]);
    let page = "/services/keep.html";
    let (_, body) = served.wait_for(page, "the first build", |s, b| {
        s == 200 && b.contains("Keep the lights on")
    });
    let at = body.find("var seen=").expect("the reload script") + "var seen=".len();
    let seen: u64 = body[at..at + body[at..].find(';').unwrap()]
        .parse()
        .unwrap();

    // What the live-reload script does for this page.
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", served.port)).unwrap();
    write!(
        stream,
        "GET /__pmoc/events?since={seen}&page=%2Fservices%2Fkeep.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let mut events = std::io::BufReader::new(stream);

    // Another service changes: this page's bytes do not, so it stays put.
    std::fs::write(
        dir.path().join("services/drop.kdl"),
        service("drop", "Soon gone, renamed"),
    )
    .unwrap();
    served.wait_for("/services/drop.html", "the other page to change", |s, b| {
        s == 200 && b.contains("Soon gone, renamed")
    });
    assert_eq!(
        next_event(&mut events, Duration::from_millis(800)),
        None,
        "no reload for a page that did not change"
    );

    // This service changes: the event comes, and the page is already new.
    std::fs::write(
        dir.path().join("services/keep.kdl"),
        service("keep", "Keep the lights shining"),
    )
    .unwrap();
    let event = next_event(&mut events, Duration::from_secs(20));
    assert!(event.is_some(), "a reload for the changed page");
    assert!(
        served.get(page).1.contains("Keep the lights shining"),
        "the page is written before its browser is told to reload"
    );
}

#[test]
fn a_broken_theme_template_is_an_error_not_the_end() {
    let dir = project();
    let served = Served::start(dir.path(), &[]);
    let page = "/services/keep.html";
    served.wait_for(page, "the first build", |s, b| {
        s == 200 && b.contains("Keep the lights on")
    });
    let template = dir.path().join("theme/service.html");
    std::fs::create_dir_all(template.parent().unwrap()).unwrap();
    std::fs::write(
        &template,
        "{% extends \"base.html\" %}{% block main %}{% if %}{% endblock %}",
    )
    .unwrap();
    let (_, body) = served.wait_for(page, "the template error", |_, b| {
        b.contains("pmoc-overlay")
    });
    assert!(
        body.contains("service.html"),
        "the overlay names the template: {body:.3000}"
    );
    assert!(
        body.contains("Keep the lights on"),
        "the last good page is still served"
    );

    std::fs::remove_file(&template).unwrap();
    served.wait_for(page, "the overlay to go", |s, b| {
        s == 200 && !b.contains("pmoc-overlay")
    });
    assert_eq!(
        served.interrupt(),
        Some(0),
        "still running, and ends cleanly"
    );
}

/// Sends `bytes` raw, then no more, and reads the answer until the server
/// closes (or 5 s pass).
fn raw_exchange(port: u16, bytes: &[u8]) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let timeout = Some(std::time::Duration::from_secs(5));
    stream.set_read_timeout(timeout).unwrap();
    stream.set_write_timeout(timeout).unwrap();
    // The server may answer and close before reading everything: fine.
    let _ = stream.write_all(bytes);
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    String::from_utf8_lossy(&raw).into_owned()
}

/// The request that aborted the server (a huge `Content-Length`, as `curl
/// -X POST -H 'Content-Length: 99999999999' --data-binary x` sends it), and
/// other bodies it does not want: each is refused without being read, and
/// the server goes on.
#[test]
fn no_request_body_ends_the_server() {
    let dir = project();
    let served = Served::start(dir.path(), &[]);
    served.wait_for("/index.html", "the first build", |s, _| s == 200);
    for (request, status) in [
        (
            "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999999\r\n\r\nx",
            405,
        ),
        (
            "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999999\r\n\r\nx",
            413,
        ),
        (
            "PUT /index.html HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffff\r\n",
            405,
        ),
        (
            "GET / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5000000000\r\n\r\n",
            413,
        ),
    ] {
        let answer = raw_exchange(served.port, request.as_bytes());
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status} ")),
            "{request:?}: {answer}"
        );
        assert_eq!(served.get("/index.html").0, 200, "after {request:?}");
    }
    // Clients that never finish their request do not keep others waiting.
    let slow: Vec<_> = (0..40)
        .map(|_| {
            use std::io::Write;
            let mut s = std::net::TcpStream::connect(("127.0.0.1", served.port)).unwrap();
            let _ = s.write_all(b"GET / HTTP/1.1\r\nX-Slow: ");
            s
        })
        .collect();
    assert_eq!(served.get("/index.html").0, 200, "beside slow clients");
    drop(slow);
    assert_eq!(served.interrupt(), Some(0), "still running");
}

/// Issue 19, item 8: a request naming another host (a DNS-rebinding page)
/// gets 421, pages and event stream alike; one naming this machine is
/// answered; HTTP/1.1 without a Host is 400.
#[test]
fn only_requests_for_localhost_are_answered() {
    let dir = project();
    let served = Served::start(dir.path(), &[]);
    served.wait_for("/index.html", "the first build", |s, _| s == 200);
    let port = served.port;
    let status = |request: String| {
        let answer = raw_exchange(port, request.as_bytes());
        answer.get(9..12).unwrap_or("").to_string()
    };
    for path in ["/index.html", "/catalog.json", "/__pmoc/events"] {
        for host in [
            "attacker.example",
            "attacker.example:8000",
            "localhost.evil",
        ] {
            let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n");
            assert_eq!(status(request), "421", "{path} for {host}");
        }
    }
    for host in [
        format!("localhost:{port}"),
        format!("LOCALHOST:{port}"),
        "127.0.0.1".into(),
        format!("[::1]:{port}"),
    ] {
        let request = format!("GET /catalog.json HTTP/1.1\r\nHost: {host}\r\n\r\n");
        assert_eq!(status(request), "200", "{host}");
    }
    assert_eq!(status("GET / HTTP/1.1\r\n\r\n".into()), "400");
}

/// Issue 19, item 9: more open pages (event streams) than connection
/// places do not starve page requests; streams beyond their own places are
/// refused with Retry-After; closed streams give their places back within
/// seconds.
#[test]
fn open_pages_never_starve_requests() {
    use std::io::{Read, Write};
    use std::time::{Duration, Instant};
    let dir = project();
    let served = Served::start(dir.path(), &[]);
    served.wait_for("/index.html", "the first build", |s, _| s == 200);
    let open = |n: usize| -> Vec<(std::net::TcpStream, String)> {
        (0..n)
            .map(|_| {
                let mut s = std::net::TcpStream::connect(("127.0.0.1", served.port)).unwrap();
                s.write_all(b"GET /__pmoc/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .unwrap();
                s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                let mut head = [0u8; 12];
                let _ = s.read_exact(&mut head);
                let status = String::from_utf8_lossy(&head[9..]).into_owned();
                (s, status)
            })
            .collect()
    };
    let streams = open(300);
    let refused: Vec<_> = streams.iter().filter(|(_, s)| s == "503").collect();
    let accepted = streams.iter().filter(|(_, s)| s == "200").count();
    assert!(accepted >= 1 && !refused.is_empty(), "{accepted} accepted");
    assert_eq!(accepted + refused.len(), 300);
    for _ in 0..20 {
        assert_eq!(
            served.get("/index.html").0,
            200,
            "beside {accepted} streams"
        );
    }
    drop(streams);
    let closed = Instant::now();
    loop {
        let again = open(1);
        if again[0].1 == "200" {
            break;
        }
        assert!(
            closed.elapsed() < Duration::from_secs(4),
            "closed streams still hold their places"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The resident memory of process `pid`, in bytes.
#[cfg(target_os = "linux")]
fn resident(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kb * 1024
}

/// Issue 19, item 12: slow clients of a large theme asset cost the server
/// no memory per request (it used to read the whole file for each).
#[cfg(target_os = "linux")]
#[test]
fn slow_clients_of_a_large_asset_cost_no_memory() {
    use std::io::{Read, Write};
    use std::time::{Duration, Instant};
    const SIZE: u64 = 48 * 1024 * 1024;
    let dir = project();
    std::fs::create_dir_all(dir.path().join("theme/assets")).unwrap();
    let asset = std::fs::File::create(dir.path().join("theme/assets/big.bin")).unwrap();
    asset.set_len(SIZE).unwrap();
    let served = Served::start(dir.path(), &[]);
    served.wait_for("/index.html", "the first build", |s, _| s == 200);
    let head = "HEAD /assets/big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    let deadline = Instant::now() + Duration::from_secs(60);
    while !raw_exchange(served.port, head.as_bytes()).starts_with("HTTP/1.1 200 ") {
        assert!(Instant::now() < deadline, "the asset is never served");
        std::thread::sleep(Duration::from_millis(100));
    }
    let pid = served.child.id();
    let before = resident(pid);
    let slow: Vec<_> = (0..8)
        .map(|_| {
            let mut s = std::net::TcpStream::connect(("127.0.0.1", served.port)).unwrap();
            s.write_all(b"GET /assets/big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .unwrap();
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let mut first = vec![0u8; 64 * 1024];
            s.read_exact(&mut first).unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let grown = resident(pid).saturating_sub(before);
    assert!(
        grown < 2 * SIZE,
        "8 slow clients of {SIZE} bytes grew the server by {grown}"
    );
    drop(slow);
    assert_eq!(served.get("/index.html").0, 200);
}

/// Line endings, mostly right.
const ENDS: [&str; 7] = ["\r\n", "\r\n", "\r\n", "\r\n", "\n", "\r", " \r\n"];

/// One random request: a request line, header fields and a body, each
/// maybe well formed, maybe broken, maybe cut short.
fn random_request(rng: &mut Rng) -> Vec<u8> {
    let mut out = random_line(rng);
    // Mostly one right Host (HTTP/1.1 needs one), sometimes a foreign one.
    match rng.below(8) {
        0 => {}
        1 => out.extend(b"Host: attacker.example\r\n"),
        _ => out.extend(b"Host: 127.0.0.1\r\n"),
    }
    for _ in 0..rng.below(6) {
        out.extend(random_field(rng).as_bytes());
        out.extend(rng.pick(&ENDS).as_bytes());
    }
    if rng.below(4) > 0 {
        out.extend(b"\r\n");
    }
    let body = match rng.below(4) {
        0 => rng.below(70_000),
        1 => rng.below(50),
        _ => 0,
    };
    out.extend(rng.bytes(body));
    out
}

fn random_line(rng: &mut Rng) -> Vec<u8> {
    let methods = [
        "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "CONNECT", "get", "",
    ];
    let targets = [
        "/",
        "/index.html",
        "/services/keep.html",
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/",
        "/%zz",
        "/%00",
        "/a?b=c&d",
        "*",
        "http://127.0.0.1/",
        "/services/",
        "//",
    ];
    let versions = [
        "HTTP/1.1",
        "HTTP/1.0",
        "HTTP/2.0",
        "HTTP/1.1x",
        "",
        "HTTP/9",
    ];
    if rng.below(6) == 0 {
        return rng.bytes_below(300);
    }
    let target = match rng.below(8) {
        0 => {
            let n = rng.below(30_000);
            format!("/{}", "a".repeat(n))
        }
        1 => String::from_utf8_lossy(&rng.bytes(20)).into_owned(),
        _ => rng.pick(&targets).to_string(),
    };
    let (method, version) = match rng.below(3) {
        0 => (*rng.pick(&methods), *rng.pick(&versions)),
        _ => (*rng.pick(&methods[..3]), "HTTP/1.1"),
    };
    format!("{method} {target} {version}{}", rng.pick(&ENDS)).into_bytes()
}

fn random_field(rng: &mut Rng) -> String {
    let lengths = [
        "0",
        "1",
        "99999999999",
        "-1",
        "abc",
        "18446744073709551616",
        "5, 6",
        "12",
    ];
    match rng.below(12) {
        0 | 9 | 10 => format!("Content-Length: {}", rng.pick(&lengths)),
        1 => "Transfer-Encoding: chunked".to_string(),
        2 => format!(
            "Connection: {}",
            rng.pick(&["close", "keep-alive", "upgrade", ""])
        ),
        3 => "Expect: 100-continue".to_string(),
        4 => {
            let n = rng.below(20_000);
            format!("X-Long: {}", "v".repeat(n))
        }
        5 => {
            let n = rng.below(100);
            "X-Many: 1\r\n".repeat(n)
        }
        6 => String::from_utf8_lossy(&rng.bytes_below(40)).into_owned(),
        7 => "no colon here".to_string(),
        _ => "Host: 127.0.0.1".to_string(),
    }
}

/// Random request lines, header fields and bodies, one connection each:
/// whatever comes, the server answers with a status line or closes, and
/// still serves the next client.
#[test]
fn random_requests_never_stop_the_server() {
    let dir = project();
    let mut served = Served::start(dir.path(), &[]);
    served.wait_for("/index.html", "the first build", |s, _| s == 200);
    let seed = std::env::var("PMOC_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x9E37_79B9_7F4A_7C15_u64);
    let mut rng = Rng(seed);
    let started = std::time::Instant::now();
    let mut statuses = std::collections::BTreeSet::new();
    for case in 0..300 {
        let request = random_request(&mut rng);
        let answer = raw_exchange(served.port, &request);
        assert!(
            answer.is_empty() || answer.starts_with("HTTP/1.1 "),
            "seed {seed:#x}, case {case}: {:?} gave {answer:.200}",
            String::from_utf8_lossy(&request[..request.len().min(300)])
        );
        assert!(
            served.child.try_wait().unwrap().is_none(),
            "seed {seed:#x}, case {case}: the server ended"
        );
        let (status, _) = served.get("/index.html");
        assert_eq!(
            status, 200,
            "seed {seed:#x}, case {case}: no answer after it"
        );
        statuses.insert(answer.get(9..12).unwrap_or("").to_string());
    }
    // The cases reach every way of answering.
    for status in ["200", "400", "404", "405", "413", "421", "431"] {
        assert!(statuses.contains(status), "no {status} in {statuses:?}");
    }
    assert!(
        started.elapsed() < std::time::Duration::from_secs(120),
        "bounded in time"
    );
}

/// `watch` and `serve` without a project at start-up cannot run: exit 2.
#[test]
fn no_manifest_at_start_up_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for verb in ["watch", "serve"] {
        let o = pmoc()
            .args([verb, dir.path().to_str().unwrap()])
            .args(if verb == "watch" {
                &[][..]
            } else {
                &["--port", "0"][..]
            })
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{verb}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("no `pmo.kdl`"));
    }
}

/// A manifest moved away for a moment (as editors and `git checkout` do),
/// then for longer: the server shows the error and goes on.
#[test]
fn a_manifest_that_goes_away_ends_nothing() {
    let dir = project();
    let served = Served::start(dir.path(), &[]);
    let page = "/services/keep.html";
    served.wait_for(page, "the first build", |s, _| s == 200);
    let (manifest, away) = (dir.path().join("pmo.kdl"), dir.path().join("pmo.kdl.away"));
    for _ in 0..5 {
        std::fs::rename(&manifest, &away).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(30));
        std::fs::rename(&away, &manifest).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    std::fs::rename(&manifest, &away).unwrap();
    let (_, body) = served.wait_for(page, "the error", |_, b| b.contains("pmoc-overlay"));
    assert!(body.contains("cannot read `pmo.kdl`"), "{body:.3000}");
    assert!(body.contains("Keep the lights on"), "the last good page");
    std::fs::rename(&away, &manifest).unwrap();
    served.wait_for(page, "the overlay to go", |s, b| {
        s == 200 && !b.contains("pmoc-overlay")
    });
    std::fs::write(
        dir.path().join("services/keep.kdl"),
        service("keep", "Still watched"),
    )
    .unwrap();
    served.wait_for(page, "an edit after", |_, b| b.contains("Still watched"));
    assert_eq!(served.interrupt(), Some(0), "still running");
}

/// The project folder deleted (`rm -rf`) and restored: the server shows
/// the error meanwhile, sees the folder come back, rebuilds it (trying
/// again while the site folder is half copied) and watches it again;
/// natively and when polling.
#[test]
fn a_deleted_and_restored_project_is_seen_again() {
    for extra in [&[][..], &["--poll=100"][..]] {
        let (made, dir) = (project(), tempfile::tempdir().unwrap());
        let project = dir.path().join("p");
        copy_tree(made.path(), &project);
        let served = Served::start(&project, extra);
        let page = "/services/keep.html";
        served.wait_for(page, "the first build", |s, _| s == 200);
        let backup = dir.path().join("backup");
        copy_tree(&project, &backup);
        std::fs::remove_dir_all(&project).unwrap();
        served.wait_for(page, "the error", |_, b| b.contains("pmoc-overlay"));
        std::fs::write(
            backup.join("services/keep.kdl"),
            service("keep", "Restored and rebuilt"),
        )
        .unwrap();
        // Restored as a copy would: the site folder's marker last, so a
        // round may find that folder not yet a site (tried again later).
        let marker = backup.join("site/.pmoc-site");
        let kept = std::fs::read(&marker).unwrap();
        std::fs::remove_file(&marker).unwrap();
        copy_tree(&backup, &project);
        std::thread::sleep(std::time::Duration::from_millis(300));
        std::fs::write(project.join("site/.pmoc-site"), kept).unwrap();
        served.wait_for(page, "the rebuild", |s, b| {
            s == 200 && b.contains("Restored and rebuilt") && !b.contains("pmoc-overlay")
        });
        std::fs::write(
            project.join("services/keep.kdl"),
            service("keep", "Watched again"),
        )
        .unwrap();
        served.wait_for(page, "an edit after", |_, b| b.contains("Watched again"));
        assert_eq!(served.interrupt(), Some(0), "{extra:?}: still running");
    }
}

/// The exports under `export/` go out with their types: a calendar, YAML,
/// CSV (not `application/octet-stream`).
#[test]
fn exports_are_served_with_their_types() {
    let dir = project();
    let served = Served::start(dir.path(), &[]);
    served.wait_for("/export/calendar.ics", "the exports", |s, _| s == 200);
    let mut kinds = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(dir.path().join("site/export")).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            continue; // calendars/: a feed per customer group, also `.ics`
        }
        let name = entry.file_name().into_string().unwrap();
        let ext = name.rsplit('.').next().unwrap().to_string();
        let want = match ext.as_str() {
            "ics" => "text/calendar",
            "yaml" => "application/yaml",
            "csv" => "text/csv",
            other => panic!("an export of an unknown kind: {other}"),
        };
        let request =
            format!("GET /export/{name} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        let answer = raw_exchange(served.port, request.as_bytes());
        let head = answer
            .split("\r\n\r\n")
            .next()
            .unwrap()
            .to_ascii_lowercase();
        let kind = head
            .lines()
            .find_map(|l| l.strip_prefix("content-type: "))
            .unwrap_or_else(|| panic!("no content type: {head}"));
        assert!(kind.starts_with(want), "{name}: {kind}");
        kinds.insert(ext);
    }
    assert_eq!(kinds.len(), 3, "{kinds:?}");
}

/// Lines of the server's log until one holds `marker` (at most 15 s): all
/// of them, the marker's last.
fn log_until(served: &Served, seen: &mut Vec<String>, marker: &str) -> Vec<String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let start = seen.len();
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match served.log.recv_timeout(left) {
            Ok(line) => {
                let done = line.contains(marker);
                seen.push(line);
                if done {
                    return seen[start..].to_vec();
                }
            }
            Err(_) => panic!("no `{marker}` in the log:\n{}", seen.join("\n")),
        }
    }
}

/// After the first build, a round prints what changed: the new finding in
/// full, the fixed one on a line, and a status line with the counts; never
/// every warning again.
#[test]
fn a_round_prints_what_changed_not_every_finding() {
    let dir = project();
    let empty = |id: &str| format!("function \"{id}\" {{ name \"{id}\"; levels \"project\" }}\n");
    std::fs::write(dir.path().join("g.kdl"), empty("g")).unwrap();
    let served = Served::start(dir.path(), &[]);
    let mut seen = Vec::new();
    served.wait_for("/index.html", "the first build", |s, _| s == 200);
    std::fs::write(dir.path().join("h.kdl"), empty("h")).unwrap();
    let round = log_until(&served, &mut seen, "(1 new, 0 fixed)");
    // Only this round: from the line after the last status line before it.
    let from = round[..round.len() - 1]
        .iter()
        .rposition(|l| l.starts_with("rebuilt "))
        .map_or(0, |i| i + 1);
    let round = round[from..].join("\n");
    assert_eq!(round.matches("empty-function").count(), 1, "{round}");
    assert!(round.contains("h.kdl"), "{round}");
    assert!(!round.contains("g.kdl"), "{round}");
    assert!(round.contains("2 warnings"), "{round}");
    std::fs::remove_file(dir.path().join("g.kdl")).unwrap();
    let round = log_until(&served, &mut seen, "(0 new, 1 fixed)");
    let fixed: Vec<&String> = round.iter().filter(|l| l.starts_with("fixed: ")).collect();
    assert_eq!(fixed.len(), 1, "{round:?}");
    assert!(
        fixed[0].contains("g.kdl:1:") && fixed[0].contains("[empty-function]"),
        "{round:?}"
    );
    assert!(!round.iter().any(|l| l.contains("h.kdl")), "{round:?}");
}

/// `pmoc watch` says where it writes the site, prints the first round's
/// status, and a line on Ctrl-C; quiet, no warning is printed.
#[test]
fn watch_says_where_the_site_goes_and_when_it_stops() {
    use std::io::BufRead;
    let dir = project();
    std::fs::write(
        dir.path().join("g.kdl"),
        "function \"g\" { name \"G\"; levels \"project\" }\n",
    )
    .unwrap();
    for quiet in [false, true] {
        let mut cmd = pmoc();
        cmd.args(["watch", dir.path().to_str().unwrap()])
            .stderr(std::process::Stdio::piped());
        if quiet {
            cmd.arg("-q");
        }
        let mut child = cmd.spawn().unwrap();
        let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
        let mut seen = Vec::new();
        for line in lines.by_ref() {
            let line = line.unwrap();
            let done = line.starts_with("rebuilt ");
            seen.push(line);
            if done {
                break;
            }
        }
        let site = std::fs::canonicalize(dir.path()).unwrap().join("site");
        assert!(
            seen[0].contains(&format!("writing the site to {}", site.display())),
            "{seen:?}"
        );
        assert_eq!(
            seen.iter().any(|l| l.contains("empty-function")),
            !quiet,
            "{seen:?}"
        );
        assert!(seen.last().unwrap().contains("1 warning in"), "{seen:?}");
        std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        let rest: Vec<String> = lines.map(Result::unwrap).collect();
        assert_eq!(rest.last().map(String::as_str), Some("stopped"), "{rest:?}");
        assert_eq!(child.wait().unwrap().code(), Some(0));
    }
}

//! `pmoc serve` end to end: edits show up, a broken file shows the error
//! overlay over the last good page, a fix removes it, a deleted service's
//! page goes, paths never leave the site, a busy port is named, Ctrl-C ends
//! it cleanly.

mod common;

use common::{Served, project, service};

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
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_pmoc"))
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
        "GET /__pmoc/events?since={seen}&page=%2Fservices%2Fkeep.html HTTP/1.1\r\nHost: x\r\n\r\n"
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

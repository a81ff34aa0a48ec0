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
            .contains("EventSource(\"/__pmoc/events\")"),
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

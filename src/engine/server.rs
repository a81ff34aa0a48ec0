//! The dev HTTP server of `pmoc serve`: answers requests for the site folder
//! while the engine's rounds rebuild it. It injects a small script into the
//! HTML it serves (never into the built files): the script listens to
//! server-sent events at `/__pmoc/events` and reloads the page when a round
//! changed it. While the project has errors, every page carries an overlay
//! listing them. Paths resolve inside the site folder only.

use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use percent_encoding::percent_decode_str;
use tiny_http::{Header, Method, Request, Response, Server};

use super::Live;
use crate::emit::LocatedDiagnostic;
use crate::emit::site::html::escape;

/// Served where the site has no page to show (before a first good build).
const BARE_PAGE: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>pmoc serve</title></head>\
<body><h1>Nothing to show yet</h1><p>No page here: the site has not been built, or has no such page.</p></body></html>";

/// Where the live-reload script listens.
const EVENTS: &str = "/__pmoc/events";

/// Answers requests, each on its own thread, with the files of `site` and
/// the state of `live`, until the server is unblocked.
/// Listens on `addr`: the server and the address it really has (port 0
/// picks a free one). A busy port is an error of kind `AddrInUse`.
pub fn listen(addr: SocketAddr) -> std::io::Result<(Arc<Server>, SocketAddr)> {
    let listener = TcpListener::bind(addr)?;
    let local = listener.local_addr().unwrap_or(addr);
    let server = Server::from_listener(listener, None).map_err(std::io::Error::other)?;
    Ok((Arc::new(server), local))
}

pub fn serve(server: &Server, site: &Path, live: &Arc<Live>) {
    for request in server.incoming_requests() {
        let (site, live) = (site.to_path_buf(), live.clone());
        std::thread::spawn(move || handle(request, &site, &live));
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The outcome of resolving a request path against the site folder.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    File(PathBuf),
    NotFound,
    /// Malformed or trying to leave the site: 400.
    Refused,
}

/// Resolves a URL path (percent-encoded, maybe with a query) to a file
/// inside `site`. `..`, backslashes, NUL and anything outside are refused.
pub fn resolve(site: &Path, url: &str) -> Resolved {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let Ok(decoded) = percent_decode_str(path).decode_utf8() else {
        return Resolved::Refused;
    };
    if decoded.contains(['\\', '\0']) || !decoded.starts_with('/') {
        return Resolved::Refused;
    }
    let rel = Path::new(decoded.trim_start_matches('/'));
    if rel
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Resolved::Refused;
    }
    let mut candidate = site.join(rel);
    if decoded.ends_with('/') || candidate.is_dir() {
        candidate = candidate.join("index.html");
    } else if !candidate.exists() && candidate.extension().is_none() {
        candidate.set_extension("html");
    }
    let (Ok(real), Ok(site_real)) = (candidate.canonicalize(), site.canonicalize()) else {
        return Resolved::NotFound;
    };
    if !real.starts_with(&site_real) {
        return Resolved::Refused;
    }
    if real.is_file() {
        Resolved::File(real)
    } else {
        Resolved::NotFound
    }
}

fn handle(request: Request, site: &Path, live: &Live) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(Response::from_string("method not allowed").with_status_code(405));
        return;
    }
    let url = request.url().to_string();
    if url.split('?').next() == Some(EVENTS) {
        events(request, live);
        return;
    }
    let (status, path) = match resolve(site, &url) {
        Resolved::File(path) => (200, Some(path)),
        Resolved::NotFound => (404, Some(site.join("404.html")).filter(|p| p.is_file())),
        Resolved::Refused => {
            let _ = request.respond(Response::from_string("bad request").with_status_code(400));
            return;
        }
    };
    // Without a page (no good build yet) a bare one still carries the
    // overlay and the reload script, so the errors show and a fix reloads.
    let (mut bytes, kind) = match path.as_ref().and_then(|p| std::fs::read(p).ok()) {
        Some(bytes) => (
            bytes,
            content_type(path.as_deref().unwrap_or(Path::new(""))),
        ),
        None => (BARE_PAGE.as_bytes().to_vec(), "text/html; charset=utf-8"),
    };
    let status = if path.is_some() { status } else { 404 };
    if kind.starts_with("text/html") {
        bytes = inject(&bytes, live);
    }
    let response = Response::from_data(bytes)
        .with_status_code(status)
        .with_header(header("Content-Type", kind))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"));
    let _ = request.respond(response);
}

/// The live-reload script and, while the project has errors, the overlay.
fn inject(html: &[u8], live: &Live) -> Vec<u8> {
    let (generation, errors) = {
        let state = live.state.lock().expect("live state");
        (state.generation, state.errors.clone())
    };
    let mut snippet = String::new();
    if !errors.is_empty() {
        snippet.push_str(&overlay(&errors));
    }
    // The server sends an event only when something changes for this page.
    snippet.push_str(&format!(
        "<script>/* pmoc serve: live reload */(function(){{var seen={generation};\
         var es=new EventSource(\"{EVENTS}?since={generation}&page=\"+encodeURIComponent(location.pathname));\
         es.onmessage=function(e){{if(Number(e.data)!==seen){{es.close();location.reload();}}}};}})();</script>"
    ));
    let text = String::from_utf8_lossy(html);
    let at = text.rfind("</body>").unwrap_or(text.len());
    let mut out = String::with_capacity(text.len() + snippet.len());
    out.push_str(&text[..at]);
    out.push_str(&snippet);
    out.push_str(&text[at..]);
    out.into_bytes()
}

fn overlay(errors: &[LocatedDiagnostic]) -> String {
    let n = errors.len();
    let mut html = format!(
        "<div id=\"pmoc-overlay\" role=\"alert\" style=\"position:fixed;left:0;right:0;top:0;max-height:60vh;overflow:auto;\
         z-index:2147483647;background:#2b0b0e;color:#ffe7e7;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace;\
         padding:1rem 1.25rem;border-bottom:4px solid #f85149;box-shadow:0 4px 24px rgba(0,0,0,.4)\">\
         <strong>pmoc: {n} error{}; showing the last good build</strong><ul style=\"margin:.5rem 0 0;padding-left:1.2rem\">",
        if n == 1 { "" } else { "s" }
    );
    for e in errors {
        // A diagnostic without a position (a theme template) names its file only.
        let at = match e.location.line {
            0 => escape(&e.location.file),
            line => format!("{}:{line}:{}", escape(&e.location.file), e.location.column),
        };
        html.push_str(&format!(
            "<li><span>{at}</span> <b>{}[{}]</b> {}</li>",
            e.severity.as_str(),
            e.code,
            escape(&e.message)
        ));
    }
    html.push_str("</ul></div>");
    html
}

/// The value of `key` in a URL's query, percent-decoded.
fn query<'u>(url: &'u str, key: &str) -> Option<std::borrow::Cow<'u, str>> {
    let (_, query) = url.split_once('?')?;
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .and_then(|(_, v)| percent_decode_str(v).decode_utf8().ok())
}

/// The site file a page's URL path shows (`/` is `index.html`, `/a/b` is
/// `a/b.html`), as `OutFile::path` names it; `None` for anything odd.
pub fn page_of(url_path: &str) -> Option<String> {
    let rel = url_path.strip_prefix('/')?;
    if rel.contains(['\\', '\0']) || rel.split('/').any(|c| c == "..") {
        return None;
    }
    Some(if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else if Path::new(rel).extension().is_none() {
        format!("{rel}.html")
    } else {
        rel.to_string()
    })
}

/// Counts a browser on a page while its event stream is open.
struct Viewer<'l> {
    live: &'l Live,
    page: Option<String>,
}

impl<'l> Viewer<'l> {
    fn new(live: &'l Live, page: Option<String>) -> Viewer<'l> {
        if let Some(page) = &page {
            let mut state = live.state.lock().expect("live state");
            *state.viewers.entry(page.clone()).or_default() += 1;
        }
        Viewer { live, page }
    }
}

impl Drop for Viewer<'_> {
    fn drop(&mut self) {
        if let Some(page) = &self.page {
            let mut state = self.live.state.lock().expect("live state");
            if let Some(n) = state.viewers.get_mut(page) {
                *n -= 1;
                if *n == 0 {
                    state.viewers.remove(page);
                }
            }
        }
    }
}

/// Server-sent events for one page (`?page=` its URL path, `?since=` the
/// generation it was served at): an event with the new generation whenever
/// a publication touches that page, until the client goes or the server
/// stops. Without `since`, the current generation is sent at once; without
/// `page`, every publication counts.
fn events(request: Request, live: &Live) {
    let url = request.url().to_string();
    let viewer = Viewer::new(live, query(&url, "page").and_then(|p| page_of(&p)));
    let mut sent: Option<u64> = query(&url, "since").and_then(|s| s.parse().ok());
    let mut out = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n";
    if out.write_all(head.as_bytes()).is_err() {
        return;
    }
    loop {
        // The generation to announce, or `None` for a keep-alive.
        let news = {
            let mut state = live.state.lock().expect("live state");
            loop {
                if state.stopping {
                    return;
                }
                match sent {
                    Some(since) if !state.touches(since, viewer.page.as_deref()) => {
                        // Nothing here changed: catch up silently.
                        sent = Some(state.generation);
                    }
                    _ => break Some(state.generation),
                }
                let (s, timeout) = live
                    .changed
                    .wait_timeout(state, Duration::from_secs(15))
                    .expect("live state");
                state = s;
                if timeout.timed_out() {
                    break None;
                }
            }
        };
        // A comment line keeps idle connections open and notices gone clients.
        let message = match news {
            Some(generation) => {
                sent = Some(generation);
                format!("data: {generation}\n\n")
            }
            None => ": ping\n\n".to_string(),
        };
        if out
            .write_all(message.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_site() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("services")).unwrap();
        std::fs::write(site.join("index.html"), "i").unwrap();
        std::fs::write(site.join("services/a.html"), "a").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "s").unwrap();
        let file = |p: &str| Resolved::File(site.join(p).canonicalize().unwrap());
        assert_eq!(resolve(&site, "/"), file("index.html"));
        assert_eq!(
            resolve(&site, "/services/a.html?x=1"),
            file("services/a.html")
        );
        assert_eq!(resolve(&site, "/services/a"), file("services/a.html"));
        assert_eq!(resolve(&site, "/services/b.html"), Resolved::NotFound);
        for bad in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/services/%2E%2E/%2E%2E/secret.txt",
            "/..%2fsecret.txt",
            "/%5c..%5csecret.txt",
            "/a%00",
            "relative",
            "/%ff",
        ] {
            assert_eq!(resolve(&site, bad), Resolved::Refused, "{bad}");
        }
    }

    #[test]
    fn pages_are_named_as_the_site_names_its_files() {
        assert_eq!(page_of("/").as_deref(), Some("index.html"));
        assert_eq!(
            page_of("/services/a.html").as_deref(),
            Some("services/a.html")
        );
        assert_eq!(page_of("/services/a").as_deref(), Some("services/a.html"));
        assert_eq!(page_of("/docs/").as_deref(), Some("docs/index.html"));
        assert_eq!(page_of("/../x.html"), None);
        assert_eq!(page_of("relative"), None);
    }

    #[test]
    fn the_overlay_escapes_messages() {
        let live = Live::default();
        live.state.lock().unwrap().errors = vec![LocatedDiagnostic {
            location: crate::emit::Location {
                file: "a.kdl".into(),
                line: 1,
                column: 2,
                end_line: 1,
                end_column: 3,
            },
            severity: crate::base::Severity::Error,
            code: "kdl-syntax",
            message: "<script>x</script>".into(),
            labels: Vec::new(),
            help: None,
        }];
        let html =
            String::from_utf8(inject(b"<html><body><p>hi</p></body></html>", &live)).unwrap();
        assert!(html.contains("pmoc-overlay") && html.contains("&lt;script&gt;x"));
        assert!(html.find("pmoc-overlay").unwrap() < html.find("</body>").unwrap());
    }
}

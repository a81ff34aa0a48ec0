//! The dev HTTP server of `pmoc serve`: answers requests for the site folder
//! while the engine's rounds rebuild it. It injects a small script into the
//! HTML it serves (never into the built files): the script listens to
//! server-sent events at `/__pmoc/events` and reloads the page when a round
//! changed it. While the project has errors, every page carries an overlay
//! listing them. Paths resolve inside the site folder only.
//!
//! HTTP/1.1 on `std::net`, request heads parsed by `httparse`. What a
//! client can take is bounded ([`Limits`]): a head is read into a bounded
//! buffer within a deadline (431, 408), a body is never read (405, 413, and
//! the connection closes), there are so many connections at once (503),
//! and live-reload event streams have places of their own, so that open
//! pages never starve requests (a stream beyond them: 503). A closed event
//! stream is noticed within a second. Files are streamed from disk, HTML
//! pages too: the script goes in before the last `</body>`, found by a scan
//! of the file in fixed chunks. No request ends the server.
//!
//! Bound to a loopback address (the default), the server answers only
//! requests whose `Host` names this machine (`localhost`, `127.0.0.1`,
//! `[::1]` or the bound address, with any port), so that a web page whose
//! name an attacker points at 127.0.0.1 (DNS rebinding) cannot read the
//! site: another `Host` gets 421. Bound to another address, the site is
//! open to that network anyway, and any `Host` is answered.

use std::fs::File;
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use percent_encoding::percent_decode_str;

use super::Live;
use crate::emit::LocatedDiagnostic;
use crate::emit::site::html::escape;

/// Served where the site has no page to show (before a first good build).
const BARE_PAGE: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>pmoc serve</title></head>\
<body><h1>Nothing to show yet</h1><p>No page here: the site has not been built, or has no such page.</p></body></html>";

/// Where the live-reload script listens.
const EVENTS: &str = "/__pmoc/events";

/// The most header fields a request may carry (more: 431).
const MAX_HEADERS: usize = 64;

/// What one client may take of the server. Nothing a client sends is read
/// beyond these bounds: a request's head is read into a buffer of
/// `head_bytes` at most, within `head_time`; a request with a body is
/// answered (405 or 413) without reading it, and its connection closed.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The longest request head (request line and header fields), in bytes.
    pub head_bytes: usize,
    /// How long a client may take to send a whole request head, and how
    /// long a kept-alive connection may stay idle.
    pub head_time: Duration,
    /// How long a write may wait for a client that does not read.
    pub write_time: Duration,
    /// Connections served at once; one more is answered 503 and closed.
    /// An event stream leaves this count for [`Limits::streams`].
    pub connections: usize,
    /// Live-reload event streams open at once; one more is answered 503
    /// (with `Retry-After`) and closed.
    pub streams: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            head_bytes: 16 * 1024,
            head_time: Duration::from_secs(10),
            write_time: Duration::from_secs(10),
            connections: 256,
            streams: 64,
        }
    }
}

/// How often an idle event stream checks that its client is still there.
const HEARTBEAT: Duration = Duration::from_secs(1);

/// How long an event stream may stay silent before a keep-alive comment.
const PING: Duration = Duration::from_secs(15);

/// The listening socket of `pmoc serve`, until [`Server::unblock`].
pub struct Server {
    listener: TcpListener,
    local: SocketAddr,
    stopping: AtomicBool,
    /// Connections being served now (event streams apart).
    open: Arc<AtomicUsize>,
    /// Event streams open now.
    streams: Arc<AtomicUsize>,
    limits: Limits,
}

/// What every connection's thread reads.
struct Shared {
    site: PathBuf,
    live: Arc<Live>,
    limits: Limits,
    /// The address bound, when it is a loopback one: `Host` is checked.
    loopback: Option<IpAddr>,
    streams: Arc<AtomicUsize>,
}

/// Listens on `addr`: the server and the address it really has (port 0
/// picks a free one). A busy port is an error of kind `AddrInUse`.
pub fn listen(addr: SocketAddr) -> std::io::Result<(Arc<Server>, SocketAddr)> {
    Server::bind(addr, Limits::default())
}

impl Server {
    fn bind(addr: SocketAddr, limits: Limits) -> std::io::Result<(Arc<Server>, SocketAddr)> {
        let listener = TcpListener::bind(addr)?;
        let local = listener.local_addr()?;
        let server = Server {
            listener,
            local,
            stopping: AtomicBool::new(false),
            open: Arc::new(AtomicUsize::new(0)),
            streams: Arc::new(AtomicUsize::new(0)),
            limits,
        };
        Ok((Arc::new(server), local))
    }

    /// Makes [`serve`] return: no connection is taken after this one (open
    /// event streams end with [`Live::stop`]).
    pub fn unblock(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Wake the blocked `accept` with a connection of our own.
        let mut wake = self.local;
        if wake.ip().is_unspecified() {
            wake.set_ip(match wake.ip() {
                IpAddr::V4(_) => Ipv4Addr::LOCALHOST.into(),
                IpAddr::V6(_) => Ipv6Addr::LOCALHOST.into(),
            });
        }
        let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
    }
}

/// A connection counted in [`Server::open`] until dropped.
struct Slot(Arc<AtomicUsize>);

impl Slot {
    fn take(open: &Arc<AtomicUsize>, max: usize) -> Option<Slot> {
        open.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
            (n < max).then_some(n + 1)
        })
        .ok()
        .map(|_| Slot(open.clone()))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Answers connections, each on its own thread, with the files of `site`
/// and the state of `live`, until the server is unblocked.
pub fn serve(server: &Server, site: &Path, live: &Arc<Live>) {
    let shared = Arc::new(Shared {
        site: site.to_path_buf(),
        live: live.clone(),
        limits: server.limits,
        loopback: Some(server.local.ip()).filter(IpAddr::is_loopback),
        streams: server.streams.clone(),
    });
    for stream in server.listener.incoming() {
        if server.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else {
            // Out of file descriptors, say: let connections close first.
            std::thread::sleep(Duration::from_millis(20));
            continue;
        };
        let Some(slot) = Slot::take(&server.open, server.limits.connections) else {
            refuse_busy(stream);
            continue;
        };
        let shared = shared.clone();
        // A thread that cannot start drops its closure: the slot is freed
        // and the connection closed.
        let _ = std::thread::Builder::new()
            .name("pmoc-http".into())
            .spawn(move || connection(stream, &shared, slot));
    }
}

/// Too many connections: a short 503, without reading the request.
fn refuse_busy(mut stream: TcpStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let reply = Reply::text(503, "busy: too many connections");
    let _ = write_reply(&mut stream, &reply, false, true);
}

/// A request's head as far as the server cares.
#[derive(Debug)]
struct Head {
    method: String,
    target: String,
    /// HTTP/1.1 (else 1.0).
    http11: bool,
    /// The `Host` fields' values.
    hosts: Vec<String>,
    /// The connection stays open after the response.
    keep_alive: bool,
    /// The request announces a body (`Content-Length` above 0, or any
    /// `Transfer-Encoding`): it is never read.
    body: bool,
}

/// A response.
struct Reply {
    status: u16,
    kind: &'static str,
    body: Body,
}

/// A response's body: in memory, or a file streamed from disk (its
/// length read when it was opened), maybe with bytes inserted at an
/// offset (the live-reload script).
enum Body {
    Bytes(Vec<u8>),
    File {
        file: File,
        len: u64,
        insert: Option<(u64, Vec<u8>)>,
    },
}

impl Body {
    fn len(&self) -> u64 {
        match self {
            Body::Bytes(bytes) => bytes.len() as u64,
            Body::File { len, insert, .. } => {
                len + insert.as_ref().map_or(0, |(_, bytes)| bytes.len() as u64)
            }
        }
    }
}

impl Reply {
    fn text(status: u16, text: &str) -> Reply {
        Reply {
            status,
            kind: "text/plain; charset=utf-8",
            body: Body::Bytes(text.as_bytes().to_vec()),
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    }
}

fn write_reply(
    stream: &mut TcpStream,
    reply: &Reply,
    head_only: bool,
    close: bool,
) -> std::io::Result<()> {
    let mut out = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n",
        reply.status,
        reason(reply.status),
        reply.kind,
        reply.body.len()
    );
    if reply.status == 405 {
        out.push_str("Allow: GET, HEAD\r\n");
    }
    if reply.status == 503 {
        out.push_str("Retry-After: 5\r\n");
    }
    out.push_str(if close {
        "Connection: close\r\n\r\n"
    } else {
        "Connection: keep-alive\r\n\r\n"
    });
    let mut bytes = out.into_bytes();
    match &reply.body {
        Body::Bytes(body) if !head_only => bytes.extend_from_slice(body),
        _ => {}
    }
    stream.write_all(&bytes)?;
    if let (Body::File { file, len, insert }, false) = (&reply.body, head_only) {
        let at = insert.as_ref().map_or(*len, |(at, _)| *at);
        copy(file, at, stream)?;
        if let Some((_, bytes)) = insert {
            stream.write_all(bytes)?;
        }
        copy(file, len - at, stream)?;
    }
    stream.flush()
}

/// Copies the next `n` bytes of `file` into `stream` through a fixed
/// buffer (or the kernel's own copy), whatever their number.
fn copy(file: &File, n: u64, stream: &mut TcpStream) -> std::io::Result<()> {
    let sent = std::io::copy(&mut file.take(n), stream)?;
    if sent < n {
        // The file was cut short since: the length said is wrong.
        return Err(ErrorKind::UnexpectedEof.into());
    }
    Ok(())
}

/// The offset of the last `</body>` in the first `len` bytes of `file`
/// (else `len`), read in fixed chunks; the file is left at its start.
fn body_end(mut file: &File, len: u64) -> std::io::Result<u64> {
    const TAG: &[u8] = b"</body>";
    let mut buf = vec![0u8; 64 * 1024];
    // Bytes at the start of `buf` kept from the chunk before (a tag may
    // straddle two), and the file offset of `buf[0]`.
    let (mut kept, mut offset, mut found) = (0, 0u64, None);
    let mut input = file.take(len);
    loop {
        let n = match input.read(&mut buf[kept..]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let filled = kept + n;
        if let Some(i) = memchr::memmem::rfind(&buf[..filled], TAG) {
            found = Some(offset + i as u64);
        }
        kept = filled.min(TAG.len() - 1);
        buf.copy_within(filled - kept..filled, 0);
        offset += (filled - kept) as u64;
    }
    file.seek(SeekFrom::Start(0))?;
    Ok(found.unwrap_or(len))
}

/// Serves the requests of one connection, which holds `slot`, until it
/// closes, idles, sends something the server refuses, or opens an event
/// stream (which gives the slot back for one of its own).
fn connection(mut stream: TcpStream, shared: &Shared, slot: Slot) {
    let (site, live, limits) = (&shared.site, &shared.live, shared.limits);
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(limits.write_time));
    // Bytes read and not yet parsed (a pipelined next request).
    let mut buf = Vec::with_capacity(2048);
    loop {
        let head = match read_head(&mut stream, &mut buf, &limits) {
            Ok(Some(head)) => head,
            Ok(None) => return,
            Err(status) => {
                let reply = Reply::text(status, reason(status));
                let _ = write_reply(&mut stream, &reply, false, true);
                linger(stream);
                return;
            }
        };
        let get = head.method == "GET";
        let refusal = if !(get || head.method == "HEAD") {
            Some((405, "method not allowed"))
        } else if head.body {
            Some((413, "a request body is not accepted here"))
        } else if head.hosts.len() > 1 || (head.http11 && head.hosts.is_empty()) {
            // RFC 9112, 3.2.
            Some((400, "one Host header field is required"))
        } else if !host_allowed(head.hosts.first().map(String::as_str), shared.loopback) {
            Some((421, "this server answers requests for localhost only"))
        } else {
            None
        };
        if let Some((status, what)) = refusal {
            // A body is never read: answer, then close.
            let close = head.body || !head.keep_alive;
            let _ = write_reply(&mut stream, &Reply::text(status, what), false, close);
            if close {
                linger(stream);
                return;
            }
            continue;
        }
        if get && head.target.split('?').next() == Some(EVENTS) {
            let Some(place) = Slot::take(&shared.streams, limits.streams) else {
                let reply = Reply::text(503, "busy: too many live-reload streams");
                let _ = write_reply(&mut stream, &reply, false, true);
                return;
            };
            drop(slot);
            let _place = place;
            events(stream, &head.target, live);
            return;
        }
        let reply = page(site, &head.target, live);
        let sent = write_reply(&mut stream, &reply, !get, !head.keep_alive);
        if sent.is_err() || !head.keep_alive {
            return;
        }
    }
}

/// Closes a connection whose request was not read to its end: stop
/// writing, then read (and drop) what the client still sends, for a
/// moment and a few kilobytes at most, so that it sees the response rather
/// than a reset.
fn linger(mut stream: TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let until = Instant::now() + Duration::from_secs(1);
    let mut left: usize = 64 * 1024;
    let mut chunk = [0u8; 4096];
    while left > 0 {
        let wait = until.saturating_duration_since(Instant::now());
        if wait.is_zero() || stream.set_read_timeout(Some(wait)).is_err() {
            return;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => left = left.saturating_sub(n),
        }
    }
}

/// Reads one request head into `buf` (which may hold its first bytes
/// already) and takes it out of `buf`. `None`: the client closed or idled
/// without starting a request. An error is the status to answer with:
/// 400 (malformed, or cut short), 408 (too slow), 431 (too long).
fn read_head(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    limits: &Limits,
) -> Result<Option<Head>, u16> {
    let deadline = Instant::now() + limits.head_time;
    let mut chunk = [0u8; 4096];
    loop {
        if !buf.is_empty() {
            if let Some((head, len)) = parse(buf)? {
                buf.drain(..len);
                return Ok(Some(head));
            }
            if buf.len() >= limits.head_bytes {
                return Err(431);
            }
        }
        let wait = deadline.saturating_duration_since(Instant::now());
        let gone = || if buf.is_empty() { Ok(None) } else { Err(408) };
        if wait.is_zero() || stream.set_read_timeout(Some(wait)).is_err() {
            return gone();
        }
        let room = (limits.head_bytes - buf.len()).min(chunk.len());
        match stream.read(&mut chunk[..room]) {
            Ok(0) if buf.is_empty() => return Ok(None),
            Ok(0) => return Err(400),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return gone();
            }
            Err(_) => return Ok(None),
        }
    }
}

/// A request head parsed from the start of `bytes`, and its length;
/// `None` while incomplete. An error is the status to answer with.
fn parse(bytes: &[u8]) -> Result<Option<(Head, usize)>, u16> {
    let mut fields = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut fields);
    let len = match request.parse(bytes) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => return Err(431),
        Err(_) => return Err(400),
    };
    let (Some(method), Some(target), Some(minor)) = (request.method, request.path, request.version)
    else {
        return Err(400);
    };
    let mut lengths = Vec::new();
    let (mut chunked, mut close, mut keep) = (false, false, false);
    let mut hosts = Vec::new();
    for field in request.headers.iter() {
        // Other fields may hold any bytes: only these are read.
        let value = || {
            std::str::from_utf8(field.value)
                .map(str::trim)
                .map_err(|_| 400u16)
        };
        if field.name.eq_ignore_ascii_case("content-length") {
            lengths.extend(value()?.split(',').map(|v| v.trim().to_string()));
        } else if field.name.eq_ignore_ascii_case("host") {
            hosts.push(value()?.to_string());
        } else if field.name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = true;
        } else if field.name.eq_ignore_ascii_case("connection") {
            for token in value()?.split(',').map(|t| t.trim().to_ascii_lowercase()) {
                close |= token == "close" || token == "upgrade";
                keep |= token == "keep-alive";
            }
        }
    }
    // One length, said once or repeated alike, in digits (RFC 9112, 6.3).
    let length = match lengths.first() {
        None => 0,
        Some(first) if lengths.iter().all(|l| l == first) && !first.is_empty() => {
            if !first.bytes().all(|b| b.is_ascii_digit()) {
                return Err(400);
            }
            // Too many digits for a number is still a body.
            first.parse::<u64>().unwrap_or(u64::MAX)
        }
        Some(_) => return Err(400),
    };
    let head = Head {
        method: method.to_string(),
        target: target.to_string(),
        http11: minor == 1,
        hosts,
        keep_alive: !close && (minor == 1 || keep),
        body: chunked || length > 0,
    };
    Ok(Some((head, len)))
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
        // The exports the site carries under `export/`.
        Some("ics") => "text/calendar; charset=utf-8",
        Some("yaml" | "yml") => "application/yaml; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
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

/// The response to a `GET` of `url`: a file of the site (HTML with the
/// reload script and the overlay), the site's 404 page, or a bare page.
/// A file is streamed from disk, an HTML page with the script inserted.
fn page(site: &Path, url: &str, live: &Live) -> Reply {
    let (status, path) = match resolve(site, url) {
        Resolved::File(path) => (200, path),
        Resolved::NotFound => (404, site.join("404.html")),
        Resolved::Refused => return Reply::text(400, "bad request"),
    };
    let opened = File::open(&path).ok().and_then(|file| {
        let meta = file.metadata().ok()?;
        meta.is_file().then_some((file, meta.len()))
    });
    // Without a page (no good build yet) a bare one still carries the
    // overlay and the reload script, so the errors show and a fix reloads.
    let Some((file, len)) = opened else {
        return Reply {
            status: 404,
            kind: "text/html; charset=utf-8",
            body: Body::Bytes(inject(BARE_PAGE.as_bytes(), live)),
        };
    };
    let kind = content_type(&path);
    let insert = if kind.starts_with("text/html") {
        match body_end(&file, len) {
            Ok(at) => Some((at, snippet(live).into_bytes())),
            Err(_) => return Reply::text(500, "the page could not be read"),
        }
    } else {
        None
    };
    Reply {
        status,
        kind,
        body: Body::File { file, len, insert },
    }
}

/// Whether a request for `host` (a `Host` field's value, or none in
/// HTTP/1.0) is answered by a server bound to `loopback` (`None`: bound to
/// another address, where every host is).
fn host_allowed(host: Option<&str>, loopback: Option<IpAddr>) -> bool {
    let (Some(host), Some(bound)) = (host, loopback) else {
        return true;
    };
    // The name, then maybe `:port`; an IPv6 address is in brackets.
    let (name, port) = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((v6, port)) => (v6, port),
            None => return false,
        },
        None => {
            let name = host.rsplit_once(':').map_or(host, |(name, _)| name);
            (name, &host[name.len()..])
        }
    };
    let port_ok = port.is_empty()
        || port.strip_prefix(':').is_some_and(|p| {
            !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit())
        });
    if !port_ok {
        return false;
    }
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let ip = if host.starts_with('[') {
        name.parse::<Ipv6Addr>().ok().map(IpAddr::V6)
    } else {
        name.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
    };
    ip.is_some_and(|ip| {
        ip == IpAddr::V4(Ipv4Addr::LOCALHOST)
            || ip == IpAddr::V6(Ipv6Addr::LOCALHOST)
            || ip == bound
    })
}

/// `html` with [`snippet`] before its last `</body>`.
fn inject(html: &[u8], live: &Live) -> Vec<u8> {
    let at = memchr::memmem::rfind(html, b"</body>").unwrap_or(html.len());
    [&html[..at], snippet(live).as_bytes(), &html[at..]].concat()
}

/// The live-reload script and, while the project has errors, the overlay.
fn snippet(live: &Live) -> String {
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
    snippet
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
/// a publication touches that page, until the client goes (looked for
/// every [`HEARTBEAT`]) or the server stops; a comment after each [`PING`]
/// of silence. Without `since`, the current generation is sent at once;
/// without `page`, every publication counts.
fn events(mut out: TcpStream, url: &str, live: &Live) {
    let viewer = Viewer::new(live, query(url, "page").and_then(|p| page_of(&p)));
    let mut sent: Option<u64> = query(url, "since").and_then(|s| s.parse().ok());
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n";
    if out.write_all(head.as_bytes()).is_err() {
        return;
    }
    let mut quiet = Instant::now();
    loop {
        // The generation to announce, if any, after a heartbeat at most.
        let news = {
            let mut state = live.state.lock().expect("live state");
            let mut waited = false;
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
                if waited {
                    break None;
                }
                state = live
                    .changed
                    .wait_timeout(state, HEARTBEAT)
                    .expect("live state")
                    .0;
                waited = true;
            }
        };
        let message = match news {
            Some(generation) => {
                sent = Some(generation);
                format!("data: {generation}\n\n")
            }
            // A comment line keeps idle connections open through proxies.
            None if quiet.elapsed() >= PING => ": ping\n\n".to_string(),
            None if closed(&out) => return,
            None => continue,
        };
        if out
            .write_all(message.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            return;
        }
        quiet = Instant::now();
    }
}

/// Whether the client of an event stream has gone: it closed its end (or
/// sent something, which an event stream's client never does).
fn closed(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return true;
    }
    let mut byte = [0u8; 1];
    let waiting = matches!(
        (&*stream).read(&mut byte),
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted)
    );
    stream.set_nonblocking(false).is_err() || !waiting
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

    /// A server on a free loopback port with `limits`, serving a site of
    /// one page.
    fn running(limits: Limits) -> (SocketAddr, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "<body>home</body>").unwrap();
        let (server, addr) = Server::bind("127.0.0.1:0".parse().unwrap(), limits).unwrap();
        let site = dir.path().to_path_buf();
        std::thread::spawn(move || serve(&server, &site, &Arc::new(Live::default())));
        (addr, dir)
    }

    /// Sends `bytes` (then, with `end`, no more) and reads until the server
    /// closes or 5 s pass.
    fn exchange(addr: SocketAddr, bytes: &[u8], end: bool) -> String {
        let mut stream = TcpStream::connect(addr).unwrap();
        // The server may have answered and closed already.
        let _ = stream.write_all(bytes);
        if end {
            let _ = stream.shutdown(Shutdown::Write);
        }
        read_all(&mut stream)
    }

    fn read_all(stream: &mut TcpStream) -> String {
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        String::from_utf8_lossy(&raw).into_owned()
    }

    fn quick() -> Limits {
        Limits {
            head_time: Duration::from_millis(300),
            ..Limits::default()
        }
    }

    #[test]
    fn a_slow_client_is_timed_out_as_a_whole() {
        let (addr, _dir) = running(quick());
        let started = Instant::now();
        let mut stream = TcpStream::connect(addr).unwrap();
        // One byte every 50 ms: each read is quick, the head never ends.
        for b in b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaa" {
            if stream.write_all(&[*b]).is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let answer = read_all(&mut stream);
        assert!(answer.starts_with("HTTP/1.1 408 "), "{answer}");
        assert!(started.elapsed() < Duration::from_secs(4));
        // An idle kept-alive connection is closed without a word.
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .unwrap();
        let answer = read_all(&mut stream);
        assert!(answer.starts_with("HTTP/1.1 200 ") && answer.ends_with("</body>"));
    }

    #[test]
    fn connections_beyond_the_limit_are_refused_until_others_go() {
        let limits = Limits {
            connections: 2,
            ..quick()
        };
        let (addr, _dir) = running(limits);
        let idle: Vec<TcpStream> = (0..2).map(|_| TcpStream::connect(addr).unwrap()).collect();
        std::thread::sleep(Duration::from_millis(50));
        let busy = exchange(addr, b"GET / HTTP/1.1\r\n\r\n", true);
        assert!(busy.starts_with("HTTP/1.1 503 "), "{busy}");
        // The idle ones time out and free their places.
        std::thread::sleep(Duration::from_millis(600));
        let answer = exchange(addr, b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", true);
        assert!(answer.starts_with("HTTP/1.1 200 "), "{answer}");
        drop(idle);
    }

    #[test]
    fn heads_and_bodies_are_bounded() {
        let (addr, _dir) = running(quick());
        let long = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(20_000));
        assert!(exchange(addr, long.as_bytes(), false).starts_with("HTTP/1.1 431 "));
        let many = format!("GET / HTTP/1.1\r\n{}\r\n", "X: y\r\n".repeat(100));
        assert!(exchange(addr, many.as_bytes(), true).starts_with("HTTP/1.1 431 "));
        for (request, status) in [
            (
                "GET / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\nx",
                "413",
            ),
            (
                "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n",
                "413",
            ),
            ("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", "405"),
            ("GET / HTTP/1.1\r\nContent-Length: 1, 2\r\n\r\n", "400"),
            ("GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "400"),
            (
                "GET / HTTP/1.1\r\nContent-Length: 999999999999999999999999\r\n\r\n",
                "413",
            ),
            ("GET / HTTP/2.0\r\n\r\n", "400"),
            ("G\u{0}T / HTTP/1.1\r\n\r\n", "400"),
            ("GET / HTTP/1.1\r\nHost", "400"),
        ] {
            let answer = exchange(addr, request.as_bytes(), true);
            assert!(
                answer.starts_with(&format!("HTTP/1.1 {status} ")),
                "{request:?}: {answer}"
            );
        }
        // Two requests in one go (no body): two answers.
        let two = exchange(
            addr,
            b"GET / HTTP/1.1\r\nHost: [::1]\r\n\r\nHEAD / HTTP/1.1\r\nHost: 127.0.0.1:80\r\nConnection: close\r\n\r\n",
            false,
        );
        assert_eq!(two.matches("HTTP/1.1 200 OK").count(), 2, "{two}");
        assert_eq!(two.matches("home").count(), 1, "HEAD sends no body: {two}");
    }

    /// The status line and fields of a response read from `stream` (up to
    /// the blank line), within 5 s.
    fn read_head_of(stream: &mut TcpStream) -> String {
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
            head.push(byte[0]);
        }
        String::from_utf8_lossy(&head).into_owned()
    }

    /// An event stream opened at `addr`, and the head of its response.
    fn open_stream(addr: SocketAddr) -> (TcpStream, String) {
        let mut stream = TcpStream::connect(addr).unwrap();
        let request = format!("GET {EVENTS} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        stream.write_all(request.as_bytes()).unwrap();
        let head = read_head_of(&mut stream);
        (stream, head)
    }

    /// Issue 19, item 8: a page whose name is pointed at 127.0.0.1 (DNS
    /// rebinding) gets 421, whatever it asks for.
    #[test]
    fn only_requests_for_this_machine_are_answered() {
        let (addr, _dir) = running(quick());
        let get = |host: &str| {
            let request = format!("GET / HTTP/1.1\r\n{host}Connection: close\r\n\r\n");
            let answer = exchange(addr, request.as_bytes(), false);
            answer.get(9..12).unwrap_or("").to_string()
        };
        let port = addr.port();
        for host in [
            "localhost".to_string(),
            "LocalHost".into(),
            format!("localhost:{port}"),
            "127.0.0.1".into(),
            format!("127.0.0.1:{port}"),
            "[::1]".into(),
            format!("[::1]:{port}"),
            "[0:0:0:0:0:0:0:1]:9000".into(),
        ] {
            assert_eq!(get(&format!("Host: {host}\r\n")), "200", "{host}");
        }
        for host in [
            "attacker.example",
            "attacker.example:80",
            "localhost.attacker.example",
            "127.0.0.1.nip.io",
            "127.0.0.2",
            "[::2]",
            "[::1",
            "localhost:",
            "localhost:http",
            "localhost:8000:1",
            "",
            "0x7f000001",
        ] {
            assert_eq!(get(&format!("Host: {host}\r\n")), "421", "{host:?}");
        }
        // No Host in HTTP/1.1, or two: 400. HTTP/1.0 needs none.
        assert_eq!(get(""), "400");
        assert_eq!(get("Host: localhost\r\nHost: localhost\r\n"), "400");
        let old = exchange(addr, b"GET / HTTP/1.0\r\n\r\n", false);
        assert!(old.starts_with("HTTP/1.1 200 "), "{old}");
        // The event stream too.
        let request = format!("GET {EVENTS} HTTP/1.1\r\nHost: evil.example\r\n\r\n");
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        assert!(read_head_of(&mut stream).starts_with("HTTP/1.1 421 "));
        // Bound to another address, any host is answered.
        assert!(host_allowed(Some("attacker.example"), None));
        assert!(host_allowed(None, None));
        let bound = Some(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 5)));
        assert!(host_allowed(Some("127.0.0.5:1"), bound));
        assert!(!host_allowed(Some("127.0.0.6"), bound));
    }

    /// Issue 19, item 9: open event streams never take the places of page
    /// requests, streams beyond their own places are refused, and a closed
    /// one gives its place back within a second or two.
    #[test]
    fn event_streams_have_places_of_their_own() {
        let limits = Limits {
            connections: 4,
            streams: 2,
            ..quick()
        };
        let (addr, _dir) = running(limits);
        let (first, head) = open_stream(addr);
        assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
        let (_second, head) = open_stream(addr);
        assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
        let (_third, head) = open_stream(addr);
        assert!(head.starts_with("HTTP/1.1 503 "), "{head}");
        assert!(head.contains("Retry-After: "), "{head}");
        // The connection places are still there for pages (the refused
        // stream's may not be given back yet).
        let idle: Vec<TcpStream> = (0..2).map(|_| TcpStream::connect(addr).unwrap()).collect();
        let answer = exchange(addr, b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", true);
        assert!(answer.starts_with("HTTP/1.1 200 "), "{answer}");
        drop(idle);
        // A closed stream is noticed, and its place given back.
        drop(first);
        let closed_at = Instant::now();
        loop {
            let (_stream, head) = open_stream(addr);
            if head.starts_with("HTTP/1.1 200 ") {
                break;
            }
            assert!(
                closed_at.elapsed() < Duration::from_millis(2500),
                "a closed stream still holds its place: {head}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The resident memory of this process, in bytes.
    #[cfg(target_os = "linux")]
    fn resident() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
        let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        kb * 1024
    }

    /// Issue 19, item 12: a file is streamed from disk, not read whole into
    /// memory first (a large sparse file: the first bytes arrive while the
    /// server's memory has not grown by the file's size).
    #[cfg(target_os = "linux")]
    #[test]
    fn files_are_streamed_not_read_whole() {
        const SIZE: u64 = 256 * 1024 * 1024;
        let (addr, dir) = running(quick());
        for name in ["big.bin", "big.html"] {
            let mut file = File::create(dir.path().join(name)).unwrap();
            file.set_len(SIZE - 7).unwrap();
            file.seek(SeekFrom::End(0)).unwrap();
            file.write_all(b"</body>").unwrap();
            let before = resident();
            let mut stream = TcpStream::connect(addr).unwrap();
            let request = format!("GET /{name} HTTP/1.1\r\nHost: localhost\r\n\r\n");
            stream.write_all(request.as_bytes()).unwrap();
            let head = read_head_of(&mut stream);
            assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
            let mut first = vec![0u8; 1024 * 1024];
            stream.read_exact(&mut first).unwrap();
            let grown = resident().saturating_sub(before);
            assert!(grown < SIZE / 4, "{name}: the server grew by {grown} bytes");
        }
        // A HEAD says the length, without a body.
        let answer = exchange(
            addr,
            b"HEAD /big.bin HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
            false,
        );
        assert!(answer.ends_with(&format!("Content-Length: {SIZE}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n")), "{answer}");
    }

    /// An HTML page is streamed too, the script inserted before its last
    /// `</body>` (wherever the file's chunks cut it), its bytes as they
    /// are (not UTF-8 here), the length said the length sent.
    #[test]
    fn html_pages_are_streamed_with_the_script() {
        let (addr, dir) = running(quick());
        let get = |path: &str| {
            let request =
                format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            let mut stream = TcpStream::connect(addr).unwrap();
            stream.write_all(request.as_bytes()).unwrap();
            let head = read_head_of(&mut stream);
            let mut body = Vec::new();
            stream.read_to_end(&mut body).unwrap();
            (head, body)
        };
        for before in [10, 64 * 1024 - 3, 64 * 1024, 200_000] {
            let mut page = vec![b'\xe9'; before];
            page.extend_from_slice(b"</body>x</body></html>");
            std::fs::write(dir.path().join("p.html"), &page).unwrap();
            let (head, body) = get("/p.html");
            assert!(
                head.contains(&format!("Content-Length: {}\r\n", body.len())),
                "{head}"
            );
            let script = body.len() - page.len();
            assert_eq!(body[..before + 8], page[..before + 8]);
            assert!(
                String::from_utf8_lossy(&body[before + 8..before + 8 + script])
                    .contains("live reload")
            );
            assert_eq!(body[before + 8 + script..], page[before + 8..]);
        }
        // No `</body>`: at the end.
        std::fs::write(dir.path().join("p.html"), "<p>hi").unwrap();
        let (_, body) = get("/p.html");
        assert!(body.starts_with(b"<p>hi<") && body.ends_with(b"</script>"));
    }

    #[test]
    fn connections_persist_as_http_says() {
        let head = |raw: &str| parse(raw.as_bytes()).unwrap().unwrap().0;
        assert!(head("GET / HTTP/1.1\r\n\r\n").keep_alive);
        assert!(!head("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").keep_alive);
        assert!(!head("GET / HTTP/1.0\r\n\r\n").keep_alive);
        assert!(head("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keep_alive);
        assert!(!head("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n").body);
        assert!(parse(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap().is_none());
        // A field the server does not read may hold any bytes.
        assert!(head("GET / HTTP/1.1\r\nX-Latin: caf\u{e9}\r\n\r\n").keep_alive);
        assert!(
            parse(b"GET / HTTP/1.1\r\nX-Latin: caf\xe9\r\n\r\n")
                .unwrap()
                .is_some()
        );
    }
}

//! `pmoc serve`'s two threads: the watch loop ([`watcher::watch_loop`]) on
//! a thread of its own and the dev server ([`server::serve`]) on the
//! caller's, sharing one [`Live`] log and one stop flag. The command binds,
//! prints and maps the result to an exit code; the threads are here.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::{Engine, Error, Live, server, watcher};

/// A bound dev server with its live-reload log, not yet serving.
pub struct Serving {
    server: Arc<server::Server>,
    local: SocketAddr,
    live: Arc<Live>,
    stop: Arc<AtomicBool>,
}

impl Serving {
    /// Listens on `addr` (an `AddrInUse` error is the caller's to word).
    pub fn bind(addr: SocketAddr) -> std::io::Result<Serving> {
        let (server, local) = server::listen(addr)?;
        Ok(Serving {
            server,
            local,
            live: Arc::new(Live::default()),
            stop: Arc::new(AtomicBool::new(false)),
        })
    }

    /// The address the server listens on (the port chosen when 0 was asked).
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// What ends the serving from another thread (a Ctrl-C handler): the
    /// watch loop stops, the event streams close, the server returns.
    pub fn stopper(&self) -> impl Fn() + Send + 'static {
        let (stop, live, server) = (self.stop.clone(), self.live.clone(), self.server.clone());
        move || {
            stop.store(true, Ordering::SeqCst);
            live.stop();
            server.unblock();
        }
    }

    /// Serves the engine's output folder until stopped, the watch loop
    /// rebuilding it meanwhile. A watch loop that cannot start ends the
    /// serving, and its error is returned.
    pub fn run(
        self,
        engine: Engine,
        poll: Option<Duration>,
        debounce: Duration,
    ) -> Result<(), Error> {
        let site = engine.out().to_path_buf();
        let watching = {
            let (live, stop, server) = (self.live.clone(), self.stop.clone(), self.server.clone());
            std::thread::spawn(move || {
                let result = watcher::watch_loop(engine, poll, debounce, live.clone(), stop);
                if result.is_err() {
                    live.stop();
                    server.unblock();
                }
                result
            })
        };
        server::serve(&self.server, &site, &self.live);
        self.stop.store(true, Ordering::SeqCst);
        self.live.stop();
        watching
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}

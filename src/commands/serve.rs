//! `pmoc serve`: the watch loop on one thread, the engine's dev server
//! ([`crate::engine::server`]) on this one, with live reload. This module
//! turns the arguments into a listener and settings, prints the status
//! lines and returns the exit code.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::cli::ServeArgs;
use crate::engine::{Live, server, watcher};

pub fn run(args: &ServeArgs) -> ExitCode {
    let (engine, poll, debounce) = match super::watch::settings(&args.watch, true) {
        Ok(s) => s,
        Err(e) => return super::fatal(e),
    };
    let addr = SocketAddr::new(args.bind, args.port);
    let (server, local) = match server::listen(addr) {
        Ok(listening) => listening,
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            return super::fatal(format!(
                "port {} on {} is already in use; choose another with --port",
                args.port, args.bind
            ));
        }
        Err(e) => return super::fatal(format!("cannot listen on {addr}: {e}")),
    };
    let site = engine.out().to_path_buf();
    let live = Arc::new(Live::default());
    let stop = Arc::new(AtomicBool::new(false));
    {
        let (stop, live, server) = (stop.clone(), live.clone(), server.clone());
        if let Err(e) = ctrlc::set_handler(move || {
            stop.store(true, Ordering::SeqCst);
            live.stop();
            server.unblock();
        }) {
            return super::fatal(format!("cannot handle Ctrl-C: {e}"));
        }
    }
    let watching = {
        let (live, stop, server) = (live.clone(), stop.clone(), server.clone());
        std::thread::spawn(move || {
            let result = watcher::watch_loop(engine, poll, debounce, live.clone(), stop);
            if let Err(e) = &result {
                eprintln!("error: {}", crate::emit::visible::line(&e.to_string()));
                live.stop();
                server.unblock();
            }
            result.is_ok()
        })
    };
    eprintln!("serving http://{local}/ (Ctrl-C to stop)");
    server::serve(&server, &site, &live);
    stop.store(true, Ordering::SeqCst);
    live.stop();
    let watched_ok = watching.join().unwrap_or(false);
    eprintln!("stopped");
    if watched_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

//! `pmoc serve`: the arguments into a bound dev server
//! ([`crate::engine::serving`], which runs the watch loop beside it with
//! live reload), the status lines and the exit code.

use std::net::SocketAddr;
use std::process::ExitCode;

use crate::cli::ServeArgs;
use crate::engine::serving::Serving;

pub fn run(args: &ServeArgs) -> ExitCode {
    let (engine, poll, debounce) = match super::watch::settings(&args.watch, true) {
        Ok(s) => s,
        Err(e) => return super::fatal(e),
    };
    let addr = SocketAddr::new(args.bind, args.port);
    let serving = match Serving::bind(addr) {
        Ok(serving) => serving,
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            return super::fatal(format!(
                "port {} on {} is already in use; choose another with --port",
                args.port, args.bind
            ));
        }
        Err(e) => return super::fatal(format!("cannot listen on {addr}: {e}")),
    };
    if let Err(e) = ctrlc::set_handler(serving.stopper()) {
        return super::fatal(format!("cannot handle Ctrl-C: {e}"));
    }
    eprintln!("serving http://{}/ (Ctrl-C to stop)", serving.local_addr());
    let result = serving.run(engine, poll, debounce);
    if let Err(e) = &result {
        eprintln!("error: {}", crate::emit::visible::line(&e.to_string()));
    }
    eprintln!("stopped");
    if result.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

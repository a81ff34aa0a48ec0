//! `pmoc watch`: build once, then rebuild on every change to a `*.kdl` file,
//! a metrics CSV or a `theme/` file, with the engine's watch loop
//! ([`crate::engine::watcher`]). Errors never end the process: the last good
//! site stays in place. This module turns the arguments into settings (which
//! `serve` shares), prints the status line and returns the exit code.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::cli::WatchArgs;
use crate::discover;
use crate::engine::Error;
use crate::engine::{Engine, Live, watcher};

/// The settings `watch` and `serve` share: the engine, the polling interval
/// (none: native events) and the debounce delay.
pub fn settings(
    args: &WatchArgs,
    serving: bool,
) -> Result<(Engine, Option<Duration>, Duration), Error> {
    let root = discover::find_root(&args.path)?;
    if let Some(dir) = &args.metrics {
        crate::compile::metrics_folder_exists(dir)?;
    }
    let out = args
        .out
        .as_ref()
        .map(|o| std::path::absolute(o).unwrap_or_else(|_| o.clone()));
    if let Some(out) = &out {
        crate::engine::check_output(out)?;
    }
    let poll = args.poll.map(Duration::from_millis);
    let voice = super::Voice::new(&args.path, &root, args.quiet);
    Ok((
        Engine::new(root, out, serving)?
            .with_metrics(args.metrics.clone())
            .with_as_of(args.as_of)
            .with_reporter(super::rounds::reporter(voice)),
        poll,
        Duration::from_millis(args.debounce),
    ))
}

pub fn run(args: &WatchArgs) -> ExitCode {
    let (engine, poll, debounce) = match settings(args, false) {
        Ok(s) => s,
        Err(e) => return super::fatal(e),
    };
    let stop = Arc::new(AtomicBool::new(false));
    let on_signal = stop.clone();
    if let Err(e) = ctrlc::set_handler(move || on_signal.store(true, Ordering::SeqCst)) {
        return super::fatal(format!("cannot handle Ctrl-C: {e}"));
    }
    eprintln!(
        "watching {}, writing the site to {} (Ctrl-C to stop)",
        super::shown(engine.root()),
        super::shown(engine.out())
    );
    match watcher::watch_loop(engine, poll, debounce, Arc::new(Live::default()), stop) {
        Ok(()) => {
            eprintln!("stopped");
            ExitCode::SUCCESS
        }
        Err(e) => super::fatal(e),
    }
}

//! The commands: each turns one verb of the command line into settings,
//! drives the pipeline or the [`crate::engine`], prints what it has to say
//! and returns its exit code (0 clean, 1 diagnostics, 2 could not run).

pub mod build;
pub mod check;
pub mod explain;
pub mod review;
pub mod serve;
pub mod watch;

use std::process::ExitCode;

/// The exit code of a command that could not run, with its reason on stderr.
pub fn fatal(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

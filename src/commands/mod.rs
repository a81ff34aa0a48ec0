//! The commands: each drives the pipeline for one verb of the command line
//! and returns its exit code (0 clean, 1 findings, 2 could not run).

pub mod build;
pub mod check;
pub mod explain;
pub mod serve;
pub mod watch;

use std::process::ExitCode;

/// The exit code of a command that could not run, with its reason on stderr.
pub fn fatal(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

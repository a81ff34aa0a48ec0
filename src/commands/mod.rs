//! The commands: each turns one verb of the command line into settings,
//! drives the pipeline or the [`crate::engine`], prints what it has to say
//! and returns its exit code (0 clean, 1 diagnostics, 2 could not run).

pub mod build;
pub mod check;
pub mod diff;
pub mod explain;
pub mod export;
pub mod fmt;
pub mod init;
pub mod lsp;
pub mod review;
pub mod serve;
pub mod watch;

use std::path::Path;
use std::process::ExitCode;

use crate::cli::Format;
use crate::compile::{self, Compiled, Options};

/// The exit code of a command that could not run, with its reason on
/// stderr, on one line (a path or name in it shown by
/// [`crate::emit::visible::line`]).
pub fn fatal(message: impl std::fmt::Display) -> ExitCode {
    eprintln!(
        "error: {}",
        crate::emit::visible::line(&message.to_string())
    );
    ExitCode::from(2)
}

/// A path as a command prints it: on one line, control characters shown
/// ([`crate::emit::visible::line`]).
fn shown(path: &Path) -> String {
    crate::emit::visible::line(&path.display().to_string()).into_owned()
}

/// Compiles the project at `path` for a command that needs it free of
/// errors: on errors, prints them (as `check` does), says what was not done
/// and gives exit code 1; when it cannot compile, exit code 2.
fn compile_clean(path: &Path, options: &Options, not_done: &str) -> Result<Compiled, ExitCode> {
    let compiled = compile::compile(path, options).map_err(fatal)?;
    if compiled.error_count() > 0 {
        check::report(&compiled, Format::Human);
        eprintln!("error: the project has errors; {not_done}");
        return Err(ExitCode::from(1));
    }
    Ok(compiled)
}

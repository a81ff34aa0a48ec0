//! The commands: each turns one verb of the command line into settings,
//! drives the pipeline or the [`crate::engine`], prints what it has to say
//! and returns its exit code (0 clean, 1 diagnostics, 2 could not run).

mod baseline;
pub mod build;
pub mod check;
pub mod diff;
pub mod explain;
pub mod export;
pub mod fmt;
pub mod init;
pub mod lsp;
pub mod review;
mod rounds;
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

/// How a command prints diagnostics: the project folder as the user typed
/// it (human and short output name each file after it: `catalogue/pmo.kdl`
/// when run as `pmoc check catalogue`) and `--quiet` (errors and the closing
/// line only).
#[derive(Debug, Clone, Default)]
pub struct Voice {
    pub folder: String,
    pub quiet: bool,
}

impl Voice {
    /// The voice of a command given the path `typed`, whose project is at
    /// `root`.
    pub fn new(typed: &Path, root: &Path, quiet: bool) -> Voice {
        Voice {
            folder: folder_as_typed(typed, root),
            quiet,
        }
    }
}

/// The project folder `root` as the user typed it: `typed` itself, or the
/// folder above it that is the root (`catalogue` for
/// `catalogue/services/risk.kdl`); when the root is above what was typed
/// (`pmoc check services` from inside the project), its path from the
/// working directory. Empty for the working directory itself.
fn folder_as_typed(typed: &Path, root: &Path) -> String {
    let real = |p: &Path| std::fs::canonicalize(p).ok();
    let Some(root_real) = real(root) else {
        return String::new();
    };
    let here = |p: &Path| -> std::path::PathBuf {
        if p.as_os_str().is_empty() {
            Path::new(".").to_path_buf()
        } else {
            p.to_path_buf()
        }
    };
    let found = typed
        .ancestors()
        .map(here)
        .find(|a| real(a).as_ref() == Some(&root_real))
        .or_else(|| {
            let cwd = std::env::current_dir().ok().and_then(|c| real(&c))?;
            relative(&root_real, &cwd)
        })
        .unwrap_or(root_real);
    let shown = found.display().to_string();
    if shown == "." { String::new() } else { shown }
}

/// `path` relative to `base` (both real), with `..` where needed.
fn relative(path: &Path, base: &Path) -> Option<std::path::PathBuf> {
    let common = path
        .components()
        .zip(base.components())
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return None;
    }
    let mut rel = std::path::PathBuf::new();
    for _ in base.components().skip(common) {
        rel.push("..");
    }
    for c in path.components().skip(common) {
        rel.push(c);
    }
    Some(if rel.as_os_str().is_empty() {
        ".".into()
    } else {
        rel
    })
}

/// Compiles the project at `path` for a command that needs it free of
/// errors: on errors, prints them (as `check` does, errors alone when
/// `quiet`), says what was not done and gives exit code 1; when it cannot
/// compile, exit code 2.
fn compile_clean(
    path: &Path,
    options: &Options,
    quiet: bool,
    not_done: &str,
) -> Result<(Compiled, Voice), ExitCode> {
    let compiled = compile::compile(path, options).map_err(fatal)?;
    let voice = Voice::new(path, &compiled.root, quiet);
    if compiled.error_count() > 0 {
        check::report(&compiled, Format::Human, &voice);
        eprintln!("error: the project has errors; {not_done}");
        return Err(ExitCode::from(1));
    }
    Ok((compiled, voice))
}

//! [`Error`]: what stops a command before it can judge the project (exit
//! code 2): the project's sources that cannot be found or read
//! ([`SourceError`], from `discover` and `compile`), a site that cannot be
//! written, a theme that does not render, a folder that cannot be watched.
//! What is wrong *in* the project is never an `Error`: it is a
//! [`Diagnostic`](crate::base::Diagnostic). Each layer below has its own
//! error type; this crate-wide one lives at the edge, in the engine, and
//! the commands print it.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::discover::SourceError;
use crate::emit::site::RenderError;

#[derive(Debug)]
pub enum Error {
    /// The project's sources could not be found or read.
    Source(SourceError),
    /// The output folder would hold the project itself.
    OutputHoldsProject { out: PathBuf },
    /// The site could not be written.
    Write { out: PathBuf, source: io::Error },
    /// The site could not be rendered (the project's theme).
    Render(RenderError),
    /// A folder could not be watched.
    Watch {
        path: PathBuf,
        source: notify::Error,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Source(e) => e.fmt(f),
            Error::OutputHoldsProject { out } => write!(
                f,
                "the output folder `{}` holds the project itself; choose another with --out",
                out.display()
            ),
            Error::Write { out, source } => {
                write!(f, "cannot write the site to `{}`: {source}", out.display())
            }
            Error::Render(e) => e.fmt(f),
            Error::Watch { path, source } => {
                write!(f, "cannot watch `{}`: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Source(e) => std::error::Error::source(e),
            Error::Write { source, .. } => Some(source),
            Error::Render(e) => Some(e),
            Error::Watch { source, .. } => Some(source),
            Error::OutputHoldsProject { .. } => None,
        }
    }
}

impl From<SourceError> for Error {
    fn from(e: SourceError) -> Error {
        Error::Source(e)
    }
}

impl From<RenderError> for Error {
    fn from(e: RenderError) -> Error {
        Error::Render(e)
    }
}

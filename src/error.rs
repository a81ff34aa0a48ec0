//! [`Error`]: what stops a command before it can judge the project (exit
//! code 2): a path that cannot be read or found, a site that cannot be
//! written, a theme that does not render, a folder that cannot be watched.
//! What is wrong *in* the project is never an `Error`: it is a
//! [`Diagnostic`](crate::base::Diagnostic).

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::emit::site::RenderError;

#[derive(Debug)]
pub enum Error {
    /// A file or folder could not be read (`name` as the user wrote or
    /// sees it).
    Read { name: String, source: io::Error },
    /// Walking the project's folders failed.
    Walk(walkdir::Error),
    /// A source (`name` from the root) is a symbolic link leading outside
    /// the project or nowhere (`why`).
    Link { name: String, why: String },
    /// No `pmo.kdl` in the given path or any parent folder.
    NoProject { path: PathBuf },
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
            Error::Read { name, source } => write!(f, "cannot read `{name}`: {source}"),
            Error::Walk(e) => write!(f, "cannot read the project: {e}"),
            Error::Link { name, why } => write!(
                f,
                "`{name}` {why}; put the file itself in the project, or a link to a file inside it"
            ),
            Error::NoProject { path } => write!(
                f,
                "no `{}` in `{}` or any parent folder",
                crate::discover::MANIFEST,
                path.display()
            ),
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
            Error::Read { source, .. } | Error::Write { source, .. } => Some(source),
            Error::Walk(e) => Some(e),
            Error::Render(e) => Some(e),
            Error::Watch { source, .. } => Some(source),
            Error::NoProject { .. } | Error::OutputHoldsProject { .. } | Error::Link { .. } => None,
        }
    }
}

impl From<RenderError> for Error {
    fn from(e: RenderError) -> Error {
        Error::Render(e)
    }
}

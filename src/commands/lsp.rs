//! `pmoc lsp`: the language server on stdin and stdout ([`crate::lsp`]).
//! Exit code 0 after `shutdown` then `exit`, 1 after `exit` alone (as the
//! protocol says), 2 when the connection broke.

use std::process::ExitCode;

pub fn run() -> ExitCode {
    match crate::lsp::serve_stdio() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => super::fatal(format!("pmoc lsp: {e}")),
    }
}

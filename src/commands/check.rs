//! `pmoc check`: compile and report.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use crate::cli::{CheckArgs, Format};
use crate::compile::{self, Compiled, Options};
use crate::emit;

pub fn run(args: &CheckArgs) -> ExitCode {
    let options = Options {
        deny_warnings: args.deny_warnings,
        metrics: args.metrics.clone(),
        ..Options::default()
    };
    let compiled = match compile::compile(&args.path, &options) {
        Ok(c) => c,
        Err(e) => return super::fatal(e),
    };
    report(&compiled, args.format);
    let code = if compiled.error_count() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    // The process ends here: the OS frees a large compilation faster than
    // its destructors would.
    std::mem::forget(compiled);
    code
}

/// Prints the diagnostics in a format, then the closing summary on stderr.
pub fn report(compiled: &Compiled, format: Format) {
    let diags = &compiled.diagnostics;
    let sources = &compiled.sources;
    let closing = emit::summary(
        compiled.error_count(),
        compiled.warning_count(),
        sources.len(),
    );
    let (stdout, stderr) = match format {
        Format::Human => (
            String::new(),
            emit::human::render(
                diags,
                sources,
                emit::human::use_colour(std::io::stderr().is_terminal()),
            ),
        ),
        Format::Short => (String::new(), emit::human::render_short(diags, sources)),
        Format::Json => (emit::json::render(diags, sources), String::new()),
        Format::Sarif => (
            emit::sarif::render(diags, sources, &compiled.root),
            String::new(),
        ),
        Format::Github => {
            if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
                let table = emit::github::summary_table(diags, sources, &closing);
                let written = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)
                    .and_then(|mut f| f.write_all(table.as_bytes()));
                if let Err(e) = written {
                    let e = crate::emit::visible::line(&e.to_string()).into_owned();
                    eprintln!("warning: cannot write the job summary: {e}");
                }
            }
            (emit::github::render(diags, sources), String::new())
        }
    };
    print!("{stdout}");
    eprint!("{stderr}");
    if compiled.syntax_errors {
        eprintln!("note: model rules were skipped because of syntax errors; fix those first");
    }
    eprintln!("{closing}");
}

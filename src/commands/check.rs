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
        as_of: args.as_of,
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
    let note = unobserved(compiled);
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
            let mut out = emit::github::render(diags, sources);
            if let Some(note) = &note {
                out.push_str(&emit::github::notice(note));
            }
            (out, String::new())
        }
    };
    print!("{stdout}");
    eprint!("{stderr}");
    if compiled.syntax_errors {
        eprintln!("note: model rules were skipped because of syntax errors; fix those first");
    }
    if let Some(note) = note {
        eprintln!("note: {note}");
    }
    eprintln!("{closing}");
}

/// The note when no metrics CSV was read while SLAs in force of services
/// in operation or transform wait to be judged: no observations is not
/// "all clear". A note, not a diagnostic: it points at no file, and
/// `--deny-warnings` and `lints` do not touch it. Every format prints it on
/// stderr before the closing line; `github` also as a `::notice`.
fn unobserved(compiled: &Compiled) -> Option<String> {
    if compiled.syntax_errors {
        return None;
    }
    let index = compiled.index();
    let slas = compiled.evaluation.unobserved(&index);
    if slas.is_empty() {
        return None;
    }
    let mut services: Vec<&str> = slas.iter().map(|(s, _)| s.id.value.as_str()).collect();
    services.dedup();
    let n = |count: usize, one: &str, many: &str| {
        format!("{count} {}", if count == 1 { one } else { many })
    };
    let folder = match &compiled.metrics {
        Some(dir) => {
            let shown = dir.strip_prefix(&compiled.root).unwrap_or(dir);
            let shown = emit::visible::line(&shown.display().to_string()).into_owned();
            format!("no CSV file in `{shown}`")
        }
        None => "no `metrics/` folder".to_string(),
    };
    Some(format!(
        "no observations were read ({folder}): {} in force of {} in operation or transform cannot be judged, which is not the same as met; add CSV files of observations (period,service,metric,value) under `metrics/`, or give `--metrics DIR`",
        n(slas.len(), "SLA", "SLAs"),
        n(services.len(), "service", "services"),
    ))
}

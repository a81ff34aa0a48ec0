//! `pmoc check`: compile and report; with `--baseline`, fail only on the
//! warnings an earlier check did not find ([`super::baseline`]).

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use super::Voice;
use super::baseline::Baseline;
use crate::base::{Diagnostic, Severity};
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
    // A bad baseline is refused before anything is compiled or printed.
    let baseline = match args.baseline.as_deref().map(Baseline::read).transpose() {
        Ok(b) => b,
        Err(why) => return super::fatal(why),
    };
    let compiled = match compile::compile(&args.path, &options) {
        Ok(c) => c,
        Err(e) => return super::fatal(e),
    };
    let voice = Voice::new(&args.path, &compiled.root, args.quiet);
    let new_warnings = match &baseline {
        None => {
            report(&compiled, args.format, &voice);
            0
        }
        Some(baseline) => {
            let (kept, known) = baseline.filter(&compiled.diagnostics, &compiled.sources);
            report_these(&compiled, &kept, known, args.format, &voice);
            crate::base::diag::count(&kept, Severity::Warning)
        }
    };
    let code = if compiled.error_count() > 0 || new_warnings > 0 {
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
/// Quiet, the formats people read (human, short, github) show the errors
/// alone and no note; JSON and SARIF stay whole documents.
pub fn report(compiled: &Compiled, format: Format, voice: &Voice) {
    report_these(compiled, &compiled.diagnostics, 0, format, voice);
}

/// [`report`] of `diags`, the compilation's findings less `known` warnings
/// a baseline holds (said in the closing line).
fn report_these(
    compiled: &Compiled,
    diags: &[Diagnostic],
    known: usize,
    format: Format,
    voice: &Voice,
) {
    let sources = &compiled.sources;
    let mut closing = emit::summary(
        crate::base::diag::count(diags, Severity::Error),
        crate::base::diag::count(diags, Severity::Warning),
        sources.len(),
    );
    if known > 0 {
        closing.push_str(&format!(
            " ({known} more warning{} in the baseline, not shown)",
            if known == 1 { "" } else { "s" }
        ));
    }
    let errors_only: Vec<Diagnostic>;
    let diags = if voice.quiet && !matches!(format, Format::Json | Format::Sarif) {
        errors_only = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .cloned()
            .collect();
        &errors_only[..]
    } else {
        diags
    };
    let note = unobserved(compiled).filter(|_| !voice.quiet);
    let (stdout, stderr) = match format {
        Format::Human => (
            String::new(),
            emit::human::render_in(
                diags,
                sources,
                emit::human::use_colour(std::io::stderr().is_terminal()),
                &voice.folder,
            ),
        ),
        Format::Short => (
            String::new(),
            emit::human::render_short_in(diags, sources, &voice.folder),
        ),
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
    if compiled.syntax_errors && !voice.quiet {
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

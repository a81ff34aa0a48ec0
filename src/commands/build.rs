//! `pmoc build`: check, then publish the catalog and the site once with the
//! engine ([`crate::engine::build`]). On errors it prints them and writes
//! nothing; the previous site stays whole. This module turns the arguments
//! into options, prints the diagnostics and the status line, and returns the
//! exit code.

use std::process::ExitCode;
use std::time::Instant;

use crate::cli::{BuildArgs, Format};
use crate::compile::Options;
use crate::engine;

pub fn run(args: &BuildArgs) -> ExitCode {
    let started = Instant::now();
    // `--out` may point anywhere, but never at something pmoc would destroy.
    if let Some(out) = &args.out
        && let Err(e) = engine::check_output(out)
    {
        return super::fatal(e);
    }
    let options = Options {
        out: args.out.clone(),
        metrics: args.metrics.clone(),
        as_of: args.as_of,
        ..Options::default()
    };
    let (compiled, voice) =
        match super::compile_clean(&args.path, &options, args.quiet, "nothing was written") {
            Ok(c) => c,
            Err(code) => return code,
        };
    if !compiled.diagnostics.is_empty() && !args.quiet {
        super::check::report(&compiled, Format::Human, &voice);
    }
    let out = compiled.output_dir(args.out.as_deref());
    // Quiet, the warnings left unprinted are still counted.
    let quiet_summary = args
        .quiet
        .then(|| crate::emit::summary(0, compiled.warning_count(), compiled.sources.len()));
    // The engine drops the compilation once the catalogue is built.
    let pages = match engine::build(compiled, &out, args.base_url.as_deref()) {
        Ok(pages) => pages,
        Err(e) => return super::fatal(e),
    };
    eprintln!(
        "built {} pages, catalog.json and the exports into {} in {} ms{}",
        pages,
        super::shown(&out),
        started.elapsed().as_millis(),
        quiet_summary.map(|s| format!(" ({s})")).unwrap_or_default()
    );
    ExitCode::SUCCESS
}

//! `pmoc export FORMAT [PATH] [--out PATH]`: check the project, then write
//! the catalogue for another tool ([`crate::emit::export`]): `csv` tables
//! into the folder `--out`, a Backstage file or an iCalendar feed to
//! `--out` or standard output. A project with errors gets its diagnostics
//! (as `check` prints them), exit 1, and nothing is written; a `csv` export
//! without `--out`, or a place that cannot be written, is exit 2.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::catalog::{self, Catalog};
use crate::cli::{ExportArgs, ExportFormat, Format};
use crate::compile::Options;
use crate::emit::export::{backstage, csv, ics};
use crate::files::{self, Refusal};

const CSV_NEEDS_OUT: &str = "`pmoc export csv` writes a folder of tables: give it with `--out DIR`";

pub fn run(args: &ExportArgs) -> ExitCode {
    if args.format == ExportFormat::Csv && args.out.is_none() {
        return super::fatal(CSV_NEEDS_OUT);
    }
    let options = Options {
        metrics: args.metrics.clone(),
        as_of: args.as_of,
        ..Options::default()
    };
    let (compiled, voice) =
        match super::compile_clean(&args.path, &options, args.quiet, "nothing was exported") {
            Ok(c) => c,
            Err(code) => return code,
        };
    if !compiled.diagnostics.is_empty() && !args.quiet {
        super::check::report(&compiled, Format::Human, &voice);
    }
    let catalog = catalog::build(&compiled.index(), &compiled.evaluation);
    let text = match args.format {
        ExportFormat::Csv => {
            // Refused before compiling when missing: CSV tables go into a folder.
            let Some(out) = &args.out else {
                return super::fatal(CSV_NEEDS_OUT);
            };
            return finish(tables(&catalog, out));
        }
        ExportFormat::Backstage => backstage::yaml(&catalog),
        ExportFormat::Ics => ics::calendar(&catalog),
    };
    let Some(out) = &args.out else {
        let mut stdout = std::io::stdout().lock();
        return match stdout.write_all(text.as_bytes()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => super::fatal(e),
        };
    };
    finish(
        files::write_out(out, text.as_bytes())
            .map(|()| out.display().to_string())
            .map_err(|why| (out.clone(), why)),
    )
}

/// The CSV tables written into the folder `out`: what was written, or the
/// path refused and why.
fn tables(catalog: &Catalog, out: &Path) -> Result<String, (PathBuf, Refusal)> {
    let tables: Vec<(String, Vec<u8>)> = csv::tables(catalog)
        .map(|(name, bytes)| (name.to_string(), bytes))
        .collect();
    files::write_folder(out, &tables).map(|()| {
        let names: Vec<&str> = tables.iter().map(|(n, _)| n.as_str()).collect();
        format!("{} into {}", names.join(", "), out.display())
    })
}

/// What was exported, on stderr, or why it could not be written.
fn finish(written: Result<String, (PathBuf, Refusal)>) -> ExitCode {
    match written {
        Ok(what) => {
            eprintln!("exported {}", crate::emit::visible::line(&what));
            ExitCode::SUCCESS
        }
        Err((path, why)) => super::fatal(format!(
            "cannot write the export to `{}`: {why}",
            path.display()
        )),
    }
}

//! `pmoc export FORMAT [PATH] [--out PATH]`: check the project, then write
//! the catalogue for another tool ([`crate::emit::export`]): `csv` tables
//! into the folder `--out`, a Backstage file or an iCalendar feed to
//! `--out` or standard output. A project with errors gets its diagnostics
//! (as `check` prints them), exit 1, and nothing is written; a `csv` export
//! without `--out`, or a place that cannot be written, is exit 2.

use std::io::Write;
use std::process::ExitCode;

use crate::catalog;
use crate::cli::{ExportArgs, ExportFormat, Format};
use crate::compile::Options;
use crate::emit::export::{backstage, csv, ics};
use crate::files;

pub fn run(args: &ExportArgs) -> ExitCode {
    if args.format == ExportFormat::Csv && args.out.is_none() {
        return super::fatal(
            "`pmoc export csv` writes a folder of tables: give it with `--out DIR`",
        );
    }
    let options = Options {
        metrics: args.metrics.clone(),
        ..Options::default()
    };
    let compiled = match super::compile_clean(&args.path, &options, "nothing was exported") {
        Ok(c) => c,
        Err(code) => return code,
    };
    if !compiled.diagnostics.is_empty() {
        super::check::report(&compiled, Format::Human);
    }
    let catalog = catalog::build(&compiled.index(), &compiled.evaluation);
    let written = match (args.format, &args.out) {
        (ExportFormat::Csv, Some(out)) => {
            let tables: Vec<(String, Vec<u8>)> = csv::tables(&catalog)
                .into_iter()
                .map(|(name, bytes)| (name.to_string(), bytes))
                .collect();
            files::write_folder(out, &tables).map(|()| {
                let names: Vec<&str> = tables.iter().map(|(n, _)| n.as_str()).collect();
                format!("{} into {}", names.join(", "), out.display())
            })
        }
        (format, out) => {
            let text = match format {
                ExportFormat::Backstage => backstage::yaml(&catalog),
                _ => ics::calendar(&catalog),
            };
            match out {
                Some(out) => files::write_out(out, text.as_bytes())
                    .map(|()| out.display().to_string())
                    .map_err(|why| (out.clone(), why)),
                None => {
                    let mut stdout = std::io::stdout().lock();
                    return match stdout.write_all(text.as_bytes()) {
                        Ok(()) => ExitCode::SUCCESS,
                        Err(e) => super::fatal(e),
                    };
                }
            }
        }
    };
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

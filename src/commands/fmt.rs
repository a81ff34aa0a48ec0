//! `pmoc fmt [PATH] [--check] [--force]`: the files `pmoc check` reads (all
//! of the project's, or those inside PATH when it is a folder or a file of
//! the project) rewritten in the canonical layout by [`crate::format`] and
//! written by [`crate::files::replace`]. A file with a syntax error is
//! reported as `check` reports it and left as it is; so is a file `fmt`
//! refuses (its rewrite would be too large, or fails the safety check), and
//! one that changed since it was read. `--check` writes
//! nothing and lists the files that would change. A read-only or
//! hard-linked file is refused unless `--force`. Exit 0 when nothing is left
//! to do, 1 when `--check` found a file to change or a file could not be
//! formatted, 2 when it cannot run or a file could not be written.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use crate::base::{FileId, SourceFile, SourceMap};
use crate::cli::FmtArgs;
use crate::discover::{self, Filter, Found, Skip, SourceError};
use crate::emit::visible;
use crate::files::{self, Refusal};
use crate::format::{self, FormatOutcome};
use crate::{compile, emit};

pub fn run(args: &FmtArgs) -> ExitCode {
    let files = match targets(&args.path) {
        Ok(files) => files,
        Err(message) => return super::fatal(message),
    };
    let mut sources = SourceMap::default();
    let mut diags = Vec::new();
    let mut changed = Vec::new();
    let mut refused = 0;
    for found in &files {
        let id = FileId(sources.len() as u32);
        let (text, stop, snapshot) = match format::read(id, &found.path) {
            Ok(read) => read,
            Err(source) => {
                let name = found.name.clone();
                return super::fatal(SourceError::Read { name, source });
            }
        };
        let outcome = match stop {
            Some(diag) => FormatOutcome::Syntax(vec![diag]),
            None => format::format(id, &text),
        };
        match outcome {
            FormatOutcome::Formatted(new) if new != text => changed.push((found, new, snapshot)),
            FormatOutcome::Formatted(_) => {}
            FormatOutcome::Syntax(found) => diags.extend(found),
            FormatOutcome::Refused(why) => {
                eprintln!(
                    "error: `{}`: {why}; left as it is",
                    visible::line(&found.name)
                );
                refused += 1;
            }
        }
        sources.add(SourceFile::new(
            found.name.clone(),
            found.path.clone(),
            text.into(),
        ));
    }
    let (done, unwritable) = write(&changed, args, &mut refused);
    report(&diags, &sources);
    let verb = if args.check {
        "would be reformatted"
    } else {
        "reformatted"
    };
    eprintln!("{done} of {} files {verb}", files.len());
    if unwritable > 0 {
        return ExitCode::from(2);
    }
    let failed = !diags.is_empty() || refused > 0 || (args.check && !changed.is_empty());
    ExitCode::from(u8::from(failed))
}

/// Writes the reformatted files (none with `--check`, which only lists
/// them): how many were done and how many could not be written; a file
/// changed since it was read counts in `refused`.
fn write(
    changed: &[(&Found, String, files::Snapshot)],
    args: &FmtArgs,
    refused: &mut usize,
) -> (usize, usize) {
    let mut unwritable = 0;
    let mut done = 0;
    for (found, new, snapshot) in changed {
        if !args.check {
            match files::replace(&found.path, snapshot, new.as_bytes(), args.force) {
                Ok(()) => {}
                Err(Refusal::Changed) => {
                    eprintln!(
                        "error: `{}`: it changed since pmoc fmt read it; left as it is (run pmoc fmt again)",
                        visible::line(&found.name)
                    );
                    *refused += 1;
                    continue;
                }
                Err(why) => {
                    let hint = if why.forcible() {
                        " (pmoc fmt --force writes it anyway)"
                    } else {
                        ""
                    };
                    eprintln!(
                        "error: cannot write `{}`: {why}; left as it is{hint}",
                        visible::line(&found.name)
                    );
                    unwritable += 1;
                    continue;
                }
            }
        }
        done += 1;
        println!("{}", visible::line(&found.name));
    }
    (done, unwritable)
}

/// The syntax errors, as `pmoc check` prints them, and what was not done.
fn report(diags: &[crate::base::Diagnostic], sources: &SourceMap) {
    if diags.is_empty() {
        return;
    }
    let colour = emit::human::use_colour(std::io::stderr().is_terminal());
    eprint!("{}", emit::human::render(diags, sources, colour));
    eprintln!(
        "error: {} with syntax errors left as {}",
        plural(diags.len(), "file"),
        if diags.len() == 1 {
            "it is"
        } else {
            "they are"
        }
    );
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The project's source files inside `path`: every one for the project
/// folder, those below a folder inside it, or the one file named.
fn targets(path: &Path) -> Result<Vec<Found>, String> {
    let root = discover::find_root(path).map_err(|e| e.to_string())?;
    let settings = compile::manifest_settings(&root).map_err(|e| e.to_string())?;
    let filter = Filter::new(
        &root,
        &Skip {
            output: Some(settings.output),
            exclude: settings.exclude,
        },
    );
    let all = discover::sources(&filter).map_err(|e| e.to_string())?;
    let target = std::fs::canonicalize(path).map_err(|e| e.to_string())?;
    if target.is_dir() {
        return Ok(all
            .into_iter()
            .filter(|f| f.path.starts_with(&target))
            .collect());
    }
    let file: Vec<Found> = all.into_iter().filter(|f| f.path == target).collect();
    if file.is_empty() {
        return Err(format!(
            "`{}` is not a source file of the project: pmoc fmt formats the `.kdl` files pmoc check reads, and leaves excluded files alone",
            path.display()
        ));
    }
    Ok(file)
}

//! `pmoc diff OLD NEW` and `pmoc diff --git REF [PATH]`: read both sides
//! ([`crate::diff::side`]), compare them and print the changes as text,
//! Markdown or JSON. Exit 0 whether or not they differ; 1 with
//! `--fail-on-weakened` when a change weakens a promise; 2 when a side
//! cannot be read or has errors (named, with its error count).

use std::path::Path;
use std::process::ExitCode;

use crate::cli::{DiffArgs, DiffFormat};
use crate::diff::{self, Side, SideError};

pub fn run(args: &DiffArgs) -> ExitCode {
    let sides = match (&args.git, args.paths.as_slice()) {
        (None, [old, new]) => {
            read("OLD", old, args.as_of).and_then(|o| Ok((o, read("NEW", new, args.as_of)?)))
        }
        (None, _) => Err(super::fatal(
            "give OLD and NEW (project folders or catalog.json files), or --git REF [PATH]",
        )),
        (Some(reference), paths @ ([] | [_])) => {
            let path = paths.first().map_or(Path::new("."), |p| p.as_path());
            if let Err(e) = diff::git::remove_on_signal() {
                return super::fatal(e);
            }
            diff::side::at_revision(path, reference, args.as_of)
                .map_err(|e| side_error(&format!("OLD (`{reference}`)"), &e))
                .and_then(|o| {
                    let new = diff::side::working_tree(path, args.as_of)
                        .map_err(|e| side_error(&format!("NEW (`{}`)", path.display()), &e))?;
                    Ok((o, new))
                })
        }
        (Some(_), _) => Err(super::fatal("with --git, give at most one PATH")),
    };
    let (old, new) = match sides {
        Ok(sides) => sides,
        Err(code) => return code,
    };
    let compared = diff::compare(&old, &new);
    let printed = match args.format {
        DiffFormat::Text => crate::emit::human::for_terminal(&diff::text(&compared)).into_owned(),
        DiffFormat::Markdown => {
            crate::emit::human::for_terminal(&diff::markdown(&compared)).into_owned()
        }
        DiffFormat::Json => diff::to_json(&compared),
    };
    print!("{printed}");
    if args.fail_on_weakened && compared.weakening() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn read(name: &str, path: &Path, as_of: Option<jiff::civil::Date>) -> Result<Side, ExitCode> {
    diff::side::read(path, as_of)
        .map_err(|e| side_error(&format!("{name} (`{}`)", path.display()), &e))
}

fn side_error(side: &str, e: &SideError) -> ExitCode {
    let code = super::fatal(format!("{side}: {e}"));
    if let SideError::Errors(_) = e {
        eprintln!("note: `pmoc check` on that side lists them");
    }
    code
}

//! `pmoc build`: check, then publish the catalog and the site. On errors it
//! prints them and writes nothing; the previous site stays whole.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use crate::base::Code;
use crate::cli::{BuildArgs, Format};
use crate::compile::{self, Compiled, Options};
use crate::emit::catalog;
use crate::emit::site::{self, Fired, Memo, OutFile, Priority, Theme};

pub fn run(args: &BuildArgs) -> ExitCode {
    let started = Instant::now();
    let options = Options {
        out: args.out.clone(),
        ..Options::default()
    };
    let compiled = match compile::compile(&args.path, &options) {
        Ok(c) => c,
        Err(e) => return super::fatal(e),
    };
    if compiled.error_count() > 0 {
        super::check::report(&compiled, Format::Human);
        eprintln!("error: the project has errors; nothing was written");
        return ExitCode::from(1);
    }
    if !compiled.diagnostics.is_empty() {
        super::check::report(&compiled, Format::Human);
    }
    let files = match render(&compiled, &mut Memo::default(), None) {
        Ok(files) => files,
        Err(e) => return super::fatal(e),
    };
    let out = compiled.output_dir(args.out.as_deref());
    if let Err(e) = guard(&out, &compiled.root) {
        return super::fatal(e);
    }
    if let Err(e) = site::write::replace_atomically(&out, &files) {
        return super::fatal(format!("cannot write the site to `{}`: {e}", out.display()));
    }
    let pages = files.iter().filter(|f| f.path.ends_with(".html")).count();
    eprintln!(
        "built {pages} pages and catalog.json into {} in {} ms",
        out.display(),
        started.elapsed().as_millis()
    );
    ExitCode::SUCCESS
}

/// Every file of the site for a compiled project without errors.
pub fn render(
    compiled: &Compiled,
    memo: &mut Memo,
    priority: Option<Priority>,
) -> Result<Vec<OutFile>, String> {
    let catalog = catalog::build(&compiled.model, compiled.as_of);
    let theme = Theme::load(&compiled.root)?;
    let fired: Vec<Fired> = compiled
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::TriggerFired)
        .map(|d| Fired {
            message: d.message.clone(),
        })
        .collect();
    site::render(&catalog, &theme, &fired, memo, priority)
}

/// The output folder may not be the project itself or hold it.
fn guard(out: &Path, root: &Path) -> Result<(), String> {
    let abs = |p: &Path| -> PathBuf { std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()) };
    let (out_abs, root_abs) = (abs(out), abs(root));
    let root_real = std::fs::canonicalize(&root_abs).unwrap_or(root_abs);
    let out_real = std::fs::canonicalize(&out_abs).unwrap_or(out_abs);
    if root_real.starts_with(&out_real) {
        return Err(format!(
            "the output folder `{}` holds the project itself; choose another with --out",
            out.display()
        ));
    }
    Ok(())
}

//! `pmoc init [DIR]`: writes a starter catalogue into DIR (made when
//! missing): a manifest, people and a customer group, a function with two
//! services (one mandated, with an SLA), a gate with a decision, a trigger,
//! a month-by-month metrics CSV, a `.gitignore` for the site and a GitHub
//! Actions workflow. The files are templates in `init/`, their dates filled
//! in relative to today (`SOURCE_DATE_EPOCH`'s date when set), and written
//! all or nothing by
//! [`files::create_all`]. It refuses (exit 2) a folder that holds a
//! `pmo.kdl`, and never overwrites a file nor writes through a link: an
//! existing `.gitignore` is left as it is, anything else in the way (a file,
//! a link, a file where a folder is needed) stops it before it writes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use jiff::ToSpan;
use jiff::civil::Date;

use crate::cli::InitArgs;
use crate::compile::default_as_of;
use crate::discover::MANIFEST;
use crate::files::{self, Blocked};

/// Each file written: its path in the project, its template.
const FILES: &[(&str, &str)] = &[
    (MANIFEST, include_str!("init/pmo.kdl")),
    ("people.kdl", include_str!("init/people.kdl")),
    ("metrics.kdl", include_str!("init/metrics.kdl")),
    ("governance.kdl", include_str!("init/governance.kdl")),
    (
        "services/reporting.kdl",
        include_str!("init/services/reporting.kdl"),
    ),
    (
        "metrics/observations.csv",
        include_str!("init/metrics/observations.csv"),
    ),
    (WORKFLOW, include_str!("init/workflow.yml")),
    (GITIGNORE, include_str!("init/gitignore")),
];

const GITIGNORE: &str = ".gitignore";
const WORKFLOW: &str = ".github/workflows/pmo.yml";

pub fn run(args: &InitArgs) -> ExitCode {
    let dir = &args.dir;
    if dir.join(MANIFEST).is_file() {
        return super::fatal(format!(
            "`{}` already holds a `{MANIFEST}`; pmoc init starts a new catalogue only",
            super::shown(dir)
        ));
    }
    let mut values = placeholders(default_as_of());
    let repository = repository_of(dir);
    values.extend(workflow_values(repository.as_ref().map(|r| r.1.as_str())));
    let texts: Vec<(&str, Vec<u8>)> = FILES
        .iter()
        .map(|(path, template)| (*path, fill(template, &values).into_bytes()))
        .collect();
    let kept = match files::create_all(dir, &texts, &[GITIGNORE]) {
        Ok(kept) => kept,
        Err(Blocked::NotAFolder(what)) => {
            return super::fatal(format!(
                "`{}` is {what}: pmoc init writes into a folder, new or without a `{MANIFEST}`",
                super::shown(dir)
            ));
        }
        Err(Blocked::Taken(taken)) => {
            return super::fatal(format!(
                "in `{}`, {}; pmoc init never overwrites a file nor writes through a link (nothing was written)",
                super::shown(dir),
                taken
                    .iter()
                    .map(|(p, why)| format!("`{p}` {why}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        Err(Blocked::Failed(path, e)) => {
            return super::fatal(format!(
                "cannot write `{}`: {e} (pmoc init leaves nothing written)",
                super::shown(&path)
            ));
        }
    };
    for (path, _) in FILES.iter().filter(|(p, _)| !kept.contains(p)) {
        println!("  wrote {}", super::shown(&dir.join(path)));
    }
    for path in kept {
        eprintln!(
            "note: `{}` is left as it was; add `/site/` to it",
            super::shown(&dir.join(path))
        );
    }
    if let Some((root, below)) = &repository
        && below != "."
    {
        let visible = |s: &str| crate::emit::visible::line(s).into_owned();
        eprintln!(
            "warning: `{}` is inside the git repository `{}`, and GitHub runs only the workflows at its root: move `{}` to `{}` (it already runs in `{}`)",
            super::shown(dir),
            super::shown(root),
            super::shown(&dir.join(WORKFLOW)),
            super::shown(&root.join(WORKFLOW)),
            visible(below),
        );
    }
    println!(
        "A starter catalogue is in `{0}`. Next: `pmoc check {0}`, then `pmoc serve {0}`.",
        super::shown(dir)
    );
    ExitCode::SUCCESS
}

/// The dates of the templates, relative to `today`. The manifest pins no
/// `as-of`: the starter is judged as of each run's day.
fn placeholders(today: Date) -> Vec<(&'static str, String)> {
    let month = |back: i64| {
        let d = today.first_of_month().saturating_sub(back.months());
        format!("{:04}-{:02}", d.year(), d.month())
    };
    vec![
        ("{{YEAR}}", today.year().to_string()),
        // A year of reviews to come, and a month to spare.
        (
            "{{REVIEW_BY}}",
            today.saturating_add(13.months()).to_string(),
        ),
        // Old enough for the trigger's `min-age` of six months.
        ("{{DECIDED}}", today.saturating_sub(8.months()).to_string()),
        ("{{MONTH_1}}", month(1)),
        ("{{MONTH_2}}", month(2)),
        ("{{MONTH_3}}", month(3)),
    ]
}

/// The git repository that holds `dir` (the nearest folder above it, or
/// itself, with a `.git`), and `dir`'s path in it, `/`-separated (`.` at
/// its root). `dir` need not exist yet.
fn repository_of(dir: &Path) -> Option<(PathBuf, String)> {
    let abs = std::path::absolute(dir).ok()?;
    // The nearest folder that exists, as the file system names it (links
    // resolved), and what is left to make below it.
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    while !existing.is_dir() {
        rest.push(existing.file_name()?.to_os_string());
        existing = existing.parent()?;
    }
    let mut real = std::fs::canonicalize(existing).ok()?;
    for part in rest.into_iter().rev() {
        real.push(part);
    }
    let root = real.ancestors().find(|a| a.join(".git").exists())?;
    let below: Vec<String> = real
        .strip_prefix(root)
        .ok()?
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let below = if below.is_empty() {
        ".".to_string()
    } else {
        below.join("/")
    };
    Some((root.to_path_buf(), below))
}

/// The workflow's version pin and folders: the catalogue's folder in its
/// repository (`.` at the root or outside git) and its site folder, as
/// YAML scalars.
fn workflow_values(below: Option<&str>) -> Vec<(&'static str, String)> {
    let below = below.unwrap_or(".");
    let site = if below == "." {
        "site".to_string()
    } else {
        format!("{below}/site")
    };
    vec![
        ("{{PMOC_VERSION}}", env!("CARGO_PKG_VERSION").to_string()),
        ("{{PROJECT_DIR}}", yaml_scalar(below)),
        ("{{SITE_DIR}}", yaml_scalar(&site)),
    ]
}

/// A path as a YAML scalar: plain when it is only letters, digits, `.`,
/// `_`, `-` and `/`, else single-quoted (a quote doubled).
fn yaml_scalar(s: &str) -> String {
    let plain = s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/'));
    if plain && !s.starts_with('-') {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

fn fill(template: &str, dates: &[(&str, String)]) -> String {
    dates
        .iter()
        .fold(template.to_string(), |text, (key, value)| {
            text.replace(key, value)
        })
}

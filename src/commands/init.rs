//! `pmoc init [DIR]`: writes a starter catalogue into DIR (made when
//! missing): a manifest, people and a customer group, a function with two
//! services (one mandated, with an SLA), a gate with a decision, a trigger,
//! a month-by-month metrics CSV, a `.gitignore` for the site and a GitHub
//! Actions workflow. The files are templates in `init/`, their dates filled
//! in relative to today (as-of). It refuses (exit 2) a folder that holds a
//! `pmo.kdl`, and never overwrites a file: an existing `.gitignore` is
//! left as it is, any other file already there stops it before it writes.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use jiff::ToSpan;
use jiff::civil::Date;

use crate::cli::InitArgs;
use crate::compile::default_as_of;
use crate::discover::MANIFEST;

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
    (
        ".github/workflows/pmo.yml",
        include_str!("init/workflow.yml"),
    ),
    (GITIGNORE, include_str!("init/gitignore")),
];

const GITIGNORE: &str = ".gitignore";

pub fn run(args: &InitArgs) -> ExitCode {
    let dir = &args.dir;
    if dir.join(MANIFEST).exists() {
        return super::fatal(format!(
            "`{}` already holds a `{MANIFEST}`; pmoc init starts a new catalogue only",
            dir.display()
        ));
    }
    let taken: Vec<&str> = FILES
        .iter()
        .map(|(path, _)| *path)
        .filter(|path| *path != GITIGNORE && dir.join(path).exists())
        .collect();
    if !taken.is_empty() {
        return super::fatal(format!(
            "`{}` already holds {}; pmoc init never overwrites a file (nothing was written)",
            dir.display(),
            taken
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let dates = placeholders(default_as_of());
    let mut written = Vec::new();
    for (path, template) in FILES {
        let target = dir.join(path);
        if *path == GITIGNORE && target.exists() {
            eprintln!(
                "note: `{}` is left as it was; add `/site/` to it",
                super::shown(&target)
            );
            continue;
        }
        if let Err(e) = write_new(&target, &fill(template, &dates)) {
            return super::fatal(format!("cannot write `{}`: {e}", target.display()));
        }
        written.push(*path);
    }
    for path in &written {
        println!("  wrote {}", super::shown(&dir.join(path)));
    }
    println!(
        "A starter catalogue is in `{0}`. Next: `pmoc check {0}`, then `pmoc serve {0}`.",
        super::shown(dir)
    );
    ExitCode::SUCCESS
}

/// The dates of the templates, relative to `today`.
fn placeholders(today: Date) -> Vec<(&'static str, String)> {
    let month = |back: i64| {
        let d = today.first_of_month().saturating_sub(back.months());
        format!("{:04}-{:02}", d.year(), d.month())
    };
    vec![
        ("{{AS_OF}}", today.to_string()),
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

fn fill(template: &str, dates: &[(&str, String)]) -> String {
    dates
        .iter()
        .fold(template.to_string(), |text, (key, value)| {
            text.replace(key, value)
        })
}

/// Writes a file that must not exist yet, with its folders.
fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?
        .write_all(text.as_bytes())
}

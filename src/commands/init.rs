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
    (
        ".github/workflows/pmo.yml",
        include_str!("init/workflow.yml"),
    ),
    (GITIGNORE, include_str!("init/gitignore")),
];

const GITIGNORE: &str = ".gitignore";

pub fn run(args: &InitArgs) -> ExitCode {
    let dir = &args.dir;
    if dir.join(MANIFEST).is_file() {
        return super::fatal(format!(
            "`{}` already holds a `{MANIFEST}`; pmoc init starts a new catalogue only",
            super::shown(dir)
        ));
    }
    let dates = placeholders(default_as_of());
    let texts: Vec<(&str, Vec<u8>)> = FILES
        .iter()
        .map(|(path, template)| (*path, fill(template, &dates).into_bytes()))
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

fn fill(template: &str, dates: &[(&str, String)]) -> String {
    dates
        .iter()
        .fold(template.to_string(), |text, (key, value)| {
            text.replace(key, value)
        })
}

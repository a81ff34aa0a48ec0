//! The command line of section 5, as clap definitions.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "pmoc",
    version,
    about = "PMO-as-code: check a PMO service catalogue and publish its documentation"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a project and report every diagnostic.
    Check(CheckArgs),
    /// Check a project, then write its documentation site and catalog.json.
    Build(BuildArgs),
    /// Build, then rebuild the site on every change to the project (into
    /// `--out`, else the manifest's `output`, else `site` in the project).
    Watch(WatchArgs),
    /// Watch, and serve the site with live reload on http://127.0.0.1.
    Serve(ServeArgs),
    /// The operations review for the portfolio board: SLA attainment,
    /// adoption, fired triggers, and the agenda of what is due.
    Review(ReviewArgs),
    /// What changed between two catalogues, for the reviewer of a change:
    /// the changes that weaken a promise are flagged.
    Diff(DiffArgs),
    /// Write a starter catalogue (with a CI workflow) into a folder that has none.
    Init(InitArgs),
    /// Export the catalogue for other tools: CSV tables for spreadsheets,
    /// a Backstage catalog file, an iCalendar feed of its dates.
    Export(ExportArgs),
    /// Rewrite every source file in the canonical layout (KDL 2.0, four
    /// spaces, fields in the order of the language reference).
    Fmt(FmtArgs),
    /// Speak the Language Server Protocol on stdin and stdout, for editors:
    /// diagnostics as you type, go to definition, hover, the outline.
    Lsp,
    /// Print the JSON Schema of catalog.json.
    Schema,
    /// Explain a rule code: what it means, why it matters, a wrong and a right example.
    Explain {
        /// The code, e.g. `dependency-cycle`; without it, list every code.
        code: Option<String>,
    },
}

/// The exit codes of `pmoc check`, under its help.
const CHECK_EXIT: &str = "Exit status:
  0  no error (warnings do not count, unless --deny-warnings or the manifest's `lints` make them errors)
  1  the project has errors, or a warning that --baseline does not hold
  2  pmoc could not run (no pmo.kdl, an unreadable path, a bad --baseline file)";

/// The exit codes of `pmoc review`, under its help.
const REVIEW_EXIT: &str = "Exit status:
  0  the review was printed
  1  the project has errors (no review), or --fail-on-fired and a trigger fired
  2  pmoc could not run (no pmo.kdl, an unreadable path)";

#[derive(Debug, clap::Args)]
#[command(after_help = CHECK_EXIT)]
pub struct CheckArgs {
    /// The project folder, or a file or folder inside it.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// How to print the diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Treat warnings as errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Fail only on the warnings this FILE does not hold: a `--format json`
    /// report of an earlier check (the base branch's, in a pull request).
    /// A warning matches by code, file and message, not by line; the ones
    /// it holds are not printed. Errors always count.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Print only errors and a one-line summary (no warnings, no notes).
    #[arg(short, long)]
    pub quiet: bool,
    /// The folder of metrics CSVs (relative to the working directory);
    /// default: `metrics/` in the project, when it exists.
    #[arg(long, value_name = "DIR")]
    pub metrics: Option<PathBuf>,
    /// Judge the project as of this date (`YYYY-MM-DD`), over the
    /// manifest's `as-of`; default: the manifest's, else
    /// `SOURCE_DATE_EPOCH`'s UTC date, else today (UTC).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<jiff::civil::Date>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-like snippets on stderr.
    Human,
    /// `path:line:col: severity[code]: message` on stderr.
    Short,
    /// The JSON document of the language reference on stdout.
    Json,
    /// GitHub Actions workflow commands on stdout (and a job summary).
    Github,
    /// SARIF 2.1.0 on stdout.
    Sarif,
}

#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// The project folder, or a file or folder inside it.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The output folder (relative to the working directory)
    /// [default: the manifest's `output`, else `site` in the project].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Where the site is published: an absolute path (`/`, `/repo/`) or an
    /// `http`/`https` URL; the 404 page and the exports' links start there
    /// [default: the manifest's `site { base-url }`, else `/`].
    #[arg(long, value_name = "URL", value_parser = parse_base_url)]
    pub base_url: Option<String>,
    /// Print only errors and a one-line summary (no warnings, no notes).
    #[arg(short, long)]
    pub quiet: bool,

    /// The folder of metrics CSVs (relative to the working directory);
    /// default: `metrics/` in the project, when it exists.
    #[arg(long, value_name = "DIR")]
    pub metrics: Option<PathBuf>,
    /// Judge the project as of this date (`YYYY-MM-DD`), over the
    /// manifest's `as-of`; default: the manifest's, else
    /// `SOURCE_DATE_EPOCH`'s UTC date, else today (UTC).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<jiff::civil::Date>,
}

#[derive(Debug, clap::Args)]
pub struct WatchArgs {
    /// The project folder, or a file or folder inside it.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The folder the site is written to, and rewritten on every change
    /// (relative to the working directory) [default: the manifest's
    /// `output`, else `site` in the project].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print only errors and a one-line summary (no warnings, no notes).
    #[arg(short, long)]
    pub quiet: bool,

    /// The folder of metrics CSVs (relative to the working directory);
    /// default: `metrics/` in the project, when it exists.
    #[arg(long, value_name = "DIR")]
    pub metrics: Option<PathBuf>,
    /// Judge the project as of this date (`YYYY-MM-DD`), over the
    /// manifest's `as-of`; default: the manifest's, else
    /// `SOURCE_DATE_EPOCH`'s UTC date, else today (UTC).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<jiff::civil::Date>,
    /// Poll for changes every MS milliseconds instead of relying on native
    /// events (Docker, WSL `/mnt/c`, network drives) [default: native
    /// events; `--poll` alone: 500].
    #[arg(long, value_name = "MS", num_args = 0..=1, default_missing_value = "500", require_equals = true)]
    pub poll: Option<u64>,
    /// How long to wait for a burst of changes to settle, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 20)]
    pub debounce: u64,
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub watch: WatchArgs,
    /// The port to serve on (0: any free port).
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// The address to bind; only this machine can connect by default. On a
    /// loopback address only requests for localhost, 127.0.0.1, `[::1]` or
    /// the address itself are answered (others: 421, against DNS
    /// rebinding); on any other address, requests for any host name are.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
}

#[derive(Debug, clap::Args)]
#[command(after_help = REVIEW_EXIT)]
pub struct ReviewArgs {
    /// The project folder, or a file or folder inside it.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Print only errors and a one-line summary (no warnings, no notes).
    #[arg(short, long)]
    pub quiet: bool,

    /// The folder of metrics CSVs (relative to the working directory);
    /// default: `metrics/` in the project, when it exists.
    #[arg(long, value_name = "DIR")]
    pub metrics: Option<PathBuf>,
    /// Judge the project as of this date (`YYYY-MM-DD`), over the
    /// manifest's `as-of`; default: the manifest's, else
    /// `SOURCE_DATE_EPOCH`'s UTC date, else today (UTC).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<jiff::civil::Date>,
    /// How to print the review.
    #[arg(long, value_enum, default_value_t = ReviewFormat::Text)]
    pub format: ReviewFormat,
    /// How far ahead the agenda looks: SLA reviews and holds to revisit
    /// due up to as-of plus this long are on it (a duration of the
    /// language: `90 days`, `3 months`, `6w`).
    #[arg(long, value_name = "DURATION", default_value = "90 days", value_parser = parse_duration)]
    pub horizon: crate::model::Duration,
    /// What changed since the last review: the decisions taken after DATE
    /// (YYYY-MM-DD) and the triggers that started firing after it.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub since: Option<jiff::civil::Date>,
    /// Exit with 1 when a trigger fired.
    #[arg(long)]
    pub fail_on_fired: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReviewFormat {
    /// Plain text for a terminal.
    Text,
    /// GitHub-flavoured Markdown with tables, for an issue or a board pack.
    Markdown,
    /// One JSON document (schemas/review.schema.json).
    Json,
}

#[derive(Debug, clap::Args)]
#[command(
    override_usage = "pmoc diff OLD NEW [OPTIONS]\n       pmoc diff --git REF [PATH] [OPTIONS]"
)]
pub struct DiffArgs {
    /// OLD and NEW: project folders (holding pmo.kdl, or a .kdl file inside
    /// one), catalog.json files (at most 32 MiB) or site folders pmoc wrote
    /// (holding its .pmoc-site marker). With `--git`, the one PATH of the
    /// project (default `.`).
    #[arg(value_names = ["OLD", "NEW"], num_args = 0..=2)]
    pub paths: Vec<PathBuf>,
    /// Compare the project in the working tree with its state at this git
    /// revision (read through `git`).
    #[arg(long, value_name = "REF")]
    pub git: Option<String>,
    /// How to print the changes.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Exit with 1 when a change weakens a promise.
    #[arg(long)]
    pub fail_on_weakened: bool,
    /// Compile both sides as of this date (`YYYY-MM-DD`), over their
    /// manifests' `as-of`; a `catalog.json` side keeps the as-of it was
    /// built with.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<jiff::civil::Date>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Plain text for a terminal.
    Text,
    /// GitHub-flavoured Markdown, for a pull-request comment or job summary.
    Markdown,
    /// One JSON document (schemas/diff.schema.json).
    Json,
}

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The folder to write into (made when missing); it must hold no
    /// `pmo.kdl`. Nothing is written if any file of the starter is in the
    /// way or a folder on the way is a link.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// What to export.
    #[arg(value_enum)]
    pub format: ExportFormat,
    /// The project folder, or a file or folder inside it.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Where to write (relative to the working directory): a folder for
    /// `csv` (required), a file for `backstage` and `ics` (default: stdout).
    /// A regular file is replaced whole (its mode and owner kept), a FIFO or
    /// character device written as a stream; anything else is refused.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// The folder of metrics CSVs (relative to the working directory);
    /// default: `metrics/` in the project, when it exists.
    #[arg(long, value_name = "DIR")]
    pub metrics: Option<PathBuf>,
    /// Judge the project as of this date (`YYYY-MM-DD`), over the
    /// manifest's `as-of`; default: the manifest's, else
    /// `SOURCE_DATE_EPOCH`'s UTC date, else today (UTC).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<jiff::civil::Date>,
    /// Print only errors and a one-line summary (no warnings, no notes).
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// One CSV table per file (services, SLA targets, decisions, triggers,
    /// customers, plans, capacity, change load, improvements, adoption),
    /// into the folder `--out`.
    Csv,
    /// Backstage catalog entities, one multi-document YAML file.
    Backstage,
    /// An iCalendar (RFC 5545) feed of the catalogue's dates.
    Ics,
}

#[derive(Debug, clap::Args)]
pub struct FmtArgs {
    /// The project folder, a folder inside it (its files alone) or one of
    /// its `.kdl` files.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Write nothing: list the files that would change, and exit 1 if any.
    #[arg(long)]
    pub check: bool,
    /// Write read-only files too (keeping their mode), and files with
    /// several hard links in place (keeping the links).
    #[arg(long)]
    pub force: bool,
}

/// A duration of the language (section 8 of the reference).
fn parse_duration(s: &str) -> Result<crate::model::Duration, String> {
    crate::lower::values::parse_duration(s)
        .ok_or_else(|| format!("`{s}` is not a duration: write `90 days`, `3 months` or `6w`"))
}

/// A site's base URL (`--base-url`), as the manifest's `base-url` takes it.
fn parse_base_url(s: &str) -> Result<String, String> {
    match crate::lower::values::base_url_problem(s) {
        None => Ok(s.to_string()),
        Some(why) => Err(format!(
            "`{s}` is not a base URL: {why}; write an absolute path such as `/` or `/repo/`, or a URL such as `https://pmo.example.org/`"
        )),
    }
}

/// A real calendar date, written `YYYY-MM-DD` (`--as-of`, `--since`).
fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    crate::lower::values::parse_date(s).map_err(|e| format!("`{s}` is not a date: {e}"))
}

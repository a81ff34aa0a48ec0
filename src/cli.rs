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
    /// Check a project and report every finding.
    Check(CheckArgs),
    /// Check a project, then write its documentation site and catalog.json.
    Build(BuildArgs),
    /// Print the JSON Schema of catalog.json.
    Schema,
    /// Explain a rule code: what it means, why it matters, a wrong and a right example.
    Explain {
        /// The code, e.g. `dependency-cycle`; without it, list every code.
        code: Option<String>,
    },
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The project folder, or a file or folder inside it.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// How to print the findings.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Treat warnings as errors.
    #[arg(long)]
    pub deny_warnings: bool,
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
    /// The output folder (relative to the working directory); default: the
    /// manifest's `output`, else `site` in the project.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

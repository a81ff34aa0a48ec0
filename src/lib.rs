//! `pmoc` compiles a PMO's service catalogue, written in KDL, into checked
//! diagnostics, a JSON catalog and a documentation site.
//!
//! The pipeline, each step a module:
//!
//! 1. [`discover`]: find the project root (`pmo.kdl`) and its `*.kdl` sources.
//! 2. [`syntax`]: parse each file as KDL; syntax errors are diagnostics, never panics.
//! 3. [`lower`]: each document into the typed [`model`], keeping spans; schema diagnostics.
//! 4. [`check`]: the model rules, one module per rule family; then
//!    [`metrics`]: the observations read and the model judged against them.
//! 5. [`catalog`]: the resolved catalogue (`catalog.json`), what the site,
//!    the exports and the reports read.
//! 6. [`emit`]: the renderers: diagnostics in human, short, JSON, GitHub and
//!    SARIF form, the site and the exports rendered from the catalog.
//! 7. [`engine`]: the site rendered from a compilation and published, once
//!    for `build` or round after round for `watch` and `serve` (with the file
//!    watcher and the dev server), keeping what the next round can reuse.
//!
//! Beside the pipeline, [`format`](mod@format) rewrites each file in its canonical
//! layout for `pmoc fmt`, after [`syntax`] has read it; [`files`] writes a
//! user's files (`fmt`'s rewrites, `export --out`, `init`) without losing an
//! edit, an owner, a mode, a link or a special file.
//!
//! Beside the engine, [`lsp`] is the language server of `pmoc lsp`: it
//! compiles the project of each edited file with the editor's unsaved texts
//! and answers from the model.
//!
//! Beside [`emit`], the reports over catalogues and compilations: [`review`]
//! is the operations review of `pmoc review`; [`diff`] compares two catalogs
//! for the reviewer of a change (`pmoc diff`).
//!
//! [`compile`] runs steps 1–4 once; the [`commands`] turn the command line
//! into calls to `compile` and the engine, and print.
//! Diagnostics are plain data ([`base::Diagnostic`]) until `emit` prints them;
//! what stops a command before it can judge the project is an [`Error`]
//! (the engine's, at the edge; each layer below has its own error type).
//! [`base`] is the vocabulary every step shares: spans, diagnostics, the
//! table of rule codes and the tables of entity kinds and references.

pub mod base;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod commands;
pub mod compile;
pub mod diff;
pub mod discover;
pub mod emit;
pub mod engine;
pub mod files;
pub mod format;
pub mod lower;
pub mod lsp;
pub mod metrics;
pub mod model;
pub mod review;
pub mod syntax;

use std::process::ExitCode;

use clap::Parser;

pub use engine::Error;

/// Runs the command line and returns the process's exit code.
pub fn run() -> ExitCode {
    let cli = cli::Cli::parse();
    match &cli.command {
        cli::Command::Check(args) => commands::check::run(args),
        cli::Command::Build(args) => commands::build::run(args),
        cli::Command::Watch(args) => commands::watch::run(args),
        cli::Command::Serve(args) => commands::serve::run(args),
        cli::Command::Review(args) => commands::review::run(args),
        cli::Command::Diff(args) => commands::diff::run(args),
        cli::Command::Init(args) => commands::init::run(args),
        cli::Command::Export(args) => commands::export::run(args),
        cli::Command::Fmt(args) => commands::fmt::run(args),
        cli::Command::Lsp => commands::lsp::run(),
        cli::Command::Schema => {
            print!("{}", catalog::schema());
            ExitCode::SUCCESS
        }
        cli::Command::Explain { code } => commands::explain::run(code.as_deref()),
    }
}

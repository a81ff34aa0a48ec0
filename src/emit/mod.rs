//! Renderers: diagnostics in every format of section 5 (`human` with miette,
//! `short`, `json`, `github`, `sarif`), the site ([`site`]) and the exports
//! ([`export`]), both rendered from the resolved [`crate::catalog`]. This
//! layer is the only one that prints with miette or writes SARIF or HTML;
//! the reports over catalogues ([`crate::review`], [`crate::diff`]) render
//! their own text and Markdown with its escaping ([`visible`],
//! [`escape_markdown`]); checks produce plain data.

pub mod export;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;
pub mod site;
pub mod visible;

use crate::base::{Diagnostic, Severity, SourceMap, Span};

/// A span as the outputs print it: file, 1-based line and column (in
/// characters), exclusive end.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Location {
    pub fn of(span: Span, sources: &SourceMap) -> Location {
        let (start, end) = sources.resolve(span);
        Location {
            file: sources.get(span.file).name.clone(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
        }
    }
}

/// A [`Diagnostic`] resolved to printable positions: what `--format json`
/// lists and what the live overlay of `pmoc serve` shows. Serialized as the
/// JSON output's entries: code, severity, message, location (flattened),
/// labels, help.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LocatedDiagnostic {
    /// A rule code, or `template` for a broken theme template.
    pub code: &'static str,
    #[serde(serialize_with = "severity_name")]
    pub severity: Severity,
    pub message: String,
    #[serde(flatten)]
    pub location: Location,
    pub labels: Vec<LocatedLabel>,
    pub help: Option<String>,
}

/// A diagnostic's secondary place, resolved.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LocatedLabel {
    pub message: String,
    #[serde(flatten)]
    pub location: Location,
}

impl LocatedDiagnostic {
    pub fn of(diagnostic: &Diagnostic, sources: &SourceMap) -> LocatedDiagnostic {
        LocatedDiagnostic {
            code: diagnostic.code.as_str(),
            severity: diagnostic.severity,
            message: diagnostic.message.clone(),
            location: Location::of(diagnostic.span, sources),
            labels: diagnostic
                .labels
                .iter()
                .map(|l| LocatedLabel {
                    message: l.message.clone(),
                    location: Location::of(l.span, sources),
                })
                .collect(),
            help: diagnostic.help.clone(),
        }
    }
}

fn severity_name<S: serde::Serializer>(severity: &Severity, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(severity.as_str())
}

/// The closing line on stderr: `2 errors, 1 warning in 14 files`.
pub fn summary(errors: usize, warnings: usize, files: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {} in {}",
        plural(errors, "error"),
        plural(warnings, "warning"),
        plural(files, "file")
    )
}

/// Backslash-escapes the characters Markdown could read as syntax, shows
/// control characters ([`visible::text`]), and keeps the text on one line
/// (a table cell cannot hold a line break): the review's and the diff's
/// Markdown.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in visible::text(text).chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '&' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

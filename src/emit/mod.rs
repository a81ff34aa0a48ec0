//! Outputs: diagnostics in every format of section 5. This layer is the only
//! one that knows about miette, JSON or SARIF; checks produce plain data.

pub mod catalog;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;
pub mod site;

use crate::base::{SourceMap, Span};

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

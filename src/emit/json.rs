//! `--format json`: the document of section 5, its entries
//! [`LocatedDiagnostic`]s.

use serde::Serialize;

use super::LocatedDiagnostic;
use crate::base::{Diagnostic, SourceMap};

#[derive(Serialize)]
struct Report {
    format_version: &'static str,
    valid: bool,
    error_count: usize,
    warning_count: usize,
    diagnostics: Vec<LocatedDiagnostic>,
}

pub fn render(diags: &[Diagnostic], sources: &SourceMap) -> String {
    use crate::base::{Severity, diag::count};
    let errors = count(diags, Severity::Error);
    let report = Report {
        format_version: "1",
        valid: errors == 0,
        error_count: errors,
        warning_count: count(diags, Severity::Warning),
        diagnostics: diags
            .iter()
            .map(|d| LocatedDiagnostic::of(d, sources))
            .collect(),
    };
    let mut out = serde_json::to_string_pretty(&report).expect("serializable");
    out.push('\n');
    out
}

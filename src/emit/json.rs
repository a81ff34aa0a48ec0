//! `--format json`: the document of section 5.

use serde::Serialize;

use super::Location;
use crate::base::{Diagnostic, SourceMap};

#[derive(Serialize)]
struct Report<'a> {
    format_version: &'static str,
    valid: bool,
    error_count: usize,
    warning_count: usize,
    diagnostics: Vec<Entry<'a>>,
}

#[derive(Serialize)]
struct Entry<'a> {
    code: &'static str,
    severity: &'static str,
    message: &'a str,
    #[serde(flatten)]
    location: Location,
    labels: Vec<LabelEntry<'a>>,
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct LabelEntry<'a> {
    message: &'a str,
    #[serde(flatten)]
    location: Location,
}

pub fn render(diags: &[Diagnostic], sources: &SourceMap) -> String {
    let errors = diags
        .iter()
        .filter(|d| d.severity == crate::base::Severity::Error)
        .count();
    let report = Report {
        format_version: "1",
        valid: errors == 0,
        error_count: errors,
        warning_count: diags.len() - errors,
        diagnostics: diags
            .iter()
            .map(|d| Entry {
                code: d.code.as_str(),
                severity: d.severity.as_str(),
                message: &d.message,
                location: Location::of(d.span, sources),
                labels: d
                    .labels
                    .iter()
                    .map(|l| LabelEntry {
                        message: &l.message,
                        location: Location::of(l.span, sources),
                    })
                    .collect(),
                help: d.help.as_deref(),
            })
            .collect(),
    };
    let mut out = serde_json::to_string_pretty(&report).expect("serializable");
    out.push('\n');
    out
}

//! `--format human` (rustc-like snippets, drawn by miette) and `--format
//! short` (one line per diagnostic).

use std::fmt;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

use super::Location;
use crate::base::{Diagnostic, Severity, SourceMap, Span};

/// Whether to colour: only on a terminal, and never with `NO_COLOR` set.
pub fn use_colour(is_terminal: bool) -> bool {
    is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// One diagnostic as miette sees it. Labels in another file become related
/// reports, each with its own source.
struct Report {
    message: String,
    code: &'static str,
    severity: miette::Severity,
    help: Option<String>,
    source: NamedSource<Arc<str>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(self.code) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        (!self.related.is_empty())
            .then(|| Box::new(self.related.iter().map(|r| r as &dyn miette::Diagnostic)) as Box<_>)
    }
}

fn source_span(span: Span) -> SourceSpan {
    SourceSpan::new(
        (span.start as usize).into(),
        (span.end - span.start) as usize,
    )
}

fn named(sources: &SourceMap, span: Span) -> NamedSource<Arc<str>> {
    let file = sources.get(span.file);
    NamedSource::new(&file.name, file.text.clone()).with_language("kdl")
}

fn report(d: &Diagnostic, sources: &SourceMap) -> Report {
    let mut labels = vec![LabeledSpan::new_primary_with_span(
        None,
        source_span(d.span),
    )];
    let mut related = Vec::new();
    for label in &d.labels {
        let labelled =
            LabeledSpan::new_with_span(Some(label.message.clone()), source_span(label.span));
        if label.span.file == d.span.file {
            labels.push(labelled);
        } else {
            related.push(Report {
                message: label.message.clone(),
                code: "",
                severity: miette::Severity::Advice,
                help: None,
                source: named(sources, label.span),
                labels: vec![labelled],
                related: Vec::new(),
            });
        }
    }
    Report {
        message: d.message.clone(),
        code: d.code.as_str(),
        severity: match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        },
        help: d.help.clone(),
        source: named(sources, d.span),
        labels,
        related,
    }
}

/// Every diagnostic as a rustc-like snippet.
pub fn render(diags: &[Diagnostic], sources: &SourceMap, colour: bool) -> String {
    let theme = if colour {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(100);
    let mut out = String::new();
    for d in diags {
        let _ = handler.render_report(&mut out, &report(d, sources));
        out.push('\n');
    }
    out
}

/// `path:line:col: severity[code]: message`, one line per diagnostic.
pub fn render_short(diags: &[Diagnostic], sources: &SourceMap) -> String {
    diags
        .iter()
        .map(|d| {
            let loc = Location::of(d.span, sources);
            format!(
                "{}:{}:{}: {}[{}]: {}\n",
                loc.file,
                loc.line,
                loc.column,
                d.severity.as_str(),
                d.code,
                d.message.replace('\n', " ")
            )
        })
        .collect()
}

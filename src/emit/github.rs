//! `--format github`: GitHub Actions workflow commands, and a Markdown table
//! of every diagnostic for the job summary.

use std::path::Path;

use super::Location;
use crate::base::{Diagnostic, Severity, SourceMap};

/// Escapes a command's message (`%`, CR, LF).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value (also `:` and `,`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// A file's path relative to the working directory, `/`-separated.
fn path_from_cwd(file: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let rel = cwd
        .as_deref()
        .and_then(|cwd| relative(file, cwd))
        .unwrap_or_else(|| file.to_path_buf());
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// `path` relative to `base` (both absolute), with `..` where needed.
fn relative(path: &Path, base: &Path) -> Option<std::path::PathBuf> {
    let path = std::fs::canonicalize(path).ok()?;
    let base = std::fs::canonicalize(base).ok()?;
    let common = path
        .components()
        .zip(base.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut rel = std::path::PathBuf::new();
    for _ in base.components().skip(common) {
        rel.push("..");
    }
    for c in path.components().skip(common) {
        rel.push(c);
    }
    Some(rel)
}

pub fn render(diags: &[Diagnostic], sources: &SourceMap) -> String {
    let mut out = String::new();
    for d in diags {
        let loc = Location::of(d.span, sources);
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        out.push_str(&format!(
            "::{kind} file={},line={},endLine={},col={},endColumn={},title={}::{}\n",
            escape_property(&path_from_cwd(&sources.get(d.span.file).path)),
            loc.line,
            loc.end_line,
            loc.column,
            loc.end_column,
            escape_property(d.code.as_str()),
            escape_data(&message),
        ));
    }
    out
}

/// The job summary: a Markdown table of every diagnostic.
pub fn summary_table(diags: &[Diagnostic], sources: &SourceMap, closing: &str) -> String {
    let cell = |s: &str| s.replace('|', "\\|").replace(['\n', '\r'], " ");
    let mut out = String::from("## pmoc check\n\n");
    if diags.is_empty() {
        out.push_str(&format!("No diagnostics ({closing}).\n"));
        return out;
    }
    out.push_str(&format!(
        "{closing}\n\n| Severity | Code | Location | Message |\n|---|---|---|---|\n"
    ));
    for d in diags {
        let loc = Location::of(d.span, sources);
        out.push_str(&format!(
            "| {} | `{}` | `{}:{}:{}` | {} |\n",
            d.severity.as_str(),
            d.code,
            cell(&loc.file),
            loc.line,
            loc.column,
            cell(&d.message)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}

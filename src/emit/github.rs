//! `--format github`: GitHub Actions workflow commands, and a Markdown table
//! of every diagnostic for the job summary.

use std::path::Path;

use super::{Location, visible};
use crate::base::{Diagnostic, Severity, SourceMap};

/// Escapes a command's message: `%`, CR and LF as GitHub's workflow
/// commands escape them, then any other control character shown
/// ([`visible::text`]).
fn escape_data(s: &str) -> String {
    let escaped = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    visible::text(&escaped).into_owned()
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

/// A note that points at no file (no observations read), as a `::notice`
/// workflow command.
pub fn notice(message: &str) -> String {
    format!("::notice title=pmoc::{}\n", escape_data(message))
}

/// Text for a cell of the job summary's Markdown table: HTML's special
/// characters as entities (raw HTML in a message shows as text), Markdown's
/// as backslash escapes, `|` so that it does not end the cell, line breaks
/// as blanks.
fn cell_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in visible::text(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\r' => out.push(' '),
            '\\' | '|' | '*' | '_' | '[' | ']' | '~' | '`' | '!' | '#' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A message for the table: its `code` spans (between backticks) as
/// `<code>`, everything escaped.
fn message_cell(message: &str) -> String {
    let parts: Vec<&str> = message.split('`').collect();
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        // An odd part follows an opening backtick: code if one closes it.
        if i % 2 == 1 && i + 1 < parts.len() {
            out.push_str("<code>");
            out.push_str(&cell_text(part));
            out.push_str("</code>");
        } else {
            if i % 2 == 1 {
                // A backtick that closes nothing is text.
                out.push_str("\\`");
            }
            out.push_str(&cell_text(part));
        }
    }
    out
}

/// The job summary: a Markdown table of every diagnostic, each at the path
/// its annotation names (relative to the working directory).
pub fn summary_table(diags: &[Diagnostic], sources: &SourceMap, closing: &str) -> String {
    let mut out = String::from("## pmoc check\n\n");
    if diags.is_empty() {
        out.push_str(&format!("No diagnostics ({}).\n", cell_text(closing)));
        return out;
    }
    out.push_str(&format!(
        "{}\n\n| Severity | Code | Location | Message |\n|---|---|---|---|\n",
        cell_text(closing)
    ));
    for d in diags {
        let loc = Location::of(d.span, sources);
        let path = path_from_cwd(&sources.get(d.span.file).path);
        out.push_str(&format!(
            "| {} | `{}` | <code>{}:{}:{}</code> | {} |\n",
            d.severity.as_str(),
            d.code,
            cell_text(&path),
            loc.line,
            loc.column,
            message_cell(&d.message)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_cells_show_html_as_text() {
        assert_eq!(
            message_cell("`<img src=x onerror=alert(1)>` is not a valid id | <b>x</b>"),
            "<code>&lt;img src=x onerror=alert(1)&gt;</code> is not a valid id \\| &lt;b&gt;x&lt;/b&gt;"
        );
        assert_eq!(message_cell("a `b` c"), "a <code>b</code> c");
        assert_eq!(message_cell("odd ` one"), "odd \\` one");
        assert_eq!(
            cell_text("[x](javascript:y)\n*"),
            "\\[x\\](javascript:y) \\*"
        );
    }

    #[test]
    fn escapes() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(
            escape_property("a\n::error file=pmo.kdl,line=1::F\x1b.kdl"),
            "a%0A%3A%3Aerror file=pmo.kdl%2Cline=1%3A%3AF␛.kdl"
        );
    }
}

//! `pmoc check --baseline FILE`: the warnings an earlier check found (its
//! `--format json` report), so that a pull request fails only on the
//! warnings it brings. A warning is matched by code, file and message, not
//! by line (an edit above it moves it); each entry of the baseline excuses
//! one warning, so a second copy of a known warning is new. Errors are never
//! excused.

use std::collections::HashMap;
use std::path::Path;

use crate::base::{Diagnostic, Severity, SourceMap};

/// What identifies a finding across two checks: code, file, message.
type Key = (String, String, String);

/// The warnings of an earlier check, each with how many times it was found.
#[derive(Debug, Default)]
pub(super) struct Baseline {
    known: HashMap<Key, usize>,
}

impl Baseline {
    /// Reads a `pmoc check --format json` report. What is not such a report
    /// is an error saying why (the command's exit 2).
    pub(super) fn read(path: &Path) -> Result<Baseline, String> {
        let shown = crate::emit::visible::line(&path.display().to_string()).into_owned();
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the baseline `{shown}`: {e}"))?;
        Baseline::parse(&text).map_err(|why| {
            format!("`{shown}` is not a baseline: {why} (write one with `pmoc check --format json > FILE`)")
        })
    }

    /// A baseline from the text of a JSON report.
    pub(super) fn parse(text: &str) -> Result<Baseline, &'static str> {
        let report: serde_json::Value = serde_json::from_str(text).map_err(|_| "it is not JSON")?;
        let diagnostics = report
            .get("diagnostics")
            .and_then(|d| d.as_array())
            .ok_or("it has no `diagnostics` list")?;
        let mut known: HashMap<Key, usize> = HashMap::new();
        for d in diagnostics {
            let field = |name: &str| d.get(name).and_then(|v| v.as_str());
            if field("severity") != Some("warning") {
                continue;
            }
            let (Some(code), Some(file), Some(message)) =
                (field("code"), field("file"), field("message"))
            else {
                return Err("a diagnostic lacks its `code`, `file` or `message`");
            };
            *known
                .entry((code.to_string(), file.to_string(), message.to_string()))
                .or_default() += 1;
        }
        Ok(Baseline { known })
    }

    /// `diagnostics` without the warnings the baseline holds, and how many
    /// were left out (as counted in the closing line).
    pub(super) fn filter(
        &self,
        diagnostics: &[Diagnostic],
        sources: &SourceMap,
    ) -> (Vec<Diagnostic>, usize) {
        let mut left = self.known.clone();
        let mut known = 0;
        let kept = diagnostics
            .iter()
            .filter(|d| {
                if d.severity != Severity::Warning {
                    return true;
                }
                let key = (
                    d.code.as_str().to_string(),
                    sources.get(d.span.file).name.clone(),
                    d.message.clone(),
                );
                match left.get_mut(&key) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        known += d.weight();
                        false
                    }
                    _ => true,
                }
            })
            .cloned()
            .collect();
        (kept, known)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::{Code, SourceFile, Span};

    fn report(entries: &[(&str, &str, &str, &str)]) -> String {
        let list: Vec<serde_json::Value> = entries
            .iter()
            .map(|(severity, code, file, message)| {
                serde_json::json!({
                    "severity": severity, "code": code, "file": file,
                    "message": message, "line": 1, "column": 1
                })
            })
            .collect();
        serde_json::json!({ "format_version": "1", "diagnostics": list }).to_string()
    }

    #[test]
    fn a_known_warning_is_left_out_wherever_its_line_and_once_each() {
        let mut sources = SourceMap::default();
        let a = sources.add(SourceFile::new("a.kdl".into(), "a".into(), "x\ny\n".into()));
        let warn = |at: usize, message: &str| {
            Diagnostic::new(Code::SlaReviewOverdue, Span::new(a, at, at + 1), message)
        };
        let mut error = warn(0, "late");
        error.severity = Severity::Error;
        let baseline = Baseline::parse(&report(&[
            ("warning", "sla-review-overdue", "a.kdl", "late"),
            ("error", "sla-review-overdue", "a.kdl", "late"),
        ]))
        .unwrap();
        let diags = vec![warn(2, "late"), warn(0, "late"), warn(0, "new"), error];
        let (kept, known) = baseline.filter(&diags, &sources);
        assert_eq!(known, 1);
        let kept: Vec<(&str, Severity)> = kept
            .iter()
            .map(|d| (d.message.as_str(), d.severity))
            .collect();
        assert_eq!(
            kept,
            [
                ("late", Severity::Warning),
                ("new", Severity::Warning),
                ("late", Severity::Error)
            ]
        );
    }

    #[test]
    fn what_is_not_a_report_is_refused() {
        for text in [
            "",
            "[]",
            "{\"diagnostics\": 3}",
            "{\"diagnostics\": [{\"severity\": \"warning\"}]}",
        ] {
            assert!(Baseline::parse(text).is_err(), "{text}");
        }
        assert!(Baseline::parse(&report(&[])).is_ok());
    }
}

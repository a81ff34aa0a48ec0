//! What `watch` and `serve` print of the engine's rounds ([`Event`]): the
//! first round's findings in full; after it, only what changed (the new
//! findings in full, the fixed ones a line each) and one status line per
//! round with the counts. Quiet, errors and the status lines only.
//!
//! A finding is the same from one round to the next when its severity,
//! code, file and message are: an edit above it that moves it to another
//! line does not make it new.

use std::collections::HashMap;
use std::io::IsTerminal;

use super::Voice;
use crate::base::{Diagnostic, Severity};
use crate::compile::Compiled;
use crate::emit::{self, visible::line};
use crate::engine::{Event, Rebuilt, Reporter};

/// What identifies a finding across rounds.
type Key = (Severity, &'static str, String, String);

/// The reporter of `watch` and `serve`, printing on stderr.
pub(super) fn reporter(voice: Voice) -> Reporter {
    let mut teller = Teller::new(voice);
    Box::new(move |event| eprint!("{}", teller.tell(event)))
}

/// The printer's memory between rounds.
struct Teller {
    voice: Voice,
    colour: bool,
    /// The last compilation's findings: each key with the short line of
    /// each of its findings (none before the first round).
    last: Option<HashMap<Key, Vec<String>>>,
    /// The counts of this round, for its status line.
    counts: String,
}

impl Teller {
    fn new(voice: Voice) -> Teller {
        Teller {
            voice,
            colour: emit::human::use_colour(std::io::stderr().is_terminal()),
            last: None,
            counts: String::new(),
        }
    }

    /// What to print for `event`.
    fn tell(&mut self, event: Event<'_>) -> String {
        match event {
            Event::Compiled(compiled) => self.compiled(compiled),
            Event::Rebuilt(rebuilt) => format!("{}; {}\n", rebuilt_line(&rebuilt), self.counts),
            Event::Failed { errors, keeping } => format!(
                "{errors} error{}; {keeping}{}\n",
                if errors == 1 { "" } else { "s" },
                if self.counts.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", self.counts)
                }
            ),
            Event::Error(message) => format!("error: {}\n", line(&message)),
            Event::Warning(message) => format!("warning: {}\n", line(&message)),
            Event::Waiting(manifest) => format!(
                "waiting for `{}` to come back\n",
                line(&manifest.display().to_string())
            ),
        }
    }

    /// A round's findings: all of them the first time, then what changed.
    fn compiled(&mut self, compiled: &Compiled) -> String {
        let diags = &compiled.diagnostics;
        let sources = &compiled.sources;
        let mut now: HashMap<Key, Vec<String>> = HashMap::new();
        let mut new: Vec<Diagnostic> = Vec::new();
        for d in diags {
            let key = (
                d.severity,
                d.code.as_str(),
                sources.get(d.span.file).name.clone(),
                d.message.clone(),
            );
            let short =
                emit::human::render_short_in(std::slice::from_ref(d), sources, &self.voice.folder);
            let seen = now.entry(key.clone()).or_default();
            seen.push(short);
            let before = self
                .last
                .as_ref()
                .map_or(0, |last| last.get(&key).map_or(0, Vec::len));
            if self.last.is_none() || seen.len() > before {
                new.push(d.clone());
            }
        }
        let first = self.last.is_none();
        let mut fixed: Vec<String> = Vec::new();
        if let Some(last) = &self.last {
            for (key, lines) in last {
                let still = now.get(key).map_or(0, Vec::len);
                fixed.extend(lines.iter().skip(still).cloned());
            }
        }
        fixed.sort();
        let shown: Vec<Diagnostic> = new
            .iter()
            .filter(|d| !self.voice.quiet || d.severity == Severity::Error)
            .cloned()
            .collect();
        let mut out = emit::human::render_in(&shown, sources, self.colour, &self.voice.folder);
        if !self.voice.quiet {
            for f in &fixed {
                out.push_str(&format!("fixed: {f}"));
            }
        }
        let errors = compiled.error_count();
        let warnings = compiled.warning_count();
        self.counts = emit::summary(errors, warnings, sources.len());
        if !first && (!new.is_empty() || !fixed.is_empty()) {
            self.counts
                .push_str(&format!(" ({} new, {} fixed)", new.len(), fixed.len()));
        }
        self.last = Some(now);
        out
    }
}

/// The status line of a round that wrote its site.
fn rebuilt_line(r: &Rebuilt) -> String {
    let parsed = if r.parsed == r.kdl_files {
        format!("{} KDL files parsed", r.kdl_files)
    } else {
        format!("{} of {} KDL files parsed again", r.parsed, r.kdl_files)
    };
    format!(
        "rebuilt {} of {} pages in {} ms ({} files written, {parsed})",
        r.changed_pages, r.pages, r.millis, r.files_written
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The status line counts KDL files: all of them parsed on the first
    /// round is said so, not "15 of 19" (the CSVs are sources too).
    #[test]
    fn the_status_line_counts_kdl_files() {
        let mut r = Rebuilt {
            changed_pages: 63,
            pages: 63,
            files_written: 80,
            parsed: 15,
            kdl_files: 15,
            millis: 40,
        };
        assert_eq!(
            rebuilt_line(&r),
            "rebuilt 63 of 63 pages in 40 ms (80 files written, 15 KDL files parsed)"
        );
        r.parsed = 1;
        assert!(rebuilt_line(&r).ends_with("(80 files written, 1 of 15 KDL files parsed again)"));
    }
}

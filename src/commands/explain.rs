//! `pmoc explain CODE`: the reference page of a rule code.

use std::process::ExitCode;

use crate::base::Code;
use crate::base::diag::did_you_mean;

pub fn run(code: Option<&str>) -> ExitCode {
    let Some(name) = code else {
        print!("{}", list(width()));
        return ExitCode::SUCCESS;
    };
    match Code::from_name(name) {
        Some(code) => {
            print!("{}", code.doc());
            ExitCode::SUCCESS
        }
        None => {
            let hint = did_you_mean(name, Code::ALL.iter().map(|c| c.as_str()))
                .map(|h| format!("{h}\n"))
                .unwrap_or_default();
            let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
            eprintln!(
                "error: `{name}` is not a rule code\n{hint}valid codes: {}",
                codes.join(", ")
            );
            ExitCode::from(2)
        }
    }
}

/// The column the summaries start at.
const SUMMARY_AT: usize = 29;

/// The list of codes: each code, then its summary wrapped at blanks to
/// `width` columns, its later lines indented to the summary's column.
fn list(width: usize) -> String {
    let indent = " ".repeat(SUMMARY_AT);
    let options = textwrap::Options::new(width.max(SUMMARY_AT + 20))
        .subsequent_indent(&indent)
        .break_words(false)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .word_separator(textwrap::WordSeparator::AsciiSpace);
    let mut out = String::new();
    for code in Code::ALL {
        // The summary is a paragraph of the page: its line breaks are blanks.
        let summary: Vec<&str> = code.summary().split_whitespace().collect();
        let line = format!("{:<28} {}", code.as_str(), summary.join(" "));
        for wrapped in textwrap::wrap(&line, &options) {
            out.push_str(&wrapped);
            out.push('\n');
        }
    }
    out
}

/// The terminal's width from `COLUMNS`, else 100.
fn width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&c: &usize| c > 0)
        .unwrap_or(100)
}

#[cfg(test)]
mod tests {
    #[test]
    fn wrapped_summaries_continue_at_their_column() {
        let out = super::list(60);
        let mut continued = 0;
        for line in out.lines() {
            assert!(
                line.chars().count() <= 60 || !line.trim().contains(' '),
                "{line}"
            );
            if line.starts_with(' ') {
                continued += 1;
                assert!(line.starts_with(&" ".repeat(super::SUMMARY_AT)), "{line:?}");
                assert_ne!(line.as_bytes()[super::SUMMARY_AT], b' ', "{line:?}");
            }
        }
        assert!(continued > 0, "{out}");
        // Each entry is its summary, whole, its lines filled.
        for entry in out
            .split('\n')
            .filter(|l| !l.starts_with(' ') && !l.is_empty())
        {
            let code = entry.split(' ').next().unwrap();
            let summary = crate::base::Code::from_name(code).unwrap().summary();
            let words: Vec<&str> = summary.split_whitespace().collect();
            let at = out.find(entry).unwrap();
            let shown: Vec<&str> = out[at..]
                .lines()
                .enumerate()
                .take_while(|(i, l)| *i == 0 || l.starts_with(' '))
                .flat_map(|(_, l)| l.split_whitespace())
                .skip(1)
                .collect();
            assert_eq!(shown, words, "{code}");
        }
    }
}

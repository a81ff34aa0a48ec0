//! Diagnostics as plain data. Checks produce [`Diagnostic`] values; only the
//! `emit` layer turns them into text, JSON, SARIF or miette reports.
//!
//! A diagnostic may carry a [`Fix`]: replacements in the sources that
//! resolve it (a did-you-mean, a missing field inserted), for the language
//! server's quick fixes. No output format prints it; its words are already
//! in `help`.

use super::{Code, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A secondary place that matters to a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One diagnostic: a code, where it is, what it means and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    /// The change that resolves it, when one is known for certain (boxed:
    /// most diagnostics have none, and a diagnostic is moved often).
    pub fix: Option<Box<Fix>>,
    /// For the "and N more" finding that closes a file's capped findings
    /// (a metrics CSV's, [`Diagnostic::more`]): the N findings it stands
    /// for; 0 for any other.
    pub more: usize,
}

/// A change to the sources that resolves a diagnostic, as rustc's
/// suggestions and ruff's fixes: what it does, in words, and its edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// What applying it does, e.g. "replace with `risk`".
    pub message: String,
    /// Non-overlapping replacements.
    pub edits: Vec<Edit>,
}

/// One replacement: `content` written over `span` (an insertion when the
/// span is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub content: String,
}

impl Edit {
    /// Writes `word` over the word `written` whose token is at `token`,
    /// keeping the token's form: a bare word is replaced (quoted when
    /// `word` cannot stand bare); in a double-quoted string without
    /// escapes, the text between the quotes is. The form is known from the
    /// lengths alone: an escape (KDL's `\n`, `\u{…}`, CSV's `""`) is always
    /// longer than what it stands for, so a token two bytes longer than its
    /// value is the value between two quotes, and a token as long as its
    /// value is the value itself. `None` for any other form (escapes, raw
    /// or multi-line strings) and for a word that would need escaping.
    pub fn word(token: Span, written: &str, word: &str) -> Option<Edit> {
        let len = (token.end as usize).checked_sub(token.start as usize)?;
        let quotable = !word.is_empty()
            && !word
                .chars()
                .any(|c| c == '"' || c == '\\' || c.is_control());
        if !quotable {
            return None;
        }
        if len == written.len() {
            let content = if is_plain_word(word) {
                word.to_string()
            } else {
                format!("\"{word}\"")
            };
            Some(Edit {
                span: token,
                content,
            })
        } else if len == written.len() + 2 {
            let span = Span {
                file: token.file,
                start: token.start + 1,
                end: token.end - 1,
            };
            Some(Edit {
                span,
                content: word.to_string(),
            })
        } else {
            None
        }
    }

    /// Inserts `content` at byte `at` of `span`'s file.
    pub fn insert(span: Span, at: usize, content: impl Into<String>) -> Edit {
        Edit {
            span: Span::new(span.file, at, at),
            content: content.into(),
        }
    }
}

/// A word that stands bare both as a KDL identifier (1.0 and 2.0) and as
/// a CSV cell: ASCII letters, digits, `-` and `_`, starting with a letter,
/// and none of KDL's keywords.
fn is_plain_word(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_alphabetic())
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && !matches!(word, "true" | "false" | "null" | "inf" | "nan")
}

impl Diagnostic {
    /// A diagnostic at its code's default severity.
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.default_severity(),
            message: message.into(),
            span,
            labels: Vec::new(),
            help: None,
            fix: None,
            more: 0,
        }
    }

    /// The finding that stands for `count` findings of one file not shown
    /// (past a cap), at the first of them.
    pub fn more(code: Code, first: Span, count: usize) -> Diagnostic {
        let plural = if count == 1 { "" } else { "s" };
        Diagnostic {
            more: count,
            ..Diagnostic::new(
                code,
                first,
                format!("and {count} more finding{plural} in this file, not shown"),
            )
        }
    }

    /// How many findings this one counts for: the findings an "and N
    /// more" finding stands for, else 1.
    pub fn weight(&self) -> usize {
        self.more.max(1)
    }

    pub fn label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn maybe_help(mut self, help: Option<String>) -> Diagnostic {
        self.help = help;
        self
    }

    pub fn fix(mut self, fix: Fix) -> Diagnostic {
        self.fix = Some(Box::new(fix));
        self
    }

    /// The did-you-mean of a misspelt word, from one call: the help "did you
    /// mean `x`?" for the candidate nearest to `written` ([`nearest`]), and
    /// the fix writing `x` over it at `token` ([`Edit::word`]). Nothing when
    /// no candidate is near.
    pub fn suggest<'a>(
        self,
        written: &str,
        token: Span,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Diagnostic {
        let Some(word) = nearest(written, candidates) else {
            return self;
        };
        let help = format!("did you mean `{word}`?");
        let fix = Edit::word(token, written, word).map(|edit| {
            Box::new(Fix {
                message: format!("replace with `{word}`"),
                edits: vec![edit],
            })
        });
        Diagnostic {
            help: Some(help),
            fix,
            ..self
        }
    }
}

/// How many findings of `severity` the diagnostics hold, those an "and N
/// more" finding stands for included.
pub fn count(diagnostics: &[Diagnostic], severity: Severity) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.severity == severity)
        .map(Diagnostic::weight)
        .sum()
}

/// The candidate nearest to `name`: within Levenshtein distance
/// max(1, ⌊len/3⌋), ties to the alphabetically first.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(name, c), c))
        .filter(|&(d, c)| d <= limit && c != name)
        .min()
        .map(|(_, c)| c)
}

/// "did you mean `x`?" for the [`nearest`] candidate to `name` (where no
/// source is to be fixed, e.g. a rule code on the command line; in a
/// source, [`Diagnostic::suggest`]).
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    nearest(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::{Code, FileId};

    fn span(start: usize, end: usize) -> Span {
        Span::new(FileId(0), start, end)
    }

    #[test]
    fn a_word_is_replaced_bare_or_between_its_quotes() {
        // `risks` bare at 10..15.
        let bare = Edit::word(span(10, 15), "risks", "risk").unwrap();
        assert_eq!((bare.span, bare.content.as_str()), (span(10, 15), "risk"));
        // `"risks"` at 10..17: the inside alone.
        let quoted = Edit::word(span(10, 17), "risks", "risk").unwrap();
        assert_eq!(
            (quoted.span, quoted.content.as_str()),
            (span(11, 16), "risk")
        );
        // A bare word that cannot stand bare is quoted.
        let spaced = Edit::word(span(0, 2), "ab", "a b").unwrap();
        assert_eq!(spaced.content, "\"a b\"");
        assert_eq!(
            Edit::word(span(0, 4), "true", "null").unwrap().content,
            "\"null\""
        );
        assert_eq!(
            Edit::word(span(0, 2), "ab", "2b").unwrap().content,
            "\"2b\""
        );
        // Escapes, raw strings: no edit; nor a word needing escapes.
        assert_eq!(Edit::word(span(0, 9), "risks", "risk"), None);
        assert_eq!(Edit::word(span(0, 7), "risks", "ri\"sk"), None);
        assert_eq!(Edit::word(span(0, 7), "risks", ""), None);
    }

    #[test]
    fn suggest_gives_the_help_and_the_fix_of_one_word() {
        let d = Diagnostic::new(Code::UnknownReference, span(3, 10), "x").suggest(
            "risks",
            span(3, 10),
            ["risk", "reporting"],
        );
        assert_eq!(d.help.as_deref(), Some("did you mean `risk`?"));
        let fix = d.fix.unwrap();
        assert_eq!(fix.message, "replace with `risk`");
        assert_eq!(
            fix.edits,
            vec![Edit {
                span: span(4, 9),
                content: "risk".into()
            }]
        );
        // Nothing near: neither.
        let d = Diagnostic::new(Code::UnknownReference, span(0, 2), "x").suggest(
            "ab",
            span(0, 2),
            ["xy"],
        );
        assert_eq!((d.help, d.fix), (None, None));
    }

    #[test]
    fn nearest_within_a_third_of_the_length() {
        assert_eq!(
            did_you_mean("risks", ["risk", "reporting"]).as_deref(),
            Some("did you mean `risk`?")
        );
        assert_eq!(did_you_mean("ab", ["xy"]), None);
        // ties go to the alphabetically first
        assert_eq!(
            did_you_mean("cat", ["cut", "bat"]).as_deref(),
            Some("did you mean `bat`?")
        );
    }
}

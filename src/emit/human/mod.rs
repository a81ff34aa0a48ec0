//! `--format human` (rustc-like snippets, drawn by miette) and `--format
//! short` (one line per diagnostic).
//!
//! Nothing of the user's text reaches the terminal unshown: messages, labels,
//! help and file names go through [`visible`](fn@visible), and miette draws its snippets
//! from an [`Excerpt`] (the labelled lines with hidden characters shown, long
//! lines cut to windows, every line break a `\n`), never from the file.
//!
//! A label in another file is a plain label in that file's snippet, under
//! the same diagnostic ([`Joined`]: the excerpts of several files as one
//! source). Prose wraps at blanks only: `2026-Q2` is never split at its
//! hyphen. File names are the project-relative names, after `folder` (the
//! project folder as the user typed it) when one is given.

mod excerpt;

use std::fmt;
use std::ops::Range;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan};

use super::Location;
use super::visible::{self, line, visible};
use crate::base::{Diagnostic, FileId, Severity, SourceMap};
use excerpt::{CONTEXT_LINES, Excerpt, Joined, folded};

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
    source: Joined,
    labels: Vec<LabeledSpan>,
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
}

/// A label before translation: where, what it says, whether primary.
struct Label {
    range: Range<usize>,
    message: Option<String>,
    primary: bool,
}

/// The excerpt of one file showing `labels`, and the labels in it. A label
/// over many lines is shown as its first and last line, its message on the
/// last.
fn excerpt(
    sources: &SourceMap,
    file: FileId,
    labels: Vec<Label>,
    folder: &str,
) -> (Excerpt, Vec<LabeledSpan>) {
    let file = sources.get(file);
    let mut parts = Vec::new();
    for label in labels {
        let folded = folded(file, label.range);
        let last = folded.len() - 1;
        for (i, range) in folded.into_iter().enumerate() {
            let message = (i == last).then(|| label.message.clone()).flatten();
            parts.push((range, message, label.primary && i == 0));
        }
    }
    let ranges: Vec<Range<usize>> = parts.iter().map(|p| p.0.clone()).collect();
    let (excerpt, spans) = Excerpt::new(
        file,
        line(&shown_name(folder, &file.name)).into_owned(),
        &ranges,
    );
    let labels = parts
        .into_iter()
        .zip(spans)
        .map(|((_, message, primary), span)| {
            let message = message.map(|m| visible(&m).into_owned());
            if primary {
                LabeledSpan::new_primary_with_span(message, span)
            } else {
                LabeledSpan::new_with_span(message, span)
            }
        })
        .collect();
    (excerpt, labels)
}

/// A file's name as human and short output print it: after the project
/// folder as typed (none: the project-relative name alone).
pub fn shown_name(folder: &str, name: &str) -> String {
    if folder.is_empty() || folder == "." || std::path::Path::new(name).is_absolute() {
        name.to_string()
    } else if folder.ends_with('/') {
        format!("{folder}{name}")
    } else {
        format!("{folder}/{name}")
    }
}

fn report(d: &Diagnostic, sources: &SourceMap, folder: &str) -> Report {
    // The labels of each file, the diagnostic's own file first.
    let mut files: Vec<(FileId, Vec<Label>)> = vec![(
        d.span.file,
        vec![Label {
            range: d.span.range(),
            message: None,
            primary: true,
        }],
    )];
    for label in &d.labels {
        let this = Label {
            range: label.span.range(),
            message: Some(label.message.clone()),
            primary: false,
        };
        match files.iter_mut().find(|(f, _)| *f == label.span.file) {
            Some((_, labels)) => labels.push(this),
            None => files.push((label.span.file, vec![this])),
        }
    }
    let mut source = Joined::default();
    let mut labels = Vec::new();
    for (file, file_labels) in files {
        let (excerpt, spans) = excerpt(sources, file, file_labels, folder);
        labels.extend(source.push(excerpt, spans));
    }
    Report {
        message: visible(&d.message).into_owned(),
        code: d.code.as_str(),
        severity: match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        },
        help: d.help.as_deref().map(|h| visible(h).into_owned()),
        source,
        labels,
    }
}

/// Every diagnostic as a rustc-like snippet, files named by their
/// project-relative names.
pub fn render(diags: &[Diagnostic], sources: &SourceMap, colour: bool) -> String {
    render_in(diags, sources, colour, "")
}

/// Every diagnostic as a rustc-like snippet, each file named after
/// `folder`, the project folder as the user typed it (`catalogue`, giving
/// `catalogue/services/risk.kdl`; empty or `.`: the project-relative name).
pub fn render_in(diags: &[Diagnostic], sources: &SourceMap, colour: bool, folder: &str) -> String {
    let theme = if colour {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(100)
        .with_context_lines(CONTEXT_LINES)
        // Prose wraps at blanks: never inside `2026-Q2` or an id.
        .with_break_words(false)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace);
    let mut out = String::new();
    for d in diags {
        let _ = handler.render_report(&mut out, &report(d, sources, folder));
        out.push('\n');
    }
    out
}

/// `path:line:col: severity[code]: message`, one line per diagnostic.
pub fn render_short(diags: &[Diagnostic], sources: &SourceMap) -> String {
    render_short_in(diags, sources, "")
}

/// [`render_short`] with each file named after `folder`, as [`render_in`].
pub fn render_short_in(diags: &[Diagnostic], sources: &SourceMap, folder: &str) -> String {
    diags
        .iter()
        .map(|d| {
            let loc = Location::of(d.span, sources);
            format!(
                "{}:{}:{}: {}[{}]: {}\n",
                line(&shown_name(folder, &loc.file)),
                loc.line,
                loc.column,
                d.severity.as_str(),
                d.code,
                visible(&d.message)
            )
        })
        .collect()
}

/// A report meant for a terminal (the review's and the diff's text) with
/// the project's control characters and bidirectional overrides shown, as
/// in diagnostics, never raw.
pub fn for_terminal(text: &str) -> std::borrow::Cow<'_, str> {
    visible::text(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::{Code, SourceFile, Span};

    /// One file, one diagnostic at the first occurrence of `at` (labelled at
    /// the first of `label`, if given), rendered without colour.
    fn rendered(text: &str, at: &str, label: Option<&str>) -> String {
        let mut sources = SourceMap::default();
        let file = sources.add(SourceFile::new("a.kdl".into(), "a.kdl".into(), text.into()));
        let span = |s: &str| {
            let start = text.find(s).expect("in the text");
            Span::new(file, start, start + s.len())
        };
        let mut d = Diagnostic::new(Code::UnknownProperty, span(at), "the message");
        if let Some(label) = label {
            d = d.label(span(label), "the label");
        }
        render(&[d], &sources, false)
    }

    /// The text above the first underline of a snippet, by terminal columns
    /// (the tests' emoji are two wide, everything else one).
    fn underlined(out: &str) -> String {
        let lines: Vec<&str> = out.lines().collect();
        let i = lines
            .iter()
            .position(|l| l.contains('─') && l.trim_start().starts_with('·'))
            .expect("an underline");
        let col = lines[i].chars().position(|c| c == '─').unwrap();
        let width = lines[i].chars().filter(|&c| c == '─' || c == '┬').count();
        let mut at = 0;
        let mut text = String::new();
        for c in lines[i - 1].chars() {
            if (col..col + width).contains(&at) {
                text.push(c);
            }
            at += if c >= '\u{1f000}' { 2 } else { 1 };
        }
        text
    }

    #[test]
    fn controls_in_a_comment_are_shown_not_sent() {
        let out = rendered(
            "// \x1b[31mred\x07 \u{9b}2J \u{202e}x\nperson \"c\" nme=\"C\"\n",
            "nme",
            None,
        );
        for raw in ['\x1b', '\x07', '\u{9b}', '\u{202e}'] {
            assert!(!out.contains(raw), "{raw:?} raw in {out}");
        }
        assert!(out.contains("// ␛[31mred␇ \\u{9b}2J \\u{202e}x"), "{out}");
        assert_eq!(underlined(&out), "nme");
    }

    #[test]
    fn a_label_after_controls_points_at_its_text() {
        let out = rendered("a \x1b\u{85}\u{2066} nme=1 /* \x07 */\n", "nme", None);
        assert_eq!(underlined(&out), "nme");
        assert!(out.contains("[a.kdl:1:7]"), "{out}");
    }

    #[test]
    fn accents_and_emoji_keep_the_label_on_its_text() {
        let out = rendered(
            "person \"é\" name=\"Ééé 😀\"\nperson \"f\" name=\"😀\" naem=\"é😀x\"\n",
            "naem",
            None,
        );
        assert_eq!(underlined(&out), "naem");
        assert!(out.contains("[a.kdl:2:21]"), "{out}");
    }

    #[test]
    fn a_long_line_is_cut_around_the_label() {
        let text = format!("a {} nme=1 {}\n", "é".repeat(100_000), "x".repeat(100_000));
        let out = rendered(&text, "nme", None);
        assert!(out.len() < 2000, "{} bytes", out.len());
        assert_eq!(underlined(&out), "nme");
        assert!(out.contains("[a.kdl:1:100004]"), "{out}");
        assert!(out.contains("…éé") && out.contains("xx…"), "{out}");
    }

    #[test]
    fn labels_far_apart_on_a_long_line_get_a_window_each() {
        let text = format!("one {} two {}\n", "y".repeat(50_000), "z".repeat(50_000));
        let out = rendered(&text, "two", Some("one"));
        assert!(out.len() < 2000, "{} bytes", out.len());
        assert!(out.contains(" one yyy") && out.contains("…yyy"), "{out}");
        assert!(out.contains("y two zzz") && out.contains("z…\n"), "{out}");
    }

    #[test]
    fn lone_cr_and_crlf_lines_are_numbered_as_everywhere() {
        for text in [
            "a\rb\rc \"C\"\rd\r",
            "a\r\nb\r\nc \"C\"\r\nd\r\n",
            "a\nb\r\nc \"C\"\rd",
        ] {
            let out = rendered(text, "\"C\"", None);
            assert!(out.contains("[a.kdl:3:3]"), "{out}");
            assert!(out.contains(" 2 │ b\n 3 │ c \"C\"\n"), "{out}");
            assert!(out.contains(" 4 │ d\n"), "{out}");
            assert!(!out.contains('\r'), "{out:?}");
            assert_eq!(underlined(&out), "\"C\"");
        }
    }

    #[test]
    fn a_label_over_many_lines_shows_its_ends() {
        let text = format!("x {{\n{}}}\n", "  a 1\n".repeat(10_000));
        let out = rendered(&text, &text[2..], None);
        assert!(out.lines().count() < 20, "{out}");
        assert!(out.contains("10002 │ }"), "{out}");
    }

    #[test]
    fn labels_far_apart_get_a_snippet_each_numbered_truly() {
        let text = format!("one\r{}two\r\nend\n", "x\r".repeat(500));
        let out = rendered(&text, "two", Some("one"));
        assert!(
            out.contains("[a.kdl:1:1]") && out.contains("[a.kdl:502:1]"),
            "{out}"
        );
        assert!(out.contains(" 501 │ x\n 502 │ two\n"), "{out}");
        assert!(out.contains(" 503 │ end\n"), "{out}");
        assert!(out.lines().count() < 20, "{out}");
    }

    #[test]
    fn a_label_in_another_file_is_shown_the_same_way() {
        let mut sources = SourceMap::default();
        let a = sources.add(SourceFile::new("a.kdl".into(), "a".into(), "x 1\n".into()));
        let text = format!("// \x1b[2J\r{} y 2\r", "z".repeat(10_000));
        let b = sources.add(SourceFile::new("b\x07.kdl".into(), "b".into(), text.into()));
        let d = Diagnostic::new(Code::KdlSyntax, Span::new(a, 0, 1), "here")
            .label(Span::new(b, 10_009, 10_010), "and \x1b there");
        let out = render(&[d], &sources, false);
        assert!(!out.contains('\x1b') && !out.contains('\x07'), "{out}");
        assert!(
            out.contains("[b␇.kdl:2:10002]") && out.contains("and ␛ there"),
            "{out}"
        );
        assert!(out.contains(" 1 │ // ␛[2J\n 2 │ …zzz"), "{out}");
        assert!(out.len() < 2000, "{out}");
    }

    /// A place in another file is a plain label in that file's snippet,
    /// under the one diagnostic: no "Advice" report of its own.
    #[test]
    fn a_place_in_another_file_is_a_plain_label() {
        let mut sources = SourceMap::default();
        let a = sources.add(SourceFile::new("a.kdl".into(), "a".into(), "x 1\n".into()));
        let b = sources.add(SourceFile::new("b.kdl".into(), "b".into(), "y 2\n".into()));
        let d = Diagnostic::new(Code::DuplicateId, Span::new(a, 0, 1), "declared twice")
            .label(Span::new(b, 0, 1), "first declared here")
            .help("rename one");
        let out = render_in(&[d], &sources, false, "cat");
        assert!(!out.contains("Advice") && !out.contains('☞'), "{out}");
        assert_eq!(out.matches("first declared here").count(), 1, "{out}");
        assert!(
            out.contains("[cat/a.kdl:1:1]") && out.contains("[cat/b.kdl:1:1]"),
            "{out}"
        );
        // The help closes the diagnostic, after every snippet.
        assert!(out.find("rename one") > out.find("[cat/b.kdl"), "{out}");
    }

    /// Prose wraps at blanks, never inside `2026-Q2` or an id.
    #[test]
    fn wrapping_never_splits_at_a_hyphen() {
        let mut sources = SourceMap::default();
        let a = sources.add(SourceFile::new("a.kdl".into(), "a".into(), "x 1\n".into()));
        for pad in 70..100 {
            let message = format!("{} 2026-Q2 `risk-dashboard-very-long`", "w".repeat(pad));
            let d = Diagnostic::new(Code::KdlSyntax, Span::new(a, 0, 1), message);
            let out = render(&[d], &sources, false);
            assert!(out.contains("2026-Q2"), "{out}");
            assert!(out.contains("`risk-dashboard-very-long`"), "{out}");
        }
    }

    #[test]
    fn a_label_at_the_end_after_a_break_is_still_marked() {
        for text in ["a\nservice {\n", "a\rservice {\r", "service {\r\n"] {
            let mut sources = SourceMap::default();
            let file = sources.add(SourceFile::new("a.kdl".into(), "a".into(), text.into()));
            let end = text.len();
            let d = Diagnostic::new(Code::KdlSyntax, Span::new(file, end, end), "eof")
                .label(Span::new(file, end, end), "here");
            let out = render(&[d], &sources, false);
            let line = text.matches(['\r', '\n']).count() - text.matches("\r\n").count() + 1;
            assert!(out.contains(&format!("[a.kdl:{line}:1]")), "{out}");
            assert!(
                out.contains("service {\n") && out.contains("╰── here"),
                "{out}"
            );
        }
    }

    /// Random texts of awkward pieces and random spans: rendering never
    /// panics, shows no hidden character, stays small, and its header is the
    /// line index's position.
    #[test]
    fn random_texts_and_spans_render_safely() {
        const PIECES: [&str; 12] = [
            "a", "é", "😀", "\t", "\n", "\r", "\r\n", "\x1b[1m", "\u{85}", "\u{202e}", " nme=1 ",
            "",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..400 {
            let mut text = String::new();
            for _ in 0..next(60) {
                let piece = PIECES[next(PIECES.len())];
                let times = if next(8) == 0 { 1 + next(400) } else { 1 };
                text.push_str(&piece.repeat(times));
            }
            let mut sources = SourceMap::default();
            let file = sources.add(SourceFile::new(
                "a.kdl".into(),
                "a".into(),
                text.as_str().into(),
            ));
            let mut span = || {
                let (a, b) = (next(text.len() + 2), next(text.len() + 2));
                Span::new(file, a.min(b), a.max(b))
            };
            let primary = span();
            let mut d = Diagnostic::new(Code::KdlSyntax, primary, "m");
            let first = render(std::slice::from_ref(&d), &sources, false);
            d = d.label(span(), "l").label(span(), "k");
            let both = render(std::slice::from_ref(&d), &sources, false);
            let coloured = render(&[d], &sources, true);
            for out in [&first, &both, &coloured] {
                assert!(
                    !out.chars().any(|c| visible::hidden(c) && c != '\x1b'),
                    "{text:?}: {out}"
                );
                assert!(out.len() < 20_000, "{text:?}: {} bytes", out.len());
            }
            assert!(
                !first.contains('\x1b') && !both.contains('\x1b'),
                "{text:?}: {both}"
            );
            let at = sources.get(file).line_col(primary.start as usize);
            assert!(
                first.contains(&format!("[a.kdl:{}:{}]", at.line, at.column)),
                "{text:?} {primary:?}: {first}"
            );
        }
    }

    #[test]
    fn short_output_shows_controls() {
        let mut sources = SourceMap::default();
        let file = sources.add(SourceFile::new("a\x1b.kdl".into(), "a".into(), "x".into()));
        let d = Diagnostic::new(
            Code::KdlSyntax,
            Span::new(file, 0, 1),
            "bad \x1b]0;t\x07\r\nx",
        );
        let out = render_short(&[d], &sources);
        assert_eq!(out, "a␛.kdl:1:1: error[kdl-syntax]: bad ␛]0;t␇␍␊x\n");
    }
}

//! The part of a file that one diagnostic shows, made safe to print: the
//! lines of its labels with [`CONTEXT_LINES`] around them, every line break
//! (CRLF, LF, lone CR) written as `\n`, hidden characters shown
//! ([`crate::emit::visible`]), and a line longer than [`LONG_LINE`] characters cut
//! to windows around the labels' ends, `…` standing for what is left out.
//!
//! [`Excerpt`] is the [`miette::SourceCode`] the snippets are drawn from.
//! Label spans are translated into it by a monotone map of pieces (original
//! bytes → excerpt bytes), and it answers miette with the true line and
//! column from pmoc's line index ([`SourceFile::line_col`]), so the gutter
//! and the `[file:line:col]` header agree with every other output however the
//! excerpt was cut.

use std::ops::Range;

use miette::{LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::base::SourceFile;
use crate::emit::visible::{hidden, push_shown};

/// Lines shown around a label: miette's default, which `render` keeps.
pub(super) const CONTEXT_LINES: usize = 1;
/// A line of more characters than this is cut to windows around the labels.
const LONG_LINE: usize = 120;
/// Characters kept before and after a label's start.
const AROUND_START: (usize, usize) = (40, 60);
/// Characters kept before and after a label's end.
const AROUND_END: (usize, usize) = (20, 40);
/// A label over more lines than this is shown as its first and last lines.
const FOLD_LINES: usize = 8;
/// Labels whose context lines are at most this many lines apart share one
/// snippet, the lines between shown.
const JOIN_GAP: usize = 4;

/// Original bytes `from` shown as excerpt bytes `to`, copied byte for byte
/// when `verbatim`, else replaced (a line break, a hidden character, a cut).
#[derive(Debug, Clone)]
struct Piece {
    from: Range<usize>,
    to: Range<usize>,
    verbatim: bool,
}

/// A line of the excerpt: where it starts in it, its true line (from 0), and
/// the run of consecutive true lines it belongs to.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    line: usize,
    run: usize,
}

/// One file's excerpt for one diagnostic.
#[derive(Debug)]
pub(super) struct Excerpt {
    name: String,
    text: String,
    pieces: Vec<Piece>,
    lines: Vec<Line>,
    /// Every label's start in the excerpt with its true line and column
    /// (from 0), for the header.
    starts: Vec<(usize, usize, usize)>,
}

impl Excerpt {
    /// The excerpt of `file` showing `spans` (byte ranges), and the spans
    /// translated into it.
    pub(super) fn new(
        file: &SourceFile,
        name: String,
        spans: &[Range<usize>],
    ) -> (Self, Vec<SourceSpan>) {
        let text = &*file.text;
        let spans: Vec<Range<usize>> = spans.iter().map(|r| clamp(text, r)).collect();
        let mut builder = Builder {
            text,
            out: String::new(),
            pieces: Vec::new(),
            lines: Vec::new(),
        };
        for (run, lines) in runs(file, &spans).into_iter().enumerate() {
            for line in lines {
                builder.line(file, line, run, &spans);
            }
        }
        let mut excerpt = Excerpt {
            name,
            text: builder.out,
            pieces: builder.pieces,
            lines: builder.lines,
            starts: Vec::new(),
        };
        let translated = spans
            .iter()
            .map(|r| {
                let mut start = excerpt.map_start(r.start);
                let mut end = excerpt.map_end(r.end).max(start);
                if start == excerpt.text.len() && excerpt.text.ends_with('\n') {
                    // miette draws no line after the last break: a span at
                    // the very end is marked at the end of the last line.
                    start -= 1;
                    end = start;
                }
                let at = file.line_col(r.start);
                excerpt.starts.push((start, at.line - 1, at.column - 1));
                SourceSpan::new(start.into(), end - start)
            })
            .collect();
        (excerpt, translated)
    }

    /// Where an original offset that starts a span is in the excerpt: a
    /// replaced piece is included whole.
    fn map_start(&self, offset: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.from.start <= offset);
        match i.checked_sub(1).map(|i| &self.pieces[i]) {
            None => 0,
            Some(p) if offset >= p.from.end => p.to.end,
            Some(p) if p.verbatim => p.to.start + (offset - p.from.start),
            Some(p) => p.to.start,
        }
    }

    /// Where an original offset that ends a span is in the excerpt.
    fn map_end(&self, offset: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.from.start < offset);
        match i.checked_sub(1).map(|i| &self.pieces[i]) {
            None => 0,
            Some(p) if offset > p.from.end => p.to.end,
            Some(p) if p.verbatim => p.to.start + (offset - p.from.start),
            Some(p) => p.to.end,
        }
    }

    /// The excerpt line holding an excerpt offset.
    fn line_of(&self, offset: usize) -> usize {
        self.lines
            .partition_point(|l| l.start <= offset)
            .saturating_sub(1)
    }

    /// True line and column (from 0) of an excerpt offset: exact at a
    /// label's start, else counted in the excerpt line.
    fn position(&self, offset: usize) -> (usize, usize) {
        if let Some(&(_, line, column)) = self.starts.iter().find(|s| s.0 == offset) {
            return (line, column);
        }
        let line = self.lines[self.line_of(offset)];
        let column = self.text[line.start..offset].chars().count();
        (line.line, column)
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let (start, end) = (span.offset(), span.offset() + span.len());
        if end > self.text.len() || self.lines.is_empty() || !self.text.is_char_boundary(start) {
            return Err(MietteError::OutOfBounds);
        }
        let first = self.line_of(start);
        let last = self.line_of(end.saturating_sub(1).max(start)).max(first);
        let run = self.lines[first].run;
        let in_run = |i: &usize| self.lines[*i].run == run;
        let from = (first.saturating_sub(before)..=first)
            .find(in_run)
            .unwrap_or(first);
        let to = (last..=last + after)
            .take_while(|i| *i < self.lines.len())
            .filter(in_run)
            .last()
            .unwrap_or(last);
        let data_end = self.lines.get(to + 1).map_or(self.text.len(), |l| l.start);
        // miette joins two labels' snippets when the first's line count
        // reaches the second: counting to the end of the run joins exactly
        // the labels of one run.
        let run_end = (to..self.lines.len())
            .take_while(in_run)
            .last()
            .unwrap_or(to);
        let (data_start, (line, column)) = if before == 0 {
            (start, self.position(start))
        } else {
            let l = self.lines[from];
            (l.start, (l.line, 0))
        };
        let contents = MietteSpanContents::new_named(
            self.name.clone(),
            &self.text.as_bytes()[data_start..data_end],
            SourceSpan::new(data_start.into(), data_end - data_start),
            line,
            column,
            run_end - from + 1,
        );
        Ok(Box::new(contents.with_language("kdl")))
    }
}

/// The excerpts of several files as one source for one diagnostic: each
/// placed after the last with a byte of gap, so that no snippet of miette
/// spans two files (a span that would is out of bounds), and each snippet
/// keeps its own file's name in its header.
#[derive(Debug, Default)]
pub(super) struct Joined {
    /// Each excerpt and where it starts.
    parts: Vec<(usize, Excerpt)>,
    len: usize,
}

impl Joined {
    /// Adds `excerpt`; returns its labels `spans` as labels of the whole.
    pub(super) fn push(&mut self, excerpt: Excerpt, spans: Vec<LabeledSpan>) -> Vec<LabeledSpan> {
        let base = self.len;
        self.len += excerpt.text.len() + 1;
        self.parts.push((base, excerpt));
        spans
            .into_iter()
            .map(|l| {
                let at = SourceSpan::new((l.inner().offset() + base).into(), l.inner().len());
                let label = l.label().map(String::from);
                if l.primary() {
                    LabeledSpan::new_primary_with_span(label, at)
                } else {
                    LabeledSpan::new_with_span(label, at)
                }
            })
            .collect()
    }
}

impl SourceCode for Joined {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let i = self
            .parts
            .partition_point(|(base, _)| *base <= span.offset());
        let (base, part) = i
            .checked_sub(1)
            .map(|i| &self.parts[i])
            .ok_or(MietteError::OutOfBounds)?;
        let inner = part.read_span(
            &SourceSpan::new((span.offset() - base).into(), span.len()),
            before,
            after,
        )?;
        let at = inner.span();
        let contents = MietteSpanContents::new_named(
            inner.name().unwrap_or_default().to_string(),
            inner.data(),
            SourceSpan::new((at.offset() + base).into(), at.len()),
            inner.line(),
            inner.column(),
            inner.line_count(),
        );
        Ok(Box::new(contents.with_language("kdl")))
    }
}

/// A byte range inside the text, on character boundaries.
fn clamp(text: &str, r: &Range<usize>) -> Range<usize> {
    let floor = |mut o: usize| {
        o = o.min(text.len());
        while !text.is_char_boundary(o) {
            o -= 1;
        }
        o
    };
    let start = floor(r.start);
    start..floor(r.end).max(start)
}

/// The true lines to show, as runs of consecutive lines: every label's lines
/// with their context, a gap of more than [`JOIN_GAP`] lines between two runs.
fn runs(file: &SourceFile, spans: &[Range<usize>]) -> Vec<Range<usize>> {
    let lines = file.line_starts().len();
    let mut wanted: Vec<Range<usize>> = spans
        .iter()
        .map(|r| {
            let (first, last) = lines_of(file, r);
            first.saturating_sub(CONTEXT_LINES)..(last + CONTEXT_LINES + 1).min(lines)
        })
        .collect();
    wanted.sort_by_key(|r| r.start);
    let mut runs: Vec<Range<usize>> = Vec::new();
    for r in wanted {
        match runs.last_mut() {
            Some(last) if r.start <= last.end + JOIN_GAP => last.end = last.end.max(r.end),
            _ => runs.push(r),
        }
    }
    runs
}

/// The first and last true line (from 0) of a span.
fn lines_of(file: &SourceFile, r: &Range<usize>) -> (usize, usize) {
    let first = file.line_index(r.start);
    let last = file.line_index(r.end.saturating_sub(1).max(r.start));
    (first, last.max(first))
}

/// A span over more than [`FOLD_LINES`] lines as its first line and its last
/// line (two spans), so that a label never shows a file whole; any other
/// span as it is.
pub(super) fn folded(file: &SourceFile, r: Range<usize>) -> Vec<Range<usize>> {
    let r = clamp(&file.text, &r);
    let (first, last) = lines_of(file, &r);
    if last - first < FOLD_LINES {
        return vec![r];
    }
    let starts = file.line_starts();
    let first_end = content_end(&file.text, starts[first + 1]);
    vec![r.start..first_end, starts[last].max(r.start)..r.end]
}

/// Where a line's text ends, given where the next line starts.
fn content_end(text: &str, next: usize) -> usize {
    let before = &text[..next];
    if before.ends_with("\r\n") {
        next - 2
    } else if before.ends_with('\n') || before.ends_with('\r') {
        next - 1
    } else {
        next
    }
}

struct Builder<'t> {
    text: &'t str,
    out: String,
    pieces: Vec<Piece>,
    lines: Vec<Line>,
}

impl Builder<'_> {
    /// Appends one true line: its text (cut if long) and its break as `\n`.
    fn line(&mut self, file: &SourceFile, line: usize, run: usize, spans: &[Range<usize>]) {
        let starts = file.line_starts();
        let start = starts[line];
        let next = starts.get(line + 1).copied().unwrap_or(self.text.len());
        let end = if line + 1 < starts.len() {
            content_end(self.text, next)
        } else {
            next
        };
        self.lines.push(Line {
            start: self.out.len(),
            line,
            run,
        });
        let content = &self.text[start..end];
        if content.len() <= LONG_LINE || content.chars().take(LONG_LINE + 1).count() <= LONG_LINE {
            self.shown(start..end);
        } else {
            let mut at = start;
            for window in windows(self.text, start..end, spans) {
                if window.start > at {
                    self.replaced(at..window.start, "…");
                }
                self.shown(window.clone());
                at = window.end;
            }
            if at < end {
                self.replaced(at..end, "…");
            }
        }
        if next > end {
            self.replaced(end..next, "\n");
        }
    }

    /// Appends original text, its hidden characters shown.
    fn shown(&mut self, range: Range<usize>) {
        let mut verbatim = range.start;
        for (i, c) in self.text[range.clone()].char_indices() {
            if hidden(c) {
                let at = range.start + i;
                self.verbatim(verbatim..at);
                let mut shown = String::new();
                push_shown(&mut shown, c);
                self.replaced(at..at + c.len_utf8(), &shown);
                verbatim = at + c.len_utf8();
            }
        }
        self.verbatim(verbatim..range.end);
    }

    fn verbatim(&mut self, from: Range<usize>) {
        if from.is_empty() {
            return;
        }
        let start = self.out.len();
        self.out.push_str(&self.text[from.clone()]);
        self.pieces.push(Piece {
            from,
            to: start..self.out.len(),
            verbatim: true,
        });
    }

    fn replaced(&mut self, from: Range<usize>, by: &str) {
        let start = self.out.len();
        self.out.push_str(by);
        self.pieces.push(Piece {
            from,
            to: start..self.out.len(),
            verbatim: false,
        });
    }
}

/// The parts of a long line to show: windows around every label start and
/// end on it (or its beginning, when none is), merged where they meet.
fn windows(text: &str, line: Range<usize>, spans: &[Range<usize>]) -> Vec<Range<usize>> {
    let on_line = |o: usize| line.start <= o && o <= line.end;
    let mut windows = Vec::new();
    for r in spans {
        if on_line(r.start) {
            windows.push(around(text, &line, r.start, AROUND_START));
        }
        if on_line(r.end) && r.end > r.start {
            windows.push(around(text, &line, r.end, AROUND_END));
        }
    }
    if windows.is_empty() {
        windows.push(around(
            text,
            &line,
            line.start,
            (0, AROUND_START.0 + AROUND_START.1),
        ));
    }
    windows.sort_by_key(|w| w.start);
    let mut merged: Vec<Range<usize>> = Vec::new();
    for w in windows {
        match merged.last_mut() {
            Some(last) if w.start <= last.end => last.end = last.end.max(w.end),
            _ => merged.push(w),
        }
    }
    merged
}

/// `before` characters before `at` to `after` characters after it, inside
/// the line.
fn around(
    text: &str,
    line: &Range<usize>,
    at: usize,
    (before, after): (usize, usize),
) -> Range<usize> {
    let start = text[line.start..at]
        .char_indices()
        .rev()
        .take(before)
        .last()
        .map_or(at, |(i, _)| line.start + i);
    let end = text[at..line.end]
        .char_indices()
        .nth(after)
        .map_or(line.end, |(i, _)| at + i);
    start..end
}

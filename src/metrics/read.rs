//! Reading observations: every `*.csv` below the metrics folder, with the
//! `csv` crate, each bad cell a `metrics-csv` diagnostic at its file, line
//! and column. Files are read in parallel; their rows are then joined in
//! file order, so the later of two rows for the same period, service and
//! metric is the one reported.

use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::period::PeriodKey;
use super::{Observations, Sample};
use crate::base::diag::{Edit, Fix, nearest};
use crate::base::{Code, Diagnostic, FileId, SourceFile, SourceMap, Span};
use crate::discover::{self, Bounds};
use crate::model::{Metric, Model};

/// The columns pmoc reads; any other column is ignored.
const REQUIRED: [&str; 4] = ["period", "service", "metric", "value"];
const OPTIONAL: [&str; 2] = ["n", "source"];

/// Files larger than this are refused (a year of monthly observations for
/// 20,000 services and three metrics is about 30 MiB).
pub const MAX_CSV_BYTES: u64 = 256 * 1024 * 1024;

/// The most findings shown for one file; the rest are counted in one "and
/// N more" finding ([`Diagnostic::more`]), so a flood of bad rows costs no
/// memory per row.
pub const MAX_FINDINGS: usize = 100;

/// One file's findings, in file order: the first [`MAX_FINDINGS`] kept,
/// the rest counted, with where the first of them is.
#[derive(Default)]
struct Findings {
    kept: Vec<Diagnostic>,
    more: usize,
    first_more: Option<Span>,
}

impl Findings {
    fn push(&mut self, diagnostic: Diagnostic) {
        if self.kept.len() < MAX_FINDINGS {
            self.kept.push(diagnostic);
        } else {
            self.more += 1;
            self.first_more.get_or_insert(diagnostic.span);
        }
    }

    /// Whether a finding pushed now would only be counted (so it need not
    /// be written).
    fn full(&self) -> bool {
        self.kept.len() >= MAX_FINDINGS
    }

    /// Counts a finding that is not shown (at `span`, found only if it is
    /// the first).
    fn count(&mut self, span: impl FnOnce() -> Span) {
        self.more += 1;
        self.first_more.get_or_insert_with(span);
    }

    /// The findings of the part of the file after this one's.
    fn append(&mut self, later: Findings) {
        for diagnostic in later.kept {
            self.push(diagnostic);
        }
        if let Some(span) = later.first_more {
            self.more += later.more;
            self.first_more.get_or_insert(span);
        }
    }

    /// Two lists of findings of one file merged in file order, capped.
    fn merge(self, other: Findings) -> Findings {
        let mut kept = self.kept;
        kept.extend(other.kept);
        kept.sort_by_key(|d| d.span.start);
        let mut merged = Findings::default();
        for diagnostic in kept {
            merged.push(diagnostic);
        }
        merged.more += self.more + other.more;
        merged.first_more = [merged.first_more, self.first_more, other.first_more]
            .into_iter()
            .flatten()
            .min_by_key(|span| span.start);
        merged
    }

    /// The findings shown, then the one that counts the rest.
    fn into_vec(self) -> Vec<Diagnostic> {
        let mut all = self.kept;
        if let Some(first) = self.first_more {
            all.push(Diagnostic::more(Code::MetricsCsv, first, self.more));
        }
        all
    }
}

/// Every `*.csv` below `dir` (hidden entries skipped), sorted by path, and
/// the links that lead outside `bounds` or nowhere (a `.csv` file, a folder,
/// or `dir` itself), each with why it was not read: links are followed only
/// inside `bounds` ([`discover::walk`]).
pub(super) fn csv_files(dir: &Path, bounds: &Bounds) -> Vec<(PathBuf, Option<String>)> {
    let hidden = |e: &walkdir::DirEntry| e.file_name().to_string_lossy().starts_with('.');
    let is_csv = |path: &Path| path.extension().is_some_and(|x| x == "csv");
    let (walked, refused) = match discover::walk(dir, bounds, |e| !hidden(e), |_| false) {
        Ok(found) => found,
        Err(e) => {
            let path = e.path().unwrap_or(dir).to_path_buf();
            return vec![(path, Some(format!("cannot be read: {e}")))];
        }
    };
    let mut files: Vec<(PathBuf, Option<String>)> = walked
        .into_iter()
        .filter(|f| is_csv(&f.path))
        .map(|f| (f.path, None))
        .chain(
            refused
                .into_iter()
                .filter(|r| r.path == dir || is_csv(&r.path) || r.path.is_dir())
                .map(|r| (r.path, Some(r.why))),
        )
        .collect();
    files.sort();
    files
}

/// A CSV file's content (from disk or the editor): its bytes, or why they
/// were not read.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Content {
    Bytes(Vec<u8>),
    /// Over [`MAX_CSV_BYTES`] (not read).
    TooBig,
    /// The error reading it.
    Unreadable(String),
    /// A link not followed: why ([`crate::discover::Refused`]).
    Refused(String),
}

impl Content {
    /// The file at `path`, read unless it is too large; `given` is its text
    /// when it stands in for the disk's (an open document).
    pub(super) fn of(path: &Path, given: Option<std::sync::Arc<str>>) -> Content {
        if let Some(text) = given {
            return match text.len() as u64 > MAX_CSV_BYTES {
                true => Content::TooBig,
                false => Content::Bytes(text.as_bytes().to_vec()),
            };
        }
        if std::fs::metadata(path).is_ok_and(|m| m.len() > MAX_CSV_BYTES) {
            return Content::TooBig;
        }
        match std::fs::read(path) {
            Ok(bytes) => Content::Bytes(bytes),
            Err(e) => Content::Unreadable(e.to_string()),
        }
    }
}

/// What the rows are checked against: the declared services and metrics.
struct Declared<'m> {
    services: FxHashMap<&'m str, u32>,
    metrics: FxHashMap<&'m str, (u32, &'m Metric)>,
    service_ids: Vec<&'m str>,
    metric_ids: Vec<&'m str>,
}

impl<'m> Declared<'m> {
    fn of(model: &'m Model) -> Declared<'m> {
        let mut services = FxHashMap::default();
        for (i, s) in model.services.iter().enumerate() {
            services.entry(s.id.as_str()).or_insert(i as u32);
        }
        let mut metrics = FxHashMap::default();
        for (i, m) in model.metrics.iter().enumerate() {
            metrics.entry(m.id.as_str()).or_insert((i as u32, m));
        }
        Declared {
            services,
            metrics,
            service_ids: model.services.iter().map(|s| s.id.as_str()).collect(),
            metric_ids: model.metrics.iter().map(|m| m.id.as_str()).collect(),
        }
    }
}

/// A valid row: service and metric (indices into the model), period,
/// sample, and where its period cell is (for a duplicate's diagnostic; the
/// span is found only then).
struct Row {
    service: u32,
    metric: u32,
    period: PeriodKey,
    sample: Sample,
    at: CellAt,
}

/// A cell found again on demand: its file, its record's start, its column.
#[derive(Clone, Copy)]
struct CellAt {
    file: FileId,
    record: usize,
    column: usize,
}

impl CellAt {
    fn span(self, sources: &SourceMap) -> Span {
        self.span_in(sources.get(self.file).text.as_bytes())
    }

    /// Its span, `text` being its file's.
    fn span_in(self, text: &[u8]) -> Span {
        let (start, end) = cell_spans(text, self.record, self.column + 1)[self.column];
        Span::new(self.file, start, end)
    }
}

/// A record's cell spans, found in the text only when a diagnostic needs
/// one (most rows are good, and finding spans costs as much as parsing).
struct Cells<'t> {
    text: &'t [u8],
    start: usize,
    count: usize,
    spans: std::cell::OnceCell<Vec<(usize, usize)>>,
}

impl<'t> Cells<'t> {
    fn new(text: &'t [u8], start: usize, count: usize) -> Cells<'t> {
        Cells {
            text,
            start,
            count,
            spans: std::cell::OnceCell::new(),
        }
    }

    fn all(&self) -> &[(usize, usize)] {
        self.spans
            .get_or_init(|| cell_spans(self.text, self.start, self.count))
    }

    fn get(&self, i: usize) -> (usize, usize) {
        self.all().get(i).copied().unwrap_or_default()
    }
}

/// One file read: its source, its valid rows, its diagnostics.
struct FileRead {
    file: SourceFile,
    rows: Vec<Row>,
    findings: Findings,
}

/// Reads every file into `sources` and returns the observations with the
/// `metrics-csv` diagnostics. `name` gives each file's name in diagnostics.
pub(super) fn read(
    files: &[(PathBuf, Content)],
    name: &(dyn Fn(&Path) -> String + Sync),
    model: &Model,
    sources: &mut SourceMap,
) -> (Observations, Vec<Diagnostic>) {
    let declared = Declared::of(model);
    let base = sources.len() as u32;
    let read: Vec<FileRead> = files
        .par_iter()
        .enumerate()
        .map(|(i, (path, content))| {
            read_file(
                FileId(base + i as u32),
                path,
                content,
                name(path),
                &declared,
            )
        })
        .collect();
    let mut diagnostics = Vec::new();
    // The first row of each period, service and metric, in file order: a
    // later one is a duplicate, found in its file's order.
    let mut first: FxHashMap<(u32, u32, PeriodKey), (CellAt, Sample)> = FxHashMap::default();
    let mut periods = Vec::new();
    for file in read {
        let id = sources.add(file.file);
        periods.push(FilePeriods::of(id, &file.rows, sources));
        let mut repeated = Findings::default();
        for row in file.rows {
            match first.entry((row.service, row.metric, row.period)) {
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert((row.at, row.sample));
                }
                std::collections::hash_map::Entry::Occupied(_) if repeated.full() => {
                    repeated.count(|| row.at.span(sources));
                }
                std::collections::hash_map::Entry::Occupied(earlier) => {
                    let earlier = earlier.get().0.span(sources);
                    repeated.push(duplicate(&declared, earlier, &row, row.at.span(sources)));
                }
            }
        }
        debug_assert!(repeated.kept.iter().all(|d| d.span.file == id));
        diagnostics.extend(file.findings.merge(repeated).into_vec());
    }
    // Samples by service and metric, each by period.
    let mut series: FxHashMap<(u32, u32), Vec<(PeriodKey, Sample)>> = FxHashMap::default();
    for ((s, m, period), (_, sample)) in first {
        series.entry((s, m)).or_default().push((period, sample));
    }
    let grouped = series.into_iter().map(|((s, m), mut samples)| {
        samples.sort_by_key(|(period, _)| *period);
        let ids = (
            declared.service_ids[s as usize],
            declared.metric_ids[m as usize],
        );
        (ids.0, ids.1, samples)
    });
    let mut observations = Observations::from_rows(grouped, files.len());
    observations.periods = periods;
    (observations, diagnostics)
}

/// The periods a file's valid rows are for: by period, how many rows and
/// where the first of them (in file order) has its period cell. What
/// `observations-after-as-of` counts, whatever as-of a compilation takes.
#[derive(Debug, Clone)]
pub struct FilePeriods {
    pub file: FileId,
    pub periods: std::collections::BTreeMap<PeriodKey, (usize, Span)>,
}

impl FilePeriods {
    fn of(file: FileId, rows: &[Row], sources: &SourceMap) -> FilePeriods {
        // The first row of each period, by its record's offset.
        let mut first: std::collections::BTreeMap<PeriodKey, (usize, CellAt)> =
            std::collections::BTreeMap::new();
        for row in rows {
            let entry = first.entry(row.period).or_insert((0, row.at));
            entry.0 += 1;
            if row.at.record < entry.1.record {
                entry.1 = row.at;
            }
        }
        FilePeriods {
            file,
            periods: first
                .into_iter()
                .map(|(p, (n, at))| (p, (n, at.span(sources))))
                .collect(),
        }
    }

    /// The rows for periods that start after `as_of`: how many, and the
    /// period cell of the first in file order, with the latest such
    /// period.
    pub fn after(&self, as_of: jiff::civil::Date) -> Option<(usize, Span, PeriodKey)> {
        let later: Vec<(&PeriodKey, &(usize, Span))> = self
            .periods
            .iter()
            .filter(|(p, _)| p.first_day() > as_of)
            .collect();
        let rows = later.iter().map(|(_, (n, _))| n).sum();
        let first = later
            .iter()
            .map(|(_, (_, span))| *span)
            .min_by_key(|s| s.start)?;
        let latest = *later.last()?.0;
        Some((rows, first, latest))
    }
}

/// The later of two rows for the same period, service and metric.
fn duplicate(declared: &Declared, first: Span, later: &Row, at: Span) -> Diagnostic {
    Diagnostic::new(
        Code::MetricsCsv,
        at,
        format!(
            "a second row for period `{}`, service `{}`, metric `{}`",
            later.period,
            declared.service_ids[later.service as usize],
            declared.metric_ids[later.metric as usize]
        ),
    )
    .label(first, "first given here")
    .help("keep one row per period, service and metric")
}

fn read_file(
    id: FileId,
    path: &Path,
    content: &Content,
    name: String,
    declared: &Declared,
) -> FileRead {
    let at_start = Span::new(id, 0, 0);
    let fail = |name: String, text: &str, diag: Diagnostic| FileRead {
        file: SourceFile::new(name, path.to_path_buf(), Arc::from(text)),
        rows: Vec::new(),
        findings: Findings {
            kept: vec![diag],
            ..Findings::default()
        },
    };
    let bytes = match content {
        Content::Bytes(bytes) => bytes,
        Content::TooBig => {
            let message = format!(
                "the file is over {} MiB; pmoc reads metrics files of at most that size",
                MAX_CSV_BYTES / (1024 * 1024)
            );
            return fail(
                name,
                "",
                Diagnostic::new(Code::MetricsCsv, at_start, message),
            );
        }
        Content::Refused(why) => {
            let message = format!("the metrics file or folder {why}; it is not read");
            let help = "put the CSV files themselves in the project's `metrics/` folder, or name the folder with `--metrics DIR`";
            return fail(
                name,
                "",
                Diagnostic::new(Code::MetricsCsv, at_start, message).help(help),
            );
        }
        Content::Unreadable(e) => {
            let message = format!("cannot read the file: {e}");
            return fail(
                name,
                "",
                Diagnostic::new(Code::MetricsCsv, at_start, message),
            );
        }
    };
    // A byte-order mark (spreadsheets write one) is not part of the header.
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let at = e.valid_up_to();
            let text = String::from_utf8_lossy(bytes);
            let diag = Diagnostic::new(
                Code::MetricsCsv,
                Span::new(id, at, at + 1),
                "the file is not UTF-8 text",
            )
            .help("save the CSV as UTF-8");
            return fail(name, &text, diag);
        }
    };
    let mut reader = FileReader {
        id,
        text,
        declared,
        rows: Vec::new(),
        findings: Findings::default(),
        seen: FxHashMap::default(),
    };
    reader.read();
    let (rows, findings) = (reader.rows, reader.findings);
    FileRead {
        file: SourceFile::new(name, path.to_path_buf(), Arc::from(text)),
        rows,
        findings,
    }
}

/// Where each column the reader needs stands in a row.
struct Columns {
    period: usize,
    service: usize,
    metric: usize,
    value: usize,
    n: Option<usize>,
    /// How many cells the header has.
    width: usize,
}

struct FileReader<'a, 'm> {
    id: FileId,
    text: &'a str,
    declared: &'a Declared<'m>,
    rows: Vec<Row>,
    findings: Findings,
    /// Where the first row of each period, service and metric is.
    seen: FxHashMap<(u32, u32, PeriodKey), CellAt>,
}

impl<'m> FileReader<'_, 'm> {
    fn report(&mut self, span: Span, message: String, help: Option<String>) {
        self.findings
            .push(Diagnostic::new(Code::MetricsCsv, span, message).maybe_help(help));
    }

    /// The token of a cell: its span without the spaces around it.
    fn token(&self, cell: Span) -> Span {
        let raw = self.text.get(cell.range()).unwrap_or("");
        let start = cell.start as usize + (raw.len() - raw.trim_start().len());
        Span::new(self.id, start, start + raw.trim().len())
    }

    /// A cell naming an id that is not declared, with the nearest declared
    /// one as help and fix.
    fn undeclared<'i>(
        &mut self,
        span: Span,
        message: String,
        id: &str,
        ids: impl IntoIterator<Item = &'i str>,
    ) {
        let token = self.token(span);
        self.findings
            .push(Diagnostic::new(Code::MetricsCsv, span, message).suggest(id, token, ids));
    }

    /// Reads the header, then the rows: a large file in chunks side by
    /// side, each cut at a line break outside quotes, their rows and
    /// diagnostics joined in file order.
    fn read(&mut self) {
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(self.text.as_bytes());
        let mut record = csv::ByteRecord::new();
        let columns = match csv.read_byte_record(&mut record) {
            Ok(true) => {
                let cells = Cells::new(self.text.as_bytes(), 0, record.len());
                match self.header(&record, &cells) {
                    Some(columns) => columns,
                    None => return,
                }
            }
            Ok(false) => {
                let span = Span::new(self.id, 0, 0);
                let message = "the file has no header row".to_string();
                let help = format!("start it with `{},n,source`", REQUIRED.join(","));
                self.report(span, message, Some(help));
                return;
            }
            Err(e) => return self.invalid(&e, 0),
        };
        let body = csv.position().byte() as usize;
        let chunks = chunks(self.text.as_bytes(), body);
        let read: Vec<(Vec<Row>, Findings)> = chunks
            .par_iter()
            .map(|range| {
                let mut part = FileReader {
                    id: self.id,
                    text: self.text,
                    declared: self.declared,
                    rows: Vec::new(),
                    findings: Findings::default(),
                    seen: FxHashMap::default(),
                };
                part.rows_in(&columns, range.clone());
                (part.rows, part.findings)
            })
            .collect();
        for (rows, findings) in read {
            self.rows.extend(rows);
            self.findings.append(findings);
        }
    }

    fn invalid(&mut self, e: &csv::Error, offset: usize) {
        let at = offset + e.position().map_or(0, |p| p.byte() as usize);
        let span = Span::new(self.id, at, at);
        self.report(span, format!("the file is not valid CSV: {e}"), None);
    }

    /// The rows of one chunk of the file.
    fn rows_in(&mut self, columns: &Columns, range: std::ops::Range<usize>) {
        let offset = range.start;
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(&self.text.as_bytes()[range]);
        let mut record = csv::ByteRecord::new();
        loop {
            match csv.read_byte_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => return self.invalid(&e, offset),
            }
            let start = offset + record.position().map_or(0, |p| p.byte() as usize);
            let cells = Cells::new(self.text.as_bytes(), start, record.len());
            self.row(columns, &record, &cells);
        }
    }

    fn span(&self, cells: &Cells, i: usize) -> Span {
        let (start, end) = cells.get(i);
        Span::new(self.id, start, end)
    }

    /// The span of a whole record.
    fn whole(&self, cells: &Cells) -> Span {
        let all = cells.all();
        match (all.first(), all.last()) {
            (Some(a), Some(b)) => Span::new(self.id, a.0, b.1),
            _ => Span::new(self.id, cells.start, cells.start),
        }
    }

    /// Reads the header: every required column present, none twice.
    fn header(&mut self, record: &csv::ByteRecord, cells: &Cells) -> Option<Columns> {
        let names: Vec<String> = record
            .iter()
            .map(|c| String::from_utf8_lossy(c).trim().to_ascii_lowercase())
            .collect();
        let mut ok = true;
        let mut seen = rustc_hash::FxHashSet::default();
        for (i, name) in names.iter().enumerate() {
            if !seen.insert(name.as_str()) && !name.is_empty() {
                let span = self.span(cells, i);
                self.report(span, format!("the header names `{name}` twice"), None);
                ok = false;
            }
        }
        let position = |col: &str| names.iter().position(|n| n == col);
        for col in REQUIRED {
            if position(col).is_none() {
                let others = names
                    .iter()
                    .map(String::as_str)
                    .filter(|n| !REQUIRED.contains(n) && !OPTIONAL.contains(n));
                let near = nearest(col, others);
                let help = near
                    .map(|n| format!("did you mean `{n}`?"))
                    .unwrap_or_else(|| format!("the header is `{},n,source`", REQUIRED.join(",")));
                // The misspelt column, renamed.
                let fix = near.and_then(|n| {
                    let at = names.iter().position(|m| m == n)?;
                    let edit = Edit::word(self.token(self.span(cells, at)), n, col)?;
                    Some(Fix {
                        message: format!("rename the column `{n}` to `{col}`"),
                        edits: vec![edit],
                    })
                });
                let span = self.whole(cells);
                let mut diagnostic = Diagnostic::new(
                    Code::MetricsCsv,
                    span,
                    format!("the header has no `{col}` column"),
                )
                .help(help);
                diagnostic.fix = fix.map(Box::new);
                self.findings.push(diagnostic);
                ok = false;
            }
        }
        ok.then(|| Columns {
            period: position("period").unwrap_or(0),
            service: position("service").unwrap_or(0),
            metric: position("metric").unwrap_or(0),
            value: position("value").unwrap_or(0),
            n: position("n"),
            width: names.len(),
        })
    }

    /// A cell's text (trimmed) and column, or a diagnostic when it is empty.
    fn cell<'r>(
        &mut self,
        record: &'r csv::ByteRecord,
        cells: &Cells,
        i: usize,
        column: &str,
    ) -> Option<(&'r str, usize)> {
        let raw = record.get(i)?;
        let text = std::str::from_utf8(raw).unwrap_or("").trim();
        if text.is_empty() {
            let span = self.span(cells, i);
            self.report(span, format!("the `{column}` cell is empty"), None);
            return None;
        }
        Some((text, i))
    }

    fn row(&mut self, c: &Columns, record: &csv::ByteRecord, cells: &Cells) {
        if record.len() != c.width {
            let message = format!(
                "the row has {} cells; the header has {}",
                record.len(),
                c.width
            );
            let span = self.whole(cells);
            self.report(span, message, None);
            return;
        }
        let period = self.cell(record, cells, c.period, "period");
        let service = self.cell(record, cells, c.service, "service");
        let metric = self.cell(record, cells, c.metric, "metric");
        let value = self.cell(record, cells, c.value, "value");
        let n = c.n.map(|i| self.cell(record, cells, i, "n"));
        let service = service.and_then(|s| self.service(s, cells));
        let metric = metric.and_then(|m| self.metric(m, cells));
        let period = period.and_then(|p| self.period(p, metric.map(|m| m.1), cells));
        let value = value.and_then(|v| self.value(v, metric.map(|m| m.1), cells));
        let weight = match n {
            None => Some(1.0),
            Some(None) => None,
            Some(Some(n)) => self.weight(n, cells),
        };
        if let (Some(service), Some((metric, _)), Some(period), Some(value), Some(weight)) =
            (service, metric, period, value, weight)
        {
            let row = Row {
                service,
                metric,
                period,
                sample: Sample { value, weight },
                at: CellAt {
                    file: self.id,
                    record: cells.start,
                    column: c.period,
                },
            };
            self.keep(row);
        }
    }

    /// Keeps a valid row, unless an earlier row of this part of the file
    /// gave its period, service and metric: that one is a duplicate,
    /// reported, not kept (duplicates across parts are found by [`read`]).
    fn keep(&mut self, row: Row) {
        use std::collections::hash_map::Entry;
        match self.seen.entry((row.service, row.metric, row.period)) {
            Entry::Vacant(slot) => {
                slot.insert(row.at);
                self.rows.push(row);
            }
            Entry::Occupied(_) if self.findings.full() => {
                let text = self.text.as_bytes();
                self.findings.count(|| row.at.span_in(text));
            }
            Entry::Occupied(first) => {
                let text = self.text.as_bytes();
                let first = first.get().span_in(text);
                let diagnostic = duplicate(self.declared, first, &row, row.at.span_in(text));
                self.findings.push(diagnostic);
            }
        }
    }

    fn service(&mut self, (id, i): (&str, usize), cells: &Cells) -> Option<u32> {
        if let Some(&found) = self.declared.services.get(id) {
            return Some(found);
        }
        let span = self.span(cells, i);
        let declared = self.declared;
        let message = format!("no service `{id}` is declared");
        self.undeclared(span, message, id, declared.service_ids.iter().copied());
        None
    }

    fn metric(&mut self, (id, i): (&str, usize), cells: &Cells) -> Option<(u32, &'m Metric)> {
        if let Some(&found) = self.declared.metrics.get(id) {
            return Some(found);
        }
        let span = self.span(cells, i);
        let declared = self.declared;
        let message = format!("no metric `{id}` is declared");
        self.undeclared(span, message, id, declared.metric_ids.iter().copied());
        None
    }

    fn period(
        &mut self,
        (text, i): (&str, usize),
        metric: Option<&Metric>,
        cells: &Cells,
    ) -> Option<PeriodKey> {
        let Some(period) = PeriodKey::parse(text) else {
            let help = "write `2026-06` for a month, `2026-Q2` for a quarter, `2026` for a year";
            let why = match text.starts_with("0000") {
                true => ": there is no year 0000 (years run from 0001)",
                false => "",
            };
            let span = self.span(cells, i);
            self.report(
                span,
                format!("`{text}` is not a period{why}"),
                Some(help.into()),
            );
            return None;
        };
        let cadence = metric.and_then(|m| m.cadence.map(|c| (m, c.value)));
        if let Some((metric, cadence)) = cadence
            && cadence != period.kind()
        {
            let example = PeriodKey::containing(period.first_day(), cadence);
            let message = format!(
                "`{text}` is a {}, but metric `{}` is observed by {cadence}",
                period.kind(),
                metric.id.value
            );
            let help = format!("write {cadence}s such as `{example}`");
            let span = self.span(cells, i);
            self.report(span, message, Some(help));
            return None;
        }
        Some(period)
    }

    fn value(
        &mut self,
        (text, i): (&str, usize),
        metric: Option<&Metric>,
        cells: &Cells,
    ) -> Option<f64> {
        let value = text.parse::<f64>().ok().filter(|v| v.is_finite());
        let Some(value) = value else {
            let span = self.span(cells, i);
            self.report(span, format!("`{text}` is not a number"), None);
            return None;
        };
        let unit = metric.and_then(|m| m.unit.map(|u| (m, u.value)));
        if let Some((metric, unit)) = unit {
            let (low, high) = unit.range();
            if value < low || value > high {
                let range = if high.is_finite() {
                    format!("{low} to {high}")
                } else {
                    format!("{low} or more")
                };
                let message = format!(
                    "`{text}` is outside the range of metric `{}` ({unit}: {range})",
                    metric.id.value
                );
                let span = self.span(cells, i);
                self.report(span, message, None);
                return None;
            }
        }
        Some(value)
    }

    fn weight(&mut self, (text, i): (&str, usize), cells: &Cells) -> Option<f64> {
        match text.parse::<u64>() {
            Ok(n) if n >= 1 => Some(n as f64),
            Err(e) if *e.kind() == std::num::IntErrorKind::PosOverflow => {
                let message = format!("`{text}` is too large a count of observations");
                let help = format!("`n` is at most {}", u64::MAX);
                let span = self.span(cells, i);
                self.report(span, message, Some(help));
                None
            }
            _ => {
                let message = format!("`{text}` is not a count of observations");
                let help = "`n` is a whole number of 1 or more (respondents, projects)";
                let span = self.span(cells, i);
                self.report(span, message, Some(help.into()));
                None
            }
        }
    }
}

/// The file from `body` on, cut into chunks of about a mebibyte, each
/// ending at a line break outside quotes (a small file is one chunk).
fn chunks(text: &[u8], body: usize) -> Vec<std::ops::Range<usize>> {
    const CHUNK: usize = 1 << 20;
    let mut cuts = vec![body];
    if text.len() - body > 2 * CHUNK {
        if text[body..].contains(&b'"') {
            // A line break inside quotes is part of a cell: track parity.
            let (mut inside, mut next) = (false, body + CHUNK);
            for (i, &b) in text.iter().enumerate().skip(body) {
                if b == b'"' {
                    inside = !inside;
                } else if b == b'\n' && !inside && i >= next {
                    cuts.push(i + 1);
                    next = i + 1 + CHUNK;
                }
            }
        } else {
            let mut at = body + CHUNK;
            while let Some(p) = text
                .get(at..)
                .and_then(|t| t.iter().position(|&b| b == b'\n'))
            {
                cuts.push(at + p + 1);
                at += p + 1 + CHUNK;
            }
        }
    }
    cuts.push(text.len());
    cuts.dedup();
    cuts.windows(2).map(|w| w[0]..w[1]).collect()
}

/// The column of a metrics CSV that names an id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdColumn {
    Service,
    Metric,
}

/// A cell of the `service` or `metric` column: the id it names (trimmed,
/// unquoted, as the reader takes it) and its byte range in the text
/// (quotes included, blanks around it left out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdCell {
    pub column: IdColumn,
    pub value: String,
    pub start: usize,
    pub end: usize,
}

/// Every cell of a metrics CSV's text that names a service or a metric, in
/// file order: the cells of the columns the header calls `service` and
/// `metric` (as the reader finds them; the header's own cells name columns,
/// not ids). Offsets are into `text` as given, a byte-order mark included.
/// A file the reader would refuse whole (no such column, not CSV) has none.
pub fn id_cells(text: &str) -> Vec<IdCell> {
    let skip = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let bytes = text.as_bytes();
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&bytes[skip..]);
    let mut record = csv::ByteRecord::new();
    if !matches!(csv.read_byte_record(&mut record), Ok(true)) {
        return Vec::new();
    }
    let names: Vec<String> = record
        .iter()
        .map(|c| String::from_utf8_lossy(c).trim().to_ascii_lowercase())
        .collect();
    let at = |name: &str| names.iter().position(|n| n == name);
    let mut columns: Vec<(usize, IdColumn)> = [
        (at("service"), IdColumn::Service),
        (at("metric"), IdColumn::Metric),
    ]
    .into_iter()
    .filter_map(|(i, c)| Some((i?, c)))
    .collect();
    columns.sort_by_key(|&(i, _)| i);
    let mut found = Vec::new();
    while let Ok(true) = csv.read_byte_record(&mut record) {
        let start = skip + record.position().map_or(0, |p| p.byte() as usize);
        let spans = cell_spans(bytes, start, record.len());
        for &(i, column) in &columns {
            let (Some(raw), Some(&(start, end))) = (record.get(i), spans.get(i)) else {
                continue;
            };
            let value = String::from_utf8_lossy(raw).trim().to_string();
            if !value.is_empty() {
                found.push(IdCell {
                    column,
                    value,
                    start,
                    end,
                });
            }
        }
    }
    found
}

/// The byte ranges of a record's `count` cells, quotes included, found by
/// scanning the text from the record's start (the `csv` crate gives a
/// record's start, not its cells').
fn cell_spans(text: &[u8], start: usize, count: usize) -> Vec<(usize, usize)> {
    let mut spans = Vec::with_capacity(count);
    let mut i = start;
    while spans.len() < count {
        let cell_start = i;
        if text.get(i) == Some(&b'"') {
            i += 1;
            while i < text.len() {
                if text[i] == b'"' {
                    if text.get(i + 1) == Some(&b'"') {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += 1;
            }
        }
        while i < text.len() && !matches!(text[i], b',' | b'\n' | b'\r') {
            i += 1;
        }
        spans.push(trimmed(text, cell_start, i));
        if text.get(i) == Some(&b',') {
            i += 1;
        } else {
            // The record ended early (a short row): the rest are empty, at its end.
            while spans.len() < count {
                spans.push((i, i));
            }
        }
    }
    spans
}

/// A cell's range without the blanks around it.
fn trimmed(text: &[u8], mut start: usize, mut end: usize) -> (usize, usize) {
    while start < end && matches!(text[start], b' ' | b'\t') {
        start += 1;
    }
    while end > start && matches!(text[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_cells_are_the_service_and_metric_cells() {
        let text = "\u{feff}Metric, period ,service,value\n\"m1\",2026-01, s1 ,3\n\"a,\"\"b\"\"\",2026-02,s2,4\n";
        let cells = id_cells(text);
        let got: Vec<_> = cells
            .iter()
            .map(|c| (c.column, c.value.as_str(), &text[c.start..c.end]))
            .collect();
        assert_eq!(
            got,
            [
                (IdColumn::Metric, "m1", "\"m1\""),
                (IdColumn::Service, "s1", "s1"),
                (IdColumn::Metric, "a,\"b\"", "\"a,\"\"b\"\"\""),
                (IdColumn::Service, "s2", "s2"),
            ]
        );
        assert!(id_cells("period,value\n2026-01,3\n").is_empty());
    }

    #[test]
    fn chunks_end_at_line_breaks_outside_quotes() {
        let mut text = b"h\n".to_vec();
        for i in 0..200_000 {
            text.extend_from_slice(format!("2026-01,s{i},m,1\n").as_bytes());
        }
        let plain = chunks(&text, 2);
        assert!(plain.len() > 2);
        for r in &plain {
            assert!(r.start == 2 || text[r.start - 1] == b'\n');
        }
        assert_eq!(plain.last().unwrap().end, text.len());
        // A quoted cell spanning the would-be cut keeps its lines together.
        let mut quoted = b"h\n".to_vec();
        quoted.extend_from_slice(b"\"");
        quoted.extend(std::iter::repeat_n(b'\n', 3 << 20));
        quoted.extend_from_slice(b"\",x\n");
        quoted.extend(std::iter::repeat_n(b'a', 3 << 20));
        let cut = chunks(&quoted, 2);
        assert!(
            cut.iter().all(|r| r.start == 2 || r.start > (3 << 20) + 3),
            "{cut:?}"
        );
    }

    #[test]
    fn cells_are_found_in_the_text() {
        let text = b"a,\"b,\"\"c\", d \nx,y";
        assert_eq!(cell_spans(text, 0, 3), [(0, 1), (2, 9), (11, 12)]);
        assert_eq!(cell_spans(text, 14, 2), [(14, 15), (16, 17)]);
        assert_eq!(cell_spans(text, 14, 3), [(14, 15), (16, 17), (17, 17)]);
    }

    /// The fixes of this file's did-you-means: each applied gives the text
    /// expected.
    fn fixed(text: &str, declared: &Declared) -> Vec<String> {
        let mut reader = FileReader {
            id: FileId(0),
            text,
            declared,
            rows: Vec::new(),
            findings: Findings::default(),
            seen: FxHashMap::default(),
        };
        reader.read();
        reader
            .findings
            .kept
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .map(|fix| {
                let mut out = text.to_string();
                for e in &fix.edits {
                    out.replace_range(e.span.range(), &e.content);
                }
                out
            })
            .collect()
    }

    #[test]
    fn an_undeclared_id_or_a_misspelt_column_is_fixed() {
        let declared = Declared {
            services: [("risk-log", 0)].into_iter().collect(),
            metrics: FxHashMap::default(),
            service_ids: vec!["risk-log"],
            metric_ids: Vec::new(),
        };
        // Bare with spaces around, or quoted: the id alone is replaced.
        let text =
            "period,service,metric,value\n2026-01, risk-logs ,m,1\n2026-01,\"risk-lo\",m,1\n";
        let expected = [
            "period,service,metric,value\n2026-01, risk-log ,m,1\n2026-01,\"risk-lo\",m,1\n",
            "period,service,metric,value\n2026-01, risk-logs ,m,1\n2026-01,\"risk-log\",m,1\n",
        ];
        assert_eq!(fixed(text, &declared), expected);
        // The header's column nearest to a missing one is renamed.
        let text = "period,servce,metric,value\n";
        assert_eq!(fixed(text, &declared), ["period,service,metric,value\n"]);
    }
}

//! One compilation: project root → sources → syntax → lowering → checks →
//! observations and their evaluation. The same function serves `check`,
//! `build` and every round of `watch`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use jiff::civil::Date;
use rayon::prelude::*;

use std::collections::HashMap;

pub use crate::base::cancel::{Cancel, Cancelled};
use crate::base::{Diagnostic, FileId, SourceFile, SourceMap};
use crate::check;
pub use crate::check::decisions::{DecisionDue, Hold};
use crate::discover::{self, Filter, Found, Skip, SourceError};
use crate::lower;

/// The most bytes a compile reads of a source file (a larger one is
/// refused), and of a metrics CSV.
pub use crate::metrics::MAX_CSV_BYTES;
use crate::metrics::{self, Evaluation};
use crate::model::{Index, Lookups, Model};
use crate::syntax;

mod stamp;
pub use crate::syntax::MAX_FILE_BYTES;
use stamp::Stamp;

/// What a run was asked for beyond the project itself.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// `--deny-warnings`: warnings count as errors.
    pub deny_warnings: bool,
    /// `--out`: another output folder to leave out of discovery.
    pub out: Option<PathBuf>,
    /// `--metrics`: the folder of metrics CSVs (default: `metrics/` at the
    /// root, when it exists).
    pub metrics: Option<PathBuf>,
    /// `--as-of`: the date to judge the project as of, over the manifest's
    /// `as-of` (see [`AsOfSource`]).
    pub as_of: Option<Date>,
    /// Checked between phases: once set, the compilation unwinds with
    /// [`Cancelled`] (`pmoc lsp`'s; never set elsewhere).
    pub cancel: Cancel,
    /// A catalogue follows (a round of `watch` or `serve`): the lookups'
    /// referrers, which only the catalogue reads, are built beside the
    /// rules instead of after them.
    pub catalogue: bool,
}

/// Where a compilation's as-of came from, in order of precedence: the
/// `--as-of` flag, the manifest's `as-of`, `SOURCE_DATE_EPOCH`'s UTC date,
/// today's UTC date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsOfSource {
    Flag,
    Manifest,
    SourceDateEpoch,
    Today,
}

impl AsOfSource {
    /// As-of and where it came from: the flag, else the manifest's, else
    /// [`source_date_epoch`], else `today`.
    pub fn resolve(flag: Option<Date>, manifest: Option<Date>, today: Date) -> (Date, AsOfSource) {
        if let Some(d) = flag {
            (d, AsOfSource::Flag)
        } else if let Some(d) = manifest {
            (d, AsOfSource::Manifest)
        } else if let Some(d) = source_date_epoch() {
            (d, AsOfSource::SourceDateEpoch)
        } else {
            (today, AsOfSource::Today)
        }
    }
}

/// Whether a compilation judged as of `as_of`, taken from `source`, is out
/// of date on `today` (UTC): only one whose as-of is today's date (no flag,
/// no manifest `as-of`, no `SOURCE_DATE_EPOCH`), once the date has changed.
/// `watch`, `serve` and `lsp` judge again then (a round at midnight UTC).
pub fn stale(as_of: Date, source: AsOfSource, today: Date) -> bool {
    source == AsOfSource::Today && as_of != today
}

/// Today's date in UTC.
pub fn today_utc() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

/// `SOURCE_DATE_EPOCH`'s UTC date, when it is set to a number of seconds.
pub fn source_date_epoch() -> Option<Date> {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| jiff::Timestamp::from_second(secs).ok())
        .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date())
}

/// The result of a compilation: the model (after checks) with its index,
/// every diagnostic, and the sources they point into.
pub struct Compiled {
    pub root: PathBuf,
    pub sources: SourceMap,
    /// The model as compiled; [`Compiled::index`] reads it with lookups
    /// built from it once, so it is not to be changed afterwards.
    pub model: Model,
    /// The model's lookups: built by the model rules, else (a syntax error
    /// skipped them) at the first [`Compiled::index`].
    lookups: OnceLock<Lookups>,
    /// Sorted as section 8 fixes: file, line, column, code, end, message.
    pub diagnostics: Vec<Diagnostic>,
    /// Some file had a syntax error, so the model rules were skipped.
    pub syntax_errors: bool,
    pub as_of: Date,
    /// Where [`Compiled::as_of`] came from.
    pub as_of_source: AsOfSource,
    /// What discovery left out, as this compilation's manifest said it.
    pub filter: Filter,
    /// What the observations say (only `superseded` without metrics; empty
    /// while a file has a syntax error).
    pub evaluation: Arc<Evaluation>,
    /// The metrics folder read, if any.
    pub metrics: Option<PathBuf>,
}

impl Compiled {
    /// Whether this compilation is out of date on `today` (UTC): see
    /// [`stale`].
    pub fn stale(&self, today: Date) -> bool {
        stale(self.as_of, self.as_of_source, today)
    }

    /// The model with its lookups, built once per compilation: what the
    /// checks read, and the catalog, the review and the language server.
    pub fn index(&self) -> Index<'_> {
        let lookups = self.lookups.get_or_init(|| Lookups::new(&self.model));
        Index::new(&self.model, lookups, self.as_of)
    }

    /// The decisions due at gates with `decide-within`: the judgement of
    /// `decision-overdue` ([`check::decisions::decisions_due`]), for the
    /// reports that read a compilation (the review's agenda).
    pub fn decisions_due(&self) -> Vec<DecisionDue<'_>> {
        check::decisions::decisions_due(&self.index(), &self.evaluation)
    }

    /// The holds services wait on: the judgement of `hold-expired`
    /// ([`check::decisions::holds`]), for the review's agenda.
    pub fn holds(&self) -> Vec<Hold<'_>> {
        check::decisions::holds(&self.index())
    }

    /// The errors, those an "and N more" finding stands for included.
    pub fn error_count(&self) -> usize {
        crate::base::diag::count(&self.diagnostics, crate::base::Severity::Error)
    }

    /// The warnings, those an "and N more" finding stands for included.
    pub fn warning_count(&self) -> usize {
        crate::base::diag::count(&self.diagnostics, crate::base::Severity::Warning)
    }

    /// The build folder: `--out`, else the manifest's `output`, else `site`.
    pub fn output_dir(&self, out: Option<&Path>) -> PathBuf {
        match out {
            Some(out) => out.to_path_buf(),
            None => self.root.join(
                self.model
                    .pmo
                    .as_ref()
                    .and_then(|p| p.output.as_ref())
                    .map_or("site", |o| o.value.as_str()),
            ),
        }
    }
}

/// The date "today" means: `SOURCE_DATE_EPOCH`'s UTC date when set, else today (UTC).
pub fn default_as_of() -> Date {
    source_date_epoch().unwrap_or_else(today_utc)
}

/// A file read and lowered on its own.
struct FileResult {
    id: FileId,
    file: SourceFile,
    model: Model,
    diagnostics: Vec<Diagnostic>,
    syntax_error: bool,
}

/// Texts that stand in for files on disk, by absolute path: an editor's
/// unsaved buffers (`pmoc lsp`). A compilation reads a source, the
/// manifest or a metrics CSV from here when it is present, from disk
/// otherwise; discovery still walks the disk, so an overlay text for a file
/// that is not there, or not a source, is not read.
#[derive(Debug, Default, Clone)]
pub struct Overlay {
    texts: HashMap<PathBuf, Arc<str>>,
}

impl Overlay {
    /// Sets the text that stands in for the file at `path` (absolute, as
    /// discovery spells it: below the canonical root).
    pub fn set(&mut self, path: PathBuf, text: Arc<str>) {
        self.texts.insert(path, text);
    }

    /// The file at `path` is read from disk again.
    pub fn remove(&mut self, path: &Path) {
        self.texts.remove(path);
    }

    pub fn get(&self, path: &Path) -> Option<&Arc<str>> {
        self.texts.get(path)
    }

    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }
}

/// A file's bytes: its overlay text, else read from disk. At most one past
/// [`syntax::MAX_FILE_BYTES`]: a larger file is refused without being read
/// (or held) whole.
fn read_overlaid(found: &Found, overlay: &Overlay) -> Result<Vec<u8>, SourceError> {
    match overlay.get(&found.path) {
        Some(text) => {
            let len = text.len().min(syntax::MAX_FILE_BYTES + 1);
            Ok(text.as_bytes()[..len].to_vec())
        }
        None => read(found),
    }
}

/// A file's bytes from disk, at most one past [`syntax::MAX_FILE_BYTES`].
fn read(found: &Found) -> Result<Vec<u8>, SourceError> {
    use std::io::Read;
    let error = |source| SourceError::Read {
        name: found.name.clone(),
        source,
    };
    let mut bytes = Vec::new();
    std::fs::File::open(&found.path)
        .and_then(|f| {
            f.take(syntax::MAX_FILE_BYTES as u64 + 1)
                .read_to_end(&mut bytes)
        })
        .map_err(error)?;
    Ok(bytes)
}

/// Each file's parse and lowering, remembered by its name, position and
/// bytes, so a watch round re-parses only the files that changed; and its
/// [`Stamp`], so that a file whose stamp says it is unchanged is not even
/// read again.
#[derive(Default)]
pub struct Cache {
    files: HashMap<String, Cached>,
    /// A one-run cache (`compile`): it keeps nothing, so each file's model
    /// is moved into the compilation instead of cloned.
    one_shot: bool,
    /// Files parsed (not taken from the cache) in the last compilation.
    pub parsed: usize,
    /// Files read (their stamps did not say them unchanged) in the last
    /// compilation.
    pub read: usize,
    /// The last reading of the metrics CSVs (unused by a one-run cache).
    metrics: metrics::Memo,
    /// What the last compilation's rules kept (unused by a one-run cache).
    rules: check::Memo,
}

/// A file as the cache keeps it: its bytes (none in a one-run cache), its
/// stamp when read from disk, and its parse and lowering.
struct Cached {
    bytes: Arc<[u8]>,
    stamp: Option<Stamp>,
    result: Arc<FileResult>,
}

impl Cache {
    fn get(&self, id: FileId, found: &Found, bytes: &[u8]) -> Option<Arc<FileResult>> {
        let cached = self.files.get(&found.name)?;
        let same = *cached.bytes == *bytes && cached.result.id == id;
        same.then(|| cached.result.clone())
    }

    /// Whether the file `found`, stamped `now`, is the one this cache holds,
    /// as their stamps say (without reading it).
    fn unchanged(&self, found: &Found, now: Option<Stamp>) -> bool {
        let was = self.files.get(&found.name).and_then(|c| c.stamp);
        was.zip(now).is_some_and(|(was, now)| was.unchanged(now))
    }
}

fn process(id: FileId, found: Found, bytes: Vec<u8>, is_manifest: bool) -> FileResult {
    if bytes.len() > syntax::MAX_FILE_BYTES {
        return FileResult {
            id,
            file: SourceFile::new(found.name, found.path, "".into()),
            model: Model::default(),
            diagnostics: vec![syntax::too_large(id)],
            syntax_error: true,
        };
    }
    let (text, decode_error) = syntax::decode(id, bytes);
    let text: Arc<str> = text.into();
    let file = SourceFile::new(found.name, found.path, text.clone());
    if let Some(diag) = decode_error {
        return FileResult {
            id,
            file,
            model: Model::default(),
            diagnostics: vec![diag],
            syntax_error: true,
        };
    }
    match syntax::parse(id, &text) {
        Ok(doc) => {
            let (model, diagnostics) = lower::lower_file(id, &text, &doc, is_manifest);
            FileResult {
                id,
                file,
                model,
                diagnostics,
                syntax_error: false,
            }
        }
        Err(diagnostics) => FileResult {
            id,
            file,
            model: Model::default(),
            diagnostics,
            syntax_error: true,
        },
    }
}

/// What the manifest says about the files around the sources.
pub struct ManifestSettings {
    /// The build folder (absolute): the manifest's `output`, else `site`.
    pub output: PathBuf,
    /// `exclude` globs.
    pub exclude: Vec<String>,
    /// The manifest's `output` names a folder holding sources: it is not
    /// taken (discovery reads those sources; the compilation reports it).
    pub output_holds_sources: bool,
}

/// Reads `output` and `exclude` from the manifest (a manifest that does not
/// parse gives the defaults; its diagnostics come with the compilation).
pub fn manifest_settings(root: &Path) -> Result<ManifestSettings, SourceError> {
    manifest_settings_overlaid(root, &Overlay::default())
}

/// [`manifest_settings`], the manifest read through `overlay`.
fn manifest_settings_overlaid(
    root: &Path,
    overlay: &Overlay,
) -> Result<ManifestSettings, SourceError> {
    let manifest = Found {
        name: discover::MANIFEST.into(),
        path: root.join(discover::MANIFEST),
    };
    let bytes = read_overlaid(&manifest, overlay)?;
    let mut settings = ManifestSettings {
        output: root.join("site"),
        exclude: Vec::new(),
        output_holds_sources: false,
    };
    if let Ok(text) = std::str::from_utf8(&bytes)
        && let Ok(doc) = syntax::parse(FileId(0), text)
        && let Some(pmo) = lower::lower_file(FileId(0), text, &doc, true).0.pmo
    {
        settings.exclude = pmo.exclude.into_iter().map(|e| e.value).collect();
        // Lowering refused an `output` outside the project.
        if let Some(o) = pmo.output {
            let dir = root.join(o.value);
            let unfiltered = Filter::new(
                root,
                &Skip {
                    output: None,
                    exclude: settings.exclude.clone(),
                },
            );
            if discover::holds_sources(&dir, &unfiltered) {
                settings.output_holds_sources = true;
            } else {
                settings.output = dir;
            }
        }
    }
    Ok(settings)
}

/// Finds the project that holds `path` and compiles it. A `--metrics`
/// folder that does not exist stops it (a watch round, which runs on, reads
/// nothing from it instead).
pub fn compile(path: &Path, options: &Options) -> Result<Compiled, SourceError> {
    let root = discover::find_root(path)?;
    if let Some(dir) = options.metrics.as_deref() {
        metrics_folder_exists(dir)?;
    }
    let mut cache = Cache {
        one_shot: true,
        ..Cache::default()
    };
    compile_root(root, options, &mut cache)
}

/// Compiles the project at `root`, reusing what `cache` holds of unchanged
/// files and remembering the rest.
pub fn compile_root(
    root: PathBuf,
    options: &Options,
    cache: &mut Cache,
) -> Result<Compiled, SourceError> {
    compile_overlaid(root, options, cache, &Overlay::default())
}

/// [`compile_root`] with the texts of `overlay` standing in for the files
/// on disk (the cache compares those texts, so an edit re-parses its file).
pub fn compile_overlaid(
    root: PathBuf,
    options: &Options,
    cache: &mut Cache,
    overlay: &Overlay,
) -> Result<Compiled, SourceError> {
    let (filter, inputs, output_holds_sources) = read_sources(&root, options, overlay, cache)?;
    let metrics = metrics::folder(&root, options.metrics.as_deref());
    let read = Read {
        root,
        filter,
        inputs,
        output_holds_sources,
        metrics,
    };
    options.cancel.check();
    Ok(assemble(read, options, cache, overlay))
}

/// Compiles sources held in memory, named as discovery names them, relative
/// to a project root that is not on disk (`pmo.kdl` is the manifest): the
/// steps of [`compile_root`] from parsing on (decode, parse, lower, the
/// model rules, the evaluation without observations, the lints), without
/// discovery, metrics or an output folder. The fuzz targets and the
/// hostile-input tests run the pipeline through it, so they cannot drift
/// from it.
pub fn compile_memory(mut files: Vec<(String, Vec<u8>)>, options: &Options) -> Compiled {
    files.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let root = PathBuf::new();
    let inputs = files
        .into_iter()
        .map(|(name, bytes)| {
            let path = PathBuf::from(&name);
            (Found { name, path }, Content::Read(bytes, None))
        })
        .collect();
    let read = Read {
        filter: Filter::new(&root, &Skip::default()),
        root,
        inputs,
        output_holds_sources: false,
        metrics: None,
    };
    let mut cache = Cache {
        one_shot: true,
        ..Cache::default()
    };
    assemble(read, options, &mut cache, &Overlay::default())
}

/// What a compilation reads before it parses: the root, discovery's filter,
/// every source's bytes in order, whether the manifest's `output` was
/// refused for holding sources, and the metrics folder.
struct Read {
    root: PathBuf,
    filter: Filter,
    inputs: Vec<Input>,
    output_holds_sources: bool,
    metrics: Option<PathBuf>,
}

/// The compilation of what was read: each file parsed and lowered (through
/// `cache`), then, without a syntax error, the model rules and the
/// evaluation (a CSV's text from `overlay` where it holds one), the lints,
/// and the diagnostics in section 8's order.
fn assemble(read: Read, options: &Options, cache: &mut Cache, overlay: &Overlay) -> Compiled {
    let Read {
        root,
        filter,
        inputs,
        output_holds_sources,
        metrics,
    } = read;
    let mut results = cache.parse(inputs, &options.cancel);
    let mut sources = SourceMap::default();
    let mut model = Model::default();
    let mut diagnostics = Vec::new();
    let mut syntax_errors = false;
    let models = models_of(&mut results, cache.one_shot);
    for (Cached { result, .. }, file_model) in results.iter().zip(models) {
        sources.add(result.file.clone());
        model.append(file_model);
        diagnostics.extend(result.diagnostics.iter().cloned());
        syntax_errors |= result.syntax_error;
    }
    if !cache.one_shot {
        cache.files = results
            .into_iter()
            .map(|c| (c.result.file.name.clone(), c))
            .collect();
    }
    options.cancel.check();
    if output_holds_sources {
        diagnostics.extend(check::manifest::output_with_sources(&model));
    }
    let manifest = model.pmo.as_ref().and_then(|p| p.as_of).map(|d| d.value);
    let (as_of, as_of_source) = AsOfSource::resolve(options.as_of, manifest, today_utc());
    let mut evaluation = Arc::<Evaluation>::default();
    let lookups = OnceLock::new();
    if !syntax_errors {
        let texts = |path: &Path| overlay.get(path).cloned();
        let mut one_shot = check::Memo::default();
        let memos = match cache.one_shot {
            false => (Some(&mut cache.metrics), &mut cache.rules),
            true => (None, &mut one_shot),
        };
        let (judged, built, found) = judge(
            (&root, metrics.as_deref()),
            &texts,
            &mut model,
            as_of,
            &mut sources,
            memos,
            (&options.cancel, options.catalogue),
        );
        diagnostics.extend(found);
        evaluation = Arc::new(judged);
        _ = lookups.set(built);
    }
    let lints = model
        .pmo
        .as_ref()
        .map(|p| p.lints.as_slice())
        .unwrap_or_default();
    let mut diagnostics = check::apply_lints(diagnostics, lints, options.deny_warnings);
    sort(&mut diagnostics, &sources);
    Compiled {
        root,
        sources,
        model,
        lookups,
        diagnostics,
        syntax_errors,
        as_of,
        as_of_source,
        filter,
        evaluation,
        metrics,
    }
}

/// Each file's model for this compilation: moved out of a one-shot cache's
/// results, else cloned (in parallel) so the cache keeps its copy.
fn models_of(results: &mut [Cached], one_shot: bool) -> Vec<Model> {
    if one_shot {
        return results
            .iter_mut()
            .map(|Cached { result: r, .. }| match Arc::get_mut(r) {
                Some(r) => std::mem::take(&mut r.model),
                None => r.model.clone(),
            })
            .collect();
    }
    results.par_iter().map(|c| c.result.model.clone()).collect()
}

/// The model rules (with what the last compilation's kept, `rules`), then
/// the observations read (from `metrics`, the folder of the project at
/// `root`; a CSV's text from `texts` when it gives one, else from disk;
/// through `memo` when compilations follow one another) and judged, with
/// the model's lookups and the diagnostics.
/// Later duplicates leave the model first.
fn judge(
    (root, metrics): (&Path, Option<&Path>),
    texts: &metrics::Texts,
    model: &mut Model,
    as_of: Date,
    sources: &mut SourceMap,
    (memo, rules): (Option<&mut metrics::Memo>, &mut check::Memo),
    (cancel, catalogue): (&Cancel, bool),
) -> (Evaluation, Lookups, Vec<Diagnostic>) {
    let mut diagnostics = check::dedupe(model);
    let model = &*model;
    let lookups = Lookups::new(model);
    let index = Index::new(model, &lookups, as_of);
    cancel.check();
    let (found, ()) = rayon::join(
        || check::rules_with(&index, rules),
        || {
            if catalogue {
                index.prepare_referrers();
            }
        },
    );
    diagnostics.extend(found);
    cancel.check();
    let observations = metrics.map(|dir| {
        let (observations, found) = match memo {
            Some(memo) => memo.observe(root, dir, texts, model, sources),
            None => {
                let (observations, found) = metrics::observe(root, dir, texts, model, sources);
                (Arc::new(observations), found)
            }
        };
        diagnostics.extend(found);
        observations
    });
    let evaluation = Evaluation::of(&index, observations.as_deref());
    diagnostics.extend(check::metrics::check(&index, &evaluation));
    diagnostics.extend(check::decisions::overdue(&index, &evaluation));
    diagnostics.extend(check::allowance::check(&index, &evaluation));
    diagnostics.extend(check::improvements::no_effect(&index, &evaluation));
    diagnostics.extend(check::adoption::check(&index, &evaluation));
    (evaluation, lookups, diagnostics)
}

/// `--metrics DIR` names a folder that exists.
pub fn metrics_folder_exists(dir: &Path) -> Result<(), SourceError> {
    if dir.is_dir() {
        return Ok(());
    }
    Err(SourceError::Read {
        name: dir.display().to_string(),
        source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such folder"),
    })
}

/// A source file found, and its bytes.
type Input = (Found, Content);

/// A source's bytes as a compilation has them.
enum Content {
    /// Read now (or taken from the overlay), with the stamp taken before
    /// the read (none from the overlay, in memory or for a one-run cache).
    Read(Vec<u8>, Option<Stamp>),
    /// Not read: its stamp says the file is the one the cache holds.
    Unchanged,
}

/// Discovery's filter (from the manifest, read first: it says what
/// discovery leaves out), every source file's bytes, in order, and whether
/// the manifest's `output` was refused for holding sources.
fn read_sources(
    root: &Path,
    options: &Options,
    overlay: &Overlay,
    cache: &Cache,
) -> Result<(Filter, Vec<Input>, bool), SourceError> {
    let manifest = manifest_settings_overlaid(root, overlay)?;
    let filter = Filter::new(
        root,
        &Skip {
            output: Some(manifest.output),
            exclude: manifest.exclude,
        },
    );
    let out = options
        .out
        .as_ref()
        .map(|o| std::path::absolute(o).unwrap_or_else(|_| o.clone()));
    // Read in parallel (the order is kept).
    let inputs = discover::sources(&filter)?
        .into_par_iter()
        .filter(|f| out.as_ref().is_none_or(|out| !f.path.starts_with(out)))
        .map(|f| {
            if overlay.get(&f.path).is_some() || cache.one_shot {
                let bytes = read_overlaid(&f, overlay)?;
                return Ok((f, Content::Read(bytes, None)));
            }
            let stamp = Stamp::of(&f.path);
            if cache.unchanged(&f, stamp) {
                return Ok((f, Content::Unchanged));
            }
            let bytes = read(&f)?;
            Ok((f, Content::Read(bytes, stamp)))
        })
        .collect::<Result<Vec<_>, SourceError>>()?;
    Ok((filter, inputs, manifest.output_holds_sources))
}

impl Cache {
    /// Each file's parse and lowering, from the cache where its name,
    /// position and bytes are unchanged (or its stamp says so), else made
    /// now (in parallel).
    fn parse(&mut self, inputs: Vec<Input>, cancel: &Cancel) -> Vec<Cached> {
        let work: Vec<_> = inputs
            .into_iter()
            .enumerate()
            .map(|(i, (f, content))| {
                let id = FileId(i as u32);
                let (bytes, stamp, cached) = match content {
                    Content::Read(bytes, stamp) => {
                        let cached = self.get(id, &f, &bytes);
                        (Bytes::Read(bytes), stamp, cached)
                    }
                    // The cache holds it (so said `unchanged`, just now).
                    Content::Unchanged => {
                        let kept = &self.files[&f.name];
                        let cached = (kept.result.id == id).then(|| kept.result.clone());
                        (Bytes::Kept(kept.bytes.clone()), kept.stamp, cached)
                    }
                };
                (id, f, bytes, stamp, cached)
            })
            .collect();
        self.parsed = work.iter().filter(|w| w.4.is_none()).count();
        self.read = work
            .iter()
            .filter(|w| matches!(w.2, Bytes::Read(_)))
            .count();
        // A one-run cache keeps no bytes to compare with: each file's bytes
        // become its text without a copy.
        let keep_bytes = !self.one_shot;
        parse_pool().install(|| {
            work.into_par_iter()
                .map(|(id, f, bytes, stamp, cached)| {
                    let (bytes, result) = match (bytes, cached) {
                        (Bytes::Read(bytes), Some(result)) => (Arc::from(bytes), result),
                        (Bytes::Kept(bytes), Some(result)) => (bytes, result),
                        (bytes, None) => {
                            cancel.check();
                            let is_manifest = f.name == discover::MANIFEST;
                            let (kept, bytes) = match bytes {
                                Bytes::Read(bytes) if keep_bytes => (Arc::from(&bytes[..]), bytes),
                                Bytes::Read(bytes) => (Arc::from(&[][..]), bytes),
                                // Moved in the file list: parsed again from
                                // the bytes kept.
                                Bytes::Kept(kept) => (kept.clone(), kept.to_vec()),
                            };
                            (kept, Arc::new(process(id, f, bytes, is_manifest)))
                        }
                    };
                    Cached {
                        bytes,
                        stamp,
                        result,
                    }
                })
                .collect()
        })
    }
}

/// A file's bytes in [`Cache::parse`]: read now, or the cache's.
enum Bytes {
    Read(Vec<u8>),
    Kept(Arc<[u8]>),
}

/// The stack of a parsing thread: the KDL 1.0 fallback recurses (within
/// the syntax layer's bounds), so does lowering (within its schema).
const PARSER_STACK_BYTES: usize = 64 * 1024 * 1024;

/// Parsing and lowering run on threads with [`PARSER_STACK_BYTES`] of stack. Built once, shared by every compilation.
fn parse_pool() -> &'static rayon::ThreadPool {
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .thread_name(|i| format!("pmoc-parse-{i}"))
            .stack_size(PARSER_STACK_BYTES)
            .build()
            .expect("a thread pool")
    })
}

/// Section 8's order: file, line, column, code, end position, message.
pub fn sort(diags: &mut [Diagnostic], sources: &SourceMap) {
    diags.sort_by_cached_key(|d| {
        let (start, end) = sources.resolve(d.span);
        (
            sources.get(d.span.file).name.clone().into_bytes(),
            start,
            d.code.as_str(),
            end,
            d.message.clone(),
        )
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_flag_wins_over_the_manifest_and_the_manifest_over_today() {
        let (flag, manifest, today) = (date(2027, 1, 4), date(2026, 11, 1), date(2026, 12, 7));
        assert_eq!(
            AsOfSource::resolve(Some(flag), Some(manifest), today),
            (flag, AsOfSource::Flag)
        );
        assert_eq!(
            AsOfSource::resolve(None, Some(manifest), today),
            (manifest, AsOfSource::Manifest)
        );
        // Without either: SOURCE_DATE_EPOCH when set (the test runner's
        // environment decides), else today.
        let (_, source) = AsOfSource::resolve(None, None, today);
        let expected = if source_date_epoch().is_some() {
            AsOfSource::SourceDateEpoch
        } else {
            AsOfSource::Today
        };
        assert_eq!(source, expected);
    }

    #[test]
    fn only_an_unpinned_as_of_goes_stale_when_the_date_changes() {
        let (monday, tuesday) = (date(2026, 12, 7), date(2026, 12, 8));
        // Judged as of today: stale the next UTC day, not the same day.
        assert!(!stale(monday, AsOfSource::Today, monday));
        assert!(stale(monday, AsOfSource::Today, tuesday));
        // A clock set back is a change too.
        assert!(stale(tuesday, AsOfSource::Today, monday));
        // Pinned by the flag, the manifest or SOURCE_DATE_EPOCH: never.
        for pinned in [
            AsOfSource::Flag,
            AsOfSource::Manifest,
            AsOfSource::SourceDateEpoch,
        ] {
            assert!(!stale(monday, pinned, tuesday));
        }
    }

    #[test]
    fn the_as_of_option_overrides_the_manifest() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pmo.kdl"),
            "pmo \"p\" {\n    name \"P\"\n    as-of \"2026-11-01\"\n}\n",
        )
        .unwrap();
        let compiled = compile(dir.path(), &Options::default()).unwrap();
        assert_eq!(compiled.as_of, date(2026, 11, 1));
        assert_eq!(compiled.as_of_source, AsOfSource::Manifest);
        let options = Options {
            as_of: Some(date(2027, 2, 28)),
            ..Options::default()
        };
        let compiled = compile(dir.path(), &options).unwrap();
        assert_eq!(compiled.as_of, date(2027, 2, 28));
        assert_eq!(compiled.as_of_source, AsOfSource::Flag);
        assert!(!compiled.stale(date(2099, 1, 1)));
    }

    fn project() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pmo.kdl"),
            "pmo \"p\" {\n    name \"P\"\n}\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("people.kdl"),
            "person \"ann\" name=\"Ann\"\n",
        )
        .unwrap();
        let root = discover::find_root(dir.path()).unwrap();
        (dir, root)
    }

    fn codes(compiled: &Compiled) -> Vec<&'static str> {
        compiled
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .collect()
    }

    /// An overlay text is read instead of the file on disk, the cache
    /// re-parses a file whose overlay text changed and reuses it otherwise.
    #[test]
    fn overlay_texts_stand_in_for_files_and_key_the_cache() {
        let (_dir, root) = project();
        let people = root.join("people.kdl");
        let mut cache = Cache::default();
        let options = Options::default();
        let clean = compile_root(root.clone(), &options, &mut cache).unwrap();
        assert!(!codes(&clean).contains(&"kdl-syntax"));

        let mut overlay = Overlay::default();
        overlay.set(people.clone(), "person \"ann\" name=\"Ann\" {\n".into());
        let broken = compile_overlaid(root.clone(), &options, &mut cache, &overlay).unwrap();
        assert!(codes(&broken).contains(&"kdl-syntax"));
        assert_eq!(cache.parsed, 1, "only the overlaid file is parsed again");
        assert!(broken.syntax_errors);

        let again = compile_overlaid(root.clone(), &options, &mut cache, &overlay).unwrap();
        assert_eq!(
            cache.parsed, 0,
            "the same overlay text is taken from the cache"
        );
        assert_eq!(codes(&again), codes(&broken));

        overlay.remove(&people);
        assert!(overlay.is_empty());
        let back = compile_overlaid(root, &options, &mut cache, &overlay).unwrap();
        assert_eq!(codes(&back), codes(&clean));
        assert_eq!(
            cache.parsed, 1,
            "the file on disk differs from the overlay text"
        );
        assert!(
            std::fs::read_to_string(people)
                .unwrap()
                .ends_with("\"Ann\"\n")
        );
    }

    /// The reading of the metrics CSVs kept by a cache is taken again only
    /// while the CSVs and the declared services and metrics are the same:
    /// each compilation through the cache equals a fresh one.
    #[test]
    fn a_cache_reads_the_metrics_again_when_they_or_the_declarations_change() {
        let (_dir, root) = project();
        let csv = root.join("metrics/observed.csv");
        std::fs::create_dir(root.join("metrics")).unwrap();
        std::fs::write(&csv, "period,service,metric,value\n2026-01,ghost,m,1\n").unwrap();
        let options = Options::default();
        let mut cache = Cache::default();
        let mut overlay = Overlay::default();
        let mut check = |overlay: &Overlay| {
            let kept = compile_overlaid(root.clone(), &options, &mut cache, overlay).unwrap();
            let fresh =
                compile_overlaid(root.clone(), &options, &mut Cache::default(), overlay).unwrap();
            assert_eq!(kept.diagnostics, fresh.diagnostics);
            assert_eq!(kept.sources.len(), fresh.sources.len());
            kept.diagnostics
                .iter()
                .filter(|d| d.code == crate::base::Code::MetricsCsv)
                .map(|d| d.message.clone())
                .collect::<Vec<_>>()
        };
        let ghost = "no service `ghost` is declared".to_string();
        assert!(check(&overlay).contains(&ghost));
        assert!(check(&overlay).contains(&ghost), "the same reading");

        // `ghost` declared: the rows are checked again.
        let people = root.join("people.kdl");
        let text = "person \"ann\" name=\"Ann\"\nservice \"ghost\" {\n    name \"G\"\n}\n";
        overlay.set(people.clone(), text.into());
        assert!(!check(&overlay).contains(&ghost));
        overlay.remove(&people);
        assert!(check(&overlay).contains(&ghost));

        // The file changed on disk: read again.
        std::fs::write(&csv, "period,service,metric,value\n2026-01,phantom,m,1\n").unwrap();
        let found = check(&overlay);
        assert!(!found.contains(&ghost));
        assert!(found.contains(&"no service `phantom` is declared".to_string()));
    }

    /// The manifest is read through the overlay too (its `exclude` decides
    /// what discovery reads).
    #[test]
    fn the_manifest_is_read_through_the_overlay() {
        let (_dir, root) = project();
        let mut overlay = Overlay::default();
        overlay.set(
            root.join("pmo.kdl"),
            "pmo \"p\" {\n    name \"P\"\n    exclude \"people.kdl\"\n}\n".into(),
        );
        let compiled =
            compile_overlaid(root, &Options::default(), &mut Cache::default(), &overlay).unwrap();
        assert_eq!(compiled.sources.len(), 1);
    }
}

#[cfg(test)]
mod memory_tests {
    use super::*;

    /// The sources of the project at `root`, as discovery names them.
    fn in_memory(root: &Path) -> Vec<(String, Vec<u8>)> {
        let filter = Filter::new(root, &Skip::default());
        discover::sources(&filter)
            .unwrap()
            .into_iter()
            .map(|f| (f.name, std::fs::read(f.path).unwrap()))
            .collect()
    }

    /// What a test compares of a finding: its code, file, bytes, message.
    fn findings(c: &Compiled) -> Vec<(String, String, std::ops::Range<usize>, String)> {
        c.diagnostics
            .iter()
            .map(|d| {
                let file = c.sources.get(d.span.file).name.clone();
                let range = d.span.start as usize..d.span.end as usize;
                (d.code.as_str().to_string(), file, range, d.message.clone())
            })
            .collect()
    }

    /// The in-memory entry runs the same pipeline as the one on disk: the
    /// examples give the same findings both ways (without observations: an
    /// empty metrics folder on disk).
    #[test]
    fn a_project_in_memory_compiles_as_it_does_on_disk() {
        let empty = tempfile::tempdir().unwrap();
        for example in ["examples/acme", "examples/broken"] {
            let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(example);
            let options = Options {
                metrics: Some(empty.path().to_path_buf()),
                ..Options::default()
            };
            let disk = compile(&root, &options).unwrap();
            let memory = compile_memory(in_memory(&root), &options);
            assert!(!disk.diagnostics.is_empty(), "{example}");
            assert_eq!(findings(&disk), findings(&memory), "{example}");
            assert_eq!(disk.as_of, memory.as_of, "{example}");
            assert_eq!(disk.model.services.len(), memory.model.services.len());
        }
    }
}

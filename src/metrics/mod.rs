//! Metric observations and what they say: the CSV files under `metrics/`
//! (or `--metrics DIR`) read into [`Observations`] with their `metrics-csv`
//! diagnostics ([`read`]), and the model judged against them
//! ([`evaluate`]): SLA attainment per target and period, each trigger's
//! state per service, adoption against its target.
//!
//! This step runs after the checks of the model (it needs the declared
//! services and metrics, deduplicated) and before the outputs, which
//! publish the [`Evaluation`].

pub mod adoption;
pub mod allowance;
pub mod effect;
pub mod evaluate;
pub mod period;
mod read;

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use std::sync::Arc;

use rayon::prelude::*;

use crate::base::{Diagnostic, FileId, SourceFile, SourceMap};
use crate::discover;
use crate::model::{Model, Period, Unit};
pub use effect::{Effect, Verdict};
pub use evaluate::Evaluation;
pub use period::PeriodKey;
use read::Content;
pub use read::{FilePeriods, IdCell, IdColumn, MAX_CSV_BYTES, MAX_FINDINGS, id_cells};

/// One observed value and its weight (`n`, 1 when the file gives none).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub value: f64,
    pub weight: f64,
}

/// Every observation read, by service, metric and period.
#[derive(Debug, Default, Clone)]
pub struct Observations {
    series: FxHashMap<String, FxHashMap<String, BTreeMap<PeriodKey, Sample>>>,
    /// The first day of each service's first observed period (any metric).
    first: FxHashMap<String, Date>,
    /// How many CSV files were read.
    pub files: usize,
    /// The periods of each file's rows, in the order the files were read.
    pub periods: Vec<FilePeriods>,
}

impl Observations {
    fn from_rows<'a>(
        rows: impl Iterator<Item = (&'a str, &'a str, Vec<(PeriodKey, Sample)>)>,
        files: usize,
    ) -> Observations {
        let mut observations = Observations {
            files,
            ..Observations::default()
        };
        for (service, metric, samples) in rows {
            if let Some(day) = samples.iter().map(|(p, _)| p.first_day()).min() {
                let first = observations.first.entry(service.to_string()).or_insert(day);
                *first = (*first).min(day);
            }
            observations
                .series
                .entry(service.to_string())
                .or_default()
                .insert(metric.to_string(), samples.into_iter().collect());
        }
        observations
    }

    /// Whether any file was read: the metric rules run only then.
    pub fn read_any(&self) -> bool {
        self.files > 0
    }

    /// The observations of one metric for one service, by period.
    pub fn series(&self, service: &str, metric: &str) -> Option<&BTreeMap<PeriodKey, Sample>> {
        self.series.get(service)?.get(metric)
    }

    /// The first day of the service's first observed period.
    pub fn first_day(&self, service: &str) -> Option<Date> {
        self.first.get(service).copied()
    }

    /// The value of `metric` for `service` in `period`: its own observation
    /// when the metric is observed by that kind of period; else, for a
    /// coarser period, the average of the finer observations that make it
    /// up, weighted by `n`, when every one of them is present. A period
    /// finer than the metric's cadence, or partly covered, has no value.
    pub fn value(
        &self,
        service: &str,
        metric: &str,
        period: PeriodKey,
        cadence: Period,
    ) -> Option<f64> {
        let series = self.series(service, metric)?;
        if cadence == period.kind() {
            return series.get(&period).map(|s| s.value);
        }
        let parts = period.parts(cadence);
        if parts.len() <= 1 {
            return None;
        }
        let (mut sum, mut weights) = (0.0, 0.0);
        for part in parts {
            let sample = series.get(&part)?;
            sum += sample.value * sample.weight;
            weights += sample.weight;
        }
        Some(sum / weights)
    }
}

/// The metrics folder: `--metrics DIR` (relative to the working directory),
/// else `metrics/` at the project root when it exists.
pub fn folder(root: &Path, option: Option<&Path>) -> Option<PathBuf> {
    match option {
        Some(dir) => Some(dir.to_path_buf()),
        // A link, even one leading nowhere, is read (and refused) by the walk.
        None => Some(root.join("metrics")).filter(|d| d.is_dir() || d.is_symlink()),
    }
}

/// The texts that stand in for files on disk (the language server's open
/// documents), by path as the walk finds them.
pub type Texts<'a> = dyn Fn(&Path) -> Option<std::sync::Arc<str>> + Sync + 'a;

/// Reads every CSV of `dir` into `sources` and the observations (a file's
/// text from `texts` when it gives one). A file inside the project is
/// named by its path from the root, as sources are; one outside it by its
/// path as given.
pub fn observe(
    root: &Path,
    dir: &Path,
    texts: &Texts,
    model: &Model,
    sources: &mut SourceMap,
) -> (Observations, Vec<Diagnostic>) {
    let files = contents(root, dir, texts);
    read::read(&files, &names(root), model, sources)
}

/// Every CSV of `dir`, with its content (a link not followed is
/// [`Content::Refused`]).
fn contents(root: &Path, dir: &Path, texts: &Texts) -> Vec<(PathBuf, Content)> {
    read::csv_files(dir, &bounds(root, dir))
        .into_par_iter()
        .map(|(path, refused)| {
            let content = match refused {
                Some(why) => Content::Refused(why),
                None => Content::of(&path, texts(&path)),
            };
            (path, content)
        })
        .collect()
}

/// Where a link met reading `dir` may lead: inside the project; for a
/// folder named with `--metrics` (the user's choice, which may lie outside
/// the project), inside that folder too. The project's own `metrics/`
/// (by default or named) is read only when it lies inside the project.
fn bounds(root: &Path, dir: &Path) -> discover::Bounds {
    let canonical = |p: &Path| std::fs::canonicalize(p).ok();
    let own = dir.file_name().is_some_and(|n| n == "metrics")
        && dir
            .parent()
            .and_then(canonical)
            .is_some_and(|parent| Some(parent) == canonical(root));
    if own {
        discover::Bounds::new([root])
    } else {
        discover::Bounds::new([root, dir])
    }
}

/// The name of a metrics file in diagnostics: its path from `root` when it
/// is inside the project, else its path as given.
fn names(root: &Path) -> impl Fn(&Path) -> String + Sync {
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    move |path: &Path| -> String {
        let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        match real.strip_prefix(&root) {
            Ok(inside) => inside
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
            Err(_) => match path.strip_prefix(&root) {
                Ok(inside) => inside
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/"),
                Err(_) => path.display().to_string(),
            },
        }
    }
}

/// The last reading of observations and what it was read from, for
/// compilations that follow one another (`pmoc lsp`, `pmoc watch`): when no
/// CSV changed (the same files, byte for byte) and the services and
/// metrics the rows are checked against are the same, the reading is taken
/// again instead of made anew: the same observations, diagnostics and
/// files added to the sources.
#[derive(Default)]
pub struct Memo {
    last: Option<Reading>,
}

/// One reading, kept.
struct Reading {
    key: Key,
    observations: Arc<Observations>,
    diagnostics: Vec<Diagnostic>,
    files: Vec<SourceFile>,
}

/// What a reading depends on: where it happens (the root names the files;
/// the first file id is `base`), the files and their contents, and what
/// the rows are checked against (the ids of the services and metrics in
/// model order, each metric's cadence and unit).
#[derive(PartialEq)]
struct Key {
    root: PathBuf,
    base: usize,
    files: Vec<(PathBuf, Content)>,
    services: Vec<String>,
    metrics: Vec<(String, Option<Period>, Option<Unit>)>,
}

impl Memo {
    /// [`observe`], or the last reading when it read the same files
    /// against the same declarations.
    pub fn observe(
        &mut self,
        root: &Path,
        dir: &Path,
        texts: &Texts,
        model: &Model,
        sources: &mut SourceMap,
    ) -> (Arc<Observations>, Vec<Diagnostic>) {
        let key = Key {
            root: root.to_path_buf(),
            base: sources.len(),
            files: contents(root, dir, texts),
            services: model.services.iter().map(|s| s.id.value.clone()).collect(),
            metrics: model
                .metrics
                .iter()
                .map(|m| {
                    let cadence = m.cadence.map(|c| c.value);
                    (m.id.value.clone(), cadence, m.unit.map(|u| u.value))
                })
                .collect(),
        };
        if let Some(last) = &self.last
            && last.key == key
        {
            for file in &last.files {
                sources.add(file.clone());
            }
            return (last.observations.clone(), last.diagnostics.clone());
        }
        self.last = None;
        let base = sources.len();
        let (observations, diagnostics) = read::read(&key.files, &names(root), model, sources);
        let files = (base..sources.len())
            .map(|i| sources.get(FileId(i as u32)).clone())
            .collect();
        let observations = Arc::new(observations);
        self.last = Some(Reading {
            key,
            observations: observations.clone(),
            diagnostics: diagnostics.clone(),
            files,
        });
        (observations, diagnostics)
    }
}

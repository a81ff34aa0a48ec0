//! Observations for a generated project: `metrics/observed.csv` with a
//! value, in each period of the metric's cadence over the months before
//! as-of, of every metric a service in operation or transform is judged by
//! (its SLA targets and the conditions of the triggers that apply to it),
//! as a PMO would collect them. Values are healthy
//! (inside their unit's range and above every trigger's threshold), so the
//! project stays free of `trigger-fired`; a bench measures reading and
//! judging them, not what they say.

use std::fmt::Write;
use std::io;
use std::path::Path;

use pmoc::compile::{Options, compile};
use pmoc::metrics::PeriodKey;
use pmoc::model::{Metric, Period, SUPERSEDED, Stage, Unit};

use crate::rng::Lcg;

/// Writes `months` months of observations for the project at `dir` (which
/// must compile) and returns how many rows were written.
pub fn write_observations(dir: &Path, months: usize) -> io::Result<usize> {
    let compiled = compile(dir, &Options::default()).map_err(io::Error::other)?;
    let model = &compiled.model;
    let index = compiled.index();
    let mut rng = Lcg::new(months as u64);
    let mut csv = String::from("period,service,metric,value,n,source\n");
    let mut rows = 0;
    let judged = model
        .services
        .iter()
        .filter(|s| matches!(s.stage(), Some(Stage::Operation | Stage::Transform)));
    for service in judged {
        let slas = service.slas.iter().flat_map(|sla| &sla.targets);
        let triggers = index.triggers_of(&service.id.value);
        let mut watched: Vec<&str> = slas
            .map(|t| t.metric.as_str())
            .chain(
                triggers
                    .filter_map(|t| t.when.as_ref())
                    .map(|w| w.metric.as_str()),
            )
            .filter(|m| *m != SUPERSEDED)
            .collect();
        watched.sort_unstable();
        watched.dedup();
        for metric in watched.into_iter().filter_map(|m| index.get::<Metric>(m)) {
            let (Some(cadence), Some(unit)) = (metric.cadence, metric.unit) else {
                continue;
            };
            let per = match cadence.value {
                Period::Month => 1,
                Period::Quarter => 3,
                Period::Year => 12,
            };
            let last = PeriodKey::last_complete(compiled.as_of, cadence.value);
            for period in last.window(months.div_ceil(per)) {
                let value = healthy(unit.value, &mut rng);
                let n = rng.range(5, 200);
                let (id, metric) = (&service.id.value, &metric.id.value);
                let _ = writeln!(csv, "{period},{id},{metric},{value},{n},synth");
                rows += 1;
            }
        }
    }
    let folder = dir.join("metrics");
    std::fs::create_dir_all(&folder)?;
    std::fs::write(folder.join("observed.csv"), csv)?;
    Ok(rows)
}

/// A value well inside the unit's range, on the good side of the
/// generated triggers' thresholds.
fn healthy(unit: Unit, rng: &mut Lcg) -> i32 {
    match unit {
        Unit::Percent => rng.range(91, 100),
        Unit::Count => rng.range(5, 80),
        Unit::Days => rng.range(1, 9),
        Unit::Hours => rng.range(1, 30),
        Unit::Score5 => rng.range(4, 5),
        Unit::Nps => rng.range(10, 60),
    }
}

//! Pictures drawn by the program as inline SVG (no JavaScript chart
//! library): the lifecycle strip of a service, the function × stage map of
//! the index, the dependency graph of services, and the attainment chart
//! of an SLA target. Every user string is
//! escaped; colours come from CSS classes so dark mode and print apply.
//!
//! A picture without links is `role="img"` with a name. A picture with
//! links is never `role="img"` (an image's content is presentational, its
//! links would be out of reach): it is `role="list"`, one item per entity,
//! and every link has an accessible name that holds the text it shows.
//! Names are drawn whole, never cut, so that what is seen is what is named.

use std::collections::HashMap;
use std::fmt::Write;

use super::html::escape;
use crate::base::EntityKind;
use crate::catalog::{
    Attainment, Catalog, FunctionEntry, MetricEntry, PeriodAttainment, ServiceEntry, TargetEntry,
};
use crate::metrics::period::PeriodKey;
use crate::model::{BoundKind, Stage, Unit};

/// A generous estimate of the width of a label in pixels at a font size:
/// the pictures are sized to hold their names whole.
pub(super) fn text_width(s: &str, font_px: f64) -> usize {
    (s.chars().count() as f64 * font_px * 0.58).ceil() as usize
}

/// The seven stages as a strip of chevrons with the service's stage marked.
/// A chevron is wide enough to hold its stage's name, the longest
/// ("implementation", about 107 px in bold 12 px type) included, between its
/// notch and its point: a label never spills over the next chevron (where
/// it would lose its contrast).
///
/// The strip keeps the current stage in view on a narrow screen without
/// script: it says its natural width (`--width`) and where the current
/// chevron's middle lies, as a fraction of it (`--at`); where the strip
/// does not fit, the stylesheet crops it around that point, ends kept
/// flush (`figure.strip` in style.css).
pub fn lifecycle_strip(stage: Option<Stage>) -> String {
    let (h, step) = (56, 128);
    let w = step * 7 + 6;
    let label = match stage {
        Some(s) => format!("Lifecycle: {} (stage {} of 7)", s, s.index() + 1),
        None => "Lifecycle: stage not given".into(),
    };
    let at = stage.map_or(0.0, |s| (s.index() * step + step / 2 + 6) as f64 / w as f64);
    let mut svg = format!(
        r#"<svg class="lifecycle" viewBox="0 0 {w} {h}" width="{w}" style="--width: {w}px; --at: {at:.4}" role="img" aria-label="{}"><title>{}</title>"#,
        escape(&label),
        escape(&label)
    );
    for s in Stage::ALL {
        let x = s.index() * step;
        let current = Some(*s) == stage;
        let class = if current {
            format!("chevron current stage-{s}")
        } else {
            "chevron".to_string()
        };
        let points = format!(
            "{},{} {},{} {},{} {},{} {},{} {},{}",
            x + 2,
            4,
            x + step - 10,
            4,
            x + step + 2,
            h / 2,
            x + step - 10,
            h - 4,
            x + 2,
            h - 4,
            x + 14,
            h / 2
        );
        let _ = write!(
            svg,
            r#"<g class="{class}"><polygon points="{points}"/><text x="{}" y="{}" text-anchor="middle">{}</text></g>"#,
            x + step / 2 + 6,
            h / 2 + 5,
            s
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Functions down, stages across: each cell's dot is sized by its number of
/// services. A list, one item per function: the function's name links to
/// its page, and so does each dot, named with what it counts ("Risk and
/// issue management, stage operation: 3 services"). The dots lead where the
/// name leads, so they are left out of the tab order: the keyboard stops
/// once per function, a screen reader still reads every count.
pub fn function_stage_map(catalog: &Catalog) -> String {
    let mut counts: HashMap<(&str, Stage), usize> = HashMap::new();
    for s in &catalog.services {
        if let (Some(f), Some(stage)) = (&s.function, s.stage) {
            *counts.entry((f.as_str(), stage)).or_default() += 1;
        }
    }
    let max = counts.values().copied().max().unwrap_or(1).max(1);
    let name_of = |f: &FunctionEntry| f.name.clone().unwrap_or(f.id.clone());
    let widest = catalog
        .functions
        .iter()
        .map(|f| text_width(&name_of(f), 12.0))
        .max()
        .unwrap_or(0);
    let (left, top, col, row) = (widest.max(120) + 20, 40, 96, 34);
    let w = left + col * 7 + 10;
    let h = top + row * catalog.functions.len().max(1) + 10;
    let mut svg = format!(
        r#"<svg class="stage-map" viewBox="0 0 {w} {h}" role="list" aria-labelledby="stage-map-title"><title id="stage-map-title">Services of each function by lifecycle stage</title><g aria-hidden="true">"#
    );
    for s in Stage::ALL {
        let _ = write!(
            svg,
            r#"<text class="axis" x="{}" y="{}" text-anchor="middle">{s}</text>"#,
            left + s.index() * col + col / 2,
            top - 14
        );
    }
    svg.push_str("</g>");
    for (i, f) in catalog.functions.iter().enumerate() {
        let y = top + i * row + row / 2;
        let name = name_of(f);
        let href = escape(&EntityKind::Function.url(&f.id));
        let _ = write!(
            svg,
            r#"<g role="listitem"><line class="grid" x1="{left}" y1="{y}" x2="{}" y2="{y}"/><a href="{href}"><text class="axis fn" x="{}" y="{}" text-anchor="end">{}</text></a>"#,
            left + col * 7,
            left - 10,
            y + 4,
            escape(&name)
        );
        for s in Stage::ALL {
            let Some(&n) = counts.get(&(f.id.as_str(), *s)) else {
                continue;
            };
            let counted = format!(
                "{name}, stage {s}: {n} service{}",
                if n == 1 { "" } else { "s" }
            );
            let cx = left + s.index() * col + col / 2;
            let _ = write!(
                svg,
                r#"<a href="{href}" tabindex="-1" aria-label="{counted}"><g class="cell stage-{s}"><title>{counted}</title><circle cx="{cx}" cy="{y}" r="{r:.1}"/><text x="{cx}" y="{}" text-anchor="middle">{n}</text></g></a>"#,
                y + 4,
                r = dot_radius(n, max),
                counted = escape(&counted)
            );
        }
        svg.push_str("</g>");
    }
    svg.push_str("</svg>");
    svg
}

/// The radius of a dot counting `n` of at most `max`: its area grows with
/// the count, and it always holds its number (11 px bold digits, about 7 px
/// wide and 13 px tall with the line's ascent and descent), which must not
/// stand on the page's background.
fn dot_radius(n: usize, max: usize) -> f64 {
    let digits = n.to_string().len() as f64;
    (5.0 + 9.0 * (n as f64 / max as f64).sqrt()).max(3.5 * digits + 5.0)
}

pub use super::graph::dependency_graph;

/// How a value reads with its unit: "97%", "4.5 days", "2 h", "4.2".
pub fn with_unit(value: f64, unit: Option<Unit>) -> String {
    let n = crate::base::number::show(value);
    match unit {
        Some(Unit::Percent) => format!("{n}%"),
        Some(Unit::Days) => format!("{n} days"),
        Some(Unit::Hours) => format!("{n} h"),
        _ => n,
    }
}

/// A period's label on a chart's axis, on two lines: "Nov" or "Q4", and
/// the year under the first period and under each that starts a year.
fn period_label(period: &str, first: bool) -> (String, Option<String>) {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (year, rest) = period.split_once('-').unwrap_or((period, ""));
    let short = if let Some(q) = rest.strip_prefix('Q') {
        Some((format!("Q{q}"), q == "1"))
    } else {
        rest.parse::<usize>()
            .ok()
            .and_then(|m| MONTHS.get(m.wrapping_sub(1)))
            .map(|m| (m.to_string(), *m == "Jan"))
    };
    match short {
        Some((short, starts_year)) => (short, (first || starts_year).then(|| year.to_string())),
        None => (period.to_string(), None),
    }
}

/// The words of a state, as the charts and pages say it.
fn state_words(state: Attainment) -> &'static str {
    match state {
        Attainment::Met => "met",
        Attainment::Warned => "warned",
        Attainment::Breached => "breached",
        Attainment::NoData => "no data",
    }
}

/// A state as a CSS class.
fn state_class(state: Attainment) -> &'static str {
    match state {
        Attainment::Met => "met",
        Attainment::Warned => "warned",
        Attainment::Breached => "breached",
        Attainment::NoData => "no-data",
    }
}

/// The target in words: "at least 95%, warning below 97%".
fn target_words(target: &TargetEntry, unit: Option<Unit>) -> String {
    let Some(t) = &target.threshold else {
        return "no threshold".into();
    };
    let (kind, warn_side) = match t.kind {
        BoundKind::AtLeast => ("at least", "below"),
        BoundKind::AtMost => ("at most", "above"),
    };
    let mut words = format!("{kind} {}", with_unit(t.value, unit));
    if let Some(w) = target.warn {
        let _ = write!(words, ", warning {warn_side} {}", with_unit(w, unit));
    }
    words
}

/// The vertical scale of a chart: the values, the target and its warning
/// level in view, widened to round ticks ("nice numbers": steps of 1, 2
/// or 5 times a power of ten, three to five of them), mapped onto the
/// plot's height.
struct Scale {
    lo: f64,
    hi: f64,
    step: f64,
}

impl Scale {
    /// Room above the plot for the axis's unit.
    const TOP: f64 = 22.0;
    const HEIGHT: f64 = 96.0;

    fn of(values: impl Iterator<Item = f64>) -> Scale {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in values.filter(|v| v.is_finite()) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        if !lo.is_finite() {
            (lo, hi) = (0.0, 1.0);
        }
        if hi - lo < 1e-9 {
            // One value: a round range around it.
            let pad = (hi.abs() * 0.1).max(1.0);
            (lo, hi) = (lo - pad, hi + pad);
        }
        let step = nice_step((hi - lo) / 4.0);
        let (lo_tick, hi_tick) = ((lo / step).floor() * step, (hi / step).ceil() * step);
        Scale {
            lo: lo_tick,
            hi: hi_tick.max(lo_tick + step),
            step,
        }
    }

    fn y(&self, v: f64) -> f64 {
        Self::TOP + Self::HEIGHT * (self.hi - v) / (self.hi - self.lo)
    }

    /// The ticks, lowest first, each a round number.
    fn ticks(&self) -> Vec<f64> {
        let n = ((self.hi - self.lo) / self.step).round() as i64;
        // 3 × 0.05 is 0.15000000000000002: keep the round number, to the
        // step's decimals (one more than its power of ten asks).
        let decimals = (1.0 - self.step.log10().floor()).clamp(0.0, 12.0);
        let unit = 10f64.powf(decimals);
        (0..=n.min(20))
            .map(|i| ((self.lo + i as f64 * self.step) * unit).round() / unit)
            .map(|v| if v == 0.0 { 0.0 } else { v })
            .collect()
    }

    /// The horizontal grid lines and the tick labels at the left, with the
    /// unit (a percentage on each tick, any other unit above the axis).
    fn draw(&self, svg: &mut String, unit: Option<Unit>, left: f64, right: f64) {
        svg.push_str(r#"<g class="y-scale">"#);
        for v in self.ticks() {
            let y = self.y(v);
            let label = match unit {
                Some(Unit::Percent) => format!("{}%", show(v)),
                _ => show(v),
            };
            let _ = write!(
                svg,
                r#"<line class="grid" x1="{left}" y1="{y:.1}" x2="{right}" y2="{y:.1}"/><text class="axis tick" x="{}" y="{:.1}" text-anchor="end">{label}</text>"#,
                left - 6.0,
                y + 4.0,
            );
        }
        if let Some(words) = unit_words(unit) {
            let _ = write!(
                svg,
                r#"<text class="axis unit" x="{}" y="{}" text-anchor="end">{words}</text>"#,
                left - 6.0,
                Self::TOP - 8.0
            );
        }
        svg.push_str("</g>");
    }
}

/// A step of 1, 2 or 5 times a power of ten, the smallest at least `raw`.
fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * power)
}

/// What a chart's vertical axis counts, written above it (a percentage
/// says so on each tick instead).
fn unit_words(unit: Option<Unit>) -> Option<&'static str> {
    match unit? {
        Unit::Percent => None,
        Unit::Days => Some("days"),
        Unit::Hours => Some("hours"),
        Unit::Count => Some("count"),
        Unit::Score5 => Some("score"),
        Unit::Nps => Some("NPS"),
    }
}

fn show(v: f64) -> String {
    crate::base::number::show(v)
}

/// A value as a chart labels a point: the number, with `%` for a
/// percentage (the axis says any other unit).
fn point_label(v: f64, unit: Option<Unit>) -> String {
    match unit {
        Some(Unit::Percent) => format!("{}%", show(v)),
        _ => show(v),
    }
}

/// The months a group of charts spans, so that charts shown together
/// share their time axis: a period sits at the same place on each, a
/// chart with fewer periods leaves the others' blank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodSpan {
    /// The first month (year × 12 + month − 1) and the one after the last.
    first: i32,
    end: i32,
}

impl PeriodSpan {
    /// The months from the first period's start to the last one's end;
    /// `None` without periods or with one that is not a period.
    pub fn of<'p>(periods: impl IntoIterator<Item = &'p str>) -> Option<PeriodSpan> {
        let mut span: Option<PeriodSpan> = None;
        for p in periods {
            let (start, len) = PeriodKey::parse(p)?.months();
            let this = PeriodSpan {
                first: start,
                end: start + len,
            };
            span = Some(span.map_or(this, |s| s.union(this)));
        }
        span
    }

    /// The span over both, or either.
    pub fn over(a: Option<PeriodSpan>, b: Option<PeriodSpan>) -> Option<PeriodSpan> {
        match (a, b) {
            (Some(a), Some(b)) => Some(a.union(b)),
            (a, b) => a.or(b),
        }
    }

    fn union(self, other: PeriodSpan) -> PeriodSpan {
        PeriodSpan {
            first: self.first.min(other.first),
            end: self.end.max(other.end),
        }
    }
}

/// Where each period's column lies across a plot `width` wide: its
/// middle and its width. On the months of `shared` (widened to the
/// periods' own) when every period reads as one, else evenly spaced.
fn columns(periods: &[&str], shared: Option<PeriodSpan>, width: f64) -> Vec<(f64, f64)> {
    let even = || {
        let col = width / periods.len().max(1) as f64;
        (0..periods.len())
            .map(|i| (col * (i as f64 + 0.5), col))
            .collect()
    };
    let Some(own) = PeriodSpan::of(periods.iter().copied()) else {
        return even();
    };
    let span = shared.map_or(own, |s| s.union(own));
    let month = width / f64::from(span.end - span.first);
    periods
        .iter()
        .filter_map(|p| PeriodKey::parse(p))
        .map(|p| {
            let (start, len) = p.months();
            let w = f64::from(len) * month;
            (f64::from(start - span.first) * month + w / 2.0, w)
        })
        .collect()
}

/// The plot's left edge (the ticks' labels are left of it), its width and
/// the margin right of it (the target's and warning level's labels).
const LEFT: f64 = 48.0;
const PLOT_W: f64 = 360.0;
const RIGHT: f64 = 76.0;

/// An SLA target's last periods as a chart: the target as a line, the
/// warning band between the target and its `warn` level, and each period
/// a mark of its state, by shape as well as colour: met a circle, warned a
/// triangle, breached a square labelled with its value; a period without
/// data is a hatched column with no mark (never drawn as a pass). A
/// y-scale of round ticks with the unit at the left, the target and
/// warning level named at the right; months and quarters below, the year
/// under the first and under each January or Q1. Charts shown together
/// pass the same `span`, so that they share their time axis.
///
/// An image (it holds no links), named by its `<title>` (the metric and
/// the target) and described by its `<desc>` (the counts, then every
/// period's value and state), so a screen reader hears every value. `id`
/// makes the ids inside unique on the page. `None` without any period.
pub fn attainment_chart(
    id: &str,
    target: &TargetEntry,
    metric: Option<&MetricEntry>,
    span: Option<PeriodSpan>,
) -> Option<String> {
    let periods = target.attainment.as_deref().filter(|p| !p.is_empty())?;
    let unit = metric.and_then(|m| m.unit);
    let name = metric
        .and_then(|m| m.name.as_deref())
        .unwrap_or(&target.metric);
    let levels = target.threshold.iter().map(|t| t.value).chain(target.warn);
    let scale = Scale::of(periods.iter().filter_map(|p| p.value).chain(levels));
    let names: Vec<&str> = periods.iter().map(|p| p.period.as_str()).collect();
    let cols: Vec<(f64, f64)> = columns(&names, span, PLOT_W)
        .into_iter()
        .map(|(x, w)| (LEFT + x, w))
        .collect();
    let (w, h) = (LEFT + PLOT_W + RIGHT, Scale::TOP + Scale::HEIGHT + 40.0);
    let id = escape(id);
    let mut svg = format!(
        r#"<svg class="attainment" viewBox="0 0 {w} {h}" width="{w}" role="img" aria-labelledby="{id}-title" aria-describedby="{id}-desc"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(&format!("{name}: {}", target_words(target, unit))),
        escape(&describe(periods, unit)),
    );
    if periods.iter().any(|p| p.state == Attainment::NoData) {
        let _ = write!(
            svg,
            r#"<defs><pattern id="{id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line class="hatch" x1="0" y1="0" x2="0" y2="6"/></pattern></defs>"#
        );
    }
    scale.draw(&mut svg, unit, LEFT, LEFT + PLOT_W);
    // The columns without data, then the warning band and the target.
    for (p, (x, cw)) in periods.iter().zip(&cols) {
        if p.state == Attainment::NoData {
            let _ = write!(
                svg,
                r#"<rect class="no-data" x="{:.1}" y="{}" width="{:.1}" height="{}" fill="url(#{id}-hatch)"><title>{}: no data</title></rect>"#,
                x - cw / 2.0 + 2.0,
                Scale::TOP,
                (cw - 4.0).max(2.0),
                Scale::HEIGHT,
                escape(&p.period)
            );
        }
    }
    levels_drawn(&mut svg, target, &scale);
    marks(&mut svg, periods, unit, &scale, &cols);
    labels(&mut svg, periods, target, &scale, &cols);
    svg.push_str("</svg>");
    Some(svg)
}

/// "12 months, 2025-11 to 2026-10: 0 met, 4 warned, 8 breached. 2025-11:
/// 4.1 days, warned. …"
fn describe(periods: &[PeriodAttainment], unit: Option<Unit>) -> String {
    let count = |s: Attainment| periods.iter().filter(|p| p.state == s).count();
    let mut out = format!(
        "{} period{}, {} to {}: {} met, {} warned, {} breached, {} without data.",
        periods.len(),
        if periods.len() == 1 { "" } else { "s" },
        periods[0].period,
        periods[periods.len() - 1].period,
        count(Attainment::Met),
        count(Attainment::Warned),
        count(Attainment::Breached),
        count(Attainment::NoData),
    );
    for p in periods {
        match p.value {
            Some(v) => {
                let _ = write!(
                    out,
                    " {}: {}, {}.",
                    p.period,
                    with_unit(v, unit),
                    state_words(p.state)
                );
            }
            None => {
                let _ = write!(out, " {}: no data.", p.period);
            }
        }
    }
    out
}

/// The warning band (between the target and its warning level), the
/// warning level dashed and the target as a solid line.
fn levels_drawn(svg: &mut String, target: &TargetEntry, scale: &Scale) {
    let (left, right) = (LEFT, LEFT + PLOT_W);
    let Some(t) = &target.threshold else {
        return;
    };
    let yt = scale.y(t.value);
    if let Some(w) = target.warn {
        let yw = scale.y(w);
        let _ = write!(
            svg,
            r#"<rect class="band" x="{left}" y="{:.1}" width="{PLOT_W}" height="{:.1}"/><line class="warn" x1="{left}" y1="{yw:.1}" x2="{right}" y2="{yw:.1}"/>"#,
            yt.min(yw),
            (yt - yw).abs()
        );
    }
    let _ = write!(
        svg,
        r#"<line class="target" x1="{left}" y1="{yt:.1}" x2="{right}" y2="{yt:.1}"/>"#
    );
}

/// The line through the observed values (broken where a period has none)
/// and each period's mark, shaped by its state.
fn marks(
    svg: &mut String,
    periods: &[PeriodAttainment],
    unit: Option<Unit>,
    scale: &Scale,
    cols: &[(f64, f64)],
) {
    let mut runs: Vec<Vec<String>> = vec![Vec::new()];
    for (p, (x, _)) in periods.iter().zip(cols) {
        match p.value {
            Some(v) => runs
                .last_mut()
                .expect("a run")
                .push(format!("{x:.1},{:.1}", scale.y(v))),
            None => runs.push(Vec::new()),
        }
    }
    for run in runs.iter().filter(|r| r.len() > 1) {
        let _ = write!(
            svg,
            r#"<polyline class="trend" points="{}"/>"#,
            run.join(" ")
        );
    }
    for (p, &(cx, _)) in periods.iter().zip(cols) {
        let Some(v) = p.value else { continue };
        let cy = scale.y(v);
        let shape = match p.state {
            Attainment::Met => format!(r#"<circle cx="{cx:.1}" cy="{cy:.1}" r="5"/>"#),
            Attainment::Warned => format!(
                r#"<polygon points="{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}"/>"#,
                cx,
                cy - 6.5,
                cx + 6.0,
                cy + 4.5,
                cx - 6.0,
                cy + 4.5
            ),
            _ => format!(
                r#"<rect x="{:.1}" y="{:.1}" width="10" height="10"/>"#,
                cx - 5.0,
                cy - 5.0
            ),
        };
        let _ = write!(
            svg,
            r#"<g class="mark {}">{shape}<title>{}: {}, {}</title></g>"#,
            state_class(p.state),
            escape(&p.period),
            escape(&with_unit(v, unit)),
            state_words(p.state)
        );
    }
}

/// A value's label beside its mark: above it, or below where the plot's
/// top is too near.
fn value_label(svg: &mut String, class: &str, x: f64, y: f64, text: &str) {
    let ly = if y - 10.0 < Scale::TOP + 2.0 {
        y + 19.0
    } else {
        y - 9.0
    };
    let _ = write!(
        svg,
        r#"<text class="value {class}" x="{x:.1}" y="{ly:.1}" text-anchor="middle">{}</text>"#,
        escape(text)
    );
}

/// The labels of two levels at the right of the plot (the target's and
/// the warning level's), nudged apart when they would overlap.
fn level_labels(svg: &mut String, levels: &[(f64, &str, String)]) {
    let mut ys: Vec<f64> = levels.iter().map(|(y, _, _)| *y).collect();
    if let [a, b] = ys.as_mut_slice()
        && (*a - *b).abs() < 12.0
    {
        let mid = (*a + *b) / 2.0;
        let up = if *a < *b { -6.0 } else { 6.0 };
        (*a, *b) = (mid + up, mid - up);
    }
    for ((_, class, text), y) in levels.iter().zip(ys) {
        let _ = write!(
            svg,
            r#"<text class="axis level {class}" x="{}" y="{:.1}">{}</text>"#,
            LEFT + PLOT_W + 6.0,
            y + 4.0,
            escape(text)
        );
    }
}

/// The breached values above their marks, the target and warning level
/// named at the right, the periods below.
fn labels(
    svg: &mut String,
    periods: &[PeriodAttainment],
    target: &TargetEntry,
    scale: &Scale,
    cols: &[(f64, f64)],
) {
    svg.push_str(r#"<g class="labels">"#);
    for (p, &(x, _)) in periods.iter().zip(cols) {
        if let (Attainment::Breached, Some(v)) = (p.state, p.value) {
            value_label(svg, "breached", x, scale.y(v), &show(v));
        }
    }
    if let Some(t) = &target.threshold {
        let mut levels = vec![(scale.y(t.value), "", format!("target {}", show(t.value)))];
        if let Some(w) = target.warn {
            levels.push((scale.y(w), "warn", format!("warn {}", show(w))));
        }
        level_labels(svg, &levels);
    }
    let names: Vec<&str> = periods.iter().map(|p| p.period.as_str()).collect();
    period_labels(svg, &names, cols);
    svg.push_str("</g>");
}

/// The periods' labels under the plot, leaving out those that would
/// crowd the one before; the year under the first and where it changes.
fn period_labels(svg: &mut String, periods: &[&str], cols: &[(f64, f64)]) {
    let base = Scale::TOP + Scale::HEIGHT + 16.0;
    let mut last: Option<f64> = None;
    for (i, (p, &(x, _))) in periods.iter().zip(cols).enumerate() {
        if last.is_some_and(|l| x - l < 26.0) {
            continue;
        }
        last = Some(x);
        let (short, year) = period_label(p, i == 0);
        let _ = write!(
            svg,
            r#"<text class="axis" x="{x:.1}" y="{base}" text-anchor="middle">{}</text>"#,
            escape(&short)
        );
        if let Some(year) = year {
            let _ = write!(
                svg,
                r#"<text class="axis" x="{x:.1}" y="{}" text-anchor="middle">{}</text>"#,
                base + 14.0,
                escape(&year)
            );
        }
    }
}

/// One period of a [`series_chart`].
pub struct Point<'a> {
    pub period: &'a str,
    pub value: Option<f64>,
    /// The plan's value at the period's end (adoption only).
    pub planned: Option<f64>,
    /// Judged against the plan (or threshold): `Some(true)` behind.
    pub behind: Option<bool>,
}

/// A series of observed values over periods, for adoption (with the plan's
/// line dashed and the target solid) and for KPIs (observations alone).
/// Judged marks are shaped by their state as well as coloured: on plan a
/// circle, behind a square labelled with its value; an unjudged
/// observation (a KPI) a diamond. A y-scale of round ticks with the unit,
/// the target named at the right; periods below. Charts shown together
/// pass the same `span`. An image named by `title`, described in `<desc>`
/// with every value. `None` without any period.
pub fn series_chart(
    id: &str,
    title: &str,
    points: &[Point],
    target: Option<f64>,
    unit: Option<Unit>,
    span: Option<PeriodSpan>,
) -> Option<String> {
    if points.is_empty()
        || points
            .iter()
            .all(|p| p.value.is_none() && p.planned.is_none())
    {
        return None;
    }
    let values = points
        .iter()
        .flat_map(|p| [p.value, p.planned])
        .flatten()
        .chain(target);
    let scale = Scale::of(values);
    let names: Vec<&str> = points.iter().map(|p| p.period).collect();
    let cols: Vec<(f64, f64)> = columns(&names, span, PLOT_W)
        .into_iter()
        .map(|(x, w)| (LEFT + x, w))
        .collect();
    let (w, h) = (LEFT + PLOT_W + RIGHT, Scale::TOP + Scale::HEIGHT + 40.0);
    let id = escape(id);
    let desc = series_desc(points, unit);
    let mut svg = format!(
        r#"<svg class="attainment series" viewBox="0 0 {w} {h}" width="{w}" role="img" aria-labelledby="{id}-title" aria-describedby="{id}-desc"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(title),
        escape(desc.trim_end()),
    );
    let right = LEFT + PLOT_W;
    scale.draw(&mut svg, unit, LEFT, right);
    let _ = write!(
        svg,
        r#"<line class="axis-line" x1="{LEFT}" y1="{}" x2="{LEFT}" y2="{}"/>"#,
        Scale::TOP,
        Scale::TOP + Scale::HEIGHT
    );
    if let Some(t) = target {
        let yt = scale.y(t);
        let _ = write!(
            svg,
            r#"<line class="target" x1="{LEFT}" y1="{yt:.1}" x2="{right}" y2="{yt:.1}"/>"#
        );
    }
    let plan: Vec<String> = points
        .iter()
        .zip(&cols)
        .filter_map(|(p, (x, _))| p.planned.map(|v| format!("{x:.1},{:.1}", scale.y(v))))
        .collect();
    if plan.len() > 1 {
        let _ = write!(
            svg,
            r#"<polyline class="plan-line" points="{}"/>"#,
            plan.join(" ")
        );
    }
    series_marks(&mut svg, points, unit, &scale, &cols);
    svg.push_str(r#"<g class="labels">"#);
    for (p, &(x, _)) in points.iter().zip(&cols) {
        if let (Some(true), Some(v)) = (p.behind, p.value) {
            value_label(&mut svg, "breached", x, scale.y(v), &point_label(v, unit));
        }
    }
    if let Some(t) = target {
        level_labels(
            &mut svg,
            &[(scale.y(t), "", format!("target {}", point_label(t, unit)))],
        );
    }
    period_labels(&mut svg, &names, &cols);
    svg.push_str("</g></svg>");
    Some(svg)
}

/// A series chart's description: every period's value, plan and standing.
fn series_desc(points: &[Point], unit: Option<Unit>) -> String {
    let mut desc = String::new();
    for p in points {
        match (p.value, p.planned) {
            (Some(v), planned) => {
                let _ = write!(desc, "{}: {}", p.period, with_unit(v, unit));
                if let Some(pl) = planned {
                    let _ = write!(desc, " (plan {})", with_unit(pl, unit));
                }
                match p.behind {
                    Some(true) => desc.push_str(", behind. "),
                    Some(false) => desc.push_str(", on plan. "),
                    None => desc.push_str(". "),
                }
            }
            (None, Some(pl)) => {
                let _ = write!(desc, "{}: plan {}. ", p.period, with_unit(pl, unit));
            }
            (None, None) => {
                let _ = write!(desc, "{}: no data. ", p.period);
            }
        }
    }
    desc
}

/// The line through the observations (broken where a period has none)
/// and each observation's mark, shaped by its standing.
fn series_marks(
    svg: &mut String,
    points: &[Point],
    unit: Option<Unit>,
    scale: &Scale,
    cols: &[(f64, f64)],
) {
    let mut runs: Vec<Vec<String>> = vec![Vec::new()];
    for (p, (x, _)) in points.iter().zip(cols) {
        match p.value {
            Some(v) => runs
                .last_mut()
                .expect("a run")
                .push(format!("{x:.1},{:.1}", scale.y(v))),
            None => runs.push(Vec::new()),
        }
    }
    for run in runs.iter().filter(|r| r.len() > 1) {
        let _ = write!(
            *svg,
            r#"<polyline class="trend" points="{}"/>"#,
            run.join(" ")
        );
    }
    for (p, &(cx, _)) in points.iter().zip(cols) {
        let Some(v) = p.value else { continue };
        let cy = scale.y(v);
        let (class, words, shape) = match p.behind {
            Some(false) => (
                "met",
                ", on plan",
                format!(r#"<circle cx="{cx:.1}" cy="{cy:.1}" r="5"/>"#),
            ),
            Some(true) => (
                "breached",
                ", behind",
                format!(
                    r#"<rect x="{:.1}" y="{:.1}" width="10" height="10"/>"#,
                    cx - 5.0,
                    cy - 5.0
                ),
            ),
            None => (
                "observed",
                "",
                format!(
                    r#"<polygon points="{cx:.1},{:.1} {:.1},{cy:.1} {cx:.1},{:.1} {:.1},{cy:.1}"/>"#,
                    cy - 5.5,
                    cx + 5.5,
                    cy + 5.5,
                    cx - 5.5
                ),
            ),
        };
        let _ = write!(
            *svg,
            r#"<g class="mark {class}">{shape}<title>{}: {}{words}</title></g>"#,
            escape(p.period),
            escape(&with_unit(v, unit)),
        );
    }
}

/// A date of the catalog (`YYYY-MM-DD`) as (year, month, day).
fn ymd(date: &str) -> Option<(i32, u32, u32)> {
    let mut parts = date.splitn(3, '-');
    let y = parts.next()?.parse().ok()?;
    let m = parts.next()?.parse().ok()?;
    let d = parts.next()?.parse().ok()?;
    Some((y, m, d))
}

/// The quarters since year 0 of a date.
fn quarter_of((y, m, _): (i32, u32, u32)) -> i32 {
    y * 4 + (m as i32 - 1) / 3
}

/// "Q4 2026".
fn quarter_label(q: i32) -> String {
    format!("Q{} {}", q.rem_euclid(4) + 1, q.div_euclid(4))
}

/// At most this many quarters on the roadmap's timeline: plans beyond
/// them are drawn at its edge, with their dates.
const QUARTERS_SHOWN: i32 = 12;

/// One row of the roadmap's timeline: a service and its plans not yet
/// reached, as (stage, by, slipped).
pub struct RoadmapRow<'c> {
    pub service: &'c ServiceEntry,
    pub plans: Vec<(Stage, &'c str, bool)>,
}

/// The quarters a roadmap's timeline spans, and where things go on it.
/// Each row holds the service's name on a line of its own above its
/// track (so a narrow screen sees names and marks together), the labels
/// of its plans alternately below and above the track.
struct Timeline {
    first: i32,
    quarters: usize,
}

impl Timeline {
    const LEFT: usize = 12;
    const TOP: usize = 50;
    const COL: usize = 150;
    const ROW: usize = 76;

    /// From as-of's quarter (or up to four before it, for plans that
    /// slipped) to the last plan's, three quarters ahead at least and
    /// [`QUARTERS_SHOWN`] at most.
    fn of(today: (i32, u32, u32), rows: &[RoadmapRow]) -> Option<Timeline> {
        let dated: Vec<i32> = rows
            .iter()
            .flat_map(|r| r.plans.iter().filter_map(|(_, by, _)| ymd(by)))
            .map(quarter_of)
            .collect();
        let now = quarter_of(today);
        let first = (*dated.iter().min()?).max(now - 4).min(now);
        let last = (*dated.iter().max()?)
            .max(now + 3)
            .min(first + QUARTERS_SHOWN - 1);
        Some(Timeline {
            first,
            quarters: (last - first + 1) as usize,
        })
    }

    fn last(&self) -> i32 {
        self.first + self.quarters as i32 - 1
    }

    fn end(&self) -> usize {
        Self::LEFT + Self::COL * self.quarters
    }

    /// x of a date: its quarter's column, then the day within it (a
    /// quarter drawn as 3 months of equal width); clamped to the timeline.
    fn x(&self, (y, m, d): (i32, u32, u32)) -> f64 {
        let months = (y * 12 + m as i32 - 1) - self.first * 3;
        let at = months as f64 + (f64::from(d) - 1.0) / 31.0;
        let at = at.clamp(0.0, (self.quarters * 3) as f64);
        Self::LEFT as f64 + at * Self::COL as f64 / 3.0
    }

    /// The quarters' columns, labelled.
    fn axis(&self, svg: &mut String, h: usize) {
        let (top, col) = (Self::TOP, Self::COL);
        for i in 0..=self.quarters {
            let x = Self::LEFT + i * col;
            let _ = write!(
                svg,
                r#"<line class="grid" x1="{x}" y1="{}" x2="{x}" y2="{}"/>"#,
                top - 8,
                h - 8
            );
            if i < self.quarters {
                let _ = write!(
                    svg,
                    r#"<text class="axis" x="{}" y="{}" text-anchor="middle">{}</text>"#,
                    x + col / 2,
                    top - 16,
                    quarter_label(self.first + i as i32)
                );
            }
        }
    }

    /// Row `i`: the service's name, its track, a mark and a label per plan.
    fn row(&self, svg: &mut String, i: usize, r: &RoadmapRow) {
        let (left, end) = (Self::LEFT, self.end());
        let y = Self::TOP + i * Self::ROW + 44;
        let stage = r
            .service
            .stage
            .map_or("unknown".to_string(), |s| s.to_string());
        let _ = write!(
            svg,
            r#"<g class="row stage-{stage}"><line class="track" x1="{left}" y1="{y}" x2="{end}" y2="{y}"/><text class="name" x="{left}" y="{}">{}</text>"#,
            y - 28,
            escape(&roadmap_name(r))
        );
        for (j, (stage, by, slipped)) in r.plans.iter().enumerate() {
            let Some(date) = ymd(by) else { continue };
            let x = self.x(date);
            let (class, mark) = if *slipped {
                let corner = (x - 5.5, y as f64 - 5.5);
                let mark = format!(
                    r#"<rect x="{:.1}" y="{}" width="11" height="11" transform="rotate(45 {x:.1} {y})"/>"#,
                    corner.0, corner.1
                );
                ("plan slipped", mark)
            } else {
                let mark = format!(r#"<circle cx="{x:.1}" cy="{y}" r="6"/>"#);
                ("plan ahead", mark)
            };
            // Labels alternate below and above the track, so neighbours
            // do not cover each other; near an edge they stay inside.
            let ly = if j % 2 == 0 { y + 21 } else { y - 11 };
            let label = format!("{stage} {by}{}", if *slipped { ", slipped" } else { "" });
            let anchor = if x > (end - Self::COL / 2) as f64 {
                "end"
            } else if x < (left + Self::COL / 2) as f64 {
                "start"
            } else {
                "middle"
            };
            let _ = write!(
                svg,
                r#"<g class="{class} stage-{stage}">{mark}</g><text class="{class}" x="{x:.1}" y="{ly}" text-anchor="{anchor}">{}</text>"#,
                escape(&label)
            );
        }
        svg.push_str("</g>");
    }
}

fn roadmap_name(r: &RoadmapRow) -> String {
    r.service.name.clone().unwrap_or(r.service.id.clone())
}

/// The timeline in words: "17 plans not yet reached, 1 slipped. Skills
/// inventory: operation by 2027-03-31. …"
fn roadmap_words(rows: &[RoadmapRow]) -> String {
    let slipped = rows.iter().flat_map(|r| &r.plans).filter(|p| p.2).count();
    let total = rows.iter().map(|r| r.plans.len()).sum::<usize>();
    let mut desc = format!("{total} plans not yet reached, {slipped} slipped.");
    for r in rows {
        let moves: Vec<String> = r
            .plans
            .iter()
            .map(|(stage, by, slipped)| {
                format!(
                    "{stage} by {by}{}",
                    if *slipped { " (slipped)" } else { "" }
                )
            })
            .collect();
        let _ = write!(desc, " {}: {}.", roadmap_name(r), moves.join(", "));
    }
    desc
}

/// The services' planned moves on a quarter timeline: one row per service
/// (in the order given), a mark per plan not yet reached at its date (a
/// circle when ahead, a diamond when slipped: shape as well as colour),
/// labelled with its stage and date; a dashed line at as-of. A picture
/// without links (`role="img"`, described in words); the page lists the
/// same plans as tables. `None` without a plan to draw.
pub fn roadmap_timeline(as_of: &str, rows: &[RoadmapRow]) -> Option<String> {
    let today = ymd(as_of)?;
    let t = Timeline::of(today, rows)?;
    let widest = rows
        .iter()
        .map(|r| text_width(&roadmap_name(r), 13.0))
        .max()
        .unwrap_or(0);
    let w = (t.end() + 16).max(Timeline::LEFT + widest + 16);
    let h = Timeline::TOP + Timeline::ROW * rows.len() + 12;
    let title = format!(
        "Planned moves of {} service{}, {} to {}",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" },
        quarter_label(t.first),
        quarter_label(t.last())
    );
    let mut svg = format!(
        r#"<svg class="roadmap" viewBox="0 0 {w} {h}" width="{w}" role="img" aria-labelledby="roadmap-title" aria-describedby="roadmap-desc"><title id="roadmap-title">{}</title><desc id="roadmap-desc">{}</desc>"#,
        escape(&title),
        escape(&roadmap_words(rows))
    );
    t.axis(&mut svg, h);
    for (i, r) in rows.iter().enumerate() {
        t.row(&mut svg, i, r);
    }
    let x = t.x(today);
    let _ = write!(
        svg,
        r#"<g class="today"><line x1="{x:.1}" y1="{}" x2="{x:.1}" y2="{}"/><text class="axis" x="{x:.1}" y="{}" text-anchor="middle">as of {}</text></g>"#,
        Timeline::TOP - 4,
        h - 4,
        Timeline::TOP - 34,
        escape(as_of)
    );
    svg.push_str("</svg>");
    Some(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acme() -> Catalog {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme");
        let compiled = crate::compile::compile(&root, &Default::default()).unwrap();
        crate::catalog::build(&compiled.index(), &compiled.evaluation)
    }

    /// A picture with links is a list, never an image, and every name is
    /// drawn whole (an accessible name must hold the text it shows).
    #[test]
    fn pictures_with_links_are_lists_of_named_links() {
        let catalog = acme();
        let map = function_stage_map(&catalog);
        let graph = dependency_graph(&catalog, "").unwrap();
        for svg in [&map, &graph] {
            assert!(!svg.contains(r#"role="img""#), "{svg:.200}");
            assert!(svg.contains(r#"role="list""#));
            assert!(!svg.contains('…'), "a name is cut");
        }
        assert!(map.contains(">Capability and Centre of Excellence</text></a>"));
        assert!(
            map.contains(r#"aria-label="Risk and issue management, stage operation: 3 services""#)
        );
        assert_eq!(
            graph.matches("<a ").count(),
            graph.matches(r#"role="listitem""#).count()
        );
        assert!(graph.contains(r#"aria-label="Update the risk log (operation)""#));
    }

    fn target(periods: &[(&str, Option<f64>, Attainment)]) -> TargetEntry {
        use crate::catalog::Threshold;
        TargetEntry {
            metric: "turnaround-days".into(),
            threshold: Some(Threshold {
                kind: BoundKind::AtMost,
                value: 5.0,
            }),
            warn: Some(4.0),
            attainment: Some(
                periods
                    .iter()
                    .map(|(period, value, state)| PeriodAttainment {
                        period: period.to_string(),
                        value: *value,
                        state: *state,
                    })
                    .collect(),
            ),
        }
    }

    fn metric(name: &str) -> MetricEntry {
        MetricEntry {
            id: "turnaround-days".into(),
            name: Some(name.into()),
            unit: Some(Unit::Days),
            direction: Some(crate::model::Direction::Lower),
            cadence: Some(crate::model::Period::Month),
            kpi_of: Vec::new(),
            slas: Vec::new(),
            triggers: Vec::new(),
        }
    }

    /// Each period is one mark shaped by its state (a period without data a
    /// hatched column, no mark); the chart is an image named by its title
    /// and described by every value.
    #[test]
    fn an_attainment_chart_shows_each_state_by_shape_and_in_words() {
        use Attainment::*;
        let t = target(&[
            ("2025-12", Some(3.5), Met),
            ("2026-01", Some(4.5), Warned),
            ("2026-02", Some(6.25), Breached),
            ("2026-03", None, NoData),
        ]);
        let svg = attainment_chart("c", &t, Some(&metric("Request turnaround")), None).unwrap();
        assert!(svg.starts_with(
            r#"<svg class="attainment" viewBox="0 0 484 158" width="484" role="img" aria-labelledby="c-title" aria-describedby="c-desc"><title id="c-title">Request turnaround: at most 5 days, warning above 4 days</title>"#
        ), "{svg}");
        assert!(svg.contains(r#"<desc id="c-desc">4 periods, 2025-12 to 2026-03: 1 met, 1 warned, 1 breached, 1 without data. 2025-12: 3.5 days, met. 2026-01: 4.5 days, warned. 2026-02: 6.25 days, breached. 2026-03: no data.</desc>"#), "{svg}");
        assert_eq!(svg.matches(r#"<g class="mark "#).count(), 3);
        assert!(svg.contains(r#"<g class="mark met"><circle "#));
        assert!(svg.contains(r#"<g class="mark warned"><polygon "#));
        assert!(svg.contains(r#"<g class="mark breached"><rect "#));
        assert_eq!(svg.matches(r#"<rect class="no-data""#).count(), 1);
        assert!(
            svg.contains(r#"fill="url(#c-hatch)""#) && svg.contains(r#"<pattern id="c-hatch""#)
        );
        assert!(svg.contains(r#"<rect class="band""#) && svg.contains(r#"<line class="target""#));
        // The labels: the months, the year under the first and under January.
        for label in [">Dec<", ">2025<", ">Jan<", ">2026<", ">Feb<", ">Mar<"] {
            assert!(svg.contains(label), "{label}");
        }
        assert!(!svg.contains("<a "), "an image holds no links");
        assert_eq!(
            svg,
            attainment_chart("c", &t, Some(&metric("Request turnaround")), None).unwrap()
        );
    }

    /// The y-scale's ticks are round numbers (steps of 1, 2 or 5 times a
    /// power of ten) spanning every value, the target and warning level.
    #[test]
    fn the_y_scale_has_round_ticks_around_every_value() {
        let ticks = |values: &[f64]| Scale::of(values.iter().copied()).ticks();
        assert_eq!(ticks(&[4.0, 5.0, 12.5]), [0.0, 5.0, 10.0, 15.0]);
        assert_eq!(ticks(&[90.0, 92.0, 96.0]), [90.0, 92.0, 94.0, 96.0]);
        assert_eq!(ticks(&[0.1, 0.3]), [0.1, 0.15, 0.2, 0.25, 0.3]);
        // One value: a round range around it.
        assert_eq!(ticks(&[4.0]), [3.0, 3.5, 4.0, 4.5, 5.0]);
        assert_eq!(ticks(&[]), [0.0, 0.5, 1.0]);
        for (raw, step) in [
            (2.1, 5.0),
            (0.3, 0.5),
            (11.75, 20.0),
            (1.0, 1.0),
            (0.0, 1.0),
        ] {
            assert_eq!(nice_step(raw), step, "{raw}");
        }
    }

    /// Charts shown together share their time axis: a chart of two months
    /// draws them where a twelve-month chart beside it draws the same two.
    #[test]
    fn charts_shown_together_share_the_months() {
        let year: Vec<String> = (1..=12).map(|m| format!("2026-{m:02}")).collect();
        let span = PeriodSpan::of(year.iter().map(String::as_str));
        let two = columns(&["2026-03", "2026-04"], span, 360.0);
        assert_eq!(two, [(75.0, 30.0), (105.0, 30.0)]);
        let all = columns(
            &year.iter().map(String::as_str).collect::<Vec<_>>(),
            span,
            360.0,
        );
        assert_eq!((all[2], all[3]), (two[0], two[1]));
        // A quarter spans its three months.
        assert_eq!(columns(&["2026-Q2"], span, 360.0), [(135.0, 90.0)]);
        // Alone, a chart spans its own periods.
        assert_eq!(columns(&["2026-03"], None, 360.0), [(180.0, 360.0)]);
        assert_eq!(
            PeriodSpan::over(PeriodSpan::of(["2026-01"]), PeriodSpan::of(["2026-Q4"])),
            PeriodSpan::of(["2026-01", "2026-12"])
        );
    }

    /// A breached period is labelled with its value; the scale says its
    /// unit; a single period sits in the middle of a labelled scale.
    #[test]
    fn breached_values_are_labelled_and_the_scale_has_its_unit() {
        use Attainment::*;
        let t = target(&[
            ("2026-09", Some(3.0), Met),
            ("2026-10", Some(12.5), Breached),
        ]);
        let svg = attainment_chart("c", &t, Some(&metric("Turnaround")), None).unwrap();
        assert!(svg.contains(r#"<text class="value breached""#), "{svg}");
        assert!(
            svg.contains(">12.5</text>") && !svg.contains(">3</text>"),
            "{svg}"
        );
        assert!(svg.contains(r#"class="axis unit""#) && svg.contains(">days</text>"));
        for tick in [">0</text>", ">5</text>", ">10</text>", ">15</text>"] {
            assert!(svg.contains(tick), "{tick}: {svg}");
        }
        assert!(svg.contains(">target 5</text>") && svg.contains(">warn 4</text>"));
        let one =
            attainment_chart("o", &target(&[("2026-10", Some(4.5), Warned)]), None, None).unwrap();
        assert!(
            one.contains(r#"<polygon points="228.0,"#),
            "in the middle: {one}"
        );
        assert!(one.matches(r#"class="axis tick""#).count() >= 3, "{one}");
    }

    #[test]
    fn a_target_without_periods_has_no_chart() {
        assert!(attainment_chart("c", &target(&[]), None, None).is_none());
        let mut t = target(&[]);
        t.attainment = None;
        assert!(attainment_chart("c", &t, None, None).is_none());
    }

    #[test]
    fn a_series_chart_draws_the_plan_the_target_and_states_by_shape() {
        let p = |period, value, planned, behind| Point {
            period,
            value,
            planned,
            behind,
        };
        let points = [
            p("2026-09", Some(3.0), Some(3.9), Some(true)),
            p("2026-10", Some(12.0), Some(9.1), Some(false)),
            p("2026-11", None, Some(14.2), None),
        ];
        let svg = series_chart(
            "a",
            "<Adoption>",
            &points,
            Some(50.0),
            Some(Unit::Percent),
            None,
        )
        .unwrap();
        assert!(svg.contains(r#"<polyline class="plan-line""#), "{svg}");
        assert!(svg.contains(r#"<line class="target""#), "{svg}");
        assert!(svg.contains(r#"<g class="mark breached"><rect"#), "{svg}");
        assert!(svg.contains(r#"<g class="mark met"><circle"#), "{svg}");
        assert!(svg.contains("&lt;Adoption&gt;") && !svg.contains("<Adoption>"));
        assert!(
            svg.contains("2026-09: 3% (plan 3.9%), behind. 2026-10: 12% (plan 9.1%), on plan.")
        );
        // The y-scale: round ticks with the unit, 0% to 60%; the target
        // named at the right; the point behind the plan labelled.
        for tick in [">0%</text>", ">20%</text>", ">40%</text>", ">60%</text>"] {
            assert!(svg.contains(tick), "{tick}: {svg}");
        }
        assert!(svg.contains(">target 50%</text>"), "{svg}");
        assert!(svg.contains(r#"class="value breached""#) && svg.contains(">3%</text>"));
        // A KPI: observations alone, diamonds, no target line.
        let kpi = [p("2026-10", Some(4.0), None, None)];
        let svg = series_chart("k", "KPI", &kpi, None, None, None).unwrap();
        assert!(svg.contains(r#"<g class="mark observed"><polygon"#));
        assert!(!svg.contains("target") && !svg.contains("plan"));
        assert!(
            series_chart(
                "n",
                "none",
                &[p("2026-10", None, None, None)],
                None,
                None,
                None
            )
            .is_none()
        );
    }

    #[test]
    fn chart_text_is_escaped() {
        let t = target(&[("2026-01", Some(4.0), Attainment::Met)]);
        let svg =
            attainment_chart("a\"b", &t, Some(&metric("<script>x</script> & co")), None).unwrap();
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(svg.contains("&lt;script&gt;x&lt;/script&gt; &amp; co: at most 5 days"));
        assert!(svg.contains(r#"id="a&quot;b-title""#));
    }

    #[test]
    fn periods_are_labelled_short_with_their_year_where_it_changes() {
        let label = |p, first| period_label(p, first);
        assert_eq!(label("2026-01", false), ("Jan".into(), Some("2026".into())));
        assert_eq!(label("2026-02", false), ("Feb".into(), None));
        assert_eq!(label("2025-11", true), ("Nov".into(), Some("2025".into())));
        assert_eq!(label("2025-Q4", true), ("Q4".into(), Some("2025".into())));
        assert_eq!(label("2026-Q1", false), ("Q1".into(), Some("2026".into())));
        assert_eq!(label("2026-Q2", false), ("Q2".into(), None));
        assert_eq!(label("2026", true), ("2026".into(), None));
    }

    #[test]
    fn strip_marks_the_stage() {
        let svg = lifecycle_strip(Some(Stage::Pilot));
        assert_eq!(svg.matches("current").count(), 1);
        assert!(svg.contains("stage 3 of 7"));
        // The middle of the pilot chevron, as a fraction of the strip's width.
        assert!(svg.contains("--at: 0.3614"), "{svg:.200}");
    }
}

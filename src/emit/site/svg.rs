//! Pictures drawn by the program as inline SVG (no JavaScript chart
//! library): the lifecycle strip of a service, the function × stage map of
//! the index, and the dependency graph of services. Every user string is
//! escaped; colours come from CSS classes so dark mode and print apply.
//!
//! A picture without links is `role="img"` with a name. A picture with
//! links is never `role="img"` (an image's content is presentational, its
//! links would be out of reach): it is `role="list"`, one item per entity,
//! and every link has an accessible name that holds the text it shows.
//! Names are drawn whole, never cut, so that what is seen is what is named.

use std::collections::HashMap;
use std::fmt::Write;

use super::super::catalog::{Catalog, FunctionEntry, ServiceEntry};
use super::html::escape;
use crate::base::EntityKind;
use crate::model::Stage;

/// A generous estimate of the width of a label in pixels at a font size:
/// the pictures are sized to hold their names whole.
fn text_width(s: &str, font_px: f64) -> usize {
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

/// Each node's depth: the longest chain of dependencies below it, among
/// the services that exist (cycles cut at the number of nodes).
fn depths<'c>(
    nodes: &[&'c ServiceEntry],
    by_id: &HashMap<&str, &ServiceEntry>,
) -> HashMap<&'c str, usize> {
    let mut depth: HashMap<&str, usize> = HashMap::new();
    for _ in 0..nodes.len() {
        let mut changed = false;
        for s in nodes {
            let d = s
                .depends_on
                .iter()
                .filter(|d| by_id.contains_key(d.as_str()))
                .map(|d| depth.get(d.as_str()).copied().unwrap_or(0) + 1)
                .max()
                .unwrap_or(0)
                .min(nodes.len());
            if depth.get(s.id.as_str()) != Some(&d) {
                depth.insert(&s.id, d);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    depth
}

/// The services that take part in a dependency, in columns by depth (a
/// service sits right of everything it depends on), edges as curves.
/// A list for assistive technology, one link per service, named with its
/// name and stage. `root` prefixes links. Returns `None` when no service
/// depends on another.
pub fn dependency_graph(catalog: &Catalog, root: &str) -> Option<String> {
    let by_id: HashMap<&str, &ServiceEntry> = catalog
        .services
        .iter()
        .map(|s| (s.id.as_str(), s))
        .collect();
    let mut nodes: Vec<&ServiceEntry> = catalog
        .services
        .iter()
        .filter(|s| !s.depends_on.is_empty() || !s.dependents.is_empty())
        .collect();
    if nodes.is_empty() {
        return None;
    }
    let depth = depths(&nodes, &by_id);
    nodes.sort_by(|a, b| (depth[a.id.as_str()], &a.id).cmp(&(depth[b.id.as_str()], &b.id)));
    let name_of = |s: &ServiceEntry| s.name.clone().unwrap_or(s.id.clone());
    let widest = nodes.iter().map(|s| text_width(&name_of(s), 13.0)).max();
    let node_w = widest.unwrap_or(0).max(120) + 20;
    let (col, row, node_h, pad) = (node_w + 40, 44, 30, 16);
    let mut pos: HashMap<&str, (usize, usize)> = HashMap::new();
    let mut rows_in: HashMap<usize, usize> = HashMap::new();
    for s in &nodes {
        let d = depth[s.id.as_str()];
        let r = rows_in.entry(d).or_default();
        pos.insert(&s.id, (pad + d * col, pad + *r * row));
        *r += 1;
    }
    let w = pad * 2 + (rows_in.keys().max().copied().unwrap_or(0)) * col + node_w;
    let h = pad * 2 + rows_in.values().max().copied().unwrap_or(1) * row;
    // The arrows are drawn for the eye only: the page lists the same
    // dependencies as text.
    let mut svg = format!(
        r#"<svg class="deps" viewBox="0 0 {w} {h}" width="{w}" role="list" aria-labelledby="deps-title"><title id="deps-title">Services linked by dependencies; each arrow points from a service to one it depends on</title><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs><g aria-hidden="true">"#
    );
    for s in &nodes {
        let (x1, y1) = pos[s.id.as_str()];
        for d in &s.depends_on {
            let Some(&(x2, y2)) = pos.get(d.as_str()) else {
                continue;
            };
            let (sx, sy) = (x1, y1 + node_h / 2);
            let (ex, ey) = (x2 + node_w, y2 + node_h / 2);
            let bend = if sx > ex { (sx - ex) / 2 } else { 60 };
            let _ = write!(
                svg,
                r#"<path class="edge" d="M{sx},{sy} C{},{sy} {},{ey} {ex},{ey}" marker-end="url(#arrow)"><title>{} depends on {}</title></path>"#,
                sx.saturating_sub(bend),
                ex + bend,
                escape(&s.id),
                escape(d)
            );
        }
    }
    svg.push_str("</g>");
    for s in &nodes {
        let (x, y) = pos[s.id.as_str()];
        let stage = s.stage.map_or("unknown".to_string(), |s| s.to_string());
        let _ = write!(
            svg,
            r#"<g role="listitem"><a href="{href}" aria-label="{name} ({stage})"><g class="node stage-{stage}"><title>{name} ({stage})</title><rect x="{x}" y="{y}" width="{node_w}" height="{node_h}" rx="6"/><text x="{}" y="{}">{name}</text></g></a></g>"#,
            x + 10,
            y + node_h / 2 + 5,
            href = escape(&format!("{root}{}", EntityKind::Service.url(&s.id))),
            name = escape(&name_of(s)),
        );
    }
    svg.push_str("</svg>");
    Some(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acme() -> Catalog {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme");
        let compiled = crate::compile::compile(&root, &Default::default()).unwrap();
        crate::emit::catalog::build(&compiled.model, compiled.as_of, &compiled.evaluation)
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

    #[test]
    fn strip_marks_the_stage() {
        let svg = lifecycle_strip(Some(Stage::Pilot));
        assert_eq!(svg.matches("current").count(), 1);
        assert!(svg.contains("stage 3 of 7"));
        // The middle of the pilot chevron, as a fraction of the strip's width.
        assert!(svg.contains("--at: 0.3614"), "{svg:.200}");
    }
}

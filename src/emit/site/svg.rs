//! Pictures drawn by the program as inline SVG (no JavaScript chart
//! library): the lifecycle strip of a service, the function × stage map of
//! the index, and the dependency graph of services. Every user string is
//! escaped; colours come from CSS classes so dark mode and print apply.

use std::collections::HashMap;
use std::fmt::Write;

use super::super::catalog::{Catalog, ServiceEntry};
use super::html::escape;
use crate::base::EntityKind;
use crate::model::Stage;

/// Shortens a label to `max` characters with an ellipsis.
fn fit(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

/// The seven stages as a strip of chevrons with the service's stage marked.
pub fn lifecycle_strip(stage: Option<Stage>) -> String {
    let (w, h, step) = (706, 56, 100);
    let label = match stage {
        Some(s) => format!("Lifecycle: {} (stage {} of 7)", s, s.index() + 1),
        None => "Lifecycle: stage not given".into(),
    };
    let mut svg = format!(
        r#"<svg class="lifecycle" viewBox="0 0 {w} {h}" role="img" aria-label="{}"><title>{}</title>"#,
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
            x + step / 2 + 4,
            h / 2 + 5,
            s
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Functions down, stages across: each cell's dot is sized by its number of
/// services and links to the function's page.
pub fn function_stage_map(catalog: &Catalog) -> String {
    let mut counts: HashMap<(&str, Stage), usize> = HashMap::new();
    for s in &catalog.services {
        if let (Some(f), Some(stage)) = (&s.function, s.stage) {
            *counts.entry((f.as_str(), stage)).or_default() += 1;
        }
    }
    let max = counts.values().copied().max().unwrap_or(1).max(1) as f64;
    let (left, top, col, row) = (210, 40, 96, 34);
    let w = left + col * 7 + 10;
    let h = top + row * catalog.functions.len().max(1) + 10;
    let mut svg = format!(
        r#"<svg class="stage-map" viewBox="0 0 {w} {h}" role="img" aria-labelledby="stage-map-title"><title id="stage-map-title">Services of each function by lifecycle stage</title>"#
    );
    for s in Stage::ALL {
        let _ = write!(
            svg,
            r#"<text class="axis" x="{}" y="{}" text-anchor="middle">{s}</text>"#,
            left + s.index() * col + col / 2,
            top - 14
        );
    }
    for (i, f) in catalog.functions.iter().enumerate() {
        let y = top + i * row + row / 2;
        let name = f.name.as_deref().unwrap_or(&f.id);
        let _ = write!(
            svg,
            r#"<a href="{href}"><text class="axis fn" x="{x}" y="{ty}" text-anchor="end"><title>{full}</title>{label}</text></a>"#,
            href = escape(&EntityKind::Function.url(&f.id)),
            x = left - 10,
            ty = y + 4,
            full = escape(name),
            label = escape(&fit(name, 28))
        );
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{left}" y1="{y}" x2="{}" y2="{y}"/>"#,
            left + col * 7
        );
        for s in Stage::ALL {
            let n = counts.get(&(f.id.as_str(), *s)).copied().unwrap_or(0);
            if n == 0 {
                continue;
            }
            let r = 5.0 + 9.0 * (n as f64 / max).sqrt();
            let cx = left + s.index() * col + col / 2;
            let _ = write!(
                svg,
                r#"<a href="{href}"><g class="cell stage-{s}"><title>{name}: {n} in {s}</title><circle cx="{cx}" cy="{y}" r="{r:.1}"/><text x="{cx}" y="{}" text-anchor="middle">{n}</text></g></a>"#,
                y + 4,
                href = escape(&EntityKind::Function.url(&f.id)),
                name = escape(name)
            );
        }
    }
    svg.push_str("</svg>");
    svg
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
/// `root` prefixes links. Returns `None` when no service depends on another.
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
    let (col, row, node_w, node_h, pad) = (250, 44, 210, 30, 16);
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
    let mut svg = format!(
        r#"<svg class="deps" viewBox="0 0 {w} {h}" width="{w}" role="img" aria-labelledby="deps-title"><title id="deps-title">Dependencies between services: each arrow points from a service to one it depends on</title><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>"#
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
    for s in &nodes {
        let (x, y) = pos[s.id.as_str()];
        let name = s.name.as_deref().unwrap_or(&s.id);
        let stage = s.stage.map_or("unknown".to_string(), |s| s.to_string());
        let _ = write!(
            svg,
            r#"<a href="{root}{href}"><g class="node stage-{stage}"><title>{full} ({stage})</title><rect x="{x}" y="{y}" width="{node_w}" height="{node_h}" rx="6"/><text x="{}" y="{}">{label}</text></g></a>"#,
            x + 10,
            y + node_h / 2 + 5,
            href = escape(&EntityKind::Service.url(&s.id)),
            full = escape(name),
            label = escape(&fit(name, 30))
        );
    }
    svg.push_str("</svg>");
    Some(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_marks_the_stage() {
        let svg = lifecycle_strip(Some(Stage::Pilot));
        assert_eq!(svg.matches("current").count(), 1);
        assert!(svg.contains("stage 3 of 7"));
    }
}

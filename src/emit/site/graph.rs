//! The dependency graph's layout, drawn as inline SVG: a layered
//! (Sugiyama-style) drawing. Each service sits in the column of its depth
//! (the longest chain of dependencies below it: a service lies right of
//! everything it relies on); an edge that spans several columns passes
//! each one in a slot of its own (a "dummy" node), so no line runs behind a
//! box; the order within each column is found by barycentric sweeps,
//! keeping the order with the fewest crossings; rows are then relaxed
//! towards their neighbours so that edges run as straight as they can.
//! Edges leave and enter boxes at ports spread along their sides, in the
//! order of where they come from, so arrows do not bunch into one point.
//!
//! Like every picture with links it is a list (`role="list"`), one item
//! per service, each a link named with its name and stage; the page lists
//! the same dependencies as text beside it.

use std::collections::HashMap;
use std::fmt::Write;

use super::html::escape;
use super::svg::text_width;
use crate::base::EntityKind;
use crate::catalog::{Catalog, ServiceEntry};

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

/// A place in a column: a service's box, or the slot an edge passes
/// through (the edge's index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Slot {
    Node(usize),
    Pass(usize),
}

/// The layered layout: the columns' slots in order, the segments between
/// neighbouring columns, each edge's chain of slots.
struct Layers {
    columns: Vec<Vec<Slot>>,
    /// An edge: from the node that depends (right) to the one it depends
    /// on (left), through its passes, as (column, slot) from right to left.
    chains: Vec<Vec<(usize, Slot)>>,
}

impl Layers {
    /// The layers of `nodes` (by `depth`) with `edges` (from, to) as
    /// indexes into `nodes`; an edge that does not run leftwards (a
    /// cycle) is left out.
    fn of(depth: &[usize], edges: &[(usize, usize)]) -> Layers {
        let width = depth.iter().max().map_or(0, |d| d + 1);
        let mut columns: Vec<Vec<Slot>> = vec![Vec::new(); width];
        for (i, d) in depth.iter().enumerate() {
            columns[*d].push(Slot::Node(i));
        }
        let mut chains = Vec::new();
        for (e, &(from, to)) in edges.iter().enumerate() {
            let (a, b) = (depth[from], depth[to]);
            if b >= a {
                chains.push(Vec::new());
                continue;
            }
            let mut chain = vec![(a, Slot::Node(from))];
            for c in (b + 1..a).rev() {
                columns[c].push(Slot::Pass(e));
                chain.push((c, Slot::Pass(e)));
            }
            chain.push((b, Slot::Node(to)));
            chains.push(chain);
        }
        Layers { columns, chains }
    }

    /// The segments between column `c` and `c + 1`: (slot in c, slot in c + 1).
    fn segments(&self, c: usize) -> Vec<(Slot, Slot)> {
        self.chains
            .iter()
            .flat_map(|chain| chain.windows(2))
            .filter(|w| w[1].0 == c && w[0].0 == c + 1)
            .map(|w| (w[1].1, w[0].1))
            .collect()
    }

    /// Where each slot stands in its column.
    fn positions(&self) -> HashMap<Slot, usize> {
        let mut at = HashMap::new();
        for column in &self.columns {
            for (i, s) in column.iter().enumerate() {
                at.insert(*s, i);
            }
        }
        at
    }

    /// How many pairs of segments cross.
    fn crossings(&self) -> usize {
        let at = self.positions();
        let mut n = 0;
        for c in 0..self.columns.len().saturating_sub(1) {
            let segs: Vec<(usize, usize)> = self
                .segments(c)
                .iter()
                .map(|(a, b)| (at[a], at[b]))
                .collect();
            for (i, s) in segs.iter().enumerate() {
                for t in &segs[i + 1..] {
                    if (s.0 < t.0 && s.1 > t.1) || (s.0 > t.0 && s.1 < t.1) {
                        n += 1;
                    }
                }
            }
        }
        n
    }

    /// Orders column `c` by the mean position of each slot's neighbours
    /// in column `by` (a slot without any keeps its place).
    fn sort_by_neighbours(&mut self, c: usize, by: usize) {
        let at = self.positions();
        let segs = if by < c {
            self.segments(by)
                .into_iter()
                .map(|(a, b)| (b, a))
                .collect::<Vec<_>>()
        } else {
            self.segments(c)
        };
        let mut sums: HashMap<Slot, (f64, usize)> = HashMap::new();
        for (mine, theirs) in segs {
            let e = sums.entry(mine).or_default();
            e.0 += at[&theirs] as f64;
            e.1 += 1;
        }
        let mut keyed: Vec<(f64, usize, Slot)> = self.columns[c]
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let key = sums.get(s).map_or(i as f64, |(sum, n)| sum / *n as f64);
                (key, i, *s)
            })
            .collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        self.columns[c] = keyed.into_iter().map(|(_, _, s)| s).collect();
    }

    /// Barycentric sweeps right and left, keeping the best order seen.
    fn order(&mut self) {
        let mut best = (self.crossings(), self.columns.clone());
        let n = self.columns.len();
        for _ in 0..6 {
            if best.0 == 0 {
                break;
            }
            for c in 1..n {
                self.sort_by_neighbours(c, c - 1);
            }
            for c in (0..n.saturating_sub(1)).rev() {
                self.sort_by_neighbours(c, c + 1);
            }
            let crossings = self.crossings();
            if crossings < best.0 {
                best = (crossings, self.columns.clone());
            }
        }
        self.columns = best.1;
    }
}

/// The drawing's measures.
const NODE_H: f64 = 38.0;
const GAP: f64 = 80.0;
const PAD: f64 = 16.0;

/// The room a slot takes in its column, above and below its middle.
fn half(s: Slot) -> f64 {
    match s {
        Slot::Node(_) => NODE_H / 2.0 + 5.0,
        Slot::Pass(_) => 6.0,
    }
}

/// Each slot's middle (y). The tallest column is stacked tight; from it
/// outwards, each column's slots go as near as they can to the mean of
/// their neighbours in the column already placed, in order and apart (a
/// least-squares fit, [`fit_in_order`]), so edges run as straight as the
/// order allows and the drawing stays as short as its tallest column.
fn rows(layers: &Layers) -> HashMap<Slot, f64> {
    let height = |column: &[Slot]| column.iter().map(|s| 2.0 * half(*s)).sum::<f64>();
    let tallest = (0..layers.columns.len())
        .max_by(|a, b| {
            height(&layers.columns[*a])
                .total_cmp(&height(&layers.columns[*b]))
                .then(b.cmp(a))
        })
        .unwrap_or(0);
    let full = layers.columns.get(tallest).map_or(0.0, |c| height(c));
    // Every column stacked, centred on the tallest: where a slot with no
    // placed neighbour stays.
    let mut y: HashMap<Slot, f64> = HashMap::new();
    for column in &layers.columns {
        let mut at = (full - height(column)) / 2.0;
        for s in column {
            at += half(*s);
            y.insert(*s, at);
            at += half(*s);
        }
    }
    let mut neighbours: HashMap<Slot, Vec<(usize, Slot)>> = HashMap::new();
    for c in 0..layers.columns.len().saturating_sub(1) {
        for (a, b) in layers.segments(c) {
            neighbours.entry(a).or_default().push((c + 1, b));
            neighbours.entry(b).or_default().push((c, a));
        }
    }
    let right = tallest + 1..layers.columns.len();
    let left = (0..tallest).rev();
    for (c, from) in right.map(|c| (c, c - 1)).chain(left.map(|c| (c, c + 1))) {
        let column = &layers.columns[c];
        let wanted: Vec<f64> = column
            .iter()
            .map(|s| {
                let placed: Vec<f64> = neighbours
                    .get(s)
                    .into_iter()
                    .flatten()
                    .filter(|(col, _)| *col == from)
                    .map(|(_, n)| y[n])
                    .collect();
                match placed.len() {
                    0 => y[s],
                    n => placed.iter().sum::<f64>() / n as f64,
                }
            })
            .collect();
        let gaps: Vec<f64> = column.windows(2).map(|w| half(w[0]) + half(w[1])).collect();
        for (s, v) in column.iter().zip(fit_in_order(&wanted, &gaps)) {
            y.insert(*s, v);
        }
    }
    let top = layers
        .columns
        .iter()
        .flatten()
        .map(|s| y[s] - half(*s))
        .fold(f64::INFINITY, f64::min);
    for v in y.values_mut() {
        *v += PAD - top;
    }
    y
}

/// The positions nearest `wanted` (least squares) that keep their order
/// with at least `gaps[i]` between the i-th and the next: the gaps taken
/// out, a non-decreasing fit by pooling adjacent violators, the gaps put
/// back.
fn fit_in_order(wanted: &[f64], gaps: &[f64]) -> Vec<f64> {
    let mut offset = Vec::with_capacity(wanted.len());
    let mut at = 0.0;
    for i in 0..wanted.len() {
        if i > 0 {
            at += gaps[i - 1];
        }
        offset.push(at);
    }
    // Blocks of (sum, count) whose means rise.
    let mut blocks: Vec<(f64, usize)> = Vec::new();
    for (w, o) in wanted.iter().zip(&offset) {
        blocks.push((w - o, 1));
        while let [.., (s1, n1), (s2, n2)] = blocks.as_slice()
            && s1 / *n1 as f64 > s2 / *n2 as f64
        {
            let merged = (s1 + s2, n1 + n2);
            blocks.truncate(blocks.len() - 2);
            blocks.push(merged);
        }
    }
    blocks
        .iter()
        .flat_map(|(sum, n)| std::iter::repeat_n(sum / *n as f64, *n))
        .zip(offset)
        .map(|(z, o)| z + o)
        .collect()
}

/// The services that take part in a dependency, laid out in layers, edges
/// as curves between columns and straight through them. `root` prefixes
/// links. Returns `None` when no service depends on another.
pub fn dependency_graph(catalog: &Catalog, root: &str) -> Option<String> {
    let by_id: HashMap<&str, &ServiceEntry> = catalog
        .services
        .iter()
        .map(|s| (s.id.as_str(), &**s))
        .collect();
    let name_of = |s: &ServiceEntry| s.name.clone().unwrap_or(s.id.clone());
    let mut nodes: Vec<&ServiceEntry> = catalog
        .services
        .iter()
        .filter(|s| !s.depends_on.is_empty() || !s.dependents.is_empty())
        .map(|s| &**s)
        .collect();
    if nodes.is_empty() {
        return None;
    }
    // Named order first: the sweeps start from it and keep it where they can.
    nodes.sort_by_cached_key(|s| (name_of(s).to_lowercase(), s.id.clone()));
    let depth_of = depths(&nodes, &by_id);
    let depth: Vec<usize> = nodes.iter().map(|s| depth_of[s.id.as_str()]).collect();
    let index: HashMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let edges: Vec<(usize, usize)> = nodes
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            let index = &index;
            s.depends_on
                .iter()
                .filter_map(move |d| Some((i, *index.get(d.as_str())?)))
        })
        .collect();
    let mut layers = Layers::of(&depth, &edges);
    layers.order();
    let y = rows(&layers);

    let widest = nodes.iter().map(|s| text_width(&name_of(s), 13.0)).max();
    let node_w = (widest.unwrap_or(0).max(120) + 20) as f64;
    let x = |column: usize| PAD + column as f64 * (node_w + GAP);
    let w = x(layers.columns.len().saturating_sub(1)) + node_w + PAD;
    let h = y.iter().map(|(s, v)| v + half(*s)).fold(0.0, f64::max) + PAD;
    let mut svg = format!(
        r#"<svg class="deps" viewBox="0 0 {w:.0} {h:.0}" width="{w:.0}" role="list" aria-labelledby="deps-title"><title id="deps-title">Services linked by dependencies; each arrow points from a service to one it depends on</title><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs><g aria-hidden="true">"#
    );
    let ports = Ports::of(&layers, &y);
    for (e, chain) in layers.chains.iter().enumerate() {
        if chain.is_empty() {
            continue;
        }
        let (from, to) = edges[e];
        let d = edge_path(chain, &ports, e, &y, &x, node_w);
        let _ = write!(
            svg,
            r#"<path class="edge" d="{d}" marker-end="url(#arrow)"><title>{} depends on {}</title></path>"#,
            escape(&name_of(nodes[from])),
            escape(&name_of(nodes[to]))
        );
    }
    svg.push_str("</g>");
    for (c, column) in layers.columns.iter().enumerate() {
        for slot in column {
            let Slot::Node(i) = *slot else { continue };
            let s = nodes[i];
            let (nx, ny) = (x(c), y[slot] - NODE_H / 2.0);
            let stage = s.stage.map_or("unknown".to_string(), |s| s.to_string());
            let _ = write!(
                svg,
                r#"<g role="listitem"><a href="{href}" aria-label="{name} ({stage})"><g class="node stage-{stage}"><title>{name} ({stage})</title><rect x="{nx:.1}" y="{ny:.1}" width="{node_w}" height="{NODE_H}" rx="6"/><text x="{:.1}" y="{:.1}">{name}</text></g></a><text class="stage-label" x="{:.1}" y="{:.1}" aria-hidden="true">{stage}</text></g>"#,
                nx + 10.0,
                ny + 16.0,
                nx + 10.0,
                ny + 31.0,
                href = escape(&format!("{root}{}", EntityKind::Service.url(&s.id))),
                name = escape(&name_of(s)),
            );
        }
    }
    svg.push_str("</svg>");
    Some(svg)
}

/// An edge's path, right to left: from the left side of the service that
/// depends, straight across each column it passes, to the right side of
/// the one it depends on; curves between columns.
fn edge_path(
    chain: &[(usize, Slot)],
    ports: &Ports,
    e: usize,
    y: &HashMap<Slot, f64>,
    x: &dyn Fn(usize) -> f64,
    node_w: f64,
) -> String {
    let mut d = String::new();
    let start = (x(chain[0].0), ports.out[&e]);
    let _ = write!(d, "M{:.1},{:.1}", start.0, start.1);
    let mut at = start;
    for &(c, slot) in &chain[1..] {
        let (enter, leave) = match slot {
            Slot::Pass(_) => ((x(c) + node_w, y[&slot]), Some((x(c), y[&slot]))),
            Slot::Node(_) => ((x(c) + node_w, ports.into[&e]), None),
        };
        let bend = (at.0 - enter.0) / 2.0;
        let _ = write!(
            d,
            " C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
            at.0 - bend,
            at.1,
            enter.0 + bend,
            enter.1,
            enter.0,
            enter.1
        );
        at = enter;
        if let Some(leave) = leave {
            let _ = write!(d, " L{:.1},{:.1}", leave.0, leave.1);
            at = leave;
        }
    }
    d
}

/// Where each edge leaves the service that depends (`out`) and enters the
/// one it depends on (`into`): spread over the middle of the box's side,
/// in the order of the other ends, so that they neither bunch nor cross
/// at the box.
struct Ports {
    out: HashMap<usize, f64>,
    into: HashMap<usize, f64>,
}

impl Ports {
    fn of(layers: &Layers, y: &HashMap<Slot, f64>) -> Ports {
        let mut leaving: HashMap<Slot, Vec<(f64, usize)>> = HashMap::new();
        let mut entering: HashMap<Slot, Vec<(f64, usize)>> = HashMap::new();
        for (e, chain) in layers.chains.iter().enumerate() {
            if let [first, second, ..] = chain.as_slice() {
                leaving.entry(first.1).or_default().push((y[&second.1], e));
            }
            if let [.., before, last] = chain.as_slice() {
                entering.entry(last.1).or_default().push((y[&before.1], e));
            }
        }
        let spread = |ends: HashMap<Slot, Vec<(f64, usize)>>| {
            let mut at = HashMap::new();
            for (slot, mut list) in ends {
                list.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                let n = list.len();
                let room = (NODE_H - 16.0).min(6.0 * (n as f64 - 1.0));
                for (k, (_, e)) in list.into_iter().enumerate() {
                    let offset = if n > 1 {
                        -room / 2.0 + room * k as f64 / (n - 1) as f64
                    } else {
                        0.0
                    };
                    at.insert(e, y[&slot] + offset);
                }
            }
            at
        };
        Ports {
            out: spread(leaving),
            into: spread(entering),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chain a → b → c and a → c: the long edge passes column 1 in a
    /// slot of its own, never through b's box.
    #[test]
    fn a_long_edge_passes_a_column_in_its_own_slot() {
        let depth = [2, 1, 0];
        let edges = [(0, 1), (1, 2), (0, 2)];
        let mut layers = Layers::of(&depth, &edges);
        layers.order();
        assert_eq!(layers.columns[1].len(), 2, "b and the pass");
        assert!(layers.columns[1].contains(&Slot::Pass(2)));
        let y = rows(&layers);
        let (b, pass) = (y[&Slot::Node(1)], y[&Slot::Pass(2)]);
        assert!((b - pass).abs() >= NODE_H / 2.0, "{b} {pass}");
    }

    /// The example's graph: every box a list item with its link; in each
    /// column, what passes through keeps clear of every box (the curves
    /// run only between columns, where there are none); the sweeps leave
    /// fewer crossings than the order by name.
    #[test]
    fn the_example_graph_keeps_edges_clear_of_boxes() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme");
        let compiled = crate::compile::compile(&root, &Default::default()).unwrap();
        let catalog = crate::catalog::build(&compiled.index(), &compiled.evaluation);
        let svg = dependency_graph(&catalog, "").unwrap();
        assert_eq!(svg.matches(r#"<g role="listitem">"#).count(), 22);
        assert_eq!(svg.matches(r#"<path class="edge""#).count(), 19);

        let by_id: HashMap<&str, &ServiceEntry> = catalog
            .services
            .iter()
            .map(|s| (s.id.as_str(), &**s))
            .collect();
        let mut nodes: Vec<&ServiceEntry> = catalog
            .services
            .iter()
            .filter(|s| !s.depends_on.is_empty() || !s.dependents.is_empty())
            .map(|s| &**s)
            .collect();
        nodes.sort_by_key(|s| s.name.clone());
        let depth_of = depths(&nodes, &by_id);
        let depth: Vec<usize> = nodes.iter().map(|s| depth_of[s.id.as_str()]).collect();
        let index: HashMap<&str, usize> = nodes
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i))
            .collect();
        let edges: Vec<(usize, usize)> = nodes
            .iter()
            .enumerate()
            .flat_map(|(i, s)| s.depends_on.iter().map(move |d| (i, d)))
            .map(|(i, d)| (i, index[d.as_str()]))
            .collect();
        let mut layers = Layers::of(&depth, &edges);
        let before = layers.crossings();
        layers.order();
        assert!(
            layers.crossings() < before,
            "{} ≥ {before}",
            layers.crossings()
        );
        let y = rows(&layers);
        for column in &layers.columns {
            for pass in column.iter().filter(|s| matches!(s, Slot::Pass(_))) {
                for node in column.iter().filter(|s| matches!(s, Slot::Node(_))) {
                    assert!((y[pass] - y[node]).abs() >= NODE_H / 2.0 + 5.0);
                }
            }
        }
    }

    #[test]
    fn a_fit_keeps_order_and_gaps_and_is_nearest() {
        // Free to go where wanted.
        assert_eq!(
            fit_in_order(&[0.0, 50.0, 100.0], &[10.0, 10.0]),
            [0.0, 50.0, 100.0]
        );
        // Two that want the same place share it, apart by their gap.
        assert_eq!(fit_in_order(&[40.0, 40.0], &[20.0]), [30.0, 50.0]);
        // Out of order: pooled.
        assert_eq!(fit_in_order(&[60.0, 0.0], &[0.0]), [30.0, 30.0]);
    }

    /// Two services each depending on the other's counterpart cross in
    /// the order of their names; the sweeps uncross them.
    #[test]
    fn the_sweeps_remove_a_crossing() {
        // Column 1: x (0), y (1); column 0: p (2), q (3); x → q, y → p.
        let depth = [1, 1, 0, 0];
        let edges = [(0, 3), (1, 2)];
        let mut layers = Layers::of(&depth, &edges);
        assert_eq!(layers.crossings(), 1);
        layers.order();
        assert_eq!(layers.crossings(), 0);
    }
}

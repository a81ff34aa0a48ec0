//! Dependencies between services: `dependency-cycle`, `depends-on-pipeline`,
//! `depends-on-retired`.

use rustc_hash::FxHashMap as HashMap;

use super::Index;
use crate::base::{Code, Diagnostic};
use crate::model::{Id, Service, Stage};

pub(super) fn check(index: &Index) -> Vec<Diagnostic> {
    let mut diags = cycles(index);
    for service in &index.model.services {
        let Some(stage) = service.stage() else {
            continue;
        };
        for dep_ref in &service.depends_on {
            let Some(dep) = index.get::<Service>(&dep_ref.value) else {
                continue;
            };
            let Some(dep_stage) = dep.stage else { continue };
            let code = if stage == Stage::Operation && dep_stage.value.in_pipeline() {
                Code::DependsOnPipeline
            } else if stage != Stage::Retired && dep_stage.value == Stage::Retired {
                Code::DependsOnRetired
            } else {
                continue;
            };
            diags.push(
                Diagnostic::new(
                    code,
                    dep_ref.span,
                    format!(
                        "service `{}` is in {stage} but depends on `{}`, which is {}",
                        service.id.value,
                        dep.id.value,
                        if dep_stage.value == Stage::Retired {
                            "retired".to_string()
                        } else {
                            format!("still in {}", dep_stage.value)
                        }
                    ),
                )
                .label(
                    dep_stage.span,
                    format!("`{}` is in {}", dep.id.value, dep_stage.value),
                ),
            );
        }
    }
    diags
}

/// One `dependency-cycle` per strongly connected group of services (a
/// service depending on itself included), at the `depends-on` value of the
/// group's smallest id, labelled on every other edge of the group.
fn cycles(index: &Index) -> Vec<Diagnostic> {
    let services = &index.model.services;
    let index: HashMap<&str, usize> = services
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.value.as_str(), i))
        .collect();
    let edges: Vec<Vec<(usize, &Id)>> = services
        .iter()
        .map(|s| {
            s.depends_on
                .iter()
                .filter_map(|d| Some((*index.get(d.value.as_str())?, d)))
                .collect()
        })
        .collect();
    let mut diags = Vec::new();
    for group in strongly_connected(&edges) {
        let self_loop = group.len() == 1 && edges[group[0]].iter().any(|(t, _)| *t == group[0]);
        if group.len() < 2 && !self_loop {
            continue;
        }
        let in_group = |i: usize| group.contains(&i);
        let smallest = *group
            .iter()
            .min_by_key(|&&i| &services[i].id.value)
            .expect("non-empty");
        let (_, primary) = *edges[smallest]
            .iter()
            .find(|(t, _)| in_group(*t))
            .expect("an edge in the group");
        let mut names: Vec<&str> = group
            .iter()
            .map(|&i| services[i].id.value.as_str())
            .collect();
        names.sort();
        let path = cycle_path(&edges, smallest, &group)
            .iter()
            .map(|&i| services[i].id.value.as_str())
            .collect::<Vec<_>>()
            .join(" → ");
        let message = if self_loop {
            format!(
                "service `{}` depends on itself",
                services[smallest].id.value
            )
        } else {
            format!(
                "services {} depend on each other in a cycle: {path}",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let mut diag = Diagnostic::new(Code::DependencyCycle, primary.span, message).help(
            "a service can only rely on services that do not rely on it; remove one `depends-on`",
        );
        for &from in &group {
            for &(to, r) in &edges[from] {
                if in_group(to) && r.span != primary.span {
                    diag = diag.label(
                        r.span,
                        format!(
                            "`{}` depends on `{}`",
                            services[from].id.value, services[to].id.value
                        ),
                    );
                }
            }
        }
        diags.push(diag);
    }
    diags
}

/// A path from `start` back to `start` inside the group (breadth first, so
/// the shortest).
fn cycle_path(edges: &[Vec<(usize, &Id)>], start: usize, group: &[usize]) -> Vec<usize> {
    let mut previous: HashMap<usize, usize> = HashMap::default();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for &(next, _) in &edges[node] {
            if !group.contains(&next) {
                continue;
            }
            if next == start {
                let mut path = vec![start, node];
                let mut at = node;
                while at != start {
                    at = previous[&at];
                    path.push(at);
                }
                path.reverse();
                return path;
            }
            if let std::collections::hash_map::Entry::Vacant(e) = previous.entry(next) {
                e.insert(node);
                queue.push_back(next);
            }
        }
    }
    vec![start, start]
}

/// Tarjan's algorithm, iterative (no recursion on user input).
fn strongly_connected(edges: &[Vec<(usize, &Id)>]) -> Vec<Vec<usize>> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut groups = Vec::new();
    let mut next = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some(&(v, edge)) = work.last() {
            if edge == 0 && index[v] == usize::MAX {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&(w, _)) = edges[v].get(edge) {
                if let Some(top) = work.last_mut() {
                    top.1 += 1;
                }
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut group = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    group.push(w);
                    if w == v {
                        break;
                    }
                }
                groups.push(group);
            }
        }
    }
    groups
}

//! The layering invariants of ARCHITECTURE.md, checked on the source text
//! (as rust-analyzer's tidy tests do): a layer names nothing above it, and
//! each outside crate is known only to the layer that owns its job.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file below `src/<dir>` (or the file `src/<dir>.rs`).
fn sources(dir: &str) -> Vec<(PathBuf, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    let file = src.join(format!("{dir}.rs"));
    if file.is_file() {
        found.push(file);
    }
    for entry in walkdir::WalkDir::new(src.join(dir))
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
    {
        found.push(entry.into_path());
    }
    assert!(!found.is_empty(), "no sources for `{dir}`");
    found
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect()
}

/// The places in `dir` that name any of `forbidden` (outside comments).
fn offences(dir: &str, forbidden: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (path, text) in sources(dir) {
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for word in forbidden {
                if code.contains(word) {
                    found.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
                }
            }
        }
    }
    found
}

#[track_caller]
fn assert_none(dir: &str, forbidden: &[&str], why: &str) {
    let found = offences(dir, forbidden);
    assert!(found.is_empty(), "{why}:\n{}", found.join("\n"));
}

#[test]
fn the_shared_vocabulary_depends_on_no_phase() {
    assert_none(
        "base",
        &[
            "crate::model",
            "crate::lower",
            "crate::check",
            "crate::emit",
            "crate::engine",
            "crate::commands",
            "kdl::",
        ],
        "`base` is the vocabulary every phase shares; it names none of them",
    );
}

#[test]
fn the_writing_of_user_files_depends_on_no_phase() {
    assert_none(
        "files",
        &[
            "crate::base",
            "crate::syntax",
            "crate::format",
            "crate::model",
            "crate::lower",
            "crate::check",
            "crate::emit",
            "crate::engine",
            "crate::commands",
            "crate::compile",
            "crate::discover",
        ],
        "`files` writes a user's files for any command; it names none of the phases",
    );
}

#[test]
fn the_model_knows_nothing_of_kdl_or_of_outputs() {
    assert_none(
        "model",
        &[
            "kdl::",
            "miette",
            "crate::lower",
            "crate::check",
            "crate::catalog",
            "crate::emit",
            "minijinja",
        ],
        "the model is built by `lower` and read by the later phases; it knows none of them",
    );
}

#[test]
fn checks_know_nothing_of_syntax_or_output_formats() {
    assert_none(
        "check",
        &[
            "kdl::",
            "miette",
            "serde_json",
            "crate::catalog",
            "crate::emit",
            "crate::lower",
            "crate::syntax",
        ],
        "checks judge the model and produce plain diagnostics",
    );
}

#[test]
fn observations_are_judged_without_knowing_the_outputs() {
    assert_none(
        "metrics",
        &[
            "crate::catalog",
            "crate::emit",
            "crate::check",
            "kdl::",
            "miette",
            "minijinja",
        ],
        "the evaluation is data: checks report it and outputs publish it",
    );
}

/// One index per compilation: only `compile` builds the model's lookups
/// (`Compiled::index` hands them out); the checks, the catalog, the review
/// and the language server read that one.
#[test]
fn the_index_is_built_once_per_compilation() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(&src).into_iter().flatten() {
        let path = entry.path();
        let owner = path.ends_with("compile.rs") || path.ends_with("model/index.rs");
        if owner || path.extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if code.contains("Lookups::new(") || code.contains("Index::new(") {
                found.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "an index built outside `compile` (read `Compiled::index` instead):\n{}",
        found.join("\n")
    );
}

#[test]
fn only_emit_prints_diagnostics_with_miette() {
    for dir in [
        "base", "lower", "model", "check", "metrics", "compile", "discover", "catalog", "review",
        "diff",
    ] {
        assert_none(dir, &["miette"], "only `emit` prints with miette");
    }
}

#[test]
fn only_the_syntax_layer_reads_kdl_crates() {
    for dir in [
        "lower", "model", "check", "metrics", "compile", "discover", "catalog", "emit", "review",
        "diff", "engine",
    ] {
        assert_none(
            dir,
            &["kdl::", "just_kdl"],
            "the phases after `syntax` read its spanned `Document` (`format` alone keeps comments with the `kdl` crate)",
        );
    }
}

#[test]
fn commands_hold_only_arguments_and_printing() {
    assert_none(
        "commands",
        &[
            "httparse",
            "TcpListener",
            "notify",
            "minijinja",
            "rayon",
            "crate::emit::site",
            "crate::lower",
            "crate::check",
        ],
        "the engine compiles, renders, watches and serves; commands drive it",
    );
}

#[test]
fn the_phases_below_the_engine_know_nothing_of_it() {
    for dir in [
        "base", "model", "lower", "check", "compile", "discover", "catalog", "emit", "review",
        "diff", "format",
    ] {
        assert_none(
            dir,
            &[
                "crate::engine",
                "crate::commands",
                "crate::cli",
                "crate::lsp",
            ],
            "the pipeline's phases serve the engine, the language server and the commands, not the reverse",
        );
    }
}

#[test]
fn a_comparison_reads_catalogs_not_sources() {
    for dir in ["diff", "review"] {
        assert_none(
            dir,
            &[
                "kdl::",
                "miette",
                "minijinja",
                "crate::lower",
                "crate::syntax",
                "crate::check",
            ],
            "`diff` and `review` are reports over catalogues and compilations; they reach the sources only through `compile`",
        );
    }
}

#[test]
fn the_language_server_goes_through_compile() {
    assert_none(
        "lsp",
        &[
            "crate::engine",
            "crate::commands",
            "crate::cli",
            "crate::check",
            "crate::lower",
            "miette",
            "kdl::",
        ],
        "`lsp` compiles through `compile` (as `pmoc check` does) and reads the model; it knows nothing of the engine or the command line",
    );
}

/// The layers of the crate's top-level modules, lowest first. A module names
/// only modules of the layers below its own (`crate::x` or `super::x` at
/// the top, grouped imports `use crate::{a, b::c}` included; test modules
/// aside); `base`, the vocabulary, is in the lowest layer, so every layer
/// may name it. Modules of one layer name none of each other.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "the vocabulary and the writing of user files",
        &["base", "files"],
    ),
    (
        "a file's text, the typed model, the project's files",
        &["syntax", "model", "discover"],
    ),
    (
        "text into the model, the canonical layout, the observations",
        &["lower", "format", "metrics"],
    ),
    ("the model rules", &["check"]),
    ("steps 1-4, once per run or round", &["compile"]),
    ("the resolved catalogue", &["catalog"]),
    ("the renderers: diagnostics, site, exports", &["emit"]),
    (
        "the reports over catalogues and compilations",
        &["review", "diff"],
    ),
    (
        "rounds, the dev server, the language server",
        &["engine", "lsp"],
    ),
    ("the command line's definitions", &["cli"]),
    ("the verbs", &["commands"]),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS
        .iter()
        .position(|(_, modules)| modules.contains(&module))
}

/// Rust text with comments, the contents of string and character literals
/// and the items under `#[cfg(test)]` taken out, so that what is left names
/// only what the code itself depends on.
fn code_of(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let rest = &text[i..];
        if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            let mut depth = 0;
            while i < b.len() {
                if text[i..].starts_with("/*") {
                    depth += 1;
                    i += 2;
                } else if text[i..].starts_with("*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if let Some(hashes) = raw_string_start(rest) {
            let close = format!("\"{}", "#".repeat(hashes));
            let open = 2 + hashes; // r, hashes, quote
            let body = &rest[open..];
            i += open + body.find(&close).map_or(body.len(), |e| e + close.len());
            out.push_str("\"\"");
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if b[i] == b'\'' && char_literal_len(rest).is_some() {
            i += char_literal_len(rest).unwrap();
            out.push_str("' '");
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    without_test_items(&out)
}

/// `r"`, `r#"`, `br"`…: the number of hashes of a raw string starting here.
fn raw_string_start(rest: &str) -> Option<usize> {
    let after = rest.strip_prefix("br").or_else(|| rest.strip_prefix('r'))?;
    let hashes = after.len() - after.trim_start_matches('#').len();
    after[hashes..]
        .starts_with('"')
        .then_some(hashes + rest.len() - after.len() - 1)
}

/// The length of a character literal starting here (`'{'`, `'\''`,
/// `'\u{7b}'`), or `None` for a lifetime.
fn char_literal_len(rest: &str) -> Option<usize> {
    let mut chars = rest.char_indices().skip(1);
    let (_, c) = chars.next()?;
    if c == '\\' {
        return rest[2..].find('\'').map(|e| e + 3);
    }
    let (at, next) = chars.next()?;
    (next == '\'').then_some(at + 1)
}

/// The text without each item (a module, a statement, a `use`) that
/// `#[cfg(test)]` marks.
fn without_test_items(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let item = &rest[at..];
        let end = match (item.find('{'), item.find(';')) {
            (Some(open), semicolon) if semicolon.is_none_or(|s| open < s) => {
                let mut depth = 0;
                let mut end = item.len();
                for (j, c) in item[open..].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = open + j + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                end
            }
            (_, Some(semicolon)) => semicolon + 1,
            _ => item.len(),
        };
        rest = &item[end..];
    }
    out.push_str(rest);
    out
}

/// The top-level modules a file's code names: `crate::a`, `crate::{a, b::c}`
/// and `super::a` where `super` leaves the file's top-level module (`depth`:
/// how deep the file's module is, 1 for `src/a.rs` or `src/a/mod.rs`).
fn named_modules(code: &str, depth: usize) -> Vec<String> {
    let b = code.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut found = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts = (i == 0 || !(ident(b[i - 1]) || b[i - 1] == b':'))
            && (code[i..].starts_with("crate::") || code[i..].starts_with("super::"));
        if !starts {
            i += 1;
            continue;
        }
        let mut at = i;
        let top = if code[i..].starts_with("crate::") {
            at += "crate::".len();
            true
        } else {
            let mut ups = 0;
            while code[at..].starts_with("super::") {
                ups += 1;
                at += "super::".len();
            }
            ups >= depth
        };
        i = at;
        if !top {
            continue;
        }
        let rest = code[at..].trim_start();
        if let Some(group) = rest.strip_prefix('{') {
            let mut level = 1;
            let mut item = String::new();
            let mut items = Vec::new();
            for c in group.chars() {
                match c {
                    '{' => level += 1,
                    '}' => level -= 1,
                    _ => {}
                }
                if level == 0 || (level == 1 && c == ',') {
                    items.push(std::mem::take(&mut item));
                    if level == 0 {
                        break;
                    }
                } else {
                    item.push(c);
                }
            }
            found.extend(items.iter().filter_map(|s| first_segment(s)));
        } else {
            found.extend(first_segment(rest));
        }
    }
    found
}

fn first_segment(path: &str) -> Option<String> {
    let path = path.trim_start();
    let end = path
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(path.len());
    let name = &path[..end];
    (!name.is_empty() && name != "self").then(|| name.to_string())
}

/// What the crate root re-exports (`pub use engine::Error;`, groups too):
/// each name with the module that owns it, so that `crate::Error` counts as
/// naming `engine`.
fn root_exports(code: &str) -> BTreeMap<String, String> {
    let mut exports = BTreeMap::new();
    for statement in code.split("pub use ").skip(1) {
        let path = statement.split(';').next().unwrap_or("");
        let path = path.trim().trim_start_matches("crate::");
        let Some(module) = first_segment(path) else {
            continue;
        };
        let items = match path.split_once('{') {
            Some((_, group)) => group.trim_end_matches('}').split(',').collect(),
            None => vec![path],
        };
        for item in items {
            let item = item.trim();
            let name = item.rsplit([' ', ':']).next().unwrap_or(item);
            if !name.is_empty() {
                exports.insert(name.to_string(), module.clone());
            }
        }
    }
    exports
}

/// The top-level modules (from `src`) and, for each, the modules its code
/// names (through the crate root's re-exports too) with one place naming
/// each.
type Graph = BTreeMap<String, BTreeMap<String, String>>;

fn module_graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let exports = root_exports(&code_of(
        &std::fs::read_to_string(src.join("lib.rs")).unwrap(),
    ));
    let mut graph = Graph::new();
    for entry in walkdir::WalkDir::new(&src).into_iter().flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let relative = path.strip_prefix(&src).unwrap();
        let parts: Vec<String> = relative
            .iter()
            .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
            .collect();
        if parts.len() == 1 && (parts[0] == "lib" || parts[0] == "main") {
            continue; // the crate root names every module
        }
        let depth = parts.len() - usize::from(parts.last().is_some_and(|p| p == "mod"));
        let module = parts[0].clone();
        let code = code_of(&std::fs::read_to_string(path).unwrap());
        let names = graph.entry(module.clone()).or_default();
        for name in named_modules(&code, depth) {
            let name = exports.get(&name).cloned().unwrap_or(name);
            if name != module {
                names
                    .entry(name)
                    .or_insert_with(|| relative.display().to_string());
            }
        }
    }
    graph
}

#[test]
fn the_module_reader_reads_grouped_imports_and_supers() {
    let code = code_of(
        "use crate::{a, b::{c, d}, e::f as g};\nuse crate::h::{self, i};\n\
         // crate::comment\nfn x() { crate::j::k(); let s = \"crate::string\"; super::l(); }\n\
         #[cfg(test)]\nmod tests { use crate::m; }\n",
    );
    assert_eq!(named_modules(&code, 1), ["a", "b", "e", "h", "j", "l"]);
    assert_eq!(named_modules(&code, 2), ["a", "b", "e", "h", "j"]);
    assert_eq!(named_modules("use super::super::{n, o};", 2), ["n", "o"]);
    let exports = root_exports("pub use engine::Error;\npub use crate::a::{B, c::D as E};");
    assert_eq!(
        exports.into_iter().collect::<Vec<_>>(),
        [("B", "a"), ("E", "a"), ("Error", "engine")].map(|(n, m)| (n.into(), m.into()))
    );
}

#[test]
fn every_module_has_a_layer_and_every_path_a_module() {
    let graph = module_graph();
    for module in graph.keys() {
        assert!(
            layer_of(module).is_some(),
            "`{module}` is in no layer of LAYERS"
        );
    }
    for (_, names) in LAYERS {
        for name in *names {
            assert!(
                graph.contains_key(*name),
                "LAYERS names `{name}`, no module of src"
            );
        }
    }
    for (name, at) in graph.values().flatten() {
        assert!(
            graph.contains_key(name),
            "{at}: `crate::{name}` is neither a module nor a re-export of the crate root"
        );
    }
}

#[test]
fn no_module_cycle() {
    let graph = module_graph();
    // Depth-first search, colouring: a module met again while on the path
    // closes a cycle.
    fn visit<'a>(
        module: &'a str,
        graph: &'a Graph,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|m| *m == module) {
            let cycle = path[start..]
                .iter()
                .zip(path[start + 1..].iter().chain([&module]));
            return Some(
                cycle
                    .map(|(from, to)| format!("{from} -> {to} ({})", graph[*from][*to]))
                    .collect(),
            );
        }
        if !done.insert(module) {
            return None;
        }
        path.push(module);
        for name in graph.get(module).into_iter().flat_map(|n| n.keys()) {
            if let Some(cycle) = visit(name, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        if let Some(cycle) = visit(module, &graph, &mut Vec::new(), &mut done) {
            panic!(
                "a cycle between top-level modules (each layer has its own error type; \
                 the crate-wide one lives at the edge):\n{}",
                cycle.join("\n")
            );
        }
    }
}

#[test]
fn each_layer_names_only_the_layers_below() {
    let graph = module_graph();
    let mut found = Vec::new();
    for (module, names) in &graph {
        let Some(own) = layer_of(module) else {
            continue;
        };
        for (name, at) in names {
            if let Some(theirs) = layer_of(name)
                && theirs >= own
            {
                found.push(format!(
                    "{at}: `{module}` ({}) names `{name}` ({})",
                    LAYERS[own].0, LAYERS[theirs].0
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "a module names only the layers below its own (LAYERS):\n{}",
        found.join("\n")
    );
}

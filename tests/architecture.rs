//! The layering invariants of ARCHITECTURE.md, checked on the source text
//! (as rust-analyzer's tidy tests do): a layer names nothing above it, and
//! each outside crate is known only to the layer that owns its job.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

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

/// One source file of `src` (the crate root `lib.rs` and `main.rs` aside:
/// they name every module): its path below `src`, its top-level module,
/// how deep its module is (1 for `src/a.rs` or `src/a/mod.rs`) and its
/// code ([`code_of`]).
struct Source {
    relative: String,
    module: String,
    depth: usize,
    code: String,
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn sources() -> Vec<Source> {
    let src = src();
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(&src).sort_by_file_name() {
        let entry = entry.unwrap();
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
            continue;
        }
        found.push(Source {
            relative: relative.display().to_string(),
            module: parts[0].clone(),
            depth: parts.len() - usize::from(parts.last().is_some_and(|p| p == "mod")),
            code: code_of(&std::fs::read_to_string(path).unwrap()),
        });
    }
    assert!(
        found.len() > 20,
        "too few sources found below {}",
        src.display()
    );
    found
}

fn module_graph() -> Graph {
    let exports = root_exports(&code_of(
        &std::fs::read_to_string(src().join("lib.rs")).unwrap(),
    ));
    let mut graph = Graph::new();
    for source in sources() {
        let names = graph.entry(source.module.clone()).or_default();
        for name in named_modules(&source.code, source.depth) {
            let name = exports.get(&name).cloned().unwrap_or(name);
            if name != source.module {
                names.entry(name).or_insert_with(|| source.relative.clone());
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

/// The crates of `[dependencies]` in Cargo.toml, as code names them.
fn dependencies() -> Vec<String> {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    let section = manifest.split("\n[dependencies]\n").nth(1).unwrap();
    let section = section.split("\n[").next().unwrap();
    section
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(name, _)| name.trim().replace('-', "_"))
        .filter(|name| !name.starts_with('#') && !name.is_empty())
        .collect()
}

/// The first segment of every path in `code` (`a` of `a::b`, not `b`).
fn path_roots(code: &str) -> BTreeSet<String> {
    let b = code.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut found = BTreeSet::new();
    let mut i = 0;
    while let Some(at) = code[i..].find("::") {
        let end = i + at;
        let mut start = end;
        while start > 0 && ident(b[start - 1]) {
            start -= 1;
        }
        let preceded = start > 0 && (b[start - 1] == b':');
        if start < end && !preceded {
            found.insert(code[start..end].to_string());
        }
        i = end + 2;
    }
    found
}

/// For each dependency, the top-level modules whose code names it, with one
/// place naming it.
fn crate_users() -> BTreeMap<String, BTreeMap<String, String>> {
    let deps = dependencies();
    let mut users: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for source in sources() {
        for root in path_roots(&source.code) {
            if deps.contains(&root) {
                users
                    .entry(root)
                    .or_default()
                    .entry(source.module.clone())
                    .or_insert_with(|| source.relative.clone());
            }
        }
    }
    users
}

/// The outside crates that do one job, and the only top-level modules that
/// may name them.
const CRATES: &[(&str, &[&str], &str)] = &[
    ("miette", &["emit"], "printing diagnostics"),
    ("minijinja", &["emit"], "the site's templates"),
    ("pulldown_cmark", &["emit"], "the site's Markdown"),
    ("textwrap", &["emit", "commands"], "wrapping printed text"),
    ("httparse", &["engine"], "the dev server"),
    (
        "memchr",
        &["engine", "syntax"],
        "byte search: the dev server, the syntax tree's lexer",
    ),
    ("notify", &["engine"], "the watcher"),
    ("notify_debouncer_full", &["engine"], "the watcher"),
    ("lsp_server", &["lsp"], "the language server"),
    ("lsp_types", &["lsp"], "the language server"),
    (
        "crossbeam_channel",
        &["lsp"],
        "the language server's transport",
    ),
    (
        "clap",
        &["cli"],
        "the command line's definitions (and the crate root's `parse`)",
    ),
    (
        "ctrlc",
        &["commands", "diff"],
        "`serve`'s stop; `diff --git`'s private folder removed on a signal",
    ),
    (
        "serde_json",
        &["catalog", "emit", "review", "diff", "lsp", "commands"],
        "JSON outputs",
    ),
    (
        "serde",
        &[
            "base", "model", "metrics", "catalog", "emit", "review", "diff", "lsp",
        ],
        "JSON outputs",
    ),
    (
        "schemars",
        &["base", "model", "metrics", "catalog", "review", "diff"],
        "JSON Schemas of the outputs",
    ),
];

#[test]
fn each_outside_crate_is_named_only_by_the_modules_that_own_its_job() {
    let users = crate_users();
    let mut found = Vec::new();
    for (krate, allowed, job) in CRATES {
        for (module, at) in users.get(*krate).into_iter().flatten() {
            if !allowed.contains(&module.as_str()) {
                found.push(format!(
                    "{at}: `{module}` names `{krate}` ({job}: {allowed:?} only)"
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "an outside crate named outside its layer:\n{}",
        found.join("\n")
    );
    let deps = dependencies();
    for (krate, ..) in CRATES {
        assert!(
            deps.contains(&krate.to_string()),
            "CRATES names `{krate}`, no dependency"
        );
    }
}

/// Modules a module must not name although the layering would let it: what
/// the design keeps apart.
const APART: &[(&str, &[&str], &str)] = &[
    (
        "check",
        &["syntax", "lower", "discover", "format"],
        "checks judge the typed model, not text",
    ),
    (
        "metrics",
        &["syntax", "lower", "check", "format"],
        "the evaluation reads the model and the CSVs",
    ),
    (
        "catalog",
        &["syntax", "lower", "discover", "format"],
        "the catalogue is made from a compilation",
    ),
    (
        "emit",
        &["syntax", "check", "compile", "format"],
        "renderers read the catalog and diagnostics",
    ),
    (
        "review",
        &["syntax", "lower", "check", "format", "discover"],
        "a report over compilations and catalogues",
    ),
    (
        "diff",
        &["syntax", "lower", "check", "format", "metrics"],
        "a comparison of catalogues",
    ),
    (
        "lsp",
        &["check", "lower", "catalog", "emit", "review", "diff"],
        "the language server goes through `compile`",
    ),
    (
        "engine",
        &["syntax", "lower", "check", "metrics", "format", "files"],
        "the engine drives `compile` and `emit`",
    ),
    (
        "commands",
        &["syntax", "lower", "check", "metrics", "model"],
        "commands hold arguments and printing",
    ),
];

#[test]
fn modules_kept_apart_name_none_of_each_other() {
    let graph = module_graph();
    let mut found = Vec::new();
    for (module, never, why) in APART {
        assert!(
            graph.contains_key(*module),
            "APART names `{module}`, no module"
        );
        for name in *never {
            if let Some(at) = graph[*module].get(*name) {
                found.push(format!("{at}: `{module}` names `{name}` ({why})"));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// Where `needles` occur in the code of modules other than `allowed`
/// (files given as paths below `src` count as allowed too).
fn occurrences(needles: &[&str], allowed: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for source in sources() {
        if allowed.contains(&source.module.as_str()) || allowed.contains(&source.relative.as_str())
        {
            continue;
        }
        for (i, line) in source.code.lines().enumerate() {
            if needles.iter().any(|n| line.contains(n)) {
                found.push(format!("{}:{}: {}", source.relative, i + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn only_commands_print() {
    let found = occurrences(
        &[
            "print!",
            "println!",
            "eprint!",
            "eprintln!",
            "dbg!",
            "stdout()",
            "stderr()",
        ],
        &["commands", "lsp/transport.rs", "files.rs"],
    );
    assert!(
        found.is_empty(),
        "only commands print (the engine reports `Event`s; the language server writes the \
         protocol in `lsp::transport`; `files` streams an export to stdout):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_lookups_are_built_only_by_compile() {
    let found = occurrences(&["Lookups::new("], &["compile.rs", "model/index.rs"]);
    assert!(
        found.is_empty(),
        "lookups built outside `compile` (read `Compiled::index`):\n{}",
        found.join("\n")
    );
}

/// Threads and parallelism: in the engine and the phases, not in commands
/// (`serve`'s two threads are `engine::serving`'s).
#[test]
fn commands_start_no_thread() {
    let found = occurrences(
        &["thread::", "rayon::", "par_iter"],
        &[
            "base", "syntax", "model", "discover", "lower", "format", "metrics", "check",
            "compile", "catalog", "emit", "review", "diff", "engine", "lsp", "files",
        ],
    );
    assert!(found.is_empty(), "a command starts a thread:\n{found:?}");
}

/// Every invariant in bold in ARCHITECTURE.md names the test that checks it.
#[test]
fn every_invariant_names_its_test() {
    let page =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md"))
            .unwrap();
    let section = page
        .split("\n## Invariants")
        .nth(1)
        .expect("ARCHITECTURE.md has ## Invariants");
    let section = section.split("\n## ").next().unwrap();
    let this = std::fs::read_to_string(file!()).unwrap();
    let tests: Vec<&str> = this
        .split("#[test]\nfn ")
        .skip(1)
        .filter_map(|rest| rest.split('(').next())
        .collect();
    assert!(tests.len() > 5, "the tests of this file not found");
    let mut found = Vec::new();
    for item in section.split("\n- ").skip(1) {
        if !item.starts_with("**") {
            continue;
        }
        let first = item.lines().next().unwrap_or("").to_string();
        if !item.contains("tests/") && !item.contains("src/") {
            found.push(format!("names no test: {first}"));
        }
        // A test of this file is named in backquotes, and must exist.
        if item.contains("tests/architecture.rs") {
            let named = item
                .split('`')
                .skip(1)
                .step_by(2)
                .filter(|name| tests.contains(name))
                .count();
            if named == 0 {
                found.push(format!("names no test of tests/architecture.rs: {first}"));
            }
        }
    }
    // Every test here checks something the page states.
    for test in &tests {
        if !page.contains(&format!("`{test}`")) {
            found.push(format!("`{test}` is named on no line of ARCHITECTURE.md"));
        }
    }
    // Every test file the page names exists.
    for word in page.split(['`', ' ', '(', ')', ',', ';', ':', '\n']) {
        if word.starts_with("tests/") && word.ends_with(".rs") && !word.contains('*') {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(word);
            if !path.exists() {
                found.push(format!("names `{word}`, which does not exist"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "ARCHITECTURE.md and its tests disagree:\n{}",
        found.join("\n")
    );
}

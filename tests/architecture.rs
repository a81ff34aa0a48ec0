//! The layering invariants of ARCHITECTURE.md, checked on the source text
//! (as rust-analyzer's tidy tests do): a layer names nothing above it, and
//! each outside crate is known only to the layer that owns its job.

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
        "base", "lower", "model", "check", "metrics", "compile", "discover",
    ] {
        assert_none(dir, &["miette"], "only `emit` prints with miette");
    }
}

#[test]
fn only_the_syntax_layer_reads_kdl_crates() {
    for dir in [
        "lower", "model", "check", "metrics", "compile", "discover", "emit", "engine",
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
        "base", "model", "lower", "check", "emit", "compile", "discover", "diff", "format",
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
    assert_none(
        "diff",
        &[
            "kdl::",
            "miette",
            "minijinja",
            "crate::lower",
            "crate::syntax",
            "crate::check",
        ],
        "`diff` compares two catalogs; it reaches the sources only through `compile`",
    );
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

//! Source discovery: the project root (the folder holding `pmo.kdl`, found in
//! the given path or a parent) and every `*.kdl` file below it, in the order
//! of section 8 (relative path compared as bytes).

use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use walkdir::WalkDir;

/// The manifest's file name.
pub const MANIFEST: &str = "pmo.kdl";

/// A project could not be found or read: exit code 2.
#[derive(Debug)]
pub struct Fatal(pub String);

impl std::fmt::Display for Fatal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Finds the project root from a path inside it (a folder or a file).
pub fn find_root(path: &Path) -> Result<PathBuf, Fatal> {
    let start = std::fs::canonicalize(path)
        .map_err(|e| Fatal(format!("cannot read `{}`: {e}", path.display())))?;
    let start = if start.is_file() {
        start.parent().map(Path::to_path_buf).unwrap_or(start)
    } else {
        start
    };
    start
        .ancestors()
        .find(|dir| dir.join(MANIFEST).is_file())
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            Fatal(format!(
                "no `{MANIFEST}` in `{}` or any parent folder (run `pmoc init` to start a project)",
                path.display()
            ))
        })
}

/// One source file found below the root.
#[derive(Debug, Clone)]
pub struct Found {
    /// Relative to the root, `/`-separated.
    pub name: String,
    pub path: PathBuf,
}

/// What discovery leaves out besides dot-folders and `target/`.
#[derive(Debug, Default, Clone)]
pub struct Skip {
    /// The build output folder (absolute), if it lies below the root.
    pub output: Option<PathBuf>,
    /// `exclude` globs of the manifest, gitignore-style, relative to the root.
    pub exclude: Vec<String>,
}

/// Every `*.kdl` file below `root`, sorted by relative path as bytes.
/// Symlinks are not followed.
pub fn sources(root: &Path, skip: &Skip) -> Result<Vec<Found>, Fatal> {
    let excluded = exclude_matcher(root, &skip.exclude);
    let mut found = Vec::new();
    let walker = WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            let name = e.file_name().to_string_lossy();
            let is_dir = e.file_type().is_dir();
            if is_dir && (name.starts_with('.') || name == "target") {
                return false;
            }
            if is_dir && skip.output.as_deref() == Some(e.path()) {
                return false;
            }
            let rel = e.path().strip_prefix(root).unwrap_or(e.path());
            !excluded
                .matched_path_or_any_parents(rel, is_dir)
                .is_ignore()
        });
    for entry in walker {
        let entry = entry.map_err(|e| Fatal(format!("cannot read the project: {e}")))?;
        let is_kdl =
            entry.file_type().is_file() && entry.path().extension().is_some_and(|x| x == "kdl");
        if is_kdl {
            let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
            let name = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            found.push(Found {
                name,
                path: entry.path().to_path_buf(),
            });
        }
    }
    found.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    Ok(found)
}

fn exclude_matcher(root: &Path, globs: &[String]) -> Gitignore {
    let mut builder = GitignoreBuilder::new(root);
    for glob in globs {
        // Invalid globs are reported by the manifest checks; skip them here.
        let _ = builder.add_line(None, glob);
    }
    builder.build().unwrap_or_else(|_| Gitignore::empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_sorted_and_skips() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "pmo.kdl",
            "b.kdl",
            "a/z.kdl",
            "a-b.kdl",
            ".git/x.kdl",
            "target/t.kdl",
            "site/s.kdl",
            "drafts/d.kdl",
            "notes.txt",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "").unwrap();
        }
        let skip = Skip {
            output: Some(root.join("site")),
            exclude: vec!["drafts/**".into()],
        };
        let names: Vec<_> = sources(root, &skip)
            .unwrap()
            .into_iter()
            .map(|f| f.name)
            .collect();
        assert_eq!(names, ["a-b.kdl", "a/z.kdl", "b.kdl", "pmo.kdl"]);
    }
}

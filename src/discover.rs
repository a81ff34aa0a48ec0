//! Source discovery: the project root (the folder holding `pmo.kdl`, found in
//! the given path or a parent) and every `*.kdl` file below it, in the order
//! of section 8 (relative path compared as bytes). [`Filter`] is the one rule
//! for what discovery leaves out: the walk of [`sources`] asks it, and so does
//! the watcher of `watch` and `serve`, so a change it skips is a file
//! discovery would not read.

use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use walkdir::WalkDir;

use crate::Error;

/// The manifest's file name.
pub const MANIFEST: &str = "pmo.kdl";

/// Finds the project root from a path inside it (a folder or a file).
pub fn find_root(path: &Path) -> Result<PathBuf, Error> {
    let start = std::fs::canonicalize(path).map_err(|source| Error::Read {
        name: path.display().to_string(),
        source,
    })?;
    let start = if start.is_file() {
        start.parent().map(Path::to_path_buf).unwrap_or(start)
    } else {
        start
    };
    start
        .ancestors()
        .find(|dir| dir.join(MANIFEST).is_file())
        .map(Path::to_path_buf)
        .ok_or_else(|| Error::NoProject {
            path: path.to_path_buf(),
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

/// What discovery leaves out below a root: dot-folders, `target/`, the
/// output folder, and whatever the `exclude` globs match.
#[derive(Debug, Clone)]
pub struct Filter {
    root: PathBuf,
    output: Option<PathBuf>,
    exclude: Gitignore,
}

impl Filter {
    pub fn new(root: &Path, skip: &Skip) -> Filter {
        Filter {
            root: root.to_path_buf(),
            output: skip.output.clone(),
            exclude: exclude_matcher(root, &skip.exclude),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether discovery leaves out `path` (a folder when `is_dir`): a path
    /// outside the root, in (or being) a dot-folder, a `target/` folder or
    /// the output folder, or matched by an `exclude` glob, itself or through
    /// a folder holding it. A file's own name is not judged: `.a.kdl` is a
    /// source.
    pub fn skips(&self, path: &Path, is_dir: bool) -> bool {
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return true;
        };
        if rel.as_os_str().is_empty() {
            return false;
        }
        let mut folders = path
            .ancestors()
            .take_while(|a| *a != self.root)
            .skip(usize::from(!is_dir));
        folders.any(|folder| self.skips_folder(folder))
            || self
                .exclude
                .matched_path_or_any_parents(rel, is_dir)
                .is_ignore()
    }

    fn skips_folder(&self, folder: &Path) -> bool {
        let name = folder.file_name().unwrap_or_default().to_string_lossy();
        name.starts_with('.') || name == "target" || self.output.as_deref() == Some(folder)
    }
}

/// Every `*.kdl` file below the filter's root that it does not skip, sorted
/// by relative path as bytes. Symlinks are not followed.
pub fn sources(filter: &Filter) -> Result<Vec<Found>, Error> {
    let root = filter.root();
    let mut found = Vec::new();
    let walker = WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !filter.skips(e.path(), e.file_type().is_dir()));
    for entry in walker {
        let entry = entry.map_err(Error::Walk)?;
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

/// Whether `dir` (below the filter's root) holds a `*.kdl` file that
/// discovery would read if `dir` were not the output folder: `filter` is
/// the project's filter without an output folder.
pub fn holds_sources(dir: &Path, filter: &Filter) -> bool {
    WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| !filter.skips(e.path(), e.file_type().is_dir()))
        .filter_map(Result::ok)
        .any(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "kdl"))
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
        let names: Vec<_> = sources(&Filter::new(root, &skip))
            .unwrap()
            .into_iter()
            .map(|f| f.name)
            .collect();
        assert_eq!(names, ["a-b.kdl", "a/z.kdl", "b.kdl", "pmo.kdl"]);
    }

    /// The filter alone, on paths that need not exist (as a watcher sees a
    /// removed file), says what the walk says.
    #[test]
    fn the_filter_judges_paths_as_the_walk_does() {
        let root = Path::new("/p");
        let skip = Skip {
            output: Some(root.join("site")),
            exclude: vec!["drafts/**".into(), "*.draft.kdl".into()],
        };
        let filter = Filter::new(root, &skip);
        for kept in [
            "/p/pmo.kdl",
            "/p/a/z.kdl",
            "/p/.a.kdl",
            "/p/targets/t.kdl",
            "/p/sites/s.kdl",
            "/p/a~/z.kdl",
        ] {
            assert!(!filter.skips(Path::new(kept), false), "{kept}");
        }
        for skipped in [
            "/p/.git/x.kdl",
            "/p/a/.hidden/x.kdl",
            "/p/target/t.kdl",
            "/p/a/target/t.kdl",
            "/p/site/s.kdl",
            "/p/drafts/d.kdl",
            "/p/drafts/deep/d.kdl",
            "/p/a/b.draft.kdl",
            "/elsewhere/a.kdl",
        ] {
            assert!(filter.skips(Path::new(skipped), false), "{skipped}");
        }
        assert!(filter.skips(Path::new("/p/site"), true));
        assert!(filter.skips(Path::new("/p/drafts/deep"), true));
        assert!(!filter.skips(Path::new("/p/services"), true));
        assert!(!filter.skips(root, true));
    }
}

//! Source discovery: the project root (the folder holding `pmo.kdl`, found in
//! the given path or a parent) and every `*.kdl` file below it, in the order
//! of section 8 (relative path compared as bytes). [`Filter`] is the one rule
//! for what discovery leaves out: the walk of [`sources`] asks it, and so does
//! the watcher of `watch` and `serve`, so a change it skips is a file
//! discovery would not read.

use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use walkdir::WalkDir;

/// The manifest's file name.
pub const MANIFEST: &str = "pmo.kdl";

/// Why the project's sources cannot be found or read: discovery's error,
/// and `compile`'s when it reads them (an exit-2 condition: the
/// crate-wide `pmoc::Error` wraps it).
#[derive(Debug)]
pub enum SourceError {
    /// A file or folder could not be read (`name` as the user wrote or
    /// sees it).
    Read {
        name: String,
        source: std::io::Error,
    },
    /// Walking the project's folders failed.
    Walk(walkdir::Error),
    /// A source (`name` from the root) is a symbolic link leading outside
    /// the project or nowhere (`why`).
    Link { name: String, why: String },
    /// No `pmo.kdl` in the given path or any parent folder.
    NoProject { path: PathBuf },
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SourceError::Read { name, source } => write!(f, "cannot read `{name}`: {source}"),
            SourceError::Walk(e) => write!(f, "cannot read the project: {e}"),
            SourceError::Link { name, why } => write!(
                f,
                "`{name}` {why}; put the file itself in the project, or a link to a file inside it"
            ),
            SourceError::NoProject { path } => write!(
                f,
                "no `{MANIFEST}` in `{}` or any parent folder",
                path.display()
            ),
        }
    }
}

impl std::error::Error for SourceError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SourceError::Read { source, .. } => Some(source),
            SourceError::Walk(e) => Some(e),
            SourceError::Link { .. } | SourceError::NoProject { .. } => None,
        }
    }
}

/// Finds the project root from a path inside it (a folder or a file). A
/// file that is a symbolic link is judged where the link stands, not where
/// it leads (its project is the link's).
pub fn find_root(path: &Path) -> Result<PathBuf, SourceError> {
    let read_error = |source| SourceError::Read {
        name: path.display().to_string(),
        source,
    };
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let start = match (is_link, path.parent()) {
        (true, Some(parent)) => {
            let parent = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            std::fs::canonicalize(parent).map_err(read_error)?
        }
        _ => std::fs::canonicalize(path).map_err(read_error)?,
    };
    let start = if start.is_file() {
        start.parent().map(Path::to_path_buf).unwrap_or(start)
    } else {
        start
    };
    start
        .ancestors()
        .find(|dir| dir.join(MANIFEST).is_file())
        .map(Path::to_path_buf)
        .ok_or_else(|| SourceError::NoProject {
            path: path.to_path_buf(),
        })
}

/// One source file found below the root.
#[derive(Debug, Clone)]
pub struct Found {
    /// Relative to the root, `/`-separated: the name it was found by (a
    /// link's own name when it was reached through a link).
    pub name: String,
    /// The file itself (where a link leads).
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
/// by relative path as bytes. A symbolic link is followed when it leads
/// inside the project ([`walk`]); a `.kdl` link leading outside it, or
/// nowhere, stops discovery ([`SourceError::Link`]), and a folder linked outside
/// the project is not walked.
pub fn sources(filter: &Filter) -> Result<Vec<Found>, SourceError> {
    let root = filter.root();
    let manifest = root.join(MANIFEST);
    let (files, refused) = walk(
        root,
        &Bounds::new([root]),
        |e| !filter.skips(e.path(), e.file_type().is_dir()),
        |path| path == manifest,
    )
    .map_err(SourceError::Walk)?;
    if let Some(link) = refused.into_iter().find(|r| is_kdl(&r.path)) {
        return Err(SourceError::Link {
            name: name_in(root, &link.path),
            why: link.why,
        });
    }
    let mut found: Vec<Found> = files
        .into_iter()
        .filter(|f| is_kdl(&f.path))
        .map(|f| Found {
            name: name_in(root, &f.path),
            path: f.real,
        })
        .collect();
    found.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    Ok(found)
}

fn is_kdl(path: &Path) -> bool {
    path.extension().is_some_and(|x| x == "kdl")
}

/// `path`'s name relative to `root`, `/`-separated.
fn name_in(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The folders a symbolic link may lead into (the project's root; for
/// `--metrics DIR`, that folder too): a walk follows a link only when its
/// target lies inside one of them, and not in a hidden file or folder
/// there (a name starting with `.`, such as `.git/` or `.env`).
#[derive(Debug, Clone)]
pub struct Bounds(Vec<PathBuf>);

impl Bounds {
    /// The folders, as they really are (a folder that does not exist bounds
    /// nothing).
    pub fn new<'a>(folders: impl IntoIterator<Item = &'a Path>) -> Bounds {
        Bounds(
            folders
                .into_iter()
                .filter_map(|f| std::fs::canonicalize(f).ok())
                .collect(),
        )
    }

    /// Where `path` really is, when that lies inside the bounds.
    pub fn real(&self, path: &Path) -> Result<PathBuf, Refused> {
        let refused = |why: &str| Refused {
            path: path.to_path_buf(),
            why: why.into(),
        };
        let real = std::fs::canonicalize(path)
            .map_err(|_| refused("is a symbolic link that leads nowhere"))?;
        let Some(inside) = self
            .0
            .iter()
            .find_map(|bound| real.strip_prefix(bound).ok())
        else {
            return Err(refused(
                "is a symbolic link to a place outside the project; pmoc reads nothing outside the project through a link",
            ));
        };
        // `.git/config` may hold a CI token: what a walk skips by name is
        // not reached through a link either.
        let hidden = inside
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
        if hidden {
            return Err(refused(
                "is a symbolic link into a hidden file or folder (a name starting with `.`); pmoc reads none through a link",
            ));
        }
        Ok(real)
    }
}

/// A symbolic link a walk did not follow, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// The link, as walked.
    pub path: PathBuf,
    pub why: String,
}

/// A file a walk found: its path as walked and where it really is.
#[derive(Debug, Clone)]
pub struct Walked {
    pub path: PathBuf,
    pub real: PathBuf,
}

/// Every file below `dir` (or `dir` itself, when it is a file), and the
/// links not followed. A symbolic link, `dir` itself included, is followed
/// only when it leads inside `bounds` (a loop is not followed again); any
/// other is refused, and nothing below it is read. Entries that `keep`
/// rejects (below `dir`) are left out, with what is below them. A folder
/// reached by several paths is walked once, by the first in name order; a
/// file reached by several paths is listed once: by the path `first`
/// chooses, else by a path without links, else by the first path.
pub fn walk(
    dir: &Path,
    bounds: &Bounds,
    keep: impl Fn(&walkdir::DirEntry) -> bool,
    first: impl Fn(&Path) -> bool,
) -> Result<(Vec<Walked>, Vec<Refused>), walkdir::Error> {
    if !dir.is_symlink() && !dir.exists() {
        return Ok((Vec::new(), Vec::new()));
    }
    let start = match bounds.real(dir) {
        Ok(start) => start,
        Err(refused) => return Ok((Vec::new(), vec![refused])),
    };
    let refused = std::cell::RefCell::new(Vec::new());
    let followed = std::cell::Cell::new(dir.is_symlink());
    // The folders walked, as they really are: each is walked once.
    let walked = std::cell::RefCell::new(std::collections::HashSet::new());
    let walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() > 0 && !keep(e) {
                return false;
            }
            if e.depth() > 0 && e.path_is_symlink() {
                if let Err(r) = bounds.real(e.path()) {
                    refused.borrow_mut().push(r);
                    return false;
                }
                followed.set(true);
            }
            if e.file_type().is_dir() {
                let real = match followed.get() {
                    true => std::fs::canonicalize(e.path()).unwrap_or_else(|_| e.path().into()),
                    false => start.join(e.path().strip_prefix(dir).unwrap_or(e.path())),
                };
                return walked.borrow_mut().insert(real);
            }
            true
        });
    let mut files = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            // A link back to a folder being walked: its files are read there.
            Err(e) if e.loop_ancestor().is_some() => continue,
            Err(e) => match e.path().filter(|p| p.is_symlink()) {
                Some(link) => {
                    refused.borrow_mut().push(Refused {
                        path: link.to_path_buf(),
                        why: "is a symbolic link that leads nowhere".into(),
                    });
                    continue;
                }
                None => return Err(e),
            },
        };
        if entry.file_type().is_file() {
            files.push(entry.into_path());
        }
    }
    let mut files: Vec<(bool, bool, Walked)> = files
        .into_iter()
        .map(|path| {
            let direct = start.join(path.strip_prefix(dir).unwrap_or(&path));
            let real = match followed.get() {
                true => std::fs::canonicalize(&path).unwrap_or_else(|_| direct.clone()),
                false => direct.clone(),
            };
            let chosen = first(&path);
            let by_link = real != direct;
            (!chosen, by_link, Walked { path, real })
        })
        .collect();
    files.sort_by(|a, b| (&a.2.real, a.0, a.1, &a.2.path).cmp(&(&b.2.real, b.0, b.1, &b.2.path)));
    files.dedup_by(|later, earlier| later.2.real == earlier.2.real);
    let files = files.into_iter().map(|(_, _, walked)| walked).collect();
    Ok((files, refused.into_inner()))
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

    /// A walk follows links into its bounds only, lists each file once
    /// (by its own path rather than a link's), and is not caught in loops.
    #[test]
    fn a_walk_follows_links_into_its_bounds_only() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let (root, outside) = (dir.path().join("p"), dir.path().join("o"));
        for f in ["p/a/x.csv", "p/.git/config", "o/secret.csv"] {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "").unwrap();
        }
        symlink(root.join("a/x.csv"), root.join("a/y.csv")).unwrap();
        symlink(&root, root.join("a/loop")).unwrap();
        symlink(&outside, root.join("a/out")).unwrap();
        symlink(root.join(".git"), root.join("a/git")).unwrap();
        symlink(root.join("gone"), root.join("a/gone.csv")).unwrap();
        let bounds = Bounds::new([root.as_path()]);
        // Every caller leaves dot-names out, as here.
        let visible = |e: &walkdir::DirEntry| !e.file_name().to_string_lossy().starts_with('.');
        let (files, refused) = walk(&root.join("a"), &bounds, visible, |_| false).unwrap();
        let rel = |p: &Path| {
            p.strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        };
        let files: Vec<String> = files.iter().map(|f| rel(&f.path)).collect();
        assert_eq!(files, ["a/x.csv"]);
        let mut refused: Vec<String> = refused.iter().map(|r| rel(&r.path)).collect();
        refused.sort();
        assert_eq!(refused, ["a/git", "a/gone.csv", "a/out"]);
        // The starting folder itself, as a link out; a folder that is not there.
        symlink(&outside, root.join("m")).unwrap();
        let (files, refused) = walk(&root.join("m"), &bounds, |_| true, |_| false).unwrap();
        assert!(files.is_empty() && refused.len() == 1);
        let (files, refused) = walk(&root.join("none"), &bounds, |_| true, |_| false).unwrap();
        assert!(files.is_empty() && refused.is_empty());
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

//! Writing a rendered site. [`replace_atomically`] (and
//! [`replace_atomically_with`], into which a build streams) writes into a temporary
//! folder beside the target and swaps it into place only when every file is
//! written, so a failed build leaves the last good site whole.
//! [`update_in_place`] writes only the files whose bytes changed (watch mode),
//! through no link planted in the site ([`crate::files::write_below`]).

use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::files;

/// A file of the site: a path relative to the output folder and its bytes
/// (shared: watch mode keeps unchanged pages without copying them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFile {
    pub path: String,
    pub bytes: Arc<[u8]>,
}

impl OutFile {
    pub fn new(path: &str, bytes: impl Into<Arc<[u8]>>) -> OutFile {
        OutFile {
            path: path.to_string(),
            bytes: bytes.into(),
        }
    }

    /// Whether two files hold the same bytes (shared bytes are not compared).
    pub fn same_bytes(&self, other: &OutFile) -> bool {
        Arc::ptr_eq(&self.bytes, &other.bytes) || self.bytes == other.bytes
    }
}

/// A file in every site pmoc writes: a folder without it is not replaced.
pub const MARKER: &str = ".pmoc-site";

const MARKER_TEXT: &str = "This folder is written by pmoc build.\n";

/// The relative path of a site file, refusing anything that could leave the
/// output folder (absolute paths, `..`, empty components).
pub fn safe_relative(path: &str) -> io::Result<PathBuf> {
    let p = Path::new(path);
    let ok = !path.is_empty()
        && p.components().all(|c| matches!(c, Component::Normal(_)))
        && !path.contains('\\');
    if ok {
        Ok(p.to_path_buf())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("`{path}` would leave the output folder"),
        ))
    }
}

/// Refuses to replace anything but a pmoc site, an empty folder or
/// nothing: a file, or a folder that holds something else.
pub fn check_replaceable(out: &Path) -> io::Result<()> {
    match std::fs::metadata(out) {
        Ok(meta) if !meta.is_dir() => {
            return Err(io::Error::other(format!(
                "`{}` is a file, not a folder; refusing to replace it",
                out.display()
            )));
        }
        Ok(_) => {}
        Err(_) => return Ok(()),
    }
    let Ok(mut entries) = std::fs::read_dir(out) else {
        return Ok(());
    };
    if entries.next().is_none() || out.join(MARKER).is_file() {
        return Ok(());
    }
    Err(io::Error::other(format!(
        "`{}` exists and is not a site pmoc built (it has no `{MARKER}`); refusing to replace it",
        out.display()
    )))
}

/// Writes one file of the site into the folder `dir`.
pub fn write_file(dir: &Path, file: &OutFile) -> io::Result<()> {
    let path = dir.join(safe_relative(&file.path)?);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, &file.bytes)
}

/// A fresh folder a build streams its files into, from several threads:
/// each folder below it is made once, and a file may be written through a
/// buffered writer ([`Folder::write_with`]) instead of being held whole.
pub struct Folder {
    dir: PathBuf,
    /// The folders made (or found) so far.
    made: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
    /// Pages (`.html`) written.
    pages: std::sync::atomic::AtomicUsize,
}

impl Folder {
    /// The empty folder `dir` (it exists).
    pub fn new(dir: &Path) -> Folder {
        Folder {
            dir: dir.to_path_buf(),
            made: Default::default(),
            pages: Default::default(),
        }
    }

    /// The pages written so far.
    pub fn pages(&self) -> usize {
        self.pages.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Writes `file`.
    pub fn write(&self, file: &OutFile) -> io::Result<()> {
        self.write_with(&file.path, |w| w.write_all(&file.bytes))
    }

    /// Writes the file at `path` through `fill`, buffered.
    pub fn write_with(
        &self,
        path: &str,
        fill: impl FnOnce(&mut dyn io::Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let rel = safe_relative(path)?;
        let path_in = self.dir.join(&rel);
        if let Some(parent) = rel.parent().filter(|p| !p.as_os_str().is_empty()) {
            // Held while the folder is made: no two threads make it.
            let mut made = self.made.lock().expect("folders");
            if !made.contains(parent) {
                std::fs::create_dir_all(self.dir.join(parent))?;
                made.insert(parent.to_path_buf());
            }
        }
        let mut out = io::BufWriter::with_capacity(64 * 1024, std::fs::File::create(path_in)?);
        fill(&mut out)?;
        io::Write::flush(&mut out)?;
        if path.ends_with(".html") {
            self.pages
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(())
    }
}

/// Writes the site into a fresh temporary folder beside `out`, then moves it
/// into place. On any error the previous `out` is untouched.
pub fn replace_atomically(out: &Path, files: &[OutFile]) -> io::Result<()> {
    replace_atomically_with(out, |dir| {
        files.iter().try_for_each(|file| write_file(dir, file))
    })
}

/// As [`replace_atomically`], with the files written by `fill` into the
/// temporary folder it is given (a build streams its pages there).
pub fn replace_atomically_with<T, E: From<io::Error>>(
    out: &Path,
    fill: impl FnOnce(&Path) -> Result<T, E>,
) -> Result<T, E> {
    check_replaceable(out)?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.new-"))
        .tempdir_in(parent)?;
    std::fs::write(staging.path().join(MARKER), MARKER_TEXT)?;
    let filled = fill(staging.path())?;
    let staged = staging.keep();
    if out.exists() {
        let old = tempfile::Builder::new()
            .prefix(&format!(".{name}.old-"))
            .tempdir_in(parent)?;
        let old_path = old.keep();
        std::fs::remove_dir(&old_path)?;
        std::fs::rename(out, &old_path)?;
        if let Err(e) = std::fs::rename(&staged, out) {
            let _ = std::fs::rename(&old_path, out);
            let _ = std::fs::remove_dir_all(&staged);
            return Err(e.into());
        }
        let _ = std::fs::remove_dir_all(&old_path);
    } else {
        std::fs::rename(&staged, out)?;
    }
    Ok(filled)
}

/// Writes only the files whose bytes differ from what `out` holds
/// (`previous`) and, with `remove_others`, removes the files of `previous`
/// that `files` no longer has. Returns the paths written.
pub fn update_in_place<'f>(
    out: &Path,
    files: &'f [OutFile],
    previous: &[OutFile],
    remove_others: bool,
) -> io::Result<Vec<&'f str>> {
    check_replaceable(out)?;
    if !out.join(MARKER).is_file() {
        std::fs::create_dir_all(out)?;
        std::fs::write(out.join(MARKER), MARKER_TEXT)?;
        for file in files {
            write_file(out, file)?;
        }
        return Ok(files.iter().map(|f| f.path.as_str()).collect());
    }
    let before: std::collections::HashMap<&str, &OutFile> =
        previous.iter().map(|f| (f.path.as_str(), f)).collect();
    let mut written = Vec::new();
    for file in files {
        if before
            .get(file.path.as_str())
            .is_some_and(|old| old.same_bytes(file))
        {
            continue;
        }
        // Beside, then renamed: a reader never sees half a page, and no
        // link planted in the site sends it elsewhere.
        files::write_below(out, &safe_relative(&file.path)?, &file.bytes)?;
        written.push(file.path.as_str());
    }
    if !remove_others {
        return Ok(written);
    }
    let now: std::collections::HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for gone in previous.iter().filter(|f| !now.contains(f.path.as_str())) {
        let rel = safe_relative(&gone.path)?;
        if files::folders_below(out, &rel, false).is_ok() {
            let _ = std::fs::remove_file(out.join(rel));
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_escape() {
        for bad in [
            "../x.html",
            "/etc/passwd",
            "a/../../b",
            "",
            "a\\..\\b",
            "./a",
        ] {
            assert!(safe_relative(bad).is_err(), "{bad}");
        }
        assert!(safe_relative("services/risk-log.html").is_ok());
    }

    #[test]
    fn a_file_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("notes.txt");
        std::fs::write(&file, "precious").unwrap();
        let files = [OutFile::new("index.html", b"x".as_slice())];
        assert!(replace_atomically(&file, &files).is_err());
        assert!(update_in_place(&file, &files, &[], true).is_err());
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "precious");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "nothing beside it");
    }

    #[cfg(unix)]
    #[test]
    fn an_update_writes_and_removes_nothing_through_a_link_in_the_site() {
        let site = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let first = [
            OutFile::new("index.html", b"1".as_slice()),
            OutFile::new("services/a.html", b"1".as_slice()),
        ];
        update_in_place(site.path(), &first, &[], true).unwrap();
        // A folder of the site linked elsewhere, a page linked to a file.
        let services = site.path().join("services");
        std::fs::remove_dir_all(&services).unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), &services).unwrap();
        std::fs::write(elsewhere.path().join("a.html"), "precious").unwrap();
        let outside = elsewhere.path().join("notes.txt");
        std::fs::write(&outside, "precious").unwrap();
        std::fs::remove_file(site.path().join("index.html")).unwrap();
        std::os::unix::fs::symlink(&outside, site.path().join("index.html")).unwrap();

        let next = [OutFile::new("index.html", b"2".as_slice())];
        update_in_place(site.path(), &next, &first, true).unwrap();
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "precious");
        let index = site.path().join("index.html");
        assert!(!std::fs::symlink_metadata(&index).unwrap().is_symlink());
        assert_eq!(std::fs::read(&index).unwrap(), b"2");
        // The page gone is not removed through the link.
        assert!(elsewhere.path().join("a.html").exists());

        let again = [OutFile::new("services/b.html", b"2".as_slice())];
        assert!(update_in_place(site.path(), &again, &next, false).is_err());
        assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 2);
    }

    #[test]
    fn a_foreign_folder_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("thesis.docx"), "precious").unwrap();
        let files = [OutFile {
            path: "index.html".into(),
            bytes: b"x".as_slice().into(),
        }];
        assert!(replace_atomically(dir.path(), &files).is_err());
        assert!(dir.path().join("thesis.docx").exists());
    }
}

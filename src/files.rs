//! How pmoc writes a user's files: the one mechanism behind `fmt`'s
//! rewrites, `export --out` and `init`. It names no phase.
//!
//! - [`read`] a file with its [`Snapshot`] (device, inode, size, modification
//!   time and a hash of the bytes), and [`replace`] it only while it is still
//!   what was read: a file edited meanwhile is left alone ([`Refusal::Changed`]).
//!   The new text goes to a temporary file beside the real one (a linked
//!   name is followed to its target, the link kept), given the file's owner,
//!   group and mode, then renamed over it; a read-only file or one with
//!   several hard links is refused unless forced (then a hard-linked file is
//!   written in place, keeping its links).
//! - [`write_out`]: a regular file (new, or replaced as above), or a FIFO or
//!   character device written as a stream (opened and written, never
//!   renamed over); anything else (a folder, a socket, a block device, a
//!   link to nothing) is refused.
//! - [`create_all`]: new files under a folder, all or nothing: every path is
//!   checked before anything is written (no link and no file on the way, no
//!   entry at the end), and what this run created is removed if a write fails.

use std::fmt;
use std::fs::{File, Metadata, OpenOptions};
use std::hash::Hasher;
use std::io::{self, Read, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

/// What a file was when it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    dev: u64,
    ino: u64,
    len: u64,
    modified: Option<SystemTime>,
    hash: u64,
}

impl Snapshot {
    fn of(meta: &Metadata, bytes: &[u8]) -> Snapshot {
        Snapshot {
            dev: meta.dev(),
            ino: meta.ino(),
            len: meta.len(),
            modified: meta.modified().ok(),
            hash: hash(bytes),
        }
    }
}

fn hash(bytes: &[u8]) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    h.write(bytes);
    h.finish()
}

/// Why a file was not written.
#[derive(Debug)]
pub enum Refusal {
    /// It changed (or was replaced, or removed) since it was read.
    Changed,
    /// No one may write it (no write permission in its mode, or not for us).
    ReadOnly,
    /// It has this many hard links; replacing it would break them.
    HardLinked(u64),
    /// It is not a file that can be written: what it is.
    NotAFile(&'static str),
    /// A folder was expected: what it is.
    NotAFolder(&'static str),
    /// Its owner and group could not be kept.
    Owner(io::Error),
    /// Reading or writing failed.
    Io(io::Error),
}

impl Refusal {
    /// Whether `--force` would write it anyway.
    pub fn forcible(&self) -> bool {
        matches!(self, Refusal::ReadOnly | Refusal::HardLinked(_))
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Changed => f.write_str("it changed since pmoc read it"),
            Refusal::ReadOnly => f.write_str("it is read-only"),
            Refusal::HardLinked(n) => {
                write!(f, "it has {n} hard links, which replacing it would break")
            }
            Refusal::NotAFile(what) => write!(
                f,
                "it is {what}; pmoc writes a regular file (replaced whole), a FIFO or a character device"
            ),
            Refusal::NotAFolder(what) => write!(f, "it is {what}, not a folder"),
            Refusal::Owner(e) => write!(f, "its owner and group cannot be kept: {e}"),
            Refusal::Io(e) => e.fmt(f),
        }
    }
}

impl From<io::Error> for Refusal {
    fn from(e: io::Error) -> Refusal {
        Refusal::Io(e)
    }
}

impl std::error::Error for Refusal {}

/// A file's bytes, at most `limit` + 1 of them (so a caller can tell a file
/// over its bound), and its [`Snapshot`].
pub fn read(path: &Path, limit: u64) -> io::Result<(Vec<u8>, Snapshot)> {
    let file = File::open(path)?;
    let meta = file.metadata()?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    let snapshot = Snapshot::of(&meta, &bytes);
    Ok((bytes, snapshot))
}

/// What a path names, links followed.
enum Place {
    /// Nothing: a new file.
    New,
    /// A regular file (the link's target when the path is a link).
    File(PathBuf, Metadata),
    /// A FIFO or a character device.
    Stream,
}

fn place(path: &Path) -> Result<Place, Refusal> {
    let meta = match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Place::New),
        other => other?,
    };
    let linked = meta.file_type().is_symlink();
    let meta = if linked {
        match std::fs::metadata(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(Refusal::NotAFile("a link to nothing"));
            }
            other => other?,
        }
    } else {
        meta
    };
    let kind = meta.file_type();
    if kind.is_file() {
        // The link's target is replaced, not the link. (Resolved only
        // here: a link to a pipe, `/proc/self/fd/1`, resolves to no path.)
        let path = if linked {
            std::fs::canonicalize(path)?
        } else {
            path.to_path_buf()
        };
        Ok(Place::File(path, meta))
    } else if kind.is_fifo() || kind.is_char_device() {
        Ok(Place::Stream)
    } else {
        Err(Refusal::NotAFile(what(&meta)))
    }
}

/// What a file that is not a regular file is, in words.
fn what(meta: &Metadata) -> &'static str {
    let kind = meta.file_type();
    if kind.is_dir() {
        "a folder"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_symlink() {
        "a link"
    } else if kind.is_file() {
        "a file"
    } else {
        "a special file"
    }
}

/// Replaces the file at `path` (a link's target, the link kept) with
/// `bytes`, if it is still what `read` saw: see the module's comment.
pub fn replace(path: &Path, read: &Snapshot, bytes: &[u8], force: bool) -> Result<(), Refusal> {
    // It was a file when it was read: anything else now is a change.
    match place(path) {
        Ok(Place::File(path, meta)) => replace_file(&path, &meta, Some(read), bytes, force),
        Ok(Place::New | Place::Stream) | Err(Refusal::NotAFile(_)) => Err(Refusal::Changed),
        Err(e) => Err(e),
    }
}

/// Writes `bytes` to `path` for `export --out`: a new or regular file
/// replaced atomically (keeping its owner, group and mode), a FIFO or a
/// character device as a stream; anything else is refused. Missing parent
/// folders are made.
pub fn write_out(path: &Path, bytes: &[u8]) -> Result<(), Refusal> {
    match place(path)? {
        // `--out /dev/stdout >> log`: the file is open as standard output
        // (in append mode, maybe); written there, as any stream.
        Place::File(_, meta) if standard_output(&meta) => {
            let mut out = io::stdout().lock();
            out.write_all(bytes)?;
            out.flush()?;
            Ok(())
        }
        Place::File(path, meta) => replace_file(&path, &meta, None, bytes, false),
        Place::Stream => stream(path, bytes),
        Place::New => {
            let dir = parent(path);
            std::fs::create_dir_all(dir)?;
            let mut temp = temporary(path)?;
            temp.write_all(bytes)?;
            temp.as_file().sync_all()?;
            temp.persist_noclobber(path).map_err(|e| e.error)?;
            Ok(())
        }
    }
}

/// Writes each `(name, bytes)` into the folder `dir` (made when missing)
/// with [`write_out`], for `export csv --out DIR`; other files there are
/// left alone. Every place is judged before the first file is written; a
/// refusal comes with the path refused.
pub fn write_folder(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<(), (PathBuf, Refusal)> {
    let fail = |why| (dir.to_path_buf(), why);
    match std::fs::metadata(dir) {
        Ok(meta) if !meta.is_dir() => return Err(fail(Refusal::NotAFolder(what(&meta)))),
        Ok(_) => {
            for (name, _) in files {
                let path = dir.join(name);
                if let Err(why) = place(&path).and_then(|p| writable(&p, false)) {
                    return Err((path, why));
                }
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if std::fs::symlink_metadata(dir).is_ok() {
                return Err(fail(Refusal::NotAFolder("a link to nothing")));
            }
            std::fs::create_dir_all(dir).map_err(|e| fail(e.into()))?;
        }
        Err(e) => return Err(fail(e.into())),
    }
    for (name, bytes) in files {
        let path = dir.join(name);
        write_out(&path, bytes).map_err(|why| (path, why))?;
    }
    Ok(())
}

/// Whether a regular file may be replaced: not hard-linked, not read-only,
/// unless forced.
fn writable(place: &Place, force: bool) -> Result<(), Refusal> {
    match place {
        Place::File(_, meta) if meta.nlink() > 1 && !force => {
            Err(Refusal::HardLinked(meta.nlink()))
        }
        Place::File(path, meta) if !force && read_only(path, meta) => Err(Refusal::ReadOnly),
        _ => Ok(()),
    }
}

/// Whether `meta` is the file pmoc's standard output writes to.
fn standard_output(meta: &Metadata) -> bool {
    use std::os::fd::AsFd;
    let Ok(fd) = io::stdout().as_fd().try_clone_to_owned() else {
        return false;
    };
    File::from(fd)
        .metadata()
        .is_ok_and(|out| (out.dev(), out.ino()) == (meta.dev(), meta.ino()))
}

/// A FIFO or character device, opened (never created or truncated) and
/// written; what was opened is checked again, so nothing else is written.
fn stream(path: &Path, bytes: &[u8]) -> Result<(), Refusal> {
    let mut file = OpenOptions::new().write(true).open(path)?;
    let meta = file.metadata()?;
    let kind = meta.file_type();
    if !(kind.is_fifo() || kind.is_char_device()) {
        return Err(Refusal::Changed);
    }
    file.write_all(bytes)?;
    file.flush()?;
    Ok(())
}

fn parent(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// A temporary file beside `path`, readable by others where the umask says
/// so (as any new file). Its name is short, whatever the file's length.
fn temporary(path: &Path) -> io::Result<tempfile::NamedTempFile> {
    tempfile::Builder::new()
        .prefix(".pmoc-")
        .permissions(std::fs::Permissions::from_mode(0o666))
        .tempfile_in(parent(path))
}

/// Whether the current file at `path` is the one `read` saw, bytes and all.
fn unchanged(path: &Path, read: &Snapshot) -> Result<bool, Refusal> {
    let now = match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        other => other?,
    };
    if (now.dev(), now.ino(), now.len(), now.modified().ok())
        != (read.dev, read.ino, read.len, read.modified)
    {
        return Ok(false);
    }
    let (bytes, again) = self::read(path, read.len)?;
    Ok(again.hash == read.hash && bytes.len() as u64 == read.len)
}

/// Whether no one may write the file: no write bit in its mode (which root
/// ignores), or the system refuses us.
fn read_only(path: &Path, meta: &Metadata) -> bool {
    if meta.permissions().mode() & 0o222 == 0 {
        return true;
    }
    matches!(
        OpenOptions::new().write(true).open(path),
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied
    )
}

fn replace_file(
    path: &Path,
    meta: &Metadata,
    read: Option<&Snapshot>,
    bytes: &[u8],
    force: bool,
) -> Result<(), Refusal> {
    if let Some(read) = read
        && !unchanged(path, read)?
    {
        return Err(Refusal::Changed);
    }
    writable(&Place::File(path.to_path_buf(), meta.clone()), force)?;
    if meta.nlink() > 1 {
        return in_place(path, read, bytes);
    }
    let mut temp = temporary(path)?;
    temp.write_all(bytes)?;
    let file = temp.as_file();
    let mine = file.metadata()?;
    if (mine.uid(), mine.gid()) != (meta.uid(), meta.gid()) {
        std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid()))
            .map_err(Refusal::Owner)?;
    }
    // After the owner: a change of owner clears the set-id bits.
    file.set_permissions(meta.permissions())?;
    file.sync_all()?;
    // Checked again at the last moment: the window left is the rename.
    if let Some(read) = read
        && !unchanged(path, read)?
    {
        return Err(Refusal::Changed);
    }
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A file with several hard links, written where it is (with `--force`):
/// every link sees the new text; the write is not atomic.
fn in_place(path: &Path, read: Option<&Snapshot>, bytes: &[u8]) -> Result<(), Refusal> {
    let mut file = OpenOptions::new().write(true).open(path)?;
    if let Some(read) = read {
        let meta = file.metadata()?;
        if (meta.dev(), meta.ino()) != (read.dev, read.ino) || !unchanged(path, read)? {
            return Err(Refusal::Changed);
        }
    }
    file.set_len(0)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(())
}

/// Checks that every folder between `dir` and the file `dir/rel` is a
/// real folder, not a link nor a file (made when missing, with `make`): for
/// what pmoc writes or removes in a folder of its own (a site), so that a
/// link planted there sends nothing outside it.
pub fn folders_below(dir: &Path, rel: &Path, make: bool) -> io::Result<()> {
    let mut at = dir.to_path_buf();
    let mut parts: Vec<_> = rel.components().collect();
    parts.pop();
    for part in parts {
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Ok(meta) if meta.is_dir() => {}
            Ok(meta) => {
                return Err(io::Error::other(format!(
                    "`{}` is {}, where a folder is needed (pmoc writes nothing through a link)",
                    at.display(),
                    what(&meta)
                )));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound && make => std::fs::create_dir(&at)?,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Writes `bytes` at `dir/rel` in a folder of pmoc's own (a site being
/// updated): the folders made through no link ([`folders_below`]), the
/// file written beside and renamed into place, so a reader never sees half
/// of it and a link at its place is replaced, not followed.
pub fn write_below(dir: &Path, rel: &Path, bytes: &[u8]) -> io::Result<()> {
    folders_below(dir, rel, true)?;
    let path = dir.join(rel);
    let mut temp = temporary(&path)?;
    temp.write_all(bytes)?;
    temp.persist(&path).map_err(|e| e.error)?;
    Ok(())
}

/// Why [`create_all`] wrote nothing.
#[derive(Debug)]
pub enum Blocked {
    /// The folder is not one: what it is.
    NotAFolder(&'static str),
    /// Paths that are in the way, each with why (relative to the folder).
    Taken(Vec<(String, &'static str)>),
    /// A write failed (what this run had created was removed), or the
    /// folder could not be read.
    Failed(PathBuf, io::Error),
}

/// Creates each `(relative path, bytes)` under `dir` (made when missing),
/// all or nothing. A path listed in `keep` that already exists is left as
/// it is (returned); any other path in the way, a link on the way (or at the
/// end), or a file where a folder is needed, stops it before it writes.
pub fn create_all<'a>(
    dir: &Path,
    files: &[(&'a str, Vec<u8>)],
    keep: &[&str],
) -> Result<Vec<&'a str>, Blocked> {
    match std::fs::metadata(dir) {
        Ok(meta) if !meta.is_dir() => return Err(Blocked::NotAFolder(what(&meta))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if std::fs::symlink_metadata(dir).is_ok() {
                return Err(Blocked::NotAFolder("a link to nothing"));
            }
        }
        Ok(_) => {}
        Err(e) => return Err(Blocked::Failed(dir.to_path_buf(), e)),
    }
    let mut taken = Vec::new();
    let mut kept = Vec::new();
    for (rel, _) in files {
        match in_the_way(dir, rel) {
            Ok(None) => {}
            Ok(Some(_)) if keep.contains(rel) => kept.push(*rel),
            Ok(Some(why)) => taken.push((rel.to_string(), why)),
            Err((at, why)) => taken.push((at, why)),
        }
    }
    taken.sort();
    taken.dedup();
    if !taken.is_empty() {
        return Err(Blocked::Taken(taken));
    }
    let mut made = Made::default();
    for (rel, bytes) in files.iter().filter(|(rel, _)| !kept.contains(rel)) {
        let path = dir.join(rel);
        // Judged again as it is written: nothing may have come in the way.
        let now = match in_the_way(dir, rel) {
            Ok(None) => made.file(&path, bytes),
            Ok(Some(why)) | Err((_, why)) => Err(io::Error::other(format!("something {why}"))),
        };
        if let Err(e) = now {
            made.undo();
            return Err(Blocked::Failed(path, e));
        }
    }
    Ok(kept)
}

/// What is at `dir/rel` already (a file, a folder or a link, dangling or
/// not), or what on the way stops a write there.
fn in_the_way(dir: &Path, rel: &str) -> Result<Option<&'static str>, (String, &'static str)> {
    const LINK: &str = "is a link";
    let parts: Vec<_> = Path::new(rel)
        .components()
        .filter_map(|c| match c {
            Component::Normal(p) => Some(p),
            _ => None,
        })
        .collect();
    let mut at = PathBuf::new();
    for (i, part) in parts.iter().enumerate() {
        at.push(part);
        let last = i + 1 == parts.len();
        let shown = || at.to_string_lossy().into_owned();
        match std::fs::symlink_metadata(dir.join(&at)) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(_) => return Err((shown(), "cannot be read")),
            Ok(meta) if meta.file_type().is_symlink() => {
                if last {
                    return Ok(Some(LINK));
                }
                return Err((shown(), LINK));
            }
            Ok(_) if last => return Ok(Some("already exists")),
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => return Err((shown(), "is a file where a folder is needed")),
        }
    }
    Ok(None)
}

/// What a [`create_all`] made, to undo it.
#[derive(Default)]
struct Made {
    dirs: Vec<PathBuf>,
    files: Vec<PathBuf>,
}

impl Made {
    fn dirs_to(&mut self, dir: &Path) -> io::Result<()> {
        let mut missing = Vec::new();
        let mut at = Some(dir);
        while let Some(d) = at.filter(|d| !d.as_os_str().is_empty()) {
            match std::fs::symlink_metadata(d) {
                Ok(_) => break,
                Err(e) if e.kind() == io::ErrorKind::NotFound => missing.push(d),
                Err(e) => return Err(e),
            }
            at = d.parent();
        }
        for d in missing.into_iter().rev() {
            std::fs::create_dir(d)?;
            self.dirs.push(d.to_path_buf());
        }
        Ok(())
    }

    fn file(&mut self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        self.dirs_to(parent(path))?;
        // `create_new` follows no link at the end: it fails on any entry.
        let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
        self.files.push(path.to_path_buf());
        file.write_all(bytes)?;
        file.sync_all()
    }

    fn undo(self) {
        for f in self.files.iter().rev() {
            let _ = std::fs::remove_file(f);
        }
        for d in self.dirs.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn a_file_edited_after_it_was_read_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.kdl");
        std::fs::write(&file, "a 1\n").unwrap();
        let (_, snap) = read(&file, 100).unwrap();
        // Appended to.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&file)
            .unwrap()
            .write_all(b"b 2\n")
            .unwrap();
        let r = replace(&file, &snap, b"a 1\n", false);
        assert!(matches!(r, Err(Refusal::Changed)), "{r:?}");
        assert_eq!(std::fs::read(&file).unwrap(), b"a 1\nb 2\n");
        // The same size and modification time, other bytes: the hash tells.
        let (_, snap) = read(&file, 100).unwrap();
        let when = std::fs::metadata(&file).unwrap().modified().unwrap();
        std::fs::write(&file, "a 9\nb 2\n").unwrap();
        File::options()
            .write(true)
            .open(&file)
            .unwrap()
            .set_modified(when)
            .unwrap();
        let r = replace(&file, &snap, b"x\n", false);
        assert!(matches!(r, Err(Refusal::Changed)), "{r:?}");
        assert_eq!(std::fs::read(&file).unwrap(), b"a 9\nb 2\n");
        // Replaced by another file (an editor's save), or removed.
        let (_, snap) = read(&file, 100).unwrap();
        let other = dir.path().join("b");
        std::fs::write(&other, "a 9\nb 2\n").unwrap();
        std::fs::rename(&other, &file).unwrap();
        assert!(matches!(
            replace(&file, &snap, b"x\n", false),
            Err(Refusal::Changed)
        ));
        std::fs::remove_file(&file).unwrap();
        assert!(matches!(
            replace(&file, &snap, b"x\n", false),
            Err(Refusal::Changed)
        ));
        assert!(!file.exists());
        // A folder, or a link to nothing, in its place.
        std::fs::create_dir(&file).unwrap();
        assert!(matches!(
            replace(&file, &snap, b"x\n", false),
            Err(Refusal::Changed)
        ));
        std::fs::remove_dir(&file).unwrap();
        symlink("nowhere", &file).unwrap();
        assert!(matches!(
            replace(&file, &snap, b"x\n", false),
            Err(Refusal::Changed)
        ));
        assert!(!dir.path().join("nowhere").exists());
    }

    #[test]
    fn an_unchanged_file_is_replaced_keeping_owner_group_and_mode() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.kdl");
        std::fs::write(&file, "a 1\n").unwrap();
        std::fs::set_permissions(&file, PermissionsExt::from_mode(0o640)).unwrap();
        // As root (CI containers, this machine), hand it to nobody.
        let owner = std::os::unix::fs::chown(&file, Some(65534), Some(65534)).is_ok();
        let before = std::fs::metadata(&file).unwrap();
        let (_, snap) = read(&file, 100).unwrap();
        replace(&file, &snap, b"a 2\n", false).unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"a 2\n");
        let after = std::fs::metadata(&file).unwrap();
        assert_eq!(mode(&file), 0o640);
        assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
        if owner {
            assert_eq!((after.uid(), after.gid()), (65534, 65534));
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn read_only_and_hard_linked_files_are_refused_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.kdl");
        std::fs::write(&file, "a 1\n").unwrap();
        std::fs::set_permissions(&file, PermissionsExt::from_mode(0o444)).unwrap();
        let (_, snap) = read(&file, 100).unwrap();
        let r = replace(&file, &snap, b"a 2\n", false);
        assert!(matches!(r, Err(Refusal::ReadOnly)), "{r:?}");
        assert_eq!(std::fs::read(&file).unwrap(), b"a 1\n");
        replace(&file, &snap, b"a 2\n", true).unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"a 2\n");
        assert_eq!(mode(&file), 0o444);

        let linked = dir.path().join("b.kdl");
        let other = dir.path().join("c.kdl");
        std::fs::write(&linked, "b 1\n").unwrap();
        std::fs::hard_link(&linked, &other).unwrap();
        let (_, snap) = read(&linked, 100).unwrap();
        let r = replace(&linked, &snap, b"b 2\n", false);
        assert!(matches!(r, Err(Refusal::HardLinked(2))), "{r:?}");
        assert_eq!(std::fs::read(&other).unwrap(), b"b 1\n");
        // Forced: written in place, both names see it.
        replace(&linked, &snap, b"b 2\n", true).unwrap();
        assert_eq!(std::fs::read(&other).unwrap(), b"b 2\n");
        assert_eq!(std::fs::metadata(&linked).unwrap().nlink(), 2);
    }

    #[test]
    fn a_linked_name_is_followed_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("real.kdl");
        let link = dir.path().join("link.kdl");
        std::fs::write(&target, "a 1\n").unwrap();
        symlink("real.kdl", &link).unwrap();
        let (_, snap) = read(&link, 100).unwrap();
        replace(&link, &snap, b"a 2\n", false).unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&target).unwrap(), b"a 2\n");
    }

    #[test]
    fn write_out_streams_into_fifos_and_devices_and_refuses_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        // A character device: written, never replaced.
        write_out(Path::new("/dev/null"), b"x").unwrap();
        assert!(
            std::fs::metadata("/dev/null")
                .unwrap()
                .file_type()
                .is_char_device()
        );
        // A folder, a link to nothing.
        assert!(matches!(
            write_out(dir.path(), b"x"),
            Err(Refusal::NotAFile("a folder"))
        ));
        let dangling = dir.path().join("dangling");
        symlink(dir.path().join("nothing"), &dangling).unwrap();
        assert!(matches!(
            write_out(&dangling, b"x"),
            Err(Refusal::NotAFile("a link to nothing"))
        ));
        assert!(!dir.path().join("nothing").exists());
        // A socket.
        let socket = dir.path().join("sock");
        let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        assert!(matches!(
            write_out(&socket, b"x"),
            Err(Refusal::NotAFile("a socket"))
        ));
        // An existing file keeps its mode.
        let file = dir.path().join("out.ics");
        std::fs::write(&file, "old").unwrap();
        std::fs::set_permissions(&file, PermissionsExt::from_mode(0o600)).unwrap();
        write_out(&file, b"new").unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"new");
        assert_eq!(mode(&file), 0o600);
        // The longest name a folder holds: the temporary name stays short.
        let long = dir.path().join("a".repeat(255));
        write_out(&long, b"x").unwrap();
        write_out(&long, b"y").unwrap();
        assert_eq!(std::fs::read(&long).unwrap(), b"y");
    }

    #[test]
    fn create_all_writes_nothing_through_a_link_and_nothing_over_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let root = dir.path().join("p");
        std::fs::create_dir(&root).unwrap();
        symlink(elsewhere.path(), root.join("services")).unwrap();
        std::fs::write(root.join(".github"), "").unwrap();
        symlink(root.join("nothing"), root.join("b.txt")).unwrap();
        let files = vec![
            ("a.txt", b"a".to_vec()),
            ("b.txt", b"b".to_vec()),
            ("services/s.kdl", b"s".to_vec()),
            (".github/workflows/w.yml", b"w".to_vec()),
        ];
        let Err(Blocked::Taken(taken)) = create_all(&root, &files, &[]) else {
            panic!("not blocked");
        };
        let names: Vec<&str> = taken.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, [".github", "b.txt", "services"]);
        assert!(!root.join("a.txt").exists());
        assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
        assert!(!root.join("nothing").exists());
    }

    #[test]
    fn create_all_removes_what_it_made_when_a_write_fails() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("new/p");
        // `x` is written as a file, then `x/y` cannot be: nothing is left.
        let files = vec![
            ("d/a.txt", b"a".to_vec()),
            ("x", b"x".to_vec()),
            ("x/y", b"y".to_vec()),
        ];
        let r = create_all(&root, &files, &[]);
        assert!(matches!(r, Err(Blocked::Failed(..))), "{r:?}");
        assert!(!dir.path().join("new").exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn create_all_keeps_what_it_may_keep_and_refuses_a_file_as_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("keep"), "mine").unwrap();
        let files = vec![("keep", b"k".to_vec()), ("a", b"a".to_vec())];
        assert_eq!(create_all(dir.path(), &files, &["keep"]).unwrap(), ["keep"]);
        assert_eq!(std::fs::read(dir.path().join("keep")).unwrap(), b"mine");
        assert_eq!(std::fs::read(dir.path().join("a")).unwrap(), b"a");
        assert!(matches!(
            create_all(&dir.path().join("a"), &files, &[]),
            Err(Blocked::NotAFolder("a file"))
        ));
        assert!(matches!(
            create_all(Path::new("/dev/null"), &files, &[]),
            Err(Blocked::NotAFolder("a character device"))
        ));
    }
}

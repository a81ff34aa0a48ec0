//! A project as it was at a git revision, read through `git` itself into a
//! private temporary folder: `git ls-tree` lists the files below the
//! project's folder at the revision, `git cat-file --batch` streams their
//! bytes. Only what a compile reads is written: the `.kdl` files and the
//! CSV files below `metrics/`, each within the compile path's bound
//! (a larger one refuses the revision), as regular files at paths made of
//! plain names; a name that is not UTF-8 is kept as its bytes. The folder
//! (mode 0700) is removed when the side is read, and on Ctrl-C or a
//! termination signal ([`remove_on_signal`]).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

use tempfile::TempDir;

use crate::compile::{MAX_CSV_BYTES, MAX_FILE_BYTES};

/// The temporary folders in use, removed by the signal handler.
static IN_USE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Removes the temporary folders still in use when Ctrl-C or a termination
/// signal arrives, then exits with 130. Once per process; an error if the
/// handler cannot be set.
pub fn remove_on_signal() -> Result<(), String> {
    ctrlc::set_handler(|| {
        // Held until the exit: no file is written beside the removal (a
        // write takes the same lock), so none recreates a folder.
        let dirs = IN_USE.lock();
        if let Ok(dirs) = &dirs {
            for dir in dirs.iter() {
                let _ = std::fs::remove_dir_all(dir);
            }
        }
        std::process::exit(130);
    })
    .map_err(|e| format!("cannot handle Ctrl-C: {e}"))
}

/// A private temporary folder, removed when dropped (or on a signal, once
/// [`remove_on_signal`] is set).
pub struct Checkout {
    dir: TempDir,
}

impl Checkout {
    fn new() -> Result<Checkout, String> {
        let mut builder = tempfile::Builder::new();
        builder.prefix("pmoc-diff-");
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
        let dir = builder
            .tempdir()
            .map_err(|e| format!("cannot make a temporary folder: {e}"))?;
        if let Ok(mut dirs) = IN_USE.lock() {
            dirs.push(dir.path().to_path_buf());
        }
        Ok(Checkout { dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Checkout {
    fn drop(&mut self) {
        // Removed under the lock, so a signal finds it either listed or gone.
        if let Ok(mut dirs) = IN_USE.lock() {
            let _ = std::fs::remove_dir_all(self.dir.path());
            dirs.retain(|d| d != self.dir.path());
        }
    }
}

/// The project folder at `root` (in a git work tree) as it was at
/// `reference`, in a temporary folder; with the project's folder relative
/// to the repository's top (`""` at the top, else `sub/dir/`).
pub fn checkout(root: &Path, reference: &str) -> Result<(Checkout, String), String> {
    let top = git(root, &["rev-parse", "--show-toplevel"])?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim_end_matches('\n'));
    let prefix = git(root, &["rev-parse", "--show-prefix"])?;
    let prefix = String::from_utf8_lossy(&prefix)
        .trim_end_matches('\n')
        .to_string();
    let commit = commit(&top, reference)?;
    let mut args = vec!["ls-tree", "-r", "-z", "-l", "--full-tree", commit.as_str()];
    if !prefix.is_empty() {
        args.extend(["--", prefix.as_str()]);
    }
    let listing = git(&top, &args)?;
    let files = blobs(&listing, prefix.as_bytes())
        .map_err(|why| format!("the revision `{reference}` cannot be read: {why}"))?;
    let dir = Checkout::new()?;
    write_blobs(&top, &files, dir.path())?;
    Ok((dir, prefix))
}

/// The commit `reference` names, as git reads it (`HEAD~1`, `:/message`,
/// a tag), or git's own refusal.
fn commit(top: &Path, reference: &str) -> Result<String, String> {
    let object = git(
        top,
        &["rev-parse", "--verify", "--end-of-options", reference],
    )
    .map_err(|said| format!("`{reference}` is not a revision of the repository ({said})"))?;
    let object = String::from_utf8_lossy(&object).trim().to_string();
    // `^HEAD` or `A..B` read as several revisions, or a negation.
    if object.is_empty() || !object.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!(
            "`{reference}` names no single commit (git reads it as `{}`)",
            object.escape_debug()
        ));
    }
    let spec = format!("{object}^{{commit}}");
    let commit = git(
        top,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &spec,
        ],
    )
    .map_err(|_| format!("`{reference}` names no commit"))?;
    Ok(String::from_utf8_lossy(&commit).trim().to_string())
}

/// Runs git in `dir` and returns its stdout, or what it said went wrong.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if output.status.success() {
        return Ok(output.stdout);
    }
    let said = String::from_utf8_lossy(&output.stderr);
    let said = said.lines().next().unwrap_or("").trim();
    let said = said.strip_prefix("fatal: ").unwrap_or(said);
    Err(if said.is_empty() {
        format!("git {} failed ({})", args.join(" "), output.status)
    } else {
        format!("git: {}", said.escape_debug())
    })
}

/// A file to write: its object id, size and path below the folder.
#[derive(Debug, PartialEq)]
struct Blob {
    oid: String,
    size: u64,
    path: PathBuf,
}

/// The files a compile reads in a `ls-tree -r -z -l --full-tree` listing
/// below `prefix`; an error for one that cannot be written as it is
/// named, or that is over the compile path's bound.
fn blobs(listing: &[u8], prefix: &[u8]) -> Result<Vec<Blob>, String> {
    let mut out = Vec::new();
    for entry in listing.split(|&b| b == 0).filter(|e| !e.is_empty()) {
        let broken = || "git ls-tree gave an unexpected listing".to_string();
        let tab = entry.iter().position(|&b| b == b'\t').ok_or_else(broken)?;
        let (head, path) = (&entry[..tab], &entry[tab + 1..]);
        let head = std::str::from_utf8(head).map_err(|_| broken())?;
        let mut head = head.split_whitespace();
        let (mode, kind, oid, size) = (head.next(), head.next(), head.next(), head.next());
        let (Some(mode), Some(kind), Some(oid), Some(size)) = (mode, kind, oid, size) else {
            return Err(broken());
        };
        let Some(relative) = path.strip_prefix(prefix) else {
            continue;
        };
        let Some(limit) = read_by_compile(relative) else {
            continue;
        };
        let shown = String::from_utf8_lossy(relative).escape_debug().to_string();
        if kind != "blob" || mode == "120000" {
            // A link or a submodule where a source would be: not followed.
            continue;
        }
        let size: u64 = size.parse().map_err(|_| broken())?;
        if size > limit {
            return Err(format!(
                "`{shown}` is {size} bytes, over the {limit} bytes pmoc reads of such a file"
            ));
        }
        let path =
            safe_path(relative).ok_or_else(|| format!("`{shown}` is not a plain path of names"))?;
        out.push(Blob {
            oid: oid.to_string(),
            size,
            path,
        });
    }
    Ok(out)
}

/// Whether a compile reads the file at this path (relative to the project
/// folder), with the most bytes it reads of it: a `.kdl` file, or a CSV
/// below `metrics/`.
fn read_by_compile(path: &[u8]) -> Option<u64> {
    if path.ends_with(b".kdl") {
        Some(MAX_FILE_BYTES as u64)
    } else if path.starts_with(b"metrics/") && path.ends_with(b".csv") {
        Some(MAX_CSV_BYTES)
    } else {
        None
    }
}

/// A `/`-separated path of plain names (no `.`, `..`, empty or
/// backslashed component), as a relative path; a name that is not UTF-8
/// kept as its bytes (where the system allows it).
fn safe_path(path: &[u8]) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for part in path.split(|&b| b == b'/') {
        if part.is_empty() || part == b"." || part == b".." || part.contains(&b'\\') {
            return None;
        }
        out.push(os_name(part)?);
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

#[cfg(unix)]
fn os_name(bytes: &[u8]) -> Option<&std::ffi::OsStr> {
    Some(std::os::unix::ffi::OsStrExt::from_bytes(bytes))
}

#[cfg(not(unix))]
fn os_name(bytes: &[u8]) -> Option<&std::ffi::OsStr> {
    std::str::from_utf8(bytes).ok().map(std::ffi::OsStr::new)
}

/// Writes each blob's bytes at its path below `dir`, through one
/// `git cat-file --batch`.
fn write_blobs(top: &Path, files: &[Blob], dir: &Path) -> Result<(), String> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let mut stdin = child.stdin.take().expect("piped");
    let requests: String = files.iter().map(|b| format!("{}\n", b.oid)).collect();
    // Written beside the reading, so neither pipe fills up.
    let writer = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
    let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
    let read = files.iter().try_for_each(|b| {
        // Not beside the signal handler's removal.
        let _writing = IN_USE.lock();
        read_one(&mut stdout, b, &dir.join(&b.path))
    });
    drop(stdout);
    let _ = writer.join();
    let _ = child.kill();
    let _ = child.wait();
    read
}

/// Reads one `<oid> blob <size>` answer and streams its bytes to `path`.
fn read_one(stdout: &mut impl BufRead, blob: &Blob, path: &Path) -> Result<(), String> {
    let broken = || "git cat-file gave an unexpected answer".to_string();
    let mut header = Vec::new();
    stdout
        .take(200)
        .read_until(b'\n', &mut header)
        .map_err(|e| e.to_string())?;
    let header = String::from_utf8_lossy(&header);
    let size: u64 = header
        .split(' ')
        .nth(2)
        .and_then(|s| s.trim().parse().ok())
        .ok_or_else(broken)?;
    if size != blob.size {
        return Err(broken());
    }
    let write = |stdout: &mut dyn BufRead| -> std::io::Result<u64> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut file = std::fs::File::create(path)?;
        std::io::copy(&mut stdout.take(size), &mut file)
    };
    let written = write(stdout).map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    let mut end = [0u8; 1];
    if written != size || stdout.read_exact(&mut end).is_err() || end[0] != b'\n' {
        return Err(broken());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_paths_are_written() {
        assert_eq!(safe_path(b"a/b.kdl"), Some(PathBuf::from("a/b.kdl")));
        for bad in ["", "../x", "a/../x", "a//b", "./a", "a\\b"] {
            assert_eq!(safe_path(bad.as_bytes()), None, "{bad}");
        }
    }

    #[test]
    fn listings_keep_the_files_a_compile_reads_below_the_prefix() {
        let listing = b"100644 blob aa 5\tsub/pmo.kdl\x00120000 blob bb 3\tsub/link.kdl\x00160000 commit cc -\tsub/module\x00100755 blob dd 7\tsub/x/run.kdl\x00100644 blob ee 99999999999\tsub/big.iso\x00100644 blob ff 9\tsub/metrics/a.csv\x00100644 blob 11 9\tsub/a.csv\x00";
        let found = blobs(listing, b"sub/").unwrap();
        let blob = |oid: &str, size, path: &str| Blob {
            oid: oid.into(),
            size,
            path: PathBuf::from(path),
        };
        assert_eq!(
            found,
            vec![
                blob("aa", 5, "pmo.kdl"),
                blob("dd", 7, "x/run.kdl"),
                blob("ff", 9, "metrics/a.csv")
            ]
        );
    }

    #[test]
    fn a_source_over_the_bound_or_oddly_named_refuses_the_revision() {
        let big = format!("100644 blob aa {}\tbig.kdl\x00", MAX_FILE_BYTES + 1);
        let e = blobs(big.as_bytes(), b"").unwrap_err();
        assert!(e.contains("`big.kdl`") && e.contains("over the"), "{e}");
        let e = blobs(b"100644 blob aa 1\ta\\b.kdl\x00", b"").unwrap_err();
        assert!(e.contains("not a plain path"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_name_that_is_not_utf8_is_kept() {
        let found = blobs(b"100644 blob aa 1\tservices/risk\xe9.kdl\x00", b"").unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].path.as_os_str().len(),
            "services/risk.kdl".len() + 1
        );
    }
}

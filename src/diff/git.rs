//! A project as it was at a git revision, read through `git` itself into a
//! temporary folder: `git ls-tree` lists the files below the project's
//! folder at the revision, `git cat-file --batch` hands out their bytes.
//! Only regular files are written (no symbolic link, no submodule), at
//! paths made of plain names.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use tempfile::TempDir;

/// The project folder at `root` (in a git work tree) as it was at
/// `reference`, in a temporary folder; with the project's folder relative
/// to the repository's top (`""` at the top, else `sub/dir/`).
pub fn checkout(root: &Path, reference: &str) -> Result<(TempDir, String), String> {
    let top = git(root, &["rev-parse", "--show-toplevel"])?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim_end_matches('\n'));
    let prefix = git(root, &["rev-parse", "--show-prefix"])?;
    let prefix = String::from_utf8_lossy(&prefix)
        .trim_end_matches('\n')
        .to_string();
    let spec = format!("{reference}^{{commit}}");
    let commit = git(
        &top,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &spec,
        ],
    )
    .map_err(|_| format!("`{reference}` is not a revision of the repository"))?;
    let commit = String::from_utf8_lossy(&commit).trim().to_string();
    let mut args = vec!["ls-tree", "-r", "-z", "--full-tree", commit.as_str()];
    if !prefix.is_empty() {
        args.extend(["--", prefix.as_str()]);
    }
    let listing = git(&top, &args)?;
    let files = blobs(&listing, &prefix);
    let dir = tempfile::Builder::new()
        .prefix("pmoc-diff-")
        .tempdir()
        .map_err(|e| format!("cannot make a temporary folder: {e}"))?;
    write_blobs(&top, &files, dir.path())?;
    Ok((dir, prefix))
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
        format!("git: {said}")
    })
}

/// The regular files of a `ls-tree -r -z --full-tree` listing below
/// `prefix`: (object id, path relative to the prefix).
fn blobs(listing: &[u8], prefix: &str) -> Vec<(String, PathBuf)> {
    listing
        .split(|&b| b == 0)
        .filter_map(|entry| {
            let entry = std::str::from_utf8(entry).ok()?;
            let (head, path) = entry.split_once('\t')?;
            let mut head = head.split(' ');
            let (mode, kind, oid) = (head.next()?, head.next()?, head.next()?);
            if kind != "blob" || mode == "120000" {
                return None;
            }
            let relative = path.strip_prefix(prefix)?;
            Some((oid.to_string(), safe_path(relative)?))
        })
        .collect()
}

/// A `/`-separated path of plain names (no `.`, `..`, empty or
/// backslashed component), as a relative path.
fn safe_path(path: &str) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for part in path.split('/') {
        if part.is_empty() || part == "." || part == ".." || part.contains('\\') {
            return None;
        }
        out.push(part);
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

/// Writes each blob's bytes at its path below `dir`, through one
/// `git cat-file --batch`.
fn write_blobs(top: &Path, files: &[(String, PathBuf)], dir: &Path) -> Result<(), String> {
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
    let requests: String = files.iter().map(|(oid, _)| format!("{oid}\n")).collect();
    // Written beside the reading, so neither pipe fills up.
    let writer = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
    let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
    let read = files
        .iter()
        .try_for_each(|(_, path)| read_one(&mut stdout, &dir.join(path)));
    drop(stdout);
    let _ = writer.join();
    let _ = child.wait();
    read
}

/// Reads one `<oid> blob <size>` answer and writes its bytes at `path`.
fn read_one(stdout: &mut impl BufRead, path: &Path) -> Result<(), String> {
    let broken = || "git cat-file gave an unexpected answer".to_string();
    let mut header = String::new();
    stdout.read_line(&mut header).map_err(|e| e.to_string())?;
    let size: u64 = header
        .split(' ')
        .nth(2)
        .and_then(|s| s.trim().parse().ok())
        .ok_or_else(broken)?;
    let mut bytes = Vec::new();
    stdout
        .take(size + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.pop() != Some(b'\n') {
        return Err(broken());
    }
    let write = || -> std::io::Result<()> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, &bytes)
    };
    write().map_err(|e| format!("cannot write `{}`: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_paths_are_written() {
        assert_eq!(safe_path("a/b.kdl"), Some(PathBuf::from("a/b.kdl")));
        for bad in ["", "../x", "a/../x", "a//b", "./a", "a\\b"] {
            assert_eq!(safe_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn listings_keep_regular_files_below_the_prefix() {
        let listing = b"100644 blob aa\tsub/pmo.kdl\x00120000 blob bb\tsub/link.kdl\x00160000 commit cc\tsub/module\x00100755 blob dd\tsub/x/run.kdl\x00";
        let found = blobs(listing, "sub/");
        assert_eq!(
            found,
            vec![
                ("aa".into(), PathBuf::from("pmo.kdl")),
                ("dd".into(), PathBuf::from("x/run.kdl"))
            ]
        );
    }
}

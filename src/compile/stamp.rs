//! What says a source file is unchanged without reading it again: its
//! metadata (length, modification and change times, device and inode),
//! taken before the file is read. A stamp is trusted only once settled:
//! when it was taken, the file's modification time was older than the
//! coarsest timestamp a filesystem keeps (git's rule for "racily clean"
//! entries), so a write in the same clock tick as the read is never taken
//! for no change. The change time (which no tool can set back) catches a
//! write that keeps the length and restores the modification time; the
//! inode, a file replaced by a rename.

use std::path::Path;
use std::time::{Duration, SystemTime};

/// How old a file's modification time must be for its stamp to be
/// trusted: more than the coarsest timestamps kept (2 s, FAT).
const SETTLED: Duration = Duration::from_secs(3);

/// A source file's metadata, taken before it was read.
#[derive(Debug, Clone, Copy)]
pub(super) struct Stamp {
    seen: Seen,
    /// Whether the modification time was older than [`SETTLED`] when the
    /// stamp was taken.
    settled: bool,
}

/// The metadata compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seen {
    len: u64,
    modified: SystemTime,
    /// Change time (seconds, nanoseconds), device and inode.
    #[cfg(unix)]
    node: (i64, i64, u64, u64),
}

impl Stamp {
    /// The stamp of the file at `path` (through links) now; none when its
    /// metadata cannot be read (reading it will say why).
    pub(super) fn of(path: &Path) -> Option<Stamp> {
        let now = SystemTime::now();
        let meta = std::fs::metadata(path).ok()?;
        let modified = meta.modified().ok()?;
        #[cfg(unix)]
        let node = {
            use std::os::unix::fs::MetadataExt;
            (meta.ctime(), meta.ctime_nsec(), meta.dev(), meta.ino())
        };
        let seen = Seen {
            len: meta.len(),
            modified,
            #[cfg(unix)]
            node,
        };
        let settled = now.duration_since(modified).is_ok_and(|age| age > SETTLED);
        Some(Stamp { seen, settled })
    }

    /// Whether the file stamped `self` before it was read is still what
    /// was read, as its stamp `now` says.
    pub(super) fn unchanged(self, now: Stamp) -> bool {
        self.settled && self.seen == now.seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file just written is not trusted; once its modification time is
    /// old, it is, until any write (even one that restores the time).
    #[test]
    fn a_stamp_is_trusted_once_settled_and_until_a_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.kdl");
        std::fs::write(&path, "person \"a\"\n").unwrap();
        let fresh = Stamp::of(&path).unwrap();
        assert!(!fresh.unchanged(Stamp::of(&path).unwrap()), "just written");

        let old = SystemTime::now() - Duration::from_secs(60);
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(old).unwrap();
        drop(file);
        let settled = Stamp::of(&path).unwrap();
        assert!(settled.unchanged(Stamp::of(&path).unwrap()));

        // The same length, the modification time set back: the change time
        // still tells (a tick of the kernel's coarse clock later).
        std::thread::sleep(Duration::from_millis(50));
        std::fs::write(&path, "person \"b\"\n").unwrap();
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(old).unwrap();
        drop(file);
        let now = Stamp::of(&path).unwrap();
        #[cfg(unix)]
        assert!(!settled.unchanged(now), "a write is seen");
        let _ = now;
        assert!(Stamp::of(&dir.path().join("gone.kdl")).is_none());
    }
}

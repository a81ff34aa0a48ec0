//! What one render remembers for the next (watch mode), so that a round
//! after a small edit does work in proportion to the edit:
//!
//! - each page's bytes, with its fingerprint and the links it drew. The
//!   fingerprint covers what the page shows: its own entry (or, for the
//!   overview pages, the whole catalogue, evaluations included), the other
//!   entries it shows (the services it lists, the metrics of the targets it
//!   judges), a service's triggers' states for it (held by the trigger
//!   entries), what every page shows (templates, PMO, date). A page is
//!   reused when its fingerprint is unchanged and each link it drew still
//!   reads the same.
//!
//! This holds for the default templates only, which reach nothing else; a
//! project's own templates may read anything, so with them no page is reused.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use super::links::{Drawn, Names};

/// A rendered page as the memo keeps it.
pub(super) struct Page {
    pub fingerprint: u64,
    /// The links the page drew, and a hash of how they read.
    pub drawn: Vec<Drawn>,
    pub links: u64,
    pub bytes: Arc<[u8]>,
}

impl Page {
    /// The page kept again for the next render, under `fingerprint`.
    pub(super) fn kept(&self, fingerprint: u64) -> Page {
        Page {
            fingerprint,
            drawn: self.drawn.clone(),
            links: self.links,
            bytes: self.bytes.clone(),
        }
    }
}

/// Rendered pages by path.
#[derive(Default)]
pub struct Memo {
    pub(super) pages: HashMap<String, Page>,
    /// Pages taken from the memo in the last render.
    pub reused: usize,
}

/// The remembered page at `path`, if it was rendered with `fingerprint`
/// and every link it drew still reads the same under `names`.
pub(super) fn reusable<'p>(
    pages: &'p HashMap<String, Page>,
    path: &str,
    fingerprint: u64,
    names: &Names,
) -> Option<&'p Page> {
    let page = pages.get(path)?;
    (page.fingerprint == fingerprint && names.hash_links(&page.drawn) == page.links).then_some(page)
}

/// A hash of a value's JSON form. The JSON goes to the hasher through a
/// small buffer: the hasher is slow on the many small writes a serializer
/// makes, and a whole list's JSON is never held.
pub fn hash_of<T: Serialize + ?Sized>(value: &T) -> u64 {
    let mut out = std::io::BufWriter::with_capacity(8 * 1024, Hashing(DefaultHasher::new()));
    serde_json::to_writer(&mut out, value).expect("serializable");
    std::io::Write::flush(&mut out).expect("hashing does not fail");
    out.get_ref().0.finish()
}

/// A writer into a hasher.
struct Hashing(DefaultHasher);

impl std::io::Write for Hashing {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.write(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The hash of each of a list of catalog entries, in order.
pub(super) fn hashes<T: Serialize + Sync>(items: &[T]) -> Vec<u64> {
    items.par_iter().map(hash_of).collect()
}

/// Combines hashes into one.
pub(super) fn combine(parts: impl IntoIterator<Item = u64>) -> u64 {
    let mut h = DefaultHasher::new();
    for p in parts {
        p.hash(&mut h);
    }
    h.finish()
}

//! A Kraken nonce that survives restarts: Kraken refuses a nonce not above the last one it saw
//! for the key, so a restarted process must never hand out one it may already have used. The
//! file holds a ceiling reserved ahead of use (written atomically before any nonce under it is
//! handed out); a new process starts above it. Reserving in blocks keeps the disk off the path
//! of every request.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use super::nonce::NonceSource;
use crate::engine::error::{Error, Result};
use crate::engine::workspace::write_atomic;

/// Nonces reserved per write: about a second of ms-clock nonces.
const BLOCK: u64 = 1_000;

pub struct PersistedNonce {
    shared: Arc<Shared>,
}

/// One key's nonces in this process. Every [`PersistedNonce`] opened on the same file while
/// another is alive shares it: two counters seeded from one file would hand out interleaved
/// nonces, and Kraken refuses the older one's (the console reads, arms and sends on separate
/// workers, each with its own adapter).
struct Shared {
    source: NonceSource,
    path: PathBuf,
    /// Every nonce handed out is at most this, and this is on disk.
    ceiling: Mutex<u64>,
}

/// The files with a live counter in this process.
fn open_files() -> &'static Mutex<BTreeMap<PathBuf, Weak<Shared>>> {
    static OPEN: OnceLock<Mutex<BTreeMap<PathBuf, Weak<Shared>>>> = OnceLock::new();
    OPEN.get_or_init(Default::default)
}

impl PersistedNonce {
    /// Open (or start) the nonce file of one API key. A file that does not hold a number is an
    /// error naming it: guessing could reuse a nonce.
    pub fn open(path: &Path) -> Result<PersistedNonce> {
        let mut open = open_files().lock().unwrap_or_else(|p| p.into_inner());
        if let Some(shared) = open.get(path).and_then(Weak::upgrade) {
            return Ok(PersistedNonce { shared });
        }
        let ceiling = match std::fs::read_to_string(path) {
            Ok(text) => text.trim().parse::<u64>().map_err(|_| {
                Error::runtime(format!(
                    "{}: not a nonce ceiling ('{}'); delete it only if no process uses this key",
                    path.display(),
                    text.trim().chars().take(40).collect::<String>()
                ))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
            Err(e) => return Err(Error::io("read", path, e)),
        };
        let shared = Arc::new(Shared {
            source: NonceSource::seed(ceiling),
            path: path.to_path_buf(),
            ceiling: Mutex::new(ceiling),
        });
        open.retain(|_, w| w.strong_count() > 0);
        open.insert(path.to_path_buf(), Arc::downgrade(&shared));
        Ok(PersistedNonce { shared })
    }

    /// The next nonce: strictly above every nonce this key was given before, in this process
    /// or an earlier one.
    pub fn next(&self) -> Result<u64> {
        let s = &self.shared;
        let mut ceiling = s.ceiling.lock().unwrap_or_else(|p| p.into_inner());
        let n = s.source.next();
        if n > *ceiling {
            let reserve = n + BLOCK;
            write_atomic(&s.path, reserve.to_string().as_bytes())?;
            *ceiling = reserve;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_restart_never_reuses_a_nonce() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kraken-main.nonce");
        let first = PersistedNonce::open(&path).unwrap();
        let a: Vec<u64> = (0..5).map(|_| first.next().unwrap()).collect();
        assert!(a.windows(2).all(|w| w[1] > w[0]));
        drop(first);
        // Even if the clock went back, the next process starts above the reserved ceiling.
        let ceiling: u64 = std::fs::read_to_string(&path).unwrap().trim().parse().unwrap();
        assert!(ceiling >= a[4]);
        let second = PersistedNonce::open(&path).unwrap();
        let b = second.next().unwrap();
        assert!(b > ceiling && b > a[4], "{b} after {a:?} (ceiling {ceiling})");
    }

    /// The console opens an adapter per worker: two open at once on one key must not hand out
    /// interleaved nonces (the later one seeded above the earlier one's reserve).
    #[test]
    fn two_open_at_once_in_one_process_share_one_increasing_sequence() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kraken-main.nonce");
        let a = PersistedNonce::open(&path).unwrap();
        let first = a.next().unwrap();
        let b = PersistedNonce::open(&path).unwrap();
        let mut seen = vec![first];
        for _ in 0..5 {
            seen.push(b.next().unwrap());
            seen.push(a.next().unwrap());
        }
        assert!(seen.windows(2).all(|w| w[1] > w[0]), "{seen:?}");
    }

    #[test]
    fn a_damaged_file_is_refused_not_guessed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kraken-main.nonce");
        std::fs::write(&path, "not a number").unwrap();
        let e = PersistedNonce::open(&path).err().unwrap();
        assert!(e.message.contains("not a nonce ceiling") && e.message.contains("kraken-main.nonce"), "{e}");
    }

    #[test]
    fn many_threads_get_distinct_increasing_nonces() {
        let dir = tempfile::tempdir().unwrap();
        let n = std::sync::Arc::new(PersistedNonce::open(&dir.path().join("k.nonce")).unwrap());
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let n = std::sync::Arc::clone(&n);
                std::thread::spawn(move || (0..500).map(|_| n.next().unwrap()).collect::<Vec<u64>>())
            })
            .collect();
        let mut all: Vec<u64> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
        let count = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), count, "no nonce handed out twice");
    }
}

//! A Kraken nonce shared by every process on the machine that signs with one API key.
//!
//! Kraken refuses a nonce not above the last one it saw for the key, whichever process sent
//! it. So the nonce is drawn, and the request sent, while holding an exclusive lock on a file
//! beside the ceiling (`<account>.nonce.lock`): the console, a CLI command and a script using
//! one key take turns, and their nonces reach Kraken in increasing order.
//!
//! Two numbers are kept:
//! - the *ceiling* (`<account>.nonce`): a bound reserved ahead of use, written atomically and
//!   fsynced before any nonce under it is handed out, a block at a time so the disk is off the
//!   path of most requests;
//! - the *last* nonce handed out, in the lock file, rewritten in place on every draw (no fsync:
//!   every process reads it through the page cache), with the ceiling it was drawn under.
//!
//! The next nonce is `max(now_ms, last + 1)`. When the lock file is missing, damaged, or was
//! written under another ceiling (a crash lost its latest writes), `last` is taken to be the
//! ceiling: every nonce ever handed out is at most the ceiling on disk.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::super::error::VenuesError;
use super::nonce::unix_ms;
use crate::engine::error::{Error, Result};
use crate::engine::workspace::write_atomic;

/// Nonces reserved per ceiling write: about a second of ms-clock nonces.
const BLOCK: u64 = 1_000;

pub struct PersistedNonce {
    path: PathBuf,
    lock_path: PathBuf,
    clock: fn() -> u64,
}

/// One process's turn with the key: the lock file, locked. Nonces drawn in a turn are above
/// every nonce drawn before it by any process; dropping the turn lets the next one in.
pub struct NonceTurn<'a> {
    store: &'a PersistedNonce,
    file: File,
}

fn read_ceiling(path: &Path) -> Result<u64> {
    match std::fs::read_to_string(path) {
        Ok(text) => text.trim().parse::<u64>().map_err(|_| {
            let found = text.trim().chars().take(40).collect();
            VenuesError::NotANonceCeiling { path: path.into(), found }.into()
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(e) => Err(Error::io("read", path, e)),
    }
}

impl PersistedNonce {
    /// Open (or start) the nonce files of one API key. A ceiling file that does not hold a
    /// number is an error naming it: guessing could reuse a nonce.
    pub fn open(path: &Path) -> Result<PersistedNonce> {
        Self::with_clock(path, unix_ms)
    }

    /// As [`open`](Self::open) with another millisecond clock (tests).
    pub fn with_clock(path: &Path, clock: fn() -> u64) -> Result<PersistedNonce> {
        read_ceiling(path)?;
        let mut lock_path = path.as_os_str().to_owned();
        lock_path.push(".lock");
        let store = PersistedNonce { path: path.to_path_buf(), lock_path: PathBuf::from(lock_path), clock };
        store.open_lock_file()?;
        Ok(store)
    }

    /// A fresh open file description per turn: the lock then also excludes other turns of this
    /// process (a lock is held by an open file description, not by a process).
    fn open_lock_file(&self) -> Result<File> {
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&self.lock_path)
            .map_err(|e| Error::io("cannot open", &self.lock_path, e))
    }

    /// Wait for this key's turn, blocking the thread.
    pub fn turn(&self) -> Result<NonceTurn<'_>> {
        let file = self.open_lock_file()?;
        file.lock().map_err(|e| Error::io("cannot lock", &self.lock_path, e))?;
        Ok(NonceTurn { store: self, file })
    }

    /// Wait for this key's turn without blocking the async runtime. Cancel-safe: a turn won
    /// after the caller gave up is released at once (its file is closed).
    pub async fn turn_async(&self) -> Result<NonceTurn<'_>> {
        let file = self.open_lock_file()?;
        let path = self.lock_path.clone();
        let file = tokio::task::spawn_blocking(move || {
            file.lock().map_err(|e| Error::io("cannot lock", &path, e))?;
            Ok::<File, Error>(file)
        })
        .await
        .map_err(VenuesError::NonceLockTask)??;
        Ok(NonceTurn { store: self, file })
    }

    /// One nonce in a turn of its own (for a request that is not sent at once).
    pub fn next(&self) -> Result<u64> {
        self.turn()?.draw()
    }
}

impl NonceTurn<'_> {
    /// The next nonce: strictly above every nonce this key was given before, in any process.
    pub fn draw(&mut self) -> Result<u64> {
        let s = self.store;
        let ceiling = read_ceiling(&s.path)?;
        let mut text = String::new();
        self.file.seek(SeekFrom::Start(0)).map_err(|e| Error::io("cannot read", &s.lock_path, e))?;
        // Unreadable text is handled like a missing number: start above the ceiling.
        let _ = self.file.read_to_string(&mut text);
        let mut words = text.split_whitespace().map(str::parse::<u64>);
        let last = match (words.next(), words.next()) {
            (Some(Ok(last)), Some(Ok(under))) if under == ceiling && last <= ceiling => last,
            _ => ceiling,
        };
        let n = (s.clock)().max(last.checked_add(1).expect("nonce space exhausted"));
        let mut under = ceiling;
        if n > ceiling {
            under = n + BLOCK;
            write_atomic(&s.path, under.to_string().as_bytes())?;
        }
        // Fixed width, so an in-place rewrite never leaves a longer old tail behind.
        let line = format!("{n:020} {under:020}\n");
        self.file
            .seek(SeekFrom::Start(0))
            .and_then(|_| self.file.write_all(line.as_bytes()))
            .map_err(|e| Error::io("cannot write", &s.lock_path, e))?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frozen() -> u64 {
        1_700_000_000_000
    }

    #[test]
    fn a_restart_continues_after_the_last_nonce() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kraken-main.nonce");
        let first = PersistedNonce::open(&path).unwrap();
        let a: Vec<u64> = (0..5).map(|_| first.next().unwrap()).collect();
        assert!(a.windows(2).all(|w| w[1] > w[0]));
        drop(first);
        let ceiling: u64 = std::fs::read_to_string(&path).unwrap().trim().parse().unwrap();
        assert!(ceiling >= a[4]);
        let second = PersistedNonce::open(&path).unwrap();
        let b = second.next().unwrap();
        assert!(b > a[4], "{b} after {a:?} (ceiling {ceiling})");
    }

    #[test]
    fn a_lost_or_stale_last_starts_above_the_ceiling() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.nonce");
        let lock = dir.path().join("k.nonce.lock");
        let n = PersistedNonce::with_clock(&path, frozen).unwrap();
        let a = n.next().unwrap();
        assert_eq!(a, frozen());
        let ceiling: u64 = std::fs::read_to_string(&path).unwrap().trim().parse().unwrap();
        assert_eq!(ceiling, frozen() + BLOCK);
        // The lock file lost (or torn, or from an older ceiling): nothing under the ceiling.
        for damaged in ["", "garbage", &format!("{:020} {:020}\n", a, ceiling - 1)] {
            std::fs::write(&lock, damaged).unwrap();
            let b = n.next().unwrap();
            assert!(b > ceiling, "{damaged:?}: {b} not above {ceiling}");
            std::fs::write(&path, ceiling.to_string()).unwrap();
        }
        // An intact one: the next nonce follows the last, under the same ceiling.
        std::fs::write(&lock, format!("{:020} {:020}\n", a + 7, ceiling)).unwrap();
        assert_eq!(n.next().unwrap(), a + 8);
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
    fn two_stores_on_one_key_interleave_strictly_increasing() {
        // Two opens of one file are what two processes are: separate open file descriptions.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.nonce");
        let stores: Vec<_> =
            (0..2).map(|_| std::sync::Arc::new(PersistedNonce::with_clock(&path, frozen).unwrap())).collect();
        let handles: Vec<_> = (0..4)
            .map(|i| {
                let n = std::sync::Arc::clone(&stores[i % 2]);
                std::thread::spawn(move || (0..500).map(|_| n.next().unwrap()).collect::<Vec<u64>>())
            })
            .collect();
        let mut all: Vec<u64> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
        let count = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), count, "no nonce handed out twice");
        // With a frozen clock every nonce is last + 1: the shared sequence has no holes.
        assert_eq!(all.last().unwrap() - all[0] + 1, count as u64);
    }
}

//! The corridor journal: `corridors/<venue>/<account>/journal.jsonl`, append-only. Each entry
//! carries the sha256 of the line before it and of itself, and is fsynced before the caller
//! goes on, so it is on disk before any venue call it describes. State is rebuilt by replaying
//! it ([`super::state`]); a broken chain is tampering and stops everything. After each append
//! the [`super::journal_head`] record is updated, so a tail cut off whole lines is caught too.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::journal_head::{self, Head};
use super::model::{Entry, Event, GENESIS, JOURNAL_SCHEMA};
use crate::engine::contract::CONTRACT_VERSION;
use crate::engine::error::{Error, ErrorKind, Result};
use crate::engine::time::{fmt_ms, now_ms};

/// `e` with its `hash`: the sha256 (hex) of it serialized with `hash` empty.
fn seal(mut e: Entry) -> Entry {
    e.hash = String::new();
    let h = hex::encode(Sha256::digest(serde_json::to_vec(&e).unwrap_or_default()));
    e.hash = h;
    e
}

/// An open journal: its entries so far and the hash of its last line. Holds an exclusive lock
/// on the corridor, so two processes never interleave appends and break the chain.
pub struct Journal {
    path: PathBuf,
    entries: Vec<Entry>,
    last_line_hash: String,
    _lock: File,
}

/// How long to wait for another QuantLab process to let go of a corridor.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

fn lock(path: &Path, wait: std::time::Duration) -> Result<File> {
    let lp = path.with_extension("lock");
    let f = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lp)
        .map_err(|e| Error::io("open the journal lock", &lp, e))?;
    let start = std::time::Instant::now();
    loop {
        match f.try_lock() {
            Ok(()) => return Ok(f),
            Err(std::fs::TryLockError::WouldBlock) if start.elapsed() < wait => {
                std::thread::sleep(std::time::Duration::from_millis(50))
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Error::runtime(format!(
                    "{}: the corridor is in use by another QuantLab process (the console?); try again when it is done",
                    path.display()
                )))
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(Error::io("lock the journal", &lp, e)),
        }
    }
}

/// The verified entries of a journal, read without taking the corridor's lock (lists, reports).
pub fn read(path: &Path) -> Result<Vec<Entry>> {
    let (entries, _, v, _) = read_and_verify(path)?;
    match v.problem {
        // A torn tail is what a crash leaves; the entries before it stand.
        Some((_, why)) if why.starts_with(TORN) => Ok(entries),
        Some((line, why)) => Err(tampered(path, line, &why)),
        None => Ok(entries),
    }
}

/// Where and how a journal fails verification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verification {
    pub path: String,
    pub entries: usize,
    pub ok: bool,
    /// 1-based line of the first problem (0: the head record itself), and what it is.
    pub problem: Option<(usize, String)>,
    /// The sequence number the head record says was written last (None: no head record yet).
    #[serde(default)]
    pub head_seq: Option<u64>,
}

impl Journal {
    /// Open (creating the folder) and verify the whole chain. A chain that does not verify is
    /// an error of kind Refused: nothing may act on a journal that was changed.
    pub fn open(path: &Path) -> Result<Journal> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io("create the journal folder", dir, e))?;
        }
        let lock = lock(path, LOCK_WAIT)?;
        let (entries, last, v, head) = read_and_verify(path)?;
        if let Some((line, why)) = &v.problem {
            if why.starts_with(TORN) && *line == entries.len() + 1 {
                return repair_torn_tail(path, entries, last, lock);
            }
        }
        if let Some((line, why)) = v.problem {
            return Err(tampered(path, line, &why));
        }
        let mut j = Journal { path: path.to_path_buf(), entries, last_line_hash: last, _lock: lock };
        match (head, j.entries.last()) {
            // A journal from before head records (or one whose head was removed): start one,
            // and say so in the journal, so a head recreated later is on the record.
            (None, Some(e)) => {
                let text = format!(
                    "no head record beside this journal (written before QuantLab kept one, or removed): \
                     started one at sequence {}",
                    e.seq + 1
                );
                j.append(Event::Note { text }, false)?;
            }
            // A crash between an append and its head update: bring the head forward.
            (Some(h), Some(e)) if h.seq < e.seq => journal_head::write(&j.path, e)?,
            _ => {}
        }
        Ok(j)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Append one event and fsync it. Returns the entry as written.
    pub fn append(&mut self, event: Event, dry_run: bool) -> Result<Entry> {
        self.append_at(event, dry_run, now_ms())
    }

    /// [`Journal::append`] stamped with `now` (a corridor's clock).
    pub fn append_at(&mut self, event: Event, dry_run: bool, now: i64) -> Result<Entry> {
        let entry = seal(Entry {
            schema: JOURNAL_SCHEMA.into(),
            schema_version: CONTRACT_VERSION,
            seq: self.entries.len() as u64 + 1,
            time: fmt_ms(now),
            time_ms: now,
            prev: self.last_line_hash.clone(),
            dry_run,
            event,
            hash: String::new(),
        });
        let mut line =
            serde_json::to_vec(&entry).map_err(|e| Error::runtime(format!("journal entry: {e}")))?;
        line.push(b'\n');
        let mut f = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(|e| Error::io("open the journal", &self.path, e))?;
        f.write_all(&line).map_err(|e| Error::io("append to the journal", &self.path, e))?;
        // On disk before the caller makes the venue call this entry describes.
        f.sync_data().map_err(|e| Error::io("fsync the journal", &self.path, e))?;
        if self.entries.is_empty() {
            if let Some(dir) = self.path.parent() {
                let _ = File::open(dir).and_then(|d| d.sync_all());
            }
        }
        self.last_line_hash = hex::encode(Sha256::digest(&line[..line.len() - 1]));
        self.entries.push(entry.clone());
        // Still under the corridor's lock. Should this fail, the entry stands (it is on disk)
        // and the next open brings the head forward; the caller stops before any venue call.
        journal_head::write(&self.path, &entry)?;
        Ok(entry)
    }
}

/// How a torn last line (a crash's, repaired on open) is described: not tampering.
pub const TORN: &str = "the last line is incomplete";

/// Take a corridor's lock (creating its folder) without reading its journal, so a journal
/// that fails verification can be kept aside under it ([`super::journal_segment`]).
pub(super) fn lock_corridor(path: &Path) -> Result<File> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("create the journal folder", dir, e))?;
    }
    lock(path, LOCK_WAIT)
}

impl Journal {
    /// A new, empty journal at `path` (nothing may be there), under the lock `lock` holds.
    pub(super) fn fresh_locked(path: &Path, lock: File) -> Result<Journal> {
        if path.exists() || journal_head::path(path).exists() {
            return Err(Error::runtime(format!("{}: a journal is already there", path.display())));
        }
        Ok(Journal {
            path: path.to_path_buf(),
            entries: Vec::new(),
            last_line_hash: GENESIS.into(),
            _lock: lock,
        })
    }
}

fn tampered(path: &Path, line: usize, why: &str) -> Error {
    let at = if line == 0 { String::new() } else { format!("line {line}: ") };
    Error::new(
        ErrorKind::Refused,
        format!(
            "{}: {at}{why}; the journal was changed outside QuantLab, so the corridor stays halted \
             (inspect with `quantlab journal verify`)",
            path.display()
        ),
    )
}

/// A crash during an append leaves a line without its newline. It was never fsynced, so no
/// venue call followed it: keep the bytes aside, cut them off, and say so in the journal.
fn repair_torn_tail(path: &Path, entries: Vec<Entry>, last: String, lock: File) -> Result<Journal> {
    let bytes = std::fs::read(path).map_err(|e| Error::io("read the journal", path, e))?;
    let keep = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let aside = path.with_extension(format!("torn-{}", now_ms()));
    std::fs::write(&aside, &bytes[keep..]).map_err(|e| Error::io("keep the torn journal line", &aside, e))?;
    let f = OpenOptions::new().write(true).open(path).map_err(|e| Error::io("open the journal", path, e))?;
    f.set_len(keep as u64).map_err(|e| Error::io("cut the torn journal line", path, e))?;
    f.sync_all().map_err(|e| Error::io("fsync the journal", path, e))?;
    let mut j = Journal { path: path.to_path_buf(), entries, last_line_hash: last, _lock: lock };
    j.append(
        Event::Note {
            text: format!(
                "dropped an incomplete last line ({} bytes) left by a crash; kept in {}",
                bytes.len() - keep,
                aside.display()
            ),
        },
        false,
    )?;
    Ok(j)
}

/// Check a journal without opening it for writing.
pub fn verify(path: &Path) -> Result<Verification> {
    read_and_verify(path).map(|(_, _, v, _)| v)
}

/// [`verify`], with the entries that verified (those before the first problem), so an audit
/// can go on checking what they hold. Entry `n` (1-based) is line `n`.
pub fn verify_entries(path: &Path) -> Result<(Vec<Entry>, Verification)> {
    read_and_verify(path).map(|(entries, _, v, _)| (entries, v))
}

/// The verified entries, the hash of the last line, the verification, and the head record.
fn read_and_verify(path: &Path) -> Result<(Vec<Entry>, String, Verification, Option<Head>)> {
    // Every read of a journal, whole: what a poll costs is counted by this event.
    tracing::trace!(target: "quantlab::journal_read", path = %path.display(), "journal read");
    let mut v = Verification {
        path: path.display().to_string(),
        entries: 0,
        ok: true,
        problem: None,
        head_seq: None,
    };
    // The head first: a reader without the lock may then see a journal longer than its head
    // (appends in between), never a head ahead of the journal it read.
    let (head, head_problem) = match journal_head::read(path)? {
        Ok(h) => (h, None),
        Err(why) => (None, Some((0, why))),
    };
    v.head_seq = head.as_ref().map(|h| h.seq);
    let (entries, prev) = match File::open(path) {
        Ok(f) => read_chain(path, f, &mut v)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Vec::new(), GENESIS.to_string()),
        Err(e) => return Err(Error::io("read the journal", path, e)),
    };
    v.entries = entries.len();
    // A cut tail (or a broken head) outranks a torn last line: repairing the torn line would
    // append, and so write a fresh head over the evidence.
    let chain_ok = v.problem.as_ref().is_none_or(|(_, why)| why.starts_with(TORN));
    let head_problem = head_problem.or_else(|| head.as_ref().and_then(|h| journal_head::check(&entries, h)));
    if let (true, Some(p)) = (chain_ok, head_problem) {
        v.ok = false;
        v.problem = Some(p);
    }
    Ok((entries, prev, v, head))
}

/// Walk the lines, verifying the chain; stops at the first problem, recorded in `v`.
fn read_chain(path: &Path, f: File, v: &mut Verification) -> Result<(Vec<Entry>, String)> {
    let mut entries = Vec::new();
    let mut prev = GENESIS.to_string();
    let mut reader = BufReader::new(f);
    let mut raw = Vec::new();
    let mut n = 0;
    loop {
        raw.clear();
        let read = reader.read_until(b'\n', &mut raw).map_err(|e| Error::io("read the journal", path, e))?;
        if read == 0 {
            break;
        }
        n += 1;
        let complete = raw.last() == Some(&b'\n');
        let line = if complete { &raw[..raw.len() - 1] } else { &raw[..] };
        let fail = |why: String, v: &mut Verification| {
            v.ok = false;
            v.problem = Some((n, why));
        };
        if !complete {
            // An append cut short by a crash: it was never fsynced, so no venue call followed it.
            fail(format!("{TORN} (a write cut short)"), v);
            break;
        }
        let entry: Entry = match serde_json::from_slice(line) {
            Ok(e) => e,
            Err(e) => {
                fail(format!("not a journal entry ({e})"), v);
                break;
            }
        };
        if entry.prev != prev {
            fail("its prev hash does not match the line before it".into(), v);
            break;
        }
        if entry.seq != entries.len() as u64 + 1 {
            fail(format!("sequence {} where {} was expected", entry.seq, entries.len() + 1), v);
            break;
        }
        if seal(entry.clone()).hash != entry.hash {
            fail("its content does not match its hash".into(), v);
            break;
        }
        prev = hex::encode(Sha256::digest(line));
        entries.push(entry);
    }
    Ok((entries, prev))
}

#[cfg(test)]
mod tests {
    use super::Event;
    use super::*;

    fn ev(n: u64) -> Event {
        Event::Note { text: format!("entry {n}") }
    }

    #[test]
    fn appends_replays_and_detects_every_kind_of_tampering() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c/journal.jsonl");
        let mut j = Journal::open(&p).unwrap();
        for i in 0..5 {
            j.append(ev(i), false).unwrap();
        }
        // The corridor is locked while open.
        assert!(lock(&p, std::time::Duration::ZERO).is_err());
        drop(j);
        let j = Journal::open(&p).unwrap();
        assert_eq!(j.entries().len(), 5);
        drop(j);
        assert!(verify(&p).unwrap().ok);
        let text = std::fs::read_to_string(&p).unwrap();
        let lines: Vec<&str> = text.lines().collect();

        let tampered = |body: String| {
            std::fs::write(&p, body).unwrap();
            let v = verify(&p).unwrap();
            assert!(!v.ok);
            assert!(Journal::open(&p).is_err());
            assert!(read(&p).is_err());
            v.problem.unwrap()
        };
        // An edited value in the middle.
        let edited = text.replace("entry 2", "entry 9");
        assert_eq!(tampered(edited).0, 3);
        // A deleted line.
        let deleted: String =
            lines.iter().enumerate().filter(|(i, _)| *i != 1).map(|(_, l)| format!("{l}\n")).collect();
        assert_eq!(tampered(deleted).0, 2);
        // Swapped lines.
        let mut swapped = lines.clone();
        swapped.swap(1, 2);
        assert_eq!(tampered(swapped.iter().map(|l| format!("{l}\n")).collect()).0, 2);
        // The last line edited.
        let last = text.replace("entry 4", "entry 5");
        assert_eq!(tampered(last).0, 5);
        // A torn append is reported by verify, and repaired on open: cut off, kept aside, noted.
        let torn = format!("{}{}", text, &lines[0][..20]);
        std::fs::write(&p, torn).unwrap();
        assert_eq!(verify(&p).unwrap().problem.unwrap().0, 6);
        let j = Journal::open(&p).unwrap();
        assert_eq!(j.entries().len(), 6);
        assert!(verify(&p).unwrap().ok);
    }
}

#[cfg(test)]
mod head_tests {
    use super::Event;
    use super::*;

    fn ev(n: u64) -> Event {
        Event::Note { text: format!("entry {n}") }
    }

    fn journal_of(p: &Path, n: u64) -> String {
        let mut j = Journal::open(p).unwrap();
        for i in 0..n {
            j.append(ev(i), false).unwrap();
        }
        drop(j);
        std::fs::read_to_string(p).unwrap()
    }

    fn first_lines(text: &str, n: usize) -> String {
        text.lines().take(n).map(|l| format!("{l}\n")).collect()
    }

    #[test]
    fn a_tail_cut_off_whole_lines_is_tampering_naming_the_missing_sequence() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c/journal.jsonl");
        let text = journal_of(&p, 5);
        assert_eq!(verify(&p).unwrap().head_seq, Some(5));

        std::fs::write(&p, first_lines(&text, 4)).unwrap();
        let v = verify(&p).unwrap();
        assert!(!v.ok);
        let (line, why) = v.problem.unwrap();
        assert_eq!(line, 5);
        assert!(why.contains("sequence 5 is missing"), "{why}");
        let e = Journal::open(&p).err().unwrap();
        assert_eq!(e.kind, ErrorKind::Refused);
        assert!(e.message.contains("sequence 5 is missing"), "{}", e.message);
        assert!(read(&p).is_err());

        std::fs::write(&p, first_lines(&text, 2)).unwrap();
        assert!(verify(&p).unwrap().problem.unwrap().1.contains("sequences 3-5 are missing"));
        // Cut, then a torn line after it: the cut wins and nothing is repaired over it.
        std::fs::write(&p, format!("{}{{\"schema\"", first_lines(&text, 4))).unwrap();
        assert!(Journal::open(&p).is_err());
        assert!(verify(&p).unwrap().problem.unwrap().1.contains("sequence 5 is missing"));
        // The whole journal gone while its head stays.
        std::fs::remove_file(&p).unwrap();
        assert!(verify(&p).unwrap().problem.unwrap().1.contains("sequences 1-5 are missing"));
        assert!(Journal::open(&p).is_err());
    }

    #[test]
    fn a_replaced_tail_and_a_broken_head_are_tampering() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a/journal.jsonl"), dir.path().join("b/journal.jsonl"));
        let text = journal_of(&a, 4);
        std::fs::create_dir_all(b.parent().unwrap()).unwrap();
        std::fs::write(&b, &text).unwrap();
        std::fs::copy(journal_head::path(&a), journal_head::path(&b)).unwrap();
        // Both grow by a different fifth entry; b's journal then replaces a's.
        Journal::open(&a).unwrap().append(ev(50), false).unwrap();
        Journal::open(&b).unwrap().append(ev(51), false).unwrap();
        std::fs::copy(&b, &a).unwrap();
        let (line, why) = verify(&a).unwrap().problem.unwrap();
        assert_eq!(line, 5);
        assert!(why.contains("does not match the head record"), "{why}");
        std::fs::write(journal_head::path(&a), "{").unwrap();
        let (line, why) = verify(&a).unwrap().problem.unwrap();
        assert_eq!(line, 0);
        assert!(why.contains("head record"), "{why}");
        assert!(Journal::open(&a).is_err());
    }

    #[test]
    fn an_old_journal_gets_a_head_on_first_open_and_a_lagging_head_catches_up() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c/journal.jsonl");
        let text = journal_of(&p, 3);
        // As written before head records existed.
        std::fs::remove_file(journal_head::path(&p)).unwrap();
        let v = verify(&p).unwrap();
        assert!(v.ok && v.head_seq.is_none());
        let j = Journal::open(&p).unwrap();
        assert_eq!(j.entries().len(), 4, "a note records the new head");
        assert!(matches!(&j.entries()[3].event, Event::Note { text } if text.contains("no head record")));
        drop(j);
        assert_eq!(verify(&p).unwrap().head_seq, Some(4));
        // From now on a cut is caught.
        std::fs::write(&p, first_lines(&text, 3)).unwrap();
        assert!(Journal::open(&p).is_err());

        // A crash between an append and its head update leaves the head one behind: fine.
        let q = dir.path().join("d/journal.jsonl");
        journal_of(&q, 2);
        let head = std::fs::read(journal_head::path(&q)).unwrap();
        Journal::open(&q).unwrap().append(ev(9), false).unwrap();
        std::fs::write(journal_head::path(&q), head).unwrap();
        assert!(verify(&q).unwrap().ok);
        assert_eq!(Journal::open(&q).unwrap().entries().len(), 3);
        assert_eq!(verify(&q).unwrap().head_seq, Some(3));
    }
}

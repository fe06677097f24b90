//! The journal's head record: `journal.head.json` beside each corridor journal, holding the
//! sequence number and hash of the last entry appended. The hash chain catches an edited,
//! reordered or deleted line, but not whole lines cut off the end: deleting a trailing
//! `killed` entry would silently lift a halt. A journal shorter than its head, or whose entry
//! at the head's sequence has another hash, was cut.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::model::Entry;
use crate::engine::error::{Error, Result};
use crate::engine::time::{fmt_ms, now_ms};
use crate::engine::workspace::write_json;

pub const HEAD_SCHEMA: &str = "quantlab.journal_head";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Head {
    pub schema: String,
    /// Sequence number of the last entry appended.
    pub seq: u64,
    /// That entry's `hash`.
    pub hash: String,
    pub updated_at: String,
}

/// `journal.jsonl` -> `journal.head.json`.
pub fn path(journal: &Path) -> PathBuf {
    journal.with_extension("head.json")
}

/// The head beside `journal`: `Ok(None)` when there is none, `Err` with the problem when it
/// cannot be parsed (a head is only ever replaced atomically, so a broken one was edited).
pub fn read(journal: &Path) -> Result<std::result::Result<Option<Head>, String>> {
    let p = path(journal);
    let bytes = match std::fs::read(&p) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Ok(None)),
        Err(e) => return Err(Error::io("read the journal head record", &p, e)),
    };
    Ok(serde_json::from_slice::<Head>(&bytes)
        .map(Some)
        .map_err(|e| format!("its head record {} is not readable ({e})", p.display())))
}

/// Replace the head atomically (temporary file, fsync, rename, fsync of the folder).
pub fn write(journal: &Path, last: &Entry) -> Result<()> {
    let head = Head {
        schema: HEAD_SCHEMA.into(),
        seq: last.seq,
        hash: last.hash.clone(),
        updated_at: fmt_ms(now_ms()),
    };
    write_json(&path(journal), &head)
}

/// Where `entries` (the verified lines, in order) disagree with `head`: the 1-based line and
/// why. A journal longer than its head is not a problem here: a crash between an append and
/// its head update leaves exactly that, and every line past the head verified by its chain.
pub fn check(entries: &[Entry], head: &Head) -> Option<(usize, String)> {
    let n = entries.len() as u64;
    if n < head.seq {
        let missing = if head.seq == n + 1 {
            format!("sequence {} is missing", head.seq)
        } else {
            format!("sequences {}-{} are missing", n + 1, head.seq)
        };
        return Some((
            n as usize + 1,
            format!(
                "{missing}: the journal ends at sequence {n} but its head record says {} was written \
                 (its tail was cut off)",
                head.seq
            ),
        ));
    }
    if head.seq > 0 && entries[head.seq as usize - 1].hash != head.hash {
        return Some((
            head.seq as usize,
            format!("sequence {} does not match the head record's hash (its tail was replaced)", head.seq),
        ));
    }
    None
}

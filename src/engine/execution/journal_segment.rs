//! A fresh journal segment: when a corridor's journal fails its audit (a broken chain, a
//! forged or untrusted approval), the kill switch keeps that journal aside, unchanged, as
//! `journal.archived-<ms>.jsonl` (with its head record, `journal.archived-<ms>.head.json`)
//! and starts a new `journal.jsonl` whose first entry, `segment_started`, names it, its sha256
//! and its line count, and says why. The new segment verifies on its own (its chain starts
//! from the genesis hash) and starts halted: `quantlab rearm` lifts it after a clean
//! reconciliation against the venue, which adopts the venue's positions as its baseline.

use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::journal::{self, Journal};
use super::model::{CorridorId, Event};
use super::{journal_head, paths};
use crate::engine::error::{Error, Result};
use crate::engine::time::now_ms;
use crate::engine::workspace::Workspace;

/// The journal kept aside.
#[derive(Debug, Clone, Serialize)]
pub struct Archived {
    /// Its path now.
    pub path: String,
    pub sha256: String,
    pub lines: usize,
}

fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to).map_err(|e| Error::io("keep the journal aside", from, e))
}

/// Keep corridor `id`'s journal aside and start a fresh segment, journaling why. Returns the
/// fresh journal (holding the corridor's lock) and what was kept.
pub fn start(ws: &Workspace, id: &CorridorId, why: &str) -> Result<(Journal, Archived)> {
    let path = paths::journal(ws, id);
    let lock = journal::lock_corridor(&path)?;
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(Error::io("read the journal", &path, e)),
    };
    let mut stamp = now_ms();
    let archived = loop {
        let a = path.with_file_name(format!("journal.archived-{stamp}.jsonl"));
        if !a.exists() && !journal_head::path(&a).exists() {
            break a;
        }
        stamp += 1;
    };
    let lines = bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()).count();
    let kept =
        Archived { path: archived.display().to_string(), sha256: hex::encode(Sha256::digest(&bytes)), lines };
    if path.exists() {
        rename(&path, &archived)?;
    }
    let head = journal_head::path(&path);
    if head.exists() {
        rename(&head, &journal_head::path(&archived))?;
    }
    if let Some(dir) = path.parent() {
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
    let mut j = Journal::fresh_locked(&path, lock)?;
    j.append(
        Event::SegmentStarted {
            predecessor: file_name(&archived),
            predecessor_sha256: kept.sha256.clone(),
            predecessor_lines: lines,
            why: why.to_string(),
        },
        false,
    )?;
    tracing::warn!("{}: failed its audit ({why}); kept aside as {}", path.display(), archived.display());
    Ok((j, kept))
}

fn file_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

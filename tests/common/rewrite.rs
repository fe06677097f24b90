//! Journals rewritten as QuantLab itself would have written them, for attack tests: only a
//! signature check can tell.

use std::path::Path;

use quantlab::engine::execution::journal_head;
use quantlab::engine::execution::model::{Entry, GENESIS};
use sha2::{Digest, Sha256};

/// Rewrite a journal as QuantLab itself would have written it: `edit` changes entries, then
/// every `prev` and `hash` is recomputed and the head record moved to the new last entry, so
/// the chain verifies and only a signature check can tell.
pub fn rewrite(path: &Path, mut edit: impl FnMut(&mut Entry)) {
    let text = std::fs::read_to_string(path).unwrap();
    let (mut prev, mut out, mut last) = (GENESIS.to_string(), String::new(), None);
    for line in text.lines() {
        let mut e: Entry = serde_json::from_str(line).unwrap();
        edit(&mut e);
        e.prev = prev;
        e.hash = String::new();
        e.hash = hex::encode(Sha256::digest(serde_json::to_vec(&e).unwrap()));
        let written = serde_json::to_string(&e).unwrap();
        prev = hex::encode(Sha256::digest(written.as_bytes()));
        out.push_str(&written);
        out.push('\n');
        last = Some(e);
    }
    std::fs::write(path, out).unwrap();
    journal_head::write(path, &last.unwrap()).unwrap();
}

//! `quantlab sweep merge DIR...`: shards of one sweep back into the sweep a single machine
//! would have produced.

use std::path::Path;
use std::time::Instant;

use super::exec::rank_all;
use super::types::{SweepConfig, SweepReport};
use crate::engine::error::{Error, Result};
use crate::engine::workspace::Workspace;

/// One shard: a folder holding sweep.json, or the file itself. Anything else (a folder without
/// one, an unreadable file, not JSON, another artifact) is the caller's bad input, not a runtime
/// failure; a path that does not exist is not found.
fn read_shard(given: &Path) -> Result<SweepReport> {
    if !given.exists() {
        return Err(Error::not_found(format!("{} does not exist", given.display())));
    }
    let file = if given.is_dir() { given.join("sweep.json") } else { given.to_path_buf() };
    let bytes = std::fs::read(&file)
        .map_err(|e| Error::bad_input(format!("not a sweep shard: cannot read {}: {e}", file.display())))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| Error::bad_input(format!("not a sweep shard's sweep.json ({e})")))
}

pub fn merge(ws: &Workspace, dirs: &[impl AsRef<Path>]) -> Result<SweepReport> {
    let started = Instant::now();
    if dirs.is_empty() {
        return Err(Error::bad_input("sweep merge: give the shard folders to merge"));
    }
    let shards = dirs
        .iter()
        .map(|d| {
            let d = d.as_ref();
            read_shard(d).map_err(|e| e.context(format!("shard {}", d.display())))
        })
        .collect::<Result<Vec<_>>>()?;
    let first = &shards[0];
    let count = first
        .shard
        .as_ref()
        .map(|s| s.count)
        .ok_or_else(|| Error::bad_input(format!("{} is not a shard (no --shard)", first.sweep_id)))?;
    let mut seen = vec![false; count];
    for s in &shards {
        let sh =
            s.shard.as_ref().ok_or_else(|| Error::bad_input(format!("{} is not a shard", s.sweep_id)))?;
        if sh.count != count {
            return Err(Error::bad_input(format!(
                "{} is shard {}/{}, others are of {count}",
                s.sweep_id, sh.index, sh.count
            )));
        }
        let same_config = SweepConfig { save_top: None, ..s.config.clone() }
            == SweepConfig { save_top: None, ..first.config.clone() };
        if !same_config
            || s.data.fingerprint != first.data.fingerprint
            || s.total_combinations != first.total_combinations
        {
            return Err(Error::bad_input(format!(
                "{} is a shard of a different sweep (config or data differ)",
                s.sweep_id
            )));
        }
        if std::mem::replace(&mut seen[sh.index], true) {
            return Err(Error::bad_input(format!("shard {}/{count} is given twice", sh.index)));
        }
    }
    let missing: Vec<String> =
        seen.iter().enumerate().filter(|(_, s)| !**s).map(|(i, _)| format!("{i}/{count}")).collect();
    if !missing.is_empty() {
        return Err(Error::bad_input(format!("missing shard(s): {}", missing.join(", "))));
    }
    let evaluated: Vec<_> = shards
        .iter()
        .flat_map(|s| s.combinations.iter().map(|c| (c.index, c.params.clone(), c.metrics.clone())))
        .collect();
    if evaluated.len() != first.total_combinations {
        return Err(Error::runtime(format!(
            "shards hold {} combinations but the sweep has {}",
            evaluated.len(),
            first.total_combinations
        )));
    }
    let combos = rank_all(evaluated, &first.config.objective);
    let mut report = super::assemble(
        // The merge saves no runs, whatever the shards asked.
        SweepConfig { save_top: None, ..first.config.clone() },
        first.data.clone(),
        first.total_combinations,
        first.skipped_invalid,
        None,
        shards.iter().map(|s| s.sweep_id.clone()).collect(),
        shards.iter().map(|s| s.jobs).sum(),
        combos,
        first.label.clone(),
    );
    super::write(ws, &mut report, started)?;
    Ok(report)
}

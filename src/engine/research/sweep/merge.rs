//! `quantlab sweep merge DIR...`: shards of one sweep back into the sweep a single machine
//! would have produced.

use std::path::Path;
use std::time::Instant;

use super::error::SweepError;
use super::exec::rank_all;
use super::types::{SweepConfig, SweepReport};
use crate::engine::error::Result;
use crate::engine::workspace::Workspace;

/// One shard: a folder holding sweep.json, or the file itself. Anything else (a folder without
/// one, an unreadable file, not JSON, another artifact) is the caller's bad input, not a runtime
/// failure; a path that does not exist is not found.
fn read_shard(given: &Path) -> Result<SweepReport> {
    if !given.exists() {
        return Err(SweepError::ShardMissing(given.into()).into());
    }
    let file = if given.is_dir() { given.join("sweep.json") } else { given.to_path_buf() };
    let bytes = std::fs::read(&file).map_err(|source| SweepError::ShardUnreadable { path: file, source })?;
    Ok(serde_json::from_slice(&bytes).map_err(|source| SweepError::ShardNotJson { source })?)
}

pub fn merge(ws: &Workspace, dirs: &[impl AsRef<Path>]) -> Result<SweepReport> {
    let started = Instant::now();
    if dirs.is_empty() {
        return Err(SweepError::NothingToMerge.into());
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
        .ok_or_else(|| SweepError::FirstNotShard(first.sweep_id.clone()))?;
    let mut seen = vec![false; count];
    for s in &shards {
        let sh = s.shard.as_ref().ok_or_else(|| SweepError::NotShard(s.sweep_id.clone()))?;
        if sh.count != count {
            let sweep_id = s.sweep_id.clone();
            return Err(SweepError::ShardCount {
                sweep_id,
                index: sh.index,
                count: sh.count,
                expected: count,
            }
            .into());
        }
        let same_config = SweepConfig { save_top: None, ..s.config.clone() }
            == SweepConfig { save_top: None, ..first.config.clone() };
        if !same_config
            || s.data.fingerprint != first.data.fingerprint
            || s.total_combinations != first.total_combinations
        {
            return Err(SweepError::OtherSweep(s.sweep_id.clone()).into());
        }
        if std::mem::replace(&mut seen[sh.index], true) {
            return Err(SweepError::ShardTwice { index: sh.index, count }.into());
        }
    }
    let missing: Vec<String> =
        seen.iter().enumerate().filter(|(_, s)| !**s).map(|(i, _)| format!("{i}/{count}")).collect();
    if !missing.is_empty() {
        return Err(SweepError::ShardsMissing(missing).into());
    }
    let evaluated: Vec<_> = shards
        .iter()
        .flat_map(|s| s.combinations.iter().map(|c| (c.index, c.params.clone(), c.metrics.clone())))
        .collect();
    if evaluated.len() != first.total_combinations {
        return Err(
            SweepError::ShardsIncomplete { held: evaluated.len(), total: first.total_combinations }.into()
        );
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

//! `quantlab sweep merge DIR...`: shards of one sweep back into the sweep a single machine
//! would have produced.

use std::path::Path;
use std::time::Instant;

use super::error::{ManifestProblem, SweepError};
use super::exec::rank_all;
use super::grid::MAX_COMBINATIONS;
use super::manifest::{self, MANIFEST_FILE};
use super::types::{SweepConfig, SweepReport};
use crate::engine::error::Result;
use crate::engine::workspace::Workspace;

/// One shard: its folder, its sweep.json or its shard_manifest.json. A shard's folder must
/// verify against its manifest (every file it lists, as the shard wrote it); a sweep that is not
/// a shard is read as before, for the merge to say it is not one. Anything else (a folder
/// without sweep.json, an unreadable file, not JSON, another artifact) is the caller's bad
/// input, not a runtime failure; a path that does not exist is not found.
fn read_shard(given: &Path) -> Result<SweepReport> {
    if !given.exists() {
        return Err(SweepError::ShardMissing(given.into()).into());
    }
    let (dir, file) = if given.is_dir() {
        (given.to_path_buf(), given.join("sweep.json"))
    } else {
        (given.parent().unwrap_or(Path::new(".")).to_path_buf(), given.to_path_buf())
    };
    let named_manifest = file.file_name().is_some_and(|n| n == MANIFEST_FILE);
    if named_manifest || dir.join(MANIFEST_FILE).exists() {
        return manifest::verify(&dir).map(|v| v.report).map_err(|problem| {
            let shard = manifest::read(&dir).ok().map(|m| m.shard);
            SweepError::ShardUnverified { dir, shard, problem: Box::new(problem) }.into()
        });
    }
    let bytes = std::fs::read(&file).map_err(|source| SweepError::ShardUnreadable { path: file, source })?;
    let report: SweepReport =
        serde_json::from_slice(&bytes).map_err(|source| SweepError::ShardNotJson { source })?;
    if report.shard.is_some() {
        // A shard that never wrote its manifest did not finish (or predates manifests).
        let (shard, problem) = (report.shard, Box::new(ManifestProblem::NoManifest));
        return Err(SweepError::ShardUnverified { dir, shard, problem }.into());
    }
    Ok(report)
}

/// A sweep could have run this config: a grid within the limits of `--grid`, and no more
/// combinations than it has. (A shard's sweep.json comes from another machine; the merge writes
/// a heatmap over the grid.)
fn check_config(r: &SweepReport) -> Result<()> {
    let points = r.config.grid.iter().fold(1usize, |n, (_, v)| n.saturating_mul(v.len()));
    if r.config.grid.is_empty() || points > MAX_COMBINATIONS || r.total_combinations > points {
        return Err(SweepError::NotASweepConfig(r.sweep_id.clone()).into());
    }
    Ok(())
}

/// Every combination a shard holds is one of its own (`index % count == shard`, within the
/// grid, once: a shard lists them by index) with a value for each swept parameter and no other.
fn check_combinations(r: &SweepReport, shard: usize, count: usize) -> Result<()> {
    let axes: Vec<&String> = r.config.grid.iter().map(|(n, _)| n).collect();
    let mut previous = None;
    let foreign = r.combinations.iter().find(|c| {
        let repeated = previous.is_some_and(|p| c.index <= p);
        previous = Some(c.index);
        repeated
            || c.index >= r.total_combinations
            || c.index % count != shard
            || c.params.len() != axes.len()
            || axes.iter().any(|a| !c.params.contains_key(*a))
    });
    match foreign {
        Some(c) => Err(SweepError::ForeignCombination { sweep_id: r.sweep_id.clone(), index: c.index }.into()),
        None => Ok(()),
    }
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
    check_config(first)?;
    let mut seen = std::collections::BTreeSet::new();
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
        if sh.index >= sh.count {
            return Err(SweepError::NotAShard { index: sh.index, count: sh.count }.into());
        }
        let same_config = SweepConfig { save_top: None, ..s.config.clone() }
            == SweepConfig { save_top: None, ..first.config.clone() };
        if !same_config
            || s.data.fingerprint != first.data.fingerprint
            || s.total_combinations != first.total_combinations
        {
            return Err(SweepError::OtherSweep(s.sweep_id.clone()).into());
        }
        if !seen.insert(sh.index) {
            return Err(SweepError::ShardTwice { index: sh.index, count }.into());
        }
        check_combinations(s, sh.index, count)?;
    }
    if seen.len() < count {
        // The count is the shards' word: list a few missing, not all of a billion.
        const SHOWN: usize = 20;
        let absent = count - seen.len();
        let mut missing: Vec<String> =
            (0..count).filter(|i| !seen.contains(i)).take(SHOWN).map(|i| format!("{i}/{count}")).collect();
        if absent > SHOWN {
            missing.push(format!("and {} more", absent - SHOWN));
        }
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
        shards.iter().fold(0usize, |n, s| n.saturating_add(s.jobs)),
        combos,
        first.label.clone(),
    );
    super::write(ws, &mut report, started)?;
    Ok(report)
}

#[cfg(test)]
mod tests;

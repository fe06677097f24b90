//! A shard run again in the same workspace (a job array resubmitted after a lost node): skip
//! it when an earlier attempt is done, and once a new attempt is complete remove the earlier
//! ones that are not, so the workspace holds one folder per shard for `sweep merge`.

use std::path::{Path, PathBuf};

use super::error::ManifestProblem;
use super::manifest::{self, Verified};
use super::types::{Shard, SweepReport, SweepStatus};
use crate::engine::workspace::{read_json, Workspace};

/// Earlier attempts of one shard (same spec fingerprint, index and count) in a workspace.
#[derive(Debug, Default)]
pub struct Attempts {
    /// The first done attempt of the same request: its manifest and every file it lists verify.
    pub done: Option<Verified>,
    /// Sweep folders of attempts that are not done: files that no longer match their manifest,
    /// a killed run's folder without one, or a done attempt another `--save-runs` superseded.
    pub stale: Vec<PathBuf>,
}

/// Look through `sweeps/` for attempts of `shard` of the sweep whose spec is `fingerprint`.
/// A folder whose manifest cannot be read is nobody's known attempt and is left alone.
pub fn scan(ws: &Workspace, fingerprint: &str, shard: &Shard, save_top: Option<usize>) -> Attempts {
    let mut out = Attempts::default();
    let Ok(entries) = std::fs::read_dir(ws.root().join("sweeps")) else { return out };
    let mut dirs: Vec<PathBuf> =
        entries.flatten().filter(|e| e.file_type().is_ok_and(|t| t.is_dir())).map(|e| e.path()).collect();
    dirs.sort();
    for dir in dirs {
        match manifest::read(&dir) {
            Ok(m) if m.spec_fingerprint == fingerprint && m.shard == *shard => match manifest::verify(&dir) {
                Ok(v) if v.report.config.save_top == save_top && v.report.status == SweepStatus::Success => {
                    // A second done copy (two runs of the shard at once) is valid work: kept.
                    if out.done.is_none() {
                        out.done = Some(v);
                    }
                }
                Ok(_) | Err(_) => out.stale.push(dir),
            },
            Err(ManifestProblem::NoManifest) if unfinished_attempt(&dir, fingerprint, shard) => {
                out.stale.push(dir)
            }
            _ => {}
        }
    }
    out
}

/// A folder a run of this shard left without its manifest: killed after sweep.json, or while
/// saving its best runs.
fn unfinished_attempt(dir: &Path, fingerprint: &str, shard: &Shard) -> bool {
    read_json::<SweepReport>(&dir.join("sweep.json"))
        .is_ok_and(|r| r.shard.as_ref() == Some(shard) && manifest::fingerprint_of(&r) == fingerprint)
}

/// Remove `stale` folders; returns those removed, relative to the workspace. One that cannot
/// be removed stays (and `sweep merge` refuses it if given it, naming it).
pub fn remove(ws: &Workspace, stale: &[PathBuf]) -> Vec<String> {
    stale
        .iter()
        .filter(|d| std::fs::remove_dir_all(d).is_ok())
        .map(|d| {
            d.strip_prefix(ws.root()).map_or_else(|_| d.display().to_string(), |p| p.display().to_string())
        })
        .collect()
}

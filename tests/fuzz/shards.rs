//! `sweep merge` of shards that come from other machines: a shard's manifest mutated, and its
//! sweep.json mutated under a manifest rehashed to match it (a forged but consistent shard, so
//! the mutation reaches the merge itself). The merge answers (merged, or a typed refusal) and a
//! refused merge writes nothing.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use quantlab::engine::research::sweep::types::Shard;
use quantlab::engine::research::sweep::{merge, sweep, SweepRequest};
use quantlab::engine::workspace::Workspace;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::harness::{assert_unchanged, bounded, check, runner, tree};
use super::mutate::{json_inputs, Input};

/// Two shards of one small sweep, written once: their folders.
fn shards() -> &'static (tempfile::TempDir, Vec<PathBuf>) {
    static SHARDS: OnceLock<(tempfile::TempDir, Vec<PathBuf>)> = OnceLock::new();
    SHARDS.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::at(dir.path());
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/BTCUSD_1h.csv");
        let folders = (0..2)
            .map(|index| {
                let req = SweepRequest {
                    data: data.to_string_lossy().into_owned(),
                    strategy: "sma_cross".into(),
                    grid: vec!["fast=5,10,20".into(), "slow=50,100".into()],
                    objective: "sharpe".into(),
                    jobs: Some(1),
                    shard: Some(Shard { index, count: 2 }),
                    ..SweepRequest::default()
                };
                let r = sweep(&ws, &req, &|_, _| {}).unwrap();
                dir.path().join("sweeps").join(r.sweep_id)
            })
            .collect();
        (dir, folders)
    })
}

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

/// A copy of shard 0's folder in `into`.
fn copy_of_shard0(into: &Path) -> PathBuf {
    let to = into.join("shard0");
    std::fs::create_dir_all(&to).unwrap();
    for e in std::fs::read_dir(&shards().1[0]).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
    to
}

/// Merge the forged shard 0 with the real shard 1 into a fresh workspace; a refusal must leave
/// that workspace as it was.
fn merge_case(what: &str, case: &tempfile::TempDir, forged: PathBuf, input: &Input) {
    let into = Workspace::at(case.path().join("merged"));
    std::fs::create_dir_all(into.root()).unwrap();
    let before = tree(into.root());
    let root = into.root().to_path_buf();
    let dirs = vec![forged, shards().1[1].clone()];
    let merged = bounded(what, &input.0, move || merge(&Workspace::at(root), &dirs).is_ok());
    if !merged {
        assert_unchanged(what, &before, &tree(into.root()), &input.0);
    }
}

#[test]
fn forged_shard_manifests_are_merged_or_refused() {
    let seed = read_json(&shards().1[0].join("shard_manifest.json"));
    let mut r = runner(400);
    let res = r.run(&json_inputs(vec![seed]), |input| {
        let case = tempfile::tempdir().unwrap();
        let forged = copy_of_shard0(case.path());
        std::fs::write(forged.join("shard_manifest.json"), &input.0).unwrap();
        merge_case("shard manifest", &case, forged, &input);
        Ok(())
    });
    check("shard manifest", res);
}

#[test]
fn forged_shard_sweeps_are_merged_or_refused() {
    let seed = read_json(&shards().1[0].join("sweep.json"));
    let mut r = runner(400);
    let res = r.run(&json_inputs(vec![seed]), |input| {
        let case = tempfile::tempdir().unwrap();
        let forged = copy_of_shard0(case.path());
        std::fs::write(forged.join("sweep.json"), &input.0).unwrap();
        // Rehash sweep.json in the manifest: the forgery passes verification and reaches merge.
        let mut manifest = read_json(&forged.join("shard_manifest.json"));
        for f in manifest["files"].as_array_mut().unwrap() {
            if f["name"] == "sweep.json" {
                f["bytes"] = input.0.len().into();
                f["sha256"] = hex::encode(Sha256::digest(&input.0)).into();
            }
        }
        std::fs::write(forged.join("shard_manifest.json"), serde_json::to_vec(&manifest).unwrap()).unwrap();
        merge_case("shard sweep.json", &case, forged, &input);
        Ok(())
    });
    check("shard sweep.json", res);
}

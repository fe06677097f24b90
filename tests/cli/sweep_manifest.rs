//! A shard's manifest: a rerun of a done shard skips it, a shard whose files no longer match
//! (or that never wrote its manifest) is redone, and `sweep merge` refuses a missing or corrupt
//! shard, naming it, writing nothing.

use std::path::{Path, PathBuf};

use quantlab::engine::research::sweep::types::Shard;
use quantlab::engine::research::sweep::{merge, ManifestProblem, SweepError};
use quantlab::engine::workspace::Workspace;
use serde_json::Value;

use crate::common::{sample, Ws};

const GRID: [&str; 4] = ["--grid", "fast=5:30:5", "--grid", "slow=50,100,200"];

fn shard(ws: &Ws, k: &str) -> Value {
    let data = sample("BTCUSD_1h.csv");
    let mut args = vec!["sweep", "--data", data.to_str().unwrap(), "--strategy", "sma_cross"];
    args.extend_from_slice(&["--progress", "none", "--jobs", "1", "--shard", k]);
    args.extend_from_slice(&GRID);
    let (code, v) = ws.json(&args);
    assert_eq!(code, 0, "{v}");
    v
}

fn folder(ws: &Ws, v: &Value) -> PathBuf {
    ws.path().join("sweeps").join(v["result"]["sweep_id"].as_str().unwrap())
}

fn sweep_folders(ws: &Ws) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(ws.path().join("sweeps"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

/// Cut a file short, as a node lost mid-write (or a partial copy) leaves it.
fn truncate(p: &Path) {
    let f = std::fs::File::options().write(true).open(p).unwrap();
    f.set_len(f.metadata().unwrap().len() / 2).unwrap();
}

#[test]
fn a_rerun_of_a_done_shard_skips_it() {
    let ws = Ws::new();
    let first = shard(&ws, "1/3");
    let r = &first["result"];
    assert_eq!(r["resume"]["skipped"], false, "{r}");
    assert_eq!(r["resume"]["replaced"], serde_json::json!([]));
    let manifest = format!("sweeps/{}/shard_manifest.json", r["sweep_id"].as_str().unwrap());
    assert_eq!(r["resume"]["manifest"], manifest.as_str());
    let stored: Value =
        serde_json::from_slice(&std::fs::read(folder(&ws, &first).join("sweep.json")).unwrap()).unwrap();
    assert!(stored.get("resume").is_none(), "sweep.json holds the response-only resume: {stored}");

    let before = ws.snapshot();
    let again = shard(&ws, "1/3");
    let a = &again["result"];
    assert_eq!(a["resume"]["skipped"], true, "{a}");
    assert_eq!(a["resume"]["manifest"], manifest.as_str());
    assert_eq!(a["sweep_id"], r["sweep_id"]);
    assert_eq!(a["combinations"], r["combinations"]);
    assert_eq!(ws.snapshot(), before, "a skipped shard wrote something");

    // Another shard of the same sweep, or the same shard of another split, is not this one.
    assert_eq!(shard(&ws, "2/3")["result"]["resume"]["skipped"], false);
    assert_eq!(shard(&ws, "1/4")["result"]["resume"]["skipped"], false);
    assert_eq!(sweep_folders(&ws).len(), 3);
}

#[test]
fn a_shard_whose_files_no_longer_match_is_redone() {
    let ws = Ws::new();
    let first = shard(&ws, "0/2");
    let old = folder(&ws, &first);
    let old_rel = format!("sweeps/{}", first["result"]["sweep_id"].as_str().unwrap());
    truncate(&old.join("results.parquet"));
    let redone = shard(&ws, "0/2");
    let r = &redone["result"];
    assert_eq!(r["resume"]["skipped"], false, "a shard with a truncated file was skipped: {r}");
    assert_eq!(r["resume"]["replaced"], serde_json::json!([old_rel]));
    assert_ne!(r["sweep_id"], first["result"]["sweep_id"]);
    assert!(!old.exists(), "the corrupt attempt is still there");
    assert_eq!(sweep_folders(&ws), vec![r["sweep_id"].as_str().unwrap().to_string()]);
    assert_eq!(r["combinations"], first["result"]["combinations"]);

    // Killed after sweep.json, before its manifest: not done, redone and replaced too.
    let unfinished = folder(&ws, &redone);
    std::fs::remove_file(unfinished.join("shard_manifest.json")).unwrap();
    let third = shard(&ws, "0/2");
    assert_eq!(third["result"]["resume"]["skipped"], false);
    assert_eq!(third["result"]["resume"]["replaced"].as_array().unwrap().len(), 1);
    assert!(!unfinished.exists());
    // And once redone, the next rerun skips.
    assert_eq!(shard(&ws, "0/2")["result"]["resume"]["skipped"], true);
}

#[test]
fn merge_refuses_a_missing_or_corrupt_shard_and_writes_nothing() {
    let shards: Vec<Ws> = (0..3).map(|_| Ws::new()).collect();
    let dirs: Vec<PathBuf> =
        shards.iter().enumerate().map(|(k, ws)| folder(ws, &shard(ws, &format!("{k}/3")))).collect();
    let merger = Ws::new();
    let merge_cli = |dirs: &[&Path]| {
        let mut args = vec!["sweep".to_string(), "merge".to_string()];
        args.extend(dirs.iter().map(|d| d.to_string_lossy().into_owned()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        merger.json(&args)
    };
    let engine_merge = |dirs: &[&Path]| merge(&Workspace::at(merger.path()), dirs).unwrap_err();
    let all: Vec<&Path> = dirs.iter().map(PathBuf::as_path).collect();

    // A shard missing.
    let (code, v) = merge_cli(&all[..2]);
    assert_eq!(code, 2, "{v}");
    let e = engine_merge(&all[..2]);
    assert!(matches!(e.domain::<SweepError>(), Some(SweepError::ShardsMissing(m)) if m == &["2/3"]), "{e:?}");

    // A shard cut short: refused, naming its folder and the file.
    let parquet = dirs[2].join("results.parquet");
    let good = std::fs::read(&parquet).unwrap();
    truncate(&parquet);
    let (code, v) = merge_cli(&all);
    assert_eq!(code, 2, "{v}");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.contains(&*dirs[2].to_string_lossy()) && msg.contains("results.parquet"), "{msg}");
    let e = engine_merge(&all);
    let Some(SweepError::ShardUnverified { dir, shard, problem }) = e.domain::<SweepError>() else {
        panic!("{e:?}")
    };
    assert_eq!((dir, shard), (&dirs[2], &Some(Shard { index: 2, count: 3 })));
    assert!(
        matches!(problem.as_ref(), ManifestProblem::FileChanged { file, .. } if file == "results.parquet"),
        "{problem:?}"
    );
    std::fs::write(&parquet, good).unwrap();

    // A shard without its manifest (it did not finish), given by its sweep.json.
    let manifest = dirs[0].join("shard_manifest.json");
    let kept = std::fs::read(&manifest).unwrap();
    std::fs::remove_file(&manifest).unwrap();
    let by_file = dirs[0].join("sweep.json");
    let given = [by_file.as_path(), all[1], all[2]];
    let (code, v) = merge_cli(&given);
    assert_eq!(code, 2, "{v}");
    let e = engine_merge(&given);
    let Some(SweepError::ShardUnverified { shard, problem, .. }) = e.domain::<SweepError>() else {
        panic!("{e:?}")
    };
    assert_eq!(shard.as_ref().map(|s| s.index), Some(0));
    assert!(matches!(problem.as_ref(), ManifestProblem::NoManifest), "{problem:?}");
    // A manifest that points outside its folder is not a manifest.
    let mut m: Value = serde_json::from_slice(&kept).unwrap();
    m["files"][1]["name"] = "../../../etc/passwd".into();
    std::fs::write(&manifest, serde_json::to_vec(&m).unwrap()).unwrap();
    let e = engine_merge(&all);
    let Some(SweepError::ShardUnverified { problem, .. }) = e.domain::<SweepError>() else { panic!("{e:?}") };
    assert!(matches!(problem.as_ref(), ManifestProblem::NotAManifest(_)), "{problem:?}");
    assert!(!merger.path().join("sweeps").exists(), "a refused merge wrote something");

    // Restored, the same shards merge; given by their manifests too.
    std::fs::write(&manifest, kept).unwrap();
    let manifests: Vec<PathBuf> = dirs.iter().map(|d| d.join("shard_manifest.json")).collect();
    let given: Vec<&Path> = manifests.iter().map(PathBuf::as_path).collect();
    let (code, v) = merge_cli(&given);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["result"]["merged_from"].as_array().unwrap().len(), 3);
}

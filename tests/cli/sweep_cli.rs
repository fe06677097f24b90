//! `quantlab sweep`, shards and merge, `sweeps list|show`.

use crate::common;

use common::Ws;
use serde_json::Value;

const GRID: [&str; 6] = ["--grid", "fast=5:30:5", "--grid", "slow=50,100,200", "--constraint", "fast<slow"];

fn sweep(ws: &Ws, data: &str, extra: &[&str]) -> (i32, Value) {
    let mut args =
        vec!["sweep", "--data", data, "--strategy", "sma_cross", "--fee-bps", "10", "--progress", "none"];
    args.extend_from_slice(&GRID);
    args.extend_from_slice(extra);
    ws.json(&args)
}

#[test]
fn sweep_ranks_every_combination_and_writes_its_artifacts() {
    let ws = Ws::new();
    let id = ws.import_btc();
    let (code, v) = sweep(&ws, &id, &[]);
    assert_eq!(code, 0, "{v}");
    let r = &v["result"];
    assert_eq!(r["schema"], "quantlab.sweep");
    let combos = r["combinations"].as_array().unwrap();
    assert_eq!(combos.len(), 18);
    assert_eq!(r["total_combinations"], 18);
    let mut ranks: Vec<u64> = combos.iter().map(|c| c["rank"].as_u64().unwrap()).collect();
    ranks.sort();
    assert_eq!(ranks, (1..=18).collect::<Vec<u64>>());
    let best = combos.iter().find(|c| c["rank"] == 1).unwrap();
    let max = combos.iter().filter_map(|c| c["metrics"]["sharpe"].as_f64()).fold(f64::MIN, f64::max);
    assert_eq!(best["metrics"]["sharpe"].as_f64().unwrap(), max);
    assert_eq!(r["machine_contract"]["best_params"], best["params"]);
    let dir = ws.path().join("sweeps").join(r["sweep_id"].as_str().unwrap());
    for f in ["sweep.json", "results.csv", "results.parquet", "heatmap.csv", "heatmap_fast_slow.csv"] {
        assert!(dir.join(f).exists(), "{f} missing");
    }
    assert_eq!(std::fs::read_to_string(dir.join("results.csv")).unwrap().lines().count(), 19);
    let heat = std::fs::read_to_string(dir.join("heatmap.csv")).unwrap();
    assert_eq!(heat.lines().next().unwrap(), "fast\\slow,50,100,200");
    assert_eq!(heat.lines().count(), 7);
    // No per-combination run unless asked.
    assert!(!ws.path().join("runs").exists());
    let (_, list) = ws.json(&["sweeps", "list"]);
    assert_eq!(list["result"]["count"], 1);
    let (code, show) = ws.json(&["sweeps", "show", &r["sweep_id"].as_str().unwrap()[..20]]);
    assert_eq!(code, 0, "{show}");
}

#[test]
fn a_sweep_combination_equals_the_single_run() {
    let ws = Ws::new();
    let id = ws.import_btc();
    let (_, s) = sweep(&ws, &id, &[]);
    let combo = s["result"]["combinations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["params"]["fast"] == 10.0 && c["params"]["slow"] == 100.0)
        .unwrap()
        .clone();
    let (code, r) = ws.json(&[
        "run",
        "--data",
        &id,
        "--strategy",
        "sma_cross",
        "--param",
        "fast=10",
        "--param",
        "slow=100",
        "--fee-bps",
        "10",
    ]);
    assert_eq!(code, 0);
    assert_eq!(combo["metrics"], r["result"]["metrics"]);
}

#[test]
fn shards_merged_equal_the_single_machine_sweep() {
    let ws = Ws::new();
    let id = ws.import_btc();
    let (_, whole) = sweep(&ws, &id, &["--jobs", "2"]);
    let mut dirs = Vec::new();
    for k in 0..3 {
        let (code, v) = sweep(&ws, &id, &["--shard", &format!("{k}/3"), "--jobs", "1"]);
        assert_eq!(code, 0, "{v}");
        assert_eq!(v["result"]["shard"]["index"], k);
        dirs.push(
            ws.path()
                .join("sweeps")
                .join(v["result"]["sweep_id"].as_str().unwrap())
                .to_string_lossy()
                .into_owned(),
        );
    }
    // Missing a shard is refused.
    let (code, v) = ws.json(&["sweep", "merge", &dirs[0], &dirs[1]]);
    assert_eq!(code, 2, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("missing shard"));
    let (code, merged) = ws.json(&["sweep", "merge", &dirs[2], &dirs[0], &dirs[1]]);
    assert_eq!(code, 0, "{merged}");
    assert_eq!(merged["result"]["combinations"], whole["result"]["combinations"]);
    assert_eq!(merged["result"]["config"], whole["result"]["config"]);
    assert_eq!(
        merged["result"]["machine_contract"]["best_params"],
        whole["result"]["machine_contract"]["best_params"]
    );
    assert_eq!(merged["result"]["merged_from"].as_array().unwrap().len(), 3);
}

#[test]
fn save_runs_writes_full_runs_for_the_best() {
    let ws = Ws::new();
    let id = ws.import_btc();
    let (code, v) = sweep(&ws, &id, &["--save-runs", "top:2"]);
    assert_eq!(code, 0, "{v}");
    let saved = v["result"]["saved_runs"].as_array().unwrap();
    assert_eq!(saved.len(), 2);
    let (_, list) = ws.json(&["runs", "list"]);
    assert_eq!(list["result"]["count"], 2);
    assert!(list["result"]["runs"][0]["label"].as_str().unwrap().contains("rank"));
}

#[test]
fn progress_json_goes_to_stderr_as_json_lines() {
    let ws = Ws::new();
    let id = ws.import_btc();
    let mut args = vec!["sweep", "--data", id.as_str(), "--strategy", "sma_cross", "--progress", "json"];
    args.extend_from_slice(&GRID);
    let out = ws.cmd().args(&args).output().unwrap();
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    let events: Vec<Value> = err.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(!events.is_empty());
    assert_eq!(events.last().unwrap()["done"], 18);
    // The time left, added beside the counts: seconds once a rate is measured, 0 when done.
    assert!(events.iter().all(|e| e["eta_secs"].is_null() || e["eta_secs"].is_u64()), "{err}");
    assert_eq!(events.last().unwrap()["eta_secs"], 0);
    serde_json::from_slice::<Value>(&out.stdout).expect("stdout stays one JSON document");
}

#[test]
fn bad_sweeps_are_exit_2_naming_the_field_and_write_nothing() {
    let ws = Ws::new();
    let id = ws.import_btc();
    let before = ws.snapshot();
    let cases: [(&[&str], &str); 5] = [
        (&["--strategy", "sma_cross"], "--grid"),
        (
            &[
                "--strategy",
                "sma_cross",
                "--grid",
                "fast=5:10:5",
                "--grid",
                "slow=20",
                "--constraint",
                "fast>slow",
            ],
            "no valid combination",
        ),
        (&["--strategy", "sma_cross", "--grid", "fast=5", "--objective", "shrape"], "--objective"),
        (&["--strategy", "sma_cross", "--grid", "speed=5"], "valid: fast, slow"),
        (&["--strategy", "sma_cross", "--grid", "fast=5", "--shard", "3/3"], "--shard"),
    ];
    for (extra, needle) in cases {
        let mut args = vec!["sweep", "--data", id.as_str(), "--progress", "none"];
        args.extend_from_slice(extra);
        let (code, v) = ws.json(&args);
        assert_eq!(code, 2, "{v}");
        assert!(v["error"]["message"].as_str().unwrap().contains(needle), "{needle}: {v}");
    }
    assert_eq!(before, ws.snapshot());
}

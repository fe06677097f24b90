//! Shards merged are the unsharded sweep bit for bit, on every column of every artifact: each
//! shard in a workspace of its own, as on a cluster, all reading one data file.

use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde_json::Value;

use crate::common::{sample, Ws};

/// A grid wide enough that many metrics are fractions with no short decimal form (a win rate
/// of 23/51 is 0.45098039215686275).
const GRID: [&str; 6] = ["--grid", "fast=4:40:3", "--grid", "slow=30:150:15", "--constraint", "fast<slow"];

fn sweep(ws: &Ws, data: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["sweep", "--data", data.to_str().unwrap(), "--strategy", "sma_cross"];
    args.extend_from_slice(&["--fee-bps", "10", "--progress", "none"]);
    args.extend_from_slice(&GRID);
    args.extend_from_slice(extra);
    let (code, v) = ws.json(&args);
    assert_eq!(code, 0, "{v}");
    v
}

/// The sweep folder of a sweep's response.
fn folder(ws: &Ws, v: &Value) -> PathBuf {
    ws.path().join("sweeps").join(v["result"]["sweep_id"].as_str().unwrap())
}

/// Every column of results.parquet: its name and type, then each value as bits (floats) or
/// as itself (counts), nulls kept.
fn parquet_columns(p: &Path) -> Vec<(String, String, Vec<Option<u64>>)> {
    let df = ParquetReader::new(std::fs::File::open(p).unwrap()).finish().unwrap();
    df.columns()
        .iter()
        .map(|c| {
            let values: Vec<Option<u64>> = match c.dtype() {
                DataType::Float64 => c.f64().unwrap().iter().map(|v| v.map(f64::to_bits)).collect(),
                DataType::UInt64 => c.u64().unwrap().iter().collect(),
                other => panic!("results.parquet column {} is {other}", c.name()),
            };
            (c.name().to_string(), c.dtype().to_string(), values)
        })
        .collect()
}

/// Two JSON values equal with every number compared by its f64 bits (so 0.0 and -0.0, or two
/// floats one ulp apart, differ), every integer as an integer.
fn assert_same_bits(a: &Value, b: &Value, at: &str) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            assert_eq!(x.is_f64(), y.is_f64(), "{at}: {x} vs {y}");
            if x.is_f64() {
                let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
                assert_eq!(x.to_bits(), y.to_bits(), "{at}: {x} vs {y}");
            } else {
                assert_eq!(x, y, "{at}");
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{at}: lengths");
            for (i, (x, y)) in x.iter().zip(y).enumerate() {
                assert_same_bits(x, y, &format!("{at}[{i}]"));
            }
        }
        (Value::Object(x), Value::Object(y)) => {
            assert_eq!(x.keys().collect::<Vec<_>>(), y.keys().collect::<Vec<_>>(), "{at}: keys");
            for (k, x) in x {
                assert_same_bits(x, &y[k], &format!("{at}.{k}"));
            }
        }
        _ => assert_eq!(a, b, "{at}"),
    }
}

#[test]
fn merged_shards_equal_the_unsharded_sweep_bit_for_bit_on_every_column() {
    let data = sample("BTCUSD_1h.csv");
    let single = Ws::new();
    let whole = sweep(&single, &data, &["--jobs", "2"]);
    let shards: Vec<Ws> = (0..4).map(|_| Ws::new()).collect();
    let mut dirs = Vec::new();
    for (k, ws) in shards.iter().enumerate() {
        let v = sweep(ws, &data, &["--shard", &format!("{k}/4"), "--jobs", "1"]);
        dirs.push(folder(ws, &v).to_string_lossy().into_owned());
    }
    let merger = Ws::new();
    let mut args = vec!["sweep", "merge"];
    args.extend(dirs.iter().rev().map(String::as_str));
    let (code, merged) = merger.json(&args);
    assert_eq!(code, 0, "{merged}");

    let (w, m) = (&whole["result"], &merged["result"]);
    let combos = w["combinations"].as_array().unwrap();
    assert!(combos.len() > 60, "a grid this small proves little: {}", combos.len());
    // The proof is only as good as the values are hard: most rows hold a metric whose
    // shortest decimal form has 16 or 17 significant digits.
    let hard = combos
        .iter()
        .filter(|c| c["metrics"].as_object().unwrap().values().any(|v| v.to_string().len() >= 18))
        .count();
    assert!(hard * 2 > combos.len(), "only {hard} of {} rows have long floats", combos.len());
    for key in ["combinations", "config", "data", "total_combinations", "skipped_invalid"] {
        assert_same_bits(&w[key], &m[key], key);
    }
    for key in ["best_params", "best_objective", "combinations", "objective"] {
        assert_same_bits(&w["machine_contract"][key], &m["machine_contract"][key], key);
    }
    // What the merge wrote, read back from disk: sweep.json's combinations, every column of
    // results.parquet by bits, and the CSVs byte for byte (floats in shortest round-trip form,
    // so equal text is equal bits).
    let (wd, md) = (folder(&single, &whole), folder(&merger, &merged));
    let stored = |d: &Path| -> Value {
        serde_json::from_slice(&std::fs::read(d.join("sweep.json")).unwrap()).unwrap()
    };
    assert_same_bits(&stored(&wd)["combinations"], &stored(&md)["combinations"], "sweep.json combinations");
    let (pw, pm) =
        (parquet_columns(&wd.join("results.parquet")), parquet_columns(&md.join("results.parquet")));
    assert_eq!(pw.len(), 3 + 2 + 25, "index, rank, objective, 2 parameters, 25 metrics");
    for (cw, cm) in pw.iter().zip(&pm) {
        assert_eq!((&cw.0, &cw.1), (&cm.0, &cm.1), "results.parquet columns differ");
        assert_eq!(cw.2, cm.2, "results.parquet column {} differs", cw.0);
    }
    for f in ["results.csv", "heatmap.csv", "heatmap_fast_slow.csv"] {
        assert_eq!(std::fs::read(wd.join(f)).unwrap(), std::fs::read(md.join(f)).unwrap(), "{f} differs");
    }
}

/// Walk-forward does not shard (it runs its folds' sweeps on one machine), so there is no
/// sharded walk-forward to compare; this fails the day it gains `--shard`, to extend the test
/// above to it.
#[test]
fn walkforward_has_no_shards() {
    let ws = Ws::new();
    let data = sample("BTCUSD_1h.csv");
    let (code, v) = ws.json(&[
        "walkforward",
        "--data",
        data.to_str().unwrap(),
        "--strategy",
        "sma_cross",
        "--grid",
        "fast=5,10",
        "--train",
        "500",
        "--test",
        "200",
        "--shard",
        "0/2",
    ]);
    assert_eq!(code, 2, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("unexpected argument '--shard'"), "{v}");
    assert!(!ws.path().join("walkforward").exists());
}

//! `quantlab data ...` on real files and on every class of bad input.

use crate::common;

use common::{fixture, sample, Ws};

fn import(ws: &Ws, file: &std::path::Path, tf: &str) -> (i32, serde_json::Value) {
    ws.json(&["data", "import", file.to_str().unwrap(), "--symbol", "BTCUSD", "--timeframe", tf])
}

#[test]
fn imports_the_bundled_series_with_a_stable_fingerprint() {
    let ws = Ws::new();
    let (code, v) = import(&ws, &sample("BTCUSD_1h.csv"), "1h");
    assert_eq!(code, 0, "{v}");
    let d = &v["result"]["dataset"];
    assert_eq!(d["rows"], 20111);
    assert_eq!(d["first"], "2017-07-01T11:00:00Z");
    assert_eq!(d["last"], "2019-10-17T09:00:00Z");
    assert_eq!(d["calendar"], "24/7");
    assert_eq!(v["result"]["existing"], false);
    let id = d["id"].as_str().unwrap();
    assert!(ws.path().join("data").join(id).join("bars.parquet").exists());
    // Same bars again: the existing dataset, not a copy.
    let (code, again) = import(&ws, &sample("BTCUSD_1h.csv"), "1h");
    assert_eq!(code, 0);
    assert_eq!(again["result"]["existing"], true);
    assert_eq!(again["result"]["dataset"]["fingerprint"], d["fingerprint"]);
    let (_, list) = ws.json(&["data", "list"]);
    assert_eq!(list["result"]["datasets"].as_array().unwrap().len(), 1);
}

#[test]
fn newest_first_files_are_reversed() {
    let ws = Ws::new();
    let (code, v) = import(&ws, &fixture("bitfinex-1h-btc-usd_head.csv"), "1h");
    assert_eq!(code, 0, "{v}");
    let d = &v["result"]["dataset"];
    assert_eq!(d["rows"], 48);
    assert_eq!(d["last"], "2019-07-04T01:00:00Z");
    assert!(d["notes"].to_string().contains("reversed"));
}

#[test]
fn unnamed_index_column_is_the_timestamp() {
    let ws = Ws::new();
    let (code, v) = import(&ws, &fixture("backtesting_py_GOOG_head.csv"), "1d");
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["result"]["dataset"]["rows"], 60);
    assert_eq!(v["result"]["dataset"]["first"], "2004-08-19T00:00:00Z");
    assert_eq!(v["result"]["dataset"]["calendar"], "weekdays");
}

/// Import `file`, expect exit 2 with every `needles` in the message, and no workspace change.
fn refused(file: &std::path::Path, tf: &str, needles: &[&str]) {
    let ws = Ws::new();
    // A dataset already in the workspace must survive the refusal untouched.
    ws.import_btc();
    let before = ws.snapshot();
    let (code, v) = import(&ws, file, tf);
    assert_eq!(code, 2, "{v}");
    assert_eq!(v["ok"], false);
    assert_eq!(v["error"]["code"], "bad_input");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.contains(file.file_name().unwrap().to_str().unwrap()), "file not named: {msg}");
    for n in needles {
        assert!(msg.contains(n), "'{n}' not in: {msg}");
    }
    assert_eq!(before, ws.snapshot(), "workspace changed on refused import");
}

#[test]
fn banner_is_skipped_but_a_twelve_hour_clock_is_refused() {
    refused(&fixture("Coinbase_BTCUSD_1h_head.csv"), "1h", &["row 3", "column 'date'", "12-hour"]);
}

#[test]
fn out_of_order_rows_are_refused_with_the_row() {
    // File lines: header, then 09:00 (12), 03:00 (13), 08:00 (14) -> 08:00 breaks newest-first.
    refused(&fixture("bitfinex-1h-btc-usd_2017-11-12.csv"), "1h", &["row 14", "out of order"]);
}

#[test]
fn day_first_dates_are_refused() {
    refused(&fixture("FOREX_EURUSD_1H_ASK_head.csv"), "1h", &["row 2", "column 'Time'", "ambiguous"]);
}

#[test]
fn every_bad_cell_class_names_row_and_column() {
    let cases: [(&str, &[&str]); 11] = [
        ("nan_price.csv", &["row 6", "'close'", "not a finite number"]),
        ("inf_price.csv", &["row 4", "'high'", "not a finite number"]),
        ("negative_price.csv", &["row 8", "'open'", "must be positive"]),
        ("zero_price.csv", &["row 5", "'low'", "must be positive"]),
        ("not_a_number.csv", &["row 7", "'open'", "'abc' is not a number"]),
        ("empty_cell.csv", &["row 9", "'close'", "empty value"]),
        ("high_below.csv", &["row 5", "'high'", "below max(open, close, low)"]),
        ("low_above.csv", &["row 10", "'low'", "above min(open, close, high)"]),
        ("duplicate_timestamp.csv", &["row 7", "'timestamp'", "duplicate timestamp"]),
        ("unsorted.csv", &["row 8", "'timestamp'", "not sorted"]),
        ("missing_column.csv", &["no 'low' column"]),
    ];
    for (file, needles) in cases {
        refused(&fixture(&format!("bad/{file}")), "1h", needles);
    }
}

#[test]
fn timeframe_finer_than_the_bars_is_refused() {
    refused(&fixture("BTCUSD_1h_head.csv"), "1d", &["closer than the timeframe 1d"]);
}

#[test]
fn missing_file_is_not_found() {
    let ws = Ws::new();
    let (code, v) = import(&ws, std::path::Path::new("no/such/file.csv"), "1h");
    assert_eq!(code, 5, "{v}");
}

#[test]
fn resample_aggregates_and_is_idempotent() {
    let ws = Ws::new();
    let (code, v) = import(&ws, &fixture("BTCUSD_1h_head.csv"), "1h");
    assert_eq!(code, 0, "{v}");
    let id = v["result"]["dataset"]["id"].as_str().unwrap().to_string();
    let (code, r) = ws.json(&["data", "resample", &id, "--to", "4h"]);
    assert_eq!(code, 0, "{r}");
    let d = &r["result"]["dataset"];
    // 200 hourly bars from 11:00: a partial first bucket (08:00, 11:00 only), then 4h buckets.
    assert_eq!(d["timeframe"], "4h");
    assert_eq!(d["first"], "2017-07-01T08:00:00Z");
    assert_eq!(d["parent"], id.as_str());
    assert_eq!(d["rows"], 51);
    let (_, again) = ws.json(&["data", "resample", &id, "--to", "4h"]);
    assert_eq!(again["result"]["existing"], true);
    let (code, bad) = ws.json(&["data", "resample", &id, "--to", "90m"]);
    assert_eq!(code, 2, "{bad}");
}

#[test]
fn indicators_write_one_column_per_output() {
    let ws = Ws::new();
    let out = ws.path().join("ind.csv");
    let (code, v) = ws.json(&[
        "data",
        "indicators",
        fixture("BTCUSD_1h_head.csv").to_str().unwrap(),
        "--indicator",
        "rsi:14",
        "--indicator",
        "macd:12,26,9",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{v}");
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "timestamp,rsi_14,macd_12_26_9_line,macd_12_26_9_signal,macd_12_26_9_hist"
    );
    assert_eq!(text.lines().count(), 201);
    // RSI(14) warms up for 14 bars: row 15 (index 14) is the first with a value.
    let row = |i: usize| text.lines().nth(i + 1).unwrap().split(',').map(String::from).collect::<Vec<_>>();
    assert_eq!(row(13)[1], "");
    assert!(!row(14)[1].is_empty());
    let (code, bad) = ws.json(&["data", "indicators", "x.csv", "--indicator", "nope:3", "--out", "o.csv"]);
    assert_eq!(code, 2, "{bad}");
}

/// Parquet files as other tools write them: column names in any case, the time as a Datetime
/// (ms or us), ISO text or epoch ms integers. Written here with polars so the test shows
/// exactly what is in each file.
mod parquet {
    use std::path::{Path, PathBuf};

    use polars::prelude::*;

    use super::{import, refused};
    use crate::common::Ws;

    const T0: i64 = 1_704_067_200_000; // 2024-01-01T00:00:00Z
    const HOUR: i64 = 3_600_000;

    /// Six valid hourly bars: open 100 + i, high +2, low -1, close +1, volume 10.
    fn prices() -> [Vec<f64>; 5] {
        let open: Vec<f64> = (0..6).map(|i| 100.0 + i as f64).collect();
        let col = |d: f64| open.iter().map(|o| o + d).collect::<Vec<f64>>();
        [open.clone(), col(2.0), col(-1.0), col(1.0), vec![10.0; 6]]
    }

    fn ts_ms(order: &[i64]) -> Vec<i64> {
        order.iter().map(|i| T0 + i * HOUR).collect()
    }

    fn datetime(name: &str, ms: &[i64], unit: TimeUnit) -> Column {
        let per_ms = if unit == TimeUnit::Microseconds { 1_000 } else { 1 };
        let raw: Vec<i64> = ms.iter().map(|t| t * per_ms).collect();
        Series::new(name.into(), &raw).cast(&DataType::Datetime(unit, None)).unwrap().into()
    }

    /// Write `time` plus the price columns under `names` (open, high, low, close, volume).
    fn write(dir: &Path, file: &str, time: Column, names: [&str; 5], close: Option<Vec<f64>>) -> PathBuf {
        let mut p = prices();
        if let Some(c) = close {
            p[3] = c;
        }
        let mut cols = vec![time];
        cols.extend(names.iter().zip(p).map(|(n, v)| Column::new((*n).into(), v)));
        let mut df = DataFrame::new_infer_height(cols).unwrap();
        let path = dir.join(file);
        ParquetWriter::new(std::fs::File::create(&path).unwrap()).finish(&mut df).unwrap();
        path
    }

    #[test]
    fn any_column_case_and_every_timestamp_type_give_the_same_bars() {
        let dir = tempfile::tempdir().unwrap();
        let ms = ts_ms(&[0, 1, 2, 3, 4, 5]);
        let iso: Vec<String> = (0..6).map(|i| format!("2024-01-01T{i:02}:00:00Z")).collect();
        let files = [
            write(
                dir.path(),
                "datetime_ms.parquet",
                datetime("Date", &ms, TimeUnit::Milliseconds),
                ["Open", "High", "Low", "Close", "Volume"],
                None,
            ),
            write(
                dir.path(),
                "datetime_us.parquet",
                datetime("DateTime", &ms, TimeUnit::Microseconds),
                ["OPEN", "HIGH", "LOW", "CLOSE", "VOLUME"],
                None,
            ),
            write(
                dir.path(),
                "iso_text.parquet",
                Column::new("TIMESTAMP".into(), iso),
                ["open", "High", "low", "cLoSe", "volume"],
                None,
            ),
            write(
                dir.path(),
                "epoch_ms.parquet",
                Column::new("Time".into(), ms.clone()),
                ["open", "high", "low", "close", "volume"],
                None,
            ),
        ];
        let ws = Ws::new();
        let mut fingerprints = Vec::new();
        for f in &files {
            let (code, v) = import(&ws, f, "1h");
            assert_eq!(code, 0, "{}: {v}", f.display());
            let d = &v["result"]["dataset"];
            assert_eq!(d["rows"], 6, "{}", f.display());
            assert_eq!(d["first"], "2024-01-01T00:00:00Z", "{}", f.display());
            assert_eq!(d["last"], "2024-01-01T05:00:00Z", "{}", f.display());
            fingerprints.push(d["fingerprint"].as_str().unwrap().to_string());
        }
        // Same bars, same fingerprint, so every later import is the first dataset again.
        assert!(fingerprints.iter().all(|f| *f == fingerprints[0]), "{fingerprints:?}");
        let (_, list) = ws.json(&["data", "list"]);
        assert_eq!(list["result"]["datasets"].as_array().unwrap().len(), 1, "{list}");
    }

    #[test]
    fn bad_cells_are_refused_with_file_row_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let names = ["Open", "High", "Low", "Close", "Volume"];
        let at = |order: &[i64]| datetime("Date", &ts_ms(order), TimeUnit::Milliseconds);
        let mut nan = prices()[3].clone();
        nan[2] = f64::NAN;
        // Parquet rows are numbered from 1: the third row is index 2.
        let f = write(dir.path(), "nan_close.parquet", at(&[0, 1, 2, 3, 4, 5]), names, Some(nan));
        refused(&f, "1h", &["row 3", "column 'close'", "not a finite number"]);
        let f = write(dir.path(), "unsorted.parquet", at(&[0, 1, 3, 2, 4, 5]), names, None);
        refused(&f, "1h", &["row 4", "column 'timestamp'", "not sorted"]);
        let f = write(dir.path(), "duplicate.parquet", at(&[0, 1, 2, 2, 3, 4]), names, None);
        refused(&f, "1h", &["row 4", "column 'timestamp'", "duplicate timestamp"]);
        let text: Vec<String> = vec!["2024-01-01T00:00:00Z".into(), "yesterday".into()];
        let mut df = DataFrame::new_infer_height(vec![
            Column::new("date".into(), text),
            Column::new("open".into(), [1.0, 1.0]),
            Column::new("high".into(), [1.0, 1.0]),
            Column::new("low".into(), [1.0, 1.0]),
            Column::new("close".into(), [1.0, 1.0]),
        ])
        .unwrap();
        let f = dir.path().join("bad_text_time.parquet");
        ParquetWriter::new(std::fs::File::create(&f).unwrap()).finish(&mut df).unwrap();
        refused(&f, "1h", &["row 2", "column 'date'"]);
    }
}

/// The stored Parquet of dataset `id`, and its Arrow IPC cache beside it.
fn stored(ws: &Ws, id: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = ws.path().join("data").join(id);
    (dir.join("bars.parquet"), dir.join("bars.arrow"))
}

fn run_on(ws: &Ws, id: &str) -> (i32, serde_json::Value) {
    ws.json(&["run", "--data", id, "--strategy", "sma_cross", "--param", "fast=5", "--param", "slow=20"])
}

#[test]
fn a_dataset_edited_after_import_is_refused_naming_the_file() {
    let ws = Ws::new();
    let id = ws.import_btc();
    let (parquet, cache) = stored(&ws, &id);
    assert!(cache.exists(), "import writes the cache");
    let (code, before) = run_on(&ws, &id);
    assert_eq!(code, 0, "{before}");
    // Other bars written over the dataset's file behind the workspace's back.
    let other = ws.path().join("other.parquet");
    let (code, v) =
        ws.json(&["data", "synth", "--out", other.to_str().unwrap(), "--bars", "500", "--timeframe", "1h"]);
    assert_eq!(code, 0, "{v}");
    std::fs::copy(&other, &parquet).unwrap();
    let (code, v) = run_on(&ws, &id);
    assert_ne!(code, 0, "{v}");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.contains("fingerprint") && msg.contains(parquet.to_str().unwrap()), "{msg}");
}

#[test]
fn a_cache_that_fails_its_checks_falls_back_to_the_same_bars() {
    let ws = Ws::new();
    let id = ws.import_btc();
    let (_, cache) = stored(&ws, &id);
    let (code, clean) = run_on(&ws, &id);
    assert_eq!(code, 0, "{clean}");
    let good = std::fs::read(&cache).unwrap();
    // Truncated, emptied, a byte flipped in the middle of the bars: each run reads the Parquet,
    // gets the metrics of the clean run, and leaves a rebuilt cache.
    let mut flipped = good.clone();
    flipped[good.len() / 2] ^= 0x40;
    for bad in [good[..good.len() / 3].to_vec(), Vec::new(), flipped] {
        std::fs::write(&cache, &bad).unwrap();
        let (code, v) = run_on(&ws, &id);
        assert_eq!(code, 0, "{v}");
        assert_eq!(v["result"]["metrics"], clean["result"]["metrics"]);
        assert_eq!(v["result"]["trades_hash"], clean["result"]["trades_hash"]);
        assert_eq!(std::fs::read(&cache).unwrap(), good, "the cache is rebuilt");
    }
}

#[test]
fn data_verify_rehashes_a_file_whose_size_and_time_were_kept() {
    let ws = Ws::new();
    let id = ws.import_btc();
    let (parquet, _) = stored(&ws, &id);
    let (code, v) = ws.json(&["data", "verify", &id]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["result"]["verified"], true);
    // A byte changed in place with the modification time put back: a run trusts the cache
    // (size and time are its cheap check), `data verify` reads the file and refuses it.
    let when = std::fs::metadata(&parquet).unwrap().modified().unwrap();
    let mut bytes = std::fs::read(&parquet).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&parquet, &bytes).unwrap();
    std::fs::File::options().write(true).open(&parquet).unwrap().set_modified(when).unwrap();
    let (code, v) = run_on(&ws, &id);
    assert_eq!(code, 0, "{v}");
    let (code, v) = ws.json(&["data", "verify", &id]);
    assert_ne!(code, 0, "{v}");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.contains(parquet.to_str().unwrap()), "{msg}");
}

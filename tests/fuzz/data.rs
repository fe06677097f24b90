//! The CSV/Parquet importer (`data import`): real files mutated, Parquet files built with edge
//! columns, and the timestamp/timeframe cells. A refused file leaves the workspace as it was.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use polars::prelude::*;
use proptest::prelude::*;
use quantlab::engine::data::catalog;
use quantlab::engine::data::load::load_file;
use quantlab::engine::data::store::write_bars;
use quantlab::engine::time::{fmt_ms, fmt_timeframe, parse_timeframe, parse_timestamp, parse_window};
use quantlab::engine::workspace::Workspace;

use super::harness::{assert_unchanged, bounded, check, runner, tree};
use super::mutate::{text_inputs, Input, EDGES};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn csv_seeds() -> Vec<Vec<u8>> {
    let mut paths: Vec<PathBuf> = Vec::new();
    for dir in [fixtures_dir(), fixtures_dir().join("bad")] {
        for e in std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok()) {
            if e.path().extension().is_some_and(|x| x == "csv") {
                paths.push(e.path());
            }
        }
    }
    paths.sort();
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// A workspace that already holds a dataset, so "unchanged" covers existing state too.
fn populated_workspace() -> (tempfile::TempDir, Arc<Workspace>) {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::at(dir.path().join("ws"));
    catalog::import(&ws, &fixtures_dir().join("BTCUSD_1h_head.csv"), "BTCUSD", "1h", &Default::default())
        .unwrap();
    (dir, Arc::new(ws))
}

/// Import `path`; a refusal must leave every workspace file as it was.
fn import_case(what: &str, ws: &Arc<Workspace>, path: &Path, input: &[u8]) {
    let before = tree(ws.root());
    let (w, p) = (ws.clone(), path.to_path_buf());
    let r = bounded(what, input, move || {
        catalog::import(&w, &p, "FUZZ", "1m", &Default::default()).map(|(m, existed)| (m.id, existed))
    });
    match r {
        Err(_) => assert_unchanged(what, &before, &tree(ws.root()), input),
        // Taken in: drop the new dataset so the workspace stays small and the next case
        // starts from the same state.
        Ok((id, false)) => std::fs::remove_dir_all(ws.data_dir().join(id)).unwrap(),
        Ok((_, true)) => {}
    }
}

#[test]
fn csv_import_never_panics_and_refusals_leave_the_workspace() {
    let (dir, ws) = populated_workspace();
    let file = dir.path().join("input.csv");
    let mut r = runner(400);
    let res = r.run(&text_inputs(csv_seeds()), |Input(bytes)| {
        std::fs::write(&file, &bytes).unwrap();
        import_case("CSV import", &ws, &file, &bytes);
        Ok(())
    });
    check("CSV import", res);
}

/// How a Parquet column is built: its name, and its values as one of several types.
#[derive(Debug, Clone)]
enum Col {
    F64(Vec<f64>),
    I64(Vec<i64>),
    Str(Vec<String>),
    DatetimeMs(Vec<i64>),
    DatetimeNs(Vec<i64>),
    Date(Vec<i32>),
    Nulls,
    Bool(Vec<bool>),
}

fn f64_edge() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => 1.0f64..100_000.0,
        1 => prop::sample::select(vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0, 0.0, f64::MAX,
            f64::MIN, f64::MIN_POSITIVE, 1e308, -1.0, 4e-324]),
    ]
}

fn i64_edge() -> impl Strategy<Value = i64> {
    prop_oneof![
        3 => 1_500_000_000_000i64..1_600_000_000_000,
        1 => prop::sample::select(vec![i64::MIN, i64::MAX, 0, -1, 99_999_999_999, 100_000_000_000,
            -100_000_000_000, i64::MIN + 1, 9_223_372_036_854_775, -9_223_372_036_854_775]),
    ]
}

fn column(n: usize) -> impl Strategy<Value = Col> {
    let strs = prop::collection::vec(
        prop_oneof![prop::sample::select(EDGES.to_vec()).prop_map(String::from), "[0-9:. TZ-]{0,30}"],
        n,
    );
    prop_oneof![
        4 => prop::collection::vec(f64_edge(), n).prop_map(Col::F64),
        2 => prop::collection::vec(i64_edge(), n).prop_map(Col::I64),
        2 => strs.prop_map(Col::Str),
        2 => prop::collection::vec(i64_edge(), n).prop_map(Col::DatetimeMs),
        1 => prop::collection::vec(i64_edge(), n).prop_map(Col::DatetimeNs),
        1 => prop::collection::vec(any::<i32>(), n).prop_map(Col::Date),
        1 => Just(Col::Nulls),
        1 => prop::collection::vec(any::<bool>(), n).prop_map(Col::Bool),
    ]
}

fn frame() -> impl Strategy<Value = Vec<(String, Col)>> {
    (0usize..12).prop_flat_map(|n| {
        let name = prop_oneof![
            4 => prop::sample::select(vec!["timestamp", "date", "open", "high", "low", "close", "volume"]),
            1 => prop::sample::select(vec!["Open", "CLOSE", "", " time ", "x", "timestamp"]),
        ];
        prop::collection::vec((name.prop_map(String::from), column(n)), 1..9)
    })
}

fn build(cols: &[(String, Col)]) -> Option<DataFrame> {
    let n = cols
        .iter()
        .find_map(|(_, c)| match c {
            Col::F64(v) => Some(v.len()),
            Col::I64(v) | Col::DatetimeMs(v) | Col::DatetimeNs(v) => Some(v.len()),
            Col::Str(v) => Some(v.len()),
            Col::Date(v) => Some(v.len()),
            Col::Bool(v) => Some(v.len()),
            Col::Nulls => None,
        })
        .unwrap_or(3);
    let mut out = Vec::new();
    for (name, c) in cols {
        let name: PlSmallStr = name.as_str().into();
        let s = match c {
            Col::F64(v) => Series::new(name, v),
            Col::I64(v) => Series::new(name, v),
            Col::Str(v) => Series::new(name, v),
            Col::DatetimeMs(v) => {
                Series::new(name, v).cast(&DataType::Datetime(TimeUnit::Milliseconds, None)).ok()?
            }
            Col::DatetimeNs(v) => {
                Series::new(name, v).cast(&DataType::Datetime(TimeUnit::Nanoseconds, None)).ok()?
            }
            Col::Date(v) => Series::new(name, v).cast(&DataType::Date).ok()?,
            Col::Nulls => Series::full_null(name, n, &DataType::Float64),
            Col::Bool(v) => Series::new(name, v),
        };
        out.push(s.into());
    }
    // Duplicate names are refused by polars itself: not a file anyone can hand us.
    DataFrame::new_infer_height(out).ok()
}

#[test]
fn parquet_import_never_panics_and_refusals_leave_the_workspace() {
    let (dir, ws) = populated_workspace();
    let file = dir.path().join("input.parquet");
    let mut r = runner(300);
    let res = r.run(&frame(), |cols| {
        let Some(mut df) = build(&cols) else { return Ok(()) };
        let f = std::fs::File::create(&file).unwrap();
        if ParquetWriter::new(f).finish(&mut df).is_err() {
            return Ok(());
        }
        // The columns as built are the readable form of this input.
        let shown = format!("{cols:?}").into_bytes();
        import_case("Parquet import", &ws, &file, &shown);
        Ok(())
    });
    check("Parquet import", res);
}

#[test]
fn corrupted_parquet_bytes_are_refused_not_panicked_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut seeds = Vec::new();
    for name in ["BTCUSD_1h_head.csv", "backtesting_py_GOOG_head.csv"] {
        let bars = load_file(&fixtures_dir().join(name)).unwrap().bars;
        let p = dir.path().join("seed.parquet");
        write_bars(&p, &bars).unwrap();
        seeds.push(std::fs::read(&p).unwrap());
    }
    let file = dir.path().join("input.parquet");
    let mut r = runner(400);
    let res = r.run(&text_inputs(seeds), |Input(bytes)| {
        std::fs::write(&file, &bytes).unwrap();
        let p = file.clone();
        let _ = bounded("Parquet bytes", &bytes, move || load_file(&p).map(|l| l.bars.len()));
        Ok(())
    });
    check("Parquet bytes", res);
}

/// The corruption that once aborted the whole process (polars reserved memory for a page whose
/// value count was negative, and the failed allocation aborts): every byte of the first page
/// headers set in turn to a varint that decodes to a small negative number. Each load must
/// return, and the page check must be what refuses some of them.
#[test]
fn a_page_counting_negative_values_is_refused_not_aborted_on() {
    let dir = tempfile::tempdir().unwrap();
    let bars = load_file(&fixtures_dir().join("BTCUSD_1h_head.csv")).unwrap().bars;
    let seed_path = dir.path().join("seed.parquet");
    write_bars(&seed_path, &bars).unwrap();
    let seed = std::fs::read(&seed_path).unwrap();
    let file = dir.path().join("input.parquet");
    let mut refused_by_the_check = 0;
    for at in 4..seed.len().min(160) {
        for value in [0x01u8, 0x03, 0x7f] {
            let mut bytes = seed.clone();
            bytes[at] = value;
            std::fs::write(&file, &bytes).unwrap();
            if let Err(e) = load_file(&file) {
                refused_by_the_check += e.to_string().contains("counts more values than its column") as usize;
            }
        }
    }
    assert!(refused_by_the_check > 0, "no mutation reached the page check");
}

#[test]
fn timestamp_and_timeframe_cells() {
    let seeds: Vec<Vec<u8>> = [
        "2017-07-01T11:00:00Z",
        "2017-07-01 11:00:00",
        "2017-07-01 11:00",
        "2017-07-01T13:00:00+02:00",
        "1498906800",
        "1498906800000",
        "2017-07-01",
        "2019-10-17 09-AM",
        "1h",
        "15m",
        "1w",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    let mut r = runner(5_000);
    let res = r.run(&text_inputs(seeds), |input| {
        let s = input.text();
        bounded("timestamp/timeframe", &input.0, move || {
            if let Ok(ms) = parse_timestamp(&s) {
                let _ = fmt_ms(ms);
            }
            if let Ok(ms) = parse_timeframe(&s) {
                let _ = fmt_timeframe(ms);
            }
            let _ = parse_window(Some(&s), Some("2030-01-01"));
            let _ = parse_window(Some("1970-01-01"), Some(&s));
        });
        Ok(())
    });
    check("timestamp/timeframe", res);
}

//! Walk-forward: artifacts, bad input, and proof that no fold sees its test window while
//! choosing parameters.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::Ws;
use quantlab::engine::backtest::BacktestConfig;
use quantlab::engine::data::load::load_file;
use quantlab::engine::data::{synth, Bars};
use quantlab::engine::research::walkforward::compute;
use quantlab::engine::research::walkforward::folds::layout;
use quantlab::engine::strategy::{build, Params, Strategy};

#[test]
fn walkforward_writes_folds_and_stitched_results() {
    let ws = Ws::new();
    let id = ws.import_btc();
    let (code, v) = ws.json(&[
        "walkforward",
        "--data",
        &id,
        "--strategy",
        "sma_cross",
        "--grid",
        "fast=10:50:20",
        "--grid",
        "slow=100,200",
        "--train",
        "4000",
        "--test",
        "2000",
        "--fee-bps",
        "10",
    ]);
    assert_eq!(code, 0, "{v}");
    let r = &v["result"];
    assert_eq!(r["summary"]["folds"], 8);
    assert_eq!(r["folds"].as_array().unwrap().len(), 8);
    let f0 = &r["folds"][0];
    assert_eq!(f0["range"]["train_end"], f0["range"]["test_start"]);
    assert!(f0["in_sample"]["sharpe"].is_number() && f0["out_of_sample"]["sharpe"].is_number());
    assert!(r["summary"]["efficiency"].is_number());
    for a in r["artifacts"].as_array().unwrap() {
        assert!(ws.path().join(a.as_str().unwrap()).exists(), "{a} missing");
    }
    // Anchored folds all train from the first bar.
    let (code, v) = ws.json(&[
        "walkforward",
        "--data",
        &id,
        "--strategy",
        "sma_cross",
        "--grid",
        "fast=10,20",
        "--grid",
        "slow=100",
        "--train",
        "4000",
        "--test",
        "4000",
        "--anchored",
    ]);
    assert_eq!(code, 0, "{v}");
    assert!(v["result"]["folds"].as_array().unwrap().iter().all(|f| f["range"]["train_start"] == 0));
}

#[test]
fn a_train_window_longer_than_the_data_is_refused() {
    let ws = Ws::new();
    let id = ws.import_btc();
    let before = ws.snapshot();
    let (code, v) = ws.json(&[
        "walkforward",
        "--data",
        &id,
        "--strategy",
        "sma_cross",
        "--grid",
        "fast=10",
        "--train",
        "30000",
        "--test",
        "100",
    ]);
    assert_eq!(code, 2, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("--train"));
    assert_eq!(before, ws.snapshot());
}

/// Replace every bar from `from` on with an unrelated series: anything chosen before `from`
/// must not change.
fn poison(bars: &Bars, from: usize) -> Bars {
    let other = synth::random_walk(bars.len() - from, bars.ts[from], 3_600_000, 0.05, 99);
    let mut out = bars.slice(0, from);
    for i in 0..other.len() {
        let k = bars.close[from - 1] / 100.0;
        out.push(
            bars.ts[from + i],
            other.open[i] * k,
            other.high[i] * k,
            other.low[i] * k,
            other.close[i] * k,
            other.volume[i],
        );
    }
    out
}

#[test]
fn no_fold_sees_a_bar_of_its_test_window_while_choosing() {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/BTCUSD_1h.csv");
    let bars = load_file(&p).unwrap().bars.slice(0, 6000);
    let grid: Vec<(f64, f64)> =
        [5.0, 10.0, 20.0, 40.0].iter().flat_map(|&f| [50.0, 100.0, 150.0].map(|s| (f, s))).collect();
    let built: Vec<(Params, Box<dyn Strategy>)> = grid
        .iter()
        .map(|(f, s)| {
            let given: BTreeMap<String, String> =
                [("fast", f), ("slow", s)].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            build("sma_cross", &given).map(|(st, p)| (p, st)).unwrap()
        })
        .collect();
    let combos: Vec<(usize, &Params, &dyn Strategy)> =
        built.iter().enumerate().map(|(i, (p, s))| (i, p, s.as_ref())).collect();
    let cfg = BacktestConfig { fee_bps: 10.0, ..BacktestConfig::default() };
    let folds = layout(bars.len(), 1500, 1000, 1000, false).unwrap();
    let run = |b: &Bars| compute(b, &combos, &cfg, 8766.0, "sharpe", &folds, 2, &|_, _| {}).unwrap();
    let clean = run(&bars);
    assert!(clean.folds.len() >= 4);
    for (k, f) in folds.iter().enumerate() {
        let poisoned = run(&poison(&bars, f.test_start));
        assert_eq!(
            poisoned.folds[k].chosen, clean.folds[k].chosen,
            "fold {k} choice changed with its test window"
        );
        assert_eq!(
            poisoned.folds[k].in_sample, clean.folds[k].in_sample,
            "fold {k} in-sample metrics saw the test window"
        );
        // The poison is real: the out-of-sample result of that fold does change.
        assert_ne!(poisoned.folds[k].out_of_sample, clean.folds[k].out_of_sample);
    }
}

//! Walk-forward: artifacts, bad input, and proof that no fold sees its test window while
//! choosing parameters.

use crate::common;

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

/// Like runs and sweeps, a walk-forward carries a machine_contract: in walkforward.json, in
/// the --json output and at the top of a --json-request response.
#[test]
fn walkforward_has_a_machine_contract_in_report_and_response() {
    let ws = Ws::new();
    let data = common::fixture("BTCUSD_1h_head.csv");
    let (code, v) = ws.json(&[
        "walkforward",
        "--data",
        data.to_str().unwrap(),
        "--strategy",
        "sma_cross",
        "--grid",
        "fast=3,5",
        "--grid",
        "slow=10,20",
        "--train",
        "80",
        "--test",
        "40",
        "--objective",
        "total_return",
    ]);
    assert_eq!(code, 0, "{v}");
    let r = &v["result"];
    let mc = &r["machine_contract"];
    assert_eq!(mc["contract_version"], 1);
    assert_eq!(mc["wf_id"], r["wf_id"]);
    assert_eq!(mc["status"], "success");
    assert_eq!(mc["objective"], "total_return");
    assert_eq!(mc["folds"], 3);
    let chosen: Vec<&serde_json::Value> =
        r["folds"].as_array().unwrap().iter().map(|f| &f["chosen"]).collect();
    assert_eq!(mc["chosen_params"].as_array().unwrap().iter().collect::<Vec<_>>(), chosen);
    for k in ["mean_in_sample_objective", "mean_out_of_sample_objective", "efficiency", "degradation"] {
        assert_eq!(mc[k], r["summary"][k], "{k}");
    }
    assert_eq!(mc["headline"]["total_return"], r["out_of_sample"]["total_return"]);
    assert_eq!(mc["headline"]["sharpe"], r["out_of_sample"]["sharpe"]);
    assert_eq!(mc["artifacts"], r["artifacts"]);
    assert!(mc["error_code"].is_null() && mc["error_message"].is_null());
    let json = mc["artifacts"][0].as_str().unwrap();
    let stored: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ws.path().join(json)).unwrap()).unwrap();
    assert_eq!(stored["machine_contract"], *mc);

    let req = ws.path().join("wf.request.json");
    let doc = serde_json::json!({ "request_id": "wf-1", "command": "walkforward", "params": {
        "data": data, "strategy": "sma_cross", "grid": ["fast=3,5", "slow=10,20"],
        "train": 80, "test": 40, "objective": "total_return" } });
    std::fs::write(&req, doc.to_string()).unwrap();
    let out = ws.cmd().arg("--json-request").arg(&req).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let resp: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(resp["status"], "ok", "{resp}");
    assert_eq!(resp["machine_contract"], resp["result"]["machine_contract"]);
    assert_eq!(resp["machine_contract"]["folds"], 3);
    assert_eq!(resp["machine_contract"]["chosen_params"], mc["chosen_params"]);
}

/// Runs report progress, reachable without the console: a sweep says its total before the
/// first combination and then each one done, a walk-forward each fold, into the engine's
/// tracker as any client reads it.
#[test]
fn a_sweep_and_a_walkforward_report_progress_from_nothing_to_all() {
    use quantlab::engine::research::{Eta, ProgressTracker, SweepRequest, WalkForwardRequest};
    use quantlab::engine::workspace::Workspace;
    use quantlab::engine::Engine;
    use std::sync::Mutex;

    let ws = Ws::new();
    let id = ws.import_btc();
    let engine = Engine::open(Workspace::at(ws.path()));
    let sweep = SweepRequest {
        data: id,
        strategy: "sma_cross".into(),
        grid: vec!["fast=10,20,30".into(), "slow=100,200".into()],
        objective: "sharpe".into(),
        jobs: Some(2),
        ..SweepRequest::default()
    };
    let seen = Mutex::new(Vec::new());
    let tracker = ProgressTracker::new();
    tracker.begin("sweep sma_cross");
    let report = |done: usize, total: usize| {
        tracker.report(done, total);
        seen.lock().unwrap().push((done, total));
    };
    engine.research().sweep(&sweep, &report).unwrap();
    let mut calls = std::mem::take(&mut *seen.lock().unwrap());
    assert_eq!(calls.first(), Some(&(0, 6)), "the total before any combination: {calls:?}");
    calls.sort();
    assert_eq!(calls, (0..=6).map(|d| (d, 6)).collect::<Vec<_>>(), "then each combination once");
    let v = tracker.view().unwrap();
    assert_eq!((v.what.as_str(), v.done, v.total, v.percent()), ("sweep sma_cross", 6, Some(6), Some(100)));
    assert_eq!(v.eta(std::time::Instant::now()), Eta::Done);

    let walk = WalkForwardRequest { sweep, train: 4000, test: 4000, step: None, anchored: false };
    tracker.begin("walk-forward sma_cross");
    engine.research().walkforward(&walk, &report).unwrap();
    let calls = std::mem::take(&mut *seen.lock().unwrap());
    assert_eq!(calls, [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)], "fold by fold, in order");
    let v = tracker.view().unwrap();
    assert_eq!((v.what.as_str(), v.done, v.total), ("walk-forward sma_cross", 4, Some(4)));
}

//! `quantlab run` and `quantlab runs ...` end to end on the bundled data.

use crate::common;

use common::{sample, Ws};
use serde_json::Value;

fn run(ws: &Ws, data: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["run", "--data", data];
    args.extend_from_slice(extra);
    ws.json(&args)
}

#[test]
fn end_to_end_run_writes_every_artifact_and_indexes_it() {
    let ws = Ws::new();
    let id = ws.import_btc();
    let (code, v) = run(
        &ws,
        &id,
        &["--strategy", "sma_cross", "--param", "fast=20", "--param", "slow=100", "--fee-bps", "10"],
    );
    assert_eq!(code, 0, "{v}");
    let r = &v["result"];
    assert_eq!(r["schema"], "quantlab.run_report");
    assert_eq!(r["schema_version"], 1);
    assert_eq!(r["status"], "success");
    assert_eq!(r["config"]["params"]["fast"], 20.0);
    assert_eq!(r["config"]["cash"], 10000.0);
    assert_eq!(r["config"]["fill"], "next-open");
    assert_eq!(r["data"]["id"], id.as_str());
    assert_eq!(r["data"]["rows"], 20111);
    assert_eq!(r["data"]["fingerprint"].as_str().unwrap().len(), 64);
    assert!(r["metrics"]["trade_count"].as_u64().unwrap() > 10);
    assert_eq!(r["trades_hash"].as_str().unwrap().len(), 64);
    let mc = &r["machine_contract"];
    assert_eq!(mc["contract_version"], 1);
    assert_eq!(mc["status"], "success");
    assert_eq!(mc["run_id"], r["run_id"]);
    assert!(mc["headline"]["sharpe"].is_number());
    let run_id = r["run_id"].as_str().unwrap();
    assert!(run_id.starts_with("run_"));
    for f in ["report.json", "report.md", "trades.csv", "equity.parquet"] {
        assert!(ws.path().join("runs").join(run_id).join(f).exists(), "{f} missing");
    }
    for ext in ["json", "csv", "md"] {
        let ix = std::fs::read_to_string(ws.path().join(format!("runs_index.{ext}"))).unwrap();
        assert!(ix.contains(run_id), "runs_index.{ext} lacks the run");
    }
    // trades.csv has a header and one row per trade.
    let trades = std::fs::read_to_string(ws.path().join("runs").join(run_id).join("trades.csv")).unwrap();
    let n = r["metrics"]["trade_count"].as_u64().unwrap() + r["metrics"]["open_trades"].as_u64().unwrap();
    assert_eq!(trades.lines().count() as u64, n + 1);
}

#[test]
fn same_inputs_give_byte_identical_trades() {
    let ws = Ws::new();
    let data = sample("AAPL.csv");
    let args = ["--strategy", "macd_cross", "--fee-bps", "5", "--slippage-bps", "2", "--allow-short"];
    let (_, a) = run(&ws, data.to_str().unwrap(), &args);
    let (_, b) = run(&ws, data.to_str().unwrap(), &args);
    let (ra, rb) = (&a["result"], &b["result"]);
    assert_ne!(ra["run_id"], rb["run_id"]);
    assert_eq!(ra["trades_hash"], rb["trades_hash"]);
    let read =
        |r: &Value| std::fs::read(ws.path().join(r["artifacts"]["trades_csv"].as_str().unwrap())).unwrap();
    assert_eq!(read(ra), read(rb));
    assert!(read(ra).len() > 100);
}

#[test]
fn bad_strategy_or_parameter_is_exit_2_and_writes_nothing() {
    let ws = Ws::new();
    let id = ws.import_btc();
    let before = ws.snapshot();
    let (code, v) = run(&ws, &id, &["--strategy", "nope"]);
    assert_eq!(code, 2);
    assert!(v["error"]["message"].as_str().unwrap().contains("sma_cross"), "{v}");
    let (code, v) = run(&ws, &id, &["--strategy", "sma_cross", "--param", "fats=3"]);
    assert_eq!(code, 2);
    assert!(v["error"]["message"].as_str().unwrap().contains("valid: fast, slow"), "{v}");
    let (code, _) = run(&ws, &id, &["--strategy", "sma_cross", "--param", "fast=50", "--param", "slow=10"]);
    assert_eq!(code, 2);
    let (code, _) = run(&ws, &id, &["--strategy", "sma_cross", "--sizing", "qty:-1"]);
    assert_eq!(code, 2);
    let (code, _) = run(&ws, &id, &["--strategy", "sma_cross", "--fee-bps", "-1"]);
    assert_eq!(code, 2);
    let (code, _) = run(&ws, "no_such_dataset", &["--strategy", "sma_cross"]);
    assert_eq!(code, 5);
    let bad = common::fixture("bad/nan_price.csv");
    let (code, v) = run(&ws, bad.to_str().unwrap(), &["--strategy", "sma_cross"]);
    assert_eq!(code, 2);
    assert!(v["error"]["message"].as_str().unwrap().contains("row 6"), "{v}");
    assert_eq!(before, ws.snapshot());
}

#[test]
fn a_run_that_fails_still_writes_its_report() {
    let ws = Ws::new();
    let id = ws.import_btc();
    let (code, v) = run(&ws, &id, &["--strategy", "buy_and_hold", "--start", "2030-01-01"]);
    assert_eq!(code, 2, "{v}");
    let msg = v["error"]["message"].as_str().unwrap();
    let run_id = msg.split_whitespace().nth(1).unwrap();
    let report: Value = serde_json::from_slice(
        &std::fs::read(ws.path().join("runs").join(run_id).join("report.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(report["status"], "failed");
    assert_eq!(report["error"]["code"], "bad_input");
    assert_eq!(report["machine_contract"]["status"], "failed");
    assert!(report["machine_contract"]["error_message"].as_str().unwrap().contains("no bars"));
    // The --json error document points at the recorded run too.
    assert_eq!(v["machine_contract"], report["machine_contract"]);
    let (_, list) = ws.json(&["runs", "list", "--filter", "status=failed"]);
    assert_eq!(list["result"]["count"], 1);
}

#[test]
fn list_sort_filter_show_compare_and_rebuild() {
    let ws = Ws::new();
    let id = ws.import_btc();
    let mut ids = Vec::new();
    for (fast, slow) in [(10, 50), (20, 100), (50, 200)] {
        let (code, v) = run(
            &ws,
            &id,
            &[
                "--strategy",
                "sma_cross",
                "--param",
                &format!("fast={fast}"),
                "--param",
                &format!("slow={slow}"),
            ],
        );
        assert_eq!(code, 0, "{v}");
        ids.push(v["result"]["run_id"].as_str().unwrap().to_string());
    }
    let (code, v) = run(&ws, &id, &["--strategy", "buy_and_hold", "--label", "baseline"]);
    assert_eq!(code, 0, "{v}");

    let (_, all) = ws.json(&["runs", "list", "--sort", "sharpe", "--desc"]);
    let runs = all["result"]["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 4);
    let sharpes: Vec<f64> = runs.iter().map(|r| r["metrics"]["sharpe"].as_f64().unwrap()).collect();
    assert!(sharpes.windows(2).all(|w| w[0] >= w[1]), "{sharpes:?}");

    let (_, f) = ws.json(&["runs", "list", "--filter", "strategy=sma_cross", "--limit", "2"]);
    assert_eq!(f["result"]["count"], 2);
    let (_, f) = ws.json(&["runs", "list", "--filter", "label~base"]);
    assert_eq!(f["result"]["count"], 1);
    let (code, _) = ws.json(&["runs", "list", "--sort", "bogus"]);
    assert_eq!(code, 2);

    let (code, show) = ws.json(&["runs", "show", &ids[0]]);
    assert_eq!(code, 0);
    assert_eq!(show["result"]["run_id"], ids[0].as_str());
    let (code, _) = ws.json(&["runs", "show", "run_19990101T000000Z_deadbeef"]);
    assert_eq!(code, 5);
    // The console's short id (the hash's first digits) finds the run too; a prefix shared by
    // two runs is ambiguous (exit 2), never one of them.
    let hash = ids[0].rsplit_once('_').unwrap().1;
    let (code, show) = ws.json(&["runs", "show", &hash[..6]]);
    assert_eq!((code, &show["result"]["run_id"]), (0, &serde_json::json!(ids[0])), "{show}");
    let (code, shown) = ws.json(&["runs", "show", ""]);
    assert_eq!(code, 2, "an empty id matches every run: {shown}");

    let (code, cmp) = ws.json(&["runs", "compare", &ids[0], &ids[1]]);
    assert_eq!(code, 0, "{cmp}");
    let diff = &cmp["result"]["config_diff"];
    assert_eq!(diff["params.fast"], serde_json::json!([10.0, 20.0]));
    assert!(diff.get("strategy").is_none());
    assert_eq!(cmp["result"]["metrics"]["sharpe"].as_array().unwrap().len(), 2);

    // Corrupt one run folder and drop the index: the rebuild reports and skips it.
    std::fs::write(ws.path().join("runs").join(&ids[2]).join("report.json"), b"{ not json").unwrap();
    std::fs::remove_file(ws.path().join("runs_index.json")).unwrap();
    let (code, rb) = ws.json(&["runs", "rebuild-index"]);
    assert_eq!(code, 0, "{rb}");
    assert_eq!(rb["result"]["indexed"], 3);
    let skipped = rb["result"]["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0]["folder"], ids[2].as_str());
    let (_, all) = ws.json(&["runs", "list"]);
    assert_eq!(all["result"]["count"], 3);
}

#[test]
fn version_and_check_speak_json() {
    let ws = Ws::new();
    let (code, v) = ws.json(&["--version"]);
    assert_eq!(code, 0);
    assert_eq!(v["result"]["contract_version"], 1);
    assert!(v["result"]["git_commit"].is_string());
    let (code, c) = ws.json(&["check"]);
    let checks = c["result"]["checks"].as_array().unwrap();
    let names: Vec<&str> = checks.iter().map(|l| l["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["workspace", "data", "config", "policy", "journals", "runs", "tempfiles", "keyring"]);
    let all_ok = checks.iter().all(|l| l["ok"] == true);
    assert_eq!(code == 0, all_ok, "exit 0 only if every check passes: {c}");
    for l in checks.iter().filter(|l| l["ok"] == false) {
        assert!(l["hint"].is_string(), "a failed check says how to fix it: {l}");
    }
    // A config that does not parse fails its line.
    std::fs::write(ws.path().join("quantlab.toml"), "[research]\ncash = \"lots\"\n").unwrap();
    let (code, c) = ws.json(&["--check"]);
    assert_eq!(code, 1);
    assert_eq!(c["result"]["checks"][2]["ok"], false);
}

#[test]
fn no_subcommand_without_a_terminal_is_a_usage_error() {
    let ws = Ws::new();
    let out = ws.cmd().output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let msg = v["error"]["message"].as_str().unwrap();
    for sub in ["run", "sweep", "paper", "pretrade", "intent", "kill", "demo"] {
        assert!(msg.contains(&format!(" {sub},")) || msg.contains(&format!(" {sub} ")), "{sub} in: {msg}");
    }
}

#[test]
fn strategies_lists_every_builtin_with_defaults() {
    let ws = Ws::new();
    let (code, v) = ws.json(&["strategies"]);
    assert_eq!(code, 0);
    let names: Vec<&str> =
        v["result"]["strategies"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "buy_and_hold",
            "sma_cross",
            "ema_cross",
            "rsi_reversion",
            "bollinger_reversion",
            "donchian_breakout",
            "macd_cross"
        ]
    );
}

/// The demo builds once (datasets, runs of several strategies, a sweep, a walk-forward, a
/// portfolio, a completed paper session, signals of every decision) and a second call reuses it
/// untouched.
#[test]
fn demo_builds_once_then_reuses_its_workspace() {
    let ws = Ws::new();
    let (code, v) = ws.json(&["demo", "--no-console"]);
    assert_eq!(code, 0, "{v}");
    let r = &v["result"];
    assert_eq!(r["existing"], false);
    let m = &r["manifest"];
    assert_eq!(m["datasets"].as_array().unwrap().len(), 6);
    assert_eq!(m["runs"].as_array().unwrap().len(), 7);
    for k in ["sweep", "walkforward", "portfolio", "paper"] {
        assert!(m[k].as_str().is_some_and(|s| !s.is_empty()), "{k}: {m}");
    }
    let (_, list) = ws.json(&["runs", "list"]);
    let strategies: std::collections::BTreeSet<String> = list["result"]["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["strategy"].as_str().unwrap().to_string())
        .collect();
    assert!(strategies.len() >= 7, "{strategies:?}");
    let (_, p) = ws.json(&["paper", "status", m["paper"].as_str().unwrap()]);
    assert_eq!(p["result"]["status"], "completed", "{p}");
    assert_eq!(m["signals"].as_array().unwrap().len(), 5, "{m}");
    let (_, s) = ws.json(&["signals", "list"]);
    let decisions: std::collections::BTreeSet<String> = s["result"]["signals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["decision"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(decisions.len(), 3, "test, needs_data and ignore: {s}");
    assert!(s["result"]["signals"][0]["verdict"].is_string(), "the high-priority one is researched: {s}");
    let before = ws.snapshot();
    let (code, again) = ws.json(&["demo", "--no-console"]);
    assert_eq!(code, 0);
    assert_eq!(again["result"]["existing"], true);
    assert_eq!(again["result"]["manifest"], *m);
    assert_eq!(ws.snapshot(), before, "a second demo changes nothing");
}

/// QUANTLAB_WORKSPACE picks the workspace when --workspace is absent (nothing lands in
/// ./outputs), and --workspace still wins over it.
#[test]
fn workspace_env_var_chooses_the_workspace() {
    let (env_ws, flag_ws, cwd) = (Ws::new(), Ws::new(), Ws::new());
    let import = |extra: &[&std::ffi::OsStr]| {
        let mut c = assert_cmd::Command::cargo_bin("quantlab").unwrap();
        c.current_dir(cwd.path()).env("QUANTLAB_WORKSPACE", env_ws.path()).args(extra).args([
            "--json",
            "data",
            "import",
            common::fixture("BTCUSD_1h_head.csv").to_str().unwrap(),
            "--symbol",
            "BTCUSD",
            "--timeframe",
            "1h",
        ]);
        let out = c.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["result"]["dataset"]["id"].as_str().unwrap().to_string()
    };
    let id = import(&[]);
    assert!(env_ws.path().join("data").join(&id).join("bars.parquet").exists());
    assert!(!cwd.path().join("outputs").exists(), "the default workspace was used");

    let id = import(&["--workspace".as_ref(), flag_ws.path().as_os_str()]);
    assert!(flag_ws.path().join("data").join(&id).join("bars.parquet").exists());
    let (_, list) = env_ws.json(&["data", "list"]);
    assert_eq!(list["result"]["datasets"].as_array().unwrap().len(), 1, "the flag did not win: {list}");
}

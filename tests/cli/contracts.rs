//! Real outputs validated against the JSON Schemas in docs/contracts/.

use crate::common;

use common::Ws;
use serde_json::Value;

fn schema(name: &str) -> jsonschema::Validator {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/contracts").join(name);
    let s: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    jsonschema::validator_for(&s).unwrap_or_else(|e| panic!("{name} is not a valid schema: {e}"))
}

fn assert_valid(name: &str, doc: &Value) {
    let v = schema(name);
    let errors: Vec<String> = v.iter_errors(doc).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}\n{doc:#}");
}

fn read(ws: &Ws, rel: &str) -> Value {
    serde_json::from_slice(&std::fs::read(ws.path().join(rel)).unwrap()).unwrap()
}

#[test]
fn artifacts_match_their_schemas() {
    let ws = Ws::new();
    let id = ws.import_btc();
    assert_valid("dataset.schema.json", &read(&ws, &format!("data/{id}/dataset.json")));

    let (code, ok) = ws.json(&["run", "--data", &id, "--strategy", "rsi_reversion", "--allow-short"]);
    assert_eq!(code, 0, "{ok}");
    let rel = ok["result"]["artifacts"]["report_json"].as_str().unwrap();
    assert_valid("run_report.schema.json", &read(&ws, rel));

    let (code, _) = ws.json(&["run", "--data", &id, "--strategy", "buy_and_hold", "--end", "2001-01-01"]);
    assert_eq!(code, 2);
    let index = read(&ws, "runs_index.json");
    assert_valid("runs_index.schema.json", &index);
    let failed = index["runs"].as_array().unwrap().iter().find(|r| r["status"] == "failed").unwrap();
    assert_valid(
        "run_report.schema.json",
        &read(&ws, &format!("runs/{}/report.json", failed["run_id"].as_str().unwrap())),
    );

    let (code, sw) = ws.json(&[
        "sweep",
        "--data",
        &id,
        "--strategy",
        "sma_cross",
        "--grid",
        "fast=10,20",
        "--grid",
        "slow=50,100",
        "--progress",
        "none",
    ]);
    assert_eq!(code, 0, "{sw}");
    assert_valid("sweep.schema.json", &read(&ws, sw["result"]["artifacts"]["sweep_json"].as_str().unwrap()));

    let (_, check) = ws.json(&["check"]);
    assert_valid("check.schema.json", &check["result"]);
}

/// A shard's manifest, and the shard's response with its `resume`, against their schemas; the
/// manifest schema refuses a file outside the shard's folder and a manifest without sweep.json.
#[test]
fn a_shard_manifest_matches_its_schema() {
    let ws = Ws::new();
    let id = ws.import_btc();
    let args =
        ["sweep", "--data", &id, "--strategy", "sma_cross", "--grid", "fast=10,20", "--grid", "slow=50,100"];
    let (code, sw) = ws.json(&[&args[..], &["--progress", "none", "--shard", "1/2"]].concat());
    assert_eq!(code, 0, "{sw}");
    assert_valid("sweep.schema.json", &sw["result"]);
    let manifest = read(&ws, sw["result"]["resume"]["manifest"].as_str().unwrap());
    assert_valid("shard_manifest.schema.json", &manifest);
    let mut outside = manifest.clone();
    outside["files"][1]["name"] = "../results.csv".into();
    assert!(!schema("shard_manifest.schema.json").is_valid(&outside));
    let mut no_sweep = manifest.clone();
    no_sweep["files"].as_array_mut().unwrap().remove(0);
    assert!(!schema("shard_manifest.schema.json").is_valid(&no_sweep));
}

#[test]
fn schemas_reject_a_broken_report() {
    // The contract test must be able to fail: a report without its machine contract is invalid.
    let ws = Ws::new();
    let id = ws.import_btc();
    let (_, ok) = ws.json(&["run", "--data", &id, "--strategy", "buy_and_hold"]);
    let mut report = read(&ws, ok["result"]["artifacts"]["report_json"].as_str().unwrap());
    report.as_object_mut().unwrap().remove("machine_contract");
    assert!(!schema("run_report.schema.json").is_valid(&report));
}

/// The safety boundary's artifacts: intents, preflights (with their context), every journal
/// entry of a session that submits, fills, kills and reconciles, and a promotion report.
#[test]
fn execution_artifacts_match_their_schemas() {
    let ws = Ws::new();
    assert_eq!(ws.json(&["policy", "init"]).0, 0);
    let new = |qty: &str, kind: &str| {
        let mut args = vec![
            "intent",
            "new",
            "--venue",
            "fake",
            "--account",
            "main",
            "--symbol",
            "BTC/USD",
            "--side",
            "buy",
            "--qty",
            qty,
            "--type",
            kind,
        ];
        if kind == "limit" {
            args.extend(["--price", "49900"]);
        }
        let (code, v) = ws.json(&args);
        assert_eq!(code, 0, "{v}");
        assert_valid("execution_intent.schema.json", &v["result"]);
        v["result"]["id"].as_str().unwrap().to_string()
    };
    let a = new("0.002", "limit");
    let (_, pf) = ws.json(&["preflight", &a]);
    assert_valid("execution_preflight.schema.json", &pf["result"]);
    assert_eq!(ws.json(&["submit", &a, "--dry-run"]).0, 0);
    assert_eq!(ws.json(&["submit", &a]).0, 0);
    let b = new("0.001", "market");
    assert_eq!(ws.json(&["submit", &b]).0, 0);
    let (_, refused) = ws.json(&["preflight", &new("0.5", "limit")]);
    assert_valid("execution_preflight.schema.json", &refused["result"]);
    assert_eq!(ws.json(&["kill"]).0, 0);
    assert_eq!(ws.json(&["rearm"]).0, 0);
    assert_eq!(ws.json(&["reconcile", "--venue", "fake", "--account", "main"]).0, 0);
    let text = std::fs::read_to_string(ws.path().join("corridors/fake/main/journal.jsonl")).unwrap();
    let mut kinds = std::collections::BTreeSet::new();
    for line in text.lines() {
        let e: Value = serde_json::from_str(line).unwrap();
        kinds.insert(e["event"]["kind"].as_str().unwrap().to_string());
        assert_valid("journal_entry.schema.json", &e);
    }
    assert!(kinds.len() >= 10, "{kinds:?}");
    let (_, promo) = ws.json(&["promote", "check", "--venue", "fake", "--account", "main"]);
    assert_valid("promotion_report.schema.json", &promo["result"]);
}

/// Pre-trade plans, spot and perpetual, valid and rejected.
#[test]
fn pretrade_plans_match_their_schema() {
    let ws = Ws::new();
    assert_eq!(ws.json(&["policy", "init"]).0, 0);
    let base = [
        "pretrade",
        "plan",
        "--venue",
        "fake",
        "--symbol",
        "BTC/USD",
        "--side",
        "sell",
        "--entry",
        "50000",
        "--stop",
        "50500",
        "--target",
        "49000:60",
        "--equity",
        "1000",
        "--risk-cash",
        "5",
        "--fee-bps",
        "5",
    ];
    for extra in [&[][..], &["--perp", "--leverage", "2"][..], &["--perp", "--leverage", "25"][..]] {
        let args: Vec<&str> = base.iter().chain(extra.iter()).copied().collect();
        let (_, v) = ws.json(&args);
        assert_valid("pretrade_plan.schema.json", &v["result"]);
        let id = v["result"]["id"].as_str().unwrap();
        assert_valid("pretrade_plan.schema.json", &read(&ws, &format!("pretrade_sessions/{id}/plan.json")));
    }
}

/// Paper sessions: session.json, the sessions index, health.json, every line of orders.jsonl,
/// fills.jsonl and the --signal-out file, and `paper list` / `paper status`, from two short
/// replays of the 200-bar fixture: long-only with next-open fills and costs, then long-short
/// with close fills, a start date, a drawdown limit, fixed sizing and a name (so the nullable
/// config fields are seen both null and set).
#[test]
fn paper_artifacts_match_their_schemas() {
    let ws = Ws::new();
    let file = common::fixture("BTCUSD_1h_head.csv");
    let (code, v) =
        ws.json(&["data", "import", file.to_str().unwrap(), "--symbol", "BTCUSD", "--timeframe", "1h"]);
    assert_eq!(code, 0, "{v}");
    let data = v["result"]["dataset"]["id"].as_str().unwrap().to_string();
    let feed = format!("replay:{data}");
    let signals = ws.path().join("signals.jsonl");
    let signals = signals.to_str().unwrap();
    let lines = |rel: &str| -> Vec<Value> {
        let text = std::fs::read_to_string(ws.path().join(rel)).unwrap_or_default();
        text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{rel}: {e}: {l}"))).collect()
    };
    let variants: [&[&str]; 2] = [
        &["--fee-bps", "10", "--slippage-bps", "3"],
        &[
            "--allow-short",
            "--fill",
            "close",
            "--sizing",
            "qty:0.5",
            "--close-at-end",
            "--start",
            "2017-07-03",
            "--max-drawdown",
            "50",
            "--name",
            "contract_b",
        ],
    ];
    let mut ids = Vec::new();
    for extra in variants {
        let mut args = vec!["--foreground", "--signal-out", signals];
        args.extend(extra);
        let (code, v) = ws.paper_start(&feed, &args);
        assert_eq!(code, 0, "{v}");
        assert_eq!(v["result"]["status"], "completed", "{v}");
        assert_valid("paper_session.schema.json", &v["result"]);
        let id = v["result"]["id"].as_str().unwrap().to_string();

        let dir = format!("paper_sessions/{id}");
        let session = read(&ws, &format!("{dir}/session.json"));
        assert_valid("paper_session.schema.json", &session);
        let health = read(&ws, &format!("{dir}/health.json"));
        assert_valid("paper_health.schema.json", &health);
        assert_eq!(health["status"], "completed", "{health}");
        let orders = lines(&format!("{dir}/orders.jsonl"));
        let fills = lines(&format!("{dir}/fills.jsonl"));
        assert!(orders.len() > 2 && fills.len() > 2, "{id}: too few orders or fills to prove anything");
        for o in &orders {
            assert_valid("paper_order.schema.json", o);
        }
        for f in &fills {
            assert_valid("paper_fill.schema.json", f);
        }
        let equity = std::fs::read_to_string(ws.path().join(format!("{dir}/equity.csv"))).unwrap();
        assert_eq!(equity.lines().next(), Some("bar,time,close,equity,position"));
        if id == "contract_b" {
            assert_eq!(session["config"]["from"], "2017-07-03");
            assert_eq!(session["config"]["max_drawdown_pct"], 50.0);
            assert_eq!(session["config"]["backtest"]["sizing"]["kind"], "qty");
            assert!(orders.iter().any(|o| o["to"] == -1), "no short order: {orders:?}");
        } else {
            assert!(session["config"]["from"].is_null() && session["config"]["max_drawdown_pct"].is_null());
        }
        let (code, st) = ws.json(&["paper", "status", &id]);
        assert_eq!(code, 0, "{st}");
        assert_valid("paper_session.schema.json", &st["result"]);
        ids.push(id);
    }

    let index = read(&ws, "paper_sessions/index.json");
    assert_valid("paper_index.schema.json", &index);
    assert_eq!(index["sessions"].as_array().unwrap().len(), 2, "{index}");

    let sig = lines("signals.jsonl");
    assert!(!sig.is_empty(), "no signal lines");
    for s in &sig {
        assert_valid("paper_signal.schema.json", s);
    }
    for id in &ids {
        assert!(sig.iter().any(|s| s["session"] == id.as_str()), "no signal from {id}");
    }

    let (code, list) = ws.json(&["paper", "list"]);
    assert_eq!(code, 0, "{list}");
    assert_eq!(list["result"]["count"], 2);
    for s in list["result"]["sessions"].as_array().unwrap() {
        assert_valid("paper_session.schema.json", s);
    }

    // The schemas can fail: an unknown status, a renamed field, a failed session without its
    // reason, a schema field on an order line.
    let good = read(&ws, &format!("paper_sessions/{}/session.json", ids[0]));
    let session = schema("paper_session.schema.json");
    let mut bad = good.clone();
    bad["status"] = "sleeping".into();
    assert!(!session.is_valid(&bad), "status sleeping accepted");
    let mut bad = good.clone();
    let o = bad.as_object_mut().unwrap();
    let v = o.remove("bars_processed").unwrap();
    o.insert("bars".into(), v);
    assert!(!session.is_valid(&bad), "bars_processed renamed, accepted");
    let mut bad = good.clone();
    bad["status"] = "failed".into();
    assert!(!session.is_valid(&bad), "a failed session without a reason accepted");
    let mut health = read(&ws, &format!("paper_sessions/{}/health.json", ids[0]));
    let h = health.as_object_mut().unwrap();
    let v = h.remove("last_bar_time").unwrap();
    h.insert("last_bar".into(), v);
    assert!(!schema("paper_health.schema.json").is_valid(&health), "last_bar_time renamed, accepted");
    let mut order = lines(&format!("paper_sessions/{}/orders.jsonl", ids[0])).remove(0);
    order["schema"] = "quantlab.paper_order".into();
    assert!(!schema("paper_order.schema.json").is_valid(&order), "an extra field accepted");
}

/// Research signals: the stored signal, its triage, the intake report and a verdict (the
/// latest and its own file), as written by a real intake and research on the bundled data.
#[test]
fn signal_artifacts_match_their_schemas() {
    let ws = Ws::new();
    let (code, v) = ws.json(&[
        "data",
        "import",
        common::sample("GOOG.csv").to_str().unwrap(),
        "--symbol",
        "GOOG",
        "--timeframe",
        "1d",
    ]);
    assert_eq!(code, 0, "{v}");
    let created = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let example = std::fs::read_to_string(common::fixture("signals/trend_goog.json")).unwrap();
    let mut doc: Value = serde_json::from_str(&example).unwrap();
    doc["created_at"] = created.into();
    let batch = [doc.to_string(), std::fs::read_to_string(common::fixture("signals/batch.jsonl")).unwrap()]
        .join("\n");
    let file = ws.path().join("in.jsonl");
    std::fs::write(&file, batch).unwrap();
    let (code, v) = ws.json(&["signals", "intake", file.to_str().unwrap()]);
    assert_eq!(code, 2, "the batch's bad line: {v}");
    assert_valid("signal_intake.schema.json", &v["result"]);
    assert_valid(
        "signal_intake.schema.json",
        &read(&ws, v["result"]["machine_contract"]["report_json"].as_str().unwrap()),
    );
    for e in v["result"]["signals"].as_array().unwrap().iter().filter(|e| e["status"] == "accepted") {
        let id = e["signal_id"].as_str().unwrap();
        assert_valid("research_signal.schema.json", &read(&ws, &format!("signals/{id}/signal.json")));
        assert_valid("signal_triage.schema.json", &read(&ws, &format!("signals/{id}/triage.json")));
    }
    let id = doc["signal_id"].as_str().unwrap();
    let (code, v) = ws.json(&["signals", "research", id]);
    assert_eq!(code, 0, "{v}");
    let verdict = read(&ws, &format!("signals/{id}/verdict.json"));
    assert_valid("signal_verdict.schema.json", &verdict);
    let own = format!("signals/{id}/verdicts/{}.json", verdict["verdict_id"].as_str().unwrap());
    assert_valid("signal_verdict.schema.json", &read(&ws, &own));

    // The schemas can fail: a verdict without its machine contract, a decision not in the
    // contract, a stored signal with a field the contract does not have.
    let mut bad = verdict.clone();
    bad.as_object_mut().unwrap().remove("machine_contract");
    assert!(!schema("signal_verdict.schema.json").is_valid(&bad));
    let mut bad = read(&ws, &format!("signals/{id}/triage.json"));
    bad["decision"] = "maybe".into();
    assert!(!schema("signal_triage.schema.json").is_valid(&bad));
    let mut bad = read(&ws, &format!("signals/{id}/signal.json"));
    bad["note"] = "extra".into();
    assert!(!schema("research_signal.schema.json").is_valid(&bad));
}

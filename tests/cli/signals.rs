//! Research signal intake end to end through the binary: the contract and its schema, bad
//! input refused by field with nothing written, batches that keep their good signals, each
//! triage rule, a signal researched to a verdict on the bundled data, and the machine contract.

use crate::common;

use std::path::{Path, PathBuf};

use common::{fixture, sample, Ws};
use serde_json::{json, Value};

fn schema(name: &str) -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/contracts").join(name);
    let s: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    jsonschema::validator_for(&s).unwrap_or_else(|e| panic!("{name} is not a valid schema: {e}"))
}

fn assert_valid(name: &str, doc: &Value) {
    let v = schema(name);
    let errors: Vec<String> = v.iter_errors(doc).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}\n{doc:#}");
}

fn read(ws: &Ws, rel: &str) -> Value {
    serde_json::from_slice(&std::fs::read(ws.path().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}")))
        .unwrap()
}

/// RFC 3339 for `hours` ago, so horizons are measured from a recent creation.
fn hours_ago(hours: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::hours(hours)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A valid trend signal on GOOG, with `edit`'s fields replacing (or, null, removing) its own.
fn signal(id: &str, edit: Value) -> Value {
    let mut v = json!({
        "signal_id": id,
        "source": "quant-pulse",
        "created_at": hours_ago(2),
        "signal_summary": "GOOG trends after breaking out",
        "priority": "normal",
        "affected_universe": ["GOOG"],
        "bias": "long",
        "horizon": "3m",
        "hypothesis_type": "trend",
        "validation_goal": "sharpe > 0.3",
        "invalidation_condition": "max_drawdown > 90%",
        "suggested_strategies": [{"strategy": "sma_cross", "param_ranges": {"fast": [10, 20], "slow": [50, 100]}}]
    });
    for (k, x) in edit.as_object().unwrap() {
        if x.is_null() {
            v.as_object_mut().unwrap().remove(k);
        } else {
            v[k] = x.clone();
        }
    }
    v
}

fn write(ws: &Ws, name: &str, text: &str) -> PathBuf {
    let p = ws.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn intake(ws: &Ws, docs: &[Value]) -> (i32, Value) {
    let text: Vec<String> = docs.iter().map(|d| d.to_string()).collect();
    let p = write(ws, "in.jsonl", &(text.join("\n") + "\n"));
    ws.json(&["signals", "intake", p.to_str().unwrap()])
}

fn import(ws: &Ws, file: &str, symbol: &str) {
    let (code, v) =
        ws.json(&["data", "import", sample(file).to_str().unwrap(), "--symbol", symbol, "--timeframe", "1d"]);
    assert_eq!(code, 0, "{v}");
}

fn decision(ws: &Ws, id: &str) -> (String, String) {
    let (code, v) = ws.json(&["signals", "show", id]);
    assert_eq!(code, 0, "{v}");
    let t = &v["result"]["triage"];
    (t["decision"].as_str().unwrap().to_string(), t["reason"].as_str().unwrap().to_string())
}

#[test]
fn the_schema_accepts_the_examples_and_refuses_what_intake_refuses() {
    let s = schema("research_signal.schema.json");
    let example: Value =
        serde_json::from_slice(&std::fs::read(fixture("signals/trend_goog.json")).unwrap()).unwrap();
    assert_valid("research_signal.schema.json", &example);
    let batch = std::fs::read_to_string(fixture("signals/batch.jsonl")).unwrap();
    let lines: Vec<Value> = batch.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let valid: Vec<bool> = lines.iter().map(|l| s.is_valid(l)).collect();
    assert_eq!(valid, [true, true, false, true], "line 3 has an unknown hypothesis type");
    let bad: Value =
        serde_json::from_slice(&std::fs::read(fixture("signals/bad_horizon.json")).unwrap()).unwrap();
    assert!(!s.is_valid(&bad));
    // What the schema refuses, intake refuses too, naming the same field.
    let ws = Ws::new();
    for (edit, field) in [
        (json!({"hypothesis_type": "momentum"}), "hypothesis_type"),
        (json!({"affected_universe": []}), "affected_universe"),
        (json!({"horizon": "5 days"}), "horizon"),
        (json!({"priority": null}), "priority"),
        (json!({"priority": "urgent"}), "priority"),
        (json!({"colour": "red"}), "colour"),
        (json!({"signal_id": "../escape"}), "signal_id"),
        (json!({"created_at": "2026-01-05"}), "created_at"),
        (json!({"suggested_strategies": [{"strategy": "buy_and_hold"}]}), "suggested_strategies[0].strategy"),
    ] {
        let doc = signal("s", edit.clone());
        assert!(!s.is_valid(&doc), "the schema accepts {edit}");
        let (code, v) = intake(&ws, &[doc]);
        assert_eq!(code, 2, "{v}");
        assert_eq!(v["error"]["field"], field, "{edit}: {v}");
    }
    assert!(s.is_valid(&signal("s", json!({}))), "and the valid base signal passes");
}

#[test]
fn bad_input_names_the_field_and_writes_nothing() {
    let ws = Ws::new();
    import(&ws, "GOOG.csv", "GOOG");
    let before = ws.snapshot();
    let cases = [
        ("{\n  \"signal_id\": \"x\",\n", "document", "not valid JSON"),
        (
            &*signal("a", json!({"hypothesis_type": "astrology"})).to_string(),
            "hypothesis_type",
            "valid: trend",
        ),
        (&*signal("b", json!({"affected_universe": []})).to_string(), "affected_universe", "is empty"),
        (&*signal("c", json!({"horizon": "soon"})).to_string(), "horizon", "not a horizon"),
        (
            &*signal("d", json!({"validation_goal": "sharp > 1"})).to_string(),
            "validation_goal",
            "unknown metric 'sharp'",
        ),
        (
            &*signal("e", json!({"invalidation_condition": "drawdown > 20%"})).to_string(),
            "invalidation_condition",
            "unknown metric",
        ),
    ];
    for (text, field, says) in cases {
        let p = write(&ws, "one.json", text);
        let (code, v) = ws.json(&["signals", "intake", p.to_str().unwrap()]);
        assert_eq!(code, 2, "{v}");
        let e = &v["error"];
        assert_eq!((e["code"].as_str(), e["field"].as_str()), (Some("bad_input"), Some(field)), "{v}");
        let msg = e["message"].as_str().unwrap();
        assert!(msg.contains("one.json") && msg.contains(says), "{msg}");
        if field != "document" {
            assert!(msg.contains(&format!("field '{field}'")), "{msg}");
        }
        assert_eq!(v["machine_contract"]["status"], "failed", "{v}");
        std::fs::remove_file(&p).unwrap();
        assert_eq!(ws.snapshot(), before, "{field}: a refused intake writes nothing");
    }
    let (code, v) = ws.json(&["signals", "intake", "absent.json"]);
    assert_eq!(code, 5, "{v}");
}

#[test]
fn a_batch_keeps_the_good_signals_and_names_the_bad_line() {
    let ws = Ws::new();
    let batch = fixture("signals/batch.jsonl");
    let (code, v) = ws.json(&["signals", "intake", batch.to_str().unwrap()]);
    assert_eq!(code, 2, "one line is refused: {v}");
    assert_eq!(v["ok"], false);
    let r = &v["result"];
    assert_eq!(
        (r["format"].as_str(), r["accepted"].as_u64(), r["failed"].as_u64()),
        (Some("json_lines"), Some(3), Some(1))
    );
    let bad = &r["signals"][2];
    assert_eq!((bad["line"].as_u64(), bad["field"].as_str()), (Some(3), Some("hypothesis_type")), "{bad}");
    assert!(
        bad["message"].as_str().unwrap().contains("batch.jsonl line 3: field 'hypothesis_type'"),
        "{bad}"
    );
    assert_eq!(r["machine_contract"]["failed"][0]["line"], 3);
    let report = r["machine_contract"]["report_json"].as_str().unwrap();
    assert_valid("signal_intake.schema.json", &read(&ws, report));
    for id in ["an-001-msft-reversion", "an-002-earnings", "an-004-old"] {
        assert!(ws.path().join("signals").join(id).join("signal.json").exists(), "{id}");
    }
    assert!(!ws.path().join("signals/an-003-bad").exists());

    // The same batch again: every id a duplicate, ignored, nothing stored rewritten.
    let before = std::fs::read(ws.path().join("signals/an-001-msft-reversion/signal.json")).unwrap();
    let (code, v) = ws.json(&["signals", "intake", batch.to_str().unwrap()]);
    assert_eq!(code, 2, "{v}");
    let r = &v["result"];
    assert_eq!((r["accepted"].as_u64(), r["duplicates"].as_u64()), (Some(0), Some(3)), "{v}");
    assert_eq!(r["signals"][0]["decision"], "ignore");
    assert!(r["signals"][0]["reason"].as_str().unwrap().starts_with("duplicate"), "{v}");
    assert_eq!(std::fs::read(ws.path().join("signals/an-001-msft-reversion/signal.json")).unwrap(), before);
    let (_, list) = ws.json(&["signals", "list"]);
    assert_eq!(list["result"]["count"], 3);

    // A single document on stdin.
    let text = std::fs::read(fixture("signals/trend_goog.json")).unwrap();
    let out = ws.cmd().args(["signals", "intake", "-"]).write_stdin(text).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{v}");
    assert_eq!(
        (v["result"]["format"].as_str(), v["result"]["source"].as_str()),
        (Some("document"), Some("-"))
    );
}

#[test]
fn each_triage_rule_decides() {
    let ws = Ws::new();
    import(&ws, "GOOG.csv", "GOOG");
    import(&ws, "FB.csv", "FB");
    let (code, v) = intake(
        &ws,
        &[
            signal("testable", json!({})),
            signal("expired", json!({"created_at": hours_ago(24 * 10), "horizon": "5d"})),
            signal("event", json!({"hypothesis_type": "event", "suggested_strategies": null})),
            signal("no-data", json!({"affected_universe": ["GOOG", "MSFT", "AAPL"]})),
            signal("short-data", json!({"affected_universe": ["FB"]})),
            signal("testable", json!({"signal_summary": "sent twice, changed"})),
        ],
    );
    assert_eq!(code, 0, "{v}");
    let (d, why) = decision(&ws, "testable");
    assert_eq!(d, "test", "{why}");
    assert!(why.contains("GOOG 1d (2148 bars)") && why.contains("sma_cross"), "{why}");
    let (d, why) = decision(&ws, "expired");
    assert!(d == "ignore" && why.starts_with("expired"), "{d}: {why}");
    let (d, why) = decision(&ws, "event");
    assert!(
        d == "ignore" && why.contains("nothing testable") && why.contains("[hypothesis.event]"),
        "{d}: {why}"
    );
    let (d, why) = decision(&ws, "no-data");
    assert!(d == "needs_data" && why.contains("MSFT, AAPL"), "{d}: {why}");
    let (_, show) = ws.json(&["signals", "show", "no-data"]);
    assert_eq!(show["result"]["triage"]["missing"], json!(["MSFT", "AAPL"]));
    let (d, _) = decision(&ws, "short-data");
    assert_eq!(d, "needs_data");
    assert!(show_notes(&ws, "short-data").contains("196 bars; the rules want at least 250"));
    let dup = &v["result"]["signals"][5];
    assert_eq!((dup["status"].as_str(), dup["decision"].as_str()), (Some("duplicate"), Some("ignore")));
    assert!(dup["reason"].as_str().unwrap().contains("different content"), "{dup}");

    // The rules are data in the workspace, written on first use.
    let rules = ws.path().join("signal_rules.toml");
    let text = std::fs::read_to_string(&rules).unwrap();
    assert!(text.contains("[hypothesis.trend]") && text.contains("min_bars = 250"));
    std::fs::write(
        &rules,
        text.replace(
            "[hypothesis.event]\nstrategies = []",
            "[hypothesis.event]\nstrategies = [\"donchian_breakout\"]",
        )
        .replace("min_bars = 250", "min_bars = 150"),
    )
    .unwrap();
    // New data and new rules change decisions on the next triage, not before.
    import(&ws, "MSFT.csv", "MSFT");
    import(&ws, "AAPL.csv", "AAPL");
    assert_eq!(decision(&ws, "no-data").0, "needs_data");
    let (code, v) = ws.json(&["signals", "triage"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(decision(&ws, "no-data").0, "test");
    assert_eq!(decision(&ws, "event").0, "test");
    assert_eq!(decision(&ws, "short-data").0, "test");
    assert_eq!(decision(&ws, "expired").0, "ignore");

    let (_, v) = ws.json(&["signals", "list", "--status", "ignore"]);
    assert_eq!(v["result"]["count"], 1, "{v}");
    let (code, v) = ws.json(&["signals", "list", "--status", "maybe"]);
    assert_eq!((code, v["error"]["field"].as_str()), (2, Some("status")), "{v}");

    // A broken rules file is refused by name, and decides nothing.
    std::fs::write(&rules, "version = 1\n[triage]\nignore_expired = yes\n").unwrap();
    let (code, v) = ws.json(&["signals", "triage"]);
    assert_eq!(code, 2, "{v}");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.contains("signal_rules.toml") && msg.contains("line 3"), "{msg}");
}

fn show_notes(ws: &Ws, id: &str) -> String {
    let (_, v) = ws.json(&["signals", "show", id]);
    v["result"]["triage"]["notes"].to_string()
}

#[test]
fn a_signal_is_researched_to_a_verdict_on_the_bundled_data() {
    let ws = Ws::new();
    import(&ws, "GOOG.csv", "GOOG");
    let (code, v) = intake(
        &ws,
        &[
            signal(
                "goog-loose",
                json!({"priority": "high", "validation_goal": "sharpe > -5 and trade_count >= 5"}),
            ),
            signal("goog-strict", json!({"validation_goal": "sharpe > 5"})),
            signal("goog-prose", json!({"validation_goal": "the trend persists for a quarter"})),
            signal("goog-invalid", json!({"invalidation_condition": "total_return > -100%"})),
            signal("msft", json!({"affected_universe": ["MSFT"]})),
        ],
    );
    assert_eq!(code, 0, "{v}");
    let started = std::time::Instant::now();
    let research = |id: &str| {
        let (code, v) = ws.json(&["signals", "research", id]);
        assert_eq!(code, 0, "{id}: {v}");
        v["result"].clone()
    };
    let loose = research("goog-loose");
    assert_eq!(loose["verdict"], "supported", "{loose:#}");
    assert_eq!(research("goog-strict")["verdict"], "not_supported");
    assert_eq!(research("goog-prose")["verdict"], "inconclusive");
    let invalid = research("goog-invalid");
    assert_eq!(invalid["verdict"], "not_supported");
    assert!(invalid["reason"].as_str().unwrap().contains("invalidated"), "{invalid}");
    assert!(started.elapsed().as_secs() < 20, "research stays small: {:?}", started.elapsed());
    assert_valid("signal_verdict.schema.json", &loose);

    // The verdict links to what it read, and judged the walk-forward's out-of-sample result.
    let sym = &loose["symbols"][0];
    let sweep = read(&ws, sym["sweeps"][0]["path"].as_str().unwrap());
    assert_eq!(sweep["config"]["strategy"], "sma_cross");
    assert_eq!(sweep["combinations"].as_array().unwrap().len(), 4, "the suggested 2 x 2 grid");
    let wf = read(&ws, sym["walkforward"]["path"].as_str().unwrap());
    assert_eq!(sym["goal_checks"][0]["value"], wf["out_of_sample"]["sharpe"]);
    assert_eq!(wf["folds"].as_array().unwrap().len(), 3);
    let run = sym["sweeps"][0]["run_id"].as_str().unwrap();
    let (code, shown) = ws.json(&["runs", "show", run]);
    assert_eq!(code, 0, "{shown}");
    let mc = &loose["machine_contract"];
    assert_eq!(mc["runs"][0], run);
    for a in mc["artifacts"].as_array().unwrap() {
        assert!(ws.path().join(a.as_str().unwrap()).exists(), "{a}");
    }
    let id = loose["signal_id"].as_str().unwrap();
    assert_eq!(read(&ws, &format!("signals/{id}/verdict.json")), loose);

    let (_, v) = ws.json(&["signals", "list", "--status", "supported"]);
    assert_eq!(v["result"]["signals"][0]["signal_id"], "goog-loose");
    let (_, v) = ws.json(&["signals", "list", "--status", "untested"]);
    assert_eq!(v["result"]["count"], 0, "only msft is left and it needs data: {v}");
    let (_, v) = ws.json(&["signals", "show", "goog-strict"]);
    assert_eq!(v["result"]["verdict"]["verdict"], "not_supported");

    // Research is refused for anything but a test signal, and never reaches paper or venues.
    let (code, v) = ws.json(&["signals", "research", "msft"]);
    assert_eq!(code, 3, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("needs_data"), "{v}");
    assert!(!ws.path().join("paper_sessions").exists());
    assert!(!ws.path().join("corridors").exists());
    let (code, _) = ws.json(&["signals", "research", "nobody"]);
    assert_eq!(code, 5);
}

fn request(ws: &Ws, req: Value) -> (i32, Value) {
    let out = ws.cmd().args(["--json-request", "-"]).write_stdin(req.to_string()).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid("response.schema.json", &v);
    (out.status.code().unwrap(), v)
}

#[test]
fn the_machine_contract_reaches_intake_list_show_and_research() {
    let ws = Ws::new();
    import(&ws, "GOOG.csv", "GOOG");
    let p = write(&ws, "s.json", &signal("mc-1", json!({})).to_string());
    let (code, v) = request(
        &ws,
        json!({"request_id": "r1", "command": "signals intake", "params": {"file": p.to_str().unwrap()}}),
    );
    assert_eq!((code, v["status"].as_str()), (0, Some("ok")), "{v}");
    assert_eq!(v["machine_contract"]["accepted"], json!(["mc-1"]));
    let (code, v) =
        request(&ws, json!({"request_id": "r2", "command": "signals list", "params": {"status": "test"}}));
    assert_eq!((code, v["result"]["count"].as_u64()), (0, Some(1)), "{v}");
    let (code, v) =
        request(&ws, json!({"request_id": "r3", "command": "signals show", "params": {"id": "mc-1"}}));
    assert_eq!((code, v["result"]["triage"]["decision"].as_str()), (0, Some("test")), "{v}");
    let (code, v) =
        request(&ws, json!({"request_id": "r4", "command": "signals.research", "params": {"id": "mc-1"}}));
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["machine_contract"]["signal_id"], "mc-1");
    assert!(
        v["machine_contract"]["verdict"].is_string() && v["machine_contract"]["sweeps"][0].is_string(),
        "{v}"
    );
    // Refusals keep their codes and fields.
    let bad = write(&ws, "bad.json", &signal("mc-2", json!({"horizon": "someday"})).to_string());
    let (code, v) = request(
        &ws,
        json!({"request_id": "r5", "command": "signals intake", "params": {"file": bad.to_str().unwrap()}}),
    );
    assert_eq!((code, v["error"]["field"].as_str()), (2, Some("horizon")), "{v}");
    assert_eq!(v["machine_contract"]["status"], "failed");
    let (code, v) =
        request(&ws, json!({"request_id": "r6", "command": "signals show", "params": {"id": "nope"}}));
    assert_eq!((code, v["error"]["code"].as_str()), (5, Some("not_found")), "{v}");
    let (code, v) = request(&ws, json!({"request_id": "r7", "command": "signals rules"}));
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["result"]["path"], "signal_rules.toml");
}

/// docs/signals.md shows the default rules; they must be the rules a workspace gets.
#[test]
fn the_documented_rules_are_the_defaults() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/signals.md")).unwrap();
    let section = &doc[doc.find("### The rules file").expect("the rules section")..];
    let start = section.find("```toml\n").unwrap() + 8;
    let block = &section[start..start + section[start..].find("```").unwrap()];
    let documented: toml::Value = toml::from_str(block).unwrap();
    let shipped: toml::Value = toml::from_str(quantlab::engine::signals::rules::DEFAULT_RULES).unwrap();
    assert_eq!(documented, shipped);
}

//! `quantlab live ...` from scripts: a rehearsal on the fake venue in a runner process of its
//! own, steered and read with `--json`, every document checked against its JSON Schema.

use serde_json::Value;

use crate::common::{fixture, promotion, Ws};

fn valid(doc: &Value) {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/contracts/live_session.schema.json");
    let schema: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = v.iter_errors(doc).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}\n{doc:#}");
}

fn start(ws: &Ws, data: &str, name: &str) -> (i32, Value) {
    let feed = format!("replay:{data}@36000x");
    ws.json(&[
        "live",
        "start",
        "--strategy",
        "sma_cross",
        "--param",
        "fast=5",
        "--param",
        "slow=20",
        "--feed",
        &feed,
        "--venue",
        "fake",
        "--symbol",
        "BTC/USD",
        "--sizing",
        "notional:500",
        "--name",
        name,
    ])
}

#[test]
fn a_rehearsal_runs_in_its_own_process_and_its_intents_wait_for_the_operator() {
    let ws = Ws::new();
    let data = ws.import(&fixture("BTCUSD_1h_head.csv"), "BTCUSD", "1h");
    let (code, v) = start(&ws, &data, "rehearsal");
    assert_eq!(code, 3, "no policy yet: refused, naming the gate: {v}");
    assert!(v["error"]["message"].as_str().unwrap().starts_with("policy:"), "{v}");
    assert!(!ws.path().join("live_sessions").exists());
    assert_eq!(ws.json(&["policy", "init"]).0, 0);
    // Not on the promotion board at paper yet: refused, naming the gate, nothing journaled.
    let (code, v) = start(&ws, &data, "rehearsal");
    assert_eq!(code, 3, "{v}");
    let message = v["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("promotion: candidate cand_sma_cross_BTC_1h_")
            && message.contains("paper is needed"),
        "{v}"
    );
    assert!(!ws.path().join("live_sessions").exists() && !ws.path().join("corridors").exists(), "{v}");
    // Research makes the candidate, the operator's typed confirmation promotes it to paper.
    let engine = quantlab::engine::Engine::with_credentials(
        quantlab::engine::workspace::Workspace::at(ws.path()),
        std::sync::Arc::new(quantlab::engine::secrets::MemoryStore::default()),
    );
    promotion::write_relaxed_gates(ws.path());
    promotion::sweep(&engine, &data, "sma_cross", &["fast=5", "slow=20"]);
    let fake = quantlab::engine::execution::CorridorId::new(quantlab::engine::execution::Venue::Fake, "main")
        .unwrap();
    let id = engine.promotion().board(None).unwrap().rows[0].candidate.id.clone();
    promotion::promote_to(&engine, &id, Some(&fake), quantlab::engine::promotion::Stage::Paper);

    let (code, v) = start(&ws, &data, "rehearsal");
    assert_eq!(code, 0, "{v}");
    valid(&v["result"]);
    assert!(v["result"]["pid"].as_u64().is_some(), "{v}");
    let s = ws.wait_status("live", "rehearsal", "an intent waiting for the keypress", |s| {
        s["pending_intent"].is_string()
    });
    valid(&s);
    let intent = s["pending_intent"].as_str().unwrap();
    let (code, row) = ws.json(&["intent", "show", intent]);
    assert_eq!(code, 0, "{row}");
    let note = row["result"].to_string();
    assert!(note.contains("live:rehearsal@") && note.contains("sma_cross 5/20"), "{row}");
    assert!(s["last_signal"]["reason"].as_str().unwrap().contains("target 0 -> 1"), "{s}");

    // One session per symbol and corridor.
    let (code, v) = start(&ws, &data, "second");
    assert_eq!(code, 3, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("already trades BTC/USD"), "{v}");

    assert_eq!(ws.json(&["live", "pause", "rehearsal"]).0, 0);
    let paused = ws.wait_status("live", "rehearsal", "paused", |s| s["status"] == "paused");
    assert_eq!(paused["paused_by"], "operator");
    assert_eq!(ws.json(&["live", "stop", "rehearsal"]).0, 0);
    ws.wait_status("live", "rehearsal", "stopped", |s| s["status"] == "stopped");
    let (code, list) = ws.json(&["live", "list"]);
    assert_eq!(code, 0);
    assert_eq!(list["result"]["count"], 1);
    valid(&list["result"]["sessions"][0]);
    let (code, v) = ws.json(&["live", "status", "nobody"]);
    assert_eq!(code, 5, "{v}");
}

/// `live portfolio --json` is the `quantlab.live_portfolio` contract, also written to
/// `live_sessions/portfolio.json`; a `[portfolio]` the policy cannot hold is named by field.
#[test]
fn the_portfolio_is_a_contract_and_a_bad_portfolio_policy_names_its_field() {
    let ws = Ws::new();
    let schema = |doc: &Value| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs/contracts/live_portfolio.schema.json");
        let schema: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let v = jsonschema::validator_for(&schema).unwrap();
        let errors: Vec<String> =
            v.iter_errors(doc).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{errors:#?}\n{doc:#}");
    };
    let (code, v) = ws.json(&["live", "portfolio"]);
    assert_eq!(code, 0, "no policy, no session: {v}");
    schema(&v["result"]);
    assert_eq!(v["result"]["limits"], Value::Null, "no [portfolio]: no limit applies");
    assert_eq!(ws.json(&["policy", "init"]).0, 0);
    let (code, v) = ws.json(&["live", "portfolio"]);
    assert_eq!(code, 0, "{v}");
    let p = &v["result"];
    schema(p);
    assert_eq!((p["sessions_live"].as_u64(), p["gross_exposure"].as_str()), (Some(0), Some("0")), "{p}");
    assert_eq!(
        (p["limits"]["max_live_sessions"].as_u64(), p["limits"]["daily_loss_limit"].as_str()),
        (Some(2), Some("300"))
    );
    let file: Value =
        serde_json::from_slice(&std::fs::read(ws.path().join("live_sessions/portfolio.json")).unwrap())
            .unwrap();
    assert_eq!(&file, p, "the artifact is what was printed");
    // A schema that let a renamed field through would check nothing.
    let mut broken = file.clone();
    broken["gross"] = broken["gross_exposure"].take();
    assert!(std::panic::catch_unwind(|| schema(&broken)).is_err());

    let policy = ws.path().join("execution_policy.toml");
    let text = std::fs::read_to_string(&policy).unwrap();
    for (from, to, field) in [
        ("max_live_sessions = 2", "max_live_sessions = 0", "portfolio.max_live_sessions"),
        ("daily_loss_limit = \"300\"", "daily_loss_limit = \"-1\"", "portfolio.daily_loss_limit"),
        ("max_gross_exposure = \"5000\"", "max_gross_exposure = \"0\"", "portfolio.max_gross_exposure"),
    ] {
        std::fs::write(&policy, text.replacen(from, to, 1)).unwrap();
        for cmd in [&["live", "portfolio"][..], &["policy", "show"][..]] {
            let (code, v) = ws.json(cmd);
            assert_eq!(code, 2, "{cmd:?}: {v}");
            assert!(v["error"]["message"].as_str().unwrap().contains(field), "{cmd:?}: {v}");
        }
    }
}

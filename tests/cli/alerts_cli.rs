//! Alerts raised by the engine, listed and acknowledged; acknowledgements persist.

use crate::common;

use common::Ws;

#[test]
fn failed_runs_raise_alerts_that_can_be_acknowledged() {
    let ws = Ws::new();
    let id = ws.import_btc();
    let (code, _) = ws.json(&["run", "--data", &id, "--strategy", "buy_and_hold", "--start", "2031-01-01"]);
    assert_eq!(code, 2);
    let (code, _) = ws.json(&["run", "--data", &id, "--strategy", "buy_and_hold", "--end", "2001-01-01"]);
    assert_eq!(code, 2);
    let (_, v) = ws.json(&["alerts", "list"]);
    let alerts = v["result"]["alerts"].as_array().unwrap();
    assert_eq!(alerts.len(), 2);
    assert_eq!(alerts[0]["code"], "RUN_FAILED");
    assert_eq!(alerts[0]["severity"], "warning");
    assert!(alerts[0]["source"].as_str().unwrap().starts_with("run_"));
    let first = alerts[0]["id"].as_str().unwrap().to_string();
    let (code, a) = ws.json(&["alerts", "ack", &first]);
    assert_eq!(code, 0);
    assert_eq!(a["result"]["acknowledged"][0], first.as_str());
    let (_, v) = ws.json(&["alerts", "list"]);
    assert_eq!(v["result"]["count"], 1);
    let (_, v) = ws.json(&["alerts", "ack", "--all"]);
    assert_eq!(v["result"]["acknowledged"].as_array().unwrap().len(), 1);
    let (_, v) = ws.json(&["alerts", "list", "--all"]);
    assert_eq!(v["result"]["count"], 2);
    assert!(v["result"]["alerts"].as_array().unwrap().iter().all(|a| a["acknowledged_at"].is_string()));
    let acks = std::fs::read_to_string(ws.path().join("alerts/acks.jsonl")).unwrap();
    assert_eq!(acks.lines().count(), 2);
    let (code, _) = ws.json(&["alerts", "ack", "al_20000101T000000Z_00000000"]);
    assert_eq!(code, 5);
}

#[test]
fn a_changed_dataset_raises_a_critical_alert() {
    let ws = Ws::new();
    let id = ws.import_btc();
    // Replace the stored bars with another dataset's bars: the fingerprint no longer matches.
    let other_id = ws.import(&common::fixture("BTCUSD_1h_head.csv"), "BTCSHORT", "1h");
    std::fs::copy(
        ws.path().join(format!("data/{other_id}/bars.parquet")),
        ws.path().join(format!("data/{id}/bars.parquet")),
    )
    .unwrap();
    let (code, v) = ws.json(&["run", "--data", &id, "--strategy", "buy_and_hold"]);
    assert_eq!(code, 1, "{v}");
    let (_, v) = ws.json(&["alerts", "list"]);
    assert_eq!(v["result"]["alerts"][0]["code"], "DATA_FINGERPRINT_MISMATCH");
    assert_eq!(v["result"]["alerts"][0]["severity"], "critical");
}

//! Incident review through the real binary on the fake venue: halts, kills, mismatches and
//! critical alerts open incidents with their timelines; the operator's note closes them,
//! journaled; an open incident blocks promotion.

mod cli;
mod gate;
mod spanning;

use serde_json::Value;

use crate::common::Ws;

/// `doc` is a `quantlab.incident` as docs/contracts/incident.schema.json says.
pub fn valid(doc: &Value) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/contracts/incident.schema.json");
    let schema: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = v.iter_errors(doc).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}\n{doc:#}");
}

/// The open incidents (every one with `all`), each checked against the schema.
pub fn list(ws: &Ws, all: bool) -> Vec<Value> {
    let args: &[&str] = if all { &["incidents", "list", "--all"] } else { &["incidents", "list"] };
    let (code, v) = ws.json(args);
    assert_eq!(code, 0, "{v}");
    let list = v["result"]["incidents"].as_array().unwrap().clone();
    assert_eq!(v["result"]["count"], list.len());
    list.iter().for_each(valid);
    list
}

/// An intent on the fake venue (buy 0.002 BTC/USD at 49900) in account `account`; its id.
pub fn intent(ws: &Ws, account: &str) -> String {
    let (code, v) = ws.json(&[
        "intent",
        "new",
        "--venue",
        "fake",
        "--account",
        account,
        "--symbol",
        "BTC/USD",
        "--side",
        "buy",
        "--qty",
        "0.002",
        "--price",
        "49900",
    ]);
    assert_eq!(code, 0, "{v}");
    v["result"]["id"].as_str().unwrap().to_string()
}

/// The kinds of a corridor's journal entries, in order.
pub fn journal_kinds(ws: &Ws, account: &str) -> Vec<Value> {
    let (code, v) = ws.json(&["journal", "show", "--venue", "fake", "--account", account]);
    assert_eq!(code, 0, "{v}");
    v["result"]["entries"].as_array().unwrap().iter().map(|e| e["event"].clone()).collect()
}

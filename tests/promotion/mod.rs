//! The promotion board: candidates and the gate lines with the artifacts they read, promotion
//! only by the typed confirmation (signed, journaled; refused from scripts and when a line fails
//! at the key), decisions not trusted once edited, automatic demotion, and the CLI's contracts.

mod advance;
mod board;
mod cli;
mod demotion;
mod supervised;

use std::sync::Arc;

use quantlab::engine::execution::{CorridorId, Venue};
use quantlab::engine::promotion::Candidate;
use quantlab::engine::secrets::MemoryStore;
use quantlab::engine::workspace::Workspace;
use quantlab::engine::Engine;
use serde_json::Value;

use crate::common::{fixture, Ws};

/// A workspace with the example policy (the fake venue's corridor), 200 hourly BTCUSD bars, and
/// an engine whose operator key is kept in memory.
pub struct Rig {
    pub ws: Ws,
    pub engine: Engine,
}

impl Rig {
    pub fn new() -> Rig {
        let ws = Ws::new();
        let (code, v) = ws.json(&["policy", "init"]);
        assert_eq!(code, 0, "{v}");
        let engine = Engine::with_credentials(Workspace::at(ws.path()), Arc::new(MemoryStore::default()));
        engine.data().import(&fixture("BTCUSD_1h_head.csv"), "BTCUSD", "1h").unwrap();
        Rig { ws, engine }
    }

    /// sma_cross 5/20 on BTC hourly: what the rig's sweeps, sessions and promotions are about.
    pub fn candidate(&self) -> Candidate {
        let params = [("fast".to_string(), "5".to_string()), ("slow".to_string(), "20".to_string())].into();
        Candidate::new("sma_cross", &params, "BTCUSD", "1h").unwrap()
    }

    /// Research makes the candidate: a sweep of exactly its parameters.
    pub fn sweep(&self) -> String {
        crate::common::promotion::sweep(&self.engine, "BTCUSD:1h", "sma_cross", &["fast=5", "slow=20"])
    }

    /// A Kraken corridor in the policy (the example's limits, stage micro) whose endpoints are
    /// loopback, where a test build's typed keys may promote.
    pub fn kraken_on_loopback(&self) -> CorridorId {
        let policy = self.ws.path().join("execution_policy.toml");
        let text = std::fs::read_to_string(&policy).unwrap();
        let kraken =
            text.split("[[corridor]]").nth(1).unwrap().replace("venue = \"fake\"", "venue = \"kraken\"");
        std::fs::write(&policy, format!("{text}\n[[corridor]]{kraken}")).unwrap();
        std::fs::write(
            self.ws.path().join("venues.toml"),
            "[kraken.main]\nbase_url = \"http://127.0.0.1:9\"\n",
        )
        .unwrap();
        CorridorId::new(Venue::Kraken, "main").unwrap()
    }

    pub fn fake() -> CorridorId {
        CorridorId::new(Venue::Fake, "main").unwrap()
    }

    /// The lines of promotion/decisions.jsonl, as JSON.
    pub fn decision_lines(&self) -> Vec<Value> {
        let p = self.ws.path().join("promotion/decisions.jsonl");
        std::fs::read_to_string(p)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

/// `doc` against docs/contracts/`name`.
pub fn assert_valid(name: &str, doc: &Value) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/contracts").join(name);
    let schema: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let v = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{name}: {e}"));
    let errors: Vec<String> = v.iter_errors(doc).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}\n{doc:#}");
}

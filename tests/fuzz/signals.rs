//! Research signal documents: the contract validator, and intake into a workspace (JSON, JSON
//! arrays, JSON lines). A refused intake leaves the workspace as it was.

use std::path::Path;
use std::sync::Arc;

use proptest::prelude::*;
use quantlab::engine::signals::contract::{validate, Horizon};
use quantlab::engine::signals::goal;
use quantlab::engine::signals::intake::intake;
use quantlab::engine::signals::rules::{self, DEFAULT_RULES};
use quantlab::engine::workspace::Workspace;
use serde_json::Value;

use super::harness::{assert_unchanged, bounded, check, runner, tree};
use super::mutate::{json_inputs, mutated_json, text_inputs, Input};

/// 2026-02-01T00:00:00Z: the fixtures' signals are created before it.
const NOW: i64 = 1_769_904_000_000;

fn read(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/signals").join(name))
        .unwrap()
}

fn json_seeds() -> Vec<Value> {
    let mut seeds: Vec<Value> = ["trend_goog.json", "bad_horizon.json"]
        .iter()
        .map(|n| serde_json::from_str(&read(n)).unwrap())
        .collect();
    seeds.extend(
        read("batch.jsonl")
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap()),
    );
    seeds
}

fn text_seeds() -> Vec<Vec<u8>> {
    ["trend_goog.json", "bad_horizon.json", "batch.jsonl"].iter().map(|n| read(n).into_bytes()).collect()
}

#[test]
fn signal_documents_validate_or_name_a_field() {
    let mut r = runner(3_000);
    let res = r.run(&json_inputs(json_seeds()), |Input(bytes)| {
        let b = bytes.clone();
        bounded("signal document", &bytes, move || {
            if let Ok(v) = serde_json::from_slice::<Value>(&b) {
                if let Ok(s) = validate(&v, NOW) {
                    let _ = Horizon::parse(&s.horizon).map(|h| h.end_of(NOW));
                    let _ = s.suggested_strategies.iter().map(|x| x.grid()).count();
                }
            }
            let text = String::from_utf8_lossy(&b);
            let _ = goal::parse(&text);
            let _ = Horizon::parse(&text).map(|h| (h.end_of(NOW), h.end_of(i64::MAX), h.end_of(i64::MIN)));
        });
        Ok(())
    });
    check("signal document", res);
}

#[test]
fn signal_intake_refusals_leave_the_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Arc::new(Workspace::at(dir.path().join("ws")));
    // One signal already taken in: the workspace has rules, a signal and an intake report.
    intake(&ws, "trend_goog.json", &read("trend_goog.json"), NOW).unwrap();
    let inputs = prop_oneof![1 => text_inputs(text_seeds()), 1 => mutated_json(json_seeds())];
    let mut r = runner(300);
    let res = r.run(&inputs, |input| {
        let before = tree(ws.root());
        let (w, text) = (ws.clone(), input.text());
        let taken = bounded("signal intake", &input.0, move || intake(&w, "fuzz.json", &text, NOW).is_ok());
        if !taken {
            assert_unchanged("signal intake", &before, &tree(ws.root()), &input.0);
        }
        Ok(())
    });
    check("signal intake", res);
}

#[test]
fn signal_rules_toml() {
    let mut r = runner(2_000);
    let res = r.run(&text_inputs(vec![DEFAULT_RULES.as_bytes().to_vec()]), |input| {
        let text = input.text();
        bounded("signal rules", &input.0, move || {
            if let Ok(rules) = rules::parse(&text, rules::RULES_FILE) {
                for (name, rule) in &rules.strategy {
                    let _ = rules::rule_axes(name, rule);
                }
            }
        });
        Ok(())
    });
    check("signal rules", res);
}

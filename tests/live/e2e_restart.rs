//! End to end against the loopback simulator, with real processes: a live session's runner
//! killed with SIGKILL while its intent waits is found aborted, resumes, adopts that intent and
//! makes no second one for its bar; then the kill switch pauses the session, opens an incident
//! on the corridor and demotes the candidate there at once, and a resume is refused.

#![cfg(unix)]

use std::time::Duration;

use quantlab::engine::execution::{CorridorId, Venue};
use quantlab::engine::workspace::Workspace;
use serde_json::Value;

use super::e2e::{promote_the_candidate, start_session, status, wait_status, Stop};
use crate::common::corridor::*;
use crate::common::Ws;

/// The session's intents in the corridor's journal, by the bar their note names.
fn intents_by_bar(ws: &Ws, session: &str) -> Vec<String> {
    let kraken = CorridorId::new(Venue::Kraken, "main").unwrap();
    let state = quantlab::engine::execution::replay(&Workspace::at(ws.path()), &kraken).unwrap();
    let prefix = format!("live:{session}@");
    let mut bars: Vec<String> = state
        .intents
        .values()
        .filter_map(|r| r.intent.note.as_deref())
        .filter_map(|n| n.strip_prefix(&prefix))
        .map(|n| n.split(':').next().unwrap_or(n).to_string())
        .collect();
    bars.sort();
    bars
}

#[test]
fn a_runner_killed_mid_intent_resumes_without_a_second_intent_and_the_kill_switch_demotes() {
    let sim = start_sim();
    let ws = armed_workspace(&sim);
    promote_the_candidate(&ws);
    start_session(&ws, "crash", "30s");
    let _stop = Stop(&ws, "crash");
    let waiting = wait_status(&ws, "crash", "an intent", |s| s["pending_intent"].is_string());
    let intent = waiting["pending_intent"].as_str().unwrap().to_string();
    let pid = waiting["pid"].as_u64().expect("a running session names its process");
    let before = intents_by_bar(&ws, "crash");
    assert_eq!(before.len(), 1, "{before:?}");

    // SIGKILL: no handler runs, nothing is tidied.
    let killed = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status().unwrap();
    assert!(killed.success());
    wait_status(&ws, "crash", "aborted", |s| s["status"] == "aborted");
    let (code, v) = cli(&ws, &["live", "resume", "crash"]);
    assert_eq!(code, 0, "{v}");
    let bars = waiting["bars_processed"].as_u64().unwrap();
    let resumed = wait_status(&ws, "crash", "two more bars", |s: &Value| {
        s["status"] == "running" && s["bars_processed"].as_u64().unwrap_or(0) >= bars + 2
    });
    assert_ne!(resumed["pid"].as_u64(), Some(pid), "a new process");
    let restarts = std::fs::read_to_string(ws.path().join("live_sessions/crash/restarts.jsonl")).unwrap();
    assert!(restarts.contains(&intent), "the restart found the intent it had made: {restarts}");
    let after = intents_by_bar(&ws, "crash");
    let mut unique = after.clone();
    unique.dedup();
    assert_eq!(after, unique, "no bar has two intents: {after:?}");
    assert!(after.contains(&before[0]), "{after:?}");
    assert!(sim.placed_kraken_orders().is_empty(), "nothing was sent without the keypress");

    // The kill switch: the session pauses for its corridor, an incident opens there and the
    // candidate goes down a stage at once (the session saw it; nobody read the board).
    let (code, v) = cli(&ws, &["kill", "--reason", "e2e drill"]);
    assert_eq!(code, 0, "{v}");
    let paused = wait_status(&ws, "crash", "paused", |s| s["status"] == "paused");
    assert_eq!(paused["paused_by"], "corridor", "{paused:#}");
    let decisions = || std::fs::read_to_string(ws.path().join("promotion/decisions.jsonl")).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !decisions().contains("\"kind\":\"demoted\"") {
        assert!(std::time::Instant::now() < deadline, "never demoted: {}", decisions());
        std::thread::sleep(Duration::from_millis(200));
    }
    let demoted = decisions().lines().find(|l| l.contains("\"kind\":\"demoted\"")).unwrap().to_string();
    assert!(demoted.contains("\"to\":\"paper\"") && demoted.contains("e2e drill"), "{demoted}");
    let (code, v) = cli(&ws, &["incidents", "list"]);
    assert_eq!(code, 0, "{v}");
    let open: Vec<&Value> =
        v["result"]["incidents"].as_array().unwrap().iter().filter(|i| i["status"] == "open").collect();
    assert!(
        open.iter().any(|i| i["kind"] == "killed" && i["corridors"].to_string().contains("kraken")),
        "{v:#}"
    );
    let (code, v) = cli(&ws, &["live", "resume", "crash"]);
    assert_eq!(code, 3, "halted, and demoted: {v}");
    assert_eq!(status(&ws, "crash")["status"], "paused");
}

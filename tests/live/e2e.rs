//! End to end against the loopback simulator: a live session on the simulator's Kraken feed
//! (2 s bars) runs in its own process; its first intent is approved by the keypress in the real
//! console in a pseudo-terminal and exactly that order reaches the venue. A second session,
//! whose intents wait one bar, lets one lapse unapproved; with the venue's clock skewed,
//! preflight refuses its next; each session's position is the venue's throughout.

#![cfg(unix)]

use std::io::Write;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::corridor::*;
use crate::common::pty::*;
use crate::common::{promotion, Ws};

pub(super) fn status(ws: &Ws, id: &str) -> Value {
    let (code, v) = cli(ws, &["live", "status", id]);
    assert_eq!(code, 0, "{v}");
    v["result"].clone()
}

pub(super) fn wait_status(ws: &Ws, id: &str, what: &str, ok: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let s = status(ws, id);
        if ok(&s) {
            return s;
        }
        assert!(Instant::now() < deadline, "the session never reached {what}: {s:#}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The venue's own XBT position (Kraken spot: the XBT balance), as `corridor status` reads it.
pub(super) fn venue_position(ws: &Ws) -> f64 {
    let (code, v) = cli(ws, &["corridor", "status", "--venue", "kraken", "--account", "main"]);
    assert_eq!(code, 0, "{v}");
    let positions = v["result"]["positions"].as_array().cloned().unwrap_or_default();
    positions
        .iter()
        .filter(|p| p["symbol"] == "XBTUSD")
        .map(|p| p["quantity"].as_str().unwrap().parse::<f64>().unwrap())
        .sum()
}

/// Stops a session's runner process however the test ends, so no runner outlives it.
pub(super) struct Stop<'a>(pub(super) &'a Ws, pub(super) &'static str);

impl Drop for Stop<'_> {
    fn drop(&mut self) {
        let _ = cli(self.0, &["live", "stop", self.1]);
    }
}

pub(super) fn session_position(s: &Value) -> f64 {
    s["position"].as_str().expect("known once a bar was read").parse().unwrap()
}

/// The session's candidate made by research (a sweep of the strategy on two-second XBT bars) and
/// promoted to micro-live on the simulator's corridor (the policy's stage is micro) by the
/// typed confirmation, as the console's Promotion tab does it (its keys synthetic: accepted on
/// this loopback corridor only).
pub(super) fn promote_the_candidate(ws: &Ws) {
    use quantlab::engine::execution::{CorridorId, Venue};
    let csv = ws.path().join("xbt_2s.csv");
    let rows: String = (0..10).map(|i| format!("2024-01-01T00:00:{:02}Z,1,1,1,1,1\n", i * 2)).collect();
    std::fs::write(&csv, format!("time,open,high,low,close,volume\n{rows}")).unwrap();
    let engine = quantlab::engine::Engine::with_credentials(
        quantlab::engine::workspace::Workspace::at(ws.path()),
        std::sync::Arc::new(quantlab::engine::secrets::MemoryStore::default()),
    );
    engine.data().import(&csv, "XBTUSD", "2s").unwrap();
    promotion::write_relaxed_gates(ws.path());
    promotion::sweep(&engine, "XBTUSD:2s", "sma_cross", &["fast=2", "slow=4"]);
    let params = [("fast".to_string(), "2".to_string()), ("slow".to_string(), "4".to_string())].into();
    let id = quantlab::engine::promotion::Candidate::new("sma_cross", &params, "XBTUSD", "2s").unwrap().id;
    let kraken = CorridorId::new(Venue::Kraken, "main").unwrap();
    promotion::promote_to(&engine, &id, Some(&kraken), quantlab::engine::promotion::Stage::MicroLive);
}

/// `live start` of the sma_cross 2/4 session on the simulator's two-second XBT bars, sized at
/// 500 notional, its intents waiting `ttl`; it must start.
pub(super) fn start_session(ws: &Ws, name: &str, ttl: &str) {
    let args = [
        "live",
        "start",
        "--strategy",
        "sma_cross",
        "--param",
        "fast=2",
        "--param",
        "slow=4",
        "--feed",
        "live:kraken/main:XBTUSD@2s",
        "--sizing",
        "notional:500",
        "--intent-ttl",
        ttl,
        "--name",
        name,
    ];
    let (code, v) = cli(ws, &args);
    assert_eq!(code, 0, "{v}");
}

#[test]
fn a_live_session_waits_for_the_keypress_lapses_unapproved_and_is_refused_by_preflight() {
    let sim = start_sim();
    let ws = armed_workspace(&sim);
    promote_the_candidate(&ws);
    let start = |name: &str, ttl: &str| start_session(&ws, name, ttl);
    start("e2e", "30s");
    let _stop = Stop(&ws, "e2e");
    let first = wait_status(&ws, "e2e", "an intent", |s| s["pending_intent"].is_string());
    let intent = first["pending_intent"].as_str().unwrap().to_string();
    assert!(sim.placed_kraken_orders().is_empty(), "nothing is sent before the keypress");

    // The operator reviews it in the console: it says which session, bar and reason.
    let (mut child, screen, mut keys, _fd, _master) = review(&ws, &intent);
    screen.wait_for("APPROVE AND SEND");
    screen.wait_for("from live session e2e");
    past_the_dwell();
    keys.write_all(b"y").unwrap();
    screen.wait_for("filled: signed order out");
    assert_eq!(sim.placed_kraken_orders().len(), 1, "exactly the approved order reached the venue");
    wait_status(&ws, "e2e", "the fill", |s| s["intents"]["filled"] == 1);
    let venue = venue_position(&ws);
    assert!(venue > 0.0, "bought at the venue");
    wait_status(&ws, "e2e", "the venue's position", |s| (session_position(s) - venue).abs() < 1e-12);
    assert_eq!(cli(&ws, &["live", "stop", "e2e"]).0, 0);
    wait_status(&ws, "e2e", "stopped", |s| s["status"] == "stopped");

    // A second session whose intents wait one bar: left alone, one lapses and is missed. Its
    // position is the venue's less what the account held when it started.
    start("e2e-b", "2s");
    let _stop_b = Stop(&ws, "e2e-b");
    let missed =
        wait_status(&ws, "e2e-b", "a missed approval", |s| s["intents"]["missed"].as_u64().unwrap_or(0) >= 1);
    assert_eq!(missed["anchor"].as_str().unwrap().parse::<f64>().unwrap(), venue, "{missed:#}");
    assert_eq!(sim.placed_kraken_orders().len(), 1, "nothing unapproved was sent");
    assert!((session_position(&missed) + venue - venue_position(&ws)).abs() < 1e-12, "{missed:#}");

    // The venue's clock runs 5 s ahead: preflight refuses the session's next intent.
    sim.fault("clock-offset", &["5000"]);
    let refused =
        wait_status(&ws, "e2e-b", "a refused intent", |s| s["intents"]["refused"].as_u64().unwrap_or(0) >= 1);
    sim.fault("clear", &[]);
    assert_eq!(sim.placed_kraken_orders().len(), 1);
    assert!((session_position(&refused) + venue - venue_position(&ws)).abs() < 1e-12, "{refused:#}");
    let lines = std::fs::read_to_string(ws.path().join("live_sessions/e2e-b/intents.jsonl")).unwrap();
    assert!(lines.contains("\"event\":\"refused\"") && lines.contains("clock_skew"), "{lines}");

    assert_eq!(cli(&ws, &["live", "stop", "e2e-b"]).0, 0);
    wait_status(&ws, "e2e-b", "stopped", |s| s["status"] == "stopped");
    keys.write_all(b"q").unwrap();
    assert!(wait_exit(&mut child).success());
}

//! Arming's credentials line reports the real state against the loopback simulator: where
//! the credential came from (its name and store, never its value) and whether the venue took
//! it. A credential the venue refuses fails the line and the corridor stays disarmed.

use crate::common::sim;

use std::sync::Arc;

use quantlab::engine::execution::arm_state::ArmState;
use quantlab::engine::execution::corridor::arming::ArmReport;
use quantlab::engine::execution::{Corridor, CorridorId, Venue};
use quantlab::engine::secrets::{MemoryStore, Secret};
use quantlab::engine::workspace::Workspace;
use quantlab::engine::Engine;
use sim::*;

/// Base64 of 64 bytes the simulator does not know as the secret of `KRAKEN_KEY`.
const WRONG_SECRET: &str =
    "cXVhbnRsYWItc2ltLXRlc3QtV1JPTkctc2VjcmV0LW5vdC1hLXJlYWwta3Jha2VuLWtleS0wMTIzNDU2Nzg5";

fn credentials(r: &ArmReport) -> (bool, String) {
    let c = r.checks.iter().find(|c| c.name == "credentials").expect("a credentials line");
    (c.ok, c.detail.clone())
}

fn workspace() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("execution_policy.toml"), sim_policy(Venue::Kraken)).unwrap();
    let ws = Workspace::at(dir.path());
    (dir, ws)
}

/// Attack: arm with a Kraken secret the venue refuses; the old line said "present" and passed
/// whatever happened. Now it fails with the venue's refusal, and nothing is armed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credential_the_venue_refuses_fails_the_credentials_line() {
    let h = Harness::start(Market::Walk).await;
    let (_dir, ws) = workspace();
    let id = CorridorId::new(Venue::Kraken, "main").unwrap();
    let bad = h.kraken_as(KRAKEN_KEY, WRONG_SECRET, "wrong.nonce", 1000);
    let mut c = Corridor::open(&ws, &id, Arc::new(bad)).unwrap();
    let r = c.arm().await.unwrap();
    let (ok, detail) = credentials(&r);
    assert!(!ok && detail.contains("refused by the venue"), "{detail}");
    assert_eq!(r.state, ArmState::Disarmed, "{:?}", r.checks);
    assert_eq!(c.state().armed_seq, None, "nothing armed");
    drop(c);

    // The right secret: the venue accepts the signed read, and the line says so.
    let mut c = Corridor::open(&ws, &id, Arc::new(h.kraken())).unwrap();
    let r = c.arm().await.unwrap();
    let (ok, detail) = credentials(&r);
    assert!(ok && detail.contains("accepted by the venue"), "{detail}");
    assert_eq!(r.state, ArmState::Armed, "{:?}", r.checks);
}

/// Through the engine, as `quantlab corridor arm` runs: the line names the credential and the
/// store it came from, never its value; a wrong one stored there fails the line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_credentials_line_names_the_credential_and_its_store() {
    let h = Harness::start(Market::Walk).await;
    let (_dir, ws) = workspace();
    std::fs::write(ws.root().join("venues.toml"), format!("[kraken.main]\nbase_url = \"{}\"\n", h.url))
        .unwrap();
    let engine = Arc::new(Engine::with_credentials(ws.clone(), Arc::new(MemoryStore::default())));
    let arm = |secret: &str| {
        let engine = engine.clone();
        let secret = format!("{KRAKEN_KEY}:{secret}");
        async move {
            tokio::task::spawn_blocking(move || {
                engine.venues().secret_set(Venue::Kraken, "main", &Secret::new(secret)).unwrap();
                engine.execution().corridor_arm(Venue::Kraken, "main").unwrap()
            })
            .await
            .unwrap()
        }
    };
    let r = arm(WRONG_SECRET).await;
    let (ok, detail) = credentials(&r);
    assert!(
        !ok && detail.starts_with("kraken/main from ") && detail.contains("refused by the venue"),
        "{detail}"
    );
    assert_eq!(r.state, ArmState::Disarmed);
    let r = arm(KRAKEN_SECRET).await;
    let (ok, detail) = credentials(&r);
    assert!(ok && detail.starts_with("kraken/main from ") && detail.contains("accepted"), "{detail}");
    assert_eq!(r.state, ArmState::Armed, "{:?}", r.checks);
    let shown = serde_json::to_string(&r).unwrap();
    assert!(!shown.contains(KRAKEN_SECRET) && !shown.contains(WRONG_SECRET), "{shown}");
}

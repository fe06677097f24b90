//! The promotion gate on a live corridor above micro-live: at every submit and at rearm.

use std::sync::Arc;

use quantlab::engine::execution::arm_state::ArmState;
use quantlab::engine::execution::error::{ExecutionError, SubmitRefusal};
use quantlab::engine::execution::intent::IntentSpec;
use quantlab::engine::execution::policy::EXAMPLE;
use quantlab::engine::execution::signature_error::PromotionProblem;
use quantlab::engine::execution::{Corridor, CorridorId, Venue};
use quantlab::engine::gate::GateOutcome;
use quantlab::engine::venues::fake::FakeVenue;
use quantlab::engine::workspace::Workspace;
use quantlab::engine::ErrorKind;

use super::rig::*;

/// A live corridor whose limits go beyond micro-live sends nothing, and cannot be rearmed,
/// until a promotion report passed under the current policy; then both work. The fake venue
/// answers as Kraken here, so no money moves.
#[tokio::test]
async fn a_full_stage_live_corridor_needs_a_passed_promotion_report() {
    use quantlab::engine::execution::promote;
    use quantlab::engine::secrets::{CredentialKey, CredentialStore, MemoryStore, Secret};
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::at(dir.path());
    trust(&ws);
    let policy = EXAMPLE
        .replace("venue = \"fake\"", "venue = \"kraken\"")
        .replace("stage = \"micro\"", "stage = \"full\"");
    std::fs::write(dir.path().join("execution_policy.toml"), policy).unwrap();
    let venue = Arc::new(FakeVenue::posing_as(Venue::Kraken));
    let id = CorridorId::new(Venue::Kraken, "main").unwrap();
    let open = || Corridor::open(&ws, &id, venue.clone()).unwrap();
    let kraken = || IntentSpec { venue: Venue::Kraken, ..spec() };

    let mut c = open();
    let i = c.create_intent(kraken()).unwrap();
    let pf = c.preflight(&i.id).await.unwrap();
    assert_eq!(
        pf.failed().iter().map(|c| c.rule.as_str()).collect::<Vec<_>>(),
        vec!["corridor_armed", "promotion"]
    );
    assert!(
        pf.reasons().contains("quantlab promote check --venue kraken --account main"),
        "{}",
        pf.reasons()
    );
    // The confirm dialog refuses the key on a live corridor that is not armed, even one shown
    // as armed (a screen read before the arm failed): the intent as read says why.
    match crate::common::keypress::press(&c, &i.id, ArmState::Armed) {
        GateOutcome::Refused(why) => assert!(why.contains("disarmed"), "{why}"),
        other => panic!("{other:?}"),
    }
    // Arming meets the gate too, and an unarmed live corridor sends nothing.
    let e = c.arm().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Refused, "{}", e.message);
    assert!(matches!(e.domain(), Some(ExecutionError::PromotionNeeded { .. })), "{e:?}");
    let e = c.submit(&i.id, false).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Refused, "{}", e.message);
    assert!(
        matches!(e.domain(), Some(ExecutionError::SubmitRefused(SubmitRefusal::NotApproved(_)))),
        "{e:?}"
    );
    assert!(venue.orders().is_empty(), "nothing reached the venue");

    // The drill the checklist asks for; rearm then meets the gate.
    c.kill("drill").await.unwrap();
    let e = c.rearm().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Refused, "{}", e.message);
    let promotion = e.domain::<ExecutionError>();
    assert!(
        matches!(
            promotion,
            Some(ExecutionError::PromotionNeeded { problem: PromotionProblem::NoReport, .. })
        ),
        "{e:?}"
    );
    assert!(c.halted().is_some());

    // Meet the checklist: credentials, clean reconciliations, criticals acknowledged.
    let store = MemoryStore::default();
    store.set(&CredentialKey::new(Venue::Kraken, "main"), &Secret::new("test-credential")).unwrap();
    c.reconcile().await.unwrap();
    c.reconcile().await.unwrap();
    quantlab::engine::alerts::ack(&ws, None).unwrap();
    // The drill opened an incident: until the operator reviews and closes it, the checklist
    // fails on it.
    let blocked =
        promote::check(&ws, &id, c.policy(), c.policy_fingerprint().as_deref(), &store, Some(key())).unwrap();
    let item = blocked.items.iter().find(|i| i.item == "no_open_incidents").unwrap();
    assert!(!blocked.passed && !item.passed, "{item:?}");
    drop(c);
    let engine = quantlab::engine::Engine::open(ws.clone());
    let open_incidents = engine.incidents().list(false).unwrap();
    assert_eq!(open_incidents.len(), 1, "{open_incidents:?}");
    engine.incidents().close(&open_incidents[0].id, "kill switch drill reviewed").unwrap();
    let mut c = open();
    let report =
        promote::check(&ws, &id, c.policy(), c.policy_fingerprint().as_deref(), &store, Some(key())).unwrap();
    assert!(report.passed, "{:?}", report.items);
    c.rearm().await.unwrap();
    let i = c.create_intent(kraken()).unwrap();
    let pf = c.preflight(&i.id).await.unwrap();
    let line = pf.checks.iter().find(|c| c.rule == "promotion").unwrap();
    assert!(line.passed && line.actual == format!("report {}", report.id), "{line:?}");
    let armed = c.arm().await.unwrap();
    assert_eq!(armed.state, quantlab::engine::execution::arm_state::ArmState::Armed, "{:?}", armed.checks);
    c.approve(crate::common::keypress::keypress(&c, &i.id), key()).unwrap();
    c.submit(&i.id, false).await.unwrap();
    assert_eq!(venue.orders().len(), 1);
}

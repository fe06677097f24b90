//! The promotion gate and incidents agree: on a live corridor above micro-live (the fake venue
//! answering as Kraken, so no money moves) with a passed, signed report, an open incident
//! closes the gate at rearm and at preflight alike, and the operator's closing opens it again.

use std::sync::Arc;

use quantlab::engine::execution::error::ExecutionError;
use quantlab::engine::execution::intent::IntentSpec;
use quantlab::engine::execution::policy::EXAMPLE;
use quantlab::engine::execution::promote::{self, PromotionReport, PROMOTION_SCHEMA};
use quantlab::engine::execution::{paths, Corridor, CorridorId, OperatorKey, Venue};
use quantlab::engine::secrets::MemoryStore;
use quantlab::engine::venues::fake::FakeVenue;
use quantlab::engine::workspace::{write_json, Workspace};
use quantlab::engine::{Engine, ErrorKind};

fn intent() -> IntentSpec {
    crate::common::intents::limit_buy(Venue::Kraken, "BTC/USD")
}

#[tokio::test]
async fn an_open_incident_closes_the_promotion_gate_at_rearm_and_preflight_until_closed() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::at(dir.path());
    let policy = EXAMPLE
        .replace("venue = \"fake\"", "venue = \"kraken\"")
        .replace("stage = \"micro\"", "stage = \"full\"");
    std::fs::write(dir.path().join("execution_policy.toml"), policy).unwrap();
    let venue = Arc::new(FakeVenue::posing_as(Venue::Kraken));
    let id = CorridorId::new(Venue::Kraken, "main").unwrap();
    let open = || Corridor::open(&ws, &id, venue.clone()).unwrap();
    let mut c = open();

    // A passed report, signed by a key the workspace trusts: the gate is open.
    let key = OperatorKey::load_or_create_as(&MemoryStore::default(), &ws, "tester").unwrap();
    let mut report = PromotionReport {
        schema: PROMOTION_SCHEMA.into(),
        schema_version: 1,
        id: "promo_20990101T000001Z_00000001".into(),
        corridor: id.clone(),
        created_at: "2099-01-01T00:00:01Z".into(),
        policy_fingerprint: c.policy_fingerprint(),
        passed: true,
        items: Vec::new(),
        operator: None,
        public_key: None,
        signature: None,
    };
    promote::sign(&mut report, &key);
    write_json(&paths::promotions(&ws, &id).join(format!("{}.json", report.id)), &report).unwrap();
    let i = c.create_intent(intent()).unwrap();
    let line = |c: &Corridor| {
        let pf = c.evaluate(&c.state().intents[&i.id].intent, Err("not read"));
        pf.checks.into_iter().find(|c| c.rule == "promotion").unwrap()
    };
    assert!(line(&c).passed, "{:?}", line(&c));

    // The kill switch opens an incident: rearm and preflight both refuse while it is open,
    // and say how to close it (not to run the check again: the report still stands).
    c.kill("drill").await.unwrap();
    let refused = line(&c);
    assert!(!refused.passed, "{refused:?}");
    assert!(
        refused.actual.contains("open incident") && refused.actual.contains("incidents close"),
        "{refused:?}"
    );
    assert!(!refused.actual.contains("promote check"), "{refused:?}");
    let e = c.rearm().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Refused, "{}", e.message);
    let Some(ExecutionError::IncidentsOpen { incidents, .. }) = e.domain::<ExecutionError>() else {
        panic!("{e:?}")
    };
    assert!(incidents.len() == 1 && incidents[0].contains("drill"), "{incidents:?}");
    assert!(c.halted().is_some());

    // Reviewed and closed: the same report opens the gate again.
    drop(c);
    let engine = Engine::open(ws.clone());
    let open_incidents = engine.incidents().list(false).unwrap();
    assert_eq!(open_incidents.len(), 1, "{open_incidents:?}");
    engine.incidents().close(&open_incidents[0].id, "drill reviewed").unwrap();
    let mut c = open();
    c.rearm().await.unwrap();
    let after = line(&c);
    assert!(after.passed && after.actual == format!("report {}", report.id), "{after:?}");
}

//! Automatic demotion: a kill on the corridor after the promotion takes the candidate one stage
//! down there, says why, pauses its sessions there and raises PROMOTION_DEMOTED; once per
//! promotion, and never for what happened before it.

use quantlab::engine::live::LiveStartRequest;
use quantlab::engine::promotion::{CauseKind, Kind, Stage};

use super::Rig;
use crate::common::promotion::{promote_to, row, write_relaxed_gates};

fn request() -> LiveStartRequest {
    LiveStartRequest {
        strategy: "sma_cross".into(),
        params: [("fast".to_string(), "5".to_string()), ("slow".to_string(), "20".to_string())].into(),
        feed: "replay:BTCUSD:1h".into(),
        venue: Some(quantlab::engine::execution::Venue::Fake),
        symbol: Some("BTC/USD".into()),
        sizing: "notional:500".into(),
        ..LiveStartRequest::default()
    }
}

#[test]
fn a_kill_after_the_promotion_demotes_the_candidate_saying_why() {
    let rig = Rig::new();
    rig.sweep();
    write_relaxed_gates(rig.ws.path());
    let fake = Rig::fake();
    // A kill before the promotion is not the promoted candidate's story.
    rig.engine.execution().kill(None, None, "drill before").unwrap();
    rig.engine.execution().rearm(None, None).unwrap();
    let id = rig.candidate().id;
    promote_to(&rig.engine, &id, Some(&fake), Stage::Paper);
    assert!(rig.engine.promotion().board(None).unwrap().demoted.is_empty());
    let s = rig.engine.live().create(&request()).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    rig.engine.execution().kill(None, None, "operator drill").unwrap();

    let board = rig.engine.promotion().board(None).unwrap();
    assert_eq!(board.demoted.len(), 1, "{board:#?}");
    let d = &board.demoted[0];
    assert_eq!(
        (d.kind, d.from, d.to, d.corridor.clone()),
        (Kind::Demoted, Stage::Paper, Stage::Research, Some(fake.clone()))
    );
    let cause = d.cause.as_ref().unwrap();
    assert_eq!(cause.kind, CauseKind::Kill);
    assert!(cause.journal_seq.is_some());
    let why = d.reason.as_deref().unwrap();
    assert!(why.contains("kill switch") && why.contains("operator drill"), "{why}");
    super::assert_valid("promotion_board.schema.json", &serde_json::to_value(&board).unwrap());
    // Its session there is paused; the alert says so.
    let control =
        std::fs::read_to_string(rig.ws.path().join("live_sessions").join(&s.id).join("control.json"))
            .unwrap();
    assert!(control.contains("paused"), "{control}");
    let alerts = std::fs::read_to_string(rig.ws.path().join("alerts/alerts.jsonl")).unwrap();
    let demoted: Vec<&str> = alerts.lines().filter(|l| l.contains("PROMOTION_DEMOTED")).collect();
    assert!(
        demoted.len() == 1 && demoted[0].contains(&s.id) && demoted[0].contains("kill switch"),
        "{alerts}"
    );
    // Once: read again, nothing more; the candidate is at research on the fake venue.
    assert!(rig.engine.promotion().board(None).unwrap().demoted.is_empty());
    assert_eq!(row(&rig.engine, &id, Some(&fake)).stage, Stage::Research);
    let v = rig.engine.promotion().show(&id).unwrap();
    assert_eq!(v.decisions.iter().filter(|d| d.kind == Kind::Demoted).count(), 1);
}

//! The stage a live session needs follows its corridor's policy: micro-live under `stage =
//! "micro"`, supervised live under `stage = "full"`. A candidate promoted only to micro-live
//! cannot start on a full-stage corridor; promoted to supervised live there, it passes the
//! promotion gate (and meets the corridor's own gates next: here, that it is not armed).

use quantlab::engine::live::{LiveError, LiveStartRequest};
use quantlab::engine::promotion::{PromotionError, Stage};

use super::Rig;
use crate::common::promotion::{promote_to, row, write_relaxed_gates};

fn request() -> LiveStartRequest {
    LiveStartRequest {
        strategy: "sma_cross".into(),
        params: [("fast".to_string(), "5".to_string()), ("slow".to_string(), "20".to_string())].into(),
        feed: "live:kraken/main:XBTUSD@1h".into(),
        sizing: "notional:500".into(),
        ..LiveStartRequest::default()
    }
}

#[test]
fn a_full_stage_corridor_needs_the_candidate_promoted_to_supervised_live() {
    let rig = Rig::new();
    rig.sweep();
    write_relaxed_gates(rig.ws.path());
    let kraken = rig.kraken_on_loopback();
    let id = rig.candidate().id;
    promote_to(&rig.engine, &id, Some(&kraken), Stage::MicroLive);
    let policy = rig.ws.path().join("execution_policy.toml");
    let kraken_with = |stage: &str| {
        let text = std::fs::read_to_string(&policy).unwrap();
        let (fake, kraken_part) = text.split_once("venue = \"kraken\"").unwrap();
        let kraken_part = kraken_part
            .replacen("symbols = [\"BTC/USD\", \"ETH/USD\"]", "symbols = [\"XBTUSD\"]", 1)
            .replacen("stage = \"micro\"", &format!("stage = \"{stage}\""), 1);
        std::fs::write(&policy, format!("{fake}venue = \"kraken\"{kraken_part}")).unwrap();
    };
    kraken_with("micro");

    // Under the micro stage micro-live is enough: the gate passes, the unarmed corridor refuses.
    let e = rig.engine.live().create(&request()).unwrap_err();
    assert!(matches!(e.domain(), Some(LiveError::NotArmed { .. })), "{e:?}");

    // The corridor raised to the full stage: micro-live no longer is.
    kraken_with("full");
    let before = rig.ws.snapshot();
    let e = rig.engine.live().create(&request()).unwrap_err();
    assert!(
        matches!(
            e.domain(),
            Some(PromotionError::NotPromoted { stage: Stage::MicroLive, needed: Stage::SupervisedLive, .. })
        ),
        "{e:?}"
    );
    assert!(e.message.contains("supervised"), "{e}");
    assert_eq!(rig.ws.snapshot(), before, "a refused start writes nothing");

    // Promoted to supervised live on that corridor by the typed confirmation: the promotion
    // gate passes; the corridor's own gates (armed, its promotion report) come next.
    promote_to(&rig.engine, &id, Some(&kraken), Stage::SupervisedLive);
    assert_eq!(row(&rig.engine, &id, Some(&kraken)).stage, Stage::SupervisedLive);
    let e = rig.engine.live().create(&request()).unwrap_err();
    assert!(matches!(e.domain(), Some(LiveError::NotArmed { .. })), "{e:?}");
}

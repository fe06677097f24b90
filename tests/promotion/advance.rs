//! Promotion happens only through the typed confirmation: refused from scripts with nothing
//! written; refused at the key when a line fails (an open incident among them) or the id typed
//! is another; otherwise signed, appended and, on a corridor, journaled with the record's hash.

use quantlab::engine::execution::journal;
use quantlab::engine::execution::model::Event;
use quantlab::engine::execution::paths;
use quantlab::engine::gate::PromotionOutcome;
use quantlab::engine::promotion::gates::GATES_FILE;
use quantlab::engine::promotion::{Kind, PromotionError, Stage};
use quantlab::engine::ErrorKind;
use sha2::{Digest, Sha256};

use super::{assert_valid, Rig};
use crate::common::promotion::{confirm, relaxed_gates, row, type_and_enter, write_relaxed_gates};

#[test]
fn advance_from_a_script_is_refused_and_writes_nothing() {
    let rig = Rig::new();
    rig.sweep();
    write_relaxed_gates(rig.ws.path());
    let id = rig.candidate().id;
    let before = rig.ws.snapshot();
    for args in [
        vec!["promote", "advance", id.as_str()],
        vec!["promote", "advance", &id, "--venue", "kraken", "--account", "main"],
    ] {
        let (code, v) = rig.ws.json(&args);
        assert_eq!(code, 3, "{v}");
        assert_eq!(v["error"]["code"], "refused", "{v}");
        let message = v["error"]["message"].as_str().unwrap();
        assert!(message.contains("typed confirmation in the console") && message.contains(&id), "{v}");
    }
    assert_eq!(rig.ws.snapshot(), before, "nothing written");
    let e = rig.engine.promotion().advance_from_cli(&id);
    assert!(matches!(e.domain(), Some(PromotionError::FromCli { .. })), "{e:?}");
    assert_eq!(e.kind, ErrorKind::Refused);
}

#[test]
fn the_typed_confirmation_promotes_signed_and_journaled() {
    let rig = Rig::new();
    rig.sweep();
    write_relaxed_gates(rig.ws.path());
    let kraken = rig.kraken_on_loopback();
    let id = rig.candidate().id;
    let r = row(&rig.engine, &id, None);
    assert!(r.ready, "{r:#?}");
    // Another id typed: refused, the dialog open, nothing written.
    assert!(matches!(type_and_enter(&r, "cand_something_else"), PromotionOutcome::Refused(_)));
    assert!(rig.decision_lines().is_empty());

    let d = rig.engine.promotion().advance_confirmed(confirm(&r)).unwrap();
    assert_eq!(
        (d.kind, d.from, d.to, d.corridor.clone()),
        (Kind::Promoted, Stage::Research, Stage::Paper, None)
    );
    assert!(
        d.signature.is_some() && d.public_key.is_some() && d.by.starts_with("console typed confirmation"),
        "{d:?}"
    );
    assert_eq!(d.gates, r.gates, "the lines as evaluated at the key");

    let r = row(&rig.engine, &id, Some(&kraken));
    assert_eq!((r.stage, r.next), (Stage::Paper, Some(Stage::MicroLive)));
    assert!(r.ready, "{r:#?}");
    let d = rig.engine.promotion().advance_confirmed(confirm(&r)).unwrap();
    assert_eq!((d.from, d.to, d.corridor.clone()), (Stage::Paper, Stage::MicroLive, Some(kraken.clone())));
    let lines = rig.decision_lines();
    assert_eq!(lines.len(), 2);
    for l in &lines {
        assert_valid("promotion_decision.schema.json", l);
    }
    // Journaled in the corridor, tied to the line's bytes.
    let text = std::fs::read_to_string(rig.ws.path().join("promotion/decisions.jsonl")).unwrap();
    let second = text.lines().nth(1).unwrap();
    let entries = journal::read(&paths::journal(rig.engine.workspace(), &kraken)).unwrap();
    let Some(Event::PromotionDecided { decision_id, to, record_sha256, .. }) =
        entries.last().map(|e| e.event.clone())
    else {
        panic!("{entries:?}")
    };
    assert_eq!((decision_id.as_str(), to.as_str()), (d.id.as_str(), "micro_live"));
    assert_eq!(record_sha256, hex::encode(Sha256::digest(second.as_bytes())));
    assert!(journal::verify(&paths::journal(rig.engine.workspace(), &kraken)).unwrap().ok);
    assert_eq!(row(&rig.engine, &id, Some(&kraken)).stage, Stage::MicroLive);
}

#[test]
fn the_gate_is_evaluated_again_at_the_key() {
    let rig = Rig::new();
    rig.sweep();
    write_relaxed_gates(rig.ws.path());
    let kraken = rig.kraken_on_loopback();
    let id = rig.candidate().id;
    // Confirmed while every line passed; the gates file asks for a walk-forward before the key
    // reaches the engine: refused, nothing written.
    let c = confirm(&row(&rig.engine, &id, None));
    let strict = relaxed_gates().replace("require_walkforward = false", "require_walkforward = true");
    std::fs::write(rig.ws.path().join(GATES_FILE), strict).unwrap();
    let e = rig.engine.promotion().advance_confirmed(c).unwrap_err();
    let Some(PromotionError::GateFailed { failing, .. }) = e.domain() else { panic!("{e:?}") };
    assert!(failing.iter().any(|f| f.starts_with("walkforward")), "{failing:?}");
    assert_eq!(e.kind, ErrorKind::Refused);
    assert!(rig.decision_lines().is_empty());

    write_relaxed_gates(rig.ws.path());
    rig.engine.promotion().advance_confirmed(confirm(&row(&rig.engine, &id, None))).unwrap();
    // An incident opened on the corridor after the dialog showed a passing gate: refused at the key.
    let c = confirm(&row(&rig.engine, &id, Some(&kraken)));
    let mut j = journal::Journal::open(&paths::journal(rig.engine.workspace(), &kraken)).unwrap();
    j.append(Event::Killed { reason: "drill".into(), policy_fingerprint: None }, false).unwrap();
    drop(j);
    let e = rig.engine.promotion().advance_confirmed(c).unwrap_err();
    let Some(PromotionError::GateFailed { failing, .. }) = e.domain() else { panic!("{e:?}") };
    assert!(failing.iter().any(|f| f.starts_with("no_open_incidents") && f.contains("drill")), "{failing:?}");
    assert_eq!(rig.decision_lines().len(), 1, "nothing written");
    // And the dialog, opened now, refuses the right id: the gate fails.
    let r = row(&rig.engine, &id, Some(&kraken));
    assert!(
        matches!(type_and_enter(&r, &id), PromotionOutcome::Refused(ref why) if why.contains("no_open_incidents"))
    );
    // The line names the incident by id, as `quantlab incidents list` does.
    let open = r.gates.iter().find(|g| g.item == "no_open_incidents").unwrap();
    assert!(open.artifacts.len() == 1 && open.artifacts[0].starts_with("inc_"), "{open:?}");
}

#[test]
fn a_test_builds_keys_promote_nothing_on_a_corridor_that_is_not_loopback() {
    let rig = Rig::new();
    rig.sweep();
    write_relaxed_gates(rig.ws.path());
    let kraken = rig.kraken_on_loopback();
    std::fs::remove_file(rig.ws.path().join("venues.toml")).unwrap();
    let id = rig.candidate().id;
    rig.engine.promotion().advance_confirmed(confirm(&row(&rig.engine, &id, None))).unwrap();
    let e =
        rig.engine.promotion().advance_confirmed(confirm(&row(&rig.engine, &id, Some(&kraken)))).unwrap_err();
    assert!(matches!(e.domain(), Some(PromotionError::SyntheticKey { .. })), "{e:?}");
    assert_eq!(rig.decision_lines().len(), 1);
}

#[test]
fn an_edited_decision_promotes_nothing() {
    let rig = Rig::new();
    rig.sweep();
    write_relaxed_gates(rig.ws.path());
    let id = rig.candidate().id;
    rig.engine.promotion().advance_confirmed(confirm(&row(&rig.engine, &id, None))).unwrap();
    assert_eq!(row(&rig.engine, &id, None).stage, Stage::Paper);
    // The record's evidence edited by hand: its signature no longer covers it.
    let path = rig.ws.path().join("promotion/decisions.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("best rank 1 of 1", "best rank 1 of 99", 1)).unwrap();
    let v = rig.engine.promotion().show(&id).unwrap();
    assert!(v.decisions.is_empty(), "{v:#?}");
    assert_eq!(v.untrusted.len(), 1);
    assert!(v.untrusted[0].why.contains("signature"), "{:?}", v.untrusted);
    assert_eq!(v.rows[0].stage, Stage::Research);
    // So a session of it does not start on the fake venue.
    let (code, out) = rig.ws.json(&[
        "live",
        "start",
        "--strategy",
        "sma_cross",
        "--param",
        "fast=5",
        "--param",
        "slow=20",
        "--feed",
        "replay:BTCUSD:1h",
        "--venue",
        "fake",
        "--symbol",
        "BTC/USD",
        "--sizing",
        "notional:500",
    ]);
    assert_eq!(code, 3, "{out}");
    assert!(
        out["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with(&format!("promotion: candidate {id} is at research")),
        "{out}"
    );
}

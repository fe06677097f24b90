//! End to end: promotion with the real binary in a pseudo-terminal. A script is refused (exit 3,
//! pointing to the console); in the console's Promotion tab the operator selects the candidate,
//! presses `P`, types a wrong id (nothing is written) and then the right one: the decision is
//! signed with the operator's key from the OS keyring (the console runs in a `keyctl session` of
//! its own, as an operator's login session would give it one), verified on read, journaled on
//! the corridor, and the corridors' audit still verifies. The keys are the terminal's, not a
//! test build's synthetic ones.

#![cfg(unix)]

use std::time::{Duration, Instant};

use quantlab::engine::execution::journal;
use quantlab::engine::execution::model::Event;
use quantlab::engine::execution::paths;
use quantlab::engine::promotion::decisions;
use quantlab::engine::workspace::Workspace;
use serde_json::Value;

use crate::common::corridor::past_the_dwell;
use crate::common::pty::{spawn_console_in, typist, wait_exit, Screen};
use crate::common::{keyctl, promotion::write_relaxed_gates};
use crate::promotion::Rig;

/// Moves the selection until `ok` holds of the screen: one key at a time (`j`, or `k` once the
/// list ends), each time waiting for the screen to show the move before looking again, so a slow
/// redraw cannot make it step past the row it looks for. Fails after 30 s naming `what`.
fn select_row(
    screen: &Screen,
    what: &str,
    send: &mut impl FnMut(&[u8]),
    ok: impl Fn(&str) -> bool,
) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut key: &[u8] = b"j";
    loop {
        let t = screen.text();
        if ok(&t) {
            return t;
        }
        assert!(Instant::now() < deadline, "never {what}; screen:\n{t}");
        send(key);
        let moved = Instant::now() + Duration::from_secs(3);
        while screen.text() == t && Instant::now() < moved {
            std::thread::sleep(Duration::from_millis(50));
        }
        if screen.text() == t {
            // Nothing moved: the end of the list. Walk back the other way.
            key = if key == b"j" { b"k" } else { b"j" };
        }
    }
}

fn show(rig: &Rig, id: &str) -> Value {
    let (code, v) = rig.ws.json(&["promote", "show", id]);
    assert_eq!(code, 0, "{v}");
    v["result"].clone()
}

#[test]
fn promotion_from_the_console_in_a_terminal_is_typed_signed_and_journaled() {
    keyctl();
    let rig = Rig::new();
    rig.sweep();
    // A second candidate, so the operator has to choose the row.
    crate::common::promotion::sweep(&rig.engine, "BTCUSD:1h", "sma_cross", &["fast=10", "slow=30"]);
    write_relaxed_gates(rig.ws.path());
    let kraken = rig.kraken_on_loopback();
    let id = rig.candidate().id;

    // A script cannot promote: exit 3, pointing to the console; nothing written.
    let (code, v) = rig.ws.json(&["promote", "advance", &id]);
    assert_eq!(code, 3, "{v}");
    let why = v["error"]["message"].as_str().unwrap();
    assert!(why.contains("console") && why.contains("Promotion"), "{why}");
    assert!(rig.decision_lines().is_empty());
    let before = show(&rig, &id);
    assert_eq!(before["rows"][0]["stage"], "research", "{before:#}");

    let env = [("QUANTLAB_OPERATOR", "e2e")];
    let (mut child, screen, keys, _fd, _master) =
        spawn_console_in(&rig.ws, &["keyctl", "session", "-"], &[], &env);
    let mut send = typist(keys);
    screen.wait_for("9 Pro");
    send(b"9");
    screen.wait_for(&id);
    // The selected row's gate is titled with its candidate: move down until it is ours.
    let gate_of = format!("gate of {id}");
    select_row(&screen, "selected the candidate", &mut send, |t| t.contains(&gate_of));
    screen.wait_for("✓ ready");

    // P, then a wrong id: refused in the dialog, which stays open; nothing written.
    send(b"P");
    screen.wait_for("Promote this candidate?");
    past_the_dwell();
    let wrong = "cand_not_this_one";
    send(wrong.as_bytes());
    screen.wait_for(&format!("type its id: {wrong}_"));
    send(b"\r");
    screen.wait_for("not promoted: type the candidate's id");
    assert!(rig.decision_lines().is_empty(), "a wrong id writes no decision");
    assert_eq!(show(&rig, &id), before, "a wrong id changes nothing");

    // Backspace takes the wrong text back; the id typed, Enter: promoted to paper.
    send(&vec![0x7f; wrong.len()]);
    screen.wait_for("type its id: _");
    send(id.as_bytes());
    send(b"\r");
    screen.wait_for("promoted from research to paper");
    // Paper holds everywhere; the next stage is the corridor's row: select it, promote again.
    select_row(&screen, "selected the corridor's row", &mut send, |t| {
        t.contains(&gate_of) && t.contains("kraken/main · paper → micro_live") && t.contains("✓ ready")
    });
    send(b"P");
    screen.wait_for("from paper to micro_live, on corridor kraken/main");
    past_the_dwell();
    send(id.as_bytes());
    send(b"\r");
    screen.wait_for("promoted from paper to micro_live on kraken/main");
    send(b"q");
    assert!(wait_exit(&mut child).success());

    // The new stage, from two decisions signed by the operator's key and trusted on read.
    let after = show(&rig, &id);
    let row = after["rows"].as_array().unwrap().iter().find(|r| r["corridor"]["venue"] == "kraken").cloned();
    assert_eq!(row.as_ref().map(|r| r["stage"].clone()), Some("micro_live".into()), "{after:#}");
    assert_eq!(after["untrusted"], Value::Array(vec![]), "{after:#}");
    let made = after["decisions"].as_array().unwrap();
    assert_eq!(made.len(), 2, "{after:#}");
    let ws = Workspace::at(rig.ws.path());
    let read = decisions::read(&ws).unwrap();
    assert_eq!(read.len(), 2);
    for (r, want) in read.iter().zip(["paper", "micro_live"]) {
        assert_eq!(r.untrusted, None, "the signature verifies with a trusted key");
        let d = r.decision.as_ref().unwrap();
        assert_eq!((d.to.name(), d.operator.as_deref()), (want, Some("e2e")));
        assert!(d.signature.is_some() && d.by.contains("typed"), "{d:?}");
    }
    // Journaled on the corridor, hash chained: the audit verifies.
    let entries = journal::read(&paths::journal(&ws, &kraken)).unwrap();
    let decided: Vec<_> = entries
        .iter()
        .filter_map(|e| match &e.event {
            Event::PromotionDecided { decision_id, to, .. } => Some((decision_id.clone(), to.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(decided, vec![(made[1]["id"].as_str().unwrap().to_string(), "micro_live".to_string())]);
    let (code, v) = rig.ws.json(&["audit", "verify"]);
    assert_eq!(code, 0, "{v}");
}

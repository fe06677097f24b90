//! End to end against the loopback simulator: the real `quantlab sim` process serves Kraken;
//! the CLI arms the corridor and creates an intent; the real console in a pseudo-terminal
//! shows it, Enter opens the confirm dialog, y approves and sends; exactly one correctly
//! signed AddOrder reaches the simulator (it verifies every API-Sign and nonce).

#![cfg(unix)]

use crate::common::corridor::*;
use crate::common::pty::*;

use std::io::Write;

use crate::common::Ws;

/// `intent new` on the simulator's Kraken account; its id.
fn new_intent(ws: &Ws, extra: &str) -> String {
    let args =
        format!("intent new --venue kraken --account main --symbol XBTUSD --side buy --qty 0.001 {extra}");
    let (code, v) = cli(ws, &args.split_whitespace().collect::<Vec<_>>());
    assert_eq!(code, 0, "intent: {v}");
    v["result"]["id"].as_str().unwrap().to_string()
}

#[test]
fn an_intent_from_the_cli_is_approved_by_keypress_and_exactly_one_signed_order_reaches_the_venue() {
    let sim = start_sim();
    let ws = armed_workspace(&sim);
    let intent = new_intent(&ws, "--type market");
    // Approving from a script is refused: the keypress is the gate.
    let (code, v) = cli(&ws, &["intent", "approve", &intent]);
    assert_eq!(code, 3, "{v}");
    assert!(sim.placed_kraken_orders().is_empty());

    let (mut child, screen, mut keys, _fd, _master) = review(&ws, &intent);
    screen.wait_for("APPROVE AND SEND");
    assert!(sim.placed_kraken_orders().is_empty(), "nothing is sent before the confirm key");
    past_the_dwell();
    keys.write_all(b"y").unwrap();
    let after = screen.wait_for("filled: signed order out");
    assert!(after.contains("filled: signed order out"), "{after}");

    let placed = sim.placed_kraken_orders();
    assert_eq!(placed.len(), 1, "exactly one order reached the simulator: {placed:?}");
    assert_eq!(placed[0]["caller"], "e2e-key");
    let (code, v) = cli(&ws, &["intent", "show", &intent]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["result"]["status"], "filled", "{v}");

    // The approval is signed and the journal and signatures verify.
    let (code, v) = cli(&ws, &["audit", "verify"]);
    assert_eq!(code, 0, "{v}");
    // The console logs how long its account stream took to put the fill on the status bar.
    // (Printed, not asserted: speed is measured, never a pass/fail condition of a test.)
    keys.write_all(b"q").unwrap();
    let status = wait_exit(&mut child);
    assert!(status.success());
    for f in std::fs::read_dir(ws.path().join("logs")).into_iter().flatten().flatten() {
        let text = std::fs::read_to_string(f.path()).unwrap_or_default();
        for line in text.lines().filter(|l| l.contains("fill event to status bar")) {
            eprintln!("{line}");
        }
    }
}

#[test]
fn a_bracket_is_approved_by_one_keypress_and_its_stop_rests_at_the_venue_once_the_entry_fills() {
    let sim = start_sim();
    let ws = armed_workspace(&sim);
    let intent = new_intent(&ws, "--type market --stop-loss 1000");
    let stop = format!("{intent}.sl");

    let (mut child, screen, mut keys, _fd, _master) = review(&ws, &intent);
    // The dialog names the exit that goes with the entry; one key approves both.
    screen.wait_for("exits stop-loss 1000, sent with it");
    past_the_dwell();
    keys.write_all(b"y").unwrap();
    screen.wait_for("filled: signed order out");
    keys.write_all(b"q").unwrap();
    assert!(wait_exit(&mut child).success());

    assert_eq!(sim.placed_kraken_orders().len(), 1, "the entry and its stop went in one AddOrder");
    let (code, v) = cli(&ws, &["intent", "show", &stop]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["result"]["status"], "open", "the stop rests once the entry filled: {v}");
    let cid = v["result"]["intent"]["client_order_id"].as_str().unwrap().to_string();
    let (code, v) = cli(&ws, &["corridor", "status", "--venue", "kraken", "--account", "main"]);
    assert_eq!(code, 0, "{v}");
    let open = v["result"]["open_orders"].as_array().unwrap();
    assert_eq!(open.len(), 1, "{v}");
    assert_eq!(open[0]["client_order_id"], cid.as_str(), "the venue's close is known by the derived id");
    let (code, v) = cli(&ws, &["audit", "verify"]);
    assert_eq!(code, 0, "{v}");
}

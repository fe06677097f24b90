//! End to end against the loopback simulator: the real `quantlab sim` process serves Kraken;
//! the CLI arms the corridor and creates an intent; the real console in a pseudo-terminal
//! shows it, Enter opens the confirm dialog, y approves and sends; exactly one correctly
//! signed AddOrder reaches the simulator (it verifies every API-Sign and nonce).

#![cfg(unix)]

use crate::common;
use crate::common::pty;
use crate::common::sim_process;

use std::io::Write;
use std::process::Command;

use common::Ws;
use pty::*;
use sim_process::SimProcess;

const CREDENTIAL: &str = "e2e-key:ZTJlLXNpbXVsYXRvci1zZWNyZXQ=";
/// Used only where no keyring can keep the operator's key (a CI box): loopback-only fallback.
const OPERATOR_SEED: &str = "4242424242424242424242424242424242424242424242424242424242424242";

fn start_sim() -> SimProcess {
    SimProcess::start(
        "[market]\nseed = 11\ntick_ms = 100\n[[kraken.accounts]]\napi_key = \"e2e-key\"\n\
         api_secret = \"ZTJlLXNpbXVsYXRvci1zZWNyZXQ=\"\nbalances = { ZUSD = \"100000\" }\n",
    )
}

/// The CLI with the loopback credential (the simulator's endpoint allows it, with a warning).
fn cli(ws: &Ws, args: &[&str]) -> (i32, serde_json::Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_quantlab"))
        .args(["--workspace", ws.path().to_str().unwrap(), "--json"])
        .args(args)
        .env("QUANTLAB_LOOPBACK_CREDENTIAL", CREDENTIAL)
        .env_remove("QUANTLAB_WORKSPACE")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let v = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    (out.status.code().unwrap_or(-1), v)
}

fn policy() -> String {
    quantlab::engine::execution::policy::EXAMPLE
        .replacen("venue = \"fake\"", "venue = \"kraken\"", 1)
        .replacen("symbols = [\"BTC/USD\", \"ETH/USD\"]", "symbols = [\"XBTUSD\"]", 1)
}

/// A workspace whose Kraken account `main` is the simulator's, with the corridor armed.
fn armed_workspace(sim: &SimProcess) -> Ws {
    let ws = Ws::new();
    std::fs::write(ws.path().join("venues.toml"), format!("[kraken.main]\nbase_url = \"{}\"\n", sim.url))
        .unwrap();
    let policy_path =
        quantlab::engine::execution::policy::path(&quantlab::engine::workspace::Workspace::at(ws.path()));
    std::fs::write(ws.path().join(policy_path), policy()).unwrap();
    let (code, v) = cli(&ws, &["corridor", "arm", "--venue", "kraken", "--account", "main"]);
    assert_eq!(code, 0, "arm: {v}");
    assert_eq!(v["result"]["state"], "armed", "{v}");
    ws
}

/// `intent new` on the simulator's Kraken account; its id.
fn new_intent(ws: &Ws, extra: &str) -> String {
    let args =
        format!("intent new --venue kraken --account main --symbol XBTUSD --side buy --qty 0.001 {extra}");
    let (code, v) = cli(ws, &args.split_whitespace().collect::<Vec<_>>());
    assert_eq!(code, 0, "intent: {v}");
    v["result"]["id"].as_str().unwrap().to_string()
}

/// The console on the Corridors tab, with `intent`'s confirm dialog open.
fn review(ws: &Ws, intent: &str) -> Console {
    let (child, screen, mut keys, fd, master) = spawn_console_env(
        ws,
        &[
            ("QUANTLAB_LOOPBACK_CREDENTIAL", CREDENTIAL),
            ("QUANTLAB_OPERATOR", "e2e"),
            ("QUANTLAB_LOOPBACK_OPERATOR_KEY", OPERATOR_SEED),
        ],
    );
    screen.wait_for("7 Corridors");
    keys.write_all(b"7").unwrap();
    screen.wait_for(intent);
    screen.wait_for("ARMED");
    keys.write_all(b"\r").unwrap();
    (child, screen, keys, fd, master)
}

/// The dialog ignores keys for its dwell after it is drawn: the operator reads, then presses.
fn past_the_dwell() {
    std::thread::sleep(quantlab::tui::panes::order_confirm::DWELL + std::time::Duration::from_millis(150));
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

//! A Kraken corridor on the loopback simulator, armed, for end-to-end tests: the simulator
//! process, the CLI with the loopback credential, the console with its confirm dialog open.
#![allow(dead_code)]

use std::io::Write;
use std::process::Command;

use super::pty::*;
use super::sim_process::SimProcess;
use super::Ws;

pub const CREDENTIAL: &str = "e2e-key:ZTJlLXNpbXVsYXRvci1zZWNyZXQ=";
/// Used only where no keyring can keep the operator's key (a CI box): loopback-only fallback.
pub const OPERATOR_SEED: &str = "4242424242424242424242424242424242424242424242424242424242424242";

pub fn start_sim() -> SimProcess {
    SimProcess::start(
        "[market]\nseed = 11\ntick_ms = 100\n[[kraken.accounts]]\napi_key = \"e2e-key\"\n\
         api_secret = \"ZTJlLXNpbXVsYXRvci1zZWNyZXQ=\"\nbalances = { ZUSD = \"100000\" }\n",
    )
}

/// The CLI with the loopback credential (the simulator's endpoint allows it, with a warning).
pub fn cli(ws: &Ws, args: &[&str]) -> (i32, serde_json::Value) {
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

pub fn policy() -> String {
    quantlab::engine::execution::policy::EXAMPLE
        .replacen("venue = \"fake\"", "venue = \"kraken\"", 1)
        .replacen("symbols = [\"BTC/USD\", \"ETH/USD\"]", "symbols = [\"XBTUSD\"]", 1)
}

/// A workspace whose Kraken account `main` is the simulator's, with the corridor armed.
pub fn armed_workspace(sim: &SimProcess) -> Ws {
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

/// The console on the Corridors tab, with `intent`'s confirm dialog open.
pub fn review(ws: &Ws, intent: &str) -> Console {
    let (child, screen, mut keys, fd, master) = spawn_console_env(
        ws,
        &[
            ("QUANTLAB_LOOPBACK_CREDENTIAL", CREDENTIAL),
            ("QUANTLAB_OPERATOR", "e2e"),
            ("QUANTLAB_LOOPBACK_OPERATOR_KEY", OPERATOR_SEED),
        ],
    );
    // The tab bar shortens its titles when counts make it too wide ("7 Corr"): wait for the prefix.
    screen.wait_for("7 Corr");
    keys.write_all(b"7").unwrap();
    screen.wait_for(intent);
    screen.wait_for("ARMED");
    keys.write_all(b"\r").unwrap();
    (child, screen, keys, fd, master)
}

/// The dialog ignores keys for its dwell after it is drawn: the operator reads, then presses.
pub fn past_the_dwell() {
    std::thread::sleep(quantlab::tui::panes::order_confirm::DWELL + std::time::Duration::from_millis(150));
}

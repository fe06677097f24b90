//! `quantlab demo` as a new user runs it, the real binary in a pseudo-terminal in a directory of
//! its own (the demo's workspace is `outputs/demo` there): within a minute of the command the
//! Corridors tab shows the simulator's corridors, `a` arms kraken/main, the demo's live
//! session makes an intent, Enter reviews it, `y` approves it after the dwell and it fills at
//! the simulator; `q` then exits 0 and the simulator's port is closed. `--no-live` starts no
//! simulator and writes no corridors; a live part that cannot start leaves the research
//! console open and says why.

#![cfg(unix)]

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::corridor::past_the_dwell;
use crate::common::pty::*;
use crate::common::Ws;

/// `quantlab --json ARGS` in `cwd` (the demo's default workspace), no credential given.
fn cli(cwd: &Path, args: &[&str]) -> serde_json::Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_quantlab"))
        .current_dir(cwd)
        .args(["--workspace", "outputs/demo", "--json"])
        .args(args)
        .env_remove("QUANTLAB_WORKSPACE")
        .env_remove("QUANTLAB_LOOPBACK_CREDENTIAL")
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// The simulator's address, as the demo wrote it into venues.toml.
fn sim_addr(cwd: &Path) -> String {
    let text = std::fs::read_to_string(cwd.join("outputs/demo/venues.toml")).unwrap();
    let url = text.lines().find_map(|l| l.strip_prefix("base_url = \"")).expect("a base_url");
    let addr = url.trim_end_matches('"').trim_start_matches("http://").to_string();
    assert!(addr.starts_with("127.0.0.1:"), "loopback only: {addr}");
    addr
}

/// The pending intent of the demo's live session, once it has one.
fn wait_pending_intent(cwd: &Path, until: Instant) -> String {
    loop {
        let v = cli(cwd, &["live", "list"]);
        let sessions = v["result"]["sessions"].as_array().cloned().unwrap_or_default();
        if let Some(i) = sessions.iter().find_map(|s| s["pending_intent"].as_str()) {
            return i.to_string();
        }
        assert!(Instant::now() < until, "no intent from the demo's live session in time: {v:#}");
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn the_demo_shows_an_order_waiting_for_the_keypress_within_a_minute() {
    let dir = Ws::new();
    let t0 = Instant::now();
    let minute = t0 + Duration::from_secs(60);
    let (mut child, screen, mut keys, _fd, _master) = spawn_in_dir(dir.path(), &["demo"], &[]);
    screen.wait_for_within("7 Corr", Duration::from_secs(60));
    keys.write_all(b"7").unwrap();
    screen.wait_for("kraken/main");
    screen.wait_for("hyperliquid/main");
    let addr = sim_addr(dir.path());
    // kraken/main is the first corridor, selected: arm it.
    keys.write_all(b"a").unwrap();
    screen.wait_for("ARMED");
    let intent = wait_pending_intent(dir.path(), minute);
    // In the list awaiting approval (not only the status bar's alert naming it): review it.
    screen.wait_for("awaiting approval (1)");
    keys.write_all(b"\r").unwrap();
    screen.wait_for(&intent[..20]);
    screen.wait_for("APPROVE AND SEND");
    screen.wait_for("from live session");
    past_the_dwell();
    keys.write_all(b"y").unwrap();
    screen.wait_for("filled: signed order out");
    assert!(t0.elapsed() < Duration::from_secs(60), "took {:?}", t0.elapsed());
    // The Pre-trade tab's plan is valid under the demo's policy.
    keys.write_all(b"4").unwrap();
    screen.wait_for(" VALID ");
    keys.write_all(b"q").unwrap();
    let status = wait_exit(&mut child);
    assert!(status.success(), "{status:?}");
    assert!(std::net::TcpStream::connect(&addr).is_err(), "the simulator at {addr} outlived the console");
    let v = cli(dir.path(), &["live", "list"]);
    for s in v["result"]["sessions"].as_array().unwrap() {
        assert!(["stopped", "completed"].contains(&s["status"].as_str().unwrap()), "{s:#}");
    }
    // The approval is the demo's own key's, trusted for loopback only; the promotion says who made it.
    let ops = std::fs::read_to_string(dir.path().join("outputs/demo/operators.json")).unwrap();
    assert!(ops.contains("\"demo\"") && ops.contains("loopback_environment"), "{ops}");
    let decisions =
        std::fs::read_to_string(dir.path().join("outputs/demo/promotion/decisions.jsonl")).unwrap();
    assert!(decisions.contains("demo (loopback only)"), "{decisions}");
}

#[test]
fn the_demo_without_its_live_part_starts_no_simulator_and_writes_no_corridors() {
    let dir = Ws::new();
    let (mut child, screen, mut keys, _fd, _master) = spawn_in_dir(dir.path(), &["demo", "--no-live"], &[]);
    screen.wait_for_within("7 Corr", Duration::from_secs(60));
    keys.write_all(b"7").unwrap();
    screen.wait_for("no corridors: write a policy");
    keys.write_all(b"q").unwrap();
    assert!(wait_exit(&mut child).success());
    let ws = dir.path().join("outputs/demo");
    assert!(ws.join("demo.json").exists());
    for f in ["venues.toml", "execution_policy.toml", "sim"] {
        assert!(!ws.join(f).exists(), "{f} written with --no-live");
    }
}

#[test]
fn a_live_part_that_cannot_start_leaves_the_research_console_and_says_why() {
    let dir = Ws::new();
    let built = std::process::Command::new(env!("CARGO_BIN_EXE_quantlab"))
        .current_dir(dir.path())
        .args(["demo", "--no-console"])
        .env_remove("QUANTLAB_WORKSPACE")
        .output()
        .unwrap();
    assert!(built.status.success());
    // Where the simulator's folder goes, a file: its config cannot be written.
    std::fs::write(dir.path().join("outputs/demo/sim"), "in the way").unwrap();
    let (mut child, screen, mut keys, _fd, _master) = spawn_in_dir(dir.path(), &["demo"], &[]);
    screen.wait_for_within("7 Corr", Duration::from_secs(60));
    screen.wait_for("DEMO_LIVE_OFF");
    keys.write_all(b"q").unwrap();
    assert!(wait_exit(&mut child).success());
    let v = cli(dir.path(), &["alerts", "list"]);
    let text = v.to_string();
    assert!(text.contains("the demo's live part is off"), "{v:#}");
}

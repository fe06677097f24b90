//! End to end: the real binary in a pseudo-terminal. Open the console, switch tabs, open
//! help, quit; the screen is read back through a terminal emulator, and the terminal must be
//! restored afterwards (raw mode off, alternate screen left, cursor shown).

#![cfg(unix)]

use crate::common;
use crate::common::pty;

use std::time::{Duration, Instant};

use common::Ws;
use portable_pty::PtySize;
use pty::*;

/// The kill switch from the keyboard of the real binary: K, then y, halts the fake venue's
/// corridor and cancels its open order; the halt outlives the console.
#[test]
fn the_kill_switch_from_the_keyboard() {
    let ws = Ws::new();
    assert_eq!(ws.json(&["policy", "init"]).0, 0);
    let (_, v) = ws.fake_intent(&[]);
    let id = v["result"]["id"].as_str().unwrap().to_string();
    assert_eq!(ws.json(&["submit", &id]).0, 0);

    let (mut child, screen, writer, _, _master) = spawn_console(&ws);
    let mut send = typist(writer);
    screen.wait_for("QuantLab");
    send(b"K");
    screen.wait_for("KILL SWITCH");
    send(b"y");
    let s = screen.wait_for("HALTED");
    assert!(s.contains("all corridors (kill switch)"), "{s}");
    send(b"q");
    assert!(wait_exit(&mut child).success());

    let (_, v) = ws.json(&["intent", "show", &id]);
    assert_eq!(v["result"]["status"], "cancelled", "{v}");
    let (_, v) = ws.json(&["corridors"]);
    assert!(v["result"]["corridors"][0]["halted"].is_string(), "{v}");
}

#[test]
fn console_opens_switches_tabs_shows_help_quits_and_restores_the_terminal() {
    let ws = Ws::new();
    let id = ws.import_btc();
    let (code, _) = ws.json(&["run", "--data", &id, "--strategy", "sma_cross"]);
    assert_eq!(code, 0);

    let (mut child, screen, writer, fd, _master) = spawn_console(&ws);
    let mut send = typist(writer);

    let first = screen.wait_for("sma_cross");
    assert!(first.contains("QuantLab") && first.contains("1 Runs (1)"), "{first}");
    assert!(!canonical(fd), "the console runs in raw mode");
    send(b"3");
    screen.wait_for("no alerts");
    send(b"2");
    screen.wait_for("no sweeps yet");
    send(b"?");
    screen.wait_for("Keys (Esc closes");
    send(b"\x1b");
    std::thread::sleep(Duration::from_millis(300));
    send(b"q");

    let status = wait_exit(&mut child);
    assert!(status.success(), "{status:?}");
    assert_restored(&screen, fd);
}

/// A resize redraws the whole screen at the new size; SIGTERM (a service manager, or a closed
/// SSH session's SIGHUP) leaves the console with the terminal restored, like a quit.
#[test]
fn resize_redraws_and_sigterm_restores_the_terminal() {
    let ws = Ws::new();
    let (mut child, screen, _writer, fd, master) = spawn_console(&ws);
    screen.wait_for("1 Runs");
    master.resize(PtySize { rows: 24, cols: 80, pixel_width: 0, pixel_height: 0 }).unwrap();
    // The emulator keeps 120 columns; a redraw at 80 puts the clock's "UTC" near column 80.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let t = screen.text();
        let header = t.lines().next().unwrap_or_default().to_string();
        if header.trim_end().ends_with("UTC") && header.trim_end().chars().count() <= 80 {
            break;
        }
        assert!(Instant::now() < deadline, "no redraw at 80 columns:\n{t}");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!canonical(fd));
    let pid = child.process_id().expect("a pid") as i32;
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let status = wait_exit(&mut child);
    assert!(status.success(), "SIGTERM is an orderly exit: {status:?}");
    assert_restored(&screen, fd);
}

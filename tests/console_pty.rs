//! End to end: the real binary in a pseudo-terminal. Open the console, switch tabs, open
//! help, quit; the screen is read back through a terminal emulator, and the terminal must be
//! restored afterwards (raw mode off, alternate screen left, cursor shown).

#![cfg(unix)]

mod common;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::Ws;
use portable_pty::{native_pty_system, CommandBuilder, PtySize};

struct Screen {
    bytes: Arc<Mutex<Vec<u8>>>,
}

impl Screen {
    fn text(&self) -> String {
        let mut p = vt100::Parser::new(40, 120, 0);
        p.process(&self.bytes.lock().unwrap());
        p.screen().contents()
    }

    fn wait_for(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let t = self.text();
            if t.contains(needle) {
                return t;
            }
            assert!(Instant::now() < deadline, "'{needle}' never appeared; screen:\n{t}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// ICANON and ECHO are off in raw mode and back on once the terminal is restored.
fn canonical(fd: i32) -> bool {
    let mut t: libc::termios = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::tcgetattr(fd, &mut t) }, 0);
    t.c_lflag & libc::ICANON != 0 && t.c_lflag & libc::ECHO != 0
}

/// The child, its screen, its keyboard, the master's fd, and the master itself (kept open for
/// as long as the test reads the terminal's modes).
type Console = (
    Box<dyn portable_pty::Child + Send + Sync>,
    Screen,
    Box<dyn Write + Send>,
    i32,
    Box<dyn portable_pty::MasterPty + Send>,
);

/// The real binary's console on `ws` in a 120x40 pseudo-terminal.
fn spawn_console(ws: &Ws) -> Console {
    let pty = native_pty_system()
        .openpty(PtySize { rows: 40, cols: 120, pixel_width: 0, pixel_height: 0 })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_quantlab"));
    cmd.args(["--workspace", ws.path().to_str().unwrap(), "console"]);
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("NO_COLOR");
    let child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);
    let fd = pty.master.as_raw_fd().expect("a unix pty");
    let mut reader = pty.master.try_clone_reader().unwrap();
    let writer = pty.master.take_writer().unwrap();
    let bytes = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&bytes);
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    (child, Screen { bytes }, writer, fd, pty.master)
}

/// The terminal as it was before the console: alternate screen left, cursor shown, raw mode off.
fn assert_restored(screen: &Screen, fd: i32) {
    std::thread::sleep(Duration::from_millis(200));
    let out = screen.bytes.lock().unwrap().clone();
    let text = String::from_utf8_lossy(&out);
    let entered = text.rfind("\x1b[?1049h").expect("entered the alternate screen");
    let left = text.rfind("\x1b[?1049l").expect("left the alternate screen");
    assert!(left > entered);
    assert!(
        text[left..].contains("\x1b[?25h") || text[..left].rfind("\x1b[?25h").is_some_and(|p| p > entered),
        "cursor shown again"
    );
    assert!(canonical(fd), "raw mode is off after the console ends");
}

fn wait_exit(child: &mut Box<dyn portable_pty::Child + Send + Sync>) -> portable_pty::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        assert!(Instant::now() < deadline, "the console did not quit on q");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The kill switch from the keyboard of the real binary: K, then y, halts the fake venue's
/// corridor and cancels its open order; the halt outlives the console.
#[test]
fn the_kill_switch_from_the_keyboard() {
    let ws = Ws::new();
    assert_eq!(ws.json(&["policy", "init"]).0, 0);
    let (_, v) = ws.json(&[
        "intent",
        "new",
        "--venue",
        "fake",
        "--account",
        "main",
        "--symbol",
        "BTC/USD",
        "--side",
        "buy",
        "--qty",
        "0.002",
        "--price",
        "49900",
    ]);
    let id = v["result"]["id"].as_str().unwrap().to_string();
    assert_eq!(ws.json(&["submit", &id]).0, 0);

    let (mut child, screen, mut writer, _, _master) = spawn_console(&ws);
    let mut send = |s: &[u8]| {
        writer.write_all(s).unwrap();
        writer.flush().unwrap();
    };
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

    let (mut child, screen, mut writer, fd, _master) = spawn_console(&ws);
    let mut send = |s: &[u8]| {
        writer.write_all(s).unwrap();
        writer.flush().unwrap();
    };

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

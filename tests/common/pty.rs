//! Pseudo-terminal helpers for the end-to-end tests: the real binary's console in a 120x40
//! pty, its screen read back through a terminal emulator, and checks that the terminal was
//! restored.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, CommandBuilder, PtySize};

use crate::common::Ws;

pub struct Screen {
    pub bytes: Arc<Mutex<Vec<u8>>>,
}

impl Screen {
    pub fn text(&self) -> String {
        let mut p = vt100::Parser::new(40, 120, 0);
        p.process(&self.bytes.lock().unwrap());
        p.screen().contents()
    }

    pub fn wait_for(&self, needle: &str) -> String {
        self.wait_for_within(needle, Duration::from_secs(20))
    }

    /// [`Screen::wait_for`] with a deadline of `within`.
    pub fn wait_for_within(&self, needle: &str, within: Duration) -> String {
        let deadline = Instant::now() + within;
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
pub fn canonical(fd: i32) -> bool {
    let mut t: libc::termios = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::tcgetattr(fd, &mut t) }, 0);
    t.c_lflag & libc::ICANON != 0 && t.c_lflag & libc::ECHO != 0
}

/// The child, its screen, its keyboard, the master's fd, and the master itself (kept open for
/// as long as the test reads the terminal's modes).
pub type Console = (
    Box<dyn portable_pty::Child + Send + Sync>,
    Screen,
    Box<dyn Write + Send>,
    i32,
    Box<dyn portable_pty::MasterPty + Send>,
);

/// A console's keyboard as a function that types each key sequence at once (written and
/// flushed), for tests that press keys.
pub fn typist(mut keys: Box<dyn Write + Send>) -> impl FnMut(&[u8]) {
    move |b| {
        keys.write_all(b).unwrap();
        keys.flush().unwrap();
    }
}

/// The real binary's console on `ws` in a 120x40 pseudo-terminal.
pub fn spawn_console(ws: &Ws) -> Console {
    spawn_console_env(ws, &[])
}

/// The same with extra environment variables.
pub fn spawn_console_env(ws: &Ws, env: &[(&str, &str)]) -> Console {
    spawn_console_in(ws, &[], &[], env)
}

/// The console started through `wrapper` (a command that runs the rest, e.g.
/// `keyctl session -`), with global `flags` (e.g. `-vv`) and extra environment variables.
pub fn spawn_console_in(ws: &Ws, wrapper: &[&str], flags: &[&str], env: &[(&str, &str)]) -> Console {
    let pty = native_pty_system()
        .openpty(PtySize { rows: 40, cols: 120, pixel_width: 0, pixel_height: 0 })
        .unwrap();
    let bin = env!("CARGO_BIN_EXE_quantlab");
    let mut cmd = CommandBuilder::new(wrapper.first().copied().unwrap_or(bin));
    if let Some(rest) = wrapper.get(1..) {
        cmd.args(rest);
        cmd.arg(bin);
    }
    cmd.args(flags);
    cmd.args(["--workspace", ws.path().to_str().unwrap(), "console"]);
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    launch(pty, cmd)
}

/// The real binary in a 120x40 pseudo-terminal, run in `cwd` with `args` (no `--workspace`
/// added: the command chooses its own, e.g. the demo's `outputs/demo` under `cwd`).
pub fn spawn_in_dir(cwd: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Console {
    let pty = native_pty_system()
        .openpty(PtySize { rows: 40, cols: 120, pixel_width: 0, pixel_height: 0 })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_quantlab"));
    cmd.args(args);
    cmd.cwd(cwd);
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("NO_COLOR");
    cmd.env_remove("QUANTLAB_WORKSPACE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    launch(pty, cmd)
}

fn launch(pty: portable_pty::PtyPair, cmd: CommandBuilder) -> Console {
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
pub fn assert_restored(screen: &Screen, fd: i32) {
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

pub fn wait_exit(child: &mut Box<dyn portable_pty::Child + Send + Sync>) -> portable_pty::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        assert!(Instant::now() < deadline, "the console did not quit on q");
        std::thread::sleep(Duration::from_millis(50));
    }
}

//! Drive the console through messages and draw it into a TestBackend, as the headless tests
//! do; and compare screens with recorded snapshots.
#![allow(dead_code)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use quantlab::engine::gate::TerminalKey;
use quantlab::engine::workspace::Workspace;
use quantlab::engine::Engine;
use quantlab::tui::app::{App, Msg};
use quantlab::tui::draw::{self, Ctx};
use quantlab::tui::jobs::{self, Cmd};
use quantlab::tui::keymap::Keymap;
use quantlab::tui::screens::Screen;
use quantlab::tui::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use crate::common::Ws;

pub struct Harness {
    pub engine: Engine,
    pub app: App,
    pub keymap: Keymap,
    pub theme: Theme,
}

impl Harness {
    pub fn new(ws: &Ws) -> Harness {
        // Paper sessions started from the console run in this build's binary, not the test's.
        let engine = Engine::open(Workspace::at(ws.path())).with_runner(env!("CARGO_BIN_EXE_quantlab"));
        let mut app = App::new("outputs".into(), "2026-11-25 12:00".into());
        // The order dialog's dwell runs on this clock; `advance` moves it without sleeping.
        app.fixed_instant = Some(std::time::Instant::now());
        let mut h =
            Harness { engine, app, keymap: Keymap::defaults(), theme: Theme::builtin("default").unwrap() };
        let cmds = h.app.startup();
        h.run_cmds(cmds);
        h
    }

    /// Execute background commands synchronously, feeding results back, until none remain.
    pub fn run_cmds(&mut self, mut cmds: Vec<Cmd>) {
        while let Some(c) = cmds.pop() {
            let r = jobs::execute(&self.engine, c);
            cmds.extend(self.app.update(Msg::Done(r), &self.keymap));
        }
    }

    /// The registered tab of type `T`.
    pub fn tab<T: Screen>(&self) -> &T {
        self.app.tab_as::<T>().expect("a registered tab")
    }

    pub fn tab_mut<T: Screen>(&mut self) -> &mut T {
        self.app.tab_as_mut::<T>().expect("a registered tab")
    }

    /// The open view, if it is a `T`.
    pub fn view<T: Screen>(&self) -> Option<&T> {
        self.app.view_as::<T>()
    }

    /// The periodic tick the console's input thread sends.
    pub fn tick(&mut self) {
        let cmds = self.app.update(Msg::Tick, &self.keymap);
        self.run_cmds(cmds);
    }

    pub fn key(&mut self, code: KeyCode) {
        self.key_mod(code, KeyModifiers::NONE);
    }

    pub fn key_mod(&mut self, code: KeyCode, mods: KeyModifiers) {
        self.key_event(KeyEvent::new(code, mods));
    }

    /// Any key event (a repeat, a release) as the terminal reports it.
    pub fn key_event(&mut self, ev: KeyEvent) {
        let cmds = self.app.update(Msg::Key(TerminalKey::synthetic(ev)), &self.keymap);
        self.run_cmds(cmds);
    }

    /// A bracketed paste.
    pub fn paste(&mut self, text: &str) {
        let cmds = self.app.update(Msg::Paste(text.into()), &self.keymap);
        self.run_cmds(cmds);
    }

    /// Move the console's monotonic clock on.
    pub fn advance(&mut self, by: std::time::Duration) {
        let now = self.app.instant();
        self.app.fixed_instant = Some(now + by);
    }

    pub fn text(&mut self, s: &str) {
        for c in s.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    pub fn screen(&mut self, w: u16, h: u16) -> String {
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
        self.app.page = draw::body_rows(h);
        let cx = Ctx { theme: &self.theme, keymap: &self.keymap };
        term.draw(|f| draw::draw(f, &self.app, &cx)).unwrap();
        // As the console's event loop does after each frame.
        let at = self.app.instant();
        self.app.drawn(at);
        let buf = term.backend().buffer().clone();
        let mut s = String::new();
        for y in 0..h {
            for x in 0..w {
                s.push_str(buf[(x, y)].symbol());
            }
            s.push('\n');
        }
        s
    }
}

/// Ids and times change every run; everything else on screen is deterministic.
pub fn normalize(screen: &str) -> String {
    let c: Vec<char> = screen.chars().collect();
    let digits = |s: &[char]| s.iter().all(|x| x.is_ascii_digit());
    let word = |x: char| x.is_ascii_alphanumeric() || x == '_';
    let mut out = String::new();
    let mut i = 0;
    'scan: while i < c.len() {
        // An id after its kind (run_, sweep_, ...), whole or cut by a narrow column.
        for k in ["run_", "sweep_", "pf_", "al_", "ds_", "wf_"] {
            let k: Vec<char> = k.chars().collect();
            if i + k.len() < c.len() && c[i..i + k.len()] == k[..] && c[i + k.len()].is_ascii_digit() {
                out.extend(k.iter());
                out.push_str("<ID>");
                i += k.len();
                while i < c.len() && word(c[i]) {
                    i += 1;
                }
                continue 'scan;
            }
        }
        // A run's short id, its hash's first 6 to 8 hex digits, first in a runs table's row
        // (after the border and the mark column).
        if c[i] == '│' && i + 2 < c.len() && matches!(c[i + 1], ' ' | '●') {
            let hex =
                c[i + 2..].iter().take_while(|x| x.is_ascii_digit() || ('a'..='f').contains(*x)).count();
            if (6..=8).contains(&hex) && c.get(i + 2 + hex) == Some(&' ') {
                out.push(c[i]);
                out.push(c[i + 1]);
                out.push_str("<ID>");
                i += 2 + hex;
                continue;
            }
        }
        // yyyymmddThhmmssZ_xxxxxxxx without its kind (the runs table trims it).
        if i + 9 <= c.len() && digits(&c[i..i + 8]) && c[i + 8] == 'T' {
            out.push_str("<ID>");
            i += 9;
            while i < c.len() && word(c[i]) {
                i += 1;
            }
            continue;
        }
        // A wall-clock time 2020-..2099-, whole or cut (the data's own dates are older).
        if i + 7 <= c.len()
            && digits(&c[i..i + 4])
            && c[i] == '2'
            && c[i + 1] == '0'
            && c[i + 2] >= '2'
            && c[i + 4] == '-'
            && digits(&c[i + 5..i + 7])
        {
            out.push_str("<TIME>");
            i += 7;
            // Date, then a clock after a space or a T, with fractions and a Z.
            let clock_sep =
                |i: usize| matches!(c[i], ' ' | 'T' | '.') && i + 1 < c.len() && c[i + 1].is_ascii_digit();
            while i < c.len() && (c[i].is_ascii_digit() || matches!(c[i], ':' | '-' | 'Z') || clock_sep(i)) {
                i += 1;
            }
            continue;
        }
        // A fragment of a stamp left visible beside a popup: `T` and two or more of the clock's
        // digits (one digit is a target label, T1..T3).
        if c[i] == 'T'
            && (i == 0 || !word(c[i - 1]))
            && i + 2 < c.len()
            && c[i + 1].is_ascii_digit()
            && c[i + 2].is_ascii_digit()
        {
            out.push_str("T<D>");
            i += 1;
            while i < c.len() && c[i].is_ascii_digit() {
                i += 1;
            }
            continue;
        }
        out.push(c[i]);
        i += 1;
    }
    out.lines().map(|l| l.trim_end()).collect::<Vec<_>>().join("\n") + "\n"
}

/// Compare a screen, normalized, with its snapshot tests/snapshots/console/NAME.snap (insta).
/// A difference fails the test and leaves the new screen beside it as NAME.snap.new, for
/// `cargo insta review`; only an explicit `INSTA_UPDATE=always` overwrites the snapshot, and in
/// CI nothing is written.
pub fn snapshot(name: &str, screen: &str) {
    let got = normalize(screen);
    insta::with_settings!({
        snapshot_path => "../snapshots/console",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, got);
    });
}

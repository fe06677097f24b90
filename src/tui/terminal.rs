//! Entering and leaving the terminal's raw, alternate-screen mode, and making sure we always
//! leave it: on return, on error, on panic, and on SIGTERM/SIGHUP.

use std::io::{stdout, Stdout, Write};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use crossterm::cursor::{Hide, Show};
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::execute;
use crossterm::terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

pub(super) type Term = Terminal<CrosstermBackend<Stdout>>;

/// Restore the terminal; safe to call more than once.
pub(super) fn restore() {
    let _ = disable_raw_mode();
    let mut out = stdout();
    let _ = execute!(out, DisableBracketedPaste, LeaveAlternateScreen, Show);
    let _ = out.flush();
}

pub(super) fn enter() -> std::io::Result<Term> {
    // A panic on the UI thread ends the console: restore before the default hook prints, so
    // the message lands on a sane screen. A worker's panic is caught and reported as a failed
    // job (jobs::spawn); printing it would scribble over the screen, so it goes to the log.
    let ui = std::thread::current().id();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() == ui {
            restore();
            previous(info);
        } else {
            tracing::error!("panic in a console worker: {info}");
        }
    }));
    enable_raw_mode()?;
    let mut out = stdout();
    // Bracketed paste: a paste arrives as one event, never as keys a dialog could take.
    if let Err(e) = execute!(out, EnterAlternateScreen, Hide, EnableBracketedPaste) {
        restore();
        return Err(e);
    }
    Terminal::new(CrosstermBackend::new(out))
}

/// A flag raised by SIGTERM or SIGHUP (a closed SSH session), checked by the main loop.
pub(super) fn termination_flag() -> std::io::Result<Arc<AtomicBool>> {
    let flag = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        signal_hook::flag::register(sig, Arc::clone(&flag))?;
    }
    Ok(flag)
}

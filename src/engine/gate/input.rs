//! Keys as the terminal delivered them. A [`TerminalKey`] is made only by [`read`], from the
//! terminal's own input queue; code that wants to press a key has no constructor to call. A
//! build with the `test-keys` feature (the test suite's: never the shipped binary) can also
//! make synthetic keys, and those are marked: a confirmation made from one approves nothing on
//! a corridor whose venue is not loopback.

use std::io;
use std::time::Duration;

use crossterm::event::{self, Event, KeyEvent, KeyEventKind};

/// Where a key came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The terminal's input queue: a person at the keyboard (or a pseudo-terminal).
    Terminal,
    /// Made by code in a build with the `test-keys` feature.
    Synthetic,
}

/// A key event with its origin; the fields are private to this module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalKey {
    event: KeyEvent,
    origin: Origin,
}

impl TerminalKey {
    pub fn event(&self) -> &KeyEvent {
        &self.event
    }

    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// A key no terminal delivered, for tests that drive the console headless. Only in builds
    /// with the `test-keys` feature; what it confirms reaches loopback venues only.
    #[cfg(any(test, feature = "test-keys"))]
    pub fn synthetic(event: KeyEvent) -> TerminalKey {
        TerminalKey { event, origin: Origin::Synthetic }
    }
}

/// One input from the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Key(TerminalKey),
    /// Bracketed paste: text, never keys.
    Paste(String),
    Resize,
}

/// The next input within `wait`, if any. Key releases and events the console does not use
/// (mouse, focus) are read and dropped.
pub fn read(wait: Duration) -> io::Result<Option<Input>> {
    if !event::poll(wait)? {
        return Ok(None);
    }
    Ok(match event::read()? {
        Event::Key(k) if k.kind != KeyEventKind::Release => {
            Some(Input::Key(TerminalKey { event: k, origin: Origin::Terminal }))
        }
        Event::Paste(text) => Some(Input::Paste(text)),
        Event::Resize(..) => Some(Input::Resize),
        _ => None,
    })
}

// Bypass: make a key "from the terminal" in code, to press the order dialog's confirm key
// without a keyboard.
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use quantlab::engine::gate::{Origin, TerminalKey};

fn main() {
    let _ = TerminalKey { event: KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE), origin: Origin::Terminal };
}

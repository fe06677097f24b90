//! [`KeyChord`]: one key plus modifiers, as written in keymap files and shown in the footer.

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Modifiers we distinguish; SUPER/HYPER/META vary too much between terminals to bind.
const MODS: KeyModifiers = KeyModifiers::CONTROL.union(KeyModifiers::ALT).union(KeyModifiers::SHIFT);

/// One key with modifiers. Always normalised: SHIFT is folded into the character (`G`, `?`) and
/// shift+tab is `BackTab`, because terminals disagree on whether they report SHIFT for those.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyChord {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl KeyChord {
    pub fn new(code: KeyCode, mods: KeyModifiers) -> KeyChord {
        let mut mods = mods & MODS;
        let code = match code {
            KeyCode::Char(c) if mods.contains(KeyModifiers::SHIFT) => KeyCode::Char(c.to_ascii_uppercase()),
            KeyCode::Tab if mods.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            other => other,
        };
        if matches!(code, KeyCode::Char(_) | KeyCode::BackTab) {
            mods.remove(KeyModifiers::SHIFT);
        }
        KeyChord { code, mods }
    }

    /// Parses `q`, `Q`, `ctrl+c`, `alt+x`, `shift+tab`, `enter`, `pgdn`, `f5`, `space`, `?` ...
    /// Also accepts what [`label`](Self::label) prints (`^c`, `↑`, `PgDn`, `S-Tab`), so keys can be
    /// copied from the help overlay. Named keys are case-insensitive; single characters are not.
    pub fn parse(s: &str) -> Result<KeyChord, String> {
        const PREFIXES: [(&str, KeyModifiers); 8] = [
            ("ctrl+", KeyModifiers::CONTROL),
            ("control+", KeyModifiers::CONTROL),
            ("alt+", KeyModifiers::ALT),
            ("shift+", KeyModifiers::SHIFT),
            ("^", KeyModifiers::CONTROL),
            ("c-", KeyModifiers::CONTROL),
            ("m-", KeyModifiers::ALT),
            ("s-", KeyModifiers::SHIFT),
        ];
        if s.is_empty() {
            return Err("empty key name".into());
        }
        let (mut rest, mut mods) = (s, KeyModifiers::NONE);
        // A prefix only counts if something follows it, so "^", "+" and "s" stay plain keys.
        while let Some((p, m)) = PREFIXES.iter().find(|(p, _)| {
            rest.len() > p.len() && rest.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p))
        }) {
            mods |= *m;
            rest = &rest[p.len()..];
        }
        let lower = rest.to_ascii_lowercase();
        let fkey = lower
            .strip_prefix('f')
            .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|n| n.parse::<u8>().ok())
            .filter(|n| (1..=12).contains(n));
        if let Some(n) = fkey {
            return Ok(KeyChord::new(KeyCode::F(n), mods));
        }
        let code = match lower.as_str() {
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "space" => KeyCode::Char(' '),
            "backspace" | "bksp" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "insert" | "ins" => KeyCode::Insert,
            "up" | "↑" => KeyCode::Up,
            "down" | "↓" => KeyCode::Down,
            "left" | "←" => KeyCode::Left,
            "right" | "→" => KeyCode::Right,
            "pgup" | "pageup" => KeyCode::PageUp,
            "pgdn" | "pgdown" | "pagedown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            _ => {
                let mut chars = rest.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => KeyCode::Char(c),
                    _ => return Err(format!("unknown key \"{s}\"")),
                }
            }
        };
        Ok(KeyChord::new(code, mods))
    }

    /// Short display for the footer and help, e.g. `^c`, `↑`, `PgDn`, `Enter`, `Space`, `S-Tab`.
    pub fn label(&self) -> String {
        let mut out = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            out.push('^');
        }
        if self.mods.contains(KeyModifiers::ALT) {
            out.push_str("M-");
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            out.push_str("S-");
        }
        let name = match self.code {
            KeyCode::Enter => "Enter",
            KeyCode::Esc => "Esc",
            KeyCode::Tab => "Tab",
            KeyCode::BackTab => "S-Tab",
            KeyCode::Char(' ') => "Space",
            KeyCode::Backspace => "Bksp",
            KeyCode::Delete => "Del",
            KeyCode::Insert => "Ins",
            KeyCode::Up => "↑",
            KeyCode::Down => "↓",
            KeyCode::Left => "←",
            KeyCode::Right => "→",
            KeyCode::PageUp => "PgUp",
            KeyCode::PageDown => "PgDn",
            KeyCode::Home => "Home",
            KeyCode::End => "End",
            KeyCode::F(n) => return format!("{out}F{n}"),
            KeyCode::Char(c) => return format!("{out}{c}"),
            other => return format!("{out}{other:?}"),
        };
        out + name
    }

    /// True for a press (or auto-repeat) of this chord; releases never match, so Windows
    /// terminals that report them do not fire actions twice. `G` matches with or without SHIFT.
    pub fn matches(&self, ev: &KeyEvent) -> bool {
        ev.kind != KeyEventKind::Release
            && KeyChord::new(ev.code, ev.modifiers) == KeyChord::new(self.code, self.mods)
    }
}

/// Config-file spelling (`ctrl+c`, `backtab`, `pgdn`, `space`); `parse` reads it back.
impl fmt::Display for KeyChord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (m, p) in
            [(KeyModifiers::CONTROL, "ctrl+"), (KeyModifiers::ALT, "alt+"), (KeyModifiers::SHIFT, "shift+")]
        {
            if self.mods.contains(m) {
                f.write_str(p)?;
            }
        }
        let name = match self.code {
            KeyCode::Enter => "enter",
            KeyCode::Esc => "esc",
            KeyCode::Tab => "tab",
            KeyCode::BackTab => "backtab",
            KeyCode::Char(' ') => "space",
            KeyCode::Backspace => "backspace",
            KeyCode::Delete => "delete",
            KeyCode::Insert => "insert",
            KeyCode::Up => "up",
            KeyCode::Down => "down",
            KeyCode::Left => "left",
            KeyCode::Right => "right",
            KeyCode::PageUp => "pgup",
            KeyCode::PageDown => "pgdn",
            KeyCode::Home => "home",
            KeyCode::End => "end",
            KeyCode::F(n) => return write!(f, "f{n}"),
            KeyCode::Char(c) => return write!(f, "{c}"),
            other => return write!(f, "{other:?}"),
        };
        f.write_str(name)
    }
}
